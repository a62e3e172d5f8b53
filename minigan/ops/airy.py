"""The Airy function Ai(x), as torch.special.airy_ai: the solution of y'' = x y that decays as x -> +inf.
As PyTorch's, it is not differentiable: the result never requires grad.

Computed once, in float64 array ops on the input's backend, and rounded to the input's dtype, in four
ranges (zeta = 2/3 |x|^(3/2)):

* |x| <= 1: the Maclaurin series Ai = c1 f - c2 g (Abramowitz & Stegun 10.4.2), whose two parts do not
  cancel there;
* x > 1: Ai(x) = sqrt(x / 3) K_(1/3)(zeta) / pi (A&S 10.4.14), with exp(zeta) K_v(zeta) =
  zeta^(-1/2) integral_0^inf exp(-s^2 / 2) cosh(v t) / cosh(t / 2) ds, s = 2 sqrt(zeta) sinh(t / 2) (the
  substitution of minigan/ops/bessel_k.py), by the trapezoid rule with step 1/8 to s = 10, exact to
  rounding for zeta >= 2/3; 0 past x = 104, where exp(-zeta) underflows;
* -11.2 < x < -1: Ai(x) = sqrt(|x|) / 3 (J_(1/3)(zeta) + J_(-1/3)(zeta)) (A&S 10.4.15), each J by Miller's
  backward recurrence from order v + 60, scaled by (zeta/2)^v = sum_k (v + 2k) Gamma(v + k) / k! J_(v+2k)
  (A&S 9.1.87);
* x <= -11.2 (zeta >= 25): the asymptotic expansion (A&S 10.4.60) with u_k = (2k+1)(2k+3)...(6k-1) /
  (216^k k!), forty terms, and sin(zeta + pi/4) written as (sin zeta + cos zeta) / sqrt 2.

zeta is carried as a high and a low part (_zeta), so that exp(-zeta) and sin(zeta) do not turn its
rounding, zeta 1e-16, into a relative error of as much (2e-12 at x = -600 otherwise).

Ai(+-inf) = 0."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from .exact import fused_multiply_add
from .normal import in_dtype
from .operands import _constant, _floating
from ..torch_api.out_argument import takes_out

_C1 = 0.355028053887817239260  # Ai(0) = 3^(-2/3) / Gamma(2/3)
_C2 = 0.258819403792806798405  # -Ai'(0) = 3^(-1/3) / Gamma(1/3)
_MACLAURIN_TO = 1.0
_ASYMPTOTIC_FROM = 11.2  # zeta = 25
_UNDERFLOW_FROM = 104.0  # exp(-zeta) < 1e-308
_STEP, _NODES = 0.125, 81
_MILLER_START = 60
_ASYMPTOTIC_TERMS = 40
_TWO_THIRDS = 2.0 / 3.0
_TWO_THIRDS_LOW = 3.700743415417188e-17  # 2/3 - _TWO_THIRDS


def _zeta(x: Any) -> tuple[Any, Any]:
    """zeta = 2/3 x^(3/2) for x > 0 as high + low, the low part carrying what rounding drops (about
    zeta 1e-16, which exp(-zeta) and sin(zeta) would otherwise turn into a relative error of as much):
    sqrt(x)'s residual x - r^2 and the products' errors, each by a fused multiply-add written exactly
    (minigan/ops/exact.py)."""
    root = backend_of(x).xp.sqrt(x)
    residual = fused_multiply_add(-root, root, x)  # x - r^2, exact
    power = x * root
    power_low = fused_multiply_add(x, root, -power) + x * residual / (2.0 * root)  # x^(3/2) = power + power_low
    high = _TWO_THIRDS * power
    two_thirds = backend_of(x).xp.full_like(x, _TWO_THIRDS)
    low = fused_multiply_add(two_thirds, power, -high) + _TWO_THIRDS * power_low + _TWO_THIRDS_LOW * power
    return high, low


def _maclaurin(xp: Any, x: Any) -> Any:
    """c1 f(x) - c2 g(x), f = sum 3^k (1/3)_k x^3k / (3k)!, g = sum 3^k (2/3)_k x^(3k+1) / (3k+1)!: each
    term is the one before times x^3 / ((3k-1) 3k) for f and x^3 / (3k (3k+1)) for g."""
    cube = x * x * x
    f_term, g_term = xp.ones_like(x), x
    f, g = f_term, g_term
    for k in range(1, 25):  # |x| <= 1: the 25th terms are below 1e-60
        f_term = f_term * cube / ((3 * k - 1) * (3 * k))
        g_term = g_term * cube / ((3 * k) * (3 * k + 1))
        f, g = f + f_term, g + g_term
    return _C1 * f - _C2 * g


def _decaying(xp: Any, x: Any) -> Any:
    """Ai(x) for x > 1 from K_(1/3)(zeta), zeta = 2/3 x^(3/2), by the trapezoid rule."""
    zeta, zeta_low = _zeta(x)
    root = xp.sqrt(zeta)
    total = xp.zeros_like(x)
    for j in range(_NODES):
        s = j * _STEP
        half_sinh = s / (2.0 * root)  # sinh(t / 2)
        t = 2.0 * xp.asinh(half_sinh)
        integrand = xp.cosh(t / 3.0) / xp.sqrt(1.0 + half_sinh * half_sinh)
        total = total + integrand * (math.exp(-s * s * 0.5) * (0.5 if j == 0 else 1.0))
    scaled_k = total * _STEP / root
    return xp.sqrt(x / 3.0) / math.pi * scaled_k * xp.exp(-zeta) * (1.0 - zeta_low)


def _bessel_j_fractional(xp: Any, z: Any, order: float) -> Any:
    """J_order(z) for z >= 2/3 and order = +-1/3: Miller's backward recurrence
    J_(v+k-1) = 2 (v + k) / z J_(v+k) - J_(v+k+1) from b_61 = 0, b_60 = 1, scaled by A&S 9.1.87."""
    above, current = xp.zeros_like(z), xp.ones_like(z)
    norm = xp.zeros_like(z)
    for k in range(_MILLER_START, 0, -1):  # ``current`` is b_k
        if k % 2 == 0:
            m = k // 2
            norm = norm + current * ((order + 2 * m) * math.exp(math.lgamma(order + m) - math.lgamma(m + 1)))
        above, current = current, (2.0 * (order + k)) / z * current - above
    norm = norm + current * math.gamma(order + 1.0)
    return current * (z * 0.5) ** order / norm


def _oscillating(xp: Any, x: Any) -> Any:
    """Ai(x) for -11.2 < x < -1: sqrt(|x|) / 3 (J_(1/3)(zeta) + J_(-1/3)(zeta))."""
    magnitude = -x
    zeta = (2.0 / 3.0) * magnitude * xp.sqrt(magnitude)
    total = _bessel_j_fractional(xp, zeta, 1.0 / 3.0) + _bessel_j_fractional(xp, zeta, -1.0 / 3.0)
    return xp.sqrt(magnitude) / 3.0 * total


def _asymptotic(xp: Any, x: Any) -> Any:
    """Ai(x) for x <= -11.2: pi^(-1/2) |x|^(-1/4) (sin(zeta + pi/4) sum (-1)^k u_2k / zeta^2k
    - cos(zeta + pi/4) sum (-1)^k u_(2k+1) / zeta^(2k+1))."""
    magnitude = -x
    zeta, zeta_low = _zeta(magnitude)
    inverse = 1.0 / zeta
    term, even, odd = xp.ones_like(x), xp.ones_like(x), xp.zeros_like(x)
    for k in range(1, _ASYMPTOTIC_TERMS):
        term = term * ((6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216.0 * k)) * inverse
        sign = 1.0 if (k // 2) % 2 == 0 else -1.0
        if k % 2:
            odd = odd + sign * term
        else:
            even = even + sign * term
    sine, cosine = xp.sin(zeta), xp.cos(zeta)
    s, c = sine + zeta_low * cosine, cosine - zeta_low * sine  # sin and cos of zeta + zeta_low
    return ((s + c) * even - (c - s) * odd) / (math.sqrt(2.0 * math.pi) * xp.sqrt(xp.sqrt(magnitude)))


def _airy_ai(a: Any) -> Any:
    """Ai of a float array, in its dtype."""
    backend = backend_of(a)
    xp = backend.xp
    x = xp.astype(a, backend.native_dtype(np.float64))
    near = xp.abs(x) <= _MACLAURIN_TO
    right = (x > _MACLAURIN_TO) & (x < _UNDERFLOW_FROM)
    left = (x < -_MACLAURIN_TO) & (x > -_ASYMPTOTIC_FROM)
    far_left = (x <= -_ASYMPTOTIC_FROM) & (x > -math.inf)
    value = xp.zeros_like(x)  # past x = 104, and at +-inf
    for mask, method, stand_in in ((near, _maclaurin, 0.0), (right, _decaying, 2.0), (left, _oscillating, -2.0),
                                   (far_left, _asymptotic, -20.0)):
        value = xp.where(mask, method(xp, xp.where(mask, x, xp.full_like(x, stand_in))), value)
    value = xp.where(xp.isnan(x), x, value)
    return in_dtype(backend, value, a.dtype)


@takes_out
def airy_ai(input: Any) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """Ai(x), the Airy function of the first kind (no derivative, as in PyTorch)."""
    return _constant(_airy_ai(_floating(input).array))
