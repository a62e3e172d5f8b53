"""Padding layers, as PyTorch's: ``ReflectionPad2d(3)`` before a 7x7 convolution in CycleGAN's and
pix2pix's generators, ``ZeroPad2d``, ``ConstantPad1d/2d/3d``, ``ReplicationPad1d/2d/3d`` and
``CircularPad1d/2d/3d``. Each holds ``padding`` (an int, or (left, right[, top, bottom[, front,
back]]), the last axis first) and calls :func:`minigan.ops.padding.pad`."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..ops.padding import pad
from .layers import _check_tensor
from .module import Module


class _PadNd(Module):
    """What the padding layers share: ``dims`` padded axes, one ``mode``."""

    dims = 1
    mode = "constant"

    def __init__(self, padding: Any, value: float = 0.0) -> None:
        super().__init__()
        name, count = type(self).__name__, 2 * self.dims
        whole = lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)  # noqa: E731
        if whole(padding):
            padding = (int(padding),) * count
        elif not isinstance(padding, (tuple, list)) or len(padding) != count or not all(whole(v) for v in padding):
            raise ValueError(f"{name}: padding must be an int or a tuple of {count} ints, got {padding!r}")
        self.padding = tuple(int(v) for v in padding)
        self.value = value

    def forward(self, x: Tensor) -> Tensor:
        return pad(_check_tensor(self, x), self.padding, self.mode, self.value if self.mode == "constant" else None)

    def extra_repr(self) -> str:
        return f"{self.padding}"


def _axes(dims: int) -> str:
    return "the last axis" if dims == 1 else f"the last {dims} axes"


def _layer(name: str, dims: int, mode: str, doc: str) -> type[_PadNd]:
    return type(name, (_PadNd,), {"dims": dims, "mode": mode, "__doc__": doc, "__module__": __name__})


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


def _constant(name: str, dims: int) -> type[_PadNd]:
    doc = f"Pad {_axes(dims)} with ``value``: ``{name}(padding, value)``; a negative width crops."
    return type(name, (_ConstantPadNd,), {"dims": dims, "__doc__": doc, "__module__": __name__})


class _ZeroPadNd(_PadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)


def _zero(name: str, dims: int) -> type[_PadNd]:
    doc = f"Pad {_axes(dims)} with zeros: ``{name}(padding)``; a negative width crops."
    return type(name, (_ZeroPadNd,), {"dims": dims, "__doc__": doc, "__module__": __name__})


ConstantPad1d, ConstantPad2d, ConstantPad3d = (_constant(f"ConstantPad{d}d", d) for d in (1, 2, 3))
ZeroPad1d, ZeroPad2d, ZeroPad3d = (_zero(f"ZeroPad{d}d", d) for d in (1, 2, 3))
ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = (
    _layer(f"ReflectionPad{d}d", d, "reflect", f"Mirror {_axes(d)} about the edges (the edge itself not "
                                              "repeated); each width below that axis's size.") for d in (1, 2, 3))
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = (
    _layer(f"ReplicationPad{d}d", d, "replicate", f"Repeat the edge values of {_axes(d)}.") for d in (1, 2, 3))
CircularPad1d, CircularPad2d, CircularPad3d = (
    _layer(f"CircularPad{d}d", d, "circular", f"Wrap {_axes(d)} around (periodic padding).") for d in (1, 2, 3))

__all__ = [
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
]
