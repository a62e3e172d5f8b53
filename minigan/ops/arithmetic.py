"""Arithmetic: add, sub, mul, div, neg, pow and matmul, each a ``Function`` with its backward
beside it. Broadcast inputs get their gradients summed back by ``unbroadcast``."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd import DEFAULT_DTYPE, Tensor, as_tensor, unbroadcast
from ..autograd.arguments import is_float_operand
from ..autograd.function import Context, Function
from ..backends import numpy_dtype_of
from .operands import (
    ShapeError, _cast_constant, _check_broadcast, _constant, _pair, _xp, ieee_quotient, is_bool as _is_bool,
    wrapped_integer,
)
from .elementwise import log, where
from .shape import transpose


# ============================================================== arithmetic
class Add(Function):
    """f = a + b;  df/da = 1, df/db = 1 (summed over broadcast axes)."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("add", a, b)
        return a + b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        return unbroadcast(grad, a.shape), unbroadcast(grad, b.shape)


class Sub(Function):
    """f = a - b;  df/da = 1, df/db = -1."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("sub", a, b)
        return a - b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_b = unbroadcast(neg(grad), b.shape) if ctx.needs_input_grad[1] else None
        return unbroadcast(grad, a.shape), grad_b


class Mul(Function):
    """f = a * b;  df/da = b, df/db = a."""

    saved_for_gradient_of = {0: (1,), 1: (0,)}  # a is read for b's gradient only, b for a's

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("mul", a, b)
        return a * b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_a = unbroadcast(grad * b, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(grad * a, b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Function):
    """f = a / b;  df/da = 1/b, df/db = -a/b^2."""

    saved_for_gradient_of = {0: (1,), 1: (0, 1)}  # a is read for b's gradient only, b for both

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("div", a, b)
        return a / b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_a = unbroadcast(grad / b, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(neg(grad * a / (b * b)), b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Neg(Function):
    """f = -a;  df/da = -1."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return -a

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (neg(grad),)


class PowScalar(Function):
    """f = a ** p for a constant p;  df/da = p * a ** (p - 1), and 0 for p = 0."""

    @staticmethod
    def forward(ctx: Context, a: Any, exponent: float) -> Any:
        return a**exponent

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        p = ctx.options["exponent"]
        if p == 0:  # as PyTorch's: new zeros, even at a = 0 (where a ** -1 is inf) or where grad is NaN
            return (_constant(_xp(grad.array).zeros_like(grad.array)),)
        if p == 2:  # the common square: avoid pow for speed and exactness
            return (grad * a * 2.0,)
        return (grad * pow(a, p - 1) * p,)


class Pow(Function):
    """f = a ** b;  df/da = b * a ** (b - 1), 0 where b = 0 (f is 1 there); df/db = f * log(a), 0 where
    a = 0 and b >= 0 (f is constant there). The two zeros are PyTorch's, where the formulas give NaN."""

    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("pow", a, b)
        if numpy_dtype_of(b).kind in "iu" and numpy_dtype_of(a).kind in "iu":
            return _integer_powers(_xp(a), a, b)
        return a**b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            constant = b.array == 0  # where 0 ** -1 would divide by zero, for a gradient masked anyway
            grad_a = unbroadcast(where(constant, 0.0, grad * b * pow(where(constant, 1.0, a), b - 1.0)), a.shape)
        if ctx.needs_input_grad[1]:
            flat = (a.array == 0) & (b.array >= 0)
            grad_b = unbroadcast(where(flat, 0.0, grad * ctx.output * log(where(flat, 1.0, a))), b.shape)
        return grad_a, grad_b


def add(a: Any, b: Any) -> Tensor:
    a, b = _integer_pair(a, b)
    if _kind(a) == "b" == _kind(b):  # bool + bool is "or", as in PyTorch (the array API has no bool +)
        return _constant(_xp(a.array).logical_or(a.array, b.array))
    return Add.apply(a, b)


def sub(a: Any, b: Any) -> Tensor:
    if _is_bool(a) or _is_bool(b):
        raise NotImplementedError(_BOOL_SUBTRACTION[_is_bool(a) and _is_bool(b)])
    return Sub.apply(*_integer_pair(a, b))


def mul(a: Any, b: Any) -> Tensor:
    a, b = _integer_pair(a, b)
    if _kind(a) == "b" == _kind(b):  # bool * bool is "and", as in PyTorch (the array API has no bool *)
        return _constant(_xp(a.array).logical_and(a.array, b.array))
    return Mul.apply(a, b)


def div(a: Any, b: Any) -> Tensor:
    """True division: integer or bool operands give the default float dtype, as in PyTorch (made
    float before they are paired, so that uint8 / 300 divides by 300)."""
    if not (is_float_operand(a) or is_float_operand(b)):
        a = a.astype(DEFAULT_DTYPE) if isinstance(a, Tensor) else a
        b = b.astype(DEFAULT_DTYPE) if isinstance(b, Tensor) else b
    return Div.apply(*_pair(a, b))


_BOOL_SUBTRACTION = {
    False: "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, "
           "use the `~` or `logical_not()` operator instead.",
    True: "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` "
          "operator instead.",
}


def _kind(t: Tensor) -> str:
    """The kind of ``t``'s dtype ("f", "i", "u" or "b"), read from its array (cheaper than
    ``t.dtype``, a property, on every op of the hot path)."""
    return numpy_dtype_of(t.array).kind


def _integer_pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """``_pair`` for +, -, *, // and %, where a Python integer beside an integer Tensor wraps into
    its dtype, as in PyTorch."""
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return _pair(a, b)
    return _pair(wrapped_integer(a, b), wrapped_integer(b, a))


def compare(name: str, comparison: Callable[[Any, Any], Any], a: Any, b: Any) -> Tensor:
    """``a < b`` and the other comparisons (``comparison`` is ``operator.lt``...), elementwise: a bool
    tensor with no gradient. The operands are promoted as for ``+``, as in PyTorch: an integer
    tensor beside 0.5 compares as float, and a Python integer beside an integer tensor wraps into
    its dtype (uint8 < 300 compares with 44)."""
    if type(b) in (float, int) and _kind(a) == "f":  # x > 0.5: the array library compares in x's dtype too
        return Tensor._make(comparison(a.array, b), False, None)
    a, b = _integer_pair(a, b)
    if a.shape != b.shape:
        _check_broadcast(name, a, b)
    if name not in ("eq", "ne") and _kind(a) == "b" == _kind(b):  # the array API puts no order on bools
        a, b = _cast_constant(a, np.uint8), _cast_constant(b, np.uint8)
    return Tensor._make(comparison(a.array, b.array), False, None)


def floor_divide(a: Any, b: Any) -> Tensor:
    """a // b rounded toward minus infinity (Python's and PyTorch's ``//``); it has no gradient.
    Floats follow IEEE where NumPy would warn: x // 0 an infinity or NaN, inf // x NaN."""
    a, b = _integer_pair(a, b)
    xp = _xp(a.array)
    if numpy_dtype_of(a.array).kind == "f":
        return Tensor._make(_floor_quotient(xp, a.array, b.array), False, None)
    if b.dtype.kind in "iub" and a.dtype.kind in "iub" and bool(xp.any(b.array == 0)):
        raise ZeroDivisionError("ZeroDivisionError: integer division by zero")
    return Tensor._make(xp.floor_divide(a.array, b.array), False, None)


class Remainder(Function):
    """f = a - floor(a / b) b, exact, with the sign of b (Python's and PyTorch's ``%``; a zero result
    keeps a's sign, as PyTorch's, a finite a over an infinite b of its sign is a itself, and x % 0
    and inf % x are NaN);
    df/da = 1, df/db = -floor(a / b)."""

    saved_for_gradient_of = {0: (1,), 1: (1,)}  # both are read for b's gradient only

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("remainder", a, b)
        xp = _xp(a)
        if numpy_dtype_of(a).kind != "f":
            return xp.remainder(a, b)
        undefined = (b == 0) | xp.isinf(a)  # NaN, as PyTorch's, where NumPy would warn
        rest = xp.remainder(xp.where(undefined, xp.zeros_like(a), a), xp.where(undefined, xp.ones_like(b), b))
        rest = xp.where(undefined, xp.full_like(rest, xp.nan), rest)
        return xp.where(rest == 0, xp.copysign(rest, a), rest)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_a = unbroadcast(grad, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = None
        if ctx.needs_input_grad[1]:
            grad_b = unbroadcast(grad * _constant(-_floor_quotient(_xp(a.array), a.array, b.array)), b.shape)
        return grad_a, grad_b


def _floor_quotient(xp: Any, a: Any, b: Any) -> Any:
    """floor(a / b) as PyTorch's ``div(rounding_mode="floor")`` gives it for floats: NaN for an
    infinite a over a nonzero b (NumPy's floor_divide agrees, with a warning it is spared here) and
    IEEE's infinity or NaN over a zero b."""
    zero = b == 0
    usable = ~zero & xp.isfinite(a)
    floored = xp.floor_divide(xp.where(usable, a, xp.zeros_like(a)), xp.where(usable, b, xp.ones_like(b)))
    return xp.where(zero, ieee_quotient(xp, a, b), xp.where(usable, floored, xp.full_like(floored, xp.nan)))


def _integer_powers(xp: Any, a: Any, b: Any) -> Any:
    """a ** b for integer arrays as PyTorch's integer power: a negative exponent gives 0, except for
    a base of 1 (1) and of -1 (+-1 by the exponent's parity), where NumPy would raise."""
    negative = b < 0
    if not bool(xp.any(negative)):
        return a**b
    powers = a ** xp.where(negative, xp.zeros_like(b), b)
    one = xp.ones_like(powers)
    inverse = xp.where(a == 1, one, xp.where(a == -1, xp.where(b % 2 == 0, one, -one), xp.zeros_like(powers)))
    return xp.where(negative, inverse, powers)


def remainder(a: Any, b: Any) -> Tensor:
    """a % b with the sign of b (Python's and PyTorch's ``%``): Remainder."""
    a, b = _integer_pair(a, b)
    if b.dtype.kind in "iub" and a.dtype.kind in "iub" and bool(_xp(b.array).any(b.array == 0)):
        raise ZeroDivisionError("ZeroDivisionError: integer modulo by zero")
    return Remainder.apply(a, b)


def neg(a: Tensor) -> Tensor:
    if _is_bool(a):
        raise NotImplementedError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                                  "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return Neg.apply(a)


def pow(a: Any, exponent: Any) -> Tensor:  # noqa: A001 - mirrors torch.pow
    """``a ** exponent``; a Python number as exponent is a constant, a Tensor is differentiable.
    An integer or bool tensor keeps an integer dtype under an integer exponent and becomes the
    default float dtype under a float one, as in PyTorch."""
    if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
        a = as_tensor(a)
        if a.dtype.kind in "iub":
            if isinstance(exponent, float):
                a = a.astype(DEFAULT_DTYPE)
            elif exponent < 0:
                raise RuntimeError("Integers to negative integer powers are not allowed.")
            else:  # integers carry no gradient, so no graph is needed
                return Tensor._make(_integer_power(a, exponent), False, None)
        return PowScalar.apply(a, exponent=float(exponent))
    return Pow.apply(*_pair(a, exponent))


def _integer_power(a: Tensor, exponent: int) -> Any:
    """a ** exponent for an integer tensor, keeping its dtype (a bool tensor gives int64)."""
    array, xp = a.array, _xp(a.array)
    if a.dtype.kind == "b":
        array = xp.astype(array, xp.int64)
    return xp.power(array, xp.asarray(exponent, dtype=array.dtype))


# ============================================================== matmul
class MatMul(Function):
    """f = a @ b (NumPy's rules: 1-D operands, batched stacks);  df/da = g @ b^T, df/db = a^T @ g."""

    saved_for_gradient_of = {0: (1,), 1: (0,)}  # a is read for b's gradient only, b for a's

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.ndim == 0 or b.ndim == 0:
            raise ShapeError(f"matmul: operands must be at least 1-D, got shapes {tuple(a.shape)} and {tuple(b.shape)}")
        inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if a.shape[-1] != inner_b:
            raise ShapeError(
                f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} do not match "
                f"({a.shape[-1]} columns in the first, {inner_b} rows in the second)"
            )
        return _xp(a).matmul(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        # Promote 1-D operands to matrices as NumPy does, so one formula covers every case.
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        out_shape = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1])
        grad2 = grad.reshape(out_shape)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = unbroadcast(matmul(grad2, _swap_last(b2)), a2.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            grad_b = unbroadcast(matmul(_swap_last(a2), grad2), b2.shape).reshape(b.shape)
        return grad_a, grad_b


def _swap_last(x: Tensor) -> Tensor:
    return transpose(x, -1, -2)


def matmul(a: Any, b: Any) -> Tensor:
    return MatMul.apply(*_pair(a, b))
