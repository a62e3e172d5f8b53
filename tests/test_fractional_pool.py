"""F.fractional_max_pool2d / 3d and nn.FractionalMaxPool2d / 3d against a pool written out here from the
window formula (Hypothesis draws the settings), a closed form (output = input - kernel + 1 is the
stride-1 max pool), and PyTorch 2.14.1's values, indices and gradients written out by hand (run
outside this repository with the same ``_random_samples``). Finite differences, first and second
order: the registry's rows in minigan/gradcheck/volumetric_cases.py."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F


def T(a, grad=False):
    return minigan.tensor(np.asarray(a, dtype=np.float64), dtype=np.float64, requires_grad=grad)


def pool_by_hand(x, kernel, out, samples):
    """Each window's start along an axis of n places, k wide, m outputs, draw u:
    floor((i + u)(n - k)/(m - 1)) - floor(u (n - k)/(m - 1)), the last one n - k."""
    def starts(u, n, k, m):
        if m == 1:
            return [n - k]
        alpha = (n - k) / (m - 1)
        return [math.floor((i + u) * alpha) - math.floor(u * alpha) for i in range(m - 1)] + [n - k]

    batch, channels, height, width = x.shape
    y = np.zeros((batch, channels) + out)
    where = np.zeros((batch, channels) + out, dtype=np.int64)
    for b, c in np.ndindex(batch, channels):
        for i, top in enumerate(starts(samples[b, c, 1], height, kernel[0], out[0])):
            for j, left in enumerate(starts(samples[b, c, 0], width, kernel[1], out[1])):
                best = None
                for r in range(top, top + kernel[0]):
                    for q in range(left, left + kernel[1]):
                        if best is None or x[b, c, r, q] > x[b, c, best // width, best % width]:
                            best = r * width + q
                y[b, c, i, j], where[b, c, i, j] = x[b, c, best // width, best % width], best
    return y, where


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_the_pool_matches_the_one_written_out(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 999)))
    height, width = data.draw(st.integers(2, 8)), data.draw(st.integers(2, 8))
    kernel = (data.draw(st.integers(1, height)), data.draw(st.integers(1, width)))
    out = (data.draw(st.integers(1, height - kernel[0] + 1)), data.draw(st.integers(1, width - kernel[1] + 1)))
    x = np.round(rng.standard_normal((2, 3, height, width)) * 2) / 2  # ties too
    samples = rng.random((2, 3, 2))
    y, where = F.fractional_max_pool2d(T(x), kernel, output_size=out, return_indices=True,
                                       _random_samples=T(samples))
    expected, expected_where = pool_by_hand(x, kernel, out, samples)
    np.testing.assert_array_equal(y.numpy(), expected)
    np.testing.assert_array_equal(where.numpy(), expected_where)
    assert where.dtype == minigan.int64


def test_pytorchs_values_indices_and_gradients():
    # PyTorch 2.14.1, float64, _random_samples [[[0.3, 0.8], [0.65, 0.1]]]: u = 0.3 for channel 0's
    # width, 0.8 for its height.
    x = T((np.arange(30) * 7 % 31).reshape(1, 2, 3, 5) / 4.0, grad=True)
    samples = T([[[0.3, 0.8], [0.65, 0.1]]])
    y, where = F.fractional_max_pool2d(x, 2, output_size=(2, 3), return_indices=True, _random_samples=samples)
    assert y.numpy().tolist() == [[[[2.75, 4.5, 7.0], [3.75, 5.5, 7.25]], [[5.75, 7.5, 3.25], [6.75, 7.5, 4.25]]]]
    assert where.numpy().tolist() == [[[[6, 7, 4], [11, 12, 13]], [[6, 7, 9], [11, 7, 14]]]]
    (y * T(np.arange(1.0, 13).reshape(y.shape))).sum().backward()
    assert x.grad.numpy().tolist() == [[[[0, 0, 0, 0, 3], [0, 1, 2, 0, 0], [0, 4, 5, 6, 0]],
                                        [[0, 0, 0, 0, 0], [0, 7, 19, 0, 9], [0, 10, 0, 0, 12]]]]


def test_output_of_input_minus_kernel_plus_one_is_the_stride_1_max_pool():
    x = T(np.random.default_rng(1).standard_normal((2, 3, 6, 5)))
    pooled = F.fractional_max_pool2d(x, (3, 2), output_size=(4, 4))  # drawn from minigan's generator
    np.testing.assert_array_equal(pooled.numpy(), F.max_pool2d(x, (3, 2), stride=1).numpy())


def test_the_module_ratio_unbatched_input_and_the_generator():
    x = T(np.random.default_rng(2).standard_normal((3, 8, 6)))
    samples = T(np.random.default_rng(3).random((1, 3, 2)))
    layer = nn.FractionalMaxPool2d(2, output_ratio=(0.5, 0.7), _random_samples=samples)
    assert repr(layer) == "FractionalMaxPool2d()"
    out = layer(x)
    assert out.shape == (3, 4, 4)
    np.testing.assert_array_equal(out.numpy(), F.fractional_max_pool2d(x.unsqueeze(0), 2, output_size=(4, 4),
                                                                       _random_samples=samples)[0].numpy())
    minigan.manual_seed(5)
    first = F.fractional_max_pool2d(x, 2, output_size=(5, 3)).numpy()
    minigan.manual_seed(5)
    np.testing.assert_array_equal(F.fractional_max_pool2d(x, 2, output_size=(5, 3)).numpy(), first)
    draws = {F.fractional_max_pool2d(x, 2, output_size=(5, 3)).numpy().tobytes() for _ in range(8)}
    assert len(draws) > 1  # a fresh draw each call


X = minigan.zeros(1, 2, 5, 5)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.fractional_max_pool2d(X, 2), ValueError, r"requires specifying either an output_size or an output_ratio"),
    (lambda: nn.FractionalMaxPool2d(2), ValueError, r"requires specifying either an output size, or a pooling ratio"),
    (lambda: F.fractional_max_pool2d(X, 2, output_ratio=1.5), ValueError, r"output_ratio must be between 0 and 1"),
    (lambda: nn.FractionalMaxPool2d(2, output_ratio=(0.5, 0)), ValueError, r"output_ratio must be between 0 and 1"),
    (lambda: F.fractional_max_pool2d(X, 3, output_size=4), RuntimeError,
     r"pool height 3 too large relative to input height 5"),
    (lambda: F.fractional_max_pool2d(X, 2, output_size=2, _random_samples=minigan.zeros(1, 2, 3)), RuntimeError,
     r"Expect _random_samples to be \(N, C, 2\)"),
    (lambda: F.fractional_max_pool2d(X, 2, output_size=2, _random_samples=minigan.zeros(2, 2, 2)), RuntimeError,
     r"Expect _random_samples of shape \(1, 2, 2\)"),
    (lambda: F.fractional_max_pool2d(X, 2, output_size=2, _random_samples=minigan.zeros(1, 2, 2, dtype=np.float64)),
     RuntimeError, r"same dtype as input"),
    (lambda: F.fractional_max_pool2d(minigan.zeros(5, 5), 2, output_size=2), ValueError,
     r"expected input of shape \(N, C, H, W\) or \(C, H, W\)"),
    (lambda: F.fractional_max_pool2d(X, 0, output_size=2), ValueError, r"kernel_size must be at least 1"),
])
def test_bad_arguments_say_what_is_wrong_in_one_line(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------------- volumes: fractional_max_pool3d
def pool_3d_by_hand(x, kernel, out, samples):
    """The 3-d pool written out: draws (time, height, width) per sample and channel, each axis's
    starts by the formula above (pool_by_hand's), the first maximum in (t, h, w) order."""
    def starts(u, n, k, m):
        if m == 1:
            return [n - k]
        alpha = (n - k) / (m - 1)
        return [math.floor((i + u) * alpha) - math.floor(u * alpha) for i in range(m - 1)] + [n - k]

    batch, channels, depth, height, width = x.shape
    y = np.zeros((batch, channels) + out)
    where = np.zeros((batch, channels) + out, dtype=np.int64)
    for b, c in np.ndindex(batch, channels):
        axes = [starts(samples[b, c, a], n, k, m) for a, (n, k, m) in enumerate(zip(x.shape[2:], kernel, out))]
        for (i, front), (j, top), (l, left) in itertools.product(*(list(enumerate(a)) for a in axes)):
            best = None
            for t, r, q in itertools.product(range(front, front + kernel[0]), range(top, top + kernel[1]),
                                             range(left, left + kernel[2])):
                place = (t * height + r) * width + q
                if best is None or x[b, c].flat[place] > x[b, c].flat[best]:
                    best = place
            y[b, c, i, j, l], where[b, c, i, j, l] = x[b, c].flat[best], best
    return y, where


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_the_3d_pool_matches_the_one_written_out(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 999)))
    shape = tuple(data.draw(st.integers(2, 6)) for _ in range(3))
    kernel = tuple(data.draw(st.integers(1, n - 1)) for n in shape)
    out = tuple(data.draw(st.integers(1, n - k)) for n, k in zip(shape, kernel))  # PyTorch's 3-d bound is strict
    x = np.round(rng.standard_normal((2, 2) + shape) * 2) / 2  # ties too
    samples = rng.random((2, 2, 3))
    y, where = F.fractional_max_pool3d(T(x), kernel, output_size=out, return_indices=True, _random_samples=T(samples))
    expected, expected_where = pool_3d_by_hand(x, kernel, out, samples)
    np.testing.assert_array_equal(y.numpy(), expected)
    np.testing.assert_array_equal(where.numpy(), expected_where)


def test_pytorchs_3d_values_indices_and_gradients():
    # PyTorch 2.14.1, float64, _random_samples [[[0.3, 0.8, 0.55], [0.65, 0.1, 0.9]]] (time, height, width)
    x = T((np.arange(240) * 7 % 31).reshape(1, 2, 4, 5, 6) / 4.0, grad=True)
    samples = T([[[0.3, 0.8, 0.55], [0.65, 0.1, 0.9]]])
    y, where = F.fractional_max_pool3d_with_indices(x, (2, 2, 3), output_size=(2, 3, 2), _random_samples=samples)
    assert y.numpy().tolist() == [[[[[6.25, 7.0], [7.25, 6.5], [6.75, 7.5]], [[7.0, 6.25], [7.0, 7.25], [7.5, 6.75]]],
                                   [[[7.0, 7.0], [7.0, 7.25], [7.5, 7.5]], [[6.75, 7.0], [6.25, 7.0], [7.25, 7.5]]]]]
    assert where.numpy().tolist() == [[[[[8, 4], [13, 17], [26, 22]], [[66, 70], [66, 75], [84, 88]]],
                                       [[[8, 39], [8, 17], [26, 57]], [[61, 70], [74, 70], [79, 88]]]]]
    (y * T(np.arange(1.0, 25).reshape(y.shape))).sum().backward()
    grad = x.grad.numpy().ravel()
    assert np.flatnonzero(grad).tolist() == [4, 8, 13, 17, 22, 26, 66, 70, 75, 84, 88, 128, 137, 146, 159, 177, 181,
                                             190, 194, 199, 208]
    assert grad[grad != 0].tolist() == [2, 1, 3, 4, 6, 5, 16, 8, 10, 11, 12, 28, 16, 17, 14, 18, 19, 42, 21, 23, 24]


def test_the_3d_module_ratio_unbatched_input_and_the_generator():
    x = T(np.random.default_rng(4).standard_normal((2, 4, 5, 6)))
    samples = T(np.random.default_rng(5).random((1, 2, 3)))
    layer = nn.FractionalMaxPool3d(2, output_ratio=(0.5, 0.5, 0.75), _random_samples=samples)
    assert repr(layer) == "FractionalMaxPool3d()"
    out = layer(x)
    assert out.shape == (2, 2, 2, 4)  # PyTorch 2.14.1's shape for this input and ratio
    np.testing.assert_array_equal(out.numpy(), F.fractional_max_pool3d(x.unsqueeze(0), 2, output_size=(2, 2, 4),
                                                                       _random_samples=samples)[0].numpy())
    minigan.manual_seed(7)  # drawn by minigan's generator
    first = nn.FractionalMaxPool3d((1, 2, 2), output_size=3, return_indices=True)(x)
    minigan.manual_seed(7)
    again = F.fractional_max_pool3d(x, (1, 2, 2), output_size=3, return_indices=True)
    np.testing.assert_array_equal(first[1].numpy(), again[1].numpy())


V = minigan.zeros(1, 2, 5, 5, 5)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.fractional_max_pool3d(V, 2), ValueError, r"requires specifying either an output_size or an output_ratio"),
    (lambda: nn.FractionalMaxPool3d(2), ValueError, r"FractionalMaxPool3d requires specifying either an output size"),
    (lambda: nn.FractionalMaxPool3d(2, output_ratio=(0.5, 0.5, 1.0)), ValueError, r"output_ratio must be between 0 and 1"),
    (lambda: F.fractional_max_pool3d(V, 2, output_ratio=(0.5, 0.5)), ValueError, r"output_ratio must be between 0 and 1"),
    (lambda: F.fractional_max_pool3d(V, 2, output_size=4), RuntimeError,
     r"pool time 2 too large relative to input time 5"),
    (lambda: F.fractional_max_pool3d(V, (1, 1, 2), output_size=(2, 2, 4)), RuntimeError,
     r"pool width 2 too large relative to input width 5"),
    (lambda: F.fractional_max_pool3d(V, 2, output_size=2, _random_samples=minigan.zeros(1, 2, 2)), RuntimeError,
     r"Expect _random_samples to be \(N, C, 3\)"),
    (lambda: F.fractional_max_pool3d(V, (2, 2), output_size=2), ValueError, r"kernel_size must be an int or a tuple of three"),
    (lambda: F.fractional_max_pool3d(V, 2, output_size=(2, 2)), ValueError, r"output_size must be an int or a tuple of three"),
    (lambda: F.fractional_max_pool3d(minigan.zeros(5, 5, 5), 2, output_size=2), ValueError,
     r"expected input of shape \(N, C, T, H, W\) or \(C, T, H, W\)"),
])
def test_bad_3d_arguments_say_what_is_wrong_in_one_line(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert "\n" not in str(info.value)
