"""What the 2-d and 3-d max and average pooling layers, and the 1-d, 2-d and 3-d adaptive ones,
share: the settings as given (the op checks them), forward calling the class's op
(``_function``) and the repr, written once. The concrete classes (MaxPool2d ... AdaptiveMaxPool3d)
hold their docstrings, their op and, for the adaptive ones, their check of ``output_size``
(``_check``, run at construction as PyTorch's)."""
from __future__ import annotations

from typing import Any, Callable

from ..autograd import Tensor
from .layers import _check_tensor
from .module import Module


class _MaxPoolBase(Module):
    """The maximum over each kernel window; stride None is kernel_size."""

    _function: Callable[..., Any]

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)

    def forward(self, x: Tensor) -> Any:
        return self._function(_check_tensor(self, x), self.kernel_size, self.stride, self.padding, self.dilation,
                              self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return (f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class _AvgPoolBase(Module):
    """The mean over each kernel window; stride None is kernel_size."""

    _function: Callable[..., Tensor]

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode, self.count_include_pad, self.divisor_override = bool(ceil_mode), count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return self._function(_check_tensor(self, x), self.kernel_size, self.stride, self.padding, self.ceil_mode,
                              count_include_pad=self.count_include_pad, divisor_override=self.divisor_override)

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}"


class _AdaptivePoolBase(Module):
    """A pool over each of ``output_size``'s bins, the op's (the mean, for the Avg ones);
    ``_check(name, output_size)`` runs first, as PyTorch checks at construction."""

    _function: Callable[..., Tensor]
    _check: Callable[[str, Any], Any]

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self._check(type(self).__name__, output_size)
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return self._function(_check_tensor(self, x), self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class _AdaptiveMaxPoolBase(_AdaptivePoolBase):
    """The maximum over each of ``output_size``'s bins; with ``return_indices``, (values, places)."""

    _function: Callable[..., Any]

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = bool(return_indices)

    def forward(self, x: Tensor) -> Any:
        return self._function(_check_tensor(self, x), self.output_size, self.return_indices)


__all__: list[str] = []
