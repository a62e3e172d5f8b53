"""Shape ops: reshape, transpose, broadcast_to, indexing (getitem and its adjoint, scatter-add),
concatenate and stack. None of them computes: backward moves the gradient back into place."""
from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor, as_tensor, unbroadcast
from ..autograd.function import Context, Function
from ..autograd.arguments import index_argument, wrap_dim
from ..autograd.legacy import type_name
from ..backends import backend_of
from .operands import ShapeError, _xp
from ..torch_api.out_argument import takes_out


# ============================================================== shape
class Reshape(Function):
    """f = a with a new shape;  df/da = the gradient reshaped back."""

    saved_inputs = ()  # backward reads no input value
    view_of = 0  # a view where the strides allow it, else a copy, as PyTorch's reshape

    @staticmethod
    def forward(ctx: Context, a: Any, shape: tuple[int, ...]) -> Any:
        try:
            return _xp(a).reshape(a, shape)
        except ValueError:
            raise ShapeError(f"reshape: cannot reshape a tensor of shape {tuple(a.shape)} ({a.size} values) into {shape}") from None

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad.reshape(ctx.inputs[0].shape),)


class Transpose(Function):
    """f = a with its axes permuted;  df/da = the gradient permuted back."""

    saved_inputs = ()  # backward reads no input value
    view_of = 0

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...]) -> Any:
        return _xp(a).permute_dims(a, axes)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (permute(grad, tuple(int(i) for i in np.argsort(ctx.options["axes"]))),)


class BroadcastTo(Function):
    """f = a repeated along broadcast axes;  df/da = the gradient summed over them."""

    saved_inputs = ()  # backward reads no input value
    view_of = 0

    @staticmethod
    def forward(ctx: Context, a: Any, shape: tuple[int, ...]) -> Any:
        try:
            return _xp(a).broadcast_to(a, shape)
        except ValueError:
            raise ShapeError(f"expand: cannot broadcast shape {tuple(a.shape)} to {shape}") from None

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (unbroadcast(grad, ctx.inputs[0].shape),)


def reshape(a: Tensor, shape: Sequence[int]) -> Tensor:
    shape = tuple(int(n) for n in shape)
    if shape == a.shape:
        return a
    return Reshape.apply(a, shape=shape)


def permute(a: Tensor, dims: Sequence[int]) -> Tensor:
    """``a`` with its dimensions reordered: dimension i of the result is ``dims[i]`` of ``a``
    (negative dims count from the end), as ``torch.permute``."""
    if len(dims) != a.ndim:
        raise RuntimeError(
            f"permute(): number of dims don't match in permute: the tensor has {a.ndim} dimensions "
            f"(shape {a.shape}) but {len(dims)} dims were given ({tuple(dims)})"
        )
    axes = tuple(wrap_dim(d, a.ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Transpose.apply(a, axes=axes)


def transpose(a: Tensor, dim0: int, dim1: int) -> Tensor:
    """``a`` with dimensions ``dim0`` and ``dim1`` swapped, as ``torch.transpose``."""
    axes = list(range(a.ndim))
    first, second = wrap_dim(dim0, a.ndim), wrap_dim(dim1, a.ndim)
    if a.ndim == 0 or first == second:
        return a
    axes[first], axes[second] = axes[second], axes[first]
    return Transpose.apply(a, axes=tuple(axes))


def movedim(a: Tensor, source: Any, destination: Any) -> Tensor:
    """``a`` with dimensions ``source`` (an int or a sequence) moved to ``destination``, the other
    dimensions keeping their order, as ``torch.movedim`` (also ``torch.moveaxis``)."""
    sources = [source] if isinstance(source, (int, np.integer)) else list(source)
    destinations = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    if len(sources) != len(destinations):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({sources} dims) should contain the "
                           f"same number of dims as destination ({destinations} dims)")
    moved = [wrap_dim(d, a.ndim) for d in sources]
    places = [wrap_dim(d, a.ndim) for d in destinations]
    for name, given, dims in (("source", sources, moved), ("destination", destinations, places)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({given})")
    if a.ndim == 0:
        return a
    axes: list[int | None] = [None] * a.ndim
    for dim, place in zip(moved, places):
        axes[place] = dim
    others = iter(d for d in range(a.ndim) if d not in moved)
    order = tuple(next(others) if d is None else d for d in axes)
    return a if order == tuple(range(a.ndim)) else Transpose.apply(a, axes=order)


def reversed_dims(a: Tensor) -> Tensor:
    """``a`` with its dimensions in reverse order (``Tensor.T``)."""
    return Transpose.apply(a, axes=tuple(reversed(range(a.ndim)))) if a.ndim > 1 else a


def broadcast_to(a: Tensor, shape: Sequence[int]) -> Tensor:
    shape = tuple(int(n) for n in shape)
    if shape == a.shape:
        return a
    return BroadcastTo.apply(a, shape=shape)


def expand(a: Tensor, sizes: Sequence[int]) -> Tensor:
    """``broadcast_to`` with PyTorch's -1 for "keep this dimension's size" (not allowed in the new
    leading dimensions), and PyTorch's messages."""
    sizes = tuple(int(n) for n in sizes)
    new = len(sizes) - a.ndim
    if new < 0:
        raise RuntimeError(f"expand({type_name(a.dtype, a.device.type)}{{{list(a.shape)}}}, size={list(sizes)}): the "
                           f"number of sizes provided ({len(sizes)}) must be greater or equal to the number of "
                           f"dimensions in the tensor ({a.ndim})")
    for d in reversed(range(len(sizes))):  # from the last dimension, as PyTorch checks
        n = sizes[d]
        if d < new and n < 0:
            raise RuntimeError(f"The expanded size of the tensor ({n}) isn't allowed in a leading, non-existing "
                               f"dimension {d}")
        if d >= new and n != -1 and 1 != a.shape[d - new] != n:
            raise ShapeError(f"The expanded size of the tensor ({n}) must match the existing size "
                             f"({a.shape[d - new]}) at non-singleton dimension {d}.  Target sizes: {list(sizes)}.  "
                             f"Tensor sizes: {list(a.shape)}")
    return broadcast_to(a, sizes[:new] + tuple(old if n == -1 else n for n, old in zip(sizes[new:], a.shape)))


# ============================================================== indexing and joining
class GetItem(Function):
    """f = a[index];  df/da = the gradient scattered back (added where an index repeats)."""

    saved_inputs = ()  # backward reads no input value
    view_of = 0  # slices and integers give views; integer arrays and masks copy, as in PyTorch

    @classmethod
    def saves_values(cls, ctx: Context) -> bool:
        return _holds_arrays(ctx.options["index"])

    @staticmethod
    def forward(ctx: Context, a: Any, index: tuple[Any, ...], advanced: bool) -> Any:
        try:
            return backend_of(a).take(a, index) if advanced else a[index[0] if len(index) == 1 else index]
        except IndexError as error:
            if a.ndim == 0:  # PyTorch's words: old code wrote loss.data[0] for the number
                raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python to convert a "
                                 "0-dim tensor to a number") from None
            raise IndexError(f"index into a tensor of shape {tuple(a.shape)}: {error}") from None

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        opts = ctx.options
        return (ScatterAdd.apply(grad, index=opts["index"], advanced=opts["advanced"], shape=ctx.inputs[0].shape),)


class ScatterAdd(Function):
    """f = zeros(shape) with g added at index (the adjoint of getitem);  df/dg = df[index]."""

    saved_inputs = ()  # backward reads no input value

    @classmethod
    def saves_values(cls, ctx: Context) -> bool:
        return _holds_arrays(ctx.options["index"])

    @staticmethod
    def forward(ctx: Context, g: Any, index: tuple[Any, ...], advanced: bool, shape: tuple[int, ...]) -> Any:
        backend = backend_of(g)
        out = backend.xp.zeros(shape, dtype=g.dtype, device=g.device)
        if advanced:  # an integer array may pick one element twice: add once per pick
            backend.scatter_add(out, index, g)
        else:  # slices, integers and masks never select an element twice
            out[index[0] if len(index) == 1 else index] = g
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        opts = ctx.options
        return (GetItem.apply(grad, index=opts["index"], advanced=opts["advanced"]),)


def _holds_arrays(index: tuple[Any, ...]) -> bool:
    """Whether an index has arrays (integers or a mask, not 0-d), which PyTorch's index backward
    saves: a second backward through it raises, as through PyTorch's."""
    return any(getattr(item, "ndim", 0) > 0 for item in index)


def getitem(a: Tensor, index: Any) -> Tensor:
    index, advanced = index_argument(index, backend_of(a.array))
    return GetItem.apply(a, index=index, advanced=advanced)


class Concatenate(Function):
    """f = the inputs joined along an axis;  df/d(input i) = the gradient's slice for input i."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, *arrays: Any, axis: int, dtype: Any = None) -> Any:
        xp = _xp(arrays[0])
        if dtype is not None:  # mixed dtypes, promoted as PyTorch does (see _joinable)
            arrays = tuple(xp.astype(a, dtype) for a in arrays)
        return xp.concat(arrays, axis=axis)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        axis = ctx.options["axis"]
        grads, start = [], 0
        for tensor, needed in zip(ctx.inputs, ctx.needs_input_grad):
            stop = start + tensor.shape[axis]
            index = (slice(None),) * axis + (slice(start, stop),)
            grads.append(grad[index] if needed else None)
            start = stop
        return tuple(grads)


class Stack(Function):
    """f = the inputs stacked along a new axis;  df/d(input i) = the gradient at position i."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, *arrays: Any, axis: int, dtype: Any = None) -> Any:
        xp = _xp(arrays[0])
        if dtype is not None:  # mixed dtypes, promoted as PyTorch does (see _joinable)
            arrays = tuple(xp.astype(a, dtype) for a in arrays)
        return xp.stack(arrays, axis=axis)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        axis = ctx.options["axis"]
        prefix = (slice(None),) * axis
        return tuple(grad[prefix + (i,)] if needed else None for i, needed in enumerate(ctx.needs_input_grad))


def _joinable(name: str, tensors: Sequence[Any], axis: int, new_axis: bool) -> tuple[tuple[Tensor, ...], int, Any]:
    if len(tensors) == 0:
        raise ValueError(f"{name}: needs at least one tensor")
    tensors = tuple(as_tensor(t) for t in tensors)
    if not new_axis:
        flat = next((number for number, t in enumerate(tensors) if t.ndim == 0), None)
        if flat is not None:
            raise RuntimeError(f"zero-dimensional tensor (at position {flat}) cannot be concatenated")
    ndim = tensors[0].ndim + (1 if new_axis else 0)
    if not -ndim <= axis < ndim:
        raise IndexError(f"{name}: Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {axis})")
    axis %= ndim
    first = tensors[0].shape
    for number, t in enumerate(tensors[1:], start=1):  # PyTorch's messages
        if new_axis and t.shape != first:
            raise ShapeError(f"{name} expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                             f"{list(t.shape)} at entry {number}")
        if len(t.shape) != len(first):
            raise ShapeError(f"Tensors must have same number of dimensions: got {len(first)} and {len(t.shape)}")
        for d, (expected, got) in enumerate(zip(first, t.shape)):
            if d != axis and expected != got:
                raise ShapeError(f"Sizes of tensors must match except in dimension {axis}. Expected size {expected} "
                                 f"but got size {got} for tensor number {number} in the list.")
    return tensors, axis, _joined_dtype(tensors)


def _joined_dtype(tensors: tuple[Tensor, ...]) -> Any:
    """None when all dtypes agree, else PyTorch's result type: the widest float if any input is
    float (integers join it without widening it), else the widest integer (bool below all)."""
    dtypes = {t.dtype for t in tensors}
    if len(dtypes) == 1:
        return None
    floats = [d for d in dtypes if d.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.result_type(*dtypes)
    return backend_of(tensors[0].array).native_dtype(dtype)


@takes_out(name="cat")
def concatenate(tensors: Sequence[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """The tensors joined along ``dim`` (``axis``), as ``torch.cat``."""
    tensors, axis, dtype = _joinable("cat", tensors, axis if dim is None else dim, new_axis=False)
    return Concatenate.apply(*tensors, axis=axis, dtype=dtype)


cat = concatenate


@takes_out
def stack(tensors: Sequence[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """The tensors stacked along a new dimension ``dim`` (``axis``), as ``torch.stack``."""
    tensors, axis, dtype = _joinable("stack", tensors, axis if dim is None else dim, new_axis=True)
    return Stack.apply(*tensors, axis=axis, dtype=dtype)
