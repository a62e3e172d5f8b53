"""The MNIST classifier behind FID / IS / mode coverage: accuracy on real MNIST, API shapes, and
the cache (stale or corrupt caches are retrained, never trusted)."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan.metrics import classifier as clf_module
from minigan.metrics.classifier import (
    ARCHITECTURE, CACHE_VERSION, FEATURE_DIM, Classifier, TrainSettings, load_cached_classifier, shift_batch,
    build_mlp, load_or_train_classifier,
)


@pytest.fixture(scope="module")
def mnist():
    from minigan.data import load_mnist

    return load_mnist(verbose=False)


@pytest.fixture()
def untrained() -> Classifier:
    return Classifier(build_mlp(0.3, rng=np.random.default_rng(0)), 0.0)


@pytest.mark.mnist
@pytest.mark.slow
def test_classifier_reaches_98_5_percent_on_the_test_set(mnist):
    # Uses the cached weights when present (trains them with the fixed seed otherwise); the
    # accuracy is recomputed on the test images, so a bad or stale cache fails here.
    classifier = load_or_train_classifier(verbose=False)
    measured = classifier.accuracy(mnist.flat("test"), mnist.test_labels)
    assert measured >= 0.985, f"test accuracy {measured:.4f}"
    assert classifier.test_accuracy == pytest.approx(measured, abs=1e-9)
    assert classifier.settings["seed"] == TrainSettings().seed


def test_features_and_probs_shapes(untrained):
    x = np.random.default_rng(1).random((37, 28, 28))
    features = untrained.features(x)
    probs = untrained.probs(x.reshape(37, 784))
    assert features.shape == (37, FEATURE_DIM)
    assert np.all(features >= 0)  # after a ReLU
    assert probs.shape == (37, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(untrained.predict(x), probs.argmax(axis=1))


def test_outputs_do_not_depend_on_the_batching(untrained, monkeypatch):
    x = np.random.default_rng(2).random((50, 784)).astype(np.float32)
    whole = untrained.features(x)
    monkeypatch.setattr(clf_module, "_EVAL_BATCH", 7)
    np.testing.assert_allclose(untrained.features(x), whole, rtol=1e-5, atol=1e-6)


def test_eval_mode_is_deterministic(untrained):
    # Dropout must be off: the same input twice gives the same features.
    x = np.random.default_rng(3).random((10, 784))
    np.testing.assert_array_equal(untrained.features(x), untrained.features(x))


@pytest.mark.parametrize("bad, message", [
    (np.zeros((4, 10)), "shape"),
    (np.full((2, 784), np.nan), "NaN"),
    (np.full((2, 784), 2.0), r"\[0, 1\]"),
])
def test_bad_inputs_are_rejected(untrained, bad, message):
    with pytest.raises(ValueError, match=message):
        untrained.probs(bad)


def test_shift_augmentation_moves_whole_images():
    rng = np.random.default_rng(0)
    image = np.zeros((28, 28), dtype=np.float32)
    image[10:14, 12:15] = 1.0  # a blob far from the border survives any shift of 2
    batch = np.repeat(image.reshape(1, 784), 64, axis=0)
    shifted = shift_batch(batch, rng, 2).reshape(64, 28, 28)
    assert np.all(shifted.sum(axis=(1, 2)) == image.sum())
    moves = set()
    for out in shifted:
        ys, xs = np.nonzero(out)
        moves.add((ys.min() - 10, xs.min() - 12))
    assert moves <= {(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)}
    assert len(moves) > 10
    np.testing.assert_array_equal(shift_batch(batch, rng, 0), batch)


def _write_cache(path, **overrides):
    state = {"version": CACHE_VERSION, "architecture": ARCHITECTURE, "settings": TrainSettings().as_dict(),
             "test_accuracy": 0.5, "train_seconds": 1.0,
             "weights": build_mlp(0.3, rng=np.random.default_rng(0)).state_dict()}
    state.update(overrides)
    minigan.save(state, path)


def test_cache_round_trip_and_stale_caches(tmp_path):
    path = tmp_path / "mnist_mlp.npz"
    _write_cache(path)
    loaded = load_cached_classifier(path)
    assert loaded is not None and loaded.test_accuracy == 0.5
    reference = Classifier(build_mlp(0.3, rng=np.random.default_rng(0)), 0.0)
    x = np.random.default_rng(4).random((5, 784))
    np.testing.assert_array_equal(loaded.features(x), reference.features(x))

    _write_cache(path, version=CACHE_VERSION - 1)
    assert load_cached_classifier(path) is None
    _write_cache(path, architecture="mlp-784-10")
    assert load_cached_classifier(path) is None
    path.write_bytes(b"not an npz")
    assert load_cached_classifier(path) is None
    assert load_cached_classifier(tmp_path / "missing.npz") is None


def test_stale_cache_triggers_training(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGAN_CACHE", str(tmp_path))
    _write_cache(clf_module.classifier_cache_path(), version=CACHE_VERSION + 99)
    calls = []

    def fake_train(settings, verbose):
        calls.append(settings)
        return Classifier(build_mlp(0.3, rng=np.random.default_rng(5)), 0.9, settings.as_dict(), 0.1)

    monkeypatch.setattr(clf_module, "train_classifier", fake_train)
    first = load_or_train_classifier(verbose=False)
    assert len(calls) == 1 and first.test_accuracy == 0.9
    second = load_or_train_classifier(verbose=False)  # now cached: no second training
    assert len(calls) == 1 and second.test_accuracy == 0.9
    load_or_train_classifier(retrain=True, verbose=False)
    assert len(calls) == 2
