"""``Pareto(scale, alpha)``, the type-I Pareto law, as ``torch.distributions.Pareto``: for x >= x_m = scale,

log p(x) = log alpha + alpha log x_m - (alpha + 1) log x,  F(x) = 1 - (x_m / x)^alpha,
mean alpha x_m / (alpha - 1) (inf for alpha <= 1), variance x_m^2 alpha / ((alpha - 1)^2 (alpha - 2)) (inf for
alpha <= 2), mode x_m, H = log(x_m / alpha) + 1 + 1 / alpha.
As PyTorch's, a TransformedDistribution: e ~ Exp(alpha) pushed through x = x_m e^e."""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Tensor
from ..ops import log, where
from . import constraints
from .exponential import Exponential
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, ExpTransform
from .utils import broadcast_all

__all__ = ["Pareto"]


class Pareto(TransformedDistribution):
    """The Pareto law of minimum ``scale`` and tail index ``alpha`` (numbers or Tensors, broadcast)."""

    arg_constraints = {"alpha": constraints.positive, "scale": constraints.positive}
    has_rsample = True

    def __init__(self, scale: Any, alpha: Any, validate_args: bool | None = None) -> None:
        self.scale, self.alpha = broadcast_all(scale, alpha)
        chain = [ExpTransform(), AffineTransform(0.0, self.scale)]
        super().__init__(Exponential(self.alpha, validate_args=validate_args), chain, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Pareto":
        shape = tuple(batch_shape)
        new = super().expand(shape)
        new.scale, new.alpha = self.scale.expand(shape), self.alpha.expand(shape)
        new.transforms = [ExpTransform(), AffineTransform(0.0, new.scale)]
        return new

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.greater_than_eq(self.scale)

    @property
    def mean(self) -> Tensor:
        alpha = self.alpha
        safe = where(alpha > 1.0, alpha, 2.0)
        return where(alpha > 1.0, safe * self.scale / (safe - 1.0), math.inf)

    @property
    def mode(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        alpha = self.alpha
        safe = where(alpha > 2.0, alpha, 3.0)
        finite = self.scale.square() * safe / ((safe - 1.0).square() * (safe - 2.0))
        return where(alpha > 2.0, finite, math.inf)

    def entropy(self) -> Tensor:
        return log(self.scale / self.alpha) + (1.0 + self.alpha.reciprocal())
