"""``InverseGamma(concentration, rate)``, as ``torch.distributions.InverseGamma``: y = 1 / x for
x ~ Gamma(alpha, beta), a TransformedDistribution through PowerTransform(-1) as PyTorch's, so

log p(y) = alpha log beta - lgamma(alpha) - (alpha + 1) log y - beta / y,  F(y) = 1 - P(alpha, beta / y),
mean beta / (alpha - 1) (inf for alpha <= 1), variance beta^2 / ((alpha - 1)^2 (alpha - 2)) (inf for
alpha <= 2), mode beta / (alpha + 1), H = alpha + log beta + lgamma(alpha) - (1 + alpha) psi(alpha).
rsample is 1 / (a gamma draw), differentiated in alpha implicitly (see standard_gamma.py)."""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Tensor, as_tensor
from ..ops import digamma, lgamma, log, where
from . import constraints
from .elementwise_transforms import PowerTransform
from .gamma import Gamma
from .transformed_distribution import TransformedDistribution

__all__ = ["InverseGamma"]


class InverseGamma(TransformedDistribution):
    """The law of 1 / x, x gamma of shape ``concentration`` and rate ``rate`` (numbers or Tensors)."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        base = Gamma(concentration, rate, validate_args=validate_args)
        super().__init__(base, PowerTransform(as_tensor(-1.0, like=base.rate)), validate_args=validate_args)

    @property
    def concentration(self) -> Tensor:
        return self.base_dist.concentration

    @property
    def rate(self) -> Tensor:
        return self.base_dist.rate

    @property
    def mean(self) -> Tensor:
        alpha = self.concentration
        return where(alpha > 1.0, self.rate / where(alpha > 1.0, alpha - 1.0, 1.0), math.inf)

    @property
    def mode(self) -> Tensor:
        return self.rate / (self.concentration + 1.0)

    @property
    def variance(self) -> Tensor:
        alpha = self.concentration
        safe = where(alpha > 2.0, alpha, 3.0)
        return where(alpha > 2.0, self.rate.square() / ((safe - 1.0).square() * (safe - 2.0)), math.inf)

    def entropy(self) -> Tensor:
        alpha = self.concentration
        return alpha + log(self.rate) + lgamma(alpha) - (1.0 + alpha) * digamma(alpha)
