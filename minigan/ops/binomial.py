"""``binomial``, as PyTorch's: the number of successes in ``count`` trials of probability ``prob``,
drawn elementwise from minigan's generators (as minigan/torch_api/random_draws.py's draws are, on the
host, the result placed on ``count``'s device). It sits among the ops because, as PyTorch's, its
result is linked to inputs that require grad by a node whose backward raises (minigan/ops/no_derivative.py).

PyTorch's edges: a probability above 1 counts as 1 and one below 0 as 0; a NaN probability gives NaN
where the count is positive; a count of 0 or less gives 0. Two it has no answer for are refused: a
NaN or infinite count (PyTorch's sampler never returns) and a fractional count (its samples then
depend on which of its two sampling methods it picks)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from ..torch_api.factories import numpy_generator_of
from .no_derivative import without_derivative
from .operands import broadcast_pair

_LARGEST_COUNT = 2.0 ** 62  # NumPy draws from integer counts (int64)


def binomial(count: Tensor, prob: Tensor, generator: Any = None) -> Tensor:
    """Binomial samples, one per element of ``count`` and ``prob`` broadcast together: how many of
    ``count`` trials succeed, each with probability ``prob`` (clamped to [0, 1]), as floats of
    ``count``'s dtype; ``prob`` must have the same dtype. Counts must be whole numbers (0 or less gives
    0). Not differentiable: a backward pass through it raises, as PyTorch's."""
    for position, (name, value) in enumerate((("count", count), ("prob", prob)), start=1):
        if not isinstance(value, Tensor):
            raise TypeError(f"binomial(): argument '{name}' (position {position}) must be Tensor, "
                            f"not {type(value).__name__}")
        if value.dtype.kind != "f":
            raise ValueError(f"binomial only supports floating-point dtypes for {name}, got: "
                             f"{scalar_type_name(value.dtype)}")
    if prob.dtype != count.dtype:
        raise RuntimeError(f"Found dtype {scalar_type_name(prob.dtype)} but expected {scalar_type_name(count.dtype)}")
    if count.dtype == np.float16:
        raise NotImplementedError("\"binomial_cpu\" not implemented for 'Half'")
    shape = broadcast_pair(count.shape, prob.shape)
    n = np.broadcast_to(backend_of(count.array).to_numpy(count.array), shape).astype(np.float64)
    p = np.broadcast_to(backend_of(prob.array).to_numpy(prob.array), shape).astype(np.float64)
    if not np.isfinite(n).all():
        raise ValueError("binomial(): count holds NaN or inf, which has no sample (PyTorch's sampler never returns)")
    if (n > _LARGEST_COUNT).any():
        raise ValueError(f"binomial(): count holds {n.max():g}, more than the largest count minigan draws from (2**62)")
    trials = np.where(n > 0, n, 0.0)
    if (trials != np.floor(trials)).any():
        bad = trials[trials != np.floor(trials)].flat[0]
        raise ValueError(f"binomial(): count holds {bad:g}, not a whole number; PyTorch's samples for fractional "
                         "counts depend on its sampling method, so minigan takes whole counts only")
    undefined = np.isnan(p) & (trials > 0)
    draws = numpy_generator_of(generator).binomial(trials.astype(np.int64), np.clip(np.nan_to_num(p), 0.0, 1.0))
    values = np.where(undefined, np.nan, draws).astype(count.dtype)
    result = Tensor._make(backend_of(count.array).asarray(values), False, None)
    return without_derivative(result, "binomial", count, prob,
                              error=RuntimeError("derivative for aten::binomial is not implemented"))
