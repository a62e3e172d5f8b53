"""nn.MaxUnpool1d, nn.MaxUnpool2d and nn.MaxUnpool3d: max pooling's partial inverse (minigan/ops/unpool.py)."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..ops.unpool import max_unpool1d, max_unpool2d, max_unpool3d
from .layers import _check_tensor
from .module import Module


class _MaxUnpoolNd(Module):
    """The settings, as tuples of ``dims`` ints (stride defaults to kernel_size), as PyTorch's."""

    dims = 2

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()

        def spread(value: Any) -> tuple:
            return tuple(value) if isinstance(value, (tuple, list)) else (value,) * self.dims

        self.kernel_size = spread(kernel_size)
        self.stride = self.kernel_size if stride is None else spread(stride)
        self.padding = spread(padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """(N, C, L) and MaxPool1d's indices -> (N, C, OL): each value at its index, zeros elsewhere;
    OL = (L - 1) stride - 2 padding + kernel_size unless ``output_size`` says otherwise."""

    dims = 1

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:  # noqa: A002
        return max_unpool1d(_check_tensor(self, input), indices, self.kernel_size, self.stride, self.padding,
                            output_size)


class MaxUnpool2d(_MaxUnpoolNd):
    """(N, C, H, W) and MaxPool2d's indices -> (N, C, OH, OW): each value at its place h * OW + w,
    zeros elsewhere."""

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:  # noqa: A002
        return max_unpool2d(_check_tensor(self, input), indices, self.kernel_size, self.stride, self.padding,
                            output_size)


class MaxUnpool3d(_MaxUnpoolNd):
    """(N, C, D, H, W) and MaxPool3d's indices -> (N, C, OD, OH, OW): each value at its place
    (d OH + h) OW + w, zeros elsewhere."""

    dims = 3

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:  # noqa: A002
        return max_unpool3d(_check_tensor(self, input), indices, self.kernel_size, self.stride, self.padding,
                            output_size)


__all__ = ["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]
