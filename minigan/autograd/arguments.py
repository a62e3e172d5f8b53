"""Reading the ``device=`` and ``dtype=`` arguments that Tensors, Modules and the factories take.

Each is checked once, where the user hands it in, with one line naming the problem.
"""
from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from ..backends import Device, backend_for, backend_of, check_device, numpy_dtype_of

DEFAULT_DTYPE = np.float32
FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))  #: what a Tensor may hold
_FLOAT_KINDS = "f"
TENSOR_KINDS = "fiub"  #: what a Tensor may hold: floats, integers and bools (only floats require grad)


def comparable(value: Any) -> bool:
    """Whether ``tensor == value`` compares elements: for a Tensor, a number or an array, as in
    PyTorch; anything else (None, a string, a list) is simply not equal."""
    return isinstance(value, numbers.Number) or (hasattr(value, "shape") and hasattr(value, "dtype"))


def is_float_operand(value: Any) -> bool:
    """Whether an operand is floating point: a Python or NumPy float, or a float Tensor or array."""
    if isinstance(value, (float, np.floating)):
        return True
    array = getattr(value, "array", value)  # a Tensor's array: its own dtype is read once, cheaply
    return hasattr(array, "dtype") and hasattr(array, "shape") and numpy_dtype_of(array).kind == "f"


def float_dtype_argument(dtype: Any) -> np.dtype:
    """A Tensor's dtype argument as a NumPy dtype: float16, float32 or float64."""
    try:
        dtype = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(f"{dtype!r} is not a dtype") from error
    if dtype not in FLOAT_DTYPES:
        raise TypeError(f"Tensor dtype must be float16, float32 or float64, not {dtype}")
    return dtype


def check_device_argument(where: Any) -> None:
    """The one check of a ``device=`` argument: None, a device name or a ``minigan.device``;
    "cuda" without CuPy or without a CUDA device raises, saying which is missing."""
    if where is None:
        return
    if not isinstance(where, (str, Device)):
        raise TypeError(f"device must be a string such as 'cpu' or a minigan.device, got {type(where).__name__}")
    check_device(where, RuntimeError)


def dtype_argument(dtype: Any, default: Any = DEFAULT_DTYPE) -> np.dtype:
    """A ``dtype=`` argument as a NumPy dtype: None is ``default``, the Python types ``float``
    and ``int`` mean float32 and int64 (as in PyTorch); float, integer and bool dtypes only."""
    if dtype is None:
        return np.dtype(default)
    if dtype is builtins.float:  # torch accepts the Python types too
        return np.dtype(DEFAULT_DTYPE)
    if dtype is builtins.int:
        return np.dtype(np.int64)
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a dtype such as minigan.float32, got {dtype!r}") from None
    if resolved.kind not in "fiub":
        raise TypeError(f"dtype {resolved} is not supported; use a float, integer or bool dtype")
    return resolved


def to_arguments(args: tuple, kwargs: dict) -> tuple[Any, np.dtype | None]:
    """Read the arguments of ``Tensor.to`` / ``Module.to`` (``to(device)``, ``to(dtype)``,
    ``to(device, dtype)``, ``to(tensor)``, ``device=``/``dtype=``), check the device, and
    return the device and the dtype asked for (None for each not asked for)."""
    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "copy"}
    if unknown:
        raise TypeError(f"to() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    where, dtype = kwargs.get("device"), kwargs.get("dtype")
    for arg in args:
        if isinstance(arg, (str, Device)):
            where = arg
        elif hasattr(arg, "requires_grad"):  # a Tensor: its device and dtype
            where, dtype = arg.device, arg.dtype
        elif arg is not None:
            dtype = arg
    check_device_argument(where)
    if dtype is None:
        return where, None
    return where, dtype_argument(dtype)


def wrap_dim(dim: Any, ndim: int) -> int:
    """A ``dim=`` argument as an index in ``range(ndim)``, negative values counting from the end,
    with PyTorch's IndexError when out of range (a 0-d tensor takes dims -1 and 0, as in PyTorch)."""
    if isinstance(dim, builtins.bool) or not isinstance(dim, (builtins.int, np.integer)):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    span = builtins.max(ndim, 1)
    if not -span <= dim < span:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], but got {dim})")
    return builtins.int(dim) % span


def no_dimensions(dim: Any) -> IndexError:
    """PyTorch's error for a dim given to an op that needs a real dimension of a 0-d tensor."""
    return IndexError(f"Dimension specified as {dim} but tensor has no dimensions")


def check_distinct_dims(dims: tuple[int, ...]) -> tuple[int, ...]:
    """``dims`` (wrapped), or PyTorch's error where one is named twice (NumPy would reduce it once)."""
    if len(set(dims)) != len(dims):
        repeated = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
    return dims


def dim_index(dim: Any, ndim: int, name: str) -> int:
    """``dim`` as an index in ``range(ndim)``, counting negative values from the end; ``name``
    (the method's) starts the message when ``dim`` is not an int."""
    if isinstance(dim, builtins.bool) or not isinstance(dim, (builtins.int, np.integer)):
        raise TypeError(f"{name}: dim must be an int, got {type(dim).__name__}")
    return wrap_dim(dim, ndim)


def data_argument(data: Any, dtype: Any, device: Any = None, python_dtypes: bool = False) -> Any:
    """Turn user data into an array on ``device`` (default: where the data is, or the CPU), or
    say clearly why it cannot be one. Arrays keep their dtype (float, integer or bool), as in
    PyTorch; Python numbers and lists take the default float dtype unless ``dtype`` says otherwise."""
    if hasattr(data, "dtype") and hasattr(data, "shape"):  # an array of some backend
        source = backend_of(data)
        if dtype is None:
            dtype = source.numpy_dtype(data.dtype)
            if dtype.kind not in TENSOR_KINDS:
                raise TypeError(
                    f"can't convert an array of type {dtype} (shape {tuple(data.shape)}) to a Tensor: the supported "
                    "types are the floating point, integer and bool ones"
                )
        target = source if device is None else backend_for(device)
        # Always a copy, as torch.tensor: an optimizer updating the Tensor in place must
        # never write into the caller's array.
        return target.asarray(data, dtype=dtype_argument(dtype), copy=True)
    if data is None or isinstance(data, (str, bytes)):
        raise TypeError(f"Could not infer dtype of {type(data).__name__}: a Tensor holds numbers")
    try:
        raw = np.asarray(data)
    except (TypeError, ValueError) as error:
        raise TypeError(f"cannot make a Tensor from {type(data).__name__}: {error}") from None
    if raw.dtype.kind not in TENSOR_KINDS:  # strings, None, objects: PyTorch refuses them too
        raise TypeError(f"cannot make a Tensor from {type(data).__name__} holding {raw.dtype} values: "
                        "expected numbers (a number or a nested list of numbers)")
    # Python numbers and (nested) lists take the default dtype, as Python floats do in PyTorch;
    # with python_dtypes (torch.tensor's rule) ints give int64 and bools bool.
    if dtype is None and python_dtypes and raw.dtype.kind in "bi":
        dtype = np.bool_ if raw.dtype.kind == "b" else np.int64
    array = raw.astype(dtype_argument(DEFAULT_DTYPE if dtype is None else dtype))
    return array if device is None else backend_for(device).asarray(array)


def index_argument(index: Any, backend: Any) -> tuple[Any, bool]:
    """An index (of ``tensor[index]`` or ``tensor[index] = value``) with Tensors and lists turned
    into arrays of ``backend``; also whether it has integer arrays, which can pick one element
    twice and so need an accumulating scatter in the backward of ``tensor[index]``."""
    items = index if isinstance(index, tuple) else (index,)
    normalized, advanced = [], False
    for item in items:
        if hasattr(item, "array") and hasattr(item, "requires_grad"):  # a Tensor
            item = item.array
        if isinstance(item, list):
            item = np.asarray(item)
        if hasattr(item, "dtype") and not isinstance(item, np.integer):
            kind = backend_of(item).numpy_dtype(item.dtype).kind
            if kind in "iu":
                advanced = True
            elif kind not in "b":
                raise IndexError(f"tensors can only be indexed with integers, slices or boolean masks, not {item.dtype} arrays")
            item = backend.asarray(item)
        normalized.append(item)
    lone_mask = len(normalized) == 1 and hasattr(normalized[0], "dtype")
    if not advanced and not lone_mask and not any(item is Ellipsis for item in normalized):
        normalized.append(Ellipsis)  # the array-API standard wants the remaining axes said
    return tuple(normalized), advanced


def tensor_argument(name: str, argument: str, position: int | None, value: Any) -> Any:
    """``value``, or PyTorch's TypeError naming the argument when it is not a Tensor
    (``hypot(): argument 'other' (position 2) must be Tensor, not int``; a keyword-only argument,
    ``position`` None, has no position in it)."""
    from .tensor import Tensor  # noqa: PLC0415 - Tensor is built on this module

    if not isinstance(value, Tensor):
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{name}(): argument '{argument}'{where} must be Tensor, not {type(value).__name__}")
    return value


def tensor_sequence(name: str, argument: str, position: int, value: Any) -> list[Any]:
    """``value`` as a list of Tensors, or PyTorch's TypeError for what is not a list or tuple of
    them (its element message counts the arguments from 0)."""
    from .tensor import Tensor  # noqa: PLC0415 - Tensor is built on this module

    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of Tensors, not "
                        f"{type(value).__name__}")
    for number, item in enumerate(value):
        if not isinstance(item, Tensor):
            raise TypeError(f"expected Tensor as element {number} in argument {position - 1}, "
                            f"but got {type(item).__name__}")
    return list(value)
