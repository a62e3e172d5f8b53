"""The LDL factorisation of real symmetric matrices as PyTorch's ``linalg.ldl_factor_ex(A, *, hermitian=False,
check_errors=False)`` (LD, pivots, info), ``linalg.ldl_factor`` (LD, pivots) and ``linalg.ldl_solve(LD, pivots,
B, *, hermitian=False)``, batched. Only A's lower triangle is read: P A P^T = L D L^T, with L unit lower
triangular and D block diagonal of 1x1 and 2x2 blocks.

The factorisation is LAPACK's unblocked sytf2 on the lower triangle (Bunch-Kaufman diagonal pivoting), so LD
and pivots are those LAPACK's sytrf gives for matrices smaller than its block size (64), PyTorch's. ``LD`` holds
L below D's blocks and D on its diagonal and first subdiagonal (upper triangle zero). ``pivots`` (int32,
1-based) are LAPACK's: pivots[k] = p > 0 is a 1x1 block after swapping rows and columns k and p;
pivots[k] = pivots[k+1] = -p < 0 is a 2x2 block after swapping k+1 and p. ``info`` is 0, or the 1-based index
of the first exactly zero D[k, k] of a 1x1 block. ``ldl_solve`` is LAPACK's sytrs, the same steps read back.

Both run on the host: the factorisation as one Python loop over the columns, each step NumPy operations over
the whole batch; the solve as a Python loop over the columns of each matrix. Neither has
a derivative, as in PyTorch: the results require grad when an input does, and a backward pass reaching them
raises PyTorch's error."""
from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from .exact import fused_multiply_add
from .linalg import square_matrices
from .linalg_extras import singular_error
from .lu import _read_on_the_host
from .no_derivative import without_derivative
from .operands import _constant
from ..torch_api.out_argument import takes_out

#: What ``linalg.ldl_factor`` returns, as ``torch.return_types.linalg_ldl_factor``: ``.LD``, ``.pivots``.
LdlFactorResult = namedtuple("linalg_ldl_factor", ["LD", "pivots"])
#: What ``linalg.ldl_factor_ex`` returns: ``.LD``, ``.pivots``, ``.info``.
LdlFactorExResult = namedtuple("linalg_ldl_factor_ex", ["LD", "pivots", "info"])


def _swap(a: np.ndarray, first: Any, second: Any) -> None:
    a[first], a[second] = a[second].copy(), a[first].copy()


def _fma(a: Any, b: Any, c: Any) -> np.ndarray:
    """a * b + c rounded once, as the fused multiply-adds of PyTorch's LAPACK round it (the pivots of a
    nearly singular matrix hang on it); the plain a * b + c where that is inf or NaN. A column a and a
    row b are split before they broadcast against c (the same bits, less work)."""
    plain = a * b + c
    return np.where(np.isfinite(plain), fused_multiply_add(a, b, c), plain)


def _mirrored(blocks: np.ndarray) -> np.ndarray:
    """Square blocks with their lower triangles copied into their upper ones (a copy)."""
    return np.where(np.tri(blocks.shape[-1], dtype=bool), blocks, np.swapaxes(blocks, -1, -2))


def _largest(magnitudes: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Per row, the largest of the magnitudes where ``inside`` holds (NaN if one of them is, as the
    entry argmax finds)."""
    return np.max(np.where(inside, magnitudes, -np.inf), axis=-1)


def _pivot(a: np.ndarray, at: np.ndarray, every: Any, k: int, alpha: Any) -> tuple[np.ndarray, ...]:
    """(kp, step, zero): Bunch-Kaufman's choice at column k for the matrices a[at] (a[every]), sytf2's tests
    on their symmetric trailing blocks: keep k (1x1), or swap in row imax (1x1, or 2x2 with k + 1)."""
    n = a.shape[-1]
    kp, step = np.full(at.size, k), np.ones(at.size, dtype=np.int64)
    absakk = np.abs(a[every, k, k])
    if k == n - 1:
        return kp, step, ~(absakk > 0)  # NaN too: sytf2 compares max(|a[k, k]|, 0) with 0
    below = np.abs(a[every, k + 1:, k])
    imax = k + 1 + np.argmax(below, axis=-1)
    colmax = np.max(below, axis=-1)  # |a[imax, k]|, NaN where argmax found one
    zero = np.where(absakk > colmax, absakk, colmax) == 0  # the MAX PyTorch's LAPACK runs keeps a NaN second
    stay = zero | (absakk >= alpha * colmax)
    if stay.all():
        return kp, step, zero
    row = np.abs(a[at, imax, :])  # row imax from column k, then its column below the diagonal (a is symmetric)
    columns = np.arange(n)
    rowmax = _largest(row, (columns >= k) & (columns < imax[:, None]))
    below_imax = _largest(row, columns > imax[:, None])
    rowmax = np.where(below_imax > rowmax, below_imax, rowmax)  # Python's max(rowmax, below_imax), as before
    stay |= absakk >= alpha * colmax * (colmax / rowmax)
    single = stay | (row[np.arange(at.size), imax] >= alpha * rowmax)
    return np.where(stay, k, imax), np.where(single, 1, 2), zero


def _swap_symmetric(a: np.ndarray, chosen: np.ndarray, k: int, kk: np.ndarray, kp: np.ndarray) -> None:
    """Swap rows and columns kk and kp of the symmetric trailing blocks a[chosen, k:, k:] (for a 2x2 block,
    kk = k + 1: rows kk and kp of column k too), as sytf2 does in their lower triangles."""
    pair = np.stack([kk, kp], axis=-1)
    a[chosen[:, None], pair, k:] = a[chosen[:, None], pair[:, ::-1], k:]
    rows = np.arange(k, a.shape[-1])[:, None]
    a[chosen[:, None, None], rows, pair[:, None, :]] = a[chosen[:, None, None], rows, pair[:, None, ::-1]]


def sytf2_lower(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(LD, pivots, info) of a batch (B, n, n) of matrices from their lower triangles, LAPACK's sytf2 step by
    step, in a's precision (0-based positions, 1-based pivots and info). One pass over the columns serves
    the whole batch: a matrix whose last step was a 2x2 block sits out the next column. The trailing blocks
    are kept symmetric, so a row holds what sytf2 reads in its column."""
    a = _mirrored(a)
    batch, n = a.shape[0], a.shape[-1]
    one = a.dtype.type(1)
    alpha = (one + np.sqrt(a.dtype.type(17))) / a.dtype.type(8)  # Bunch-Kaufman's growth bound
    pivots = np.zeros((batch, n), dtype=np.int32)
    info = np.zeros(batch, dtype=np.int32)
    upcoming = np.zeros(batch, dtype=np.int64)  # each matrix's next column
    everyone = np.arange(batch)
    for k in range(n):
        at = everyone[upcoming == k]
        if at.size == 0:
            continue
        every = slice(None) if at.size == batch else at  # a slice reads and writes in place, with no copy
        kp, step, zero = _pivot(a, at, every, k, alpha)
        if zero.any():  # D[k, k] and the column below it are zero: no step
            info[at[zero & (info[at] == 0)]] = k + 1
        kk = k + step - 1
        swapping = kp != kk
        if swapping.any():
            _swap_symmetric(a, at[swapping], k, kk[swapping], kp[swapping])
        ones, twos = ~zero & (step == 1), step == 2
        if k < n - 1 and ones.any():
            ones = every if ones.all() else at[ones]
            d11 = one / a[ones, k, k]
            x = a[ones, k + 1:, k]
            block = a[ones, k + 1:, k + 1:]
            update = _fma(x[:, :, None], (-d11[:, None] * x)[:, None, :], block)
            a[ones, k + 1:, k + 1:] = _mirrored(np.where((x == 0)[:, None, :], block, update))  # syr skips x[j] = 0
            a[ones, k + 1:, k] = x * d11[:, None]
        if twos.any():
            pivots[at[twos], k + 1] = -(kp[twos] + 1)
        if k < n - 2 and twos.any():
            twos = every if twos.all() else at[twos]
            d21 = a[twos, k + 1, k]
            d11, d22 = a[twos, k + 1, k + 1] / d21, a[twos, k, k] / d21
            d21 = ((one / (d11 * d22 - one)) / d21)[:, None]
            first, second = a[twos, k + 2:, k], a[twos, k + 2:, k + 1]
            wk = d21 * _fma(d11[:, None], first, -second)
            wkp1 = d21 * _fma(d22[:, None], second, -first)
            trailing = _fma(-first[:, :, None], wk[:, None, :], a[twos, k + 2:, k + 2:])
            a[twos, k + 2:, k + 2:] = _mirrored(_fma(-second[:, :, None], wkp1[:, None, :], trailing))
            a[twos, k + 2:, k], a[twos, k + 2:, k + 1] = wk, wkp1
        pivots[at, k] = np.where(step == 1, kp + 1, -(kp + 1))
        upcoming[at] = k + step
    return np.tril(a), pivots, info


def _factor(A: Any) -> tuple[Tensor, np.ndarray, np.ndarray]:
    name = "torch.linalg.ldl_factor_ex"
    A = square_matrices(name, A)
    if A.dtype == np.float16:
        raise NotImplementedError("\"ldl_factor_kernel_cpu\" not implemented for 'Half'")
    _read_on_the_host("the LDL factorisation's pivot search (the order depends on the values)")
    host = backend_of(A.array).to_numpy(A.array)
    n, batch = A.shape[-1], A.shape[:-2]
    flat = host.reshape((math.prod(batch), n, n))
    with np.errstate(all="ignore"):  # a zero or tiny pivot gives LAPACK's inf and NaN, not a warning
        LD, pivots, info = sytf2_lower(flat)
    backend = backend_of(A.array)
    result = without_derivative(_constant(backend.asarray(LD.reshape(A.shape))), "linalg.ldl_factor", A,
                                error=RuntimeError("derivative for aten::linalg_ldl_factor_ex is not implemented"))
    return result, pivots.reshape(batch + (n,)), info.reshape(batch)


@takes_out
def ldl_factor_ex(A: Tensor, *, hermitian: bool = False, check_errors: bool = False) -> LdlFactorExResult:
    """(LD, pivots, info) of A's lower triangle (``hermitian`` makes no difference for real matrices): info is 0,
    or the 1-based index of D's first zero 1x1 block, where LD is still complete, as LAPACK's.
    ``check_errors`` raises for such a matrix instead."""
    LD, pivots, info = _factor(A)
    if check_errors and info.any():
        raise _singular("torch.linalg.ldl_factor_ex", info)
    backend = backend_of(LD.array)
    return LdlFactorExResult(LD, _constant(backend.asarray(pivots)), _constant(backend.asarray(info)))


@takes_out
def ldl_factor(A: Tensor, *, hermitian: bool = False) -> LdlFactorResult:
    """(LD, pivots) of A's lower triangle: P A P^T = L D L^T; LinAlgError where D has a zero 1x1 block."""
    LD, pivots, info = _factor(A)
    if info.any():
        raise _singular("torch.linalg.ldl_factor", info)
    return LdlFactorResult(LD, _constant(backend_of(LD.array).asarray(pivots)))


def _singular(name: str, info: np.ndarray) -> Exception:
    # PyTorch 2.14 reports this case as an internal assertion ("Unknown error code"); minigan says what it is.
    return singular_error(name, "The factorization is complete, but D[{0},{0}] is exactly zero, so D is singular "
                                "and the factors cannot solve a system.", info)


def sytrs_lower(ld: np.ndarray, pivots: np.ndarray, b: np.ndarray) -> np.ndarray:
    """X with A X = b for one matrix's (LD, pivots) from sytf2_lower (0-based rows), LAPACK's sytrs."""
    b = b.copy()
    n = ld.shape[0]
    k = 0
    while k < n:  # L D Y = P b
        p = abs(int(pivots[k])) - 1
        if pivots[k] > 0:
            _swap(b, k, p)
            b[k + 1:] -= np.outer(ld[k + 1:, k], b[k])
            b[k] = b[k] / ld[k, k]
            k += 1
            continue
        _swap(b, k + 1, p)
        b[k + 2:] -= np.outer(ld[k + 2:, k], b[k])
        b[k + 2:] -= np.outer(ld[k + 2:, k + 1], b[k + 1])
        d21 = ld[k + 1, k]
        d11, d22 = ld[k, k] / d21, ld[k + 1, k + 1] / d21
        denominator = d11 * d22 - 1
        first, second = b[k] / d21, b[k + 1] / d21
        b[k], b[k + 1] = (d22 * first - second) / denominator, (d11 * second - first) / denominator
        k += 2
    k = n - 1
    while k >= 0:  # L^T P^T X = Y
        b[k] -= ld[k + 1:, k] @ b[k + 1:]
        if pivots[k] > 0:
            _swap(b, k, int(pivots[k]) - 1)
            k -= 1
            continue
        b[k - 1] -= ld[k + 1:, k - 1] @ b[k + 1:]
        _swap(b, k, -int(pivots[k]) - 1)
        k -= 2
    return b


def _check_pivots(name: str, pivots: np.ndarray, n: int) -> None:
    if pivots.size and np.abs(pivots).max() > n:
        raise RuntimeError("Pivots given to ldl_solve must all satisfy |pivot| <= LD.size(-2). Did you properly pass "
                           "the result of ldl_factor?")
    if pivots.size and np.abs(pivots).min() < 1:
        raise RuntimeError("Pivots given to ldl_solve must all satisfy |pivot| >= 1. Did you properly pass the "
                           "result of ldl_factor?")
    for row in pivots.reshape((pivots.size // n if n else 0, n)):
        k = 0
        while k < n:
            if row[k] < 0 and (k == n - 1 or row[k + 1] != row[k]):
                raise RuntimeError(f"{name}: the pivots {row.tolist()} are not ldl_factor's: a negative pivot "
                                   "(a 2x2 block) comes as two equal ones")
            k += 1 if row[k] > 0 else 2


@takes_out
def ldl_solve(LD: Tensor, pivots: Tensor, B: Tensor, *, hermitian: bool = False) -> Tensor:
    """X with A X = B, from ldl_factor's (LD, pivots) of A; the batch dimensions of LD and B broadcast.
    B is a batch of matrices, as PyTorch's."""
    name = "torch.linalg.ldl_solve"
    LD = square_matrices(name, LD)
    pivots = pivots if isinstance(pivots, Tensor) else Tensor._make(np.asarray(pivots), False, None)
    B = B if isinstance(B, Tensor) else as_tensor(B)
    if pivots.shape != LD.shape[:-1]:
        raise RuntimeError(f"{name}: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with "
                           f"shape {list(pivots.shape)} instead")
    if pivots.dtype.kind not in "iu":
        raise RuntimeError(f"{name}: Expected pivots to be integers. Got {scalar_type_name(pivots.dtype)}")
    if B.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(B.ndim, 1)}, "
                         f"{max(B.ndim, 1) - 1}], but got -2)")
    if B.dtype != LD.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {scalar_type_name(B.dtype)} "
                           f"and A of type {scalar_type_name(LD.dtype)} instead.")
    n = LD.shape[-1]
    if B.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is {n} by {n} but each b matrix is "
                           f"{B.shape[-2]} by {B.shape[-1]}")
    try:
        batch = np.broadcast_shapes(LD.shape[:-2], B.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{name}: the batch dimensions of LD {list(LD.shape[:-2])} and B {list(B.shape[:-2])} do "
                           "not broadcast") from None
    _read_on_the_host(f"{name}'s pivots, read on the host")
    host_pivots = backend_of(pivots.array).to_numpy(pivots.array).astype(np.int64)
    _check_pivots(name, host_pivots, n)
    to_numpy = backend_of(LD.array).to_numpy
    count = math.prod(batch)  # not reshape's -1, which NumPy cannot work out for 0 x 0 matrices
    ld = np.broadcast_to(to_numpy(LD.array), batch + (n, n)).reshape((count, n, n))
    piv = np.broadcast_to(host_pivots, batch + (n,)).reshape((count, n))
    b = np.broadcast_to(to_numpy(B.array), batch + B.shape[-2:]).reshape((count,) + B.shape[-2:])
    X = np.empty_like(b)
    with np.errstate(all="ignore"):  # a singular D gives LAPACK's inf and NaN
        for i in range(count):  # sytrs's loop over the columns is cheap: the batch vectorised cost more
            X[i] = sytrs_lower(ld[i], piv[i], b[i])
    result = _constant(backend_of(LD.array).asarray(X.reshape(batch + B.shape[-2:])))
    return without_derivative(result, "linalg.ldl_solve", LD, B,
                              error=RuntimeError("derivative for aten::linalg_ldl_solve is not implemented"))
