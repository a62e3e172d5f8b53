"""``torch.convolution``, ``conv_tbc``, ``grid_sampler``, ``grid_sampler_2d``, ``grid_sampler_3d`` and
``affine_grid_generator``: the low-level forms of the convolutions and of grid sampling, with
PyTorch's arguments (every list argument a list, the modes int codes), each over the functional
form in minigan/nn/functional.py, so values and gradients are that function's."""
from __future__ import annotations

import math
import numbers
from typing import Any, Sequence

from ..autograd import Tensor
from ..autograd.arguments import tensor_argument
from ..autograd.legacy import scalar_type_name
from ..nn import functional as F
from .arguments import bool_argument
from .normalization import _int_list

_CONVOLUTIONS = {(1, False): F.conv1d, (2, False): F.conv2d, (3, False): F.conv3d}
_TRANSPOSED = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def _int_argument(name: str, value: Any, argument: str, position: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be int, "
                        f"not {type(value).__name__}")
    return int(value)


def _per_dim(name: str, values: list[int], dims: int) -> tuple[int, ...]:
    """One value per spatial dim: a list of one is repeated, as PyTorch's."""
    if len(values) == 1:
        return tuple(values) * dims
    if len(values) != dims:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dims} values to match the "
                           f"convolution dimensions, but got {name}={values}")
    return tuple(values)


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Sequence[int],  # noqa: A002
                padding: Sequence[int], dilation: Sequence[int], transposed: bool, output_padding: Sequence[int],
                groups: int) -> Tensor:
    """The convolution of a batched ``input`` (N, C, *spatial) whose rank the weight's sets (1 to 3
    spatial dims): ``F.conv1d``/``conv2d``/``conv3d``, or with ``transposed`` the
    ``F.conv_transpose*d`` of the same rank (output_padding used there only). All nine arguments
    are required; the four lists hold one value per spatial dim, or one for all."""
    tensor_argument("convolution", "input", 1, input)
    tensor_argument("convolution", "weight", 2, weight)
    if bias is not None:
        tensor_argument("convolution", "bias", 3, bias)
    lists = [_int_list("convolution", value, argument, position) for value, argument, position in
             ((stride, "stride", 4), (padding, "padding", 5), (dilation, "dilation", 6))]
    transposed = bool_argument("convolution", transposed, "transposed", 7)
    extra = _int_list("convolution", output_padding, "output_padding", 8)
    groups = _int_argument("convolution", groups, "groups", 9)
    dims = weight.ndim - 2
    if dims < 1:
        raise RuntimeError("weight should have at least three dimensions")
    if dims > 3:
        raise RuntimeError(f"convolution: expected a weight of 3, 4 or 5 dims (1 to 3 spatial ones), but got weight "
                           f"of size {list(weight.shape)}")
    if input.ndim != weight.ndim:
        raise RuntimeError(f"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional weight "
                           f"{list(weight.shape)}, but got {input.ndim}-dimensional input of size "
                           f"{list(input.shape)} instead")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"Input type ({input.type()}) and weight type ({weight.type()}) should be the same or input "
                           "should be a MKLDNN tensor and weight is a dense tensor")
    channels = weight.shape[0] if transposed else weight.shape[1] * groups
    if groups > 0 and input.shape[1] != channels:
        given = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(f"Given {given}, weight of size {list(weight.shape)}, expected input{list(input.shape)} "
                           f"to have {channels} channels, but got {input.shape[1]} channels instead")
    stride, padding, dilation = (_per_dim(n, v, dims) for n, v in zip(("stride", "padding", "dilation"), lists))
    extra = _per_dim("output_padding", extra, dims)
    for bad, message in ((min(padding) < 0, "negative padding is not supported"),
                         (min(stride) <= 0, "non-positive stride is not supported"),
                         (min(dilation) < 0, "dilation should be greater than zero"),
                         (min(dilation) == 0, "non-positive dilation is not supported"),
                         (transposed and min(extra) < 0, "negative output_padding is not supported"),
                         (groups <= 0, "non-positive groups is not supported"),
                         (transposed and any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)),
                          f"output padding must be smaller than either stride or dilation, but got output_padding="
                          f"{list(extra)}, stride={list(stride)} and dilation={list(dilation)}")):
        if bad:
            raise RuntimeError(message)
    if dims == 1:
        stride, padding, dilation, extra = stride[0], padding[0], dilation[0], extra[0]
    if transposed:
        return _TRANSPOSED[dims](input, weight, bias, stride, padding, extra, groups, dilation)
    return _CONVOLUTIONS[dims, False](input, weight, bias, stride, padding, dilation, groups)


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:  # noqa: A002
    """A 1-d convolution in time-batch-channel layout: input (T, B, C_in), weight (K, C_in, C_out),
    bias (C_out,) -> (T + 2 pad - K + 1, B, C_out); ``F.conv1d`` on the permuted input and weight,
    padded by ``pad`` steps at both ends of time (a negative ``pad`` crops)."""
    tensor_argument("conv_tbc", "input", 1, input)
    tensor_argument("conv_tbc", "weight", 2, weight)
    tensor_argument("conv_tbc", "bias", 3, bias)
    pad = _int_argument("conv_tbc", pad, "pad", 4)
    if input.ndim != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.ndim != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.ndim != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    steps, batch = input.shape[:2]
    length = steps + 2 * pad - weight.shape[0] + 1
    if length < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {length}: "
                           f"[{length}, {batch}, {weight.shape[2]}]")
    if pad < 0:  # crop, then convolve unpadded
        input, pad = input[-pad:steps + pad], 0  # noqa: A001
    if length == 0:  # no output step: conv1d refuses a kernel longer than the input, PyTorch gives (0, B, C_out)
        return bias.reshape(1, 1, -1)[:0] + input[:0, :, :1] * 0.0
    out = F.conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, pad)  # (B, C_out, T')
    return out.permute(2, 0, 1)


_INTERPOLATIONS = ("bilinear", "nearest", "bicubic")
_PADDINGS = ("zeros", "border", "reflection")


def _grid_sampler(name: str, input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,  # noqa: A002
                  align_corners: bool, ranks: tuple[int, ...]) -> Tensor:
    tensor_argument(name, "input", 1, input)
    tensor_argument(name, "grid", 2, grid)
    mode = _int_argument(name, interpolation_mode, "interpolation_mode", 3)
    padding = _int_argument(name, padding_mode, "padding_mode", 4)
    bool_argument(name, align_corners, "align_corners", 5)
    if not 0 <= mode < 3:
        raise ValueError(f"{name}(): interpolation_mode must be 0 (bilinear), 1 (nearest) or 2 (bicubic), but got "
                         f"{mode}")
    if not 0 <= padding < 3:
        raise ValueError(f"{name}(): padding_mode must be 0 (zeros), 1 (border) or 2 (reflection), but got {padding}")
    if len(ranks) == 1 and (input.ndim != ranks[0] or grid.ndim != ranks[0]):
        raise RuntimeError(f"grid_sampler(): expected {ranks[0]}D input and grid with same number of dimensions, "
                           f"but got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if input.ndim == 5 and mode == 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if input.dtype != grid.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                           f"{scalar_type_name(grid.dtype)}")
    return F.grid_sample(input, grid, _INTERPOLATIONS[mode], _PADDINGS[padding], align_corners)


def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,  # noqa: A002
                 align_corners: bool) -> Tensor:
    """``F.grid_sample`` with the modes as PyTorch's int codes: ``interpolation_mode`` 0 bilinear,
    1 nearest, 2 bicubic (4-D input only); ``padding_mode`` 0 zeros, 1 border, 2 reflection;
    ``align_corners`` required. An input (N, C, H, W) with a grid (N, Ho, Wo, 2), or (N, C, D, H, W)
    with (N, Do, Ho, Wo, 3). A code out of range raises ValueError (PyTorch does not check them)."""
    return _grid_sampler("grid_sampler", input, grid, interpolation_mode, padding_mode, align_corners, (4, 5))


def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,  # noqa: A002
                    align_corners: bool) -> Tensor:
    """:func:`grid_sampler` for an input (N, C, H, W) and a grid (N, Ho, Wo, 2) only."""
    return _grid_sampler("grid_sampler_2d", input, grid, interpolation_mode, padding_mode, align_corners, (4,))


def grid_sampler_3d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,  # noqa: A002
                    align_corners: bool) -> Tensor:
    """:func:`grid_sampler` for an input (N, C, D, H, W) and a grid (N, Do, Ho, Wo, 3) only (no bicubic)."""
    return _grid_sampler("grid_sampler_3d", input, grid, interpolation_mode, padding_mode, align_corners, (5,))


def affine_grid_generator(theta: Tensor, size: Sequence[int], align_corners: bool) -> Tensor:
    """``F.affine_grid(theta, size, align_corners)``: theta (N, 2, 3) and size (N, C, H, W) give the
    grid (N, H, W, 2); theta (N, 3, 4) and (N, C, D, H, W) give (N, D, H, W, 3)."""
    tensor_argument("affine_grid_generator", "theta", 1, theta)
    size = _int_list("affine_grid_generator", size, "size", 2)
    bool_argument("affine_grid_generator", align_corners, "align_corners", 3)
    if len(size) not in (4, 5):
        raise RuntimeError("AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.")
    if theta.ndim != 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(theta.ndim, 1)}, "
                         f"{max(theta.ndim, 1) - 1}], but got 2)")
    if (theta.shape[0], theta.shape[2]) != (size[0], len(size) - 1):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, "
                           f"{len(size) - 1}] but got: [{theta.shape[0]}, {theta.shape[2]}].")
    if theta.shape[1] != len(size) - 2:  # the points come out with theta's row count
        raise RuntimeError(f"shape '{[size[0], *size[2:], len(size) - 2]}' is invalid for input of size "
                           f"{size[0] * math.prod(size[2:]) * theta.shape[1]}")
    return F.affine_grid(theta, size, align_corners)


__all__ = ["convolution", "conv_tbc", "grid_sampler", "grid_sampler_2d", "grid_sampler_3d", "affine_grid_generator"]
