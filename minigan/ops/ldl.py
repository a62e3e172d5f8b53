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

Both run a Python loop over the columns of each matrix, on the host: they suit small matrices. Neither has
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

#: What ``linalg.ldl_factor`` returns, as ``torch.return_types.linalg_ldl_factor``: ``.LD``, ``.pivots``.
LdlFactorResult = namedtuple("linalg_ldl_factor", ["LD", "pivots"])
#: What ``linalg.ldl_factor_ex`` returns: ``.LD``, ``.pivots``, ``.info``.
LdlFactorExResult = namedtuple("linalg_ldl_factor_ex", ["LD", "pivots", "info"])


def _swap(a: np.ndarray, first: Any, second: Any) -> None:
    a[first], a[second] = a[second].copy(), a[first].copy()


def _fma(a: Any, b: Any, c: Any) -> np.ndarray:
    """a * b + c rounded once, as the fused multiply-adds of PyTorch's LAPACK round it (the pivots of a
    nearly singular matrix hang on it); the plain a * b + c where that is inf or NaN."""
    a, b, c = np.broadcast_arrays(np.asarray(a), np.asarray(b), np.asarray(c))
    plain = a * b + c
    return np.where(np.isfinite(plain), fused_multiply_add(a, b, c), plain)


def sytf2_lower(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(LD, pivots, info) of one n x n matrix from its lower triangle, LAPACK's sytf2 step by step, in a's
    precision (0-based positions, 1-based pivots and info)."""
    a = np.tril(a).copy()
    n = a.shape[0]
    one = a.dtype.type(1)
    alpha = (one + np.sqrt(a.dtype.type(17))) / a.dtype.type(8)  # Bunch-Kaufman's growth bound
    pivots = np.zeros(n, dtype=np.int32)
    info, k = 0, 0
    while k < n:
        step = 1
        absakk = abs(a[k, k])
        imax, colmax = k, a.dtype.type(0)
        if k < n - 1:
            imax = k + 1 + int(np.argmax(np.abs(a[k + 1:, k])))
            colmax = abs(a[imax, k])
        if (absakk if absakk > colmax else colmax) == 0:
            # D[k, k] and the column below it are zero (the MAX PyTorch's LAPACK runs keeps the second of a NaN pair)
            info, kp = info or k + 1, k
        else:
            if absakk >= alpha * colmax:
                kp = k
            else:
                jmax = k + int(np.argmax(np.abs(a[imax, k:imax])))
                rowmax = abs(a[imax, jmax])
                if imax < n - 1:
                    below = imax + 1 + int(np.argmax(np.abs(a[imax + 1:, imax])))
                    rowmax = max(rowmax, abs(a[below, imax]))
                if absakk >= alpha * colmax * (colmax / rowmax):
                    kp = k
                elif abs(a[imax, imax]) >= alpha * rowmax:
                    kp = imax
                else:
                    kp, step = imax, 2
            kk = k + step - 1
            if kp != kk:  # swap rows and columns kk and kp of the trailing lower triangle
                _swap(a, (slice(kp + 1, None), kk), (slice(kp + 1, None), kp))
                _swap(a, (slice(kk + 1, kp), kk), (kp, slice(kk + 1, kp)))
                _swap(a, (kk, kk), (kp, kp))
                if step == 2:
                    _swap(a, (k + 1, k), (kp, k))
            if step == 1 and k < n - 1:
                d11 = one / a[k, k]
                x = a[k + 1:, k].copy()
                update = _fma(x[:, None], -d11 * x, a[k + 1:, k + 1:])
                a[k + 1:, k + 1:] = np.where(x == 0, a[k + 1:, k + 1:], update)  # BLAS's syr skips x[j] = 0
                a[k + 1:, k] = x * d11
            elif step == 2 and k < n - 2:
                d21 = a[k + 1, k]
                d11, d22 = a[k + 1, k + 1] / d21, a[k, k] / d21
                d21 = (one / (d11 * d22 - one)) / d21
                first, second = a[k + 2:, k].copy(), a[k + 2:, k + 1].copy()
                wk = d21 * _fma(d11, first, -second)
                wkp1 = d21 * _fma(d22, second, -first)
                trailing = _fma(-first[:, None], wk, a[k + 2:, k + 2:])
                a[k + 2:, k + 2:] = _fma(-second[:, None], wkp1, trailing)
                a[k + 2:, k], a[k + 2:, k + 1] = wk, wkp1
        pivots[k:k + step] = kp + 1 if step == 1 else -(kp + 1)
        k += step
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
    LD, pivots = np.empty_like(flat), np.empty((flat.shape[0], n), dtype=np.int32)
    info = np.zeros(flat.shape[0], dtype=np.int32)
    with np.errstate(all="ignore"):  # a zero or tiny pivot gives LAPACK's inf and NaN, not a warning
        for i, matrix in enumerate(flat):
            LD[i], pivots[i], info[i] = sytf2_lower(matrix)
    backend = backend_of(A.array)
    result = without_derivative(_constant(backend.asarray(LD.reshape(A.shape))), "linalg.ldl_factor", A,
                                error=RuntimeError("derivative for aten::linalg_ldl_factor_ex is not implemented"))
    return result, pivots.reshape(batch + (n,)), info.reshape(batch)


def ldl_factor_ex(A: Tensor, *, hermitian: bool = False, check_errors: bool = False) -> LdlFactorExResult:
    """(LD, pivots, info) of A's lower triangle (``hermitian`` makes no difference for real matrices): info is 0,
    or the 1-based index of D's first zero 1x1 block, where LD is still complete, as LAPACK's.
    ``check_errors`` raises for such a matrix instead."""
    LD, pivots, info = _factor(A)
    if check_errors and info.any():
        raise _singular("torch.linalg.ldl_factor_ex", info)
    backend = backend_of(LD.array)
    return LdlFactorExResult(LD, _constant(backend.asarray(pivots)), _constant(backend.asarray(info)))


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
    for row in pivots.reshape(-1, n):
        k = 0
        while k < n:
            if row[k] < 0 and (k == n - 1 or row[k + 1] != row[k]):
                raise RuntimeError(f"{name}: the pivots {row.tolist()} are not ldl_factor's: a negative pivot "
                                   "(a 2x2 block) comes as two equal ones")
            k += 1 if row[k] > 0 else 2


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
    ld = np.broadcast_to(to_numpy(LD.array), batch + (n, n)).reshape(-1, n, n)
    piv = np.broadcast_to(host_pivots, batch + (n,)).reshape(-1, n)
    b = np.broadcast_to(to_numpy(B.array), batch + B.shape[-2:]).reshape((-1,) + B.shape[-2:])
    X = np.empty_like(b)
    with np.errstate(all="ignore"):  # a singular D gives LAPACK's inf and NaN
        for i in range(b.shape[0]):
            X[i] = sytrs_lower(ld[i], piv[i], b[i])
    result = _constant(backend_of(LD.array).asarray(X.reshape(batch + B.shape[-2:])))
    return without_derivative(result, "linalg.ldl_solve", LD, B,
                              error=RuntimeError("derivative for aten::linalg_ldl_solve is not implemented"))
