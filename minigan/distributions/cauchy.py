"""``Cauchy(loc, scale)``, the Lorentz law, as ``torch.distributions.Cauchy``:

log p(x) = -log pi - log gamma - log(1 + ((x - x0) / gamma)^2),  F(x) = atan((x - x0) / gamma) / pi + 1/2,
F^-1(u) = x0 + gamma tan(pi (u - 1/2)),  H = log(4 pi gamma); no mean or variance (nan and inf, as
PyTorch's), mode x0; rsample is x0 + gamma tan(pi (u - 1/2)) with u ~ U[0, 1)."""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Tensor, as_tensor
from ..ops import atan, log, log1p, tan
from .location_scale import LocationScale
from .utils import draws

__all__ = ["Cauchy"]


class Cauchy(LocationScale):
    """The Cauchy law of median ``loc`` and half-width ``scale`` (numbers or Tensors, broadcast)."""

    @property
    def mean(self) -> Tensor:
        return as_tensor(math.nan, like=self.loc).expand(self.batch_shape)

    @property
    def variance(self) -> Tensor:
        return as_tensor(math.inf, like=self.loc).expand(self.batch_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        u = draws("uniform", self._extended_shape(sample_shape), self.loc)
        return self.loc + self.scale * tan(math.pi * (u - 0.5))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        return -math.log(math.pi) - log(self.scale) - log1p(z.square())

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return atan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, value: Tensor) -> Tensor:
        return tan(math.pi * (value - 0.5)) * self.scale + self.loc

    def entropy(self) -> Tensor:
        return log(self.scale) + math.log(4.0 * math.pi)
