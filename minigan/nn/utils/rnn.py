"""``torch.nn.utils.rnn``: packed sequences, a batch of sequences of different lengths without padding.

A :class:`PackedSequence` holds the sequences' steps time-major, longest sequence first:
``data[offset_t : offset_t + batch_sizes[t]]`` is step t of the ``batch_sizes[t]`` sequences that
last longer than t. ``sorted_indices[p]`` is the caller's number of the p-th longest sequence
(None when the batch came sorted) and ``unsorted_indices`` its inverse. For example the sequences
``[a1, a2]``, ``[b1, b2, b3]`` and ``[c1]`` pack to data ``[b1, a1, c1, b2, a2, b3]``, batch_sizes
``[3, 2, 1]``, sorted_indices ``[1, 0, 2]``.

Every function here moves rows with ``index_select`` (and joins with ``cat``), so gradients of
every order flow through packing and padding; ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` take and give
PackedSequences (minigan/nn/recurrent_steps.py). ``batch_sizes`` and the lengths are int64
tensors on the CPU; the index tensors sit on the data's device, as in PyTorch.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Iterable

import numpy as np

from ... import ops
from ...autograd import Tensor
from ...backends import backend_of, to_numpy

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence", "pack_sequence",
           "unpack_sequence", "unpad_sequence", "invert_permutation"]


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation that undoes ``permutation`` (None for None): out[permutation[i]] = i."""
    if permutation is None:
        return None
    order = to_numpy(permutation.array)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.shape[0], dtype=order.dtype)
    return Tensor(inverse, device=permutation.device)


_Fields = namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(_Fields):
    """A packed batch of sequences (a namedtuple of ``data``, ``batch_sizes``, ``sorted_indices``,
    ``unsorted_indices``: see the module docstring). Made by :func:`pack_padded_sequence` and
    :func:`pack_sequence`; ``PackedSequence(data, batch_sizes)`` leaves the order as it is, and a
    missing ``unsorted_indices`` is worked out from ``sorted_indices``."""

    __slots__ = ()

    def __new__(cls, data: Any, batch_sizes: Any = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> "PackedSequence":
        if batch_sizes is None:  # PyTorch's older form, PackedSequence((data, batch_sizes))
            if not isinstance(data, (list, tuple)) or len(data) != 2:
                raise TypeError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        if not isinstance(batch_sizes, Tensor):
            batch_sizes = Tensor(np.asarray(batch_sizes, dtype=np.int64))
        if not batch_sizes.is_cpu:
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                             "created manually. They should be instantiated by functions like pack_sequence "
                             "and pack_padded_sequences in nn.utils.rnn.")
        inverse = invert_permutation(sorted_indices) if unsorted_indices is None else unsorted_indices
        return super().__new__(cls, data, batch_sizes, sorted_indices, inverse)

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        """``data.to(*args, **kwargs)``; the index tensors follow the data to its device, batch_sizes
        stays on the CPU. The same PackedSequence when nothing changes."""
        moved = self.data.to(*args, **kwargs)
        if moved is self.data:
            return self
        indices = [None if t is None else t.to(moved.device) for t in (self.sorted_indices, self.unsorted_indices)]
        return PackedSequence(moved, self.batch_sizes, *indices)

    def cuda(self, device: Any = None) -> "PackedSequence":
        return self.to("cuda" if device is None else device)

    def cpu(self) -> "PackedSequence":
        return self.to("cpu")

    def double(self) -> "PackedSequence":
        return self.to(dtype=np.float64)

    def float(self) -> "PackedSequence":
        return self.to(dtype=np.float32)

    def half(self) -> "PackedSequence":
        return self.to(dtype=np.float16)

    def long(self) -> "PackedSequence":
        return self.to(dtype=np.int64)

    def int(self) -> "PackedSequence":
        return self.to(dtype=np.int32)

    def short(self) -> "PackedSequence":
        return self.to(dtype=np.int16)

    def char(self) -> "PackedSequence":
        return self.to(dtype=np.int8)

    def byte(self) -> "PackedSequence":
        return self.to(dtype=np.uint8)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        """False: minigan has no pinned memory."""
        return False


# ====================================================================== helpers
def _lengths(lengths: Any) -> np.ndarray:
    """lengths (a tensor, a list or an array) as a 1-D int64 NumPy array, as PyTorch converts them."""
    raw = to_numpy(lengths.array) if isinstance(lengths, Tensor) else np.asarray(lengths)
    if raw.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {raw.ndim}D tensor")
    if raw.dtype.kind not in "biuf":
        raise TypeError(f"'lengths' should hold integers, got {raw.dtype}")
    return raw.astype(np.int64)


def _gather(rows: Tensor, index: np.ndarray, padding_value: float | None = None) -> Tensor:
    """rows[index] of shape index.shape + rows.shape[1:]; with a padding value, index len(rows)
    picks a row filled with it."""
    if padding_value is not None:
        backend = backend_of(rows.array)
        fill = np.full((1,) + tuple(rows.shape[1:]), padding_value, dtype=backend.numpy_dtype(rows.dtype))
        rows = ops.cat([rows, Tensor._make(backend.asarray(fill), False, None)], axis=0)
    picked = ops.index_select(rows, 0, index.reshape(-1).astype(np.int64))
    return picked.reshape(index.shape + tuple(rows.shape[1:]))


def _offsets(sizes: np.ndarray) -> np.ndarray:
    """Where each block of rows starts: the running sum of the sizes before it."""
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)


# ====================================================================== packing and padding
def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,  # noqa: A002
                         enforce_sorted: bool = True) -> PackedSequence:
    """Packs a padded batch (T, B, *) ((B, T, *) with ``batch_first``) of sequences of the given
    lengths. With ``enforce_sorted`` the lengths must not increase; otherwise the batch is sorted
    by decreasing length (ties keep their order) and the order kept in ``sorted_indices``."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pack_padded_sequence(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    lengths = _lengths(lengths)
    if enforce_sorted:
        if np.any(lengths[1:] > lengths[:-1]):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
                               "to sidestep this requirement if you do not need ONNX exportability.")
        order = None
    else:
        order = np.argsort(-lengths, kind="stable")
    if input.ndim < 2:
        raise RuntimeError(f"pack_padded_sequence: input must have a time and a batch dimension, got a "
                           f"{input.ndim}-D tensor")
    steps, batch = (input.shape[1], input.shape[0]) if batch_first else (input.shape[0], input.shape[1])
    if lengths.shape[0] != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.shape[0]} "
                           f"(batch_size={batch})")
    if batch == 0 or lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if lengths.max() > steps:
        raise RuntimeError(f"pack_padded_sequence: a length of {lengths.max()} is longer than the input's "
                           f"{steps} time steps")
    ordered = lengths if order is None else lengths[order]
    t, p = np.nonzero(np.arange(ordered[0])[:, None] < ordered[None, :])  # time-major; a row is a prefix
    b = p if order is None else order[p]
    flat = input.reshape((steps * batch,) + tuple(input.shape[2:]))
    data = _gather(flat, b * steps + t if batch_first else t * batch + b)
    batch_sizes = Tensor(np.bincount(t, minlength=ordered[0]).astype(np.int64))
    sorted_indices = None if order is None else Tensor(order.astype(np.int64), device=input.device)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """The inverse of :func:`pack_padded_sequence`: (padded (T, B, *) ((B, T, *) with
    ``batch_first``) in the caller's order of the sequences, their lengths as int64). T is the
    longest length, or ``total_length``."""
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"pad_packed_sequence: expected a PackedSequence, got {type(sequence).__name__}")
    data, batch_sizes, _, unsorted_indices = sequence
    sizes = to_numpy(batch_sizes.array).astype(np.int64)
    steps = sizes.shape[0]
    if total_length is not None:
        if total_length < steps:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {steps}")
        steps = int(total_length)
    ordered = (sizes[None, :] > np.arange(sizes[0])[:, None]).sum(axis=1)  # each packed sequence's length
    where = np.arange(sizes[0]) if unsorted_indices is None else to_numpy(unsorted_indices.array).astype(np.int64)
    t = np.arange(steps)[:, None]
    starts = np.concatenate([_offsets(sizes), np.zeros(steps - sizes.shape[0], dtype=np.int64)])
    index = np.where(t < ordered[where][None, :], starts[t] + where[None, :], data.shape[0])  # (T, B)
    padded = _gather(data, index.T if batch_first else index, padding_value)
    return padded, Tensor(ordered[where])


def pad_sequence(sequences: Tensor | Iterable[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Sequences (L_i, *) stacked into (max L_i, B, *) ((B, max L_i, *) with ``batch_first``),
    padded with ``padding_value`` on the right (``padding_side="left"``: before each sequence);
    in the first sequence's dtype."""
    sequences = list(ops.unbind(sequences, 0) if isinstance(sequences, Tensor) else sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = sequences[0]
    for number, seq in enumerate(sequences):
        if not isinstance(seq, Tensor):
            raise TypeError(f"expected Tensor as element {number} in argument 0, but got {type(seq).__name__}")
        if seq.ndim == 0:
            raise RuntimeError(f"pad_sequence: element {number} is a 0-d tensor; a sequence needs a length "
                               "dimension")
        if seq.shape[1:] != first.shape[1:]:
            if seq.ndim != first.ndim:
                raise RuntimeError(f"pad_sequence: every sequence must have the first's trailing shape "
                                   f"{list(first.shape[1:])}, but element {number} has shape {list(seq.shape)}")
            dim = next(d for d in range(1, seq.ndim) if seq.shape[d] != first.shape[d])
            raise RuntimeError(f"The size of tensor a ({first.shape[dim]}) must match the size of tensor b "
                               f"({seq.shape[dim]}) at non-singleton dimension {dim}")
    sequences = [seq if seq.dtype == first.dtype else seq.to(dtype=first.dtype) for seq in sequences]
    lengths = np.array([seq.shape[0] for seq in sequences], dtype=np.int64)
    rows = ops.cat(sequences, axis=0) if len(sequences) > 1 else first
    step = np.arange(lengths.max())[:, None] - (0 if padding_side == "right" else lengths.max() - lengths[None, :])
    index = np.where((step >= 0) & (step < lengths[None, :]), _offsets(lengths)[None, :] + step, rows.shape[0])
    return _gather(rows, index.T if batch_first else index, padding_value)


def pack_sequence(sequences: Iterable[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Packs a list of sequences (L_i, *): ``pack_padded_sequence(pad_sequence(sequences), lengths)``."""
    sequences = list(sequences)
    padded = pad_sequence(sequences)
    return pack_padded_sequence(padded, [seq.shape[0] for seq in sequences], enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The sequences of a PackedSequence, each (L_i, *), in the caller's order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def unpad_sequence(padded_sequences: Tensor, lengths: Any, batch_first: bool = False) -> list[Tensor]:
    """The sequences of a padded batch (T, B, *) ((B, T, *) with ``batch_first``): the first
    lengths[i] steps of each (as PyTorch zips them, extra sequences or lengths are left out)."""
    padded = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [seq[:length] for seq, length in zip(ops.unbind(padded, 0), _lengths(lengths).tolist())]
