"""The CTC loss (connectionist temporal classification, Graves et al. 2006), as PyTorch's
``F.ctc_loss`` and ``nn.CTCLoss``: the negative log-likelihood of a label sequence summed over every
alignment of it to the frames, for sequence models whose output is shorter or longer than nothing
fixed (speech, handwriting).

This file reads and checks what the user passes (log_probs (T, N, C) or unbatched (T, C); targets
padded (N, S) or concatenated 1-d; lengths as Tensors, arrays, tuples or ints) and builds the
labels' arrays; the recursions and their Function live in minigan/ops/ctc.py.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of, to_numpy
from ..ops.ctc import CtcLoss
from .loss_base import Loss, check_reduction

_NAME = "ctc_loss"


def _integers(what: str, value: Any) -> np.ndarray:
    """``value`` (a Tensor, an array, a sequence of ints or an int) as a NumPy int64 array."""
    array = to_numpy(value.array) if isinstance(value, Tensor) else np.asarray(value)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{_NAME}: {what} must be integers, got dtype {array.dtype}")
    return array.astype(np.int64)


def _lengths(what: str, value: Any, batch: int, unbatched: bool) -> np.ndarray:
    array = _integers(what, value)
    if not unbatched and array.ndim == 0:
        raise TypeError(f"{_NAME}: {what} of a batch must be a Tensor, tuple or list of {batch} ints, got one int")
    if unbatched and array.ndim > 1 or not unbatched and array.ndim != 1 or array.size != batch:
        expected = "an int or a 1-element sequence" if unbatched else f"{batch} lengths, one per sequence"
        raise RuntimeError(f"{_NAME}: {what} must be {expected}, got shape {tuple(array.shape)}")
    return array.reshape(batch)


def _padded_targets(targets: Any, target_lengths: np.ndarray) -> np.ndarray:
    """The targets as a padded (N, max length) int64 array, from either of PyTorch's layouts (1-d targets
    are concatenated, also beside unbatched log_probs)."""
    array = _integers("targets", targets)
    batch, longest = target_lengths.size, int(target_lengths.max(initial=0))
    if array.ndim == 2:
        if array.shape[0] != batch or array.shape[1] < longest:
            raise RuntimeError(f"{_NAME}: padded targets of shape {tuple(array.shape)} must be ({batch}, S) with "
                               f"S at least the longest target length, {longest}")
        return array[:, :longest]
    if array.ndim != 1:
        raise RuntimeError(f"{_NAME}: targets must be padded (N, S) or concatenated 1-d, got shape {tuple(array.shape)}")
    total = int(target_lengths.sum())
    if array.size != total:
        raise RuntimeError(f"{_NAME}: concatenated targets hold {array.size} labels, not the target lengths' "
                           f"sum, {total}")
    padded = np.zeros((batch, longest), dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(target_lengths)[:-1]])
    for n, (start, length) in enumerate(zip(starts, target_lengths)):
        padded[n, :length] = array[start:start + length]
    return padded


def _check_ranges(frames: int, classes: int, blank: int, input_lengths: np.ndarray, target_lengths: np.ndarray) -> None:
    if not 0 <= blank < classes:
        raise RuntimeError(f"{_NAME}: blank must be in label range: blank {blank} with {classes} classes")
    for what, lengths in (("input_lengths", input_lengths), ("target_lengths", target_lengths)):
        if lengths.size and lengths.min() < 0:
            raise RuntimeError(f"{_NAME}: {what} must not be negative, got {int(lengths.min())}")
    if input_lengths.size and input_lengths.max() > frames:
        raise RuntimeError(f"{_NAME}: input_lengths must be at most the {frames} frames of log_probs, "
                           f"got {int(input_lengths.max())}")


def _check_labels(padded: np.ndarray, target_lengths: np.ndarray, classes: int) -> None:
    used = padded[np.arange(padded.shape[1])[None] < target_lengths[:, None]]
    if used.size and (used.min() < 0 or used.max() >= classes):
        bad = int(used.min()) if used.min() < 0 else int(used.max())
        raise RuntimeError(f"{_NAME}: target label {bad} is outside the {classes} classes [0, {classes})")


def _labels(log_probs: Tensor, padded: np.ndarray, input_lengths: np.ndarray, target_lengths: np.ndarray,
            blank: int) -> dict[str, Any]:
    """The arrays minigan/ops/ctc.py's recursions read, on log_probs' device: the extended labels
    (blank, l1, blank, ..., blank) and which of their places may start, end and skip; which frames
    are each sequence's last, before it, and inside its length; PyTorch's value when T_n = 0."""
    frames, batch = log_probs.shape[0], log_probs.shape[1]
    places = np.arange(2 * padded.shape[1] + 1)[None]
    label_count = target_lengths[:, None]
    inside = places < 2 * label_count + 1
    extended = np.full(inside.shape, blank, dtype=np.int64)
    extended[:, 1::2] = padded
    extended = np.where(inside, extended, blank)
    skip = np.zeros(inside.shape, dtype=bool)
    skip[:, 3::2] = (padded[:, 1:] != padded[:, :-1]) & inside[:, 3::2]  # a label place, after a different label
    skip_next = np.zeros_like(skip)
    skip_next[:, :-2] = skip[:, 2:]
    frame = np.arange(frames)[:, None, None]
    last = input_lengths[None, :, None] - 1
    last_label = padded[np.arange(batch), np.maximum(target_lengths - 1, 0)] if padded.shape[1] else np.full(batch, -1)
    arrays = {
        "extended": extended, "inside": inside, "skip": skip, "skip_next": skip_next,
        "first": (places < 2) & inside,
        "end_blank": places == 2 * label_count,
        # the final blank, when the last label is the blank too: PyTorch's gradient leaves out its share
        "unshared": (places == 2 * label_count) & (label_count > 0) & (last_label == blank)[:, None],
        "end_label": (places == 2 * label_count - 1) & (label_count > 0),
        "frame": frame, "sequence": np.arange(batch)[None, :, None],
        "last_frame": frame == last, "before_last": frame < last, "frames": frame <= last,
        "no_frames": input_lengths == 0,
    }
    backend = backend_of(log_probs.array)
    labels = {key: backend.asarray(value) for key, value in arrays.items()}
    empty = np.where(target_lengths == 0, 0.0, -math.inf)  # T_n = 0: p = 1 for no labels, else 0
    labels["empty_log_p"] = backend.asarray(empty, dtype=log_probs.dtype)
    return labels


def ctc_loss(log_probs: Tensor, targets: Any, input_lengths: Any, target_lengths: Any, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The CTC loss -ln p(l | x), p summed over every alignment of the labels l to the frames, as
    ``torch.nn.functional.ctc_loss``. ``log_probs`` (T, N, C) or unbatched (T, C) are log-probabilities
    (log_softmax outputs); ``targets`` padded (N, S) or concatenated 1-d (sum of ``target_lengths``),
    integers in [0, C); ``input_lengths`` and ``target_lengths`` Tensors, tuples or lists of ints (an int
    unbatched). A sequence no alignment fits (too few frames for its labels and repeats) costs inf, or
    0 with ``zero_infinity`` (and a zero gradient). ``reduction`` "mean" divides each sequence's loss
    by its target length (at least 1), then averages over the batch; "sum"; "none" gives (N,).

    The gradient is PyTorch's, which takes log_probs to be log_softmax outputs: through
    ``log_softmax`` it is the exact gradient, on raw log_probs it is not -d ln p / d log_probs
    (see minigan/ops/ctc.py). Second derivatives are refused, as PyTorch has none: here at the backward
    with create_graph=True, where PyTorch refuses the second backward itself.

    A label equal to the blank gives PyTorch's loss and gradient; where a sequence's last label is the
    blank, that gradient leaves out the final blank's share at the sequence's last frame, as PyTorch's
    does, so there it is not the derivative of the loss.

    Where minigan differs: labels outside [0, C) raise (PyTorch reads past its array); an entry of
    log_probs at -inf gets gradient 0 (PyTorch's is NaN); unbatched lengths may be plain ints."""
    check_reduction(_NAME, reduction)
    if not isinstance(log_probs, Tensor):
        raise TypeError(f"{_NAME}: log_probs must be a Tensor, got {type(log_probs).__name__}")
    if backend_of(log_probs.array).numpy_dtype(log_probs.dtype).kind != "f":
        raise TypeError(f"{_NAME}: log_probs must be floating point, got dtype {log_probs.dtype}")
    if log_probs.ndim not in (2, 3) or 0 in log_probs.shape:
        raise RuntimeError(f"{_NAME}: log_probs must be (T, N, C) or unbatched (T, C) with no empty dim, "
                           f"got shape {log_probs.shape}")
    unbatched = log_probs.ndim == 2
    batched = log_probs.unsqueeze(1) if unbatched else log_probs
    batch = batched.shape[1]
    in_lengths = _lengths("input_lengths", input_lengths, batch, unbatched)
    out_lengths = _lengths("target_lengths", target_lengths, batch, unbatched)
    frames, _, classes = batched.shape
    _check_ranges(frames, classes, int(blank), in_lengths, out_lengths)
    padded = _padded_targets(targets, out_lengths)
    _check_labels(padded, out_lengths, classes)
    labels = _labels(batched, padded, in_lengths, out_lengths, int(blank))
    losses = CtcLoss.apply(batched, labels=labels, zero_infinity=bool(zero_infinity))
    if reduction == "none":
        return losses.reshape(()) if unbatched else losses
    if reduction == "sum":
        return losses.sum()
    divisors = backend_of(log_probs.array).asarray(np.maximum(out_lengths, 1), dtype=log_probs.dtype)
    return (losses / Tensor._make(divisors, False, None)).mean()


class CTCLoss(Loss):
    """The CTC loss of (log_probs, targets, input_lengths, target_lengths): module form of
    :func:`ctc_loss`, as ``torch.nn.CTCLoss``."""

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction)
        self.blank, self.zero_infinity = int(blank), bool(zero_infinity)

    def forward(self, log_probs: Tensor, targets: Any, input_lengths: Any, target_lengths: Any) -> Tensor:
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                        self.zero_infinity)


__all__ = ["ctc_loss", "CTCLoss"]
