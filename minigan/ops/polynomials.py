"""The orthogonal polynomials of torch.special, as PyTorch's: chebyshev_polynomial_t/u/v/w, their
shifted forms on [0, 1], hermite_polynomial_h (physicists') and _he (probabilists'),
laguerre_polynomial_l and legendre_polynomial_p, each f(input, n) with n a Tensor or a number,
broadcast against input and truncated toward zero; 0 for n < 0. As PyTorch's, they are not differentiable:
the result never requires grad.

Values are computed in float64 on the input's backend by the three-term recurrences (Abramowitz &
Stegun 22.7), one step per degree for every element at once, and, as PyTorch does, from the closed
forms cos(n t), sin((n + 1) t) / sin t, cos((n + 1/2) t) / cos(t / 2) and sin((n + 1/2) t) / sin(t / 2),
t = arccos x, inside (-1, 1) for the larger degrees of T (n > 6), U, V and W (n > 8); the endpoint
values T_n(+-1), U_n(+-1)... come from their closed forms (A&S 22.4)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from .normal import in_dtype
from .float_pair import float_pair
from .operands import _constant
from ..torch_api.out_argument import takes_out

Step = Callable[[Any, int, Any, Any], Any]  # (x, k, p_k, p_(k-1)) -> p_(k+1)


def _recurrence(xp: Any, x: Any, n: Any, first: Any, step: Step, value: Any, todo: Any) -> Any:
    """``value`` with p_n(x) put where ``todo``: p_0 = 1, p_1 = ``first``, p_(k+1) = step(x, k, p_k,
    p_(k-1)); one step per degree up to the largest n wanted. An element whose last two values are
    both NaN keeps NaN, so the loop stops early once every element left is NaN (after an overflow)."""
    value = xp.where(todo & (n == 0), xp.ones_like(x), xp.where(todo & (n == 1), first, value))
    wanted = xp.where(todo, n, xp.zeros_like(n))
    top = int(xp.max(wanted)) if wanted.size else 0
    previous, current = xp.ones_like(x), first
    for k in range(1, top):
        previous, current = current, step(x, k, current, previous)
        value = xp.where(todo & (n == k + 1), current, value)
        if k % 64 == 0:
            pending = todo & (n > k + 1)
            if not bool(xp.any(pending & ~(xp.isnan(current) & xp.isnan(previous)))):
                return xp.where(pending, current, value)
    return value


def _chebyshev_t(xp: Any, x: Any, n: Any, inside: Any) -> tuple[Any, Any, Any, Step]:
    """T_n(cos t) = cos(n t): T_n(1) = 1, T_n(-1) = (-1)^n; p_1 = x."""
    t = xp.acos(xp.where(inside, x, xp.zeros_like(x)))
    closed = xp.cos(n * t)
    odd = xp.remainder(n, 2.0) == 1
    ends = xp.where((x > 0) | ~odd, xp.ones_like(x), -xp.ones_like(x))
    return ends, closed, x, lambda x, k, p, q: 2.0 * x * p - q


def _chebyshev_u(xp: Any, x: Any, n: Any, inside: Any) -> tuple[Any, Any, Any, Step]:
    """U_n(cos t) = sin((n + 1) t) / sin t: U_n(1) = n + 1, U_n(-1) = (-1)^n (n + 1); p_1 = 2x."""
    t = xp.acos(xp.where(inside, x, xp.zeros_like(x)))
    sine = xp.sin(t)
    closed = xp.sin((n + 1.0) * t) / xp.where(sine == 0, xp.ones_like(x), sine)
    odd = xp.remainder(n, 2.0) == 1
    ends = xp.where((x > 0) | ~odd, n + 1.0, -(n + 1.0))
    return ends, closed, 2.0 * x, lambda x, k, p, q: 2.0 * x * p - q


def _chebyshev_v(xp: Any, x: Any, n: Any, inside: Any) -> tuple[Any, Any, Any, Step]:
    """V_n(cos t) = cos((n + 1/2) t) / cos(t / 2): V_n(1) = 1, V_n(-1) = (-1)^n (2n + 1); p_1 = 2x - 1."""
    t = xp.acos(xp.where(inside, x, xp.zeros_like(x)))
    closed = xp.cos((n + 0.5) * t) / xp.cos(t * 0.5)
    odd = xp.remainder(n, 2.0) == 1
    ends = xp.where(x > 0, xp.ones_like(x), xp.where(odd, -(2.0 * n + 1.0), 2.0 * n + 1.0))
    return ends, closed, 2.0 * x - 1.0, lambda x, k, p, q: 2.0 * x * p - q


def _chebyshev_w(xp: Any, x: Any, n: Any, inside: Any) -> tuple[Any, Any, Any, Step]:
    """W_n(cos t) = sin((n + 1/2) t) / sin(t / 2): W_n(1) = 2n + 1, W_n(-1) = (-1)^n; p_1 = 2x + 1."""
    t = xp.acos(xp.where(inside, x, xp.zeros_like(x)))
    half = xp.sin(t * 0.5)
    closed = xp.sin((n + 0.5) * t) / xp.where(half == 0, xp.ones_like(x), half)
    odd = xp.remainder(n, 2.0) == 1
    ends = xp.where(x > 0, 2.0 * n + 1.0, xp.where(odd, -xp.ones_like(x), xp.ones_like(x)))
    return ends, closed, 2.0 * x + 1.0, lambda x, k, p, q: 2.0 * x * p - q


_CHEBYSHEV = {"t": (_chebyshev_t, 6), "u": (_chebyshev_u, 8), "v": (_chebyshev_v, 8), "w": (_chebyshev_w, 8)}


def _chebyshev(kind: str, xp: Any, x: Any, n: Any) -> Any:
    """The Chebyshev polynomial of ``kind`` at x (n >= 0): the endpoint values at |x| = 1, the closed
    form inside (-1, 1) above the degree PyTorch switches to it, the recurrence elsewhere."""
    form, switch = _CHEBYSHEV[kind]
    end = xp.abs(x) == 1
    inside = (xp.abs(x) < 1) & (n > switch)
    ends, closed, first, step = form(xp, x, n, inside)
    value = xp.where(end, ends, xp.where(inside, closed, xp.zeros_like(x)))
    return _recurrence(xp, x, n, first, step, value, ~end & ~inside)


def _hermite_h(xp: Any, x: Any, n: Any) -> Any:
    """H_(k+1) = 2x H_k - 2k H_(k-1), H_1 = 2x (A&S 22.7.13)."""
    return _recurrence(xp, x, n, 2.0 * x, lambda x, k, p, q: 2.0 * x * p - (2.0 * k) * q, xp.zeros_like(x),
                       xp.ones_like(x) > 0)


def _hermite_he(xp: Any, x: Any, n: Any) -> Any:
    """He_(k+1) = x He_k - k He_(k-1), He_1 = x (A&S 22.7.14)."""
    return _recurrence(xp, x, n, x, lambda x, k, p, q: x * p - float(k) * q, xp.zeros_like(x), xp.ones_like(x) > 0)


def _laguerre_l(xp: Any, x: Any, n: Any) -> Any:
    """(k + 1) L_(k+1) = (2k + 1 - x) L_k - k L_(k-1), L_1 = 1 - x (A&S 22.7.12); L_n(0) = 1."""
    zero = x == 0
    return _recurrence(xp, x, n, 1.0 - x, lambda x, k, p, q: ((2.0 * k + 1.0 - x) * p - k * q) / (k + 1.0),
                       xp.where(zero, xp.ones_like(x), xp.zeros_like(x)), ~zero)


def _legendre_p(xp: Any, x: Any, n: Any) -> Any:
    """(k + 1) P_(k+1) = (2k + 1) x P_k - k P_(k-1), P_1 = x (A&S 22.7.10); P_n(1) = 1, P_n(-1) = (-1)^n."""
    end = xp.abs(x) == 1
    odd = xp.remainder(n, 2.0) == 1
    ends = xp.where((x > 0) | ~odd, xp.ones_like(x), -xp.ones_like(x))
    return _recurrence(xp, x, n, x, lambda x, k, p, q: ((2.0 * k + 1.0) * x * p - k * q) / (k + 1.0),
                       xp.where(end, ends, xp.zeros_like(x)), ~end)


def _polynomial(name: str, input: Any, n: Any, values: Callable[[Any, Any, Any], Any],  # noqa: A002
                shifted: bool = False) -> Tensor:
    """``values(xp, x, n)`` (float64 arrays broadcast together, n >= 0 whole numbers) as a Tensor of the
    promoted float dtype; 0 where n < 0 (or NaN); at x + x - 1 when ``shifted``, as PyTorch's."""
    x, degree, shape = float_pair(name, "input", "n", input, n)
    backend = backend_of(x.array)
    xp = backend.xp
    float64 = backend.native_dtype(np.float64)
    a = xp.broadcast_to(xp.astype(x.array, float64), shape)
    k = xp.broadcast_to(xp.astype(degree.array, float64), shape)
    # PyTorch casts n to a 64-bit integer: NaN, +-inf and |n| >= 2^63 become -2^63 there (on x86), so 0 here
    k = xp.where(xp.abs(k) < 2.0**63, xp.trunc(k), -xp.ones_like(k))
    if shifted:
        a = a + a - 1.0
    negative = k < 0
    with np.errstate(over="ignore", invalid="ignore"):  # past float64's range: inf, then inf - inf = NaN, as PyTorch's
        result = values(xp, a, xp.where(negative, xp.zeros_like(k), k))
    result = xp.where(negative, xp.zeros_like(result), result)
    return _constant(in_dtype(backend, result, x.array.dtype))


def _chebyshev_kind(kind: str) -> Callable[[Any, Any, Any], Any]:
    return lambda xp, x, n: _chebyshev(kind, xp, x, n)


@takes_out
def chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:  # noqa: A002 - PyTorch's argument names
    """T_n(x), the Chebyshev polynomial of the first kind: T_n(cos t) = cos(n t)."""
    return _polynomial("chebyshev_polynomial_t", input, n, _chebyshev_kind("t"))


@takes_out
def chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:  # noqa: A002
    """U_n(x), of the second kind: U_n(cos t) = sin((n + 1) t) / sin t."""
    return _polynomial("chebyshev_polynomial_u", input, n, _chebyshev_kind("u"))


@takes_out
def chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:  # noqa: A002
    """V_n(x), of the third kind: V_n(cos t) = cos((n + 1/2) t) / cos(t / 2)."""
    return _polynomial("chebyshev_polynomial_v", input, n, _chebyshev_kind("v"))


@takes_out
def chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:  # noqa: A002
    """W_n(x), of the fourth kind: W_n(cos t) = sin((n + 1/2) t) / sin(t / 2)."""
    return _polynomial("chebyshev_polynomial_w", input, n, _chebyshev_kind("w"))


@takes_out
def shifted_chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:  # noqa: A002
    """T*_n(x) = T_n(2x - 1), orthogonal on [0, 1]."""
    return _polynomial("shifted_chebyshev_polynomial_t", input, n, _chebyshev_kind("t"), shifted=True)


@takes_out
def shifted_chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:  # noqa: A002
    """U*_n(x) = U_n(2x - 1)."""
    return _polynomial("shifted_chebyshev_polynomial_u", input, n, _chebyshev_kind("u"), shifted=True)


@takes_out
def shifted_chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:  # noqa: A002
    """V*_n(x) = V_n(2x - 1)."""
    return _polynomial("shifted_chebyshev_polynomial_v", input, n, _chebyshev_kind("v"), shifted=True)


@takes_out
def shifted_chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:  # noqa: A002
    """W*_n(x) = W_n(2x - 1)."""
    return _polynomial("shifted_chebyshev_polynomial_w", input, n, _chebyshev_kind("w"), shifted=True)


@takes_out
def hermite_polynomial_h(input: Any, n: Any) -> Tensor:  # noqa: A002
    """H_n(x), the physicists' Hermite polynomial (H_1 = 2x)."""
    return _polynomial("hermite_polynomial_h", input, n, _hermite_h)


@takes_out
def hermite_polynomial_he(input: Any, n: Any) -> Tensor:  # noqa: A002
    """He_n(x), the probabilists' Hermite polynomial (He_1 = x)."""
    return _polynomial("hermite_polynomial_he", input, n, _hermite_he)


@takes_out
def laguerre_polynomial_l(input: Any, n: Any) -> Tensor:  # noqa: A002
    """L_n(x), the Laguerre polynomial (L_1 = 1 - x)."""
    return _polynomial("laguerre_polynomial_l", input, n, _laguerre_l)


@takes_out
def legendre_polynomial_p(input: Any, n: Any) -> Tensor:  # noqa: A002
    """P_n(x), the Legendre polynomial (P_n(1) = 1)."""
    return _polynomial("legendre_polynomial_p", input, n, _legendre_p)
