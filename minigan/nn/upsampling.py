"""``nn.Upsample`` for images and volumes, and ``nn.UpsamplingNearest2d`` and
``nn.UpsamplingBilinear2d``: PyTorch's older names for ``nn.Upsample`` with the mode fixed
(nearest; bilinear with align_corners=True), kept because older GAN code (DCGAN and pix2pix
ports) uses them."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..ops.resize_filters import interpolate
from .conv import Upsample as _ImageUpsample
from .layers import _check_tensor

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]

_NOT_FOR_IMAGES = ("nearest-exact", "linear", "trilinear", "bicubic", "area")  # the older image layer's: nearest, bilinear


class Upsample(_ImageUpsample):
    """Resizing to ``size`` or by ``scale_factor``: of (N, C, L) with ``mode="nearest"``,
    ``"nearest-exact"``, ``"linear"`` or ``"area"``; of (N, C, H, W) with ``"nearest"``, ``"nearest-exact"``,
    ``"bilinear"``, ``"bicubic"`` or ``"area"``; of (N, C, D, H, W) with ``"nearest"``, ``"nearest-exact"``,
    ``"trilinear"`` or ``"area"`` (with or without ``align_corners``, ``recompute_scale_factor``), as
    PyTorch's (see ``F.interpolate``)."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> None:
        other = mode in _NOT_FOR_IMAGES
        if not other and mode not in ("nearest", "bilinear"):
            raise NotImplementedError(f"Upsample: mode={mode!r} is not supported; minigan has 'nearest', "
                                      f"'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear' and 'area'")
        if align_corners is not None and mode in ("nearest-exact", "area"):
            raise ValueError("Upsample: align_corners can only be set with mode='linear', 'bilinear', 'bicubic' "
                             "or 'trilinear'")
        super().__init__(size, scale_factor, "nearest" if other else mode, None if other else align_corners)
        self.mode, self.align_corners, self.recompute_scale_factor = mode, align_corners, recompute_scale_factor

    def forward(self, x: Tensor) -> Tensor:
        return interpolate(_check_tensor(self, x), self.size, self.scale_factor, self.mode, self.align_corners,
                           self.recompute_scale_factor)


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
