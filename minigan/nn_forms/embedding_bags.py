"""``torch.embedding_bag``: the bags of embedding rows with PyTorch's top-level arguments (weight first,
``mode`` an int code) and its four results, over ``F.embedding_bag`` (minigan/nn/embedding_bag.py)."""
from __future__ import annotations

import numbers

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import tensor_argument
from ..backends import backend_of, to_numpy
from ..nn import functional as F
from .arguments import bool_argument

_MODES = ("sum", "mean", "max")


def embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor, scale_grad_by_freq: bool = False,
                  mode: int = 0, sparse: bool = False, per_sample_weights: Tensor | None = None,
                  include_last_offset: bool = False,
                  padding_idx: int | None = None) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """(output, offset2bag, bag_size, max_indices) for the 1-D ``indices`` in bags starting at
    ``offsets``, ``mode`` 0 sum, 1 mean, 2 max. ``output`` is ``F.embedding_bag(indices, weight,
    offsets, ...)``'s (B, embedding_dim), with its gradients. The other three are integer tensors
    (of the indices' and offsets' common dtype) laid out as PyTorch 2.14's CPU kernel gives them:

    - ``offset2bag``: the bag of each index, shape (len(indices),); empty, shape (0,), in mode sum
      without ``padding_idx`` (PyTorch skips it there);
    - ``bag_size``: the entries of each bag that are not ``padding_idx``, shape (B,); in mode sum
      zeros, shape (len(offsets),);
    - ``max_indices``: in mode max the weight row that gave each value, (B, embedding_dim), the
      first in bag order on ties and 0 for an empty bag; in mode mean ``bag_size`` again; in mode
      sum zeros, shape (len(offsets),).

    ``padding_idx`` None (the default) means none; an int in [-num_embeddings, num_embeddings)
    names a row (-1 the last one, unlike ``torch.embedding``'s -1). With ``include_last_offset``
    the last bag ends at ``offsets[-1]``, as ``F.embedding_bag``'s; where that is before the end of
    the indices, PyTorch 2.14's kernels disagree among themselves (float32 and float64 sum and
    mean differently), and minigan keeps to its one rule, for ``bag_size`` too."""
    name = "embedding_bag"
    for argument, position, value in (("weight", 1, weight), ("indices", 2, indices), ("offsets", 3, offsets)):
        tensor_argument(name, argument, position, value)
    if isinstance(mode, bool) or not isinstance(mode, numbers.Integral):
        raise TypeError(f"{name}(): argument 'mode' (position 5) must be int, not {type(mode).__name__}")
    for argument, position, value in (("scale_grad_by_freq", 4, scale_grad_by_freq), ("sparse", 6, sparse),
                                      ("include_last_offset", 8, include_last_offset)):
        bool_argument(name, value, argument, position)
    if per_sample_weights is not None:
        tensor_argument(name, "per_sample_weights", 7, per_sample_weights)
    if mode not in (0, 1, 2):
        raise RuntimeError("`mode` must be sum, mean, or max.")
    if per_sample_weights is not None and mode != 0:
        raise RuntimeError("embedding_bag: per_sample_weights only supported with mode='sum'")
    if weight.ndim != 2:
        raise RuntimeError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}")
    num = weight.shape[0]
    if padding_idx is not None:
        if isinstance(padding_idx, bool) or not isinstance(padding_idx, numbers.Integral):
            raise TypeError(f"{name}(): argument 'padding_idx' (position 9) must be int, not "
                            f"{type(padding_idx).__name__}")
        if not -num <= padding_idx < num:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, {-num} through {num - 1}, but "
                               f"got {padding_idx}")
        padding_idx = int(padding_idx) % num
    kinds = [backend_of(t.array).numpy_dtype(t.dtype) for t in (indices, offsets)]
    for argument, number, tensor, kind in (("indices", 1, indices, kinds[0]), ("offsets", 2, offsets, kinds[1])):
        if kind not in (np.int64, np.int32):
            raise RuntimeError(f"Expected tensor for argument #{number} '{argument}' to have one of the following "
                               f"scalar types: Long, Int; but got {tensor.type()} instead (while checking arguments "
                               f"for embedding_bag)")
    if indices.ndim != 1:
        raise RuntimeError(f"embedding_bag: expected 1-D indices, but got indices of size {list(indices.shape)} "
                           "(torch.nn.functional.embedding_bag takes 2-D ones)")
    if offsets.ndim != 1:
        raise RuntimeError(f"offsets has to be a 1D Tensor, but got Tensor of dimension {offsets.ndim}")
    flat = np.asarray(to_numpy(indices.array), dtype=np.int64)
    outside = np.flatnonzero((flat < 0) | (flat >= num))
    if outside.size:
        raise RuntimeError(f"Index {outside[0]} of input takes value {flat[outside[0]]} which is not in the valid "
                           f"range [0, {num})")
    output = F.embedding_bag(indices, weight, offsets, scale_grad_by_freq=scale_grad_by_freq, mode=_MODES[mode],
                             sparse=sparse, per_sample_weights=per_sample_weights,
                             include_last_offset=include_last_offset, padding_idx=padding_idx)
    starts = np.asarray(to_numpy(offsets.array), dtype=np.int64)
    dtype = np.result_type(*kinds)
    ends = np.append(starts[1:], flat.size)
    if include_last_offset:
        starts, ends = starts[:-1], starts[1:]
    positions = np.arange(flat.size)
    if starts.size:
        bag_of = np.searchsorted(starts, positions, side="right") - 1  # every index's bag
        counted = positions < ends[bag_of]
        if padding_idx is not None:
            counted &= flat != padding_idx
    else:  # no bag: no index counts anywhere
        bag_of, counted = np.zeros(flat.size, np.int64), np.zeros(flat.size, bool)
    sizes = np.bincount(bag_of[counted], minlength=starts.size)[:starts.size]
    backend = backend_of(weight.array)

    def made(array: np.ndarray) -> Tensor:
        return Tensor._make(backend.asarray(np.ascontiguousarray(array, dtype=dtype)), False, None)

    if mode == 0:
        zeros = np.zeros(offsets.shape[0], dtype)
        return output, made(bag_of if padding_idx is not None else bag_of[:0]), made(zeros), made(zeros)
    if mode == 1:
        return output, made(bag_of), made(sizes), made(sizes)
    return output, made(bag_of), made(sizes), made(_max_rows(to_numpy(weight.detach().array), flat, bag_of, counted,
                                                            starts.size))


def _max_rows(table: np.ndarray, flat: np.ndarray, bag_of: np.ndarray, counted: np.ndarray, bags: int) -> np.ndarray:
    """Per bag and column, the weight row of the first largest counted entry (0 for a bag with none)."""
    best = np.zeros((bags, table.shape[1]), np.int64)
    found = np.full((bags, table.shape[1]), -np.inf)
    for position in np.flatnonzero(counted):  # in bag order, so a tie keeps the first
        bag, row = bag_of[position], flat[position]
        larger = table[row] > found[bag]
        best[bag][larger], found[bag][larger] = row, table[row][larger]
    return best


__all__ = ["embedding_bag"]
