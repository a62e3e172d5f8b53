"""The ``torch.*`` functions whose operation minigan.nn.functional already had, with PyTorch's
top-level arguments (order, required ones, ``reduction`` as an int), the window functions, and
``histogram``, ``nanmedian``, ``combinations`` and ``gradient``. Expected values are written out by
hand or computed here with plain NumPy from the formulas, as checked against PyTorch 2.14.1."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan
import minigan as torch
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)


def t64(values, requires_grad=False):
    return torch.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def close(tensor, expected, tol=1e-12):
    np.testing.assert_allclose(tensor.detach().numpy(), np.asarray(expected, dtype=np.float64), rtol=tol, atol=tol)


# ============================================================================ normalisation and layers
def test_batch_norm_takes_torch_top_level_order_and_all_nine_arguments():
    x = RNG.standard_normal((4, 3))
    w, b = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 3.0])
    out = torch.batch_norm(t64(x), t64(w), t64(b), None, None, True, 0.1, 1e-5, False)
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) * w + b
    close(out, expected, 1e-10)
    mean, var = np.array([0.5, -0.5, 0.0]), np.array([2.0, 1.0, 4.0])
    close(torch.batch_norm(t64(x), None, None, t64(mean), t64(var), False, 0.1, 1e-5, True),
          (x - mean) / np.sqrt(var + 1e-5), 1e-10)
    with pytest.raises(TypeError, match="cudnn_enabled"):
        torch.batch_norm(t64(x), None, None, None, None, True, 0.1, 1e-5)
    with pytest.raises(RuntimeError, match=r"^running_mean must be defined in evaluation mode$"):
        torch.batch_norm(t64(x), None, None, None, None, False, 0.1, 1e-5, False)
    with pytest.raises(TypeError, match=r"^batch_norm\(\): argument 'input' \(position 1\) must be Tensor, not list$"):
        torch.batch_norm([1.0], None, None, None, None, True, 0.1, 1e-5, False)


def test_batch_norm_updates_the_running_statistics_it_is_given():
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    mean, var = t64([0.0, 0.0]), t64([1.0, 1.0])
    torch.batch_norm(t64(x), None, None, mean, var, True, 0.5, 1e-5, False)
    close(mean, [1.0, 2.0])  # 0.5 * 0 + 0.5 * batch mean
    close(var, [0.5 + 0.5 * 2.0, 0.5 + 0.5 * 8.0])  # the unbiased batch variances 2 and 8


def test_instance_layer_group_and_rms_norm_values():
    x = RNG.standard_normal((2, 4, 3))
    per_map = (x - x.mean(2, keepdims=True)) / np.sqrt(x.var(2, keepdims=True) + 1e-5)
    close(torch.instance_norm(t64(x), None, None, None, None, True, 0.1, 1e-5, False), per_map, 1e-10)
    w, b = RNG.standard_normal(3), RNG.standard_normal(3)
    rows = (x - x.mean(2, keepdims=True)) / np.sqrt(x.var(2, keepdims=True) + 1e-5) * w + b
    close(torch.layer_norm(t64(x), [3], t64(w), t64(b)), rows, 1e-10)
    close(torch.layer_norm(t64(x), (3,), t64(w), t64(b), 1e-5, False), rows, 1e-10)
    g = x.reshape(2, 2, 6)
    grouped = ((g - g.mean(2, keepdims=True)) / np.sqrt(g.var(2, keepdims=True) + 1e-5)).reshape(x.shape)
    close(torch.group_norm(t64(x), 2), grouped, 1e-10)
    rms = x / np.sqrt((x ** 2).mean(2, keepdims=True) + np.finfo(np.float64).eps) * w
    close(torch.rms_norm(t64(x), [3], t64(w)), rms, 1e-10)
    close(torch.rms_norm(t64(x), [3], None, 0.5), x / np.sqrt((x ** 2).mean(2, keepdims=True) + 0.5), 1e-10)
    with pytest.raises(TypeError, match=r"^layer_norm\(\): argument 'normalized_shape' \(position 2\) must be "
                                        r"tuple of ints, not int$"):
        torch.layer_norm(t64(x), 3)


def test_norm_gradients_are_the_functional_forms():
    x = t64(RNG.standard_normal((3, 4)), True)
    w, b = t64(RNG.standard_normal(4), True), t64(RNG.standard_normal(4), True)
    assert gradcheck(lambda x, w, b: torch.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False), [x, w, b]).ok
    assert gradcheck(lambda x, w, b: torch.layer_norm(x, [4], w, b), [x, w, b]).ok
    assert gradgradcheck(lambda x: torch.rms_norm(x, [4]), [x]).ok


def test_embedding_takes_the_weight_first_and_padding_idx_minus_one_means_none():
    weight = t64(np.arange(12.0).reshape(4, 3), True)
    out = torch.embedding(weight, torch.tensor([[1, 3], [1, 0]]))
    close(out, [[[3, 4, 5], [9, 10, 11]], [[3, 4, 5], [0, 1, 2]]])
    out.sum().backward()
    close(weight.grad, [[1] * 3, [2] * 3, [0] * 3, [1] * 3])
    weight.grad = None
    torch.embedding(weight, torch.tensor([1, 3, 1]), 1).sum().backward()  # row 1 is padding: no gradient
    close(weight.grad, [[0] * 3, [0] * 3, [0] * 3, [1] * 3])
    with pytest.raises(RuntimeError, match=r"^'weight' must be 2-D$"):
        torch.embedding(torch.tensor([1, 2]), weight)


def test_shuffles_and_bilinear_are_the_functional_forms():
    assert torch.pixel_shuffle is F.pixel_shuffle and torch.pixel_unshuffle is F.pixel_unshuffle
    assert torch.channel_shuffle is F.channel_shuffle and torch.bilinear is F.bilinear
    x = torch.arange(8.0).reshape(1, 4, 1, 2)
    assert torch.pixel_shuffle(x, 2).tolist() == [[[[0.0, 2.0, 1.0, 3.0], [4.0, 6.0, 5.0, 7.0]]]]
    assert torch.channel_shuffle(torch.arange(4.0).reshape(1, 4, 1, 1), 2).reshape(-1).tolist() == [0.0, 2.0, 1.0, 3.0]
    a, b, w = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 2)), RNG.standard_normal((4, 3, 2))
    close(torch.bilinear(t64(a), t64(b), t64(w)), np.einsum("ni,kij,nj->nk", a, w, b), 1e-12)


def test_constant_pad_nd():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert torch.constant_pad_nd(x, [1, 0], 9).tolist() == [[9.0, 1.0, 2.0], [9.0, 3.0, 4.0]]
    assert torch.constant_pad_nd(x, [0, 0, 0, 1]).tolist() == [[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]]
    assert torch.constant_pad_nd(x, [-1, 0]).tolist() == [[2.0], [4.0]]  # a negative amount crops
    ints = torch.constant_pad_nd(torch.tensor([[1, 2]]), [1, 0], 3.5)  # the value in the input's dtype
    assert ints.dtype == np.int64 and ints.tolist() == [[3, 1, 2]]
    with pytest.raises(RuntimeError, match=r"^Length of pad must be even but instead it equals 1$"):
        torch.constant_pad_nd(x, [1])


# ============================================================================ distances and losses
def test_distances_are_the_functional_forms():
    assert torch.cosine_similarity is F.cosine_similarity and torch.pairwise_distance is F.pairwise_distance
    assert torch.pdist is F.pdist
    rows = np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])
    close(torch.pdist(t64(rows)), [5.0, 10.0, 5.0])


@pytest.mark.parametrize("reduction, reduce", [
    (None, lambda v: v), (0, lambda v: v), (7, lambda v: v), (-1, lambda v: v),
    (1, np.mean), (2, np.sum),
])
def test_reduction_is_an_int_and_left_out_reduces_nothing(reduction, reduce):
    # PyTorch 2.14.1's top-level losses reduce nothing when reduction is left out, and any int
    # other than 1 (mean) and 2 (sum) is none
    x, y = RNG.standard_normal((3, 4)), RNG.uniform(0.1, 1.0, (3, 4))
    extra = () if reduction is None else (reduction,)
    close(torch.kl_div(t64(x), t64(y), *extra), reduce(y * (np.log(y) - x)), 1e-12)
    s = np.where(RNG.standard_normal((3, 4)) > 0, 1.0, -1.0)
    close(torch.margin_ranking_loss(t64(x), t64(y), t64(s), 0.2, *extra),
          reduce(np.maximum(0.0, -s * (x - y) + 0.2)), 1e-12)
    close(torch.hinge_embedding_loss(t64(x), t64(s), 0.5, *extra),
          reduce(np.where(s == 1, x, np.maximum(0.0, 0.5 - x))), 1e-12)
    softplus = np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0.0)
    close(torch.binary_cross_entropy_with_logits(t64(x), t64(y), None, None, *extra),
          reduce(y * (softplus - x) + (1 - y) * softplus), 1e-12)


def test_reduction_refuses_strings_and_bools():
    x, y = t64([0.1, 0.2]), t64([0.5, 0.5])
    with pytest.raises(TypeError, match=r"^kl_div\(\): argument 'reduction' \(position 3\) must be int, not str$"):
        torch.kl_div(x, y, "mean")
    with pytest.raises(TypeError, match=r"^margin_ranking_loss\(\): argument 'reduction' \(position 5\) must be "
                                        r"int, not bool$"):
        torch.margin_ranking_loss(x, y, t64([1.0, -1.0]), 0.0, True)
    with pytest.raises(TypeError):  # log_target is keyword-only
        torch.kl_div(x, y, 1, True)
    close(torch.kl_div(x, t64(np.log([0.5, 0.5])), 2, log_target=True), np.sum(0.5 * (np.log(0.5) - [0.1, 0.2])))


def test_poisson_nll_loss_requires_all_six_arguments():
    x, y = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0, 3.0])
    with pytest.raises(TypeError):
        torch.poisson_nll_loss(t64(x), t64(y))
    close(torch.poisson_nll_loss(t64(x), t64(y), True, False, 1e-8, 0), np.exp(x) - y * x)
    rate = np.array([0.5, 1.0, 2.0])
    close(torch.poisson_nll_loss(t64(rate), t64(y), log_input=False, full=False, eps=1e-8, reduction=2),
          np.sum(rate - y * np.log(rate + 1e-8)))
    big = y[2]  # Stirling's term is added where the target is above 1 only
    stirling = big * np.log(big) - big + 0.5 * np.log(2 * np.pi * big)
    close(torch.poisson_nll_loss(t64(x), t64(y), True, True, 1e-8, 1),
          np.mean(np.exp(x) - y * x + np.array([0.0, 0.0, stirling])))


def test_triplet_and_cosine_embedding_losses():
    a, p, n = (RNG.standard_normal((3, 4)) for _ in range(3))
    dist = lambda u, v: np.sqrt(np.sum((u - v + 1e-6) ** 2, axis=1))  # noqa: E731
    close(torch.triplet_margin_loss(t64(a), t64(p), t64(n), 0.5),
          np.maximum(dist(a, p) - dist(a, n) + 0.5, 0.0), 1e-12)
    swapped = np.minimum(dist(a, n), dist(p, n))
    close(torch.triplet_margin_loss(t64(a), t64(p), t64(n), 1.0, 2.0, 1e-6, True, 2),
          np.sum(np.maximum(dist(a, p) - swapped + 1.0, 0.0)), 1e-12)
    s = np.array([1.0, -1.0, -1.0])
    cos = np.sum(a * p, 1) / np.sqrt(np.sum(a * a, 1) * np.sum(p * p, 1))
    close(torch.cosine_embedding_loss(t64(a), t64(p), t64(s), 0.1),
          np.where(s == 1, 1 - cos, np.maximum(0.0, cos - 0.1)), 1e-10)


def test_bce_with_logits_takes_pos_weight_before_reduction():
    x, y = np.array([[0.3, -1.2]]), np.array([[1.0, 0.0]])
    w, pw = np.array([2.0, 0.5]), np.array([3.0, 1.0])
    log_sig, log_one_minus = -np.log1p(np.exp(-x)), -np.log1p(np.exp(x))
    expected = -w * (pw * y * log_sig + (1 - y) * log_one_minus)
    close(torch.binary_cross_entropy_with_logits(t64(x), t64(y), t64(w), t64(pw)), expected, 1e-12)
    close(torch.binary_cross_entropy_with_logits(t64(x), t64(y), t64(w), t64(pw), 1), expected.mean(), 1e-12)


def test_ctc_loss_with_one_step_and_int_reduction():
    # one time step and a one-label target: the only path emits the label, loss = -log p(label)
    probs = np.array([[[0.2, 0.5, 0.3]], [[0.1, 0.1, 0.8]]]).transpose(1, 0, 2)  # (T=1, N=2, C=3)
    log_probs = t64(np.log(probs), True)
    out = torch.ctc_loss(log_probs, torch.tensor([[1], [2]]), [1, 1], [1, 1])
    close(out, [-np.log(0.5), -np.log(0.8)], 1e-12)
    close(torch.ctc_loss(log_probs, torch.tensor([[1], [2]]), [1, 1], [1, 1], 0, 2), -np.log(0.5) - np.log(0.8))
    close(torch.ctc_loss(log_probs, torch.tensor([1, 2]), torch.tensor([1, 1]), torch.tensor([1, 1]), 0, 1),
          (-np.log(0.5) - np.log(0.8)) / 2, 1e-12)


def test_loss_gradients():
    x = t64(RNG.standard_normal((3, 4)), True)
    y = t64(RNG.uniform(0.1, 1.0, (3, 4)))
    assert gradcheck(lambda x: torch.kl_div(x, y, 1), [x]).ok
    assert gradcheck(lambda x: torch.binary_cross_entropy_with_logits(x, y, None, t64(np.full(4, 2.0)), 2), [x]).ok
    assert gradcheck(lambda x: torch.poisson_nll_loss(x, y, True, True, 1e-8, 0), [x]).ok
    other = t64(RNG.standard_normal((3, 4)), True)
    assert gradcheck(lambda a, b: torch.triplet_margin_loss(a, b, y, 1.0, 2.0, 1e-6, False, 1), [x, other]).ok


# ============================================================================ pools and dropouts
def test_max_pool1d_has_no_return_indices_and_adaptive_max_pool1d_returns_both():
    x = torch.tensor([[[1.0, 5.0, 2.0, 4.0, 3.0, 0.0]]])
    assert torch.max_pool1d(x, 2).tolist() == [[[5.0, 4.0, 3.0]]]
    assert torch.max_pool1d(x, 3, 2, 1, 1, True).tolist() == [[[5.0, 5.0, 4.0, 0.0]]]  # the last window: x[5]
    with pytest.raises(TypeError):
        torch.max_pool1d(x, 2, return_indices=True)
    values, indices = torch.adaptive_max_pool1d(x, 2)
    assert values.tolist() == [[[5.0, 4.0]]] and indices.tolist() == [[[1, 3]]]
    assert torch.adaptive_avg_pool1d(x, (3,)).tolist() == [[[3.0, 3.0, 1.5]]]
    assert torch.avg_pool1d(x, 2, 2).tolist() == [[[3.0, 3.0, 1.5]]]
    assert torch.avg_pool1d is F.avg_pool1d and torch.adaptive_avg_pool1d is F.adaptive_avg_pool1d


@pytest.mark.parametrize("name", ["alpha_dropout", "feature_alpha_dropout", "feature_dropout", "dropout_",
                                  "alpha_dropout_", "feature_alpha_dropout_", "feature_dropout_"])
def test_dropouts_take_input_p_and_train_all_required(name):
    f = getattr(torch, name)
    x = torch.ones(2, 3)
    with pytest.raises(TypeError, match="train"):
        f(x, 0.5)
    assert f(x, 0.5, False).tolist() == [[1.0] * 3] * 2  # not training: the input
    with pytest.raises(RuntimeError, match=r"^dropout probability has to be between 0 and 1, but got 1.5$"):
        f(x, 1.5, True)
    with pytest.raises(TypeError, match=r"argument 'train' \(position 3\) must be bool, not int"):
        f(x, 0.5, 1)


def test_feature_dropout_zeroes_whole_channels_and_scales_the_rest():
    torch.manual_seed(0)
    out = torch.feature_dropout(torch.ones(20, 6, 5), 0.25, True).numpy()
    per_channel = out.reshape(120, 5)
    assert set(np.unique(per_channel).tolist()) == {0.0, float(np.float32(1 / 0.75))}
    assert all(len(set(row)) == 1 for row in per_channel.tolist())  # a channel is all kept or all dropped
    assert 0 < (per_channel[:, 0] == 0).sum() < 120
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions in the input"):
        torch.feature_dropout(torch.ones(4), 0.5, True)


def test_alpha_dropout_values_are_the_affine_map_of_kept_or_floored_units():
    scale, alpha, p = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717, 0.2
    floor = -scale * alpha
    a = 1.0 / math.sqrt((1 - p) * (1 + p * floor ** 2))
    b = -a * floor * p
    x = RNG.standard_normal((50, 4))
    out = torch.alpha_dropout(t64(x), p, True).numpy()
    kept = np.isclose(out, a * x + b)
    assert np.all(kept | np.isclose(out, a * floor + b)) and 0 < kept.sum() < x.size


def test_in_place_dropouts_write_into_their_input():
    torch.manual_seed(3)
    x = torch.ones(4, 6)
    assert torch.dropout_(x, 0.5, True) is x
    assert set(np.unique(x.numpy())) == {0.0, 2.0}
    leaf = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        torch.dropout_(leaf, 0.5, True)
    assert torch.alpha_dropout_(leaf, 0.5, False) is leaf  # not training: nothing written, no error


def test_rrelu_takes_a_generator_and_no_inplace():
    x = t64([-2.0, 3.0, -1.0])
    close(torch.rrelu(x), [-2.0 * (1 / 8 + 1 / 3) / 2, 3.0, -1.0 * (1 / 8 + 1 / 3) / 2])
    with pytest.raises(TypeError):
        torch.rrelu(x, inplace=True)
    draws = [torch.rrelu(-torch.ones(100, dtype=torch.float64), 0.1, 0.3, True, torch.Generator().manual_seed(5))
             for _ in range(2)]
    assert draws[0].tolist() == draws[1].tolist()
    assert np.all((-draws[0].numpy() >= 0.1) & (-draws[0].numpy() <= 0.3)) and len(set(draws[0].tolist())) > 50
    with pytest.raises(RuntimeError, match=r"^Lower bound should be less than or equal to the upper bound$"):
        torch.rrelu(x, 0.5, 0.1, True)
    y = t64([-2.0, 3.0])
    assert torch.rrelu_(y, 0.2, 0.4) is y
    close(y, [-2.0 * 0.3, 3.0], 1e-15)


def test_in_place_activations():
    x = t64([-1.0, 0.5, 2.0])
    assert torch.threshold_(x, 0.6, 9.0) is x and x.tolist() == [9.0, 9.0, 2.0]
    y = t64([-1.0, 2.0])
    torch.celu_(y, 0.5)
    close(y, [0.5 * (np.exp(-2.0) - 1), 2.0])
    z = t64([-1.0, 2.0])
    torch.selu_(z)
    close(z, [1.0507009873554805 * 1.6732632423543772 * (np.exp(-1.0) - 1), 1.0507009873554805 * 2.0], 1e-15)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        torch.celu_(t64([1.0], True))


# ============================================================================ windows
def _windows(n, m):
    return {
        "hann": 0.5 - 0.5 * np.cos(2 * np.pi * n / (m - 1)),
        "hamming": 0.54 - 0.46 * np.cos(2 * np.pi * n / (m - 1)),
        "blackman": 0.42 - 0.5 * np.cos(2 * np.pi * n / (m - 1)) + 0.08 * np.cos(4 * np.pi * n / (m - 1)),
        "bartlett": 1 - np.abs(2 * n / (m - 1) - 1),
        "kaiser": np.i0(12.0 * np.sqrt(np.maximum(1 - ((n - (m - 1) / 2) / ((m - 1) / 2)) ** 2, 0))) / np.i0(12.0),
    }


@pytest.mark.parametrize("name", ["hann", "hamming", "blackman", "bartlett", "kaiser"])
@pytest.mark.parametrize("length", [2, 5, 8])
def test_window_values_periodic_by_default(name, length):
    f = getattr(torch, f"{name}_window")
    n = np.arange(length, dtype=np.float64)
    periodic, symmetric = _windows(n, length + 1)[name], _windows(n, length)[name]
    close(f(length, dtype=torch.float64), periodic, 1e-12)
    close(f(length, False, dtype=torch.float64), symmetric, 1e-12)
    close(f(length, periodic=False, dtype=torch.float64), symmetric, 1e-12)
    default = f(length)
    assert default.dtype == np.float32 and default.requires_grad is False
    close(default, periodic, 1e-6)


def test_window_edge_cases_and_errors():
    assert torch.hann_window(0).shape == (0,) and torch.kaiser_window(1).tolist() == [1.0]
    assert torch.bartlett_window(1, False).tolist() == [1.0]
    assert torch.hann_window(5, False).tolist() == [0.0, 0.5, 1.0, 0.5, 0.0]
    w = torch.blackman_window(3, dtype=torch.float64, requires_grad=True)
    assert w.requires_grad and w.is_leaf and w.dtype == np.float64
    close(torch.hamming_window(5, False, 0.5, 0.5), [0.0, 0.5, 1.0, 0.5, 0.0], 1e-7)
    beta = 4.0
    n = np.arange(9.0)
    close(torch.kaiser_window(9, True, beta, dtype=torch.float64),
          np.i0(beta * np.sqrt(1 - ((n - 4.5) / 4.5) ** 2)) / np.i0(beta), 1e-12)
    with pytest.raises(RuntimeError, match=r"^hann_window requires non-negative window_length, got window_length=-1$"):
        torch.hann_window(-1)
    with pytest.raises(RuntimeError, match=r"^kaiser_window expects floating point dtypes, got: Long$"):
        torch.kaiser_window(4, dtype=torch.int64)
    with pytest.raises(TypeError, match=r"^bartlett_window\(\): argument 'window_length' \(position 1\) must be "
                                        r"int, not float$"):
        torch.bartlett_window(3.0)


# ============================================================================ statistics
def test_histogram_counts_and_edges():
    x = torch.tensor([1.0, 2.0, 1.0, 4.0, 2.5])
    hist, edges = torch.histogram(x, 3)
    assert hist.tolist() == [2.0, 2.0, 1.0] and edges.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert hist.dtype == np.float32 and edges.dtype == np.float32 and not hist.requires_grad
    result = torch.histogram(x, 4, range=(0.0, 4.0))
    assert result.hist.tolist() == [0.0, 2.0, 2.0, 1.0] and result.bin_edges.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    hist, _ = torch.histogram(x, torch.tensor([0.0, 1.5, 5.0]))
    assert hist.tolist() == [2.0, 3.0]
    hist, edges = torch.histogram(t64([1.0, 2.0, 1.0, 4.0, 2.5]), 2, weight=t64([2.0] * 5), density=True)
    # weights 6 and 4 over bins of width 1.5, total 10: 6 / 15 and 4 / 15
    close(hist, [6 / 15, 4 / 15])
    close(edges, [1.0, 2.5, 4.0])
    hist, edges = torch.histogram(torch.ones(3), 2)  # one value: the range widened by 1/2 each way
    assert hist.tolist() == [0.0, 3.0] and edges.tolist() == [0.5, 1.0, 1.5]
    hist, edges = x.histogram(2, range=(1.5, 2.5))
    assert hist.tolist() == [0.0, 2.0] and edges.tolist() == [1.5, 2.0, 2.5]


def test_histogram_errors():
    x = torch.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"^torch.histogram\(\): bins must be > 0, but got 0 for dimension 0$"):
        torch.histogram(x, 0)
    with pytest.raises(RuntimeError, match=r"^torch.histogramdd: min should not exceed max, but got min 3 max 1"):
        torch.histogram(x, 2, range=(3.0, 1.0))
    with pytest.raises(RuntimeError, match=r"range \[nan, nan\] is not finite"):
        torch.histogram(torch.tensor([1.0, float("nan")]), 2)
    with pytest.raises(NotImplementedError, match=r"^\"histogramdd\" not implemented for 'Long'$"):
        torch.histogram(torch.tensor([1, 2]), 2)
    with pytest.raises(RuntimeError, match="same shape as the input tensor"):
        torch.histogram(x, 2, weight=torch.ones(3))


def test_nanmedian_leaves_the_nans_out():
    nan = float("nan")
    y = t64([[1, nan, 3], [nan, nan, nan], [4, 2, nan], [5, 1, 3]])
    values, indices = torch.nanmedian(y, 1)
    assert np.isnan(values.tolist()[1]) and [values.tolist()[i] for i in (0, 2, 3)] == [1.0, 2.0, 3.0]
    assert indices.tolist() == [0, 0, 1, 2]
    kept = y.nanmedian(0, True)
    assert kept.values.tolist() == [[4.0, 1.0, 3.0]] and kept.indices.tolist() == [[2, 3, 0]]
    assert torch.nanmedian(y).item() == 3.0 and math.isnan(torch.median(y).item())
    assert math.isnan(torch.nanmedian(t64([nan, nan])).item()) and math.isnan(torch.nanmedian(t64([])).item())
    assert torch.nanmedian(torch.tensor([3, 1, 2, 4])).tolist() == 2
    with pytest.raises(IndexError, match=r"^median\(\): Expected reduction dim 1 to have non-zero size.$"):
        torch.nanmedian(torch.ones(2, 0), 1)


def test_nanmedian_gradients():
    nan = float("nan")
    y = t64([[1, nan, 3], [nan, nan, nan], [4, 2, nan], [5, 1, 3]], True)
    torch.nanmedian(y, 1).values.sum().backward()  # along a dim: to the element picked
    close(y.grad, [[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    y.grad = None
    torch.nanmedian(y).backward()  # the whole tensor: shared by the elements equal to it (two 3s)
    close(y.grad, [[0, 0, 0.5], [0, 0, 0], [0, 0, 0], [0, 0, 0.5]])
    x = t64(RNG.standard_normal((3, 5)), True)
    assert gradcheck(lambda x: torch.nanmedian(x, 1).values, [x]).ok


def test_combinations():
    x = torch.tensor([1.0, 2.0, 3.0])
    assert torch.combinations(x).tolist() == [[1.0, 2.0], [1.0, 3.0], [2.0, 3.0]]
    assert torch.combinations(x, 2, True).tolist() == [[1.0, 1.0], [1.0, 2.0], [1.0, 3.0], [2.0, 2.0], [2.0, 3.0],
                                                       [3.0, 3.0]]
    assert torch.combinations(x, r=1).tolist() == [[1.0], [2.0], [3.0]]
    assert torch.combinations(x, 0).shape == (0,) and torch.combinations(x, 4).shape == (0, 4)
    assert torch.combinations(torch.tensor([3, 4])).tolist() == [[3, 4]]
    with pytest.raises(RuntimeError, match=r"^Expect a 1D vector, but got shape \[2, 2\]$"):
        torch.combinations(torch.ones(2, 2))
    with pytest.raises(RuntimeError, match=r"^Expect a non-negative number, but got -1$"):
        torch.combinations(x, -1)
    v = t64([1.0, 2.0, 3.0, 4.0], True)
    torch.combinations(v, 3).sum().backward()  # each element is in C(3, 2) = 3 of the 4 triples
    close(v.grad, [3.0] * 4)


def test_gradient_values():
    g = torch.tensor([1.0, 4.0, 9.0, 16.0, 25.0])
    (d,) = torch.gradient(g)
    assert d.tolist() == [3.0, 4.0, 6.0, 8.0, 9.0]
    assert torch.gradient(g, edge_order=2)[0].tolist() == [2.0, 4.0, 6.0, 8.0, 10.0]
    assert torch.gradient(g, spacing=2.0)[0].tolist() == [1.5, 2.0, 3.0, 4.0, 4.5]
    coords = [t64([0.0, 1.0, 1.5, 3.5, 4.0])]
    # inside: h_l = 1, h_r = 0.5 at x = 1 gives -1/3 * 1 - 1 * 4 + 4/3 * 9 = 23/3
    close(torch.gradient(t64([1.0, 4.0, 9.0, 16.0, 25.0]), spacing=coords)[0], [3.0, 23 / 3, 8.7, 15.1, 18.0])
    close(torch.gradient(t64([1.0, 4.0, 9.0, 16.0, 25.0]), spacing=coords, edge_order=2)[0],
          [-5 / 3, 23 / 3, 8.7, 15.1, 20.9])
    grid = np.arange(12.0).reshape(3, 4) ** 2
    rows, cols = torch.gradient(t64(grid), spacing=[2.0, 3.0])
    close(rows, np.gradient(grid, 2.0, axis=0))
    close(cols, np.gradient(grid, 3.0, axis=1))
    (only,) = torch.gradient(t64(grid), dim=1)
    close(only, np.gradient(grid, axis=1))
    assert torch.gradient(torch.tensor([1, 4, 9]))[0].tolist() == [3.0, 4.0, 5.0]
    assert torch.gradient(torch.tensor([1, 4, 9]))[0].dtype == np.float32
    assert torch.gradient(torch.tensor(1.0)) == ()


def test_gradient_errors():
    g = torch.ones(3, 4)
    with pytest.raises(RuntimeError, match=r"^torch.gradient only supports edge_order=1 and edge_order=2.$"):
        torch.gradient(g, edge_order=3)
    with pytest.raises(RuntimeError, match=r"^torch.gradient expected each dimension size to be at least "
                                           r"edge_order\+1$"):
        torch.gradient(torch.ones(2), edge_order=2)
    with pytest.raises(RuntimeError, match=r"a list of length equal to 'self.dim\(\) = 2', since dim argument was "
                                           r"not given, but got a list of length 1$"):
        torch.gradient(g, spacing=[1.0])
    with pytest.raises(RuntimeError, match=r"spacing argument of length 2 and a dim argument of length 1.$"):
        torch.gradient(g, spacing=[1.0, 2.0], dim=0)
    with pytest.raises(RuntimeError, match=r"^dim 1 appears multiple times in the list of dims$"):
        torch.gradient(g, dim=[1, 1])
    with pytest.raises(RuntimeError, match="to have one dimension, but got an element with 2 dimensions"):
        torch.gradient(g, spacing=[torch.ones(3, 1)], dim=0)
    with pytest.raises(RuntimeError, match="as many elements as dim 0 of the input"):
        torch.gradient(g, spacing=[torch.ones(2)], dim=0)


def test_gradient_is_differentiable():
    x = t64(RNG.standard_normal((4, 5)), True)
    coords = t64([0.0, 0.3, 1.0, 1.2, 2.0])
    assert gradcheck(lambda x: torch.gradient(x, edge_order=2)[1], [x]).ok
    assert gradcheck(lambda x: torch.gradient(x, spacing=[coords], dim=1, edge_order=2)[0], [x]).ok
    assert gradgradcheck(lambda x: torch.gradient(x, spacing=2.0)[0] ** 2, [x]).ok


def test_the_strict_device_runs_them():
    pytest.importorskip("array_api_strict")
    x = t64(RNG.standard_normal((3, 4))).to("strict")
    hist, edges = torch.histogram(x, 3)
    assert hist.device.type == "strict" and hist.cpu().numpy().sum() == 12
    assert torch.nanmedian(x, 1).values.device.type == "strict"
    assert torch.gradient(x, edge_order=2)[0].device.type == "strict"
    assert torch.combinations(x[0]).shape == (6, 2)
    assert torch.hann_window(4, device="strict").device.type == "strict"
    assert torch.kl_div(x, x.abs(), 1).device.type == "strict"


def test_the_names_are_exported():
    names = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm", "embedding", "bilinear",
             "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "constant_pad_nd", "cosine_similarity",
             "pairwise_distance", "pdist", "kl_div", "margin_ranking_loss", "hinge_embedding_loss", "poisson_nll_loss",
             "triplet_margin_loss", "cosine_embedding_loss", "binary_cross_entropy_with_logits", "ctc_loss",
             "avg_pool1d", "max_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "alpha_dropout",
             "alpha_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_", "dropout_", "feature_dropout",
             "feature_dropout_", "rrelu", "rrelu_", "threshold_", "celu_", "selu_", "hann_window", "hamming_window",
             "blackman_window", "bartlett_window", "kaiser_window", "histogram", "nanmedian", "combinations",
             "gradient"]
    assert set(names) <= set(minigan.__all__)
    assert all(callable(getattr(minigan, name)) for name in names)


def test_nanmedian_shares_the_gradient_of_an_infinite_median_between_its_ties():
    x = minigan.tensor([math.inf, math.inf, 1.0, math.nan], requires_grad=True)
    value = minigan.nanmedian(x)
    value.backward()
    assert value.item() == math.inf
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.5, 0.0, 0.0])  # PyTorch's split, with no NaN


@pytest.mark.parametrize("values, expected_value, expected_grad", [
    ([2.0, 2.0, 1.0, 2.0, 5.0], 2.0, [1 / 3, 1 / 3, 0.0, 1 / 3, 0.0]),
    ([math.inf, math.inf, math.inf, 1.0], math.inf, [1 / 3, 1 / 3, 1 / 3, 0.0]),
    ([1.0, math.nan, math.nan], math.nan, [0.0, 0.5, 0.5]),  # a NaN median: shared by the NaNs
    ([-0.0, -0.0, 1.0], -0.0, [0.5, 0.5, 0.0]),
])
def test_median_of_a_whole_tensor_shares_its_gradient_between_the_ties(values, expected_value, expected_grad):
    x = minigan.tensor(values, requires_grad=True)
    value = minigan.median(x)
    value.backward()
    np.testing.assert_array_equal(value.numpy(), np.float32(expected_value))
    assert math.copysign(1.0, value.item()) == math.copysign(1.0, expected_value)  # -0.0 stays -0.0
    np.testing.assert_allclose(x.grad.numpy(), expected_grad, rtol=1e-6)
