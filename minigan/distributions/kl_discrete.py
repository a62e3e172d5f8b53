"""The closed-form ``kl_divergence`` pairs of the counting laws (PyTorch registers the same pairs):
Poisson, Geometric and Binomial each with its own kind, Bernoulli to Poisson, and the infinite
Poisson to Bernoulli and Poisson to Binomial (a Poisson puts mass on counts the other cannot reach).
Importing the package registers them, as it registers kl.py's."""
from __future__ import annotations

import math

import numpy as np

from ..autograd import Tensor
from ..backends import to_numpy
from ..ops import log, log1p, where, xlogy
from .bernoulli import Bernoulli
from .binomial import Binomial
from .geometric import Geometric
from .kl import register_kl
from .poisson import Poisson
from .utils import placed

__all__: list[str] = []


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p: Poisson, q: Poisson) -> Tensor:
    """r_p log(r_p / r_q) - r_p + r_q (a rate-0 p adds r_q)."""
    return xlogy(p.rate, p.rate) - p.rate * log(q.rate) - p.rate + q.rate


@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(p: Geometric, q: Geometric) -> Tensor:
    """-H(p) - E_p[k] log(1 - q) - log q, with E_p[k] = 1 / p - 1."""
    return -p.entropy() - (1.0 / p.probs - 1.0) * log1p(-q.probs) - log(q.probs)


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p: Binomial, q: Binomial) -> Tensor:
    """n (p_p (l_p - l_q) + log(1 - p_p) - log(1 - p_q)) for equal counts n; inf where p's count exceeds q's."""
    n_p, n_q = to_numpy(p.total_count.array), to_numpy(q.total_count.array)
    if bool(np.any(n_p < n_q)):
        raise NotImplementedError("KL between Binomials where q.total_count > p.total_count is not implemented")
    kl = p.total_count * (p.probs * (p.logits - q.logits) + log1p(-p.probs) - log1p(-q.probs))
    return where(p.total_count > q.total_count, math.inf, kl)


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p: Bernoulli, q: Poisson) -> Tensor:
    """-H(p) - (p log r - r): log q(k) = k log r - r on k in {0, 1}, where lgamma(k + 1) is 0."""
    return -p.entropy() - (p.probs * log(q.rate) - q.rate)


def _infinite(p: Poisson, q: object) -> Tensor:
    """inf for every batch element of p (q cannot give the counts past its bound that p can)."""
    return placed(np.full(p.rate.shape, np.inf, dtype=p.rate.dtype), p.rate)


register_kl(Poisson, Bernoulli)(_infinite)
register_kl(Poisson, Binomial)(_infinite)
