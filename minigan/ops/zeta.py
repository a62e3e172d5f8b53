"""The Hurwitz zeta function zeta(x, q) = sum_k>=0 (q + k)^-x, as torch.special.zeta(input, other):
differentiable in q (d/dq zeta(x, q) = -x zeta(x + 1, q), second derivatives included), while PyTorch
implements no derivative in x: a backward pass that reaches x raises one line naming it.

Computed in float64 on the input's backend and rounded to the promoted dtype: the first terms are
added one by one until q + k >= 25 (for q < 0 the terms below 0 are first folded onto 1 - frac(q), so a q
of -1e9 takes no more steps than one of 0.5), then the Euler-Maclaurin formula (Abramowitz & Stegun 23.1.30)
gives the rest, w^(1-x) / (x - 1) + w^-x / 2 + sum_j B_2j / (2j)! x (x+1)...(x+2j-2) w^(-x-2j+1) at
w = q + k, ten terms of which are below float64's rounding there for any x > 1. PyTorch's edge values:
+inf at x = 1, NaN for x < 1; for q <= 0, +inf at the poles q = 0, -1, -2... and NaN unless x is a whole
number (the powers of the negative terms are then real)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .gamma import _BERNOULLI
from .no_derivative import without_derivative
from .normal import in_dtype
from .float_pair import float_pair
from .operands import _constant
from .shape import broadcast_to
from ..torch_api.out_argument import takes_out

_DIRECT_TO = 25.0


def _positive(xp: Any, s: Any, w: Any) -> Any:
    """zeta(s, w) for s > 1 (finite) and w > 0: terms one by one to w + k = 25, then Euler-Maclaurin."""
    total = xp.zeros_like(s)
    steps = int(math.ceil(_DIRECT_TO - float(xp.min(w)))) if w.size else 0
    for _ in range(max(steps, 0)):
        below = w < _DIRECT_TO
        if not bool(xp.any(below)):
            break
        total = total + xp.where(below, w ** -s, xp.zeros_like(s))
        w = xp.where(below, w + 1.0, w)
    power = w ** -s
    total = total + power * w / (s - 1.0) + power * 0.5
    rising, inverse_square = s, 1.0 / (w * w)
    term = power / w  # w^(-s-1), times x(x+1)...(x+2j-2) B_2j / (2j)! below
    factorial = 1.0
    for j, bernoulli in enumerate(_BERNOULLI, start=1):
        if j > 1:
            rising = rising * (s + (2 * j - 3)) * (s + (2 * j - 2))
            term = term * inverse_square
        factorial *= (2 * j - 1) * (2 * j)
        total = total + term * rising * (bernoulli / factorial)
    return total


def _zeta(x: Any, q: Any, dtype: Any) -> Any:
    """zeta(x, q) of two float arrays of one shape, in ``dtype``."""
    backend = backend_of(q)
    xp = backend.xp
    float64 = backend.native_dtype(np.float64)
    x, q = xp.astype(x, float64), xp.astype(q, float64)
    whole_x = xp.where(xp.isfinite(x), x, xp.zeros_like(x))
    whole_x = xp.floor(whole_x) == whole_x
    whole_q = xp.where(xp.isfinite(q), q, xp.full_like(q, 0.5))
    pole = (q <= 0) & ((xp.floor(whole_q) == whole_q) | (q == -math.inf))  # -inf too, as PyTorch's
    valid = (x > 1) & ~pole & ((q > 0) | whole_x) & (q == q)  # False at NaN
    s = xp.where(valid & (x < math.inf), x, xp.full_like(x, 2.0))
    w = xp.where(valid & (q < math.inf), q, xp.ones_like(q))
    negative = w < 0  # then s is a whole number, and q = f - m with 0 < f < 1
    fraction = w - xp.floor(w)
    total = _positive(xp, s, xp.where(negative, fraction, w))
    if bool(xp.any(negative)):  # the m terms below 0: (-1)^s sum_j<=m (j - f)^-s = (-1)^s (zeta(s, 1-f) - zeta(s, 1-f+m))
        inner = xp.where(negative, 1.0 - fraction, xp.ones_like(w))
        folded = _positive(xp, s, inner) - _positive(xp, s, inner - xp.where(negative, xp.floor(w), xp.zeros_like(w)))
        odd = xp.remainder(s, 2.0) == 1
        total = total + xp.where(negative, xp.where(odd, -folded, folded), xp.zeros_like(w))
    at_infinity = xp.where(q == 1, xp.ones_like(q), xp.where(q > 1, xp.zeros_like(q), xp.full_like(q, math.inf)))
    value = xp.where(x == math.inf, at_infinity, total)  # (q + k)^-inf: only q^-inf is not 0
    value = xp.where(q == math.inf, xp.zeros_like(q), value)
    value = xp.where(valid, value, xp.where(x == 1, xp.full_like(x, math.inf), xp.full_like(x, math.nan)))
    value = xp.where(pole & (x >= 1), xp.full_like(x, math.inf), value)
    value = xp.where(xp.isnan(x) | xp.isnan(q), xp.full_like(x, math.nan), value)
    return in_dtype(backend, value, dtype)


class Zeta(Function):
    """f = zeta(x, q) = sum_k>=0 (q + k)^-x in q, with x a fixed array of q's shape;  df/dq = -x zeta(x + 1, q)."""

    @staticmethod
    def forward(ctx: Context, q: Any, x: Any) -> Any:
        return _zeta(x, q, q.dtype)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x = ctx.options["x"]
        return (grad * Zeta.apply(ctx.inputs[0], x=x + 1.0) * _constant(-x),)


@takes_out
def zeta(input: Any, other: Any) -> Tensor:  # noqa: A002 - PyTorch's argument names
    """The Hurwitz zeta function sum_k>=0 (other + k)^-input (the Riemann zeta at other = 1)."""
    x, q, shape = float_pair("zeta", "input", "other", input, other)
    xp = backend_of(x.array).xp
    exponents = xp.broadcast_to(x.array, shape)
    value = Zeta.apply(broadcast_to(q, shape) if tuple(q.shape) != shape else q, x=exponents)
    return without_derivative(value, "zeta", x)
