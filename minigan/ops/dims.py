"""Reductions with PyTorch's arguments: ``dim=`` and ``keepdim=`` (NumPy's ``axis=``/``keepdims=``
are accepted too), ``max``/``min`` along a dim giving (values, indices) with the gradient going to
the index picked, as PyTorch's, ``argmax``/``argmin``, ``var``/``std`` (unbiased unless told) and
``norm``. These are what ``Tensor``'s methods and ``minigan.max`` etc. call; the ops themselves
are in reductions.py."""
from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import wrap_dim
from ..backends import backend_of
from . import linalg_norms, reductions
from .activations import log_softmax as _log_softmax, softmax as _softmax
from .elementwise import maximum, minimum, sqrt
from .operands import floats_only
from .shape import getitem
from ..torch_api.out_argument import takes_out

#: What ``max(dim=...)``/``min(dim=...)`` return, as ``torch.return_types.max``: ``.values``, ``.indices``.
MaxResult = namedtuple("max", ["values", "indices"])
MinResult = namedtuple("min", ["values", "indices"])


def _axes(dim: Any, axis: Any, name: str) -> Any:
    """``dim`` or its NumPy spelling ``axis`` (not both). An empty ``dim`` (``()`` or ``[]``) means
    every dimension, as in PyTorch; an empty ``axis`` keeps NumPy's meaning, none."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{name}() got both dim= and axis=")
        return axis
    if isinstance(dim, (tuple, list)) and not dim:
        return None
    return dim


def _keep(keepdim: bool, keepdims: Any) -> bool:
    return builtins.bool(keepdim if keepdims is None else keepdims)


@takes_out
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,  # noqa: A001
        axis: Any = None, keepdims: Any = None) -> Tensor:
    """Sum over ``dim`` (an int, a tuple of ints, or None for all)."""
    result = reductions.sum(input, _axes(dim, axis, "sum"), _keep(keepdim, keepdims))
    return result if dtype is None else result.to(dtype)


@takes_out
def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
         axis: Any = None, keepdims: Any = None) -> Tensor:
    """Mean over ``dim`` (an int, a tuple of ints, or None for all)."""
    if input.dtype.kind != "f" and dtype is None:
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {input.dtype}")
    source = input if dtype is None else input.to(dtype)
    return reductions.mean(source, _axes(dim, axis, "mean"), _keep(keepdim, keepdims))


def _correction(unbiased: Any, correction: Any, ddof: Any) -> int:
    if ddof is not None:
        return builtins.int(ddof)
    if correction is not None:
        return builtins.int(correction)
    return 0 if unbiased is False else 1


@takes_out
def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None,
        axis: Any = None, keepdims: Any = None, ddof: Any = None) -> Tensor:
    """Variance over ``dim``, divided by n - correction: unbiased (correction 1) unless
    ``unbiased=False`` or ``correction=0``, as PyTorch (NumPy's ``ddof=`` is accepted too)."""
    if isinstance(unbiased, (builtins.int, tuple, list)) and not isinstance(unbiased, builtins.bool):
        raise TypeError("var(): unbiased must be a bool; pass the dim first (var(dim, unbiased))")
    return reductions.var(input, _axes(dim, axis, "var"), _keep(keepdim, keepdims), _correction(unbiased, correction, ddof))


@takes_out
def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None,
        axis: Any = None, keepdims: Any = None, ddof: Any = None) -> Tensor:
    """Standard deviation: the square root of ``var`` with the same arguments."""
    return sqrt(var(input, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims, ddof=ddof))


def _picked(input: Tensor, dim: int, keepdim: bool, pick: str, name: str) -> tuple[Tensor, Tensor]:
    """The values at ``argmax``/``argmin`` along ``dim`` (a gather, so the gradient goes to the
    index picked, as PyTorch's) and the indices as an int64 Tensor; ``name`` is the caller's."""
    array = input.array
    backend = backend_of(array)
    int64 = backend.native_dtype(np.dtype(np.int64))
    axis = wrap_dim(dim, array.ndim)  # a 0-d tensor takes dims 0 and -1, as in PyTorch
    if array.ndim == 0:
        return input, Tensor._make(backend.xp.zeros((), dtype=int64), False, None)
    if array.shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
    xp = backend.xp
    indices = xp.asarray(getattr(xp, pick)(array, axis=axis))
    grids = list(np.ogrid[tuple(slice(0, n) for n in indices.shape)])
    index = tuple(grids[:axis]) + (indices,) + tuple(grids[axis:])
    values = getitem(input, index)
    indices = xp.astype(indices, int64)
    if keepdim:
        values = values.unsqueeze(axis)
        indices = xp.expand_dims(indices, axis=axis)
    return values, Tensor._make(indices, False, None)


def _only_other(name: str, other: Any, dim: Any, axis: Any) -> Any:
    """``other`` for ``max(t, other=)``, refused beside a dim, as PyTorch's overloads refuse it."""
    if dim is not None or axis is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got a dim together with other=")
    return other


@takes_out
def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None, other: Any = None) -> Any:
    """``max(t)``: the largest value; ``max(t, dim)``: (values, indices) along dim;
    ``max(t, other)`` (or ``other=``): the elementwise maximum. NaN counts as the largest, as in PyTorch.
    ``max(t, axis=..., keepdims=...)`` (NumPy's spelling) gives the values only, as ``amax``."""
    if other is not None:
        return maximum(input, _only_other("max", other, dim, axis))
    if axis is not None:  # NumPy's spelling keeps NumPy's meaning: the values only, any axes
        _axes(dim, axis, "max")
        return reductions.max(input, axis, _keep(keepdim, keepdims))
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    if dim is None:
        return reductions.max(input, pick=True)
    return MaxResult(*_picked(input, dim, _keep(keepdim, keepdims), "argmax", "max"))


@takes_out
def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None, other: Any = None) -> Any:
    """``min(t)``, ``min(t, dim)`` -> (values, indices), ``min(t, other)``: as ``max``."""
    if other is not None:
        return minimum(input, _only_other("min", other, dim, axis))
    if axis is not None:  # NumPy's spelling keeps NumPy's meaning: the values only, any axes
        _axes(dim, axis, "min")
        return reductions.min(input, axis, _keep(keepdim, keepdims))
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    if dim is None:
        return reductions.min(input, pick=True)
    return MinResult(*_picked(input, dim, _keep(keepdim, keepdims), "argmin", "min"))


@takes_out
def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The largest values over ``dim`` (all dims when empty), ties sharing the gradient."""
    return reductions.max(input, None if dim == () else dim, keepdim, "amax")


@takes_out
def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The smallest values over ``dim`` (all dims when empty), ties sharing the gradient."""
    return reductions.min(input, None if dim == () else dim, keepdim, "amin")


def _arg(input: Tensor, dim: Any, keepdim: bool, pick: str) -> Tensor:
    backend = backend_of(input.array)
    xp = backend.xp
    if dim is None:
        flat = xp.reshape(input.array, (-1,))
        if flat.shape[0] == 0:
            raise RuntimeError(f"{pick}(): Expected reduction dim to be specified for input.numel() == 0.")
        found = xp.astype(xp.asarray(getattr(xp, pick)(flat)), backend.native_dtype(np.dtype(np.int64)))
        if keepdim:
            found = xp.reshape(found, (1,) * input.ndim)
        return Tensor._make(found, False, None)
    return _picked(input, dim, keepdim, pick, pick)[1]


def argmax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """The index of the largest value (of the flattened tensor when ``dim`` is None), int64."""
    return _arg(input, dim, keepdim, "argmax")


def argmin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """The index of the smallest value (of the flattened tensor when ``dim`` is None), int64."""
    return _arg(input, dim, keepdim, "argmin")


def softmax(input: Tensor, dim: Any = -1, dtype: Any = None, *, axis: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``; an integer or bool tensor needs ``dtype=``, as in PyTorch."""
    axis = wrap_dim(dim if axis is None else axis, input.ndim)
    return _softmax(_softmax_source("softmax", input, axis, dtype), axis)


def log_softmax(input: Tensor, dim: Any = -1, dtype: Any = None, *, axis: Any = None) -> Tensor:
    """x - logsumexp(x) along ``dim``; an integer or bool tensor needs ``dtype=``, as in PyTorch."""
    axis = wrap_dim(dim if axis is None else axis, input.ndim)
    return _log_softmax(_softmax_source("log_softmax", input, axis, dtype), axis)


def _softmax_source(name: str, input: Tensor, axis: int, dtype: Any) -> Tensor:  # noqa: A002
    """``input`` cast to ``dtype`` when given, else a float tensor as it is; PyTorch's kernels refuse
    integers and bools, naming the kernel of the last dimension or of another."""
    if dtype is not None:
        return input.to(dtype)
    last = input.ndim - 1 if input.ndim else 0  # (this module's max is the op)
    kernel = f"{name}_lastdim_kernel_impl" if axis == last else f"{name}_kernel_impl"
    return floats_only(name, input, kernel)


@takes_out
def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:  # noqa: A002
    """``torch.norm``: the vector p-norm over ``dim`` (every element when None) for a number p or
    "fro" over at most two dims, the matrix norm for "nuc" (minigan/ops/linalg_norms.py computes both)."""
    dim = _axes(dim, None, "norm")
    dims = None if dim is None else tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    if not isinstance(p, str):
        return linalg_norms.vector_norm(input, p, dims, keepdim, dtype=dtype)
    if p == "fro" and (dims is None or len(dims) <= 2):
        return linalg_norms.vector_norm(input, 2, dims, keepdim, dtype=dtype)
    every = tuple(range(getattr(input, "ndim", 0))) if dims is None else dims
    return linalg_norms.matrix_norm(input, p, every, keepdim, dtype=dtype)
