"""Hypothesis properties for every op, that is every Function in minigan: drawn shapes (size-1
axes, and 0-d wherever the op allows it), drawn values moved off kinks and ties, drawn memory
layouts. Each property checks the forward value against NumPy written out plainly and the
gradient against central differences; a test fails if any Function has no property."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minigan import ops
from minigan.ops import convolution as conv
from minigan.ops.convolution3d import FoldPatches3d, Patches3d
from minigan.ops.ctc import CtcLoss
from minigan.ops.arithmetic import Remainder, remainder
from minigan.ops.elementwise_limits import Fmax, Fmin, fmax, fmin
from minigan.ops.elementwise_more import Copysign, Fmod, Hypot, LogAddExp, copysign, fmod, hypot, logaddexp
from minigan.ops.log_forms import Sinc, sinc
from minigan.ops.more_activations import Hardswish, hardswish
from minigan.ops.reductions import Min
from minigan.ops.bypass import Bypass
from minigan.ops.float_bits import Nextafter, nextafter
from minigan.ops.reductions_more import NanAsZero, nansum
from minigan.ops import smooth_activations as smooth
from minigan.ops.incomplete_gamma import Gammainc, Gammaincc
from minigan.distributions.standard_gamma import GammaQuantileStep
from minigan.ops.windows import Windows
from minigan.ops.zeta import Zeta
from minigan import Function
from minigan.gradcheck import gradcheck
from minigan.gradcheck.cases import lay_out
from minigan.gradcheck.coverage import function_classes, recorded_contexts
from minigan.nn import functional as F
from minigan.nn.losses import BCEWithLogitsMean, BinaryCrossEntropy
from minigan import nn
from minigan.nn.backward_hooks import HookGate, HookPass
from minigan.ops.random_activations import GumbelNoise, RReLU
from minigan.autograd import Tensor
from test_conv import conv2d_reference, conv_transpose2d_reference, pool_reference
from test_ctc_loss import draw_property as draw_ctc_loss
from test_conv3d_windows import draw_property as draw_windows3d
from test_special_more import draw_property as draw_special_more
from test_distributions_gamma import draw_property as draw_gamma_quantile_step
from test_indexing_search import draw_scatter_reduce
from test_linalg_lu import draw_lu_factor, draw_matrix_exp

SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3)
SHAPES_1D_UP = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3)
LAYOUTS_KEEPING_VALUES = ("contiguous", "strided", "transposed")  # a broadcast view would repeat values


@dataclass
class Drawn:
    fn: Callable[..., Tensor]
    arrays: list[np.ndarray]
    expected: Any  # the forward value, computed in plain NumPy


PROPERTIES: dict[type[Function], Callable[[Any], Drawn]] = {}


def prop(function: type[Function]):
    def register(draw_case: Callable[[Any], Drawn]) -> Callable[[Any], Drawn]:
        PROPERTIES[function] = draw_case
        return draw_case

    return register


def values(data, shape, low=-3.0, high=3.0) -> np.ndarray:
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)
    return data.draw(hnp.arrays(np.float64, shape, elements=elements))


def off_zero(a: np.ndarray, gap: float = 0.1) -> np.ndarray:
    return np.where(a >= 0, a + gap, a - gap)


def positive(a: np.ndarray) -> np.ndarray:
    return np.abs(a) + 0.5


def inside_unit(a: np.ndarray) -> np.ndarray:
    """Into (-0.9, 0.9): asin and acos (slopes infinite at -1 and 1) and tan are smooth there."""
    return 0.9 * np.tanh(a)


def off_steps(a: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Quarters plus 1/8 (times ``scale``): off the jumps of sign, ceil, floor, round and trunc."""
    return (np.floor(a * 4.0) / 4.0 + 0.125) * scale


def _bisect(f: Callable[[float], float], y: float, low: float, high: float) -> float:
    """The x in [low, high] with f(x) = y, for an increasing f, by 200 halvings."""
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if f(middle) < y else (low, middle)
    return (low + high) / 2


def distinct(data, shape) -> np.ndarray:
    """Values 0.1 apart in a drawn order: max has no ties."""
    size = int(np.prod(shape))
    order = data.draw(st.permutations(range(size)))
    return (np.array(order, dtype=np.float64).reshape(shape) - size / 2) * 0.1


def half_integers(data, shape, offset: float) -> np.ndarray:
    """Integers plus ``offset``: with offsets 0.25 and -0.25 two arrays never tie."""
    return data.draw(hnp.arrays(np.int64, shape, elements=st.integers(-3, 3))).astype(np.float64) + offset


def an_axis(data, ndim: int) -> int:
    return data.draw(st.integers(-ndim, ndim - 1))


# ------------------------------------------------------------------ elementwise, one input
def _unary(function, fn, expected, place=lambda a: a):
    @prop(function)
    def draw(data):
        a = place(values(data, data.draw(SHAPES)))
        return Drawn(fn, [a], expected(a))


_unary(ops.Neg, lambda x: -x, lambda a: -a)
_unary(ops.Exp, ops.exp, np.exp)
_unary(ops.Log, ops.log, np.log, positive)
_unary(ops.Log1p, ops.log1p, lambda a: np.log(1.0 + a), positive)
_unary(ops.Expm1, ops.expm1, lambda a: np.exp(a) - 1.0)
_unary(ops.Sqrt, ops.sqrt, np.sqrt, positive)
_unary(ops.Reciprocal, ops.reciprocal, lambda a: 1.0 / a, off_zero)
_unary(ops.Rsqrt, ops.rsqrt, lambda a: 1.0 / np.sqrt(a), positive)
_unary(ops.Sin, ops.sin, np.sin)
_unary(ops.Cos, ops.cos, np.cos)
_unary(ops.Tan, ops.tan, np.tan, inside_unit)
_unary(ops.Asin, ops.asin, np.arcsin, inside_unit)
_unary(ops.Acos, ops.acos, np.arccos, inside_unit)
_unary(ops.Atan, ops.atan, np.arctan)
_unary(ops.Sinh, ops.sinh, np.sinh)
_unary(ops.Cosh, ops.cosh, np.cosh)
# the error function: Python's math.erf (the C library's) per element; erfinv by bisection on it
_unary(ops.Erf, ops.erf, np.vectorize(math.erf))
_unary(ops.Erfc, ops.erfc, np.vectorize(math.erfc))
_unary(ops.Erfinv, ops.erfinv, np.vectorize(lambda y: _bisect(math.erf, y, -6.0, 6.0)), inside_unit)
_unary(ops.Log2, ops.log2, lambda a: np.log(a) / np.log(2.0), positive)
_unary(ops.Log10, ops.log10, lambda a: np.log(a) / np.log(10.0), positive)
_unary(ops.Asinh, ops.asinh, lambda a: np.sign(a) * np.log(np.abs(a) + np.sqrt(a * a + 1.0)))
_unary(ops.Acosh, ops.acosh, lambda a: np.log(a + np.sqrt(a * a - 1.0)), lambda a: positive(a) + 1.0)
_unary(ops.Atanh, ops.atanh, lambda a: 0.5 * np.log((1.0 + a) / (1.0 - a)), inside_unit)
_unary(ops.Frac, ops.frac, lambda a: np.fmod(a, 1.0), off_steps)
_unary(ops.Sign, ops.sign, np.sign, off_steps)
_unary(ops.Ceil, ops.ceil, np.ceil, off_steps)
_unary(ops.Floor, ops.floor, np.floor, off_steps)
_unary(ops.Trunc, ops.trunc, np.trunc, off_steps)
_unary(ops.Abs, ops.abs, np.abs, off_zero)
_unary(ops.ReLU, ops.relu, lambda a: np.where(a > 0, a, 0.0), off_zero)
_unary(ops.Sigmoid, ops.sigmoid, lambda a: 1.0 / (1.0 + np.exp(-a)))
_unary(ops.Tanh, ops.tanh, np.tanh)
_unary(ops.Softplus, ops.softplus, lambda a: np.log(1.0 + np.exp(a)))
_unary(smooth.SiLU, smooth.silu, lambda a: a / (1.0 + np.exp(-a)))
_unary(smooth.Mish, smooth.mish, lambda a: a * np.tanh(np.log(1.0 + np.exp(a))))
_unary(smooth.GELU, smooth.gelu, lambda a: a * np.vectorize(math.erfc)(-a / math.sqrt(2.0)) / 2.0)
_unary(smooth.GELUTanh, lambda x: smooth.gelu(x, approximate="tanh"),
       lambda a: a * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (a + 0.044715 * a ** 3))) / 2.0)
_unary(Sinc, sinc, np.sinc)  # np.sinc is sin(pi x) / (pi x)
_unary(Hardswish, hardswish, lambda a: a * np.clip(a + 3.0, 0.0, 6.0) / 6.0,  # [-4.5, 4.5], 0.1 or more off +-3
       lambda a: np.where(np.abs(np.abs(1.5 * a) - 3.0) < 0.1, 1.65 * a, 1.5 * a))
_unary(ops.AsType, lambda x: ops.AsType.apply(x, dtype=np.dtype(np.float64)), lambda a: a)  # float64 only: checkable
# there and back through the test device (array-api-strict arrays on a second device)
_unary(ops.ToDevice, lambda x: ops.to_device(ops.to_device(x, "strict") * 2.0, "cpu"), lambda a: a * 2)


@prop(ops.PowScalar)
def _(data):
    p = data.draw(st.sampled_from([2.0, 3.0, 0.5, 1.5, -1.0]))
    a = values(data, data.draw(SHAPES))
    a = a if p in (2.0, 3.0) else positive(a)
    return Drawn(lambda x: x**p, [a], a**p)


@prop(ops.Round)
def _(data):
    decimals = data.draw(st.sampled_from([0, 1, 2, -1]))
    a = off_steps(values(data, data.draw(SHAPES)), 10.0**-decimals)  # off the jumps at this scale
    return Drawn(lambda x: ops.round(x, decimals=decimals), [a], np.round(a, decimals))


@prop(ops.LeakyReLU)
def _(data):
    slope = data.draw(st.floats(0.01, 0.5))
    a = off_zero(values(data, data.draw(SHAPES)))
    return Drawn(lambda x: ops.leaky_relu(x, slope), [a], np.where(a > 0, a, slope * a))


@prop(ops.Clamp)
def _(data):
    low, high = data.draw(st.sampled_from([(-0.537, 0.611), (None, 0.611), (-0.537, None)]))
    a = values(data, data.draw(SHAPES))
    assume(all(bound is None or np.all(np.abs(a - bound) > 1e-3) for bound in (low, high)))
    expected = np.maximum(a, -np.inf if low is None else low)
    expected = np.minimum(expected, np.inf if high is None else high)
    return Drawn(lambda x: ops.clamp(x, low, high), [a], expected)


@prop(ops.ClampBetween)
def _(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3)).input_shapes
    # offsets 0.25, 0 and -0.25 from the integers: x never ties a bound, and low never ties high
    a, low, high = (half_integers(data, shape, offset) for shape, offset in zip(shapes, (0.25, 0.0, -0.25)))
    return Drawn(lambda x, lo, hi: ops.clamp(x, lo, hi), [a, low, high], np.minimum(np.maximum(a, low), high))


@prop(ops.Dropout)
def _(data):
    p, seed = data.draw(st.floats(0.1, 0.9)), data.draw(st.integers(0, 2**16))
    a = values(data, data.draw(SHAPES))
    # the documented rule, written out: 32 random bits per element, kept when bits >= p 2^32
    words = np.random.default_rng(seed).bit_generator.random_raw((a.size + 1) // 2)
    keep = words.view(np.uint32)[:a.size].reshape(a.shape) >= round(p * 2**32)
    return Drawn(lambda x: ops.dropout(x, p, rng=np.random.default_rng(seed)), [a], a * keep / (1.0 - p))


# ------------------------------------------------------------------ elementwise, two inputs broadcast
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3)


def _binary(function, fn, expected, place=lambda data, shapes: [values(data, s) for s in shapes]):
    @prop(function)
    def draw(data):
        a, b = place(data, data.draw(PAIRS).input_shapes)
        return Drawn(fn, [a, b], expected(a, b))


_binary(ops.Add, lambda x, y: x + y, np.add)
_binary(ops.Sub, lambda x, y: x - y, np.subtract)
_binary(ops.Mul, lambda x, y: x * y, np.multiply)
_binary(ops.Div, lambda x, y: x / y, np.divide, lambda data, s: [values(data, s[0]), off_zero(values(data, s[1]))])
_binary(ops.Pow, lambda x, y: x**y, np.power, lambda data, s: [positive(values(data, s[0])), values(data, s[1], -2, 2)])
_binary(ops.Atan2, ops.atan2, np.arctan2, lambda data, s: [off_zero(values(data, shape)) for shape in s])
_binary(ops.Maximum, ops.maximum, np.maximum,
        lambda data, s: [half_integers(data, s[0], 0.25), half_integers(data, s[1], -0.25)])
_binary(ops.Minimum, ops.minimum, np.minimum,
        lambda data, s: [half_integers(data, s[0], 0.25), half_integers(data, s[1], -0.25)])
_binary(Fmax, fmax, np.fmax, lambda data, s: [half_integers(data, s[0], 0.25), half_integers(data, s[1], -0.25)])
_binary(Fmin, fmin, np.fmin, lambda data, s: [half_integers(data, s[0], 0.25), half_integers(data, s[1], -0.25)])
_binary(Hypot, hypot, np.hypot, lambda data, s: [off_zero(values(data, shape)) for shape in s])
_binary(Copysign, copysign, np.copysign, lambda data, s: [off_zero(values(data, shape)) for shape in s])
_binary(Fmod, fmod, np.fmod,  # divisors +-1, +-2 and dividends k + 1/4: a / b stays 1/8 off the integers, where trunc jumps
        lambda data, s: [half_integers(data, s[0], 0.25),
                         data.draw(hnp.arrays(np.float64, s[1], elements=st.sampled_from([-2.0, -1.0, 1.0, 2.0])))])
_binary(Remainder, remainder, np.remainder,  # as Fmod's: a / b stays 1/8 off the integers, where floor jumps
        lambda data, s: [half_integers(data, s[0], 0.25),
                         data.draw(hnp.arrays(np.float64, s[1], elements=st.sampled_from([-2.0, -1.0, 1.0, 2.0])))])
_binary(LogAddExp, logaddexp, np.logaddexp)
_binary(Nextafter, nextafter, np.nextafter,  # no ties: the step's direction holds within gradcheck's eps
        lambda data, s: [half_integers(data, s[0], 0.25), half_integers(data, s[1], -0.25)])


@prop(ops.Where)
def _(data):
    shapes = data.draw(PAIRS)
    a, b = (values(data, s) for s in shapes.input_shapes)
    condition = data.draw(hnp.arrays(np.bool_, shapes.result_shape))
    return Drawn(lambda x, y: ops.where(condition, x, y), [a, b], np.where(condition, a, b))


@prop(ops.MatMul)
def _(data):
    n, k, m = (data.draw(st.integers(1, 3)) for _ in range(3))
    batch_a, batch_b = (data.draw(st.sampled_from([(), (2,), (1, 2), (2, 1)])) for _ in range(2))
    a_shape = data.draw(st.sampled_from([(k,), batch_a + (n, k)]))
    b_shape = data.draw(st.sampled_from([(k,), batch_b + (k, m)]))
    a, b = values(data, a_shape), values(data, b_shape)
    return Drawn(ops.matmul, [a, b], np.matmul(a, b))


# ------------------------------------------------------------------ reductions
def _axes(data, ndim: int):
    if ndim == 0:
        return None
    return data.draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1),
                               st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)))


def _reduction(function, method, draw_values=lambda data, shape: values(data, shape)):
    @prop(function)
    def draw(data):
        shape = data.draw(SHAPES)
        a, axis, keepdims = draw_values(data, shape), _axes(data, len(shape)), data.draw(st.booleans())
        return Drawn(lambda x: getattr(x, method)(axis=axis, keepdims=keepdims), [a],
                     getattr(np, method)(a, axis=axis, keepdims=keepdims))


_reduction(ops.Sum, "sum")
_reduction(ops.Mean, "mean")
_reduction(ops.Max, "max", distinct)


@prop(Min)
def _(data):
    # min() of a whole tensor (PyTorch's picking backward; amin and min over a dim are neg(max(neg(a))))
    a = distinct(data, data.draw(SHAPES))
    return Drawn(lambda x: x.min(), [a], np.min(a))


@prop(NanAsZero)
def _(data):
    # finite values, as the gradient check needs: nansum is the sum (the NaN cases are written out
    # in tests/test_empty_tensors.py and test_statistics_functions.py)
    shape = data.draw(SHAPES)
    a, axis, keepdims = values(data, shape), _axes(data, len(shape)), data.draw(st.booleans())
    return Drawn(lambda x: nansum(x, axis, keepdims), [a], np.nansum(a, axis=axis, keepdims=keepdims))


@prop(ops.Var)
def _(data):
    shape = data.draw(SHAPES)
    a, axis, keepdims, ddof = values(data, shape), _axes(data, len(shape)), data.draw(st.booleans()), data.draw(st.sampled_from([0, 1]))
    count = a.size if axis is None else int(np.prod([shape[i] for i in np.atleast_1d(axis)]))
    assume(count > ddof)
    return Drawn(lambda x: x.var(axis=axis, keepdims=keepdims, ddof=ddof), [a], np.var(a, axis=axis, keepdims=keepdims, ddof=ddof))


# ------------------------------------------------------------------ shape
@prop(ops.Reshape)
def _(data):
    shape = data.draw(SHAPES)
    target = (1,) + tuple(data.draw(st.permutations(shape)))  # a new leading axis: never the same shape
    a = values(data, shape)
    return Drawn(lambda x: x.reshape(*target), [a], a.reshape(target))


@prop(ops.Transpose)
def _(data):
    shape = data.draw(SHAPES)
    axes = tuple(data.draw(st.permutations(range(len(shape)))))
    a = values(data, shape)
    return Drawn(lambda x: ops.permute(x, axes), [a], np.transpose(a, axes))


@prop(ops.BroadcastTo)
def _(data):
    target = data.draw(SHAPES)
    dropped = data.draw(st.integers(0, len(target)))
    shape = tuple(n if data.draw(st.booleans()) else 1 for n in target[dropped:])
    assume(shape != target)
    a = values(data, shape)
    return Drawn(lambda x: ops.broadcast_to(x, target), [a], np.broadcast_to(a, target))


# ------------------------------------------------------------------ indexing and joining
def _an_index(data, shape):
    kind = data.draw(st.sampled_from(["slice", "integer", "integer array", "mask"]))
    n = shape[0]
    if kind == "slice":
        start, stop = data.draw(st.integers(0, n - 1)), data.draw(st.integers(1, n))
        return (slice(start, max(stop, start + 1), data.draw(st.integers(1, 2))),)
    if kind == "integer":
        return (data.draw(st.integers(-n, n - 1)),)
    if kind == "integer array":
        return (np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5))),)
    return (data.draw(hnp.arrays(np.bool_, shape)),)


@prop(ops.GetItem)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    index, a = _an_index(data, shape), values(data, shape)
    return Drawn(lambda x: x[index], [a], a[index])


@prop(ops.ScatterAdd)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    picks = np.array(data.draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=5)))
    g = values(data, (len(picks),) + shape[1:])
    expected = np.zeros(shape)
    np.add.at(expected, picks, g)
    return Drawn(lambda x: ops.ScatterAdd.apply(x, index=(picks,), advanced=True, shape=shape), [g], expected)


@prop(ops.Concatenate)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    axis = an_axis(data, len(shape))
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    arrays = [values(data, shape[:axis % len(shape)] + (n,) + shape[axis % len(shape) + 1:]) for n in sizes]
    return Drawn(lambda *xs: ops.concatenate(xs, axis=axis), arrays, np.concatenate(arrays, axis=axis))


@prop(ops.Stack)
def _(data):
    shape = data.draw(SHAPES)
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    arrays = [values(data, shape) for _ in range(data.draw(st.integers(1, 3)))]
    return Drawn(lambda *xs: ops.stack(xs, axis=axis), arrays, np.stack(arrays, axis=axis))


@prop(ops.Split)
@prop(ops.Part)
def _(data):
    """Some parts of a drawn split (or unbind), each squared and weighted by its number, joined
    again: the parts left out get a zero gradient through the split."""
    shape = data.draw(SHAPES_1D_UP)
    axis, a = an_axis(data, len(shape)), values(data, shape)
    length = shape[axis]
    squeeze = data.draw(st.booleans(), label="unbind")
    cuts = [] if squeeze else sorted(data.draw(st.lists(st.integers(0, length), max_size=3), label="cuts"))
    bounds = list(range(length + 1)) if squeeze else [0] + cuts + [length]
    kept = data.draw(st.lists(st.integers(0, len(bounds) - 2), min_size=1, max_size=3, unique=True), label="kept")
    take = lambda v, k: np.take(v, k, axis) if squeeze else np.take(v, range(bounds[k], bounds[k + 1]), axis)  # noqa: E731
    join = np.stack if squeeze else np.concatenate
    expected = join([take(a, k) ** 2 * (k + 1) for k in kept], axis=axis)

    def fn(x):
        pieces = ops.unbind(x, axis) if squeeze else ops.parts(x, np.diff(bounds), axis)
        return (ops.stack if squeeze else ops.concatenate)([pieces[k] * pieces[k] * float(k + 1) for k in kept], axis)
    return Drawn(fn, [a], expected)


# ------------------------------------------------------------------ along an axis
@prop(ops.LogSoftmax)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    axis, a = an_axis(data, len(shape)), values(data, shape)
    return Drawn(lambda x: ops.log_softmax(x, axis), [a], a - np.log(np.exp(a).sum(axis=axis, keepdims=True)))


@prop(ops.Softmax)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    axis, a = an_axis(data, len(shape)), values(data, shape)
    return Drawn(lambda x: ops.softmax(x, axis), [a], np.exp(a) / np.exp(a).sum(axis=axis, keepdims=True))


# ------------------------------------------------------------------ the fused linear layer and the losses
ACTIVATIONS = {
    "none": lambda z, slope: z,
    "relu": lambda z, slope: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z, slope: np.where(z > 0, z, slope * z),
    "sigmoid": lambda z, slope: 1.0 / (1.0 + np.exp(-z)),
    "tanh": lambda z, slope: np.tanh(z),
}


@prop(ops.LinearAct)
def _(data):
    batch, n_in, n_out = (data.draw(st.integers(1, 4)) for _ in range(3))
    activation, slope, bias = data.draw(st.sampled_from(sorted(ACTIVATIONS))), data.draw(st.floats(0.01, 0.5)), data.draw(st.booleans())
    arrays = [values(data, (batch, n_in)), values(data, (n_out, n_in))] + ([values(data, (n_out,))] if bias else [])
    z = arrays[0] @ arrays[1].T + (arrays[2] if bias else 0.0)
    if activation in ("relu", "leaky_relu"):
        assume(np.all(np.abs(z) > 1e-3))  # off the kink
    return Drawn(lambda *xs: ops.linear(*xs[:2], xs[2] if bias else None, activation, slope), arrays,
                 ACTIVATIONS[activation](z, slope))


@prop(ops.BatchNormAct)
def _(data):
    spatial = data.draw(st.sampled_from([(), (3,), (2, 3), (1, 1)]))  # (N, C), (N, C, L), (N, C, H, W)
    batch, width = data.draw(st.integers(1 if spatial and np.prod(spatial) > 1 else 2, 5)), data.draw(st.integers(1, 4))
    activation, slope = data.draw(st.sampled_from(sorted(ACTIVATIONS))), data.draw(st.floats(0.01, 0.5))
    x, w, b = values(data, (batch, width) + spatial), values(data, (width,)), values(data, (width,))
    axes, per_channel = (0,) + tuple(range(2, x.ndim)), (1, width) + (1,) * len(spatial)
    assume(np.all(x.std(axis=axes) > 1e-2))  # a channel of (nearly) equal values has no spread to normalise
    z = ((x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + 1e-5)
         * w.reshape(per_channel) + b.reshape(per_channel))
    if activation in ("relu", "leaky_relu"):
        assume(np.all(np.abs(z) > 1e-3))  # off the kink
    return Drawn(lambda *xs: ops.batch_norm_act(*xs, 1e-5, activation, slope), [x, w, b],
                 ACTIVATIONS[activation](z, slope))


@prop(ops.ChannelBiasAct)
def _(data):
    shape = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))) + data.draw(st.sampled_from([(), (3,), (2, 2)]))
    activation, slope = data.draw(st.sampled_from(sorted(ACTIVATIONS))), data.draw(st.floats(0.01, 0.5))
    x, b = values(data, shape), values(data, (shape[1],))
    z = x + b.reshape((1, shape[1]) + (1,) * (len(shape) - 2))
    if activation in ("relu", "leaky_relu"):
        assume(np.all(np.abs(z) > 1e-3))  # off the kink
    return Drawn(lambda *xs: ops.channel_bias_act(*xs, activation, slope), [x, b], ACTIVATIONS[activation](z, slope))


# ------------------------------------------------------------------ convolutions and pooling
def _conv_geometry(data, kernel_max=3):
    """A batch, channels, an input size, a kernel, stride, padding and dilation that fit."""
    n, c_in, c_out = (data.draw(st.integers(1, 2)) for _ in range(3))
    kernel = (data.draw(st.integers(1, kernel_max)), data.draw(st.integers(1, kernel_max)))
    stride, dilation = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))), (data.draw(st.integers(1, 2)),) * 2
    padding = (data.draw(st.integers(0, 1)), data.draw(st.integers(0, 1)))
    hw = tuple(dilation[i] * (kernel[i] - 1) + 1 + data.draw(st.integers(0, 2)) for i in range(2))
    out_hw = tuple((hw[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1 for i in range(2))
    return n, c_in, c_out, kernel, stride, padding, dilation, hw, out_hw


@prop(conv.Conv2d)
def _(data):
    n, c_in, c_out, kernel, stride, padding, dilation, hw, _ = _conv_geometry(data)
    x, w = values(data, (n, c_in) + hw), values(data, (c_out, c_in) + kernel)
    return Drawn(lambda x, w: conv.conv2d(x, w, stride=stride, padding=padding, dilation=dilation), [x, w],
                 conv2d_reference(x, w, None, stride, padding, dilation))


@prop(conv.ConvTranspose2d)
def _(data):
    n, c_in, c_out, kernel, stride, padding, dilation, _, _ = _conv_geometry(data)
    hw = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    assume(all((hw[i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + 1 > 0 for i in range(2)))
    x, w = values(data, (n, c_in) + hw), values(data, (c_in, c_out) + kernel)
    return Drawn(lambda x, w: conv.conv_transpose2d(x, w, stride=stride, padding=padding, dilation=dilation), [x, w],
                 conv_transpose2d_reference(x, w, None, stride, padding, (0, 0), dilation))


@prop(conv.Conv2dWeightGrad)
def _(data):
    """The weight gradient of conv2d: <g, conv2d(x, w)> = <f, w> for every w, so f[o, c, u, v]
    is the sum over the output of g times the input pixel that weight meets."""
    n, c_in, c_out, kernel, stride, padding, dilation, hw, out_hw = _conv_geometry(data)
    x, g = values(data, (n, c_in) + hw), values(data, (n, c_out) + out_hw)
    expected = np.zeros((c_out, c_in) + kernel)
    for index in np.ndindex(*expected.shape):
        unit = np.zeros(expected.shape)
        unit[index] = 1.0
        expected[index] = np.sum(g * conv2d_reference(x, unit, None, stride, padding, dilation))
    geometry = {"stride": stride, "padding": padding, "dilation": dilation}
    return Drawn(lambda x, g: conv.Conv2dWeightGrad.apply(x, g, kernel=kernel, cols=None, **geometry), [x, g],
                 expected)


def _window_geometry(data):
    n, c = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))
    k, s, p = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2)), 0
    hw = (k + data.draw(st.integers(0, 2)), k + data.draw(st.integers(0, 2)))
    out_hw = tuple((hw[i] - k) // s + 1 for i in range(2))
    return n, c, k, s, p, hw, out_hw


def _patches_reference(x, k, s, out_hw):
    """(k*k, N, C, OH, OW): window position (u, v) first, as conv.Patches lays them out."""
    return np.stack([x[:, :, u:u + s * (out_hw[0] - 1) + 1:s, v:v + s * (out_hw[1] - 1) + 1:s]
                     for u in range(k) for v in range(k)])


@prop(conv.Patches)
def _(data):
    n, c, k, s, p, hw, out_hw = _window_geometry(data)
    x = values(data, (n, c) + hw)
    geometry = {"kernel": (k, k), "stride": (s, s), "padding": (p, p), "dilation": (1, 1), "out_hw": out_hw}
    return Drawn(lambda x: conv.Patches.apply(x, **geometry), [x], _patches_reference(x, k, s, out_hw))


@prop(conv.FoldPatches)
def _(data):
    """The adjoint of Patches: each window added back where it came from."""
    n, c, k, s, p, hw, out_hw = _window_geometry(data)
    cols = values(data, (k * k, n, c) + out_hw)
    expected = np.zeros((n, c) + hw)
    for index, (u, v) in enumerate((u, v) for u in range(k) for v in range(k)):
        expected[:, :, u:u + s * (out_hw[0] - 1) + 1:s, v:v + s * (out_hw[1] - 1) + 1:s] += cols[index]
    geometry = {"kernel": (k, k), "stride": (s, s), "padding": (p, p), "dilation": (1, 1), "in_hw": hw}
    return Drawn(lambda cols: conv.FoldPatches.apply(cols, **geometry), [cols], expected)


@prop(conv.MaxPool2d)
def _(data):
    n, c, k, s, p, hw, _ = _window_geometry(data)
    x = distinct(data, (n, c) + hw)
    return Drawn(lambda x: conv.max_pool2d(x, k, stride=s), [x], pool_reference(x, k, s, 0, np.max, -np.inf))


@prop(ops.MaxUnpool)
def _(data):
    n, c, places = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)), data.draw(st.integers(1, 6))
    k = data.draw(st.integers(1, places))
    index = np.array([[data.draw(st.permutations(range(places)))[:k] for _ in range(c)] for _ in range(n)])
    x = values(data, (n, c, k))
    expected = np.zeros((n, c, places))
    for i, j, t in np.ndindex(x.shape):
        expected[i, j, index[i, j, t]] = x[i, j, t]
    return Drawn(lambda x: ops.MaxUnpool.apply(x, indices=index, places=places), [x], expected)


@prop(conv.UpsampleNearest)
def _(data):
    n, c = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))
    factors = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    x = values(data, (n, c, data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))))
    expected = np.repeat(np.repeat(x, factors[0], axis=2), factors[1], axis=3)
    return Drawn(lambda x: conv.upsample_nearest(x, scale_factor=factors), [x], expected)


@prop(BinaryCrossEntropy)
def _(data):
    shape, reduction = data.draw(SHAPES), data.draw(st.sampled_from(["none", "mean", "sum"]))
    # t inside (0, 1): a finite difference in t must stay in [0, 1], which the loss checks
    p, t = values(data, shape, 0.05, 0.95), values(data, shape, 0.05, 0.95)
    loss = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    expected = {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]
    return Drawn(lambda x, y: F.binary_cross_entropy(x, y, reduction=reduction), [p, t], expected)


@prop(BCEWithLogitsMean)
def _(data):
    shape = data.draw(SHAPES)
    x, t = values(data, shape), values(data, shape, 0.0, 1.0)
    return Drawn(F.binary_cross_entropy_with_logits, [x, t], np.mean(np.log(1.0 + np.exp(x)) - x * t))


@prop(Bypass)
def _(data):
    # the unfused BCE on logits (reduction "none" or "sum") goes through it, with the targets' gradient too
    shape, reduction = data.draw(SHAPES), data.draw(st.sampled_from(["none", "sum"]))
    x, t = values(data, shape), values(data, shape, 0.0, 1.0)
    loss = np.log(1.0 + np.exp(x)) - x * t
    return Drawn(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), [x, t],
                 loss if reduction == "none" else loss.sum())


def _some_zeros(data, shape, low=-1.2, high=1.2) -> np.ndarray:
    """Drawn values with drawn elements set to 0, where prod's gradient must stay exact."""
    return np.where(data.draw(hnp.arrays(np.bool_, shape)), 0.0, values(data, shape, low, high))


@prop(ops.Prod)
def _(data):
    shape = data.draw(SHAPES)
    a = _some_zeros(data, shape)
    span = max(len(shape), 1)
    dim, keepdim = data.draw(st.none() | st.integers(-span, span - 1)), data.draw(st.booleans())
    if dim is None or not shape:  # the product written out: a running multiply
        product = np.float64(1.0)
        for value in a.reshape(-1):
            product = product * value
        return Drawn(lambda x: x.prod(dim), [a], product)
    moved = np.moveaxis(a, dim, 0)  # the reduced axis first, then multiplied row by row
    product = np.ones(moved.shape[1:])
    for row in moved:
        product = product * row
    expected = np.expand_dims(product, dim % len(shape)) if keepdim else product
    return Drawn(lambda x: x.prod(dim, keepdim=keepdim), [a], expected)


@prop(ops.ProdOthers)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    a = _some_zeros(data, shape)
    expected = np.ones(shape)
    for i in range(shape[-1]):
        for j in range(shape[-1]):
            if j != i:
                expected[..., i] *= a[..., j]
    return Drawn(ops.ProdOthers.apply, [a], expected)


@prop(ops.Cross)
def _(data):
    shape = list(data.draw(SHAPES_1D_UP))
    dim = data.draw(st.integers(0, len(shape) - 1))
    shape[dim] = 3
    other = [n if i == dim or data.draw(st.booleans()) else 1 for i, n in enumerate(shape)]  # broadcast
    a, b = values(data, tuple(shape)), values(data, tuple(other))
    a1, a2, a3 = (np.take(a, [i], axis=dim) for i in range(3))
    b1, b2, b3 = (np.take(b, [i], axis=dim) for i in range(3))
    expected = np.concatenate([a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1], axis=dim)
    return Drawn(lambda x, y: ops.cross(x, y, dim=dim), [a, b], expected)


def _running(a: np.ndarray, dim: int, step) -> np.ndarray:
    """The running sum or product along ``dim``, one index at a time."""
    moved, out = np.moveaxis(a, dim, 0), np.empty(np.moveaxis(a, dim, 0).shape)
    total = moved[0]
    out[0] = total
    for i in range(1, moved.shape[0]):
        total = step(total, moved[i])
        out[i] = total
    return np.moveaxis(out, 0, dim)


@prop(ops.Cumsum)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = values(data, shape)
    return Drawn(lambda x: ops.cumsum(x, dim), [a], _running(a, dim, np.add))


@prop(ops.Cumprod)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = _some_zeros(data, shape)
    return Drawn(lambda x: ops.cumprod(x, dim), [a], _running(a, dim, np.multiply))


@prop(ops.running_extremes.LogCumsumExp)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = values(data, shape)
    return Drawn(lambda x: ops.running_extremes.logcumsumexp(x, dim), [a], _running(a, dim, np.logaddexp))


@prop(ops.Flip)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True))
    a = values(data, shape)
    expected = a[tuple(slice(None, None, -1) if i in dims else slice(None) for i in range(len(shape)))]
    return Drawn(lambda x: ops.flip(x, dims), [a], expected)


@prop(ops.Roll)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    dim = data.draw(st.integers(0, len(shape) - 1))
    shift = data.draw(st.integers(-5, 5))
    a = values(data, shape)
    n = shape[dim]
    expected = np.empty_like(a)
    for i in range(n):  # out[i] = a[i - shift], around the end
        expected[(slice(None),) * dim + (i,)] = a[(slice(None),) * dim + ((i - shift) % n,)]
    return Drawn(lambda x: ops.roll(x, shift, dim), [a], expected)


@prop(Windows)
def _(data):
    shape = data.draw(SHAPES_1D_UP)
    dim = data.draw(st.integers(0, len(shape) - 1))
    size = data.draw(st.integers(1, shape[dim]))
    step = data.draw(st.integers(1, 3))
    a = values(data, shape)
    moved = np.moveaxis(a, dim, 0)  # window i holds elements i*step ... i*step + size - 1 of dim
    windows = [np.moveaxis(moved[s:s + size], 0, -1) for s in range(0, shape[dim] - size + 1, step)]
    return Drawn(lambda x: x.unfold(dim, size, step), [a], np.stack(windows, axis=dim))


# einsum and linear algebra (minigan/ops/einsum.py, linalg.py, svd.py): NumPy's own einsum and LAPACK
# calls as the references, on matrices made well conditioned (square: plus 10 I; SVD: spread singular values)
_EINSUM_EQUATIONS = {"ij,jk->ik": ((0, 1), (1, 2)), "ii->i": ((0, 0),), "ii": ((0, 0),), "ij->": ((0, 1),),
                     "bij,bjk->bik": ((3, 0, 1), (3, 1, 2)), "i,j->ij": ((0,), (1,)), "iji->j": ((0, 1, 0),),
                     "ab,bc,cd->ad": ((0, 1), (1, 2), (2, 3))}


@prop(ops.Einsum)
def _(data):
    from minigan.ops.einsum import einsum

    equation = data.draw(st.sampled_from(sorted(_EINSUM_EQUATIONS)))
    sizes = [data.draw(st.integers(1, 3)) for _ in range(4)]
    arrays = [values(data, tuple(sizes[k] for k in term)) for term in _EINSUM_EQUATIONS[equation]]
    return Drawn(lambda *xs: einsum(equation, *xs), arrays, np.einsum(equation, *arrays))


def _square(data) -> np.ndarray:
    n = data.draw(st.integers(1, 3))
    batch = data.draw(st.sampled_from([(), (2,)]))
    return values(data, batch + (n, n)) + 10.0 * np.eye(n)


@prop(ops.Inv)
def _(data):
    a = _square(data)
    return Drawn(ops.inv, [a], np.linalg.inv(a))


@prop(ops.Det)
def _(data):
    a = _square(data)
    return Drawn(ops.det, [a], np.linalg.det(a))


@prop(ops.Slogdet)
def _(data):
    a = _square(data)
    return Drawn(lambda x: ops.slogdet(x).logabsdet, [a], np.log(np.abs(np.linalg.det(a))))


@prop(ops.Solve)
def _(data):
    a = _square(data)
    b = values(data, a.shape[:-1] + (data.draw(st.integers(1, 3)),))
    return Drawn(ops.solve, [a, b], np.linalg.solve(a, b))


prop(Patches3d)(lambda data: Drawn(*draw_windows3d(data, fold=False)))  # tests/test_conv3d_windows.py
prop(FoldPatches3d)(lambda data: Drawn(*draw_windows3d(data, fold=True)))


@prop(CtcLoss)
def _(data):
    """The CTC loss through log_softmax, against every path enumerated (tests/test_ctc_loss.py draws it)."""
    return Drawn(*draw_ctc_loss(data))


@prop(ops.ScatterReduce)
def _(data):
    """scatter_reduce's five reductions, with and without self, against a loop over the places
    (tests/test_indexing_search.py draws it)."""
    return Drawn(*draw_scatter_reduce(data))


@prop(ops.Svd)
def _(data):
    m, n = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    k = min(m, n)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    spread = 1.0 + 0.7 * np.arange(k) + data.draw(st.floats(0.0, 0.3))  # singular values 0.7 apart
    left = np.linalg.qr(rng.standard_normal((m, m)))[0][:, :k]
    right = np.linalg.qr(rng.standard_normal((n, n)))[0][:k, :]
    a = (left * spread) @ right
    return Drawn(ops.svdvals, [a], np.linalg.svd(a, compute_uv=False))


@prop(ops.ConstantPad)
def _(data):
    """F.pad in constant mode, against NumPy: crop by the negative widths, then np.pad by the positive ones."""
    shape = data.draw(SHAPES_1D_UP)
    widths = []
    for axis in range(len(shape) - 1, len(shape) - 1 - data.draw(st.integers(1, len(shape))), -1):
        before = data.draw(st.integers(-shape[axis], 3))
        widths.append((before, data.draw(st.integers(-(shape[axis] - max(-before, 0)), 3))))
    a, value = values(data, shape), data.draw(st.floats(-2.0, 2.0))
    cropped, padded = [slice(None)] * len(shape), [(0, 0)] * len(shape)
    for k, (before, after) in enumerate(widths):
        cropped[len(shape) - 1 - k] = slice(max(-before, 0), shape[len(shape) - 1 - k] - max(-after, 0))
        padded[len(shape) - 1 - k] = (max(before, 0), max(after, 0))
    expected = np.pad(a[tuple(cropped)], padded, constant_values=value)
    assume(expected.size > 0)
    flat = [w for pair in widths for w in pair]
    return Drawn(lambda x: ops.pad(x, flat, value=value), [a], expected)


@prop(ops.Qr)
def _(data):
    from minigan.ops.qr import qr

    n = data.draw(st.integers(1, 3))
    m = data.draw(st.integers(n, 4))
    # full column rank (R invertible), and no exact zero below the diagonal, where LAPACK's signs jump
    a = off_zero(values(data, (m, n))) + 10.0 * np.eye(m, n)
    q, r = np.linalg.qr(a)
    which = data.draw(st.sampled_from(["Q", "R"]))
    return Drawn(lambda x: getattr(qr(x), which), [a], q if which == "Q" else r)


@prop(ops.Cholesky)
def _(data):
    from minigan.ops.cholesky import cholesky

    n = data.draw(st.integers(1, 3))
    x = values(data, data.draw(st.sampled_from([(), (2,)])) + (n, n))
    a = x @ np.swapaxes(x, -1, -2) + np.eye(n)  # positive-definite; fed as t + t^T, so a perturbation stays symmetric
    return Drawn(lambda t: cholesky(t + t.transpose(-1, -2)), [a / 2.0], np.linalg.cholesky(a))


def _orthogonal(data, n: int) -> np.ndarray:
    return np.linalg.qr(np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).standard_normal((n, n)))[0]


@prop(ops.Eigh)
def _(data):
    from minigan.ops.eigh import eigh

    n = data.draw(st.integers(1, 3))
    q = _orthogonal(data, n)
    w = -1.0 + 0.7 * np.arange(n) + data.draw(st.floats(0.0, 0.3))  # ascending, 0.7 apart
    a = (q * w) @ q.T
    if data.draw(st.booleans()):
        return Drawn(lambda t: eigh(t + t.T).eigenvalues, [a / 2.0], w)
    # each eigenvector times its first entry: LAPACK's choice of sign cancels
    return Drawn(lambda t: eigh(t + t.T).eigenvectors * eigh(t + t.T).eigenvectors[:1, :], [a / 2.0], q * q[:1, :])


@prop(ops.Pinv)
def _(data):
    from minigan.ops.pinv import pinv

    m, n = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    k = min(m, n)
    spread = 1.0 + 0.7 * np.arange(k) + data.draw(st.floats(0.0, 0.3))
    left, right = _orthogonal(data, m)[:, :k], _orthogonal(data, n)[:, :k]
    return Drawn(pinv, [(left * spread) @ right.T], (right / spread) @ left.T)


@prop(ops.LuFactor)
def _(data):
    """lu_factor's packed LU against the elimination written out (tests/test_linalg_lu.py draws it)."""
    return Drawn(*draw_lu_factor(data))


@prop(ops.MatrixExp)
def _(data):
    """matrix_exp against the Taylor series of A / 2^s, squared s times (tests/test_linalg_lu.py draws it)."""
    return Drawn(*draw_matrix_exp(data))


# ------------------------------------------------------------------ one LSTM or GRU step (recurrent_cells)
def _gates(data, count: int) -> tuple[np.ndarray, ...]:
    """``count`` stacked gate blocks (*, count H) and a state (*, H), leading axes drawn (none too)."""
    lead = data.draw(st.sampled_from([(), (1,), (2,), (2, 3)]))
    hidden = data.draw(st.integers(1, 3))
    return values(data, lead + (count * hidden,)), values(data, lead + (hidden,))


def _lstm_by_hand(gates: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(h', c') of one LSTM step, written out."""
    s = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    a_i, a_f, a_g, a_o = np.split(gates, 4, axis=-1)
    c_new = s(a_f) * c + s(a_i) * np.tanh(a_g)
    return s(a_o) * np.tanh(c_new), c_new


@prop(ops.LSTMCellState)
def _(data):
    gates, c = _gates(data, 4)
    return Drawn(lambda g, s: ops.lstm_cell(g, s)[1], [gates, c], _lstm_by_hand(gates, c)[1])


@prop(ops.LSTMCellOutput)
def _(data):
    gates, c = _gates(data, 4)
    return Drawn(lambda g, s: ops.lstm_cell(g, s)[0], [gates, c], _lstm_by_hand(gates, c)[0])


@prop(ops.GRUCellUpdate)
def _(data):
    gi, h = _gates(data, 3)
    gh = values(data, gi.shape)
    (i_r, i_z, i_n), (h_r, h_z, h_n) = np.split(gi, 3, axis=-1), np.split(gh, 3, axis=-1)
    r, z = 1.0 / (1.0 + np.exp(-(i_r + h_r))), 1.0 / (1.0 + np.exp(-(i_z + h_z)))
    n = np.tanh(i_n + r * h_n)
    return Drawn(ops.gru_cell, [gi, gh, h], (1.0 - z) * n + z * h)


@prop(ops.LSTMStep)
def _(data):
    rows, hidden = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    x_gates, hc = values(data, (rows, 4 * hidden)), values(data, (rows, 2 * hidden))
    weight, bias = values(data, (4 * hidden, hidden), -1.0, 1.0), values(data, (4 * hidden,))
    h_new, c_new = _lstm_by_hand(x_gates + hc[:, :hidden] @ weight.T + bias, hc[:, hidden:])
    return Drawn(ops.lstm_step, [x_gates, hc, weight, bias], np.concatenate([h_new, c_new], -1))


@prop(ops.GRUStep)
def _(data):
    rows, hidden = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    gi, h = values(data, (rows, 3 * hidden)), values(data, (rows, hidden))
    weight, bias = values(data, (3 * hidden, hidden), -1.0, 1.0), values(data, (3 * hidden,))
    (i_r, i_z, i_n), (h_r, h_z, h_n) = np.split(gi, 3, axis=-1), np.split(h @ weight.T + bias, 3, axis=-1)
    r, z = 1.0 / (1.0 + np.exp(-(i_r + h_r))), 1.0 / (1.0 + np.exp(-(i_z + h_z)))
    n = np.tanh(i_n + r * h_n)
    return Drawn(ops.gru_step, [gi, h, weight, bias], (1.0 - z) * n + z * h)


# ------------------------------------------------------------------ torch.special (normal, gamma, bessel, log_forms)
def _digamma_by_hand(a: np.ndarray) -> np.ndarray:
    """psi(x) = psi(x + N) - sum_k<N 1/(x + k), N = 1000, psi(y) ~ ln y - 1/(2y) - 1/(12y^2) for y >= 1000;
    psi(x) = psi(1 - x) - pi / tan(pi x) for x < 0."""
    x = np.where(a < 0, 1.0 - a, a)
    k = np.arange(1000.0)
    y = x + 1000.0
    value = np.log(y) - 0.5 / y - 1.0 / (12.0 * y * y) - (1.0 / (x[..., None] + k)).sum(-1)
    return np.where(a < 0, value - np.pi / np.tan(np.pi * a), value)


def _polygamma_by_hand(n: int, a: np.ndarray) -> np.ndarray:
    """(-1)^(n+1) n! (sum_k<N 1/(x + k)^(n+1) + 1/(n y^n) + 1/(2 y^(n+1)) + (n+1)/(12 y^(n+2))), y = x + N."""
    k = np.arange(1000.0)
    y = a + 1000.0
    total = (1.0 / (a[..., None] + k) ** (n + 1)).sum(-1) + 1.0 / (n * y**n) + 0.5 / y ** (n + 1) + (n + 1) / (12.0 * y ** (n + 2))
    return (-1.0) ** (n + 1) * math.factorial(n) * total


def _bessel_by_hand(order: int, a: np.ndarray) -> np.ndarray:
    """I_n(x) = (1/pi) integral_0^pi exp(x cos t) cos(n t) dt, by the trapezoid rule on 400 intervals
    (exact to rounding for a smooth periodic integrand)."""
    t = np.linspace(0.0, np.pi, 401)
    weights = np.full(401, 1.0 / 400)
    weights[[0, -1]] = 0.5 / 400
    return (np.exp(a[..., None] * np.cos(t)) * np.cos(order * t) * weights).sum(-1)


_unary(ops.Erfcx, ops.erfcx, lambda a: np.exp(a * a) * np.vectorize(math.erfc)(a), lambda a: a * 0.75 + 0.75)  # erfcx(-3) = 16000: FD's roundoff
_unary(ops.Ndtri, ops.ndtri, np.vectorize(lambda p: _bisect(lambda x: math.erfc(-x / math.sqrt(2)) / 2, p, -9.0, 9.0)),
       lambda a: (inside_unit(a) + 1.0) / 2)
_unary(ops.Lgamma, ops.lgamma, np.vectorize(math.lgamma), lambda a: off_steps(a))
_unary(ops.Digamma, ops.digamma, _digamma_by_hand, lambda a: off_steps(a))
_unary(ops.I0, ops.i0, lambda a: _bessel_by_hand(0, a))
_unary(ops.I1, ops.i1, lambda a: _bessel_by_hand(1, a))
_unary(ops.I0e, ops.i0e, lambda a: np.exp(-np.abs(a)) * _bessel_by_hand(0, a), off_zero)  # exp(-|x|)'s kink
_unary(ops.I1e, ops.i1e, lambda a: np.exp(-np.abs(a)) * _bessel_by_hand(1, a))
_unary(ops.Entr, ops.entr, lambda a: -a * np.log(a), positive)


@prop(ops.Polygamma)
def _(data):
    n = data.draw(st.integers(1, 4))
    a = positive(values(data, data.draw(SHAPES)))
    return Drawn(lambda x: ops.polygamma(n, x), [a], _polygamma_by_hand(n, a))


for _kind, _function in (("zeta", Zeta), ("gammainc", Gammainc), ("gammaincc", Gammaincc)):  # tests/test_special_more.py
    prop(_function)(lambda data, kind=_kind: Drawn(*draw_special_more(kind, data, values, SHAPES)))
prop(GammaQuantileStep)(lambda data: Drawn(*draw_gamma_quantile_step(data, values, SHAPES)))  # test_distributions_gamma.py


@prop(RReLU)
def _(data):
    seed = data.draw(st.integers(0, 2**16))
    a = off_zero(values(data, data.draw(SHAPES)))
    slopes = np.random.default_rng(seed).uniform(0.125, 1 / 3, size=a.shape)  # one draw per element, kept for x > 0
    return Drawn(lambda x: F.rrelu(x, training=True, rng=np.random.default_rng(seed)), [a], np.where(a > 0, a, a * slopes))


@prop(GumbelNoise)
def _(data):
    seed = data.draw(st.integers(0, 2**16))
    a = values(data, data.draw(SHAPES_1D_UP))
    noisy = a - np.log(np.random.default_rng(seed).standard_exponential(size=a.shape))
    soft = np.exp(noisy - noisy.max(-1, keepdims=True))
    return Drawn(lambda x: F.gumbel_softmax(x, rng=np.random.default_rng(seed)), [a], soft / soft.sum(-1, keepdims=True))


@prop(HookGate)
@prop(HookPass)
def _(data):
    """A module of one or two inputs, a * tanh(b), with full backward hooks that keep the gradients
    (None, or the tuple they were given): its gates pass the gradients through unchanged."""
    shape = data.draw(SHAPES)
    a, b = values(data, shape), values(data, shape)
    keep = data.draw(st.booleans(), label="hooks return their tuple")

    class Pair(nn.Module):
        def forward(self, x, y=None):
            return x * (x if y is None else y).tanh()

    module = Pair()
    module.register_full_backward_pre_hook(lambda m, grad_output: grad_output if keep else None)
    module.register_full_backward_hook(lambda m, grad_input, grad_output: grad_input if keep else None)
    if data.draw(st.booleans(), label="one input"):
        return Drawn(lambda x: module(x), [a], a * np.tanh(a))
    return Drawn(lambda x, y: module(x, y), [a, b], a * np.tanh(b))


# ------------------------------------------------------------------ the tests
def test_every_function_has_a_property():
    missing = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in set(function_classes()) - set(PROPERTIES))
    assert not missing, f"no Hypothesis property for: {', '.join(missing)}"


@pytest.mark.parametrize("function", sorted(PROPERTIES, key=lambda cls: cls.__name__), ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_op_property(function, data):
    drawn = PROPERTIES[function](data)
    layout = data.draw(st.sampled_from(LAYOUTS_KEEPING_VALUES), label="layout")
    tensors = [Tensor._make(lay_out(a, layout), True, None) for a in drawn.arrays]
    out = drawn.fn(*tensors)
    assert function in {ctx.function for ctx in recorded_contexts(out)}, "the drawn call does not reach the op"
    np.testing.assert_allclose(out.array, drawn.expected, rtol=1e-10, atol=1e-12)
    assert gradcheck(drawn.fn, tensors).ok
