"""Ops without a gradient, as PyTorch's: ``unique`` (the sorted distinct values, with the inverse
indices and counts on request), the bitwise ops on integer and bool tensors (``bitwise_and``,
``bitwise_or``, ``bitwise_xor``, ``bitwise_not``, the shifts; the operators ``&``, ``|``, ``^``,
``~``, ``<<`` and ``>>``) and the logical ops on tensors of any dtype (``logical_and``...).
No gradient: unique's values require grad where the input does, as PyTorch's, and a backward
through them raises PyTorch's "not implemented" (minigan/ops/no_derivative.py); the other results
never require grad."""
from __future__ import annotations

import builtins
import math
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor, tensor as _tensor_of
from ..backends import backend_of, numpy_dtype_of
from .no_derivative import without_derivative
from .operands import _check_broadcast, _promoted, _xp, is_bool, not_implemented_for, wrapped_integer
from .search import slice_axis, unique_consecutive
from ..torch_api.out_argument import takes_out

def _result(array: Any) -> Tensor:
    return Tensor._make(array, False, None)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A001, A002
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values of ``input``, flattened and sorted (as PyTorch's CPU ``unique``, also for
    ``sorted=False``; each NaN is distinct); with ``return_inverse`` the index of each element's value
    (int64, input's shape), with ``return_counts`` how often each value occurs (int64). With ``dim``,
    the distinct slices along ``dim``, sorted lexicographically (the inverse then has one index per
    slice); a slice holding NaN is distinct from every other, but where it sorts may differ from PyTorch's."""
    if dim is not None:
        return _unique_slices(input, dim, return_inverse, return_counts)
    array = input.array
    backend = backend_of(array)
    xp = backend.xp
    found = xp.unique_all(xp.reshape(array, (-1,)))
    int64 = backend.native_dtype(np.dtype(np.int64))
    outputs = [without_derivative(_result(found.values), "_unique2", input)]
    if return_inverse:
        outputs.append(_result(xp.reshape(xp.astype(found.inverse_indices, int64), tuple(array.shape))))
    if return_counts:
        outputs.append(_result(xp.astype(found.counts, int64)))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _unique_slices(input: Tensor, dim: int, return_inverse: bool, return_counts: bool) -> Any:  # noqa: A002
    """unique(dim=...): the slices put in lexicographic order by stable sorts on their elements, last
    element first (so the first of equal slices stays first), then unique_consecutive's runs."""
    axis = slice_axis(input, dim)
    xp = backend_of(input.array).xp
    moved = xp.moveaxis(input.array, axis, 0)
    rows = xp.reshape(moved, (moved.shape[0], math.prod(moved.shape[1:])))
    order = xp.arange(rows.shape[0], device=rows.device)
    keys = xp.astype(rows, xp.uint8) if rows.dtype == xp.bool else rows
    for column in range(rows.shape[1] - 1, -1, -1):
        order = xp.take(order, xp.argsort(xp.take(keys[:, column], order, axis=0), stable=True), axis=0)
    ordered = _result(xp.moveaxis(xp.take(moved, order, axis=0), 0, axis))
    values, inverse, counts = unique_consecutive(ordered, return_inverse=True, return_counts=True, dim=axis)
    outputs = [without_derivative(values, "unique_dim", input)]
    if return_inverse:  # slice i sits at place argsort(order)[i] of the ordered ones
        outputs.append(_result(xp.take(inverse.array, xp.argsort(order), axis=0)))
    if return_counts:
        outputs.append(counts)
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _operand(value: Any, like: Tensor | None, name: str) -> Tensor:
    """A bitwise op's operand as a Tensor: a Python bool takes the tensor's dtype, a Python int too
    (wrapped into it, as arithmetic does; int64 beside a bool tensor), as PyTorch; floats raise
    PyTorch's error."""
    if isinstance(value, Tensor):
        tensor = value
    elif like is not None and isinstance(value, (builtins.bool, np.bool_)):
        tensor = as_tensor(value, like)
    elif like is not None and isinstance(value, numbers.Integral) and like.dtype.kind != "b":
        tensor = as_tensor(wrapped_integer(value, like), like)
    else:  # int64 for a Python int, float32 for a float (which then raises)
        tensor = _tensor_of(value, device=None if like is None else like.device)
    if tensor.dtype.kind not in "biu":
        raise not_implemented_for(name, tensor)
    return tensor


def _binary(name: str, input: Any, other: Any) -> Tensor:  # noqa: A002
    a, b = _operands(name, input, other)
    return _result(getattr(_xp(a), name)(a, b))


def _operands(name: str, input: Any, other: Any) -> tuple[Any, Any]:  # noqa: A002
    """The arrays of a bitwise op's two operands, of one dtype by PyTorch's promotion; ``name``,
    PyTorch's, is for the messages."""
    tensor = input if isinstance(input, Tensor) else other if isinstance(other, Tensor) else None
    a, b = _operand(input, tensor, name), _operand(other, tensor, name)
    if a.shape != b.shape:
        _check_broadcast(name, a, b)
    if a.array.dtype is not b.array.dtype:
        a, b = _promoted(a, b)
    return a.array, b.array


@takes_out
def bitwise_and(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input & other, elementwise, on integer or bool tensors (Python ints and bools as PyTorch takes them)."""
    return _binary("bitwise_and", input, other)


@takes_out
def bitwise_or(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input | other, elementwise."""
    return _binary("bitwise_or", input, other)


@takes_out
def bitwise_xor(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input ^ other, elementwise."""
    return _binary("bitwise_xor", input, other)


@takes_out
def bitwise_not(input: Any) -> Tensor:  # noqa: A002
    """~input: each bit flipped (an int), or the logical not (a bool)."""
    a = _operand(input, None, "bitwise_not")
    return _result(_xp(a.array).bitwise_invert(a.array))


@takes_out
def bitwise_left_shift(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input << other, elementwise, on integer tensors: a shift past the dtype's width (or by a
    negative amount) gives 0, as in PyTorch. Two bools raise, as PyTorch's (a bool beside an
    integer becomes that integer first)."""
    return _shift("lshift", "bitwise_left_shift", input, other)


@takes_out
def bitwise_right_shift(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input >> other, elementwise, filling with the sign bit: a shift past the dtype's width (or
    by a negative amount) gives 0 or -1."""
    return _shift("rshift", "bitwise_right_shift", input, other)


def _shift(name: str, kernel: str, input: Any, other: Any) -> Tensor:  # noqa: A002
    """``kernel`` of the two operands, with PyTorch's result for a shift the array API leaves
    undefined (negative, or past the width): 0, or the sign bit's fill for a right shift."""
    if is_bool(input) and is_bool(other):  # no shift is defined on bools (NumPy would make them int8)
        raise not_implemented_for(name, input if isinstance(input, Tensor) else other)
    a, b = _operands(name, input, other)
    xp = _xp(a)
    dtype = xp.result_type(a, b)  # uint8 beside int8 is int16, as in PyTorch: shifted at that width
    a, b = xp.astype(a, dtype), xp.astype(b, dtype)
    width = numpy_dtype_of(a).itemsize * 8
    defined = (b >= 0) & (b < width)
    shifted = getattr(xp, kernel)(a, xp.where(defined, b, xp.zeros_like(b)))
    if kernel == "bitwise_right_shift" and numpy_dtype_of(a).kind == "i":
        past = xp.bitwise_right_shift(a, width - 1)  # the sign bit everywhere: -1 or 0
    else:
        past = xp.zeros_like(shifted)
    return _result(xp.where(defined, shifted, past))


@takes_out
def logical_and(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Whether both elements are non-zero (any dtype in, bool out), broadcasting as usual."""
    return _logical("logical_and", input, other)


@takes_out
def logical_or(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Whether either element is non-zero."""
    return _logical("logical_or", input, other)


@takes_out
def logical_xor(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Whether exactly one of the two elements is non-zero."""
    return _logical("logical_xor", input, other)


@takes_out
def logical_not(input: Tensor) -> Tensor:  # noqa: A002
    """Whether the element is zero."""
    return _result(_xp(input.array).logical_not(_truth(input, "logical_not", "input", 1)))


def _logical(name: str, input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    a, b = _truth(input, name, "input", 1), _truth(other, name, "other", 2)
    if a.shape != b.shape:
        _check_broadcast(name, a, b)
    return _result(getattr(_xp(a), name)(a, b))


def _truth(value: Any, name: str, argument: str, position: int) -> Any:
    """A Tensor's elements as a bool array (non-zero is True); PyTorch's TypeError for anything else."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be Tensor, not "
                        f"{type(value).__name__}")
    array = value.array
    return array if numpy_dtype_of(array).kind == "b" else array != 0
