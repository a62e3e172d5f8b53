"""The singular value decomposition as PyTorch's: ``linalg.svd`` (U, S, Vh; full_matrices=True by
default), ``linalg.svdvals`` and the older ``svd`` (U, S, V; some=True). A = U diag(S) Vh with S
descending.

``Svd`` factors A (m x n) once and gives the reduced decomposition's three factors stacked in one
(m + n + 1) x k array, k = min(m, n): U on top, then V = Vh^T (its columns the right singular
vectors, so both blocks are k wide), then S as the last row. ``svd`` and ``svdvals`` slice it apart:
one LAPACK call per svd, and one backward for all three factors, written with Svd's output, so
second derivatives record. The gradient needs distinct singular values, and nonzero ones for a
non-square matrix (it divides by s_i^2 - s_j^2 and by s_i); where U and V get no gradient (svdvals)
those terms are left out, so S's gradient does not. With full_matrices=True the columns past
min(m, n) are any orthonormal completion: they get no gradient, as in PyTorch."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from .arithmetic import matmul
from .elementwise import where
from .linalg import _lapack, _mT, matrices
from .operands import _any_nonzero, _constant, _xp
from .shape import concatenate
from ..torch_api.out_argument import takes_out

#: What ``linalg.svd`` returns, as ``torch.return_types.linalg_svd``: ``.U``, ``.S``, ``.Vh``.
SvdResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
#: What the older ``svd`` returns, as ``torch.return_types.svd``: ``.U``, ``.S``, ``.V``.
OldSvdResult = namedtuple("svd", ["U", "S", "V"])


def _split(stacked: Tensor, rows: int) -> tuple[Tensor, Tensor, Tensor]:
    """U, S and V (or their gradients) out of Svd's [U; V; S]; ``rows`` is m, U's height."""
    return stacked[..., :rows, :], stacked[..., -1, :], stacked[..., rows:-1, :]


def _gaps(s: Tensor) -> Tensor:
    """F_ij = 1 / (s_j^2 - s_i^2) off the diagonal, 0 on it."""
    k = s.shape[-1]
    squares = s * s
    differences = squares.unsqueeze(-2) - squares.unsqueeze(-1)  # [i, j] = s_j^2 - s_i^2
    diagonal = np.eye(k, dtype=bool)
    return where(diagonal, 0.0, 1.0 / where(diagonal, 1.0, differences))


class Svd(Function):
    """f = [U; V; S] of A = U diag(S) V^T (reduced, S descending, the last row; ``rows`` = m says where
    U ends);  with gU, gS, gV the three blocks of the gradient and F_ij = 1/(s_j^2 - s_i^2),
    dL/dA = U diag(gS) V^T  +  U (F o (U^T gU - gU^T U)) S V^T + (I - U U^T) gU S^-1 V^T
            +  U S (F o (V^T gV - gV^T V)) V^T + U S^-1 gV^T (I - V V^T)."""

    saved_inputs = ()  # backward reads U, S and V off the output
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, rows: int) -> Any:
        xp = _xp(a)
        u, s, vh = _lapack("linalg.svd", lambda: xp.linalg.svd(a, full_matrices=False))
        return xp.concat([u, xp.matrix_transpose(vh), s[..., None, :]], axis=-2)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        rows = ctx.options["rows"]
        u, s, v = _split(ctx.output, rows)
        grad_u, grad_s, grad_v = _split(grad, rows)
        vh = _mT(v)
        grad_a = matmul(u * grad_s.unsqueeze(-2), vh)
        if _any_nonzero(grad_u):  # U or V unused (svdvals): no division by the gaps or by S
            u_t_g = matmul(_mT(u), grad_u)
            inner = (_gaps(s) * (u_t_g - _mT(u_t_g))) * s.unsqueeze(-2)
            outside = (grad_u - matmul(u, u_t_g)) / s.unsqueeze(-2)  # (I - U U^T) gU S^-1
            grad_a = grad_a + matmul(matmul(u, inner), vh) + matmul(outside, vh)
        if _any_nonzero(grad_v):
            v_t_g = matmul(vh, grad_v)
            inner = s.unsqueeze(-1) * (_gaps(s) * (v_t_g - _mT(v_t_g)))
            outside = (_mT(grad_v) - matmul(_mT(v_t_g), vh)) / s.unsqueeze(-1)  # S^-1 gV^T (I - V V^T)
            grad_a = grad_a + matmul(matmul(u, inner), vh) + matmul(u, outside)
        return (grad_a,)


@takes_out
def svd(A: Tensor, full_matrices: bool = True) -> SvdResult:
    """(U, S, Vh) with A = U diag(S) Vh: U is m x m and Vh n x n with ``full_matrices`` (the extra
    columns get no gradient), else m x k and k x n, k = min(m, n)."""
    A = matrices("linalg.svd", A)
    m, n = A.shape[-2:]
    u, s, v = _split(Svd.apply(A, rows=m), m)
    vh = _mT(v)
    if full_matrices and m != n:
        xp = _xp(A.array)
        full_u, _, full_vh = _lapack("linalg.svd", lambda: xp.linalg.svd(A.array, full_matrices=True))
        k = min(m, n)
        if m > n:
            u = concatenate([u, _constant(full_u[..., k:])], axis=-1)
        else:
            vh = concatenate([vh, _constant(full_vh[..., k:, :])], axis=-2)
    return SvdResult(u, s, vh)


@takes_out
def svdvals(A: Tensor) -> Tensor:
    """The singular values of A, descending."""
    A = matrices("linalg.svdvals", A)
    m = A.shape[-2]
    return _split(Svd.apply(A, rows=m), m)[1]


@takes_out(name="svd")
def svd_uv(input: Tensor, some: bool = True, compute_uv: bool = True) -> OldSvdResult:  # noqa: A002
    """``torch.svd``: (U, S, V) with input = U diag(S) V^T, reduced unless ``some=False``. With
    ``compute_uv=False``, U and V are zeros (and S alone carries a gradient), as PyTorch's."""
    A = matrices("svd", input)
    if not compute_uv:
        s = svdvals(A)
        m, n = A.shape[-2:]
        rows, cols = (m, n) if not some else (min(m, n), min(m, n))
        xp = _xp(A.array)
        return OldSvdResult(_constant(xp.zeros(A.shape[:-2] + (m, rows), dtype=A.array.dtype)), s,
                            _constant(xp.zeros(A.shape[:-2] + (n, cols), dtype=A.array.dtype)))
    u, s, vh = svd(A, full_matrices=not some)
    return OldSvdResult(u, s, _mT(vh))
