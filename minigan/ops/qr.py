"""The QR decomposition as PyTorch's ``linalg.qr(A, mode='reduced')``: A = Q R with Q's columns
orthonormal and R upper triangular (LAPACK's Householder signs: R's diagonal may be negative), batched.

``Qr`` factors a tall or square matrix once and gives Q and R stacked, [Q; R] ((m + n) x n), which
``qr`` slices apart, as ``linalg.lu`` slices lu_factor's one LU: one LAPACK call per qr, and one backward
for both factors, written with Qr's output and Solve, so second derivatives record. A wide matrix
[X | Y] (m < n) is Q R with Q, R_X = qr(X) and R_Y = Q^T Y, so its gradient comes from those ops. The
gradient needs R invertible (A of full column rank). Where a column is already zero below the diagonal,
LAPACK skips its reflection, so the signs jump there (PyTorch's too). mode='r', and mode='complete' of a
tall matrix, have no derivative, as in PyTorch: a backward pass reaching them raises PyTorch's error."""
from __future__ import annotations

from collections import namedtuple
from typing import Any


from ..autograd import Tensor
from ..autograd.function import Context, Function
from .arithmetic import matmul
from .linalg import Solve, _lapack, _mT, matrices
from .no_derivative import without_derivative
from .operands import _constant, _xp
from .reorder import tril
from .shape import concatenate
from ..torch_api.out_argument import takes_out

#: What ``linalg.qr`` returns, as ``torch.return_types.linalg_qr``: ``.Q``, ``.R``.
QrResult = namedtuple("linalg_qr", ["Q", "R"])

_MODES = ("reduced", "complete", "r")


def _copy_lower_to_upper(m: Tensor) -> Tensor:
    """The lower triangle of m (diagonal included) mirrored into the upper one."""
    return tril(m) + _mT(tril(m, -1))


class Qr(Function):
    """f = [Q; R] of A = Q R (A m x n, m >= n; Q m x n, R n x n, stacked);  with gQ, gR the two
    blocks of the gradient, M = R gR^T - gQ^T Q and copyltu(M) its lower triangle mirrored upward,
    dL/dA = (gQ + Q copyltu(M)) R^-T."""

    saved_inputs = ()  # backward reads Q and R off the output
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        xp = _xp(a)
        return xp.concat(_lapack("linalg.qr", lambda: xp.linalg.qr(a, mode="reduced")), axis=-2)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        q, r = _split(ctx.output)
        grad_q, grad_r = _split(grad)
        inner = matmul(r, _mT(grad_r)) - matmul(_mT(grad_q), q)
        left = matmul(q, _copy_lower_to_upper(inner)) + grad_q
        return (_mT(Solve.apply(r, _mT(left))),)  # (...) R^-T: solve R X^T = (...)^T


def _split(stacked: Tensor) -> tuple[Tensor, Tensor]:
    """Q and R (or their gradients) out of Qr's [Q; R]: R is the last n rows."""
    m = stacked.shape[-2] - stacked.shape[-1]
    return stacked[..., :m, :], stacked[..., m:, :]


def _without_derivative(factor: Any, A: Tensor, message: str) -> Tensor:
    return without_derivative(_constant(factor), "linalg.qr", A, error=RuntimeError(message))


@takes_out
def qr(A: Tensor, mode: str = "reduced") -> QrResult:
    """(Q, R) with A = Q R: Q m x k and R k x n, k = min(m, n) ('reduced'); Q m x m and R m x n
    ('complete'); R alone, Q empty ('r', no gradient)."""
    A = matrices("linalg.qr", A)
    if mode not in _MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    m, n = A.shape[-2:]
    xp = _xp(A.array)
    if mode == "r":
        r = _lapack("linalg.qr", lambda: xp.linalg.qr(A.array, mode="reduced"))[1]  # the array API has no mode 'r'
        empty = _constant(xp.zeros((0,), dtype=A.array.dtype))
        return QrResult(empty, _without_derivative(r, A, _NO_Q))
    if mode == "complete" and m > n:
        q, r = _lapack("linalg.qr", lambda: xp.linalg.qr(A.array, mode="complete"))
        return QrResult(_without_derivative(q, A, _COMPLETE_TALL), _without_derivative(r, A, _COMPLETE_TALL))
    if m >= n:
        return QrResult(*_split(Qr.apply(A)))
    square, rest = A[..., :m], A[..., m:]
    q, r = _split(Qr.apply(square))
    return QrResult(q, concatenate([r, matmul(_mT(q), rest)], axis=-1))


_NO_Q = ("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
         "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
_COMPLETE_TALL = "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."


