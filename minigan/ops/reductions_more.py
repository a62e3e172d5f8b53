"""Reductions and statistics with PyTorch's names, made of the existing reductions so that their
gradients come for free: ``all``/``any`` (Tensor's methods as functions), ``count_nonzero``,
``nansum``/``nanmean`` (the NaNs left out, and given no gradient), ``std_mean``/``var_mean``,
``aminmax``, ``dist``, ``inner``, ``cov`` and ``corrcoef`` (the matrix trace is in
minigan/ops/shape_picks.py)."""
from __future__ import annotations

import builtins
import warnings
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.arguments import dtype_argument, wrap_dim
from ..autograd.function import Context, Function
from ..autograd.pytorch_methods import reduced_axes
from ..autograd.legacy import scalar_type_name
from . import dims, linalg_norms
from .elementwise import clamp, sqrt, where
from .einsum import tensordot
from .operands import _constant, _xp
from .linalg_compositions import diagonal
from ..torch_api.out_argument import takes_out

#: What ``aminmax`` returns, as ``torch.return_types.aminmax``: ``.min``, ``.max``.
AminmaxResult = namedtuple("aminmax", ["min", "max"])


def _input(name: str, input: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input


@takes_out
def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001, A002
    """Whether every element over ``dim`` (all when None) is non-zero: bool, or uint8 for a uint8
    input, as PyTorch's."""
    return _input("all", input).all(dim, keepdim)


@takes_out
def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001, A002
    """Whether any element over ``dim`` (all when None) is non-zero: bool, or uint8 for a uint8 input."""
    return _input("any", input).any(dim, keepdim)


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:  # noqa: A002
    """How many elements over ``dim`` (an int, a tuple of ints, or None for all) are non-zero
    (NaN counts), as int64 with no gradient."""
    input = _input("count_nonzero", input)  # noqa: A001
    axes = reduced_axes(dim, input.ndim)
    counted = dims.sum((input != 0).to(np.int64), axes)
    return Tensor._make(counted.array, False, None)


class NanAsZero(Function):
    """f = 0 where a is NaN, else a;  df/da = [a is not NaN], multiplied in as PyTorch's nansum
    does, so an infinite or NaN incoming gradient gives NaN at a NaN (nanmean of only NaN)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        xp = _xp(a)
        return xp.where(a != a, xp.zeros_like(a), a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0].array
        return (grad * _constant(_xp(a).astype(a == a, a.dtype)),)


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """The sum over ``dim`` with NaN counted as zero (its gradient is zero too). Integers and bools
    sum in int64, as in ``sum``."""
    input = _input("nansum", input)  # noqa: A001
    if dtype is not None:
        input = input.to(dtype_argument(dtype))  # noqa: A001
    elif input.dtype.kind in "biu":
        input = input.to(np.int64)  # noqa: A001 - no NaN to drop; PyTorch sums them in int64
    if input.dtype.kind == "f":
        input = NanAsZero.apply(input)  # noqa: A001
    return dims.sum(input, reduced_axes(dim, input.ndim), keepdim)


@takes_out
def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """The mean over ``dim`` of the values that are not NaN (NaN where all are, or none are left)."""
    input = _input("nanmean", input)  # noqa: A001
    if input.dtype.kind != "f":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype but got "
                           f"{scalar_type_name(input.dtype)}")
    if dtype is not None:
        input = input.to(dtype_argument(dtype))  # noqa: A001
    axes = reduced_axes(dim, input.ndim)
    counted = count_nonzero(input == input, axes).to(input.dtype)
    if keepdim:
        counted = counted.reshape(tuple(1 if axes is None or d in axes else n for d, n in enumerate(input.shape)))
    # No value left: divide by NaN for PyTorch's NaN, with no 0 / 0 forward or 1 / 0 backward to warn of
    return nansum(input, axes, keepdim) / where(counted == 0, float("nan"), counted)


def _spread_and_mean(name: str, input: Tensor, dim: Any, unbiased: Any, keepdim: bool,  # noqa: A002
                     correction: Any) -> tuple[Tensor, Tensor]:
    input = _input(name, input)  # noqa: A001
    if input.dtype.kind != "f":
        raise RuntimeError(f"{name} only support floating point and complex dtypes")
    if isinstance(dim, builtins.bool):  # the older var_mean(input, unbiased) spelling
        dim, unbiased = None, dim
    axes = reduced_axes(dim, input.ndim)
    spread = dims.var(input, axes, unbiased, keepdim, correction=correction)
    return spread, dims.mean(input, axes, keepdim)


def var_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,  # noqa: A002
             correction: Any = None) -> tuple[Tensor, Tensor]:
    """(var, mean) over ``dim``, ``var`` as minigan.var takes it (unbiased unless ``unbiased=False``
    or ``correction=0``)."""
    return _spread_and_mean("var_mean", input, dim, unbiased, keepdim, correction)


def std_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,  # noqa: A002
             correction: Any = None) -> tuple[Tensor, Tensor]:
    """(std, mean) over ``dim``, as ``var_mean`` with the square root of the variance."""
    spread, centre = _spread_and_mean("std_mean", input, dim, unbiased, keepdim, correction)
    return sqrt(spread), centre


def aminmax(input: Tensor, *, dim: Any = None, keepdim: bool = False) -> AminmaxResult:  # noqa: A002
    """(min, max) over one ``dim`` (all elements when None) as ``amin`` and ``amax``: ties share the
    gradient, and a NaN makes both NaN."""
    input = _input("aminmax", input)  # noqa: A001
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        axes = None
    else:
        axes = wrap_dim(dim, input.ndim)
        if input.ndim and input.shape[axes] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {axes} to have non-zero size.")
        if input.ndim == 0:
            axes = None
    if input.numel() == 0:  # an empty dimension kept, the reduced one not empty: empty results
        empty = dims.sum(input, axes, keepdim)
        return AminmaxResult(empty.to(input.dtype), empty.to(input.dtype))
    return AminmaxResult(dims.amin(input, () if axes is None else axes, keepdim),
                         dims.amax(input, () if axes is None else axes, keepdim))


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:  # noqa: A002
    """The p-norm of ``input - other`` (broadcast) over all elements, as ``torch.dist``."""
    input, other = _input("dist", input), as_tensor(other)  # noqa: A001
    for t in (input, other):
        if t.dtype.kind != "f":
            raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                               f"{scalar_type_name(t.dtype)} instead.")
    return linalg_norms.vector_norm(input - other, p)


@takes_out
def inner(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The sum of products over the last dimension of both: for matrices ``input @ other.T``; a 0-d
    operand multiplies the other."""
    input, other = _input("inner", input), as_tensor(other)  # noqa: A001
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.dtype != other.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([input.ndim - 1], [other.ndim - 1]))


def _weights(name: str, weights: Any, observations: int, integral: bool) -> Tensor:
    weights = as_tensor(weights)
    if weights.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                           f"{weights.ndim} dimensions")
    if weights.numel() != observations:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the input "
                           f"but got {weights.numel()} != {observations}")
    kind = "integral" if integral else "floating point"
    if (weights.dtype.kind in "iu") != integral or weights.dtype == np.bool_:
        raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                           f"{scalar_type_name(weights.dtype)} dtype")
    if bool((weights < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")
    return weights


def cov(input: Tensor, *, correction: int = 1, fweights: Any = None, aweights: Any = None) -> Tensor:  # noqa: A002
    """The covariance matrix of the variables in the rows of ``input`` (observations in the columns;
    a 1-D input is one variable, giving a 0-d variance), as ``torch.cov``: ``fweights`` (integer
    repeat counts) and ``aweights`` (float importance weights) weigh the observations, and the sum
    of products is divided by sum(w) - correction (scaled for aweights). Where that is <= 0 it warns
    and gives inf or NaN, as PyTorch's."""
    input = _input("cov", input)  # noqa: A001
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    if input.dtype == np.bool_:
        raise NotImplementedError("cov(): bool dtype is not supported for input")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    x = x if x.dtype.kind == "f" else x.to(dtype_argument(None))
    observations = x.shape[1]
    frequency = None if fweights is None else _weights("fweights", fweights, observations, True)
    importance = None if aweights is None else _weights("aweights", aweights, observations, False)
    w = importance if frequency is None else frequency if importance is None else frequency * importance
    with np.errstate(divide="ignore", invalid="ignore"):  # no observations: 0 / 0 gives NaN, as PyTorch's
        if w is None:
            total: Any = float(observations)
            centre = dims.sum(x, 1, keepdim=True) / total
        else:
            total = dims.sum(w)
            centre = dims.sum(x * w, 1, keepdim=True) / total
        if importance is None or correction == 0:
            scale = total - correction
        else:
            scale = total - correction * dims.sum(w * importance) / total
        if builtins.bool(scale <= 0):
            warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                          "observations.", UserWarning, stacklevel=2)
            scale = scale * 0
        centred = x - centre
        products = (centred if w is None else centred * w) @ centred.transpose(0, 1)
        result = products / scale
    return result.reshape(()) if input.ndim < 2 else result


def corrcoef(input: Tensor) -> Tensor:  # noqa: A002
    """Pearson's correlation coefficients of the rows of ``input``: ``cov(input)`` divided by the
    outer product of the standard deviations, clipped to [-1, 1] (NaN for a constant row)."""
    c = cov(input)
    with np.errstate(divide="ignore", invalid="ignore"):  # a constant row: 0 / 0, NaN as PyTorch's
        if c.ndim == 0:
            return c / c
        spread = sqrt(diagonal(c))
        return clamp(c / spread.reshape(-1, 1) / spread.reshape(1, -1), -1.0, 1.0)
