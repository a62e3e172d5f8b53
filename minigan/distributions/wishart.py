"""``Wishart(df, covariance_matrix= | precision_matrix= | scale_tril=)``, as ``torch.distributions.Wishart``:
the law of X = sum_{k=1..nu} x_k x_k^T for nu = ``df`` draws x_k ~ N(0, S) in R^p (nu real, > p - 1), so
with S = L L^T,

log p(X) = -nu (p log 2 / 2 + sum_i log L_ii) - mvlgamma(nu / 2, p) + (nu - p - 1) / 2 log det X - tr(S^-1 X) / 2,
mean nu S, variance nu (S_ij^2 + S_ii S_jj), mode (nu - p - 1) S (NaN where nu <= p + 1),
H = (p + 1)(p log 2 / 2 + sum_i log L_ii) + mvlgamma(nu / 2, p) - (nu - p - 1) / 2 sum_i psi((nu - i) / 2) + nu p / 2.

rsample is Bartlett's: X = (L A)(L A)^T with A lower-triangular, A_ii = sqrt(c_i), c_i ~ Chi2(nu - i)
(i = 0..p-1, differentiable in nu through the gamma draw), and A_ij ~ N(0, 1) below the diagonal.
As an ExponentialFamily its natural parameters are (-S^-1 / 2, (nu - p - 1) / 2)."""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor, tensor
from ..backends import to_numpy
from ..ops import digamma, logdet, matmul, multigammaln, sqrt
from ..ops.linalg_compositions import diagonal
from ..ops.triangular import solve_triangular
from . import constraints
from .exponential_family import ExponentialFamily
from .gamma import Chi2
from .multivariate_normal import CholeskyMatrices, half_log_det, one_matrix, scale_tril_of
from .utils import draws, placed

__all__ = ["Wishart"]


class Wishart(CholeskyMatrices, ExponentialFamily):
    """Random p x p positive-definite matrices of ``df`` degrees of freedom and scale matrix S, given as
    the covariance S, the precision S^-1 or S's lower Cholesky factor ``scale_tril``; batches broadcast."""

    support = constraints.positive_definite
    has_rsample = True

    def __init__(self, df: Any, covariance_matrix: Any = None, precision_matrix: Any = None, scale_tril: Any = None,
                 validate_args: bool | None = None) -> None:
        name, matrix = one_matrix(covariance_matrix, precision_matrix, scale_tril)
        p = matrix.shape[-1]
        if isinstance(df, numbers.Number):
            df = tensor(float(df), dtype=matrix.dtype, device=matrix.device)
        batch_shape = tuple(np.broadcast_shapes(matrix.shape[:-2], df.shape))
        if bool(np.any(to_numpy(df.array) <= p - 1)):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        self.df = df.expand(batch_shape)
        self.__dict__[name] = matrix.expand(batch_shape + (p, p))
        super().__init__(batch_shape, (p, p), validate_args=validate_args)
        self._unbroadcasted_scale_tril = scale_tril_of(name, matrix)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Wishart":
        shape = tuple(batch_shape)
        kept = {name: self.__dict__[name].expand(shape + self._event_shape)
                for name in ("covariance_matrix", "precision_matrix", "scale_tril") if name in self.__dict__}
        kept.update(df=self.df.expand(shape), _unbroadcasted_scale_tril=self._unbroadcasted_scale_tril)
        return self._expanded(shape, kept)

    @property
    def arg_constraints(self) -> dict[str, constraints.Constraint]:  # type: ignore[override]
        """df must exceed p - 1, so its constraint depends on the event shape."""
        return {"covariance_matrix": constraints.positive_definite, "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky, "df": constraints.greater_than(self._event_shape[-1] - 1)}

    def _full(self, matrix: Tensor) -> Tensor:
        return matrix.expand(self._batch_shape + self._event_shape)

    def _identity(self) -> Tensor:
        return placed(np.eye(self._event_shape[0], dtype=self.df.dtype), self.df)

    def _df(self) -> Tensor:
        """nu with two trailing unit dimensions, to scale matrices."""
        return self.df.unsqueeze(-1).unsqueeze(-1)

    @property
    def mean(self) -> Tensor:
        return self._df() * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        factor = self._df() - self._event_shape[0] - 1.0
        nan = placed(np.where(to_numpy(factor.array) <= 0, np.nan, 1.0).astype(factor.dtype), factor)
        return factor * nan * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        S = self.covariance_matrix
        d = diagonal(S, dim1=-2, dim2=-1)
        return self._df() * (S.square() + d.unsqueeze(-1) * d.unsqueeze(-2))

    def rsample(self, sample_shape: Any = (), max_try_correction: Any = None) -> Tensor:
        shape = self._extended_shape(sample_shape)
        p = self._event_shape[0]
        degrees = self.df.unsqueeze(-1) - placed(np.arange(float(p)), self.df)  # nu - i, i = 0..p-1
        c = Chi2(degrees.expand(shape[:-1]), validate_args=False).rsample()
        tiny = float(np.finfo(c.dtype).eps)
        root = sqrt(c.clamp(min=tiny))
        below = placed(np.tril(to_numpy(draws("normal", shape, self.df).array), -1), self.df)
        factor = matmul(self._unbroadcasted_scale_tril, root.unsqueeze(-1) * self._identity() + below)
        return matmul(factor, factor.transpose(-1, -2))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        nu, p, L = self.df, self._event_shape[0], self._unbroadcasted_scale_tril
        half_inverse = solve_triangular(L, value, upper=False)  # L^-1 X
        trace = diagonal(solve_triangular(L, half_inverse.transpose(-1, -2), upper=False), dim1=-2, dim2=-1).sum(-1)
        return (-nu * (0.5 * p * math.log(2.0) + half_log_det(L)) - multigammaln(0.5 * nu, p)
                + 0.5 * (nu - p - 1.0) * logdet(value) - 0.5 * trace)

    def entropy(self) -> Tensor:
        nu, p = self.df, self._event_shape[0]
        halves = 0.5 * (nu.unsqueeze(-1) - placed(np.arange(float(p)), nu))
        return ((p + 1.0) * (0.5 * p * math.log(2.0) + half_log_det(self._unbroadcasted_scale_tril))
                + multigammaln(0.5 * nu, p) - 0.5 * (nu - p - 1.0) * digamma(halves).sum(-1) + 0.5 * nu * p)

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (-0.5 * self.precision_matrix, 0.5 * (self.df - self._event_shape[0] - 1.0))

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        """A = (y + (p + 1) / 2)(p log 2 - log det(-2 x)) + mvlgamma(y + (p + 1) / 2, p)."""
        p = self._event_shape[0]
        half_df = y + 0.5 * (p + 1)
        return half_df * (p * math.log(2.0) - logdet(-2.0 * x)) + multigammaln(half_df, p)

    @property
    def _mean_carrier_measure(self) -> float:
        return 0.0
