"""The quality score a run computes while it trains (``--eval-every``): FID of ``EPOCH_N``
samples against the validation images, in the features of the shipped yardstick.

It is the FID of :mod:`minigan.metrics.protocol` with two differences, both chosen for a score
that picks the best epoch: the reference statistics are the 10,000 validation images (a
choice made on them leaves the test set untouched for the final ``minigan.evaluate``), and n
is ``EPOCH_N`` = 2,000 (the protocol's smallest n, MIN_N; about 3% of an epoch of the default
run, see docs/sweeps.md). Its ratio is to the floor at the same n against the same images:
the protocol's floor images (training images) against the validation statistics.

FID at n = 2,000 is biased upwards against the protocol's n = 10,000, so the per-epoch score
ranks epochs and runs that were scored the same way; compare it with ``minigan.evaluate`` at
``--n 2000``, which it matches within the spread stated in docs/sweeps.md.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigan.metrics.fid import feature_statistics, frechet_distance
from minigan.metrics.protocol import MIN_N
from minigan.metrics.yardstick import Yardstick, floor_images, load_shipped_yardstick

__all__ = ["EPOCH_N", "EpochScorer"]

EPOCH_N = MIN_N


class EpochScorer:
    """``scorer(samples)`` -> {n, fid, fid_floor, fid_ratio_to_floor} of the first ``n`` samples
    (float (N, 784) in [0, 1]) against the statistics of ``data``'s validation images.

    Building it costs the validation images' features and the floor (about 2 s); scoring, the
    features of n samples and one Fréchet distance.
    """

    def __init__(self, data: Any, n: int = EPOCH_N, yardstick: Yardstick | None = None) -> None:
        self.n = int(n)
        self.yardstick = yardstick if yardstick is not None else load_shipped_yardstick()
        self.mu, self.sigma = feature_statistics(self.yardstick.classifier.features(data.flat("val")))
        self.floor = self._fid(floor_images(data, self.n))

    def _fid(self, images: np.ndarray) -> float:
        mu, sigma = feature_statistics(self.yardstick.classifier.features(images))
        return float(frechet_distance(mu, sigma, self.mu, self.sigma))

    def __call__(self, samples: np.ndarray) -> dict[str, Any]:
        samples = np.asarray(samples)
        if samples.ndim != 2 or samples.shape[0] < self.n:
            raise ValueError(f"the epoch score needs {self.n} samples of shape (N, 784), got {samples.shape}")
        fid = self._fid(samples[:self.n])
        return {"n": self.n, "fid": fid, "fid_floor": self.floor,
                "fid_ratio_to_floor": fid / self.floor if self.floor > 0 else float("inf")}
