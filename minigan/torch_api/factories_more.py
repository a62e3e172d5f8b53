"""Four more of PyTorch's factories: ``asarray`` (a tensor from anything, sharing memory where it
can and refusing with ``copy=False`` where it cannot), ``from_dlpack`` (a tensor sharing another
library's array through DLPack), ``scalar_tensor`` (a 0-d tensor of a number, float32 by
default) and ``range``, the deprecated one that includes its end."""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import check_device_argument, dtype_argument
from ..autograd.legacy import scalar_type_name
from ..backends import Device, backend_for
from .factories import _result, as_tensor
from .out_argument import takes_out

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
