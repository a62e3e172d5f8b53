"""``torchvision.transforms`` to the depth GAN scripts use: ``Compose``, ``ToTensor`` and
``Normalize`` (from minigan/data/transforms.py), and ``Resize``, ``CenterCrop``, ``Pad``,
``RandomHorizontalFlip`` and ``Grayscale``.

A transform takes what the dataset hands it: a NumPy array ``(H, W)`` or ``(H, W, C)`` where
torchvision has a PIL image (uint8 stays uint8, rounded, as a PIL image does), or a Tensor
``(..., C, H, W)``. Each also transforms a whole batch at once (``batch``: arrays
``(N, H, W[, C])`` or a Tensor ``(N, C, H, W)``), which the DataLoader uses for the built-in
datasets. The results record no gradients (a Tensor that requires grad is refused).
"""
from __future__ import annotations

import enum
import functools
import numbers
from typing import Any, Callable, Sequence

import numpy as np

from minigan.autograd import Tensor, is_grad_enabled
from minigan.backends import to_numpy
from minigan.data.transforms import Compose, Lambda, Normalize, ToTensor, Transform
from minigan.ops.resize import interpolation_matrix
from minigan.torch_api.generators import default_generator
from minigan.torch_api.unsupported import module_getattr

__all__ = ["Compose", "ToTensor", "Normalize", "Lambda", "Resize", "CenterCrop", "Pad", "RandomHorizontalFlip",
           "Grayscale", "InterpolationMode"]


class InterpolationMode(enum.Enum):
    """torchvision's interpolation names; minigan's Resize does BILINEAR."""

    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"


def _spatial(image: Any, function: Callable[[np.ndarray], np.ndarray], name: str, batch: bool) -> Any:
    """Apply ``function`` to the pixels of ``image`` laid out as ``(..., H, W)``, and give the
    result back in the input's own layout and kind (array or Tensor, uint8 rounded back)."""
    if isinstance(image, Tensor):
        if image.requires_grad and is_grad_enabled():
            raise TypeError(f"{name}: the Tensor requires grad; transforms here record no gradients "
                            "(call it on .detach() or under no_grad())")
        if image.ndim < 2:
            raise ValueError(f"{name}: expected an image (..., H, W), got shape {image.shape}")
        out = _as_pixels(function, to_numpy(image.array))
        return Tensor(out, dtype=out.dtype, device=image.device)
    array = np.asarray(image)
    channels_last = array.ndim == (4 if batch else 3)
    if array.ndim not in ((3, 4) if batch else (2, 3)):
        expected = "(N, H, W) or (N, H, W, C)" if batch else "(H, W) or (H, W, C)"
        raise ValueError(f"{name}: expected an image {expected}, got shape {array.shape}")
    if channels_last:
        array = np.moveaxis(array, -1, -3)
    out = _as_pixels(function, array)
    return np.ascontiguousarray(np.moveaxis(out, -3, -1)) if channels_last else out


def _as_pixels(function: Callable[[np.ndarray], np.ndarray], array: np.ndarray) -> np.ndarray:
    """``function`` on float pixels; integer images come back rounded to their own dtype."""
    if array.dtype.kind == "f":
        return function(array)
    if array.dtype.kind not in "ui":
        raise TypeError(f"expected image pixels of an int or float dtype, got {array.dtype}")
    info = np.iinfo(array.dtype)
    return np.clip(np.rint(function(array.astype(np.float64))), info.min, info.max).astype(array.dtype)


def _size_pair(size: Any, name: str) -> tuple[int, int]:
    """``size`` (an int or a sequence of one or two ints) as (height, width)."""
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        size = (int(size), int(size))
    elif isinstance(size, Sequence) and len(size) in (1, 2) and all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in size):
        size = (int(size[0]), int(size[-1]))
    else:
        raise TypeError(f"{name}: size must be an int or a sequence of one or two ints, got {size!r}")
    if min(size) <= 0:
        raise ValueError(f"{name}: size must be positive, got {size}")
    return size


# ---------------------------------------------------------------------------- Resize
@functools.lru_cache(maxsize=64)
def resize_weights(in_size: int, out_size: int, antialias: bool = True) -> np.ndarray:
    """The (out_size, in_size) matrix of bilinear weights along one axis (read-only).

    Enlarging, or shrinking without ``antialias``, is PyTorch's
    ``interpolate(mode="bilinear", align_corners=False)`` (minigan/ops/resize.py). Shrinking with
    ``antialias`` widens the triangle filter by s = in/out, as PIL's and PyTorch's antialiased
    resize: output pixel i centred at c = (i + 0.5) s weighs input j by max(0, 1 - |j + 0.5 - c| / s),
    over the pixels inside the image, renormalised to sum to 1."""
    scale = in_size / out_size
    if not antialias or scale <= 1:
        weights = interpolation_matrix(in_size, out_size, scale, align_corners=False)
    else:
        weights = np.zeros((out_size, in_size))
        for i in range(out_size):
            centre = scale * (i + 0.5)
            taps = np.arange(max(int(centre - scale + 0.5), 0), min(int(centre + scale + 0.5), in_size))
            w = np.maximum(0.0, 1.0 - np.abs((taps - centre + 0.5) / scale))
            weights[i, taps] = w / w.sum()
    weights.flags.writeable = False
    return weights


class Resize(Transform):
    """Resize an image with bilinear interpolation, as ``torchvision.transforms.Resize``.

    ``size`` (h, w) gives the output size; an int gives the smaller edge that length and keeps
    the aspect ratio (the longer edge ``int(size * long / short)``, at most ``max_size``).
    Enlarging (MNIST's 28 to 32 or 64) is exact bilinear; shrinking is antialiased unless
    ``antialias=False``. uint8 images are computed in floats and rounded back (torchvision's
    uint8 and PIL paths use fixed-point arithmetic, which can differ by one level)."""

    def __init__(self, size: Any, interpolation: Any = InterpolationMode.BILINEAR, max_size: int | None = None,
                 antialias: bool | None = True) -> None:
        mode = interpolation.value if isinstance(interpolation, InterpolationMode) else interpolation
        if mode not in ("bilinear", 2):  # 2 is PIL's code for bilinear
            raise NotImplementedError(f"Resize: interpolation {interpolation!r} is not supported by minigan; "
                                      "it resizes with InterpolationMode.BILINEAR")
        self.single_edge = isinstance(size, numbers.Integral) or (isinstance(size, Sequence) and len(size) == 1)
        self.size = _size_pair(size, "Resize")
        if max_size is not None and (not self.single_edge or max_size <= self.size[0]):
            raise ValueError("Resize: max_size is only allowed with a single int size, and must exceed it")
        self.max_size = max_size
        self.antialias = antialias is not False

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        """(h, w) of the result for an input of ``height`` x ``width``."""
        if not self.single_edge:
            return self.size
        short, long = sorted((height, width))
        new_short, new_long = self.size[0], int(self.size[0] * long / short)
        if self.max_size is not None and new_long > self.max_size:
            new_short, new_long = int(self.max_size * new_short / new_long), self.max_size
        return (new_short, new_long) if height <= width else (new_long, new_short)

    def _resize(self, pixels: np.ndarray) -> np.ndarray:
        height, width = pixels.shape[-2:]
        out_h, out_w = self.output_size(height, width)
        rows = resize_weights(height, out_h, self.antialias).astype(pixels.dtype)
        columns = resize_weights(width, out_w, self.antialias).astype(pixels.dtype)
        return rows @ pixels @ columns.T

    def __call__(self, image: Any) -> Any:
        return _spatial(image, self._resize, "Resize", batch=False)

    def batch(self, images: Any) -> Any:
        return _spatial(images, self._resize, "Resize", batch=True)

    def __repr__(self) -> str:
        size = self.size[0] if self.single_edge else self.size
        return f"Resize(size={size}, interpolation=bilinear, max_size={self.max_size}, antialias={self.antialias})"


# ---------------------------------------------------------------------------- Pad and CenterCrop
_PAD_MODES = ("constant", "edge", "reflect", "symmetric")


def _ltrb(padding: Any) -> tuple[int, int, int, int]:
    """torchvision's padding: one int for every side, (left/right, top/bottom), or (l, t, r, b)."""
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        values = [int(padding)] * 4
    elif isinstance(padding, Sequence) and len(padding) in (1, 2, 4) and all(
            isinstance(p, numbers.Integral) and not isinstance(p, bool) for p in padding):
        values = {1: lambda p: [p[0]] * 4, 2: lambda p: [p[0], p[1], p[0], p[1]], 4: list}[len(padding)](padding)
    else:
        raise TypeError(f"Pad: padding must be an int or a sequence of 1, 2 or 4 ints, got {padding!r}")
    if min(values) < 0:
        raise ValueError(f"Pad: padding must not be negative, got {padding!r}")
    return tuple(int(v) for v in values)


def _pad(pixels: np.ndarray, ltrb: tuple[int, int, int, int], fill: float, mode: str) -> np.ndarray:
    left, top, right, bottom = ltrb
    widths = [(0, 0)] * (pixels.ndim - 2) + [(top, bottom), (left, right)]
    if mode == "constant":
        return np.pad(pixels, widths, mode="constant", constant_values=fill)
    return np.pad(pixels, widths, mode=mode)


class Pad(Transform):
    """Pad the image's borders, as ``torchvision.transforms.Pad``: ``padding`` an int (every
    side), (left/right, top/bottom) or (left, top, right, bottom); ``padding_mode`` one of
    constant (with the number ``fill``), edge, reflect or symmetric."""

    def __init__(self, padding: Any, fill: float = 0, padding_mode: str = "constant") -> None:
        self.padding = _ltrb(padding)
        if padding_mode not in _PAD_MODES:
            raise ValueError(f"Pad: padding_mode must be one of {_PAD_MODES}, got {padding_mode!r}")
        if not isinstance(fill, numbers.Real) or isinstance(fill, bool):
            raise TypeError(f"Pad: fill must be a number, got {fill!r} (per-channel fills are not supported)")
        self.fill, self.padding_mode = fill, padding_mode

    def _apply(self, pixels: np.ndarray) -> np.ndarray:
        return _pad(pixels, self.padding, self.fill, self.padding_mode)

    def __call__(self, image: Any) -> Any:
        return _spatial(image, self._apply, "Pad", batch=False)

    def batch(self, images: Any) -> Any:
        return _spatial(images, self._apply, "Pad", batch=True)

    def __repr__(self) -> str:
        return f"Pad(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"


class CenterCrop(Transform):
    """Cut the centre ``size`` (an int or (h, w)) out of the image, as
    ``torchvision.transforms.CenterCrop``: the top edge at round((H - h) / 2), the left at
    round((W - w) / 2) (Python's round); an image smaller than the crop is padded with zeros
    first, (size - H) // 2 on top and the rest below, and likewise across."""

    def __init__(self, size: Any) -> None:
        self.size = _size_pair(size, "CenterCrop")

    def _crop(self, pixels: np.ndarray) -> np.ndarray:
        crop_h, crop_w = self.size
        height, width = pixels.shape[-2:]
        if crop_h > height or crop_w > width:
            pad_w, pad_h = max(crop_w - width, 0), max(crop_h - height, 0)
            pixels = _pad(pixels, (pad_w // 2, pad_h // 2, (pad_w + 1) // 2, (pad_h + 1) // 2), 0, "constant")
            height, width = pixels.shape[-2:]
        top, left = int(round((height - crop_h) / 2.0)), int(round((width - crop_w) / 2.0))
        return pixels[..., top:top + crop_h, left:left + crop_w]

    def __call__(self, image: Any) -> Any:
        return _spatial(image, self._crop, "CenterCrop", batch=False)

    def batch(self, images: Any) -> Any:
        return _spatial(images, self._crop, "CenterCrop", batch=True)

    def __repr__(self) -> str:
        return f"CenterCrop(size={self.size})"


# ---------------------------------------------------------------------------- flips and colour
class RandomHorizontalFlip(Transform):
    """Mirror the image left to right with probability ``p``, as
    ``torchvision.transforms.RandomHorizontalFlip``; the coin is drawn from minigan's default
    generator (``minigan.manual_seed`` fixes it), one draw per image."""

    def __init__(self, p: float = 0.5) -> None:
        if not isinstance(p, numbers.Real) or isinstance(p, bool) or not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: p must be a probability in [0, 1], got {p!r}")
        self.p = float(p)

    def __call__(self, image: Any) -> Any:
        flip = default_generator().random() < self.p
        return _spatial(image, lambda pixels: pixels[..., ::-1] if flip else pixels, "RandomHorizontalFlip",
                        batch=False)

    def batch(self, images: Any) -> Any:
        count = images.shape[0]
        flips = default_generator().random(count) < self.p

        def apply(pixels: np.ndarray) -> np.ndarray:
            return np.where(flips.reshape((count,) + (1,) * (pixels.ndim - 1)), pixels[..., ::-1], pixels)

        return _spatial(images, apply, "RandomHorizontalFlip", batch=True)

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"


_LUMA = (0.2989, 0.587, 0.114)  # torchvision's weights of R, G and B


class Grayscale(Transform):
    """Convert to grey, as ``torchvision.transforms.Grayscale``: L = 0.2989 R + 0.587 G + 0.114 B
    for a 3-channel image (a 1-channel one is already grey), then ``num_output_channels``
    (1 or 3) copies of L. An array ``(H, W)`` is a grey image; ``(H, W, 3)`` an RGB one."""

    def __init__(self, num_output_channels: int = 1) -> None:
        if num_output_channels not in (1, 3):
            raise ValueError(f"Grayscale: num_output_channels must be 1 or 3, got {num_output_channels!r}")
        self.num_output_channels = num_output_channels

    def _grey(self, pixels: np.ndarray, channel_axis: bool) -> np.ndarray:
        if channel_axis:
            channels = pixels.shape[-3]
            if channels not in (1, 3):
                raise ValueError(f"Grayscale: expected 1 or 3 channels, got {channels}")
            if channels == 3:
                r, g, b = pixels[..., 0, :, :], pixels[..., 1, :, :], pixels[..., 2, :, :]
                pixels = (_LUMA[0] * r + _LUMA[1] * g + _LUMA[2] * b)[..., None, :, :]
            return np.repeat(pixels, self.num_output_channels, axis=-3)
        return pixels if self.num_output_channels == 1 else np.repeat(pixels[..., None, :, :], 3, axis=-3)

    def _call(self, image: Any, batch: bool) -> Any:
        grey_2d = not isinstance(image, Tensor) and np.ndim(image) == (3 if batch else 2)
        if grey_2d and self.num_output_channels == 3:
            out = _spatial(image, lambda p: self._grey(p, channel_axis=False), "Grayscale", batch=batch)
            return np.ascontiguousarray(np.moveaxis(out, -3, -1))  # (…, 3, H, W) -> PIL's (…, H, W, 3)
        if grey_2d:
            return np.array(image)
        if isinstance(image, Tensor):
            return _spatial(image, lambda p: self._grey(p, channel_axis=True), "Grayscale", batch=batch)
        array = np.moveaxis(np.asarray(image), -1, -3)  # PIL's (…, H, W, C)
        out = _as_pixels(lambda p: self._grey(p, channel_axis=True), array)
        return out[..., 0, :, :] if self.num_output_channels == 1 else np.ascontiguousarray(np.moveaxis(out, -3, -1))

    def __call__(self, image: Any) -> Any:
        return self._call(image, batch=False)

    def batch(self, images: Any) -> Any:
        return self._call(images, batch=True)

    def __repr__(self) -> str:
        return f"Grayscale(num_output_channels={self.num_output_channels})"


__getattr__ = module_getattr(__name__, "torchvision.transforms", {
    name: "this transform; minigan.vision.transforms has " + ", ".join(__all__[:-1])
    for name in ("RandomCrop", "RandomResizedCrop", "ColorJitter", "RandomRotation", "RandomAffine",
                 "RandomVerticalFlip", "GaussianBlur", "ToPILImage", "PILToTensor", "RandomApply")
})
