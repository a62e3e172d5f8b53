"""Reductions: sum, mean, max, min and var over any axes; backward spreads the gradient back
over the reduced axes."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import check_distinct_dims, wrap_dim
from ..autograd.function import Context, Function
from .operands import Axis, _constant, _xp
from .arithmetic import neg
from .elementwise import weighted
from .shape import broadcast_to


# ============================================================== reductions
def _normalize_axis(axis: Axis, ndim: int) -> tuple[int, ...] | None:
    """The axes to reduce, wrapped and sorted, with PyTorch's errors; a 0-d tensor takes dims 0
    and -1, as in PyTorch, and reducing its one value over them leaves it: no axes."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalized = tuple(sorted(check_distinct_dims(tuple(wrap_dim(ax, ndim) for ax in axes))))
    return normalized if ndim else ()


def reduced_count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    """How many values a reduction over ``axes`` (None: all) of an array of ``shape`` combines."""
    if axes is None:
        return int(math.prod(shape))
    return int(math.prod(shape[ax] for ax in axes))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` (None: all) kept as size 1 (``keepdims=True``'s shape)."""
    return tuple(1 if axes is None or i in axes else n for i, n in enumerate(shape))


def _expand_back(grad: Tensor, shape: tuple[int, ...], axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
    """Undo a reduction's shape change: put the reduced axes back as size 1, then broadcast."""
    if not keepdims:
        grad = grad.reshape(kept_shape(shape, axes))
    return broadcast_to(grad, shape)


class Sum(Function):
    """f = sum of a over axes;  df/da = 1 (the gradient is broadcast back)."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...] | None, keepdims: bool) -> Any:
        return _xp(a).sum(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        shape = ctx.inputs[0].shape
        return (_expand_back(grad, shape, ctx.options["axes"], ctx.options["keepdims"]),)


class Mean(Function):
    """f = sum(a) / n over axes;  df/da = 1/n."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...] | None, keepdims: bool) -> Any:
        xp = _xp(a)
        if reduced_count(a.shape, axes) == 0:  # the mean of nothing is NaN, as PyTorch's (NumPy's warns):
            return xp.sum(a, axis=axes, keepdims=keepdims) * float("nan")  # 0 * NaN, in a's dtype and place
        return xp.mean(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        shape = ctx.inputs[0].shape
        count = reduced_count(shape, ctx.options["axes"])
        spread = _expand_back(grad, shape, ctx.options["axes"], ctx.options["keepdims"])
        return (spread / float(count) if count else spread,)  # no count: an empty input, an empty gradient


class Max(Function):
    """f = max of a over axes;  df/da = 1 at the maximum (split evenly between ties), else 0.

    With ``pick`` the others get exactly 0 even from an infinite or NaN gradient, as PyTorch's
    ``max()`` of a whole tensor (its ``amax`` multiplies by the mask, which gives NaN there)."""

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...] | None, keepdims: bool, pick: bool = False) -> Any:
        return _xp(a).max(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (_to_the_largest(ctx, grad, ctx.inputs[0].array),)


class Min(Function):
    """f = min of a over axes, -max(-a);  df/da = 1 at the minimum (split evenly between ties), else 0.

    ``pick`` as in :class:`Max`; the others' 0 is +0.0, as PyTorch's ``min()`` gives it (the
    negation around max(-a) made it -0.0). The values are those of ``neg(max(neg(a)))``."""

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...] | None, keepdims: bool, pick: bool = False) -> Any:
        return -_xp(a).max(-a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (_to_the_largest(ctx, grad, -ctx.inputs[0].array),)


def _to_the_largest(ctx: Context, grad: Tensor, a: Any) -> Tensor:
    """The gradient of :class:`Max` (of :class:`Min` with ``a`` negated): ``grad`` spread over the
    largest values of ``a`` over the axes, ties sharing it, the others 0."""
    axes = ctx.options["axes"]
    xp = _xp(a)
    top = xp.max(a, axis=axes, keepdims=True)
    # A NaN is the maximum where there is one (PyTorch: the gradient goes to the NaNs).
    winners = xp.astype(xp.where(xp.isnan(top), xp.isnan(a), a == top), a.dtype)
    share = winners / xp.sum(winners, axis=axes, keepdims=True)
    expanded = _expand_back(grad, a.shape, axes, ctx.options["keepdims"])
    if ctx.options.get("pick"):
        return weighted(expanded, share)
    return expanded * _constant(share)


class Var(Function):
    """f = sum((a - mean a)^2) / (n - ddof) over axes;  df/da = 2 (a - mean a) / (n - ddof)."""

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...] | None, keepdims: bool, ddof: int) -> Any:
        if reduced_count(a.shape, axes) - ddof <= 0:
            raise ValueError(f"var: {reduced_count(a.shape, axes)} values with ddof={ddof} leave no degrees of freedom")
        return _xp(a).var(a, axis=axes, keepdims=keepdims, correction=ddof)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        axes, ddof = ctx.options["axes"], ctx.options["ddof"]
        centred = a - mean(a, axes, keepdims=True)
        scale = 2.0 / (reduced_count(a.shape, axes) - ddof)
        return (_expand_back(grad, a.shape, axes, ctx.options["keepdims"]) * centred * scale,)


def sum(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    if isinstance(a, Tensor) and a.dtype.kind == "u":  # as PyTorch: uint8 sums in int64 (NumPy: uint64)
        a = a.to(np.int64)
    return Sum.apply(a, axes=_normalize_axis(axis, a.ndim), keepdims=keepdims)


def mean(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return Mean.apply(a, axes=_normalize_axis(axis, a.ndim), keepdims=keepdims)


def empty_reduction_dim(shape: tuple[int, ...], axis: Axis) -> Any:
    """Where a reduction over ``axis`` (None: every dim) of a tensor of ``shape`` meets no element:
    ``()`` for every dim of an empty tensor, the first dim of size 0 as given, or None (every slice
    has elements; an empty tensor reduced over dims of other sizes is fine)."""
    if axis is None:
        return () if math.prod(shape) == 0 else None
    for given in (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis):
        if shape and shape[int(given) % len(shape)] == 0:
            return given
    return None


def refuse_empty_extreme(name: str, shape: tuple[int, ...], axis: Axis) -> None:
    """PyTorch's errors for a largest or smallest value of nothing."""
    dim = empty_reduction_dim(shape, axis)
    if dim == ():
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")
    if dim is not None:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")


def max(a: Tensor, axis: Axis = None, keepdims: bool = False, name: str = "max",  # noqa: A001
        pick: bool = False) -> Tensor:
    """The largest values over ``axis`` (None: all); ``name`` is the caller's, for the errors;
    ``pick``: PyTorch's ``max()`` backward (see :class:`Max`)."""
    axes = _normalize_axis(axis, a.ndim)
    if a.array.size == 0:
        refuse_empty_extreme(name, a.shape, axis)
    return Max.apply(a, axes=axes, keepdims=keepdims, pick=pick)


def min(a: Tensor, axis: Axis = None, keepdims: bool = False, name: str = "min",  # noqa: A001
        pick: bool = False) -> Tensor:
    """-max(-a) for floats, so ties share the gradient as in max (with ``pick``, one op, :class:`Min`).
    Integers and bools carry no gradient and are reduced directly: negating them would wrap
    (uint8) or fail (bool)."""
    if a.dtype.kind in "iub" or pick:
        axes = _normalize_axis(axis, a.ndim)
        if a.array.size == 0:
            refuse_empty_extreme(name, a.shape, axis)
        if a.dtype.kind == "f":
            return Min.apply(a, axes=axes, keepdims=keepdims, pick=True)
        return Tensor._make(_xp(a.array).min(a.array, axis=axes, keepdims=keepdims), False, None)
    return neg(max(neg(a), axis, keepdims, name, pick))


def var(a: Tensor, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    return Var.apply(a, axes=_normalize_axis(axis, a.ndim), keepdims=keepdims, ddof=int(ddof))
