"""3-d pooling layers on (N, C, D, H, W) (or (C, D, H, W)), with PyTorch's argument names, defaults
and reprs; the computations are :mod:`minigan.ops.pool3d`'s."""
from __future__ import annotations

from ..ops.pool3d import output_size_triple, adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d
from .pool_base import _AdaptiveMaxPoolBase, _AdaptivePoolBase, _AvgPoolBase, _MaxPoolBase


class MaxPool3d(_MaxPoolBase):
    """The maximum over each kernel window (an int or (kd, kh, kw)); stride defaults to kernel_size.
    ``ceil_mode`` keeps a last, partial window; ``return_indices`` gives (values, each winner's place
    (d H + h) W + w), which MaxUnpool3d takes."""

    _function = staticmethod(max_pool3d)


class AvgPool3d(_AvgPoolBase):
    """The mean over each kernel window; stride defaults to kernel_size; padding counts in the mean
    unless ``count_include_pad`` is False, ``divisor_override`` replaces the count, and ``ceil_mode``
    keeps a last, partial window, divided as PyTorch's."""

    _function = staticmethod(avg_pool3d)


class AdaptiveAvgPool3d(_AdaptivePoolBase):
    """The mean over each of output_size's bins: (N, C, D, H, W) -> (N, C, OD, OH, OW); bin i of an
    axis spans floor(i in / out) to ceil((i + 1) in / out), as PyTorch's. ``output_size`` an int or
    (OD, OH, OW), None keeping that size."""

    _function, _check = staticmethod(adaptive_avg_pool3d), staticmethod(output_size_triple)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolBase):
    """The maximum over each of output_size's bins (as :class:`AdaptiveAvgPool3d`'s); with
    ``return_indices``, (values, each winner's place (d H + h) W + w)."""

    _function, _check = staticmethod(adaptive_max_pool3d), staticmethod(output_size_triple)


__all__ = ["MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d"]
