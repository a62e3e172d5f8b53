"""The ``kl_divergence`` pairs PyTorch registers for LowRankMultivariateNormal: with itself and with
MultivariateNormal either way round. For Gaussians p and q on R^n,

KL(p || q) = (log det S_q - log det S_p + tr(S_q^-1 S_p) + (mu_q - mu_p)^T S_q^-1 (mu_q - mu_p) - n) / 2,

and tr(S_q^-1 S_p) = tr(F^T S_q^-1 F) for any factor F F^T = S_p: p's scale_tril, or [W, sqrt(D)] for a
low-rank p; S_q^-1 is applied through q's Cholesky factor, or by Woodbury for a low-rank q.
Importing the package registers them."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..ops import cat, sqrt
from ..ops.triangular import solve_triangular
from .kl import register_kl
from .low_rank_multivariate_normal import LowRankMultivariateNormal, capacitance_solve, diag_matrix
from .multivariate_normal import MultivariateNormal, half_log_det, mahalanobis

__all__: list[str] = []

Gaussian = Any  # a MultivariateNormal or a LowRankMultivariateNormal


def _log_det(d: Gaussian) -> Tensor:
    if isinstance(d, LowRankMultivariateNormal):
        return d.log_det()
    return 2.0 * half_log_det(d._unbroadcasted_scale_tril)


def _factor(d: Gaussian) -> Tensor:
    """F with F F^T the covariance."""
    if isinstance(d, LowRankMultivariateNormal):
        return cat([d.cov_factor, diag_matrix(sqrt(d.cov_diag))], -1)
    return d._unbroadcasted_scale_tril


def _quadratic_forms(q: Gaussian, x: Tensor, F: Tensor) -> tuple[Tensor, Tensor]:
    """x^T S_q^-1 x for the vectors x, and tr(F^T S_q^-1 F)."""
    if isinstance(q, LowRankMultivariateNormal):
        W, D, C = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, q._capacitance_tril
        trace = (F.square() / D.unsqueeze(-1)).sum((-2, -1)) - capacitance_solve(W, D, C, F).square().sum((-2, -1))
        return q.mahalanobis(x), trace
    L = q._unbroadcasted_scale_tril
    return mahalanobis(L, x), solve_triangular(L, F, upper=False).square().sum((-2, -1))


def _kl_gaussians(p: Gaussian, q: Gaussian, message: str) -> Tensor:
    if p.event_shape != q.event_shape:
        raise ValueError(message)
    distance, trace = _quadratic_forms(q, q.loc - p.loc, _factor(p))
    return 0.5 * (_log_det(q) - _log_det(p) + trace + distance - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_low_rank_low_rank(p: LowRankMultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    return _kl_gaussians(p, q, "KL-divergence between two Low Rank Multivariate Normals with different event "
                               "shapes cannot be computed")


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_mvn_low_rank(p: MultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    return _kl_gaussians(p, q, "KL-divergence between two (Low Rank) Multivariate Normals with different event "
                               "shapes cannot be computed")


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_low_rank_mvn(p: LowRankMultivariateNormal, q: MultivariateNormal) -> Tensor:
    return _kl_gaussians(p, q, "KL-divergence between two (Low Rank) Multivariate Normals with different event "
                               "shapes cannot be computed")
