"""PyTorch's older Tensor spellings: ``Variable``, the type names ``torch.FloatTensor`` and
``torch.cuda.FloatTensor`` read by ``x.type()``, and ``is_cuda``/``is_xpu``/``is_cpu``.

``Variable`` has been a plain Tensor since PyTorch 0.4: ``Variable(t, requires_grad=...)`` gives
``t`` detached (sharing its memory) with ``requires_grad`` set, and every Tensor is an instance.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["TYPE_NAMES", "type_name", "scalar_type_name", "c_type_name", "TensorTypeMethods", "Variable"]

_NAMES = {"Float": np.float32, "Double": np.float64, "Half": np.float16, "Long": np.int64, "Int": np.int32,
          "Short": np.int16, "Char": np.int8, "Byte": np.uint8, "Bool": np.bool_}

#: 'torch.FloatTensor' -> (float32, 'cpu'), 'torch.cuda.FloatTensor' -> (float32, 'cuda'), ...
TYPE_NAMES: dict[str, tuple[np.dtype, str]] = {
    f"torch.{prefix}{name}Tensor": (np.dtype(dtype), device)
    for name, dtype in _NAMES.items() for prefix, device in (("", "cpu"), ("cuda.", "cuda"))
}


def scalar_type_name(dtype: Any) -> str:
    """PyTorch's name of a NumPy dtype as its error messages spell it ("Float", "Long", "Bool"...);
    the dtype's own name where PyTorch has none."""
    for name, known in _NAMES.items():
        if np.dtype(known) == dtype:
            return name
    return str(dtype)


#: The C names some of PyTorch's messages give dtypes ("Expected out tensor to have dtype long int").
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def c_type_name(dtype: Any) -> str:
    """PyTorch's C name of a dtype in its messages: "float", "double", "long int"..."""
    return _C_NAMES.get(np.dtype(dtype).name, np.dtype(dtype).name)


def type_name(dtype: Any, device: str) -> str:
    """PyTorch's type name of a tensor of ``dtype`` on ``device`` ('torch.cuda.FloatTensor')."""
    for name, (known, where) in TYPE_NAMES.items():
        if known == np.dtype(dtype) and where == ("cuda" if device == "cuda" else "cpu"):
            return name
    raise ValueError(f"no PyTorch type name for a {np.dtype(dtype)} tensor")


class TensorTypeMethods:
    """The type and device questions of ``Tensor``, in PyTorch's spelling."""

    __slots__ = ()

    @property
    def is_cuda(self) -> bool:
        """True when the data is on a CUDA GPU."""
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    @property
    def is_xpu(self) -> bool:
        """Always False: minigan has no Intel GPU device."""
        return False

    def type(self, dtype: Any = None, non_blocking: bool = False, **kwargs: Any) -> Any:
        """With no argument, PyTorch's type name ('torch.FloatTensor'); given a type name, a
        legacy type (``minigan.FloatTensor``, ``minigan.cuda.FloatTensor``) or a dtype, this
        tensor cast (and moved) to it, or the tensor itself when it is that already."""
        if dtype is None:
            return type_name(self.dtype, self.device.type)
        if dtype is float or dtype is int or dtype is bool:  # Python's types are not tensor types here, as in PyTorch
            raise ValueError(f"invalid type: '{dtype.__name__}'")
        name = dtype if isinstance(dtype, str) else getattr(dtype, "legacy_type_name", None)
        if name is not None:
            if name not in TYPE_NAMES:
                raise ValueError(f"invalid type: {name!r}")
            target, device = TYPE_NAMES[name]
        else:
            try:
                target, device = np.dtype(dtype), self.device.type
            except TypeError:
                raise TypeError(f"type(): expected a type name, a tensor type or a dtype, got {dtype!r}") from None
        if target == self.dtype and device == self.device.type:
            return self
        return self.to(device=device, dtype=target)


class _VariableMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        from .tensor import Tensor  # noqa: PLC0415 - Tensor builds on this module

        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(t, requires_grad=False)``: ``t`` detached, sharing its memory, with
    ``requires_grad`` set, as ``torch.autograd.Variable`` since PyTorch 0.4. ``volatile`` is
    accepted and ignored, as PyTorch does (use ``no_grad()``)."""

    def __new__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False) -> Any:
        from .tensor import Tensor  # noqa: PLC0415 - Tensor builds on this module

        if data is None:
            return Tensor(np.zeros(0, np.float32), requires_grad=requires_grad)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)
