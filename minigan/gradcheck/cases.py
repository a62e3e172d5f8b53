"""The registry of what gets gradient-checked: every op, and every nn layer and loss.

A case names a function of Tensors, the input shapes to try, and how to place the random
inputs in the function's smooth region (positive for log, away from 0 for relu and abs,
no ties for max). The CLI and the test suite both read this list, so a new op is checked
everywhere once it is registered here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .. import ops
from ..autograd import Tensor

Shapes = tuple[tuple[int, ...], ...]
Prepare = Callable[[list[np.ndarray], np.random.Generator], list[np.ndarray]]


def _identity(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
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
    prepare: Prepare = _identity
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


def _dropout_fixed(x: Tensor) -> Tensor:
    # The same mask on every call, so finite differences see one deterministic function.
    return ops.dropout(x, p=0.3, training=True, rng=np.random.default_rng(7))


def _var_unbiased(x: Tensor) -> Tensor:
    return ops.var(x, axis=-1, ddof=1)


def _getitem_repeat(x: Tensor) -> Tensor:
    return x[np.array([0, 2, 0, 1])]  # index 0 twice: backward must add both


def _getitem_mask(x: Tensor) -> Tensor:
    return x[np.arange(x.size).reshape(x.shape) % 3 != 0]


def _astype_float64(x: Tensor) -> Tensor:
    # The checks run in float64, where ops.astype skips the no-op conversion; apply the op itself.
    return ops.AsType.apply(x, dtype=np.dtype(np.float64))


def _scatter_add_repeat(g: Tensor) -> Tensor:
    # Rows 0 and 2 of g land on row 0: the forward adds them, the backward copies back to both.
    return ops.ScatterAdd.apply(g, index=(np.array([0, 2, 0, 1]),), advanced=True, shape=(3, g.shape[1]))


def _scatter_add_slice(g: Tensor) -> Tensor:
    return ops.ScatterAdd.apply(g, index=(slice(1, None), slice(None, None, 2)), advanced=False, shape=(4, 5))


def _where(a: Tensor, b: Tensor) -> Tensor:
    shape = np.broadcast_shapes(a.shape, b.shape)
    return ops.where(np.arange(int(np.prod(shape))).reshape(shape) % 2 == 0, a, b)  # alternate a and b


OP_CASES: list[OpCase] = [
    OpCase("add", lambda a, b: a + b, [((3, 3), (3, 3)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (2, 3))]),
    OpCase("sub", lambda a, b: a - b, [((3, 3), (3, 3)), ((3, 1), (1, 4))]),
    OpCase("mul", lambda a, b: a * b, [((3, 3), (3, 3)), ((2, 3, 4), (3, 1)), ((), (5,))]),
    OpCase("div", lambda a, b: a / b, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=lambda arrs, rng: [arrs[0], off_zero([arrs[1]], rng)[0]]),
    OpCase("neg", lambda a: -a, [((3, 3),)]),
    OpCase("pow_scalar", lambda a: a**3, [((3, 3),), ((5,),)]),
    OpCase("pow_fractional", lambda a: a**1.5, [((3, 3),)], prepare=positive),
    OpCase("pow_tensor", lambda a, b: a**b, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=positive),
    OpCase("matmul", lambda a, b: a @ b, [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 2)), ((2, 3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 2))]),
    OpCase("exp", lambda a: a.exp(), [((3, 3),), ((),)]),
    OpCase("log", lambda a: a.log(), [((3, 3),)], prepare=positive),
    OpCase("sqrt", lambda a: a.sqrt(), [((3, 3),)], prepare=positive),
    OpCase("abs", lambda a: a.abs(), [((3, 3),)], prepare=off_zero),
    OpCase("clamp", lambda a: a.clamp(-0.5, 0.5), [((4, 4),)], prepare=clamp_safe),
    OpCase("maximum", lambda a, b: ops.maximum(a, b), [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=apart),
    OpCase("minimum", lambda a, b: ops.minimum(a, b), [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=apart),
    OpCase("where", _where, [((3, 3), (3, 3)), ((3, 4), (4,))]),
    OpCase("sum", lambda a: a.sum(), [((3, 4),), ((2, 3, 4),)]),
    OpCase("sum_axis", lambda a: a.sum(axis=1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("sum_axes_keepdims", lambda a: a.sum(axis=(0, 2), keepdims=True), [((2, 3, 4),)]),
    OpCase("mean", lambda a: a.mean(axis=-1), [((3, 4),), ((2, 1, 4),)]),
    OpCase("max", lambda a: a.max(), [((3, 4),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("max_axis", lambda a: a.max(axis=0, keepdims=True), [((3, 4),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("min_axis", lambda a: a.min(axis=1), [((3, 4),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("var", lambda a: a.var(axis=0), [((5, 3),)]),
    OpCase("var_unbiased", _var_unbiased, [((3, 5),)]),
    OpCase("reshape", lambda a: a.reshape(2, -1) * a.reshape(2, -1), [((3, 4),)]),
    OpCase("transpose", lambda a: a.transpose(2, 0, 1) * 1.0, [((2, 3, 4),)]),
    OpCase("T", lambda a: a.T @ a, [((3, 4),)]),
    OpCase("broadcast_to", lambda a: a.expand(3, 4) * 2.0, [((1, 4),), ((4,),)]),
    OpCase("getitem_slice", lambda a: a[1:, ::2] * 3.0, [((4, 5),)]),
    OpCase("getitem_int_array", _getitem_repeat, [((4, 3),)]),
    OpCase("getitem_mask", _getitem_mask, [((3, 4),)]),
    OpCase("scatter_add_repeated_index", _scatter_add_repeat, [((4, 3),)]),
    OpCase("scatter_add_slice", _scatter_add_slice, [((3, 3),)]),
    OpCase("astype", _astype_float64, [((3, 4),), ((),)]),
    OpCase("concatenate", lambda a, b: ops.concatenate([a, b], axis=1), [((2, 3), (2, 4))]),
    OpCase("stack", lambda a, b: ops.stack([a, b], axis=1), [((2, 3), (2, 3))]),
    OpCase("relu", lambda a: a.relu(), [((3, 3),)], prepare=off_zero),
    OpCase("leaky_relu", lambda a: a.leaky_relu(0.2), [((3, 3),)], prepare=off_zero),
    OpCase("sigmoid", lambda a: a.sigmoid(), [((3, 3),)]),
    OpCase("tanh", lambda a: a.tanh(), [((3, 3),)]),
    OpCase("softplus", lambda a: a.softplus(), [((3, 3),)]),
    OpCase("log_softmax", lambda a: a.log_softmax(axis=-1), [((3, 3),), ((2, 3, 4),)]),
    OpCase("softmax", lambda a: a.softmax(axis=0), [((3, 3),), ((3, 4),)]),
    OpCase("dropout", _dropout_fixed, [((4, 4),)]),
] + [
    OpCase(f"linear_fused_{act}", (lambda a: lambda x, w, b: ops.linear(x, w, b, a, 0.2))(act),
           [((5, 4), (3, 4), (3,)), ((3, 3), (3, 3), (3,)), ((1, 4), (1, 4), (1,))], prepare=off_zero if act in ("relu", "leaky_relu") else _identity)
    for act in ("none", "relu", "leaky_relu", "sigmoid", "tanh")
]


OP_CASES += [
    OpCase(f"batch_norm_act_{act}", (lambda a: lambda x, w, b: ops.batch_norm_act(x, w, b, 1e-5, a, 0.2))(act),
           [((5, 3), (3,), (3,)), ((2, 3, 2, 3), (3,), (3,)), ((1, 2, 5), (2,), (2,))])
    for act in ("none", "relu", "leaky_relu", "sigmoid", "tanh")
] + [
    OpCase(f"channel_bias_act_{act}", (lambda a: lambda x, b: ops.channel_bias_act(x, b, a, 0.2))(act),
           [((2, 3, 2, 3), (3,)), ((1, 2, 5), (2,))], prepare=off_zero if act in ("relu", "leaky_relu") else _identity)
    for act in ("none", "relu", "leaky_relu", "sigmoid", "tanh")
]


def _through_the_test_device(a: Tensor) -> Tensor:
    # there and back: the gradient of each move is the move back
    return (a.to("strict") * a.to("strict")).to("cpu")


try:  # the test device needs array-api-strict (the test extra)
    import array_api_strict  # noqa: F401
except ImportError:
    pass
else:
    OP_CASES.append(OpCase("to_device", _through_the_test_device, [((3, 4),), ((),)]))


# Convolutions and pooling: strides, paddings, dilations, odd sizes and a batch of 1.
CONV_CASES: list[OpCase] = [
    OpCase("conv2d", lambda x, w, b: ops.conv2d(x, w, b), [((1, 2, 5, 5), (3, 2, 3, 3), (3,))]),
    OpCase("conv2d_stride2_pad1", lambda x, w: ops.conv2d(x, w, stride=2, padding=1),
           [((1, 2, 6, 5), (2, 2, 3, 3)), ((2, 1, 4, 4), (2, 1, 4, 4))]),
    OpCase("conv2d_dilation2", lambda x, w: ops.conv2d(x, w, stride=(1, 2), padding=(1, 0), dilation=2),
           [((2, 1, 7, 6), (2, 1, 2, 3))]),
    OpCase("conv_transpose2d", lambda x, w, b: ops.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
           [((1, 3, 3, 4), (3, 2, 3, 3), (2,))]),
    OpCase("conv_transpose2d_dilation2", lambda x, w: ops.conv_transpose2d(x, w, stride=(2, 1), dilation=2),
           [((1, 2, 3, 3), (2, 2, 2, 2))]),
    OpCase("max_pool2d", lambda x: ops.max_pool2d(x, 2), [((2, 2, 5, 5),)], prepare=distinct,
           layouts=DISTINCT_LAYOUTS),
    OpCase("max_pool2d_overlap_pad", lambda x: ops.max_pool2d(x, 3, stride=2, padding=1), [((1, 2, 5, 6),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("avg_pool2d", lambda x: ops.avg_pool2d(x, 2), [((2, 2, 5, 4),)]),
    OpCase("avg_pool2d_pad_excluded", lambda x: ops.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
           [((1, 2, 5, 6),)]),
    OpCase("upsample_nearest", lambda x: ops.upsample_nearest(x, scale_factor=2), [((2, 2, 3, 2),)]),
    OpCase("upsample_nearest_size", lambda x: ops.upsample_nearest(x, size=(5, 7)), [((1, 2, 3, 4),)]),
]
# The two Functions the convolutions' backward passes are made of, checked directly.
_GEOMETRY = {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 1)}
CONV_CASES += [
    OpCase("conv2d_weight_grad", lambda x, g: ops.convolution.Conv2dWeightGrad.apply(x, g, kernel=(3, 2), cols=None, **_GEOMETRY),
           [((2, 2, 5, 4), (2, 3, 3, 3))]),
    OpCase("fold_patches", lambda cols: ops.convolution.FoldPatches.apply(cols, kernel=(3, 2), in_hw=(5, 4), **_GEOMETRY),
           [((6, 2, 2, 3, 3),)]),
]
OP_CASES += CONV_CASES


def find_case(name: str) -> OpCase:
    for case in all_cases():
        if case.name == name:
            return case
    raise KeyError(f"no gradcheck case named {name!r}")


def all_cases() -> list[OpCase]:
    """The op cases plus the nn layer and loss cases (when the nn package is present)."""
    from .layer_cases import LAYER_CASES

    return OP_CASES + LAYER_CASES


def describe_shapes(shapes: Shapes) -> str:
    return ", ".join("x".join(map(str, s)) if s else "scalar" for s in shapes)


__all__ = ["OpCase", "OP_CASES", "LAYOUTS", "all_cases", "find_case", "describe_shapes", "layout_of", "can_take", "with_layout", "lay_out"]
