"""``nn.UpsamplingNearest2d`` and ``nn.UpsamplingBilinear2d``: PyTorch's older names for
``nn.Upsample`` with the mode fixed (nearest; bilinear with align_corners=True), kept because
older GAN code (DCGAN and pix2pix ports) uses them."""
from __future__ import annotations

from typing import Any

from .conv import Upsample

__all__ = ["UpsamplingNearest2d", "UpsamplingBilinear2d"]


def _factor(scale_factor: Any) -> Any:
    """PyTorch keeps a scale factor as a float (2 is shown as 2.0); a pair stays a pair."""
    if scale_factor is None or isinstance(scale_factor, (tuple, list)):
        return scale_factor
    return float(scale_factor)


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour resizing of (N, C, H, W) to ``size`` or by ``scale_factor``:
    ``Upsample(size, scale_factor, mode="nearest")``."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, _factor(scale_factor), mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear resizing of (N, C, H, W) with the corners aligned:
    ``Upsample(size, scale_factor, mode="bilinear", align_corners=True)``."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, _factor(scale_factor), mode="bilinear", align_corners=True)
