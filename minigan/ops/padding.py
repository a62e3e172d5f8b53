"""Padding, as PyTorch's ``F.pad(input, pad, mode, value)``.

``pad`` lists (before, after) pairs starting from the LAST axis: (1, 2) pads the last axis by 1 in
front and 2 behind, (1, 2, 3, 4) also the one before it by 3 and 4. A negative width crops.

* ``constant``: one Function, ``ConstantPad``: the input copied into a block of ``value``. Its
  adjoint is the same Function with every width negated (padding and cropping undo each other), so
  the backward is itself differentiable.
* ``reflect``, ``replicate``, ``circular``: output place j of an axis reads input place
  source(j - before), with source mirroring about the end places (reflect), clamping to them
  (replicate) or wrapping around (circular, on the axis already cropped by any negative width, as
  PyTorch's). Those places run in at most a few straight stretches (step +1, -1 or 0), each one a
  slice (or one element broadcast), joined by ``cat``: ops whose gradients exist already.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .shape import broadcast_to, cat

MODES = ("constant", "reflect", "replicate", "circular")
Widths = tuple[tuple[int, int], ...]  # (before, after) per padded axis, the last axis first


class ConstantPad(Function):
    """f = x placed in a block of ``value``, widths (before, after) per axis from the last (negative:
    crop);  df/dx = g with every width negated (what padding added is cropped back, and back)."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, x: Any, widths: Widths, value: Any) -> Any:
        xp = backend_of(x).xp
        shape, source, target = list(x.shape), [slice(None)] * x.ndim, [slice(None)] * x.ndim
        for k, (before, after) in enumerate(widths):
            axis = x.ndim - 1 - k
            shape[axis] += before + after
            source[axis] = slice(max(-before, 0), x.shape[axis] - max(-after, 0))
            target[axis] = slice(max(before, 0), shape[axis] - max(after, 0))
        out = xp.full(tuple(shape), value, dtype=x.dtype, device=x.device)
        out[tuple(target)] = x[tuple(source)]
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        negated = tuple((-b, -a) for b, a in ctx.options["widths"])
        return (ConstantPad.apply(grad, widths=negated, value=0),)


# ============================================================== the other modes: places, then stretches
def _sources(mode: str, n: int, before: int, after: int) -> np.ndarray:
    """The input place each output place of one axis reads (n input places)."""
    if mode == "circular":  # wrap around the cropped axis, as PyTorch's
        low, high = max(-before, 0), n - max(-after, 0)
        return low + (np.arange(high - low + max(before, 0) + max(after, 0)) - max(before, 0)) % (high - low)
    place = np.arange(n + before + after) - before
    if mode == "replicate":
        return np.clip(place, 0, n - 1)
    place = np.abs(place)  # reflect about place 0, then about place n - 1 (one bounce: widths < n)
    return np.where(place > n - 1, 2 * (n - 1) - place, place)


def _stretches(places: np.ndarray) -> list[tuple[int, int, int]]:
    """``places`` cut into straight runs (start, step, length), step +1, -1 or 0."""
    runs: list[tuple[int, int, int]] = []
    i = 0
    while i < len(places):
        step = int(places[i + 1] - places[i]) if i + 1 < len(places) else 1
        j = i + 1
        while j < len(places) and places[j] - places[j - 1] == step:
            j += 1
        runs.append((int(places[i]), step, j - i))
        i = j
    return runs


def _read_axis(x: Tensor, axis: int, places: np.ndarray) -> Tensor:
    """x's places along ``axis``, gathered run by run (slices and one-element broadcasts, then cat)."""
    pieces = []
    for start, step, length in _stretches(places):
        index = [slice(None)] * x.ndim
        if step == 0:
            index[axis] = slice(start, start + 1)
            piece = x[tuple(index)]
            pieces.append(broadcast_to(piece, piece.shape[:axis] + (length,) + piece.shape[axis + 1:]))
            continue
        stop = start + step * length
        index[axis] = slice(start, None if stop < 0 else stop, step)
        pieces.append(x[tuple(index)])
    return pieces[0] if len(pieces) == 1 else cat(pieces, axis)


# ============================================================== checks, and the public op
def _pad_argument(pad: Any, ndim: int) -> list[int]:
    if isinstance(pad, (Tensor, np.ndarray)) or not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' must be a tuple of ints, not {type(pad).__name__}")
    for i, v in enumerate(pad):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"pad(): argument 'pad' must be a tuple of ints, but found element of type "
                            f"{type(v).__name__} at pos {i}")
    if len(pad) % 2:
        raise RuntimeError(f"Padding length must be divisible by 2, got {len(pad)} values: {tuple(pad)}")
    if len(pad) > 2 * ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {ndim}")
    return [int(v) for v in pad]


def _check_mode(mode: str, x: Tensor, widths: Widths, value: Any) -> None:
    """PyTorch's limits for reflect, replicate and circular: 1 to 3 axes, on an input with one or two
    more (a batch axis optional), reflect widths below the axis size, circular no more than it."""
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if x.ndim not in (len(widths) + 1, len(widths) + 2) or len(widths) > 3:
        raise NotImplementedError(f"Padding size {2 * len(widths)} is not supported for {x.ndim}D input tensor.")
    for k, (before, after) in enumerate(widths):
        axis = x.ndim - 1 - k
        n = x.shape[axis]
        if n + before + after < 1 or (n == 0 and (before or after)):
            raise RuntimeError(f"pad: input of shape {x.shape} is too small: padding ({before}, {after}) leaves "
                               f"{n + before + after} places on axis {axis} in {mode} mode")
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({before}, {after}) at dimension {axis} of input {list(x.shape)}")
        cropped = n - max(-before, 0) - max(-after, 0)
        if mode == "circular" and (before > cropped or after > cropped):
            raise RuntimeError(f"Padding value causes wrapping around more than once: padding ({before}, {after}) "
                               f"at dimension {axis} of input {list(x.shape)}")


def _fill_value(x: Tensor, value: Any) -> Any:
    """``value`` in x's dtype: truncated to an int for integer tensors (as PyTorch's), a bool for bool."""
    kind = backend_of(x.array).numpy_dtype(x.dtype).kind
    value = 0 if value is None else value
    if not isinstance(value, (int, float, np.integer, np.floating, bool, np.bool_)):
        raise TypeError(f"pad(): value must be a number, got {type(value).__name__}")
    return bool(value) if kind == "b" else int(value) if kind in "iu" else float(value)


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """Pad (or, with negative widths, crop) the last len(pad) / 2 axes, like
    ``torch.nn.functional.pad``: ``pad`` = (last axis before, after, the axis before it ...);
    ``mode`` "constant" (with ``value``, default 0), "reflect" (mirror, not repeating the edge),
    "replicate" (repeat the edge) or "circular" (wrap around)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): expected a Tensor input, got {type(input).__name__}")
    if mode not in MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}; minigan has {', '.join(MODES)}")
    flat = _pad_argument(pad, input.ndim)
    widths: Widths = tuple((flat[i], flat[i + 1]) for i in range(0, len(flat), 2))
    if mode == "constant":
        for k, (before, after) in enumerate(widths):
            if input.shape[input.ndim - 1 - k] - max(-before, 0) - max(-after, 0) < 0:
                raise RuntimeError(f"pad: cropping ({before}, {after}) takes more than axis {input.ndim - 1 - k} "
                                   f"of input shape {input.shape} holds")
        return ConstantPad.apply(input, widths=widths, value=_fill_value(input, value))
    _check_mode(mode, input, widths, value)
    out = input
    for k, (before, after) in enumerate(widths):
        axis = input.ndim - 1 - k
        if before or after:
            out = _read_axis(out, axis, _sources(mode, input.shape[axis], before, after))
    return out


__all__ = ["ConstantPad", "pad", "MODES"]
