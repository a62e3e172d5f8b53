"""Trigonometric and hyperbolic functions: sin, cos, tan, asin, acos, atan, sinh, cosh, and atan2 of
two tensors, as PyTorch's. An integer input becomes float32 first, as in PyTorch.

Each op is a ``Function`` whose forward is the array namespace's function of the same name and
whose backward multiplies the gradient by f' written in Tensor ops (minigan/ops/operands.py's
``_ufunc`` and ``_times_derivative``), so second derivatives record like any other op's."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor, unbroadcast
from ..autograd.function import Context, Function
from .elementwise import rsqrt, where
from .operands import _check_broadcast, _floating, _on_floats, _pair, _times_derivative, _ufunc, _xp
from ..torch_api.out_argument import takes_out


class Sin(Function):
    """f = sin(a);  df/da = cos(a)."""

    forward, backward = _ufunc("sin"), _times_derivative(lambda a: cos(a))


class Cos(Function):
    """f = cos(a);  df/da = -sin(a)."""

    forward, backward = _ufunc("cos"), _times_derivative(lambda a: -sin(a))


class Tan(Function):
    """f = tan(a);  df/da = 1 + f^2 (the output is reused)."""

    saved_inputs, saves_output = (), True  # backward reads the output only
    forward, backward = _ufunc("tan"), _times_derivative(lambda f: f * f + 1.0, of_output=True)


class Asin(Function):
    """f = asin(a) for -1 <= a <= 1;  df/da = 1 / sqrt(1 - a^2) (infinite at a = +-1)."""

    forward, backward = _ufunc("asin"), _times_derivative(lambda a: rsqrt(1.0 - a * a))


class Acos(Function):
    """f = acos(a) for -1 <= a <= 1;  df/da = -1 / sqrt(1 - a^2) (infinite at a = +-1)."""

    forward, backward = _ufunc("acos"), _times_derivative(lambda a: -rsqrt(1.0 - a * a))


class Atan(Function):
    """f = atan(a);  df/da = 1 / (1 + a^2)."""

    forward, backward = _ufunc("atan"), _times_derivative(lambda a: 1.0 / (a * a + 1.0))


class Sinh(Function):
    """f = sinh(a);  df/da = cosh(a)."""

    forward, backward = _ufunc("sinh"), _times_derivative(lambda a: cosh(a))


class Cosh(Function):
    """f = cosh(a);  df/da = sinh(a)."""

    forward, backward = _ufunc("cosh"), _times_derivative(lambda a: sinh(a))


class Atan2(Function):
    """f = atan2(a, b), the angle of the point (b, a) in [-pi, pi];  df/da = b / (a^2 + b^2),
    df/db = -a / (a^2 + b^2) (0 at a = b = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("atan2", a, b)
        return _xp(a).atan2(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        squared = a * a + b * b
        # Trap: at a = b = 0 this is 0/0. Both numerators are 0 there, so dividing by 1 instead gives
        # PyTorch's zero gradient with no floating-point warning.
        scaled = grad / where(squared.array == 0, 1.0, squared)
        grad_a = unbroadcast(scaled * b, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(-(scaled * a), b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


sin, cos, tan, asin, acos, atan, sinh, cosh = map(_on_floats, (Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh))


@takes_out
def atan2(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The angle of the point (other, input), elementwise with broadcasting: ``torch.atan2(y, x)``."""
    return Atan2.apply(*_pair(_floating(input), other))


arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2  # PyTorch's NumPy-style aliases
