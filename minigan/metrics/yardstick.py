"""The yardstick behind FID and IS: one classifier and the statistics of the test set it gives.

Every machine scores with the same network: the classifier's weights ship with the package
(``minigan/metrics/yardstick_files/``, float16, written by ``python -m minigan.metrics.make_yardstick``),
together with the mean and covariance of its features on the 10,000 MNIST test images, the
Inception Score of those images and the real-vs-real FID floor at ``PROTOCOL_N``. A yardstick is
named by a hash of its weights (as the float32 arrays the network runs with), so a classifier
retrained with ``--train-classifier`` is a different, differently named yardstick, and a
``metrics.json`` says which one measured it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from minigan.metrics.classifier import ARCHITECTURE, Classifier, build_mlp, load_or_train_classifier
from minigan.metrics.fid import feature_statistics, fid_from_features, frechet_distance
from minigan.metrics.inception import inception_score

__all__ = [
    "Yardstick", "SHIPPED_DIR", "SHIPPED_SHA256", "PROTOCOL_N", "weights_sha256", "yardstick_name",
    "load_shipped_yardstick", "yardstick_from_classifier", "load_yardstick", "floor_images",
]

SHIPPED_DIR = Path(__file__).with_name("yardstick_files")
WEIGHTS_FILE = "classifier_weights.npz"
STATS_FILE = "test_statistics.npz"
INFO_FILE = "yardstick.json"
# The hash of the shipped weights (see weights_sha256); tests/test_yardstick.py checks the files.
SHIPPED_SHA256 = "a5ccf46632290e97b6b52830dfef194e9470b84fa44abf9fff9ad43c7f7669ae"
PROTOCOL_N = 10_000  # the n at which FIDs are compared
FLOOR_SEED = 0  # the seeded subset of training images behind every real-vs-real floor


def weights_sha256(state: dict[str, Any]) -> str:
    """SHA-256 over the weights as float32 C-ordered arrays, in sorted name order, each preceded by
    its name and shape: the same network gives the same hash whatever file it came from."""
    digest = hashlib.sha256()
    for name in sorted(state):
        value = state[name]
        array = np.ascontiguousarray(np.asarray(getattr(value, "array", value), dtype=np.float32))
        digest.update(f"{name}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def yardstick_name(sha256: str) -> str:
    return f"mnist-mlp-{sha256[:12]}"


def floor_images(data: Any, n: int) -> np.ndarray:
    """The n training images behind the real-vs-real floor at n: the first n of a fixed
    permutation (seed FLOOR_SEED), in index order."""
    order = np.random.default_rng(FLOOR_SEED).permutation(data.train_images.shape[0])
    return data.flat("train")[np.sort(order[:min(n, order.shape[0])])]


@dataclass
class Yardstick:
    """A classifier with the statistics of the test set in its features."""

    classifier: Classifier
    sha256: str
    test_mu: np.ndarray
    test_sigma: np.ndarray
    test_inception: tuple[float, float]
    floor_at_protocol_n: float  # FID(PROTOCOL_N floor images, test set)
    shipped: bool
    floors: dict[int, float] = field(default_factory=dict)  # floor at n, measured on demand

    @property
    def name(self) -> str:
        return yardstick_name(self.sha256)

    def describe(self) -> dict[str, Any]:
        """What metrics.json records about the yardstick."""
        return {"name": self.name, "architecture": ARCHITECTURE, "weights_sha256": self.sha256,
                "test_accuracy": float(self.classifier.test_accuracy), "shipped": self.shipped}

    def floor(self, n: int, data: Any) -> float:
        """FID between the n floor images and the test set: what real data scores at this n."""
        if n == PROTOCOL_N:
            return self.floor_at_protocol_n
        if n not in self.floors:
            self.floors[n] = float(fid_from_features_vs_stats(self.classifier.features(floor_images(data, n)),
                                                                self.test_mu, self.test_sigma))
        return self.floors[n]


def fid_from_features_vs_stats(features: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> float:
    """FID between Gaussians fitted to ``features`` and the stored (mu, sigma)."""
    mu_a, sigma_a = feature_statistics(features)
    return float(frechet_distance(mu_a, sigma_a, mu, sigma))


def load_shipped_yardstick(directory: Path = SHIPPED_DIR) -> Yardstick:
    """The yardstick that ships with minigan (float16 weights, loaded as float32)."""
    info = json.loads((directory / INFO_FILE).read_text())
    with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as archive:
        weights = {name: archive[name].astype(np.float32) for name in archive.files}
    with np.load(directory / STATS_FILE, allow_pickle=False) as archive:
        mu, sigma = archive["mu"], archive["sigma"]
    model = build_mlp(0.0)
    model.load_state_dict(weights)
    classifier = Classifier(model, float(info["test_accuracy"]), dict(info["settings"]), path=directory / WEIGHTS_FILE)
    return Yardstick(classifier, weights_sha256(weights), mu, sigma,
                     (float(info["test_inception"][0]), float(info["test_inception"][1])),
                     float(info["floor_at_protocol_n"]), shipped=True)


def yardstick_from_classifier(classifier: Classifier, data: Any) -> Yardstick:
    """Measure the test-set statistics of ``classifier`` (a retrained or a test's classifier)."""
    test = data.flat("test")
    mu, sigma = feature_statistics(classifier.features(test))
    is_mean, is_std = inception_score(classifier.probs(test), splits=10)
    sha = weights_sha256(classifier.model.state_dict())
    floor = fid_from_features(classifier.features(floor_images(data, PROTOCOL_N)), classifier.features(test))
    return Yardstick(classifier, sha, mu, sigma, (float(is_mean), float(is_std)), float(floor), shipped=False)


def load_yardstick(data: Any, retrain: bool = False, cached: bool = False, verbose: bool = True) -> Yardstick:
    """The shipped yardstick, or (``cached``/``retrain``) the classifier trained on this machine
    and cached, measured on ``data``'s test set."""
    if not (retrain or cached):
        return load_shipped_yardstick()
    return yardstick_from_classifier(load_or_train_classifier(retrain=retrain, verbose=verbose), data)
