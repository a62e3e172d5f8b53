"""``Kumaraswamy(concentration1, concentration0)``, as ``torch.distributions.Kumaraswamy``: with a =
concentration1 and b = concentration0, on [0, 1],

log p(x) = log(a b) + (a - 1) log x + (b - 1) log(1 - x^a),  F(x) = 1 - (1 - x^a)^b,
E[x^n] = b B(1 + n/a, b) (B the beta function), mode ((a - 1) / (a b - 1))^(1/a) (nan unless a, b >= 1 and
not both 1; PyTorch 2.14.1's mode is nan for every a and b),
H = (1 - 1/b) + (1 - 1/a) (psi(b + 1) + gamma) - log(a b) (gamma Euler's constant).
As PyTorch's, a TransformedDistribution: u ~ U[0, 1) pushed through x = (1 - u^(1/b))^(1/a)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..ops import clamp, digamma, exp, lgamma, log, where
from . import constraints
from .elementwise_transforms import PowerTransform
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform
from .uniform import Uniform
from .utils import broadcast_all

__all__ = ["Kumaraswamy"]

_EULER = 0.57721566490153286061


def _moment(a: Tensor, b: Tensor, n: float) -> Tensor:
    """E[x^n] = b B(1 + n/a, b)."""
    first = 1.0 + n / a
    return b * exp(lgamma(first) + lgamma(b) - lgamma(first + b))


def _chain(a: Tensor, b: Tensor) -> list:
    with np.errstate(divide="ignore"):  # a zero concentration is refused by the parameter check, not here
        return [PowerTransform(b.reciprocal()), AffineTransform(1.0, -1.0), PowerTransform(a.reciprocal())]


class Kumaraswamy(TransformedDistribution):
    """The Kumaraswamy law of ``concentration1`` (a) and ``concentration0`` (b), numbers or Tensors."""

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any, validate_args: bool | None = None) -> None:
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        shape = self.concentration0.shape
        base = Uniform(as_tensor(0.0, like=self.concentration0).expand(shape),
                       as_tensor(1.0, like=self.concentration0).expand(shape), validate_args=validate_args)
        super().__init__(base, _chain(self.concentration1, self.concentration0), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Kumaraswamy":
        shape = tuple(batch_shape)
        new = super().expand(shape)
        new.concentration1, new.concentration0 = self.concentration1.expand(shape), self.concentration0.expand(shape)
        new.transforms = _chain(new.concentration1, new.concentration0)
        return new

    @property
    def mean(self) -> Tensor:
        return _moment(self.concentration1, self.concentration0, 1.0)

    @property
    def mode(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        defined = (a >= 1.0) & (b >= 1.0) & ((a > 1.0) | (b > 1.0))
        ratio = clamp(a - 1.0, min=0.0) / where(defined, a * b - 1.0, 1.0)
        return where(defined, ratio ** a.reciprocal(), math.nan)

    @property
    def variance(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        return _moment(a, b, 2.0) - _moment(a, b, 1.0).square()

    def entropy(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        return (1.0 - b.reciprocal()) + (1.0 - a.reciprocal()) * (digamma(b + 1.0) + _EULER) - log(a * b)
