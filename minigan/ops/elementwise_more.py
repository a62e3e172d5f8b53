"""PyTorch's other elementwise math, part one: the division forms (true_divide, divide with
``rounding_mode``, floor_divide, remainder, fmod), logaddexp and logaddexp2, hypot, copysign,
heaviside, float_power, ldexp, and the one-input forms signbit, sgn, positive, negative, absolute,
fix, rad2deg and deg2rad. Most are made of the ops below them, so their gradients come from those;
fmod, hypot and copysign are small Functions, because the composed forms lose exactness (fmod) or
overflow (hypot). Dtypes, values and errors are PyTorch's; each is also a Tensor method
(minigan/autograd/elementwise_methods.py). NaN and inf results that PyTorch gives silently
(x fmod 0, hypot's gradient at 0) are computed under ``np.errstate``, so NumPy does not warn."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor, unbroadcast
from ..autograd.arguments import tensor_argument
from ..autograd.function import Context, Function
from ..backends import numpy_dtype_of
from .arithmetic import _integer_pair, floor_divide as _floor_divide, neg, pow, remainder as _remainder  # noqa: A004
from .activations import sigmoid
from .elementwise import abs, cast, where  # noqa: A004 - the ops of these names
from .log_forms import exp2
from .operands import (
    _check_broadcast, _constant, _floating, _pair, _xp, floats_only, ieee_quotient, not_implemented_for,
)
from .rounding import sign, trunc
from ..torch_api.out_argument import takes_out

_LN2 = math.log(2.0)


# ============================================================== argument checks
def tensors_only(name: str, **arguments: Any) -> None:
    """PyTorch's TypeError for an op that takes only Tensors (``hypot(x, 2)``), naming the argument."""
    for position, (argument, value) in enumerate(arguments.items(), 1):
        tensor_argument(name, argument, position, value)


def _no_bools(name: str, a: Tensor, b: Tensor) -> None:
    if a.dtype.kind == "b" and b.dtype.kind == "b":
        raise not_implemented_for(name, a)


def _float_pair(name: str, input: Any, other: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
    """The two Tensor operands of logaddexp and hypot, promoted; integer or bool ones raise, as PyTorch."""
    tensors_only(name, input=input, other=other)
    a, b = _pair(input, other)
    return floats_only(name, a), b


def _zero_divisor(a: Tensor, b: Tensor, message: str) -> None:
    if a.dtype.kind in "iub" and b.dtype.kind in "iub" and bool(_xp(b.array).any(b.array == 0)):
        raise ZeroDivisionError(message)  # as minigan's // and %


# ============================================================== division forms
@takes_out
def true_divide(input: Tensor, other: Any) -> Tensor:  # noqa: A002 - PyTorch's argument names
    """input / other, always true division (integers give float32): ``torch.div`` by another name."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        tensors_only("true_divide", input=input)
    return input / other


@takes_out
def divide(input: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:  # noqa: A002
    """input / other; ``rounding_mode="trunc"`` rounds toward zero, ``"floor"`` toward minus infinity
    (those two keep an integer dtype and have no gradient)."""
    tensors_only("divide", input=input)
    return input.div(other, rounding_mode=rounding_mode)


def trunc_divide(a: Any, b: Any) -> Tensor:
    """a / b rounded toward zero (``div(..., rounding_mode="trunc")``): trunc(a / b) for floats, C's
    integer division for integers; like ``//``, it has no gradient."""
    a, b = _integer_pair(a, b)
    _no_bools("div_trunc", a, b)
    if a.shape != b.shape:
        _check_broadcast("div", a, b)
    x, y = a.array, b.array
    xp = _xp(x)
    if a.dtype.kind == "f":  # x / 0 is inf or NaN, silently as PyTorch's
        return _constant(xp.trunc(ieee_quotient(xp, x, y)))
    _zero_divisor(a, b, "ZeroDivisionError: integer division by zero")
    floored = xp.floor_divide(x, y)
    inexact = (x - floored * y) != 0
    return _constant(xp.where(inexact & ((x < 0) != (y < 0)), floored + 1, floored))


@takes_out
def floor_divide(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input // other, rounded toward minus infinity (no gradient), as ``torch.floor_divide``."""
    a, b = _integer_pair(input, other)
    _no_bools("div_floor", a, b)
    return _floor_divide(a, b)


@takes_out
def remainder(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input % other, with the sign of ``other`` (Python's ``%``); d/dinput = 1, d/dother = -floor(input / other)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("remainder() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__}): give a Tensor as input or other")
    a, b = _integer_pair(input, other)
    _no_bools("remainder", a, b)
    return _remainder(a, b)


class Fmod(Function):
    """f = a - trunc(a / b) b, C's fmod (the sign of a, exact);  df/da = 1, df/db = -trunc(a / b)."""

    saved_for_gradient_of = {0: (1,), 1: (1,)}  # both are read for b's gradient only

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("fmod", a, b)
        xp = _xp(a)
        if numpy_dtype_of(a).kind == "f":
            # |a| mod |b| is exact for positive operands (the standard has remainder, not fmod);
            # x fmod 0 and inf fmod x are NaN, silently as in C and PyTorch.
            with np.errstate(invalid="ignore"):
                return xp.copysign(xp.remainder(xp.abs(a), xp.abs(b)), a)
        rest = xp.remainder(a, b)  # integers: Python's remainder, moved to a's sign
        return xp.where((rest != 0) & ((rest < 0) != (a < 0)), rest - b, rest)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_a = unbroadcast(grad, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = None
        if ctx.needs_input_grad[1]:  # b = 0: PyTorch's -grad * inf (NaN where a = 0 too), silently
            quotient = _constant(-_xp(a.array).trunc(ieee_quotient(_xp(a.array), a.array, b.array)))
            grad_b = unbroadcast(grad * quotient, b.shape)
        return grad_a, grad_b


@takes_out
def fmod(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """C's remainder of input / other, with the sign of ``input`` (``remainder`` takes other's sign):
    fmod(-3, 2) = -1. d/dinput = 1, d/dother = -trunc(input / other), as PyTorch's."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod() received an invalid combination of arguments - got ({type(input).__name__}, "
                        f"{type(other).__name__}): the input must be a Tensor")
    a, b = _integer_pair(input, other)
    _no_bools("fmod", a, b)
    _zero_divisor(a, b, "ZeroDivisionError: integer modulo by zero")
    return Fmod.apply(a, b)


# ============================================================== log-sum forms, hypot, signs
class LogAddExp(Function):
    """f = log_b(b^a + b^c) = max(a, c) + log1p(b^-|a - c|) / ln b, b = e (``ln_base`` 1) or 2 (ln 2);
    df/da = sigmoid((a - c) ln b), df/dc = sigmoid((c - a) ln b) (1/2 each where a and c are the same
    infinity, at which f is that infinity).

    Its backward multiplies the gradient by the slope computed first, as PyTorch's: an infinite
    incoming gradient comes out +-inf (the composed form's sum of terms gave inf - inf, NaN). PyTorch's
    slope where a and c are the same infinity is NaN."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any, ln_base: float) -> Any:
        if a.shape != b.shape:
            _check_broadcast("logaddexp" if ln_base == 1.0 else "logaddexp2", a, b)
        xp = _xp(a)
        same_infinity = xp.isinf(a) & (a == b)
        spread = -xp.abs(xp.where(same_infinity, xp.zeros_like(a), a) - xp.where(same_infinity, xp.zeros_like(b), b))
        tail = xp.log1p(xp.exp(spread if ln_base == 1.0 else spread * ln_base))
        tail = tail if ln_base == 1.0 else tail / ln_base
        return xp.maximum(a, b) + xp.where(same_infinity, xp.zeros_like(tail), tail)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        ln_base = ctx.options["ln_base"]
        same_infinity = _constant(_xp(a.array).isinf(a.array) & (a.array == b.array))
        apart = where(same_infinity, 0.0, a) - where(same_infinity, 0.0, b)
        apart = apart if ln_base == 1.0 else apart * ln_base
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = unbroadcast(grad * where(same_infinity, 0.5, sigmoid(apart)), a.shape)
        if ctx.needs_input_grad[1]:
            grad_b = unbroadcast(grad * where(same_infinity, 0.5, sigmoid(-apart)), b.shape)
        return grad_a, grad_b


def _log_add(name: str, input: Any, other: Any, ln_base: float) -> Tensor:  # noqa: A002
    """log_base(base^a + base^b), :class:`LogAddExp`: no overflow. Where a and b are the same infinity
    the value is that infinity, its gradient split in half as at any tie (PyTorch's gradient there is
    NaN)."""
    return LogAddExp.apply(*_float_pair(name, input, other), ln_base=ln_base)


@takes_out
def logaddexp(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """log(exp(input) + exp(other)), computed without overflow; gradients sigmoid(input - other) and
    sigmoid(other - input). Float tensors only, as PyTorch."""
    return _log_add("logaddexp", input, other, 1.0)


@takes_out
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """log2(2^input + 2^other), computed without overflow; gradient 2^input / (2^input + 2^other)."""
    return _log_add("logaddexp2", input, other, _LN2)


class Hypot(Function):
    """f = sqrt(a^2 + b^2), without overflow;  df/da = a / f, df/db = b / f (NaN at a = b = 0, as PyTorch)."""

    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("hypot", a, b)
        return _xp(a).hypot(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        with np.errstate(invalid="ignore"):  # 0 / 0 at the origin: NaN, silently as PyTorch's
            grad_a = unbroadcast(grad * a / ctx.output, a.shape) if ctx.needs_input_grad[0] else None
            grad_b = unbroadcast(grad * b / ctx.output, b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


@takes_out
def hypot(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """sqrt(input^2 + other^2) elementwise, exact where the squares would overflow. Float tensors only."""
    return Hypot.apply(*_float_pair("hypot", input, other))


class Copysign(Function):
    """f = |a| with b's sign bit (-0.0 counts as negative);  df/da = sign(a) times that sign (0 at
    a = 0, NaN at a NaN, as PyTorch), df/db = 0."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("copysign", a, b)
        return _xp(a).copysign(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        xp = _xp(a.array)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            flip = xp.where(xp.signbit(b.array), -xp.ones_like(b.array), xp.ones_like(b.array))
            grad_a = unbroadcast(grad * _constant(xp.sign(a.array) * flip + 0.0), a.shape)  # + 0.0: no -0.0
        if ctx.needs_input_grad[1]:
            grad_b = _constant(xp.zeros_like(b.array))
        return grad_a, grad_b


@takes_out
def copysign(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """|input| with the sign of ``other`` (a tensor or a number; -0.0 is negative); integers give float32."""
    if not isinstance(input, Tensor):
        raise TypeError(f"copysign() received an invalid combination of arguments - got ({type(input).__name__}, "
                        f"{type(other).__name__}): the input must be a Tensor")
    a, b = _pair(input, other)
    return Copysign.apply(_floating(a), _floating(b))


@takes_out
def heaviside(input: Tensor, values: Tensor) -> Tensor:  # noqa: A002
    """The step function: 0 where input < 0 (or NaN), ``values`` where input == 0, 1 where input > 0.
    Both tensors must have one dtype, as PyTorch's; it has no gradient (PyTorch defines none)."""
    tensors_only("heaviside", input=input, values=values)
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if input.shape != values.shape:
        _check_broadcast("heaviside", input, values)
    x, xp = input.array, _xp(input.array)
    zero = xp.zeros_like(x)
    above = x if input.dtype.kind == "b" else xp.astype(x > zero, x.dtype)  # the standard orders no bools
    return _constant(xp.where(x == zero, values.array, above))


@takes_out
def float_power(input: Any, exponent: Any) -> Tensor:  # noqa: A002
    """input ** exponent computed in float64 (the result is always float64, as PyTorch's); either may
    be a number. A float32 input gets its gradient back in float32."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("float_power() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(exponent).__name__}): give a Tensor as input or exponent")
    base = cast(input, np.float64) if isinstance(input, Tensor) else float(input)
    power = cast(exponent, np.float64) if isinstance(exponent, Tensor) else float(exponent)
    with np.errstate(invalid="ignore"):  # a negative base to a fractional power is NaN, silently as PyTorch's
        return pow(base, power)


@takes_out
def ldexp(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """input * 2^other, in the dtype the two promote to (float32 for integer tensors); gradients
    2^other and input * 2^other * ln 2."""
    tensors_only("ldexp", input=input, other=other)
    mantissa, exponent = _pair(input, other)
    with np.errstate(over="ignore"):  # 2^other past the dtype's range is inf, silently as PyTorch's
        return mantissa * exp2(_floating(exponent))


@takes_out
def signbit(input: Tensor) -> Tensor:  # noqa: A002
    """Whether each element's sign bit is set (True for -0.0 and -NaN); a bool tensor with no gradient."""
    tensors_only("signbit", input=input)
    x, xp = input.array, _xp(input.array)
    if input.dtype.kind == "f":
        return _constant(xp.signbit(x))
    return _constant(x < xp.zeros_like(x) if input.dtype.kind == "i" else xp.zeros_like(x, dtype=xp.bool))


@takes_out
def sgn(input: Tensor) -> Tensor:  # noqa: A002
    """The sign of each element (-1, 0 or 1): ``sign`` for real tensors (a bool tensor gives its copy)."""
    tensors_only("sgn", input=input)
    return sign(input)


def angle(input: Tensor) -> Tensor:  # noqa: A002
    """The complex argument of each element, for real tensors: pi where it is negative (-inf too), 0
    elsewhere, NaN at NaN; float32 for integer and bool tensors. Its gradient is 0, as PyTorch's."""
    tensors_only("angle", input=input)
    floating = _floating(input)
    x = floating.array
    xp = _xp(x)
    zero_or_nan = xp.where(xp.isnan(x), x, xp.zeros_like(x))
    angles = _constant(xp.where(x < 0, xp.asarray(math.pi, dtype=x.dtype), zero_or_nan))
    # sign(x) * 0 is 0 everywhere (at NaN and inf too) and carries the zero gradient to x
    return angles + sign(floating) * 0.0 if floating.requires_grad else angles


def positive(input: Tensor) -> Tensor:  # noqa: A002
    """``+input``: the tensor itself, as PyTorch's (a bool tensor raises)."""
    tensors_only("positive", input=input)
    if input.dtype.kind == "b":
        raise NotImplementedError("The `+` operator, on a bool tensor is not supported.")
    return input


def negative(input: Tensor) -> Tensor:  # noqa: A002
    """-input, as ``torch.neg``."""
    tensors_only("negative", input=input)
    return neg(input)


def absolute(input: Tensor) -> Tensor:  # noqa: A002
    """|input|, as ``torch.abs`` (a bool tensor raises, as PyTorch's)."""
    tensors_only("absolute", input=input)
    return abs(input)


def fix(input: Tensor) -> Tensor:  # noqa: A002
    """input rounded toward zero, as ``torch.trunc`` (gradient 0; a bool tensor raises, as PyTorch's)."""
    tensors_only("fix", input=input)
    return trunc(input)


@takes_out
def rad2deg(input: Tensor) -> Tensor:  # noqa: A002
    """Radians to degrees: input * 180 / pi (integers give float32)."""
    tensors_only("rad2deg", input=input)
    return _floating(input) * (180.0 / math.pi)


@takes_out
def deg2rad(input: Tensor) -> Tensor:  # noqa: A002
    """Degrees to radians: input * pi / 180 (integers give float32)."""
    tensors_only("deg2rad", input=input)
    return _floating(input) * (math.pi / 180.0)


__all__ = [
    "true_divide", "divide", "trunc_divide", "floor_divide", "remainder", "fmod", "logaddexp", "logaddexp2", "hypot",
    "copysign", "heaviside", "float_power", "ldexp", "signbit", "sgn", "positive", "negative", "absolute", "fix",
    "rad2deg", "deg2rad",
]
