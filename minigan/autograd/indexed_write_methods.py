"""Tensor's indexed writes, as PyTorch's: ``index_add``, ``index_copy``, ``index_reduce``,
``index_put``, ``masked_scatter`` and ``put`` with their in-place forms, ``select_scatter``,
``slice_scatter`` and ``diagonal_scatter``, and ``fill_diagonal_``. Each forwards to the function
of the same name (minigan/ops/indexed_writes.py, scatter_writes.py). The in-place forms follow the
rules of minigan/autograd/inplace.py, as ``scatter_add_`` and ``index_fill_`` do: under grad mode
a leaf that requires grad, a tensor with recorded history, or an operand that requires grad is
refused; the values written come from the out-of-place function; the version counter is bumped."""
from __future__ import annotations

from typing import Any

from .ops_on_first_use import OpsOnFirstUse

ops: Any = OpsOnFirstUse(globals())


class IndexedWriteMethods:
    """Tensor's index_add(_), index_copy(_), index_reduce(_), index_put(_), masked_scatter(_), put(_),
    select_scatter, slice_scatter, diagonal_scatter and fill_diagonal_ (a base class of it)."""

    __slots__ = ()

    def index_add(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
        return ops.indexed_writes.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
        return self._in_place_op("index_add_", source,
                                 lambda t: ops.indexed_writes.index_add(t, dim, index, source, alpha=alpha))

    def index_copy(self, dim: int, index: Any, source: Any) -> Any:
        return ops.indexed_writes.index_copy(self, dim, index, source)

    def index_copy_(self, dim: int, index: Any, source: Any) -> Any:
        return self._in_place_op("index_copy_", source, lambda t: ops.indexed_writes.index_copy(t, dim, index, source))

    def index_reduce(self, dim: int, index: Any, source: Any, reduce: str, *, include_self: bool = True) -> Any:
        return ops.indexed_writes.index_reduce(self, dim, index, source, reduce, include_self=include_self)

    def index_reduce_(self, dim: int, index: Any, source: Any, reduce: str, *, include_self: bool = True) -> Any:
        return self._in_place_op("index_reduce_", source, lambda t: ops.indexed_writes.index_reduce(
            t, dim, index, source, reduce, include_self=include_self))

    def index_put(self, indices: Any, values: Any, accumulate: bool = False) -> Any:
        return ops.scatter_writes.index_put(self, indices, values, accumulate)

    def index_put_(self, indices: Any, values: Any, accumulate: bool = False) -> Any:
        return self._in_place_op("index_put_", values,
                                 lambda t: ops.scatter_writes.index_put(t, indices, values, accumulate))

    def put(self, index: Any, source: Any, accumulate: bool = False) -> Any:
        return ops.scatter_writes.put(self, index, source, accumulate)

    def put_(self, index: Any, source: Any, accumulate: bool = False) -> Any:
        return self._in_place_op("put_", source, lambda t: ops.scatter_writes.put(t, index, source, accumulate))

    def masked_scatter(self, mask: Any, source: Any) -> Any:
        return ops.scatter_writes.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask: Any, source: Any) -> Any:
        """In place; ``mask`` must broadcast to this tensor's shape (it may not grow it)."""
        if hasattr(mask, "requires_grad"):
            ops.expand(mask.detach(), self.shape)  # PyTorch's error for a mask that does not expand to self
        return self._in_place_op("masked_scatter_", source,
                                 lambda t: ops.scatter_writes.masked_scatter(t, mask, source))

    def select_scatter(self, src: Any, dim: int, index: int) -> Any:
        return ops.scatter_writes.select_scatter(self, src, dim, index)

    def slice_scatter(self, src: Any, dim: int = 0, start: Any = None, end: Any = None, step: int = 1) -> Any:
        return ops.scatter_writes.slice_scatter(self, src, dim, start, end, step)

    def diagonal_scatter(self, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
        return ops.scatter_writes.diagonal_scatter(self, src, offset, dim1, dim2)

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> Any:
        """In place: ``fill_value`` (a number or a 0-d tensor) on the main diagonal (i, i, ..., i);
        a tall matrix with ``wrap`` starts again every columns + 1 rows, as PyTorch's."""
        return self._in_place_op("fill_diagonal_", fill_value,
                                 lambda t: ops.scatter_writes.fill_diagonal(t, fill_value, wrap))
