"""The registry of what gets gradient-checked: every op, and every nn layer and loss.

The CLI and the test suite both read this list, so a new op is checked everywhere once it is
registered here (what a case holds: minigan/gradcheck/opcase.py).
"""
from __future__ import annotations

import warnings
from operator import methodcaller

import numpy as np

from .. import formulas, ops
from ..autograd import Tensor, tensor
from ..ops.random_activations import gumbel_softmax, rrelu
from .array_cases import ARRAY_CASES
from .layer_cases import LAYER_CASES
from .loss_cases import LOSS_CASES
from .linalg_cases import LINALG_CASES
from .distribution_cases import DISTRIBUTION_CASES
from .continuous_distribution_cases import CONTINUOUS_CASES
from .special_cases import SPECIAL_CASES
from .indexing_cases import INDEXING_CASES
from .indexed_write_cases import INDEXED_WRITE_CASES
from .conv3d_cases import CONV3D_CASES
from .volumetric_cases import VOLUMETRIC_CASES
from .func_cases import FUNC_CASES
from .elementwise_cases import ELEMENTWISE_CASES
from .opcase import (
    DISTINCT_LAYOUTS, LAYOUTS, OpCase, as_drawn, apart, can_take, clamp_safe, describe_shapes, distinct,
    lay_out, layout_of, off_zero, positive, with_layout,
)


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


def _unpool_places(x: Tensor, places: list) -> Tensor:
    """Max unpooling's indices (int64) on x's device: distinct places in the output's planes."""
    return tensor(np.asarray(places, dtype=np.int64).reshape(x.shape), device=x.device)


def _inside_unit(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Into (-0.9, 0.9): asin and acos are smooth there (their slopes are infinite at -1 and 1), tan too."""
    return [0.9 * np.tanh(a) for a in arrays]


def _off_steps(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Quarters plus 1/8: 1/8 from every jump of sign, ceil, floor, round and trunc (the integers and
    halves), where finite differences see their zero gradient."""
    return [np.floor(a * 4.0) / 4.0 + 0.125 for a in arrays]


def _off_tenth_steps(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """``_off_steps`` scaled by 1/10: away from the jumps of round(a, decimals=1)."""
    return [b / 10.0 for b in _off_steps(arrays, rng)]


def _one_zero(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Element 1 set to 0: prod's gradient is then the product of the others there, and 0 elsewhere."""
    return [np.where(np.arange(a.size).reshape(a.shape) == 1, 0.0, a) for a in arrays]


def _two_zeros(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Elements 1 and 2 (in one row) set to 0: prod's gradient over them is 0 everywhere, its second
    derivative is not (d2f/da1 da2 = the product of the others)."""
    return [np.where(np.isin(np.arange(a.size).reshape(a.shape), (1, 2)), 0.0, a) for a in arrays]


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
    OpCase("pow_zero_and_one", lambda a: a**1 * 2.0 + a**0, [((3, 3),)]),  # p = 0's zero gradient, second order too
    OpCase("pow_fractional", lambda a: a**1.5, [((3, 3),)], prepare=positive),
    OpCase("pow_tensor", lambda a, b: a**b, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=positive),
    OpCase("matmul", lambda a, b: a @ b, [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 2)), ((2, 3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 2))]),
    OpCase("exp", lambda a: a.exp(), [((3, 3),), ((),)]),
    OpCase("log", lambda a: a.log(), [((3, 3),)], prepare=positive),
    OpCase("log1p", lambda a: a.log1p(), [((3, 3),)], prepare=positive),
    OpCase("expm1", lambda a: a.expm1(), [((3, 3),), ((),)]),
    OpCase("sqrt", lambda a: a.sqrt(), [((3, 3),)], prepare=positive),
    OpCase("reciprocal", lambda a: a.reciprocal(), [((3, 3),), ((),)], prepare=off_zero),
    OpCase("rsqrt", lambda a: a.rsqrt(), [((3, 3),)], prepare=positive),
    OpCase("sin", lambda a: a.sin(), [((3, 3),), ((),)]),
    OpCase("cos", lambda a: a.cos(), [((3, 3),)]),
    OpCase("tan", lambda a: a.tan(), [((3, 3),)], prepare=_inside_unit),
    OpCase("asin", lambda a: a.asin(), [((3, 3),)], prepare=_inside_unit),
    OpCase("acos", lambda a: a.acos(), [((3, 3),)], prepare=_inside_unit),
    OpCase("atan", lambda a: a.atan(), [((3, 3),)]),
    OpCase("sinh", lambda a: a.sinh(), [((3, 3),)]),
    OpCase("cosh", lambda a: a.cosh(), [((3, 3),)]),
    OpCase("atan2", lambda a, b: ops.atan2(a, b), [((3, 3), (3, 3)), ((3, 4), (4,)), ((), (2, 3))], prepare=off_zero),
    *(OpCase(name, methodcaller(name), [((3, 3),)], prepare=_off_steps)
      for name in ("sign", "ceil", "floor", "round", "trunc")),
    OpCase("round_decimals", lambda a: a.round(decimals=1), [((3, 3),)], prepare=_off_tenth_steps),
    # the error function and its kin (minigan/ops/special.py)
    OpCase("erf", lambda a: a.erf(), [((3, 3),), ((),)]),
    OpCase("erfc", lambda a: a.erfc(), [((3, 3),)]),
    OpCase("erfinv", lambda a: a.erfinv(), [((3, 3),), ((),)], prepare=_inside_unit),
    OpCase("log2", lambda a: a.log2(), [((3, 3),)], prepare=positive),
    OpCase("log10", lambda a: a.log10(), [((3, 3),)], prepare=positive),
    OpCase("asinh", lambda a: a.asinh(), [((3, 3),)]),
    OpCase("acosh", lambda a: (a + 1.0).acosh(), [((3, 3),)], prepare=positive),  # a + 1 >= 1.5, off the pole at 1
    OpCase("atanh", lambda a: a.atanh(), [((3, 3),)], prepare=_inside_unit),
    OpCase("frac", lambda a: a.frac(), [((3, 3),), ((),)], prepare=_off_steps),
    # torch.special (minigan/ops/normal.py, gamma.py, bessel.py, log_forms.py): across each formula's branches
    OpCase("erfcx", lambda a: ops.erfcx(a * 0.7), [((3, 3),), ((),)]),  # erfcx(-3) = 16000 already: FD roundoff
    OpCase("erfcx_asymptotic", lambda a: ops.erfcx(a * 10.0 + 20.0), [((3, 3),)], prepare=positive),  # 25 to 55
    OpCase("ndtr", lambda a: ops.ndtr(a * 3.0), [((3, 3),)]),
    OpCase("log_ndtr", lambda a: ops.log_ndtr(a * 10.0), [((3, 3),), ((),)]),
    OpCase("ndtri", lambda a: ops.ndtri(a * 0.5 + 0.5), [((3, 3),), ((),)], prepare=_inside_unit),
    OpCase("lgamma", lambda a: a.lgamma(), [((3, 3),), ((),)], prepare=_off_steps),
    OpCase("digamma", lambda a: a.digamma(), [((3, 3),)], prepare=_off_steps),
    OpCase("digamma_large", lambda a: (a * 10.0).digamma(), [((3, 3),)], prepare=positive),
    OpCase("polygamma_1", lambda a: a.polygamma(1), [((3, 3),)], prepare=_off_steps),
    OpCase("polygamma_3", lambda a: ops.polygamma(3, a * 10.0), [((3, 3),)], prepare=positive),
    # i0 and i1 grow like exp(|x|): finite differences lose their digits past |x| ~ 10, so the asymptotic
    # branch (|x| > 20, shared) is checked through the scaled i0e and i1e
    *(OpCase(name, lambda a, f=getattr(ops, name): f(a * 3.0), [((3, 3),), ((),)]) for name in ("i0", "i1")),
    *(OpCase(name, lambda a, f=getattr(ops, name): f(a * 10.0), [((3, 3),), ((),)]) for name in ("i0e", "i1e")),
    OpCase("entr", lambda a: ops.entr(a), [((3, 3),)], prepare=positive),
    OpCase("logit", lambda a: a.logit(), [((3, 3),)], prepare=lambda arrays, rng: [0.5 + 0.45 * np.tanh(a) for a in arrays]),
    OpCase("xlogy", lambda a, b: ops.xlogy(a, b), [((3, 3), (3, 3)), ((3, 4), (4,))],
           prepare=lambda arrays, rng: [arrays[0], positive([arrays[1]], rng)[0]]),
    OpCase("sinc", lambda a: a.sinc(), [((3, 3),)]),
    OpCase("exp2", lambda a: a.exp2(), [((3, 3),)]),
    OpCase("rrelu_training", lambda a: rrelu(a, training=True, rng=np.random.default_rng(7)), [((3, 3),)],
           prepare=off_zero),
    OpCase("gumbel_softmax", lambda a: gumbel_softmax(a, tau=0.5, rng=np.random.default_rng(7)), [((3, 4),)]),
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
    OpCase("min", lambda a: a.min(), [((3, 4),), ((),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("max_axis", lambda a: a.amax(dim=0, keepdim=True), [((3, 4),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("min_axis", lambda a: a.amin(1), [((3, 4),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("max_dim_values", lambda a: a.max(dim=1).values * a.min(0, keepdim=True).values.sum(),
           [((3, 4),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("norm_dim", lambda a: a.norm(2, dim=1), [((3, 4),)]),
    OpCase("std_dim", lambda a: a.std(0), [((5, 3),)]),
    OpCase("var", lambda a: a.var(axis=0), [((5, 3),)]),
    OpCase("var_unbiased", _var_unbiased, [((3, 5),)]),
    OpCase("prod", lambda a: a.prod(), [((3, 4),), ((),)]),
    OpCase("prod_one_zero", lambda a: a.prod(), [((3, 4),)], prepare=_one_zero),
    OpCase("prod_two_zeros", lambda a: a.prod(), [((3, 4),)], prepare=_two_zeros),
    OpCase("prod_dim_two_zeros", lambda a: a.prod(1, keepdim=True), [((3, 4),), ((2, 3, 4),)], prepare=_two_zeros),
    OpCase("prod_dim0_one_zero", lambda a: a.prod(0), [((3, 4),)], prepare=_one_zero),
    OpCase("prod_others", lambda a: ops.ProdOthers.apply(a), [((3, 4),), ((5,),)], prepare=_one_zero),
    OpCase("cross", lambda a, b: ops.cross(a, b, dim=-1), [((4, 3), (4, 3)), ((2, 4, 3), (1, 4, 3)), ((3,), (3,))]),
    OpCase("cross_dim0_broadcast", lambda a, b: ops.cross(a, b, dim=0), [((3, 1), (3, 4)), ((3, 4, 2), (3, 1, 2))]),
    OpCase("reshape", lambda a: a.reshape(2, -1) * a.reshape(2, -1), [((3, 4),)]),
    OpCase("permute", lambda a: a.permute(2, 0, 1) * 1.0, [((2, 3, 4),)]),
    OpCase("transpose", lambda a: a.transpose(-1, 0) * 1.0, [((2, 3, 4),)]),
    OpCase("T", lambda a: a.T @ a, [((3, 4),)]),
    OpCase("clone", lambda a: a.clone() * a, [((3, 4),)]),
    OpCase("repeat", lambda a: a.repeat(2, 1, 3) * 1.0, [((3, 2),)]),
    OpCase("chunk", lambda a: ops.concatenate([p * float(i + 1) for i, p in enumerate(a.chunk(3, dim=1))], axis=1), [((2, 7),)]),
    OpCase("split_sizes", lambda a: a.split([1, 3], dim=0)[1] * 2.0, [((4, 3),)]),
    OpCase("broadcast_to", lambda a: a.expand(3, 4) * 2.0, [((1, 4),), ((4,),)]),
    OpCase("getitem_slice", lambda a: a[1:, ::2] * 3.0, [((4, 5),)]),
    OpCase("getitem_int_array", _getitem_repeat, [((4, 3),)]),
    OpCase("getitem_mask", _getitem_mask, [((3, 4),)]),
    # gather is an advanced index: a place read twice (row 0 reads column 1 twice) gets both gradients
    OpCase("gather", lambda a: a.gather(1, np.array([[1, 1, 0], [2, 0, 3], [3, 3, 3]])), [((3, 4),)]),
    OpCase("scatter_add_repeated_index", _scatter_add_repeat, [((4, 3),)]),
    OpCase("scatter_add_slice", _scatter_add_slice, [((3, 3),)]),
    OpCase("astype", _astype_float64, [((3, 4),), ((),)]),
    OpCase("concatenate", lambda a, b: ops.concatenate([a, b], axis=1), [((2, 3), (2, 4))]),
    OpCase("stack", lambda a, b: ops.stack([a, b], axis=1), [((2, 3), (2, 3))]),
    # parts and unbind: the split joins the parts' gradients (zeros for the part left unused)
    OpCase("parts", lambda a: ops.concatenate([p * p * float(k + 1) for k, p in enumerate(ops.parts(a, [1, 3, 2], axis=1)[::2])], axis=1), [((2, 6),)]),
    OpCase("unbind", lambda a: ops.stack([p * p * float(k + 1) for k, p in enumerate(ops.unbind(a, -1)[1:])], 0), [((3, 4),), ((4,),)]),
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
           [((5, 4), (3, 4), (3,)), ((3, 3), (3, 3), (3,)), ((1, 4), (1, 4), (1,))], prepare=off_zero if act in formulas.KINKED_AT_ZERO else as_drawn)
    for act in ops.ACTIVATIONS
]


OP_CASES += [
    OpCase(f"batch_norm_act_{act}", (lambda a: lambda x, w, b: ops.batch_norm_act(x, w, b, 1e-5, a, 0.2))(act),
           [((5, 3), (3,), (3,)), ((2, 3, 2, 3), (3,), (3,)), ((1, 2, 5), (2,), (2,))])
    for act in ops.ACTIVATIONS
] + [
    OpCase(f"channel_bias_act_{act}", (lambda a: lambda x, b: ops.channel_bias_act(x, b, a, 0.2))(act),
           [((2, 3, 2, 3), (3,)), ((1, 2, 5), (2,))], prepare=off_zero if act in formulas.KINKED_AT_ZERO else as_drawn)
    for act in ops.ACTIVATIONS
]


# one LSTM or GRU step's gate arithmetic (minigan/ops/recurrent_cells.py); the LSTM's h' and c' side by side
OP_CASES += [
    OpCase("lstm_cell", lambda g, c: ops.concatenate(list(ops.lstm_cell(g, c)), -1), [((2, 8), (2, 2)), ((12,), (3,))]),
    OpCase("gru_cell", ops.gru_cell, [((2, 6), (2, 6), (2, 2)), ((9,), (9,), (3,))]),
    OpCase("lstm_step", ops.lstm_step, [((2, 8), (2, 4), (8, 2), (8,)), ((3, 4), (3, 2), (4, 1), (4,))]),
    OpCase("lstm_step_no_bias", lambda g, hc, w: ops.lstm_step(g, hc, w), [((2, 8), (2, 4), (8, 2))]),
    OpCase("gru_step", ops.gru_step, [((2, 6), (2, 2), (6, 2), (6,)), ((3, 3), (3, 1), (3, 1), (3,))]),
    OpCase("gru_step_no_bias", lambda g, h, w: ops.gru_step(g, h, w), [((2, 6), (2, 2), (6, 2))]),
]


def _chain_matmul(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    with warnings.catch_warnings():  # PyTorch's deprecation warning, which chain_matmul gives on every call
        warnings.simplefilter("ignore")
        return ops.builders.chain_matmul(a, b, c)


# the tensor builders (minigan/ops/builders.py): made of the ops above, their gradients those ops'
OP_CASES += [
    OpCase("meshgrid", lambda a, b, c: ops.stack(ops.builders.meshgrid(a, b, c, indexing="xy"), 0), [((3,), (2,), ())]),
    OpCase("broadcast_tensors", lambda a, b: ops.stack(ops.builders.broadcast_tensors(a, b), 0), [((3, 1), (4,))]),
    OpCase("atleast_3d", lambda a, b: ops.builders.atleast_3d(a, b)[0] * ops.builders.atleast_3d(b), [((4,), (1, 4))]),
    OpCase("block_diag", ops.builders.block_diag, [((2, 3), (2,), ()), ((1, 2), (3, 1))]),
    OpCase("cartesian_prod", ops.builders.cartesian_prod, [((3,), (2,)), ((2,), (1,), (3,))]),
    OpCase("chain_matmul", _chain_matmul, [((2, 3), (3, 4), (4, 2))]),
    OpCase("kron", ops.builders.kron, [((2, 3), (3, 2)), ((2,), (2, 3)), ((), (3,))]),
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
    # 5x7 -> 3x2: the bins overlap (rows 0-1, 1-3, 3-4; columns 0-3, 3-6); 4x3 -> 2x5: rows in even
    # blocks, and columns read by more than one bin
    OpCase("adaptive_avg_pool2d_overlap", lambda x: ops.adaptive_avg_pool2d(x, (3, 2)), [((2, 2, 5, 7),), ((2, 5, 7),)]),
    OpCase("adaptive_avg_pool2d_blocks_and_grow", lambda x: ops.adaptive_avg_pool2d(x, (2, 5)), [((1, 2, 4, 3),)]),
    OpCase("adaptive_max_pool2d_overlap", lambda x: ops.adaptive_max_pool2d(x, (3, 2)), [((2, 2, 5, 7),), ((2, 5, 7),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("adaptive_max_pool2d_grow_none", lambda x: ops.adaptive_max_pool2d(x, (4, None)), [((1, 2, 3, 4),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    # F.pad (minigan/ops/padding.py): constant with a crop on one side, and the three index modes
    OpCase("pad_constant_crop", lambda x: ops.pad(x, (1, -1, 2, 0), value=0.5), [((2, 3, 4),), ((3, 2),)]),
    OpCase("pad_reflect", lambda x: ops.pad(x, (2, 1, 1, 2), mode="reflect"), [((1, 2, 3, 4),)]),
    OpCase("pad_replicate", lambda x: ops.pad(x, (2, -1, 0, 3), mode="replicate"), [((2, 3, 3),)]),
    OpCase("pad_circular", lambda x: ops.pad(x, (1, 3, 2, 1), mode="circular"), [((1, 2, 3, 4),)]),
    # 1-d convolutions and pooling (minigan/ops/convolution1d.py, the 2-d ops on a height of 1)
    OpCase("conv1d", lambda x, w, b: ops.conv1d(x, w, b, stride=2, padding=1), [((2, 2, 7), (3, 2, 3), (3,))]),
    OpCase("conv1d_same_dilation2", lambda x, w: ops.conv1d(x, w, padding="same", dilation=2), [((2, 6), (2, 2, 4))]),
    OpCase("conv_transpose1d", lambda x, w, b: ops.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1),
           [((1, 3, 4), (3, 2, 3), (2,))]),
    OpCase("max_pool1d", lambda x: ops.max_pool1d(x, 3, stride=2, padding=1), [((2, 2, 7),), ((2, 5),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("avg_pool1d_pad_excluded", lambda x: ops.avg_pool1d(x, 3, stride=2, padding=1, count_include_pad=False),
           [((1, 2, 6),)]),
    OpCase("adaptive_avg_pool1d", lambda x: ops.adaptive_avg_pool1d(x, 3), [((2, 2, 7),), ((2, 4),)]),
    OpCase("adaptive_max_pool1d", lambda x: ops.adaptive_max_pool1d(x, 3), [((2, 2, 7),)], prepare=distinct,
           layouts=DISTINCT_LAYOUTS),
    # groups, ceil_mode and return_indices (the winners read out of x by an index)
    OpCase("conv1d_groups2", lambda x, w, b: ops.conv1d(x, w, b, stride=2, padding=1, groups=2),
           [((2, 4, 7), (6, 2, 3), (6,))]),
    OpCase("conv_transpose1d_groups2",
           lambda x, w, b: ops.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1, groups=2),
           [((1, 4, 4), (4, 1, 3), (2,)), ((4, 4), (4, 1, 3), (2,))]),
    OpCase("max_pool1d_ceil_indices",
           lambda x: ops.max_pool1d(x, 3, stride=2, padding=1, ceil_mode=True, return_indices=True)[0],
           [((2, 2, 8),), ((2, 6),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("max_pool1d_ceil", lambda x: ops.max_pool1d(x, 2, stride=2, ceil_mode=True), [((2, 2, 7),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("avg_pool1d_ceil_pad_excluded",
           lambda x: ops.avg_pool1d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
           [((1, 2, 8),), ((2, 8),)]),
    OpCase("conv2d_groups2", lambda x, w, b: ops.conv2d(x, w, b, stride=2, padding=1, groups=2),
           [((2, 4, 5, 4), (6, 2, 3, 3), (6,))]),
    OpCase("conv2d_depthwise", lambda x, w: ops.conv2d(x, w, None, padding=1, groups=3), [((1, 3, 4, 4), (3, 1, 3, 3))]),
    OpCase("conv_transpose2d_groups2",
           lambda x, w, b: ops.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1, groups=2),
           [((1, 4, 3, 3), (4, 1, 3, 3), (2,)), ((4, 3, 2), (4, 1, 3, 3), (2,))]),
    OpCase("max_pool2d_ceil_indices",
           lambda x: ops.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, return_indices=True)[0],
           [((1, 2, 6, 5),), ((2, 6, 6),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("max_pool2d_ceil", lambda x: ops.max_pool2d(x, 2, stride=2, ceil_mode=True), [((1, 2, 5, 7),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("avg_pool2d_ceil", lambda x: ops.avg_pool2d(x, (3, 2), stride=2, padding=1, ceil_mode=True),
           [((1, 2, 6, 5),)]),
    OpCase("avg_pool2d_ceil_pad_excluded",
           lambda x: ops.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
           [((1, 2, 6, 6),), ((2, 6, 5),)]),
    OpCase("max_unpool2d", lambda x: ops.max_unpool2d(x, _unpool_places(x, [[[0, 3], [9, 18]], [[5, 6], [12, 19]]]), 2,
                                                      output_size=(5, 4)), [((1, 2, 2, 2),), ((2, 2, 2),)]),
    OpCase("max_unpool1d", lambda x: ops.max_unpool1d(x, _unpool_places(x, [[1, 2], [0, 3]]), 2), [((2, 2),)]),
    # F.unfold and F.fold (minigan/ops/unfold.py): overlapping windows, padding, dilation, unbatched forms
    OpCase("unfold", lambda x: ops.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
           [((2, 2, 4, 5),), ((2, 3, 3),)]),
    OpCase("fold", lambda c: ops.fold(c, (4, 5), 2, padding=1, stride=(2, 1)), [((2, 8, 18),), ((4, 18),)]),
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
OP_CASES += ARRAY_CASES
OP_CASES += LINALG_CASES
OP_CASES += DISTRIBUTION_CASES
OP_CASES += CONTINUOUS_CASES  # Cauchy, StudentT, Gumbel, Weibull, Pareto... (continuous_distribution_cases.py)
OP_CASES += SPECIAL_CASES
OP_CASES += INDEXING_CASES
OP_CASES += INDEXED_WRITE_CASES
OP_CASES += CONV3D_CASES
OP_CASES += VOLUMETRIC_CASES  # 5-D interpolation (minigan/gradcheck/volumetric_cases.py)
OP_CASES += FUNC_CASES  # values that are themselves gradients, Jacobians, vmaps (minigan/gradcheck/func_cases.py)
OP_CASES += ELEMENTWISE_CASES  # fmod, hypot, logaddexp, fmax, addcmul... (minigan/gradcheck/elementwise_cases.py)


def find_case(name: str) -> OpCase:
    for case in all_cases():
        if case.name == name:
            return case
    raise KeyError(f"no gradcheck case named {name!r}")


def all_cases() -> list[OpCase]:
    """The op cases plus the nn layer and loss cases."""
    return OP_CASES + LAYER_CASES + LOSS_CASES


__all__ = ["OpCase", "OP_CASES", "LAYOUTS", "all_cases", "find_case", "describe_shapes", "layout_of", "can_take", "with_layout", "lay_out"]
