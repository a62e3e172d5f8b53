"""``Normal(loc, scale)``, the Gaussian, as ``torch.distributions.Normal``:

log p(x) = -(x - mu)^2 / (2 sigma^2) - log sigma - log(2 pi) / 2,  F(x) = (1 + erf((x - mu) / (sigma sqrt 2))) / 2,
H = 1/2 + log(2 pi) / 2 + log sigma; rsample is mu + sigma eps with eps ~ N(0, 1)."""
from __future__ import annotations

import math

from ..autograd import Tensor
from ..ops import erf, erfinv, log
from .exponential_family import ExponentialFamily
from .location_scale import LocationScale

__all__ = ["Normal"]

_HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)


class Normal(LocationScale, ExponentialFamily):
    """The normal law of mean ``loc`` and standard deviation ``scale`` (numbers or Tensors, broadcast)."""

    _noise = "normal"

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """(mu / sigma^2, -1 / (2 sigma^2))."""
        precision = self.scale.square().reciprocal()
        return (self.loc * precision, -0.5 * precision)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        return -0.25 * x.square() / y + 0.5 * log(-math.pi / y)

    @property
    def _mean_carrier_measure(self) -> float:
        return 0.0

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.scale.square()

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        return -0.5 * z.square() - log(self.scale) - _HALF_LOG_TWO_PI

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1.0 + erf((value - self.loc) / (self.scale * math.sqrt(2.0))))

    def icdf(self, value: Tensor) -> Tensor:
        return self.loc + self.scale * math.sqrt(2.0) * erfinv(2.0 * value - 1.0)

    def entropy(self) -> Tensor:
        return log(self.scale) + (0.5 + _HALF_LOG_TWO_PI)
