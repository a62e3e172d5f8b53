"""Lookup tables: ``F.embedding`` and ``nn.Embedding`` (how a conditional GAN feeds its class labels
in). The lookup is the indexing op (minigan/ops/shape.py), so the gradient is scattered back into
the rows that were used, added once per use. The helpers here (index checks, ``max_norm``'s
renormalisation, a lookup whose gradient is scaled per use) serve ``embedding_bag`` too."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..backends import backend_of, to_numpy
from . import init
from .module import Module, Parameter

__all__ = ["embedding", "Embedding"]


def indices_of(name: str, input: Any, num_embeddings: int) -> np.ndarray:  # noqa: A002
    """The indices as a NumPy integer array, checked: integers (a LongTensor or IntTensor, an integer
    array, a list of ints) in [0, num_embeddings)."""
    array = input.array if isinstance(input, Tensor) else input
    if isinstance(array, (list, tuple, int, np.integer)):
        array = np.asarray(array)
    if not (hasattr(array, "dtype") and backend_of(array).numpy_dtype(array.dtype).kind in "iu"):
        what = getattr(array, "dtype", type(array).__name__)
        raise TypeError(f"{name}: indices must be integers (a LongTensor or an integer array), got {what}")
    array = to_numpy(array)
    if array.size and (int(array.min()) < 0 or int(array.max()) >= num_embeddings):
        raise IndexError(f"index out of range in self: {name} takes indices in [0, {num_embeddings}), "
                         f"got {int(array.min())}..{int(array.max())}")
    return array


def weight_of(name: str, weight: Any) -> Tensor:
    if not isinstance(weight, Tensor):
        raise TypeError(f"{name}: weight must be a Tensor, got {type(weight).__name__}")
    if weight.ndim != 2:
        raise RuntimeError(f"{name}: 'weight' must be 2-D, got shape {weight.shape}")
    return weight


def padding_index(name: str, padding_idx: int | None, num_embeddings: int) -> int | None:
    """padding_idx in [0, num_embeddings) (a negative one counts from the end), or None."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"{name}: Padding_idx must be within num_embeddings ({num_embeddings}), got {padding_idx}")
    return int(padding_idx) % num_embeddings


def refuse_sparse(name: str, sparse: bool) -> None:
    if sparse:
        raise NotImplementedError(f"{name}: sparse gradients (sparse=True) are not supported by minigan; "
                                  "the weight's gradient is always dense")


def renorm_(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """``max_norm``: every row of ``weight`` that ``indices`` name and whose norm_type-norm exceeds
    max_norm is scaled, in place and unrecorded, by max_norm / (norm + 1e-7), as PyTorch's."""
    rows = np.unique(indices)
    if not rows.size:
        return
    norms = np.linalg.norm(to_numpy(weight.array)[rows].astype(np.float64), ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        factor = (max_norm / (norms[over] + 1e-7))[:, None]
        with no_grad():
            weight[rows[over]] = weight[rows[over]] * factor.astype(backend_of(weight.array).numpy_dtype(weight.dtype))


def lookup(weight: Tensor, indices: np.ndarray, grad_scale: np.ndarray | None = None) -> Tensor:
    """weight[indices]; with ``grad_scale`` (one factor per index) the gradient each use sends back
    to its row is scaled by that factor while the values stay exactly the rows:
    f = r.detach() + (r - r.detach()) · s, so f = r and df/dr = s."""
    rows = weight[indices]
    if grad_scale is None or not weight.requires_grad:
        return rows
    backend = backend_of(weight.array)
    scale = backend.asarray(grad_scale.astype(backend.numpy_dtype(weight.dtype))[..., None])
    fixed = rows.detach()
    return fixed + (rows - fixed) * Tensor._make(scale, False, None)


def frequency_scale(indices: np.ndarray) -> np.ndarray:
    """scale_grad_by_freq: 1 / (how many times each entry's index occurs in ``indices``)."""
    _, inverse, counts = np.unique(indices, return_inverse=True, return_counts=True)
    return 1.0 / counts[inverse.reshape(indices.shape)]


def embedding(input: Any, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,  # noqa: A002
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """``weight[input]``: for indices of any shape S, a Tensor of shape S + (embedding_dim,).

    ``padding_idx``: that row's uses send back no gradient. ``max_norm``: the rows looked up whose
    norm_type-norm exceeds it are first renormalised to it, in ``weight`` itself (as PyTorch's, so it
    bumps weight's version). ``scale_grad_by_freq``: each use's gradient is divided by how often
    its index occurs in ``input``. ``sparse=True`` is refused (minigan's gradients are dense)."""
    weight = weight_of("embedding", weight)
    refuse_sparse("embedding", sparse)
    num = weight.shape[0]
    padding_idx = padding_index("embedding", padding_idx, num)
    indices = indices_of("embedding", input, num)
    if max_norm is not None:
        renorm_(weight, indices, max_norm, norm_type)
    scale = None
    if scale_grad_by_freq:
        scale = frequency_scale(indices)
    if padding_idx is not None:
        scale = (1.0 if scale is None else scale) * (indices != padding_idx)
    return lookup(weight, indices, scale)


class Embedding(Module):
    """:func:`embedding` with a learned ``weight`` (num_embeddings, embedding_dim), which starts as
    N(0, 1), as PyTorch's; with ``padding_idx`` that row starts at 0 and gets no gradient. Indices
    must be integers (a NumPy integer array, a list of ints, or an integer Tensor) in
    [0, num_embeddings); anything else is refused as PyTorch refuses it. ``sparse`` is not
    supported (it raises, naming it)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight: Any = None, _freeze: bool = False,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__()
        refuse_sparse("Embedding", sparse)
        if num_embeddings <= 0 or embedding_dim <= 0:
            raise ValueError(f"Embedding: sizes must be positive, got ({num_embeddings}, {embedding_dim})")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = padding_index("Embedding", padding_idx, self.num_embeddings)
        self.norm_type, self.max_norm, self.sparse = norm_type, max_norm, False
        self.scale_grad_by_freq = bool(scale_grad_by_freq)
        self.weight = initial_weight("Embedding", (self.num_embeddings, self.embedding_dim), self.padding_idx,
                                     _weight, _freeze, rng, dtype)

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True, padding_idx: int | None = None,
                        max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> "Embedding":
        """An Embedding whose weight is a copy of ``embeddings`` (2-D), frozen unless ``freeze=False``."""
        shape = tuple(embeddings.shape)
        if len(shape) != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape {shape}")
        return cls(shape[0], shape[1], padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse, _weight=embeddings, _freeze=freeze)

    def forward(self, input: Any) -> Tensor:  # noqa: A002
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                         self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        return table_repr(self)


def initial_weight(name: str, shape: tuple[int, int], padding_idx: int | None, _weight: Any, freeze: bool,
                   rng: np.random.Generator | None, dtype: Any) -> Parameter:
    """A lookup table's weight: N(0, 1) with the padding row 0, or a given ``_weight`` of that shape."""
    if _weight is None:
        weight = Parameter(np.empty(shape, dtype=dtype), requires_grad=not freeze)
        init.normal_(weight, rng=rng)
        if padding_idx is not None:
            weight.array[padding_idx] = 0
        return weight
    array = _weight.array if isinstance(_weight, Tensor) else _weight
    if tuple(array.shape) != shape:
        raise ValueError(f"{name}: _weight has shape {tuple(array.shape)}, expected {shape}")
    return Parameter(array, requires_grad=not freeze)


def table_repr(module: Any) -> str:
    """PyTorch's repr of a lookup table: the sizes, then the options that differ from the defaults."""
    text = f"{module.num_embeddings}, {module.embedding_dim}"
    if getattr(module, "mode", None) is None and module.padding_idx is not None:
        text += f", padding_idx={module.padding_idx}"
    if module.max_norm is not None:
        text += f", max_norm={module.max_norm}"
    if module.norm_type != 2:
        text += f", norm_type={module.norm_type}"
    if module.scale_grad_by_freq:
        text += f", scale_grad_by_freq={module.scale_grad_by_freq}"
    if getattr(module, "mode", None) is not None:
        text += f", mode={module.mode!r}" + (f", padding_idx={module.padding_idx}"
                                             if module.padding_idx is not None else "")
    return text
