"""The one FID protocol: FID and IS of n samples, always against the yardstick's fixed statistics
of the test set, with the real-vs-real floor at the same n beside it.

FID is biased upwards at small n (the covariance of n samples is noisy), so FIDs compare only at
the same n: ``PROTOCOL_N`` (10,000) by default, and never below ``MIN_N`` unless asked for, in
which case :func:`small_n_bias` says how biased it is (the floor at n against the floor at
``PROTOCOL_N``). :func:`score_samples` is the score for given samples at a given n, what an
evaluation, a loss comparison or a per-epoch score computes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigan.metrics.fid import feature_statistics, frechet_distance
from minigan.metrics.inception import inception_score
from minigan.metrics.yardstick import PROTOCOL_N, Yardstick, load_shipped_yardstick

__all__ = ["PROTOCOL_N", "MIN_N", "SmallSampleError", "check_n", "small_n_bias", "score_samples"]

MIN_N = 2_000  # below this FID's bias is large enough to mislead (see docs of small_n_bias)


class SmallSampleError(ValueError):
    """An FID asked for at fewer than MIN_N samples without allowing it (one line, fit for a CLI)."""


def check_n(n: int, allow_small_n: bool = False, flag: str = "--allow-small-n") -> None:
    """Refuse n < MIN_N unless ``allow_small_n``."""
    if n < MIN_N and not allow_small_n:
        raise SmallSampleError(
            f"FID at n = {n} is biased upwards and compares with no FID at another n; use n >= {MIN_N:,} "
            f"({PROTOCOL_N:,} is the protocol), or pass {flag} to score anyway")


def small_n_bias(yardstick: Yardstick, n: int, data: Any) -> str:
    """One line saying how biased FID is at n: real data's FID (the floor) at n and at PROTOCOL_N."""
    floor_n, floor_protocol = yardstick.floor(n, data), yardstick.floor(PROTOCOL_N, data)
    return (f"FID at n = {n:,} is biased: real training images score {floor_n:.3f} against the test set at "
            f"this n but {floor_protocol:.3f} at n = {PROTOCOL_N:,} (+{floor_n - floor_protocol:.3f}); "
            f"compare FIDs only at the same n")


def score_samples(samples: np.ndarray, n: int = PROTOCOL_N, yardstick: Yardstick | None = None,
                  data: Any = None, allow_small_n: bool = False) -> dict[str, Any]:
    """FID and IS of the first ``n`` of ``samples`` (float (N, 784) in [0, 1], N >= n).

    Returns ``n``, ``fid`` (against the yardstick's test statistics), ``fid_floor`` (real
    training images at the same n), ``fid_ratio_to_floor`` (fid / fid_floor),
    ``inception_score`` {mean, std} over 10 splits, and ``yardstick`` (its name, weights hash
    and accuracy). ``yardstick`` defaults to the shipped one; load it once and pass it when
    scoring often. ``data`` (the MNIST splits) is loaded when a floor at n != PROTOCOL_N is
    first needed. Raises SmallSampleError below MIN_N unless ``allow_small_n``.
    """
    check_n(n, allow_small_n, "allow_small_n=True")
    samples = np.asarray(samples)
    if samples.ndim != 2 or samples.shape[0] < n:
        raise ValueError(f"score_samples needs at least n = {n} samples of shape (N, 784), got {samples.shape}")
    if yardstick is None:
        yardstick = load_shipped_yardstick()
    if data is None and n != PROTOCOL_N and n not in yardstick.floors:
        from minigan.data import load_mnist

        data = load_mnist(verbose=False)
    x = samples[:n]
    classifier = yardstick.classifier
    mu, sigma = feature_statistics(classifier.features(x))
    fid = float(frechet_distance(mu, sigma, yardstick.test_mu, yardstick.test_sigma))
    floor = yardstick.floor(n, data)
    is_mean, is_std = inception_score(classifier.probs(x), splits=min(10, n))
    return {"n": int(n), "fid": fid, "fid_floor": floor,
            "fid_ratio_to_floor": fid / floor if floor > 0 else float("inf"),
            "inception_score": {"mean": float(is_mean), "std": float(is_std)},
            "yardstick": yardstick.describe()}
