"""``LogisticNormal(loc, scale)``, as ``torch.distributions.LogisticNormal``: a normal vector x of n
entries pushed onto the simplex of n + 1 entries by StickBreakingTransform, so for y on the simplex

log p(y) = sum_k log N(x_k; mu_k, sigma_k) - sum_k (log y_k + log(1 - z_k)), x the transform's inverse of y
(stick_breaking.py). Scalar parameters make one law on a 2-entry simplex, as PyTorch's; no mean, variance,
entropy or cdf, as PyTorch's. rsample is the stick-broken normal draw."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from . import constraints
from .normal import Normal
from .stick_breaking import StickBreakingTransform
from .transformed_distribution import TransformedDistribution

__all__ = ["LogisticNormal"]


class LogisticNormal(TransformedDistribution):
    """The logistic-normal law of location ``loc`` and scale ``scale`` (numbers or Tensors, broadcast)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        base = Normal(loc, scale, validate_args=validate_args)
        if not base.batch_shape:
            base = base.expand((1,))
        super().__init__(base, StickBreakingTransform(), validate_args=validate_args)

    @property
    def loc(self) -> Tensor:
        return self.base_dist.base_dist.loc

    @property
    def scale(self) -> Tensor:
        return self.base_dist.base_dist.scale
