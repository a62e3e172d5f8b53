"""Shuffled mini-batches of pixel images, scaled to floats."""
from __future__ import annotations

import math
import numbers
from typing import Iterator

import numpy as np

__all__ = ["BatchLoader", "to_float", "SCALES"]

SCALES = ("unit", "symmetric")


def _check_scale(scale: str) -> str:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES!r}, got {scale!r}")
    return scale


def _check_float_dtype(dtype: object) -> np.dtype:
    try:
        dt = np.dtype(dtype)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"dtype must be a NumPy floating dtype, got {dtype!r}") from None
    if dt.kind != "f":
        raise TypeError(f"dtype must be a floating dtype (float16/32/64), got {dt.name}")
    return dt


def _check_pixels(images: object, what: str = "images") -> np.ndarray:
    arr = np.asarray(images)
    if arr.dtype != np.uint8:
        raise TypeError(
            f"{what} must be uint8 pixels in 0..255 (as load_mnist returns them), "
            f"got dtype {arr.dtype.name}"
        )
    if arr.ndim < 2:
        raise ValueError(f"{what} must have shape (N, H, W) or (N, D), got shape {arr.shape}")
    return arr


def _scale(pixels: np.ndarray, scale: str, dtype: np.dtype) -> np.ndarray:
    x = pixels.reshape(pixels.shape[0], -1).astype(dtype)
    # Divide rather than multiply by a reciprocal, so 255 maps to exactly 1.0.
    if scale == "unit":
        x /= dtype.type(255.0)
    else:
        x /= dtype.type(127.5)
        x -= dtype.type(1.0)
    return x


def to_float(
    images: np.ndarray, scale: str = "unit", dtype: np.dtype | type = np.float32
) -> np.ndarray:
    """uint8 images ``(N, H, W)`` -> float ``(N, H*W)`` in [0, 1] (``"unit"``) or [-1, 1] (``"symmetric"``)."""
    return _scale(_check_pixels(images), _check_scale(scale), _check_float_dtype(dtype))


class BatchLoader:
    """Mini-batches of flattened float images (and labels), reshuffled every epoch.

    Each call to ``iter(loader)`` starts an epoch and, when ``shuffle`` is on, draws one
    permutation from ``rng`` at once. A trainer that saves ``rng.bit_generator.state`` at
    the start of an epoch can therefore replay that epoch exactly, and resume it in the
    middle with :meth:`batches` ``(start=k)``.

    Yields ``x`` of shape ``(B, D)``, or ``(x, y)`` with int64 labels when ``labels`` is given.
    """

    def __init__(
        self,
        images: np.ndarray,
        batch_size: int,
        rng: np.random.Generator | None,
        *,
        shuffle: bool = True,
        drop_last: bool = True,
        scale: str = "unit",
        dtype: np.dtype | type = np.float32,
        labels: np.ndarray | None = None,
    ) -> None:
        self.images = _check_pixels(images)
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
            raise TypeError(f"batch_size must be a positive int, got {batch_size!r}")
        if batch_size <= 0:
            raise ValueError(f"batch_size must be a positive int, got {batch_size}")
        self.batch_size = int(batch_size)
        if shuffle and not isinstance(rng, np.random.Generator):
            raise TypeError(
                "rng must be a numpy.random.Generator (e.g. np.random.default_rng(seed)), "
                f"got {type(rng).__name__}"
            )
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}")
        self.rng = rng
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.scale = _check_scale(scale)
        self.dtype = _check_float_dtype(dtype)
        n = self.images.shape[0]
        if labels is not None:
            labels = np.asarray(labels)
            if labels.ndim != 1 or labels.shape[0] != n:
                raise ValueError(
                    f"labels must have shape ({n},) to match the images, got {labels.shape}"
                )
            if labels.dtype.kind not in "iu":
                raise TypeError(f"labels must be integers, got dtype {labels.dtype.name}")
        self.labels = labels
        if n == 0:
            raise ValueError("images is empty: there is nothing to batch")
        if self.drop_last and n < self.batch_size:
            raise ValueError(
                f"batch_size={self.batch_size} is larger than the {n} images and "
                "drop_last=True, so an epoch would have no batches"
            )

    @property
    def num_samples(self) -> int:
        """How many images the loader draws from."""
        return int(self.images.shape[0])

    def __len__(self) -> int:
        """Batches per epoch."""
        n = self.num_samples
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[np.ndarray | tuple[np.ndarray, np.ndarray]]:
        return self.batches()

    def batches(self, start: int = 0) -> Iterator[np.ndarray | tuple[np.ndarray, np.ndarray]]:
        """One epoch, skipping its first ``start`` batches (the permutation is drawn now)."""
        if isinstance(start, bool) or not isinstance(start, numbers.Integral) or start < 0:
            raise ValueError(f"start must be a non-negative int, got {start!r}")
        n = self.num_samples
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)  # type: ignore[union-attr]
        return self._epoch(order, int(start))

    def _epoch(
        self, order: np.ndarray, start: int
    ) -> Iterator[np.ndarray | tuple[np.ndarray, np.ndarray]]:
        for b in range(start, len(self)):
            idx = order[b * self.batch_size : (b + 1) * self.batch_size]
            x = _scale(self.images[idx], self.scale, self.dtype)
            if self.labels is None:
                yield x
            else:
                yield x, self.labels[idx].astype(np.int64)

    def __repr__(self) -> str:
        return (
            f"BatchLoader({self.num_samples} images, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last}, scale={self.scale!r}, "
            f"dtype={self.dtype.name}, labels={'yes' if self.labels is not None else 'no'})"
        )
