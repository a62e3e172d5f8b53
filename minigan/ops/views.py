"""``Tensor.view``: PyTorch's view, which never copies. A new shape the strides cannot express
raises PyTorch's error (``reshape`` copies there instead); ``view(dtype)`` reinterprets the bits.
Where minigan lays a tensor out otherwise than PyTorch (a convolution's output), see
``_strides_as_pytorchs``."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.inplace import memory_owner, shared_counter
from .shape import reshape

_STRIDES_ERROR = ("view size is not compatible with input tensor's size and stride (at least one dimension spans "
                  "across two contiguous subspaces). Use .reshape(...) instead.")


def _is_dtype(value: Any) -> bool:
    return isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic))


def _bad_arguments(args: tuple[Any, ...]) -> TypeError:
    got = ", ".join(type(a).__name__ for a in args)
    return TypeError(f"view() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     " * (torch.dtype dtype)\n * (tuple of ints size)")


def inferred_shape(shape: tuple[int, ...], numel: int) -> tuple[int, ...]:
    """``shape`` with its one -1 filled in so that it holds ``numel`` elements; PyTorch's errors."""
    listed = "[" + ", ".join(str(n) for n in shape) + "]"
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, n in enumerate(shape):
        if n < -1:
            raise RuntimeError(f"invalid shape dimension {n} at index {i} of shape {listed}")
    known = math.prod(n for n in shape if n != -1)
    if unknown and known == 0:
        if numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {listed} because the unspecified "
                               "dimension size -1 can be any value and is ambiguous")
        raise RuntimeError(f"shape '{listed}' is invalid for input of size {numel}")
    if unknown and numel % known == 0:
        return tuple(numel // known if n == -1 else n for n in shape)
    if unknown or known != numel:
        raise RuntimeError(f"shape '{listed}' is invalid for input of size {numel}")
    return shape


def viewable(shape: tuple[int, ...], strides: tuple[int, ...], new_shape: tuple[int, ...]) -> bool:
    """Whether elements laid out with ``shape`` and ``strides`` (any unit) can be read in row-major
    order as ``new_shape`` by strides alone. The old dimensions fall into runs that step through
    memory evenly (each dimension's stride is the next one's stride times its size; size-1 dimensions
    belong anywhere); the new shape must split each run on its own, never spanning two."""
    if math.prod(shape) == 0:
        return True
    runs: list[list[int]] = []  # [elements, stride of the innermost dimension], innermost run first
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size == 1:
            continue
        if runs and stride == runs[-1][0] * runs[-1][1]:
            runs[-1][0] *= size
        else:
            runs.append([size, stride])
    sizes = [n for n in reversed(new_shape) if n != 1]
    for elements, _ in runs:
        covered = 1
        while covered < elements and sizes:
            covered *= sizes.pop(0)
        if covered != elements:
            return False
    return not sizes


def view(a: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``a.view(*shape)`` or ``a.view(dtype)``, as PyTorch's: the result shares ``a``'s memory and
    version counter. A shape the strides cannot express raises PyTorch's error, saying to use
    ``reshape`` (which copies there); but see ``_strides_as_pytorchs`` for the tensors that
    follow ``reshape`` instead."""
    if kwargs:
        if args or len(kwargs) != 1 or not ({"size", "dtype"} >= kwargs.keys()):
            raise _bad_arguments(args + tuple(kwargs.values()))
        args = tuple(kwargs.values())
    if len(args) == 1 and _is_dtype(args[0]):
        return _view_as_dtype(a, np.dtype(args[0]))
    shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
    if not args or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape):
        raise _bad_arguments(args)
    shape = inferred_shape(tuple(int(n) for n in shape), a.numel())
    strides = getattr(a.array, "strides", None)  # a backend that shows no strides goes unchecked
    if strides is not None and not viewable(a.shape, tuple(strides), shape) and _strides_as_pytorchs(a):
        raise RuntimeError(_STRIDES_ERROR)
    return reshape(a, shape)


def _strides_as_pytorchs(a: Tensor) -> bool:
    """Whether ``a``'s strides are those PyTorch's tensor would have: true where the tensor it is a
    view of (or ``a`` itself) is row-major, as PyTorch's op results are. Some minigan ops lay their
    results out otherwise (a convolution's output is channel-major); ``view`` of such a tensor, or of
    a view of it, follows ``reshape`` (a copy where the strides do not allow a view)."""
    flags = getattr(memory_owner(a).array, "flags", None)
    return flags is None or bool(flags.c_contiguous)


_TYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int8": "Char", "int16": "Short",
               "int32": "Int", "int64": "Long", "uint8": "Byte", "bool": "Bool"}


def _view_as_dtype(a: Tensor, dtype: np.dtype) -> Tensor:
    """The same bits read as ``dtype``: records nothing (PyTorch's result never requires grad) and
    shares ``a``'s memory and version counter. Between element sizes that differ, the last dimension
    shrinks or grows by their ratio, under PyTorch's conditions and with its messages."""
    if not hasattr(a.array, "view"):
        raise NotImplementedError(f"view(dtype) on the {a.device} device: its arrays cannot be reinterpreted in minigan")
    old = a.array.dtype.itemsize
    if dtype.itemsize != old:
        _check_resizable(a, old, dtype)
    result = Tensor._make(a.array.view(dtype), False, None)
    result._vc = shared_counter(a)
    return result


def _check_resizable(a: Tensor, old: int, dtype: np.dtype) -> None:
    names = (_TYPE_NAMES.get(a.array.dtype.name, a.array.dtype.name), _TYPE_NAMES.get(dtype.name, dtype.name))
    suffix = f" to view {names[0]} as {names[1]} (different element sizes)"
    if a.ndim == 0:
        raise RuntimeError("self.dim() cannot be 0" + suffix)
    strides = [s // old for s in getattr(a.array, "strides", ())] or [1]
    ratio = dtype.itemsize // old
    if ratio > 1:
        offset = (_address(a.array) - _address(memory_owner(a).array)) // old
        for what, value in (("size(-1)", a.shape[-1]), ("storage_offset()", offset)):
            if value % ratio:
                raise RuntimeError(f"self.{what} must be divisible by {ratio}{suffix}, but got {value}")
    if strides[-1] != 1:
        raise RuntimeError(f"self.stride(-1) must be 1{suffix}, but got {strides[-1]}")
    for dim, stride in enumerate(strides[:-1]):
        if ratio > 1 and stride % ratio:
            raise RuntimeError(f"self.stride({dim}) must be divisible by {ratio}{suffix}, but got {stride}")


def _address(array: Any) -> int:
    interface = getattr(array, "__array_interface__", None)
    return 0 if interface is None else interface["data"][0]
