"""``torchvision.utils``' two picture helpers: ``make_grid`` (a Tensor, as torchvision's) and
``save_image``; the grid itself is drawn by minigan/viz.py."""
from __future__ import annotations

from typing import Any

from minigan import viz
from minigan.autograd import Tensor

__all__ = ["make_grid", "save_image"]


def make_grid(tensor: Any, nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range: tuple[float, float] | None = None, scale_each: bool = False,
              pad_value: float = 0.0) -> Tensor:
    """Images (B, C, H, W) tiled into one Tensor (C, H', W'), as ``torchvision.utils.make_grid``:
    ``nrow`` images per row, ``padding`` pixels of ``pad_value`` around each, one-channel images
    repeated into three, one image alone returned unpadded; ``normalize`` maps ``value_range``
    (default: the min and max, of each image with ``scale_each``) to [0, 1]."""
    grid = viz.make_grid(tensor, nrow=nrow, padding=padding, normalize=normalize, value_range=value_range,
                         scale_each=scale_each, pad_value=pad_value)
    device = tensor.device if isinstance(tensor, Tensor) else None
    return Tensor(grid, dtype=grid.dtype, device=device)


def save_image(tensor: Any, fp: Any, nrow: int = 8, padding: int = 2, normalize: bool = False,
               value_range: tuple[float, float] | None = None, scale_each: bool = False, pad_value: float = 0.0,
               format: str | None = None) -> None:
    """Write the grid of ``make_grid`` to ``fp`` (a path, written atomically, or a binary file
    object), as ``torchvision.utils.save_image``: v in [0, 1] becomes the byte
    floor(255 v + 0.5); ``format`` defaults to the path's suffix, else png."""
    viz.save_image(tensor, fp, format=format, nrow=nrow, padding=padding, normalize=normalize,
                   value_range=value_range, scale_each=scale_each, pad_value=pad_value)
