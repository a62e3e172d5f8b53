"""The checks every source's arrays pass (dtype, shape, label range, sizes), IDX bytes decoded
into arrays, and the SHA-256 the sources compare against the catalog."""
from __future__ import annotations

import hashlib

import numpy as np

from minigan.data.idx import DataError, parse_idx
from minigan.data.mnist.catalog import ARRAY_KEYS, IMAGE_HW, DatasetSpec

__all__ = ["Arrays", "sha256_hex", "check_arrays", "decode_idx_files"]

Arrays = dict[str, np.ndarray]  # keyed by ARRAY_KEYS


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as lowercase hex, the form the catalog lists."""
    return hashlib.sha256(data).hexdigest()


def check_arrays(arrays: Arrays, spec: DatasetSpec, origin: str, *, exact_sizes: bool) -> Arrays:
    """Check shapes, dtypes and label range; ``exact_sizes`` also pins 60k/10k."""
    for split, n_expected in (("train", spec.n_train), ("test", spec.n_test)):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        for what, arr in ((f"{split} images", images), (f"{split} labels", labels)):
            if arr.dtype != np.uint8:
                raise DataError(f"{origin}: {what} have dtype {arr.dtype.name}, expected uint8")
        if images.ndim != 3 or images.shape[1:] != IMAGE_HW:
            raise DataError(
                f"{origin}: {split} images have shape {images.shape}, expected (N, 28, 28)"
            )
        if labels.shape != (images.shape[0],):
            raise DataError(
                f"{origin}: {images.shape[0]} {split} images but labels of shape "
                f"{labels.shape}; the counts must match"
            )
        if exact_sizes and images.shape[0] != n_expected:
            raise DataError(
                f"{origin}: {images.shape[0]} {split} images, expected {n_expected}"
            )
        if labels.size and int(labels.max()) >= len(spec.classes):
            raise DataError(
                f"{origin}: {split} labels go up to {int(labels.max())}, "
                f"expected 0..{len(spec.classes) - 1}"
            )
    return arrays


def decode_idx_files(spec: DatasetSpec, raw: dict[str, bytes], names: dict[str, str]) -> Arrays:
    """Raw IDX bytes -> arrays (images must be 3-D uint8, labels 1-D uint8)."""
    out: Arrays = {}
    for key in ARRAY_KEYS:
        ndim = 3 if key.endswith("images") else 1
        out[key] = parse_idx(raw[key], names[key], ndim=ndim, dtype=np.uint8)
    return out
