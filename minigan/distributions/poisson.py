"""``Poisson(rate)``, as ``torch.distributions.Poisson``: the count k = 0, 1, 2... with

log p(k) = k log lambda - lambda - lgamma(k + 1),  mean = variance = lambda, mode floor(lambda).

A rate of 0 is allowed (all mass at 0). Draws come from the default Generator; they have no gradient.
An ExponentialFamily (eta = log lambda, A = e^eta); PyTorch has no entropy for it, and neither has minigan."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..backends import to_numpy
from ..ops import exp, floor, lgamma, log, xlogy
from ..torch_api.generators import default_generator
from . import constraints
from .exponential_family import ExponentialFamily
from .utils import broadcast_all, placed

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    """Counts of events at the mean rate ``rate`` (lambda >= 0), a number or Tensor."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(() if isinstance(rate, numbers.Number) else self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Poisson":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"rate": self.rate.expand(shape)})

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (log(self.rate),)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return exp(x)

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return floor(self.rate)

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            rate = np.broadcast_to(to_numpy(self.rate.array), shape)
            return placed(default_generator().poisson(rate).astype(self.rate.dtype), self.rate)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        with np.errstate(divide="ignore"):  # rate 0 scores a count k > 0 as log 0 = -inf
            return xlogy(value, rate) - rate - lgamma(value + 1.0)
