"""``sort``, ``argsort`` and ``topk``, as PyTorch's. The order is found on the raw array (a stable
sort: equal values keep their order, in both directions, and NaN counts as the largest); the
values are then read with ``gather``, an index whose backward sends each gradient back to the
place its value came from. The indices are int64 and carry no gradient."""
from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import wrap_dim
from ..autograd.gather_scatter import gather
from ..backends import backend_of
from ..torch_api.out_argument import takes_out

#: What ``sort`` and ``topk`` return, as ``torch.return_types.sort``/``topk``: ``.values``, ``.indices``.
SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])


def _order(input: Tensor, axis: int, descending: bool) -> Any:
    """The int64 positions that sort ``input`` along ``axis``, ties in their original order."""
    backend = backend_of(input.array)
    xp, array = backend.xp, input.array
    if not descending:
        order = xp.argsort(array, axis=axis, stable=True)
    else:
        # Sort the reversed array ascending (stable) and read the result backwards: the largest
        # come first, and of equal values the first one is read first. NaN, last ascending, leads.
        n = array.shape[axis]
        order = (n - 1) - xp.flip(xp.argsort(xp.flip(array, axis=axis), axis=axis, stable=True), axis=axis)
    return xp.astype(order, backend.native_dtype(np.dtype(np.int64)))


def _check(name: str, input: Any) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be a Tensor, not {type(input).__name__}")


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:  # noqa: A002
    """The int64 positions that sort ``input`` along ``dim`` (ties in their original order)."""
    _check("argsort", input)
    axis = wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return Tensor._make(backend_of(input.array).xp.zeros((), dtype=np.int64), False, None)
    return Tensor._make(_order(input, axis, builtins.bool(descending)), False, None)


@takes_out
def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> SortResult:  # noqa: A002
    """(values, indices): ``input`` sorted along ``dim``, and where each value came from. Equal values
    keep their order (``stable`` changes nothing: the sort is always stable)."""
    indices = argsort(input, dim, descending, stable)
    values = input * 1 if input.ndim == 0 else gather(input, dim, indices)
    return SortResult(values, indices)


@takes_out
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> TopkResult:  # noqa: A002
    """(values, indices) of the ``k`` largest (``largest=False``: smallest) along ``dim``, in order.
    Of equal values the first ones are taken (PyTorch leaves that choice open)."""
    _check("topk", input)
    axis = wrap_dim(dim, input.ndim)
    size = input.shape[axis] if input.ndim else 1
    if isinstance(k, builtins.bool) or not isinstance(k, (builtins.int, np.integer)):
        raise TypeError(f"topk(): k must be an int, got {type(k).__name__}")
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if input.ndim == 0:
        return TopkResult(*sort(input))
    order = _order(input, axis, builtins.bool(largest))
    indices = Tensor._make(order[(slice(None),) * axis + (slice(0, builtins.int(k)), Ellipsis)], False, None)
    return TopkResult(gather(input, axis, indices), indices)
