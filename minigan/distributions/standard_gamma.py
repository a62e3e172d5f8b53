"""Draws of the standard gamma law Gamma(alpha, 1) and their reparameterised gradient d x / d alpha.

Draws: Marsaglia and Tsang's squeeze-free rejection method (ACM TOMS 26, 2000): for alpha >= 1, with
d = alpha - 1/3 and c = 1 / sqrt(9 d), draw z ~ N(0, 1) and u ~ U(0, 1) until v = (1 + c z)^3 > 0 and
ln u < z^2 / 2 + d - d v + d ln v, and return d v; for alpha < 1, a Gamma(alpha + 1) draw times
u^(1 / alpha) (their boost). All from the default Generator, so ``minigan.manual_seed`` fixes them.

Gradient: x = F^-1(u; alpha) for F(x; alpha) = P(alpha, x), the regularized lower incomplete gamma, so by
implicit differentiation dx/dalpha = -(dP/dalpha) / (dP/dx), with dP/dx = x^(alpha-1) e^-x / Gamma(alpha).
From the series P = sum_n>=0 x^(alpha+n) e^-x / Gamma(alpha+n+1) (A&S 6.5.29), differentiated term by term,
dP/dalpha = sum_n x^(alpha+n) e^-x / Gamma(alpha+n+1) (ln x - psi(alpha+n+1)); divided by dP/dx each term
is r_n (ln x - psi(alpha+n+1)) with r_0 = x / alpha and r_n+1 = r_n x / (alpha+n+1), which neither
overflows nor underflows where x is a likely draw. So dx/dalpha = sum_n r_n (psi(alpha+n+1) - ln x),
psi(alpha+n+2) = psi(alpha+n+1) + 1 / (alpha+n+1), summed until r_n, past its peak n ~ x - alpha, is
below 1e-17 of the running total of r's. The terms change sign near n = x - alpha, so the relative error
grows like 1e-16 e^(k^2/2) for a draw k standard deviations above the mean (about 1e-12 at k = 4).
Like PyTorch's ``_standard_gamma_grad``, this derivative has no derivative of its own.

The draw enters the graph through ``GammaQuantileStep``, a Newton step towards the quantile at the draw's
own level u = P(alpha, x): it returns x unchanged and its alpha-derivative is dx/dalpha, and, as a
function of all of (alpha, x, u), finite differences can check it."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of, to_numpy
from ..ops import clamp, digamma, exp, gammainc, lgamma, log
from ..ops.no_derivative import without_derivative
from ..torch_api.generators import default_generator
from .utils import placed

__all__ = ["GammaQuantileStep", "standard_gamma", "standard_gamma_grad"]


def _draw(alpha: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Gamma(alpha, 1) draws (float64), alpha > 0, by Marsaglia-Tsang with the boost below 1."""
    if alpha.ndim != 1:
        return _draw(np.array(alpha, dtype=np.float64).reshape(-1), rng).reshape(alpha.shape)
    boosted = alpha < 1.0
    shape = np.where(boosted, alpha + 1.0, alpha)
    d = shape - 1.0 / 3.0
    c = 1.0 / np.sqrt(9.0 * d)
    out = np.empty(shape.shape)
    pending = np.ones(shape.shape, dtype=bool)
    while pending.any():
        index = np.flatnonzero(pending)
        z = rng.standard_normal(index.size)
        u = rng.random(index.size)
        dd, cc = d[index], c[index]
        v = (1.0 + cc * z) ** 3
        positive = v > 0
        safe_v = np.where(positive, v, 1.0)
        with np.errstate(divide="ignore"):
            accept = positive & (np.log(u) < 0.5 * z * z + dd - dd * safe_v + dd * np.log(safe_v))
        out[index[accept]] = (dd * safe_v)[accept]
        pending[index[accept]] = False
    if boosted.any():
        u = rng.random(shape.shape)
        with np.errstate(under="ignore"):
            out = np.where(boosted, out * u ** (1.0 / np.where(boosted, alpha, 1.0)), out)
    return out


def _implicit_grad(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dx/dalpha at the draw x of Gamma(alpha, 1) (float64 arrays, alpha > 0, x > 0), as the module says."""
    log_x = np.log(x)
    shifted = alpha + 1.0
    psi = to_numpy(digamma(Tensor._make(shifted.copy(), False, None)).array)
    r = x / alpha
    total, weight = r * (psi - log_x), r.copy()
    active = np.ones(alpha.shape, dtype=bool)
    limit = int(np.max(np.maximum(x - alpha, 0.0) + 40.0 * np.sqrt(x) + 100.0)) if x.size else 0
    for _ in range(limit):
        psi = psi + 1.0 / shifted
        r = r * x / shifted
        shifted = shifted + 1.0
        total = np.where(active, total + r * (psi - log_x), total)
        weight = np.where(active, weight + r, weight)
        active = active & ((r > 1e-17 * weight) | (shifted < x + 1.0))
        if not active.any():
            break
    return total


def standard_gamma(alpha: Tensor) -> Tensor:
    """Gamma(alpha, 1) draws of alpha's shape, dtype and device, differentiable in alpha through the
    implicit gradient: the draw x passes through ``GammaQuantileStep`` at its own level u = P(alpha, x),
    which returns x unchanged and has dx/dalpha as its alpha-derivative. Draws are at least the dtype's
    smallest normal number, as PyTorch's."""
    values = _draw(to_numpy(alpha.detach().array).astype(np.float64), default_generator())
    tiny = float(np.finfo(alpha.dtype).tiny)
    x = placed(np.maximum(values.astype(alpha.dtype), tiny), alpha)
    if not alpha.requires_grad:
        return x
    level = gammainc(alpha.detach(), x)
    return GammaQuantileStep.apply(alpha, x, level)


def standard_gamma_grad(alpha: Tensor, x: Tensor) -> Tensor:
    """dx/dalpha at draws x of Gamma(alpha, 1), a constant in alpha's dtype (computed in float64); a
    backward pass through it raises NotImplementedError, as PyTorch's ``_standard_gamma_grad``."""
    a64 = to_numpy(alpha.detach().array).astype(np.float64)
    x64 = to_numpy(x.detach().array).astype(np.float64)
    a64, x64 = np.broadcast_arrays(a64, x64)
    value = placed(_implicit_grad(a64, x64).astype(alpha.dtype), alpha)
    return without_derivative(value, "_standard_gamma_grad", alpha, x)


class GammaQuantileStep(Function):
    """One Newton step from x towards the level-u quantile of Gamma(alpha, 1):
    f(alpha, x, u) = x - (P(alpha, x) - u) / p(alpha, x), P the regularized incomplete gamma and
    p = x^(alpha-1) e^-x / Gamma(alpha) its x-derivative; at u = P(alpha, x), f = x.
    df/dalpha = -(dP/dalpha) / p + (P - u)(ln x - psi(alpha)) / p  (the first term the implicit gradient),
    df/dx = (P - u)((alpha - 1) / x - 1) / p,  df/du = 1 / p. Its alpha-derivative has no derivative."""

    @staticmethod
    def forward(ctx: Context, alpha: Any, x: Any, u: Any) -> Any:
        if not alpha.shape == x.shape == u.shape:
            raise ValueError(f"GammaQuantileStep expects alpha, x and u of one shape, got {alpha.shape}, {x.shape}, "
                             f"{u.shape}")
        alpha_t, x_t = Tensor._make(alpha, False, None), Tensor._make(x, False, None)
        gap = gammainc(alpha_t, x_t).array - u
        density = _density(alpha_t, x_t).array
        xp = backend_of(x).xp
        return x - xp.where(gap == 0, 0.0, gap / xp.where(gap == 0, 1.0, density))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        alpha, x, u = ctx.inputs
        gap_over_density = (gammainc(alpha, x) - u) / _density(alpha, x)
        grad_alpha = grad_x = None
        if ctx.needs_input_grad[0]:
            implicit = standard_gamma_grad(alpha, x)
            grad_alpha = grad * (implicit + gap_over_density * (log(x) - digamma(alpha)))
        if ctx.needs_input_grad[1]:
            grad_x = grad * gap_over_density * ((alpha - 1.0) / x - 1.0)
        return grad_alpha, grad_x, grad / _density(alpha, x)


def _density(alpha: Tensor, x: Tensor) -> Tensor:
    """x^(alpha-1) e^-x / Gamma(alpha), at least the dtype's smallest normal number (so never 0 to divide by)."""
    return clamp(exp((alpha - 1.0) * log(x) - x - lgamma(alpha)), min=float(np.finfo(x.dtype).tiny))
