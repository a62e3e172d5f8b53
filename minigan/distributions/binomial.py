"""``Binomial(total_count=n, probs=p)`` or ``(logits=l)``, as ``torch.distributions.Binomial``: the
number of successes k in n coin flips that each succeed with probability p = sigmoid(l), so

log p(k) = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k l - n softplus(l),
mean n p, variance n p (1 - p), mode min(floor((n + 1) p), n),

read from the logits so it stays finite at p = 0 and p = 1 (whose logits are clamped, as PyTorch's).
The entropy and ``enumerate_support`` sum over 0..n and need one n for the whole batch."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..backends import to_numpy
from ..ops import exp, floor, lgamma, minimum, softplus
from ..torch_api.generators import default_generator
from . import constraints
from .binary import BinarySpelling
from .distribution import Distribution
from .utils import placed

__all__ = ["Binomial"]


class Binomial(BinarySpelling, Distribution):
    """Successes among ``total_count`` flips (a non-negative integer, number or Tensor) of chance
    ``probs`` or log-odds ``logits``, all broadcast together."""

    arg_constraints = {"total_count": constraints.nonnegative_integer, "probs": constraints.unit_interval,
                       "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count: Any = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        (count,) = self._spell(probs, logits, total_count)
        self.total_count = count.to(self._param.dtype)
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Binomial":
        return self._expand_spelling(tuple(batch_shape), total_count=self.total_count)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.probs

    @property
    def mode(self) -> Tensor:
        return minimum(floor((self.total_count + 1.0) * self.probs), self.total_count)

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1.0 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            n = np.broadcast_to(to_numpy(self.total_count.array), shape).astype(np.int64)
            p = np.broadcast_to(to_numpy(self.probs.array), shape)
            return placed(default_generator().binomial(n, p).astype(p.dtype), self.probs)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        return (lgamma(n + 1.0) - lgamma(value + 1.0) - lgamma(n - value + 1.0)
                + value * logits - n * softplus(logits))

    def _homogeneous_count(self, what: str) -> int:
        """The one n of the batch; NotImplementedError (PyTorch's) when the counts differ."""
        counts = to_numpy(self.total_count.array)
        top = int(counts.max()) if counts.size else 0
        if counts.size and not counts.min() == top:
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{what}`.")
        return top

    def entropy(self) -> Tensor:
        self._homogeneous_count("entropy")
        log_pmf = self.log_prob(self.enumerate_support(False))
        return -(exp(log_pmf) * log_pmf).sum(0)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """0..n along a new first dimension, then the batch shape (broadcast unless ``expand``)."""
        top = self._homogeneous_count("enumerate_support")
        values = placed(np.arange(top + 1, dtype=self._param.dtype), self._param)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((top + 1,) + self._batch_shape) if expand else values
