"""``kl_divergence(p, q)`` = E_p[log p(x) - log q(x)] and ``register_kl``, as ``torch.distributions.kl``.

The closed forms registered here (each differentiable in both distributions' parameters):
Normal, Laplace, Exponential, Uniform, Bernoulli, Categorical, OneHotCategorical, MultivariateNormal,
Gamma, Beta, Dirichlet (each with its own kind), TransformedDistribution pairs with equal transforms (the
bases' divergence, which a bijection keeps) and Independent pairs (the base pair's divergence summed over the moved
dimensions). A pair is looked up by the most specific registered (type_p, type_q) along the classes'
MROs; ``register_kl(P, Q)`` adds one, as PyTorch's decorator does."""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable

from ..autograd import Tensor
from ..ops import abs, digamma, exp, lgamma, log, softplus, where
from ..ops.triangular import solve_triangular
from .bernoulli import Bernoulli
from .beta import Beta
from .categorical import Categorical
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Gamma
from .independent import Independent
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal, half_log_det, mahalanobis
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform
from .utils import sum_rightmost

__all__ = ["kl_divergence", "register_kl"]

KLFunction = Callable[[Any, Any], Tensor]
_REGISTRY: dict[tuple[type, type], KLFunction] = {}


def register_kl(type_p: type, type_q: type) -> Callable[[KLFunction], KLFunction]:
    """A decorator that makes ``fn(p, q)`` the divergence between instances of ``type_p`` and ``type_q``
    (and of their subclasses, unless a more specific pair is registered)."""
    for name, kind in (("type_p", type_p), ("type_q", type_q)):
        if not (isinstance(kind, type) and issubclass(kind, Distribution)):
            raise TypeError(f"Expected {name} to be a Distribution subclass but got {kind}")

    def decorator(fn: KLFunction) -> KLFunction:
        _REGISTRY[type_p, type_q] = fn
        return fn

    return decorator


def _lookup(type_p: type, type_q: type) -> KLFunction | None:
    """The registered function for the most specific match: ranked by how far up type_p's MRO its
    class is, then type_q's (and the other way round; a RuntimeWarning when the two rankings differ)."""
    matches = [(p, q) for p, q in _REGISTRY if issubclass(type_p, p) and issubclass(type_q, q)]
    if not matches:
        return None
    distance_p = {p: type_p.__mro__.index(p) for p, _ in matches}
    distance_q = {q: type_q.__mro__.index(q) for _, q in matches}
    by_p = min(matches, key=lambda m: (distance_p[m[0]], distance_q[m[1]]))
    by_q = min(matches, key=lambda m: (distance_q[m[1]], distance_p[m[0]]))
    if _REGISTRY[by_p] is not _REGISTRY[by_q]:
        warnings.warn(f"Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). "
                      f"Please register_kl({by_p[0].__name__}, {by_q[1].__name__})", RuntimeWarning, stacklevel=3)
    return _REGISTRY[by_p]


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """KL(p || q) for each batch element of p and q (their batch shapes broadcast)."""
    fn = _lookup(type(p), type(q))
    if fn is None:
        raise NotImplementedError(f"No KL(p || q) is implemented for p type {type(p).__name__} and q type "
                                  f"{type(q).__name__}")
    return fn(p, q)


@register_kl(Normal, Normal)
def _kl_normal_normal(p: Normal, q: Normal) -> Tensor:
    """(r + d^2 - 1 - log r) / 2 with r = (s_p / s_q)^2 and d = (mu_p - mu_q) / s_q."""
    ratio = (p.scale / q.scale).square()
    gap = ((p.loc - q.loc) / q.scale).square()
    return 0.5 * (ratio + gap - 1.0 - log(ratio))


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p: Laplace, q: Laplace) -> Tensor:
    """r exp(-|mu_p - mu_q| / b_p) + |mu_p - mu_q| / b_q - log r - 1 with r = b_p / b_q."""
    ratio = p.scale / q.scale
    distance = abs(p.loc - q.loc)
    return ratio * exp(-distance / p.scale) + distance / q.scale - log(ratio) - 1.0


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p: Exponential, q: Exponential) -> Tensor:
    """r - 1 - log r with r = lambda_q / lambda_p."""
    ratio = q.rate / p.rate
    return ratio - 1.0 - log(ratio)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p: Uniform, q: Uniform) -> Tensor:
    """log((b_q - a_q) / (b_p - a_p)) when [a_p, b_p] lies inside [a_q, b_q], else inf."""
    inside = (q.low <= p.low) & (q.high >= p.high)
    return where(inside, log((q.high - q.low) / (p.high - p.low)), math.inf)


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p: Bernoulli, q: Bernoulli) -> Tensor:
    """p_p (log p_p - log p_q) + (1 - p_p)(log(1 - p_p) - log(1 - p_q)), each log read off the logits
    (log p = -softplus(-l), log(1 - p) = -softplus(l)); a term whose weight is 0 is 0, and a term
    whose q-probability is 0 with positive weight is inf."""
    ones = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    ones = where(p.probs == 0, 0.0, where(q.probs == 0, math.inf, ones))
    zeros = (1.0 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    zeros = where(p.probs == 1, 0.0, where(q.probs == 1, math.inf, zeros))
    return ones + zeros


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p: Categorical, q: Categorical) -> Tensor:
    """sum_k p_k (log p_k - log q_k); a class with p_k = 0 adds 0, one with q_k = 0 < p_k adds inf."""
    terms = p.probs * (p.logits - q.logits)
    terms = where(p.probs == 0, 0.0, where(q.probs == 0, math.inf, terms))
    return terms.sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehot_onehot(p: OneHotCategorical, q: OneHotCategorical) -> Tensor:
    return kl_divergence(p._categorical, q._categorical)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn_mvn(p: MultivariateNormal, q: MultivariateNormal) -> Tensor:
    """(tr(S_q^-1 S_p) + (mu_q - mu_p)^T S_q^-1 (mu_q - mu_p) - n + log det S_q - log det S_p) / 2, with
    S = L L^T: the trace is |L_q^-1 L_p|_F^2 and the log-determinants twice the log-diagonals' sums."""
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two Multivariate Normals with different event shapes cannot be "
                         "computed")
    n = p.event_shape[0]
    L_p, L_q = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    trace = solve_triangular(L_q, L_p, upper=False).square().sum((-2, -1))
    distance = mahalanobis(L_q, q.loc - p.loc)
    return half_log_det(L_q) - half_log_det(L_p) + 0.5 * (trace + distance - n)


@register_kl(Independent, Independent)
def _kl_independent_independent(p: Independent, q: Independent) -> Tensor:
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError("KL between Independent distributions that reinterpret different numbers of "
                                  "batch dimensions")
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p: Gamma, q: Gamma) -> Tensor:
    """a_q ln(b_p / b_q) + lgamma(a_q) - lgamma(a_p) + (a_p - a_q) psi(a_p) + (b_q - b_p) a_p / b_p
    for p = Gamma(a_p, b_p), q = Gamma(a_q, b_q)."""
    a_p, b_p, a_q, b_q = p.concentration, p.rate, q.concentration, q.rate
    return (a_q * log(b_p / b_q) + (lgamma(a_q) - lgamma(a_p)) + (a_p - a_q) * digamma(a_p)
            + (b_q - b_p) * (a_p / b_p))


def _kl_dirichlet_terms(alpha_p: Tensor, alpha_q: Tensor) -> Tensor:
    """sum_k (a_pk - a_qk)(psi(a_pk) - psi(A_p)) + lgamma(A_p) - lgamma(A_q) - sum_k (lgamma(a_pk) - lgamma(a_qk)),
    A the sums over the last dimension: KL between Dirichlet(a_p) and Dirichlet(a_q)."""
    total_p, total_q = alpha_p.sum(-1), alpha_q.sum(-1)
    centred = digamma(alpha_p) - digamma(total_p).unsqueeze(-1)
    return (((alpha_p - alpha_q) * centred).sum(-1) + (lgamma(total_p) - lgamma(total_q))
            - (lgamma(alpha_p) - lgamma(alpha_q)).sum(-1))


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p: Dirichlet, q: Dirichlet) -> Tensor:
    return _kl_dirichlet_terms(p.concentration, q.concentration)


@register_kl(Beta, Beta)
def _kl_beta_beta(p: Beta, q: Beta) -> Tensor:
    """The Dirichlet divergence of the pairs (a, b)."""
    return _kl_dirichlet_terms(p._dirichlet.concentration, q._dirichlet.concentration)


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p: TransformedDistribution, q: TransformedDistribution) -> Tensor:
    """KL(p_X || q_X) of the bases: a bijection applied to both laws keeps their divergence."""
    if p.transforms != q.transforms:
        raise NotImplementedError("KL between TransformedDistributions with different transforms")
    if p.event_shape != q.event_shape:
        raise NotImplementedError("KL between TransformedDistributions with different event shapes")
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), len(p.event_shape) - len(p.base_dist.event_shape))
