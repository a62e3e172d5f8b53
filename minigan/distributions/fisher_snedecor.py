"""``FisherSnedecor(df1, df2)``, the F law, as ``torch.distributions.FisherSnedecor``: with
d1 = df1, d2 = df2 and r = d1 / d2,

log p(x) = lgamma((d1 + d2)/2) - lgamma(d1/2) - lgamma(d2/2) + (d1/2) log r + (d1/2 - 1) log x
           - ((d1 + d2)/2) log(1 + r x),
mean d2 / (d2 - 2) (nan for d2 <= 2), mode (d1 - 2) / d1 * d2 / (d2 + 2) (nan for d1 <= 2), variance
2 d2^2 (d1 + d2 - 2) / (d1 (d2 - 2)^2 (d2 - 4)) (nan for d2 <= 4), as PyTorch's; no cdf or entropy.
rsample is (X1 / d1) / (X2 / d2) for X1, X2 chi-squared draws (gamma draws, so differentiable in d1, d2)."""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..ops import clamp, lgamma, log, log1p, where
from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .utils import broadcast_all

__all__ = ["FisherSnedecor"]


class FisherSnedecor(Distribution):
    """The F law of ``df1`` and ``df2`` degrees of freedom (numbers or Tensors, broadcast)."""

    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1: Any, df2: Any, validate_args: bool | None = None) -> None:
        self.df1, self.df2 = broadcast_all(df1, df2)
        # X / d for X ~ Chi2(d) is Gamma(d / 2, d / 2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1 * 0.5, validate_args=validate_args)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2 * 0.5, validate_args=validate_args)
        scalars = isinstance(df1, numbers.Number) and isinstance(df2, numbers.Number)
        super().__init__(() if scalars else self.df1.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "FisherSnedecor":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"df1": self.df1.expand(shape), "df2": self.df2.expand(shape),
                                      "_gamma1": self._gamma1.expand(shape), "_gamma2": self._gamma2.expand(shape)})

    @property
    def mean(self) -> Tensor:
        d2 = self.df2
        return where(d2 > 2.0, d2 / where(d2 > 2.0, d2 - 2.0, 1.0), math.nan)

    @property
    def mode(self) -> Tensor:
        d1, d2 = self.df1, self.df2
        return where(d1 > 2.0, (d1 - 2.0) / d1 * d2 / (d2 + 2.0), math.nan)

    @property
    def variance(self) -> Tensor:
        d1, d2 = self.df1, self.df2
        safe = where(d2 > 4.0, d2, 5.0)
        finite = 2.0 * safe.square() * (d1 + safe - 2.0) / (d1 * (safe - 2.0).square() * (safe - 4.0))
        return where(d2 > 4.0, finite, math.nan)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        tiny = float(np.finfo(self.df1.dtype).tiny)
        ratio = self._gamma1.rsample(sample_shape) / clamp(self._gamma2.rsample(sample_shape), min=tiny)
        return clamp(ratio, min=tiny)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        half1, half2 = 0.5 * self.df1, 0.5 * self.df2
        ratio = self.df1 / self.df2
        norm = lgamma(half1 + half2) - lgamma(half1) - lgamma(half2)
        return norm + half1 * log(ratio) + (half1 - 1.0) * log(value) - (half1 + half2) * log1p(ratio * value)
