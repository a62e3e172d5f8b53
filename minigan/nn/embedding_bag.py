"""``F.embedding_bag`` and ``nn.EmbeddingBag``: the sum, mean or max of bags of embedding rows,
without forming each row's lookup as a separate output. Built from ops with gradients (the lookup,
``where``, a product and a sum, or an index for the max), so first and second derivatives follow.

The bags of a 1-D input are the slices ``input[offsets[b]:offsets[b + 1]]`` (the last one running
to the end, or to ``offsets[-1]`` with ``include_last_offset``); a 2-D (B, N) input is B bags of N.
They are laid out as a (B, K) table of positions, K the longest bag, with a mask for the positions
that hold an entry of the bag that is not ``padding_idx``."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..backends import backend_of
from .module import Module
from .sparse import (
    frequency_scale, indices_of, initial_weight, lookup, padding_index, refuse_sparse, renorm_, table_repr,
    weight_of,
)

__all__ = ["embedding_bag", "EmbeddingBag"]

_NAME = "embedding_bag"


def _bags(input: Any, offsets: Any, include_last_offset: bool, num: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: A002
    """(flat indices, bag starts, bag ends), checked as PyTorch checks them."""
    ndim = input.ndim if hasattr(input, "ndim") else np.ndim(input)
    if ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets).__name__}")
        indices = indices_of(_NAME, input, num)
        bags, length = indices.shape
        starts = np.arange(bags) * length
        return indices.reshape(-1), starts, starts + length
    if ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {ndim}")
    if offsets is None or (hasattr(offsets, "ndim") and offsets.ndim != 1):
        got = "None" if offsets is None else f"a {offsets.ndim}-D one"
        raise ValueError(f"offsets has to be a 1D Tensor but got {got}")
    indices = indices_of(_NAME, input, num)
    offsets = indices_of(_NAME + " offsets", offsets, np.iinfo(np.int64).max).astype(np.int64)
    if offsets.size and offsets[0] != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {offsets[0]}")
    if offsets.size and offsets[-1] > indices.size:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {indices.size} but got "
                           f"offsets[-1] of {offsets[-1]}")
    if np.any(np.diff(offsets) < 0):
        raise RuntimeError(f"embedding_bag: offsets must be non-decreasing, got {offsets.tolist()}")
    if include_last_offset:
        return indices, offsets[:-1], offsets[1:]
    return indices, offsets, np.append(offsets[1:], indices.size)


def embedding_bag(input: Any, weight: Tensor, offsets: Any = None, max_norm: float | None = None,  # noqa: A002
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """One row per bag: the sum, mean or max of the weight rows its indices name, (B, embedding_dim).

    An empty bag (or one of only ``padding_idx``) gives zeros; the mean divides by the entries that
    are not padding; the max takes, per column, the first largest entry, and its gradient goes to
    that entry's row alone. ``per_sample_weights`` (the input's shape, mode 'sum' only, as PyTorch's)
    multiplies each row before the sum, and has a gradient. ``max_norm``, ``norm_type`` and
    ``scale_grad_by_freq`` as in :func:`minigan.nn.functional.embedding` (not with 'max')."""
    weight = weight_of(_NAME, weight)
    refuse_sparse(_NAME, sparse)
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode!r}")
    if scale_grad_by_freq and mode == "max":
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}')")
    shape = tuple(np.shape(getattr(input, "array", input)))
    if per_sample_weights is not None and tuple(per_sample_weights.shape) != shape:
        raise ValueError(f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) is not None, then "
                         f"it must have the same shape as the input ({shape})")
    num = weight.shape[0]
    padding_idx = padding_index(_NAME, padding_idx, num)
    indices, starts, ends = _bags(input, offsets, include_last_offset, num)
    if max_norm is not None:
        renorm_(weight, indices, max_norm, norm_type)
    if not indices.size or not starts.size:  # no bags, or no entries at all: every bag is empty
        return ops.where(np.zeros((starts.size, 1), bool), weight[np.zeros(starts.size, np.int64)], 0.0)
    width = int((ends - starts).max())
    positions = starts[:, None] + np.arange(max(width, 1))
    used = positions < ends[:, None]
    positions = np.minimum(positions, indices.size - 1)  # unused slots read any real entry; masked below
    if padding_idx is not None:
        used &= indices[positions] != padding_idx
    scale = frequency_scale(indices)[positions] if scale_grad_by_freq else None
    rows = ops.where(used[..., None], lookup(weight, indices[positions], scale), 0.0)  # (B, K, D)
    if mode == "max":
        return _bag_max(rows, used)
    factor = used.astype(np.float64)
    if mode == "mean":
        factor /= np.maximum(factor.sum(axis=1, keepdims=True), 1.0)
    backend = backend_of(weight.array)
    weights = Tensor._make(backend.asarray(factor.astype(backend.numpy_dtype(weight.dtype))[..., None]), False, None)
    if per_sample_weights is not None:  # as a column, looked up like the rows: (B, K, 1)
        weights = weights * per_sample_weights.reshape(-1, 1)[positions]
    return (rows * weights).sum(axis=1)


def _bag_max(rows: Tensor, used: np.ndarray) -> Tensor:
    """Per bag and column, the first largest of the used entries (0 for a bag with none)."""
    backend = backend_of(rows.array)
    xp = backend.xp
    values = xp.where(backend.asarray(used[..., None]), rows.array, -xp.inf)
    best = np.asarray(backend.to_numpy(xp.argmax(values, axis=1)))  # (B, D)
    bags, width = best.shape
    picked = rows[np.arange(bags)[:, None], best, np.arange(width)[None, :]]
    return ops.where(used.any(axis=1)[:, None], picked, 0.0)


class EmbeddingBag(Module):
    """:func:`embedding_bag` with a learned ``weight`` (num_embeddings, embedding_dim), N(0, 1) at
    first with the ``padding_idx`` row 0, as PyTorch's. ``forward(input, offsets=None,
    per_sample_weights=None)``. ``sparse`` is not supported (it raises, naming it)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                 _weight: Any = None, include_last_offset: bool = False, padding_idx: int | None = None,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__()
        refuse_sparse("EmbeddingBag", sparse)
        if num_embeddings <= 0 or embedding_dim <= 0:
            raise ValueError(f"EmbeddingBag: sizes must be positive, got ({num_embeddings}, {embedding_dim})")
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"mode has to be one of sum, mean or max, got {mode!r}")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, bool(scale_grad_by_freq)
        self.mode, self.sparse, self.include_last_offset = mode, False, bool(include_last_offset)
        self.padding_idx = padding_index("EmbeddingBag", padding_idx, self.num_embeddings)
        self.weight = initial_weight("EmbeddingBag", (self.num_embeddings, self.embedding_dim), self.padding_idx,
                                     _weight, False, rng, dtype)

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> "EmbeddingBag":
        """An EmbeddingBag whose weight is ``embeddings`` (2-D), frozen unless ``freeze=False``."""
        shape = tuple(embeddings.shape)
        if len(shape) != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings must be 2-D, got shape {shape}")
        bag = cls(shape[0], shape[1], max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx)
        if freeze:
            bag.weight.requires_grad = False
        return bag

    def forward(self, input: Any, offsets: Any = None, per_sample_weights: Tensor | None = None) -> Tensor:  # noqa: A002
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                             self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        return table_repr(self)
