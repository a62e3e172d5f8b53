"""``Dirichlet(concentration)``, as ``torch.distributions.Dirichlet``: the law on the simplex of K
probabilities with parameters alpha_1..alpha_K > 0 (the last dimension), alpha_0 = sum_k alpha_k:

log p(x) = sum_k (alpha_k - 1) ln x_k + lgamma(alpha_0) - sum_k lgamma(alpha_k),
mean alpha / alpha_0, variance alpha (alpha_0 - alpha) / (alpha_0^2 (alpha_0 + 1)),
mode (alpha - 1) / (alpha_0 - K) where every alpha_k > 1 (clamped at 0 otherwise, and a one-hot where
every alpha_k < 1, as PyTorch's), H = sum_k lgamma(alpha_k) - lgamma(alpha_0) - (K - alpha_0) psi(alpha_0)
- sum_k (alpha_k - 1) psi(alpha_k).

rsample normalises K independent Gamma(alpha_k, 1) draws, each differentiable in its alpha_k by the
implicit gradient of standard_gamma.py, so the draw's gradient is that of the normalisation (PyTorch
differentiates each coordinate's Beta marginal instead: the same law of gradients, other values per draw)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import to_numpy
from ..ops import clamp, digamma, lgamma, where, xlogy
from . import constraints
from .exponential_family import ExponentialFamily
from .standard_gamma import standard_gamma
from .utils import placed, tensor_parameter

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """The Dirichlet law of ``concentration`` (a Tensor of at least one dimension, positive; the last
    dimension indexes the K categories, the others the batch)."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Any, validate_args: bool | None = None) -> None:
        self.concentration = tensor_parameter("concentration", concentration, 1,
                                              "`concentration` parameter must be at least one-dimensional.")
        shape = tuple(self.concentration.shape)
        super().__init__(shape[:-1], shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Dirichlet":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"concentration": self.concentration.expand(shape + self._event_shape)})

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.concentration,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return lgamma(x).sum(-1) - lgamma(x.sum(-1))

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self) -> Tensor:
        excess = clamp(self.concentration - 1.0, min=0.0)
        alpha = to_numpy(self.concentration.detach().array)
        below_one = np.all(alpha < 1.0, axis=-1, keepdims=True)
        total = excess.sum(-1, keepdim=True)
        empty = to_numpy(total.detach().array) == 0.0  # some alpha_k = 1, none above: 0/0, NaN as PyTorch's
        ratio = where(placed(empty & ~below_one, total), math.nan, excess / where(placed(empty, total), 1.0, total))
        corner = np.arange(alpha.shape[-1]) == 0  # PyTorch's argmax of the 0/0 row it makes there
        return where(placed(below_one & corner, ratio), 1.0, where(placed(below_one, ratio), 0.0, ratio))

    @property
    def variance(self) -> Tensor:
        alpha = self.concentration
        total = alpha.sum(-1, keepdim=True)
        return alpha * (total - alpha) / (total.square() * (total + 1.0))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        draws = standard_gamma(self.concentration.expand(shape))
        return clamp(draws / draws.sum(-1, keepdim=True), min=float(np.finfo(draws.dtype).tiny))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        alpha = self.concentration
        return xlogy(alpha - 1.0, value).sum(-1) + lgamma(alpha.sum(-1)) - lgamma(alpha).sum(-1)

    def entropy(self) -> Tensor:
        alpha = self.concentration
        k = alpha.shape[-1]
        total = alpha.sum(-1)
        return (lgamma(alpha).sum(-1) - lgamma(total) - (k - total) * digamma(total)
                - ((alpha - 1.0) * digamma(alpha)).sum(-1))
