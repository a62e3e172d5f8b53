"""The QR decomposition as PyTorch's ``linalg.qr(A, mode='reduced')``: A = Q R with Q's columns
orthonormal and R upper triangular (LAPACK's Householder signs: R's diagonal may be negative), batched.

``QrPart`` is one Function per factor of a tall or square matrix, each with its own backward; the two
add up to the whole gradient, and each is written with QrPart and Solve, so second derivatives record.
A wide matrix [X | Y] (m < n) is Q R with Q, R_X = qr(X) and R_Y = Q^T Y, so its gradient comes from
those ops. The gradient needs R invertible (A of full column rank). Where a column is already zero
below the diagonal, LAPACK skips its reflection, so the signs jump there (PyTorch's too)."""
from __future__ import annotations

from collections import namedtuple
from typing import Any


from ..autograd import Tensor
from ..autograd.function import Context, Function
from .arithmetic import matmul
from .linalg import Solve, _lapack, _mT, matrices
from .operands import _xp
from .reorder import tril
from .shape import concatenate

#: What ``linalg.qr`` returns, as ``torch.return_types.linalg_qr``: ``.Q``, ``.R``.
QrResult = namedtuple("linalg_qr", ["Q", "R"])

_MODES = ("reduced", "complete", "r")


def _copy_lower_to_upper(m: Tensor) -> Tensor:
    """The lower triangle of m (diagonal included) mirrored into the upper one."""
    return tril(m) + _mT(tril(m, -1))


class QrPart(Function):
    """f = Q or R of A = Q R (A m x n, m >= n; Q m x n or m x m with mode='complete');  with
    M = R gR^T - gQ^T Q and copyltu(M) its lower triangle mirrored upward,
    dL/dA = (gQ + Q copyltu(M)) R^-T."""

    @staticmethod
    def forward(ctx: Context, a: Any, part: str, mode: str) -> Any:
        factors = _lapack("linalg.qr", lambda: _xp(a).linalg.qr(a, mode="complete" if mode == "complete" else "reduced"))
        return factors[0] if part == "Q" else factors[1]

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        mode = ctx.options["mode"]
        m, n = a.shape[-2:]
        if mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        q, r = QrPart.apply(a, part="Q", mode="reduced"), QrPart.apply(a, part="R", mode="reduced")
        if ctx.options["part"] == "Q":
            inner, outside = -matmul(_mT(grad), q), grad
        else:
            inner, outside = matmul(r, _mT(grad)), None
        left = matmul(q, _copy_lower_to_upper(inner))
        left = left if outside is None else left + outside
        return (_mT(Solve.apply(r, _mT(left))),)  # (...) R^-T: solve R X^T = (...)^T


def qr(A: Tensor, mode: str = "reduced") -> QrResult:
    """(Q, R) with A = Q R: Q m x k and R k x n, k = min(m, n) ('reduced'); Q m x m and R m x n
    ('complete'); R alone, Q empty ('r', no gradient)."""
    A = matrices("linalg.qr", A)
    if mode not in _MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    m, n = A.shape[-2:]
    if m >= n or mode == "r":
        r = QrPart.apply(A, part="R", mode=mode)
        if mode == "r":
            empty = Tensor._make(_xp(A.array).zeros((0,), dtype=A.array.dtype), False, None)
            return QrResult(empty, r)
        return QrResult(QrPart.apply(A, part="Q", mode=mode), r)
    square, rest = A[..., :m], A[..., m:]
    q = QrPart.apply(square, part="Q", mode="reduced")
    r = concatenate([QrPart.apply(square, part="R", mode="reduced"), matmul(_mT(q), rest)], axis=-1)
    return QrResult(q, r)


