"""What Normal and Laplace share: a real-valued law of x = loc + scale eps, with eps from a fixed standard
law, so ``rsample`` is that sum (differentiable in loc and scale), the mean and the mode are ``loc``, and
``expand`` broadcasts both parameters."""
from __future__ import annotations

import numbers
from typing import Any

from ..autograd import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, draws


class LocationScale(Distribution):
    """A law with parameters ``loc`` (real) and ``scale`` (positive), numbers or Tensors, broadcast;
    a subclass names its standard noise in ``_noise`` (a kind of ``utils.draws``)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
    _noise = ""

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        scalars = isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number)
        super().__init__(() if scalars else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "LocationScale":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"loc": self.loc.expand(shape), "scale": self.scale.expand(shape)})

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        noise = draws(self._noise, self._extended_shape(sample_shape), self.loc)
        return self.loc + self.scale * noise
