"""``scatter_add`` and ``scatter_reduce``, as PyTorch's: ``src``'s values reduced into a copy of
``self`` along ``dim`` at ``index`` (the places of minigan/autograd/gather_scatter.py's ``scatter_``).

Each place t that ``index`` names gathers the values of ``src`` sent there, and with
``include_self=True`` its own value too, and keeps their sum, product, mean, maximum (``amax``) or
minimum (``amin``); a place no index names keeps its own value. Sums and means are taken on the
device (the backend's scatter-add); products, maxima and minima by NumPy's ``ufunc.at`` on the host,
which the array standard lacks.

Gradients, as PyTorch's: sum passes the gradient on; mean divides it by the number of values met at
t; amax and amin split it evenly between the values equal to the result (ties, NaN equal to NaN;
with ``include_self=False`` a place's own value, when equal, still takes a share, which is lost, as
in PyTorch); prod gives each value the product of the others at t, without dividing by a zero (so
it is exact where one or more values are 0). Second derivatives are exact away from zeros of prod.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..autograd.gather_scatter import scatter_places
from ..backends import backend_of
from .elementwise import where
from .operands import _constant
from .shape import GetItem

REDUCES = ("sum", "prod", "mean", "amax", "amin")
_ALIASES = {"max": "amax", "min": "amin"}  # PyTorch takes these two spellings too
# fmax and fmin, not maximum and minimum: their .at compares NaN without NumPy's "invalid" warning;
# _reduce_at puts the NaN back, as PyTorch's amax and amin keep it.
_AT = {"prod": np.multiply, "amax": np.fmax, "amin": np.fmin}


def _reduce_at(host: np.ndarray, reduce: str, places: tuple[np.ndarray, ...], values: np.ndarray) -> None:
    """``host`` reduced in place with ``values`` at ``places``; for amax and amin a NaN met at a place
    (in ``host`` or among its values) makes the place NaN."""
    if reduce == "prod" or host.dtype.kind != "f":
        _AT[reduce].at(host, places, values)
        return
    nan = np.isnan(host)
    np.logical_or.at(nan, places, np.isnan(values))
    _AT[reduce].at(host, places, values)
    host[nan] = np.nan


def _counts(a: Any, places: tuple[Any, ...], marks: Any) -> Any:
    """How many of ``marks`` (a bool array of index's shape) land on each place of ``a`` (int64)."""
    backend = backend_of(a)
    xp = backend.xp
    int64 = backend.native_dtype(np.dtype(np.int64))
    counts = xp.zeros(a.shape, dtype=int64, device=a.device)
    backend.scatter_add(counts, places, xp.astype(marks, int64))
    return counts


def _identity(reduce: str, dtype: np.dtype) -> Any:
    """The value that ``reduce`` leaves unchanged in ``dtype``: 1, the lowest or the highest."""
    if reduce == "prod":
        return 1
    if dtype.kind == "b":
        return reduce == "amin"
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


class ScatterReduce(Function):
    """f_t = reduce({a_t if include_self} + {s_j : index_j = t}) where index names t, else a_t;
    df/dv for each value v met at t: sum 1; mean 1/n_t; amax, amin [v == f_t] / (ties at t); prod the
    product of the others met at t (df/da_t = 1 where index does not name t)."""

    saves_output = True  # amax and amin compare the values with the result

    @staticmethod
    def forward(ctx: Context, a: Any, src: Any, places: tuple[Any, ...], reduce: str, include_self: bool) -> Any:
        backend = backend_of(a)
        xp = backend.xp
        counts = _counts(a, places, xp.ones(src.shape, dtype=xp.bool, device=a.device))
        touched = counts > 0
        if reduce in ("sum", "mean"):
            total = xp.zeros(a.shape, dtype=a.dtype, device=a.device)
            backend.scatter_add(total, places, src)
            if include_self:
                total = total + a
            if reduce == "mean":
                n = xp.astype(xp.where(touched, counts + int(include_self), xp.ones_like(counts)), a.dtype)
                total = total / n if backend.numpy_dtype(a.dtype).kind == "f" else total // n
            return xp.where(touched, total, a)
        host = np.array(backend.to_numpy(a))  # a copy: the input stays as it was
        dtype = host.dtype
        if not include_self:
            host[backend.to_numpy(touched)] = _identity(reduce, dtype)
        _reduce_at(host, reduce, tuple(backend.to_numpy(p) for p in places), backend.to_numpy(src))
        return backend.asarray(host)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, src = ctx.inputs
        places, reduce, include_self = ctx.options["places"], ctx.options["reduce"], ctx.options["include_self"]
        xp = backend_of(a.array).xp
        every = xp.ones(src.shape, dtype=xp.bool, device=a.array.device)
        n = _counts(a.array, places, every)
        own = n == 0 if not include_self else xp.ones(a.shape, dtype=xp.bool, device=a.array.device)  # a_t met at t

        def at_index(t: Tensor) -> Tensor:
            return GetItem.apply(t, index=places, advanced=True)

        def factor(mask: Any) -> Tensor:
            return _constant(xp.astype(mask, a.array.dtype))

        if reduce == "sum":
            return grad * factor(own), at_index(grad)
        if reduce == "mean":
            share = grad / factor(xp.where(n > 0, n + int(include_self), xp.ones_like(n)))
            return share * factor(own), at_index(share)
        if reduce == "prod":
            return _prod_grads(grad, a, src, places, include_self, own, at_index, factor)
        result = ctx.output.array
        a_ties = _same(a.array, result)  # counted even where include_self=False leaves a out, as PyTorch counts
        src_ties = _same(src.array, backend_of(result).take(result, places))
        share = grad / (factor(a_ties) + factor(_counts(a.array, places, src_ties)))  # each place has a tie
        return share * factor(a_ties & own), at_index(share) * factor(src_ties)


def _same(values: Any, result: Any) -> Any:
    """Where ``values`` equal ``result`` (a NaN equals a NaN: PyTorch's maximum keeps NaN)."""
    xp = backend_of(values).xp
    return (values == result) | (xp.isnan(values) & xp.isnan(result))


def _prod_grads(grad: Tensor, a: Tensor, src: Tensor, places: tuple[Any, ...], include_self: bool, own: Any,
                at_index: Any, factor: Any) -> tuple[Tensor, Tensor]:
    """The product of the others met at each place, times the gradient, for self and for src. Zeros are
    set to 1 in a product of the non-zero values ("rest"); a zero's others are that product when it is
    the only zero at its place, a non-zero value's others are rest / value when there is no zero there,
    and all else is 0. rest is this same op, so create_graph records it."""
    xp = backend_of(a.array).xp
    a_zeros, s_zero = a.array == 0, src.array == 0
    a_zero = a_zeros & own  # a zero that takes part in the product
    zeros = _counts(a.array, places, s_zero) + xp.astype(a_zero, xp.int64)
    a_in, s_in = where(a_zeros, 1.0, a), where(s_zero, 1.0, src)
    rest = ScatterReduce.apply(a_in, s_in, places=places, reduce="prod", include_self=include_self)
    one_zero, no_zero = factor(zeros == 1), factor(zeros == 0)
    others_a = where(a_zeros, rest * one_zero, rest * no_zero / a_in)
    rest_s = at_index(rest)
    others_s = where(s_zero, rest_s * at_index(one_zero), rest_s * at_index(no_zero) / s_in)
    return grad * others_a * factor(own), at_index(grad) * others_s


def scatter_reduce(input: Tensor, dim: int, index: Any, src: Tensor, reduce: str, *,  # noqa: A002
                   include_self: bool = True) -> Tensor:
    """``input`` with ``src`` reduced into it along ``dim`` at ``index`` ("sum", "prod", "mean",
    "amax" or "amin"; with ``include_self`` the place's own value takes part), as
    ``torch.scatter_reduce``; differentiable with respect to ``input`` and ``src``."""
    reduce = _ALIASES.get(reduce, reduce) if isinstance(reduce, str) else reduce
    if reduce not in REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    return _scatter("scatter_reduce", input, dim, index, src, reduce, include_self)


def scatter_add(input: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:  # noqa: A002
    """``input`` with ``src`` added along ``dim`` at ``index`` (added once per time an index repeats),
    as ``torch.scatter_add``; differentiable with respect to ``input`` and ``src``."""
    return _scatter("scatter_add", input, dim, index, src, "sum", True)


def _scatter(name: str, input: Tensor, dim: int, index: Any, src: Any, reduce: str,  # noqa: A002
             include_self: bool) -> Tensor:
    places, part = scatter_places(name, input, dim, index, src)
    if part.dtype != input.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype ({input.dtype} and {part.dtype})")
    return ScatterReduce.apply(input, part, places=places, reduce=reduce, include_self=bool(include_self))
