"""3-d pooling layers on (N, C, D, H, W) (or (C, D, H, W)), with PyTorch's argument names, defaults
and reprs; the computations are :mod:`minigan.ops.pool3d`'s."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..ops.pool3d import output_size_triple, adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d
from .layers import _check_tensor
from .module import Module


class MaxPool3d(Module):
    """The maximum over each kernel window (an int or (kd, kh, kw)); stride defaults to kernel_size.
    ``ceil_mode`` keeps a last, partial window; ``return_indices`` gives (values, each winner's place
    (d H + h) W + w), which MaxUnpool3d takes."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)

    def forward(self, x: Tensor) -> Any:
        return max_pool3d(_check_tensor(self, x), self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return (f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class AvgPool3d(Module):
    """The mean over each kernel window; stride defaults to kernel_size; padding counts in the mean
    unless ``count_include_pad`` is False, ``divisor_override`` replaces the count, and ``ceil_mode``
    keeps a last, partial window, divided as PyTorch's."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode, self.count_include_pad, self.divisor_override = bool(ceil_mode), count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool3d(_check_tensor(self, x), self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}"


class AdaptiveAvgPool3d(Module):
    """The mean over each of output_size's bins: (N, C, D, H, W) -> (N, C, OD, OH, OW); bin i of an
    axis spans floor(i in / out) to ceil((i + 1) in / out), as PyTorch's. ``output_size`` an int or
    (OD, OH, OW), None keeping that size."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        output_size_triple("AdaptiveAvgPool3d", output_size)
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool3d(_check_tensor(self, x), self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool3d(Module):
    """The maximum over each of output_size's bins (as :class:`AdaptiveAvgPool3d`'s); with
    ``return_indices``, (values, each winner's place (d H + h) W + w)."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        output_size_triple("AdaptiveMaxPool3d", output_size)
        self.output_size, self.return_indices = output_size, bool(return_indices)

    def forward(self, x: Tensor) -> Any:
        return adaptive_max_pool3d(_check_tensor(self, x), self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


__all__ = ["MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d"]
