"""Ops that move, pick or mask elements, as PyTorch's: ``flip``, ``roll``, ``tril``/``triu``, ``diag``,
``index_select``, ``masked_fill``, ``nonzero`` (no gradient), and two small formulas, ``outer`` and
``lerp``. Flip and Roll are Functions of their own (each one's backward is itself, reversed); the
rest are built from indexing and ``where``, whose backward passes already exist."""
from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import check_distinct_dims, no_dimensions, wrap_dim
from ..autograd.function import Context, Function
from ..autograd.inplace import fitted_number
from ..backends import backend_of
from .elementwise import abs as _abs, where
from .operands import _xp
from .shape import GetItem, ScatterAdd
from ..torch_api.out_argument import takes_out


class Flip(Function):
    """f = a reversed along ``dims``;  df/da = the gradient reversed along the same dims."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any, dims: tuple[int, ...]) -> Any:
        xp = _xp(a)  # a copy, as PyTorch's flip: NumPy's would be a view that a change to `a` shows through
        return xp.asarray(xp.flip(a, axis=dims) if dims else a, copy=True)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (Flip.apply(grad, dims=ctx.options["dims"]),)


class Roll(Function):
    """f = a shifted cyclically by ``shifts`` along ``dims`` (all elements, flattened, when None);
    df/da = the gradient shifted back."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any, shifts: tuple[int, ...], dims: tuple[int, ...] | None) -> Any:
        if a.ndim == 0 or a.size == 0:
            return _xp(a).asarray(a, copy=True)
        return _xp(a).roll(a, shift=shifts if dims is not None else shifts[0], axis=dims)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        back = tuple(-s for s in ctx.options["shifts"])
        return (Roll.apply(grad, shifts=back, dims=ctx.options["dims"]),)


def _ints(value: Any) -> tuple[int, ...]:
    return (builtins.int(value),) if isinstance(value, (builtins.int, np.integer)) else tuple(builtins.int(v) for v in value)


def flip(input: Tensor, dims: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """``input`` reversed along each of ``dims`` (an int or a sequence of ints)."""
    axes = check_distinct_dims(tuple(wrap_dim(d, input.ndim) for d in _ints(dims)))
    return Flip.apply(input, dims=axes if input.ndim else ())


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:  # noqa: A002
    """Elements shifted by ``shifts`` along ``dims``, those pushed off one end coming back at the
    other; with no ``dims``, the flattened tensor is rolled and the shape restored."""
    shifts = _ints(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll(): with no dims, shifts must be one int, got {len(shifts)}")
        return Roll.apply(input, shifts=shifts, dims=None)
    dims = _ints(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if input.ndim == 0:
        raise no_dimensions(dims[0])
    return Roll.apply(input, shifts=shifts, dims=tuple(wrap_dim(d, input.ndim) for d in dims))


def _triangle(name: str, input: Tensor, diagonal: int, keep_below: bool) -> Tensor:
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    rows, cols = input.shape[-2:]
    offset = np.arange(cols)[None, :] - np.arange(rows)[:, None]  # j - i
    keep = offset <= diagonal if keep_below else offset >= diagonal
    return where(keep, input, 0)


@takes_out
def tril(input: Tensor, diagonal: int = 0) -> Tensor:  # noqa: A002
    """The lower triangle of the last two dims (column - row <= ``diagonal``); zeros above it."""
    return _triangle("tril", input, builtins.int(diagonal), True)


@takes_out
def triu(input: Tensor, diagonal: int = 0) -> Tensor:  # noqa: A002
    """The upper triangle of the last two dims (column - row >= ``diagonal``); zeros below it."""
    return _triangle("triu", input, builtins.int(diagonal), False)


@takes_out
def diag(input: Tensor, diagonal: int = 0) -> Tensor:  # noqa: A002
    """A 1-D tensor: the square matrix with it on ``diagonal`` (0 the main one, > 0 above, < 0 below).
    A 2-D tensor: that diagonal of it, as a 1-D tensor."""
    diagonal = builtins.int(diagonal)
    backend = backend_of(input.array)
    up, down = builtins.max(diagonal, 0), builtins.max(-diagonal, 0)
    if input.ndim == 1:
        n = input.shape[0]
        index = (backend.asarray(np.arange(n) + down), backend.asarray(np.arange(n) + up))
        return ScatterAdd.apply(input, index=index, advanced=True, shape=(n + abs(diagonal),) * 2)
    if input.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    length = builtins.max(0, builtins.min(input.shape[0] - down, input.shape[1] - up))
    index = (backend.asarray(np.arange(length) + down), backend.asarray(np.arange(length) + up))
    return GetItem.apply(input, index=index, advanced=True)


@takes_out
def outer(input: Tensor, vec2: Tensor) -> Tensor:  # noqa: A002
    """The outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j]."""
    for which, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {which}, but got {t.ndim}-D")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


@takes_out
def index_select(input: Tensor, dim: int, index: Any) -> Tensor:  # noqa: A002
    """The slices of ``input`` along ``dim`` at ``index`` (a 1-D int32 or int64 tensor; repeats
    allowed, and their gradients add up)."""
    raw = index.array if isinstance(index, Tensor) else index
    if not hasattr(raw, "dtype") or backend_of(raw).numpy_dtype(raw.dtype) not in (np.int32, np.int64):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if raw.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    axis = wrap_dim(dim, input.ndim)
    size = input.shape[axis] if input.ndim else 1
    raw = backend_of(input.array).asarray(raw)
    xp = _xp(raw)
    flat = xp.reshape(raw, (-1,))
    if flat.shape[0]:
        low, high = builtins.int(xp.min(flat)), builtins.int(xp.max(flat))
        if low < 0 or high >= size:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={low if low < 0 else high} axis_dim={size}")
    if input.ndim == 0:
        picked = GetItem.apply(input.reshape((1,)), index=(flat,), advanced=True)
        return picked.reshape(()) if picked.shape == (1,) else picked
    return GetItem.apply(input, index=(slice(None),) * axis + (flat, Ellipsis), advanced=True)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:  # noqa: A002
    """The positions of the non-zero elements (NaN counts as non-zero), int64, with no gradient:
    a (count, ndim) tensor, or with ``as_tuple`` one 1-D tensor per dim."""
    backend = backend_of(input.array)
    xp = backend.xp
    array = input.array if input.ndim else xp.reshape(input.array, (1,))
    int64 = backend.native_dtype(np.dtype(np.int64))
    found = [xp.astype(i, int64) for i in xp.nonzero(array)]
    if as_tuple:
        return tuple(Tensor._make(i, False, None) for i in found)
    if input.ndim == 0:
        return Tensor._make(xp.zeros((found[0].shape[0], 0), dtype=int64), False, None)
    return Tensor._make(xp.stack(found, axis=1), False, None)


@takes_out
def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:  # noqa: A002
    """input + weight * (end - input), in PyTorch's two halves: for |weight| >= 0.5 it is
    end - (end - input) * (1 - weight), which gives ``end`` exactly at weight 1."""
    for name, t in (("input", input), ("end", end)):
        if not isinstance(t, Tensor):
            raise TypeError(f"lerp(): expected a Tensor as '{name}', got {type(t).__name__}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"lerp(): expected a floating-point tensor, got {input.dtype}")
    if end.dtype != input.dtype:
        raise RuntimeError(f"expected dtype {input.dtype} for `end` but got dtype {end.dtype}")
    gap = end - input
    if isinstance(weight, numbers.Real) and not isinstance(weight, Tensor):
        return input + gap * weight if builtins.abs(weight) < 0.5 else end - gap * (1.0 - weight)
    if not isinstance(weight, Tensor) or weight.dtype != input.dtype:
        raise RuntimeError(f"lerp(): weight must be a number or a {input.dtype} tensor, got {weight!r:.60}")
    return where(_abs(weight).array < 0.5, input + gap * weight, end - gap * (1.0 - weight))


def _fill_value(name: str, input: Tensor, value: Any) -> Tensor:
    """``value`` (a number or a 0-d Tensor) in ``input``'s dtype: a cast Tensor keeps its gradient."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"{name} only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        return value if value.dtype == input.dtype else value.to(input.dtype)
    if not isinstance(value, numbers.Number) or isinstance(value, complex):
        raise TypeError(f"{name}(): value must be a number or a 0-d Tensor, not {type(value).__name__}")
    backend = backend_of(input.array)
    return Tensor._make(backend.asarray(fitted_number(value, input.dtype), dtype=input.dtype), False, None)


def masked_fill(input: Tensor, mask: Any, value: Any) -> Tensor:  # noqa: A002
    """``input`` with ``value`` where ``mask`` (a bool tensor, broadcast) is True: the gradient goes to
    ``input`` where the mask is False and to ``value`` (a 0-d tensor) where it is True."""
    raw = mask.array if isinstance(mask, Tensor) else mask
    if not hasattr(raw, "dtype") or backend_of(raw).numpy_dtype(raw.dtype) != np.bool_:
        dtype = backend_of(raw).numpy_dtype(raw.dtype) if hasattr(raw, "dtype") else type(raw).__name__
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {dtype}")
    return where(raw, _fill_value("masked_fill_", input, value), input)
