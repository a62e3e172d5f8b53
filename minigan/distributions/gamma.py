"""``Gamma(concentration, rate)`` and ``Chi2(df)``, as ``torch.distributions.Gamma`` and ``Chi2``:

log p(x) = alpha ln beta + (alpha - 1) ln x - beta x - lgamma(alpha),  F(x) = P(alpha, beta x),
mean alpha / beta, variance alpha / beta^2, mode max(alpha - 1, 0) / beta,
H = alpha - ln beta + lgamma(alpha) + (1 - alpha) psi(alpha); rsample is X / beta with X ~ Gamma(alpha, 1)
drawn by Marsaglia-Tsang and differentiated in alpha implicitly (see standard_gamma.py).
Chi2(df) is Gamma(df / 2, 1 / 2)."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..ops import clamp, digamma, gammainc, lgamma, log, xlogy
from . import constraints
from .exponential_family import ExponentialFamily
from .standard_gamma import standard_gamma
from .utils import broadcast_all

__all__ = ["Chi2", "Gamma"]


class Gamma(ExponentialFamily):
    """The gamma law of shape ``concentration`` (alpha) and ``rate`` (beta), numbers or Tensors, broadcast."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        scalars = isinstance(concentration, numbers.Number) and isinstance(rate, numbers.Number)
        super().__init__(() if scalars else self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Gamma":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"concentration": self.concentration.expand(shape),
                                      "rate": self.rate.expand(shape)})

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.concentration - 1.0, -self.rate)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        return lgamma(x + 1.0) + (x + 1.0) * log(-y.reciprocal())

    @property
    def _mean_carrier_measure(self) -> float:
        return 0.0

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return clamp((self.concentration - 1.0) / self.rate, min=0.0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.square()

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        value = standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        return clamp(value, min=float(np.finfo(value.dtype).tiny))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        alpha, beta = self.concentration, self.rate
        return xlogy(alpha, beta) + xlogy(alpha - 1.0, value) - beta * value - lgamma(alpha)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return gammainc(self.concentration, self.rate * value)

    def entropy(self) -> Tensor:
        alpha = self.concentration
        return alpha - log(self.rate) + lgamma(alpha) + (1.0 - alpha) * digamma(alpha)


class Chi2(Gamma):
    """The chi-squared law of ``df`` degrees of freedom: Gamma(df / 2, 1 / 2)."""

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df: Any, validate_args: bool | None = None) -> None:
        (df_tensor,) = broadcast_all(df)
        super().__init__(0.5 * df_tensor if not isinstance(df, numbers.Number) else 0.5 * float(df), 0.5,
                         validate_args=validate_args)

    @property
    def df(self) -> Tensor:
        """The degrees of freedom, twice the concentration."""
        return self.concentration * 2.0
