"""``LogNormal(loc, scale)``, as ``torch.distributions.LogNormal``: y = e^x for x ~ Normal(loc, scale),
a TransformedDistribution through ExpTransform, so log p(y) = log N(ln y; mu, sigma) - ln y and

mean e^(mu + sigma^2/2), mode e^(mu - sigma^2), variance (e^(sigma^2) - 1) e^(2 mu + sigma^2),
H = H(Normal) + mu."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..ops import exp, expm1
from . import constraints
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms import ExpTransform

__all__ = ["LogNormal"]


class LogNormal(TransformedDistribution):
    """The law of exp(x), x normal of mean ``loc`` and standard deviation ``scale`` (numbers or Tensors)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        super().__init__(Normal(loc, scale, validate_args=validate_args), ExpTransform(), validate_args=validate_args)

    @property
    def loc(self) -> Tensor:
        return self.base_dist.loc

    @property
    def scale(self) -> Tensor:
        return self.base_dist.scale

    @property
    def mean(self) -> Tensor:
        return exp(self.loc + 0.5 * self.scale.square())

    @property
    def mode(self) -> Tensor:
        return exp(self.loc - self.scale.square())

    @property
    def variance(self) -> Tensor:
        spread = self.scale.square()
        return expm1(spread) * exp(2.0 * self.loc + spread)

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() + self.loc
