"""``F.affine_grid`` and ``F.grid_sample``: the grid generator and the sampler of a spatial
transformer network (Jaderberg et al. 2015), as PyTorch's, for images (4-D inputs).

``affine_grid(theta, (N, C, H, W))`` gives, for each output pixel, the point of the input that
it reads: the pixel's own position in [-1, 1]² (x across, y down), mapped by the 2x3 matrix
theta, so (x', y') = theta (x, y, 1). With ``align_corners=True`` -1 and 1 are the centres of
the corner pixels; with False (the default) they are the corner pixels' outer edges, so the
centres sit at (2i + 1)/W - 1.

``grid_sample(input, grid)`` reads the input at those points. A point (x, y) is first turned
into pixel units, ix = (x + 1)/2 (W - 1) (``align_corners=True``) or ((x + 1) W - 1)/2, then

* ``padding_mode``: "zeros" reads 0 outside the image; "border" clamps ix into [0, W - 1];
  "reflection" folds it back at the borders (at the corner pixels' centres, or their outer edges
  without ``align_corners``), then clamps;
* ``mode``: "bilinear" mixes the four pixels around (ix, iy), each weighted by the area of the
  rectangle opposite it; "nearest" reads the nearest pixel (halves round to even); "bicubic"
  mixes the 4x4 pixels around it with Keys' cubic convolution weights (a = -0.75), the padding
  applied to each of the 16 pixels' positions instead of to (ix, iy).

Everything is built from ops that have gradients: the gradient reaches the input through the
pixels read (indexing, whose backward adds into each pixel) and the grid through the weights,
which are polynomials of ix and iy; the clamps and folds pass the gradient as PyTorch's do (0
where a coordinate is clamped, the sign flipped where it is reflected), and "nearest" gives the
grid a zero gradient. So second derivatives come for free.
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

from .. import ops
from ..autograd import Tensor
from ..backends import backend_of
from ..ops.exact import fused_multiply_add

_MODES = ("bilinear", "nearest", "bicubic")
_PADDINGS = ("zeros", "border", "reflection")
_CUBIC_A = -0.75


def _align_corners(align_corners: bool | None) -> bool:
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since "
                      "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
                      "documentation of grid_sample for details.", UserWarning, stacklevel=3)
        return False
    return bool(align_corners)


def _positions(steps: int, align_corners: bool, xp: Any, dtype: Any, device: Any) -> Any:
    """The pixel centres' coordinates in [-1, 1] along one side of ``steps`` pixels, rounded as
    PyTorch's (where a coordinate lands exactly on a pixel centre, one rounding or two decide which
    pixels a bilinear read mixes, and so the grid's gradient there): its linspace takes the first
    half as -1 + i h and the rest as 1 - (steps - 1 - i) h (h = 2 / (steps - 1), each a fused
    multiply-add), and without ``align_corners`` scales by (steps - 1) / steps as a product and
    then a quotient."""
    if steps <= 1:
        return xp.zeros(steps, dtype=dtype, device=device)
    index = xp.arange(steps, dtype=dtype, device=device)
    step = xp.full((steps,), 2.0 / (steps - 1), dtype=dtype, device=device)
    first = index < steps // 2
    line = fused_multiply_add(xp.where(first, step, -step), xp.where(first, index, steps - 1 - index),
                               xp.where(first, xp.full_like(step, -1.0), xp.full_like(step, 1.0)))
    return line if align_corners else line * (steps - 1) / steps


def affine_grid(theta: Tensor, size: Sequence[int], align_corners: bool | None = None) -> Tensor:
    """The sampling grid (N, H, W, 2) of the affine maps ``theta`` (N, 2, 3) for an output of
    ``size`` (N, C, H, W), as ``torch.nn.functional.affine_grid``; for a 5-D size (N, C, D, H, W),
    theta (N, 3, 4) gives (N, D, H, W, 3) (minigan/nn/grid_sampling3d.py)."""
    if not isinstance(theta, Tensor):
        raise TypeError(f"affine_grid: theta must be a Tensor, got {type(theta).__name__}")
    size = tuple(int(s) for s in size)
    if len(size) == 5:
        from .grid_sampling3d import affine_grid_3d  # it builds on this module's helpers
        return affine_grid_3d(theta, size, _align_corners(align_corners))
    if len(size) != 4:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    backend = backend_of(theta.array)
    if backend.numpy_dtype(theta.dtype).kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    n, _, height, width = size
    if tuple(theta.shape) != (n, 2, 3):
        raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. "
                         f"Got {tuple(theta.shape)}.")
    if min(size) <= 0:
        raise ValueError(f"affine_grid: every size must be positive, got {size}")
    aligned = _align_corners(align_corners)
    xp = backend.xp
    dtype = theta.array.dtype
    device = theta.array.device
    base = xp.ones((height, width, 3), dtype=dtype, device=device)
    base[:, :, 0] = _positions(width, aligned, xp, dtype, device)[None, :]
    base[:, :, 1] = _positions(height, aligned, xp, dtype, device)[:, None]
    points = Tensor._make(xp.reshape(base, (1, height * width, 3)), False, None)
    return ops.matmul(points, theta.transpose(1, 2)).reshape(n, height, width, 2)


# ------------------------------------------------------------------ coordinates
def _unnormalize(coordinate: Tensor, size: int, align_corners: bool) -> Tensor:
    """In pixel units, rounded as PyTorch's: (x + 1)(size - 1) / 2, or (x + 1) size/2 - 0.5 with
    one rounding (a fused multiply-add). The gradient is the constant slope, (size - 1)/2 or size/2."""
    if align_corners:
        return (coordinate + 1) * (size - 1) / 2
    shifted = (coordinate + 1).array
    xp = backend_of(shifted).xp
    value = fused_multiply_add(shifted, xp.full_like(shifted, size / 2), xp.full_like(shifted, -0.5))
    scaled = coordinate * (size / 2)  # carries the gradient; scaled - scaled.detach() is exactly 0
    return Tensor._make(value, False, None) + (scaled - scaled.detach())


def _clip(coordinate: Tensor, size: int) -> Tensor:
    """Clamped into [0, size - 1], with gradient 1 strictly inside and 0 at and beyond the ends."""
    array = coordinate.array
    below, above = array <= 0, array >= size - 1
    return ops.where(below, 0.0, ops.where(above, float(size - 1), coordinate))


def _reflect(coordinate: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Folded back and forth into [twice_low / 2, twice_high / 2]; the gradient's sign flips with
    each fold."""
    if twice_low == twice_high:
        return coordinate * 0.0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    shifted = coordinate - low
    distance = ops.where(shifted.array < 0, -shifted, shifted)
    xp = backend_of(distance.array).xp
    folds = xp.floor(distance.array / span)
    extra = ops.remainder(distance, span)
    return ops.where(folds % 2 == 0, extra + low, span - extra + low)


def _padded(coordinate: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    if padding_mode == "border":
        return _clip(coordinate, size)
    if padding_mode == "reflection":
        twice = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        return _clip(_reflect(coordinate, *twice), size)
    return coordinate


def _padded_index(index: Any, size: int, padding_mode: str, align_corners: bool, xp: Any) -> Any:
    """bicubic's pixel positions (whole numbers, as floats) with the padding applied to each."""
    if padding_mode == "zeros":
        return index
    constant = Tensor._make(index, False, None)
    return _padded(constant, size, padding_mode, align_corners).array


# ------------------------------------------------------------------ sampling
class _Image:
    """The input as (N, H, W, C), read at whole-number pixel positions."""

    def __init__(self, input: Tensor) -> None:  # noqa: A002
        self.pixels = input.permute(0, 2, 3, 1)
        self.n, self.height, self.width = input.shape[0], input.shape[2], input.shape[3]
        self.xp = backend_of(input.array).xp
        self.batch = self.xp.reshape(self.xp.arange(self.n, device=input.array.device), (self.n, 1, 1))

    def read(self, ix: Any, iy: Any) -> Tensor:
        """The pixels at (ix, iy) (float arrays of whole numbers, (N, Ho, Wo)), 0 outside: (N, Ho, Wo, C)."""
        xp = self.xp
        inside = (ix >= 0) & (ix <= self.width - 1) & (iy >= 0) & (iy <= self.height - 1)
        # NaN and far points are outside: read pixel 0 there (and give 0)
        column = xp.astype(xp.where(inside, ix, xp.zeros_like(ix)), xp.int64)
        row = xp.astype(xp.where(inside, iy, xp.zeros_like(iy)), xp.int64)
        values = self.pixels[self.batch, row, column]
        return ops.where(inside[..., None], values, 0.0)


def _bilinear(image: _Image, ix: Tensor, iy: Tensor) -> Tensor:
    xp = image.xp
    x0, y0 = xp.floor(ix.array), xp.floor(iy.array)
    x1, y1 = x0 + 1, y0 + 1
    west, east = Tensor._make(x1, False, None) - ix, ix - Tensor._make(x0, False, None)
    north, south = Tensor._make(y1, False, None) - iy, iy - Tensor._make(y0, False, None)
    out = image.read(x0, y0) * (west * north).unsqueeze(-1)
    out = out + image.read(x1, y0) * (east * north).unsqueeze(-1)
    out = out + image.read(x0, y1) * (west * south).unsqueeze(-1)
    return out + image.read(x1, y1) * (east * south).unsqueeze(-1)


def _cubic_weights(t: Tensor) -> list[Tensor]:
    """Keys' cubic convolution weights of the four pixels at offsets -1, 0, 1, 2 from the one
    before the point, t in [0, 1) past it: |d| <= 1: ((a + 2)|d| - (a + 3)) d² + 1; 1 < |d| < 2:
    ((a|d| - 5a)|d| + 8a)|d| - 4a."""
    a = _CUBIC_A

    def near(d: Tensor) -> Tensor:
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d: Tensor) -> Tensor:
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _bicubic(image: _Image, ix: Tensor, iy: Tensor, padding_mode: str, align_corners: bool) -> Tensor:
    xp = image.xp
    x0, y0 = xp.floor(ix.array), xp.floor(iy.array)
    wx = _cubic_weights(ix - Tensor._make(x0, False, None))
    wy = _cubic_weights(iy - Tensor._make(y0, False, None))
    columns = [_padded_index(x0 + k, image.width, padding_mode, align_corners, xp) for k in (-1, 0, 1, 2)]
    rows = [_padded_index(y0 + k, image.height, padding_mode, align_corners, xp) for k in (-1, 0, 1, 2)]
    out = None
    for row, weight_y in zip(rows, wy):
        across = None
        for column, weight_x in zip(columns, wx):
            term = image.read(column, row) * weight_x.unsqueeze(-1)
            across = term if across is None else across + term
        term = across * weight_y.unsqueeze(-1)
        out = term if out is None else out + term
    return out


def _nearest(image: _Image, ix: Tensor, iy: Tensor) -> Tensor:
    xp = image.xp
    values = image.read(xp.round(ix.array), xp.round(iy.array))  # halves to even
    # The grid's gradient is 0, but the output still depends on it, as PyTorch's does: a grid
    # that requires grad makes an output that requires grad, and grid.grad comes back zeros.
    everywhere = xp.ones(values.shape, dtype=xp.bool, device=values.array.device)
    return ops.where(everywhere, values, ix.unsqueeze(-1) + iy.unsqueeze(-1))


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",  # noqa: A002
                align_corners: bool | None = None) -> Tensor:
    """``input`` (N, C, H, W) read at the points of ``grid`` (N, Ho, Wo, 2), each (x, y) in
    [-1, 1]: (N, C, Ho, Wo), as ``torch.nn.functional.grid_sample`` (the module docstring says how);
    a volume (N, C, D, H, W) at the points (x, y, z) of (N, Do, Ho, Wo, 3) (minigan/nn/grid_sampling3d.py)."""
    if mode not in _MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: {mode!r}")
    if padding_mode not in _PADDINGS:
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: {padding_mode!r}")
    for name, value in (("input", input), ("grid", grid)):
        if not isinstance(value, Tensor):
            raise TypeError(f"grid_sample: {name} must be a Tensor, got {type(value).__name__}")
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, "
                           f"but got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.ndim - 2} in last dimension, but got "
                           f"grid with sizes {list(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if input.dtype != grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but input has "
                           f"{input.dtype} and grid has {grid.dtype}")
    if backend_of(input.array).numpy_dtype(input.dtype).kind != "f":
        raise RuntimeError(f"grid_sampler(): expected a floating-point input, got {input.dtype}")
    if 0 in input.shape[2:]:
        raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                           f"sizes {list(input.shape)}")
    aligned = _align_corners(align_corners)
    if input.ndim == 5:
        from .grid_sampling3d import grid_sample_3d  # it builds on this module's helpers
        return grid_sample_3d(input, grid, mode, padding_mode, aligned)
    image = _Image(input)
    ix = _unnormalize(grid[..., 0], image.width, aligned)
    iy = _unnormalize(grid[..., 1], image.height, aligned)
    if mode == "bicubic":
        out = _bicubic(image, ix, iy, padding_mode, aligned)
    else:
        ix = _padded(ix, image.width, padding_mode, aligned)
        iy = _padded(iy, image.height, padding_mode, aligned)
        out = _bilinear(image, ix, iy) if mode == "bilinear" else _nearest(image, ix, iy)
    return out.permute(0, 3, 1, 2)


__all__ = ["affine_grid", "grid_sample"]
