"""The Bessel functions of the first and second kind of orders 0 and 1, as torch.special's bessel_j0,
bessel_j1, bessel_y0 and bessel_y1, and spherical_bessel_j0 = sin(x) / x. As PyTorch's, they are
not differentiable: the result never requires grad.

Computed once, in float64 array ops on the input's backend, and rounded to the input's dtype, in
three ranges of |x|:

* |x| <= 2: the power series (Abramowitz & Stegun 9.1.10, and 9.1.11 for Y0 and Y1), whose terms
  never exceed 1 there;
* 2 < |x| < 25: Miller's backward recurrence J_(k-1) = (2k/x) J_k - J_(k+1) from k = 70, scaled by
  J_0 + 2 sum J_2m = 1 (A&S 9.1.27, 9.1.46), and Neumann's series for Y0 (A&S 9.1.88) and its
  derivative for Y1 = -Y0', written in the same J_k;
* |x| >= 25: Hankel's asymptotic expansion (A&S 9.2.5 - 9.2.10), whose terms shrink until k = 2|x|
  (the 30th is below 1e-18 there), with cos(x - pi/4) = (cos x + sin x) / sqrt 2 and the like, so
  that no rounded pi/4 is subtracted from a large x.

J0 is even and J1 odd; Y0 and Y1 are -inf at 0 and NaN below; every one of them is 0 at +inf (PyTorch
2.14 gives NaN there, from cos(inf))."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from .bessel_k import _EULER, power_sums
from .normal import in_dtype
from .operands import _constant, _floating
from ..torch_api.out_argument import takes_out

_SERIES_TO = 2.0
_ASYMPTOTIC_FROM = 25.0
_MILLER_START = 70  # J_70(25) / J_0(25) ~ 1e-25: the recurrence's start is far out of reach
_ASYMPTOTIC_TERMS = 30


def _small(xp: Any, x: Any) -> tuple[Any, Any, Any, Any]:
    """J0, J1, Y0, Y1 at 0 < x <= 2 from their power series (minigan/ops/bessel_k.py's ``power_sums`` at
    u = -x^2/4: J0 = the first, J1 = x/2 the second):
    Y0 = 2/pi (ln(x/2) + gamma) J0 - 2/pi sum_k>=1 H_k u^k / k!^2,
    Y1 = -2/(pi x) + 2/pi ln(x/2) J1 - x/(2 pi) sum (psi(k+1) + psi(k+2)) u^k / (k! (k+1)!)."""
    j0, j1, y0_sum, y1_sum = power_sums(xp, x * x * -0.25)
    j1 = j1 * x * 0.5
    log_half = xp.log(x) - math.log(2.0)  # not log(x / 2), which is -inf at x = 5e-324
    y0 = (2.0 / math.pi) * ((log_half + _EULER) * j0 - y0_sum)
    # j1 ln(x/2) -> 0 as x -> 0, but j1 underflows to 0 below x = 1e-323 while ln(x/2) stays finite
    y1 = -2.0 / (math.pi * x) + (2.0 / math.pi) * log_half * j1 - x / (2.0 * math.pi) * y1_sum
    return j0, j1, y0, y1


def _miller(xp: Any, x: Any) -> tuple[Any, Any, Any, Any]:
    """J0, J1, Y0, Y1 at 2 < x < 25: b_k proportional to J_k(x) from b_71 = 0, b_70 = 1 downward (it grows
    by at most 70!/1 ~ 1e100, no overflow), then J_k = b_k / (b_0 + 2 sum b_2m) and
    Y0 = 2/pi ((ln(x/2) + gamma) J0 - 2 sum_m>=1 (-1)^m J_2m / m) (A&S 9.1.88),
    Y1 = -Y0' = -2/(pi x) J0 + 2/pi ((ln(x/2) + gamma) J1 + sum_m>=1 (-1)^m (J_(2m-1) - J_(2m+1)) / m)."""
    above, current = xp.zeros_like(x), xp.ones_like(x)
    norm, even_sum, odd_sum = xp.zeros_like(x), xp.zeros_like(x), xp.zeros_like(x)
    j1 = xp.zeros_like(x)
    for k in range(_MILLER_START, -1, -1):  # ``current`` is b_k
        if k % 2 == 0 and k >= 2:
            m = k // 2
            norm = norm + 2.0 * current
            even_sum = even_sum + current * ((-1) ** m / m)
        elif k % 2 == 1:
            coefficient = (-1) ** ((k + 1) // 2) / ((k + 1) // 2)
            if k >= 3:
                coefficient -= (-1) ** ((k - 1) // 2) / ((k - 1) // 2)
            odd_sum = odd_sum + current * coefficient
        if k == 1:
            j1 = current
        if k == 0:
            break
        above, current = current, (2.0 * k) / x * current - above
    norm = norm + current
    j0, j1 = current / norm, j1 / norm
    log_term = xp.log(x * 0.5) + _EULER
    y0 = (2.0 / math.pi) * (log_term * j0 - 2.0 * even_sum / norm)
    y1 = -2.0 / (math.pi * x) * j0 + (2.0 / math.pi) * (log_term * j1 + odd_sum / norm)
    return j0, j1, y0, y1


def _hankel(xp: Any, x: Any) -> tuple[Any, Any, Any, Any]:
    """J0, J1, Y0, Y1 at x >= 25 (finite): with P_v = sum (-1)^k a_2k(v) / x^2k, Q_v = sum (-1)^k
    a_(2k+1)(v) / x^(2k+1), a_k(v) = prod_j<=k (4v^2 - (2j-1)^2) / (k! 8^k), c = cos x, s = sin x:
    J0 = (P0 (c + s) - Q0 (s - c)) / sqrt(pi x), Y0 = (P0 (s - c) + Q0 (c + s)) / sqrt(pi x),
    J1 = (P1 (s - c) + Q1 (s + c)) / sqrt(pi x), Y1 = (Q1 (s - c) - P1 (s + c)) / sqrt(pi x)."""
    inverse = 1.0 / x
    sums = []
    for order in (0, 1):
        term, p, q = xp.ones_like(x), xp.ones_like(x), xp.zeros_like(x)
        for k in range(1, _ASYMPTOTIC_TERMS):
            term = term * ((4.0 * order * order - (2 * k - 1) ** 2) / (8.0 * k)) * inverse
            sign = 1.0 if (k // 2) % 2 == 0 else -1.0
            if k % 2:
                q = q + sign * term
            else:
                p = p + sign * term
        sums.append((p, q))
    (p0, q0), (p1, q1) = sums
    c, s = xp.cos(x), xp.sin(x)
    scale = 1.0 / xp.sqrt(math.pi * x)
    return ((p0 * (c + s) - q0 * (s - c)) * scale, (p1 * (s - c) + q1 * (s + c)) * scale,
            (p0 * (s - c) + q0 * (c + s)) * scale, (q1 * (s - c) - p1 * (s + c)) * scale)


def _bessel_jy(a: Any, which: str) -> Any:
    """J0, J1, Y0 or Y1 (``which``) of a float array, in its dtype."""
    backend = backend_of(a)
    xp = backend.xp
    x = xp.astype(a, backend.native_dtype(np.float64))
    magnitude = xp.abs(x)
    small = (magnitude <= _SERIES_TO) & (magnitude > 0)
    middle = (magnitude > _SERIES_TO) & (magnitude < _ASYMPTOTIC_FROM)
    large = (magnitude >= _ASYMPTOTIC_FROM) & (magnitude < math.inf)
    index = "j0 j1 y0 y1".split().index(which)
    value = xp.zeros_like(x)  # +-inf
    for mask, method, stand_in in ((small, _small, 1.0), (middle, _miller, 10.0), (large, _hankel, 50.0)):
        value = xp.where(mask, method(xp, xp.where(mask, magnitude, xp.full_like(x, stand_in)))[index], value)
    if which == "j0":
        value = xp.where(x == 0, xp.ones_like(x), value)
    elif which == "j1":
        value = xp.where(xp.signbit(x), -value, value)  # odd; -0 at -0
    else:
        value = xp.where(x == 0, xp.full_like(x, -math.inf), xp.where(x < 0, xp.full_like(x, math.nan), value))
    value = xp.where(xp.isnan(x), x, value)
    return in_dtype(backend, value, a.dtype)


def _spherical_j0(a: Any) -> Any:
    """sin(x) / x of a float array, in its dtype: below |x| = 1 its Taylor series sum (-x^2)^k / (2k+1)!
    (16 terms: the next is below 1e-40), so 1 at 0; 0 at +-inf."""
    backend = backend_of(a)
    xp = backend.xp
    x = xp.astype(a, backend.native_dtype(np.float64))
    near = xp.abs(x) < 1.0
    inner = xp.where(near, x, xp.zeros_like(x))
    square = -inner * inner
    term, total = xp.ones_like(x), xp.ones_like(x)
    for k in range(1, 16):
        term = term * square / ((2 * k) * (2 * k + 1))
        total = total + term
    far = xp.where(near | ~xp.isfinite(x), xp.full_like(x, 2.0), x)
    value = xp.where(near, total, xp.sin(far) / far)
    value = xp.where(xp.isinf(x), xp.zeros_like(x), xp.where(xp.isnan(x), x, value))
    return in_dtype(backend, value, a.dtype)


def _no_derivative(input: Any, compute: Any) -> Tensor:  # noqa: A002
    return _constant(compute(_floating(input).array))


@takes_out
def bessel_j0(input: Any) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """J_0(x), the Bessel function of the first kind of order 0 (no derivative, as in PyTorch)."""
    return _no_derivative(input, lambda a: _bessel_jy(a, "j0"))


@takes_out
def bessel_j1(input: Any) -> Tensor:  # noqa: A002
    """J_1(x), of the first kind of order 1."""
    return _no_derivative(input, lambda a: _bessel_jy(a, "j1"))


@takes_out
def bessel_y0(input: Any) -> Tensor:  # noqa: A002
    """Y_0(x), of the second kind of order 0 (x > 0; -inf at 0, NaN below)."""
    return _no_derivative(input, lambda a: _bessel_jy(a, "y0"))


@takes_out
def bessel_y1(input: Any) -> Tensor:  # noqa: A002
    """Y_1(x), of the second kind of order 1 (x > 0; -inf at 0, NaN below)."""
    return _no_derivative(input, lambda a: _bessel_jy(a, "y1"))


@takes_out
def spherical_bessel_j0(input: Any) -> Tensor:  # noqa: A002
    """j_0(x) = sin(x) / x, the spherical Bessel function of the first kind of order 0 (1 at 0)."""
    return _no_derivative(input, _spherical_j0)
