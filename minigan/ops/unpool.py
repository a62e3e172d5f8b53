"""Max unpooling, as PyTorch's ``F.max_unpool1d``, ``F.max_unpool2d`` and ``F.max_unpool3d``: the
partial inverse of max pooling with ``return_indices``. Each value of x goes to its index (a flat
place h * W + w in its plane of the output, L for 1-d, (d H + h) W + w for 3-d) and the rest are 0.
The default output size undoes the pooling: (in - 1) stride - 2 padding + kernel per axis; ``output_size``
may choose any size strictly within one stride of it, as PyTorch's.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .convolution import pair_argument
from .convolution3d import triple_argument


class MaxUnpool(Function):
    """f = zeros (N, C, P) with x (N, C, K) put at ``indices`` (each in [0, P); where two share one,
    the later one, as PyTorch's CPU loop writes); df/dx = g read at the indices."""

    saved_inputs = ()  # backward reads no input value

    @classmethod
    def saves_values(cls, ctx: Context) -> bool:
        return True  # the indices, which PyTorch's max_unpool saves

    @staticmethod
    def forward(ctx: Context, x: Any, indices: Any, places: int) -> Any:
        backend = backend_of(x)
        xp = backend.xp
        n, c, k = x.shape
        flat = backend.to_numpy(indices)
        planes = (np.arange(n)[:, None, None] * c + np.arange(c)[None, :, None]) * places + flat
        order = planes.reshape(-1)[::-1]  # the last write to a place wins: the first one read backwards
        keep = np.zeros(order.shape, dtype=bool)
        keep[np.unique(order, return_index=True)[1]] = True
        values = xp.where(backend.asarray(keep[::-1].reshape(x.shape)), x, xp.zeros_like(x))
        out = xp.zeros((n, c, places), dtype=x.dtype, device=x.device)
        backend.scatter_add(out, (backend.asarray(np.arange(n)[:, None, None]),
                                  backend.asarray(np.arange(c)[None, :, None]), indices), values)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        indices = ctx.options["indices"]
        n, c = grad.shape[:2]
        return (grad[np.arange(n)[:, None, None], np.arange(c)[None, :, None], indices],)


def _sizes(name: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any, output_size: Any,
           dims: int) -> tuple[int, ...]:
    """The output's spatial sizes: the default, or ``output_size`` (its last ``dims`` entries)."""
    def argument(what: str, value: Any, minimum: int) -> tuple[int, ...]:
        if dims == 2:
            return pair_argument(name, what, value, minimum)
        if dims == 3:
            return triple_argument(name, what, value, minimum)
        single = value[0] if isinstance(value, (tuple, list)) and len(value) == 1 else value
        return pair_argument(name, what, single, minimum)[:1]

    kernel = argument("kernel_size", kernel_size, 1)
    no_stride = stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0)
    stride = kernel if no_stride else argument("stride", stride, 1)
    padding = argument("padding", padding, 0)
    spatial = x.shape[-dims:]
    default = tuple((spatial[i] - 1) * stride[i] - 2 * padding[i] + kernel[i] for i in range(dims))
    if output_size is None:
        sizes = default
    else:
        given = list(output_size) if isinstance(output_size, (tuple, list)) else [output_size]
        if len(given) in (dims + 2, x.ndim):  # the whole shape
            given = given[-dims:]
        if len(given) != dims or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in given):
            raise ValueError(f"{name}: output_size must be {dims} ints or the output's whole shape, got {output_size!r}")
        sizes = tuple(int(v) for v in given)
        for i in range(dims):
            if not default[i] - stride[i] < sizes[i] < default[i] + stride[i]:
                raise ValueError(f"{name}: invalid output_size {output_size!r} (dim {i} must be between "
                                 f"{default[i] - stride[i]} and {default[i] + stride[i]}, exclusive)")
    if min(sizes) < 1:
        raise ValueError(f"{name}: input of shape {x.shape} gives an empty output {sizes}")
    return sizes


def _max_unpool(name: str, input: Tensor, indices: Any, kernel_size: Any, stride: Any, padding: Any,  # noqa: A002
                output_size: Any, dims: int) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: expected a Tensor input, got {type(input).__name__}")
    if input.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{name}: expected input of {dims + 2} dimensions (or {dims + 1} unbatched), got {input.shape}")
    if not isinstance(indices, Tensor) or indices.shape != input.shape or indices.dtype != np.int64:
        raise ValueError(f"{name}: indices must be an int64 tensor of the input's shape {input.shape}, got "
                         f"{getattr(indices, 'dtype', type(indices).__name__)} {getattr(indices, 'shape', '')}")
    if indices.device != input.device:
        raise ValueError(f"{name}: the indices are on {indices.device} but the input is on {input.device}")
    sizes = _sizes(name, input, kernel_size, stride, padding, output_size, dims)
    places = int(np.prod(sizes))
    flat = backend_of(indices.array).to_numpy(indices.array)
    if flat.size and (flat.min() < 0 or flat.max() >= places):
        raise ValueError(f"{name}: an index lies outside the output's {places} places per plane "
                         f"(indices from {flat.min()} to {flat.max()}, output size {sizes})")
    batch = input.shape[:-dims] if input.ndim == dims + 2 else (1,) + input.shape[:-dims]
    x = input.reshape(batch + (-1,))
    index = backend_of(indices.array).xp.reshape(indices.array, batch + (-1,))
    out = MaxUnpool.apply(x, indices=index, places=places)
    return out.reshape((batch if input.ndim == dims + 2 else batch[1:]) + sizes)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
                 output_size: Any = None) -> Tensor:
    """Max pooling's partial inverse on (N, C, L) or (C, L), like ``torch.nn.functional.max_unpool1d``:
    each value at its index in L, zeros elsewhere; OL = (L - 1) stride - 2 padding + kernel_size."""
    return _max_unpool("max_unpool1d", input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
                 output_size: Any = None) -> Tensor:
    """Max pooling's partial inverse on (N, C, H, W) or (C, H, W), like
    ``torch.nn.functional.max_unpool2d``: each value at its place h * OW + w, zeros elsewhere."""
    return _max_unpool("max_unpool2d", input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
                 output_size: Any = None) -> Tensor:
    """Max pooling's partial inverse on (N, C, D, H, W) or (C, D, H, W), like
    ``torch.nn.functional.max_unpool3d``: each value at its place (d OH + h) OW + w, zeros elsewhere."""
    return _max_unpool("max_unpool3d", input, indices, kernel_size, stride, padding, output_size, 3)


__all__ = ["MaxUnpool", "max_unpool1d", "max_unpool2d", "max_unpool3d"]
