"""How a Tensor becomes a Python value, as in PyTorch: ``item()``, ``float(t)``, ``int(t)``,
``bool(t)``, ``f"{t:.2f}"``, ``operator.index(t)``, ``tolist()``, ``numpy()``, DLPack and iteration; and
another dtype: ``float()``, ``double()``, ``half()``, ``long()``, ``int()``, ``short()``, ``char()``
(int8), ``byte()`` (uint8) and ``bool()``.

One-element tensors convert; larger ones raise PyTorch's errors rather than guess (``bool`` of
two values is ambiguous), and a 0-d tensor cannot be iterated over.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ..backends import to_numpy


class ConversionMethods:
    """The conversions of Tensor (a base class of it)."""

    __slots__ = ()

    def to_dense(self, dtype: Any = None, *, masked_grad: Any = None) -> Any:
        """The tensor itself (minigan's tensors are all dense), or a copy in ``dtype`` where that differs."""
        return self if dtype is None or np.dtype(dtype) == self.dtype else self.to(dtype)

    def as_subclass(self, cls: type) -> Any:
        """The same values, memory and gradient path, as an object of ``cls``, a subclass of Tensor."""
        from .tensor import Tensor  # the class this mixin is a base of
        if not isinstance(cls, type) or not issubclass(cls, Tensor):
            raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not "
                            "possible. Make sure your class inherits from Tensor.")
        alias = self.view(self.shape)
        result = object.__new__(cls)
        for slot in ("array", "_grad", "requires_grad", "_ctx", "_vc", "_hooks", "_base"):
            setattr(result, slot, getattr(alias, slot))
        if alias._ctx is not None and hasattr(alias._ctx, "_output_ref"):
            alias._ctx._output_ref = weakref.ref(result)
        return result

    def float(self) -> Any:
        return self.astype(np.float32)

    def double(self) -> Any:
        return self.astype(np.float64)

    def half(self) -> Any:
        return self.astype(np.float16)

    def long(self) -> Any:
        return self.astype(np.int64)

    def int(self) -> Any:
        return self.astype(np.int32)

    def short(self) -> Any:
        return self.astype(np.int16)

    def char(self) -> Any:
        """int8 (C's signed char)."""
        return self.astype(np.int8)

    def byte(self) -> Any:
        """uint8."""
        return self.astype(np.uint8)

    def bool(self) -> Any:
        return self.astype(np.bool_)

    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    def is_complex(self) -> bool:
        return False  # minigan has no complex dtypes

    def is_nonzero(self) -> bool:
        """Whether the one element is non-zero (``bool(x)``, with its errors for 0 or several elements)."""
        return self.__bool__()

    def _one_value(self) -> Any:
        """The single element as a NumPy scalar, or PyTorch's error."""
        count = self.array.size
        if count != 1:
            raise RuntimeError(f"a Tensor with {count} elements cannot be converted to Scalar")
        return to_numpy(self.array).reshape(-1)[0]

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number: a float, an int or a bool, as its dtype."""
        return self._one_value().item()

    def __float__(self) -> float:
        return float(self._one_value())

    def __int__(self) -> int:
        return int(self._one_value())  # truncates toward zero, as int(2.7) and PyTorch

    def __index__(self) -> int:
        if self.dtype.kind not in "iub" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._one_value())

    def __bool__(self) -> bool:
        count = self.array.size
        if count == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        if count > 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._one_value())

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)  # only the empty spec, as PyTorch: str(t)

    def __iter__(self) -> Any:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def tolist(self) -> Any:
        """The data as (nested) Python lists of numbers; a 0-d tensor gives one number."""
        return to_numpy(self.array).tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """``np.asarray(t)``: the data on the host (CPU tensors share memory), as PyTorch's."""
        array = to_numpy(self.array)
        return array if dtype is None else array.astype(dtype, copy=False)

    def __dlpack__(self, **kwargs: Any) -> Any:
        """The DLPack capsule of the data (``np.from_dlpack(t)``, ``torch.from_dlpack(t)``,
        ``cupy.from_dlpack(t)``): the other library shares this tensor's memory. As in PyTorch, a
        tensor that requires grad refuses; export ``t.detach()``."""
        if self.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        return self.array.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> Any:
        return self.array.__dlpack_device__()

    def numpy(self) -> np.ndarray:
        """The data as a NumPy array, sharing memory (CPU tensors only, as in PyTorch: call
        ``.cpu()`` first to copy a GPU tensor's data to the host)."""
        if self.device != "cpu":
            raise TypeError(f"can't convert a {self.device} tensor to NumPy: use tensor.cpu() to copy it to the host first")
        return self.array
