"""The Tensor methods about which memory a tensor lies in, in PyTorch's spelling: the legacy
constructor ``x.new(...)``, ``x.is_set_to(y)`` (the same memory, start, shape and strides),
``x.set_(y)`` (``x`` now lies in ``y``'s memory), the deprecated out-of-place ``resize`` and
``resize_as`` (a view of another shape with as many elements) and ``x.new_empty_strided``.

minigan's tensors are arrays of their device (NumPy on the CPU), so "the same memory" is the
arrays' own: the same first byte, shape and strides. minigan has no storages, so ``set_`` takes a
Tensor (or nothing), not a storage with an offset, a size and strides.
"""
from __future__ import annotations

import builtins
import math
import numbers
import warnings
from typing import Any

import numpy as np

from .arguments import check_device_argument, tensor_argument
from .inplace import bump_version
from .legacy import c_type_name
from .ops_on_first_use import OpsOnFirstUse
from .size import Size

ops = OpsOnFirstUse(globals())

def _placement(array: Any) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
    """Where an array's first element lies, its shape and its strides in elements."""
    raw = getattr(array, "_array", array)  # the strict test device's array wraps a NumPy one
    pointer = raw.__array_interface__["data"][0] if isinstance(raw, np.ndarray) else raw.data.ptr  # else CuPy's
    return pointer, tuple(raw.shape), tuple(s // raw.itemsize for s in raw.strides)


def _options(dtype: Any, device: Any) -> str:
    return (f"TensorOptions(dtype={c_type_name(dtype)}, device={device}, layout=Strided, requires_grad=false "
            "(default), pinned_memory=false (default), memory_format=(nullopt))")


def _is_size(value: Any) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (builtins.bool, np.bool_))


def _resized(tensor: Any, sizes: tuple, name: str) -> Any:
    """``tensor`` with the shape ``sizes`` (as many elements): PyTorch's autograd resize, a view where
    the memory allows it, its gradient reshaped back."""
    warnings.warn(f"non-inplace {name} is deprecated", UserWarning, stacklevel=3)
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) and not isinstance(sizes[0], Size):
        shown = total = str(sizes[0])  # PyTorch 2.14's resize takes the sizes one by one, not in a tuple
    elif all(_is_size(n) for n in sizes):
        shape = tuple(int(n) for n in sizes)
        shown, total = "x".join(str(n) for n in shape), str(math.prod(shape))
        if math.prod(shape) == tensor.numel():
            if not shape:  # PyTorch's: its resize views to the sizes, and view() needs some
                raise TypeError("view() received an invalid combination of arguments - got (), but expected one of: "
                                "(torch.dtype dtype), (tuple of ints size)")
            for at, n in enumerate(shape):
                if n < -1:
                    raise RuntimeError(f"invalid shape dimension {n} at index {at} of shape {list(shape)}")
            if shape.count(-1) > 1:
                raise RuntimeError("only one dimension can be inferred")
            return ops.shape.Reshape.apply(tensor, shape=shape)
    else:
        raise TypeError(f"{name}(): sizes must be ints, got {sizes!r}")
    raise RuntimeError(f"requested resize to {shown} ({total} elements in total), but the given tensor has a size of "
                       f"{'x'.join(str(n) for n in tensor.shape)} ({tensor.numel()} elements). autograd's resize can "
                       "only change the shape of a given tensor, while preserving the number of elements. ")


class MemoryMethods:
    """The methods above on Tensor (a base class of it)."""

    __slots__ = ()

    def new(self, *args: Any, device: Any = None) -> Any:
        """PyTorch's legacy constructor, in this tensor's dtype (and device unless ``device=``):
        ``x.new()`` an empty tensor; ``x.new(2, 3)`` or ``x.new(torch.Size([2, 3]))`` an
        uninitialised 2 x 3 one; ``x.new([1, 2])`` (a list, a tuple or an array) a tensor of that
        data, cast; ``x.new(t)``, ``t`` a tensor of this dtype, ``t`` itself in a new tensor
        sharing its memory (gradients flow through it, as through a view)."""
        check_device_argument(device)
        where = self.device if device is None else device
        if not args:
            return self._new("empty", (0,), device=where)
        if len(args) == 1 and hasattr(args[0], "requires_grad") and hasattr(args[0], "array"):
            other = args[0]
            if other.dtype != self.dtype or other.device != self.device:
                raise TypeError(f"expected {_options(self.dtype, self.device)} (got {_options(other.dtype, other.device)})")
            return ops.shape.Reshape.apply(other, shape=tuple(other.shape))  # an alias: the same memory, recorded
        if len(args) == 1 and not _is_size(args[0]) and not isinstance(args[0], Size):
            data = args[0]
            if not isinstance(data, (list, tuple)) and not (hasattr(data, "shape") and hasattr(data, "dtype")):
                raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
            from .tensor import Tensor  # noqa: PLC0415 - Tensor is built on this class

            return Tensor(data, dtype=self.dtype, device=where)
        sizes = tuple(args[0]) if len(args) == 1 and isinstance(args[0], Size) else args
        for position, n in enumerate(sizes, 1):
            if not _is_size(n):
                if hasattr(n, "requires_grad"):
                    raise TypeError(f"new() received an invalid combination of arguments - got a Tensor among "
                                    f"{len(sizes)} arguments: give sizes (ints), data or one Tensor")
                raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {position} with error "
                                f"\"type must be tuple of ints,but got {type(n).__name__}\"")
        shape = [int(n) for n in sizes]
        if any(n < 0 for n in shape):
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {shape}")
        return self._new("empty", tuple(shape), device=where)

    def is_set_to(self, tensor: Any) -> bool:
        """True when ``tensor`` lies in the same memory as this one, from the same first element,
        with the same shape and strides (as ``x.detach()`` or ``x.view(x.shape)`` does), as PyTorch's."""
        tensor_argument("is_set_to", "tensor", 1, tensor)
        return self.device == tensor.device and _placement(self.array) == _placement(tensor.array)

    def set_(self, source: Any = None, storage_offset: Any = None, size: Any = None, stride: Any = None) -> Any:
        """This tensor now lies in ``source``'s memory, with its shape (writing through one shows in
        the other); ``source`` must have this tensor's dtype. With no ``source``, this tensor
        becomes an empty one. The change is in place (the version counter counts it); as for
        every in-place op, a leaf that requires grad refuses it outside ``no_grad()``."""
        if storage_offset is not None or size is not None or stride is not None:
            from ..torch_api.unsupported import UnsupportedFeatureError  # noqa: PLC0415 - above autograd

            raise UnsupportedFeatureError("set_ with storage_offset, size or stride is not supported by minigan: its "
                                          "tensors are arrays, with no storage to place a view in; pass the tensor "
                                          "(or view it first)")
        if source is None:
            self._begin_inplace("set_")
            self.array = self._new("empty", (0,)).array
        else:
            tensor_argument("set_", "source", 1, source)
            if source.dtype != self.dtype:
                raise RuntimeError(f"Could not set tensor of type {c_type_name(source.dtype)} to a tensor of type "
                                   f"{c_type_name(self.dtype)}")
            if source.device != self.device:
                raise RuntimeError(f"set_(): source is on {source.device} but this tensor is on {self.device}; "
                                   "they must be on the same device")
            self._begin_inplace("set_", source)
            self.array = source.array
        self._base = None  # a tensor of its own again: its version counter stays its own, as PyTorch's
        bump_version(self)
        return self

    def resize(self, *sizes: Any) -> Any:
        """PyTorch's deprecated out-of-place resize (it warns so): this tensor with the shape
        ``sizes`` given one by one, which must hold as many elements; a view of the same memory
        where the layout allows it, recorded, so the gradient is reshaped back. ``resize_``
        (minigan/autograd/inplace_math.py) is the in-place one, which may change the count."""
        return _resized(self, sizes, "resize")

    def resize_as(self, tensor: Any) -> Any:
        """PyTorch's deprecated out-of-place ``resize_as`` (it warns so): ``resize(*tensor.shape)``."""
        warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
        tensor_argument("resize_as", "tensor", 1, tensor)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the one warning is resize_as's
            return _resized(self, tuple(tensor.shape), "resize")

    def new_empty_strided(self, size: Any, stride: Any, dtype: Any = None, device: Any = None,
                          requires_grad: bool = False) -> Any:
        """``torch.empty_strided(size, stride)`` in this tensor's dtype and device (unless given):
        an uninitialised tensor of ``size``; ``stride`` is checked as PyTorch checks it, but the
        result's layout is minigan's own, row-major (minigan/torch_api/factories_more.py)."""
        from ..torch_api.factories_more import strided_empty  # noqa: PLC0415 - the factories sit above Tensor

        return strided_empty("new_empty_strided", size, stride, self.dtype if dtype is None else dtype,
                             self.device if device is None else device, requires_grad)
