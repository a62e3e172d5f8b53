"""Counting and membership with PyTorch's names: ``bincount``, ``isin``, ``argwhere`` and
``nonzero_static``. Their results are counts, masks and positions, which carry no gradient."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from ..autograd.arguments import tensor_argument
from .reorder import nonzero
from ..torch_api.out_argument import takes_out


def bincount(input: Tensor, weights: Any = None, minlength: int = 0) -> Tensor:  # noqa: A002 - PyTorch's name
    """How often each value 0, 1, ..., max(input) occurs in a 1-D tensor of non-negative integers
    (at least ``minlength`` bins), int64; with ``weights`` the sum of the weights of each value
    instead (in the weights' float dtype, float64 for integer or bool weights). No gradient."""
    if not isinstance(input, Tensor):
        raise TypeError(f"bincount(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dtype.kind not in "iu":
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{scalar_type_name(input.dtype)}\'')
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    backend = backend_of(input.array)
    values = backend.to_numpy(input.array)
    if values.ndim != 1 or (values.size and values.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    counted_weights = None
    dtype: Any = np.int64
    if weights is not None:
        weights = as_tensor(weights)
        if weights.ndim != 1 or weights.shape[0] != values.shape[0]:
            raise RuntimeError("weights should be 1-d and have the same length as input")
        dtype = weights.dtype if weights.dtype.kind == "f" else np.float64
        counted_weights = backend.to_numpy(weights.array).astype(dtype)
    counts = np.bincount(values.astype(np.int64), weights=counted_weights, minlength=int(minlength)).astype(dtype)
    return Tensor._make(backend.asarray(counts), False, None)


@takes_out
def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each of ``elements`` equals one of ``test_elements`` (either may be a number), as a bool
    tensor of ``elements``' shape; ``invert=True`` asks the opposite. NaN is in nothing."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments - got "
                        f"({type(elements).__name__}, {type(test_elements).__name__}), but expected at least one "
                        "Tensor")
    for value in (elements, test_elements):
        if not isinstance(value, (Tensor, numbers.Number)):
            raise TypeError(f"isin(): expected a Tensor or a number, got {type(value).__name__}")
        if isinstance(value, bool) or (isinstance(value, Tensor) and value.dtype == np.bool_):
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    where = elements if isinstance(elements, Tensor) else test_elements
    backend = backend_of(where.array)
    left = as_tensor(elements)
    right = backend.to_numpy(as_tensor(test_elements).array).reshape(-1)
    found = np.isin(backend.to_numpy(left.array), right, assume_unique=bool(assume_unique), invert=bool(invert))
    return Tensor._make(backend.asarray(np.asarray(found)), False, None)


def argwhere(input: Tensor) -> Tensor:  # noqa: A002
    """The positions of the non-zero elements, one row each (count, ndim), int64: ``nonzero(input)``."""
    if not isinstance(input, Tensor):
        raise TypeError(f"argwhere(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return nonzero(input)


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:  # noqa: A002
    """``nonzero(input)`` with exactly ``size`` rows: the first ``size`` positions of the non-zero
    elements, then rows of ``fill_value`` (int64, shape (size, input.ndim))."""
    tensor_argument("nonzero_static", "input", 1, input)
    if isinstance(size, bool) or not isinstance(size, numbers.Integral):
        raise TypeError(f"nonzero_static(): argument 'size' must be int, not {type(size).__name__}")
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    backend = backend_of(input.array)
    found = backend.to_numpy(nonzero(input).array)[:size]
    rows = np.full((int(size), input.ndim), fill_value, dtype=np.int64)
    rows[:found.shape[0]] = found
    return Tensor._make(backend.asarray(rows), False, None)
