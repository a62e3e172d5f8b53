"""nn.Unfold and nn.Fold, as PyTorch's: a layer holding the window settings of
:func:`minigan.ops.unfold.unfold` (im2col) and :func:`minigan.ops.unfold.fold` (col2im)."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..ops.convolution import pair_argument
from ..ops.unfold import fold, unfold
from .layers import _check_tensor
from .module import Module


class Unfold(Module):
    """The sliding kernel windows of (N, C, H, W) as columns: (N, C kh kw, L), L the number of
    window places (``F.unfold``)."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> None:
        super().__init__()
        for what, value, minimum in (("kernel_size", kernel_size, 1), ("dilation", dilation, 1),
                                     ("padding", padding, 0), ("stride", stride, 1)):
            pair_argument("Unfold", what, value, minimum)
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, x: Tensor) -> Tensor:
        return unfold(_check_tensor(self, x), self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}"


class Fold(Unfold):
    """Columns (N, C kh kw, L) added back into (N, C, H, W), (H, W) = output_size, overlapping
    windows summed (``F.fold``, the adjoint of :class:`Unfold`)."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> None:
        super().__init__(kernel_size, dilation, padding, stride)
        pair_argument("Fold", "output_size", output_size, 1)
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return fold(_check_tensor(self, x), self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}, " + super().extra_repr()


__all__ = ["Unfold", "Fold"]
