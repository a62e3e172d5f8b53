"""``nn.Embedding``: a lookup table of vectors, one row per index (how a conditional GAN feeds
its class labels in). The lookup is the indexing op (minigan/ops/shape.py), so the gradient is
scattered back into the rows that were used, added once per use."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from . import init
from .module import Module, Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """``weight[indices]``: for indices of any shape S, a Tensor of shape S + (embedding_dim,).

    ``weight`` (num_embeddings, embedding_dim) starts as N(0, 1), as PyTorch's. With
    ``padding_idx``, that row starts at 0 and gets no gradient. Indices must be integers
    (a NumPy integer array, a list of ints, or an integer Tensor) in [0, num_embeddings); anything
    else is refused as PyTorch refuses it. ``max_norm``, ``scale_grad_by_freq`` and ``sparse``
    are not supported (each raises, naming it)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight: Any = None, _freeze: bool = False,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__()
        for name, value in (("max_norm", max_norm is not None), ("scale_grad_by_freq", scale_grad_by_freq),
                            ("sparse", sparse)):
            if value:
                raise NotImplementedError(f"Embedding: {name} is not supported by minigan")
        if num_embeddings <= 0 or embedding_dim <= 0:
            raise ValueError(f"Embedding: sizes must be positive, got ({num_embeddings}, {embedding_dim})")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError("Embedding: padding_idx must be within num_embeddings")
            padding_idx = int(padding_idx) % self.num_embeddings
        self.padding_idx = padding_idx
        self.norm_type, self.max_norm, self.scale_grad_by_freq, self.sparse = norm_type, max_norm, False, False
        if _weight is None:
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), dtype=dtype),
                                    requires_grad=not _freeze)
            init.normal_(self.weight, rng=rng)
            if padding_idx is not None:
                self.weight.array[padding_idx] = 0
        else:
            weight = _weight.array if isinstance(_weight, Tensor) else _weight
            if tuple(weight.shape) != (self.num_embeddings, self.embedding_dim):
                raise ValueError(f"Embedding: _weight has shape {tuple(weight.shape)}, expected "
                                 f"({self.num_embeddings}, {self.embedding_dim})")
            self.weight = Parameter(weight, requires_grad=not _freeze)

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True, padding_idx: int | None = None) -> "Embedding":
        """An Embedding whose weight is a copy of ``embeddings`` (2-D), frozen unless ``freeze=False``."""
        shape = tuple(embeddings.shape)
        if len(shape) != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape {shape}")
        return cls(shape[0], shape[1], padding_idx=padding_idx, _weight=embeddings, _freeze=freeze)

    def forward(self, indices: Any) -> Tensor:
        array = indices.array if isinstance(indices, Tensor) else indices
        if isinstance(array, (list, tuple, int, np.integer)):
            array = np.asarray(array)
        if not (hasattr(array, "dtype") and backend_of(array).numpy_dtype(array.dtype).kind in "iu"):
            what = getattr(array, "dtype", type(array).__name__)
            raise TypeError(f"Embedding: indices must be integers (a LongTensor or an integer array), got {what}")
        if array.size and (int(array.min()) < 0 or int(array.max()) >= self.num_embeddings):
            raise IndexError(f"index out of range in self: Embedding({self.num_embeddings}, {self.embedding_dim}) "
                             f"takes indices in [0, {self.num_embeddings}), got {int(array.min())}..{int(array.max())}")
        weight = self.weight
        if self.padding_idx is not None and weight.requires_grad:
            # The padding row's value without its gradient: every other row as it is.
            keep = np.ones((self.num_embeddings, 1), dtype=backend_of(weight.array).numpy_dtype(weight.dtype))
            keep[self.padding_idx] = 0
            keep = backend_of(weight.array).asarray(keep)
            weight = weight * keep + weight.detach() * (1 - keep)
        return weight[array]

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
