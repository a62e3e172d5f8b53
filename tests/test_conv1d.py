"""1-d convolutions and pooling (nn.Conv1d, nn.ConvTranspose1d, nn.MaxPool1d, nn.AvgPool1d,
nn.AdaptiveAvgPool1d, nn.AdaptiveMaxPool1d and their functional forms) against NumPy loops written
out here, PyTorch 2.14's values and reprs written out by hand, gradients by finite differences, and
one clear line for each bad argument."""
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


# ------------------------------------------------------------------ references, one output at a time
def conv1d_by_hand(x, w, b, stride, before, after, dilation):
    """y[n, o, t] = b[o] + sum over c, j of w[o, c, j] x_pad[n, c, t s + j d], zero padding (before, after)."""
    n, c, length = x.shape
    o, _, k = w.shape
    padded = np.zeros((n, c, length + before + after))
    padded[:, :, before:before + length] = x
    out_len = (padded.shape[2] - dilation * (k - 1) - 1) // stride + 1
    y = np.zeros((n, o, out_len))
    for i, oc, t in np.ndindex(n, o, out_len):
        total = 0.0 if b is None else b[oc]
        for ch, j in np.ndindex(c, k):
            total += w[oc, ch, j] * padded[i, ch, t * stride + j * dilation]
        y[i, oc, t] = total
    return y


def conv_transpose1d_by_hand(x, w, b, stride, padding, output_padding, dilation):
    """Each input place scatters w[c, o, :] into out[t s + j d - p]."""
    n, c, length = x.shape
    _, o, k = w.shape
    out_len = (length - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    y = np.zeros((n, o, out_len)) + (0.0 if b is None else b[None, :, None])
    for i, ch, t, oc, j in np.ndindex(n, c, length, o, k):
        place = t * stride + j * dilation - padding
        if 0 <= place < out_len:
            y[i, oc, place] += x[i, ch, t] * w[ch, oc, j]
    return y


def pool1d_by_hand(x, k, stride, padding, kind, dilation=1, count_include_pad=True):
    n, c, length = x.shape
    out_len = (length + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    y = np.zeros((n, c, out_len))
    for i, ch, t in np.ndindex(n, c, out_len):
        places = [t * stride + j * dilation - padding for j in range(k)]
        inside = [x[i, ch, p] for p in places if 0 <= p < length]
        if kind == "max":
            y[i, ch, t] = max(inside)
        else:
            y[i, ch, t] = sum(inside) / (k if count_include_pad else len(inside))
    return y


def adaptive1d_by_hand(x, out_len, kind):
    length = x.shape[-1]
    y = np.zeros(x.shape[:-1] + (out_len,))
    idx = np.zeros(y.shape, np.int64)
    for t in range(out_len):
        start, end = (t * length) // out_len, math.ceil((t + 1) * length / out_len)
        window = x[..., start:end]
        y[..., t] = window.max(-1) if kind == "max" else window.mean(-1)
        idx[..., t] = start + window.argmax(-1)
    return y, idx


# ------------------------------------------------------------------ convolutions
@given(data=st.data())
def test_conv1d_matches_the_loop(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    k, stride, dilation, padding = (data.draw(st.integers(1, 3)) for _ in range(4))
    padding -= 1
    length = data.draw(st.integers(dilation * (k - 1) + 1, 9))
    x, w, b = rng.standard_normal((2, 3, length)), rng.standard_normal((4, 3, k)), rng.standard_normal(4)
    y = F.conv1d(minigan.tensor(x), minigan.tensor(w), minigan.tensor(b), stride=stride, padding=padding,
                 dilation=dilation)
    np.testing.assert_allclose(y.numpy(), conv1d_by_hand(x, w, b, stride, padding, padding, dilation), rtol=1e-12,
                               atol=1e-12)
    extra = data.draw(st.integers(0, max(stride, dilation) - 1))
    yt = F.conv_transpose1d(minigan.tensor(x), minigan.tensor(w[:3]), minigan.tensor(b[:3]), stride=stride,
                            padding=min(padding, k - 1), output_padding=extra, dilation=dilation)
    expected = conv_transpose1d_by_hand(x, w[:3], b[:3], stride, min(padding, k - 1), extra, dilation)
    np.testing.assert_allclose(yt.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_same_padding_puts_the_odd_one_behind_as_pytorch():
    # PyTorch 2.14: an impulse at place 0 through a kernel of 4 whose first tap is 1
    x = minigan.tensor([[[1.0, 0.0, 0.0, 0.0, 0.0]]])
    w = minigan.tensor([[[1.0, 0.0, 0.0, 0.0]]])
    assert F.conv1d(x, w, padding="same").tolist() == [[[0.0, 1.0, 0.0, 0.0, 0.0]]]
    assert F.conv1d(x, w, padding="same", dilation=3).tolist() == [[[0.0, 0.0, 0.0, 0.0, 1.0]]]
    a, wa = np.random.default_rng(4).standard_normal((2, 3, 8)), np.random.default_rng(5).standard_normal((2, 3, 4))
    y = F.conv1d(minigan.tensor(a), minigan.tensor(wa), padding="same", dilation=2)
    np.testing.assert_allclose(y.numpy(), conv1d_by_hand(a, wa, None, 1, 3, 3, 2), rtol=1e-12)
    y = F.conv1d(minigan.tensor(a), minigan.tensor(wa), padding="same")
    np.testing.assert_allclose(y.numpy(), conv1d_by_hand(a, wa, None, 1, 1, 2, 1), rtol=1e-12)
    assert F.conv1d(minigan.tensor(a), minigan.tensor(wa), padding="valid").shape == (2, 2, 5)


def test_unbatched_inputs_and_gradients():
    rng = np.random.default_rng(6)
    x = minigan.tensor(rng.standard_normal((3, 7)), requires_grad=True)
    w = minigan.tensor(rng.standard_normal((2, 3, 3)), requires_grad=True)
    b = minigan.tensor(rng.standard_normal(2), requires_grad=True)
    assert F.conv1d(x, w, b, stride=2).shape == (2, 3)
    assert gradcheck(lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [x, w, b]).ok
    assert gradgradcheck(lambda x, w: F.conv1d(x, w, padding="same"), [x, w]).ok
    wt = minigan.tensor(rng.standard_normal((3, 2, 3)), requires_grad=True)
    assert F.conv_transpose1d(x, wt, stride=2).shape == (2, 15)
    assert gradgradcheck(lambda x, w: F.conv_transpose1d(x, w, stride=2, output_padding=1), [x, wt]).ok


def test_layers_hold_pytorch_shapes_and_reprs():
    conv = nn.Conv1d(3, 4, 3)
    assert conv.weight.shape == (4, 3, 3) and conv.bias.shape == (4,) and conv.kernel_size == (3,)
    assert conv.weight.dtype == np.float32 and set(conv.state_dict()) == {"weight", "bias"}
    bound = 1 / math.sqrt(3 * 3)  # PyTorch's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    assert np.abs(conv.weight.numpy()).max() <= bound and np.abs(conv.bias.numpy()).max() <= bound
    assert nn.ConvTranspose1d(3, 4, 3).weight.shape == (3, 4, 3)
    # PyTorch 2.14's reprs
    assert repr(conv) == "Conv1d(3, 4, kernel_size=(3,), stride=(1,))"
    assert repr(nn.Conv1d(3, 4, 3, padding=2, dilation=2, padding_mode="reflect")) == (
        "Conv1d(3, 4, kernel_size=(3,), stride=(1,), padding=(2,), dilation=(2,), padding_mode=reflect)")
    assert nn.Conv1d(3, 4, 3, padding="same", bias=False).padding == "same"
    assert repr(nn.ConvTranspose1d(3, 4, 3, stride=2, output_padding=1)) == (
        "ConvTranspose1d(3, 4, kernel_size=(3,), stride=(2,), output_padding=(1,))")
    assert repr(nn.MaxPool1d(3, 2, 1)) == "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)"
    assert repr(nn.AvgPool1d(3)) == "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"
    assert repr(nn.AdaptiveAvgPool1d(3)) == "AdaptiveAvgPool1d(output_size=3)"


@pytest.mark.parametrize("mode, numpy_mode", [("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")])
def test_padding_modes_pad_first(mode, numpy_mode):
    conv = nn.Conv1d(2, 3, 4, padding="same", padding_mode=mode, dtype=np.float64)
    a = np.random.default_rng(7).standard_normal((2, 2, 6))
    padded = np.pad(a, [(0, 0), (0, 0), (1, 2)], mode=numpy_mode)
    expected = conv1d_by_hand(padded, conv.weight.numpy(), conv.bias.numpy(), 1, 0, 0, 1)
    np.testing.assert_allclose(conv(minigan.tensor(a)).numpy(), expected, rtol=1e-12)
    conv = nn.Conv1d(2, 3, 3, padding=2, padding_mode=mode, dtype=np.float64)
    padded = np.pad(a, [(0, 0), (0, 0), (2, 2)], mode=numpy_mode)
    np.testing.assert_allclose(conv(minigan.tensor(a)).numpy(),
                               conv1d_by_hand(padded, conv.weight.numpy(), conv.bias.numpy(), 1, 0, 0, 1), rtol=1e-12)


def test_a_small_1d_generator_and_discriminator_train_a_step():
    g = nn.Sequential(nn.ConvTranspose1d(4, 8, 4, stride=2, padding=1), nn.ReLU(),
                      nn.ConvTranspose1d(8, 1, 4, stride=2, padding=1), nn.Tanh())
    d = nn.Sequential(nn.Conv1d(1, 8, 4, stride=2, padding=1), nn.LeakyReLU(0.2), nn.MaxPool1d(2),
                      nn.Conv1d(8, 4, 3, padding="same"), nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(4, 1))
    fake = g(minigan.randn(5, 4, 6))
    assert fake.shape == (5, 1, 24)
    loss = F.binary_cross_entropy_with_logits(d(fake), minigan.ones(5, 1))
    loss.backward()
    assert all(p.grad is not None and np.isfinite(p.grad.numpy()).all() for p in g.parameters())


# ------------------------------------------------------------------ pooling
@pytest.mark.parametrize("k, stride, padding, dilation", [(2, None, 0, 1), (3, 2, 1, 1), (3, 1, 1, 2), (4, 3, 2, 1)])
def test_pooling_matches_the_loop(k, stride, padding, dilation):
    a = np.random.default_rng(8).standard_normal((2, 3, 11))
    x = minigan.tensor(a)
    s = k if stride is None else stride
    np.testing.assert_array_equal(F.max_pool1d(x, k, stride, padding, dilation).numpy(),
                                  pool1d_by_hand(a, k, s, padding, "max", dilation))
    np.testing.assert_array_equal(nn.MaxPool1d(k, stride, padding, dilation)(x[0]).numpy(),
                                  pool1d_by_hand(a, k, s, padding, "max", dilation)[0])
    for include in (True, False):
        np.testing.assert_allclose(F.avg_pool1d(x, k, stride, padding, count_include_pad=include).numpy(),
                                   pool1d_by_hand(a, k, s, padding, "avg", count_include_pad=include), rtol=1e-12)
    np.testing.assert_allclose(nn.AvgPool1d(k, stride, padding)(x[0]).numpy(),
                               pool1d_by_hand(a, k, s, padding, "avg")[0], rtol=1e-12)


@pytest.mark.parametrize("length, out_len", [(7, 3), (6, 3), (3, 5), (5, 1)])
def test_adaptive_pooling_matches_the_loop(length, out_len):
    a = np.random.default_rng(9).standard_normal((2, 3, length))
    x = minigan.tensor(a, requires_grad=True)
    avg = F.adaptive_avg_pool1d(x, out_len)
    np.testing.assert_allclose(avg.numpy(), adaptive1d_by_hand(a, out_len, "avg")[0], rtol=1e-12)
    values, indices = F.adaptive_max_pool1d(x, (out_len,), return_indices=True)
    np.testing.assert_array_equal(values.numpy(), adaptive1d_by_hand(a, out_len, "max")[0])
    np.testing.assert_array_equal(indices.numpy(), adaptive1d_by_hand(a, out_len, "max")[1])
    assert nn.AdaptiveMaxPool1d(out_len)(x[0]).shape == (3, out_len)
    assert gradcheck(lambda t: F.adaptive_avg_pool1d(t, out_len), [x]).ok


@pytest.mark.parametrize("call, kind, message", [
    (lambda x, w: F.conv1d(x, w, padding="same", stride=2), ValueError,
     r"padding='same' is not supported for strided convolutions"),
    (lambda x, w: F.conv1d(x, w, padding="foo"), ValueError, r"invalid padding string 'foo'"),
    (lambda x, w: F.conv1d(x[0, 0], w), ValueError, r"conv1d: expected input of shape \(N, C, L\) or its unbatched "
                                                    r"form \(C, L\), got \(7,\)"),
    (lambda x, w: F.conv1d(x, w[:, :2]), ValueError, r"has 3 channels, but the weight of shape \(4, 2, 4\) expects 2"),
    (lambda x, w: F.conv1d(x, w.reshape(4, 3, 4, 1)), ValueError, r"the weight must be a 3-D tensor"),
    (lambda x, w: F.conv1d(x, minigan.zeros(4, 3, 9)), ValueError,
     r"the kernel of 9 is longer than the padded input of 7"),
    (lambda x, w: F.conv1d(x, w, stride=(2, 2)), ValueError, r"stride must be an int or a tuple of one int"),
    (lambda x, w: F.conv1d(x, w, stride=0), ValueError, r"stride must be at least 1, got 0"),
    (lambda x, w: F.conv1d(x, w, padding=-1), ValueError, r"padding must be at least 0"),
    (lambda x, w: F.conv1d(x, w, minigan.zeros(3)), ValueError, r"the bias must have shape \(4,\)"),
    (lambda x, w: F.conv1d(x, w, groups=3), ValueError,
     r"has 3 channels, but the weight of shape \(4, 3, 4\) with groups=3 expects 9"),
    (lambda x, w: F.conv_transpose1d(x, w.permute(1, 0, 2), stride=2, output_padding=2), ValueError,
     r"output_padding 2 must be smaller than the stride 2 or the dilation 1"),
    (lambda x, w: F.max_pool1d(x, 9), ValueError, r"max_pool1d: the kernel of 9 is longer than the padded input of 7"),
    (lambda x, w: F.max_pool1d(x, 3, padding=2), ValueError, r"padding 2 must be at most half the kernel size 3"),
    (lambda x, w: F.conv1d(x, w, groups=0), ValueError, r"groups must be a positive int, got 0"),
    (lambda x, w: F.adaptive_avg_pool1d(x, (3, 2)), ValueError, r"output_size must be an int or a tuple of one int"),
    (lambda x, w: F.adaptive_max_pool1d(x, -1), ValueError, r"output_size must be at least 0, got -1"),
    (lambda x, w: nn.Conv1d(3, 4, 3, padding_mode="foo"), ValueError, r"padding_mode must be one of"),
    (lambda x, w: nn.Conv1d(3, 4, 3, padding="same", stride=2), ValueError, r"not supported for strided"),
    (lambda x, w: nn.ConvTranspose1d(3, 4, 3, padding_mode="reflect"), ValueError,
     r'Only "zeros" padding mode is supported for ConvTranspose1d'),
])
def test_bad_arguments_are_one_line(call, kind, message):
    x, w = minigan.zeros(2, 3, 7), minigan.zeros(4, 3, 4)
    with pytest.raises(kind, match=message) as error:
        call(x, w)
    assert "\n" not in str(error.value)


def test_torch_level_names():
    x, w = minigan.randn(1, 2, 5), minigan.randn(3, 2, 2)
    np.testing.assert_array_equal(minigan.conv1d(x, w).numpy(), F.conv1d(x, w).numpy())
    assert minigan.conv_transpose1d(x, w.permute(1, 0, 2)).shape == (1, 3, 6)
    with pytest.raises(minigan.UnsupportedFeatureError, match=r"torch.nn.functional.max_pool1d_with_indices is not "
                                                              r"supported by minigan \(the _with_indices form"):
        F.max_pool1d_with_indices  # noqa: B018



def test_sequential_runs_the_activation_after_a_1d_convolution_inside_its_op():
    """Conv1d and ConvTranspose1d say themselves that they take the following activation, so
    Sequential passes LeakyReLU and ReLU into their fused bias + activation pass (no separate
    activation node, one pass fewer over the output), with the values of the unfused layers."""
    rng = np.random.default_rng(9)
    layers = [nn.Conv1d(2, 4, 3, stride=2, padding=1, rng=rng, dtype=np.float64), nn.LeakyReLU(0.2),
              nn.ConvTranspose1d(4, 2, 4, stride=2, padding=1, rng=rng, dtype=np.float64), nn.ReLU()]
    x = minigan.tensor(np.random.default_rng(10).standard_normal((3, 2, 16)))
    folded = nn.Sequential(*layers)(x)
    unfolded = x
    for layer in layers:
        unfolded = layer(unfolded)
    assert "ReLU" not in folded.grad_fn.name() and unfolded.grad_fn.name() == "ReLUBackward"
    inner = folded.grad_fn.next_functions[0][0]
    assert inner.name() == "ChannelBiasActBackward"
    np.testing.assert_allclose(folded.numpy(), unfolded.numpy(), rtol=1e-14, atol=1e-15)
