"""PyTorch's legacy tensor types as constructors: ``FloatTensor(64, 1)`` (a tensor of that size,
here zeros where PyTorch leaves the memory uninitialised), ``FloatTensor(array_or_list)`` (a
copy converted to the type), and ``minigan.cuda.FloatTensor`` the same on the GPU.

``isinstance(x, FloatTensor)`` asks whether x is a float32 tensor on that device, and
``x.type(FloatTensor)`` casts to it (minigan/autograd/legacy.py).
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.legacy import TYPE_NAMES
from . import factories

__all__ = ["CPU_TYPES", "CUDA_TYPES"]


class _LegacyTypeMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return (isinstance(instance, Tensor) and instance.dtype == cls.dtype
                and instance.device.type == cls.device)

    def __repr__(cls) -> str:
        return f"<class '{cls.legacy_type_name}'>"


class _LegacyType(metaclass=_LegacyTypeMeta):
    legacy_type_name = ""
    dtype = np.dtype(np.float32)
    device = "cpu"

    def __new__(cls, *args: Any, device: Any = None) -> Any:
        where = cls.device if device is None else device
        if all(isinstance(a, numbers.Integral) and not isinstance(a, (bool, np.bool_)) for a in args):
            return factories.zeros(*(args or (0,)), dtype=cls.dtype, device=where)  # sizes; none: empty
        if len(args) != 1:
            raise TypeError(f"{cls.legacy_type_name}() takes sizes (ints) or one sequence or array, got {args!r}")
        data = args[0]
        if isinstance(data, Tensor):
            if data.dtype != cls.dtype or data.device.type != where:
                raise TypeError(f"{cls.legacy_type_name}(tensor): expected a {cls.legacy_type_name}, got a "
                                f"{data.type()}; use tensor.type({cls.legacy_type_name!r})")
            return data
        if isinstance(data, (numbers.Number, str, bytes)) or data is None:
            raise TypeError(f"{cls.legacy_type_name}(): new() received an invalid argument {data!r}; "
                            "pass sizes (ints) or a sequence")
        return Tensor(np.asarray(data).astype(cls.dtype), dtype=cls.dtype, device=where)


def _make_type(name: str) -> type:
    dtype, device = TYPE_NAMES[name]
    short = name.rpartition(".")[2]
    return _LegacyTypeMeta(short, (_LegacyType,), {"legacy_type_name": name, "dtype": dtype, "device": device,
                                                    "__doc__": f"PyTorch's {name}: a {dtype} tensor on the {device}."})


#: FloatTensor, DoubleTensor, LongTensor... on the CPU, and the same names for minigan.cuda
CPU_TYPES = {name.rpartition(".")[2]: _make_type(name) for name in TYPE_NAMES if not name.startswith("torch.cuda.")}
CUDA_TYPES = {name.rpartition(".")[2]: _make_type(name) for name in TYPE_NAMES if name.startswith("torch.cuda.")}
