"""``Laplace(loc, scale)``, the double exponential, as ``torch.distributions.Laplace``:

log p(x) = -log(2 b) - |x - mu| / b,  F(x) = 1/2 + sign(x - mu) (1 - exp(-|x - mu| / b)) / 2,
F^-1(u) = mu - b sign(u - 1/2) log(1 - 2 |u - 1/2|),  H = 1 + log(2 b); rsample is mu + b eps with eps a
random sign times an Exp(1) draw (the Laplace(0, 1) law)."""
from __future__ import annotations

import math

from ..autograd import Tensor
from ..ops import abs, expm1, log, log1p, sign
from .location_scale import LocationScale

__all__ = ["Laplace"]


class Laplace(LocationScale):
    """The Laplace law centred on ``loc`` with scale ``scale`` (numbers or Tensors, broadcast)."""

    _noise = "laplace"

    @property
    def variance(self) -> Tensor:
        return 2.0 * self.scale.square()

    @property
    def stddev(self) -> Tensor:
        return math.sqrt(2.0) * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return -abs(value - self.loc) / self.scale - log(2.0 * self.scale)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        gap = value - self.loc
        return 0.5 - 0.5 * sign(gap) * expm1(-abs(gap) / self.scale)

    def icdf(self, value: Tensor) -> Tensor:
        centred = value - 0.5
        return self.loc - self.scale * sign(centred) * log1p(-2.0 * abs(centred))

    def entropy(self) -> Tensor:
        return log(2.0 * self.scale) + 1.0
