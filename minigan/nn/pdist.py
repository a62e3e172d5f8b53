"""``F.pdist``: the p-norm distance between every pair of rows of an (N, M) input, as PyTorch's,
in condensed form: the N (N - 1) / 2 distances ||x_i - x_j||_p for i < j, in row-major order
((0, 1), (0, 2), ..., (1, 2), ...), as SciPy's ``pdist``.

Built from the pairs' differences with ops that have gradients and second derivatives. Three
gradients follow PyTorch's pdist rather than the plain chain rule:

* at equal rows the distance's gradient is 0 (a subgradient; the root is taken only where the sum
  is positive);
* for p < 1, a place where the rows agree gets gradient 0, not p |d|^(p-1) = inf times sign 0;
* for p = inf every place that ties for the largest |difference| gets the whole gradient
  sign(d) g, where a max would split it between them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..ops import dims
from ..autograd import Tensor
from ..ops.linalg_norms import positive_root
from ..ops.operands import ShapeError
from .distance import _norm_order, float_tensor, vector_norm

__all__ = ["pdist"]


def pdist(input: Tensor, p: float = 2) -> Tensor:  # noqa: A002 - PyTorch's names
    """(N, M) -> (N (N - 1) / 2,): ||x_i - x_j||_p for each pair i < j in row-major order; p >= 0,
    inf the largest |difference|, 0 the count of places that differ (gradient 0)."""
    name = "pdist"
    x = float_tensor(name, "input", input)
    if x.ndim != 2:
        raise ShapeError(f"{name} only supports 2D tensors, got: {x.ndim}D")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not p >= 0:
        raise RuntimeError(f"{name} only supports non-negative p values, got {p!r}")
    if x.shape[0] < 2 or x.shape[1] == 0:  # no pairs, or pairs of empty rows (distance 0)
        return (x.sum(1) * 0.0)[np.triu_indices(x.shape[0], k=1)[0]]
    first, second = np.triu_indices(x.shape[0], k=1)
    difference = x[first] - x[second]
    order = _norm_order(name, p)
    if order in (0.0, 1.0, 2.0):
        return vector_norm(difference, order, 1)
    magnitude = ops.abs(difference)
    if order == np.inf:  # the largest |d| in value; in gradient, the sum of |d| over the places that tie for it
        largest = dims.amax(magnitude.detach(), 1)
        tied_sum = dims.sum(ops.where(magnitude.detach() == largest.unsqueeze(1), magnitude, 0.0), 1)
        return largest + (tied_sum - tied_sum.detach())
    differs = magnitude.detach() > 0  # |d|^p only where d != 0: value 0 and gradient 0 elsewhere
    powered = ops.where(differs, ops.where(differs, magnitude, 1.0) ** order, 0.0)
    return positive_root(ops.sum(powered, 1), order)
