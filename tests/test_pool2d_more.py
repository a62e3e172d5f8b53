"""2-d pooling past the basics, as PyTorch's: ``ceil_mode`` for F.max_pool2d / F.avg_pool2d (with and
without ``count_include_pad``) and their Modules, max pooling's ``return_indices`` (int64 places
h * W + w, the first maximum), and F.max_unpool1d/2d with nn.MaxUnpool1d/2d. Checked against NumPy
loops of PyTorch's rule written out here, PyTorch 2.14's values written out by hand (run outside
this repository on the input below), gradients by finite differences, and one line per bad call."""
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


def ceil_size(n, k, s, p, d=1):
    """PyTorch's ceil_mode size: rounded up, less one when the last window would start at or past n + p."""
    out = math.ceil((n + 2 * p - d * (k - 1) - 1) / s) + 1
    return out - 1 if (out - 1) * s >= n + p else out


def pool2d_by_hand(x, k, s, p, kind, d=(1, 1), count_include_pad=True):
    """One window at a time: its places in the input, its maximum (and the first one's h * W + w) or
    its mean, divided by the places up to the end of the padding, or those in the input."""
    n, c, h, w = x.shape
    oh, ow = (ceil_size(h, k[0], s[0], p[0], d[0]), ceil_size(w, k[1], s[1], p[1], d[1]))
    y, where = np.zeros((n, c, oh, ow)), np.zeros((n, c, oh, ow), np.int64)
    for i, ch, r, q in np.ndindex(n, c, oh, ow):
        rows = [r * s[0] - p[0] + a * d[0] for a in range(k[0])]
        cols = [q * s[1] - p[1] + b * d[1] for b in range(k[1])]
        places = [(a, b) for a in rows for b in cols if 0 <= a < h and 0 <= b < w]
        values = [x[i, ch, a, b] for a, b in places]
        if kind == "max":
            best = int(np.argmax(values))
            y[i, ch, r, q], where[i, ch, r, q] = values[best], places[best][0] * w + places[best][1]
        else:
            sides = [min(start + kk, size + pp) - start for start, kk, size, pp in
                     ((rows[0], k[0], h, p[0]), (cols[0], k[1], w, p[1]))]
            y[i, ch, r, q] = sum(values) / (sides[0] * sides[1] if count_include_pad else len(values))
    return y, where


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 1),
       st.integers(0, 1), st.integers(1, 2), st.booleans(), st.integers(0, 2**31))
def test_ceil_mode_and_indices_follow_pytorchs_rule(kh, kw, sh, sw, ph, pw, dh, include, seed):
    ph, pw = min(ph, kh // 2), min(pw, kw // 2)
    x = np.random.default_rng(seed).permutation(2 * 2 * 6 * 7).reshape(2, 2, 6, 7) / 10.0
    want, where = pool2d_by_hand(x, (kh, kw), (sh, sw), (ph, pw), "max", (dh, 1))
    values, indices = F.max_pool2d(minigan.tensor(x), (kh, kw), (sh, sw), (ph, pw), (dh, 1), ceil_mode=True,
                                   return_indices=True)
    np.testing.assert_array_equal(values.numpy(), want)
    assert indices.dtype == np.int64
    np.testing.assert_array_equal(indices.numpy(), where)
    np.testing.assert_array_equal(F.max_pool2d(minigan.tensor(x), (kh, kw), (sh, sw), (ph, pw), (dh, 1),
                                               ceil_mode=True).numpy(), want)
    mean, _ = pool2d_by_hand(x, (kh, kw), (sh, sw), (ph, pw), "avg", count_include_pad=include)
    got = F.avg_pool2d(minigan.tensor(x), (kh, kw), (sh, sw), (ph, pw), ceil_mode=True, count_include_pad=include)
    np.testing.assert_allclose(got.numpy(), mean, rtol=1e-12, atol=1e-15)


# PyTorch 2.14's values (float64) on X, written out
X = (np.arange(30.0).reshape(1, 1, 5, 6) * 7 % 11) - 5.0
PYTORCH_MAX = [[[[4.0, 5.0, 5.0, -3.0], [4.0, 5.0, 4.0, 4.0], [5.0, 5.0, 4.0, 2.0]]]]
PYTORCH_MAX_INDICES = [[[[6, 3, 3, 5], [6, 14, 17, 17], [25, 25, 28, 23]]]]
PYTORCH_MAX2_INDICES = [[[[6, 3, 4], [12, 14, 17], [25, 26, 28]]]]
PYTORCH_AVG = [[[[1 / 9, 4 / 9, 0.0, -4 / 3], [0.0, 1 / 9, -5 / 9, 1 / 6], [-1 / 9, 1 / 9, -1 / 3, 1 / 3]]]]
PYTORCH_AVG_EXCLUDED = [[[[0.25, 2 / 3, 0.0, -4.0], [0.0, 1 / 9, -5 / 9, 1 / 3], [-0.25, 1 / 6, -0.5, 1.0]]]]
PYTORCH_AVG2 = [[[[0.25, 0.5, -2.0], [-1.0, 2.0, -0.5], [1.5, -1.0, 2.0]]]]
PYTORCH_UNPOOLED = [[[[0.0, 0.0, 0.0, 5.0, 1.0, 0.0], [4.0, 0.0, 0.0, 0.0, 0.0, 0.0], [2.0, 0.0, 5.0, 0.0, 0.0, 4.0],
                      [0.0] * 6, [0.0] * 6]]]


def test_values_and_indices_are_pytorchs():
    x = minigan.tensor(X)
    values, indices = nn.MaxPool2d(3, 2, 1, return_indices=True, ceil_mode=True)(x)
    np.testing.assert_array_equal(values.numpy(), PYTORCH_MAX)
    np.testing.assert_array_equal(indices.numpy(), PYTORCH_MAX_INDICES)
    np.testing.assert_array_equal(F.max_pool2d(x[0], 2, ceil_mode=True, return_indices=True)[1].numpy(),
                                  PYTORCH_MAX2_INDICES[0])
    np.testing.assert_allclose(nn.AvgPool2d(3, 2, 1, ceil_mode=True)(x).numpy(), PYTORCH_AVG, rtol=1e-15)
    np.testing.assert_allclose(F.avg_pool2d(x, 3, 2, 1, True, False).numpy(), PYTORCH_AVG_EXCLUDED, rtol=1e-15)
    np.testing.assert_allclose(F.avg_pool2d(x, 2, ceil_mode=True).numpy(), PYTORCH_AVG2, rtol=1e-15)
    assert repr(nn.MaxPool2d(2, ceil_mode=True)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)"
    unpooled = nn.MaxUnpool2d(2)(*F.max_pool2d(x, 2, return_indices=True), output_size=(5, 6))
    np.testing.assert_array_equal(unpooled.numpy(), PYTORCH_UNPOOLED)
    assert repr(nn.MaxUnpool2d(2)) == "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"
    assert repr(nn.MaxUnpool1d(3, padding=1)) == "MaxUnpool1d(kernel_size=(3,), stride=(3,), padding=(1,))"


def test_unpooling_puts_each_value_at_its_index():
    rng = np.random.default_rng(3)
    x = minigan.tensor(rng.standard_normal((2, 3, 7, 8)))
    pooled, indices = F.max_pool2d(x, 3, 2, 1, return_indices=True)  # overlapping: repeated indices
    out = F.max_unpool2d(pooled, indices, 3, 2, 1, output_size=x.shape)
    want = np.zeros((2, 3, 56))
    for i, c, t in np.ndindex(pooled.shape[:2] + (pooled.shape[2] * pooled.shape[3],)):
        want[i, c, indices.numpy().reshape(2, 3, -1)[i, c, t]] = pooled.numpy().reshape(2, 3, -1)[i, c, t]
    np.testing.assert_array_equal(out.numpy(), want.reshape(2, 3, 7, 8))
    line = minigan.tensor(rng.standard_normal((3, 9)))
    pooled, indices = F.max_pool1d(line, 2, return_indices=True)
    out = nn.MaxUnpool1d(2)(pooled, indices, output_size=[9])
    np.testing.assert_array_equal(out.numpy(), np.where(out.numpy() != 0, line.numpy(), 0))
    assert out.shape == (3, 9) and F.max_unpool1d(pooled, indices, 2).shape == (3, 8)


def test_gradients_first_and_second_order():
    x = minigan.tensor(np.random.default_rng(4).permutation(2 * 5 * 6).reshape(1, 2, 5, 6) / 7.0, requires_grad=True)
    assert gradcheck(lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True)[0], [x]).ok
    assert gradgradcheck(lambda x: F.max_pool2d(x, 2, ceil_mode=True), [x]).ok
    assert gradgradcheck(lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), [x]).ok
    pooled, indices = F.max_pool2d(x.detach(), 2, return_indices=True)
    p = minigan.tensor(pooled.numpy(), requires_grad=True)
    assert gradgradcheck(lambda p: F.max_unpool2d(p, indices, 2, output_size=(5, 6)) ** 2, [p]).ok


def test_defaults_take_the_old_path():
    """No ceil_mode where it changes nothing: the plain size and PyTorch's floor rule agree."""
    x = minigan.tensor(np.random.default_rng(5).standard_normal((1, 1, 6, 6)))
    np.testing.assert_array_equal(F.max_pool2d(x, 2, ceil_mode=True).numpy(), F.max_pool2d(x, 2).numpy())
    np.testing.assert_array_equal(F.avg_pool2d(x, 2, ceil_mode=True).numpy(), F.avg_pool2d(x, 2).numpy())


@pytest.mark.parametrize("call, message", [
    (lambda x, i: F.max_unpool2d(x, i, 2, output_size=(6, 6)), r"invalid output_size \(6, 6\)"),
    (lambda x, i: F.max_unpool2d(x, i.float(), 2), "indices must be an int64 tensor"),
    (lambda x, i: F.max_unpool2d(x, i + 100, 2), "an index lies outside the output's 16 places"),
    (lambda x, i: F.max_unpool2d(x[0, 0, 0], i[0, 0, 0], 2), "expected input of 4 dimensions"),
    (lambda x, i: F.max_unpool1d(x[0], i[0], 2, output_size=(2, 3, 4, 5)), "output_size must be 1 ints"),
])
def test_bad_unpooling_is_one_line(call, message):
    x = minigan.tensor(np.arange(8.0).reshape(1, 2, 2, 2))
    indices = minigan.tensor(np.zeros((1, 2, 2, 2), np.int64))
    with pytest.raises(ValueError, match=message) as error:
        call(x, indices)
    assert "\n" not in str(error.value)
