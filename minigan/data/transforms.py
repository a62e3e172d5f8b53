"""The image transforms MNIST tutorials pass to their dataset, as in ``torchvision.transforms``.

A transform is called on one image. The ones here can also transform a whole batch at once
(``batch``), which is what :class:`minigan.data.DataLoader` uses for the built-in datasets, so a
transform costs one NumPy call per batch rather than one per image.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from minigan.autograd import Tensor
from minigan.data.batches import to_float

__all__ = ["Transform", "ToTensor", "Normalize", "Compose", "Lambda"]


class Transform:
    """Base of the transforms that also take a whole batch at once (``batch``), which the
    DataLoader then uses instead of calling the transform image by image."""

    def __call__(self, image: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    def batch(self, images: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define batch")


class ToTensor(Transform):
    """uint8 pixels ``(H, W)`` or ``(H, W, C)`` -> a float32 Tensor ``(C, H, W)`` in [0, 1].

    Float arrays are converted without scaling, as torchvision does."""

    def __call__(self, image: Any) -> Tensor:
        if isinstance(image, Tensor):
            raise TypeError("ToTensor: the image is already a Tensor; ToTensor takes a uint8 or float array")
        return _first(self.batch(np.asarray(image)[None]))

    def batch(self, images: np.ndarray) -> Tensor:
        """The same for a stack of images ``(N, H, W)`` or ``(N, H, W, C)``."""
        if images.ndim not in (3, 4):
            raise ValueError(f"ToTensor: expected an image of shape (H, W) or (H, W, C), got {images.shape[1:]}")
        if images.dtype == np.uint8:
            pixels = to_float(images).reshape(images.shape)
        elif images.dtype.kind == "f":
            pixels = images.astype(np.float32)
        else:
            raise TypeError(f"ToTensor: expected uint8 or float pixels, got dtype {images.dtype}")
        channels_first = pixels[:, None] if pixels.ndim == 3 else pixels.transpose(0, 3, 1, 2)
        return Tensor._make(np.ascontiguousarray(channels_first), False, None)

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize(Transform):
    """``(x - mean[c]) / std[c]`` for each channel c of a Tensor image ``(C, H, W)``, or of a batch
    ``(..., C, H, W)`` with any leading dims, as torchvision's (the channel dim is -3):
    ``Normalize((0.5,), (0.5,))`` maps [0, 1] to [-1, 1]."""

    def __init__(self, mean: Sequence[float], std: Sequence[float]) -> None:
        self.mean = np.asarray(mean, dtype=np.float64).reshape(-1)
        self.std = np.asarray(std, dtype=np.float64).reshape(-1)
        if self.mean.size != self.std.size:
            raise ValueError(f"Normalize: mean has {self.mean.size} values but std has {self.std.size}")
        if np.any(self.std == 0):
            raise ValueError("Normalize: std must not contain zeros")

    def __call__(self, image: Tensor) -> Tensor:
        return self._normalize(image, 3, "a Tensor image of shape (C, H, W) or (..., C, H, W)")

    def batch(self, images: Tensor) -> Tensor:
        """The same on a stack of such images (at least 4 dims)."""
        return self._normalize(images, 4, "a Tensor batch of shape (N, ..., C, H, W)")

    def _normalize(self, image: Tensor, least_dims: int, expected: str) -> Tensor:
        if not isinstance(image, Tensor) or image.ndim < least_dims:
            got = f", got shape {tuple(image.shape)}" if isinstance(image, Tensor) else ""
            raise TypeError(f"Normalize: expected {expected}{got}; put ToTensor() before it")
        if np.dtype(image.dtype).kind != "f":  # std 0.5 cast to uint8 would be 0: torchvision refuses too
            raise TypeError(f"Input tensor should be a float tensor. Got {image.dtype}. Put ToTensor() or "
                            ".float() before Normalize")
        channels = image.shape[-3]
        if self.mean.size not in (1, channels):
            raise ValueError(f"Normalize: {self.mean.size} means for an image with {channels} channels")
        shape = (-1, 1, 1)  # over the channel dim, -3, whatever leads it
        mean = self.mean.astype(image.dtype).reshape(shape)
        std = self.std.astype(image.dtype).reshape(shape)
        return (image - mean) / std

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.tolist()}, std={self.std.tolist()})"


class Compose:
    """Apply transforms in order."""

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, image: Any) -> Any:
        for transform in self.transforms:
            image = transform(image)
        return image

    def batch(self, images: Any) -> Any:
        for transform in self.transforms:
            images = transform.batch(images)
        return images

    def __repr__(self) -> str:
        return "Compose(" + ", ".join(repr(t) for t in self.transforms) + ")"


class Lambda:
    """Wrap any function of one image as a transform (applied image by image)."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        if not callable(function):
            raise TypeError(f"Lambda: expected a function, got {type(function).__name__}")
        self.function = function

    def __call__(self, image: Any) -> Any:
        return self.function(image)


def batchable(transform: Any) -> bool:
    """Whether ``transform`` can be applied to a whole batch at once (the ones defined here)."""
    if isinstance(transform, Compose):
        return all(batchable(t) for t in transform.transforms)
    return isinstance(transform, Transform)


def _first(batch: Tensor) -> Tensor:
    return batch[0]
