"""``Bernoulli(probs=p)`` or ``Bernoulli(logits=l)``, as ``torch.distributions.Bernoulli``: 1 with
probability p = sigmoid(l), else 0, so

log p(x) = x log p + (1 - x) log(1 - p) = -BCE_with_logits(l, x),  H = BCE_with_logits(l, p),
computed from the logits, finite for any l. The samples have no reparameterised gradient."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..backends import to_numpy
from ..nn.losses import binary_cross_entropy_with_logits
from ..ops import softplus
from ..torch_api.generators import default_generator
from . import constraints
from .binary import BinarySpelling
from .exponential_family import ExponentialFamily
from .utils import broadcast_all, placed

__all__ = ["Bernoulli"]


class Bernoulli(BinarySpelling, ExponentialFamily):
    """Coin flips, batched: ``probs`` the chance of a 1 (in [0, 1]), or ``logits`` its log-odds."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        self._spell(probs, logits)
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Bernoulli":
        return self._expand_spelling(tuple(batch_shape))

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.logits,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return softplus(x)

    @property
    def _mean_carrier_measure(self) -> float:
        return 0.0

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        """1 where p > 1/2, 0 where p < 1/2, NaN at a tie (no gradient)."""
        p = to_numpy(self.probs.array)
        return placed(np.where(p == 0.5, np.nan, (p > 0.5) * 1.0).astype(p.dtype), self.probs)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1.0 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            p = np.broadcast_to(to_numpy(self.probs.array), shape)
            return placed((default_generator().random(shape) < p).astype(self.probs.dtype), self.probs)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        pair = broadcast_all(self.logits, value)  # log p(x) = -BCE(l, x), from the logits
        return -binary_cross_entropy_with_logits(*pair, reduction="none")

    def entropy(self) -> Tensor:
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The values 0 and 1 along a new first dimension, then the batch shape (broadcast unless ``expand``)."""
        values = placed(np.arange(2, dtype=self._param.dtype), self._param)
        values = values.reshape((2,) + (1,) * len(self._batch_shape))
        return values.expand((2,) + self._batch_shape) if expand else values
