"""The dropout family beside plain dropout: channel dropout (``dropout1d``, ``dropout2d``,
``dropout3d``, which zero whole feature maps, since the neighbours in a map are correlated and
element dropout would barely regularise a convolution) and SELU's dropout (``alpha_dropout``,
``feature_alpha_dropout``), each a function and a Module that calls it.

Every mask is one uniform draw per kept-or-dropped unit, ``keep = rng.random(...) >= p``, from
``rng`` (default: the process's generator, which ``manual_seed`` seeds), so the same seed gives the
same mask in the function and the Module. The mask is a constant, so the gradient is the same
constant factor and second derivatives come for free.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from ..ops.more_activations import SELU_ALPHA, SELU_SCALE
from ..torch_api.generators import default_generator
from .inplace_functional import write_or_record
from .module import Module

__all__ = ["dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
           "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]

#: Where SELU saturates for large negative inputs: -scale * alpha. Alpha dropout sets dropped units there.
SELU_FLOOR = -SELU_SCALE * SELU_ALPHA


def _probability(p: float) -> float:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _keep(x: Tensor, p: float, dims: tuple[int, ...], rng: np.random.Generator | None) -> np.ndarray:
    """One keep (True, probability 1 - p) per index along ``dims`` of x, as a float64 array of x's rank
    with size 1 on the other dims; drawn as ``rng.random`` of the sizes along ``dims``."""
    rng = rng if rng is not None else default_generator()
    keep = rng.random(tuple(x.shape[d] for d in dims)) >= p
    return keep.reshape(tuple(x.shape[d] if d in dims else 1 for d in range(x.ndim))).astype(np.float64)


def _affine(x: Tensor, scale: np.ndarray, shift: np.ndarray | float = 0.0) -> Tensor:
    """x * scale + shift with constant arrays cast to x's dtype and device."""
    backend = backend_of(x.array)
    dtype = backend.numpy_dtype(x.dtype)
    out = x * Tensor._make(backend.asarray(np.asarray(scale, dtype=dtype)), False, None)
    if np.any(shift):
        out = out + Tensor._make(backend.asarray(np.asarray(shift, dtype=dtype)), False, None)
    return out


def _tensor(name: str, x: Any) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: input must be a Tensor, got {type(x).__name__}")
    return x


def _feature_dims(name: str, x: Tensor) -> tuple[int, ...]:
    """(sample, channel): the dims PyTorch's feature dropout draws along; it needs two."""
    if x.ndim < 2:
        raise RuntimeError(f"{name}: Feature dropout requires at least 2 dimensions in the input, got shape {x.shape}")
    return (0, 1)


def _channel_dropout(x: Tensor, p: float, training: bool, dims: tuple[int, ...],
                     rng: np.random.Generator | None, inplace: bool = False) -> Tensor:
    """Zero the slices of x picked along ``dims`` with probability p and scale the rest by 1 / (1 - p)
    (``inplace``: written into x, as PyTorch's; see write_or_record)."""
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return write_or_record("dropout", x, lambda t: t * 0.0, inplace)
    scale = _keep(x, p, dims, rng) / (1.0 - p)
    return write_or_record("dropout", x, lambda t: _affine(t, scale), inplace)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,  # noqa: A002
              rng: np.random.Generator | None = None) -> Tensor:
    """Channel dropout for (N, C, L) or unbatched (C, L) input: each channel's whole row is zeroed
    with probability p, the kept ones scaled by 1 / (1 - p). ``inplace=True`` writes into the
    input, as PyTorch's (where it has recorded history: the recorded op, out of place)."""
    p, x = _probability(p), _tensor("dropout1d", input)
    if x.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {x.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, "
                           "a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(x, p, training, (0, 1) if x.ndim == 3 else (0,), rng, inplace)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,  # noqa: A002
              rng: np.random.Generator | None = None) -> Tensor:
    """Channel dropout for (N, C, H, W): each of the N x C maps zeroed with probability p, the kept
    ones scaled by 1 / (1 - p). Other ranks as PyTorch takes them, with its warnings: the first two
    dims are (sample, channel), so 3-D (N, C, L) drops whole rows and 2-D (N, C) single elements."""
    p, x = _probability(p), _tensor("dropout2d", input)
    dims = _feature_dims("dropout2d", x)
    if x.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
                      "dim. To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", stacklevel=2)
    elif x.ndim != 4:
        warnings.warn(f"dropout2d: Received a {x.ndim}-D input to dropout2d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please "
                      "use dropout instead.", stacklevel=2)
    return _channel_dropout(x, p, training, dims, rng, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,  # noqa: A002
              rng: np.random.Generator | None = None) -> Tensor:
    """Channel dropout for (N, C, D, H, W) or unbatched (C, D, H, W) input (each volume zeroed with
    probability p, the kept ones scaled by 1 / (1 - p)). Other ranks warn, as PyTorch's, and are
    taken as unbatched: one draw per index of the first dim."""
    p, x = _probability(p), _tensor("dropout3d", input)
    if x.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {x.ndim}-D input to dropout3d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please "
                      "use dropout instead.", stacklevel=2)
    if x.ndim == 0:
        raise RuntimeError("dropout3d: Feature dropout requires at least 2 dimensions in the input, got a 0-D input")
    return _channel_dropout(x, p, training, (0, 1) if x.ndim == 5 else (0,), rng, inplace)


def _alpha_dropout(x: Tensor, p: float, training: bool, dims: tuple[int, ...],
                   rng: np.random.Generator | None, inplace: bool = False) -> Tensor:
    """Dropped units go to SELU's floor s = -scale·alpha, then y = a·z + b restores mean 0 and
    variance 1 for input of mean 0 and variance 1. With q = 1 - p, z = x·keep + s·(1 - keep) has
    mean s·p and variance q + s²·p·q, so a = 1 / sqrt(q·(1 + p·s²)) and b = -a·s·p.
    f = a·keep·x + a·s·(1 - keep) + b;  df/dx = a·keep."""
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return write_or_record("alpha_dropout", x, lambda t: t * 0.0, inplace)
    keep = _keep(x, p, dims, rng)
    a = 1.0 / math.sqrt((1.0 - p) * (1.0 + p * SELU_FLOOR ** 2))
    b = -a * SELU_FLOOR * p
    shift = a * SELU_FLOOR * (1.0 - keep) + b
    return write_or_record("alpha_dropout", x, lambda t: _affine(t, a * keep, shift), inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False,  # noqa: A002
                  rng: np.random.Generator | None = None) -> Tensor:
    """SELU's dropout, element by element: a dropped unit takes SELU's negative saturation value and an
    affine map keeps mean 0 and variance 1 (see :func:`_alpha_dropout`). ``training`` defaults to
    False, as PyTorch's; p = 1 gives zeros."""
    return _alpha_dropout(_tensor("alpha_dropout", input), _probability(p), training, tuple(range(input.ndim)), rng,
                          inplace)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,  # noqa: A002
                          inplace: bool = False, rng: np.random.Generator | None = None) -> Tensor:
    """:func:`alpha_dropout` with one draw per (sample, channel): whole feature maps are set to SELU's
    floor. Input of two or more dims, the first two (N, C)."""
    p, x = _probability(p), _tensor("feature_alpha_dropout", input)
    return _alpha_dropout(x, p, training, _feature_dims("feature_alpha_dropout", x), rng, inplace)


class _DropoutModule(Module):
    """A Module that calls its function with ``p``, ``self.training``, ``inplace`` and ``rng``."""

    function: Any = None
    #: whether ``inplace=True`` reaches the function: PyTorch's AlphaDropout and FeatureAlphaDropout
    #: keep the flag but compute out of place (their functions do write in place)
    passes_inplace = True

    def __init__(self, p: float = 0.5, inplace: bool = False, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(f"{type(self).__name__}: rng must be a numpy.random.Generator, got {type(rng).__name__}")
        self.p, self.inplace, self.rng = _probability(p), bool(inplace), rng

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return type(self).function(input, self.p, self.training, self.inplace and self.passes_inplace, rng=self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutModule):
    """Training: :func:`dropout1d`, each channel's whole row zeroed with probability p and the kept ones
    scaled by 1 / (1 - p); evaluation: the identity. Input (N, C, L) or (C, L)."""

    function = staticmethod(dropout1d)


class Dropout2d(_DropoutModule):
    """Training: :func:`dropout2d`, each (H, W) map zeroed with probability p and the kept ones scaled
    by 1 / (1 - p); evaluation: the identity. Input (N, C, H, W); 3-D input is taken as (N, C, L)."""

    function = staticmethod(dropout2d)


class Dropout3d(_DropoutModule):
    """Training: :func:`dropout3d`, each (D, H, W) volume zeroed with probability p and the kept ones
    scaled by 1 / (1 - p); evaluation: the identity. Input (N, C, D, H, W) or (C, D, H, W)."""

    function = staticmethod(dropout3d)


class AlphaDropout(_DropoutModule):
    """Training: :func:`alpha_dropout` (for SELU networks: dropped units take SELU's floor and an affine
    map keeps mean 0 and variance 1); evaluation: the identity."""

    function = staticmethod(alpha_dropout)
    passes_inplace = False


class FeatureAlphaDropout(_DropoutModule):
    """Training: :func:`feature_alpha_dropout`, alpha dropout of whole (sample, channel) maps;
    evaluation: the identity."""

    function = staticmethod(feature_alpha_dropout)
    passes_inplace = False
