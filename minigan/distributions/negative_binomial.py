"""``NegativeBinomial(total_count=r, probs=p)`` or ``(logits=l)``, as ``torch.distributions.NegativeBinomial``:
the number of successes k = 0, 1, 2... (each of chance p = sigmoid(l)) before the r-th failure, so

log p(k) = r log(1 - p) + k log p + lgamma(r + k) - lgamma(k + 1) - lgamma(r),
mean r p / (1 - p), variance mean / (1 - p), mode max(floor((r - 1) p / (1 - p)), 0),

with r >= 0 real (r = 0 puts all mass at 0) and p in [0, 1). Draws are Poisson(G) with
G ~ Gamma(r, (1 - p) / p), from the default Generator; they have no gradient."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..backends import to_numpy
from ..ops import clamp, exp, floor, lgamma, sigmoid, softplus, where
from ..torch_api.generators import default_generator
from . import constraints
from .binary import BinarySpelling
from .distribution import Distribution
from .utils import placed

__all__ = ["NegativeBinomial"]


class NegativeBinomial(BinarySpelling, Distribution):
    """Successes before ``total_count`` failures, ``probs`` the chance of a success (or ``logits`` its log-odds)."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0), "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        (count,) = self._spell(probs, logits, total_count)
        self.total_count = count.to(self._param.dtype)
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "NegativeBinomial":
        return self._expand_spelling(tuple(batch_shape), total_count=self.total_count)

    @property
    def mean(self) -> Tensor:
        return self.total_count * exp(self.logits)

    @property
    def mode(self) -> Tensor:
        return clamp(floor((self.total_count - 1.0) * exp(self.logits)), min=0.0)

    @property
    def variance(self) -> Tensor:
        return self.mean / sigmoid(-self.logits)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            r = np.broadcast_to(to_numpy(self.total_count.array), shape)
            odds = np.broadcast_to(np.exp(to_numpy(self.logits.array)), shape)
            rng = default_generator()
            return placed(rng.poisson(rng.gamma(r, odds)).astype(r.dtype), self.total_count)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        r, logits = self.total_count, self.logits
        # log(1 - p) = -softplus(l) and log p = -softplus(-l), finite for any logit.
        unnormalised = -r * softplus(logits) - value * softplus(-logits)
        # r = k = 0 has probability 1: r is read as 1 there, so the lgamma terms give 0, not inf - inf.
        r = where((r + value) == 0.0, 1.0, r)
        normaliser = lgamma(r + value) - lgamma(value + 1.0) - lgamma(r)
        return unnormalised + normaliser
