"""Gradient-check cases for the volumetric companions of the 3-d layers: ``F.interpolate`` on
(N, C, D, H, W) (minigan/ops/resize.py), ``F.affine_grid`` / ``F.grid_sample`` on volumes
(minigan/nn/grid_sampling3d.py), ``F.lp_pool3d`` / ``nn.LPPool3d``, ``nn.Upsample`` and, with
them, ``F.interpolate``'s many-tap modes on images (minigan/ops/resize_filters.py) and
``F.fractional_max_pool2d`` / ``3d`` (minigan/nn/fractional_pool.py, with fixed ``_random_samples``),
first and second order. ``VOLUMETRIC_CASES`` joins the op cases (cases.py), ``VOLUMETRIC_LAYER_CASES`` the
layer cases (layer_cases.py)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .. import nn
from ..autograd import tensor
from ..nn import functional as F
from ..ops.resize import interpolate_volume
from .opcase import DISTINCT_LAYOUTS, OpCase, distinct, positive


def grid_points(align_corners: bool) -> Callable[[list[np.ndarray], np.random.Generator], list[np.ndarray]]:
    """grid_sample's image or volume as drawn and a grid whose points, in pixel units, lie 0.2-0.4
    or 0.6-0.8 past a whole number from -2 to the size + 1 along each axis (x across the last
    axis, then y, then z): off the kinks of the bilinear, trilinear and bicubic weights (whole
    numbers), of rounding (halves) and of the reflections (both), in and outside the input."""
    def prepare(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
        volume, grid = arrays
        points = np.empty(grid.shape)
        for axis, size in enumerate(reversed(volume.shape[-grid.shape[-1]:])):
            whole = rng.integers(-2, size + 2, grid.shape[:-1])
            voxel = whole + rng.uniform(0.2, 0.4, grid.shape[:-1]) + 0.4 * rng.integers(0, 2, grid.shape[:-1])
            points[..., axis] = voxel * 2 / (size - 1) - 1 if align_corners else (2 * voxel + 1) / size - 1
        return [volume, points]

    return prepare


def _grid_sample_case(mode: str, padding_mode: str, align_corners: bool) -> OpCase:
    return OpCase(f"F.grid_sample(5-D, {mode}, {padding_mode}, align_corners={align_corners})",
                  lambda x, g: F.grid_sample(x, g, mode, padding_mode, align_corners),
                  [((2, 2, 3, 2, 4), (2, 2, 1, 2, 3))], prepare=grid_points(align_corners))


_SAMPLES = np.array([[[0.3, 0.8], [0.65, 0.1]], [[0.05, 0.5], [0.9, 0.45]]])  # fractional pooling's draws
_SAMPLES_3D = np.array([[[0.3, 0.8, 0.55], [0.65, 0.1, 0.9]], [[0.05, 0.5, 0.2], [0.9, 0.45, 0.7]]])

VOLUMETRIC_CASES: list[OpCase] = [
    OpCase("interpolate(5-D, nearest, size)", lambda x: interpolate_volume(x, size=(3, 5, 2)), [((1, 2, 2, 3, 3),)]),
    OpCase("interpolate(5-D, nearest-exact, scale_factor)",
           lambda x: interpolate_volume(x, scale_factor=(1.5, 0.7, 2), mode="nearest-exact"), [((2, 1, 2, 3, 2),)]),
    OpCase("interpolate(5-D, trilinear)", lambda x: interpolate_volume(x, scale_factor=(2, 1.5, 0.6), mode="trilinear"),
           [((1, 2, 2, 2, 4),)]),
    OpCase("interpolate(5-D, trilinear, align_corners, size)",
           lambda x: interpolate_volume(x, size=(3, 1, 4), mode="trilinear", align_corners=True), [((1, 1, 2, 3, 3),)]),
    OpCase("interpolate(5-D, trilinear, recompute_scale_factor)",
           lambda x: interpolate_volume(x, scale_factor=1.7, mode="trilinear", recompute_scale_factor=True),
           [((1, 1, 2, 3, 2),)]),
    # the many-tap modes (minigan/ops/resize_filters.py)
    OpCase("interpolate(4-D, bicubic)", lambda x: F.interpolate(x, size=(4, 2), mode="bicubic"), [((1, 2, 3, 3),)]),
    OpCase("interpolate(4-D, bicubic, align_corners)",
           lambda x: F.interpolate(x, scale_factor=(0.7, 1.5), mode="bicubic", align_corners=True), [((2, 1, 4, 3),)]),
    OpCase("interpolate(4-D, bilinear, antialias)",
           lambda x: F.interpolate(x, scale_factor=0.4, mode="bilinear", antialias=True), [((1, 2, 5, 6),)]),
    OpCase("interpolate(4-D, bicubic, antialias)",
           lambda x: F.interpolate(x, size=(2, 5), mode="bicubic", antialias=True), [((1, 1, 6, 4),)]),
    OpCase("interpolate(area)", lambda x: F.interpolate(x, scale_factor=0.6, mode="area"),
           [((1, 2, 5),), ((1, 1, 4, 5),), ((1, 1, 3, 2, 4),)]),
    OpCase("interpolate(4-D, nearest-exact, recompute_scale_factor)",
           lambda x: F.interpolate(x, scale_factor=(1.6, 0.7), mode="nearest-exact", recompute_scale_factor=True),
           [((1, 2, 3, 4),)]),
]

VOLUMETRIC_LAYER_CASES: list[OpCase] = [
    *[_grid_sample_case(mode, padding, aligned) for mode, padding, aligned in (
        ("bilinear", "zeros", False), ("bilinear", "border", True), ("bilinear", "reflection", False),
        ("bilinear", "reflection", True), ("nearest", "zeros", True), ("nearest", "reflection", False))],
    OpCase("F.affine_grid(5-D)", lambda theta: F.affine_grid(theta, (2, 1, 2, 3, 4), align_corners=False),
           [((2, 3, 4),)]),
    OpCase("F.lp_pool3d(2, (2, 1, 2))", lambda x: F.lp_pool3d(x, 2, (2, 1, 2), stride=(1, 1, 2)),
           [((1, 2, 3, 2, 4),), ((2, 3, 3, 2),)]),
    OpCase("F.lp_pool3d(1.5, ceil_mode)", lambda x: F.lp_pool3d(x, 1.5, 2, ceil_mode=True), [((1, 1, 3, 3, 2),)],
           prepare=positive),
    OpCase("nn.LPPool3d(inf, 2)", nn.LPPool3d(float("inf"), 2), [((1, 2, 2, 4, 2),)], prepare=distinct,
           layouts=DISTINCT_LAYOUTS),
    OpCase("F.fractional_max_pool2d", lambda x: F.fractional_max_pool2d(
        x, (2, 1), output_size=(3, 3), _random_samples=tensor(_SAMPLES, device=x.device)), [((2, 2, 5, 4),)],
        prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("nn.FractionalMaxPool2d(ratio, unbatched)", lambda x: nn.FractionalMaxPool2d(
        2, output_ratio=(0.5, 0.75), _random_samples=tensor(_SAMPLES[:1], device=x.device))(x), [((2, 6, 4),)],
        prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("nn.Upsample(5-D, trilinear)", nn.Upsample(scale_factor=(1, 2, 1.5), mode="trilinear"),
           [((1, 2, 2, 2, 2),)]),
    OpCase("nn.Upsample(bicubic, align_corners)", nn.Upsample(size=(3, 4), mode="bicubic", align_corners=True),
           [((1, 2, 2, 3),)]),
    OpCase("F.fractional_max_pool3d", lambda x: F.fractional_max_pool3d(
        x, (2, 1, 2), output_size=(2, 3, 2), _random_samples=tensor(_SAMPLES_3D, device=x.device)), [((2, 2, 4, 4, 4),)],
        prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("nn.FractionalMaxPool3d(ratio, unbatched)", lambda x: nn.FractionalMaxPool3d(
        2, output_ratio=(0.5, 0.6, 0.5), _random_samples=tensor(_SAMPLES_3D[:1], device=x.device))(x), [((2, 4, 5, 6),)],
        prepare=distinct, layouts=DISTINCT_LAYOUTS),
]

__all__ = ["VOLUMETRIC_CASES", "VOLUMETRIC_LAYER_CASES", "grid_points"]
