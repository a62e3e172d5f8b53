"""``OneHotCategorical(probs=p)`` or ``(logits=l)``, as ``torch.distributions.OneHotCategorical``: a
``Categorical`` whose draws are one-hot vectors of length K (the event shape is (K,)), so
log p(e_k) = log p_k, mean p, variance p (1 - p), and the entropy is the Categorical's.
``OneHotCategoricalStraightThrough`` adds an rsample with the straight-through gradient."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import to_numpy
from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .utils import placed

__all__ = ["OneHotCategorical", "OneHotCategoricalStraightThrough", "ThroughCategorical"]


def _one_hot(indices: Tensor, classes: int, like: Tensor) -> Tensor:
    """Rows of zeros with a one at each index, in ``like``'s dtype and on its device."""
    eye = np.eye(classes, dtype=like.dtype)
    return placed(eye[to_numpy(indices.array)], like)


class ThroughCategorical:
    """A mixin for a law built on a Categorical ``self._categorical`` (OneHotCategorical, Multinomial):
    its parameters, read from that Categorical."""

    _categorical: Categorical

    @property
    def _param(self) -> Tensor:
        return self._categorical._param

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._categorical.param_shape


class OneHotCategorical(ThroughCategorical, Distribution):
    """One-hot vectors drawn with the class weights ``probs`` or log-weights ``logits``."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits, validate_args=False)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "OneHotCategorical":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"_categorical": self._categorical.expand(shape)})

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        return _one_hot(self.probs.argmax(-1), self._event_shape[0], self.probs)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1.0 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        return _one_hot(self._categorical.sample(sample_shape), self._event_shape[0], self.probs)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self) -> Tensor:
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The K one-hot vectors along a new first dimension, then the batch shape, then K."""
        k = self._event_shape[0]
        values = placed(np.eye(k, dtype=self._param.dtype), self._param)
        values = values.reshape((k,) + (1,) * len(self._batch_shape) + (k,))
        return values.expand((k,) + self._batch_shape + (k,)) if expand else values


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """A OneHotCategorical whose ``rsample`` is the one-hot draw with the gradient of ``probs``
    (the straight-through estimator: the value d + p - stop_gradient(p))."""

    has_rsample = True

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        probs = self.probs
        return self.sample(sample_shape) + (probs - probs.detach())
