"""Three transforms of ``torch.distributions.transforms`` onto matrices:

LowerCholeskyTransform: square matrices to lower-triangular ones with a positive diagonal: the part
below the diagonal kept, the diagonal exponentiated (x = the same with ln on the diagonal).
PositiveDefiniteTransform: square matrices to positive-definite ones, L L^T with L the
LowerCholeskyTransform's (x from the Cholesky factor of y).
CorrCholeskyTransform: vectors of D(D-1)/2 reals to Cholesky factors of D x D correlation matrices:
z = tanh(x) (kept inside (-1, 1)) fills the part below the diagonal row by row, and each row is
scaled by stick breaking so that it has unit length: y_ij = z_ij sqrt(1 - sum_{k<j} z_ik^2), with
y_ii = sqrt(1 - sum_{k<i} y_ik^2). ln|J| = 1/2 sum_i sum_{j<i-1} ln(1 - sum_{k<=j} y_ik^2) plus
tanh's sum of ln(1 - z^2).

The first two have no log |det J| (PyTorch's have none); they are not bijections of all matrices
(only the lower triangle of x counts)."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..autograd import Tensor
from ..ops import cat, exp, log, log1p, softplus, sqrt, tanh
from ..ops.cholesky import cholesky
from ..ops.cumulative import cumprod, cumsum
from ..ops.shape_picks import diag_embed
from . import constraints
from .transforms import Transform
from .utils import placed, tril_matrix_to_vec, vec_to_tril_matrix

__all__ = ["CorrCholeskyTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform"]


def _with_diagonal(x: Tensor, diagonal: Tensor) -> Tensor:
    """x's part below the diagonal, with ``diagonal`` on it."""
    return x.tril(-1) + diag_embed(diagonal)


class LowerCholeskyTransform(Transform):
    """Below the diagonal as it is, the diagonal exponentiated."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.lower_cholesky

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LowerCholeskyTransform)

    def __hash__(self) -> int:
        return hash(LowerCholeskyTransform)

    def _call(self, x: Tensor) -> Tensor:
        return _with_diagonal(x, exp(x.diagonal(dim1=-2, dim2=-1)))

    def _inverse(self, y: Tensor) -> Tensor:
        return _with_diagonal(y, log(y.diagonal(dim1=-2, dim2=-1)))


class PositiveDefiniteTransform(Transform):
    """L L^T, L the LowerCholeskyTransform of x."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PositiveDefiniteTransform)

    def __hash__(self) -> int:
        return hash(PositiveDefiniteTransform)

    def _call(self, x: Tensor) -> Tensor:
        lower = LowerCholeskyTransform()(x)
        return lower @ lower.transpose(-2, -1)

    def _inverse(self, y: Tensor) -> Tensor:
        return LowerCholeskyTransform().inv(cholesky(y))


class CorrCholeskyTransform(Transform):
    """Unconstrained vectors to Cholesky factors of correlation matrices, by tanh and stick breaking."""

    domain = constraints.real_vector
    codomain = constraints.corr_cholesky
    bijective = True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CorrCholeskyTransform)

    def __hash__(self) -> int:
        return hash(CorrCholeskyTransform)

    def _call(self, x: Tensor) -> Tensor:
        eps = float(np.finfo(x.dtype).eps)
        z = vec_to_tril_matrix(tanh(x).clamp(min=-1 + eps, max=1 - eps), diag=-1)
        remaining = cumprod(sqrt(1 - z * z), dim=-1)  # the length left in each row after its first j entries
        ones = remaining.new_ones(tuple(remaining.shape[:-1]) + (1,))
        scale = cat([ones, remaining[..., :-1]], dim=-1)
        return (z + placed(np.eye(z.shape[-1], dtype=z.dtype), z)) * scale

    def _inverse(self, y: Tensor) -> Tensor:
        left = 1 - cumsum(y * y, dim=-1)  # 1 minus the squared length of each row's first j + 1 entries
        ones = left.new_ones(tuple(left.shape[:-1]) + (1,))
        before = cat([ones, left[..., :-1]], dim=-1)
        z = tril_matrix_to_vec(y, diag=-1) / sqrt(tril_matrix_to_vec(before, diag=-1))
        return (log1p(z) - log1p(-z)) / 2  # atanh

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        left = 1 - cumsum(y * y, dim=-1)
        stick_breaking = 0.5 * log(tril_matrix_to_vec(left, diag=-2)).sum(-1)
        tanh_part = -2 * (x + softplus(-2 * x) - math.log(2.0)).sum(-1)  # sum of ln(1 - tanh^2 x)
        return stick_breaking + tanh_part

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        count = shape[-1]
        size = round((0.25 + 2 * count) ** 0.5 + 0.5)
        if size * (size - 1) // 2 != count:
            raise ValueError("Input is not a flattened lower-diagonal number")
        return tuple(shape[:-1]) + (size, size)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        if len(shape) < 2:
            raise ValueError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise ValueError("Input is not square")
        size = shape[-1]
        return tuple(shape[:-2]) + (size * (size - 1) // 2,)
