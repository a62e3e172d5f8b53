"""The copying forms of the view ops, as PyTorch's ``torch.permute_copy`` and its kin: each gives
what the view gives, in memory of its own (the result is no view: writing to it leaves the input
alone). Gradients flow back through the view and the copy as through the view alone.

    permute_copy  t_copy  transpose_copy  view_copy  squeeze_copy  unsqueeze_copy  expand_copy
    diagonal_copy  select_copy  slice_copy  unfold_copy  alias_copy    (one tensor; take out=)
    detach_copy                                                        (takes out=)
    split_copy  split_with_sizes_copy  unbind_copy                     (a tuple of tensors)
"""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..autograd.arguments import tensor_argument, wrap_dim
from .functions import _tensor
from .out_argument import write_into


def _copy_of(name: str, view: str, input: Tensor, args: tuple[Any, ...], out: Any) -> Tensor:  # noqa: A002
    return write_into(name, out, (input,), lambda: getattr(_tensor(input, name), view)(*args).clone())


def permute_copy(input: Tensor, dims: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    return _copy_of("permute_copy", "permute", input, (dims,), out)


def t_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    return _copy_of("t_copy", "t", input, (), out)


def transpose_copy(input: Tensor, dim0: int, dim1: int, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    return _copy_of("transpose_copy", "transpose", input, (dim0, dim1), out)


def view_copy(input: Tensor, size: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input.view(size)`` copied; ``size`` may be a dtype, as for ``view``."""
    return _copy_of("view_copy", "view", input, (size,), out)


def squeeze_copy(input: Tensor, dim: Any = None, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    return _copy_of("squeeze_copy", "squeeze", input, () if dim is None else (dim,), out)


def unsqueeze_copy(input: Tensor, dim: int, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    return _copy_of("unsqueeze_copy", "unsqueeze", input, (dim,), out)


def expand_copy(input: Tensor, size: Any, *, implicit: bool = False,  # noqa: A002
                out: Tensor | None = None) -> Tensor:
    return _copy_of("expand_copy", "expand", input, (size,), out)


def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1, *,  # noqa: A002
                  out: Tensor | None = None) -> Tensor:
    return _copy_of("diagonal_copy", "diagonal", input, (offset, dim1, dim2), out)


def select_copy(input: Tensor, dim: int, index: int, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    return _copy_of("select_copy", "select", input, (dim, index), out)


def slice_copy(input: Tensor, dim: int = 0, start: Any = None, end: Any = None, step: int = 1, *,  # noqa: A002
               out: Tensor | None = None) -> Tensor:
    """``input`` sliced ``start:end:step`` along ``dim``, copied."""
    tensor = _tensor(input, "slice_copy")
    if tensor.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    index = (slice(None),) * wrap_dim(dim, tensor.ndim) + (slice(start, end, step),)
    return write_into("slice_copy", out, (input,), lambda: tensor[index].clone())


def unfold_copy(input: Tensor, dimension: int, size: int, step: int, *,  # noqa: A002
                out: Tensor | None = None) -> Tensor:
    return _copy_of("unfold_copy", "unfold", input, (dimension, size, step), out)


def alias_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """A copy of ``input`` (PyTorch's alias, a view of the whole tensor, copied)."""
    return write_into("alias_copy", out, (input,), lambda: _tensor(input, "alias_copy").clone())


def detach_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """A copy of ``input`` in memory of its own, cut from the graph (``detach()``, but not sharing).
    (PyTorch 2.14 marks the copy of an input that requires grad as requiring grad too, with a
    backward that raises; minigan's copy is a plain tensor that does not require grad.)"""
    tensor = tensor_argument("detach_copy", "input", 1, input)
    return write_into("detach_copy", out, (), lambda: tensor.detach().clone())


def split_copy(input: Tensor, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    return tuple(piece.clone() for piece in _tensor(input, "split_copy").split(split_size, dim))


def split_with_sizes_copy(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    return tuple(piece.clone() for piece in _tensor(input, "split_with_sizes_copy").split_with_sizes(split_sizes, dim))


def unbind_copy(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    return tuple(piece.clone() for piece in _tensor(input, "unbind_copy").unbind(dim))
