"""``Categorical(probs=p)`` or ``Categorical(logits=l)``, as ``torch.distributions.Categorical``: the
class index k in 0..K-1 with probability p_k, the last dimension of the parameter holding the K classes.
``probs`` is normalised to sum to 1 and ``logits`` to l - logsumexp(l), as PyTorch's, so

log p(k) = l_k (the normalised logits, read with gather),  H = -sum_k p_k l_k.

Draws use the inverse CDF of ``minigan.multinomial`` with replacement; they have no gradient."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..ops import clamp
from ..torch_api.random_draws import multinomial
from . import constraints
from .binary import one_spelling
from .distribution import Distribution
from .utils import lazy_property, logits_to_probs, placed, probs_to_logits, tensor_parameter

__all__ = ["Categorical"]


class Categorical(Distribution):
    """A class index drawn with the weights ``probs`` (non-negative, not necessarily summing to 1)
    or the unnormalised log-probabilities ``logits``, batched over the leading dimensions."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        one_spelling(probs, logits)
        if probs is not None:
            weights = tensor_parameter("probs", probs, 1, "`probs` parameter must be at least one-dimensional.")
            with np.errstate(divide="ignore", invalid="ignore"):  # weights summing to 0: NaN, refused by validation
                self.__dict__["probs"] = self._param = weights / weights.sum(-1, keepdim=True)
        else:
            raw = tensor_parameter("logits", logits, 1, "`logits` parameter must be at least one-dimensional.")
            self.__dict__["logits"] = self._param = raw - raw.logsumexp(-1, keepdim=True)
        self._num_events = self._param.shape[-1]
        super().__init__(self._param.shape[:-1], validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Categorical":
        shape = tuple(batch_shape)
        full = shape + (self._num_events,)
        kept = {name: self.__dict__[name].expand(full) for name in ("probs", "logits") if name in self.__dict__}
        kept.update(_param=kept.get("probs", kept.get("logits")), _num_events=self._num_events)
        return self._expanded(shape, kept)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._param.shape

    def _undefined(self) -> Tensor:
        return placed(np.full(self._extended_shape(), np.nan, dtype=self._param.dtype), self._param)

    @property
    def mean(self) -> Tensor:
        """Undefined for class labels: NaN, as PyTorch's."""
        return self._undefined()

    @property
    def variance(self) -> Tensor:
        """Undefined for class labels: NaN, as PyTorch's."""
        return self._undefined()

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        count = math.prod(shape[:len(shape) - len(self._batch_shape)])
        if count == 0 or math.prod(self._batch_shape) == 0:
            return placed(np.zeros(shape, dtype=np.int64), self._param)
        rows = self.probs.detach().reshape(-1, self._num_events)
        drawn = multinomial(rows, count, True)  # (rows, count): each row's draws
        return drawn.transpose(0, 1).reshape(shape)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        index = value.long().unsqueeze(-1)
        shape = np.broadcast_shapes(index.shape, self.logits.shape)
        picked = self.logits.expand(shape).gather(-1, index.expand(shape[:-1] + (1,)))
        return picked.squeeze(-1)

    def entropy(self) -> Tensor:
        # A class of probability 0 has logit -inf: 0 * -inf is NaN, so the logits are first raised
        # to the dtype's lowest finite value (its term is then 0 * finite = 0).
        floor = float(np.finfo(self.logits.dtype).min)
        return -(clamp(self.logits, min=floor) * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The classes 0..K-1 along a new first dimension, then the batch shape (broadcast unless ``expand``)."""
        values = placed(np.arange(self._num_events, dtype=np.int64), self._param)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((self._num_events,) + self._batch_shape) if expand else values
