"""PyTorch's in-place methods that run a Python function on each element of a CPU tensor:
``x.apply_(fn)`` (fn(x_i)), ``x.map_(y, fn)`` (fn(x_i, y_i), ``y`` broadcast to ``x``'s shape) and
``x.map2_(y, z, fn)``. Each result is cast to ``x``'s dtype (an integer tensor truncates a float
result, as a C cast does) and written under the in-place rules. They are slow, record nothing,
and refuse a tensor that requires grad, as PyTorch's do."""
from __future__ import annotations

import numbers
from typing import Any, Callable

import numpy as np

from .legacy import type_name


def _checked(tensor: Any, name: str, fn: Any) -> None:
    if tensor.requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() instead.")
    if tensor.device.type != "cpu":
        raise TypeError(f"{name} is only implemented on CPU tensors")
    if not callable(fn):
        raise TypeError(f"'{type(fn).__name__}' object is not callable")


def _operand(tensor: Any, name: str, other: Any, which: str) -> np.ndarray:
    """``other``'s values broadcast to ``tensor``'s shape (it must have ``tensor``'s dtype)."""
    if not hasattr(other, "requires_grad") or other.dtype != tensor.dtype:
        got = type_name(other.dtype, "cpu") if hasattr(other, "dtype") else type(other).__name__
        raise TypeError(f"{name}: expected {type_name(tensor.dtype, 'cpu')} for '{which}' (got {got})")
    return np.asarray(other.detach().expand(*tensor.shape).array)  # expand raises PyTorch's error for a bad shape


def _results(dtype: np.dtype, values: Any) -> np.ndarray:
    for value in values:
        if not isinstance(value, numbers.Real):
            raise TypeError(f"must be real number, not {type(value).__name__}")
    return np.array(values, dtype=object).astype(dtype)


class PythonCallableMethods:
    """``apply_``, ``map_`` and ``map2_`` on Tensor (a base class of it); each returns the tensor."""

    __slots__ = ()

    def apply_(self, callable: Callable[[Any], Any]) -> Any:  # noqa: A002 - PyTorch's name
        """Replace each element x_i by ``callable(x_i)`` (a Python number in, a number out)."""
        _checked(self, "apply_", callable)
        self._begin_inplace("apply_")
        results = [callable(value) for value in np.asarray(self.array).reshape(-1).tolist()]
        return self._write("apply_", _results(self.dtype, results).reshape(self.shape))

    def map_(self, tensor: Any, callable: Callable[[Any, Any], Any]) -> Any:  # noqa: A002
        """Replace each element x_i by ``callable(x_i, y_i)``, ``tensor`` (y) broadcast to this shape."""
        _checked(self, "map_", callable)
        others = _operand(self, "map_", tensor, "other").reshape(-1).tolist()
        self._begin_inplace("map_")
        results = [callable(a, b) for a, b in zip(np.asarray(self.array).reshape(-1).tolist(), others)]
        return self._write("map_", _results(self.dtype, results).reshape(self.shape))

    def map2_(self, x: Any, y: Any, callable: Callable[[Any, Any, Any], Any]) -> Any:  # noqa: A002
        """Replace each element s_i by ``callable(s_i, x_i, y_i)``, ``x`` and ``y`` broadcast to this shape."""
        _checked(self, "map2_", callable)
        firsts = _operand(self, "map2_", x, "x").reshape(-1).tolist()
        seconds = _operand(self, "map2_", y, "y").reshape(-1).tolist()
        self._begin_inplace("map2_")
        values = np.asarray(self.array).reshape(-1).tolist()
        results = [callable(s, a, b) for s, a, b in zip(values, firsts, seconds)]
        return self._write("map2_", _results(self.dtype, results).reshape(self.shape))
