"""Gradcheck cases for the continuous families Cauchy, HalfNormal, HalfCauchy, StudentT, Gumbel, Weibull,
Pareto, InverseGamma, Kumaraswamy, FisherSnedecor, VonMises, GeneralizedPareto and LogisticNormal (log_prob,
cdf, icdf, entropy, moments and rsample, each a differentiable function of the parameters), the
stick-breaking transform, and the KL pairs PyTorch registers for them;
minigan/gradcheck/cases.py adds them to its registry.

Scales and shapes are made positive, Pareto's values lie above its scale and its alpha above 2 (so the
mean and variance are finite), StudentT's df lies above 2 for the same reason (and is fixed in rsample's case). rsample draws its noise
from a Generator of its own seed (see distribution_cases._rsample)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import distributions as D
from ..autograd import Tensor
from .distribution_cases import _case, _kl, _like, _positive_from, _rsample
from .opcase import OpCase

Arrays = list[np.ndarray]


def _quantiles(like: Tensor) -> Tensor:
    return _like([0.2, 0.55, 0.9], like)


def _score(d: Any, x: Tensor, icdf: bool = True) -> Tensor:
    """log_prob(x) + cdf(x) entropy + icdf at fixed levels: every differentiable part at once."""
    total = d.log_prob(x) + d.cdf(x) * d.entropy()
    return total + d.icdf(_quantiles(x)) if icdf else total


def _cauchy(loc: Tensor, scale: Tensor, x: Tensor) -> Tensor:
    return _score(D.Cauchy(loc, scale), x)


def _half(scale: Tensor, x: Tensor) -> Tensor:
    normal, cauchy = D.HalfNormal(scale), D.HalfCauchy(scale)
    return _score(normal, x) + normal.mean * normal.variance + _score(cauchy, x)


def _student_t(df: Tensor, loc: Tensor, scale: Tensor, x: Tensor) -> Tensor:
    d = D.StudentT(df, loc, scale)
    return d.log_prob(x) + d.entropy() * d.variance


def _gumbel(loc: Tensor, scale: Tensor, x: Tensor) -> Tensor:
    d = D.Gumbel(loc, scale)
    return _score(d, x) + d.mean * d.variance


def _weibull(scale: Tensor, k: Tensor, x: Tensor) -> Tensor:
    d = D.Weibull(scale, k)
    return _score(d, x) + d.mean * d.variance + d.mode


def _pareto(scale: Tensor, alpha: Tensor, x: Tensor) -> Tensor:
    d = D.Pareto(scale, alpha)
    return _score(d, x) + d.mean * d.variance


def _inverse_gamma(alpha: Tensor, rate: Tensor, x: Tensor) -> Tensor:
    """(The cdf with alpha fixed: the incomplete gamma has no alpha-derivative, as in PyTorch.)"""
    d = D.InverseGamma(alpha, rate)
    fixed = D.InverseGamma(_like([2.5, 3.5, 4.5], rate), rate)
    return d.log_prob(x) + d.entropy() * d.mean + d.variance * d.mode + fixed.cdf(x)


def _kumaraswamy(a: Tensor, b: Tensor, x: Tensor) -> Tensor:
    d = D.Kumaraswamy(a, b)
    return _score(d, x) + d.mean * d.variance + d.mode


def _fisher_snedecor(df1: Tensor, df2: Tensor, x: Tensor) -> Tensor:
    d = D.FisherSnedecor(df1, df2)
    return d.log_prob(x) + d.mean * d.variance + d.mode


def _von_mises(loc: Tensor, kappa: Tensor, x: Tensor) -> Tensor:
    d = D.VonMises(loc, kappa)
    return d.log_prob(x) + d.variance


def _generalized_pareto(loc: Tensor, scale: Tensor, xi: Tensor, x: Tensor) -> Tensor:
    d = D.GeneralizedPareto(loc, scale, xi)
    return _score(d, x) + d.mean * d.variance


def _generalized_pareto_inputs(arrays: Arrays, rng: np.random.Generator) -> Arrays:
    """(loc, scale, xi, x): scale positive, |xi| in [0.1, 0.4] (away from the exponential case, whose
    xi-derivative PyTorch sets to 0), x = loc + scale z with z in [0.1, 2], inside the support."""
    loc, scale, xi, x = arrays
    scale = np.abs(scale) + 0.5
    xi = np.where(xi < 0, -1.0, 1.0) * (0.1 + 0.3 * rng.random(xi.shape))
    return [loc, scale, xi, loc + scale * (0.1 + 1.9 * rng.random(x.shape))]


def _logistic_normal(loc: Tensor, scale: Tensor, weights: Tensor) -> Tensor:
    """log_prob at weights / their sum (positive weights: a point inside the simplex), and the stick-breaking
    transform's value, inverse and log |det J| at loc."""
    d, stick = D.LogisticNormal(loc, scale), D.StickBreakingTransform()
    y = stick(loc)
    return (d.log_prob(weights / weights.sum(-1, keepdim=True)).sum() + y.sum() + stick.inv(y).sum()
            + stick.log_abs_det_jacobian(loc, y).sum())


def _unit_values(arrays: Arrays, rng: np.random.Generator) -> Arrays:
    """(a, b, x): a and b at least 1.1 (so the mode is defined), x inside [0.1, 0.9]."""
    a, b, x = arrays
    return [np.abs(a) + 1.1, np.abs(b) + 1.1, 0.1 + 0.8 * rng.random(x.shape)]


def _kl_gumbel_pairs(loc: Tensor, scale: Tensor, loc_q: Tensor, scale_q: Tensor) -> Tensor:
    """KL between Gumbels, and from Normal, Exponential, Gamma and Uniform to a Gumbel, and Gumbel to Normal."""
    q = D.Gumbel(loc_q, scale_q)
    return (D.kl_divergence(D.Gumbel(loc, scale), q) + D.kl_divergence(D.Normal(loc, scale), q)
            + D.kl_divergence(D.Gumbel(loc, scale), D.Normal(loc_q, scale_q))
            + D.kl_divergence(D.Exponential(scale), q) + D.kl_divergence(D.Gamma(scale, scale_q), q)
            + D.kl_divergence(D.Uniform(loc, loc + scale), q))


def _kl_pareto_pairs(gap: Tensor, alpha: Tensor, scale_q: Tensor, alpha_q: Tensor) -> Tensor:
    """KL from Pareto(scale_q + gap, alpha) (alpha > 2: every divergence finite) to a Pareto, an Exponential,
    a Gamma and a Normal, and from a Uniform above scale_q to Pareto(scale_q, alpha_q)."""
    p, low = D.Pareto(scale_q + gap, alpha), scale_q + gap
    return (D.kl_divergence(p, D.Pareto(scale_q, alpha_q)) + D.kl_divergence(p, D.Exponential(alpha_q))
            + D.kl_divergence(p, D.Gamma(alpha_q, scale_q)) + D.kl_divergence(p, D.Normal(gap, scale_q))
            + D.kl_divergence(D.Uniform(low, low + alpha_q), D.Pareto(scale_q, alpha_q)))


def _moved(index: int, low: float) -> Callable[[Arrays, np.random.Generator], Arrays]:
    """Every input positive, the one at ``index`` moved into [low, inf)."""
    def prepare(arrays: Arrays, rng: np.random.Generator) -> Arrays:
        return [np.abs(a) + (low if i == index else 0.5) for i, a in enumerate(arrays)]
    return prepare


def _pareto_inputs(arrays: Arrays, rng: np.random.Generator) -> Arrays:
    """(scale, alpha, x): scale positive, alpha above 2, x at least 0.1 above the scale."""
    scale, alpha, x = arrays
    scale = np.abs(scale) + 0.5
    return [scale, np.abs(alpha) + 2.5, scale + np.abs(x) + 0.1]


def _student_inputs(arrays: Arrays, rng: np.random.Generator) -> Arrays:
    """(df, loc, scale, x): df above 2, scale positive."""
    df, loc, scale, x = arrays
    return [np.abs(df) + 2.5, loc, np.abs(scale) + 0.5, x]


CONTINUOUS_CASES: list[OpCase] = [
    _case("dist_cauchy", _cauchy, [((3,), (3,), (2, 3))], prepare=_positive_from(1)),
    _case("dist_half_normal_cauchy", _half, [((3,), (2, 3))], prepare=_positive_from(0, 1)),
    _case("dist_student_t", _student_t, [((3,), (3,), (3,), (2, 3))], prepare=_student_inputs),
    _case("dist_gumbel", _gumbel, [((3,), (3,), (2, 3))], prepare=_positive_from(1)),
    _case("dist_weibull", _weibull, [((3,), (3,), (2, 3))], prepare=_moved(1, 1.2)),
    _case("dist_pareto", _pareto, [((3,), (3,), (2, 3))], prepare=_pareto_inputs),
    _case("rsample_cauchy_gumbel_half", lambda loc, scale: _rsample(D.Cauchy)(loc, scale) * _rsample(D.Gumbel)(
        loc, scale) + _rsample(D.HalfNormal)(scale) + _rsample(D.HalfCauchy)(scale), [((3,), (3,))],
        prepare=_positive_from(1)),
    _case("rsample_weibull_pareto", lambda scale, shape: _rsample(D.Weibull)(scale, shape)
          + _rsample(D.Pareto)(scale, shape), [((3,), (3,))], prepare=_positive_from(0, 1)),
    _case("rsample_student_t", _rsample(lambda loc, scale: D.StudentT(_like([3.0, 4.5, 6.0], loc), loc, scale)),
          [((3,), (3,))], prepare=_positive_from(1),
          notes="df fixed: a gamma draw moves by rejection as df moves (tests/test_distributions_continuous.py "
                "checks the df-derivative against E|T|'s)"),
    _case("dist_inverse_gamma", _inverse_gamma, [((3,), (3,), (2, 3))], prepare=_moved(0, 2.5)),
    _case("dist_kumaraswamy", _kumaraswamy, [((3,), (3,), (2, 3))], prepare=_unit_values),
    _case("dist_fisher_snedecor", _fisher_snedecor, [((3,), (3,), (2, 3))],
          prepare=lambda arrays, rng: [np.abs(arrays[0]) + 2.5, np.abs(arrays[1]) + 4.5, np.abs(arrays[2]) + 0.2]),
    _case("rsample_inverse_gamma_kumaraswamy", lambda rate, a, b: _rsample(
        lambda r: D.InverseGamma(_like([2.5, 3.5, 4.5], r), r))(rate) + _rsample(D.Kumaraswamy)(a, b),
          [((3,), (3,), (3,))], prepare=_positive_from(0, 1, 2),
          notes="InverseGamma's alpha fixed, as StudentT's df"),
    _case("dist_von_mises", _von_mises, [((3,), (3,), (2, 3))], prepare=_positive_from(1)),
    _case("dist_generalized_pareto", _generalized_pareto, [((3,), (3,), (3,), (3,))],
          prepare=_generalized_pareto_inputs),
    _case("rsample_generalized_pareto", _rsample(D.GeneralizedPareto), [((3,), (3,), (3,))],
          prepare=lambda arrays, rng: _generalized_pareto_inputs(arrays + [arrays[0]], rng)[:3]),
    _case("dist_logistic_normal", _logistic_normal, [((2, 3), (2, 3), (2, 4))], prepare=_positive_from(1, 2)),
    _case("rsample_logistic_normal", _rsample(D.LogisticNormal), [((2, 3), (2, 3))], prepare=_positive_from(1)),
    _case("kl_cauchy", _kl(D.Cauchy, 2), [((3,), (3,), (3,), (3,))], prepare=_positive_from(1, 3)),
    _case("kl_half_normal", _kl(D.HalfNormal, 1), [((3,), (3,))], prepare=_positive_from(0, 1)),
    _case("kl_gumbel_pairs", _kl_gumbel_pairs, [((3,), (3,), (3,), (3,))], prepare=_positive_from(1, 3)),
    _case("kl_pareto_pairs", _kl_pareto_pairs, [((3,), (3,), (3,), (3,))], prepare=_moved(1, 2.5)),
]
