"""``Weibull(scale, concentration)``, as ``torch.distributions.Weibull``: with lambda = scale, k = concentration,

log p(x) = log(k / lambda) + (k - 1) log(x / lambda) - (x / lambda)^k,  F(x) = 1 - exp(-(x / lambda)^k),
mean lambda Gamma(1 + 1/k), variance lambda^2 (Gamma(1 + 2/k) - Gamma(1 + 1/k)^2), mode
lambda ((k - 1) / k)^(1/k) (nan for k < 1, as PyTorch's), H = gamma (1 - 1/k) + log(lambda / k) + 1.
As PyTorch's, a TransformedDistribution: e ~ Exp(1) pushed through x = lambda e^(1/k)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..ops import clamp, exp, lgamma, log, where
from . import constraints
from .elementwise_transforms import PowerTransform
from .exponential import Exponential
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform
from .utils import broadcast_all

__all__ = ["Weibull"]

_EULER = 0.57721566490153286061


class Weibull(TransformedDistribution):
    """The Weibull law of scale ``scale`` and shape ``concentration`` (numbers or Tensors, broadcast)."""

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, scale: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.scale, self.concentration = broadcast_all(scale, concentration)
        with np.errstate(divide="ignore"):  # a zero concentration is refused by the check below, not here
            self.concentration_reciprocal = self.concentration.reciprocal()
        ones = as_tensor(1.0, like=self.scale).expand(self.scale.shape)
        chain = [PowerTransform(self.concentration_reciprocal), AffineTransform(0.0, self.scale)]
        super().__init__(Exponential(ones, validate_args=validate_args), chain, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Weibull":
        shape = tuple(batch_shape)
        new = super().expand(shape)
        new.scale, new.concentration = self.scale.expand(shape), self.concentration.expand(shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        new.transforms = [PowerTransform(new.concentration_reciprocal), AffineTransform(0.0, new.scale)]
        return new

    @property
    def mean(self) -> Tensor:
        return self.scale * exp(lgamma(1.0 + self.concentration_reciprocal))

    @property
    def mode(self) -> Tensor:
        k = self.concentration
        peak = self.scale * clamp((k - 1.0) / k, min=0.0) ** self.concentration_reciprocal
        return where(k >= 1.0, peak, math.nan)

    @property
    def variance(self) -> Tensor:
        inverse = self.concentration_reciprocal
        return self.scale.square() * (exp(lgamma(1.0 + 2.0 * inverse)) - exp(2.0 * lgamma(1.0 + inverse)))

    def entropy(self) -> Tensor:
        inverse = self.concentration_reciprocal
        return _EULER * (1.0 - inverse) + log(self.scale * inverse) + 1.0
