"""Adaptive average and max pooling (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d and their functional
forms) against NumPy loops written out here: PyTorch's bins, bin i over rows floor(i H / OH) to
ceil((i + 1) H / OH), which overlap where OH does not divide H; the values, the max's indices and its
tie and NaN rules, the gradients, and one clear line for each bad argument."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.torch_api.unsupported import UnsupportedFeatureError


def bins_by_hand(n_in: int, n_out: int) -> list[range]:
    """The places bin i reads, from the exact fractions i n_in / n_out."""
    return [range(math.floor(Fraction(i * n_in, n_out)), math.ceil(Fraction((i + 1) * n_in, n_out)))
            for i in range(n_out)]


def pool_by_hand(x: np.ndarray, out_h: int, out_w: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(values, indices) over the last two axes of x (..., H, W), one bin at a time. The max is the
    first largest value in row-major order, or the last NaN; its index is row * W + column."""
    h, w = x.shape[-2:]
    values = np.zeros(x.shape[:-2] + (out_h, out_w), x.dtype)
    indices = np.zeros(values.shape, np.int64)
    for lead in np.ndindex(*x.shape[:-2]):
        plane = x[lead]
        for i, rows in enumerate(bins_by_hand(h, out_h)):
            for j, cols in enumerate(bins_by_hand(w, out_w)):
                if kind == "avg":
                    total = 0.0
                    for r in rows:
                        for c in cols:
                            total += float(plane[r, c])
                    values[lead + (i, j)] = total / (len(rows) * len(cols))
                    continue
                best, where = -math.inf, rows[0] * w + cols[0]
                for r in rows:
                    for c in cols:
                        if plane[r, c] > best or math.isnan(plane[r, c]):
                            best, where = plane[r, c], r * w + c
                values[lead + (i, j)], indices[lead + (i, j)] = best, where
    return values, indices


def grad_by_hand(x: np.ndarray, upstream: np.ndarray, kind: str) -> np.ndarray:
    """d sum(upstream * pool(x)) / dx: each bin's upstream value spread evenly over its places
    (average) or given to its winner (max), added where bins overlap."""
    h, w = x.shape[-2:]
    out_h, out_w = upstream.shape[-2:]
    _, winners = pool_by_hand(x, out_h, out_w, "max")
    grad = np.zeros_like(x)
    for lead in np.ndindex(*x.shape[:-2]):
        for i, rows in enumerate(bins_by_hand(h, out_h)):
            for j, cols in enumerate(bins_by_hand(w, out_w)):
                g = upstream[lead + (i, j)]
                if kind == "max":
                    r, c = divmod(int(winners[lead + (i, j)]), w)
                    grad[lead + (r, c)] += g
                    continue
                for r in rows:
                    for c in cols:
                        grad[lead + (r, c)] += g / (len(rows) * len(cols))
    return grad


CASES = [  # input shape, output_size, the (OH, OW) it means
    ((2, 3, 5, 7), (3, 2), (3, 2)),  # bins overlap in both axes: rows 0-1, 1-3, 3-4; columns 0-3, 3-6
    ((1, 2, 8, 6), (4, 3), (4, 3)),  # even blocks
    ((2, 3, 6, 4), 1, (1, 1)),  # global pooling
    ((1, 1, 2, 3), (5, 7), (5, 7)),  # larger than the input: places read by several bins
    ((3, 5, 7), (None, 2), (5, 2)),  # unbatched; None keeps the rows
    ((2, 1, 7, 5), [4, None], (4, 5)),
    ((1, 2, 9, 4), (2, 3), (2, 3)),  # rows even, columns overlapping
]


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("shape, output_size, out_hw", CASES)
def test_values_and_gradients_against_numpy_loops(kind, shape, output_size, out_hw):
    rng = np.random.default_rng(sum(shape))
    x_np = rng.standard_normal(shape)
    upstream = rng.standard_normal(shape[:-2] + out_hw)
    x = minigan.tensor(x_np, requires_grad=True)
    with np.errstate(all="raise"):
        if kind == "avg":
            y = F.adaptive_avg_pool2d(x, output_size)
        else:
            y, indices = F.adaptive_max_pool2d(x, output_size, return_indices=True)
        (y * minigan.tensor(upstream)).sum().backward()
    values, winners = pool_by_hand(x_np, *out_hw, kind)
    assert y.shape == values.shape and y.dtype == np.float64
    np.testing.assert_allclose(y.numpy(), values, rtol=1e-12, atol=1e-15)
    if kind == "max":
        assert indices.dtype == np.int64
        np.testing.assert_array_equal(indices.numpy(), winners)
    np.testing.assert_allclose(x.grad.numpy(), grad_by_hand(x_np, upstream, kind), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("shape, output_size, out_hw", CASES)
def test_modules_give_the_functions_values_in_float32(shape, output_size, out_hw):
    x_np = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    x = minigan.tensor(x_np)
    average = nn.AdaptiveAvgPool2d(output_size)(x)
    assert average.dtype == np.float32
    np.testing.assert_allclose(average.numpy(), pool_by_hand(x_np.astype(np.float64), *out_hw, "avg")[0],
                               rtol=1e-6, atol=1e-6)
    largest = nn.AdaptiveMaxPool2d(output_size)(x)
    np.testing.assert_array_equal(largest.numpy(), pool_by_hand(x_np, *out_hw, "max")[0])
    values, indices = nn.AdaptiveMaxPool2d(output_size, return_indices=True)(x)
    np.testing.assert_array_equal(values.numpy(), largest.numpy())
    np.testing.assert_array_equal(indices.numpy(), pool_by_hand(x_np, *out_hw, "max")[1])


def test_overlapping_bins_by_hand():
    """5 rows into 3 bins: rows {0, 1}, {1, 2, 3}, {3, 4}; one column."""
    x = minigan.tensor(np.array([1.0, 2.0, 3.0, 4.0, 5.0]).reshape(1, 5, 1), requires_grad=True)
    y = F.adaptive_avg_pool2d(x, (3, 1))
    np.testing.assert_allclose(y.numpy().ravel(), [1.5, 3.0, 4.5])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy().ravel(), [0.5, 0.5 + 1 / 3, 1 / 3, 1 / 3 + 0.5, 0.5])
    x.grad = None
    values, indices = F.adaptive_max_pool2d(x, (3, 1), return_indices=True)
    np.testing.assert_array_equal(values.numpy().ravel(), [2.0, 4.0, 5.0])
    np.testing.assert_array_equal(indices.numpy().ravel(), [1, 3, 4])
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy().ravel(), [0, 1, 0, 1, 1])


def test_max_ties_go_to_the_first_and_nans_win_the_last():
    """A tie's gradient goes to the bin's first maximum in row-major order (not split); a NaN is
    the maximum where there is one, the bin's last NaN (PyTorch's kernel scan)."""
    x = minigan.tensor(np.full((1, 1, 3, 4), 2.0), requires_grad=True)
    values, indices = F.adaptive_max_pool2d(x, (2, 2), return_indices=True)  # rows 0-1, 1-2; columns 0-1, 2-3
    np.testing.assert_array_equal(indices.numpy(), [[[[0, 2], [4, 6]]]])
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[1, 0, 1, 0], [1, 0, 1, 0], [0, 0, 0, 0]])
    plane = np.array([[1.0, np.nan, 3.0, np.nan], [9.0, 0.0, np.nan, 5.0]])
    values, indices = F.adaptive_max_pool2d(minigan.tensor(plane[None]), (1, 2), return_indices=True)
    assert np.isnan(values.numpy()).all()
    np.testing.assert_array_equal(indices.numpy(), [[[1, 6]]])
    np.testing.assert_array_equal(indices.numpy(), pool_by_hand(plane[None], 1, 2, "max")[1])


def test_classifier_head_and_repr():
    rng = np.random.default_rng(5)
    head = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, rng=rng), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)),
                         nn.Flatten(), nn.Linear(4, 2, rng=rng))
    for size in (7, 10):  # the same head for any input size
        out = head(minigan.randn(2, 3, size, size))
        assert out.shape == (2, 2)
        out.sum().backward()
    assert repr(nn.AdaptiveAvgPool2d(1)) == "AdaptiveAvgPool2d(output_size=1)"
    assert repr(nn.AdaptiveAvgPool2d((None, 7))) == "AdaptiveAvgPool2d(output_size=(None, 7))"
    assert repr(nn.AdaptiveMaxPool2d(2, return_indices=True)) == "AdaptiveMaxPool2d(output_size=2)"
    assert hasattr(nn, "AdaptiveMaxPool2d") and hasattr(F, "adaptive_max_pool2d")
    with pytest.raises(UnsupportedFeatureError, match="adaptive_max_pool2d_with_indices is not supported"):
        F.adaptive_max_pool2d_with_indices  # noqa: B018


def test_on_the_test_device():
    pytest.importorskip("array_api_strict")
    x_np = np.random.default_rng(6).standard_normal((2, 2, 5, 7))
    x = minigan.tensor(x_np).to("strict")
    np.testing.assert_allclose(F.adaptive_avg_pool2d(x, (3, 2)).cpu().numpy(), pool_by_hand(x_np, 3, 2, "avg")[0],
                               rtol=1e-12)
    values, indices = F.adaptive_max_pool2d(x, (3, 2), return_indices=True)
    np.testing.assert_array_equal(values.cpu().numpy(), pool_by_hand(x_np, 3, 2, "max")[0])
    np.testing.assert_array_equal(indices.cpu().numpy(), pool_by_hand(x_np, 3, 2, "max")[1])


@pytest.mark.parametrize("output_size, message", [
    (-1, r"output_size must not be negative \(None keeps the input's size\), got -1"),
    (-2, "output_size must not be negative"),
    ((3, -1), r"must not be negative .*got \(3, -1\)"),
    ((1, 2, 3), r"must be an int or a pair \(H, W\), got 3 values: \(1, 2, 3\)"),
    ((2,), r"got 1 values: \(2,\)"),
    (None, r"must be an int or a pair \(H, W\), got None"),
    (1.5, "got 1.5"),
    ((2, 1.5), r"must hold ints or None, got \(2, 1.5\)"),
    ((True, 2), "must hold ints or None"),
])
def test_bad_output_size_is_one_line(output_size, message):
    x = minigan.randn(1, 2, 5, 5)
    for call in (lambda: F.adaptive_avg_pool2d(x, output_size), lambda: F.adaptive_max_pool2d(x, output_size),
                 lambda: nn.AdaptiveAvgPool2d(output_size), lambda: nn.AdaptiveMaxPool2d(output_size)):
        with pytest.raises(ValueError, match=message) as error:
            call()
        assert "\n" not in str(error.value)


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("dims, shape, output_size, out_shape, grad_sizes, empty_dim", [
    (1, (2, 3, 5), 0, (2, 3, 0), [2, 3, 1, 0], 3),  # 1-d pools through the 2-d ones, as PyTorch's
    (1, (3, 5), 0, (3, 0), [3, 1, 0], 2),
    (2, (2, 3, 5, 4), (0, 2), (2, 3, 0, 2), [2, 3, 0, 2], 2),
    (2, (2, 3, 5, 4), (None, 0), (2, 3, 5, 0), [2, 3, 5, 0], 3),
    (2, (2, 3, 5, 4), 0, (2, 3, 0, 0), [2, 3, 0, 0], 2),
    (2, (3, 5, 4), (0, 2), (3, 0, 2), [3, 0, 2], 1),
    (3, (2, 3, 5, 4, 3), (2, 2, 0), (2, 3, 2, 2, 0), [2, 3, 2, 2, 0], 4),
    (3, (2, 3, 5, 4, 3), (None, 0, None), (2, 3, 5, 0, 3), [2, 3, 5, 0, 3], 3),
    (3, (3, 5, 4, 3), (0, 2, 2), (3, 0, 2, 2), [3, 0, 2, 2], 1),
])
def test_an_output_size_of_0_gives_pytorchs_empty_output_and_backward_error(kind, dims, shape, output_size, out_shape,
                                                                               grad_sizes, empty_dim):
    """PyTorch 2.14.1: an empty output that requires grad, and at backward its
    adaptive_*_pool{2,3}d_backward error, naming the gradient's sizes."""
    backward_name = "3d" if dims == 3 else "2d"
    function = getattr(F, f"adaptive_{kind}_pool{dims}d")
    module = getattr(nn, f"Adaptive{kind.capitalize()}Pool{dims}d")
    x = minigan.randn(*shape, dtype=minigan.float64, requires_grad=True)
    out = function(x, output_size)
    assert out.shape == out_shape and out.dtype == minigan.float64 and out.requires_grad
    assert module(output_size)(x).shape == out_shape
    with pytest.raises(RuntimeError) as raised:
        out.sum().backward()
    assert str(raised.value) == (f"adaptive_{kind}_pool{backward_name}_backward(): Expected grad_output to have non-zero "
                                 f"size for non-batch dimensions, but grad_output has sizes {grad_sizes} with dimension "
                                 f"{empty_dim} being empty")
    assert x.grad is None
    assert not function(x.detach(), output_size).requires_grad
    if kind == "max":
        values, indices = function(x.detach(), output_size, return_indices=True)
        assert values.shape == indices.shape == out_shape and indices.dtype == minigan.int64


def test_bad_inputs_are_one_line():
    with pytest.raises(ValueError, match=r"adaptive_avg_pool2d: expected input of shape \(N, C, H, W\) or its "
                                         r"unbatched form, got \(5, 5\)"):
        F.adaptive_avg_pool2d(minigan.randn(5, 5), 2)
    with pytest.raises(ValueError, match=r"adaptive_max_pool2d: input of shape \(1, 2, 0, 5\) has an empty spatial"):
        F.adaptive_max_pool2d(minigan.randn(1, 2, 0, 5), 2)
    with pytest.raises(TypeError, match="adaptive_avg_pool2d: expected a floating-point input, got int64"):
        F.adaptive_avg_pool2d(minigan.arange(25).reshape(1, 5, 5), 2)
    with pytest.raises(TypeError, match=r"AdaptiveMaxPool2d\(output_size=2\): expected a Tensor input, got ndarray"):
        nn.AdaptiveMaxPool2d(2)(np.zeros((1, 4, 4)))
    assert F.adaptive_avg_pool2d(minigan.randn(0, 2, 4, 4), 2).shape == (0, 2, 2, 2)  # an empty batch, as PyTorch
    assert F.adaptive_max_pool2d(minigan.randn(0, 2, 4, 4), 2).shape == (0, 2, 2, 2)
