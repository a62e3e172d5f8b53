"""The log-gamma function and its derivatives, as torch's: lgamma (torch.special.gammaln), digamma
(psi) and polygamma(n, x), each the derivative of the one before, so every order's gradient is the
next order (second derivatives included).

lgamma comes from the backend's ``special("lgamma", a)`` (Python's math.lgamma per element on the
NumPy reference, compiled by Numba, cupyx.scipy.special.gammaln on CuPy); digamma and polygamma are
written here once, in float64 array ops, from Abramowitz & Stegun's recurrence, reflection and
asymptotic series."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .operands import _floating, _on_floats, _times_derivative
from .normal import in_dtype
from ..torch_api.out_argument import takes_out

# B_2, B_4, ..., B_20: the Bernoulli numbers of the asymptotic series
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330)


def _digamma(a: Any) -> Any:
    """psi(x) of a float array, in its dtype. For x < 0 the reflection psi(x) = psi(1 - x) - pi / tan(pi x)
    (A&S 6.3.7, with pi x reduced by its nearest integer first); then the recurrence
    psi(x) = psi(x + 1) - 1/x (A&S 6.3.5) up to x >= 10, where the asymptotic series
    psi(x) = ln x - 1/(2x) - sum_k B_2k / (2k x^2k) (A&S 6.3.18) is below float64's rounding after
    ten terms. psi(+-0) = -+inf, NaN at the negative integers, as PyTorch's."""
    backend = backend_of(a)
    xp = backend.xp
    x = xp.astype(a, backend.native_dtype(np.float64))
    finite = xp.where(xp.isfinite(x), x, xp.zeros_like(x))
    offset = finite - xp.round(finite)
    pole = (x < 0) & (offset == 0)  # the negative integers, and -inf
    zero = x == 0
    y = xp.where(x < 0, 1.0 - x, xp.where(zero, xp.ones_like(x), x))
    shifted = xp.zeros_like(x)
    for _ in range(10):
        below = y < 10
        shifted = shifted - xp.where(below, 1.0 / y, xp.zeros_like(y))
        y = xp.where(below, y + 1.0, y)
    inverse = 1.0 / y
    inverse_square = inverse * inverse  # not 1 / y^2, which overflows first
    tail, power = xp.zeros_like(x), xp.ones_like(x)
    for k, bernoulli in enumerate(_BERNOULLI, start=1):
        power = power * inverse_square
        tail = tail + power * (bernoulli / (2 * k))
    value = xp.log(y) - 0.5 * inverse - tail + shifted
    reflection = math.pi / xp.tan(math.pi * xp.where(offset == 0, xp.full_like(x, 0.25), offset))  # used for x < 0 only
    value = xp.where(x < 0, value - reflection, value)
    value = xp.where(zero, xp.copysign(xp.full_like(x, math.inf), -x), value)
    return in_dtype(backend, xp.where(pole, xp.full_like(x, math.nan), value), a.dtype)


def _polygamma(n: int, a: Any) -> Any:
    """psi^(n)(x) = (-1)^(n+1) n! sum_k>=0 1 / (x + k)^(n+1) for n >= 1, of a float array, in its dtype.
    The first terms are added one by one (A&S 6.4.6, the recurrence) until x + k >= 10 + 2n; the rest of
    the sum is the Euler-Maclaurin series 1/(n y^n) + 1/(2 y^(n+1)) + sum_j B_2j (n+1)...(n+2j-1) /
    ((2j)! y^(n+2j)) (A&S 6.4.11), which ten terms carry below float64's rounding there. A
    negative x takes one step per unit below 0 (its sum, as PyTorch's, through the poles at the
    non-positive integers, where the value is +inf for odd n and -inf for even n)."""
    backend = backend_of(a)
    xp = backend.xp
    x = xp.astype(a, backend.native_dtype(np.float64))
    order = n + 1
    start = 10.0 + 2 * n
    y = xp.where(x == -math.inf, xp.full_like(x, math.nan), x)
    total = xp.zeros_like(x)
    tiny = float(np.finfo(np.float64).max) ** (-1.0 / order)  # nearer 0, 1 / y^(n+1) overflows
    infinity = xp.full_like(x, math.inf)
    while True:
        below = y < start  # False at NaN and +inf
        if not bool(xp.any(below)):
            break
        at_pole = below & (xp.abs(y) < tiny)
        term = (1.0 / xp.where(at_pole | ~below, xp.ones_like(y), y)) ** order
        pole_term = infinity if order % 2 == 0 else xp.where(y < 0, -infinity, infinity)  # +inf at y = 0 itself
        total = total + xp.where(at_pole, pole_term, xp.where(below, term, xp.zeros_like(y)))
        y = xp.where(below, y + 1.0, y)
    inverse = 1.0 / y
    power = inverse ** n
    tail = power / n + power * inverse * 0.5
    rising = 1.0  # (n+1)(n+2)...(n+2j-1) / (2j)!
    inverse_square = inverse * inverse
    for j, bernoulli in enumerate(_BERNOULLI, start=1):
        rising *= (n + 2 * j - 2) * (n + 2 * j - 1) / ((2 * j - 1) * (2 * j)) if j > 1 else (n + 1) / 2
        power = power * inverse_square
        tail = tail + power * (bernoulli * rising)
    value = (total + tail) * (float(math.factorial(n)) * (1 if n % 2 else -1))
    return in_dtype(backend, value, a.dtype)


class Lgamma(Function):
    """f = lgamma(a) = ln |Gamma(a)| (+inf at the poles 0, -1, -2, ...);  df/da = digamma(a)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return backend_of(a).special("lgamma", a)

    backward = _times_derivative(lambda a: digamma(a))


class Digamma(Function):
    """f = digamma(a) = d/da ln Gamma(a);  df/da = polygamma(1, a)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _digamma(a)

    backward = _times_derivative(lambda a: polygamma(1, a))


class Polygamma(Function):
    """f = polygamma(n, a), the n-th derivative of digamma, n >= 1;  df/da = polygamma(n + 1, a)."""

    @staticmethod
    def forward(ctx: Context, a: Any, n: int) -> Any:
        return _polygamma(n, a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * Polygamma.apply(ctx.inputs[0], n=ctx.options["n"] + 1),)


lgamma, digamma = _on_floats(Lgamma), _on_floats(Digamma)


@takes_out
def polygamma(n: int, input: Any) -> Tensor:  # noqa: A002 - PyTorch's argument names
    """The n-th derivative of digamma (n = 0 is digamma itself); n a non-negative int, as PyTorch's."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"polygamma(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return digamma(input) if n == 0 else Polygamma.apply(_floating(input), n=int(n))


@takes_out
def multigammaln(input: Any, p: int) -> Tensor:  # noqa: A002
    """The multivariate log-gamma of dimension p: sum_j<p lgamma(x - j/2) + p (p - 1)/4 ln pi (torch.mvlgamma).
    Its domain is x > (p - 1)/2; below it, the same sum of log |Gamma|, as PyTorch 2.14's, which no longer checks."""
    x = _floating(input)
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
        raise TypeError(f"multigammaln(): argument 'p' must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    total = lgamma(x)
    for j in range(1, int(p)):
        total = total + lgamma(x - j / 2)
    return total + p * (p - 1) / 4 * math.log(math.pi)
