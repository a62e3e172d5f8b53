"""``Multinomial(total_count=n, probs=p)`` or ``(logits=l)``, as ``torch.distributions.Multinomial``: the
counts x_1..x_K of the K classes in n draws of a ``Categorical``, so (event shape (K,))

log p(x) = lgamma(sum x + 1) - sum_k lgamma(x_k + 1) + sum_k x_k log p_k,  mean n p,  variance n p (1 - p),
H = n H_cat - lgamma(n + 1) + sum_k sum_{j=1..n} Binomial(n, p_k)(j) lgamma(j + 1).

n is one Python int for the whole batch, as PyTorch's; ``log_prob`` scores any count vector, whatever its total."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import to_numpy
from ..ops import exp, lgamma, where
from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution
from .one_hot_categorical import ThroughCategorical
from .utils import broadcast_all, placed

__all__ = ["Multinomial"]


class Multinomial(ThroughCategorical, Distribution):
    """Class counts of ``total_count`` draws with the class weights ``probs`` or log-weights ``logits``."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count: int = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs, logits)
        self._binomial = Binomial(total_count, self._categorical.probs)  # each class's count, for the entropy
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Multinomial":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"total_count": self.total_count, "_categorical": self._categorical.expand(shape),
                                      "_binomial": self._binomial.expand(shape + self._event_shape)})

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.multinomial(self.total_count)

    @property
    def mean(self) -> Tensor:
        return self.probs * float(self.total_count)

    @property
    def variance(self) -> Tensor:
        return float(self.total_count) * self.probs * (1.0 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        classes = to_numpy(self._categorical.sample((self.total_count,) + tuple(sample_shape)).array)
        counts = (classes[..., None] == np.arange(self._event_shape[0])).sum(0)
        return placed(counts.reshape(shape).astype(self.probs.dtype), self.probs)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        # A class of probability 0 (logit -inf) counted 0 times adds 0, not 0 * -inf.
        logits = where((value == 0.0) & (logits == -np.inf), 0.0, logits)
        return lgamma(value.sum(-1) + 1.0) - lgamma(value + 1.0).sum(-1) + (logits * value).sum(-1)

    def entropy(self) -> Tensor:
        n = float(self.total_count)
        counts = self._binomial.enumerate_support(expand=False)[1:]  # 1..n: a count of 0 adds lgamma(1) = 0
        weights = exp(self._binomial.log_prob(counts)) * lgamma(counts + 1.0)
        return n * self._categorical.entropy() - math.lgamma(n + 1.0) + weights.sum((0, -1))
