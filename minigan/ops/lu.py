"""The LU factorisation with partial pivoting as PyTorch's ``linalg.lu_factor(A, *, pivot=True)`` (LU,
pivots), ``linalg.lu_factor_ex`` (LU, pivots, info), ``linalg.lu`` (P, L, U), ``torch.lu_unpack`` and
``linalg.lu_solve(LU, pivots, B, *, left=True, adjoint=False)``, batched: A = P L U for an m x n A, with
k = min(m, n), L m x k unit lower triangular, U k x n upper triangular.

The pivot of each column is the first entry of largest magnitude on or below the diagonal, as LAPACK's
getrf chooses it, so P is PyTorch's; ``pivots`` are getrf's (int32, 1-based: at step i, row i was
swapped with row pivots[i]). The search is a plain step off the graph (:func:`pivot_rows`); the op,
``LuFactor``, is the elimination of A's rows in that order, whose gradient is a closed form written in
Tensor ops (triangular solves), so second derivatives record. ``lu_unpack`` and ``lu_solve`` are built
from tril/triu, ``solve_triangular`` and a constant permutation matrix, so their gradients reach the
packed LU and B as PyTorch's do."""
from __future__ import annotations

import math
import warnings
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor, active_recorder, as_tensor
from ..autograd.function import Context, Function
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from .arithmetic import matmul
from .elementwise import where
from .linalg import LinAlgError, _mT, matrices, square_matrices
from .operands import _constant
from .reorder import tril, triu
from .shape import concatenate
from .triangular import solve_triangular
from ..torch_api.out_argument import takes_out

#: What ``linalg.lu_factor`` returns, as ``torch.return_types.linalg_lu_factor``: ``.LU``, ``.pivots``.
LuFactorResult = namedtuple("linalg_lu_factor", ["LU", "pivots"])
#: What ``linalg.lu_factor_ex`` returns: ``.LU``, ``.pivots``, ``.info``.
LuFactorExResult = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
#: What ``linalg.lu`` returns: ``.P``, ``.L``, ``.U``.
LuResult = namedtuple("linalg_lu", ["P", "L", "U"])
#: What ``torch.lu_unpack`` returns: ``.P``, ``.L``, ``.U``.
LuUnpackResult = namedtuple("lu_unpack", ["P", "L", "U"])
#: What the deprecated ``torch.lu(A, get_infos=True)`` returns: ``.LU``, ``.pivots``, ``.info``.
LuWithInfoResult = namedtuple("_lu_with_info", ["LU", "pivots", "info"])

_LU_DEPRECATED = ("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be "
                  "removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced "
                  "with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, "
                  "compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = "
                  "torch.linalg.lu_factor_ex(A, compute_pivots)")
_LU_SOLVE_DEPRECATED = ("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a future "
                        "PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\nX = "
                        "torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B)")


def eliminate(a: np.ndarray, search: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(lu, rows, pivots, info) of a batch (B, m, n) of NumPy matrices by Gaussian elimination, column by
    column. With ``search``, column j's pivot is the first entry of largest magnitude in rows j..m-1, and
    that row is swapped into place (whole rows, as getrf's swaps); without, rows stay in order. ``rows``
    (B, m) is the order of A's rows in P^T A; ``pivots`` (B, k) getrf's 1-based swaps; ``info`` (B,) the
    1-based column of the first zero pivot, 0 if none. A zero pivot over a column of zeros is left
    unscaled, as getrf leaves it; over anything else (possible only without a search) it divides to inf
    or NaN, as PyTorch says."""
    lu = np.array(a, copy=True)
    batch, m, n = lu.shape
    k = min(m, n)
    every = np.arange(batch)
    rows = np.tile(np.arange(m), (batch, 1))
    pivots = np.tile(np.arange(1, k + 1, dtype=np.int32), (batch, 1))
    info = np.zeros(batch, dtype=np.int32)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for j in range(k):
            if search:
                p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)  # argmax: the first of equal magnitudes
                pivots[:, j] = p + 1
                lu[every, j], lu[every, p] = lu[every, p], lu[every, j]
                rows[every, j], rows[every, p] = rows[every, p], rows[every, j]
            pivot = lu[:, j, j]
            zero = pivot == 0
            info[(info == 0) & zero] = j + 1
            divisor = np.where(zero & ~np.any(lu[:, j + 1:, j] != 0, axis=1), 1, pivot)
            lu[:, j + 1:, j] *= (1 / divisor)[:, None]  # getrf scales by the reciprocal
            lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, None, j, j + 1:]
    return lu, rows, pivots, info


def _read_on_the_host(what: str) -> None:
    """A step captured by minigan.replay.compile cannot replay a choice made from the values: it runs eagerly."""
    recorder = active_recorder()
    if recorder is not None:
        recorder.unsupported(what)


def pivot_rows(A: Tensor, pivot: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, pivots, info) of A's matrices, NumPy arrays of A's batch shape plus (m,), (k,) and ()."""
    _read_on_the_host("the LU factorisation's pivot search (the row order depends on the values)")
    host = backend_of(A.array).to_numpy(A.array)
    m, n = host.shape[-2:]
    batch = host.shape[:-2]
    _, rows, pivots, info = eliminate(host.reshape((math.prod(batch), m, n)), pivot)
    return rows.reshape(batch + (m,)), pivots.reshape(batch + (min(m, n),)), info.reshape(batch)


def rows_from_pivots(pivots: np.ndarray, m: int) -> np.ndarray:
    """The order of A's rows in P^T A from getrf's swaps: row i swapped with row pivots[i] - 1, in turn."""
    flat = pivots.reshape((math.prod(pivots.shape[:-1]), pivots.shape[-1])).astype(np.int64) - 1
    rows = np.tile(np.arange(m), (flat.shape[0], 1))
    every = np.arange(flat.shape[0])
    for i in range(flat.shape[1]):
        p = flat[:, i]
        rows[every, i], rows[every, p] = rows[every, p], rows[every, i]
    return rows.reshape(pivots.shape[:-1] + (m,))


def permutation(rows: np.ndarray, like: Tensor) -> Tensor:
    """P as a constant of ``like``'s dtype and device: P[r, i] = 1 where r = rows[i], so P^T A = A[rows]."""
    m = rows.shape[-1]
    matrix = (np.arange(m)[:, None] == rows[..., None, :]).astype(like.dtype)
    return _constant(backend_of(like.array).asarray(matrix))


def _unit_lower(x: Tensor) -> Tensor:
    """x's strict lower triangle with ones on the diagonal (L, read off a packed LU)."""
    return where(np.eye(*x.shape[-2:], dtype=bool), 1.0, tril(x, -1))


class LuFactor(Function):
    """f = LU: P^T A = L U in one matrix (L below the diagonal, U on and above; A's rows in the order ``rows``);
    dL/dA = P [L1^-T M U1^-T, L1^-T gU2; gL2 U1^-T, .], M as below.

    k = min(m, n); L1, U1 are the leading k x k blocks, L2 the rows of L past k, U2 the columns of U past k,
    gL/gU the parts of g they hold, and M = tril(L1^T gL1 - gU2 U2^T, -1) + triu(gU1 U1^T - L2^T gL2) (from
    L1^-1 P^T dA U1^-1 = L1^-1 dL1 + dU1 U1^-1, strictly lower plus upper). U1 must be invertible (A of
    full rank), as PyTorch's."""

    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, rows: np.ndarray) -> Any:
        backend = backend_of(a)
        host = backend.to_numpy(a)
        m, n = host.shape[-2:]
        ordered = np.take_along_axis(host, rows[..., None], axis=-2)
        flat = ordered.reshape((math.prod(host.shape[:-2]), m, n))
        return backend.asarray(eliminate(flat, search=False)[0].reshape(host.shape))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        lu = ctx.output
        m, n = lu.shape[-2:]
        k = min(m, n)
        square, g = lu[..., :k, :k], grad[..., :k, :k]
        lower, upper = _unit_lower(square), triu(square)
        low_part = matmul(_mT(lower), tril(g, -1))
        up_part = matmul(triu(g), _mT(upper))
        if n > k:
            low_part = low_part - matmul(grad[..., :k, k:], _mT(lu[..., :k, k:]))
        if m > k:
            up_part = up_part - matmul(_mT(lu[..., k:, :k]), grad[..., k:, :k])
        inner = tril(low_part, -1) + triu(up_part)
        # L1^-T M, then (.) U1^-T: the transposed square reads L1^T above its diagonal, U1^T on and below
        try:
            top = solve_triangular(_mT(square), inner, upper=True, unitriangular=True)
            top = solve_triangular(_mT(square), top, upper=False, left=False)
            if n > k:
                right = solve_triangular(_mT(square), grad[..., :k, k:], upper=True, unitriangular=True)
                top = concatenate([top, right], -1)
            if m > k:
                below = solve_triangular(_mT(square), grad[..., k:, :k], upper=False, left=False)
                top = concatenate([top, below], -2)
        except LinAlgError:
            raise LinAlgError("linalg.lu_factor: its gradient needs A of full rank, but U has a zero on its diagonal "
                              "(PyTorch's gradient is inf or NaN there)") from None
        return (matmul(permutation(ctx.options["rows"], lu), top),)


def _matrices(name: str, A: Any) -> Tensor:
    return matrices(name, A, too_few="Expected tensor with 2 or more dimensions. Got size: {shape} instead")


def _singular(name: str, info: np.ndarray) -> LinAlgError:
    where_ = int(np.argwhere(info.reshape(-1) > 0)[0, 0])
    batch = f"(Batch element {where_}): " if info.ndim else ""
    column = int(info.reshape(-1)[where_])
    return LinAlgError(f"{name}: {batch}U[{column},{column}] is zero and using it on lu_solve would result in a "
                       "division by zero. If you still want to perform the factorization, consider calling "
                       "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def _factor(name: str, A: Any, pivot: bool) -> tuple[Tensor, np.ndarray, np.ndarray]:
    """(LU, pivots, info), the last two NumPy arrays."""
    A = _matrices(name, A)
    rows, pivots, info = pivot_rows(A, pivot)
    return LuFactor.apply(A, rows=rows), pivots, info


@takes_out
def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False) -> LuFactorExResult:
    """(LU, pivots, info): info (int32, one per matrix) is 0, or the 1-based column of U's first zero on
    its diagonal (A singular). ``pivot=False`` eliminates without row swaps (PyTorch's CPU refuses it;
    its CUDA computes it), pivots then 1..k."""
    LU, pivots, info = _factor("torch.lu_factor", A, pivot)
    if check_errors and info.any():
        raise _singular("torch.linalg.lu_factor_ex", info)
    backend = backend_of(LU.array)
    return LuFactorExResult(LU, _constant(backend.asarray(pivots)), _constant(backend.asarray(info)))


@takes_out
def lu_factor(A: Tensor, *, pivot: bool = True) -> LuFactorResult:
    """(LU, pivots) of A = P L U; LinAlgError where a matrix is singular (U has a zero on its diagonal)."""
    LU, pivots, info = _factor("torch.lu_factor", A, pivot)
    if info.any():
        raise _singular("torch.linalg.lu_factor", info)
    return LuFactorResult(LU, _constant(backend_of(LU.array).asarray(pivots)))


def _int_tensor(pivots: Any) -> Tensor:
    """Pivots as a Tensor, a NumPy array or list keeping its integer dtype."""
    return pivots if isinstance(pivots, Tensor) else Tensor._make(np.asarray(pivots), False, None)


def _rows(name: str, LU: Tensor, pivots: Tensor) -> np.ndarray:
    """The order of A's rows in P^T A from lu_factor's pivots (each in 1..m, as lu_factor gives them)."""
    _read_on_the_host(f"{name}'s pivots, read on the host")
    host = backend_of(pivots.array).to_numpy(pivots.array)
    if host.size and (host.min() < 1 or host.max() > LU.shape[-2]):
        raise RuntimeError(f"pivots passed to {name} must be between 1 and LU.size(-2) inclusive.Did you properly "
                           "pass the result of lu_factor?")
    return rows_from_pivots(host, LU.shape[-2])


@takes_out
def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True) -> LuUnpackResult:
    """(P, L, U) from lu_factor's (LU, pivots): P m x m, L m x k with ones on its diagonal, U k x n.
    ``unpack_data=False`` gives empty L and U, ``unpack_pivots=False`` an empty P."""
    LU = _matrices("torch.lu_unpack", LU_data)
    pivots = _int_tensor(LU_pivots)
    if pivots.dtype != np.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.")
    if pivots.shape != LU.shape[:-2] + (min(LU.shape[-2:]),):
        raise ValueError(f"Expected LU_pivots to have shape {list(LU.shape[:-2] + (min(LU.shape[-2:]),))} but got "
                         f"{list(pivots.shape)} instead.")
    m, n = LU.shape[-2:]
    k = min(m, n)
    empty = _constant(backend_of(LU.array).xp.zeros((0,), dtype=LU.array.dtype, device=LU.array.device))
    P = empty
    if unpack_pivots:
        P = permutation(_rows("lu_unpack", LU, pivots), LU)
    if not unpack_data:
        return LuUnpackResult(P, empty, empty)
    return LuUnpackResult(P, _unit_lower(LU[..., :, :k]), triu(LU[..., :k, :]))


@takes_out
def lu(A: Tensor, *, pivot: bool = True) -> LuResult:
    """(P, L, U) with A = P L U (L = LU's unit lower part, U its upper part); no error for a singular
    matrix, as PyTorch's. ``pivot=False``: A = L U and an empty P."""
    LU, pivots, _ = _factor("linalg.lu", A, pivot)
    P, L, U = lu_unpack(LU, _constant(backend_of(LU.array).asarray(pivots)), unpack_pivots=pivot)
    return LuResult(P, L, U)


@takes_out
def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False) -> Tensor:
    """X with A X = B, given lu_factor's (LU, pivots) of a square A; A^T X = B with ``adjoint``; X A = B
    (X A^T = B) with ``left=False``. Batched and broadcast; the gradient reaches LU (each triangle the
    part that is read) and B."""
    name = "linalg.lu_solve"
    LU = square_matrices(f"torch.{name}", LU)
    pivots = _int_tensor(pivots)
    if pivots.dtype != np.int32:
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type torch.int32")
    n = LU.shape[-1]
    if pivots.ndim == 0 or pivots.shape[-1] != n:
        raise RuntimeError(f"{name}: Number of pivots per batch should be same as the dimension of the matrix")
    if pivots.shape[:-1] != LU.shape[:-2]:
        raise RuntimeError(f"{name}: the pivots' batch shape {list(pivots.shape[:-1])} is not LU's "
                           f"{list(LU.shape[:-2])}")
    B = B if isinstance(B, Tensor) else as_tensor(B)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if B.dtype != LU.dtype:
        raise RuntimeError(f"{name}: Expected LU and B to have the same dtype, but found LU of type "
                           f"{scalar_type_name(LU.dtype)} and B of type {scalar_type_name(B.dtype)} instead")
    if (B.shape[-2] if left else B.shape[-1]) != n:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {equation} ({n}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    P = permutation(_rows("lu_solve", LU, pivots), LU)
    # A X = B: X = U^-1 L^-1 P^T B;  A^T X = B: X = P L^-T U^-T B;  X A = B is A^T X^T = B^T, and so on
    transposed = not left
    rhs = _mT(B) if transposed else B
    try:
        if adjoint != transposed:
            x = solve_triangular(_mT(LU), rhs, upper=False)
            x = matmul(P, solve_triangular(_mT(LU), x, upper=True, unitriangular=True))
        else:
            x = solve_triangular(LU, matmul(_mT(P), rhs), upper=False, unitriangular=True)
            x = solve_triangular(LU, x, upper=True)
    except LinAlgError:
        raise LinAlgError(f"{name}: U has a zero on its diagonal (the matrix is singular), so the system has no "
                          "unique solution (PyTorch returns inf or NaN there)") from None
    return _mT(x) if transposed else x


@takes_out(name="lu")
def lu_deprecated(A: Tensor, pivot: bool = True, get_infos: bool = False) -> Any:
    """The deprecated ``torch.lu`` (and ``A.lu()``): (LU, pivots) as lu_factor_ex, with info too when
    ``get_infos``; no error for a singular matrix. It warns, as PyTorch's does."""
    warnings.warn(_LU_DEPRECATED, UserWarning, stacklevel=3)
    LU, pivots, info = lu_factor_ex(A, pivot=pivot)
    return LuWithInfoResult(LU, pivots, info) if get_infos else (LU, pivots)


@takes_out(name="lu_solve")
def lu_solve_deprecated(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """The deprecated ``torch.lu_solve(b, LU_data, LU_pivots)`` (and ``b.lu_solve(...)``): linalg.lu_solve with
    its arguments reversed. It warns, as PyTorch's does."""
    warnings.warn(_LU_SOLVE_DEPRECATED, UserWarning, stacklevel=3)
    return lu_solve(LU_data, LU_pivots, b)
