"""PyTorch's reshaping and repeating functions that minigan builds from its other ops: ``tile``,
``repeat_interleave``, ``broadcast_to`` (with -1), ``unflatten``, ``ravel``, ``select``,
``narrow_copy``, ``rot90``, ``fliplr`` and ``flipud``.

None is a new op: each is a reshape, an expansion, a slice, an index or a flip, so the gradients
(and second derivatives) are those ops'. ``repeat_interleave`` picks its rows with
``index_select``, whose backward adds the gradients of a row's copies.
"""
from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import no_dimensions, wrap_dim
from ..autograd.legacy import scalar_type_name
from ..autograd.pytorch_methods import narrow, repeat
from ..backends import backend_of, to_numpy
from ..torch_api.out_argument import write_into
from .elementwise import clone
from .reorder import flip, index_select
from .shape import expand, transpose
from .views import inferred_shape


def _int_sizes(name: str, argument: str, position: int, sizes: Any) -> tuple[int, ...]:
    """A tuple or list of ints, else PyTorch's TypeError naming the argument."""
    if not isinstance(sizes, (tuple, list)) or not all(
            isinstance(n, (builtins.int, np.integer)) and not isinstance(n, builtins.bool) for n in sizes):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, not "
                        f"{type(sizes).__name__}")
    return tuple(builtins.int(n) for n in sizes)


def tile(input: Tensor, dims: Sequence[int]) -> Tensor:  # noqa: A002 - PyTorch's name
    """``input`` repeated ``dims[i]`` times along dimension i, as ``torch.tile``: fewer dims than
    dimensions repeat the last ones (leading 1s are added), more add leading dimensions."""
    reps = _int_sizes("tile", "dims", 2, dims)
    reps = (1,) * (input.ndim - len(reps)) + reps
    shape = (1,) * (len(reps) - input.ndim) + input.shape
    sizes = [r * n for r, n in zip(reps, shape)]
    negative = [n for r, n in zip(reps, sizes) if r < 0]
    if negative:
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {sizes}")
    return repeat(input, reps)


def _repeat_counts(repeats: Any) -> Any:
    """``repeats`` as a NumPy int64 array (0-D or 1-D), checked with PyTorch's messages."""
    if repeats.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if repeats.dtype.kind not in "iu":
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{scalar_type_name(repeats.dtype)}'")
    counts = to_numpy(repeats.array).astype(np.int64)
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    return counts


def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,  # noqa: A002
                      output_size: int | None = None) -> Tensor:
    """Each slice of ``input`` along ``dim`` repeated in place (``[a, b]`` twice: ``[a, a, b, b]``):
    ``repeats`` times (an int) or ``repeats[i]`` times for slice i (an integer tensor of one entry
    or of the dimension's length); ``dim=None`` repeats the flattened elements, as
    ``torch.repeat_interleave``. ``repeat_interleave(counts)`` alone gives the positions
    0, 1, ... each repeated ``counts[i]`` times (int64). ``output_size``, if given, must be the
    result's length along ``dim``."""
    if repeats is None:  # the one-argument form: input holds the counts
        if input.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        counts = _repeat_counts(input)
        positions = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
        _check_output_size(output_size, positions.shape[0], "allocated size does not match required size")
        return Tensor._make(backend_of(input.array).asarray(positions), False, None)
    if isinstance(repeats, builtins.bool) or not isinstance(repeats, (builtins.int, np.integer, Tensor)):
        raise TypeError(f"repeat_interleave(): argument 'repeats' must be an int or a Tensor, not "
                        f"{type(repeats).__name__}")
    if dim is None:
        source, axis = input.reshape((-1,)), 0
    elif input.ndim == 0:
        raise no_dimensions(dim)
    else:
        source, axis = input, wrap_dim(dim, input.ndim)
    size = source.shape[axis]
    if isinstance(repeats, Tensor):
        counts = _repeat_counts(repeats)
        if counts.ndim == 1 and counts.shape[0] not in (1, size):
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{counts.shape[0]} and input.size({0 if dim is None else dim}) = {size}")
        counts = np.broadcast_to(counts.reshape(-1), (size,))
        positions = np.repeat(np.arange(size, dtype=np.int64), counts)
        _check_output_size(output_size, positions.shape[0], "allocated size does not match required size")
    else:
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        positions = np.repeat(np.arange(size, dtype=np.int64), builtins.int(repeats))
        _check_output_size(output_size, positions.shape[0], None)
    return index_select(source, axis, backend_of(input.array).asarray(positions))


def _check_output_size(output_size: Any, length: int, message: str | None) -> None:
    if output_size is not None and builtins.int(output_size) != length:
        raise RuntimeError(message or
                           f"repeat_interleave: Invalid output_size, expected {length} but got {output_size}")


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:  # noqa: A002
    """``input`` expanded to ``size`` (a view; -1 keeps a dimension's size), as ``torch.broadcast_to``
    and ``Tensor.expand``."""
    return expand(input, _int_sizes("broadcast_to", "size", 2, size))


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:  # noqa: A002
    """Dimension ``dim`` of ``input`` split into ``sizes`` (one of them may be -1, inferred), as
    ``torch.unflatten``: (N, 12) with dim 1 and sizes (3, 4) gives (N, 3, 4)."""
    sizes = _int_sizes("unflatten", "sizes", 3, sizes)
    if input.ndim == 0:
        raise RuntimeError(f"unflatten: Dimension specified as {dim} but tensor has no dimensions")
    axis = wrap_dim(dim, input.ndim)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    length = input.shape[axis]
    known = int(np.prod([n for n in sizes if n != -1]))
    if -1 in sizes and known > 0 and length % known or -1 not in sizes and known != length:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({length}) in the input tensor")
    return input.reshape(input.shape[:axis] + inferred_shape(sizes, length) + input.shape[axis + 1:])


def ravel(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` as one dimension, in row-major order, as ``torch.ravel`` (a 0-D tensor gives (1,))."""
    return input.reshape((-1,))


def select(input: Tensor, dim: int, index: Any) -> Tensor:  # noqa: A002
    """The slice of ``input`` at ``index`` along ``dim``, which drops that dimension (a view), as
    ``torch.select``; a negative index counts from the end."""
    if isinstance(index, Tensor) and index.ndim == 0 and index.dtype.kind in "iu":
        index = index.item()
    if isinstance(index, builtins.bool) or not isinstance(index, (builtins.int, np.integer)):
        raise TypeError(f"select(): argument 'index' (position 2) must be int, not {type(index).__name__}")
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    axis = wrap_dim(dim, input.ndim)
    if not -input.shape[axis] <= index < input.shape[axis]:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {axis}")
    return input[(slice(None),) * axis + (builtins.int(index), Ellipsis)]


def narrow_copy(input: Tensor, dim: int, start: Any, length: int, *,  # noqa: A002
                out: Tensor | None = None) -> Tensor:
    """``narrow`` as a new tensor rather than a view, as ``torch.narrow_copy`` (whose message for a
    negative length differs from narrow's)."""
    if builtins.int(length) < 0 and input.ndim:
        size = input.shape[wrap_dim(dim, input.ndim)]
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return write_into("narrow_copy", out, (input,), lambda: clone(narrow(input, dim, start, length)))


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:  # noqa: A002
    """``input`` turned by 90 degrees ``k`` times in the plane of ``dims``, from the first towards
    the second (a negative k turns back), as ``torch.rot90``."""
    dims = _int_sizes("rot90", "dims", 3, dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    first, second = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if first == second:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    turns = builtins.int(k) % 4
    if turns == 0:
        return clone(input)
    if turns == 2:
        return flip(input, (first, second))
    return transpose(flip(input, second if turns == 1 else first), first, second)


def fliplr(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` reversed left to right (along dim 1), as ``torch.fliplr``; at least 2-D."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` reversed upside down (along dim 0), as ``torch.flipud``; at least 1-D."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)
