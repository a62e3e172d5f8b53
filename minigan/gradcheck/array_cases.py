"""Gradcheck cases for the ordering, running-total, picking and masking ops (minigan/ops/sorting.py,
cumulative.py, reorder.py); minigan/gradcheck/cases.py adds them to its registry."""
from __future__ import annotations

import numpy as np

from .. import ops
from ..autograd import Tensor
from .opcase import DISTINCT_LAYOUTS, OpCase, distinct

_MASK = np.array([[True, False, False, True], [False, True, False, False], [True, True, False, True]])


def _some_zeros(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Every third element exactly 0 (two zeros on some rows): cumprod's gradient must not divide by them."""
    out = []
    for a in arrays:
        a = np.array(a)
        a.reshape(-1)[::3] = 0.0
        out.append(a)
    return out


def _index(*positions: int) -> Tensor:
    return Tensor(np.array(positions, dtype=np.int64))


ARRAY_CASES: list[OpCase] = [
    OpCase("logsumexp", lambda a: ops.logsumexp(a, 1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("logsumexp_dims_keepdim", lambda a: ops.logsumexp(a, (0, 2), keepdim=True), [((2, 3, 4),)]),
    OpCase("nansum", lambda a: ops.reductions_more.nansum(a, 1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("nanmean", lambda a: ops.reductions_more.nanmean(a, (0, 2), keepdim=True), [((2, 3, 4),)]),
    OpCase("cumsum", lambda a: a.cumsum(1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("cumsum_1d", lambda a: a.cumsum(0), [((5,),)]),
    OpCase("cumprod", lambda a: a.cumprod(1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("logcumsumexp", lambda a: a.logcumsumexp(1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("logcumsumexp_1d", lambda a: a.logcumsumexp(-1), [((6,),)]),
    # zeros take the other backward (no division): first and second order exact there too
    OpCase("cumprod_with_zeros", lambda a: a.cumprod(-1), [((3, 4),), ((2, 5),)], prepare=_some_zeros),
    OpCase("sort_values", lambda a: a.sort(1).values, [((3, 4),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("sort_descending_values", lambda a: a.sort(0, descending=True).values, [((3, 4),), ((5,),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("topk_values", lambda a: a.topk(2).values, [((3, 4),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("topk_smallest_values", lambda a: a.topk(2, dim=0, largest=False).values, [((3, 4),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("flip", lambda a: a.flip(0, -1), [((2, 3, 4),), ((3, 4),)]),
    OpCase("roll", lambda a: a.roll((1, -2), (0, 1)), [((3, 4),)]),
    OpCase("roll_flat", lambda a: a.roll(5), [((3, 4),)]),
    OpCase("tril", lambda a: a.tril(-1), [((3, 4),), ((2, 3, 3),)]),
    OpCase("triu", lambda a: a.triu(1), [((3, 4),)]),
    OpCase("diag_of_vector", lambda a: a.diag(1), [((3,),)]),
    OpCase("diag_of_matrix", lambda a: a.diag(-1), [((3, 4),)]),
    OpCase("outer", lambda a, b: ops.outer(a, b), [((3,), (4,))]),
    OpCase("index_select_repeated", lambda a: a.index_select(1, _index(2, 0, 2)), [((3, 4),)]),
    OpCase("lerp", lambda a, b: ops.lerp(a, b, 0.3) * ops.lerp(a, b, 0.8), [((3, 4), (3, 4)), ((3, 4), (4,))]),
    OpCase("lerp_weight_tensor", lambda a, b, w: ops.lerp(a, b, w), [((3, 4), (3, 4), (3, 4))]),
    OpCase("masked_fill", lambda a: a.masked_fill(Tensor(_MASK), 2.0), [((3, 4),)]),
    OpCase("masked_fill_value_tensor", lambda a, v: a.masked_fill(Tensor(_MASK[0]), v), [((3, 4), ())]),
]
