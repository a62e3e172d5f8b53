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

from .. import conv, ops
from ..tensor import Tensor

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
    """A pair of same-shape arrays that differ by at least 0.1 everywhere: maximum and
    minimum then have no ties."""
    a, b = arrays
    if a.shape != b.shape:
        raise ValueError("apart() places same-shape pairs only")
    gap = np.where(rng.random(a.shape) < 0.5, -1.0, 1.0) * (0.1 + np.abs(b))
    return [a, a + gap]


def clamp_safe(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Keep away from the clamp bounds -0.5 and 0.5."""
    (a,) = arrays
    near_bound = np.abs(np.abs(a) - 0.5) < 0.1
    return [np.where(near_bound, a + 0.25, a)]


@dataclass
class OpCase:
    name: str
    fn: Callable[..., Tensor]
    shapes: Sequence[Shapes]
    prepare: Prepare = _identity
    gradgrad: bool = True
    params: Callable[[], Sequence[Tensor]] | None = None  # layer parameters for check_backward
    notes: str = ""

    def inputs(self, shapes: Shapes, rng: np.random.Generator, contiguous: bool = True) -> list[Tensor]:
        """Random float64 inputs of the given shapes, optionally as non-contiguous views."""
        arrays = self.prepare([rng.standard_normal(shape) for shape in shapes], rng)
        tensors = []
        for array in arrays:
            array = np.array(array, dtype=np.float64)
            if not contiguous and array.ndim >= 1:
                array = non_contiguous(array)
            tensors.append(Tensor(array, requires_grad=True))
        return tensors


def non_contiguous(array: np.ndarray) -> np.ndarray:
    """The same values in a transposed view or, where that is still contiguous (a size-1
    axis), in a view that takes every other element of a larger buffer."""
    if array.ndim >= 2:
        view = np.ascontiguousarray(array.swapaxes(-1, -2)).swapaxes(-1, -2)
        if not view.flags.c_contiguous:
            return view
    holder = np.zeros(array.shape[:-1] + (2 * array.shape[-1],), dtype=array.dtype)
    holder[..., ::2] = array
    return holder[..., ::2]


def _dropout_fixed(x: Tensor) -> Tensor:
    # The same mask on every call, so finite differences see one deterministic function.
    return ops.dropout(x, p=0.3, training=True, rng=np.random.default_rng(7))


def _var_unbiased(x: Tensor) -> Tensor:
    return ops.var(x, axis=-1, ddof=1)


def _getitem_repeat(x: Tensor) -> Tensor:
    return x[np.array([0, 2, 0, 1])]  # index 0 twice: backward must add both


def _getitem_mask(x: Tensor) -> Tensor:
    return x[np.arange(x.size).reshape(x.shape) % 3 != 0]


def _where(a: Tensor, b: Tensor) -> Tensor:
    shape = np.broadcast_shapes(a.shape, b.shape)
    return ops.where(np.arange(int(np.prod(shape))).reshape(shape) % 2 == 0, a, b)  # alternate a and b


OP_CASES: list[OpCase] = [
    OpCase("add", lambda a, b: a + b, [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (2, 3))]),
    OpCase("sub", lambda a, b: a - b, [((3, 4), (3, 4)), ((3, 1), (1, 4))]),
    OpCase("mul", lambda a, b: a * b, [((3, 4), (3, 4)), ((2, 3, 4), (3, 1)), ((), (5,))]),
    OpCase("div", lambda a, b: a / b, [((3, 4), (3, 4)), ((3, 4), (4,))], prepare=lambda arrs, rng: [arrs[0], off_zero([arrs[1]], rng)[0]]),
    OpCase("neg", lambda a: -a, [((3, 4),)]),
    OpCase("pow_scalar", lambda a: a**3, [((3, 4),), ((5,),)]),
    OpCase("pow_fractional", lambda a: a**1.5, [((3, 4),)], prepare=positive),
    OpCase("pow_tensor", lambda a, b: a**b, [((3, 4), (3, 4)), ((3, 4), (4,))], prepare=positive),
    OpCase("matmul", lambda a, b: a @ b, [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 2)), ((2, 3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 2))]),
    OpCase("exp", lambda a: a.exp(), [((3, 4),), ((),)]),
    OpCase("log", lambda a: a.log(), [((3, 4),)], prepare=positive),
    OpCase("sqrt", lambda a: a.sqrt(), [((3, 4),)], prepare=positive),
    OpCase("abs", lambda a: a.abs(), [((3, 4),)], prepare=off_zero),
    OpCase("clamp", lambda a: a.clamp(-0.5, 0.5), [((4, 5),)], prepare=clamp_safe),
    OpCase("maximum", lambda a, b: ops.maximum(a, b), [((3, 4), (3, 4))], prepare=apart),
    OpCase("minimum", lambda a, b: ops.minimum(a, b), [((3, 4), (3, 4))], prepare=apart),
    OpCase("where", _where, [((3, 4), (3, 4)), ((3, 4), (4,))]),
    OpCase("sum", lambda a: a.sum(), [((3, 4),), ((2, 3, 4),)]),
    OpCase("sum_axis", lambda a: a.sum(axis=1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("sum_axes_keepdims", lambda a: a.sum(axis=(0, 2), keepdims=True), [((2, 3, 4),)]),
    OpCase("mean", lambda a: a.mean(axis=-1), [((3, 4),), ((2, 1, 4),)]),
    OpCase("max", lambda a: a.max(), [((3, 4),)], prepare=distinct),
    OpCase("max_axis", lambda a: a.max(axis=0, keepdims=True), [((3, 4),)], prepare=distinct),
    OpCase("min_axis", lambda a: a.min(axis=1), [((3, 4),)], prepare=distinct),
    OpCase("var", lambda a: a.var(axis=0), [((5, 3),)]),
    OpCase("var_unbiased", _var_unbiased, [((3, 5),)]),
    OpCase("reshape", lambda a: a.reshape(2, -1) * a.reshape(2, -1), [((3, 4),)]),
    OpCase("transpose", lambda a: a.transpose(2, 0, 1) * 1.0, [((2, 3, 4),)]),
    OpCase("T", lambda a: a.T @ a, [((3, 4),)]),
    OpCase("broadcast_to", lambda a: a.expand(3, 4) * 2.0, [((1, 4),), ((4,),)]),
    OpCase("getitem_slice", lambda a: a[1:, ::2] * 3.0, [((4, 5),)]),
    OpCase("getitem_int_array", _getitem_repeat, [((4, 3),)]),
    OpCase("getitem_mask", _getitem_mask, [((3, 4),)]),
    OpCase("concatenate", lambda a, b: ops.concatenate([a, b], axis=1), [((2, 3), (2, 4))]),
    OpCase("stack", lambda a, b: ops.stack([a, b], axis=1), [((2, 3), (2, 3))]),
    OpCase("relu", lambda a: a.relu(), [((3, 4),)], prepare=off_zero),
    OpCase("leaky_relu", lambda a: a.leaky_relu(0.2), [((3, 4),)], prepare=off_zero),
    OpCase("sigmoid", lambda a: a.sigmoid(), [((3, 4),)]),
    OpCase("tanh", lambda a: a.tanh(), [((3, 4),)]),
    OpCase("softplus", lambda a: a.softplus(), [((3, 4),)]),
    OpCase("log_softmax", lambda a: a.log_softmax(axis=-1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("softmax", lambda a: a.softmax(axis=0), [((3, 4),)]),
    OpCase("dropout", _dropout_fixed, [((4, 5),)]),
] + [
    OpCase(f"linear_fused_{act}", (lambda a: lambda x, w, b: ops.linear(x, w, b, a, 0.2))(act),
           [((5, 4), (3, 4), (3,)), ((1, 4), (1, 4), (1,))], prepare=off_zero if act in ("relu", "leaky_relu") else _identity)
    for act in ("none", "relu", "leaky_relu", "sigmoid", "tanh")
]


# Convolutions and pooling: strides, paddings, dilations, odd sizes and a batch of 1.
CONV_CASES: list[OpCase] = [
    OpCase("conv2d", lambda x, w, b: conv.conv2d(x, w, b), [((2, 2, 5, 5), (3, 2, 3, 3), (3,))]),
    OpCase("conv2d_stride2_pad1", lambda x, w: conv.conv2d(x, w, stride=2, padding=1),
           [((1, 2, 6, 5), (2, 2, 3, 3)), ((2, 1, 4, 4), (2, 1, 4, 4))]),
    OpCase("conv2d_dilation2", lambda x, w: conv.conv2d(x, w, stride=(1, 2), padding=(1, 0), dilation=2),
           [((2, 1, 7, 6), (2, 1, 2, 3))]),
    OpCase("conv_transpose2d", lambda x, w, b: conv.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
           [((2, 3, 3, 4), (3, 2, 3, 3), (2,))]),
    OpCase("conv_transpose2d_dilation2", lambda x, w: conv.conv_transpose2d(x, w, stride=(2, 1), dilation=2),
           [((1, 2, 3, 3), (2, 2, 2, 2))]),
    OpCase("max_pool2d", lambda x: conv.max_pool2d(x, 2), [((2, 2, 5, 5),)], prepare=distinct),
    OpCase("max_pool2d_overlap_pad", lambda x: conv.max_pool2d(x, 3, stride=2, padding=1), [((1, 2, 5, 6),)],
           prepare=distinct),
    OpCase("avg_pool2d", lambda x: conv.avg_pool2d(x, 2), [((2, 2, 5, 4),)]),
    OpCase("avg_pool2d_pad_excluded", lambda x: conv.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
           [((1, 2, 5, 6),)]),
    OpCase("upsample_nearest", lambda x: conv.upsample_nearest(x, scale_factor=2), [((2, 2, 3, 2),)]),
    OpCase("upsample_nearest_size", lambda x: conv.upsample_nearest(x, size=(5, 7)), [((1, 2, 3, 4),)]),
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


__all__ = ["OpCase", "OP_CASES", "all_cases", "find_case", "describe_shapes", "non_contiguous"]
