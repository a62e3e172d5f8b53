"""The pseudo-inverse and what is built on it, as PyTorch's: ``linalg.pinv(A, *, atol=None, rtol=None,
hermitian=False)``, ``linalg.matrix_rank`` (the same tolerances; an int64 count, no gradient) and
``linalg.lstsq(A, B)``, whose solution is pinv(A) B, the least-squares solution of least norm, batched.

Singular values (|eigenvalues| with hermitian, from A's lower triangle) at or below max(atol, rtol
times the largest) count as zero. With neither given, rtol is eps * max(m, n) of the dtype; with atol
alone, rtol is 0 (PyTorch's rule). Pinv's gradient, a closed form, holds where the rank does not
change, as PyTorch's."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .arithmetic import matmul
from .linalg import _lapack, _mT, floating, matrices
from .operands import _constant, _xp
from ..torch_api.out_argument import takes_out

#: What ``linalg.lstsq`` returns, as ``torch.return_types.linalg_lstsq``.
LstsqResult = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def _kept(xp: Any, magnitudes: Any, atol: Any, rtol: Any) -> Any:
    """Which singular values (or |eigenvalues|) count: those above max(atol, rtol * the largest)."""
    if magnitudes.shape[-1] == 0:  # an empty matrix has none (and max has no identity to start from)
        return magnitudes > 0
    largest = xp.max(magnitudes, axis=-1, keepdims=True)
    return (magnitudes > atol) & (magnitudes > rtol * largest)


def _spectrum(xp: Any, a: Any, hermitian: bool) -> tuple[Any, Any, Any, Any]:
    """(values, magnitudes, left, right) with a = left diag(values) right^T."""
    if hermitian:
        values, vectors = _lapack("linalg.eigh", lambda: xp.linalg.eigh(a))
        return values, xp.abs(values), vectors, vectors
    u, s, vh = _lapack("linalg.svd", lambda: xp.linalg.svd(a, full_matrices=False))
    return s, s, u, xp.matrix_transpose(vh)


class Pinv(Function):
    """f = P = A^+ (A m x n; by the SVD, or eigh with hermitian, the small singular values dropped);
    dL/dA = -P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A)
    (Golub and Pereyra's derivative of the pseudo-inverse, where the rank is constant)."""

    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, atol: Any, rtol: Any, hermitian: bool) -> Any:
        xp = _xp(a)
        values, magnitudes, left, right = _spectrum(xp, a, hermitian)
        keep = _kept(xp, magnitudes, atol, rtol)
        safe = xp.where(keep, values, xp.ones_like(values))
        reciprocal = xp.where(keep, 1.0 / safe, xp.zeros_like(values))
        return (right * reciprocal[..., None, :]) @ xp.matrix_transpose(left)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        p = ctx.output
        p_t, g_t = _mT(p), _mT(grad)
        first = -matmul(matmul(p_t, grad), p_t)
        rows = matmul(g_t, matmul(p, p_t))  # g^T P P^T, then (I - A P) times it
        columns = matmul(matmul(p_t, p), g_t)  # P^T P g^T, then it times (I - P A)
        return (first + rows - matmul(a, matmul(p, rows)) + columns - matmul(matmul(columns, p), a),)


def _tolerance(value: Any, dtype: Any) -> Any:
    """A tolerance as a number, or as an array with one value per matrix (a trailing axis added)."""
    if isinstance(value, Tensor):
        return value.to(dtype).array[..., None] if value.ndim else float(value.item())
    return float(value)


def _tolerances(A: Tensor, atol: Any, rtol: Any) -> tuple[Any, Any]:
    """PyTorch's defaults: rtol = eps * max(m, n) when neither is given, 0 when atol alone is."""
    if rtol is None:
        rtol = 0.0 if atol is not None else float(np.finfo(A.dtype).eps) * max(A.shape[-2:])
    return _tolerance(0.0 if atol is None else atol, A.dtype), _tolerance(rtol, A.dtype)


@takes_out
def pinv(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:
    """The pseudo-inverse of each matrix in A (n x m for A m x n)."""
    A = matrices("linalg.pinv", A, square=hermitian)
    atol, rtol = _tolerances(A, atol, rtol)
    return Pinv.apply(A, atol=atol, rtol=rtol, hermitian=bool(hermitian))


@takes_out
def matrix_rank(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:
    """The number of singular values of each matrix above the tolerance (int64, no gradient)."""
    A = matrices("linalg.matrix_rank", A, square=hermitian)
    atol, rtol = _tolerances(A, atol, rtol)
    xp = _xp(A.array)
    _, magnitudes, _, _ = _spectrum(xp, A.array, hermitian)
    kept = xp.astype(_kept(xp, magnitudes, atol, rtol), xp.int64)
    return _constant(xp.asarray(xp.sum(kept, axis=-1)))


def lstsq(A: Tensor, B: Tensor, rcond: Any = None, *, driver: Any = None) -> LstsqResult:
    """(solution, residuals, rank, singular_values) as PyTorch's default driver 'gelsy': the solution
    pinv(A) B (singular values at or below rcond times the largest dropped; rcond defaults to eps *
    max(m, n)), the rank, and residuals and singular_values empty."""
    name = "torch.linalg.lstsq"
    A = matrices(name, A)
    B = B if isinstance(B, Tensor) else as_tensor(B)
    floating(name, B)
    if driver not in (None, "gelsy", "gels", "gelsd", "gelss"):
        raise RuntimeError(f"{name}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if driver not in (None, "gelsy"):
        raise RuntimeError(f"{name}: driver={driver!r} is not supported by minigan; the default, 'gelsy', is")
    vector = B.ndim == A.ndim - 1
    columns = B.unsqueeze(-1) if vector else B
    if columns.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size(-{1 if vector else 2})")
    rtol = None if rcond is None else rcond
    solution = matmul(pinv(A, rtol=rtol), columns)
    empty = _constant(backend_of(A.array).xp.zeros((0,), dtype=A.array.dtype))
    return LstsqResult(solution.squeeze(-1) if vector else solution, empty,
                       matrix_rank(A, rtol=rtol), empty)
