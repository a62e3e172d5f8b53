"""``GeneralizedPareto(loc, scale, concentration)``, as ``torch.distributions.GeneralizedPareto``: with
z = (x - mu) / sigma and shape xi,

log p(x) = -log sigma - (1/xi + 1) log(1 + xi z),  F(x) = 1 - (1 + xi z)^(-1/xi),
F^-1(u) = mu + sigma ((1 - u)^(-xi) - 1) / xi,  H = log sigma + xi + 1,
and for xi = 0 (|xi| <= 1e-8, as PyTorch's isclose) the exponential law: log p = -log sigma - z,
F = 1 - e^-z, F^-1(u) = mu - sigma log(1 - u). The support is [mu, inf) for xi >= 0 and [mu, mu - sigma/xi]
for xi < 0; mean mu + sigma / (1 - xi) (nan for xi >= 1), variance sigma^2 / ((1 - xi)^2 (1 - 2 xi)) (nan for
xi >= 1/2), mode mu. rsample is F^-1(u) for u ~ U[0, 1), differentiable in all three parameters."""
from __future__ import annotations

import math
import numbers
from typing import Any

from ..autograd import Tensor
from ..ops import abs, expm1, log, log1p, where
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, draws

__all__ = ["GeneralizedPareto"]

_ZERO = 1e-8  # |xi| up to this is the exponential case


class GeneralizedPareto(Distribution):
    """The generalized Pareto law of location ``loc``, scale ``scale`` and shape ``concentration``."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        scalars = all(isinstance(v, numbers.Number) for v in (loc, scale, concentration))
        super().__init__(() if scalars else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "GeneralizedPareto":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"loc": self.loc.expand(shape), "scale": self.scale.expand(shape),
                                      "concentration": self.concentration.expand(shape)})

    def _shape(self) -> tuple[Tensor, Tensor]:
        """(where xi counts as 0, xi with those entries set to 1 so the general formulas stay finite)."""
        zero = abs(self.concentration) <= _ZERO
        return zero, where(zero, 1.0, self.concentration)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        xi = self.concentration
        negative = xi < 0
        upper = where(negative, self.loc - self.scale / where(negative, xi, -1.0), math.inf)
        return constraints.interval(self.loc, upper)

    @property
    def mean(self) -> Tensor:
        below = self.concentration < 1.0
        return where(below, self.loc + self.scale / (1.0 - where(below, self.concentration, 0.0)), math.nan)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        below = self.concentration < 0.5
        xi = where(below, self.concentration, 0.0)
        return where(below, self.scale.square() / ((1.0 - xi).square() * (1.0 - 2.0 * xi)), math.nan)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return self.icdf(draws("uniform", self._extended_shape(sample_shape), self.loc))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        zero, xi = self._shape()
        z = (value - self.loc) / self.scale
        general = -(xi.reciprocal() + 1.0) * log1p(xi * z)
        return where(zero, -z, general) - log(self.scale)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        zero, xi = self._shape()
        z = (value - self.loc) / self.scale
        return -expm1(where(zero, -z, -log1p(xi * z) / xi))

    def icdf(self, value: Tensor) -> Tensor:
        zero, xi = self._shape()
        tail = log1p(-value)
        return self.loc + self.scale * where(zero, -tail, expm1(-xi * tail) / xi)

    def entropy(self) -> Tensor:
        return log(self.scale) + self.concentration + 1.0
