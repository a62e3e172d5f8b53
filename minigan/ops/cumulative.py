"""Running totals and their log-space cousin, as PyTorch's: ``cumsum``, ``cumprod`` along a dim, and
``logsumexp`` over dims (built from max, exp, sum and log, so it needs no Function of its own).

An integer or bool input to cumsum and cumprod gives int64, as in PyTorch; logsumexp of one gives
float32."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import dtype_argument, wrap_dim
from ..autograd.function import Context, Function
from ..backends import backend_of
from .elementwise import exp, log, where
from .operands import _constant, _floating, _xp
from .reductions import _normalize_axis, kept_shape, sum as _sum
from .reorder import Flip
from .shape import concatenate
from ..torch_api.out_argument import takes_out


class Cumsum(Function):
    """f_j = sum_{k<=j} a_k along ``dim``;  df/da: the gradient summed from the end (a reversed cumsum)."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, a: Any, dim: int) -> Any:
        return _xp(a).cumulative_sum(a, axis=dim) if a.ndim else _xp(a).asarray(a, copy=True)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (_reversed_cumsum(grad, ctx.options["dim"]) if grad.ndim else grad * 1.0,)


class Cumprod(Function):
    """f_j = prod_{k<=j} a_k along ``dim``;  df/da_i = sum_{j>=i} g_j prod_{k<=j, k!=i} a_k (exact where a has zeros)."""

    saves_output = True  # the fast path reads the output

    @staticmethod
    def forward(ctx: Context, a: Any, dim: int) -> Any:
        return _xp(a).cumulative_prod(a, axis=dim) if a.ndim else _xp(a).asarray(a, copy=True)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,), dim = ctx.inputs, ctx.options["dim"]
        if a.ndim == 0:
            return (grad * 1.0,)
        xp = _xp(a.array)
        if not bool(xp.any(a.array == 0)):
            # No zero: df/da_i = sum_{j>=i} g_j f_j / a_i, a reversed cumsum of g * f divided by a.
            return (_reversed_cumsum(grad * ctx.output, dim) / a,)
        return (_cumprod_grad_with_zeros(a, grad, dim),)


def _reversed_cumsum(t: Tensor, dim: int) -> Tensor:
    return Flip.apply(Cumsum.apply(Flip.apply(t, dims=(dim,)), dim=dim), dims=(dim,))


def _cumprod_grad_with_zeros(a: Tensor, grad: Tensor, dim: int) -> Tensor:
    """df/da_i = L_i * sum_{j>=i} g_j R_ij, with L_i = prod_{k<i} a_k (an exclusive cumprod) and
    R_ij = prod_{i<k<=j} a_k (a cumprod of the rows a_k [k > i], 1 elsewhere). No division, so a zero
    anywhere is exact; it costs n^2 per line along ``dim`` (taken only when a has a zero)."""
    x, g = a.transpose(dim, -1), grad.transpose(dim, -1)
    n = x.shape[-1]
    ones = _constant(_xp(x.array).ones_like(x.array[..., :1]))  # x's dtype and device
    before = Cumprod.apply(concatenate([ones, x[..., :-1]], axis=-1), dim=x.ndim - 1)  # L
    xp = _xp(x.array)
    i, k = xp.reshape(xp.arange(n), (n, 1)), xp.reshape(xp.arange(n), (1, n))
    rows = where(k > i, x.unsqueeze(-2), 1.0)  # (..., i, k): a_k where k > i, else 1
    after = Cumprod.apply(rows, dim=x.ndim)  # R: (..., i, j)
    summed = _sum(where(k >= i, g.unsqueeze(-2) * after, 0.0), -1)
    return (before * summed).transpose(dim, -1)


def _cumulative(name: str, function: type, input: Tensor, dim: Any, dtype: Any) -> Tensor:  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be a Tensor, not {type(input).__name__}")
    axis = wrap_dim(dim, input.ndim)
    if dtype is not None:
        input = input.to(dtype_argument(dtype))
    elif input.dtype.kind in "biu" and input.dtype != np.int64:
        input = input.to(np.int64)  # PyTorch sums and multiplies integers and bools in int64
    return function.apply(input, dim=axis)


@takes_out
def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002 - PyTorch's name
    """The running sum along ``dim``: ``cumsum([1, 2, 3], 0) = [1, 3, 6]``."""
    return _cumulative("cumsum", Cumsum, input, dim, dtype)


@takes_out
def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """The running product along ``dim``: ``cumprod([1, 2, 3], 0) = [1, 2, 6]``."""
    return _cumulative("cumprod", Cumprod, input, dim, dtype)


@takes_out
def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:  # noqa: A002
    """log(sum(exp(input))) over ``dim`` (an int or a tuple of ints), computed as m + log(sum(exp(input - m)))
    with m the max, so large values do not overflow; a line of -inf gives -inf, as PyTorch's. The
    gradient is softmax(input) over ``dim``."""
    x = _floating(input)
    if isinstance(dim, (tuple, list)) and not dim:
        raise RuntimeError("logsumexp(): dim=() is not supported; give the dims to reduce")
    axes = _normalize_axis(dim, x.ndim) if x.ndim else None
    if x.ndim == 0:
        wrap_dim(dim if isinstance(dim, int) else dim[0], 0)
        return x * 1.0
    xp = backend_of(x.array).xp
    shape = kept_shape(x.shape, axes)
    if math.prod(x.shape[a] for a in axes) == 0:
        shift = xp.zeros(shape, dtype=x.array.dtype)
    else:
        top = xp.max(x.array, axis=axes, keepdims=True)
        # Trap: at an infinite or NaN max, x - m is NaN (inf - inf); shift by 0 there instead.
        shift = xp.where(xp.isfinite(top), top, xp.zeros_like(top))
    total = _sum(exp(x - _constant(shift)), axes, keepdims=True)
    empty = _constant(total.array == 0)  # a line of -inf (or no values): log(0) = -inf, without the warning
    result = where(empty, -math.inf, log(where(empty, 1.0, total)) + _constant(shift))
    return result if keepdim else result.reshape(tuple(n for a, n in enumerate(x.shape) if a not in axes))
