"""``LowRankMultivariateNormal(loc, cov_factor, cov_diag)``, as ``torch.distributions.LowRankMultivariateNormal``:
the Gaussian on R^n of covariance Sigma = W W^T + D, W = ``cov_factor`` (n x m), D = diag(``cov_diag``) > 0,
computed without an n x n factorisation: with the capacitance C C^T = I_m + W^T D^-1 W (Cholesky, m x m),

log det Sigma = 2 sum_i log C_ii + sum_j log D_j,
x^T Sigma^-1 x = sum_j x_j^2 / D_j - |C^-1 W^T D^-1 x|^2   (Woodbury),

so log p(x) = -(n log(2 pi) + log det Sigma + x^T Sigma^-1 x) / 2 with x = value - loc, H = (n (1 + log(2 pi))
+ log det Sigma) / 2, and rsample is loc + W e_m + sqrt(D) e_n with e_m, e_n standard normal draws."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..ops import log, matmul, sqrt
from ..ops.cholesky import cholesky
from ..ops.linalg_compositions import diagonal
from ..ops.triangular import solve_triangular
from . import constraints
from .distribution import Distribution
from .utils import draws, lazy_property, placed, tensor_parameter

__all__ = ["LowRankMultivariateNormal", "capacitance_solve", "capacitance_tril", "diag_matrix", "low_rank_log_det"]


def _identity(n: int, like: Tensor) -> Tensor:
    return placed(np.eye(n, dtype=like.dtype), like)


def diag_matrix(d: Tensor) -> Tensor:
    """diag(d) for each vector of d."""
    return d.unsqueeze(-1) * _identity(d.shape[-1], d)


def capacitance_tril(W: Tensor, D: Tensor) -> Tensor:
    """C, the lower Cholesky factor of I_m + W^T D^-1 W."""
    scaled = W.transpose(-1, -2) / D.unsqueeze(-2)
    return cholesky(matmul(scaled, W) + _identity(W.shape[-1], W))


def capacitance_solve(W: Tensor, D: Tensor, C: Tensor, X: Tensor) -> Tensor:
    """C^-1 W^T D^-1 X for the matrices X (n x k): the Woodbury correction's factor."""
    return solve_triangular(C, matmul(W.transpose(-1, -2) / D.unsqueeze(-2), X), upper=False)


def low_rank_log_det(D: Tensor, C: Tensor) -> Tensor:
    """log det(W W^T + D) = 2 sum log diag(C) + sum log D."""
    return 2.0 * log(diagonal(C, dim1=-2, dim2=-1)).sum(-1) + log(D).sum(-1)


class LowRankMultivariateNormal(Distribution):
    """The Gaussian of mean ``loc`` (..., n) and covariance ``cov_factor`` (..., n, m) times its transpose
    plus the diagonal ``cov_diag`` (..., n); batch shapes broadcast."""

    arg_constraints = {"loc": constraints.real_vector, "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Any, cov_factor: Any, cov_diag: Any, validate_args: bool | None = None) -> None:
        tensor_parameter("loc", loc, 1, "loc must be at least one-dimensional.")
        tensor_parameter("cov_factor", cov_factor, 2,
                         "cov_factor must be at least two-dimensional, with optional leading batch dimensions")
        tensor_parameter("cov_diag", cov_diag, 1, f"cov_diag must be a batch of vectors with shape {loc.shape[-1:]}")
        event_shape = loc.shape[-1:]
        if cov_factor.shape[-2:-1] != event_shape:
            raise ValueError(f"cov_factor must be a batch of matrices with shape {event_shape[0]} x m")
        if cov_diag.shape[-1:] != event_shape:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape}")
        try:
            batch_shape = tuple(np.broadcast_shapes(loc.shape[:-1], cov_factor.shape[:-2], cov_diag.shape[:-1]))
        except ValueError:
            raise ValueError(f"Incompatible batch shapes: loc {loc.shape}, cov_factor {cov_factor.shape}, "
                             f"cov_diag {cov_diag.shape}") from None
        self.loc = loc.expand(batch_shape + event_shape)
        self.cov_factor = cov_factor.expand(batch_shape + cov_factor.shape[-2:])
        self.cov_diag = cov_diag.expand(batch_shape + event_shape)
        self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag = cov_factor, cov_diag
        super().__init__(batch_shape, event_shape, validate_args=validate_args)  # before the factorisation needs D > 0
        self._capacitance_tril = capacitance_tril(cov_factor, cov_diag)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "LowRankMultivariateNormal":
        shape = tuple(batch_shape)
        return self._expanded(shape, {
            "loc": self.loc.expand(shape + self._event_shape), "cov_diag": self.cov_diag.expand(shape + self._event_shape),
            "cov_factor": self.cov_factor.expand(shape + self.cov_factor.shape[-2:]),
            "_unbroadcasted_cov_factor": self._unbroadcasted_cov_factor,
            "_unbroadcasted_cov_diag": self._unbroadcasted_cov_diag, "_capacitance_tril": self._capacitance_tril})

    def _full(self, matrix: Tensor) -> Tensor:
        return matrix.expand(self._batch_shape + self._event_shape * 2)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @lazy_property
    def variance(self) -> Tensor:
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return (W.square().sum(-1) + D).expand(self._batch_shape + self._event_shape)

    @lazy_property
    def scale_tril(self) -> Tensor:
        """sqrt(D) times the Cholesky factor of I + D^-1/2 W W^T D^-1/2 (lower, positive diagonal)."""
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        root = sqrt(D).unsqueeze(-1)
        scaled = W / root
        inner = matmul(scaled, scaled.transpose(-1, -2)) + _identity(self._event_shape[0], W)
        return self._full(root * cholesky(inner))

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        W = self._unbroadcasted_cov_factor
        return self._full(matmul(W, W.transpose(-1, -2)) + diag_matrix(self._unbroadcasted_cov_diag))

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """D^-1 - A^T A with A = C^-1 W^T D^-1 (Woodbury)."""
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        A = capacitance_solve(W, D, self._capacitance_tril, _identity(self._event_shape[0], W))
        return self._full(diag_matrix(1.0 / D) - matmul(A.transpose(-1, -2), A))

    def mahalanobis(self, x: Tensor) -> Tensor:
        """x^T Sigma^-1 x for each vector of x, by Woodbury."""
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        correction = capacitance_solve(W, D, self._capacitance_tril, x.unsqueeze(-1)).squeeze(-1)
        return (x.square() / D).sum(-1) - correction.square().sum(-1)

    def log_det(self) -> Tensor:
        """log det Sigma."""
        return low_rank_log_det(self._unbroadcasted_cov_diag, self._capacitance_tril)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        W = self._unbroadcasted_cov_factor
        low = draws("normal", shape[:-1] + W.shape[-1:], self.loc)
        full = draws("normal", shape, self.loc)
        return self.loc + matmul(W, low.unsqueeze(-1)).squeeze(-1) + sqrt(self._unbroadcasted_cov_diag) * full

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2.0 * math.pi) + self.log_det() + self.mahalanobis(value - self.loc))

    def entropy(self) -> Tensor:
        n = self._event_shape[0]
        return (0.5 * (n * (1.0 + math.log(2.0 * math.pi)) + self.log_det())).expand(self._batch_shape)
