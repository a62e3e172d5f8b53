"""End to end: a 784-128-10 MLP trained by the engine (Linear, ReLU, cross_entropy, Adam) learns
MNIST-shaped data. The data are synthetic (seeded class templates plus shifts and noise), so the
test needs no download."""
from __future__ import annotations

import time

import numpy as np

import minigan
from minigan import nn, optim
from minigan.nn import functional as F


def synthetic_digits(n: int, rng: np.random.Generator, templates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """n flattened 28x28 images in [0, 1]: a class template, shifted by up to 1 pixel, plus noise."""
    labels = rng.integers(0, 10, n)
    images = np.empty((n, 28, 28), dtype=np.float32)
    for i, label in enumerate(labels):
        dy, dx = rng.integers(-1, 2, 2)
        images[i] = np.roll(templates[label], (dy, dx), axis=(0, 1))
    images += rng.normal(0.0, 0.7, images.shape).astype(np.float32)
    return np.clip(images, 0.0, 1.0).reshape(n, 784), labels


def make_templates(rng: np.random.Generator) -> np.ndarray:
    """Ten blocky images: a stroke pattern shared by every class plus a faint class-specific one
    (random 7x7 patterns upsampled to 28x28), so classes differ in a minority of pixels."""
    shared = (rng.random((7, 7)) > 0.6).astype(np.float32)
    own = (rng.random((10, 7, 7)) > 0.75).astype(np.float32)
    coarse = np.clip(shared + 0.8 * own, 0.0, 1.0)
    return np.kron(coarse, np.ones((4, 4), dtype=np.float32))


def accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray) -> float:
    with minigan.no_grad():
        logits = model(minigan.tensor(images)).array
    return float(np.mean(logits.argmax(axis=1) == labels))


def test_mlp_reaches_high_training_accuracy_on_mnist_shaped_data():
    rng = np.random.default_rng(0)
    templates = make_templates(rng)
    train_x, train_y = synthetic_digits(512, rng, templates)
    test_x, test_y = synthetic_digits(256, rng, templates)
    model = nn.Sequential(nn.Linear(784, 128, rng=rng), nn.ReLU(), nn.Linear(128, 10, rng=rng))
    opt = optim.Adam(model.parameters(), lr=1e-3)

    before = accuracy(model, train_x, train_y)
    start = time.perf_counter()
    losses = []
    for _epoch in range(10):
        order = rng.permutation(len(train_x))
        for batch in np.array_split(order, len(order) // 64):
            opt.zero_grad()
            loss = F.cross_entropy(model(minigan.tensor(train_x[batch])), train_y[batch])
            loss.backward()
            opt.step()
            losses.append(loss.item())
    elapsed = time.perf_counter() - start

    train_accuracy = accuracy(model, train_x, train_y)
    assert before < 0.3  # it starts at chance level, so the accuracy below was learned
    assert train_accuracy >= 0.95, f"training accuracy {train_accuracy:.3f}"
    assert accuracy(model, test_x, test_y) >= 0.85  # and it generalises to fresh samples
    assert np.mean(losses[-8:]) < 0.25 * np.mean(losses[:8])
    assert elapsed < 20, f"training took {elapsed:.1f} s"
