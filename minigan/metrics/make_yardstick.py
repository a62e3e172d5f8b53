"""``python -m minigan.metrics.make_yardstick``: write the yardstick that ships with minigan.

Trains the MNIST classifier with :func:`minigan.metrics.classifier.train_classifier` and its
default settings (seed 0; or takes the cached one with ``--from-cache``), rounds its weights to
float16, and writes into ``minigan/metrics/yardstick_files/`` (or ``--out``):

* ``classifier_weights.npz``: the float16 weights;
* ``test_statistics.npz``: mean and covariance of the features of the 10,000 test images, taken
  with the rounded weights (the network every machine runs);
* ``yardstick.json``: name, weights hash, test accuracy, training settings, the test images'
  Inception Score, the real-vs-real FID floor at the protocol's n, and how far float16 moved
  the features.

After regenerating, put the printed hash in ``SHIPPED_SHA256`` (minigan/metrics/yardstick.py).
"""
from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from minigan.data import load_mnist
from minigan.metrics.classifier import (
    ARCHITECTURE, Classifier, build_mlp, classifier_cache_path, load_cached_classifier, train_classifier,
)
from minigan.metrics.yardstick import (
    INFO_FILE, PROTOCOL_N, SHIPPED_DIR, STATS_FILE, WEIGHTS_FILE, weights_sha256, yardstick_from_classifier,
    yardstick_name,
)
from minigan.paths import atomic_write_bytes


def _npz_bytes(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minigan.metrics.make_yardstick", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from-cache", action="store_true", help="use the cached classifier instead of training one")
    parser.add_argument("--out", default=str(SHIPPED_DIR), help=f"directory to write (default: {SHIPPED_DIR})")
    args = parser.parse_args(argv)
    data = load_mnist(verbose=False)
    classifier = load_cached_classifier(classifier_cache_path()) if args.from_cache else None
    if classifier is None:
        classifier = train_classifier(data)
    full = {name: np.asarray(getattr(v, "array", v), dtype=np.float32) for name, v in classifier.model.state_dict().items()}
    half = {name: array.astype(np.float16) for name, array in full.items()}
    model = build_mlp(0.0)
    model.load_state_dict({name: array.astype(np.float32) for name, array in half.items()})
    rounded = Classifier(model, 0.0, classifier.settings)
    test = data.flat("test")
    rounded.test_accuracy = rounded.accuracy(test, data.test_labels)
    moved = float(np.abs(rounded.features(test) - classifier.features(test)).max())
    yardstick = yardstick_from_classifier(rounded, data)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out / WEIGHTS_FILE, _npz_bytes(**half))
    atomic_write_bytes(out / STATS_FILE, _npz_bytes(mu=yardstick.test_mu, sigma=yardstick.test_sigma))
    info = {
        "name": yardstick_name(yardstick.sha256), "weights_sha256": yardstick.sha256, "architecture": ARCHITECTURE,
        "test_accuracy": rounded.test_accuracy, "test_accuracy_float32": classifier.test_accuracy,
        "settings": classifier.settings, "test_inception": list(yardstick.test_inception),
        "protocol_n": PROTOCOL_N, "floor_at_protocol_n": yardstick.floor_at_protocol_n,
        "float16_max_feature_change": moved,
    }
    atomic_write_bytes(out / INFO_FILE, (json.dumps(info, indent=2) + "\n").encode())
    assert yardstick.sha256 == weights_sha256(half)
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
