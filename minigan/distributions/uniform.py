"""``Uniform(low, high)``, as ``torch.distributions.Uniform``: the flat law on [low, high), so

log p(x) = -log(high - low) inside, -inf outside,  F(x) = clamp((x - low) / (high - low), 0, 1),
F^-1(u) = low + u (high - low),  H = log(high - low); rsample is low + (high - low) u with u ~ U[0, 1)."""
from __future__ import annotations

import math
import numbers
from typing import Any

from ..autograd import Tensor
from ..ops import clamp, log, where
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, draws

__all__ = ["Uniform"]


class Uniform(Distribution):
    """The uniform law between ``low`` and ``high`` (numbers or Tensors, broadcast; low < high)."""

    has_rsample = True

    def __init__(self, low: Any, high: Any, validate_args: bool | None = None) -> None:
        self.low, self.high = broadcast_all(low, high)
        scalars = isinstance(low, numbers.Number) and isinstance(high, numbers.Number)
        super().__init__(() if scalars else self.low.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Uniform":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"low": self.low.expand(shape), "high": self.high.expand(shape)})

    @property
    def arg_constraints(self) -> dict[str, constraints.Constraint]:  # type: ignore[override]
        return {"low": constraints.less_than(self.high), "high": constraints.greater_than(self.low)}

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.interval(self.low, self.high)

    @property
    def mean(self) -> Tensor:
        return 0.5 * (self.low + self.high)

    @property
    def mode(self) -> Tensor:
        return self.high * math.nan

    @property
    def stddev(self) -> Tensor:
        return (self.high - self.low) / math.sqrt(12.0)

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low).square() / 12.0

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        u = draws("uniform", self._extended_shape(sample_shape), self.low)
        return self.low + (self.high - self.low) * u

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        inside = (value >= self.low) & (value < self.high)
        width = self.high - self.low
        return where(inside, -log(width), -math.inf)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return clamp((value - self.low) / (self.high - self.low), 0.0, 1.0)

    def icdf(self, value: Tensor) -> Tensor:
        return self.low + value * (self.high - self.low)

    def entropy(self) -> Tensor:
        return log(self.high - self.low)
