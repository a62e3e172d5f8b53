"""``Beta(concentration1, concentration0)``, as ``torch.distributions.Beta``: the law on [0, 1] of
the first coordinate of a Dirichlet(a, b) draw (a = concentration1, b = concentration0), so

log p(x) = (a - 1) ln x + (b - 1) ln(1 - x) + lgamma(a + b) - lgamma(a) - lgamma(b),
mean a / (a + b), variance a b / ((a + b)^2 (a + b + 1)), mode (a - 1) / (a + b - 2);
log_prob, entropy, mode and rsample are the Dirichlet's on (x, 1 - x), as PyTorch's."""
from __future__ import annotations

import numbers
from typing import Any

from ..autograd import Tensor, tensor
from ..ops import lgamma, stack
from . import constraints
from .dirichlet import Dirichlet
from .exponential_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Beta"]


class Beta(ExponentialFamily):
    """The beta law of ``concentration1`` and ``concentration0`` (numbers or Tensors, broadcast, positive)."""

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any, validate_args: bool | None = None) -> None:
        if isinstance(concentration1, numbers.Number) and isinstance(concentration0, numbers.Number):
            pair = tensor([float(concentration1), float(concentration0)])
        else:
            a, b = broadcast_all(concentration1, concentration0)
            pair = stack([a, b], -1)
        self._dirichlet = Dirichlet(pair, validate_args=validate_args)
        super().__init__(self._dirichlet.batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Beta":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"_dirichlet": self._dirichlet.expand(shape)})

    @property
    def concentration1(self) -> Tensor:
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self) -> Tensor:
        return self._dirichlet.concentration[..., 1]

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.concentration1, self.concentration0)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        return lgamma(x) + lgamma(y) - lgamma(x + y)

    @property
    def mean(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        return a / (a + b)

    @property
    def mode(self) -> Tensor:
        first = self._dirichlet.mode
        return first[..., 0]

    @property
    def variance(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        total = a + b
        return a * b / (total.square() * (total + 1.0))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return self._dirichlet.rsample(sample_shape)[..., 0]

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    def entropy(self) -> Tensor:
        return self._dirichlet.entropy()
