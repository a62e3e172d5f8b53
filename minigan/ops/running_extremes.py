"""Running maxima and minima and the running log-sum-exp, as PyTorch's ``cummax``, ``cummin`` and
``logcumsumexp``, and ``msort``.

Each is a scan along ``dim`` done in log2(n) passes on the backend's arrays (each pass combines
every element with the one ``shift`` places before it, ``shift`` doubling), so it runs on any
array library. ``cummax``/``cummin`` find the index of the running extreme that way (of equal
values the latest, and a NaN is the extreme once seen, as in PyTorch) and read the values with
``gather``, so the gradient goes to the element chosen. ``logcumsumexp`` combines with
``logaddexp``, which stays finite where exp would overflow; its backward is a reversed
logcumsumexp of the gradient's logarithm, split by sign, so it is stable too."""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Callable

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import wrap_dim
from ..autograd.function import Context, Function
from ..autograd.gather_scatter import gather
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from .elementwise import exp, log, where
from .operands import _xp
from .reorder import Flip
from .sorting import sort
from ..torch_api.out_argument import takes_out

#: As ``torch.return_types.cummax`` and ``cummin``: ``.values``, ``.indices``.
CummaxResult = namedtuple("cummax", ["values", "indices"])
CumminResult = namedtuple("cummin", ["values", "indices"])


def _along(axis: int, part: slice) -> tuple[Any, ...]:
    return (slice(None),) * axis + (part, Ellipsis)


def _scan(xp: Any, arrays: tuple[Any, ...], axis: int, combine: Callable[..., tuple[Any, ...]]) -> tuple[Any, ...]:
    """An inclusive scan of ``arrays`` (same shape) along ``axis`` with the associative ``combine``
    (earlier parts, later parts) -> combined parts."""
    n = arrays[0].shape[axis]
    shift = 1
    while shift < n:
        earlier = tuple(a[_along(axis, slice(0, n - shift))] for a in arrays)
        later = tuple(a[_along(axis, slice(shift, n))] for a in arrays)
        combined = combine(*earlier, *later)
        arrays = tuple(xp.concat([a[_along(axis, slice(0, shift))], c], axis=axis) for a, c in zip(arrays, combined))
        shift *= 2
    return arrays


def _running_index(input: Tensor, axis: int, largest: bool) -> Any:  # noqa: A002
    """The int64 index of the running maximum (``largest``) or minimum along ``axis``."""
    backend = backend_of(input.array)
    xp, array = backend.xp, input.array
    if array.dtype == xp.bool:
        array = xp.astype(array, xp.uint8)  # compared as 0 and 1
    int64 = backend.native_dtype(np.dtype(np.int64))
    shape = [1] * array.ndim
    shape[axis] = array.shape[axis]
    steps = xp.arange(array.shape[axis], dtype=int64, device=array.device)
    index = xp.broadcast_to(xp.reshape(steps, tuple(shape)), array.shape)
    floating = input.dtype.kind == "f"

    def combine(value: Any, at: Any, later_value: Any, later_at: Any) -> tuple[Any, Any]:
        # The later part wins a tie, and a NaN wins (the latest NaN): PyTorch's rule.
        wins = later_value >= value if largest else later_value <= value
        if floating:
            wins = xp.isnan(later_value) | (wins & ~xp.isnan(value))
        return xp.where(wins, later_value, value), xp.where(wins, later_at, at)

    return _scan(xp, (array, index), axis, combine)[1]


def _cumulative_extreme(name: str, input: Tensor, dim: int, largest: bool, result: type) -> Any:  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim == 0 and dim not in (0, -1):
        raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    axis = wrap_dim(dim, input.ndim)
    rows = input.reshape(1) if input.ndim == 0 else input
    indices = Tensor._make(_running_index(rows, axis, largest), False, None)
    values = gather(rows, axis, indices)
    if input.ndim == 0:
        return result(values.reshape(()), indices.reshape(()))
    return result(values, indices)


@takes_out
def cummax(input: Tensor, dim: int) -> CummaxResult:  # noqa: A002 - PyTorch's name
    """(values, indices): the running maximum along ``dim`` and where it was found (the latest of
    equal values; once a NaN is seen, the values are NaN). The gradient goes to the chosen element."""
    return _cumulative_extreme("cummax", input, dim, True, CummaxResult)


@takes_out
def cummin(input: Tensor, dim: int) -> CumminResult:  # noqa: A002
    """(values, indices): the running minimum along ``dim``, as ``cummax``."""
    return _cumulative_extreme("cummin", input, dim, False, CumminResult)


class LogCumsumExp(Function):
    """f_j = log(sum_{k<=j} exp(a_k)) along ``dim``;  df_j/da_i = exp(a_i - f_j) for i <= j, so the
    gradient is sum_{j>=i} g_j exp(a_i - f_j), taken in log space (see _logcumsumexp_grad)."""

    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, dim: int) -> Any:
        xp = _xp(a)
        if a.ndim == 0:
            return xp.asarray(a, copy=True)
        return _scan(xp, (a,), dim, lambda earlier, later: (_log_add_exp(xp, earlier, later),))[0]

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,), dim = ctx.inputs, ctx.options["dim"]
        if a.ndim == 0:
            return (grad * 1.0,)
        return (_logcumsumexp_grad(a, ctx.output, grad, dim),)


def _log_add_exp(xp: Any, x: Any, y: Any) -> Any:
    """log(exp(x) + exp(y)) elementwise; a NaN gives NaN silently, as PyTorch's, where NumPy's
    logaddexp would warn of an invalid value."""
    nan = xp.isnan(x) | xp.isnan(y)
    zero = xp.zeros_like(x)
    return xp.where(nan, xp.where(xp.isnan(x), x, y), xp.logaddexp(xp.where(nan, zero, x), xp.where(nan, zero, y)))


def _log_of_positive(t: Tensor) -> Tensor:
    """log(t) where t > 0, -inf elsewhere (without log(0)'s warning)."""
    positive = t > 0
    return where(positive, log(where(positive, t, 1.0)), -np.inf)


def _logcumsumexp_grad(a: Tensor, out: Tensor, grad: Tensor, dim: int) -> Tensor:
    """sum_{j>=i} g_j exp(a_i - f_j) = exp(a_i + R_i(g+)) - exp(a_i + R_i(g-)), R a reversed
    logcumsumexp of log(g±) - f: no exp of a large number is taken. Where f_j = -inf (only -inf so
    far) the terms are 0, as exp(a_i - f_j) for a_i = -inf is read as."""
    finite = out > -np.inf
    safe_out = where(finite, out, 0.0)

    def part(g: Tensor) -> Tensor:
        shifted = where(finite, _log_of_positive(g) - safe_out, -np.inf)
        summed = Flip.apply(LogCumsumExp.apply(Flip.apply(shifted, dims=(dim,)), dim=dim), dims=(dim,))
        reached = summed > -np.inf  # no term: 0, also where a is +-inf (not inf - inf = NaN)
        total = where(reached, a + where(reached, summed, 0.0), -np.inf)
        return exp(where(total != total, -np.inf, total))

    gradient = part(where(grad > 0, grad, 0.0)) - part(where(grad < 0, -grad, 0.0))
    # A NaN anywhere in a slice makes f_j NaN from there on, so it reaches every a_i of the slice
    # through some f_j with j >= i: the slice's last f tells, and its gradient is NaN, as PyTorch's.
    if out.shape[dim] == 0:
        return gradient
    last = out.narrow(dim, out.shape[dim] - 1, 1)
    return where(last != last, np.nan, gradient)


@takes_out
def logcumsumexp(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    """log(cumsum(exp(input))) along ``dim``, computed without overflow: [1000, 1000] gives
    [1000, 1000.6931]. Float input only, as PyTorch's."""
    if not isinstance(input, Tensor):
        raise TypeError(f"logcumsumexp(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"logcumsumexp(): argument 'dim' must be int, not {type(dim).__name__}")
    axis = wrap_dim(dim, input.ndim)
    if input.dtype.kind != "f":
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{scalar_type_name(input.dtype)}\'')
    return LogCumsumExp.apply(input, dim=axis)


@takes_out
def msort(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` sorted along its first dimension (NaN last), as ``torch.msort``: ``sort(input, 0).values``."""
    if not isinstance(input, Tensor):
        raise TypeError(f"msort(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return sort(input, 0).values
