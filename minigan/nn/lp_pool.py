"""Power-average pooling, as PyTorch's ``nn.LPPool1d``, ``nn.LPPool2d``, ``F.lp_pool1d`` and
``F.lp_pool2d``: f = (sum over each window of x^p)^(1/p), with p = ``norm_type``.

Built on the average pools (minigan/ops), times the window's size: s = avg_pool(x^p) * k, then
s^(1/p). So it has gradients and second derivatives from those ops, and it keeps PyTorch's habits,
found by experiment with PyTorch 2.14:

* x^p and s^(1/p) are real powers: a negative base with a fractional exponent gives NaN (odd p
  on a window whose sum is negative, or a fractional p on a negative x), without a warning; p = 1
  keeps a negative sum as it is.
* where a window's sum s is exactly 0 its gradient is 0 (PyTorch writes sign(s) relu(|s|) there).
* p = inf is the largest |x| of each window (a max pool of |x|), p = -inf the smallest; p = 0 is an
  error.
* with ``ceil_mode``, a last window that runs past the end is averaged over the places it covers,
  then multiplied by the whole kernel size (in 2-d: the places of both axes), as PyTorch does.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..ops import avg_pool2d
from ..ops.convolution1d import avg_pool1d, max_pool1d
from ..ops.pool3d import avg_pool3d, max_pool3d
from .layers import _check_tensor
from .module import Module

__all__ = ["lp_pool1d", "lp_pool2d", "lp_pool3d", "LPPool1d", "LPPool2d", "LPPool3d"]


def _norm_type(name: str, norm_type: Any) -> float:
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: norm_type must be a number, got {type(norm_type).__name__}")
    if norm_type == 0 or norm_type != norm_type:
        raise ValueError(f"norm_type must be a non-zero value, but got {norm_type}")
    return float(norm_type)


def real_power(x: Tensor, exponent: float) -> Tensor:
    """x ** exponent as PyTorch's pow, with no floating-point warning: NaN (with a NaN gradient)
    where x < 0 and the exponent is not a whole number, inf where x = 0 and the exponent is
    negative (gradient 0 there, where PyTorch's is NaN); elsewhere the plain power and its gradient."""
    negative = (x.detach() < 0) if not float(exponent).is_integer() else None
    zero = (x.detach() == 0) if exponent < 0 else None
    if (negative is None or not bool(negative.any())) and (zero is None or not bool(zero.any())):
        return x ** exponent
    odd = negative if zero is None else zero if negative is None else negative | zero
    result = ops.where(odd, x * 0.0 + 1.0, x) ** exponent  # x * 0: a NaN gradient reaches x where x < 0
    if zero is not None:
        result = ops.where(zero, math.inf, result)  # gradient 0 here (PyTorch's is 0 * inf = NaN, with a warning here)
    if negative is not None:
        result = result * ops.where(negative, math.nan, ops.abs(x.detach()) * 0.0 + 1.0)
    return result


def _root_of_sums(average: Tensor, window: int, p: float) -> Tensor:
    """(average * window)^(1/p), with value 0^(1/p) and gradient 0 where the sum is exactly 0."""
    total = average * float(window)
    zero = total.detach() == 0
    root = real_power(ops.where(zero, 1.0, total), 1.0 / p)
    return ops.where(zero, 0.0 if p > 0 else math.inf, root)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride: Any = None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """(sum over each window of x^p)^(1/p) on (N, C, L) or (C, L), like
    ``torch.nn.functional.lp_pool1d``; stride defaults to the kernel size."""
    p = _norm_type("lp_pool1d", norm_type)
    x = _check_tensor_input("lp_pool1d", input)
    if math.isinf(p):
        pooled = max_pool1d(ops.abs(x) if p > 0 else -ops.abs(x), kernel_size, stride, 0, 1, ceil_mode)
        return pooled if p > 0 else -pooled
    average = avg_pool1d(real_power(x, p), kernel_size, stride, 0, ceil_mode)
    k = kernel_size[0] if isinstance(kernel_size, (tuple, list)) else kernel_size
    return _root_of_sums(average, int(k), p)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """(sum over each window of x^p)^(1/p) on (N, C, H, W) or (C, H, W), like
    ``torch.nn.functional.lp_pool2d``; kernel_size and stride an int or a pair, stride defaulting
    to the kernel size; ``ceil_mode`` keeps the last, partial windows (see the module docstring)."""
    p = _norm_type("lp_pool2d", norm_type)
    x = _check_tensor_input("lp_pool2d", input)
    if math.isinf(p):
        pooled = ops.max_pool2d(ops.abs(x) if p > 0 else -ops.abs(x), kernel_size, stride, ceil_mode=ceil_mode)
        return pooled if p > 0 else -pooled
    average = avg_pool2d(real_power(x, p), kernel_size, stride, ceil_mode=ceil_mode)
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    return _root_of_sums(average, int(kh) * int(kw), p)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """(sum over each window of x^p)^(1/p) on (N, C, D, H, W) or (C, D, H, W), like
    ``torch.nn.functional.lp_pool3d``; kernel_size and stride an int or a triple, stride defaulting
    to the kernel size; ``ceil_mode`` as in :func:`lp_pool2d`."""
    p = _norm_type("lp_pool3d", norm_type)
    x = _check_tensor_input("lp_pool3d", input)
    if math.isinf(p):
        pooled = max_pool3d(ops.abs(x) if p > 0 else -ops.abs(x), kernel_size, stride, ceil_mode=ceil_mode)
        return pooled if p > 0 else -pooled
    average = avg_pool3d(real_power(x, p), kernel_size, stride, ceil_mode=ceil_mode)
    kernel = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * 3
    return _root_of_sums(average, int(np.prod([int(k) for k in kernel])), p)


def _check_tensor_input(name: str, input: Any) -> Tensor:  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): expected a Tensor input, got {type(input).__name__}")
    return input


class _LPPoolNd(Module):
    _pool: Any = None

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> None:
        super().__init__()
        _norm_type(type(self).__name__, norm_type)
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, x: Tensor) -> Tensor:
        return type(self)._pool(_check_tensor(self, x), self.norm_type, self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """Power-average pooling of (N, C, L) or (C, L): (sum over each window of x^p)^(1/p), p =
    ``norm_type`` (see :func:`lp_pool1d`)."""

    _pool = staticmethod(lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling of (N, C, H, W) or (C, H, W): (sum over each window of x^p)^(1/p), p =
    ``norm_type`` (see :func:`lp_pool2d`)."""

    _pool = staticmethod(lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling of (N, C, D, H, W) or (C, D, H, W): (sum over each window of x^p)^(1/p),
    p = ``norm_type`` (see :func:`lp_pool3d`)."""

    _pool = staticmethod(lp_pool3d)
