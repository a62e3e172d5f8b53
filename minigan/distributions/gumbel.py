"""``Gumbel(loc, scale)``, the type-I extreme-value law, as ``torch.distributions.Gumbel``: with
z = (x - mu) / beta,

log p(x) = -z - e^-z - log beta,  F(x) = exp(-e^-z),  F^-1(u) = mu - beta log(-log u),
mean mu + beta gamma (gamma Euler's constant), mode mu, variance pi^2 beta^2 / 6, H = log beta + 1 + gamma.
As PyTorch's, a TransformedDistribution: u ~ U[tiny, 1 - eps) pushed through x = mu - beta log(-log u)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..ops import exp, log
from . import constraints
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, ExpTransform
from .uniform import Uniform
from .utils import broadcast_all

__all__ = ["Gumbel"]

_EULER = 0.57721566490153286061


class Gumbel(TransformedDistribution):
    """The Gumbel law of location ``loc`` and scale ``scale`` (numbers or Tensors, broadcast)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        info = np.finfo(self.loc.dtype)
        shape = self.loc.shape
        low = as_tensor(float(info.tiny), like=self.loc).expand(shape)
        high = as_tensor(1.0 - float(info.eps), like=self.loc).expand(shape)
        flips = as_tensor(-1.0, like=self.loc).expand(shape)
        chain = [ExpTransform().inv, AffineTransform(0.0, flips), ExpTransform().inv, AffineTransform(self.loc, -self.scale)]
        super().__init__(Uniform(low, high, validate_args=validate_args), chain, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Gumbel":
        shape = tuple(batch_shape)
        new = super().expand(shape)
        new.loc, new.scale = self.loc.expand(shape), self.scale.expand(shape)
        return new

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        y = (self.loc - value) / self.scale
        return (y - exp(y)) - log(self.scale)

    @property
    def mean(self) -> Tensor:
        return self.loc + self.scale * _EULER

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return (math.pi / math.sqrt(6.0)) * self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.square()

    def entropy(self) -> Tensor:
        return log(self.scale) + (1.0 + _EULER)
