"""The singular value decomposition as PyTorch's: ``linalg.svd`` (U, S, Vh; full_matrices=True by
default), ``linalg.svdvals`` and the older ``svd`` (U, S, V; some=True). A = U diag(S) Vh with S
descending.

``SvdPart`` is one Function per factor (the reduced decomposition's U, S or Vh), each with the
backward of its own factor; the three add up to the whole gradient, and each is written with
SvdPart itself, so second derivatives record. The gradient needs distinct singular values, and
nonzero ones for a non-square matrix (it divides by s_i^2 - s_j^2 and by s_i). With
full_matrices=True the columns past min(m, n) are any orthonormal completion: they get no
gradient, as in PyTorch."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from .arithmetic import matmul
from .elementwise import where
from .linalg import _lapack, _mT, matrices
from .operands import _constant, _xp
from .shape import concatenate

#: What ``linalg.svd`` returns, as ``torch.return_types.linalg_svd``: ``.U``, ``.S``, ``.Vh``.
SvdResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
#: What the older ``svd`` returns, as ``torch.return_types.svd``: ``.U``, ``.S``, ``.V``.
OldSvdResult = namedtuple("svd", ["U", "S", "V"])

_PARTS = ("U", "S", "Vh")


def _factors(a: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    return tuple(SvdPart.apply(a, part=part) for part in _PARTS)  # type: ignore[return-value]


def _gaps(s: Tensor) -> Tensor:
    """F_ij = 1 / (s_j^2 - s_i^2) off the diagonal, 0 on it."""
    k = s.shape[-1]
    squares = s * s
    differences = squares.unsqueeze(-2) - squares.unsqueeze(-1)  # [i, j] = s_j^2 - s_i^2
    diagonal = np.eye(k, dtype=bool)
    return where(diagonal, 0.0, 1.0 / where(diagonal, 1.0, differences))


class SvdPart(Function):
    """f = U, S or Vh of A = U diag(S) Vh (reduced, S descending);  with F_ij = 1/(s_j^2 - s_i^2) and V = Vh^T,
    dL/dA = U diag(gS) Vh  +  U (F o (U^T gU - gU^T U)) S Vh + (I - U U^T) gU S^-1 Vh
            +  U S (F o (V^T gV - gV^T V)) Vh + U S^-1 gV^T (I - V V^T)   (gV = gVh^T)."""

    @staticmethod
    def forward(ctx: Context, a: Any, part: str) -> Any:
        factors = _lapack("linalg.svd", lambda: _xp(a).linalg.svd(a, full_matrices=False))
        return factors[_PARTS.index(part)]

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        u, s, vh = _factors(a)
        part = ctx.options["part"]
        if part == "S":
            return (matmul(u * grad.unsqueeze(-2), vh),)
        if part == "U":
            u_t_g = matmul(_mT(u), grad)
            inner = (_gaps(s) * (u_t_g - _mT(u_t_g))) * s.unsqueeze(-2)
            outside = (grad - matmul(u, u_t_g)) / s.unsqueeze(-2)  # (I - U U^T) gU S^-1
            return (matmul(matmul(u, inner), vh) + matmul(outside, vh),)
        grad_v = _mT(grad)
        v_t_g = matmul(vh, grad_v)
        inner = s.unsqueeze(-1) * (_gaps(s) * (v_t_g - _mT(v_t_g)))
        outside = (grad - matmul(_mT(v_t_g), vh)) / s.unsqueeze(-1)  # S^-1 gV^T (I - V V^T)
        return (matmul(matmul(u, inner), vh) + matmul(u, outside),)


def svd(A: Tensor, full_matrices: bool = True) -> SvdResult:
    """(U, S, Vh) with A = U diag(S) Vh: U is m x m and Vh n x n with ``full_matrices`` (the extra
    columns get no gradient), else m x k and k x n, k = min(m, n)."""
    A = matrices("linalg.svd", A)
    u, s, vh = _factors(A)
    m, n = A.shape[-2:]
    if full_matrices and m != n:
        xp = _xp(A.array)
        full_u, _, full_vh = _lapack("linalg.svd", lambda: xp.linalg.svd(A.array, full_matrices=True))
        k = min(m, n)
        if m > n:
            u = concatenate([u, _constant(full_u[..., k:])], axis=-1)
        else:
            vh = concatenate([vh, _constant(full_vh[..., k:, :])], axis=-2)
    return SvdResult(u, s, vh)


def svdvals(A: Tensor) -> Tensor:
    """The singular values of A, descending."""
    return SvdPart.apply(matrices("linalg.svdvals", A), part="S")


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
