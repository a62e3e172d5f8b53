"""PyTorch's NumPy-style joins and splits: ``hstack``, ``vstack`` (``row_stack``), ``dstack``,
``column_stack``, and ``tensor_split`` with ``hsplit``, ``vsplit``, ``dsplit``.

None is a new op: the joins raise each input to the rank they need (a reshape) and ``cat`` them, and
the splits are ``parts`` (one join of the pieces' gradients in the backward) or slices, so the
gradients are those ops'. Mixed dtypes promote as ``cat``'s.
"""
from __future__ import annotations

import builtins
from typing import Any, Callable

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import tensor_sequence, wrap_dim
from ..autograd.legacy import scalar_type_name
from ..backends import to_numpy
from ..torch_api.out_argument import write_into
from .parts import parts
from .shape import cat

# ====================================================================== joins
def _tensors(name: str, tensors: Any) -> list[Tensor]:
    """The list (or tuple) of Tensors a join takes, checked with PyTorch's messages."""
    tensors = tensor_sequence(name, "tensors", 1, tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def _stacked(name: str, tensors: Any, out: Any, join: Callable[[list[Tensor]], Tensor]) -> Tensor:
    tensors = _tensors(name, tensors)
    return write_into(name, out, tuple(tensors), lambda: join(tensors))


def _at_least(t: Tensor, rank: int) -> Tensor:
    """NumPy's atleast_2d/3d shapes: 0-D as ones, 1-D (n,) as (1, n) or (1, n, 1), 2-D (m, n) as (m, n, 1)."""
    if t.ndim >= rank:
        return t
    shape = {0: (1,) * rank, 1: (1, *t.shape, 1)[:rank], 2: (*t.shape, 1)}[t.ndim]
    return t.reshape(shape)


def hstack(tensors: Any, *, out: Tensor | None = None) -> Tensor:
    """The tensors joined column-wise: along dim 0 for 1-D inputs (0-D ones as (1,)), along dim 1
    otherwise, as ``torch.hstack``."""
    def join(ts: list[Tensor]) -> Tensor:
        ts = [t.reshape((1,)) if t.ndim == 0 else t for t in ts]
        return cat(ts, 0 if ts[0].ndim == 1 else 1)
    return _stacked("hstack", tensors, out, join)


def vstack(tensors: Any, *, out: Tensor | None = None) -> Tensor:
    """The tensors joined row-wise (along dim 0), 0-D and 1-D ones first made (1, 1) and (1, n), as
    ``torch.vstack`` (``torch.row_stack``)."""
    return _stacked("vstack", tensors, out, lambda ts: cat([_at_least(t, 2) for t in ts], 0))


def row_stack(tensors: Any, *, out: Tensor | None = None) -> Tensor:
    """``vstack`` under its other name, as ``torch.row_stack``."""
    return _stacked("row_stack", tensors, out, lambda ts: cat([_at_least(t, 2) for t in ts], 0))


def dstack(tensors: Any, *, out: Tensor | None = None) -> Tensor:
    """The tensors joined depth-wise (along dim 2), each first made at least 3-D as NumPy's
    ``atleast_3d`` does ((n,) as (1, n, 1), (m, n) as (m, n, 1)), as ``torch.dstack``."""
    return _stacked("dstack", tensors, out, lambda ts: cat([_at_least(t, 3) for t in ts], 2))


def column_stack(tensors: Any, *, out: Tensor | None = None) -> Tensor:
    """The tensors side by side as columns (along dim 1): a 0-D or 1-D one becomes one column
    ((n,) as (n, 1)), others join as they are, as ``torch.column_stack``."""
    return _stacked("column_stack", tensors, out,
                    lambda ts: cat([t.reshape((t.numel(), 1)) if t.ndim <= 1 else t for t in ts], 1))


# ====================================================================== splits
def _sections_or_indices(value: Any) -> int | list[int]:
    """``tensor_split``'s second argument: a number of sections (an int or a 0-D int64 tensor) or a
    list of indices (a list, a tuple or a 1-D int64 tensor)."""
    if isinstance(value, Tensor):
        if value.dtype != np.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{scalar_type_name(value.dtype)}")
        if value.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {value.ndim} dims")
        numbers = to_numpy(value.array)
        return builtins.int(numbers) if value.ndim == 0 else [builtins.int(i) for i in numbers]
    if isinstance(value, (list, tuple)) and all(_is_int(i) for i in value):
        return [builtins.int(i) for i in value]
    if _is_int(value):
        return builtins.int(value)
    raise TypeError(f"tensor_split(): argument 'indices_or_sections' must be an int, a list of ints or an int64 "
                    f"tensor, not {type(value).__name__}")


def _one_of(name: str, indices_or_sections: Any, indices: Any, sections: Any) -> Any:
    """The one of the three spellings given: positionally, or PyTorch's ``indices=`` or ``sections=``."""
    given = [v for v in (indices_or_sections, indices, sections) if v is not None]
    if len(given) != 1:
        raise TypeError(f"{name}() takes one of indices_or_sections, indices= or sections=")
    return given[0]


def _is_int(value: Any) -> bool:
    return isinstance(value, (builtins.int, np.integer)) and not isinstance(value, builtins.bool)


def tensor_split(input: Tensor, indices_or_sections: Any = None, dim: int = 0, *,  # noqa: A002 - PyTorch's name
                 indices: Any = None, sections: Any = None) -> tuple[Tensor, ...]:
    """``input`` cut along ``dim``: into ``n`` pieces as equal as can be (the first n % size ones one
    longer) for an int ``n``, or before each of a list of indices (as Python slices them: negative
    ones count from the end, out-of-range ones clamp, a smaller index after a larger one gives an
    empty piece and the next piece starts back at it), as ``torch.tensor_split``. Also takes
    PyTorch's keyword forms ``indices=`` and ``sections=``."""
    split = _sections_or_indices(_one_of("tensor_split", indices_or_sections, indices, sections))
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    axis = wrap_dim(dim, input.ndim)
    length = input.shape[axis]
    if isinstance(split, builtins.int):
        if split <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {split}")
        size, longer = divmod(length, split)
        return parts(input, [size + (1 if i < longer else 0) for i in range(split)], axis)
    bounds = [slice(start, stop).indices(length)[:2] for start, stop in zip([0] + split, split + [length])]
    if all(start <= stop for start, stop in bounds) and all(a[1] == b[0] for a, b in zip(bounds, bounds[1:])):
        return parts(input, [stop - start for start, stop in bounds], axis)  # one join in the backward
    lead = (slice(None),) * axis
    return tuple(input[lead + (slice(start, builtins.max(start, stop)), Ellipsis)] for start, stop in bounds)


def _split_along(name: str, input: Tensor, indices_or_sections: Any, dim: int, rank: int) -> tuple[Tensor, ...]:
    """``tensor_split`` along ``dim`` of a tensor of at least ``rank`` dimensions, a number of
    sections dividing that dimension exactly (NumPy's hsplit, vsplit and dsplit)."""
    if input.ndim < rank:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {rank} dimension, but got a tensor "
                           f"with {input.ndim} dimensions!")
    if isinstance(indices_or_sections, Tensor) or not (
            _is_int(indices_or_sections) or isinstance(indices_or_sections, (list, tuple))):
        raise TypeError(f"{name}(): argument 'indices_or_sections' must be an int or a list of ints, not "
                        f"{type(indices_or_sections).__name__}")
    if _is_int(indices_or_sections):
        size = input.shape[dim]
        sections = builtins.int(indices_or_sections)
        if sections == 0 or size % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                               f"{size} is not divisible by the split_size {sections}!")
    return tensor_split(input, indices_or_sections, dim)


def hsplit(input: Tensor, indices_or_sections: Any = None, *, indices: Any = None,  # noqa: A002
           sections: Any = None) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 1 (dim 0 for a 1-D tensor); an int must divide that dimension, as
    ``torch.hsplit``."""
    split = _one_of("hsplit", indices_or_sections, indices, sections)
    return _split_along("hsplit", input, split, 1 if input.ndim > 1 else 0, 1)


def vsplit(input: Tensor, indices_or_sections: Any = None, *, indices: Any = None,  # noqa: A002
           sections: Any = None) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 0 of a tensor of at least 2 dimensions, as ``torch.vsplit``."""
    return _split_along("vsplit", input, _one_of("vsplit", indices_or_sections, indices, sections), 0, 2)


def dsplit(input: Tensor, indices_or_sections: Any = None, *, indices: Any = None,  # noqa: A002
           sections: Any = None) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 2 of a tensor of at least 3 dimensions, as ``torch.dsplit``."""
    return _split_along("dsplit", input, _one_of("dsplit", indices_or_sections, indices, sections), 2, 3)
