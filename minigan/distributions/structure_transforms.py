"""Three transforms of ``torch.distributions.transforms`` that reshape or split the events rather
than change the values:

ReshapeTransform(in_shape, out_shape): the events of shape ``in_shape`` reshaped to ``out_shape``
(the same number of entries); ln|J| = 0 per event.
CatTransform(tseq, dim, lengths): consecutive pieces of ``dim`` (``lengths[i]`` entries each, 1 by
default), the i-th mapped by ``tseq[i]``, joined again; ln|J| the pieces' own, joined along ``dim``
or, where ``dim`` lies inside the events, added.
StackTransform(tseq, dim): the slices of ``dim``, the i-th mapped by ``tseq[i]``, stacked again;
ln|J| the slices' own, stacked."""
from __future__ import annotations

import math
from typing import Any, Sequence

from ..autograd import Tensor
from ..ops import cat, stack
from . import constraints
from .transforms import Transform
from .utils import sum_rightmost

__all__ = ["CatTransform", "ReshapeTransform", "StackTransform"]


class ReshapeTransform(Transform):
    """Events of shape ``in_shape`` as events of shape ``out_shape``."""

    bijective = True

    def __init__(self, in_shape: Sequence[int], out_shape: Sequence[int], cache_size: int = 0) -> None:
        self.in_shape, self.out_shape = tuple(int(n) for n in in_shape), tuple(int(n) for n in out_shape)
        if math.prod(self.in_shape) != math.prod(self.out_shape):
            raise ValueError("in_shape, out_shape have different numbers of elements")
        super().__init__(cache_size=cache_size)

    @property
    def domain(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.independent(constraints.real, len(self.in_shape))

    @property
    def codomain(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.independent(constraints.real, len(self.out_shape))

    def with_cache(self, cache_size: int = 1) -> "ReshapeTransform":
        return self if cache_size == self._cache_size else ReshapeTransform(self.in_shape, self.out_shape, cache_size)

    def _call(self, x: Tensor) -> Tensor:
        batch = tuple(x.shape[:x.ndim - len(self.in_shape)])
        return x.reshape(batch + self.out_shape)

    def _inverse(self, y: Tensor) -> Tensor:
        batch = tuple(y.shape[:y.ndim - len(self.out_shape)])
        return y.reshape(batch + self.in_shape)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return x.new_zeros(tuple(x.shape[:x.ndim - len(self.in_shape)]))

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return _swap_event(tuple(shape), self.in_shape, self.out_shape)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return _swap_event(tuple(shape), self.out_shape, self.in_shape)


def _swap_event(shape: tuple[int, ...], event: tuple[int, ...], new_event: tuple[int, ...]) -> tuple[int, ...]:
    if len(shape) < len(event):
        raise ValueError("Too few dimensions on input")
    cut = len(shape) - len(event)
    if shape[cut:] != event:
        raise ValueError(f"Shape mismatch: expected {shape[cut:]} but got {event}")
    return shape[:cut] + new_event


def _transforms(owner: str, tseq: Any) -> list[Transform]:
    parts = list(tseq)
    if not all(isinstance(t, Transform) for t in parts):
        raise TypeError(f"{owner} expects a list of Transforms")
    return parts


def _check_dim(owner: str, x: Tensor, dim: int, size: int) -> None:
    if not -x.ndim <= dim < x.ndim:
        raise ValueError(f"{owner}: dim {dim} is out of range for a tensor of {x.ndim} dimensions")
    if x.shape[dim] != size:
        raise ValueError(f"{owner}: dim {dim} has {x.shape[dim]} entries, the transforms take {size}")


class CatTransform(Transform):
    """``tseq[i]`` on the i-th piece of ``dim``, ``lengths[i]`` entries long."""

    def __init__(self, tseq: Sequence[Transform], dim: int = 0, lengths: Sequence[int] | None = None,
                 cache_size: int = 0) -> None:
        self.transforms = _transforms("CatTransform", tseq)
        if cache_size:
            self.transforms = [t.with_cache(cache_size) for t in self.transforms]
        super().__init__(cache_size=cache_size)
        self.lengths = [1] * len(self.transforms) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.transforms):
            raise ValueError(f"CatTransform: {len(self.lengths)} lengths for {len(self.transforms)} transforms")
        self.dim = dim

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self) -> int:
        return sum(self.lengths)

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return all(t.bijective for t in self.transforms)

    @property
    def domain(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @property
    def codomain(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)

    def with_cache(self, cache_size: int = 1) -> "CatTransform":
        return self if cache_size == self._cache_size else CatTransform(self.transforms, self.dim, self.lengths,
                                                                       cache_size)

    def _pieces(self, x: Tensor) -> list[Tensor]:
        _check_dim("CatTransform", x, self.dim, self.length)
        starts = [sum(self.lengths[:i]) for i in range(len(self.lengths))]
        return [x.narrow(self.dim, start, length) for start, length in zip(starts, self.lengths)]

    def _call(self, x: Tensor) -> Tensor:
        return cat([t(piece) for t, piece in zip(self.transforms, self._pieces(x))], dim=self.dim)

    def _inverse(self, y: Tensor) -> Tensor:
        return cat([t.inv(piece) for t, piece in zip(self.transforms, self._pieces(y))], dim=self.dim)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        event_dim = self.event_dim
        parts = [sum_rightmost(t.log_abs_det_jacobian(xi, yi), event_dim - t.event_dim)
                 for t, xi, yi in zip(self.transforms, self._pieces(x), self._pieces(y))]
        from_right = (self.dim - x.ndim if self.dim >= 0 else self.dim) + event_dim
        if from_right < 0:  # dim is a batch dimension: the pieces' log |det J| lie side by side along it
            return cat(parts, dim=from_right)
        total = parts[0]  # dim lies inside the events: each event's pieces add up
        for part in parts[1:]:
            total = total + part
        return total

    def __repr__(self) -> str:
        return "CatTransform()"


class StackTransform(Transform):
    """``tseq[i]`` on the i-th slice of ``dim``."""

    def __init__(self, tseq: Sequence[Transform], dim: int = 0, cache_size: int = 0) -> None:
        self.transforms = _transforms("StackTransform", tseq)
        if cache_size:
            self.transforms = [t.with_cache(cache_size) for t in self.transforms]
        super().__init__(cache_size=cache_size)
        self.dim = dim

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return all(t.bijective for t in self.transforms)

    @property
    def domain(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.stack([t.domain for t in self.transforms], self.dim)

    @property
    def codomain(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.stack([t.codomain for t in self.transforms], self.dim)

    def with_cache(self, cache_size: int = 1) -> "StackTransform":
        return self if cache_size == self._cache_size else StackTransform(self.transforms, self.dim, cache_size)

    def _slices(self, x: Tensor) -> list[Tensor]:
        _check_dim("StackTransform", x, self.dim, len(self.transforms))
        return [x.select(self.dim, i) for i in range(len(self.transforms))]

    def _call(self, x: Tensor) -> Tensor:
        return stack([t(piece) for t, piece in zip(self.transforms, self._slices(x))], dim=self.dim)

    def _inverse(self, y: Tensor) -> Tensor:
        return stack([t.inv(piece) for t, piece in zip(self.transforms, self._slices(y))], dim=self.dim)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return stack([t.log_abs_det_jacobian(xi, yi)
                      for t, xi, yi in zip(self.transforms, self._slices(x), self._slices(y))], dim=self.dim)

    def __repr__(self) -> str:
        return "StackTransform()"
