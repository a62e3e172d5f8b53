"""``StickBreakingTransform``, as ``torch.distributions.transforms``': the reals^n onto the simplex in
n + 1 dimensions by breaking a stick. With z_k = sigmoid(x_k - log(n + 1 - k)) (the shift makes x = 0 the
simplex's centre) and c_k = prod_{j <= k} (1 - z_j):

y_k = z_k c_{k-1} (k <= n), y_{n+1} = c_n;  inverse x_k = log y_k - log c_k + log(n + 1 - k), with
c_k = 1 - (y_1 + ... + y_k);  the Jacobian is triangular, so ln|det J| = sum_k (log y_k + log(1 - z_k))."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor, as_tensor
from ..ops import cat, clamp, cumprod, cumsum, log, sigmoid, softplus
from . import constraints
from .transforms import Transform
from .utils import placed

__all__ = ["StickBreakingTransform"]


def _log_offsets(like: Tensor, n: int) -> Tensor:
    """log(n), log(n - 1), ..., log(1) in ``like``'s dtype and on its device."""
    return placed(np.log(np.arange(n, 0, -1, dtype=np.float64)).astype(like.dtype), like)


class StickBreakingTransform(Transform):
    """A vector of n reals to a probability vector of n + 1 entries (and back)."""

    domain = constraints.real_vector
    codomain = constraints.simplex
    bijective = True

    def _call(self, x: Tensor) -> Tensor:
        z = sigmoid(x - _log_offsets(x, x.shape[-1]))
        remaining = cumprod(1.0 - z, -1)
        ones = as_tensor(1.0, like=x).expand(tuple(x.shape[:-1]) + (1,))
        return cat([z, ones], -1) * cat([ones, remaining], -1)

    def _inverse(self, y: Tensor) -> Tensor:
        head = y[..., :-1]
        remaining = clamp(1.0 - cumsum(head, -1), min=float(np.finfo(y.dtype).tiny))
        return log(head) - log(remaining) + _log_offsets(y, head.shape[-1])

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        shifted = x - _log_offsets(x, x.shape[-1])
        return (log(y[..., :-1]) - softplus(shifted)).sum(-1)

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return tuple(shape[:-1]) + (shape[-1] + 1,)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return tuple(shape[:-1]) + (shape[-1] - 1,)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, StickBreakingTransform)

    def __hash__(self) -> int:
        return hash(StickBreakingTransform)
