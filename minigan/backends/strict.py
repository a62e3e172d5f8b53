"""The test device: array-api-strict arrays on its second device, standing in for a GPU.

array-api-strict implements the array-API standard and nothing else: an array on its
``Device("device1")`` refuses to combine with one on another device, and NumPy refuses to
convert it. So every op, layer and gradient that runs here is proven to use only the standard
namespace, and every conversion to NumPy to be explicit: the two things a GPU needs, checked
on a machine that has none. What the standard lacks (scatter-add) is done on the arrays that
array-api-strict wraps, in this file only.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigan.backends import Device
from minigan.backends.numpy import ArrayBackend

import array_api_strict as xp  # noqa: E402 - a test dependency: imported only when the device is asked for
from array_api_strict._array_object import Array  # noqa: E402 - the array type (not exported)

_HOST = xp.Device("CPU_DEVICE")


class StrictBackend(ArrayBackend):
    """The reference kernels on array-api-strict arrays on ``Device("device1")``."""

    name = "strict"

    def native_dtype(self, dtype: Any) -> Any:
        return getattr(xp, np.dtype(dtype).name)

    def numpy_dtype(self, dtype: Any) -> np.dtype:
        return np.dtype(str(dtype).rsplit(".", 1)[-1])

    def asarray(self, data: Any, dtype: Any = None, copy: bool | None = None) -> Any:
        if isinstance(data, Array):
            moved = data.to_device(self.native_device) if data.device != self.native_device else data
            if dtype is not None:
                moved = xp.astype(moved, self.native_dtype(dtype), copy=bool(copy))
            elif copy:
                moved = xp.asarray(moved, copy=True)
            return moved
        if dtype is not None:
            dtype = self.native_dtype(dtype)
        return xp.asarray(data, dtype=dtype, device=self.native_device, copy=copy)

    def to_numpy(self, array: Any) -> np.ndarray:
        return np.asarray(array.to_device(_HOST))

    def take(self, array: Any, index: tuple[Any, ...]) -> Any:
        # The standard's integer-array indexing is narrower than NumPy's (no index that leaves
        # axes implicit): index the wrapped NumPy array and wrap the result on this device.
        return Array._new(array._array[_raw(index)], device=array.device)

    def scatter_add(self, target: Any, index: tuple[Any, ...], values: Any) -> None:
        # The standard has no scatter-add: add into the NumPy array the strict one wraps.
        np.add.at(target._array, _raw(index), values._array)


def _raw(index: tuple[Any, ...]) -> tuple[Any, ...]:
    """The index with every strict array replaced by the NumPy array it wraps."""
    return tuple(item._array if isinstance(item, Array) else item for item in index)


backend = StrictBackend(xp, Device("strict"), native_device=xp.Device("device1"))
