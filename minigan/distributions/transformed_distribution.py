"""``TransformedDistribution(base, transforms)``, as ``torch.distributions.TransformedDistribution``:
the law of y = f_n(...f_1(x)) for x drawn from ``base``, so

log p_Y(y) = log p_X(x) - sum_i ln|det J_i(x_i)|, x = f^-1(y) (each Jacobian at its own input),
F_Y(y) = F_X(f^-1(y)) for an increasing f (1 - F_X for a decreasing one), and F_Y^-1 likewise;
sample and rsample are the base's draws pushed through the transforms (rsample keeps the graph)."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from . import constraints
from .distribution import Distribution
from .independent import Independent
from .transforms import ComposeTransform, Transform
from .utils import sum_rightmost

__all__ = ["TransformedDistribution"]


class TransformedDistribution(Distribution):
    """``base_distribution`` pushed through ``transforms`` (one Transform or a list, applied in order)."""

    arg_constraints: dict[str, constraints.Constraint] = {}

    def __init__(self, base_distribution: Distribution, transforms: Any, validate_args: bool | None = None) -> None:
        if isinstance(transforms, Transform):
            transforms = [transforms]
        elif not (isinstance(transforms, list) and all(isinstance(t, Transform) for t in transforms)):
            raise ValueError(f"transforms must be a Transform or list, but was {transforms}")
        self.transforms = list(transforms)
        chain = ComposeTransform(self.transforms)
        full = tuple(base_distribution.batch_shape) + tuple(base_distribution.event_shape)
        events = chain.domain.event_dim
        if len(full) < events:
            raise ValueError(f"base_distribution needs to have shape with size at least {events}, but got {full}.")
        widened = chain.forward_shape(full)
        needed = tuple(chain.inverse_shape(widened))  # the base shape the transforms' broadcasting asks for
        if needed != full:
            base_distribution = base_distribution.expand(needed[:len(needed) - len(base_distribution.event_shape)])
        extra = events - len(base_distribution.event_shape)
        self.base_dist = Independent(base_distribution, extra) if extra > 0 else base_distribution
        event_dim = max(chain.codomain.event_dim, len(self.base_dist.event_shape))
        cut = len(widened) - event_dim
        super().__init__(widened[:cut], widened[cut:], validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "TransformedDistribution":
        shape = tuple(batch_shape)
        base_shape = shape + self.event_shape
        base = self.base_dist.expand(base_shape[:len(base_shape) - len(self.base_dist.event_shape)])
        return self._expanded(shape, {"base_dist": base, "transforms": self.transforms})

    @property
    def has_rsample(self) -> bool:  # type: ignore[override]
        return self.base_dist.has_rsample

    @constraints.dependent_property(is_discrete=False)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        if not self.transforms:
            return self.base_dist.support
        codomain = self.transforms[-1].codomain
        extra = len(self.event_shape) - codomain.event_dim
        return constraints.independent(codomain, extra) if extra > 0 else codomain

    def _forward(self, x: Tensor) -> Tensor:
        for transform in self.transforms:
            x = transform(x)
        return x

    def sample(self, sample_shape: Any = ()) -> Tensor:
        return self._forward(self.base_dist.sample(sample_shape))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return self._forward(self.base_dist.rsample(sample_shape))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        events, y, total = len(self.event_shape), value, None
        for transform in reversed(self.transforms):
            x = transform.inv(y)
            events += transform.domain.event_dim - transform.codomain.event_dim
            term = sum_rightmost(transform.log_abs_det_jacobian(x, y), events - transform.domain.event_dim)
            total = -term if total is None else total - term
            y = x
        base = sum_rightmost(self.base_dist.log_prob(y), events - len(self.base_dist.event_shape))
        return base if total is None else base + total

    def _monotonize(self, value: Tensor) -> Tensor:
        """``value`` where the transforms increase, 1 - ``value`` where they decrease (the sign may be
        a Tensor, one per entry, as a Tensor scale or exponent gives)."""
        sign: Any = 1
        for transform in self.transforms:
            sign = sign * transform.sign
        if isinstance(sign, int) and sign == 1:
            return value
        return sign * (value - 0.5) + 0.5

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        for transform in reversed(self.transforms):
            value = transform.inv(value)
        if self._validate_args:
            self.base_dist._validate_sample(value)
        return self._monotonize(self.base_dist.cdf(value))

    def icdf(self, value: Tensor) -> Tensor:
        return self._forward(self.base_dist.icdf(self._monotonize(value)))
