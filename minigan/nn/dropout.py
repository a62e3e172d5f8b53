"""``nn.Dropout2d``: channel dropout, which zeroes whole feature maps (the spatial neighbours in a
map are correlated, so element dropout would barely regularise a convolution)."""
from __future__ import annotations

import warnings

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from ..torch_api.generators import default_generator
from .module import Module

__all__ = ["Dropout2d"]


class Dropout2d(Module):
    """Training: zero each channel of each sample, all of its H x W values, with probability p,
    and scale the kept channels by 1 / (1 - p); evaluation: the identity. Input (N, C, H, W).

    The keep/drop draw, one per (sample, channel), comes from ``rng`` (default: the process's
    generator, which ``manual_seed`` seeds). Other inputs of two or more dimensions are taken as
    PyTorch takes them, with its warnings: the first two dimensions are (sample, channel), so a
    3-D (N, C, L) input drops whole rows and a 2-D (N, C) input single elements."""

    def __init__(self, p: float = 0.5, inplace: bool = False, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout2d: probability must be in [0, 1], got {p}")
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(f"Dropout2d: rng must be a numpy.random.Generator, got {type(rng).__name__}")
        self.p, self.inplace, self.rng = float(p), bool(inplace), rng

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor) or x.ndim < 2:
            got = f"shape {x.shape}" if isinstance(x, Tensor) else type(x).__name__
            raise ValueError(f"Dropout2d takes a (N, C, H, W) Tensor, got {got}")
        if x.ndim == 3:
            warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                          "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
                          "dim. To maintain the 1D channel-wise dropout behavior, please switch to using "
                          "dropout1d instead.", stacklevel=2)
        elif x.ndim != 4:
            warnings.warn(f"dropout2d: Received a {x.ndim}-D input to dropout2d, which is deprecated and will result "
                          "in an error in a future release. To retain the behavior and silence this warning, please "
                          "use dropout instead.", stacklevel=2)
        if not self.training or self.p == 0.0:
            return x
        if self.p == 1.0:
            return x * 0.0
        rng = self.rng if self.rng is not None else default_generator()
        keep = rng.random(x.shape[:2]) >= self.p  # P(keep) = 1 - p, one draw per channel
        dtype = backend_of(x.array).numpy_dtype(x.dtype)
        scale = (keep / (1.0 - self.p)).astype(dtype).reshape(x.shape[:2] + (1,) * (x.ndim - 2))
        return x * Tensor._make(backend_of(x.array).asarray(scale), False, None)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
