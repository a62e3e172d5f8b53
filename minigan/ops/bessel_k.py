"""The modified Bessel functions of the second kind of orders 0 and 1, as torch.special's
modified_bessel_k0, modified_bessel_k1 and their scaled forms scaled_modified_bessel_k0 = exp(x) K_0(x)
and scaled_modified_bessel_k1. As PyTorch's, they are not differentiable: the result
never requires grad.

Computed once, in float64 array ops on the input's backend, and rounded to the input's dtype:

* 0 < x <= 2: the power series (Abramowitz & Stegun 9.6.11, 9.6.13), every term positive but the
  logarithm's;
* x > 2: the integral K_v(x) = integral_0^inf exp(-x cosh t) cosh(v t) dt (A&S 9.6.24) with
  s = 2 sqrt(x) sinh(t / 2), which makes it exp(-x) / sqrt(x) integral_0^inf exp(-s^2 / 2) g_v(s) ds,
  g_0 = 1 / sqrt(1 + s^2 / (4x)), g_1 = (1 + s^2 / (2x)) g_0: a Gaussian times a function analytic
  in |Im s| < 2 sqrt(x), so the trapezoid rule with step 1/4 to s = 10 is exact to float64's rounding
  (its error is about exp(-2 pi 2.5 / 0.25) there, the tail beyond 10 below exp(-50)).

K0 and K1 are +inf at 0 and NaN for x < 0 (as PyTorch's); 0 at +inf."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from .normal import in_dtype
from .operands import _constant, _floating
from ..torch_api.out_argument import takes_out

_SERIES_TO = 2.0
_SERIES_TERMS = 30
_STEP = 0.25
_NODES = 41  # s = 0, 1/4, ..., 10
_EULER = 0.57721566490153286061


def power_sums(xp: Any, u: Any) -> tuple[Any, Any, Any, Any]:
    """The four sums the order-0 and order-1 power series of I, K (u = x^2/4) and J, Y (u = -x^2/4) are
    made of: sum u^k / k!^2, sum u^k / (k! (k+1)!), sum_k>=1 H_k u^k / k!^2 and
    sum (psi(k+1) + psi(k+2)) u^k / (k! (k+1)!), with H_k the harmonic numbers, psi(k+1) = H_k - gamma
    (Abramowitz & Stegun 9.1.10, 9.1.11, 9.6.10, 9.6.11). For |u| <= 1, 30 terms: the next is below 1e-64."""
    term0, term1 = xp.ones_like(u), xp.ones_like(u)
    sum0, sum1 = term0, term1
    harmonic = 0.0
    harmonic_sum0 = xp.zeros_like(u)
    harmonic_sum1 = term1 * (1.0 - 2.0 * _EULER)  # k = 0: psi(1) + psi(2) = 1 - 2 gamma
    for k in range(1, _SERIES_TERMS):
        term0 = term0 * u / (k * k)
        term1 = term1 * u / (k * (k + 1))
        harmonic += 1.0 / k
        sum0, sum1 = sum0 + term0, sum1 + term1
        harmonic_sum0 = harmonic_sum0 + term0 * harmonic
        harmonic_sum1 = harmonic_sum1 + term1 * (2.0 * harmonic + 1.0 / (k + 1) - 2.0 * _EULER)
    return sum0, sum1, harmonic_sum0, harmonic_sum1


def _series(xp: Any, x: Any) -> tuple[Any, Any]:
    """K0, K1 at 0 < x <= 2 from ``power_sums`` at u = x^2/4 (I0 = the first, I1 = x/2 the second):
    K0 = -(ln(x/2) + gamma) I0 + sum_k>=1 H_k u^k / k!^2,
    K1 = 1/x + ln(x/2) I1 - x/4 sum (psi(k+1) + psi(k+2)) u^k / (k! (k+1)!)."""
    i0, i1, k0_sum, k1_sum = power_sums(xp, x * x * 0.25)
    log_half = xp.log(x) - math.log(2.0)  # not log(x / 2), which is -inf at x = 5e-324
    k0 = k0_sum - (log_half + _EULER) * i0
    k1 = 1.0 / x + log_half * i1 * x * 0.5 - x * 0.25 * k1_sum
    return k0, k1


def _scaled_integral(xp: Any, x: Any, order: int) -> Any:
    """exp(x) K_order(x) at x > 2 (+inf included): the trapezoid rule on the integral above."""
    quarter_inverse = 0.25 / x
    total = xp.zeros_like(x)
    for j in range(_NODES):
        s = j * _STEP
        weight = math.exp(-s * s * 0.5) * (0.5 if j == 0 else 1.0)
        g = 1.0 / xp.sqrt(1.0 + (s * s) * quarter_inverse)
        if order == 1:
            g = g * (1.0 + (2.0 * s * s) * quarter_inverse)
        total = total + weight * g
    return total * _STEP / xp.sqrt(x)


def _bessel_k(a: Any, order: int, scaled: bool) -> Any:
    """K_order(x), or exp(x) K_order(x) when ``scaled``, of a float array, in its dtype."""
    backend = backend_of(a)
    xp = backend.xp
    x = xp.astype(a, backend.native_dtype(np.float64))
    near = (x > 0) & (x <= _SERIES_TO)
    far = x > _SERIES_TO
    series = _series(xp, xp.where(near, x, xp.ones_like(x)))[order]
    if scaled:
        series = series * xp.exp(xp.where(near, x, xp.zeros_like(x)))
    integral = _scaled_integral(xp, xp.where(far, x, xp.full_like(x, 4.0)), order)
    if not scaled:  # exp(-x) underflows to 0 past x = 745, as K does
        integral = integral * xp.exp(-xp.where(far, x, xp.zeros_like(x)))
    value = xp.where(near, series, xp.where(far, integral, xp.full_like(x, math.nan)))
    value = xp.where(x == 0, xp.full_like(x, math.inf), value)
    return in_dtype(backend, value, a.dtype)


def _no_derivative(input: Any, order: int, scaled: bool) -> Tensor:  # noqa: A002
    return _constant(_bessel_k(_floating(input).array, order, scaled))


@takes_out
def modified_bessel_k0(input: Any) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """K_0(x), the modified Bessel function of the second kind of order 0 (no derivative, as in PyTorch)."""
    return _no_derivative(input, 0, scaled=False)


@takes_out
def modified_bessel_k1(input: Any) -> Tensor:  # noqa: A002
    """K_1(x), of order 1."""
    return _no_derivative(input, 1, scaled=False)


@takes_out
def scaled_modified_bessel_k0(input: Any) -> Tensor:  # noqa: A002
    """exp(x) K_0(x), finite where K_0 underflows."""
    return _no_derivative(input, 0, scaled=True)


@takes_out
def scaled_modified_bessel_k1(input: Any) -> Tensor:  # noqa: A002
    """exp(x) K_1(x)."""
    return _no_derivative(input, 1, scaled=True)
