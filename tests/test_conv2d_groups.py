"""``groups`` for F.conv2d / F.conv_transpose2d and nn.Conv2d / nn.ConvTranspose2d, as PyTorch's:
each group of channels through its slice of the weight, checked against the NumPy loops of
test_conv.py run group by group (under Hypothesis), PyTorch 2.14's values written out by hand (run
outside this repository on the inputs below), PyTorch's weight shapes, init range and reprs,
gradients and second derivatives by finite differences, and one clear line per bad argument."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck, gradgradcheck
from test_conv import conv2d_reference, conv_transpose2d_reference


def grouped_by_hand(reference, x, w, b, groups, *settings):
    """Each group of x's channels through its group of w (split along w's axis 0), joined."""
    xs, ws = np.split(x, groups, axis=1), np.split(w, groups, axis=0)
    bs = [None] * groups if b is None else np.split(b, groups)
    return np.concatenate([reference(xg, wg, bg, *settings) for xg, wg, bg in zip(xs, ws, bs)], axis=1)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(1, 2), st.integers(1, 2), st.integers(1, 3), st.integers(1, 2),
       st.integers(0, 1), st.integers(0, 2**31))
def test_grouped_convolutions_are_the_groups_side_by_side(groups, per_in, per_out, k, s, p, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, groups * per_in, 5, 4))
    w = rng.standard_normal((groups * per_out, per_in, k, k))
    b = rng.standard_normal(groups * per_out)
    got = F.conv2d(minigan.tensor(x), minigan.tensor(w), minigan.tensor(b), s, p, 1, groups)
    np.testing.assert_allclose(got.numpy(), grouped_by_hand(conv2d_reference, x, w, b, groups, (s, s), (p, p), (1, 1)),
                               rtol=1e-12, atol=1e-12)
    wt = rng.standard_normal((groups * per_in, per_out, k, k))
    extra = (s - 1, 0)
    got = F.conv_transpose2d(minigan.tensor(x), minigan.tensor(wt), minigan.tensor(b), s, p, extra, groups)
    want = grouped_by_hand(lambda xg, wg, bg, *a: conv_transpose2d_reference(xg, wg, bg, *a), x, wt, b, groups,
                           (s, s), (p, p), extra, (1, 1))
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)


# PyTorch 2.14's values (float64) for the inputs below, written out
X = np.arange(18.0).reshape(1, 2, 3, 3) % 5
W = np.arange(8.0).reshape(2, 1, 2, 2) % 3 - 1
PYTORCH_DEPTHWISE = [[[[-1.0, 3.0], [-4.0, -5.0]], [[-2.0, -2.0], [3.0, 3.0]]]]
PYTORCH_DEPTHWISE_TRANSPOSED = [[[[0.0, 0.0, -1.0, 0.0], [0.0, 0.0, 1.0, -1.0], [-3.0, 0.0, -4.0, 0.0],
                                  [3.0, -3.0, 4.0, -4.0]], [[0.0, 4.0, 0.0, 0.0], [-4.0, 0.0, 0.0, 0.0],
                                                           [0.0, 2.0, 0.0, 3.0], [-2.0, 0.0, -3.0, 0.0]]]]


def test_depthwise_values_are_pytorchs():
    x, w = minigan.tensor(X), minigan.tensor(W)
    np.testing.assert_array_equal(F.conv2d(x, w, groups=2).numpy(), PYTORCH_DEPTHWISE)
    np.testing.assert_array_equal(F.conv2d(x[0], w, groups=2).numpy(), PYTORCH_DEPTHWISE[0])
    np.testing.assert_array_equal(F.conv_transpose2d(x[:, :, :2, :2], w, stride=2, groups=2).numpy(),
                                  PYTORCH_DEPTHWISE_TRANSPOSED)


def test_layers_have_pytorchs_weight_shapes_init_and_repr():
    conv = nn.Conv2d(4, 6, 3, groups=2, rng=np.random.default_rng(0))
    transposed = nn.ConvTranspose2d(4, 6, 3, groups=2, rng=np.random.default_rng(0))
    assert conv.weight.shape == (6, 2, 3, 3) and transposed.weight.shape == (4, 3, 3, 3)
    assert repr(conv) == "Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), groups=2)"
    assert repr(transposed) == "ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(1, 1), groups=2)"
    for layer, fan_in in ((conv, 2 * 9), (transposed, 3 * 9)):  # PyTorch's bound: 1 / sqrt(weight.shape[1] k k)
        bound = 1 / math.sqrt(fan_in)
        assert np.abs(layer.weight.numpy()).max() <= bound and np.abs(layer.weight.numpy()).max() > 0.8 * bound
        assert np.abs(layer.bias.numpy()).max() <= bound
    depthwise = nn.Conv2d(3, 3, 3, padding=1, groups=3, dtype=np.float64)
    x = minigan.tensor(np.random.default_rng(1).standard_normal((2, 3, 5, 5)))
    want = grouped_by_hand(conv2d_reference, x.numpy(), depthwise.weight.numpy(), depthwise.bias.numpy(), 3,
                           (1, 1), (1, 1), (1, 1))
    np.testing.assert_allclose(depthwise(x).numpy(), want, rtol=1e-12, atol=1e-12)
    relu = depthwise(x, activation="relu").numpy()  # the fused activation after the joined groups
    np.testing.assert_allclose(relu, np.maximum(want, 0), rtol=1e-12, atol=1e-12)


def test_grouped_gradients_first_and_second_order():
    rng = np.random.default_rng(12)
    x = minigan.tensor(rng.standard_normal((2, 4, 5, 4)), requires_grad=True)
    w = minigan.tensor(rng.standard_normal((6, 2, 3, 3)), requires_grad=True)
    b = minigan.tensor(rng.standard_normal(6), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, 2, 1, 1, 2), [x, w, b]).ok
    assert gradgradcheck(lambda x, w: F.conv2d(x, w, None, 1, 1, 1, 2), [x, w]).ok
    wt = minigan.tensor(rng.standard_normal((4, 1, 3, 3)), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b[:4], 2, 1, 1, 4), [x, wt, b]).ok
    assert gradgradcheck(lambda x, w: F.conv_transpose2d(x[0], w, None, 2, 0, 0, 4), [x, wt]).ok


@pytest.mark.parametrize("call, kind, message", [
    (lambda x: nn.Conv2d(4, 6, 3, groups=4), ValueError, "out_channels must be divisible by groups"),
    (lambda x: nn.Conv2d(4, 6, 3, groups=0), ValueError, "groups must be a positive int"),
    (lambda x: nn.ConvTranspose2d(3, 6, 3, groups=2), ValueError, "in_channels must be divisible by groups"),
    (lambda x: F.conv2d(x, minigan.zeros(6, 3, 3, 3), groups=2), ValueError,
     r"has 4 channels, but the weight of shape \(6, 3, 3, 3\) with groups=2 expects 6"),
    (lambda x: F.conv2d(x, minigan.zeros(5, 2, 3, 3), groups=2), ValueError,
     "5 output channels, which do not split into groups=2"),
    (lambda x: F.conv_transpose2d(x, minigan.zeros(4, 1, 3, 3), groups=3), ValueError,
     "4 input channels, which do not split into groups=3"),
    (lambda x: F.conv2d(x, minigan.zeros(4, 2, 3, 3), groups=2.0), ValueError, "groups must be a positive int"),
])
def test_bad_groups_are_one_line(call, kind, message):
    with pytest.raises(kind, match=message) as error:
        call(minigan.zeros(1, 4, 5, 5))
    assert "\n" not in str(error.value)
