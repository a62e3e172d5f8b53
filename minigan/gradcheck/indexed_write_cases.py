"""Gradcheck cases for the indexed writes (minigan/ops/indexed_writes.py, scatter_writes.py):
index_add, index_copy, index_reduce, index_put, put, masked_scatter and the select, slice and
diagonal scatters, each with respect to the tensor written into and the values written;
minigan/gradcheck/cases.py adds them to its registry. They are made of ScatterReduce, ScatterAdd
and where, so these check the composition: which places keep their gradient, and where each
written value's gradient comes from (repeated indices included where they add up)."""
from __future__ import annotations

import numpy as np

from .. import ops
from ..autograd import Tensor
from .indexing_cases import _jointly_distinct
from .opcase import DISTINCT_LAYOUTS, OpCase, off_zero

_MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])


def _long(*values: int) -> Tensor:
    return Tensor(np.array(values, dtype=np.int64))


INDEXED_WRITE_CASES: list[OpCase] = [
    OpCase("index_add", lambda a, s: ops.indexed_writes.index_add(a, 0, _long(2, 0, 2), s, alpha=1.5),
           [((3, 4), (3, 4))]),
    OpCase("index_add_dim1", lambda a, s: a.index_add(-1, _long(3, 1), s), [((3, 4), (3, 2)), ((2, 3, 4), (2, 3, 2))]),
    OpCase("index_copy", lambda a, s: ops.indexed_writes.index_copy(a, 1, _long(3, 0), s), [((3, 4), (3, 2))]),
    OpCase("index_reduce_prod", lambda a, s: a.index_reduce(0, _long(2, 0, 2), s, "prod"), [((3, 4), (3, 4))],
           prepare=off_zero),
    OpCase("index_reduce_mean_without_self",
           lambda a, s: a.index_reduce(0, _long(2, 0, 2), s, "mean", include_self=False), [((3, 4), (3, 4))]),
    OpCase("index_reduce_amax", lambda a, s: a.index_reduce(1, _long(0, 0, 3), s, "amax"), [((2, 4), (2, 3))],
           prepare=_jointly_distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("index_put", lambda a, v: ops.scatter_writes.index_put(a, (_long(0, 2), _long(-1, 1)), v),
           [((3, 4), (2,)), ((3, 4), ())]),
    OpCase("index_put_mask", lambda a, v: a.index_put((Tensor(_MASK),), v), [((3, 4), (6,))]),
    OpCase("index_put_accumulate", lambda a, v: a.index_put((_long(0, 0, 2),), v, accumulate=True),
           [((3, 4), (3, 4)), ((3, 4), (4,))]),
    OpCase("put", lambda a, s: a.put(_long(5, -1, 0), s), [((2, 3), (3,))]),
    OpCase("put_accumulate", lambda a, s: ops.scatter_writes.put(a, _long(1, 1, 4), s, True), [((2, 3), (3,))]),
    OpCase("masked_scatter", lambda a, s: a.masked_scatter(Tensor(_MASK), s), [((3, 4), (8,)), ((4,), (3, 4))]),
    OpCase("select_scatter", lambda a, s: ops.scatter_writes.select_scatter(a, s, 1, -1), [((3, 4), (3,))]),
    OpCase("slice_scatter", lambda a, s: a.slice_scatter(s, 1, 1, None, 2), [((3, 4), (3, 2))]),
    OpCase("diagonal_scatter", lambda a, s: a.diagonal_scatter(s, -1), [((3, 4), (2,)), ((4, 3), (3,))]),
]
