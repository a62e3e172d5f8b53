"""What a gradcheck case is: a function of Tensors, the input shapes to try, and how to place
the random inputs in the function's smooth region (positive for log, away from 0 for relu and
abs, no ties for max), plus the memory layouts an input can be given in."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..autograd import Tensor

Shapes = tuple[tuple[int, ...], ...]
Prepare = Callable[[list[np.ndarray], np.random.Generator], list[np.ndarray]]


def as_drawn(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    return arrays


def positive(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Into [0.5, 3.5): log, sqrt and fractional powers are smooth there."""
    return [np.abs(a) + 0.5 for a in arrays]


def off_zero(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """At least 0.1 away from 0, the kink of relu, abs and the pole of 1/x."""
    return [np.where(a >= 0, a + 0.1, a - 0.1) for a in arrays]


def distinct(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Values at least 0.05 apart within each array: max and sort have no ties."""
    out = []
    for a in arrays:
        ranks = rng.permutation(a.size).reshape(a.shape)
        out.append(ranks * 0.05 + rng.uniform(-0.01, 0.01, a.shape) - a.size * 0.025)
    return out


def apart(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """A pair whose elements, once broadcast together, differ by at least 0.1 everywhere:
    maximum and minimum then have no ties. The first array's shape must be the broadcast shape."""
    a, b = arrays
    if np.broadcast_shapes(a.shape, b.shape) != a.shape:
        raise ValueError("apart() needs the first array to have the broadcast shape")
    gap = np.where(rng.random(a.shape) < 0.5, -1.0, 1.0) * (0.1 + np.abs(a))
    return [b + gap, b]


def bounds_apart(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """x, low and high for a clamp between Tensors: high at least 0.4 above low, and each x below
    low, inside or above high, at least 0.1 from both (no ties). x must have the broadcast shape."""
    x, low, high = arrays
    high = low + 0.4 + np.abs(high)
    below, above = np.broadcast_to(low, x.shape) - 0.1, np.broadcast_to(high, x.shape) + 0.1
    inside = below + 0.1 + (above - below - 0.2) * rng.uniform(0.25, 0.75, x.shape)
    place = rng.integers(0, 3, x.shape)
    return [np.where(place == 0, below - np.abs(x), np.where(place == 1, inside, above + np.abs(x))), low, high]


def clamp_safe(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Keep away from the clamp bounds -0.5 and 0.5."""
    (a,) = arrays
    near_bound = np.abs(np.abs(a) - 0.5) < 0.1
    return [np.where(near_bound, a + 0.25, a)]


LAYOUTS = ("contiguous", "strided", "transposed", "broadcast")


def layout_of(array: np.ndarray) -> str:
    """What an array's memory layout is: "contiguous" (C order), "broadcast" (a zero stride on
    an axis longer than 1), "transposed" (Fortran order only) or "strided" (any other view)."""
    if array.flags.c_contiguous:
        return "contiguous"
    if any(stride == 0 and n > 1 for stride, n in zip(array.strides, array.shape)):
        return "broadcast"
    if array.flags.f_contiguous:
        return "transposed"
    return "strided"


def can_take(shape: tuple[int, ...], layout: str) -> bool:
    """Whether an array of this shape can be laid out that way (a single element is always
    contiguous; Fortran order differs from C order only with two axes longer than 1)."""
    if layout == "transposed":
        return sum(n > 1 for n in shape) >= 2
    return layout == "contiguous" or int(np.prod(shape)) >= 2


def with_layout(array: np.ndarray, layout: str) -> np.ndarray:
    """The same dtype in the given layout, built as a real view (``Tensor(...)`` would copy it
    back to C order, so wrap the result with ``Tensor._make``).

    "strided" takes every other element of a larger NaN-filled buffer along every axis (a
    kernel that reads outside the view sees NaN); "transposed" is Fortran order; "broadcast"
    repeats the first slice along the last axis longer than 1 with a zero stride, so its values
    differ from ``array``'s (and it is read-only). Raises if the shape cannot take the layout.
    """
    array = np.array(array)
    if layout == "contiguous":
        view = array
    elif layout == "strided":
        holder = np.full(tuple(2 * n + 1 for n in array.shape), np.nan, dtype=array.dtype)
        view = holder[tuple(slice(1, None, 2) for _ in array.shape)]
        view[...] = array
    elif layout == "transposed":
        view = np.asfortranarray(array)
    elif layout == "broadcast":
        axis = max(i for i, n in enumerate(array.shape) if n > 1)
        view = np.broadcast_to(np.take(array, [0], axis=axis), array.shape)
    else:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    if layout_of(view) != layout:
        raise AssertionError(f"a {layout} array of shape {array.shape} came out {layout_of(view)}")
    return view


def lay_out(array: np.ndarray, layout: str) -> np.ndarray:
    """``with_layout`` where the shape can take the layout, else a contiguous copy."""
    return with_layout(array, layout if can_take(np.shape(array), layout) else "contiguous")


DISTINCT_LAYOUTS = ("contiguous", "strided", "transposed")  # a broadcast view repeats values: ties


@dataclass
class OpCase:
    name: str
    fn: Callable[..., Tensor]
    shapes: Sequence[Shapes]
    prepare: Prepare = as_drawn
    gradgrad: bool = True
    params: Callable[[], Sequence[Tensor]] | None = None  # layer parameters for check_backward
    layouts: Sequence[str] = LAYOUTS  # "broadcast" repeats values: not for cases that need them distinct
    notes: str = ""

    def layouts_for(self, shapes: Shapes) -> list[str]:
        """The layouts at least one input of these shapes can take."""
        return [layout for layout in self.layouts if any(can_take(shape, layout) for shape in shapes)]

    def inputs(self, shapes: Shapes, rng: np.random.Generator, layout: str = "contiguous") -> list[Tensor]:
        """Random float64 leaf Tensors of the given shapes; every input that can take ``layout``
        is a view in that layout, the others are contiguous."""
        arrays = self.prepare([rng.standard_normal(shape) for shape in shapes], rng)
        return [Tensor._make(lay_out(np.asarray(a, dtype=np.float64), layout), True, None) for a in arrays]


def describe_shapes(shapes: Shapes) -> str:
    return ", ".join("x".join(map(str, s)) if s else "scalar" for s in shapes)
