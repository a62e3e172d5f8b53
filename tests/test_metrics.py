"""Tests for minigan.metrics: each metric against a closed form or a hand-computed case."""
from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minigan.metrics import (
    DEFAULT_SIGMAS,
    ModeCoverage,
    feature_statistics,
    fid_from_features,
    frechet_distance,
    inception_score,
    mode_coverage,
    parzen_log_likelihood,
    parzen_score,
    select_parzen_sigma,
    sqrtm_psd,
)


def random_spd(rng: np.random.Generator, d: int, rank: int | None = None) -> np.ndarray:
    a = rng.standard_normal((d, rank or d))
    return a @ a.T


# ----------------------------------------------------------------------------- sqrtm_psd


def test_sqrtm_psd_squared_gives_back_the_matrix():
    rng = np.random.default_rng(0)
    m = random_spd(rng, 6)
    root = sqrtm_psd(m)
    np.testing.assert_allclose(root @ root, m, atol=1e-10)
    np.testing.assert_array_equal(root, root.T)
    assert np.linalg.eigvalsh(root).min() > 0


def test_sqrtm_psd_of_diagonal_and_rank_deficient_matrices():
    np.testing.assert_allclose(sqrtm_psd(np.diag([4.0, 9.0, 0.0])), np.diag([2.0, 3.0, 0.0]))
    # Rank 2 in 5 dimensions: eigh returns eigenvalues like -1e-16, which must be clipped.
    m = random_spd(np.random.default_rng(1), 5, rank=2)
    root = sqrtm_psd(m)
    assert np.all(np.isfinite(root))
    np.testing.assert_allclose(root @ root, m, atol=1e-10)


@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_sqrtm_psd_property(d: int, seed: int):
    m = random_spd(np.random.default_rng(seed), d)
    root = sqrtm_psd(m)
    np.testing.assert_allclose(root @ root, m, atol=1e-9 * max(1.0, np.abs(m).max()))


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (np.array([[1.0, 2.0], [0.0, 1.0]]), "symmetric"),
        (np.diag([1.0, -1.0]), "positive semi-definite"),
        (np.ones((2, 3)), "square"),
        (np.ones(3), "2-dimensional"),
        (np.array([[np.nan, 0.0], [0.0, 1.0]]), "NaN"),
        (np.zeros((0, 0)), "empty"),
    ],
)
def test_sqrtm_psd_rejects_bad_input(matrix, message):
    with pytest.raises(ValueError, match=message):
        sqrtm_psd(matrix)


# ----------------------------------------------------------------------------- FID


def test_feature_statistics_matches_unbiased_covariance():
    x = np.random.default_rng(2).standard_normal((50, 4)).astype(np.float32)
    mu, sigma = feature_statistics(x)
    assert mu.dtype == np.float64 and sigma.dtype == np.float64
    np.testing.assert_allclose(mu, x.astype(np.float64).mean(axis=0))
    np.testing.assert_allclose(sigma, np.cov(x.astype(np.float64), rowvar=False, ddof=1))
    # d == 1 still gives a (1, 1) covariance.
    _, sigma1 = feature_statistics(np.array([[1.0], [3.0]]))
    np.testing.assert_allclose(sigma1, [[2.0]])


def test_fid_of_a_distribution_with_itself_is_zero():
    x = np.random.default_rng(3).standard_normal((400, 8))
    assert fid_from_features(x, x) == pytest.approx(0.0, abs=1e-9)


def test_frechet_distance_diagonal_closed_form():
    mu1, mu2 = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.5])
    a, b = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    # = (1 + 0 + 6.25) + (4 + 1 + 0) = 12.25
    assert expected == pytest.approx(12.25)
    assert frechet_distance(mu1, np.diag(a), mu2, np.diag(b)) == pytest.approx(expected, abs=1e-12)


def test_frechet_distance_commuting_rotated_covariances():
    # S1 = Q diag(a) Q^T and S2 = Q diag(b) Q^T commute, so the diagonal formula still holds.
    rng = np.random.default_rng(4)
    q, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    a, b = rng.uniform(0.1, 3.0, 5), rng.uniform(0.1, 3.0, 5)
    mu1, mu2 = rng.standard_normal(5), rng.standard_normal(5)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    got = frechet_distance(mu1, q @ np.diag(a) @ q.T, mu2, q @ np.diag(b) @ q.T)
    assert got == pytest.approx(expected, rel=1e-10)


def test_frechet_distance_non_commuting_2x2_closed_form():
    # For a 2x2 matrix M with eigenvalues l1, l2 >= 0: Tr(sqrt(M)) = sqrt(l1) + sqrt(l2)
    # = sqrt(Tr M + 2 sqrt(det M)). With M = S1 S2, det M = det S1 det S2.
    s1 = np.array([[2.0, 1.0], [1.0, 2.0]])
    s2 = np.array([[1.0, 0.0], [0.0, 4.0]])
    trace_sqrt = math.sqrt(np.trace(s1 @ s2) + 2.0 * math.sqrt(3.0 * 4.0))
    expected = np.trace(s1) + np.trace(s2) - 2.0 * trace_sqrt
    got = frechet_distance(np.zeros(2), s1, np.zeros(2), s2)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("delta", [0.5, 2.0, 7.0])
def test_fid_grows_by_delta_squared_for_a_shift(delta: float):
    x = np.random.default_rng(5).standard_normal((300, 6))
    shifted = x.copy()
    shifted[:, 2] += delta  # same covariance, mean moved by delta along one axis
    assert fid_from_features(x, shifted) == pytest.approx(delta**2, rel=1e-9)


@settings(max_examples=20, deadline=None)
@given(d=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_frechet_distance_is_symmetric_and_nonnegative(d: int, seed: int):
    rng = np.random.default_rng(seed)
    mu1, mu2 = rng.standard_normal(d), rng.standard_normal(d)
    s1, s2 = random_spd(rng, d), random_spd(rng, d)
    forward = frechet_distance(mu1, s1, mu2, s2)
    assert forward >= 0.0
    assert forward == pytest.approx(frechet_distance(mu2, s2, mu1, s1), rel=1e-7, abs=1e-9)


def test_fid_rejects_bad_input():
    x = np.random.default_rng(6).standard_normal((20, 3))
    bad = x.copy()
    bad[4, 1] = np.nan
    with pytest.raises(ValueError, match="features_a contains NaN"):
        fid_from_features(bad, x)
    with pytest.raises(ValueError, match="features_b contains NaN or infinite"):
        fid_from_features(x, np.where(x > 1, np.inf, x))
    with pytest.raises(ValueError, match="different feature dimensions: 3 vs 4"):
        fid_from_features(x, np.zeros((20, 4)))
    with pytest.raises(ValueError, match="2-dimensional"):
        fid_from_features(x[:, 0], x)
    with pytest.raises(ValueError, match="empty"):
        fid_from_features(np.zeros((0, 3)), x)
    with pytest.raises(ValueError, match="at least 2 samples"):
        fid_from_features(x[:1], x)
    with pytest.raises(ValueError, match="real numeric"):
        fid_from_features(np.full((4, 3), "a"), x)
    with pytest.raises(ValueError, match="could not be converted"):
        fid_from_features([[1.0, 2.0], [3.0]], x)


def test_frechet_distance_rejects_mismatched_or_invalid_statistics():
    eye = np.eye(3)
    with pytest.raises(ValueError, match="mu1 and mu2 have different dimensions"):
        frechet_distance(np.zeros(3), eye, np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match=r"sigma2 must have shape \(3, 3\)"):
        frechet_distance(np.zeros(3), eye, np.zeros(3), np.eye(2))
    with pytest.raises(ValueError, match="sigma1 must be symmetric"):
        frechet_distance(np.zeros(3), np.triu(np.ones((3, 3))), np.zeros(3), eye)
    with pytest.raises(ValueError, match="sigma2 is not positive semi-definite"):
        frechet_distance(np.zeros(3), eye, np.zeros(3), -eye)


# ----------------------------------------------------------------------------- Inception Score


def test_inception_score_uniform_one_hot_is_num_classes():
    probs = np.tile(np.eye(10), (100, 1))  # every split of 100 rows holds each class 10 times
    mean, std = inception_score(probs, splits=10)
    assert mean == pytest.approx(10.0, rel=1e-12)
    assert std == pytest.approx(0.0, abs=1e-12)


def test_inception_score_single_class_is_one():
    probs = np.zeros((50, 10))
    probs[:, 3] = 1.0  # zeros everywhere else: 0 * log 0 must not warn
    assert inception_score(probs, splits=5) == (pytest.approx(1.0), pytest.approx(0.0))
    # Identical soft predictions also carry no information: IS = 1.
    assert inception_score(np.full((20, 4), 0.25), splits=2)[0] == pytest.approx(1.0)


def test_inception_score_hand_case():
    probs = np.array([[1.0, 0.0], [0.5, 0.5]])
    # p(y) = [0.75, 0.25]; KL1 = log(1/0.75); KL2 = 0.5 log(0.5/0.75) + 0.5 log(0.5/0.25)
    kl1 = math.log(1 / 0.75)
    kl2 = 0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25)
    mean, std = inception_score(probs, splits=1)
    assert mean == pytest.approx(math.exp((kl1 + kl2) / 2), rel=1e-12)
    assert std == 0.0


def test_inception_score_mean_and_std_over_splits():
    good = np.tile(np.eye(10), (2, 1))  # IS 10
    collapsed = np.zeros((20, 10))
    collapsed[:, 0] = 1.0  # IS 1
    mean, std = inception_score(np.vstack([good, collapsed]), splits=2)
    assert mean == pytest.approx(5.5)
    assert std == pytest.approx(4.5)  # population std of {10, 1}


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 40), k=st.integers(2, 8), seed=st.integers(0, 2**32 - 1))
def test_inception_score_lies_between_one_and_num_classes(n: int, k: int, seed: int):
    logits = np.random.default_rng(seed).standard_normal((n, k)) * 3
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    mean, _ = inception_score(probs, splits=min(3, n))
    assert 1.0 - 1e-9 <= mean <= k + 1e-9


@pytest.mark.parametrize(
    ("probs", "splits", "message"),
    [
        (np.full((4, 2), 0.4), 1, "sum to 1; row 0 sums to 0.8"),
        (np.array([[1.5, -0.5]] * 4), 1, r"\[0, 1\]"),
        (np.array([[np.nan, 1.0]] * 4), 1, "NaN"),
        (np.full(4, 0.25), 1, "2-dimensional"),
        (np.zeros((0, 3)), 1, "empty"),
        (np.full((4, 2), 0.5), 5, "between 1 and the number of samples"),
        (np.full((4, 2), 0.5), 0, "between 1 and the number of samples"),
        (np.full((4, 2), 0.5), 2.0, "integer"),
    ],
)
def test_inception_score_rejects_bad_input(probs, splits, message):
    with pytest.raises(ValueError, match=message):
        inception_score(probs, splits=splits)


# ----------------------------------------------------------------------------- mode coverage


def test_mode_coverage_hand_case():
    result = mode_coverage(np.array([0, 0, 0, 1]), num_classes=4, threshold=0.05)
    assert isinstance(result, ModeCoverage)
    np.testing.assert_allclose(result.histogram, [0.75, 0.25, 0.0, 0.0])
    np.testing.assert_array_equal(result.counts, [3, 1, 0, 0])
    assert result.num_covered == 2
    # KL(h || 1/4) = 0.75 log(0.75 * 4) + 0.25 log(0.25 * 4) + 0 + 0 = 0.75 log 3
    assert result.kl_to_uniform == pytest.approx(0.75 * math.log(3.0), rel=1e-12)
    assert result.as_dict()["num_covered"] == 2


def test_mode_coverage_from_probabilities_uses_argmax():
    probs = np.array(
        [[0.7, 0.2, 0.1, 0.0], [0.6, 0.3, 0.1, 0.0], [0.9, 0.1, 0.0, 0.0], [0.1, 0.8, 0.1, 0.0]]
    )
    from_probs = mode_coverage(probs, num_classes=4)
    from_labels = mode_coverage([0, 0, 0, 1], num_classes=4)
    np.testing.assert_array_equal(from_probs.histogram, from_labels.histogram)
    assert from_probs.kl_to_uniform == from_labels.kl_to_uniform


def test_mode_coverage_extremes_and_threshold_boundary():
    balanced = mode_coverage(np.repeat(np.arange(10), 7))
    assert balanced.num_covered == 10
    assert balanced.kl_to_uniform == pytest.approx(0.0, abs=1e-15)
    collapsed = mode_coverage(np.full(30, 9))
    assert collapsed.num_covered == 1
    assert collapsed.kl_to_uniform == pytest.approx(math.log(10))
    # 5 of 100 samples is exactly the 0.05 threshold and counts as covered; 4 of 100 does not.
    labels = np.array([0] * 91 + [1] * 5 + [2] * 4)
    assert mode_coverage(labels, num_classes=3, threshold=0.05).num_covered == 2


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (np.array([0, 10]), {}, r"\[0, 9\]"),
        (np.array([-1, 0]), {}, r"\[0, 9\]"),
        (np.array([0.5, 1.0]), {}, "whole numbers"),
        (np.array([0.0, np.nan]), {}, "NaN"),
        (np.zeros((3, 4)), {"num_classes": 10}, "4 columns but num_classes is 10"),
        (np.zeros((2, 2, 2)), {}, "got 3 dimensions"),
        (np.array([], dtype=np.int64), {}, "empty"),
        (np.array([0, 1]), {"threshold": 1.5}, "threshold"),
        (np.array([0, 1]), {"num_classes": 0}, "at least 1"),
    ],
)
def test_mode_coverage_rejects_bad_input(data, kwargs, message):
    with pytest.raises(ValueError, match=message):
        mode_coverage(data, **kwargs)


# ----------------------------------------------------------------------------- Parzen window


def direct_parzen(samples: np.ndarray, points: np.ndarray, sigma: float) -> np.ndarray:
    """Reference: the (m, n, d) broadcast that the real code avoids, fine for small sizes."""
    sq = np.sum((points[:, None, :] - samples[None, :, :]) ** 2, axis=2)
    d = samples.shape[1]
    return (
        np.logaddexp.reduce(-sq / (2 * sigma**2), axis=1)
        - math.log(samples.shape[0])
        - 0.5 * d * math.log(2 * math.pi * sigma**2)
    )


def test_parzen_one_sample_one_point_is_the_gaussian_log_density():
    s = np.array([[0.2, 0.5, 0.9]])
    x = np.array([[0.4, 0.1, 0.9]])
    sigma = 0.3
    # log N(x; s, sigma^2 I) = -||x - s||^2 / (2 sigma^2) - (d/2) log(2 pi sigma^2)
    sq = 0.2**2 + 0.4**2 + 0.0
    expected = -sq / (2 * 0.09) - 1.5 * math.log(2 * math.pi * 0.09)
    got = parzen_log_likelihood(s, x, sigma)
    assert got.shape == (1,)
    assert got[0] == pytest.approx(expected, rel=1e-12)


def test_parzen_two_samples_hand_case():
    s = np.array([[0.0], [1.0]])
    x = np.array([[0.25]])
    sigma = 0.5
    # p(x) = (1/2) (N(0.25; 0, 0.25) + N(0.25; 1, 0.25)), 1-D Gaussian densities.
    norm = 1 / math.sqrt(2 * math.pi * 0.25)
    density = 0.5 * norm * (math.exp(-0.0625 / 0.5) + math.exp(-0.5625 / 0.5))
    assert parzen_log_likelihood(s, x, sigma)[0] == pytest.approx(math.log(density), rel=1e-12)


@pytest.mark.parametrize("batch_size", [1, 3, 7, 64, None])
def test_parzen_batching_matches_direct_computation(batch_size):
    rng = np.random.default_rng(7)
    samples, points = rng.random((40, 12)), rng.random((23, 12))
    expected = direct_parzen(samples, points, 0.2)
    got = parzen_log_likelihood(samples, points, 0.2, batch_size=batch_size)
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_parzen_expansion_is_accurate_in_high_dimension():
    # ||a||^2 - 2ab + ||b||^2 cancels badly when a ~ b; at d = 784 and a small sigma any error
    # in the squared distance is multiplied by 1 / (2 sigma^2).
    rng = np.random.default_rng(8)
    samples = rng.random((30, 784))
    points = np.clip(samples[:10] + rng.normal(0, 0.01, (10, 784)), 0, 1)
    np.testing.assert_allclose(
        parzen_log_likelihood(samples, points, 0.05), direct_parzen(samples, points, 0.05),
        rtol=1e-9,
    )
    # A point at distance 0 from a sample: the clamp keeps the distance >= 0.
    assert np.all(np.isfinite(parzen_log_likelihood(samples, samples, 0.01)))


def test_parzen_is_stable_where_exp_underflows():
    # Every kernel value is exp(-100 / (2e-4)) = exp(-5e5) == 0.0 in float64; logsumexp must not
    # turn that into -inf.
    d, sigma = 100, 0.01
    s = np.ones((3, d))
    x = np.zeros((1, d))
    expected = -d / (2 * sigma**2) - 0.5 * d * math.log(2 * math.pi * sigma**2)
    assert parzen_log_likelihood(s, x, sigma)[0] == pytest.approx(expected, rel=1e-12)


def test_parzen_memory_is_bounded_by_the_batch():
    rng = np.random.default_rng(9)
    samples, points = rng.random((2000, 8)), rng.random((2000, 8))
    tracemalloc.start()
    try:
        parzen_log_likelihood(samples, points, 0.2, batch_size=50)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    full_matrix = 2000 * 2000 * 8  # 32 MB: what a non-batched distance matrix would need
    assert peak < full_matrix / 8


def test_select_parzen_sigma_constructed_case():
    # One sample s0; validation points at distance r from it. The mean LL is
    # -r^2 / (2 sigma^2) - (d/2) log(2 pi sigma^2), maximised at sigma = r / sqrt(d).
    d = 4
    s0 = np.full((1, d), 0.5)
    validation = np.vstack([s0 + 0.15, s0 - 0.15])  # r = 0.15 * sqrt(4) = 0.3, sigma* = 0.15
    grid = [0.05, 0.1, 0.15, 0.2, 0.3]
    assert select_parzen_sigma(s0, validation, sigmas=grid) == pytest.approx(0.15)
    # With the default grid logspace(-1, 0, 10): put the optimum on its 6th value, 10^(-4/9).
    target = DEFAULT_SIGMAS[5]
    offset = target  # r = offset * sqrt(d), so sigma* = r / sqrt(d) = offset
    validation = np.vstack([s0 + offset, s0 - offset])
    assert select_parzen_sigma(s0, validation) == pytest.approx(target)


def test_parzen_score_mean_and_stderr():
    rng = np.random.default_rng(10)
    samples, validation, test = rng.random((60, 5)), rng.random((20, 5)), rng.random((30, 5))
    grid = [0.1, 0.2, 0.4]
    score = parzen_score(samples, validation, test, sigmas=grid, batch_size=8)
    assert set(score) == {"sigma", "mean", "stderr"}
    means = [parzen_log_likelihood(samples, validation, s).mean() for s in grid]
    assert score["sigma"] == grid[int(np.argmax(means))]
    ll = direct_parzen(samples, test, score["sigma"])
    assert score["mean"] == pytest.approx(ll.mean(), rel=1e-10)
    assert score["stderr"] == pytest.approx(ll.std() / math.sqrt(30), rel=1e-10)


def test_parzen_rejects_bad_input():
    ok = np.full((4, 3), 0.5)
    with pytest.raises(ValueError, match=r"samples must lie in \[0, 1\]"):
        parzen_log_likelihood(ok * 3, ok, 0.1)
    with pytest.raises(ValueError, match="points contains NaN"):
        parzen_log_likelihood(ok, np.where(ok > 0, np.nan, ok), 0.1)
    with pytest.raises(ValueError, match="samples and points have different dimensions: 3 vs 2"):
        parzen_log_likelihood(ok, ok[:, :2], 0.1)
    with pytest.raises(ValueError, match="2-dimensional"):
        parzen_log_likelihood(ok[0], ok, 0.1)
    with pytest.raises(ValueError, match="empty"):
        parzen_log_likelihood(ok, np.zeros((0, 3)), 0.1)
    for sigma in (0.0, -1.0, np.inf, "0.1", [0.1]):
        with pytest.raises(ValueError, match="sigma must be a positive finite number"):
            parzen_log_likelihood(ok, ok, sigma)
    with pytest.raises(ValueError, match="every sigma must lie in"):
        parzen_log_likelihood(ok, ok, 1e-200)
    with pytest.raises(ValueError, match="batch_size"):
        parzen_log_likelihood(ok, ok, 0.1, batch_size=0)
    with pytest.raises(ValueError, match="every sigma must be positive"):
        select_parzen_sigma(ok, ok, sigmas=[0.1, 0.0])
    with pytest.raises(ValueError, match="sigmas is empty"):
        select_parzen_sigma(ok, ok, sigmas=[])
    with pytest.raises(ValueError, match="samples and test have different dimensions"):
        parzen_score(ok, ok, ok[:, :2])


# ----------------------------------------------------------------------------- input types


class _TensorLike:
    """Stands in for a minigan Tensor: anything with a ``.numpy()`` method is accepted."""

    def __init__(self, array: np.ndarray):
        self._array = array

    def numpy(self) -> np.ndarray:
        return self._array


def test_metrics_accept_lists_float32_and_tensor_like_objects():
    probs = np.tile(np.eye(4, dtype=np.float32), (3, 1))
    assert inception_score(_TensorLike(probs), splits=1)[0] == pytest.approx(4.0)
    assert inception_score(probs.tolist(), splits=3)[0] == pytest.approx(4.0)
    assert mode_coverage(_TensorLike(probs), num_classes=4).num_covered == 4
    x = np.random.default_rng(11).random((10, 3))
    assert fid_from_features(_TensorLike(x), x.tolist()) == pytest.approx(0.0, abs=1e-9)
    assert parzen_log_likelihood(_TensorLike(x), x.astype(np.float32), 0.3).shape == (10,)
