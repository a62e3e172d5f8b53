"""Two more entry-by-entry maps for TransformedDistribution, as ``torch.distributions.transforms``':

AbsTransform: y = |x|, from the reals onto [0, inf); not a bijection (its "inverse" returns y itself),
which is how HalfNormal and HalfCauchy fold a symmetric law.
PowerTransform(exponent): y = x^p on the positive numbers;  x = y^(1/p),  ln|J| = ln|p y / x|.
SoftplusTransform: y = ln(1 + e^x), from the reals onto the positive numbers;  x = y + ln(-expm1(-y)),
ln|J| = -softplus(-x).
CumulativeDistributionTransform(distribution): y = F(x), the distribution's cdf, from its support onto
[0, 1];  x = F^-1(y), its icdf;  ln|J| = ln p(x), its log_prob."""
from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor
from ..ops import abs, expm1, log, softplus
from . import constraints
from .transforms import Transform, _same

__all__ = ["AbsTransform", "CumulativeDistributionTransform", "PowerTransform", "SoftplusTransform"]


class AbsTransform(Transform):
    """y = |x|. Two are equal when both are AbsTransforms."""

    codomain = constraints.positive

    def _call(self, x: Tensor) -> Tensor:
        return abs(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return y

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AbsTransform)

    def __hash__(self) -> int:
        return hash(AbsTransform)


class PowerTransform(Transform):
    """y = x^exponent for positive x (``exponent`` a number or a Tensor, broadcast against x)."""

    domain = constraints.positive
    codomain = constraints.positive
    bijective = True

    def __init__(self, exponent: Any, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        if not isinstance(exponent, (Tensor, numbers.Number)):
            raise TypeError("PowerTransform expects exponent to be a number or a Tensor")
        self.exponent = exponent

    @property
    def sign(self) -> Any:
        if isinstance(self.exponent, numbers.Number):
            return 1 if self.exponent > 0 else -1 if self.exponent < 0 else 0
        return self.exponent.sign()

    def _call(self, x: Tensor) -> Tensor:
        return x ** self.exponent

    def _inverse(self, y: Tensor) -> Tensor:
        return y ** (1.0 / self.exponent)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return log(abs(self.exponent * y / x))

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        extra = (tuple(self.exponent.shape),) if isinstance(self.exponent, Tensor) else ()
        return tuple(np.broadcast_shapes(tuple(shape), *extra))

    inverse_shape = forward_shape

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PowerTransform) and _same(self.exponent, other.exponent)

    def __hash__(self) -> int:
        return id(self)


class SoftplusTransform(Transform):
    """y = softplus(x) = ln(1 + e^x); two are equal when both are SoftplusTransforms."""

    codomain = constraints.positive
    bijective = True
    sign = 1

    def _call(self, x: Tensor) -> Tensor:
        return softplus(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return log(-expm1(-y)) + y  # ln(e^y - 1) without overflow for large y

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return -softplus(-x)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SoftplusTransform)

    def __hash__(self) -> int:
        return hash(SoftplusTransform)


class CumulativeDistributionTransform(Transform):
    """y = distribution.cdf(x): a law's probability integral transform, onto [0, 1]."""

    bijective = True
    codomain = constraints.unit_interval
    sign = 1

    def __init__(self, distribution: Any, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.distribution = distribution

    @property
    def domain(self) -> constraints.Constraint:  # type: ignore[override]
        return self.distribution.support

    def _call(self, x: Tensor) -> Tensor:
        return self.distribution.cdf(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return self.distribution.icdf(y)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return self.distribution.log_prob(x)

    def with_cache(self, cache_size: int = 1) -> "CumulativeDistributionTransform":
        return self if cache_size == self._cache_size else CumulativeDistributionTransform(self.distribution, cache_size)
