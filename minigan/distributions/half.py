"""``HalfNormal(scale)`` and ``HalfCauchy(scale)``, as ``torch.distributions``': |x| for x drawn from
Normal(0, scale) or Cauchy(0, scale), a TransformedDistribution through AbsTransform, so for y >= 0

log p(y) = log p_base(y) + log 2 (-inf below 0),  F(y) = 2 F_base(y) - 1,  F^-1(u) = F_base^-1((u + 1) / 2),
H = H_base - log 2. HalfNormal: mean sigma sqrt(2 / pi), variance sigma^2 (1 - 2 / pi); HalfCauchy: mean and
variance inf; the mode of both is 0."""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Tensor, as_tensor
from ..ops import where
from . import constraints
from .cauchy import Cauchy
from .distribution import Distribution
from .elementwise_transforms import AbsTransform
from .normal import Normal
from .transformed_distribution import TransformedDistribution

__all__ = ["HalfCauchy", "HalfNormal"]

_LOG_TWO = math.log(2.0)


class _Half(TransformedDistribution):
    """|x| for x from a law symmetric about 0 of scale ``scale`` (a number or a Tensor)."""

    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _base: type = Distribution

    def __init__(self, scale: Any, validate_args: bool | None = None) -> None:
        base = self._base(0.0, scale, validate_args=False)
        super().__init__(base, AbsTransform(), validate_args=validate_args)

    @property
    def scale(self) -> Tensor:
        return self.base_dist.scale

    @property
    def mode(self) -> Tensor:
        return self.scale * 0.0

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return where(value >= 0, self.base_dist.log_prob(value) + _LOG_TWO, -math.inf)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 2.0 * self.base_dist.cdf(value) - 1.0

    def icdf(self, value: Tensor) -> Tensor:
        return self.base_dist.icdf((value + 1.0) / 2.0)

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() - _LOG_TWO


class HalfNormal(_Half):
    """The law of |x|, x normal of mean 0 and standard deviation ``scale``."""

    _base = Normal

    @property
    def mean(self) -> Tensor:
        return self.scale * math.sqrt(2.0 / math.pi)

    @property
    def variance(self) -> Tensor:
        return self.scale.square() * (1.0 - 2.0 / math.pi)


class HalfCauchy(_Half):
    """The law of |x|, x Cauchy of median 0 and half-width ``scale``."""

    _base = Cauchy

    @property
    def mean(self) -> Tensor:
        return as_tensor(math.inf, like=self.scale).expand(self.batch_shape)

    @property
    def variance(self) -> Tensor:
        return as_tensor(math.inf, like=self.scale).expand(self.batch_shape)
