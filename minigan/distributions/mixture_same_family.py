"""``MixtureSameFamily(mixture_distribution, component_distribution)``, as
``torch.distributions.MixtureSameFamily``: K components of one family, batched along the component's
last batch dimension, weighted by a Categorical over K, so

log p(x) = logsumexp_k (log w_k + log p_k(x)),  mean sum_k w_k mu_k,
variance sum_k w_k var_k + sum_k w_k (mu_k - mean)^2,  F(x) = sum_k w_k F_k(x) (scalar events).

A draw picks a component from the Categorical, then takes that component's draw; it has no gradient."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..backends import to_numpy
from ..ops.dims import log_softmax
from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .utils import placed

__all__ = ["MixtureSameFamily"]


class MixtureSameFamily(Distribution):
    """The mixture of ``component_distribution``'s K laws (its last batch dimension) with the weights of
    ``mixture_distribution``, a Categorical over K."""

    arg_constraints: dict[str, constraints.Constraint] = {}
    has_rsample = False

    def __init__(self, mixture_distribution: Categorical, component_distribution: Distribution,
                 validate_args: bool | None = None) -> None:
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(" The Mixture distribution needs to be an  instance of torch.distributions.Categorical")
        if not isinstance(component_distribution, Distribution):
            raise ValueError("The Component distribution needs to be an instance of torch.distributions.Distribution")
        outer, inner = mixture_distribution.batch_shape, component_distribution.batch_shape[:-1]
        if any(a != 1 and b != 1 and a != b for a, b in zip(reversed(outer), reversed(inner))):
            raise ValueError(f"`mixture_distribution.batch_shape` ({outer}) is not compatible with "
                             f"`component_distribution.batch_shape`({inner})")
        k_mixture, k_component = mixture_distribution.logits.shape[-1], component_distribution.batch_shape[-1]
        if k_mixture != k_component:
            raise ValueError(f"`mixture_distribution component` ({k_mixture}) does not equal "
                             f"`component_distribution.batch_shape[-1]` ({k_component})")
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        self._num_component = k_mixture
        self._event_ndims = len(component_distribution.event_shape)
        super().__init__(inner, component_distribution.event_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "MixtureSameFamily":
        shape = tuple(batch_shape)
        return self._expanded(shape, {
            "_mixture_distribution": self._mixture_distribution.expand(shape),
            "_component_distribution": self._component_distribution.expand(shape + (self._num_component,)),
            "_num_component": self._num_component, "_event_ndims": self._event_ndims})

    @constraints.dependent_property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.MixtureSameFamilyConstraint(self._component_distribution.support)

    @property
    def mixture_distribution(self) -> Categorical:
        return self._mixture_distribution

    @property
    def component_distribution(self) -> Distribution:
        return self._component_distribution

    def _pad(self, x: Tensor) -> Tensor:
        """``x`` with a dimension for the components before its event dimensions."""
        return x.unsqueeze(-1 - self._event_ndims)

    def _weights(self) -> Tensor:
        """The mixture weights, with a 1 for each event dimension after the component dimension."""
        probs = self._mixture_distribution.probs
        return probs.reshape(probs.shape + (1,) * self._event_ndims)

    @property
    def mean(self) -> Tensor:
        return (self._weights() * self._component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self) -> Tensor:
        weights, components, axis = self._weights(), self._component_distribution, -1 - self._event_ndims
        within = (weights * components.variance).sum(axis)
        between = (weights * (components.mean - self._pad(self.mean)).square()).sum(axis)
        return within + between

    def cdf(self, value: Tensor) -> Tensor:
        value = self._pad(value)
        return (self._component_distribution.cdf(value) * self._mixture_distribution.probs).sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        scores = self._component_distribution.log_prob(self._pad(value))
        return (scores + log_softmax(self._mixture_distribution.logits, dim=-1)).logsumexp(-1)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        with no_grad():
            picked = to_numpy(self._mixture_distribution.sample(sample_shape).array)
            picked = np.broadcast_to(picked, self._extended_shape(sample_shape)[:picked.ndim - len(
                self._mixture_distribution.batch_shape)] + self._batch_shape)  # sample + batch
            drawn = self._component_distribution.sample(sample_shape)  # sample + batch + (K,) + event
            values = to_numpy(drawn.array)
            index = picked.reshape(picked.shape + (1,) * (1 + self._event_ndims))
            index = np.broadcast_to(index, picked.shape + (1,) + self._event_shape)
            taken = np.take_along_axis(values, index, axis=picked.ndim)
            return placed(np.squeeze(taken, axis=picked.ndim), drawn)

    def __repr__(self) -> str:
        return f"MixtureSameFamily(\n  {self._mixture_distribution!r},\n  {self._component_distribution!r})"
