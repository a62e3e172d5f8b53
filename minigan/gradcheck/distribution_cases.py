"""Gradcheck cases for minigan.distributions (log_prob, cdf, entropy, kl_divergence and rsample, each a
differentiable function of the parameters); minigan/gradcheck/cases.py adds them to its registry.

Scales, rates and widths are made positive, matrices become covariances a a^T + I (or lower factors
with a positive diagonal), and Laplace values sit at least 0.1 from the location (|x - mu| has a kink
there). The class indices and 0/1 values scored are fixed; rsample draws its noise from a Generator of
its own seed, set for the call and then put back, so the function is deterministic and the run's
default Generator is left as it was."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import distributions as D
from ..distributions import kl_exponential_family, transforms as T
from ..autograd import Tensor, tensor
from ..distributions.standard_gamma import GammaQuantileStep
from ..ops import tril
from ..torch_api.generators import default_generator, set_default_generator
from .opcase import DISTINCT_LAYOUTS, OpCase


def _positive_from(*positions: int) -> Callable[[list[np.ndarray], np.random.Generator], list[np.ndarray]]:
    """The inputs at ``positions`` moved into [0.5, inf); the others as drawn."""
    def prepare(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
        return [np.abs(a) + 0.5 if i in positions else a for i, a in enumerate(arrays)]
    return prepare


def _laplace_inputs(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """(loc, scale, x): scale positive, x at least 0.1 from loc."""
    loc, scale, x = arrays
    gap = x - loc
    return [loc, np.abs(scale) + 0.5, loc + np.where(gap >= 0, gap + 0.1, gap - 0.1)]


def _uniform_inputs(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """(low, width, x): width positive, x inside [low + width / 10, low + 9 width / 10]."""
    low, width, x = arrays
    width = np.abs(width) + 0.5
    return [low, width, low + width * (0.1 + 0.8 * rng.random(x.shape))]


def _lower_factor(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """(loc, a, x): a's diagonal moved into [0.5, inf), so tril(a) is a Cholesky factor."""
    loc, a, x = arrays
    n = a.shape[-1]
    return [loc, a + np.eye(n) * (np.abs(np.diagonal(a)) + 0.5 - np.diagonal(a)), x]


def _covariance(a: Tensor) -> Tensor:
    return a @ a.transpose(-1, -2) + tensor(np.eye(a.shape[-1]), dtype=a.dtype, device=a.device)


def _like(values: Any, like: Tensor) -> Tensor:
    """A constant of ``values`` on ``like``'s device (in its dtype when the values are floats)."""
    values = np.asarray(values)
    return tensor(values, dtype=like.dtype if values.dtype.kind == "f" else None, device=like.device)


def _rsample(make: Callable[..., Any], shape: tuple[int, ...] = (2,)) -> Callable[..., Tensor]:
    """``make(*params).rsample(shape)`` with the same noise on every call."""
    def draw(*params: Tensor) -> Tensor:
        before = default_generator()
        set_default_generator(np.random.default_rng(5))
        try:
            return make(*params).rsample(shape)
        finally:
            set_default_generator(before)
    return draw


def _normal(loc: Tensor, scale: Tensor, x: Tensor) -> Tensor:
    d = D.Normal(loc, scale)
    return d.log_prob(x) + d.cdf(x) * d.entropy()


def _laplace(loc: Tensor, scale: Tensor, x: Tensor) -> Tensor:
    d = D.Laplace(loc, scale)
    return d.log_prob(x) + d.cdf(x) * d.entropy()


def _exponential(rate: Tensor, x: Tensor) -> Tensor:
    d = D.Exponential(rate)
    return d.log_prob(x) + d.cdf(x) * d.entropy()


def _uniform(low: Tensor, width: Tensor, x: Tensor) -> Tensor:
    d = D.Uniform(low, low + width)
    return d.log_prob(x) + d.cdf(x) * d.entropy() + d.icdf(_like([0.25], low))


def _bernoulli(logits: Tensor, probs: Tensor) -> Tensor:
    ones = _like([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], logits)
    by_logits, by_probs = D.Bernoulli(logits=logits), D.Bernoulli(probs=probs)
    return by_logits.log_prob(ones) + by_logits.entropy() + by_probs.log_prob(ones) * by_probs.entropy()


def _categorical(logits: Tensor, weights: Tensor) -> Tensor:
    classes = _like([[0, 3], [2, 2], [1, 0]], logits)
    by_logits, by_weights = D.Categorical(logits=logits), D.Categorical(probs=weights)
    onehot = _like(np.eye(4)[[[1, 2], [0, 3]]], logits)
    return (by_logits.log_prob(classes) + by_logits.entropy() + by_weights.log_prob(classes) * by_weights.entropy()
            + D.OneHotCategorical(logits=logits).log_prob(onehot).sum())


def _mvn(spelling: str) -> Callable[[Tensor, Tensor, Tensor], Tensor]:
    def score(loc: Tensor, a: Tensor, x: Tensor) -> Tensor:
        matrix = tril(a) if spelling == "scale_tril" else _covariance(a)
        d = D.MultivariateNormal(loc, **{spelling: matrix})
        return d.log_prob(x) + d.entropy()
    return score


def _gamma(alpha: Tensor, rate: Tensor, x: Tensor) -> Tensor:
    d, chi2 = D.Gamma(alpha, rate), D.Chi2(alpha)
    return d.log_prob(x) + d.entropy() * d.mode + chi2.log_prob(x) * chi2.entropy()


def _beta(a: Tensor, b: Tensor, x: Tensor) -> Tensor:
    d = D.Beta(a, b)
    return d.log_prob(x) + d.entropy() * d.mean


def _dirichlet(alpha: Tensor, weights: Tensor) -> Tensor:
    """The Dirichlet scored at weights / their sum (positive weights, so a point inside the simplex
    however finite differences move them)."""
    d = D.Dirichlet(alpha)
    return d.log_prob(weights / weights.sum(-1, keepdim=True)) + d.entropy() * d.variance.sum(-1)


def _transforms(x: Tensor, loc: Tensor, scale: Tensor) -> Tensor:
    """Each transform's y, log |det J| and inverse of y, summed (scale positive)."""
    total = x * 0.0
    for transform in (T.ExpTransform(), T.AffineTransform(loc, scale), T.SigmoidTransform(), T.TanhTransform(),
                      T.ComposeTransform([T.AffineTransform(loc, scale), T.TanhTransform(), T.ExpTransform()])):
        y = transform(x)
        total = total + y + transform.log_abs_det_jacobian(x, y) + transform.inv(y)
    return total


def _log_normal(loc: Tensor, scale: Tensor, x: Tensor) -> Tensor:
    d = D.LogNormal(loc, scale)
    squashed = D.TransformedDistribution(D.Normal(loc, scale), [T.AffineTransform(0.2, 0.8), T.TanhTransform()])
    return (d.log_prob(x) + d.cdf(x) * d.entropy() + d.mean * d.variance + d.mode
            + squashed.log_prob(x / (x + 1.0)) + squashed.cdf(x / (x + 1.0)))


def _kl(make: Callable[..., Any], split: int) -> Callable[..., Tensor]:
    """kl_divergence(make(*params[:split]), make(*params[split:]))."""
    def divergence(*params: Tensor) -> Tensor:
        return D.kl_divergence(make(*params[:split]), make(*params[split:]))
    return divergence


def _poisson(rate: Tensor) -> Tensor:
    d = D.Poisson(rate)
    return d.log_prob(_like([[0.0, 2.0, 5.0], [1.0, 0.0, 3.0]], rate)) + d.mean * d.variance


def _geometric(logits: Tensor, probs: Tensor) -> Tensor:
    counts = _like([[0.0, 2.0, 5.0], [1.0, 0.0, 3.0]], logits)
    by_logits, by_probs = D.Geometric(logits=logits), D.Geometric(probs=probs)
    return (by_logits.log_prob(counts) + by_logits.entropy() * by_logits.variance
            + by_probs.log_prob(counts) * by_probs.entropy())


def _binomial(logits: Tensor, probs: Tensor) -> Tensor:
    counts = _like([[0.0, 2.0, 5.0], [1.0, 5.0, 3.0]], logits)
    by_logits, by_probs = D.Binomial(5, logits=logits), D.Binomial(5, probs=probs)
    return by_logits.log_prob(counts) + by_logits.entropy() + by_probs.log_prob(counts) * by_probs.entropy()


def _negative_binomial(r: Tensor, logits: Tensor) -> Tensor:
    d = D.NegativeBinomial(r, logits=logits)
    return d.log_prob(_like([[0.0, 2.0, 5.0], [1.0, 0.0, 3.0]], r)) + d.mean + d.variance


def _multinomial(logits: Tensor, weights: Tensor) -> Tensor:
    counts = _like([[1.0, 0.0, 2.0, 1.0], [0.0, 3.0, 0.0, 1.0]], logits)
    by_logits, by_weights = D.Multinomial(4, logits=logits), D.Multinomial(4, probs=weights)
    return by_logits.log_prob(counts) + by_logits.entropy() + by_weights.log_prob(counts) * by_weights.entropy()


def _unit_probs(*positions: int) -> Callable[[list[np.ndarray], np.random.Generator], list[np.ndarray]]:
    """The inputs at ``positions`` drawn again in [0.15, 0.85]; the others as drawn."""
    def prepare(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
        return [0.15 + 0.7 * rng.random(a.shape) if i in positions else a for i, a in enumerate(arrays)]
    return prepare


def _continuous_bernoulli(logits: Tensor, probs: Tensor, x: Tensor) -> Tensor:
    by_logits, by_probs = D.ContinuousBernoulli(logits=logits), D.ContinuousBernoulli(probs)
    return (by_logits.log_prob(x) + by_logits.entropy() * by_logits.mean + by_probs.log_prob(x) * by_probs.variance
            + by_probs.cdf(x) + by_probs.icdf(_like([0.2, 0.5, 0.9], x)))


def _continuous_bernoulli_inputs(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """(logits, probs, x): probs at least 0.05 from 1/2 (lims switch the formulas there), x inside (0.1, 0.9)."""
    logits, probs, x = arrays
    away = 0.05 + 0.3 * rng.random(probs.shape)
    return [logits, 0.5 + np.where(rng.random(probs.shape) < 0.5, -away, away), 0.1 + 0.8 * rng.random(x.shape)]


def _relaxed(temperature: Tensor, logits: Tensor, x: Tensor, weights: Tensor) -> Tensor:
    """RelaxedBernoulli scored at x in (0, 1), RelaxedOneHotCategorical at weights / their sum."""
    coin = D.RelaxedBernoulli(temperature, logits=logits[0])
    classes = D.RelaxedOneHotCategorical(temperature, logits=logits)
    return coin.log_prob(x).sum() + classes.log_prob(weights / weights.sum(-1, keepdim=True)).sum()


def _mixture(logits: Tensor, loc: Tensor, scale: Tensor, x: Tensor) -> Tensor:
    d = D.MixtureSameFamily(D.Categorical(logits=logits), D.Normal(loc, scale))
    return d.log_prob(x) + d.cdf(x) + d.mean * d.variance


def _low_rank(loc: Tensor, W: Tensor, diag: Tensor, x: Tensor) -> Tensor:
    d = D.LowRankMultivariateNormal(loc, W, diag)
    return (d.log_prob(x) + d.entropy() + d.variance.sum(-1) + d.precision_matrix.sum((-2, -1))
            + d.scale_tril.sum((-2, -1)))


def _low_rank_kl(loc: Tensor, W: Tensor, diag: Tensor, a: Tensor) -> Tensor:
    """The low-rank law against a dense one and against itself shifted, both ways round."""
    low, dense = D.LowRankMultivariateNormal(loc, W, diag), _mvn_of(loc.flip(-1), a)
    shifted = D.LowRankMultivariateNormal(loc * 0.5, W.flip(-2), diag.flip(-1))
    return D.kl_divergence(low, dense) + D.kl_divergence(dense, low) + D.kl_divergence(low, shifted)


def _bregman(concentration: Tensor, rate: Tensor) -> Tensor:
    """The ExponentialFamily fallback's KL from a fixed Gamma to Gamma(concentration, rate) (it
    differentiates in q only, as PyTorch's), by the Bregman divergence of its log-normaliser."""
    fixed = D.Gamma(_like([0.8, 2.0, 1.3], rate), _like([1.5, 0.6, 1.0], rate))
    return kl_exponential_family.bregman_kl(fixed, D.Gamma(concentration, rate))


def _registry_transforms(x: Tensor, low: Tensor, width: Tensor) -> Tensor:
    """biject_to's transforms for a Tensor-bounded interval, a lower bound and independent(positive):
    each one's y, log |det J| and inverse of y, summed; and transform_to(simplex), softmax."""
    total = D.transform_to(D.constraints.simplex)(x).sum()
    for constraint in (D.constraints.interval(low, low + width), D.constraints.greater_than(low),
                       D.constraints.independent(D.constraints.positive, 1)):
        transform = D.biject_to(constraint)
        y = transform(x)
        total = total + y.sum() + transform.log_abs_det_jacobian(x, y).sum() + transform.inv(y).sum()
    return total


def _wishart(df: Tensor, a: Tensor) -> Tensor:
    """Wishart(df, a a^T + I) scored at a fixed positive-definite matrix, with its entropy and moments."""
    d = D.Wishart(df, covariance_matrix=_covariance(a))
    x = _like([[3.0, 0.5, -0.2], [0.5, 2.0, 0.1], [-0.2, 0.1, 4.0]], a)
    return d.log_prob(x) + d.entropy() + d.mean.sum((-2, -1)) + d.variance.sum((-2, -1))


def _wishart_draw(a: Tensor) -> Tensor:
    """Bartlett draws of Wishart(4.5, a a^T + I) (df fixed: a gamma draw is not smooth in it at fixed noise)."""
    return _rsample(lambda cov: D.Wishart(_like([4.5], cov), covariance_matrix=cov))(_covariance(a))


def _mvn_of(loc: Tensor, a: Tensor) -> Any:
    return D.MultivariateNormal(loc, covariance_matrix=_covariance(a))


def _case(name: str, fn: Callable[..., Tensor], shapes: list, **options: Any) -> OpCase:
    """An OpCase whose function takes minigan Tensors only: a distribution's parameters are broadcast
    by minigan, so minigan.micro's tensors (which the micro test offers every case) are refused up front."""
    def checked(*inputs: Any) -> Tensor:
        if not all(isinstance(x, Tensor) for x in inputs):
            raise TypeError(f"{name}: expected a Tensor for every input (minigan's, not minigan.micro's)")
        return fn(*inputs)
    return OpCase(name, checked, shapes, **options)


DISTRIBUTION_CASES: list[OpCase] = [
    _case("dist_normal", _normal, [((3,), (3,), (2, 3))], prepare=_positive_from(1)),
    _case("dist_laplace", _laplace, [((3,), (3,), (2, 3))], prepare=_laplace_inputs),
    _case("dist_exponential", _exponential, [((3,), (2, 3))], prepare=_positive_from(0, 1)),
    _case("dist_uniform", _uniform, [((3,), (3,), (3,))], prepare=_uniform_inputs),
    _case("dist_bernoulli", _bernoulli, [((3,), (3,))],
           prepare=lambda arrays, rng: [arrays[0], 0.15 + 0.7 * rng.random(arrays[1].shape)]),
    _case("dist_categorical", _categorical, [((2, 4), (2, 4))], prepare=_positive_from(1)),
    _case("dist_mvn_covariance", _mvn("covariance_matrix"), [((3,), (3, 3), (2, 3))], layouts=DISTINCT_LAYOUTS),
    _case("dist_mvn_precision", _mvn("precision_matrix"), [((2, 3), (3, 3), (3,))], layouts=DISTINCT_LAYOUTS),
    _case("dist_mvn_scale_tril", _mvn("scale_tril"), [((3,), (3, 3), (2, 3))], prepare=_lower_factor,
           layouts=DISTINCT_LAYOUTS),
    _case("dist_gamma_chi2", _gamma, [((3,), (3,), (2, 3))], prepare=_positive_from(0, 1, 2)),
    _case("dist_beta", _beta, [((3,), (3,), (2, 3))],
           prepare=lambda arrays, rng: [np.abs(arrays[0]) + 0.5, np.abs(arrays[1]) + 0.5,
                                        0.1 + 0.8 * rng.random(arrays[2].shape)]),
    _case("dist_dirichlet", _dirichlet, [((2, 3), (2, 3))], prepare=_positive_from(0, 1)),
    _case("dist_transforms", _transforms, [((2, 3), (3,), (3,))], prepare=_positive_from(2)),
    _case("dist_log_normal", _log_normal, [((3,), (3,), (2, 3))],
           prepare=lambda arrays, rng: [arrays[0], 0.3 + 0.5 * rng.random(arrays[1].shape), np.abs(arrays[2]) + 0.5]),
    _case("kl_normal", _kl(D.Normal, 2), [((3,), (3,), (3,), (1,))], prepare=_positive_from(1, 3)),
    _case("kl_laplace", _kl(D.Laplace, 2), [((3,), (3,), (3,), (3,))], prepare=_positive_from(1, 3)),
    _case("kl_exponential", _kl(D.Exponential, 1), [((3,), (3,))], prepare=_positive_from(0, 1)),
    _case("kl_bernoulli", _kl(lambda logits: D.Bernoulli(logits=logits), 1), [((3,), (3,))]),
    _case("kl_categorical", _kl(lambda logits: D.Categorical(logits=logits), 1), [((2, 4), (4,))]),
    _case("kl_mvn", _kl(_mvn_of, 2), [((3,), (3, 3), (2, 3), (3, 3))], layouts=DISTINCT_LAYOUTS),
    _case("kl_independent_normal", _kl(lambda loc, scale: D.Independent(D.Normal(loc, scale), 1), 2),
           [((2, 3), (2, 3), (3,), (3,))], prepare=_positive_from(1, 3)),
    _case("kl_gamma", _kl(D.Gamma, 2), [((3,), (3,), (3,), (1,))], prepare=_positive_from(0, 1, 2, 3)),
    _case("kl_beta", _kl(D.Beta, 2), [((3,), (3,), (3,), (3,))], prepare=_positive_from(0, 1, 2, 3)),
    _case("kl_dirichlet", _kl(D.Dirichlet, 1), [((2, 3), (3,))], prepare=_positive_from(0, 1)),
    _case("gamma_quantile_step", GammaQuantileStep.apply, [((3,), (3,), (3,)), ((2, 3), (2, 3), (2, 3))],
           prepare=lambda arrays, rng: [np.abs(arrays[0]) + 0.3, np.abs(arrays[1]) + 0.3,
                                        0.1 + 0.8 * rng.random(arrays[2].shape)],
           gradgrad=False, notes="its alpha-derivative has no derivative (PyTorch's _standard_gamma_grad has none)"),
    _case("rsample_normal_laplace", lambda loc, scale: _rsample(D.Normal)(loc, scale) * _rsample(D.Laplace)(loc, scale),
           [((3,), (3,))], prepare=_positive_from(1)),
    _case("rsample_exponential_uniform", lambda rate, low: _rsample(D.Exponential)(rate) + _rsample(D.Uniform)(low, low + rate),
           [((3,), (3,))], prepare=_positive_from(0)),
    _case("kl_log_normal", _kl(D.LogNormal, 2), [((3,), (3,), (3,), (3,))], prepare=_positive_from(1, 3)),
    _case("rsample_log_normal_tanh", lambda loc, scale: _rsample(D.LogNormal)(loc, scale) + _rsample(
        lambda m, s: D.TransformedDistribution(D.Normal(m, s), [T.AffineTransform(m, s), T.TanhTransform()]))(loc, scale),
           [((3,), (3,))], prepare=_positive_from(1)),
    _case("rsample_mvn", _rsample(_mvn_of), [((2, 3), (3, 3))], layouts=DISTINCT_LAYOUTS),
    _case("dist_poisson", _poisson, [((3,),)], prepare=_positive_from(0)),
    _case("dist_geometric", _geometric, [((3,), (3,))], prepare=_unit_probs(1)),
    _case("dist_binomial", _binomial, [((3,), (3,))], prepare=_unit_probs(1)),
    _case("dist_negative_binomial", _negative_binomial, [((3,), (3,))], prepare=_positive_from(0)),
    _case("dist_multinomial", _multinomial, [((2, 4), (2, 4))], prepare=_positive_from(1)),
    _case("kl_poisson", _kl(D.Poisson, 1), [((3,), (3,))], prepare=_positive_from(0, 1)),
    _case("kl_geometric", _kl(lambda probs: D.Geometric(probs), 1), [((3,), (3,))], prepare=_unit_probs(0, 1)),
    _case("kl_binomial", _kl(lambda probs: D.Binomial(4, probs), 1), [((3,), (3,))], prepare=_unit_probs(0, 1)),
    _case("kl_bernoulli_poisson", lambda probs, rate: D.kl_divergence(D.Bernoulli(probs), D.Poisson(rate)),
           [((3,), (3,))], prepare=lambda arrays, rng: [0.15 + 0.7 * rng.random(arrays[0].shape), np.abs(arrays[1]) + 0.5]),
    _case("dist_continuous_bernoulli", _continuous_bernoulli, [((3,), (3,), (2, 3))],
           prepare=_continuous_bernoulli_inputs),
    _case("dist_relaxed", _relaxed, [((), (2, 3), (3,), (2, 3))],
           prepare=lambda arrays, rng: [np.abs(arrays[0]) + 0.3, arrays[1], 0.1 + 0.8 * rng.random(arrays[2].shape),
                                        np.abs(arrays[3]) + 0.5]),
    _case("dist_mixture_same_family", _mixture, [((2, 3), (2, 3), (3,), (4, 2))], prepare=_positive_from(2)),
    _case("rsample_relaxed_continuous_bernoulli", lambda temperature, logits, probs: (
        _rsample(lambda t, l: D.RelaxedBernoulli(t, logits=l))(temperature, logits).sum()
        + _rsample(lambda t, l: D.RelaxedOneHotCategorical(t, logits=l))(temperature, logits).sum()
        + _rsample(D.ContinuousBernoulli)(probs).sum()),
           [((), (3,), (3,))], prepare=lambda arrays, rng: [np.abs(arrays[0]) + 0.3, arrays[1],
                                                            _continuous_bernoulli_inputs(arrays, rng)[1]]),
    _case("kl_continuous_bernoulli", lambda logits, probs, loc, a: (
        D.kl_divergence(D.ContinuousBernoulli(logits=logits), D.ContinuousBernoulli(probs))
        + D.kl_divergence(D.ContinuousBernoulli(probs), D.Normal(loc, a))
        + D.kl_divergence(D.Beta(a, a + 1.0), D.ContinuousBernoulli(logits=logits))),
           [((3,), (3,), (3,), (3,))],
           prepare=lambda arrays, rng: [arrays[0], _continuous_bernoulli_inputs(arrays[:3], rng)[1], arrays[2],
                                        np.abs(arrays[3]) + 0.5]),
    _case("dist_low_rank_mvn", _low_rank, [((2, 3), (3, 2), (3,), (4, 1, 3))], prepare=_positive_from(2),
           layouts=DISTINCT_LAYOUTS),
    _case("kl_low_rank_mvn", _low_rank_kl, [((3,), (3, 2), (3,), (3, 3))], prepare=_positive_from(2),
           layouts=DISTINCT_LAYOUTS),
    _case("rsample_low_rank_mvn", _rsample(D.LowRankMultivariateNormal), [((2, 3), (3, 2), (3,))],
           prepare=_positive_from(2), layouts=DISTINCT_LAYOUTS),
    _case("kl_exponential_family", _bregman, [((3,), (3,))], prepare=_positive_from(0, 1)),
    _case("dist_constraint_registry", _registry_transforms, [((2, 3), (3,), (3,))], prepare=_positive_from(2)),
    _case("dist_lkj_cholesky", lambda eta: D.LKJCholesky(3, eta).log_prob(_like(
        [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.36, 0.48, 0.8]], eta)), [((2,),)], prepare=_positive_from(0)),
    _case("dist_wishart", _wishart, [((2,), (3, 3))],
           prepare=lambda arrays, rng: [np.abs(arrays[0]) + 3.0, arrays[1]], layouts=DISTINCT_LAYOUTS),
    _case("rsample_wishart", _wishart_draw, [((3, 3),)], layouts=DISTINCT_LAYOUTS),
]
