"""randperm, bernoulli, multinomial and normal: exact properties (a permutation, distinct draws, classes of
probability 0 never drawn), the frequencies checked statistically with a fixed seed, PyTorch's
messages for bad input, and the same draws from the same seed."""
import math

import numpy as np
import pytest

import minigan

pytestmark = pytest.mark.filterwarnings("error")


def _generator(seed=0):
    return minigan.Generator().manual_seed(seed)


def test_randperm_is_a_permutation_of_its_dtype_and_follows_the_seed():
    p = minigan.randperm(50, generator=_generator())
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(50))
    assert minigan.randperm(50, generator=_generator()).tolist() == p.tolist()
    assert minigan.randperm(50, generator=_generator(1)).tolist() != p.tolist()
    assert minigan.randperm(3, dtype=minigan.float32).dtype == np.float32
    assert minigan.randperm(0).tolist() == []
    minigan.manual_seed(3)
    first = minigan.randperm(10).tolist()
    minigan.manual_seed(3)
    assert minigan.randperm(10).tolist() == first
    with pytest.raises(RuntimeError, match=r"Trying to create tensor with negative dimension -1: \[-1\]"):
        minigan.randperm(-1)
    with pytest.raises(TypeError, match="must be int, not float"):
        minigan.randperm(3.0)


def test_randperm_positions_are_uniform():
    counts = np.zeros((4, 4))
    g = _generator()
    for _ in range(4000):
        counts[np.arange(4), minigan.randperm(4, generator=g).numpy()] += 1
    expected = 1000.0
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 40.0  # 9 degrees of freedom: P(chi2 > 40) < 1e-5


def test_bernoulli_frequencies_dtype_and_errors():
    p = minigan.tensor([0.0, 1.0, 0.25, 0.5], dtype=minigan.float64)
    draws = np.stack([minigan.bernoulli(p, generator=g).numpy() for g in [_generator()] for _ in range(4000)])
    assert draws.dtype == np.float64 and set(np.unique(draws)) <= {0.0, 1.0}
    assert draws[:, 0].sum() == 0 and draws[:, 1].sum() == 4000  # exact at 0 and 1
    # 4000 draws: the standard deviation of the mean is at most 0.008; allow 5 of them
    assert abs(draws[:, 2].mean() - 0.25) < 0.04 and abs(draws[:, 3].mean() - 0.5) < 0.04
    assert minigan.ones(1000).bernoulli(0.0, generator=_generator()).sum().item() == 0.0
    for bad in ([0.0, 1.5], [0.0, -0.5], [0.0, float("nan")]):
        with pytest.raises(RuntimeError, match=r"Expected p_in >= 0 && p_in <= 1 to be true, but got false."):
            minigan.bernoulli(minigan.tensor(bad))


def test_multinomial_without_replacement_gives_distinct_classes_zero_weights_last():
    g = _generator()
    weights = minigan.tensor([[0.0, 1.0, 2.0, 0.0, 3.0], [1.0, 1.0, 1.0, 1.0, 0.0]])
    for _ in range(200):
        drawn = minigan.multinomial(weights, 3, generator=g)
        assert drawn.dtype == np.int64 and drawn.shape == (2, 3)
        assert sorted(drawn[0].tolist()) == [1, 2, 4]  # the three classes of weight > 0, never 0 or 3
        assert len(set(drawn[1].tolist())) == 3 and 4 not in drawn[1].tolist()
    # more draws than classes of weight > 0: those of weight 0 come last, as PyTorch's
    assert sorted(minigan.multinomial(minigan.tensor([0.0, 1.0, 2.0]), 3, generator=g).tolist()[:2]) == [1, 2]
    # the first draw is in proportion to the weights: class 2 first 2/3 of the time
    firsts = np.array([minigan.multinomial(minigan.tensor([0.0, 1.0, 2.0]), 2, generator=g)[0].item()
                       for _ in range(3000)])
    assert abs((firsts == 2).mean() - 2.0 / 3.0) < 0.04 and (firsts == 0).sum() == 0


def test_multinomial_with_replacement_follows_the_weights():
    probs = np.array([0.1, 0.0, 0.6, 0.3])
    drawn = minigan.tensor(probs * 7.0).multinomial(20000, replacement=True, generator=_generator()).numpy()
    counts = np.bincount(drawn, minlength=4)
    assert counts[1] == 0 and drawn.dtype == np.int64
    expected = probs * 20000
    chi2 = float(((counts[[0, 2, 3]] - expected[[0, 2, 3]]) ** 2 / expected[[0, 2, 3]]).sum())
    assert chi2 < 25.0  # 2 degrees of freedom: P(chi2 > 25) < 1e-5
    same = minigan.multinomial(minigan.tensor(probs), 50, True, generator=_generator())
    assert same.tolist() == minigan.multinomial(minigan.tensor(probs), 50, True, generator=_generator()).tolist()


@pytest.mark.parametrize("probs, n, replacement, message", [
    ([0.0, -1.0, 2.0], 1, False, "probability tensor contains either `inf`, `nan` or element < 0"),
    ([0.0, float("inf")], 1, False, "probability tensor contains either `inf`, `nan` or element < 0"),
    ([0.0, float("nan")], 1, True, "probability tensor contains either `inf`, `nan` or element < 0"),
    ([0.0, 0.0], 1, False, r"invalid multinomial distribution \(sum of probabilities <= 0\)"),
    ([[1.0, 1.0], [0.0, 0.0]], 1, False, r"invalid multinomial distribution \(sum of probabilities <= 0\)"),
    ([1.0, 1.0], 0, False, "cannot sample n_sample <= 0 samples"),
    ([1.0, 1.0], 3, False, r"cannot sample n_sample > prob_dist.size\(-1\) samples without replacement"),
    ([[[1.0]]], 1, False, "prob_dist must be 1 or 2 dim"),
    ([1, 2], 1, False, "multinomial only supports floating-point dtypes for input, got: int64"),
])
def test_multinomial_raises_pytorchs_messages(probs, n, replacement, message):
    with pytest.raises(RuntimeError, match=message):
        minigan.multinomial(minigan.tensor(probs), n, replacement)


def test_normal_is_mean_plus_std_times_the_standard_draw_of_the_same_seed():
    z = np.random.default_rng(5).standard_normal((2, 3), dtype=np.float32)  # the draw minigan makes, written out
    drawn = minigan.normal(1.5, 0.02, size=(2, 3), generator=_generator(5))
    assert drawn.dtype == np.float32 and not drawn.requires_grad
    np.testing.assert_array_equal(drawn.numpy(), np.float32(1.5) + np.float32(0.02) * z)
    mean, std = minigan.tensor([[0.0], [10.0]], dtype=minigan.float64), minigan.tensor([1.0, 2.0, 0.0], dtype=minigan.float64)
    values = minigan.normal(mean, std, generator=_generator(7))  # broadcast to 2 x 3, in the tensors' dtype
    z64 = np.random.default_rng(7).standard_normal((2, 3))
    assert values.dtype == np.float64 and values.shape == (2, 3)
    np.testing.assert_array_equal(values.numpy(), mean.numpy() + std.numpy() * z64)
    assert minigan.normal(minigan.zeros(4), 1.0).shape == (4,) and minigan.normal(0.0, minigan.ones(2, 2)).shape == (2, 2)
    assert minigan.normal(0.0, 1.0, (3,), dtype=minigan.float64).dtype == np.float64
    many = minigan.normal(2.0, 3.0, size=(200_000,), generator=_generator(1)).numpy().astype(np.float64)
    assert abs(many.mean() - 2.0) < 0.03 and abs(many.std() - 3.0) < 0.03  # 5 standard errors: 0.034, 0.024


def test_normal_of_tensors_that_require_grad_has_pytorchs_zero_gradient():
    mean = minigan.zeros(2, 3, dtype=minigan.float64, requires_grad=True)
    std = minigan.tensor([1.0, math.inf, 2.0], dtype=minigan.float64, requires_grad=True)
    values = minigan.normal(mean, std, generator=_generator(3))
    z = np.random.default_rng(3).standard_normal((2, 3))
    np.testing.assert_array_equal(values.detach().numpy(), 0.0 + np.array([1.0, np.inf, 2.0]) * z)  # the same draw
    values.sum().backward()
    assert values.requires_grad and mean.grad.tolist() == [[0.0] * 3] * 2 and std.grad.tolist() == [0.0] * 3


@pytest.mark.parametrize("call, error, message", [
    (lambda: minigan.normal(0.0, -1.0, size=(2,)), RuntimeError, r"^normal expects std >= 0.0, but found std -1$"),
    (lambda: minigan.normal(minigan.zeros(2), minigan.tensor([1.0, -1.0])), RuntimeError,
     r"^normal expects all elements of std >= 0.0$"),
    (lambda: minigan.normal(minigan.zeros(2), minigan.ones(3)), RuntimeError,
     r"^normal: the shapes of mean \(2,\) and std \(3,\) do not broadcast together$"),
    (lambda: minigan.normal(minigan.zeros(2, dtype=minigan.int64), 1.0), NotImplementedError,
     r"^\"normal_kernel_cpu\" not implemented for 'Long'$"),
    (lambda: minigan.normal(0.0, 1.0), TypeError, r"^normal\(\): with a number for both mean and std, give size"),
    (lambda: minigan.normal(minigan.zeros(2), 1.0, size=(2,)), TypeError, r"^normal\(\): size is for a number mean"),
])
def test_normal_raises_pytorchs_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()
