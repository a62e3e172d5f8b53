"""``nn.Softmax2d``: the softmax over the channels at each place of (N, C, H, W) or (C, H, W),
as PyTorch's (a segmentation head's per-pixel class probabilities)."""
from __future__ import annotations

from ..autograd import Tensor
from ..ops.dims import softmax
from .layers import _check_tensor
from .module import Module

__all__ = ["Softmax2d"]


class Softmax2d(Module):
    """y[..., c, h, w] = exp(x[..., c, h, w]) / sum over c' of exp(x[..., c', h, w]): the softmax
    along dim -3 of a 3-d or 4-d input."""

    def forward(self, x: Tensor) -> Tensor:
        x = _check_tensor(self, x)
        if x.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {x.ndim}D instead")
        return softmax(x, -3)
