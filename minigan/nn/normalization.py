"""The normalisation layers other than batch norm, as PyTorch's: ``LayerNorm``, ``GroupNorm``,
``InstanceNorm1d/2d/3d`` and ``LocalResponseNorm``, with their functional forms ``layer_norm``,
``group_norm``, ``instance_norm`` and ``local_response_norm``; and, at the end, ``BatchNorm3d``
(batch norm of volumes, on a view that minigan/nn/layers.py's BatchNorm1d normalises).

Each normalises x over some of its axes with that slice's mean μ and *biased* variance σ²,
y = (x - μ) / sqrt(σ² + eps), then scales and shifts per element (layer norm) or per channel
(group and instance norm). Which axes:

* layer norm: the last len(normalized_shape) axes of each sample;
* group norm: each group of C / G channels of a sample, with its spatial axes;
* instance norm: each channel of each sample, over its spatial axes (group norm with G = C).

All are built from ops that already have their gradients (mean, var, the batch-norm formulas of
minigan/formulas.py, a matrix product), so first and second derivatives come from those ops'
backward passes and no Function is defined here.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Sequence

import numpy as np

from .. import ops
from ..autograd import Tensor, as_tensor
from ..backends import backend_of
from .layers import (
    BatchNorm1d, _check_tensor, affine_parameters, reset_affine, reset_running_statistics, running_statistics,
)
from .module import Module

__all__ = ["LayerNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm",
           "BatchNorm3d",
           "layer_norm", "group_norm", "instance_norm", "local_response_norm"]


# ====================================================================== shared steps
def _float_tensor(name: str, input: Any, min_ndim: int = 0) -> Tensor:  # noqa: A002
    """``input`` itself when it is a floating-point Tensor of at least ``min_ndim`` dimensions."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: expected a Tensor input, got {type(input).__name__} (wrap arrays with minigan.tensor)")
    if not input.is_floating_point():
        raise TypeError(f"{name}: expected a floating-point input, got {input.dtype}")
    if input.ndim < min_ndim:
        raise RuntimeError(f"{name}: expected an input with at least {min_ndim} dimensions, got shape {tuple(input.shape)}")
    return input


def _standardized(x: Tensor, axes: tuple[int, ...], eps: float) -> Tensor:
    """(x - μ) / sqrt(σ² + eps), μ and σ² (biased) taken over ``axes`` of x."""
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=0)  # biased, as PyTorch normalises
    return _with_statistics(x, mean, var, eps)


def _with_statistics(x: Tensor, mean: Tensor, var: Tensor, eps: float) -> Tensor:
    formulas = ops.TENSOR_FORMULAS
    return formulas.batch_norm_normalize(x, mean, formulas.batch_norm_invstd(var, float(eps)))


def _scaled(y: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple[int, ...]) -> Tensor:
    """y * weight + bias, each reshaped to ``shape`` to broadcast; None leaves that step out."""
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def _per_channel_shape(x: Tensor) -> tuple[int, ...]:
    """(1, C, 1, ...): a per-channel vector broadcast against x (N, C, *)."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _shape_text(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(int(n)) for n in shape) + "]"


def _check_channels_vector(name: str, given: Tensor | None, what: str, x: Tensor) -> None:
    if given is not None and tuple(given.shape) != (x.shape[1],):
        raise RuntimeError(f"{name}: expected {what} to be a vector of size equal to the number of channels in input, "
                           f"but got {what} of shape {_shape_text(given.shape)} and input of shape {_shape_text(x.shape)}")


# ====================================================================== layer norm
def _normalized_shape(name: str, normalized_shape: Any, allow_int: bool) -> tuple[int, ...]:
    whole = (int, np.integer)
    if allow_int and isinstance(normalized_shape, whole) and not isinstance(normalized_shape, bool):
        normalized_shape = (normalized_shape,)
    if not isinstance(normalized_shape, (tuple, list)):
        kind = "an int or a tuple of ints" if allow_int else "a tuple or list of ints (nn.LayerNorm also takes an int)"
        raise TypeError(f"{name}: normalized_shape must be {kind}, got {normalized_shape!r}")
    if not normalized_shape:
        raise ValueError(f"{name}: normalized_shape must name at least one dimension, got {normalized_shape!r}")
    if not all(isinstance(n, whole) and not isinstance(n, bool) and n >= 1 for n in normalized_shape):
        raise ValueError(f"{name}: normalized_shape must hold positive ints, got {normalized_shape!r}")
    return tuple(int(n) for n in normalized_shape)


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Like ``torch.nn.functional.layer_norm``: each sample normalised over its last
    len(normalized_shape) axes, which must equal ``normalized_shape``; then times ``weight`` plus
    ``bias`` (both of shape normalized_shape), element by element.
    f = (x - μ) / sqrt(σ² + eps) · w + b; df/dx comes from the mean, var and arithmetic ops."""
    shape = _normalized_shape("layer_norm", normalized_shape, allow_int=False)
    x = _float_tensor("layer_norm", input)
    if tuple(x.shape[x.ndim - len(shape):]) != shape or x.ndim < len(shape):
        raise RuntimeError(f"layer_norm: given normalized_shape={_shape_text(shape)}, expected input with shape "
                           f"[*, {_shape_text(shape)[1:-1]}], but got input of size{_shape_text(x.shape)}")
    for what, given in (("weight", weight), ("bias", bias)):
        if given is not None and tuple(given.shape) != shape:
            raise RuntimeError(f"layer_norm: expected {what} to be of same shape as normalized_shape, but got "
                               f"{what} of shape {_shape_text(given.shape)} and normalized_shape = {_shape_text(shape)}")
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    return _scaled(_standardized(x, axes, eps), weight, bias, shape)


class LayerNorm(Module):
    """Layer normalisation, as ``torch.nn.LayerNorm``: each sample normalised over its last
    len(normalized_shape) axes (mean and biased variance), then, with ``elementwise_affine``,
    times ``weight`` (ones) plus ``bias`` (zeros, left out with ``bias=False``), both shaped
    ``normalized_shape``."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, dtype: Any = np.float32) -> None:
        super().__init__()
        self.normalized_shape = _normalized_shape("LayerNorm", normalized_shape, allow_int=True)
        self.eps = float(eps)
        self.elementwise_affine = bool(elementwise_affine)
        affine_parameters(self, self.normalized_shape, self.elementwise_affine, bias, dtype)

    def reset_parameters(self) -> None:
        reset_affine(self)

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(_check_tensor(self, x), self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


# ====================================================================== group norm
def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Like ``torch.nn.functional.group_norm``: x (N, C, *) with its C channels split into
    ``num_groups`` groups of C / G; each group of each sample normalised over its channels and
    spatial axes, then times ``weight`` plus ``bias`` (per channel, shape (C,))."""
    x = _float_tensor("group_norm", input, min_ndim=2)
    n, c = x.shape[:2]
    if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)) or num_groups < 1:
        raise ValueError(f"group_norm: num_groups must be a positive int, got {num_groups!r}")
    if c % num_groups:
        raise RuntimeError(f"group_norm: expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {_shape_text(x.shape)} and num_groups={num_groups}")
    _check_channels_vector("group_norm", weight, "weight", x)
    _check_channels_vector("group_norm", bias, "bias", x)
    grouped = _standardized(x.reshape(n, int(num_groups), math.prod(x.shape[1:]) // int(num_groups)), (2,), eps)
    return _scaled(grouped.reshape(x.shape), weight, bias, _per_channel_shape(x))


class GroupNorm(Module):
    """Group normalisation, as ``torch.nn.GroupNorm``: the input's num_channels channels in
    num_groups groups, each normalised per sample over its channels and spatial axes, then, with
    ``affine``, times ``weight`` (ones) plus ``bias`` (zeros), per channel."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 dtype: Any = np.float32, *, bias: bool = True) -> None:
        super().__init__()
        if num_groups < 1 or num_channels < 1:
            raise ValueError(f"GroupNorm: num_groups and num_channels must be positive, got {num_groups} "
                             f"and {num_channels}")
        if num_channels % num_groups:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels = int(num_groups), int(num_channels)
        self.eps = float(eps)
        self.affine = bool(affine)
        affine_parameters(self, (self.num_channels,), self.affine, bias, dtype)

    def reset_parameters(self) -> None:
        reset_affine(self)

    def forward(self, x: Tensor) -> Tensor:
        return group_norm(_check_tensor(self, x), self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


# ====================================================================== instance norm
def instance_norm(input: Tensor, running_mean: Any = None, running_var: Any = None,  # noqa: A002
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Like ``torch.nn.functional.instance_norm``: x (N, C, *) with each channel of each sample
    normalised over its spatial axes, then times ``weight`` plus ``bias`` (per channel).

    With ``use_input_stats`` (training) the running statistics, when given, are updated in place
    as r <- (1 - m) r + m s, s the mean over the batch of each instance's mean and of its
    *unbiased* variance; without it, x is normalised by ``running_mean`` and ``running_var``."""
    x = _float_tensor("instance_norm", input, min_ndim=2)
    running_mean, running_var = (b.array if isinstance(b, Tensor) else b for b in (running_mean, running_var))
    c = x.shape[1]
    for what, given in (("running_mean", running_mean), ("running_var", running_var)):
        if given is not None and tuple(given.shape) != (c,):
            raise RuntimeError(f"instance_norm: {what} has shape {_shape_text(given.shape)}, but the input has "
                               f"{c} channels (input of shape {_shape_text(x.shape)})")
    _check_channels_vector("instance_norm", weight, "weight", x)
    _check_channels_vector("instance_norm", bias, "bias", x)
    axes = tuple(range(2, x.ndim))
    if use_input_stats:
        count = int(np.prod(x.shape[2:], dtype=np.int64))
        if count <= 1:
            raise ValueError(f"instance_norm: expected more than 1 spatial element when training, got input of "
                             f"size {_shape_text(x.shape)}")
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True, ddof=0)
        if running_mean is not None and running_var is not None:
            xp = backend_of(var.array).xp
            batch_mean, batch_var = (xp.mean(xp.reshape(s.array, x.shape[:2]), axis=0) for s in (mean, var))
            # plain arrays, updated in place and never recorded; no num_batches_tracked, as PyTorch's
            ops.update_running_stats(running_mean, running_var, None, float(momentum), batch_mean, batch_var, count)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("instance_norm: expected running_mean and running_var to be defined when "
                               "use_input_stats is false")
        xp = backend_of(running_mean).xp
        mean, var = (as_tensor(xp.reshape(r, (1, c) + (1,) * len(axes)), x) for r in (running_mean, running_var))
    return _scaled(_with_statistics(x, mean, var, eps), weight, bias, _per_channel_shape(x))


class _InstanceNorm(Module):
    """What InstanceNorm1d/2d/3d share; a subclass says how many spatial axes it takes."""

    _spatial: int = 1
    optional_state = ("num_batches_tracked",)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = False,
                 track_running_stats: bool = False, dtype: Any = np.float32, *, bias: bool = True) -> None:
        super().__init__()
        if num_features < 1:
            raise ValueError(f"{type(self).__name__}: num_features must be positive, got {num_features}")
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        affine_parameters(self, (self.num_features,), self.affine, bias, dtype)
        running_statistics(self, self.num_features, self.track_running_stats, dtype)

    def reset_running_stats(self) -> None:
        reset_running_statistics(self)

    def reset_parameters(self) -> None:
        reset_running_statistics(self)
        reset_affine(self)

    def forward(self, x: Tensor) -> Tensor:
        x = _check_tensor(self, x)
        unbatched = self._spatial + 1
        if x.ndim not in (unbatched, unbatched + 1):
            raise ValueError(f"{self!r}: expected {unbatched}D or {unbatched + 1}D input (got {x.ndim}D input)")
        channel_dim = x.ndim - unbatched
        if x.shape[channel_dim] != self.num_features:
            if self.affine:  # else, as PyTorch, a warning (and running statistics of the wrong size raise)
                raise ValueError(f"{self!r}: expected input's size at dim={channel_dim} to match num_features "
                                 f"({self.num_features}), but got: {x.shape[channel_dim]}.")
            warnings.warn(f"input's size at dim={channel_dim} does not match num_features. You can silence this "
                          f"warning by not passing in num_features, which is not used because affine=False",
                          UserWarning, stacklevel=2)
        batched = x.unsqueeze(0) if channel_dim == 0 else x
        use_input_stats = self.training or not self.track_running_stats
        # momentum None counts for 0 here (the running statistics stay put), as in PyTorch's InstanceNorm
        out = instance_norm(batched, self.running_mean, self.running_var, self.weight, self.bias, use_input_stats,
                            0.0 if self.momentum is None else self.momentum, self.eps)
        return out.squeeze(0) if channel_dim == 0 else out

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) (or unbatched (C, L)), as ``torch.nn.InstanceNorm1d``:
    each channel of each sample over L. Defaults affine=False, track_running_stats=False; with
    running statistics, evaluation normalises by them."""

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) (or (C, H, W)), as ``torch.nn.InstanceNorm2d``: each
    channel of each image over H and W (CycleGAN's and pix2pix's generators); otherwise
    :class:`InstanceNorm1d`."""

    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) (or (C, D, H, W)), as ``torch.nn.InstanceNorm3d``."""

    _spatial = 3


# ====================================================================== local response norm
def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,  # noqa: A002
                        k: float = 1.0) -> Tensor:
    """Like ``torch.nn.functional.local_response_norm``, across channels of x (N, C, *):
    y_c = x_c / (k + alpha / size · Σ x_j²)^beta, the sum over channels j from c - size // 2 to
    c + (size - 1) // 2 that exist (the others count as 0, and the division is still by size).
    The windowed sum is one matrix product with a band of ones, so its gradient is the matmul's."""
    x = _float_tensor("local_response_norm", input)
    if x.ndim < 3:
        raise ValueError(f"local_response_norm: expected an input of 3 or more dimensions (N, C, *), got shape "
                         f"{tuple(x.shape)}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"local_response_norm: size must be a positive int, got {size!r}")
    n, c = x.shape[:2]
    channel = np.arange(c)
    offset = channel[None, :] - channel[:, None]  # j - c
    backend = backend_of(x.array)
    band = ((offset >= -(size // 2)) & (offset <= (size - 1) // 2)).astype(backend.numpy_dtype(x.dtype))
    band_tensor = Tensor._make(backend.asarray(band), False, None)
    flat = x.reshape(n, c, math.prod(x.shape[2:]))
    windowed = (band_tensor @ (flat * flat)).reshape(x.shape)
    return x / (windowed * (float(alpha) / size) + float(k)) ** float(beta)


class LocalResponseNorm(Module):
    """Local response normalisation across channels, as ``torch.nn.LocalResponseNorm`` (see
    :func:`local_response_norm`)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"LocalResponseNorm: size must be a positive int, got {size!r}")
        self.size, self.alpha, self.beta, self.k = int(size), float(alpha), float(beta), float(k)

    def forward(self, x: Tensor) -> Tensor:
        return local_response_norm(_check_tensor(self, x), self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


# ====================================================================== batch norm of volumes
class BatchNorm3d(BatchNorm1d):
    """Batch normalisation of (N, C, D, H, W) inputs per channel C, over the batch and the three
    spatial axes, as ``torch.nn.BatchNorm3d``: :class:`BatchNorm1d`'s statistics, parameters,
    buffers and state_dict keys, computed on the view (N, C, D, H * W) (the same axes reduced)."""

    fuses_activation = True
    _ranks = (4,)  # the view BatchNorm1d.forward sees

    def forward(self, x: Tensor, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
        x = _check_tensor(self, x)
        if x.ndim != 5 or x.shape[1] != self.num_features:
            raise ValueError(f"{self!r}: expected input of shape (N, {self.num_features}, D, H, W), got {x.shape}")
        flat = super().forward(x.reshape(x.shape[:3] + (x.shape[3] * x.shape[4],)), activation, negative_slope)
        return flat.reshape(x.shape)
