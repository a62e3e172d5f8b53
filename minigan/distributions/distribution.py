"""``Distribution``, the base of every distribution, as ``torch.distributions.Distribution``: the batch
and event shapes, parameter validation against ``arg_constraints`` at construction, sample validation
against ``support`` in ``log_prob``/``cdf``, ``sample`` as ``rsample`` without a graph, and ``expand``.

Validation is on by default (PyTorch's default outside ``python -O``); ``validate_args=False`` turns it
off for one distribution, and ``Distribution.set_default_validate_args(False)`` for all, as PyTorch's."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..backends import to_numpy
from . import constraints
from .utils import check_sample_shape, lazy_property

__all__ = ["Distribution"]


class Distribution:
    """A probability law over Tensors of shape ``batch_shape + event_shape``: ``batch_shape`` indexes
    independent, differently parameterised laws, ``event_shape`` is the shape of one draw of one law."""

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn validation on or off for every distribution made without ``validate_args=``."""
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args expects True or False, got {value!r}")
        Distribution._validate_args = bool(value)

    def __init__(self, batch_shape: Any = (), event_shape: Any = (), validate_args: bool | None = None) -> None:
        self._batch_shape = tuple(batch_shape)
        self._event_shape = tuple(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_parameters()

    def _check_parameters(self) -> None:
        for name, constraint in self.arg_constraints.items():
            lazy = isinstance(getattr(type(self), name, None), lazy_property)
            if constraints.is_dependent(constraint) or (lazy and name not in self.__dict__):
                continue  # a region given by other parameters, or a spelling the user did not give
            value = getattr(self, name)
            if not bool(np.all(to_numpy(constraint.check(value).array))):
                raise ValueError(
                    f"Expected parameter {name} ({type(value).__name__} of shape {tuple(value.shape)}) of "
                    f"distribution {self!r} to satisfy the constraint {constraint!r}, but found invalid values:\n{value}")

    # ------------------------------------------------------------------ shapes
    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape over which the parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """The shape of a single sample (without batching)."""
        return self._event_shape

    def _extended_shape(self, sample_shape: Any = ()) -> tuple[int, ...]:
        """``sample_shape + batch_shape + event_shape``: the shape ``sample(sample_shape)`` returns."""
        return check_sample_shape(sample_shape) + self._batch_shape + self._event_shape

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Distribution":
        """The same law with its parameters broadcast to ``batch_shape`` (views; nothing is re-checked)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement expand")

    def _expanded(self, batch_shape: Any, parameters: dict[str, Any], event_shape: Any = None) -> "Distribution":
        """A new instance of this class holding ``parameters`` (already expanded), built without
        ``__init__``, with this one's validation setting: the common tail of every ``expand``."""
        new = object.__new__(type(self))
        new.__dict__.update(parameters)
        Distribution.__init__(new, batch_shape, self._event_shape if event_shape is None else event_shape,
                              validate_args=False)
        new._validate_args = self._validate_args
        return new

    # ------------------------------------------------------------------ what a subclass defines
    @property
    def arg_constraints(self) -> dict[str, constraints.Constraint]:
        """Each parameter's constraint (checked at construction when validation is on)."""
        raise NotImplementedError

    @property
    def support(self) -> constraints.Constraint:
        """The region the samples lie in (checked in log_prob and cdf when validation is on)."""
        raise NotImplementedError

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def stddev(self) -> Tensor:
        """The standard deviation, the square root of the variance."""
        return self.variance.sqrt()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """A draw of shape ``sample_shape + batch_shape + event_shape`` that records no graph."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """A reparameterised draw: a differentiable function of the parameters and of parameter-free noise."""
        raise NotImplementedError(f"{type(self).__name__} does not implement rsample")

    def sample_n(self, n: int) -> Tensor:
        """``sample((n,))`` (PyTorch's older spelling)."""
        return self.sample((n,))

    def log_prob(self, value: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement log_prob")

    def cdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf")

    def entropy(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement enumerate_support")

    def perplexity(self) -> Tensor:
        """exp(entropy)."""
        return self.entropy().exp()

    # ------------------------------------------------------------------ checks of a value
    def _validate_sample(self, value: Any) -> None:
        """Raise ValueError, as PyTorch's, when ``value`` is not a Tensor, does not end in ``event_shape``,
        does not broadcast against ``batch_shape + event_shape``, or lies outside the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        shape, event = tuple(value.shape), self._event_shape
        if shape[len(shape) - len(event):] != event:
            raise ValueError(f"The right-most size of value must match event_shape: {shape} vs {event}.")
        expected = self._batch_shape + event
        if any(a != 1 and b != 1 and a != b for a, b in zip(reversed(shape), reversed(expected))):
            raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {shape} vs {expected}.")
        support = self.support
        if not bool(np.all(to_numpy(support.check(value).array))):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape {shape}) to be within the support "
                f"({support!r}) of the distribution {self!r}, but found invalid values:\n{value}")

    def __repr__(self) -> str:
        shown = []
        for name in self.arg_constraints:
            if name in self.__dict__:
                value = self.__dict__[name]
                shown.append(f"{name}: {value if value.numel() == 1 else tuple(value.shape)}")
        return f"{type(self).__name__}({', '.join(shown)})"
