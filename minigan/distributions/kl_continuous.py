"""The closed-form KL(p || q) that PyTorch registers for Cauchy, HalfNormal, Gumbel and Pareto, among
themselves and with Normal, Exponential, Gamma, Uniform, Beta and Laplace, registered with ``register_kl``
when the package is imported. Each is -H(p) - E_p[log q(x)], with the expectations written out:

Gumbel q(mu, beta): -log q(x) = log beta + (x - mu) / beta + exp(-(x - mu) / beta), so E_p needs E_p[x] and
the Laplace transform E_p[e^(-x / beta)] (Exp(l): l / (l + 1/beta); Gamma(a, r): (r / (r + 1/beta))^a;
Normal(m, s): e^(-m / beta + s^2 / (2 beta^2)); Uniform(a, b): beta (e^(-a / beta) - e^(-b / beta)) / (b - a)).
Pareto p(s, a): E[log x] = log s + 1/a, E[x] = a s / (a - 1), E[x^2] = a s^2 / (a - 2) (inf past those
bounds). A pair whose p puts mass where q has none (a Pareto's q-support starts at its scale; Beta and
Uniform are bounded; Exponential, Gamma and Pareto stop at 0) is inf, as PyTorch's."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..ops import exp, expm1, lgamma, log, where
from .beta import Beta
from .cauchy import Cauchy
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import Gumbel
from .half import HalfNormal
from .kl import register_kl
from .laplace import Laplace
from .normal import Normal
from .pareto import Pareto
from .uniform import Uniform

__all__: list[str] = []

_EULER = 0.57721566490153286061
_HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)

def _infinite(p: Any, q: Any) -> Tensor:
    shape = tuple(np.broadcast_shapes(p.batch_shape, q.batch_shape))
    return as_tensor(math.inf, like=p.mean).expand(shape)


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p: Cauchy, q: Cauchy) -> Tensor:
    """log(((g_p + g_q)^2 + (x_p - x_q)^2) / (4 g_p g_q))."""
    return log(((p.scale + q.scale).square() + (p.loc - q.loc).square()) / (4.0 * p.scale * q.scale))


@register_kl(HalfNormal, HalfNormal)
def _kl_halfnormal_halfnormal(p: HalfNormal, q: HalfNormal) -> Tensor:
    """(r - 1 - log r) / 2 with r = (s_p / s_q)^2, the divergence of the unfolded normals."""
    ratio = (p.scale / q.scale).square()
    return 0.5 * (ratio - 1.0 - log(ratio))


def _gumbel_cross(q: Gumbel, mean: Tensor, transform: Tensor) -> Tensor:
    """-E_p[log q] for q Gumbel, given E_p[x] and E_p[e^(-x / beta_q)]."""
    return log(q.scale) + (mean - q.loc) / q.scale + exp(q.loc / q.scale) * transform


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p: Gumbel, q: Gumbel) -> Tensor:
    """E_p[e^(-x / b_q)] = e^(-mu_p / b_q) Gamma(1 + b_p / b_q)."""
    ratio = p.scale / q.scale
    transform = exp(lgamma(1.0 + ratio) - p.loc / q.scale)
    return _gumbel_cross(q, p.mean, transform) - p.entropy()


@register_kl(Exponential, Gumbel)
def _kl_exponential_gumbel(p: Exponential, q: Gumbel) -> Tensor:
    return _gumbel_cross(q, p.mean, p.rate / (p.rate + q.scale.reciprocal())) - p.entropy()


@register_kl(Gamma, Gumbel)
def _kl_gamma_gumbel(p: Gamma, q: Gumbel) -> Tensor:
    transform = exp(p.concentration * log(p.rate / (p.rate + q.scale.reciprocal())))
    return _gumbel_cross(q, p.mean, transform) - p.entropy()


@register_kl(Normal, Gumbel)
def _kl_normal_gumbel(p: Normal, q: Gumbel) -> Tensor:
    transform = exp(-p.loc / q.scale + 0.5 * (p.scale / q.scale).square())
    return _gumbel_cross(q, p.mean, transform) - p.entropy()


@register_kl(Uniform, Gumbel)
def _kl_uniform_gumbel(p: Uniform, q: Gumbel) -> Tensor:
    """E_p[e^(-x / b)] = b e^(-a / b) (1 - e^(-(b_p - a) / b)) / (b_p - a), written with expm1."""
    width = p.high - p.low
    transform = -q.scale * exp(-p.low / q.scale) * expm1(-width / q.scale) / width
    return _gumbel_cross(q, p.mean, transform) - p.entropy()


@register_kl(Gumbel, Normal)
def _kl_gumbel_normal(p: Gumbel, q: Normal) -> Tensor:
    """-H(p) + log s + log(2 pi)/2 + (Var_p + (E_p - m)^2) / (2 s^2)."""
    second = p.variance + (p.mean - q.loc).square()
    return log(q.scale) + _HALF_LOG_TWO_PI + 0.5 * second / q.scale.square() - p.entropy()


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p: Pareto, q: Pareto) -> Tensor:
    """log(a_p / a_q) + a_q log(s_p / s_q) + a_q / a_p - 1, inf where s_p < s_q."""
    finite = log(p.alpha / q.alpha) + q.alpha * log(p.scale / q.scale) + q.alpha / p.alpha - 1.0
    return where(p.scale >= q.scale, finite, math.inf)


def _pareto_moment(p: Pareto, power: float) -> tuple[Tensor, Tensor]:
    """(E_p[x^power], where it is finite): a s^power / (a - power) for a > power (power 1 or 2). Where
    a <= power the moment is computed at a = power + 1 instead, so the caller's inf hides a finite value
    and the gradient there stays 0, not 0 * inf."""
    finite = p.alpha > power
    alpha = where(finite, p.alpha, power + 1.0)
    return alpha * p.scale ** power / (alpha - power), finite


@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p: Pareto, q: Exponential) -> Tensor:
    mean, finite = _pareto_moment(p, 1.0)
    return where(finite, q.rate * mean - log(q.rate) - p.entropy(), math.inf)


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p: Pareto, q: Gamma) -> Tensor:
    mean, finite = _pareto_moment(p, 1.0)
    mean_log = log(p.scale) + p.alpha.reciprocal()
    cross = (lgamma(q.concentration) - q.concentration * log(q.rate) - (q.concentration - 1.0) * mean_log
             + q.rate * mean)
    return where(finite, cross - p.entropy(), math.inf)


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p: Pareto, q: Normal) -> Tensor:
    """E_p[(x - m)^2] = E[x^2] - 2 m E[x] + m^2 (inf for a <= 2)."""
    (mean, _), (square, finite) = _pareto_moment(p, 1.0), _pareto_moment(p, 2.0)
    second = square - 2.0 * q.loc * mean + q.loc.square()
    cross = log(q.scale) + _HALF_LOG_TWO_PI + 0.5 * second / q.scale.square()
    return where(finite, cross - p.entropy(), math.inf)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p: Uniform, q: Pareto) -> Tensor:
    """E_p[log x] = (b log b - a log a) / (b - a) - 1 on [a, b]; inf where a < s_q."""
    inside = p.low >= q.scale
    low, high = where(inside, p.low, 1.0), where(inside, p.high, 2.0)  # finite logs where the answer is inf
    mean_log = (high * log(high) - low * log(low)) / (high - low) - 1.0
    cross = -log(q.alpha) - q.alpha * log(q.scale) + (q.alpha + 1.0) * mean_log
    return where(inside, cross - p.entropy(), math.inf)


for _p, _q in ((Beta, Pareto), (Exponential, Pareto), (Gamma, Pareto), (Laplace, Pareto), (Normal, Pareto),
               (Gumbel, Beta), (Gumbel, Exponential), (Gumbel, Gamma), (Gumbel, Pareto), (Gumbel, Uniform),
               (Pareto, Beta), (Pareto, Uniform)):
    register_kl(_p, _q)(_infinite)
