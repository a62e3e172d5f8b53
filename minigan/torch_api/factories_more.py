"""More of PyTorch's factories: ``asarray`` (a tensor from anything, sharing memory where it
can and refusing with ``copy=False`` where it cannot), ``from_dlpack`` (a tensor sharing another
library's array through DLPack), ``scalar_tensor`` (a 0-d tensor of a number, float32 by
default), ``range``, the deprecated one that includes its end, ``frombuffer`` (a tensor sharing a
Python buffer's memory), ``from_file`` (a file mapped into memory), ``empty_strided`` and ``empty_permuted``."""
from __future__ import annotations

import builtins
import math
import numbers
import os
import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import check_device_argument, dtype_argument
from ..autograd.legacy import scalar_type_name
from ..backends import Device, backend_for
from .factories import _result, as_tensor
from .out_argument import takes_out
from .unsupported import UnsupportedFeatureError

_RANGE_WARNING = ("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).")


@takes_out(factory=True)
def range(start: Any, end: Any, step: Any = 1, *, dtype: Any = None, device: Any = None,  # noqa: A001
          requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` *included*, ``step`` apart: floor((end - start) / step) + 1
    of them, float32 unless ``dtype`` says otherwise, with PyTorch's deprecation warning
    (``arange`` stops before ``end``)."""
    warnings.warn(_RANGE_WARNING, UserWarning, stacklevel=3)
    check_device_argument(device)
    for value in (start, end, step):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"range(): start, end and step must be numbers, got {value!r}")
    resolved = dtype_argument(dtype)
    if resolved.kind == "b":
        raise NotImplementedError("\"range_cpu\" not implemented for 'Bool'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    count = math.floor((end - start) / step) + 1
    values = start + np.arange(count, dtype=np.float64) * step  # in float64, then cast: no drift in float32
    return _result(values.astype(resolved), requires_grad, "range", device)


def scalar_tensor(s: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding the number ``s``, float32 unless ``dtype`` says otherwise (True is 1.0)."""
    check_device_argument(device)
    if isinstance(s, Tensor):
        s = s.item()
    if not isinstance(s, numbers.Number) or isinstance(s, numbers.Complex) and not isinstance(s, numbers.Real):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}")
    resolved = dtype_argument(dtype)
    if resolved.kind == "f" and math.isfinite(s) and abs(s) > float(np.finfo(resolved).max):
        raise RuntimeError(f"value cannot be converted to type {scalar_type_name(resolved).lower()} without overflow")
    return _result(np.asarray(s).astype(resolved), requires_grad, "scalar_tensor", device)


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool | None = None) -> Tensor:
    """``obj`` (a Tensor, a NumPy array, a number or nested sequences) as a Tensor.

    A Tensor or NumPy array already of ``dtype`` on ``device`` is shared, not copied, unless
    ``copy=True``; with ``copy=False`` a conversion that would need a copy is an error. A Tensor
    copied keeps its graph (the copy is a ``clone``). ``requires_grad=True`` marks the result
    (a shared Tensor itself), ``False`` gives it detached, None leaves it as it is."""
    wanted = None if dtype is None else dtype_argument(dtype)
    if device is not None:
        check_device_argument(device)
    if isinstance(obj, (Tensor, np.ndarray)):
        here = obj.device if isinstance(obj, Tensor) else Device("cpu")
        if copy is False and wanted is not None and obj.dtype != wanted:
            raise ValueError(f"can't alias tensor with dtype '{scalar_type_name(obj.dtype)}' into dtype "
                             f"'{scalar_type_name(wanted)}'.")
        if copy is False and device is not None and Device(device) != here:
            raise ValueError(f"can't alias a tensor on {here} onto {Device(device)}.")
        if isinstance(obj, Tensor):
            result = as_tensor(obj.clone() if copy else obj, dtype=wanted, device=device)
        else:
            result = as_tensor(obj.copy() if copy else obj, dtype=wanted, device=device)
    elif copy is False:
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    else:
        result = as_tensor(obj, dtype=wanted, device=device)
    if requires_grad is None:
        return result
    return result.requires_grad_(True) if requires_grad else result.detach()



_DLPACK_CPU, _DLPACK_CUDA = 1, 2  # DLPack's device types
_DTYPES = tuple(np.dtype(t) for t in (np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
                                      np.uint8, np.bool_))


def from_dlpack(ext_tensor: Any) -> Tensor:
    """A Tensor sharing the memory of another library's array (NumPy, CuPy, PyTorch, JAX...)
    through DLPack: writing to one changes the other. CPU arrays become CPU tensors and CUDA
    arrays GPU tensors (through CuPy); the dtype must be one minigan has."""
    if not hasattr(ext_tensor, "__dlpack__") or not hasattr(ext_tensor, "__dlpack_device__"):
        raise TypeError(f"from_dlpack(): expected an array with __dlpack__ and __dlpack_device__, "
                        f"got {type(ext_tensor).__name__}")
    kind = int(ext_tensor.__dlpack_device__()[0])
    if kind not in (_DLPACK_CPU, _DLPACK_CUDA):
        raise RuntimeError(f"from_dlpack(): DLPack device type {kind} is not one minigan has "
                           f"({_DLPACK_CPU} CPU, {_DLPACK_CUDA} CUDA)")
    array = backend_for("cpu" if kind == _DLPACK_CPU else "cuda").xp.from_dlpack(ext_tensor)
    if array.dtype not in _DTYPES:
        raise TypeError(f"from_dlpack(): minigan has no {array.dtype} tensors; it has float16/32/64, int8/16/32/64, "
                        "uint8 and bool")
    return Tensor._make(array, False, None)


# ====================================================================== tensors in given memory
_READ_ONLY_WARNING = ("The given buffer is not writable: the tensor shares its memory, and minigan refuses writes to it "
                      "(PyTorch would write into the buffer). You may want to copy the buffer, or make it writable, "
                      "before converting it to a tensor.")


def _int_argument(name: str, argument: str, value: Any, position: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{name}(): argument '{argument}'{where} must be int, not {type(value).__name__}")
    return builtins.int(value)


def frombuffer(buffer: Any, *, dtype: Any, count: int = -1, offset: int = 0, requires_grad: bool = False) -> Tensor:
    """A 1-D tensor of ``dtype`` sharing the memory of ``buffer`` (a ``bytearray``, ``bytes``,
    ``array.array``, ``memoryview``, NumPy array: anything with Python's buffer protocol):
    ``count`` elements (-1: all of them) from byte ``offset`` on. Writing to the tensor changes the
    buffer, and the reverse. A read-only buffer (``bytes``) gives a tensor that refuses writes,
    with a warning (PyTorch writes into it anyway). The checks and messages are PyTorch's."""
    count = _int_argument("frombuffer", "count", count)
    offset = _int_argument("frombuffer", "offset", offset)
    resolved = dtype_argument(dtype)
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    if not view.contiguous:
        raise RuntimeError("could not retrieve buffer from object")
    length, size = view.nbytes, resolved.itemsize
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if offset < 0 or offset >= length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({length} "
                         "bytes) minus 1")
    if count < 0:
        if (length - offset) % size:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} bytes) must be a multiple "
                             f"of element size ({size})")
        count = (length - offset) // size
    elif offset + count * size > length:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not be "
                         f"greater than actual buffer length ({length} bytes)")
    if view.readonly:
        warnings.warn(_READ_ONLY_WARNING, UserWarning, stacklevel=2)
    array = np.frombuffer(view.cast("B"), dtype=resolved, count=count, offset=offset)
    return _result(array, requires_grad, "frombuffer")


def from_file(filename: str, shared: bool | None = None, size: int = 0, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """A 1-D tensor of the first ``size`` elements of ``dtype`` (the default dtype unless given) in
    the file ``filename``, mapped into memory. ``shared=True`` maps it shared: writing to the tensor
    writes to the file, which is created, or lengthened with zero bytes, to hold ``size`` elements.
    Otherwise (False or None) the mapping is private: the file must hold them, and writes to the
    tensor stay in the tensor (copy on write), as PyTorch's. ``size=0`` (the default) gives an
    empty tensor without opening the file."""
    if not isinstance(filename, str):
        raise TypeError(f"from_file(): argument 'filename' (position 1) must be str, not {type(filename).__name__}")
    if shared is not None and not isinstance(shared, bool):
        raise TypeError(f"from_file(): argument 'shared' must be bool, not {type(shared).__name__}")
    size = _int_argument("from_file", "size", size)
    check_device_argument(device)
    resolved = dtype_argument(dtype)
    nbytes = size * resolved.itemsize
    if size < 0:
        raise RuntimeError(f"unable to mmap {nbytes} bytes from file <{filename}>: Cannot allocate memory (12)")
    if size == 0:  # no mapping: the file is not opened, as PyTorch's
        return _result(np.empty(0, resolved), requires_grad, "from_file", device)
    mode = "read-write" if shared else "read-only"
    try:
        with open(filename, "r+b" if shared and os.path.exists(filename) else "w+b" if shared else "rb") as file:
            length = os.fstat(file.fileno()).st_size
            if shared and length < nbytes:
                file.truncate(nbytes)  # lengthened with zero bytes, as PyTorch's shared mapping does
            elif length < nbytes:
                raise RuntimeError(f"file <{filename}> size <{length}> is smaller than the required mapping size "
                                   f"<{nbytes}>")
    except OSError as error:
        raise RuntimeError(f"unable to open file <{filename}> in {mode} mode: {error.strerror} ({error.errno})") from None
    array = np.asarray(np.memmap(filename, dtype=resolved, mode="r+" if shared else "c", shape=(size,)))
    return _result(array, requires_grad, "from_file", device)


def strided_empty(name: str, size: Any, stride: Any, dtype: Any, device: Any, requires_grad: bool) -> Tensor:
    """``empty_strided``'s work, for it and ``Tensor.new_empty_strided``: PyTorch's checks of ``size``
    and ``stride``, then an uninitialised tensor of ``size`` in minigan's own (row-major) layout."""
    for argument, position, values in (("size", 1, size), ("stride", 2, stride)):
        if not isinstance(values, (tuple, list)):
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, not "
                            f"{type(values).__name__}")
        for at, n in enumerate(values):
            if isinstance(n, bool) or not isinstance(n, numbers.Integral):
                raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, but "
                                f"found element of type {type(n).__name__} at pos {at}")
    shape, strides = [builtins.int(n) for n in size], [builtins.int(n) for n in stride]
    if len(shape) != len(strides):
        raise RuntimeError(f"dimensionality of sizes ({len(shape)}) must match dimensionality of strides "
                           f"({len(strides)})")
    for n in shape:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {shape}")
    if 0 not in shape and any(s < 0 and n > 1 for n, s in zip(shape, strides)):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={shape} and strides={strides}")
    check_device_argument(device)
    return _result(np.empty(tuple(shape), dtype_argument(dtype)), requires_grad, name, device)


def empty_strided(size: Any, stride: Any, *, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor of shape ``size``. ``stride`` (one per dimension) is checked as
    PyTorch checks it, but minigan's tensors have no strides of their own to set: the result is
    laid out row-major, minigan's own layout, whatever ``stride`` says."""
    return strided_empty("empty_strided", size, stride, dtype, device, requires_grad)


def empty_permuted(size: Any, physical_layout: Any, *, dtype: Any = None, layout: Any = None, device: Any = None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of shape ``size``. ``physical_layout`` (a permutation of the dims, outermost
    first) is checked as PyTorch checks it, but minigan's tensors are laid out row-major, their own layout,
    whatever it says. Only the strided layout, and no pinned memory."""
    for argument, position, values in (("size", 1, size), ("physical_layout", 2, physical_layout)):
        if not isinstance(values, (tuple, list)) or any(isinstance(n, bool) or not isinstance(n, numbers.Integral)
                                                        for n in values):
            raise TypeError(f"empty_permuted(): argument '{argument}' (position {position}) must be tuple of ints, "
                            f"not {type(values).__name__}")
    shape, order = [builtins.int(n) for n in size], [builtins.int(n) for n in physical_layout]
    if len(shape) != len(order):
        raise RuntimeError("Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(shape)} is not equal to len(physical_layout) = {len(order)}")
    for at, dim in enumerate(order):
        if not 0 <= dim < len(shape):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {len(shape) - 1}, but got {dim} "
                               f"at index {at}).  NB: negative dims not currently supported; file an issue if you "
                               "want it.")
        if dim in order[:at]:
            raise RuntimeError("Duplicate dim not allowed")
    for n in shape:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {shape}")
    if layout is not None and str(layout) not in ("torch.strided", "strided"):
        raise UnsupportedFeatureError(f"empty_permuted(): layout={layout!r}: minigan's tensors have the strided "
                                      "layout only")
    if pin_memory:
        raise UnsupportedFeatureError("empty_permuted(): pin_memory=True: minigan has no pinned memory")
    check_device_argument(device)
    return _result(np.empty(tuple(shape), dtype_argument(dtype)), requires_grad, "empty_permuted", device)
