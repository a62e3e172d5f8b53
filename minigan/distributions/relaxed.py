"""The Concrete (Gumbel-softmax) relaxations of the Bernoulli and the categorical laws, as
``torch.distributions``' ``RelaxedBernoulli``, ``RelaxedOneHotCategorical`` and the laws of their logits,
``LogitRelaxedBernoulli`` and ``ExpRelaxedCategorical`` (Maddison et al., 2017), at temperature t:

LogitRelaxedBernoulli: x = (l + log u - log(1 - u)) / t with u uniform, so with d = l - t x,
    log p(x) = log t + d - 2 log(1 + e^d);  RelaxedBernoulli is sigmoid(x), on (0, 1).
ExpRelaxedCategorical: x = log softmax((l + g) / t) with g standard Gumbel draws, so with s = l - t x,
    log p(x) = lgamma(K) + (K - 1) log t + sum_k (s_k - logsumexp(s));  RelaxedOneHotCategorical is exp(x).

Every draw is reparameterised: its gradient reaches the temperature and the logits."""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Tensor, as_tensor
from ..ops import log, log1p, softplus
from . import constraints
from .binary import BinarySpelling
from .categorical import Categorical
from .distribution import Distribution
from .one_hot_categorical import ThroughCategorical
from .transformed_distribution import TransformedDistribution
from .transforms import ExpTransform, SigmoidTransform
from .utils import broadcast_all, clamp_probs, draws

__all__ = ["ExpRelaxedCategorical", "LogitRelaxedBernoulli", "RelaxedBernoulli", "RelaxedOneHotCategorical"]


def _temperature(temperature: Any, like: Tensor) -> Tensor:
    """The temperature as a Tensor (a number takes ``like``'s dtype and device)."""
    return temperature if isinstance(temperature, Tensor) else as_tensor(float(temperature), like=like)


class _ThroughBase:
    """The parameters of a relaxed law, read from the law of its logits (``self.base_dist``)."""

    base_dist: Any

    @property
    def temperature(self) -> Tensor:
        return self.base_dist.temperature

    @property
    def logits(self) -> Tensor:
        return self.base_dist.logits

    @property
    def probs(self) -> Tensor:
        return self.base_dist.probs


class LogitRelaxedBernoulli(BinarySpelling, Distribution):
    """The logit of a RelaxedBernoulli draw: ``temperature`` t > 0 and ``probs`` or ``logits``."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        self._spell(probs, logits)
        self.temperature = _temperature(temperature, self._param)
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "LogitRelaxedBernoulli":
        new = self._expand_spelling(tuple(batch_shape))
        new.temperature = self.temperature
        return new

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(shape))
        u = clamp_probs(draws("uniform", shape, probs))
        return (log(u) - log1p(-u) + log(probs) - log1p(-probs)) / self.temperature

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        gap = logits - value * self.temperature
        return log(self.temperature) + gap - 2.0 * softplus(gap)


class RelaxedBernoulli(_ThroughBase, TransformedDistribution):
    """A value in (0, 1) that tends to a Bernoulli draw as ``temperature`` tends to 0."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        base = LogitRelaxedBernoulli(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, SigmoidTransform(), validate_args=validate_args)


class ExpRelaxedCategorical(ThroughCategorical, Distribution):
    """The log of a RelaxedOneHotCategorical draw: ``temperature`` t > 0 and class ``probs`` or ``logits``."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        self.temperature = _temperature(temperature, self._categorical._param)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "ExpRelaxedCategorical":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"_categorical": self._categorical.expand(shape),
                                      "temperature": self.temperature})

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        u = clamp_probs(draws("uniform", shape, self.logits))
        scores = (self.logits - log(-log(u))) / self.temperature
        return scores - scores.logsumexp(-1, keepdim=True)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        classes = self._event_shape[0]
        log_scale = math.lgamma(classes) + (classes - 1) * log(self.temperature)
        score = self.logits - value * self.temperature
        return (score - score.logsumexp(-1, keepdim=True)).sum(-1) + log_scale


class RelaxedOneHotCategorical(_ThroughBase, TransformedDistribution):
    """A point of the simplex that tends to a one-hot draw as ``temperature`` tends to 0."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        base = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, ExpTransform(), validate_args=validate_args)

