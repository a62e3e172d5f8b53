"""The error function and its kin, and the last logarithms and inverse hyperbolics: erf, erfc,
erfinv, log2, log10, asinh, acosh, atanh, and frac, as PyTorch's. An integer input becomes
float32 first, as in PyTorch (frac refuses it, as PyTorch does).

NumPy and the array-API standard have no erf: each backend gives ``special("erf" | "erfc", a)``
(Python's math.erf on each element for the NumPy reference, Numba's compiled math.erf, CuPy's
cupyx.scipy.special), and erfinv is solved from them here, once for every backend."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .elementwise import exp, rsqrt
from .operands import _on_floats, _times_derivative, _ufunc

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)  # erf'(0)


def _special(name: str) -> staticmethod:
    """A one-input Function's ``forward``: the backend's ``special(name, a)`` (erf or erfc)."""

    def forward(ctx: Context, a: Any) -> Any:
        return backend_of(a).special(name, a)

    return staticmethod(forward)


class Erf(Function):
    """f = erf(a) = 2/sqrt(pi) * integral of exp(-t^2) from 0 to a;  df/da = 2/sqrt(pi) exp(-a^2)."""

    forward, backward = _special("erf"), _times_derivative(lambda a: exp(-(a * a)) * _TWO_OVER_SQRT_PI)


class Erfc(Function):
    """f = erfc(a) = 1 - erf(a), exact where erf(a) rounds to 1;  df/da = -2/sqrt(pi) exp(-a^2)."""

    forward, backward = _special("erfc"), _times_derivative(lambda a: exp(-(a * a)) * -_TWO_OVER_SQRT_PI)


def _erf_root(backend: Any, t: Any, q: Any) -> Any:
    """The x >= 0 with erf(x) = t, for float64 arrays 0 <= t < 1 and q = 1 - t (exact where t > 1/2,
    where the caller knows it better than 1 - t: erfcinv's q = 2p is).

    Start from Winitzki's closed-form approximation (relative error below 2e-3; written with
    log(1 - t^2) = log(q) + log1p(t), exact near t = 1), then four Halley steps on
    f(x) = erf(x) - t, for which f'' = -2x f', so a step is x -= r / (1 + x r) with r = f / f'.
    Each step cubes the relative error: 2e-3 becomes 1e-8, then below float64's 1e-16; the fourth is
    for the far tail (q near 1e-300, x near 26), where the third still left x 12 ulps off. For t > 1/2
    the residual is written q - erfc(x): erfc keeps the digits that erf(x) - t loses as t nears 1."""
    xp = backend.xp
    log_one_minus_t2 = xp.log(q) + xp.log1p(t)
    a = 0.147  # Winitzki's constant
    half_way = 2.0 / (math.pi * a) + log_one_minus_t2 / 2
    x = xp.sqrt(xp.maximum(xp.sqrt(half_way * half_way - log_one_minus_t2 / a) - half_way, xp.zeros_like(t)))
    upper = t > 0.5
    with backend.errstate():  # x * x underflows to 0 for tiny t, exp(-x * x) for q below 1e-308: harmless
        for _ in range(4):
            residual = xp.where(upper, q - backend.special("erfc", x), backend.special("erf", x) - t)
            slope = xp.exp(-(x * x)) * _TWO_OVER_SQRT_PI
            ratio = residual / xp.where(slope > 0, slope, xp.ones_like(slope))
            x = x - ratio / (1 + x * ratio)
    return x


def _erfinv(y: Any) -> Any:
    """The x with erf(x) = y, in float64 on y's backend, rounded to y's dtype: +-inf at y = +-1, NaN
    outside [-1, 1] (see :func:`_erf_root`)."""
    backend = backend_of(y)
    xp = backend.xp
    y64 = xp.astype(y, backend.native_dtype(np.float64))
    magnitude = xp.abs(y64)
    inside = magnitude < 1  # False at NaN
    t = xp.where(inside, magnitude, xp.zeros_like(magnitude))
    x = _erf_root(backend, t, 1 - t)
    edge = xp.where(magnitude == 1, xp.full_like(t, math.inf), xp.full_like(t, math.nan))
    result = xp.copysign(xp.where(inside, x, edge), y64)
    return xp.astype(result, y.dtype)


class Erfinv(Function):
    """f = erfinv(a), the x with erf(x) = a, for -1 <= a <= 1;  df/da = sqrt(pi)/2 exp(f^2) (the
    output is reused)."""

    saved_inputs, saves_output = (), True  # backward reads the output only

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _erfinv(a)

    backward = _times_derivative(lambda f: exp(f * f) * (1.0 / _TWO_OVER_SQRT_PI), of_output=True)


class Log2(Function):
    """f = log2(a);  df/da = 1 / (a ln 2)."""

    forward, backward = _ufunc("log2"), _times_derivative(lambda a: 1.0 / (a * math.log(2.0)))


class Log10(Function):
    """f = log10(a);  df/da = 1 / (a ln 10)."""

    forward, backward = _ufunc("log10"), _times_derivative(lambda a: 1.0 / (a * math.log(10.0)))


class Asinh(Function):
    """f = asinh(a) = log(a + sqrt(a^2 + 1));  df/da = 1 / sqrt(a^2 + 1)."""

    forward, backward = _ufunc("asinh"), _times_derivative(lambda a: rsqrt(a * a + 1.0))


class Acosh(Function):
    """f = acosh(a) for a >= 1;  df/da = 1 / sqrt((a - 1)(a + 1)) (infinite at a = 1)."""

    # (a - 1)(a + 1) rather than a^2 - 1: exact near a = 1, where a^2 - 1 cancels
    forward, backward = _ufunc("acosh"), _times_derivative(lambda a: rsqrt((a - 1.0) * (a + 1.0)))


class Atanh(Function):
    """f = atanh(a) for -1 <= a <= 1;  df/da = 1 / ((1 - a)(1 + a)) (infinite at a = +-1)."""

    forward, backward = _ufunc("atanh"), _times_derivative(lambda a: 1.0 / ((1.0 - a) * (a + 1.0)))


class Frac(Function):
    """f = a - trunc(a), the fractional part with a's sign;  df/da = 1."""

    saved_inputs = ()  # backward reads nothing

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return a - backend_of(a).xp.trunc(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad,)


erf, erfc, erfinv = _on_floats(Erf), _on_floats(Erfc), _on_floats(Erfinv)
log2, log10 = _on_floats(Log2), _on_floats(Log10)
asinh, acosh, atanh = _on_floats(Asinh), _on_floats(Acosh), _on_floats(Atanh)
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def frac(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """a - trunc(a). An integer tensor is refused, as PyTorch refuses it."""
    if input.dtype.kind != "f":
        raise NotImplementedError(f"frac: not implemented for an integer or bool tensor ({input.dtype}), as in PyTorch")
    return Frac.apply(input)
