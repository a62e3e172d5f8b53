"""The standard normal distribution's functions, as torch.special's: ndtr (its CDF), ndtri (the CDF's
inverse), log_ndtr (the CDF's log, finite far into the left tail), and erfcx, the scaled
complementary error function exp(x^2) erfc(x) that log_ndtr is written with.

erfcx and ndtri are computed in float64 on the input's backend, from the backend's erfc (see
minigan/ops/special.py), and rounded to the input's dtype; ndtr and log_ndtr are built from ops that
have gradients, so their second derivatives follow."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .elementwise import exp, log, log1p, where
from .exact import split
from .operands import _floating, _on_floats, _times_derivative
from .special import _TWO_OVER_SQRT_PI, _erf_root, erfc
from ..torch_api.out_argument import takes_out

_SQRT_HALF = math.sqrt(0.5)
_ASYMPTOTIC_FROM = 26.0  # erfcx's asymptotic series from here: erfc(26) ~ 6e-296 is still a normal float64
_OVERFLOW_BELOW = -26.628  # 2 exp(x^2) passes float64's largest value just below this


def in_dtype(backend: Any, values: Any, dtype: Any) -> Any:
    """float64 ``values`` rounded to ``dtype``; a value past its range becomes +-inf without the
    overflow warning NumPy gives when casting."""
    xp = backend.xp
    largest = float(np.finfo(backend.numpy_dtype(dtype)).max)
    values = xp.where(xp.abs(values) > largest, xp.copysign(xp.full_like(values, math.inf), values), values)
    return xp.astype(values, dtype)


def _erfcx(a: Any) -> Any:
    """exp(x^2) erfc(x) of a float array, in its dtype.

    Below x = 26, exp(x^2) erfc(x), with x^2 split as h^2 + l (h + x), h = x with its low 26 bits
    cleared and l = x - h: h^2 is exact, so exp's argument carries no rounding error for the
    exponential to magnify (x^2 rounded costs 1e-13 at x = 26). From 26 up, the asymptotic series
    1/(x sqrt(pi)) sum_k (-1)^k (2k-1)!! / (2x^2)^k (Abramowitz & Stegun 7.1.23), whose ninth term
    is below 2e-19 there. Below -26.628, 2 exp(x^2) overflows: +inf."""
    backend = backend_of(a)
    xp = backend.xp
    x = xp.astype(a, backend.native_dtype(np.float64))
    far, overflows = x > _ASYMPTOTIC_FROM, x < _OVERFLOW_BELOW  # both False at NaN
    near = xp.where(far | overflows, xp.zeros_like(x), x)
    high, low = split(near)
    direct = xp.exp(high * high) * xp.exp(low * (high + near)) * backend.special("erfc", near)
    big = xp.where(far, x, xp.full_like(x, _ASYMPTOTIC_FROM))
    w = (0.5 / big) / big  # 1 / (2 x^2), without overflow at x = 1e300
    term, total = xp.ones_like(x), xp.ones_like(x)
    for k in range(1, 9):
        term = term * (-(2 * k - 1) * w)
        total = total + term
    series = total / (big * math.sqrt(math.pi))
    result = xp.where(far, series, xp.where(overflows, xp.full_like(x, math.inf), direct))
    return in_dtype(backend, result, a.dtype)


class Erfcx(Function):
    """f = erfcx(a) = exp(a^2) erfc(a);  df/da = 2 a f - 2/sqrt(pi)."""

    saves_output = True  # backward reads the input and the output

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _erfcx(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * (ctx.inputs[0] * ctx.output * 2.0 - _TWO_OVER_SQRT_PI),)


def _ndtri(p: Any) -> Any:
    """The x with ndtr(x) = p, in p's dtype: sign(p - 1/2) sqrt(2) erfcinv(2 min(p, 1 - p)), where
    erfcinv(q) is the root of erf(x) = 1 - q solved from q itself (exact: 1 - p is exact for
    p >= 1/2), so the left tail keeps its digits down to p = 1e-300. -inf at 0, +inf at 1, NaN outside."""
    backend = backend_of(p)
    xp = backend.xp
    p64 = xp.astype(p, backend.native_dtype(np.float64))
    inside = (p64 > 0) & (p64 < 1)  # False at NaN
    q = xp.where(inside, 2.0 * xp.minimum(p64, 1.0 - p64), xp.ones_like(p64))
    x = _erf_root(backend, 1.0 - q, q) * math.sqrt(2.0)
    x = xp.where(p64 < 0.5, -x, x)
    edge = xp.where(p64 == 0, xp.full_like(x, -math.inf), xp.where(p64 == 1, xp.full_like(x, math.inf),
                                                                     xp.full_like(x, math.nan)))
    return xp.astype(xp.where(inside, x, edge), p.dtype)


class Ndtri(Function):
    """f = ndtri(a), the x with ndtr(x) = a, for 0 <= a <= 1;  df/da = sqrt(2 pi) exp(f^2 / 2) (the
    output is reused)."""

    saved_inputs, saves_output = (), True  # backward reads the output only

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _ndtri(a)

    backward = _times_derivative(lambda f: exp(f * f * 0.5) * math.sqrt(2.0 * math.pi), of_output=True)


erfcx, ndtri = _on_floats(Erfcx), _on_floats(Ndtri)


@takes_out
def ndtr(input: Any) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """The standard normal CDF, erfc(-x / sqrt 2) / 2 (no cancellation for x << 0); its derivative
    is the density exp(-x^2 / 2) / sqrt(2 pi)."""
    return erfc(_floating(input) * -_SQRT_HALF) * 0.5


@takes_out
def log_ndtr(input: Any) -> Tensor:  # noqa: A002
    """log ndtr(x): for x < 0, log(erfcx(-x / sqrt 2) / 2) - x^2 / 2, finite down to x = -1e154 in
    float64 (-inf below), where ndtr underflows at -38; for x >= 0, log1p(-erfc(x / sqrt 2) / 2). Each branch sees 0
    where the other is taken, so the branch not taken never overflows and its zero gradient stays 0."""
    x = _floating(input)
    negative = x < 0
    limit = -math.sqrt(float(np.finfo(x.dtype).max))  # beyond it x^2 overflows, and erfcx(inf) = 0 has no log
    beyond = x < limit
    left, right = where(negative & (x >= limit), x, 0.0), where(negative, 0.0, x)
    left_value = where(beyond, -math.inf, log(erfcx(left * -_SQRT_HALF)) - left * left * 0.5 - math.log(2.0))
    return where(negative, left_value, log1p(erfc(right * _SQRT_HALF) * -0.5))
