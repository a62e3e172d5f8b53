"""torch.special's elementwise forms around log and sin: logit, xlogy, xlog1py, entr, sinc and exp2,
as PyTorch's (each also torch.<name>, and logit, xlogy and sinc Tensor methods). All but entr are built
from ops that have gradients; the masks below give PyTorch's value and gradient at the points the
plain formula leaves undefined (x = 0 in xlogy and sinc), and keep the branch not taken finite so its
zero gradient stays 0."""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Tensor, as_tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .arithmetic import pow  # noqa: A004 - the op of this name
from .elementwise import abs, clamp, log, log1p, where  # noqa: A004 - the ops of these names
from .operands import _constant, _floating, _on_floats, _pair, _xp
from .trig import cos, sin
from ..torch_api.out_argument import takes_out


@takes_out
def logit(input: Any, eps: float | None = None) -> Tensor:  # noqa: A002 - PyTorch's argument names
    """log(x / (1 - x)); with ``eps``, x clamped to [eps, 1 - eps] first (gradient 0 outside)."""
    x = _floating(input)
    if eps is not None:
        x = clamp(x, eps, 1.0 - eps)
    return log(x / (1.0 - x))


def _x_log(name: str, input: Any, other: Any, log_of: Any, pole: float) -> Tensor:  # noqa: A002
    """x log_of(y), where log_of has its pole at y = ``pole``: 0 where x = 0 unless y is NaN. Where x = 0
    and y is at or below the pole (or +inf), y is replaced by the point where log_of is 0, so the
    product and both gradients are 0 there (PyTorch's y-gradient is 0/0 = NaN at the pole)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{name}(): expected a Tensor for input or other, got two numbers")
    x, y = _pair(input, other)
    x, y = _floating(x), _floating(y)
    undefined = (x == 0) & ((y <= pole) | (y == math.inf))
    return x * log_of(where(undefined, pole + 1.0, y))


@takes_out
def xlogy(input: Any, other: Any) -> Tensor:  # noqa: A002
    """x log(y), 0 where x = 0 (unless y is NaN); gradients log(y) (0 where x = 0 and y <= 0) and x / y."""
    return _x_log("xlogy", input, other, log, 0.0)


@takes_out
def xlog1py(input: Any, other: Any) -> Tensor:  # noqa: A002
    """x log1p(y), 0 where x = 0 (unless y is NaN); gradients log1p(y) (0 where x = 0 and y <= -1) and
    x / (1 + y)."""
    return _x_log("xlog1py", input, other, log1p, -1.0)


class Entr(Function):
    """f = -a ln a for a > 0, 0 at a = 0, -inf for a < 0;  df/da = -(ln a + 1) (+inf at 0, NaN below, as
    PyTorch's)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        xp = backend_of(a).xp
        positive = a > 0
        safe = xp.where(positive, a, xp.ones_like(a))
        outside = xp.where(a == 0, xp.zeros_like(a), xp.full_like(a, -math.inf))
        return xp.where(positive, -safe * xp.log(safe), xp.where(a != a, a, outside))  # a != a: NaN stays NaN

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0]
        positive = a > 0
        xp = backend_of(a.array).xp
        outside = _constant(xp.where(a.array == 0, xp.full_like(a.array, math.inf), xp.full_like(a.array, math.nan)))
        return (grad * where(positive, -(log(where(positive, a, 1.0)) + 1.0), outside),)


entr = _on_floats(Entr)


_PI_SQUARED = math.pi * math.pi


def _sinc_slope(a: Tensor) -> Tensor:
    """sinc'(a) in ops of a (so second derivatives work): (cos(u) - sin(u) / u) / a with u = pi a, and
    below |a| = 1e-4 the Taylor polynomial's pi^2 a (u^2 / 30 - 1/3), whose terms stay finite."""
    small = abs(a) < 1e-4
    away = where(small, 1.0, a)
    angle = away * math.pi
    near = where(small, a, 0.0)
    return where(small, near * _PI_SQUARED * (near * near * (_PI_SQUARED / 30.0) - 1.0 / 3.0),
                 (cos(angle) - sin(angle) / angle) / away)


class Sinc(Function):
    """f = sin(pi a) / (pi a), 1 at a = 0;  df/da = (cos(pi a) - f) / a, 0 at a = 0 (below |a| = 1e-4,
    f = 1 - u^2/6 + u^4/120 with u = pi a, and f' its derivative).

    Its backward multiplies the gradient by f' computed first, as PyTorch's: an infinite incoming
    gradient comes out +-inf (the quotient's product rule gave inf - inf, NaN), and 0 at a = 0."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        xp = _xp(a)
        small = xp.abs(a) < 1e-4
        angle = xp.where(small, xp.ones_like(a), a) * math.pi
        u2 = xp.where(small, a, xp.zeros_like(a)) * math.pi
        u2 = u2 * u2
        return xp.where(small, 1.0 - u2 / 6.0 + u2 * u2 / 120.0, xp.sin(angle) / angle)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0]
        zero = a == 0  # 0 there even for an infinite gradient (the slope taken as 1: no inf * 0 to warn of)
        return (where(zero, 0.0, grad * where(zero, 1.0, _sinc_slope(a))),)


@takes_out
def sinc(input: Any) -> Tensor:  # noqa: A002
    """sin(pi x) / (pi x), 1 at x = 0 (gradient 0 there). Below |x| = 1e-4 its Taylor polynomial
    1 - u^2/6 + u^4/120 (u = pi x, the next term below 1e-26), whose derivatives stay finite where
    sin(u) / u's would divide by an underflowing u^2 (:class:`Sinc`)."""
    return Sinc.apply(_floating(input))


@takes_out
def exp2(input: Any) -> Tensor:  # noqa: A002
    """2^x; gradient 2^x ln 2."""
    x = _floating(input)
    return pow(as_tensor(2.0, x), x)
