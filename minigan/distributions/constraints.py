"""The regions a parameter or a sample must lie in, as ``torch.distributions.constraints``: each
constraint's ``check(value)`` answers, per event, whether ``value`` is inside (a bool Tensor of the
value's shape less ``event_dim`` dimensions). Checks read the values on the host; they record nothing.

The names are PyTorch's: ``real``, ``positive``, ``unit_interval``, ``simplex``, ``boolean``,
``one_hot``, ``lower_cholesky``, ``positive_definite``, ``interval(lo, hi)``, ``independent(c, n)``..."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import to_numpy
from ..ops.cholesky import failing_minors

__all__ = [
    "Constraint", "MixtureSameFamilyConstraint", "boolean", "cat", "corr_cholesky", "dependent", "dependent_property", "greater_than", "greater_than_eq",
    "independent",
    "integer_interval", "interval", "half_open_interval", "is_dependent", "less_than", "lower_cholesky",
    "lower_triangular", "multinomial", "nonnegative", "nonnegative_integer", "one_hot", "positive", "positive_definite",
    "positive_integer", "positive_semidefinite", "real", "real_vector", "simplex", "square", "stack", "symmetric",
    "unit_interval",
]


def _host(value: Any) -> np.ndarray:
    """The values of a Tensor, array or number as a NumPy array."""
    return np.asarray(to_numpy(value.array) if isinstance(value, Tensor) else value)


def _answer(ok: Any) -> Tensor:
    return Tensor._make(np.asarray(ok, dtype=bool), False, None)


class Constraint:
    """A region of values. ``is_discrete``: whether it is a set of separate points; ``event_dim``: how
    many rightmost dimensions make one event (``check`` reduces over them)."""

    is_discrete = False
    event_dim = 0

    def check(self, value: Any) -> Tensor:
        with np.errstate(all="ignore"):  # inf and NaN are values to judge, not faults
            return _answer(self._inside(_host(value)))

    def _inside(self, v: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return type(self).__name__.lstrip("_") + "()"


class _Dependent(Constraint):
    """A placeholder for a region that depends on other parameters: it cannot be checked. What is known
    of it without a distribution (``is_discrete``, ``event_dim``) may be given; the rest raises."""

    def __init__(self, **known: Any) -> None:
        self._known = {name: value for name, value in known.items() if value is not NotImplemented}

    def _fact(self, name: str) -> Any:
        if name not in self._known:
            raise NotImplementedError(f"the {name} of a dependent constraint is known only from its distribution")
        return self._known[name]

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self._fact("is_discrete")

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self._fact("event_dim")

    def __call__(self, **known: Any) -> "_Dependent":
        return _Dependent(**known)

    def check(self, value: Any) -> Tensor:
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint: Any) -> bool:
    """Whether ``constraint`` is the unchecked placeholder (a region given by other parameters)."""
    return isinstance(constraint, _Dependent)


class dependent_property(property, _Dependent):  # noqa: N801 - PyTorch's name
    """A property whose value is a constraint built from the instance (Uniform's support is
    interval(low, high)); on the class it stands for a dependent constraint."""

    def __init__(self, fn: Any = None, **known: Any) -> None:
        property.__init__(self, fn)
        _Dependent.__init__(self, **known)

    def __call__(self, fn: Any) -> "dependent_property":  # type: ignore[override]
        return dependent_property(fn, **self._known)


class _IndependentConstraint(Constraint):
    """``base`` with its ``reinterpreted_batch_ndims`` rightmost batch dimensions read as one event:
    an event is inside when all its entries are."""

    def __init__(self, base_constraint: Constraint, reinterpreted_batch_ndims: int) -> None:
        if not isinstance(base_constraint, Constraint):
            raise TypeError(f"base_constraint must be a Constraint, got {type(base_constraint).__name__}")
        if not isinstance(reinterpreted_batch_ndims, int) or reinterpreted_batch_ndims < 0:
            raise ValueError(f"reinterpreted_batch_ndims must be an int >= 0, got {reinterpreted_batch_ndims!r}")
        self.base_constraint = base_constraint
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self.base_constraint.event_dim + self.reinterpreted_batch_ndims

    def check(self, value: Any) -> Tensor:
        inner = _host(self.base_constraint.check(value))
        n = self.reinterpreted_batch_ndims
        if inner.ndim < n:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {_host(value).ndim}")
        return _answer(inner.reshape(inner.shape[:inner.ndim - n] + (-1,)).all(-1) if n else inner)

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


class _Real(Constraint):
    """Every number but NaN (the infinities included)."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return ~np.isnan(v)


class _Bounded(Constraint):
    """A region given by a lower and/or an upper bound (numbers or Tensors, broadcast against the value)."""

    def __init__(self, lower_bound: Any = None, upper_bound: Any = None) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def _bounds(self) -> tuple[Any, Any]:
        return (None if self.lower_bound is None else _host(self.lower_bound),
                None if self.upper_bound is None else _host(self.upper_bound))

    def __repr__(self) -> str:
        shown = [f"{name}={getattr(self, name)}" for name in ("lower_bound", "upper_bound")
                 if getattr(self, name) is not None]
        return f"{type(self).__name__.lstrip('_')}({', '.join(shown)})"


class _GreaterThan(_Bounded):
    """(lower_bound, inf]."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return v > self._bounds()[0]


class _GreaterThanEq(_Bounded):
    """[lower_bound, inf]."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return v >= self._bounds()[0]


class _LessThan(_Bounded):
    """[-inf, upper_bound)."""

    def __init__(self, upper_bound: Any) -> None:
        super().__init__(None, upper_bound)

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return v < self._bounds()[1]


class _Interval(_Bounded):
    """[lower_bound, upper_bound]."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        low, high = self._bounds()
        return (v >= low) & (v <= high)


class _HalfOpenInterval(_Bounded):
    """[lower_bound, upper_bound)."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        low, high = self._bounds()
        return (v >= low) & (v < high)


class _IntegerInterval(_Bounded):
    """The integers in [lower_bound, upper_bound]."""

    is_discrete = True

    def _inside(self, v: np.ndarray) -> np.ndarray:
        low, high = self._bounds()
        return (np.mod(v, 1) == 0) & (v >= low) & (v <= high)


class _IntegerGreaterThan(_Bounded):
    """The integers >= lower_bound."""

    is_discrete = True

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return (np.mod(v, 1) == 0) & (v >= self._bounds()[0])


class _Boolean(Constraint):
    """{0, 1}."""

    is_discrete = True

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return (v == 0) | (v == 1)


class _OneHot(Constraint):
    """Vectors of zeros with a single one."""

    is_discrete = True
    event_dim = 1

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return ((v == 0) | (v == 1)).all(-1) & (v.sum(-1) == 1)


class _Simplex(Constraint):
    """Non-negative vectors summing to 1 (within 1e-6, as PyTorch's)."""

    event_dim = 1

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return (v >= 0).all(-1) & (np.abs(v.sum(-1) - 1) < 1e-6)


class _Multinomial(Constraint):
    """Non-negative count vectors whose total is at most ``upper_bound`` (not checked to be whole, as PyTorch's)."""

    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return (v >= 0).all(-1) & (v.sum(-1) <= self.upper_bound)


class _LowerTriangular(Constraint):
    """Square matrices with zeros above the diagonal."""

    event_dim = 2

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return (np.tril(v) == v).all((-2, -1))


class _LowerCholesky(_LowerTriangular):
    """Lower-triangular matrices with a positive diagonal (a Cholesky factor)."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return super()._inside(v) & (np.diagonal(v, axis1=-2, axis2=-1) > 0).all(-1)


class _CorrCholesky(_LowerCholesky):
    """Cholesky factors of correlation matrices: rows of unit length (within 10 n eps, as PyTorch's)."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        tolerance = np.finfo(v.dtype if v.dtype.kind == "f" else np.float64).eps * v.shape[-1] * 10
        unit_rows = (np.abs(np.linalg.norm(v, axis=-1) - 1) <= tolerance).all(-1)
        return super()._inside(v) & unit_rows


class _Square(Constraint):
    """Matrices with as many rows as columns."""

    event_dim = 2

    def _inside(self, v: np.ndarray) -> np.ndarray:
        return np.full(v.shape[:-2], v.shape[-2] == v.shape[-1])


class _Symmetric(_Square):
    """Square matrices equal to their transpose (within atol 1e-6 and rtol 1e-5, as PyTorch's isclose)."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        square = super()._inside(v)
        if not square.all():
            return square
        return np.isclose(v, np.swapaxes(v, -1, -2), rtol=1e-5, atol=1e-6).all((-2, -1))


class _PositiveSemidefinite(_Symmetric):
    """Symmetric matrices with no negative eigenvalue."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        symmetric = super()._inside(v)
        return symmetric if not symmetric.all() else (np.linalg.eigvalsh(v) >= 0).all(-1)


class _PositiveDefinite(_Symmetric):
    """Symmetric matrices with a Cholesky factor (every eigenvalue positive)."""

    def _inside(self, v: np.ndarray) -> np.ndarray:
        symmetric = super()._inside(v)
        return symmetric if not symmetric.all() else failing_minors(v) == 0


def _dim_of(value: np.ndarray, dim: int, owner: str) -> int:
    if not -value.ndim <= dim < value.ndim:
        raise ValueError(f"{owner}: dim {dim} is out of range for a value of {value.ndim} dimensions")
    return dim % value.ndim


class _Joined(Constraint):
    """Parts of a value along ``dim``, each with its own constraint of ``cseq``."""

    def __init__(self, owner: str, cseq: Any, dim: int) -> None:
        self.cseq = list(cseq)
        if not all(isinstance(c, Constraint) for c in self.cseq):
            raise TypeError(f"{owner} expects a list of Constraints")
        self.dim = dim

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return any(c.is_discrete for c in self.cseq)


class _Cat(_Joined):
    """Consecutive pieces of ``dim``, each of ``lengths[i]`` entries (1 by default), each in its own
    constraint ``cseq[i]``: the checks of the pieces, joined along ``dim``."""

    def __init__(self, cseq: Any, dim: int = 0, lengths: Any = None) -> None:
        super().__init__("constraints.cat", cseq, dim)
        self.lengths = [1] * len(self.cseq) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.cseq):
            raise ValueError(f"constraints.cat: {len(self.lengths)} lengths for {len(self.cseq)} constraints")

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return max(c.event_dim for c in self.cseq)

    def check(self, value: Any) -> Tensor:
        v = _host(value)
        dim = _dim_of(v, self.dim, "constraints.cat")
        edges = np.cumsum([0] + self.lengths)
        if edges[-1] != v.shape[dim]:
            raise ValueError(f"constraints.cat: the lengths add up to {edges[-1]}, dim {self.dim} has {v.shape[dim]}")
        pieces = [_host(c.check(np.take(v, np.arange(lo, hi), axis=dim)))
                  for c, lo, hi in zip(self.cseq, edges[:-1], edges[1:])]
        if len({piece.ndim for piece in pieces}) > 1:
            raise ValueError("constraints.cat: its constraints have different event_dim "
                             f"({[c.event_dim for c in self.cseq]}), so their checks cannot be joined")
        return _answer(np.concatenate(pieces, axis=self.dim))


class _Stack(_Joined):
    """The slices of ``dim``, the i-th in ``cseq[i]``: their checks stacked along ``dim``. When
    ``dim`` counts into the events from the right, the stacked dimension is one more event dimension."""

    def __init__(self, cseq: Any, dim: int = 0) -> None:
        super().__init__("constraints.stack", cseq, dim)

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        inner = max(c.event_dim for c in self.cseq)
        return inner + 1 if self.dim + inner < 0 else inner

    def check(self, value: Any) -> Tensor:
        v = _host(value)
        dim = _dim_of(v, self.dim, "constraints.stack")
        if v.shape[dim] != len(self.cseq):
            raise ValueError(f"constraints.stack: dim {self.dim} has {v.shape[dim]} slices for {len(self.cseq)} "
                             "constraints")
        slices = [_host(c.check(np.take(v, i, axis=dim))) for i, c in enumerate(self.cseq)]
        return _answer(np.stack(slices, axis=self.dim))


class MixtureSameFamilyConstraint(Constraint):
    """The support of MixtureSameFamily: a value is inside when it is inside ``base_constraint``
    for every component (the value is checked against each component's support)."""

    def __init__(self, base_constraint: Constraint) -> None:
        if not isinstance(base_constraint, Constraint):
            raise TypeError(f"base_constraint must be a Constraint, got {type(base_constraint).__name__}")
        self.base_constraint = base_constraint

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self.base_constraint.event_dim

    def check(self, value: Any) -> Tensor:
        v = _host(value)
        if v.ndim < self.event_dim:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {v.ndim}")
        inside = _host(self.base_constraint.check(np.expand_dims(v, -1 - self.event_dim)))
        kept = v.ndim - self.event_dim
        return _answer(inside.reshape(inside.shape[:kept] + (-1,)).all(-1))

    def __repr__(self) -> str:
        return f"MixtureSameFamilyConstraint({self.base_constraint!r})"


dependent = _Dependent()
independent = _IndependentConstraint
cat = _Cat
stack = _Stack
boolean = _Boolean()
one_hot = _OneHot()
real = _Real()
real_vector = independent(real, 1)
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
interval = _Interval
half_open_interval = _HalfOpenInterval
unit_interval = _Interval(0.0, 1.0)
integer_interval = _IntegerInterval
multinomial = _Multinomial
nonnegative_integer = _IntegerGreaterThan(0)
positive_integer = _IntegerGreaterThan(1)
simplex = _Simplex()
lower_triangular = _LowerTriangular()
lower_cholesky = _LowerCholesky()
corr_cholesky = _CorrCholesky()
square = _Square()
symmetric = _Symmetric()
positive_semidefinite = _PositiveSemidefinite()
positive_definite = _PositiveDefinite()
