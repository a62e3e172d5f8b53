"""Adaptive pooling layers: pool (N, C, H, W) to a fixed output size whatever the input's, as the
global average pooling before a classifier's head (``AdaptiveAvgPool2d(1)``) or VGG's 7x7. The
computations are :mod:`minigan.ops.adaptive`'s."""
from __future__ import annotations

from ..ops.adaptive import adaptive_avg_pool2d, adaptive_max_pool2d, output_size_argument
from .pool_base import _AdaptiveMaxPoolBase, _AdaptivePoolBase


class AdaptiveAvgPool2d(_AdaptivePoolBase):
    """The mean over each of output_size's bins: (N, C, H, W) -> (N, C, OH, OW); bin i spans rows
    floor(i H / OH) to ceil((i + 1) H / OH), as PyTorch's. ``output_size`` an int or (OH, OW), None
    keeping that size."""

    _function, _check = staticmethod(adaptive_avg_pool2d), staticmethod(output_size_argument)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolBase):
    """The maximum over each of output_size's bins (as :class:`AdaptiveAvgPool2d`'s); with
    ``return_indices``, (values, each winner's row * W + column)."""

    _function, _check = staticmethod(adaptive_max_pool2d), staticmethod(output_size_argument)


__all__ = ["AdaptiveAvgPool2d", "AdaptiveMaxPool2d"]
