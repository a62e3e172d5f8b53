"""Bijections y = f(x) for TransformedDistribution, as ``torch.distributions.transforms``: each has
``__call__`` (f), ``inv`` (the inverse transform, f^-1 as a Transform), ``log_abs_det_jacobian(x, y)``
(ln |det df/dx|, summed over the event dimensions), ``domain``, ``codomain``, ``bijective``, ``sign``
and ``event_dim``, all written in Tensor ops so gradients and second derivatives come from the ops.

ExpTransform: y = e^x, ln|J| = x.  AffineTransform(loc, scale): y = loc + scale x, ln|J| = ln|scale|.
SigmoidTransform: y = 1 / (1 + e^-x), ln|J| = -softplus(-x) - softplus(x).
TanhTransform: y = tanh x, ln|J| = 2 (ln 2 - x - softplus(-2x)) (= ln(1 - tanh^2 x) without cancelling).
ComposeTransform([f1, f2, ...]): y = ...f2(f1(x)), ln|J| the sum of the parts' at their own inputs.

``cache_size=1`` keeps the last (x, y) pair, so inverting a y the transform made returns its x exactly
(a saturated tanh or sigmoid cannot be inverted otherwise), as PyTorch's. AbsTransform, PowerTransform
(elementwise_transforms.py) and StickBreakingTransform (stick_breaking.py) are reached here too."""
from __future__ import annotations

import importlib
import math
import numbers
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor
from ..ops import abs, atanh, clamp, exp, log, log1p, sigmoid, softplus, tanh
from . import constraints
from .utils import broadcast_all, sum_rightmost

__all__ = ["AffineTransform", "ComposeTransform", "ExpTransform", "SigmoidTransform", "TanhTransform", "Transform",
           "identity_transform"]


class Transform:
    """An invertible map with a computable log |det Jacobian|; a subclass defines ``_call``,
    ``_inverse`` and ``log_abs_det_jacobian``, and its ``domain``, ``codomain`` and ``sign``."""

    bijective = False
    domain: constraints.Constraint = constraints.real
    codomain: constraints.Constraint = constraints.real

    def __init__(self, cache_size: int = 0) -> None:
        if cache_size not in (0, 1):
            raise ValueError("cache_size must be 0 or 1")
        self._cache_size = cache_size
        self._cached: tuple[Any, Any] = (None, None)
        self._inverse_transform: Transform | None = None

    @property
    def event_dim(self) -> int:
        inner, outer = self.domain.event_dim, self.codomain.event_dim
        if inner == outer:
            return inner
        raise ValueError("Please use either .domain.event_dim or .codomain.event_dim")

    @property
    def sign(self) -> Any:
        """+1 where the map increases, -1 where it decreases (bijections of real numbers only)."""
        raise NotImplementedError(f"{type(self).__name__} has no sign")

    @property
    def inv(self) -> "Transform":
        """The inverse map as a Transform (``t.inv.inv is t``)."""
        if self._inverse_transform is None:
            self._inverse_transform = _InverseTransform(self)
        return self._inverse_transform

    def with_cache(self, cache_size: int = 1) -> "Transform":
        """This transform with a cache of ``cache_size`` (0 or 1): itself when it has that cache, else
        a new one where the class takes no other argument (a class that does defines its own)."""
        if cache_size == self._cache_size:
            return self
        if type(self).__init__ is Transform.__init__:
            return type(self)(cache_size=cache_size)
        raise NotImplementedError(f"{type(self).__name__}.with_cache is not implemented")

    def __call__(self, x: Tensor) -> Tensor:
        if self._cache_size == 0:
            return self._call(x)
        if x is self._cached[0]:
            return self._cached[1]
        y = self._call(x)
        self._cached = (x, y)
        return y

    def _inv_call(self, y: Tensor) -> Tensor:
        if self._cache_size == 0:
            return self._inverse(y)
        if y is self._cached[1]:
            return self._cached[0]
        x = self._inverse(y)
        self._cached = (x, y)
        return x

    def _call(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def _inverse(self, y: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no inverse")

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        raise NotImplementedError

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return tuple(shape)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return tuple(shape)

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return type(self).__name__ + "()"


class _InverseTransform(Transform):
    """f^-1 of a Transform f, its domain f's codomain; ln|J| of f^-1 at (y, x) is -ln|J| of f at (x, y)."""

    def __init__(self, transform: Transform) -> None:
        super().__init__(cache_size=transform._cache_size)
        self._inverse_transform = transform

    @property
    def domain(self) -> constraints.Constraint:  # type: ignore[override]
        return self._inverse_transform.codomain

    @property
    def codomain(self) -> constraints.Constraint:  # type: ignore[override]
        return self._inverse_transform.domain

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return self._inverse_transform.bijective

    @property
    def sign(self) -> Any:
        return self._inverse_transform.sign

    @property
    def inv(self) -> Transform:
        return self._inverse_transform  # type: ignore[return-value]

    def __call__(self, x: Tensor) -> Tensor:
        return self._inverse_transform._inv_call(x)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return -self._inverse_transform.log_abs_det_jacobian(y, x)

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return self._inverse_transform.inverse_shape(shape)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return self._inverse_transform.forward_shape(shape)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _InverseTransform) and self._inverse_transform == other._inverse_transform

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"_InverseTransform({self._inverse_transform!r})"


class _Elementwise(Transform):
    """A parameter-free increasing bijection applied entry by entry: two are equal when of one class."""

    bijective = True
    sign = 1

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


class ExpTransform(_Elementwise):
    """y = exp(x), from the reals onto the positive numbers;  ln|dy/dx| = x."""

    codomain = constraints.positive

    def _call(self, x: Tensor) -> Tensor:
        return exp(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return log(y)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return x


class SigmoidTransform(_Elementwise):
    """y = sigmoid(x), kept inside [tiny, 1 - eps] of x's dtype (as PyTorch's) so its inverse
    logit(y) = ln y - ln(1 - y) is finite;  ln|dy/dx| = ln y + ln(1 - y) = -softplus(-x) - softplus(x)."""

    codomain = constraints.unit_interval

    def _call(self, x: Tensor) -> Tensor:
        info = np.finfo(x.dtype)
        return clamp(sigmoid(x), min=float(info.tiny), max=1.0 - float(info.eps))

    def _inverse(self, y: Tensor) -> Tensor:
        info = np.finfo(y.dtype)
        kept = clamp(y, min=float(info.tiny), max=1.0 - float(info.eps))
        return log(kept) - log1p(-kept)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return -(softplus(-x) + softplus(x))


class TanhTransform(_Elementwise):
    """y = tanh(x), from the reals onto (-1, 1);  inverse atanh(y);
    ln|dy/dx| = ln(1 - tanh^2 x) = 2 (ln 2 - x - softplus(-2 x)), which stays finite for large |x|."""

    codomain = constraints.interval(-1.0, 1.0)

    def _call(self, x: Tensor) -> Tensor:
        return tanh(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return atanh(y)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return (math.log(4.0) - 2.0 * x) - 2.0 * softplus(-2.0 * x)


class AffineTransform(Transform):
    """y = loc + scale x (loc, scale numbers or Tensors; ``event_dim`` rightmost dimensions make one
    event, over which ln|J| = sum ln|scale| is summed)."""

    bijective = True

    def __init__(self, loc: Any, scale: Any, event_dim: int = 0, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        if not all(isinstance(v, (Tensor, numbers.Number)) for v in (loc, scale)):
            raise TypeError("AffineTransform expects loc and scale to be numbers or Tensors")
        self.loc, self.scale = loc, scale
        self._event_dim = int(event_dim)

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self._event_dim

    @property
    def domain(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.real if self._event_dim == 0 else constraints.independent(constraints.real, self._event_dim)

    codomain = domain

    @property
    def sign(self) -> Any:
        if isinstance(self.scale, numbers.Number):
            return 1 if self.scale > 0 else -1 if self.scale < 0 else 0
        return self.scale.sign()

    def _call(self, x: Tensor) -> Tensor:
        return self.scale * x + self.loc

    def _inverse(self, y: Tensor) -> Tensor:
        shifted = y - self.loc
        return shifted / self.scale

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        if isinstance(self.scale, numbers.Number):
            per_entry = x * 0.0 + math.log(math.fabs(self.scale))
        else:
            per_entry = broadcast_all(log(abs(self.scale)), x)[0]
        return sum_rightmost(per_entry, self._event_dim)

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return tuple(np.broadcast_shapes(tuple(shape), *(tuple(v.shape) for v in (self.loc, self.scale)
                                                           if isinstance(v, Tensor))))

    inverse_shape = forward_shape

    def __eq__(self, other: object) -> bool:
        pairs = ((self.loc, other.loc), (self.scale, other.scale)) if isinstance(other, AffineTransform) else None
        return pairs is not None and all(_same(a, b) for a, b in pairs) and self._event_dim == other._event_dim

    def __hash__(self) -> int:
        return id(self)


def _same(a: Any, b: Any) -> bool:
    """Whether two numbers or Tensors hold the same values everywhere."""
    as_array = [np.asarray(v.detach().numpy()) if isinstance(v, Tensor) else np.asarray(v) for v in (a, b)]
    return bool(np.array_equal(*np.broadcast_arrays(*as_array)))


class ComposeTransform(Transform):
    """``parts[-1](...parts[1](parts[0](x)))``; the empty composition is the identity. Its event
    dimensions are the most any part has; each part's ln|J| is summed over the extra ones."""

    def __init__(self, parts: Sequence[Transform], cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        if not all(isinstance(part, Transform) for part in parts):
            raise TypeError("ComposeTransform expects a list of Transforms")
        self.parts = list(parts)

    @property
    def _events(self) -> int:
        return max((part.domain.event_dim for part in self.parts), default=0)

    @property
    def domain(self) -> constraints.Constraint:  # type: ignore[override]
        return self._widened(self.parts[0].domain if self.parts else constraints.real)

    @property
    def codomain(self) -> constraints.Constraint:  # type: ignore[override]
        return self._widened(self.parts[-1].codomain if self.parts else constraints.real)

    def _widened(self, constraint: constraints.Constraint) -> constraints.Constraint:
        extra = self._events - constraint.event_dim
        return constraints.independent(constraint, extra) if extra > 0 else constraint

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return all(part.bijective for part in self.parts)

    @property
    def sign(self) -> Any:
        total = 1
        for part in self.parts:
            total = total * part.sign
        return total

    @property
    def inv(self) -> Transform:
        if self._inverse_transform is None:
            inverse = ComposeTransform([part.inv for part in reversed(self.parts)])
            inverse._inverse_transform = self
            self._inverse_transform = inverse
        return self._inverse_transform

    def _call(self, x: Tensor) -> Tensor:
        for part in self.parts:
            x = part(x)
        return x

    def _inverse(self, y: Tensor) -> Tensor:
        for part in reversed(self.parts):
            y = part.inv(y)
        return y

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        if not self.parts:
            return x * 0.0
        total, events = None, self._events
        for index, part in enumerate(self.parts):
            out = y if index == len(self.parts) - 1 else part(x)
            term = sum_rightmost(part.log_abs_det_jacobian(x, out), events - part.domain.event_dim)
            total = term if total is None else total + term
            x = out
        return total

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        for part in self.parts:
            shape = tuple(part.forward_shape(shape))
        return shape

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        for index in range(len(self.parts) - 1, -1, -1):
            shape = self.parts[index].inverse_shape(shape)
        return tuple(shape)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ComposeTransform) and self.parts == other.parts

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        inner = ",\n    ".join(repr(part) for part in self.parts)
        return f"ComposeTransform(\n    {inner}\n)"


identity_transform = ComposeTransform([])  # y = x, the empty composition, as PyTorch's

_ELSEWHERE = {"AbsTransform": "elementwise_transforms", "PowerTransform": "elementwise_transforms",
              "SoftplusTransform": "elementwise_transforms", "CumulativeDistributionTransform": "elementwise_transforms",
              "StickBreakingTransform": "stick_breaking", "IndependentTransform": "vector_transforms",
              "SoftmaxTransform": "vector_transforms", "ReshapeTransform": "structure_transforms",
              "CatTransform": "structure_transforms", "StackTransform": "structure_transforms",
              "LowerCholeskyTransform": "matrix_transforms", "PositiveDefiniteTransform": "matrix_transforms",
              "CorrCholeskyTransform": "matrix_transforms"}


def __getattr__(name: str) -> Any:
    """The transforms kept in files of their own (they build on this file's Transform), also reached by
    PyTorch's path ``torch.distributions.transforms.<name>``; imported when first asked for."""
    if name not in _ELSEWHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__package__}.{_ELSEWHERE[name]}"), name)
