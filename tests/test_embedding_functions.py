"""F.embedding (padding_idx, max_norm, scale_grad_by_freq), F.embedding_bag and nn.EmbeddingBag against
plain loops written out here, and against PyTorch 2.14.1's values written out by hand (float64),
with one clear line for each bad argument."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F


def _w(rows: int = 5, cols: int = 3) -> np.ndarray:
    return (np.arange(rows * cols, dtype=np.float64).reshape(rows, cols) - 7) / 4


def bags_by_hand(n: int, offsets, include_last_offset: bool) -> list[range]:
    ends = list(offsets[1:]) + ([] if include_last_offset else [n])
    return [range(int(a), int(b)) for a, b in zip(offsets, ends)]


def bag_by_hand(indices, offsets, weight, upstream, mode="mean", psw=None, padding_idx=None,
                include_last_offset=False):
    """(output, weight's gradient, per-sample weights' gradient), one bag and one entry at a time."""
    out = np.zeros((len(bags_by_hand(len(indices), offsets, include_last_offset)), weight.shape[1]))
    grad, grad_psw = np.zeros_like(weight), np.zeros(len(indices))
    for b, bag in enumerate(bags_by_hand(len(indices), offsets, include_last_offset)):
        entries = [k for k in bag if indices[k] != padding_idx]
        if not entries:
            continue
        if mode == "max":
            for d in range(weight.shape[1]):
                best = entries[0]
                for k in entries:
                    if weight[indices[k], d] > weight[indices[best], d]:
                        best = k  # the first largest wins
                out[b, d] = weight[indices[best], d]
                grad[indices[best], d] += upstream[b, d]
            continue
        for k in entries:
            factor = (psw[k] if psw is not None else 1.0) / (len(entries) if mode == "mean" else 1.0)
            out[b] += factor * weight[indices[k]]
            grad[indices[k]] += factor * upstream[b]
            if psw is not None:
                grad_psw[k] += weight[indices[k]] @ upstream[b]
    return out, grad, grad_psw


# ------------------------------------------------------------------------------------------- embedding
def test_embedding_values_and_gradient_against_a_loop():
    weight = minigan.tensor(_w(), requires_grad=True)
    idx = np.array([[4, 1, 1], [0, 2, 1]])
    out = F.embedding(minigan.tensor(idx), weight)
    np.testing.assert_array_equal(out.array, _w()[idx])
    upstream = np.random.default_rng(0).standard_normal((2, 3, 3))
    (out * minigan.tensor(upstream)).sum().backward()
    expected = np.zeros((5, 3))
    for (i, j), row in np.ndenumerate(idx):
        expected[row] += upstream[i, j]
    np.testing.assert_allclose(weight.grad.array, expected, rtol=1e-15)


def test_embedding_padding_and_frequency_scale_the_gradient_only():
    idx = np.array([[4, 1, 1], [0, 2, 1]])
    upstream = np.random.default_rng(1).standard_normal((2, 3, 3))
    for padding_idx, freq in ((1, False), (-1, True), (None, True), (2, True)):
        weight = minigan.tensor(_w(), requires_grad=True)
        out = F.embedding(idx, weight, padding_idx=padding_idx, scale_grad_by_freq=freq)
        np.testing.assert_array_equal(out.array, _w()[idx])  # the values are the rows, padding's too
        (out * minigan.tensor(upstream)).sum().backward()
        expected, counts = np.zeros((5, 3)), np.bincount(idx.ravel(), minlength=5)
        for (i, j), row in np.ndenumerate(idx):
            if padding_idx is None or row != padding_idx % 5:
                expected[row] += upstream[i, j] / (counts[row] if freq else 1)
        np.testing.assert_allclose(weight.grad.array, expected, rtol=1e-15)


def test_embedding_max_norm_renormalises_the_looked_up_rows_in_place_as_pytorch():
    weight = minigan.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [1.0, -1.0]], dtype=minigan.float64)
    version = weight._version
    out = F.embedding(np.array([[0, 3], [0, 1]]), weight, max_norm=1.0)
    # PyTorch 2.14.1, F.embedding(..., max_norm=1.0) on the same float64 weight: output and weight after
    row0, row3 = [0.5999999880000002, 0.7999999840000003], [0.707106731186551, -0.707106731186551]
    np.testing.assert_allclose(out.array, [[row0, row3], [row0, [0.3, 0.4]]], rtol=1e-15)
    np.testing.assert_allclose(weight.array, [row0, [0.3, 0.4], [6.0, 8.0], row3], rtol=1e-15)  # row 2 not looked up
    assert weight._version > version  # an in-place change, as PyTorch's
    weight = minigan.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [1.0, -1.0]], dtype=minigan.float64)
    out = F.embedding(np.array([2, 3]), weight, max_norm=2.0, norm_type=1.0)  # row 3's 1-norm is 2: kept
    np.testing.assert_allclose(out.array, [[0.8571428510204082, 1.1428571346938776], [1.0, -1.0]], rtol=1e-15)
    layer = nn.Embedding(4, 2, max_norm=1.0, scale_grad_by_freq=True)
    layer(np.array([0, 1, 2, 3, 3]))
    assert np.all(np.linalg.norm(layer.weight.array, axis=1) <= 1.0)
    assert repr(layer) == "Embedding(4, 2, max_norm=1.0, scale_grad_by_freq=True)"
    assert repr(nn.Embedding(4, 2, padding_idx=0, norm_type=1.0, max_norm=2.0)) == \
        "Embedding(4, 2, padding_idx=0, max_norm=2.0, norm_type=1.0)"


def test_embedding_errors_are_one_line_each():
    weight = minigan.tensor(_w())
    with pytest.raises(TypeError, match="embedding: indices must be integers"):
        F.embedding(minigan.tensor([1.0]), weight)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(np.array([5]), weight)
    with pytest.raises(RuntimeError, match="'weight' must be 2-D"):
        F.embedding(np.array([1]), minigan.tensor(np.ones(5)))
    with pytest.raises(ValueError, match="Padding_idx must be within num_embeddings"):
        F.embedding(np.array([1]), weight, padding_idx=-6)
    with pytest.raises(NotImplementedError, match="sparse gradients"):
        F.embedding(np.array([1]), weight, sparse=True)


# --------------------------------------------------------------------------------------- embedding_bag
INPUT, OFFSETS = np.array([4, 1, 1, 0, 2, 3]), np.array([0, 2, 2, 5])  # bag 1 is empty
UPSTREAM = np.arange(12.0).reshape(4, 3)
PYTORCH = {  # PyTorch 2.14.1: F.embedding_bag(INPUT, W, OFFSETS, mode=..., padding_idx=2), (out * UPSTREAM).sum()
    "sum": ([[0.25, 0.75, 1.25], [0, 0, 0], [-2.75, -2.25, -1.75], [0.5, 0.75, 1.0]],
            [[6, 7, 8], [6, 8, 10], [0, 0, 0], [9, 10, 11], [0, 1, 2]]),
    "mean": ([[0.125, 0.375, 0.625], [0, 0, 0], [-1.375, -1.125, -0.875], [0.5, 0.75, 1.0]],
             [[3, 3.5, 4], [3, 4, 5], [0, 0, 0], [9, 10, 11], [0, 0.5, 1]]),
    "max": ([[1.25, 1.5, 1.75], [0, 0, 0], [-1.0, -0.75, -0.5], [0.5, 0.75, 1.0]],
            [[0, 0, 0], [6, 7, 8], [0, 0, 0], [9, 10, 11], [0, 1, 2]]),
}


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_matches_pytorchs_values_and_gradients(mode):
    weight = minigan.tensor(_w(), requires_grad=True)
    out = F.embedding_bag(minigan.tensor(INPUT), weight, minigan.tensor(OFFSETS), mode=mode, padding_idx=2)
    (out * minigan.tensor(UPSTREAM)).sum().backward()
    np.testing.assert_allclose(out.array, PYTORCH[mode][0], rtol=1e-15)
    np.testing.assert_allclose(weight.grad.array, PYTORCH[mode][1], rtol=1e-15)


def test_embedding_bag_per_sample_weights_match_pytorch():
    weight = minigan.tensor(_w(), requires_grad=True)
    psw = minigan.tensor([0.5, -1.0, 2.0, 1.5, 0.25, -0.5], dtype=minigan.float64, requires_grad=True)
    out = F.embedding_bag(INPUT, weight, OFFSETS, mode="sum", per_sample_weights=psw)
    (out * minigan.tensor(UPSTREAM)).sum().backward()
    np.testing.assert_allclose(out.array, [[1.625, 1.5, 1.375], [0, 0, 0], [-4.6875, -3.75, -2.8125],
                                           [-0.25, -0.375, -0.5]], rtol=1e-15)
    np.testing.assert_allclose(weight.grad.array, [[9, 10.5, 12], [12, 13, 14], [1.5, 1.75, 2],
                                                   [-4.5, -5, -5.5], [0, 0.5, 1]], rtol=1e-15)
    np.testing.assert_allclose(psw.grad.array, [5.0, -1.75, -15.25, -31.0, 0.5, 23.0], rtol=1e-15)


LOOP_CASES = [(mode, options) for mode in ("sum", "mean", "max")
              for options in ({}, {"padding_idx": 1}, {"include_last_offset": True}, {"psw": True, "padding_idx": 5})
              if mode == "sum" or "psw" not in options]  # per_sample_weights: mode='sum' only


@pytest.mark.parametrize("mode, options", LOOP_CASES, ids=[f"{m}-{'-'.join(o) or 'plain'}" for m, o in LOOP_CASES])
def test_embedding_bag_against_a_loop(mode, options):
    rng = np.random.default_rng(3)
    weight_values = rng.standard_normal((6, 4))
    indices, offsets = np.array([5, 1, 1, 0, 2, 3, 1, 4, 5]), np.array([0, 3, 3, 4, 8])
    last = options.get("include_last_offset", False)
    if last:
        offsets = np.append(offsets, len(indices))
    psw_values = rng.standard_normal(len(indices)) if options.get("psw") else None
    upstream = rng.standard_normal((5, 4))
    weight = minigan.tensor(weight_values, requires_grad=True)
    psw = None if psw_values is None else minigan.tensor(psw_values, requires_grad=True)
    out = F.embedding_bag(indices, weight, offsets, mode=mode, per_sample_weights=psw,
                          include_last_offset=last, padding_idx=options.get("padding_idx"))
    (out * minigan.tensor(upstream)).sum().backward()
    expected, grad, grad_psw = bag_by_hand(indices, offsets, weight_values, upstream, mode, psw_values,
                                           options.get("padding_idx"), last)
    np.testing.assert_allclose(out.array, expected, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(weight.grad.array, grad, rtol=1e-14, atol=1e-15)
    if psw is not None:
        np.testing.assert_allclose(psw.grad.array, grad_psw, rtol=1e-14, atol=1e-15)


def test_embedding_bag_2d_input_is_fixed_bags_and_empty_bags_are_zeros():
    weight = minigan.tensor(_w())
    two_d = np.array([[4, 1, 1], [0, 2, 3]])
    for mode in ("sum", "mean", "max"):
        np.testing.assert_array_equal(F.embedding_bag(two_d, weight, mode=mode).array,
                                      F.embedding_bag(two_d.ravel(), weight, np.array([0, 3]), mode=mode).array)
    np.testing.assert_array_equal(F.embedding_bag(np.zeros(0, np.int64), weight, np.array([0, 0]), mode="max").array,
                                  np.zeros((2, 3)))
    assert F.embedding_bag(np.array([1, 2]), weight, np.array([0]), include_last_offset=True).shape == (0, 3)
    assert F.embedding_bag(np.array([1, 2]), weight, np.array([0])).dtype == np.float64


def test_embedding_bag_scale_grad_by_freq_and_max_norm():
    weight = minigan.tensor(_w(), requires_grad=True)
    out = F.embedding_bag(INPUT, weight, OFFSETS, mode="sum", scale_grad_by_freq=True)
    (out * minigan.tensor(UPSTREAM)).sum().backward()
    _, grad, _ = bag_by_hand(INPUT, OFFSETS, _w(), UPSTREAM, "sum")
    np.testing.assert_allclose(weight.grad.array, grad / np.maximum(np.bincount(INPUT, minlength=5), 1)[:, None])
    weight = minigan.tensor(_w())
    F.embedding_bag(np.array([0, 4]), weight, np.array([0]), max_norm=1.0)
    norms = np.linalg.norm(weight.array, axis=1)
    np.testing.assert_allclose(norms[[0, 4]], 1.0, rtol=1e-6)
    np.testing.assert_array_equal(weight.array[1:4], _w()[1:4])


def test_embedding_bag_module():
    bag = nn.EmbeddingBag(1000, 20, mode="sum", padding_idx=3)
    assert abs(float(bag.weight.array.std()) - 1.0) < 0.02 and bag.weight.dtype == np.float32  # N(0, 1)
    np.testing.assert_array_equal(bag.weight.array[3], 0)
    psw = minigan.tensor(np.ones(4, np.float32))
    out = bag(np.array([1, 2, 3, 4]), np.array([0, 2]), per_sample_weights=psw)
    np.testing.assert_allclose(out.array, [bag.weight.array[1] + bag.weight.array[2], bag.weight.array[4]], rtol=1e-6)
    assert repr(nn.EmbeddingBag(10, 3)) == "EmbeddingBag(10, 3, mode='mean')"
    assert repr(nn.EmbeddingBag(10, 3, mode="max", padding_idx=2, max_norm=1.0)) == \
        "EmbeddingBag(10, 3, max_norm=1.0, mode='max', padding_idx=2)"
    frozen = nn.EmbeddingBag.from_pretrained(minigan.tensor(_w()), mode="max")
    assert not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen(np.array([[0, 4]])).array, [_w()[4]])


def test_embedding_bag_errors_are_one_line_each():
    w = minigan.tensor(_w())
    cases = [
        (dict(input=np.array([[1, 2]]), offsets=np.array([0])), ValueError, "if input is 2D, then offsets has to be None"),
        (dict(offsets=None), ValueError, "offsets has to be a 1D Tensor but got None"),
        (dict(input=np.ones((1, 1, 1), np.int64)), ValueError, "input has to be 1D or 2D Tensor, but got Tensor of dimension 3"),
        (dict(mode="min"), ValueError, "mode has to be one of sum, mean or max"),
        (dict(mode="max", scale_grad_by_freq=True), ValueError, "max mode does not support scaling the gradient"),
        (dict(mode="mean", per_sample_weights=minigan.ones(2)), NotImplementedError, "only supported for mode='sum'"),
        (dict(mode="sum", per_sample_weights=minigan.ones(3)), ValueError, "it must have the same shape as the input"),
        (dict(offsets=np.array([1])), RuntimeError, "offsets\\[0\\] has to be 0"),
        (dict(offsets=np.array([0, 5])), RuntimeError, "offsets\\[-1\\] can not be greater than input's length 2"),
        (dict(input=np.array([1, 2, 3]), offsets=np.array([0, 2, 1])), RuntimeError, "offsets must be non-decreasing"),
        (dict(input=np.array([1, 9])), IndexError, "index out of range in self"),
        (dict(offsets=np.array([0.0])), TypeError, "offsets: indices must be integers"),
        (dict(sparse=True), NotImplementedError, "sparse gradients"),
    ]
    for kwargs, kind, message in cases:
        kwargs = {"input": np.array([1, 2]), "offsets": np.array([0]), **kwargs}
        with pytest.raises(kind, match=message):
            F.embedding_bag(weight=w, **kwargs)
    with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
        nn.EmbeddingBag(3, 2, mode="median")


@given(st.data())
def test_property_embedding_bag_equals_the_loop(data):
    rows = data.draw(st.integers(1, 6))
    n = data.draw(st.integers(0, 10))
    indices = np.array(data.draw(st.lists(st.integers(0, rows - 1), min_size=n, max_size=n)), dtype=np.int64)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), min_size=0, max_size=4)))
    offsets = np.array([0] + cuts, dtype=np.int64)
    mode = data.draw(st.sampled_from(["sum", "mean", "max"]))
    padding_idx = data.draw(st.one_of(st.none(), st.integers(0, rows - 1)))
    seed = data.draw(st.integers(0, 2**16))
    weight_values = np.random.default_rng(seed).standard_normal((rows, 3))
    upstream = np.random.default_rng(seed + 1).standard_normal((len(offsets), 3))
    weight = minigan.tensor(weight_values, requires_grad=True)
    with np.errstate(all="raise"):
        out = F.embedding_bag(indices, weight, offsets, mode=mode, padding_idx=padding_idx)
        (out * minigan.tensor(upstream)).sum().backward()
        expected, grad, _ = bag_by_hand(indices, offsets, weight_values, upstream, mode, None, padding_idx)
    np.testing.assert_allclose(out.array, expected, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(weight.grad.array, grad, rtol=1e-13, atol=1e-14)


def test_the_names_are_supported_now():
    for name in ("embedding", "embedding_bag", "dropout2d", "bilinear"):
        assert hasattr(F, name)
    assert hasattr(nn, "EmbeddingBag") and hasattr(nn, "Bilinear")
