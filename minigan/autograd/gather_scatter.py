"""``gather`` and ``scatter_``, as PyTorch's, built on indexing.

Along ``dim``, ``gather`` reads ``out[i][j] = input[index[i][j]][j]`` (for dim 0; likewise for
other dims and ranks) and ``scatter_`` writes ``self[index[i][j]][j] = src[i][j]``. Both become one
advanced index: ``index`` on ``dim`` and, on every other axis, the positions 0..n-1 of ``index``'s
own shape. So ``gather`` is ``input[that index]``, whose backward adds each gradient back where it
was read (twice for a place read twice), and ``scatter_`` is ``self[that index] = src``, under the
in-place rules of ``tensor[index] = value``.
"""
from __future__ import annotations

import builtins
import numbers
from typing import Any

from ..backends import backend_of
from .arguments import wrap_dim


def _full_index(name: str, tensor: Any, dim: Any, index: Any) -> tuple[Any, ...]:
    """The advanced index that reads or writes ``tensor`` at ``index`` along ``dim``, checked as
    PyTorch checks it: an integer index of the same rank, no larger than ``tensor`` off ``dim``,
    and within 0..size-1 on ``dim``."""
    backend = backend_of(tensor.array)
    raw = index.array if hasattr(index, "requires_grad") else index
    if not hasattr(raw, "dtype") or backend_of(raw).numpy_dtype(raw.dtype).kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    raw = backend.asarray(raw)  # on the tensor's device
    axis = wrap_dim(dim, tensor.ndim)
    if raw.ndim == 0 and tensor.ndim == 1:  # PyTorch reads a 0-d index of a 1-d tensor as one position
        raw = backend.xp.reshape(raw, (1,))
    if raw.ndim != tensor.ndim:
        raise RuntimeError(f"{name}(): Index tensor must have the same number of dimensions as the tensor "
                           f"({raw.ndim} and {tensor.ndim})")
    for a, (n, size) in enumerate(zip(raw.shape, tensor.shape)):
        if a != axis and n > size:
            raise RuntimeError(f"{name}(): Size does not match at dimension {a}: index has {n}, the tensor {size}")
    xp = backend.xp
    if raw.size:
        low, high = int(xp.min(raw)), int(xp.max(raw))
        size = tensor.shape[axis] if tensor.ndim else 1  # a 0-d tensor has one place
        if low < 0 or high >= size:
            bad = low if low < 0 else high
            raise RuntimeError(f"{name}(): index {bad} is out of bounds for dimension {axis} with size {size}")
    return tuple(raw if a == axis else xp.reshape(xp.arange(n), tuple(-1 if b == a else 1 for b in range(raw.ndim)))
                 for a, n in enumerate(raw.shape))


def gather(tensor: Any, dim: Any, index: Any) -> Any:
    """Values of ``tensor`` along ``dim`` at ``index`` (same rank, any sizes up to the tensor's):
    a Tensor of ``index``'s shape, differentiable with respect to ``tensor``."""
    picked = tensor[_full_index("gather", tensor, dim, index)]
    return picked.reshape(()) if getattr(index, "ndim", 1) == 0 else picked


def scatter_(tensor: Any, dim: Any, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None) -> Any:
    """Write ``src`` (a Tensor, its leading ``index.shape`` block) or ``value`` (a number) into
    ``tensor`` along ``dim`` at ``index``, in place; returns ``tensor``. Where ``index`` names one
    place twice, the last write stays (PyTorch leaves that order undefined). With ``reduce="add"`` or
    ``"multiply"`` each write adds or multiplies instead, once per time ``index`` names the place
    (``scatter_reduce_`` with "sum" or "prod")."""
    if isinstance(src, numbers.Number) and not hasattr(src, "requires_grad"):
        src, value = None, src
    if (src is None) == (value is None):
        raise TypeError("scatter_(): give src (a Tensor) or value (a number), one of them")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        if src is None:  # the value, once per place of index
            src = tensor.new_full(tuple(getattr(index, "shape", ())), value)
        return tensor.scatter_reduce_(dim, index, src, "sum" if reduce == "add" else "prod")
    if src is None:
        tensor[_full_index("scatter_", tensor, dim, index)] = value
        return tensor
    full, part = scatter_places("scatter_", tensor, dim, index, src)
    tensor[full] = part
    return tensor


def scatter_places(name: str, tensor: Any, dim: Any, index: Any, src: Any) -> tuple[tuple[Any, ...], Any]:
    """Where ``src`` goes in ``tensor`` along ``dim`` at ``index`` (the advanced index, checked as
    :func:`_full_index` checks it), and what goes there: ``src``'s leading block of ``index``'s shape
    (recorded, so gradients reach ``src``). ``src`` must be a Tensor of the same rank, no smaller than
    ``index``."""
    full = _full_index(name, tensor, dim, index)
    if not hasattr(src, "requires_grad"):
        raise TypeError(f"{name}(): src must be a Tensor, got {type(src).__name__}")
    shape = tuple(full[wrap_dim(dim, tensor.ndim)].shape) if full else ()
    if src.ndim != len(shape) or builtins.any(n > size for n, size in zip(shape, src.shape)):
        raise RuntimeError(f"{name}(): src of shape {tuple(src.shape)} is smaller than index of shape {shape}")
    return full, src if tuple(src.shape) == shape else src[tuple(builtins.slice(0, n) for n in shape)]


def scatter(tensor: Any, dim: Any, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None) -> Any:
    """A copy of ``tensor`` with :func:`scatter_` applied (no gradient flows through it)."""
    if tensor.requires_grad or (hasattr(src, "requires_grad") and src.requires_grad):
        raise RuntimeError("scatter(): minigan's scatter has no gradient; use gather, indexing or where when the "
                           "values need one")
    copy = tensor.detach().clone()
    return scatter_(copy, dim, index, src, value=value, reduce=reduce)


__all__ = ["gather", "scatter_", "scatter", "scatter_places"]
