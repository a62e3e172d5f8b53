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

At the end of a run the best epoch is checked once more at ``CONFIRM_N`` = 10,000 samples
against the same validation images (:meth:`minigan.gan.best.BestKeeper.confirm`): differences
between late epochs are smaller than the n = 2,000 score's noise.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigan.metrics.fid import feature_statistics, frechet_distance
from minigan.metrics.protocol import MIN_N, PROTOCOL_N
from minigan.metrics.yardstick import Yardstick, floor_images, load_shipped_yardstick

__all__ = ["EPOCH_N", "CONFIRM_N", "EpochScorer"]

EPOCH_N = MIN_N
CONFIRM_N = PROTOCOL_N  # the best-versus-last check at a run's end (as many samples as validation images)


class EpochScorer:
    """``scorer(samples)`` -> {n, fid, fid_floor, fid_ratio_to_floor} of the first ``n`` samples
    (float (N, 784) in [0, 1]) against the statistics of ``data``'s validation images;
    ``scorer(samples, n=scorer.confirm_n)`` the same at the end-of-run check's n.

    Building it costs the validation images' features and the floor (about 2 s); scoring, the
    features of n samples and one Fréchet distance (the floor at another n is measured once,
    when first asked for).
    """

    def __init__(self, data: Any, n: int = EPOCH_N, yardstick: Yardstick | None = None,
                 confirm_n: int = CONFIRM_N) -> None:
        self.n, self.confirm_n = int(n), int(confirm_n)
        self.data = data
        self.yardstick = yardstick if yardstick is not None else load_shipped_yardstick()
        self.mu, self.sigma = feature_statistics(self.yardstick.classifier.features(data.flat("val")))
        self.floors: dict[int, float] = {}
        self.floor = self.floor_at(self.n)

    def floor_at(self, n: int) -> float:
        """FID of the protocol's n floor images (training images) against the validation statistics."""
        if n not in self.floors:
            self.floors[n] = self._fid(floor_images(self.data, n))
        return self.floors[n]

    def _fid(self, images: np.ndarray) -> float:
        mu, sigma = feature_statistics(self.yardstick.classifier.features(images))
        return float(frechet_distance(mu, sigma, self.mu, self.sigma))

    def __call__(self, samples: np.ndarray, n: int | None = None) -> dict[str, Any]:
        n = self.n if n is None else int(n)
        samples = np.asarray(samples)
        if samples.ndim != 2 or samples.shape[0] < n:
            raise ValueError(f"the epoch score needs {n} samples of shape (N, 784), got {samples.shape}")
        fid, floor = self._fid(samples[:n]), self.floor_at(n)
        return {"n": n, "fid": fid, "fid_floor": floor, "fid_ratio_to_floor": fid / floor if floor > 0 else float("inf")}
