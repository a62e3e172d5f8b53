"""``LKJCholesky(dim, concentration=1.0)``, as ``torch.distributions.LKJCholesky``: the law of L, the
lower Cholesky factor of a dim x dim correlation matrix R = L L^T drawn from the LKJ law of density
proportional to det(R)^(eta - 1) (Lewandowski, Kurowicka and Joe, 2009). In terms of L's diagonal,

log p(L) = sum_{i=2..d} (2 (eta - 1) + d - i) log L_ii - log Z,
log Z = (d - 1) log(pi) / 2 + mvlgamma(eta + (d - 1) / 2 - 1/2, d - 1) - (d - 1) lgamma(eta + (d - 1) / 2).

Draws use the onion method: row i of L is sqrt(y_i) times a uniform direction in its first i entries,
y_i ~ Beta(i / 2, eta + (d - 2) / 2 - (i - 1) / 2), and the diagonal entry that makes the row's length 1,
so every correlation has the LKJ marginal; PyTorch 2.14.1 draws y_i ~ Beta(i - 1/2, ...), whose
correlations past the second row come out wider than log_prob's law. Draws have no gradient (PyTorch
has no rsample for this law)."""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..backends import to_numpy
from ..ops import lgamma, log, multigammaln
from ..ops.linalg_compositions import diagonal
from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import broadcast_all, draws, placed

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """Cholesky factors of dim x dim correlation matrices, ``concentration`` eta > 0 (1: uniform over
    correlation matrices; larger: nearer the identity)."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Any = 1.0, validate_args: bool | None = None) -> None:
        if not isinstance(dim, numbers.Integral) or dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = int(dim)
        (self.concentration,) = broadcast_all(concentration)
        super().__init__(self.concentration.shape, (self.dim, self.dim), validate_args=validate_args)
        offset = np.concatenate([[0.0], np.arange(self.dim - 1.0)])
        # Row i's squared length off the diagonal is Beta(i / 2, ...); PyTorch 2.14.1 takes i - 1/2 there,
        # so its rows past the second are drawn too long for the law its log_prob scores.
        first = placed(0.5 * offset + 0.5, self.concentration)
        second = (self.concentration + 0.5 * (self.dim - 2)).unsqueeze(-1) - placed(0.5 * offset, self.concentration)
        self._beta = Beta(first, second, validate_args=False)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "LKJCholesky":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"dim": self.dim, "concentration": self.concentration.expand(shape),
                                      "_beta": self._beta.expand(shape + (self.dim,))})

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            y = to_numpy(self._beta.sample(sample_shape).array)[..., None]  # sample + batch + (dim, 1)
            directions = np.tril(to_numpy(draws("normal", shape, self.concentration).array), -1)
            norms = np.linalg.norm(directions, axis=-1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):  # row 0 is all zeros: 0 / 0, set to 0 next
                directions = directions / norms
            directions[..., 0, :] = 0.0
            w = np.sqrt(y) * directions
            tiny = np.finfo(w.dtype).tiny
            diagonal_entries = np.sqrt(np.maximum(1.0 - (w * w).sum(-1), tiny))
            w = w + diagonal_entries[..., None] * np.eye(self.dim, dtype=w.dtype)
            return placed(w, self.concentration)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        d, eta = self.dim, self.concentration
        entries = diagonal(value, dim1=-2, dim2=-1)[..., 1:]
        order = placed(np.arange(2.0, d + 1.0), eta)
        powers = 2.0 * (eta - 1.0).unsqueeze(-1) + d - order
        unnormalised = (powers * log(entries)).sum(-1)
        alpha = eta + 0.5 * (d - 1)
        normaliser = 0.5 * (d - 1) * math.log(math.pi) + multigammaln(alpha - 0.5, d - 1) - (d - 1) * lgamma(alpha)
        return unnormalised - normaliser
