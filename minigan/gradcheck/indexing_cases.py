"""Gradcheck cases for scatter_add and scatter_reduce, index_fill, masked_select and Tensor.unfold
(minigan/ops/scatter_reduce.py, selection.py, windows.py); minigan/gradcheck/cases.py adds them to its
registry. The index sends several values of src to one place (and leaves places untouched), so each
reduction meets repeats; amax and amin get values distinct across self and src (no ties)."""
from __future__ import annotations

import numpy as np

from .. import ops
from ..autograd import Tensor
from .opcase import DISTINCT_LAYOUTS, OpCase, off_zero

# index into a (3, 4) self along dim 0, shape (4, 3): place (0, 0) gets rows 0 and 3, (2, 1) rows 1 and 3 ...
_INDEX = np.array([[0, 2, 1], [2, 2, 0], [1, 0, 0], [0, 2, 2]])
_MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])


def _index() -> Tensor:
    return Tensor(_INDEX.astype(np.int64))


def _jointly_distinct(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """All values of all inputs at least 0.05 apart (no tie between self and src either)."""
    sizes = [a.size for a in arrays]
    ranks = rng.permutation(sum(sizes)) * 0.05 - sum(sizes) * 0.025
    parts = np.split(ranks + rng.uniform(-0.01, 0.01, ranks.shape), np.cumsum(sizes)[:-1])
    return [p.reshape(a.shape) for p, a in zip(parts, arrays)]


def _some_zeros(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """self and src away from 0, then exact zeros: self (0, 0) and src (0, 1), (3, 1) (two zeros met at place
    (2, 1)), src (2, 0) (one zero at place (1, 0))."""
    a, s = off_zero(arrays, rng)
    a, s = a.copy(), s.copy()
    a[0, 0] = 0.0
    s[0, 1] = s[3, 1] = s[2, 0] = 0.0
    return [a, s]


def _reduce_case(reduce: str, include_self: bool, **options) -> OpCase:
    name = f"scatter_reduce_{reduce}" + ("" if include_self else "_without_self")
    return OpCase(name, lambda a, s: a.scatter_reduce(0, _index(), s, reduce, include_self=include_self),
                  [((3, 4), (4, 3)), ((3, 4), (5, 4))], **options)


INDEXING_CASES: list[OpCase] = [
    OpCase("scatter_add", lambda a, s: a.scatter_add(0, _index(), s), [((3, 4), (4, 3)), ((3, 4), (4, 5))]),
    OpCase("scatter_add_dim1", lambda a, s: ops.scatter_add(a, -1, _index().transpose(0, 1), s), [((4, 3), (3, 4))]),
    *(_reduce_case(reduce, include_self) for reduce in ("sum", "mean") for include_self in (True, False)),
    *(_reduce_case(reduce, include_self, prepare=_jointly_distinct, layouts=DISTINCT_LAYOUTS)
      for reduce in ("amax", "amin") for include_self in (True, False)),
    *(_reduce_case("prod", include_self, prepare=off_zero) for include_self in (True, False)),
    # exact zeros (one alone at a place, two together): first derivatives only, which are exact there
    OpCase("scatter_reduce_prod_zeros", lambda a, s: a.scatter_reduce(0, _index(), s, "prod"),
           [((3, 4), (4, 3))], prepare=_some_zeros, gradgrad=False, layouts=("contiguous",)),
    OpCase("index_fill", lambda a: a.index_fill(1, Tensor(np.array([2, 0, -1])), 2.5), [((3, 4),), ((2, 3, 4),)]),
    OpCase("index_fill_value_tensor", lambda a, v: ops.index_fill(a, 0, Tensor(np.array([1])), v), [((3, 4), ())]),
    OpCase("masked_select", lambda a: a.masked_select(Tensor(_MASK)), [((3, 4),)]),
    OpCase("masked_select_broadcast", lambda a: a.masked_select(Tensor(_MASK)), [((4,),), ((3, 1),)]),
    OpCase("unfold_windows", lambda a: a.unfold(1, 3, 2), [((2, 7),), ((2, 6, 3),)]),
    OpCase("unfold_windows_overlap", lambda a: a.unfold(0, 2, 1), [((4,),), ((3, 2),)]),
]
