"""Which array module holds the data: NumPy always, CuPy when it is installed and asked for.

Code that must run on both is written once against ``xp = get_array_module(array)``, the way
Chainer does it. CuPy is imported lazily, and the reason it could not be imported is kept so
that asking for the GPU gives a message that says why, not a bare ImportError.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

_cupy: ModuleType | None = None
_cupy_error: str | None = None


def _try_import_cupy() -> ModuleType | None:
    global _cupy, _cupy_error
    if _cupy is None and _cupy_error is None:
        try:
            import cupy  # noqa: PLC0415 - optional dependency, imported only on demand

            cupy.cuda.runtime.getDeviceCount()  # raises when there is no usable GPU
            _cupy = cupy
        except Exception as error:  # ImportError, or a CUDA runtime error
            _cupy_error = f"{type(error).__name__}: {error}"
    return _cupy


def cupy_available() -> bool:
    """True when CuPy imports and sees at least one GPU."""
    return _try_import_cupy() is not None


def require_cupy() -> ModuleType:
    """Return the cupy module, or raise a RuntimeError that says why it cannot be used."""
    cupy = _try_import_cupy()
    if cupy is None:
        raise RuntimeError(
            "the GPU backend needs CuPy and an NVIDIA GPU "
            f"(pip install 'minigan[gpu]'); CuPy could not be used: {_cupy_error}"
        )
    return cupy


def get_array_module(*arrays: Any) -> ModuleType:
    """``cupy`` if any argument is a CuPy array, else ``numpy``."""
    if _cupy is not None:
        for array in arrays:
            if isinstance(array, _cupy.ndarray):
                return _cupy
    return np


def to_numpy(array: Any) -> np.ndarray:
    """A NumPy copy of a CuPy array; NumPy arrays and scalars pass through ``np.asarray``."""
    if _cupy is not None and isinstance(array, _cupy.ndarray):
        return _cupy.asnumpy(array)
    return np.asarray(array)


def get_device(device: str) -> ModuleType:
    """The array module for a device name: ``"cpu"`` or ``"cuda"``/``"gpu"``."""
    if device == "cpu":
        return np
    if device in ("cuda", "gpu"):
        return require_cupy()
    raise ValueError(f"unknown device {device!r}; expected 'cpu' or 'cuda'")
