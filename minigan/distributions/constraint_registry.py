"""``biject_to`` and ``transform_to``, as ``torch.distributions.constraint_registry``: each maps a
constraint to a Transform from the real numbers onto the constrained region, chosen by the constraint's
class, so an unconstrained parameter can be optimised and then mapped into place:

real: the identity (an empty ComposeTransform); greater_than(_eq)(a), positive, nonnegative: a + exp(x);
less_than(b): b - exp(x); interval(a, b), half_open_interval(a, b): sigmoid(x), then a + (b - a) y unless
[a, b] is [0, 1]; independent(c, n): IndependentTransform of c's transform; simplex: StickBreakingTransform
for ``biject_to``, SoftmaxTransform (not a bijection) for ``transform_to``; corr_cholesky:
CorrCholeskyTransform; cat and stack: CatTransform and StackTransform of their parts' transforms. For
``transform_to`` only (they are not bijections): lower_cholesky, LowerCholeskyTransform;
positive_definite and positive_semidefinite, PositiveDefiniteTransform.

``register(constraint, factory)`` (a decorator when the factory is left out) adds a rule to either
registry. Asking for a constraint without a rule raises NotImplementedError."""
from __future__ import annotations

import numbers
from typing import Any, Callable

from . import constraints
from .matrix_transforms import CorrCholeskyTransform, LowerCholeskyTransform, PositiveDefiniteTransform
from .stick_breaking import StickBreakingTransform
from .structure_transforms import CatTransform, StackTransform
from .transforms import AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform, Transform
from .vector_transforms import IndependentTransform, SoftmaxTransform

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]

Factory = Callable[[Any], Transform]


class ConstraintRegistry:
    """Rules from constraint classes to the functions that build their transforms."""

    def __init__(self) -> None:
        self._registry: dict[type, Factory] = {}

    def register(self, constraint: Any, factory: Factory | None = None) -> Any:
        """Make ``factory(c)`` the transform for every constraint ``c`` of ``constraint``'s class
        (a Constraint subclass, or an instance standing for its class); without a factory, a decorator."""
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        if not (isinstance(constraint, type) and issubclass(constraint, constraints.Constraint)):
            raise TypeError(f"Expected constraint to be either a Constraint subclass or instance, but got {constraint}")
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint: Any) -> Transform:
        factory = self._registry.get(type(constraint))
        if factory is None:
            raise NotImplementedError(f"Cannot transform {type(constraint).__name__} constraints")
        return factory(constraint)


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _is_number(value: Any, target: float) -> bool:
    return isinstance(value, numbers.Number) and value == target


def _identity(constraint: Any) -> Transform:
    return ComposeTransform([])


def _above(constraint: Any) -> Transform:
    return ComposeTransform([ExpTransform(), AffineTransform(constraint.lower_bound, 1)])


def _below(constraint: Any) -> Transform:
    return ComposeTransform([ExpTransform(), AffineTransform(constraint.upper_bound, -1)])


def _between(constraint: Any) -> Transform:
    low, high = constraint.lower_bound, constraint.upper_bound
    if _is_number(low, 0) and _is_number(high, 1):
        return SigmoidTransform()
    return ComposeTransform([SigmoidTransform(), AffineTransform(low, high - low)])


def _independent(registry: ConstraintRegistry) -> Factory:
    def build(constraint: Any) -> Transform:
        return IndependentTransform(registry(constraint.base_constraint), constraint.reinterpreted_batch_ndims)
    return build


def _joined(registry: ConstraintRegistry) -> Factory:
    def build(constraint: Any) -> Transform:
        parts = [registry(c) for c in constraint.cseq]
        if isinstance(constraint, constraints.cat):
            return CatTransform(parts, constraint.dim, constraint.lengths)
        return StackTransform(parts, constraint.dim)
    return build


for _registry in (biject_to, transform_to):
    _registry.register(constraints.real, _identity)
    _registry.register(constraints.greater_than, _above)
    _registry.register(constraints.greater_than_eq, _above)
    _registry.register(constraints.less_than, _below)
    _registry.register(constraints.interval, _between)
    _registry.register(constraints.half_open_interval, _between)
    _registry.register(constraints.independent, _independent(_registry))
    _registry.register(constraints.corr_cholesky, lambda constraint: CorrCholeskyTransform())
    _registry.register(constraints.cat, _joined(_registry))
    _registry.register(constraints.stack, _joined(_registry))
biject_to.register(constraints.simplex, lambda constraint: StickBreakingTransform())
transform_to.register(constraints.simplex, lambda constraint: SoftmaxTransform())
transform_to.register(constraints.lower_cholesky, lambda constraint: LowerCholeskyTransform())
transform_to.register(constraints.positive_definite, lambda constraint: PositiveDefiniteTransform())
transform_to.register(constraints.positive_semidefinite, lambda constraint: PositiveDefiniteTransform())
