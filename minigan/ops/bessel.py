"""The modified Bessel functions of the first kind of orders 0 and 1, as torch.special's: i0, i1
and their exponentially scaled forms i0e = exp(-|x|) i0 and i1e = exp(-|x|) i1, with gradients
written in these same ops (so second derivatives work).

Written once, in float64 array ops on the input's backend: the power series below |x| = 20 and the
asymptotic series above it, then rounded to the input's dtype."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .elementwise import abs, where  # noqa: A004 - the ops of these names
from .normal import in_dtype
from .operands import _on_floats
from .rounding import sign

_SERIES_BELOW = 20.0
_SERIES_TERMS = 60  # at |x| = 20 the 45th term is below 1e-25 of the sum
_ASYMPTOTIC_TERMS = 30  # at |x| = 20 the 30th term is below 3e-18; the terms shrink until k = 2|x|
_LOG_LARGEST = math.log(np.finfo(np.float64).max)


def _bessel_i(a: Any, order: int, scaled: bool) -> Any:
    """I_order(x), or exp(-|x|) I_order(x) when ``scaled``, of a float array (order 0 or 1), in its dtype.

    |x| <= 20: I_v(x) = sum_k (x/2)^(2k+v) / (k! (k+v)!) (A&S 9.6.10), all terms positive.
    |x| > 20: I_v(x) = exp(|x|) / sqrt(2 pi |x|) sum_k (-1)^k prod_j<=k (4v^2 - (2j-1)^2) / (k! (8|x|)^k)
    (A&S 9.7.1), with exp(|x|) = exp(|x|/2)^2, so that I_0 and I_1 overflow to +inf only past their own
    range (|x| ~ 714), not exp's (709.8). I_0 is even, I_1 odd."""
    backend = backend_of(a)
    xp = backend.xp
    x = xp.astype(a, backend.native_dtype(np.float64))
    magnitude = xp.abs(x)
    near = magnitude <= _SERIES_BELOW  # False at NaN
    small = xp.where(near, magnitude, xp.zeros_like(x))
    quarter_square = small * small * 0.25
    term = xp.ones_like(x) if order == 0 else small * 0.5
    total = term
    for k in range(1, _SERIES_TERMS):
        term = term * quarter_square / (k * (k + order))
        total = total + term
    series = total * xp.exp(-small) if scaled else total
    large = xp.where(near, xp.full_like(x, 2 * _SERIES_BELOW), magnitude)
    inverse = 1.0 / (8.0 * large)
    term, expansion = xp.ones_like(x), xp.ones_like(x)
    for k in range(1, _ASYMPTOTIC_TERMS):
        term = term * ((2 * k - 1) ** 2 - 4 * order * order) * inverse / k
        expansion = expansion + term
    asymptotic = expansion / xp.sqrt(2.0 * math.pi * large)
    if not scaled:  # times exp(|x|) = exp(|x|/2)^2: each factor exact to rounding (|x|/2 is), and finite to |x| = 714
        bounded = xp.minimum(large, xp.full_like(x, 1e300))  # inf - inf would be NaN at |x| = inf
        overflows = bounded - 0.5 * xp.log(2.0 * math.pi * bounded) + xp.log(expansion) > _LOG_LARGEST
        half = xp.exp(xp.where(overflows, xp.zeros_like(x), large * 0.5))
        asymptotic = xp.where(overflows, xp.full_like(x, math.inf), asymptotic * half * half)
    value = xp.where(near, series, asymptotic)
    if order == 1:
        value = xp.copysign(value, x)
    return in_dtype(backend, value, a.dtype)


def _forward(order: int, scaled: bool) -> staticmethod:
    def forward(ctx: Context, a: Any) -> Any:
        return _bessel_i(a, order, scaled)

    return staticmethod(forward)


def _nonzero(a: Tensor) -> Tensor:
    """a with its zeros made 1: a divisor for the terms whose limit at 0 is taken apart."""
    return where(a == 0, 1.0, a)


class I0(Function):
    """f = I_0(a), the modified Bessel function of order 0;  df/da = I_1(a)."""

    forward = _forward(0, scaled=False)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * i1(ctx.inputs[0]),)


class I1(Function):
    """f = I_1(a);  df/da = I_0(a) - I_1(a) / a (1/2 at a = 0)."""

    forward = _forward(1, scaled=False)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0]
        overflows = abs(a) >= 714.0  # I_0 and I_1 both +inf: inf - inf would be NaN
        finite = where(overflows, 1.0, a)
        return (grad * where(a == 0, 0.5, where(overflows, math.inf, i0(finite) - i1(finite) / _nonzero(finite))),)


class I0e(Function):
    """f = exp(-|a|) I_0(a);  df/da = i1e(a) - sign(a) i0e(a)."""

    forward = _forward(0, scaled=True)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0]
        return (grad * (i1e(a) - sign(a) * i0e(a)),)


class I1e(Function):
    """f = exp(-|a|) I_1(a);  df/da = i0e(a) - i1e(a) (sign(a) + 1/a) (1/2 at a = 0)."""

    forward = _forward(1, scaled=True)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0]
        return (grad * where(a == 0, 0.5, i0e(a) - i1e(a) * sign(a) - i1e(a) / _nonzero(a)),)


i0, i1, i0e, i1e = _on_floats(I0), _on_floats(I1), _on_floats(I0e), _on_floats(I1e)
