"""Elementwise math: exp, log, log1p, expm1, sqrt, reciprocal, rsqrt, abs, clamp, maximum, minimum,
where, and the casts (``astype``, ``to_device``)."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..autograd.arguments import dtype_argument, float_dtype_argument
from ..autograd import Tensor, unbroadcast
from ..autograd.function import Context, Function
from ..backends import Device, backend_of, move
from .operands import (
    ShapeError, _check_broadcast, _constant, _floating, _on_floats, _pair, _times_derivative, _xp, refuse_bool,
)
from ..torch_api.out_argument import takes_out


# ============================================================== elementwise math
class Exp(Function):
    """f = exp(a);  df/da = f (the output is reused)."""

    saved_inputs = ()  # backward reads no input value
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).exp(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * ctx.output,)


class Log(Function):
    """f = log(a);  df/da = 1/a."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).log(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad / ctx.inputs[0],)


class Log1p(Function):
    """f = log(1 + a), exact for small a;  df/da = 1/(1 + a)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).log1p(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad / (ctx.inputs[0] + 1.0),)


class Expm1(Function):
    """f = exp(a) - 1, exact for small a;  df/da = exp(a) = f + 1 (the output is reused)."""

    saved_inputs = ()  # backward reads no input value
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).expm1(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * (ctx.output + 1.0),)


class Sqrt(Function):
    """f = sqrt(a);  df/da = 1 / (2 f)."""

    saved_inputs = ()  # backward reads no input value
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).sqrt(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad / (ctx.output * 2.0),)


class Reciprocal(Function):
    """f = 1/a;  df/da = -1/a^2 = -f^2 (the output is reused)."""

    saved_inputs, saves_output = (), True  # backward reads the output only

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return 1.0 / a

    backward = _times_derivative(lambda f: -(f * f), of_output=True)


class Rsqrt(Function):
    """f = 1/sqrt(a);  df/da = -1/(2 a^(3/2)) = -f^3/2 (the output is reused)."""

    saved_inputs, saves_output = (), True  # backward reads the output only

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return 1.0 / _xp(a).sqrt(a)

    backward = _times_derivative(lambda f: f * f * f * -0.5, of_output=True)


class Abs(Function):
    """f = |a|;  df/da = sign(a) (0 at a = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).abs(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0].array
        xp = _xp(a)
        return (grad * _constant(xp.where(xp.isnan(a), xp.zeros_like(a), xp.sign(a))),)  # 0 at a NaN, as PyTorch


class Clamp(Function):
    """f = min(max(a, low), high);  df/da = 1 where low < a < high, else 0 (0 at a bound, as PyTorch 2.14's)."""

    @staticmethod
    def forward(ctx: Context, a: Any, low: float | None, high: float | None) -> Any:
        return _xp(a).clip(a, low, high)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0].array
        low, high = ctx.options["low"], ctx.options["high"]
        if low is None:
            inside = a < high
        elif high is None:
            inside = a > low
        else:
            inside = (a > low) & (a < high)
        return (grad * _constant(_xp(a).astype(inside, a.dtype)),)


class Maximum(Function):
    """f = max(a, b);  df/da = [a > b] + [a = b]/2, df/db = [b > a] + [a = b]/2 (ties split, as PyTorch;
    where a or b is NaN, f is NaN and both get the whole gradient, as PyTorch's)."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("maximum", a, b)
        return _xp(a).maximum(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return tie_split_backward(ctx, grad, lambda x, y: x < y)


class Minimum(Function):
    """f = min(a, b);  df/da = [a < b] + [a = b]/2, df/db = [b < a] + [a = b]/2 (at a NaN, both 1)."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("minimum", a, b)
        return _xp(a).minimum(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return tie_split_backward(ctx, grad, lambda x, y: x > y)


class ClampBetween(Function):
    """f = min(max(a, low), high), the bounds Tensors;  df/da = 1 where low <= a <= high, df/dlow = 1
    where a < low <= high, df/dhigh = 1 where high < a and low <= high, and wherever low > high (f is
    high there); at a tie of a with a bound, when low < high, the two get 1/2 each. A comparison with a
    NaN is false: a NaN a keeps its gradient, and a NaN bound passes it to a unless a is beyond the
    other bound. These are PyTorch's weights."""

    @staticmethod
    def forward(ctx: Context, a: Any, low: Any, high: Any) -> Any:
        xp = _xp(a)
        return xp.minimum(xp.maximum(a, low), high)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, low, high = (t.array for t in ctx.inputs)
        xp, dtype = _xp(grad.array), grad.array.dtype
        ordered, strictly = low <= high, low < high
        half_at_low = xp.astype(strictly & (a == low), dtype) * 0.5
        half_at_high = xp.astype(strictly & (a == high), dtype) * 0.5
        weights = (xp.astype(~((a < low) | (a > high)), dtype) - half_at_low - half_at_high,
                   xp.astype(ordered & (a < low), dtype) + half_at_low,
                   xp.astype(low > high, dtype) + xp.astype(ordered & (a > high), dtype) + half_at_high)
        return tuple(unbroadcast(weighted(grad, weight), t.shape) if needed else None
                     for t, weight, needed in zip(ctx.inputs, weights, ctx.needs_input_grad))


def tie_split_backward(ctx: Context, grad: Tensor, loses: Any) -> tuple[Tensor | None, ...]:
    """The backward of a pick of a or b (maximum, minimum, fmax, fmin): each side's weight is 1 less
    [it loses to the other] (``loses(x, y)``) less [a tie]/2, so a comparison that is neither a loss nor
    a tie (one with a NaN, for maximum and minimum) gives both sides the whole gradient, as PyTorch's."""
    a, b = ctx.inputs
    xp, dtype = _xp(grad.array), grad.array.dtype
    half_tie = xp.astype(a.array == b.array, dtype) * 0.5
    grad_a = grad_b = None
    if ctx.needs_input_grad[0]:
        grad_a = unbroadcast(weighted(grad, 1.0 - xp.astype(loses(a.array, b.array), dtype) - half_tie), a.shape)
    if ctx.needs_input_grad[1]:
        grad_b = unbroadcast(weighted(grad, 1.0 - xp.astype(loses(b.array, a.array), dtype) - half_tie), b.shape)
    return grad_a, grad_b


def _zero_like(grad: Tensor) -> Tensor:
    """A 0-d constant 0 of ``grad``'s dtype, on its device."""
    backend = backend_of(grad.array)
    return _constant(backend.asarray(np.zeros((), dtype=backend.numpy_dtype(grad.array.dtype))))


def weighted(grad: Tensor, weight: Any) -> Tensor:
    """grad * weight, but 0 where the weight is 0, even for an infinite or NaN grad (inf * 0 would
    give NaN): PyTorch's picking backwards (maximum, clamp, where) stop such a gradient there. The
    product is taken with 1 in the weight's zeros, so NumPy meets no inf * 0 to warn of."""
    kept = weight != 0
    safe = _xp(weight).where(kept, weight, _xp(weight).ones_like(weight))
    return Where.apply(grad * _constant(safe), _zero_like(grad), condition=kept)


class Where(Function):
    """f = a where condition else b;  df/da = [condition], df/db = [not condition]."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any, condition: Any) -> Any:
        return _xp(a).where(condition, a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        condition = ctx.options["condition"]
        zero = _zero_like(grad)
        # picked, not multiplied by the mask: the branch not taken gets 0 even for a NaN or infinite
        # gradient (not NaN), as PyTorch's
        grad_a = unbroadcast(Where.apply(grad, zero, condition=condition), a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(Where.apply(zero, grad, condition=condition), b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class AsType(Function):
    """f = a converted to another float dtype;  df/da = 1 (converted back)."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any, dtype: Any) -> Any:
        backend = backend_of(a)
        return backend.xp.astype(a, backend.native_dtype(dtype))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (astype(grad, ctx.inputs[0].dtype),)


class ToDevice(Function):
    """f = a copied to another device;  df/da = the gradient copied back to a's device."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any, device: Device) -> Any:
        return move(a, device)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (to_device(grad, ctx.inputs[0].device),)


def to_device(a: Tensor, device: Any) -> Tensor:
    """``a`` on ``device`` ("cpu" or "cuda"), as a differentiable copy (``a`` itself if it is there)."""
    device = Device(device)
    if a.device == device:
        return a
    return ToDevice.apply(a, device=device)


exp, log, log1p, expm1, sqrt = _on_floats(Exp), _on_floats(Log), _on_floats(Log1p), _on_floats(Expm1), _on_floats(Sqrt)
reciprocal, rsqrt = _on_floats(Reciprocal), _on_floats(Rsqrt)


@takes_out
def abs(input: Tensor) -> Tensor:  # noqa: A001, A002 - mirrors torch.abs, its argument's name too
    refuse_bool("abs", input)
    return Abs.apply(input)


@takes_out
def clamp(a: Tensor, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
    if min is None and max is None:
        raise ValueError("clamp: give at least one of min and max")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_by_tensors(a, min, max)
    for bound in (min, max):
        if bound is not None and not isinstance(bound, numbers.Real) and not (
                isinstance(bound, np.ndarray) and bound.ndim == 0):
            raise TypeError(f"clamp: min and max must be numbers or Tensors, got {type(bound).__name__}")
    if isinstance(a, Tensor) and a.dtype.kind != "f":  # PyTorch's promotion, not NumPy's float64
        if any(isinstance(bound, (float, np.floating)) for bound in (min, max)):
            a = _floating(a)  # a float bound makes an integer or bool tensor float32
        elif a.dtype.kind == "b" and not all(isinstance(bound, (bool, np.bool_, type(None))) for bound in (min, max)):
            a = cast(a, np.int64)  # an integer bound makes a bool tensor int64
    return Clamp.apply(a, low=min, high=max)


clip = clamp


def _clamp_by_tensors(a: Tensor, low: Tensor | None, high: Tensor | None) -> Tensor:
    """clamp with Tensor bounds, as PyTorch's: one bound is maximum or minimum (ties split), two are
    ClampBetween, all three promoted to one dtype and broadcast together."""
    if any(bound is not None and not isinstance(bound, Tensor) for bound in (low, high)):
        got = ", ".join(type(value).__name__ for value in (a, low, high))
        raise TypeError(f"clamp() received an invalid combination of arguments - got ({got}): min and max must be "
                        "both Tensors or both numbers")
    bounds = [bound for bound in (low, high) if bound is not None]
    for first, second in ((a, bounds[0]), (a, bounds[-1]), (bounds[0], bounds[-1])):
        if first.shape != second.shape:
            _check_broadcast("clamp", first, second)
    if high is None:
        return maximum(a, low)
    if low is None:
        return minimum(a, high)
    a, low = _pair(a, low)
    a, high = _pair(a, high)
    low, a = _pair(low, a)
    return ClampBetween.apply(a, low, high)


@takes_out
def maximum(input: Any, other: Any) -> Tensor:  # noqa: A002 - PyTorch's names, for keyword calls
    return Maximum.apply(*_pair(input, other))


@takes_out
def minimum(input: Any, other: Any) -> Tensor:  # noqa: A002
    return Minimum.apply(*_pair(input, other))


def _lone_number(value: bool | int | float) -> Tensor:
    """A Python number as PyTorch types it alone: bool, int64 or the default float32."""
    dtype = np.bool_ if isinstance(value, bool) else np.int64 if isinstance(value, int) else np.float32
    return Tensor._make(np.asarray(value, dtype), False, None)


@takes_out
def where(condition: Any, a: Any = None, b: Any = None) -> Tensor:
    """Pick ``a`` where ``condition`` holds, else ``b`` (``condition`` is a boolean array). Two
    Python numbers give PyTorch's dtype: bool of two bools, int64 of ints, float32 with a float.
    ``where(condition)`` alone is ``nonzero(condition, as_tuple=True)``, as PyTorch's."""
    if a is None and b is None:
        from .reorder import nonzero  # noqa: PLC0415 - reorder's ops are built on this module's

        return nonzero(condition if isinstance(condition, Tensor) else Tensor(condition), as_tuple=True)
    if a is None or b is None:
        raise TypeError("where() takes a condition alone, or a condition, an input and an other")
    if not isinstance(a, Tensor) and not isinstance(b, Tensor) and isinstance(a, (bool, int, float)):
        a = _lone_number(a)
    a, b = _pair(a, b)
    condition = condition.array if isinstance(condition, Tensor) else condition
    backend = backend_of(a.array)
    condition = backend.xp.astype(backend.asarray(condition), backend.xp.bool, copy=False)
    shapes = [tuple(condition.shape), a.shape, b.shape]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(f"where: condition, a and b have shapes {shapes} that cannot be broadcast together") from None
    return Where.apply(a, b, condition=condition)


def clone(input: Tensor) -> Tensor:  # noqa: A002
    """A copy of ``input`` in new memory, recorded (the gradient flows back unchanged), as ``torch.clone``."""
    if input.requires_grad:
        return AsType.apply(input, dtype=input.dtype)
    return Tensor._make(_xp(input.array).asarray(input.array, copy=True), False, None)


def cast(a: Tensor, dtype: Any) -> Tensor:
    """``a`` in ``dtype`` (float, integer or bool); a cast between float dtypes is recorded, one to
    an integer or bool dtype is not (such a Tensor has no gradient), as PyTorch's ``.to(dtype)``."""
    resolved = dtype_argument(dtype)
    if resolved == a.dtype:
        return a
    if resolved.kind == "f" and a.dtype.kind == "f":
        return AsType.apply(a, dtype=resolved)
    backend = backend_of(a.array)
    return Tensor._make(backend.xp.astype(a.array, backend.native_dtype(resolved)), False, None)


def astype(a: Tensor, dtype: Any) -> Tensor:

    dtype = float_dtype_argument(dtype)
    if a.dtype == dtype:
        return a
    return AsType.apply(a, dtype=dtype)
