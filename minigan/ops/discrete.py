"""Ops without a gradient, as PyTorch's: ``unique`` (the sorted distinct values, with the inverse
indices and counts on request) and the bitwise ops on integer and bool tensors (``bitwise_and``,
``bitwise_or``, ``bitwise_xor``, ``bitwise_not``; the operators ``&``, ``|``, ``^`` and ``~``).
Their results never require grad."""
from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor, tensor as _tensor_of
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from .operands import _check_broadcast, _xp

def _result(array: Any) -> Tensor:
    return Tensor._make(array, False, None)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A001, A002
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values of ``input``, flattened and sorted (as PyTorch's CPU ``unique``, also for
    ``sorted=False``; each NaN is distinct); with ``return_inverse`` the index of each element's value
    (int64, input's shape), with ``return_counts`` how often each value occurs (int64)."""
    if dim is not None:
        raise NotImplementedError(f"unique(dim={dim}) is not supported by minigan (the distinct slices along a dim); "
                                  "only dim=None, the distinct elements")
    array = input.array
    backend = backend_of(array)
    xp = backend.xp
    found = xp.unique_all(xp.reshape(array, (-1,)))
    int64 = backend.native_dtype(np.dtype(np.int64))
    outputs = [_result(found.values)]
    if return_inverse:
        outputs.append(_result(xp.reshape(xp.astype(found.inverse_indices, int64), tuple(array.shape))))
    if return_counts:
        outputs.append(_result(xp.astype(found.counts, int64)))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _operand(value: Any, like: Tensor | None, name: str) -> Tensor:
    """A bitwise op's operand as a Tensor: a Python bool takes the tensor's dtype, a Python int too
    (int64 beside a bool tensor), as PyTorch; floats raise PyTorch's error."""
    if isinstance(value, Tensor):
        tensor = value
    elif like is not None and isinstance(value, (builtins.bool, np.bool_)):
        tensor = as_tensor(value, like)
    elif like is not None and isinstance(value, numbers.Integral) and like.dtype.kind != "b":
        tensor = as_tensor(value, like)
    else:  # int64 for a Python int, float32 for a float (which then raises)
        tensor = _tensor_of(value, device=None if like is None else like.device)
    if tensor.dtype.kind not in "biu":
        kind = scalar_type_name(tensor.dtype)
        raise NotImplementedError(f'"{name}_{tensor.device.type}" not implemented for \'{kind}\'')
    return tensor


def _binary(name: str, input: Any, other: Any) -> Tensor:  # noqa: A002
    tensor = input if isinstance(input, Tensor) else other if isinstance(other, Tensor) else None
    a, b = _operand(input, tensor, name), _operand(other, tensor, name)
    if a.shape != b.shape:
        _check_broadcast(name, a, b)
    if a.dtype != b.dtype and (a.ndim == 0) != (b.ndim == 0) and (a.dtype.kind == "b") == (b.dtype.kind == "b"):
        # a 0-d tensor beside a larger one of the same kind takes its dtype, as in PyTorch
        a, b = (a.astype(b.dtype), b) if a.ndim == 0 else (a, b.astype(a.dtype))
    return _result(getattr(_xp(a.array), name)(a.array, b.array))


def bitwise_and(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input & other, elementwise, on integer or bool tensors (Python ints and bools as PyTorch takes them)."""
    return _binary("bitwise_and", input, other)


def bitwise_or(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input | other, elementwise."""
    return _binary("bitwise_or", input, other)


def bitwise_xor(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input ^ other, elementwise."""
    return _binary("bitwise_xor", input, other)


def bitwise_not(input: Any) -> Tensor:  # noqa: A002
    """~input: each bit flipped (an int), or the logical not (a bool)."""
    a = _operand(input, None, "bitwise_not")
    return _result(_xp(a.array).bitwise_invert(a.array))
