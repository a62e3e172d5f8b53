"""``StudentT(df, loc=0., scale=1.)``, as ``torch.distributions.StudentT``: with y = (x - mu) / sigma,

log p(x) = -(nu + 1)/2 log(1 + y^2 / nu) - log sigma - log(nu pi)/2 - lgamma(nu/2) + lgamma((nu + 1)/2),
H = log sigma + (nu + 1)/2 (psi((nu + 1)/2) - psi(nu/2)) + log(nu)/2 + B(nu/2, 1/2) (B the log beta function),
mean mu (nan for nu <= 1), variance sigma^2 nu / (nu - 2) (inf for 1 < nu <= 2, nan for nu <= 1), mode mu;
rsample is mu + sigma z / sqrt(c / nu) with z ~ N(0, 1) and c ~ Chi2(nu), reparameterised in nu as Chi2's is."""
from __future__ import annotations

import math
import numbers
from typing import Any

from ..autograd import Tensor, as_tensor
from ..ops import digamma, lgamma, log, log1p, rsqrt, where
from . import constraints
from .distribution import Distribution
from .gamma import Chi2
from .utils import broadcast_all, draws

__all__ = ["StudentT"]

_LGAMMA_HALF = math.lgamma(0.5)


class StudentT(Distribution):
    """Student's t law of ``df`` degrees of freedom, location ``loc`` and scale ``scale`` (numbers or Tensors)."""

    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df: Any, loc: Any = 0.0, scale: Any = 1.0, validate_args: bool | None = None) -> None:
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df, validate_args=False)
        scalars = all(isinstance(v, numbers.Number) for v in (df, loc, scale))
        super().__init__(() if scalars else self.df.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "StudentT":
        shape = tuple(batch_shape)
        df = self.df.expand(shape)
        return self._expanded(shape, {"df": df, "loc": self.loc.expand(shape), "scale": self.scale.expand(shape),
                                      "_chi2": self._chi2.expand(shape)})

    @property
    def mean(self) -> Tensor:
        return where(self.df > 1.0, self.loc, math.nan)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        df = self.df
        finite = self.scale.square() * df / where(df > 2.0, df - 2.0, 1.0)
        return where(df > 2.0, finite, where(df > 1.0, as_tensor(math.inf, like=df), math.nan))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        z = draws("normal", shape, self.df)
        chi2 = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * z * rsqrt(chi2 / self.df)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        df = self.df
        y = (value - self.loc) / self.scale
        norm = (log(self.scale) + 0.5 * log(df) + 0.5 * math.log(math.pi)
                + lgamma(0.5 * df) - lgamma(0.5 * (df + 1.0)))
        return -0.5 * (df + 1.0) * log1p(y.square() / df) - norm

    def entropy(self) -> Tensor:
        df = self.df
        log_beta = lgamma(0.5 * df) + _LGAMMA_HALF - lgamma(0.5 * (df + 1.0))
        return (log(self.scale) + 0.5 * (df + 1.0) * (digamma(0.5 * (df + 1.0)) - digamma(0.5 * df))
                + 0.5 * log(df) + log_beta)
