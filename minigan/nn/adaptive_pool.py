"""Adaptive pooling layers: pool (N, C, H, W) to a fixed output size whatever the input's, as the
global average pooling before a classifier's head (``AdaptiveAvgPool2d(1)``) or VGG's 7x7. The
computations are :mod:`minigan.ops.adaptive`'s."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..ops.adaptive import adaptive_avg_pool2d, adaptive_max_pool2d, output_size_argument
from .layers import _check_tensor
from .module import Module


class AdaptiveAvgPool2d(Module):
    """The mean over each of output_size's bins: (N, C, H, W) -> (N, C, OH, OW); bin i spans rows
    floor(i H / OH) to ceil((i + 1) H / OH), as PyTorch's. ``output_size`` an int or (OH, OW), None
    keeping that size."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        output_size_argument("AdaptiveAvgPool2d", output_size)
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool2d(_check_tensor(self, x), self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """The maximum over each of output_size's bins (as :class:`AdaptiveAvgPool2d`'s); with
    ``return_indices``, (values, each winner's row * W + column)."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        output_size_argument("AdaptiveMaxPool2d", output_size)
        self.output_size, self.return_indices = output_size, bool(return_indices)

    def forward(self, x: Tensor) -> Any:
        return adaptive_max_pool2d(_check_tensor(self, x), self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


__all__ = ["AdaptiveAvgPool2d", "AdaptiveMaxPool2d"]
