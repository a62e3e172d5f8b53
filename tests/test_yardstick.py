"""The pinned yardstick: the classifier weights shipped in minigan/metrics/yardstick_files/ are
the ones whose hash minigan names, in float16; the test-set statistics and floor shipped beside
them are what those weights give on the test set; a retrained classifier is another yardstick."""
from __future__ import annotations

import json

import numpy as np
import pytest

from minigan.metrics import feature_statistics, fid_from_features
from minigan.metrics.yardstick import (
    INFO_FILE, PROTOCOL_N, SHIPPED_DIR, SHIPPED_SHA256, WEIGHTS_FILE, floor_images, load_shipped_yardstick,
    weights_sha256, yardstick_name,
)


@pytest.fixture(scope="module")
def shipped():
    return load_shipped_yardstick()


def test_the_shipped_weights_have_the_pinned_hash(shipped):
    with np.load(SHIPPED_DIR / WEIGHTS_FILE, allow_pickle=False) as archive:
        stored = {name: archive[name] for name in archive.files}
    assert {a.dtype for a in stored.values()} == {np.dtype(np.float16)}
    assert weights_sha256(stored) == SHIPPED_SHA256 == shipped.sha256
    info = json.loads((SHIPPED_DIR / INFO_FILE).read_text())
    assert info["weights_sha256"] == SHIPPED_SHA256 and info["name"] == yardstick_name(SHIPPED_SHA256) == shipped.name
    assert info["float16_max_feature_change"] < 1e-3  # float16 kept the features to 1e-3
    assert (SHIPPED_DIR / WEIGHTS_FILE).stat().st_size < 2_500_000


def test_the_hash_names_the_network_not_the_file():
    rng = np.random.default_rng(0)
    weights = {"0.weight": rng.standard_normal((3, 2)).astype(np.float32), "0.bias": np.zeros(3, np.float32)}
    same = {name: array.astype(np.float64) for name, array in reversed(list(weights.items()))}
    assert weights_sha256(weights) == weights_sha256(same)
    moved = dict(weights, **{"0.bias": np.array([0, 0, 1e-7], np.float32)})
    assert weights_sha256(moved) != weights_sha256(weights)


@pytest.mark.mnist
def test_the_reference_statistics_match_the_shipped_weights(shipped):
    from minigan.data import load_mnist

    data = load_mnist(verbose=False)
    test = data.flat("test")
    features = shipped.classifier.features(test)
    mu, sigma = feature_statistics(features)
    np.testing.assert_allclose(shipped.test_mu, mu, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(shipped.test_sigma, sigma, rtol=1e-9, atol=1e-9)
    assert shipped.classifier.accuracy(test, data.test_labels) == shipped.classifier.test_accuracy >= 0.985
    floor = fid_from_features(shipped.classifier.features(floor_images(data, PROTOCOL_N)), features)
    assert shipped.floor_at_protocol_n == pytest.approx(floor, rel=1e-9)


def test_the_yardstick_files_are_package_data():
    import fnmatch
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["minigan.metrics"]
    shipped_files = [p.relative_to(root / "minigan" / "metrics").as_posix() for p in SHIPPED_DIR.iterdir()]
    assert len(shipped_files) == 3
    for name in shipped_files:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name


def test_a_retrained_classifier_is_another_yardstick(shipped):
    from minigan.metrics.classifier import Classifier, build_mlp

    other = build_mlp(0.0)
    other.load_state_dict({k: np.asarray(v) + np.float32(1e-3) for k, v in shipped.classifier.model.state_dict().items()})
    assert weights_sha256(Classifier(other, 0.98).model.state_dict()) != shipped.sha256
