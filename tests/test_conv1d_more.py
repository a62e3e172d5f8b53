"""The 1-d layers' PyTorch features past the basics: ``groups`` for F.conv1d/F.conv_transpose1d and
nn.Conv1d/nn.ConvTranspose1d, ``ConvTranspose1d.forward(x, output_size)``, ``ceil_mode`` for max and
average pooling (with and without ``count_include_pad``) and max pooling's ``return_indices``;
against NumPy loops written out here (and in test_conv1d.py), PyTorch 2.14's values written out by
hand (run outside this repository on the inputs below), gradients by finite differences, and one
clear line for each bad argument."""
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
from test_conv1d import conv1d_by_hand, conv_transpose1d_by_hand


# ------------------------------------------------------------------ references, one output at a time
def grouped_by_hand(by_hand, x, w, b, groups, *settings):
    """Each group of x's channels through its group of w (split along w's axis 0), joined."""
    xs, ws = np.split(x, groups, axis=1), np.split(w, groups, axis=0)
    bs = [None] * groups if b is None else np.split(b, groups)
    return np.concatenate([by_hand(xg, wg, bg, *settings) for xg, wg, bg in zip(xs, ws, bs)], axis=1)


def ceil_pool_by_hand(x, k, s, p, kind, dilation=1, count_include_pad=True):
    """PyTorch's pooling with ceil_mode: OL = ceil((L + 2p - d (k - 1) - 1) / s) + 1, less one when
    the last window would start at or past L + p. A window holds the places t s - p + j d in [0, L);
    the mean divides by min(t s - p + k, L + p) - (t s - p) places, or by those inside [0, L)
    without count_include_pad. Returns the values and (for max) the first maximum's place."""
    n, c, length = x.shape
    out_len = math.ceil((length + 2 * p - dilation * (k - 1) - 1) / s) + 1
    if (out_len - 1) * s >= length + p:
        out_len -= 1
    y, where = np.zeros((n, c, out_len)), np.zeros((n, c, out_len), np.int64)
    for i, ch, t in np.ndindex(n, c, out_len):
        places = [t * s - p + j * dilation for j in range(k) if 0 <= t * s - p + j * dilation < length]
        values = [x[i, ch, q] for q in places]
        if kind == "max":
            y[i, ch, t], where[i, ch, t] = max(values), places[int(np.argmax(values))]
        else:
            start = t * s - p
            count = min(start + k, length + p) - start if count_include_pad else len(places)
            y[i, ch, t] = sum(values) / count
    return y, where


# PyTorch 2.14's values (float64) for the inputs of the tests below, written out
PYTORCH_DEPTHWISE = (
    [[0.55, 0.7, 0.1, -0.5, -0.65], [0.19999999999999996, 0.5, 0.2, -0.09999999999999998, -0.39999999999999997],
    [-1.0499999999999998, -0.5999999999999999, 0.3000000000000001, 1.2000000000000002, 0.7499999999999998], [-3.2,
    -2.6, 0.40000000000000013, 3.4000000000000004, 2.8]])
PYTORCH_TRANSPOSED_GROUPS2 = (
    [[0.7, 0.4, 0.35, 0.2, 0.0, 0.0, -0.35, -0.2, -0.7, -0.4, 0.0], [0.10000000000000003, -0.1999999999999999,
    0.05000000000000002, -0.09999999999999995, 0.0, 0.0, -0.05000000000000002, 0.09999999999999995,
    -0.10000000000000003, 0.1999999999999999, 0.0], [-3.7, -4.4, -1.85, -2.2, 0.0, 0.0, 1.85, 2.2, 3.7, 4.4, 0.0],
    [-5.1, -5.800000000000001, -2.55, -2.9000000000000004, 0.0, 0.0, 2.55, 2.9000000000000004, 5.1,
    5.800000000000001, 0.0]])
PYTORCH_MAX_CEIL = ([[3.0, 4.0, 9.0, 9.0, 6.0], [1.0, 2.0, 2.0, 7.0, 7.0]], [[0, 2, 5, 5, 7], [0, 3, 3, 7, 7]])
PYTORCH_MAX_DILATED = ([[1.0, 5.0, 9.0], [1.0, 2.0, 7.0]], [[1, 4, 5], [1, 4, 7]])
PYTORCH_AVG_CEIL = (
    [[[1.3333333333333333, 2.0, 5.0, 5.666666666666667, 3.0], [0.6666666666666666, 1.0, 2.0, 2.6666666666666665, 3.5]],
    [[2.0, 2.0, 5.0, 5.666666666666667, 6.0], [1.0, 1.0, 2.0, 2.6666666666666665, 7.0]], [[1.0, 2.75, 5.5, 2.0],
    [0.5, 1.25, 2.5, 2.3333333333333335]]])

RNG = np.random.default_rng(11)
X = RNG.standard_normal((2, 6, 11))


# ------------------------------------------------------------------ groups
@given(data=st.data())
def test_grouped_convolutions_match_the_loop(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    groups = data.draw(st.sampled_from([1, 2, 3, 6]))
    k, stride, dilation = (data.draw(st.integers(1, 3)) for _ in range(3))
    padding = data.draw(st.integers(0, k - 1))
    per_out = data.draw(st.integers(1, 2))
    x = rng.standard_normal((2, 6, 9))
    w, b = rng.standard_normal((per_out * groups, 6 // groups, k)), rng.standard_normal(per_out * groups)
    y = F.conv1d(minigan.tensor(x), minigan.tensor(w), minigan.tensor(b), stride, padding, dilation, groups)
    expected = grouped_by_hand(conv1d_by_hand, x, w, b, groups, stride, padding, padding, dilation)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)
    wt, bt = rng.standard_normal((6, per_out, k)), rng.standard_normal(per_out * groups)
    extra = data.draw(st.integers(0, max(stride, dilation) - 1))
    yt = F.conv_transpose1d(minigan.tensor(x), minigan.tensor(wt), minigan.tensor(bt), stride, padding, extra,
                            groups, dilation)
    expected = grouped_by_hand(conv_transpose1d_by_hand, x, wt, bt, groups, stride, padding, extra, dilation)
    np.testing.assert_allclose(yt.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_grouped_convolutions_give_pytorchs_values():
    # PyTorch 2.14, float64: x[c, t] = (c + 1) (t - 2) / 4, weights arange / 5 - 1
    x = minigan.tensor(np.outer(np.arange(1, 5), np.arange(5) - 2) / 4)
    w = minigan.tensor(np.arange(12).reshape(4, 1, 3) / 5 - 1)
    np.testing.assert_allclose(F.conv1d(x, w, None, 1, 1, 1, 4).numpy(), PYTORCH_DEPTHWISE, rtol=1e-14, atol=1e-15)
    wt = minigan.tensor(np.arange(16).reshape(4, 2, 2) / 5 - 1)
    np.testing.assert_allclose(F.conv_transpose1d(x, wt, None, 2, 0, 1, 2).numpy(), PYTORCH_TRANSPOSED_GROUPS2,
                               rtol=1e-14, atol=1e-15)


def test_grouped_gradients_first_and_second_order():
    rng = np.random.default_rng(12)
    x = minigan.tensor(rng.standard_normal((2, 4, 6)), requires_grad=True)
    w = minigan.tensor(rng.standard_normal((6, 2, 3)), requires_grad=True)
    b = minigan.tensor(rng.standard_normal(6), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv1d(x, w, b, 2, 1, 1, 2), [x, w, b]).ok
    assert gradgradcheck(lambda x, w: F.conv1d(x, w, None, 1, "same", 2, 2), [x, w]).ok
    wt = minigan.tensor(rng.standard_normal((4, 1, 3)), requires_grad=True)
    bt = minigan.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv_transpose1d(x, w, b, 2, 1, 1, 4), [x, wt, bt]).ok
    assert gradgradcheck(lambda x, w: F.conv_transpose1d(x[0], w, None, 2, 0, 0, 4), [x, wt]).ok


def test_grouped_layers_hold_pytorch_shapes_reprs_and_init():
    conv = nn.Conv1d(6, 4, 3, groups=2)
    assert conv.weight.shape == (4, 3, 3) and conv.groups == 2
    bound = 1 / math.sqrt(3 * 3)  # PyTorch's fan_in: weight.shape[1] * k
    assert np.abs(conv.weight.numpy()).max() <= bound and np.abs(conv.bias.numpy()).max() <= bound
    assert repr(conv) == "Conv1d(6, 4, kernel_size=(3,), stride=(1,), groups=2)"  # PyTorch 2.14's
    transposed = nn.ConvTranspose1d(6, 9, 2, stride=2, output_padding=1, groups=3, bias=False)
    assert transposed.weight.shape == (6, 3, 2)
    assert repr(transposed) == ("ConvTranspose1d(6, 9, kernel_size=(2,), stride=(2,), output_padding=(1,), groups=3, "
                                "bias=False)")
    x = minigan.tensor(X)
    np.testing.assert_allclose(conv.to(minigan.float64)(x).numpy(), grouped_by_hand(
        conv1d_by_hand, X, conv.weight.numpy(), conv.bias.numpy(), 2, 1, 0, 0, 1), rtol=1e-12)
    padded = nn.Conv1d(6, 6, 3, padding=1, padding_mode="circular", groups=6, dtype=np.float64)
    wrapped = np.concatenate([X[..., -1:], X, X[..., :1]], axis=-1)
    np.testing.assert_allclose(padded(x).numpy(), grouped_by_hand(
        conv1d_by_hand, wrapped, padded.weight.numpy(), padded.bias.numpy(), 6, 1, 0, 0, 1), rtol=1e-12)


# ------------------------------------------------------------------ ConvTranspose1d(output_size=)
def test_transposed_output_size_picks_the_output_padding():
    layer = nn.ConvTranspose1d(6, 2, 3, stride=3, padding=1, dtype=np.float64)
    x = minigan.tensor(X)
    shortest = (11 - 1) * 3 - 2 + 2 + 1  # 31: output_padding 0
    for size in (shortest, shortest + 1, shortest + 2):
        for given_as in ([size], (2, 2, size), (size,)):
            y = layer(x, given_as)
            assert y.shape == (2, 2, size)
            expected = F.conv_transpose1d(x, layer.weight, layer.bias, 3, 1, size - shortest)
            np.testing.assert_array_equal(y.numpy(), expected.numpy())
    assert layer(x[0], [33]).shape == (2, 33)
    # PyTorch 2.14: "requested an output size of [34], but valid sizes range from [31] to [33] (for an input of [11])"
    with pytest.raises(ValueError, match=r"requested an output size of \[34\], but valid sizes range from \[31\] "
                                         r"to \[33\] \(for an input of \[11\]\)"):
        layer(x, [34])
    with pytest.raises(ValueError, match=r"output_size must be \(L,\) or the output's whole shape"):
        layer(x, [2, 33])


# ------------------------------------------------------------------ pooling: ceil_mode, return_indices
CEIL_SETTINGS = [(2, 2, 0, 1), (3, 2, 1, 1), (4, 3, 2, 1), (3, 2, 1, 2), (5, 4, 1, 1), (2, 3, 1, 1)]


@pytest.mark.parametrize("k, s, p, d", CEIL_SETTINGS)
def test_ceil_mode_pooling_matches_the_loop(k, s, p, d):
    x = minigan.tensor(X, requires_grad=True)
    expected, where = ceil_pool_by_hand(X, k, s, p, "max", d)
    np.testing.assert_array_equal(F.max_pool1d(x, k, s, p, d, ceil_mode=True).numpy(), expected)
    values, indices = F.max_pool1d(x, k, s, p, d, True, True)
    np.testing.assert_array_equal(values.numpy(), expected)
    assert indices.dtype == np.int64
    np.testing.assert_array_equal(indices.numpy(), where)
    layer = nn.MaxPool1d(k, s, p, d, return_indices=True, ceil_mode=True)
    np.testing.assert_array_equal(layer(x[1])[1].numpy(), where[1])
    if d == 1:
        for include in (True, False):
            mean = ceil_pool_by_hand(X, k, s, p, "avg", count_include_pad=include)[0]
            np.testing.assert_allclose(F.avg_pool1d(x, k, s, p, True, include).numpy(), mean, rtol=1e-12)
            np.testing.assert_allclose(nn.AvgPool1d(k, s, p, True, include)(x[0]).numpy(), mean[0], rtol=1e-12)


def test_return_indices_without_ceil_mode_match_the_loop():
    x = minigan.tensor(X)
    for k, s, p, d in [(3, 2, 1, 1), (2, None, 0, 1), (3, 1, 1, 2)]:
        values, indices = F.max_pool1d(x, k, s, p, d, return_indices=True)
        assert values.shape == F.max_pool1d(x, k, s, p, d).shape
        np.testing.assert_array_equal(values.numpy(), F.max_pool1d(x, k, s, p, d).numpy())
        np.testing.assert_array_equal(np.take_along_axis(X, indices.numpy(), axis=-1), values.numpy())


def test_pooling_gives_pytorchs_values_and_indices():
    # unbatched (C, L), the second row with ties (PyTorch takes the first maximum)
    x = minigan.tensor([[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0], [1.0, 1.0, 0.0, 2.0, 2.0, 2.0, -1.0, 7.0]],
                       dtype=minigan.float64)
    values, indices = F.max_pool1d(x, 3, 2, 1, ceil_mode=True, return_indices=True)
    assert values.tolist() == PYTORCH_MAX_CEIL[0] and indices.tolist() == PYTORCH_MAX_CEIL[1]
    values, indices = F.max_pool1d(x, 2, 3, 1, 2, ceil_mode=True, return_indices=True)
    assert values.tolist() == PYTORCH_MAX_DILATED[0] and indices.tolist() == PYTORCH_MAX_DILATED[1]
    np.testing.assert_allclose(F.avg_pool1d(x, 3, 2, 1, ceil_mode=True).numpy(), PYTORCH_AVG_CEIL[0], rtol=1e-15)
    np.testing.assert_allclose(F.avg_pool1d(x, 3, 2, 1, True, False).numpy(), PYTORCH_AVG_CEIL[1], rtol=1e-15)
    np.testing.assert_allclose(F.avg_pool1d(x, 4, 3, 2, True, True).numpy(), PYTORCH_AVG_CEIL[2], rtol=1e-15)


def test_pooling_gradients_go_to_the_winners():
    rng = np.random.default_rng(13)
    x = minigan.tensor(rng.permutation(2 * 3 * 8).reshape(2, 3, 8) / 7.0, requires_grad=True)  # no ties
    assert gradcheck(lambda t: F.max_pool1d(t, 3, 2, 1, ceil_mode=True, return_indices=True)[0], [x]).ok
    assert gradgradcheck(lambda t: F.max_pool1d(t, 2, 2, ceil_mode=True), [x]).ok
    assert gradcheck(lambda t: F.avg_pool1d(t, 3, 2, 1, True, False), [x]).ok
    assert gradgradcheck(lambda t: F.avg_pool1d(t, 4, 3, 2, ceil_mode=True), [x]).ok
    values, indices = F.max_pool1d(x, 3, 2, 1, ceil_mode=True, return_indices=True)
    values.sum().backward()
    counts = np.zeros((2, 3, 8))
    for i, c, t in np.ndindex(indices.shape):
        counts[i, c, indices.numpy()[i, c, t]] += 1
    np.testing.assert_array_equal(x.grad.numpy(), counts)


def test_layers_repr_their_pooling_settings():  # PyTorch 2.14's reprs
    assert repr(nn.MaxPool1d(3, 2, 1, return_indices=True, ceil_mode=True)) == (
        "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)")
    assert repr(nn.AvgPool1d(3, 2, 1, ceil_mode=True)) == "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))"


# ------------------------------------------------------------------ bad arguments
@pytest.mark.parametrize("call, kind, message", [
    (lambda x: F.conv1d(x, minigan.zeros(4, 3, 3), groups=4), ValueError,
     r"conv1d: input of shape \(2, 6, 11\) has 6 channels, but the weight of shape \(4, 3, 3\) with groups=4 "
     r"expects 12"),
    (lambda x: F.conv1d(x, minigan.zeros(4, 3, 3), groups=0), ValueError, r"groups must be a positive int, got 0"),
    (lambda x: F.conv1d(x, minigan.zeros(5, 3, 3), groups=2), ValueError,
     r"the weight of shape \(5, 3, 3\) has 5 output channels, which do not split into groups=2"),
    (lambda x: F.conv_transpose1d(x, minigan.zeros(6, 2, 3), minigan.zeros(2), groups=3), ValueError,
     r"the bias must have shape \(6,\)"),
    (lambda x: F.conv_transpose1d(x, minigan.zeros(6, 2, 3), groups=4), ValueError,
     r"has 6 input channels, which do not split into groups=4"),
    (lambda x: nn.Conv1d(6, 4, 3, groups=4), ValueError, r"Conv1d: in_channels must be divisible by groups"),
    (lambda x: nn.ConvTranspose1d(6, 4, 3, groups=3), ValueError,
     r"ConvTranspose1d: out_channels must be divisible by groups"),
    (lambda x: nn.Conv1d(6, 4, 3, groups=1.5), ValueError, r"groups must be a positive int"),
])
def test_bad_arguments_are_one_line(call, kind, message):
    with pytest.raises(kind, match=message) as error:
        call(minigan.zeros(2, 6, 11))
    assert "\n" not in str(error.value)
