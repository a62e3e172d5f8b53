"""``F.affine_grid`` and ``F.grid_sample`` for volumes (5-D): the 3-d spatial transformer, as
PyTorch's, built as the 2-d one is (minigan/nn/grid_sampling.py, whose coordinate helpers it uses).

``affine_grid(theta, (N, C, D, H, W))`` maps each output voxel's position (x across W, y down H,
z through D, each in [-1, 1] and rounded as PyTorch's linspace) by the 3x4 matrix theta:
(x', y', z') = theta (x, y, z, 1), an (N, D, H, W, 3) grid.

``grid_sample(input, grid)`` reads the (N, C, D, H, W) input at the grid's points (x, y, z):
each coordinate is turned into voxel units and padded along its own axis as in 2-d, then
"bilinear" (trilinear in effect) mixes the eight voxels around the point, each weighted by the
volume of the box opposite it, and "nearest" reads the nearest voxel (halves round to even;
zero gradient for the grid). PyTorch has no bicubic sampling of volumes.

f = sum over the 8 corners c of w_c(ix, iy, iz) x[c], w_c a product of (1 - t) or t per axis;
df/dx adds g w_c into each corner read, df/dgrid is the weights' derivative times the voxels.
"""
from __future__ import annotations

from typing import Any, Sequence

from .. import ops
from ..autograd import Tensor
from ..backends import backend_of
from .grid_sampling import _padded, _positions

__all__ = ["affine_grid_3d", "grid_sample_3d"]


def affine_grid_3d(theta: Tensor, size: Sequence[int], aligned: bool) -> Tensor:
    """The sampling grid (N, D, H, W, 3) of the affine maps ``theta`` (N, 3, 4) for an output of
    ``size`` (N, C, D, H, W)."""
    backend = backend_of(theta.array)
    if backend.numpy_dtype(theta.dtype).kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    n, _, depth, height, width = size
    if tuple(theta.shape) != (n, 3, 4):
        raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {tuple(size)}. "
                         f"Got {tuple(theta.shape)}.")
    if min(size) <= 0:
        raise ValueError(f"affine_grid: every size must be positive, got {tuple(size)}")
    xp, dtype, device = backend.xp, theta.array.dtype, theta.array.device
    base = xp.ones((depth, height, width, 4), dtype=dtype, device=device)
    base[..., 0] = _positions(width, aligned, xp, dtype, device)[None, None, :]
    base[..., 1] = _positions(height, aligned, xp, dtype, device)[None, :, None]
    base[..., 2] = _positions(depth, aligned, xp, dtype, device)[:, None, None]
    points = Tensor._make(xp.reshape(base, (1, depth * height * width, 4)), False, None)
    return ops.matmul(points, theta.transpose(1, 2)).reshape(n, depth, height, width, 3)


def _unnormalize(coordinate: Tensor, size: int, align_corners: bool) -> Tensor:
    """In voxel units, rounded as PyTorch's volume sampler rounds (one rounding per operation, no
    fused multiply-add as for images): (x + 1)(size - 1)/2, or ((x + 1) size - 1)/2."""
    if align_corners:
        return (coordinate + 1) * (size - 1) / 2
    return ((coordinate + 1) * size - 1) / 2


class _Volume:
    """The input as (N, D, H, W, C), read at whole-number voxel positions."""

    def __init__(self, input: Tensor) -> None:  # noqa: A002
        self.voxels = input.permute(0, 2, 3, 4, 1)
        self.sizes = tuple(input.shape[2:])  # (D, H, W)
        self.xp = backend_of(input.array).xp
        n = input.shape[0]
        self.batch = self.xp.reshape(self.xp.arange(n, device=input.array.device), (n, 1, 1, 1))

    def read(self, ix: Any, iy: Any, iz: Any) -> Tensor:
        """The voxels at (ix, iy, iz) (float arrays of whole numbers, (N, Do, Ho, Wo)), 0 outside."""
        xp = self.xp
        depth, height, width = self.sizes
        inside = ((ix >= 0) & (ix <= width - 1) & (iy >= 0) & (iy <= height - 1)
                  & (iz >= 0) & (iz <= depth - 1))
        # NaN and far points are outside: read voxel 0 there (and give 0)
        index = [xp.astype(xp.where(inside, v, xp.zeros_like(v)), xp.int64) for v in (iz, iy, ix)]
        values = self.voxels[self.batch, index[0], index[1], index[2]]
        return ops.where(inside[..., None], values, 0.0)


def _trilinear(volume: _Volume, ix: Tensor, iy: Tensor, iz: Tensor) -> Tensor:
    xp = volume.xp
    sides = []
    for coordinate in (ix, iy, iz):
        low = xp.floor(coordinate.array)
        high = low + 1
        sides.append(((low, Tensor._make(high, False, None) - coordinate),
                      (high, coordinate - Tensor._make(low, False, None))))
    out = None
    for z, weight_z in sides[2]:
        for y, weight_y in sides[1]:
            for x, weight_x in sides[0]:
                term = volume.read(x, y, z) * (weight_x * weight_y * weight_z).unsqueeze(-1)
                out = term if out is None else out + term
    return out


def _nearest(volume: _Volume, ix: Tensor, iy: Tensor, iz: Tensor) -> Tensor:
    xp = volume.xp
    values = volume.read(xp.round(ix.array), xp.round(iy.array), xp.round(iz.array))  # halves to even
    # a zero gradient for the grid, which still reaches it (as in 2-d)
    everywhere = xp.ones(values.shape, dtype=xp.bool, device=values.array.device)
    return ops.where(everywhere, values, (ix + iy + iz).unsqueeze(-1))


def grid_sample_3d(input: Tensor, grid: Tensor, mode: str, padding_mode: str, aligned: bool) -> Tensor:  # noqa: A002
    """``input`` (N, C, D, H, W) read at the points of ``grid`` (N, Do, Ho, Wo, 3): (N, C, Do, Ho, Wo);
    mode, padding mode, shapes and dtypes already checked by grid_sample."""
    if mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    volume = _Volume(input)
    depth, height, width = volume.sizes
    coordinates = [_padded(_unnormalize(grid[..., axis], size, aligned), size, padding_mode, aligned)
                   for axis, size in ((0, width), (1, height), (2, depth))]
    out = (_trilinear if mode == "bilinear" else _nearest)(volume, *coordinates)
    return out.permute(0, 4, 1, 2, 3)
