"""The 3-d layers (video, voxels): F.conv3d, F.conv_transpose3d, F.max_pool3d, F.avg_pool3d,
F.adaptive_avg_pool3d, F.adaptive_max_pool3d, F.max_unpool3d and their Modules, and nn.BatchNorm3d.

Checked against NumPy loops written out here (one output at a time, straight from the definitions),
PyTorch 2.14's values written out by hand (run outside this repository on the inputs below), closed
forms, and finite differences (Hypothesis draws of the settings, plus the registry's gradcheck rows in
minigan/gradcheck/conv3d_cases.py); every bad argument gives one clear line."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck, gradgradcheck


def vals(shape, mul=7, mod=11, div=4.0):
    """Deterministic values with ties: ((i * mul) % mod - mod // 2) / div in C order."""
    return ((np.arange(int(np.prod(shape))) * mul) % mod - mod // 2).reshape(shape) / div


def T(a, grad=False):
    return minigan.tensor(np.asarray(a, dtype=np.float64), dtype=np.float64, requires_grad=grad)


# ------------------------------------------------------------------ references, one output at a time
def conv3d_by_hand(x, w, b, stride, padding, dilation, groups):
    """y[n, o, t] = b[o] + sum over c in o's group and kernel taps k of w[o, c, k] x_pad[n, c, t s + k d]."""
    n, c, *size = x.shape
    o, cg, *kernel = w.shape
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    out = [(size[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1 for i in range(3)]
    y = np.zeros((n, o, *out))
    per_group = o // groups
    for i, oc, a, p, q in np.ndindex(n, o, *out):
        first = (oc // per_group) * cg
        window = xp[i, first:first + cg,
                    a * stride[0]: a * stride[0] + dilation[0] * (kernel[0] - 1) + 1: dilation[0],
                    p * stride[1]: p * stride[1] + dilation[1] * (kernel[1] - 1) + 1: dilation[1],
                    q * stride[2]: q * stride[2] + dilation[2] * (kernel[2] - 1) + 1: dilation[2]]
        y[i, oc, a, p, q] = np.sum(window * w[oc]) + (0.0 if b is None else b[oc])
    return y


def conv_transpose3d_by_hand(x, w, b, stride, padding, output_padding, groups, dilation):
    """Each input place scatters x[n, c, t] w[c, o] into output place t s - p + k d (the adjoint of conv3d)."""
    n, c, *size = x.shape
    _, og, *kernel = w.shape
    out = [(size[i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + output_padding[i] + 1
           for i in range(3)]
    full = np.zeros((n, og * groups, *[out[i] + 2 * padding[i] for i in range(3)]))
    per_group = c // groups
    for i, ch, a, p, q in np.ndindex(n, c, *size):
        g = ch // per_group
        for ka, kp, kq in np.ndindex(*kernel):
            full[i, g * og:(g + 1) * og, a * stride[0] + ka * dilation[0], p * stride[1] + kp * dilation[1],
                 q * stride[2] + kq * dilation[2]] += x[i, ch, a, p, q] * w[ch, :, ka, kp, kq]
    y = full[:, :, padding[0]:padding[0] + out[0], padding[1]:padding[1] + out[1], padding[2]:padding[2] + out[2]]
    return y + (0.0 if b is None else np.asarray(b).reshape(1, -1, 1, 1, 1))


def pool3d_by_hand(x, kernel, stride, padding, dilation, ceil_mode, kind, count_include_pad=True):
    """PyTorch's pooling per axis: out = floor or ceil((n + 2p - d (k - 1) - 1) / s) + 1, less one when a
    ceil_mode window would start at or past n + p; a window holds t s - p + j d inside [0, n). Max: the
    first maximum in (d, h, w) order and its place (d H + h) W + w; mean: divided by the places up to
    the end of the padding, or by those in the input without count_include_pad."""
    n, c, *size = x.shape
    outs = []
    for i in range(3):
        span = size[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1
        out = (math.ceil(span / stride[i]) if ceil_mode else span // stride[i]) + 1
        outs.append(out - 1 if ceil_mode and (out - 1) * stride[i] >= size[i] + padding[i] else out)
    y, where = np.zeros((n, c, *outs)), np.zeros((n, c, *outs), np.int64)
    for b, ch, *t in np.ndindex(n, c, *outs):
        starts = [t[i] * stride[i] - padding[i] for i in range(3)]
        places = [[s + j * dilation[i] for j in range(kernel[i]) if 0 <= s + j * dilation[i] < size[i]]
                  for i, s in enumerate(starts)]
        cells = [(a, p, q) for a in places[0] for p in places[1] for q in places[2]]
        values = [x[b, ch, a, p, q] for a, p, q in cells]
        if kind == "max":
            best = int(np.argmax(values))
            y[(b, ch, *t)] = values[best]
            where[(b, ch, *t)] = (cells[best][0] * size[1] + cells[best][1]) * size[2] + cells[best][2]
        else:
            count = (math.prod(min(s + kernel[i], size[i] + padding[i]) - s for i, s in enumerate(starts))
                     if count_include_pad else len(cells))
            y[(b, ch, *t)] = sum(values) / count
    return y, where


def adaptive3d_by_hand(x, out, kind):
    """Bin i of an axis spans floor(i n / out) to ceil((i + 1) n / out); the mean or the first maximum."""
    n, c, *size = x.shape
    y, where = np.zeros((n, c, *out)), np.zeros((n, c, *out), np.int64)
    for b, ch, *t in np.ndindex(n, c, *out):
        lo = [t[i] * size[i] // out[i] for i in range(3)]
        hi = [-(-(t[i] + 1) * size[i] // out[i]) for i in range(3)]
        block = x[b, ch, lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
        if kind == "mean":
            y[(b, ch, *t)] = block.mean()
        else:
            a, p, q = np.unravel_index(int(np.argmax(block)), block.shape)
            y[(b, ch, *t)] = block[a, p, q]
            where[(b, ch, *t)] = ((lo[0] + a) * size[1] + lo[1] + p) * size[2] + lo[2] + q
    return y, where


# ------------------------------------------------------------------ PyTorch 2.14's values (float64), written out
PYTORCH_CONV3D = [
    1.875, -3.25, 2.25, -0.75, 0.0, 2.625, 1.375, 3.125, -0.375, 1.375, 2.875, -0.5, 1.75, 2.5, -2.875, 0.125,
    -1.375, 1.5, 0.625, -1.75, -0.625, 3.0, -2.125, -0.875, 0.125, -2.125, -1.75, 2.875, -0.625, -3.625, 1.75, 1.0]
PYTORCH_CONV_TRANSPOSE3D = [
    -1.0, -0.75, -0.5, -1.5, 1.0, 0.0, 0.5, 0.0, 0.0, 1.5, 0.5, 0.75, 0.0, 0.0, -0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5,
    0.0, -0.5, 0.75, -1.5, 0.0, 1.5, -0.25, -0.25, 1.5, 0.0, -1.5, 0.75, -0.5, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0]
PYTORCH_MAX_POOL3D = (
    [1.0, 6.0, 3.0, 2.0, 5.0, 4.0, 3.0, 6.0, 5.0, 4.0, 5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 4.0, 6.0, 5.0, 3.0, 0.0, 6.0, 4.0,
     1.0],
    [4, 5, 7, 12, 10, 15, 20, 5, 23, 28, 10, 31, 36, 18, 23, 44, 41, 31, 36, 33, 35, 44, 41, 43])
PYTORCH_AVG_POOL3D_EXCLUDED = [0.0, 0.25, -1 / 3, 1.0, -2.0, 1.5, -0.25, 0.0, 0.5, -1 / 3, 1.0, 1.25]
PYTORCH_AVG_POOL3D_INCLUDED = [0.0, 0.08333333333333333, -0.16666666666666666, 0.5, -0.5, 0.375, -0.16666666666666666,
                               0.0, 0.5, -0.3333333333333333, 0.5, 0.625]
PYTORCH_ADAPTIVE_MAX3D = (
    [6.0, 6.0, 6.0, 6.0, 6.0, 5.0, 4.0, 5.0, 6.0, 5.0, 6.0, 6.0, 5.0, 4.0, 5.0, 6.0, 4.0, 6.0],
    [5, 5, 18, 5, 5, 10, 28, 10, 31, 36, 18, 18, 36, 41, 23, 44, 41, 31])
PYTORCH_ADAPTIVE_AVG3D = [-0.625, 1.125, 1.25, -0.125, 0.0, 0.125, -1.25, -1.125, 0.625, -0.25, -0.125, 0.0, 0.25,
                          -1.25, -1.125, 0.75, -0.75, -0.625]
PYTORCH_BATCHNORM3D = (
    [-1.1793194506028368, 0.9648977323114121, -0.7504760140199871, 1.3937411688942618, -1.1793194506028368,
     0.9648977323114121, -0.7504760140199871, 1.3937411688942618, 0.5360542957285622, -1.1793194506028368,
     0.9648977323114121, -0.7504760140199871, 0.5360542957285622, -1.1793194506028368, 0.9648977323114121,
     -0.7504760140199871],
    [-0.0625, 0.037500000000000006], [1.0553571428571429, 1.0553571428571429])
POOL_INPUT = vals((1, 1, 3, 4, 4), 5, 13, 1.0)  # values with ties: the first maximum wins


def test_conv3d_and_conv_transpose3d_give_pytorchs_values():
    y = F.conv3d(T(vals((1, 2, 3, 3, 4))), T(vals((2, 1, 2, 2, 2), 5, 7, 2.0)), T([0.5, -0.25]), stride=(1, 2, 1),
                 padding=(1, 0, 1), dilation=(1, 1, 2), groups=2)
    assert y.shape == (1, 2, 4, 1, 4)
    np.testing.assert_allclose(y.numpy().ravel(), PYTORCH_CONV3D, rtol=0, atol=1e-14)
    y = F.conv_transpose3d(T(vals((1, 2, 2, 2, 2), 3, 5, 2.0)), T(vals((2, 1, 2, 1, 2), 5, 7, 2.0)), None,
                           stride=(2, 1, 2), padding=(0, 0, 1), output_padding=(1, 0, 0), groups=2)
    assert y.shape == (1, 2, 5, 2, 2)
    np.testing.assert_allclose(y.numpy().ravel(), PYTORCH_CONV_TRANSPOSE3D, rtol=0, atol=1e-14)


def test_pooling_gives_pytorchs_values_and_indices():
    values, indices = F.max_pool3d(T(POOL_INPUT), 2, stride=(1, 2, 2), padding=(1, 0, 1), ceil_mode=True,
                                   return_indices=True)
    assert values.shape == (1, 1, 4, 2, 3) and indices.dtype == np.int64
    np.testing.assert_array_equal(values.numpy().ravel(), PYTORCH_MAX_POOL3D[0])
    np.testing.assert_array_equal(indices.numpy().ravel(), PYTORCH_MAX_POOL3D[1])
    for include, expected in ((False, PYTORCH_AVG_POOL3D_EXCLUDED), (True, PYTORCH_AVG_POOL3D_INCLUDED)):
        y = F.avg_pool3d(T(POOL_INPUT), (2, 3, 2), stride=2, padding=(1, 1, 0), ceil_mode=True, count_include_pad=include)
        np.testing.assert_allclose(y.numpy().ravel(), expected, rtol=1e-15, atol=0)
    values, indices = F.adaptive_max_pool3d(T(POOL_INPUT), (2, 3, 3), return_indices=True)
    np.testing.assert_array_equal(values.numpy().ravel(), PYTORCH_ADAPTIVE_MAX3D[0])
    np.testing.assert_array_equal(indices.numpy().ravel(), PYTORCH_ADAPTIVE_MAX3D[1])
    np.testing.assert_allclose(F.adaptive_avg_pool3d(T(POOL_INPUT), (2, 3, 3)).numpy().ravel(), PYTORCH_ADAPTIVE_AVG3D,
                               rtol=0, atol=1e-15)


def test_batchnorm3d_gives_pytorchs_values_and_running_statistics():
    layer = nn.BatchNorm3d(2, dtype=np.float64)
    y = layer(T(vals((2, 2, 2, 1, 2), 5, 9, 2.0)))
    np.testing.assert_allclose(y.numpy().ravel(), PYTORCH_BATCHNORM3D[0], rtol=0, atol=1e-14)
    np.testing.assert_allclose(layer.running_mean.numpy(), PYTORCH_BATCHNORM3D[1], rtol=1e-15)
    np.testing.assert_allclose(layer.running_var.numpy(), PYTORCH_BATCHNORM3D[2], rtol=1e-15)
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 2, D, H, W\), got \(2, 2, 3, 4\)"):
        layer(minigan.zeros(2, 2, 3, 4))


# ------------------------------------------------------------------ Hypothesis: drawn settings against the loops
def _settings(data, kernel_max=3):
    kernel = tuple(data.draw(st.integers(1, kernel_max)) for _ in range(3))
    stride = tuple(data.draw(st.integers(1, 3)) for _ in range(3))
    dilation = tuple(data.draw(st.integers(1, 2)) for _ in range(3))
    return kernel, stride, dilation


@given(data=st.data())
def test_conv3d_matches_the_loop_and_finite_differences(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    groups = data.draw(st.sampled_from([1, 2]))
    kernel, stride, dilation = _settings(data)
    padding = tuple(data.draw(st.integers(0, 2)) for _ in range(3))
    size = tuple(max(1, d * (k - 1) + 1 - 2 * p) + data.draw(st.integers(0, 2))
                 for k, d, p in zip(kernel, dilation, padding))
    x = rng.standard_normal((data.draw(st.integers(1, 2)), 2 * groups) + size)
    w, b = rng.standard_normal((2 * groups, 2) + kernel), rng.standard_normal(2 * groups)
    y = F.conv3d(T(x), T(w), T(b), stride, padding, dilation, groups)
    np.testing.assert_allclose(y.numpy(), conv3d_by_hand(x, w, b, stride, padding, dilation, groups), atol=1e-12)
    if x.size <= 60 and y.numel() <= 40:
        assert gradcheck(lambda a, v, c: F.conv3d(a, v, c, stride, padding, dilation, groups),
                         [T(x, True), T(w, True), T(b, True)], rng=rng)


@given(data=st.data())
def test_conv_transpose3d_matches_the_loop(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    groups = data.draw(st.sampled_from([1, 2]))
    kernel, stride, dilation = _settings(data)
    padding = tuple(data.draw(st.integers(0, 1)) for _ in range(3))
    extra = tuple(data.draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    size = tuple(data.draw(st.integers(1, 3)) for _ in range(3))
    if any((n - 1) * s - 2 * p + d * (k - 1) + e + 1 < 1
           for n, s, p, d, k, e in zip(size, stride, padding, dilation, kernel, extra)):
        return  # an empty output: refused (test_bad_arguments)
    x = rng.standard_normal((1, 2 * groups) + size)
    w, b = rng.standard_normal((2 * groups, 2) + kernel), rng.standard_normal(2 * groups)
    y = F.conv_transpose3d(T(x), T(w), T(b), stride, padding, extra, groups, dilation)
    expected = conv_transpose3d_by_hand(x, w, b, stride, padding, extra, groups, dilation)
    np.testing.assert_allclose(y.numpy(), expected, atol=1e-12)


@given(data=st.data())
def test_max_and_average_pooling_match_the_loop(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    kernel, stride, dilation = _settings(data)
    padding = tuple(data.draw(st.integers(0, k // 2)) for k in kernel)
    ceil_mode, include = data.draw(st.booleans()), data.draw(st.booleans())
    size = tuple(max(1, d * (k - 1) + 1 - 2 * p) + data.draw(st.integers(0, 3))
                 for k, d, p in zip(kernel, dilation, padding))
    x = rng.permutation(2 * 2 * math.prod(size)).reshape((2, 2) + size) * 0.25  # distinct: one first maximum
    values, indices = F.max_pool3d(T(x), kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    expected, where = pool3d_by_hand(x, kernel, stride, padding, dilation, ceil_mode, "max")
    np.testing.assert_array_equal(values.numpy(), expected)
    np.testing.assert_array_equal(indices.numpy(), where)
    default = [(o - 1) * s - 2 * p + k for o, s, p, k in zip(values.shape[2:], stride, padding, kernel)]
    if all(d - s < n < d + s for d, s, n in zip(default, stride, size)):  # the sizes unpooling may choose
        restored = F.max_unpool3d(values, indices, kernel, stride, padding, output_size=size)
        assert restored.shape == x.shape and np.all((restored.numpy() == 0) | (restored.numpy() == x))
        read_back = np.take_along_axis(restored.numpy().reshape(2, 2, -1), indices.numpy().reshape(2, 2, -1), -1)
        np.testing.assert_array_equal(read_back, values.numpy().reshape(2, 2, -1))
    mean = F.avg_pool3d(T(x), kernel, stride, padding, ceil_mode, include)
    expected, _ = pool3d_by_hand(x, kernel, stride, padding, (1, 1, 1), ceil_mode, "mean", include)
    np.testing.assert_allclose(mean.numpy(), expected, rtol=1e-13, atol=1e-13)


@given(data=st.data())
def test_adaptive_pooling_matches_the_loop_and_finite_differences(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    size = tuple(data.draw(st.integers(1, 5)) for _ in range(3))
    out = tuple(data.draw(st.integers(1, 4)) for _ in range(3))
    x = rng.permutation(2 * math.prod(size)).reshape((1, 2) + size) * 0.5
    np.testing.assert_allclose(F.adaptive_avg_pool3d(T(x), out).numpy(), adaptive3d_by_hand(x, out, "mean")[0],
                               rtol=1e-13, atol=1e-13)
    values, indices = F.adaptive_max_pool3d(T(x), out, return_indices=True)
    expected, where = adaptive3d_by_hand(x, out, "max")
    np.testing.assert_array_equal(values.numpy(), expected)
    np.testing.assert_array_equal(indices.numpy(), where)
    if x.size <= 40:
        assert gradcheck(lambda a: F.adaptive_avg_pool3d(a, out), [T(x, True)], rng=rng)
        assert gradcheck(lambda a: F.adaptive_max_pool3d(a, out), [T(x, True)], rng=rng)


# ------------------------------------------------------------------ layers
def test_conv3d_layers_hold_pytorchs_shapes_init_and_repr():
    layer = nn.Conv3d(4, 8, (3, 1, 2), stride=2, padding=(1, 0, 1), dilation=(1, 2, 1), groups=2, bias=False,
                      rng=np.random.default_rng(0))
    assert layer.weight.shape == (8, 2, 3, 1, 2) and layer.bias is None and layer.weight.dtype == np.float32
    assert repr(layer) == ("Conv3d(4, 8, kernel_size=(3, 1, 2), stride=(2, 2, 2), padding=(1, 0, 1), "
                           "dilation=(1, 2, 1), groups=2, bias=False)")
    transposed = nn.ConvTranspose3d(4, 6, 3, stride=2, padding=1, output_padding=1, rng=np.random.default_rng(1))
    assert transposed.weight.shape == (4, 6, 3, 3, 3)
    assert repr(transposed) == ("ConvTranspose3d(4, 6, kernel_size=(3, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1), "
                                "output_padding=(1, 1, 1))")
    assert repr(nn.Conv3d(2, 2, 3, padding="valid", padding_mode="circular")) == (
        "Conv3d(2, 2, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=valid, padding_mode=circular)")
    # kaiming_uniform(a=sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in / groups * kd kh kw; the bias alike
    big = nn.Conv3d(6, 64, (3, 2, 2), rng=np.random.default_rng(2))
    bound = 1 / math.sqrt(6 * 12)
    for p in (big.weight.numpy(), big.bias.numpy()):
        assert np.abs(p).max() <= bound and np.abs(p).max() > 0.9 * bound
    assert abs(big.weight.numpy().std() - bound / math.sqrt(3)) < 0.05 * bound  # a uniform's std
    bound_t = 1 / math.sqrt(6 * 27)  # ConvTranspose3d's fan_in is weight.shape[1] * k^3 = out / groups * 27
    assert bound_t * 0.9 < np.abs(transposed.weight.numpy()).max() <= bound_t + 1e-7


def test_conv3d_layer_padding_modes_and_same_match_padding_first():
    rng = np.random.default_rng(3)
    x = T(rng.standard_normal((2, 2, 4, 3, 5)))
    for mode in ("reflect", "replicate", "circular"):
        layer = nn.Conv3d(2, 3, (3, 2, 3), padding="same", padding_mode=mode, rng=rng, dtype=np.float64)
        padded = F.pad(x, (1, 1, 0, 1, 1, 1), mode=mode)  # (w: 1, 1; h: 0, 1; d: 1, 1): the odd one behind
        np.testing.assert_allclose(layer(x).numpy(), F.conv3d(padded, layer.weight, layer.bias).numpy(), atol=1e-13)
        assert layer(x).shape == x.shape[:1] + (3,) + x.shape[2:]
    layer = nn.Conv3d(2, 3, 3, padding=(1, 0, 2), padding_mode="reflect", rng=rng, dtype=np.float64)
    np.testing.assert_allclose(layer(x).numpy(), F.conv3d(F.pad(x, (2, 2, 0, 0, 1, 1), mode="reflect"),
                                                          layer.weight, layer.bias).numpy(), atol=1e-13)


def test_conv_transpose3d_output_size_and_unbatched_inputs():
    layer = nn.ConvTranspose3d(2, 3, 3, stride=2, rng=np.random.default_rng(4), dtype=np.float64)
    x = T(np.random.default_rng(5).standard_normal((1, 2, 3, 4, 5)))
    assert layer(x, output_size=(8, 9, 12)).shape == (1, 3, 8, 9, 12)  # PyTorch's shape for this call
    assert layer(x, output_size=[1, 3, 7, 10, 11]).shape == (1, 3, 7, 10, 11)
    with pytest.raises(ValueError, match=r"requested an output size of \[10, 9, 11\], but valid sizes range from "
                                         r"\[7, 9, 11\] to \[8, 10, 12\]"):
        layer(x, output_size=(10, 9, 11))
    with pytest.raises(ValueError, match=r"output_size must be \(D, H, W\) or the output's whole shape"):
        layer(x, output_size=(8, 9))
    np.testing.assert_allclose(layer(x[0]).numpy(), layer(x).numpy()[0], atol=1e-14)
    conv = nn.Conv3d(2, 4, 2, rng=np.random.default_rng(6), dtype=np.float64)
    np.testing.assert_allclose(conv(x[0]).numpy(), conv(x).numpy()[0], atol=1e-14)
    for layer3d in (nn.MaxPool3d(2), nn.AvgPool3d(2), nn.AdaptiveAvgPool3d(2), nn.AdaptiveMaxPool3d((1, None, 2))):
        np.testing.assert_array_equal(layer3d(x[0]).numpy(), layer3d(x).numpy()[0])


def test_pooling_layers_hold_pytorchs_settings_and_repr():
    assert repr(nn.MaxPool3d(2)) == "MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.AvgPool3d((2, 2, 1), stride=1, padding=(1, 1, 0))) == (
        "AvgPool3d(kernel_size=(2, 2, 1), stride=1, padding=(1, 1, 0))")
    assert repr(nn.AdaptiveMaxPool3d((1, None, 2))) == "AdaptiveMaxPool3d(output_size=(1, None, 2))"
    assert repr(nn.MaxUnpool3d(2)) == "MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))"
    x = T(POOL_INPUT)
    pool = nn.MaxPool3d(2, stride=(1, 2, 2), padding=(1, 0, 1), ceil_mode=True, return_indices=True)
    values, indices = pool(x)
    np.testing.assert_array_equal(indices.numpy().ravel(), PYTORCH_MAX_POOL3D[1])
    unpooled = nn.MaxUnpool3d(2, stride=(1, 2, 2), padding=(1, 0, 1))(values, indices, output_size=x.shape)
    assert unpooled.shape == x.shape
    np.testing.assert_array_equal(unpooled.numpy().ravel()[indices.numpy().ravel()], values.numpy().ravel())
    divided = nn.AvgPool3d(2, stride=1, divisor_override=3)(x)
    np.testing.assert_allclose(divided.numpy(), F.avg_pool3d(x, 2, 1).numpy() * 8 / 3, rtol=1e-14)


def test_a_3d_gan_block_trains_through_sequential():
    """Conv3d, BatchNorm3d and ConvTranspose3d in Sequential, activations folded in: the same values as the
    unfused calls, and a step of SGD moves every parameter."""
    rng = np.random.default_rng(7)
    model = nn.Sequential(nn.Conv3d(1, 4, 3, stride=2, padding=1, rng=rng, dtype=np.float64), nn.LeakyReLU(0.2),
                          nn.BatchNorm3d(4, dtype=np.float64), nn.ReLU(),
                          nn.ConvTranspose3d(4, 1, 4, stride=2, padding=1, rng=rng, dtype=np.float64), nn.Tanh())
    x = T(rng.standard_normal((2, 1, 4, 6, 4)))
    y = model(x)
    h = F.leaky_relu(F.conv3d(x, model[0].weight, model[0].bias, 2, 1), 0.2)
    h = F.relu(F.batch_norm(h.reshape(2, 4, 2, 6), None, None, model[2].weight, model[2].bias, training=True)).reshape(h.shape)
    expected = minigan.tanh(F.conv_transpose3d(h, model[4].weight, model[4].bias, 2, 1))
    assert y.shape == x.shape
    np.testing.assert_allclose(y.numpy(), expected.numpy(), atol=1e-12)
    before = [p.numpy().copy() for p in model.parameters()]
    (y ** 2).mean().backward()
    minigan.optim.SGD(model.parameters(), lr=0.1).step()
    assert all(np.any(p.numpy() != b) for p, b in zip(model.parameters(), before))


def test_a_3d_step_is_replayed_and_equals_the_eager_step_bit_for_bit():
    """Sequential runs LeakyReLU and ReLU inside Conv3d's and ConvTranspose3d's fused ops (the layers'
    own classes say they take the activation), so minigan.replay.compile records the step and
    replays it; the parameters then equal the eager step's exactly."""
    from minigan.replay import compile as compile_step

    def build():
        rng = np.random.default_rng(9)
        model = nn.Sequential(nn.Conv3d(1, 4, 3, stride=2, padding=1, rng=rng), nn.LeakyReLU(0.2),
                              nn.BatchNorm3d(4), nn.AvgPool3d(2),
                              nn.ConvTranspose3d(4, 1, 4, stride=4, rng=rng), nn.ReLU())
        return model, minigan.optim.Adam(model.parameters(), lr=1e-3)

    def stepper(model, opt):
        def step(x):
            opt.zero_grad()
            loss = (model(x) ** 2).mean()
            loss.backward()
            opt.step()
            return loss
        return step

    (replayed, opt_r), (eager, opt_e) = build(), build()
    said = []
    compiled = compile_step(stepper(replayed, opt_r), log=said.append)
    x = np.random.default_rng(10).standard_normal((2, 1, 8, 8, 8)).astype(np.float32)
    for _ in range(4):
        compiled(x)
        stepper(eager, opt_e)(minigan.tensor(x))
    assert said == [] and compiled.replays == 2
    for a, b in zip(replayed.parameters(), eager.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_second_derivatives_of_the_3d_convolutions():
    rng = np.random.default_rng(8)
    x, w = T(rng.standard_normal((1, 2, 3, 2, 3)), True), T(rng.standard_normal((2, 2, 2, 2, 2)), True)
    assert gradgradcheck(lambda a, v: F.conv3d(a, v, None, 1, (1, 0, 1), (1, 1, 2)), [x, w], rng=rng)
    assert gradgradcheck(lambda a, v: F.conv_transpose3d(a, v, None, (2, 1, 1), 0, (1, 0, 0)), [x, w], rng=rng)


# ------------------------------------------------------------------ errors, each in one line
X5 = minigan.zeros(1, 2, 4, 4, 4)
W5 = minigan.zeros(3, 2, 3, 3, 3)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.conv3d(minigan.zeros(2, 4, 4), W5), ValueError, r"conv3d: expected input of shape \(N, C, D, H, W\) "
                                                                r"or its unbatched form \(C, D, H, W\), got \(2, 4, 4\)"),
    (lambda: F.conv3d(X5, minigan.zeros(3, 2, 3, 3)), ValueError, r"conv3d: the weight must be a 5-D tensor"),
    (lambda: F.conv3d(X5, minigan.zeros(3, 4, 3, 3, 3)), ValueError, r"has 2 channels, but the weight .* expects 4"),
    (lambda: F.conv3d(X5, W5, stride=(1, 2)), ValueError, r"conv3d: stride must be an int or a tuple of three ints"),
    (lambda: F.conv3d(X5, W5, padding="full"), ValueError, r"conv3d: invalid padding string 'full'"),
    (lambda: F.conv3d(X5, W5, padding="same", stride=2), ValueError, r"padding='same' is not supported for strided"),
    (lambda: F.conv3d(X5, W5, dilation=2), ValueError, r"conv3d: the kernel 3x3x3 \(dilated to 5x5x5\) is larger "
                                                        r"than the padded input 4x4x4"),
    (lambda: F.conv3d(X5, W5, groups=0), ValueError, r"conv3d: groups must be a positive int"),
    (lambda: F.conv_transpose3d(X5, minigan.zeros(2, 3, 3, 3, 3), output_padding=1), ValueError,
     r"output_padding \(1, 1, 1\) must be smaller than the stride \(1, 1, 1\) or the dilation \(1, 1, 1\)"),
    (lambda: F.conv_transpose3d(X5, minigan.zeros(2, 3, 3, 3, 3), padding=3), ValueError, r"gives an empty output"),
    (lambda: F.max_pool3d(X5, 2, padding=2), ValueError, r"max_pool3d: padding \(2, 2, 2\) must be at most half"),
    (lambda: F.max_pool3d(X5, 5), ValueError, r"max_pool3d: the kernel 5x5x5 is larger than the padded input 4x4x4"),
    (lambda: F.avg_pool3d(X5, 2, divisor_override=0), ValueError, r"divisor_override must be a positive int"),
    (lambda: F.avg_pool3d(minigan.zeros(4, 4), 2), ValueError, r"avg_pool3d: expected input of shape \(N, C, D, H, W\)"),
    (lambda: F.adaptive_avg_pool3d(X5, (2, 2)), ValueError, r"output_size must be an int or a tuple of three"),
    (lambda: F.adaptive_max_pool3d(X5, -1), ValueError, r"output_size must not be negative"),
    (lambda: F.max_unpool3d(X5, minigan.zeros(1, 2, 4, 4, 4, dtype=np.int64) + 600, 2), ValueError,
     r"an index lies outside the output's 512 places"),
    (lambda: nn.Conv3d(3, 4, 3, groups=2), ValueError, r"Conv3d: in_channels must be divisible by groups"),
    (lambda: nn.ConvTranspose3d(2, 2, 3, padding_mode="reflect"), ValueError, r'Only "zeros" padding mode'),
    (lambda: nn.ConvTranspose3d(2, 2, 3, stride=2, output_padding=(0, 2, 0)), ValueError,
     r"ConvTranspose3d: output_padding \(0, 2, 0\) must be smaller"),
    (lambda: nn.AdaptiveAvgPool3d((1, 2)), ValueError, r"AdaptiveAvgPool3d: output_size must be an int or a tuple"),
])
def test_bad_arguments_say_what_is_wrong_in_one_line(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert "\n" not in str(info.value)


def test_the_3d_names_are_there_and_the_ones_still_missing_say_so():
    for module, names in ((nn, ("Conv3d", "ConvTranspose3d", "MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d",
                                "AdaptiveMaxPool3d", "MaxUnpool3d", "BatchNorm3d")),
                          (F, ("conv3d", "conv_transpose3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d",
                               "adaptive_max_pool3d", "max_unpool3d")),
                          (minigan, ("conv3d", "conv_transpose3d", "max_pool3d"))):
        assert all(callable(getattr(module, name)) for name in names)
    with pytest.raises(minigan.UnsupportedFeatureError, match=r"torch.nn.functional.max_pool3d_with_indices is not "
                                                              r"supported by minigan \(the _with_indices form"):
        F.max_pool3d_with_indices  # noqa: B018
