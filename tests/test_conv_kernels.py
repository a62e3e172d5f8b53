"""The kernels behind the convolution-family layers: each Numba kernel against the NumPy
reference backend (in both its serial and parallel builds), the CuPy backend's wiring through
a stand-in module, and the layers that take them. Gradients are checked against finite
differences in test_ops_grad.py (the gradcheck cases) and against plain NumPy in
test_ops_properties.py."""
from __future__ import annotations

import types

import numpy as np
import pytest

import minigan as mg
from minigan import formulas, nn, ops
from minigan.ops import convolution as conv
from minigan.backends import numba as cpu
from minigan.backends.cupy import CupyBackend
from minigan.backends.numpy import backend as reference
from minigan.nn.layers import batch_norm

ACTIVATIONS = tuple(formulas.ACTIVATIONS)
DTYPES = (np.float32, np.float64)
TOLERANCE = {np.float32: {"rtol": 2e-5, "atol": 2e-5}, np.float64: {"rtol": 1e-11, "atol": 1e-12}}


def _builds(dtypes=DTYPES):
    """(activation, dtype, parallel) for the per-channel kernel tests: every serial build (the ones
    training runs) in each of ``dtypes``, and each activation's parallel build (run only under
    parallel_min_elements) in one dtype, the dtypes taking turns. The parallel split is over
    channels and does not depend on either, and each parallel build costs a second to compile."""
    serial = [pytest.param(a, d, False, id=f"{a}-{np.dtype(d)}-serial") for a in ACTIVATIONS for d in dtypes]
    return serial + [pytest.param(a, DTYPES[i % 2], True, id=f"{a}-{np.dtype(DTYPES[i % 2])}-parallel")
                     for i, a in enumerate(ACTIVATIONS)]


def _stand_in_gpu() -> CupyBackend:
    """The CuPy backend over NumPy: ``cupy.fuse`` becomes a plain call."""
    stand_in = types.SimpleNamespace(**vars(np))
    stand_in.fuse = lambda kernel_name: (lambda function: function)
    stand_in.asnumpy = np.asarray
    return CupyBackend(stand_in, np, np.add.at)


def _assert_all_close(got, expected, dtype) -> None:
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, **TOLERANCE[dtype])


# ------------------------------------------------------------------------------ batch norm per channel
def _batch_norm_inputs(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 2 + 0.5).astype(dtype)
    weight, bias = rng.uniform(0.5, 1.5, shape[1]).astype(dtype), rng.standard_normal(shape[1]).astype(dtype)
    return rng, x, weight, bias


@pytest.mark.parametrize("activation, dtype, parallel", _builds())
@pytest.mark.parametrize("shape", [(2, 3, 5), (1, 2, 7), (3, 1, 1), (7, 4, 33)], ids=str)
def test_batch_norm_act_channels_kernels_match_the_reference(shape, activation, dtype, parallel):
    rng, x, weight, bias = _batch_norm_inputs(shape, dtype, seed=0)
    forward = cpu.batch_norm_act_channels_forward(x, weight, bias, 1e-5, activation, 0.2, parallel=parallel)
    expected = reference.batch_norm_act_forward(x, weight, bias, 1e-5, activation, 0.2)
    _assert_all_close(forward, expected, dtype)
    y, mean, _, invstd = expected
    grad_y = rng.standard_normal(shape).astype(dtype)
    _assert_all_close(
        cpu.batch_norm_act_channels_backward(grad_y, y, x, mean, invstd, weight, activation, 0.2, parallel=parallel),
        reference.batch_norm_act_backward(grad_y, y, x, mean, invstd, weight, activation, 0.2), dtype)


def test_batch_norm_act_channels_takes_non_contiguous_arrays():
    _, x, weight, bias = _batch_norm_inputs((3, 4, 5), np.float64, seed=1)
    x_view = np.transpose(np.ascontiguousarray(np.transpose(x, (2, 1, 0))), (2, 1, 0))  # same values, strided
    assert not x_view.flags.c_contiguous
    _assert_all_close(cpu.backend.batch_norm_act_forward(x_view, weight, bias, 1e-5, "tanh", 0.2),
                      reference.batch_norm_act_forward(x, weight, bias, 1e-5, "tanh", 0.2), np.float64)


def _stored_channels_first(a):
    """The same values stored (C, N, *spatial), as a convolution's output is."""
    return np.ascontiguousarray(a.swapaxes(0, 1)).swapaxes(0, 1)


@pytest.mark.parametrize("activation, dtype, parallel", _builds(dtypes=(np.float32,)))
def test_channel_kernels_take_channels_first_storage_as_it_is(activation, dtype, parallel):
    """Inputs stored channels first give the very values of contiguous inputs, and the outputs
    come back stored channels first; a gradient stored the other way is taken too."""
    rng, x, weight, bias = _batch_norm_inputs((5, 3, 2, 4), dtype, seed=7)
    grad_y = rng.standard_normal(x.shape).astype(dtype)
    stored = _stored_channels_first(x)
    y, y_swapped = (cpu.channel_bias_act_forward(x, bias, activation, 0.2, parallel),
                    cpu.channel_bias_act_forward(stored, bias, activation, 0.2, parallel))
    np.testing.assert_array_equal(y, y_swapped)
    assert y_swapped.swapaxes(0, 1).flags.c_contiguous
    for g in (grad_y, _stored_channels_first(grad_y)):
        for plain, swapped in zip(cpu.channel_bias_act_backward(grad_y, y, activation, 0.2, parallel),
                                  cpu.channel_bias_act_backward(g, y_swapped, activation, 0.2, parallel)):
            np.testing.assert_array_equal(plain, swapped)
    forward = cpu.batch_norm_act_channels_forward(x, weight, bias, 1e-5, activation, 0.2, parallel)
    forward_swapped = cpu.batch_norm_act_channels_forward(stored, weight, bias, 1e-5, activation, 0.2, parallel)
    for plain, swapped in zip(forward, forward_swapped):
        np.testing.assert_array_equal(plain, swapped)
    assert forward_swapped[0].swapaxes(0, 1).flags.c_contiguous
    y, mean, _, invstd = forward
    for g in (grad_y, _stored_channels_first(grad_y)):
        backward = cpu.batch_norm_act_channels_backward(grad_y, y, x, mean, invstd, weight, activation, 0.2, parallel)
        backward_swapped = cpu.batch_norm_act_channels_backward(g, forward_swapped[0], stored, mean, invstd, weight,
                                                                activation, 0.2, parallel)
        for plain, swapped in zip(backward, backward_swapped):
            np.testing.assert_array_equal(plain, swapped)
        assert backward_swapped[0].swapaxes(0, 1).flags.c_contiguous


def test_batch_norm_act_channels_propagates_nan_to_its_channel_only():
    x = np.ones((2, 3, 4), np.float32) * np.arange(4, dtype=np.float32)
    x[1, 1, 2] = np.nan
    y, mean, _, _ = cpu.backend.batch_norm_act_forward(x, np.ones(3, np.float32), np.zeros(3, np.float32),
                                                      1e-5, "relu", 0.0)
    assert np.isnan(mean[1]) and np.all(np.isnan(y[:, 1]))
    assert np.all(np.isfinite(y[:, [0, 2]])) and np.all(np.isfinite(mean[[0, 2]]))


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5)], ids=str)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_cupy_batch_norm_act_wiring_matches_the_reference(shape, activation):
    rng, x, weight, bias = _batch_norm_inputs(shape, np.float64, seed=2)
    gpu = _stand_in_gpu()
    forward = gpu.batch_norm_act_forward(x, weight, bias, 1e-5, activation, 0.2)
    _assert_all_close(forward, reference.batch_norm_act_forward(x, weight, bias, 1e-5, activation, 0.2), np.float64)
    y, mean, _, invstd = forward
    grad_y = rng.standard_normal(shape)
    _assert_all_close(gpu.batch_norm_act_backward(grad_y, y, x, mean, invstd, weight, activation, 0.2),
                      reference.batch_norm_act_backward(grad_y, y, x, mean, invstd, weight, activation, 0.2),
                      np.float64)


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("follower, activation", [(nn.ReLU(), "relu"), (nn.LeakyReLU(0.2), "leaky_relu"),
                                                  (nn.Tanh(), "tanh"), (None, "none")])
def test_batch_norm2d_and_its_activation_take_the_fused_op(follower, activation, mode, kernel_mode):
    """Sequential(BatchNorm2d, activation) in training is one BatchNormAct; its output, gradients
    and running statistics equal the unfused batch_norm followed by the activation."""
    kernel_mode(mode)
    rng = np.random.default_rng(3)
    data = rng.standard_normal((4, 3, 5, 6)) * 3 + 1
    fused_bn, plain_bn = nn.BatchNorm2d(3, dtype=np.float64), nn.BatchNorm2d(3, dtype=np.float64)
    for bn in (fused_bn, plain_bn):
        bn.weight.array[...] = [0.5, 1.0, 2.0]
        bn.bias.array[...] = [0.1, -0.2, 0.3]
    model = nn.Sequential(fused_bn, follower) if follower is not None else fused_bn
    x, x_plain = mg.tensor(data, requires_grad=True), mg.tensor(data, requires_grad=True)
    out = model(x)
    assert out.grad_fn.name() == "BatchNormActBackward"
    plain = ops.activate(batch_norm(x_plain, plain_bn.running_mean, plain_bn.running_var, plain_bn.weight, plain_bn.bias,
                                    training=True, momentum=0.1, num_batches_tracked=plain_bn.num_batches_tracked),
                         activation, 0.2)
    np.testing.assert_allclose(out.numpy(), plain.numpy(), rtol=1e-12, atol=1e-12)
    upstream = mg.tensor(rng.standard_normal(out.shape))
    out.backward(upstream)
    plain.backward(upstream)
    for got, expected in ((x, x_plain), (fused_bn.weight, plain_bn.weight), (fused_bn.bias, plain_bn.bias)):
        np.testing.assert_allclose(got.grad.numpy(), expected.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(fused_bn, name), getattr(plain_bn, name), rtol=1e-12)


def test_batch_norm_act_needs_more_than_one_value_per_channel():
    one_each = mg.tensor(np.ones((1, 3, 1, 1)))
    with pytest.raises(ValueError, match=r"more than one value per channel, got \(1, 3, 1, 1\)"):
        ops.batch_norm_act(one_each, None, None)
    with pytest.raises(ValueError, match=r"more than 1 value per channel.*\(1, 3, 1, 1\)"):
        nn.BatchNorm2d(3)(mg.tensor(np.ones((1, 3, 1, 1), np.float32)))


# ------------------------------------------------------------------------------ bias + activation per channel
@pytest.mark.parametrize("activation, dtype, parallel", _builds())
@pytest.mark.parametrize("shape", [(2, 3, 5), (1, 2, 1), (7, 4, 33)], ids=str)
def test_channel_bias_act_kernels_match_the_reference(shape, activation, dtype, parallel):
    rng, x, _, bias = _batch_norm_inputs(shape, dtype, seed=7)
    y = cpu.channel_bias_act_forward(x, bias, activation, 0.2, parallel=parallel)
    _assert_all_close((y,), (reference.channel_bias_act_forward(x, bias, activation, 0.2),), dtype)
    grad_y = rng.standard_normal(shape).astype(dtype)
    _assert_all_close(cpu.channel_bias_act_backward(grad_y, y, activation, 0.2, parallel=parallel),
                      reference.channel_bias_act_backward(grad_y, y, activation, 0.2), dtype)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_cupy_channel_bias_act_wiring_matches_the_reference(activation):
    rng, x, _, bias = _batch_norm_inputs((2, 3, 5), np.float64, seed=8)
    gpu = _stand_in_gpu()
    y = gpu.channel_bias_act_forward(x, bias, activation, 0.2)
    _assert_all_close((y,), (reference.channel_bias_act_forward(x, bias, activation, 0.2),), np.float64)
    grad_y = rng.standard_normal(y.shape)
    _assert_all_close(gpu.channel_bias_act_backward(grad_y, y, activation, 0.2),
                      reference.channel_bias_act_backward(grad_y, y, activation, 0.2), np.float64)


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("layer", [nn.Conv2d(2, 3, 3, stride=2, padding=1, dtype=np.float64),
                                   nn.ConvTranspose2d(2, 3, 4, stride=2, padding=1, dtype=np.float64)],
                         ids=["Conv2d", "ConvTranspose2d"])
@pytest.mark.parametrize("follower, activation", [(nn.LeakyReLU(0.2), "leaky_relu"), (nn.Tanh(), "tanh")])
def test_a_convolution_and_its_activation_take_the_fused_op(layer, follower, activation, mode, kernel_mode):
    """Sequential(convolution, activation) is one ChannelBiasAct after the convolution; its output
    and gradients equal the convolution without bias, plus the bias, then the activation op."""
    kernel_mode(mode)
    rng = np.random.default_rng(9)
    x = mg.tensor(rng.standard_normal((2, 2, 5, 6)), requires_grad=True)
    out = nn.Sequential(layer, follower)(x)
    assert out.grad_fn.name() == "ChannelBiasActBackward"
    operation = conv.conv2d if isinstance(layer, nn.Conv2d) else conv.conv_transpose2d
    plain = follower(operation(x, layer.weight, None, layer.stride, layer.padding) + layer.bias.reshape((1, 3, 1, 1)))
    np.testing.assert_allclose(out.numpy(), plain.numpy(), rtol=1e-12, atol=1e-12)
    upstream = mg.tensor(rng.standard_normal(out.shape))
    found = mg.autograd.grad(out, [x, layer.weight, layer.bias], grad_outputs=upstream)
    expected = mg.autograd.grad(plain, [x, layer.weight, layer.bias], grad_outputs=upstream)
    for got, want in zip(found, expected):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------------------ windows: im2col, col2im, max pooling
# (kernel, stride, padding, dilation, input (H, W)): the DCGAN's 4x4 stride 2, overlapping and
# padded windows, dilation, a kernel as large as the padded input, odd and non-square sizes.
WINDOWS = [
    ((4, 4), (2, 2), (1, 1), (1, 1), (14, 14)),
    ((3, 3), (2, 2), (1, 1), (1, 1), (5, 6)),
    ((2, 2), (2, 2), (0, 0), (1, 1), (7, 5)),
    ((3, 2), (1, 3), (1, 1), (2, 1), (6, 7)),
    ((3, 3), (1, 1), (1, 1), (1, 1), (1, 1)),
    ((1, 1), (1, 1), (0, 0), (1, 1), (3, 2)),
]


def _out_hw(kernel, stride, padding, dilation, in_hw):
    return tuple((in_hw[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1 for i in range(2))


def _strided(a: np.ndarray) -> np.ndarray:
    """The same values in a non-contiguous layout (the axes swapped in memory, as conv's channels-first view)."""
    view = np.transpose(np.ascontiguousarray(np.transpose(a, (1, 0, 2, 3))), (1, 0, 2, 3))
    assert not view.flags.c_contiguous or a.shape[0] == 1 or a.shape[1] == 1
    return view


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel, stride, padding, dilation, in_hw", WINDOWS)
def test_unfold_and_fold_kernels_match_the_reference(kernel, stride, padding, dilation, in_hw, dtype):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((11, 3) + in_hw).astype(dtype)  # 33 planes: two blocks of 16x16 padded planes
    out_hw = _out_hw(kernel, stride, padding, dilation, in_hw)
    for pad_value in (0.0, -np.inf):
        cols = cpu.backend.unfold(_strided(x), kernel, stride, padding, dilation, out_hw, pad_value)
        np.testing.assert_array_equal(cols, reference.unfold(x, kernel, stride, padding, dilation, out_hw, pad_value))
    upstream = rng.standard_normal(cols.shape).astype(dtype)
    folded = cpu.backend.fold(upstream, in_hw, kernel, stride, padding, dilation)
    np.testing.assert_allclose(folded, reference.fold(upstream, in_hw, kernel, stride, padding, dilation),
                               **TOLERANCE[dtype])
    # fold is the adjoint of unfold: <unfold(x), u> = <x, fold(u)>
    cols = cpu.backend.unfold(x, kernel, stride, padding, dilation, out_hw)
    np.testing.assert_allclose(np.sum(cols.astype(np.float64) * upstream), np.sum(x.astype(np.float64) * folded),
                               rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel, stride, padding, dilation, in_hw", [w for w in WINDOWS if w[2][0] <= w[0][0] // 2
                                                                       and w[2][1] <= w[0][1] // 2])
def test_max_pool2d_kernels_match_the_reference(kernel, stride, padding, dilation, in_hw, dtype):
    rng = np.random.default_rng(5)
    x = rng.integers(-3, 4, (2, 3) + in_hw).astype(dtype)  # few values: many ties, first maximum wins
    out_hw = _out_hw(kernel, stride, padding, dilation, in_hw)
    y, winner = cpu.backend.max_pool2d(_strided(x), kernel, stride, padding, dilation, out_hw)
    expected_y, expected_winner = reference.max_pool2d(x, kernel, stride, padding, dilation, out_hw)
    np.testing.assert_array_equal(y, expected_y)
    np.testing.assert_array_equal(winner, expected_winner)
    assert winner.dtype == expected_winner.dtype == np.int64
    grad = rng.standard_normal(y.shape).astype(dtype)
    np.testing.assert_allclose(cpu.backend.max_pool2d_backward(_strided(grad), winner, kernel, stride, padding,
                                                               dilation, in_hw),
                               reference.max_pool2d_backward(grad, winner, kernel, stride, padding, dilation, in_hw),
                               **TOLERANCE[dtype])


def test_max_pool2d_kernel_takes_nan_and_minus_infinity_as_the_reference_does():
    x = np.array([[[[np.nan, 1.0, -np.inf, -np.inf], [2.0, np.nan, -np.inf, -np.inf],
                    [-np.inf, -np.inf, 0.0, 0.0], [-np.inf, 5.0, 0.0, 0.0]]]])
    geometry = ((3, 3), (2, 2), (1, 1), (1, 1), (2, 2))  # padded windows: some hold only -inf and padding
    y, winner = cpu.backend.max_pool2d(x, *geometry)
    expected_y, expected_winner = reference.max_pool2d(x, *geometry)
    np.testing.assert_array_equal(y, expected_y)  # NaN where a window holds one
    np.testing.assert_array_equal(winner, expected_winner)
    assert np.isnan(y[0, 0, 0, 0]) and winner[0, 0, 0, 0] == 4  # the first NaN (padding comes first in the window)


def test_float16_convolutions_and_pooling_take_the_reference_windows():
    """Numba compiles no float16 loops: those arrays go through the reference's windows."""
    rng = np.random.default_rng(6)
    x = mg.tensor(rng.random((2, 3, 6, 6)).astype(np.float16), requires_grad=True)
    w = mg.tensor(rng.random((4, 3, 3, 3)).astype(np.float16), requires_grad=True)
    conv.conv2d(x, w, stride=2, padding=1).sum().backward()
    assert x.grad.dtype == w.grad.dtype == np.float16
    pooled = conv.max_pool2d(x, 3, stride=2, padding=1)
    expected = reference.max_pool2d(x.numpy().astype(np.float64), (3, 3), (2, 2), (1, 1), (1, 1), (3, 3))[0]
    np.testing.assert_array_equal(pooled.numpy(), expected.astype(np.float16))
    pooled.sum().backward()
    assert x.grad.dtype == np.float16
