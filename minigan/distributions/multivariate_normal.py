"""``MultivariateNormal(loc, covariance_matrix= | precision_matrix= | scale_tril=)``, as
``torch.distributions.MultivariateNormal``. Everything is computed from L, the lower Cholesky factor of
the covariance (Sigma = L L^T): with z = L^-1 (x - mu), solved by substitution,

log p(x) = -|z|^2 / 2 - sum_i log L_ii - n log(2 pi) / 2,  H = n (1 + log(2 pi)) / 2 + sum_i log L_ii,

and rsample is mu + L eps with eps ~ N(0, I). From a precision matrix P, L comes without inverting
P: with J the reversal, J P J = M M^T (Cholesky), so P = U U^T with U = J M J upper-triangular, and
Sigma = P^-1 = U^-T U^-1, whose lower factor is L = U^-T (its diagonal 1 / U_ii is positive)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..ops import flip, log, matmul
from ..ops.cholesky import cholesky
from ..ops.linalg_compositions import diagonal
from ..ops.triangular import solve_triangular
from . import constraints
from .distribution import Distribution
from .utils import draws, lazy_property, placed, tensor_parameter

__all__ = ["CholeskyMatrices", "MultivariateNormal", "one_matrix", "scale_tril_of"]


def _identity(like: Tensor) -> Tensor:
    return placed(np.eye(like.shape[-1], dtype=like.dtype), like)


def precision_to_scale_tril(P: Tensor) -> Tensor:
    """The lower Cholesky factor of P^-1, from the factor of P's reversal (see the module's note)."""
    upper_factor = flip(cholesky(flip(P, (-2, -1))), (-2, -1))  # U, with P = U U^T
    return solve_triangular(upper_factor, _identity(P), upper=True).transpose(-1, -2)


def one_matrix(covariance_matrix: Any, precision_matrix: Any, scale_tril: Any) -> tuple[str, Tensor]:
    """The name and value of the one matrix given (PyTorch's ValueErrors otherwise)."""
    given = {"covariance_matrix": covariance_matrix, "precision_matrix": precision_matrix, "scale_tril": scale_tril}
    chosen = [name for name, value in given.items() if value is not None]
    if len(chosen) != 1:
        raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
    name = chosen[0]
    return name, tensor_parameter(name, given[name], 2,
                                  f"{name} must be at least two-dimensional, with optional leading batch dimensions")


def scale_tril_of(name: str, matrix: Tensor) -> Tensor:
    """The lower Cholesky factor of the covariance, from the matrix given as ``name``."""
    if name == "scale_tril":
        return matrix
    return cholesky(matrix) if name == "covariance_matrix" else precision_to_scale_tril(matrix)


class CholeskyMatrices:
    """A mixin: ``scale_tril``, ``covariance_matrix`` and ``precision_matrix`` from ``_unbroadcasted_scale_tril``
    (L, S = L L^T), each broadcast by the class's ``_full``."""

    _unbroadcasted_scale_tril: Tensor

    def _full(self, matrix: Tensor) -> Tensor:
        raise NotImplementedError

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._full(self._unbroadcasted_scale_tril)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        L = self._unbroadcasted_scale_tril
        return self._full(matmul(L, L.transpose(-1, -2)))

    @lazy_property
    def precision_matrix(self) -> Tensor:
        L = self._unbroadcasted_scale_tril
        inverse = solve_triangular(L, _identity(L), upper=False)  # L^-1
        return self._full(matmul(inverse.transpose(-1, -2), inverse))


def mahalanobis(L: Tensor, x: Tensor) -> Tensor:
    """|L^-1 x|^2 for each vector of x (batched, broadcasting L's batch shape against x's). The
    batch dimensions of x in front of L's become the columns of one right-hand side, so that each
    L is solved once for all its vectors rather than once per vector."""
    batch = np.broadcast_shapes(x.shape[:-1], L.shape[:-2])
    if x.shape[:-1] != batch:
        x = x.expand(*batch, x.shape[-1])
    leading, trailing = batch[:len(batch) - (L.ndim - 2)], batch[len(batch) - (L.ndim - 2):]
    columns = x.reshape(math.prod(leading), *trailing, x.shape[-1]).movedim(0, -1)  # (*trailing, n, vectors)
    squares = solve_triangular(L, columns, upper=False).square().sum(-2)  # (*trailing, vectors)
    return squares.movedim(-1, 0).reshape(*leading, *trailing)


def half_log_det(L: Tensor) -> Tensor:
    """log det(L L^T) / 2 = sum_i log L_ii."""
    return log(diagonal(L, dim1=-2, dim2=-1)).sum(-1)


class MultivariateNormal(CholeskyMatrices, Distribution):
    """The Gaussian on R^n of mean ``loc`` (..., n) and one of: the covariance (..., n, n), its inverse
    the precision, or the covariance's lower Cholesky factor ``scale_tril``; batches broadcast."""

    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Any, covariance_matrix: Any = None, precision_matrix: Any = None, scale_tril: Any = None,
                 validate_args: bool | None = None) -> None:
        tensor_parameter("loc", loc, 1, "loc must be at least one-dimensional.")
        name, matrix = one_matrix(covariance_matrix, precision_matrix, scale_tril)
        batch_shape = tuple(np.broadcast_shapes(matrix.shape[:-2], loc.shape[:-1]))
        self.__dict__[name] = matrix.expand(batch_shape + matrix.shape[-2:])
        self.loc = loc.expand(batch_shape + loc.shape[-1:])
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        self._unbroadcasted_scale_tril = scale_tril_of(name, matrix)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "MultivariateNormal":
        shape = tuple(batch_shape)
        square = shape + self._event_shape * 2
        kept = {name: self.__dict__[name].expand(square)
                for name in ("covariance_matrix", "precision_matrix", "scale_tril") if name in self.__dict__}
        kept.update(loc=self.loc.expand(shape + self._event_shape),
                    _unbroadcasted_scale_tril=self._unbroadcasted_scale_tril)
        return self._expanded(shape, kept)

    def _full(self, matrix: Tensor) -> Tensor:
        return matrix.expand(self._batch_shape + self._event_shape * 2)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        """The covariance's diagonal: each row of L squared and summed."""
        return self._unbroadcasted_scale_tril.square().sum(-1).expand(self._batch_shape + self._event_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        noise = draws("normal", self._extended_shape(sample_shape), self.loc)
        return self.loc + matmul(self._unbroadcasted_scale_tril, noise.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        n = self._event_shape[0]
        distance = mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * distance - half_log_det(self._unbroadcasted_scale_tril) - 0.5 * n * math.log(2.0 * math.pi)

    def entropy(self) -> Tensor:
        n = self._event_shape[0]
        entropy = half_log_det(self._unbroadcasted_scale_tril) + 0.5 * n * (1.0 + math.log(2.0 * math.pi))
        return entropy.expand(self._batch_shape)
