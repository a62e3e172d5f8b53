"""``Exponential(rate)``, as ``torch.distributions.Exponential``:

log p(x) = log lambda - lambda x,  F(x) = 1 - exp(-lambda x),  F^-1(u) = -log(1 - u) / lambda,
H = 1 - log lambda; rsample is E / lambda with E ~ Exp(1)."""
from __future__ import annotations

import numbers
from typing import Any

from ..autograd import Tensor
from ..ops import expm1, log, log1p
from . import constraints
from .exponential_family import ExponentialFamily
from .utils import broadcast_all, draws

__all__ = ["Exponential"]


class Exponential(ExponentialFamily):
    """The exponential law of rate ``rate`` (a number or a Tensor), mean 1 / rate."""

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(() if isinstance(rate, numbers.Number) else self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Exponential":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"rate": self.rate.expand(shape)})

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (-self.rate,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return -log(-x)

    @property
    def _mean_carrier_measure(self) -> float:
        return 0.0

    @property
    def mean(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        return self.rate * 0.0

    @property
    def stddev(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def variance(self) -> Tensor:
        return self.rate.square().reciprocal()

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return draws("exponential", self._extended_shape(sample_shape), self.rate) / self.rate

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return log(self.rate) - self.rate * value

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return -expm1(-self.rate * value)

    def icdf(self, value: Tensor) -> Tensor:
        return -log1p(-value) / self.rate

    def entropy(self) -> Tensor:
        return 1.0 - log(self.rate)
