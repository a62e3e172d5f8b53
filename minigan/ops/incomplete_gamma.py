"""The regularized incomplete gamma functions, as torch.special.gammainc(input, other) = P(a, x) =
gamma(a, x) / Gamma(a) and gammaincc = Q(a, x) = 1 - P(a, x), with a = input and x = other, both
Tensors. As PyTorch's, they are differentiable in x (dP/dx = x^(a-1) exp(-x) / Gamma(a) = -dQ/dx, second
derivatives included) and not in a: a backward pass that reaches a raises NotImplementedError, one line.

Computed in float64 on the inputs' backend and rounded to their promoted dtype (Numerical Recipes 6.2):
below x = a + 1 the series P = x^a e^-x / Gamma(a + 1) sum_n>=0 x^n / ((a+1)...(a+n)) (A&S 6.5.29),
above it the continued fraction Q = x^a e^-x / Gamma(a) / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) /
(x + 5 - a - ...))) (A&S 6.5.31), evaluated by Lentz's method; the other function is 1 minus the one
computed, except Q for a <= 1/2 and x <= 3/2, where P is near 1: there Q comes from P's other series
(see _upper_small_a). The factor x^a e^-x / Gamma(a + 1) is exp(a ln x - x - lgamma(a + 1)) for a < 20, and for
larger a exp(-a (d - ln(1 + d))) / (sqrt(2 pi a) Gamma*(a)) with d = (x - a) / a and Stirling's series
for ln Gamma*(a) (A&S 6.1.41), which does not subtract lgamma(a + 1) ~ a ln a from a ln x.
PyTorch's edge values: NaN for a < 0 or x < 0, and at a = x = 0; P = 1 at a = 0 < x and at x = +inf
(a finite); P = 0 at x = 0 < a and at a = +inf (x finite)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .elementwise import exp, log, where
from .gamma import _BERNOULLI, lgamma
from .bessel_k import _EULER
from .zeta import _zeta
from .no_derivative import without_derivative
from .normal import in_dtype
from .float_pair import float_pair
from .operands import _constant
from .shape import broadcast_to
from ..torch_api.out_argument import takes_out

_STIRLING_FROM = 20.0
_MAX_STEPS = 20000  # the sum and the fraction take about 10 sqrt(a) steps where x is near a
_TINY = 1e-300
_EPS = 2.0 ** -53


def _log1p_excess(xp: Any, d: Any) -> Any:
    """d - ln(1 + d) for d >= -1 (+inf at -1), without cancellation near 0: there sum_k>=2 (-d)^k / k."""
    near = xp.abs(d) < 0.125
    small = xp.where(near, d, xp.zeros_like(d))
    total, power = xp.zeros_like(d), small
    for k in range(2, 22):  # 0.125^21 / 21 < 1e-20
        power = -power * small
        total = total + power / k
    edge = d <= -1.0  # x rounded to 0 against a: the excess is +inf, and x^a e^-x / Gamma(a + 1) is 0
    far = xp.where(near | edge, xp.ones_like(d), d)
    return xp.where(near, -total, xp.where(edge, xp.full_like(d, math.inf), far - xp.log1p(far)))


def _front(backend: Any, a: Any, x: Any) -> Any:
    """x^a e^-x / Gamma(a + 1) for a > 0, x > 0 (float64 arrays)."""
    xp = backend.xp
    small = a < _STIRLING_FROM
    a_small = xp.where(small, a, xp.ones_like(a))
    direct = xp.exp(a_small * xp.log(x) - x - backend.special("lgamma", a_small + 1.0))
    a_large = xp.where(small, xp.full_like(a, _STIRLING_FROM), a)
    d = (xp.where(small, a_large, x) - a_large) / a_large  # 0 where the direct form is used, so no log1p(-1)
    inverse, inverse_square = 1.0 / a_large, 1.0 / (a_large * a_large)
    log_star, power = xp.zeros_like(a), inverse
    for k, bernoulli in enumerate(_BERNOULLI, start=1):
        log_star = log_star + power * (bernoulli / (2 * k * (2 * k - 1)))
        power = power * inverse_square
    stirling = xp.exp(-a_large * _log1p_excess(xp, d) - log_star) / xp.sqrt(2.0 * math.pi * a_large)
    return xp.where(small, direct, stirling)


def _series(xp: Any, a: Any, x: Any, todo: Any) -> Any:
    """sum_n>=0 x^n a / ((a)(a+1)...(a+n)) = a sum x^n / (a (a+1)...(a+n)), where ``todo`` (x < a + 1)."""
    a = xp.where(todo, a, xp.ones_like(a))
    x = xp.where(todo, x, xp.zeros_like(x))
    term, total, shifted = xp.ones_like(a), xp.ones_like(a), a
    active = todo
    for step in range(_MAX_STEPS):
        shifted = shifted + 1.0
        term = xp.where(active, term * x / shifted, term)
        total = xp.where(active, total + term, total)
        if step % 8 == 7:
            active = active & (xp.abs(term) > xp.abs(total) * _EPS)
            if not bool(xp.any(active)):
                break
    return total


def _fraction(xp: Any, a: Any, x: Any, todo: Any) -> Any:
    """1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...)) times a, by Lentz's method, where ``todo`` (x >= a + 1)."""
    a = xp.where(todo, a, xp.ones_like(a))
    x = xp.where(todo, x, xp.full_like(x, 3.0))
    b = x + 1.0 - a
    c = xp.full_like(x, 1.0 / _TINY)
    d = 1.0 / b
    h = d
    active = todo
    for i in range(1, _MAX_STEPS):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = 1.0 / xp.where(xp.abs(d) < _TINY, xp.full_like(d, _TINY), d)
        c = b + an / c
        c = xp.where(xp.abs(c) < _TINY, xp.full_like(c, _TINY), c)
        delta = d * c
        h = xp.where(active, h * delta, h)
        active = active & (xp.abs(delta - 1.0) > _EPS)
        if i % 8 == 0 and not bool(xp.any(active)):
            break
    return h * a


def _lgamma1p(xp: Any, a: Any) -> Any:
    """ln Gamma(1 + a) for 0 < a <= 1/2, without rounding 1 + a: -gamma a + sum_k>=2 (-1)^k zeta(k) a^k / k
    (A&S 6.1.33; 55 terms, 2^-55 < 3e-17), with zeta(k) from minigan/ops/zeta.py."""
    orders = np.arange(2.0, 57.0)
    zetas = _zeta(orders, np.ones_like(orders), np.dtype(np.float64))
    total, power = -_EULER * a, -a
    for k, zeta_k in zip(orders.tolist(), np.asarray(zetas).tolist()):  # Python floats: any array type takes them
        power = -power * a
        total = total + power * (zeta_k / k)
    return total


def _upper_small_a(xp: Any, a: Any, x: Any) -> Any:
    """Q(a, x) for 0 < a <= 1/2 and x <= 3/2, where P is near 1 and 1 - P would lose digits: from
    P = x^a / Gamma(a + 1) (1 + a sum_n>=1 (-x)^n / (n! (a + n))) (A&S 6.5.29 in its other form),
    Q = -expm1(a ln x - ln Gamma(1 + a)) - x^a / Gamma(a + 1) a sum_n>=1 (-x)^n / (n! (a + n)), whose two
    parts have one sign there (30 terms: 1.5^30 / 30! < 1e-27)."""
    exponent = a * xp.log(x) - _lgamma1p(xp, a)
    term, total = xp.ones_like(x), xp.zeros_like(x)
    for n in range(1, 31):
        term = term * -x / n
        total = total + term / (a + n)
    return -xp.expm1(exponent) - xp.exp(exponent) * a * total


def _incomplete_gamma(a: Any, x: Any, upper: bool, dtype: Any) -> Any:
    """P(a, x), or Q(a, x) when ``upper``, of two float arrays of one shape, in ``dtype``."""
    backend = backend_of(x)
    xp = backend.xp
    float64 = backend.native_dtype(np.float64)
    a, x = xp.astype(a, float64), xp.astype(x, float64)
    inside = (a > 0) & (x > 0) & (a < math.inf) & (x < math.inf)
    lower_side = inside & (x < a + 1.0)
    upper_side = inside & ~lower_side
    a_in = xp.where(inside, a, xp.ones_like(a))
    x_in = xp.where(inside, x, xp.ones_like(x))
    front = _front(backend, a_in, x_in)
    lower = front * _series(xp, a_in, x_in, lower_side)
    higher = front * _fraction(xp, a_in, x_in, upper_side)
    p = xp.where(lower_side, lower, 1.0 - higher)
    q = xp.where(lower_side, 1.0 - lower, higher)
    if upper:
        small = lower_side & (a <= 0.5) & (x <= 1.5)
        q = xp.where(small, _upper_small_a(xp, xp.where(small, a, xp.full_like(a, 0.5)),
                                           xp.where(small, x, xp.ones_like(x))), q)
    value = q if upper else p
    one, zero = xp.ones_like(x), xp.zeros_like(x)
    at_one = ((a == 0) & (x > 0)) | ((x == math.inf) & (a < math.inf))  # P = 1
    at_zero = ((x == 0) & (a > 0)) | ((a == math.inf) & (x < math.inf))  # P = 0
    value = xp.where(at_one, zero if upper else one, xp.where(at_zero, one if upper else zero, value))
    valid = inside | at_one | at_zero
    value = xp.where(valid & (a >= 0) & (x >= 0), value, xp.full_like(x, math.nan))
    return in_dtype(backend, value, dtype)


class Gammainc(Function):
    """f = P(a, x) in x, with a a fixed array of x's shape;  df/dx = x^(a-1) e^-x / Gamma(a)."""

    @staticmethod
    def forward(ctx: Context, x: Any, a: Any) -> Any:
        return _incomplete_gamma(a, x, False, x.dtype)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * _density(ctx.inputs[0], ctx.options["a"]),)


class Gammaincc(Function):
    """f = Q(a, x) = 1 - P(a, x) in x, with a a fixed array of x's shape;  df/dx = -x^(a-1) e^-x / Gamma(a)."""

    @staticmethod
    def forward(ctx: Context, x: Any, a: Any) -> Any:
        return _incomplete_gamma(a, x, True, x.dtype)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (-grad * _density(ctx.inputs[0], ctx.options["a"]),)


def _density(x: Tensor, a: Any) -> Tensor:
    """x^(a-1) e^-x / Gamma(a) = exp((a - 1) ln x - x - lgamma(a)) in Tensor ops of x (a fixed); at x = 0
    its limit: +inf for a < 1, 1 at a = 1, 0 above."""
    shape = _constant(a)
    positive = x > 0
    inside = where(positive, x, 1.0)
    value = exp((shape - 1.0) * log(inside) - inside - lgamma(shape))
    xp = backend_of(a).xp
    at_zero = _constant(xp.where(a < 1, xp.full_like(a, math.inf), xp.where(a == 1, xp.ones_like(a), xp.zeros_like(a))))
    return where(positive, value, at_zero)


def _apply(name: str, function: type, input: Any, other: Any) -> Tensor:  # noqa: A002
    for argument, value in (("input", input), ("other", other)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{argument}' must be Tensor, not {type(value).__name__}")
    if input.dtype.kind != "f" and other.dtype.kind != "f":
        raise RuntimeError(f"{name}: not implemented for integer tensors ({input.dtype}); give a float tensor")
    a, x, shape = float_pair(name, "input", "other", input, other)
    xp = backend_of(x.array).xp
    value = function.apply(broadcast_to(x, shape) if tuple(x.shape) != shape else x, a=xp.broadcast_to(a.array, shape))
    return without_derivative(value, f"{'igammac' if function is Gammaincc else 'igamma'}: input", a)


@takes_out
def gammainc(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002 - PyTorch's argument names
    """P(a, x) = gamma(a, x) / Gamma(a), the regularized lower incomplete gamma function (a = input, x = other)."""
    return _apply("gammainc", Gammainc, input, other)


@takes_out
def gammaincc(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Q(a, x) = 1 - P(a, x), the regularized upper incomplete gamma function."""
    return _apply("gammaincc", Gammaincc, input, other)
