"""The ``kl_divergence`` pairs PyTorch registers for the ContinuousBernoulli (CB), each
-H(p) - E_p[log q(x)] written out; with l the logits and C the normaliser, log CB(x) = x l + log(1 - p) + log C:

CB to CB, Exponential, Normal and Uniform (inf unless the uniform covers [0, 1] strictly: q.low < 0 and
q.high > 1, as PyTorch's); Beta and Uniform to CB (the Uniform's inf unless its interval lies strictly inside
(0, 1)); inf for CB to Pareto and for Exponential, Gamma, Gumbel, Laplace, Normal and Pareto to CB (mass
outside [0, 1] on one side or the other). Importing the package registers them."""
from __future__ import annotations

import math

import numpy as np

from ..autograd import Tensor
from ..ops import log, log1p, where
from .beta import Beta
from .continuous_bernoulli import ContinuousBernoulli
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import Gumbel
from .kl import register_kl
from .laplace import Laplace
from .normal import Normal
from .pareto import Pareto
from .uniform import Uniform
from .utils import placed

__all__: list[str] = []


def _log_density_terms(q: ContinuousBernoulli) -> Tensor:
    """log(1 - p) + log C of q: its log-density less x l."""
    return log1p(-q.probs) + q._log_normaliser()


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_cb_cb(p: ContinuousBernoulli, q: ContinuousBernoulli) -> Tensor:
    return p.mean * (p.logits - q.logits) + _log_density_terms(p) - _log_density_terms(q)


@register_kl(ContinuousBernoulli, Exponential)
def _kl_cb_exponential(p: ContinuousBernoulli, q: Exponential) -> Tensor:
    return -p.entropy() - log(q.rate) + q.rate * p.mean


@register_kl(ContinuousBernoulli, Normal)
def _kl_cb_normal(p: ContinuousBernoulli, q: Normal) -> Tensor:
    """-H(p) + log(s sqrt(2 pi)) + E_p[(x - m)^2] / (2 s^2)."""
    second_moment = p.variance + p.mean.square()
    return (-p.entropy() + 0.5 * math.log(2.0 * math.pi) + log(q.scale)
            + (second_moment - 2.0 * q.loc * p.mean + q.loc.square()) / (2.0 * q.scale.square()))


@register_kl(ContinuousBernoulli, Uniform)
def _kl_cb_uniform(p: ContinuousBernoulli, q: Uniform) -> Tensor:
    outside = (q.low >= 0.0) | (q.high <= 1.0)
    return where(outside, math.inf, -p.entropy() + log(q.high - q.low))


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_cb(p: Beta, q: ContinuousBernoulli) -> Tensor:
    return -p.entropy() - p.mean * q.logits - _log_density_terms(q)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_cb(p: Uniform, q: ContinuousBernoulli) -> Tensor:
    outside = (p.high >= 1.0) | (p.low <= 0.0)
    return where(outside, math.inf, _kl_beta_cb(p, q))


def _infinite(like: Tensor) -> Tensor:
    return placed(np.full(like.shape, np.inf, dtype=like.dtype), like)


register_kl(ContinuousBernoulli, Pareto)(lambda p, q: _infinite(p.probs))
for _family, _parameter in ((Exponential, "rate"), (Gamma, "concentration"),
                            (Gumbel, "loc"), (Laplace, "loc"), (Normal, "loc"), (Pareto, "scale")):
    register_kl(_family, ContinuousBernoulli)(
        lambda p, q, _parameter=_parameter: _infinite(getattr(p, _parameter)))
