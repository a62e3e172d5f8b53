"""``nn.Dropout2d``: channel dropout, which zeroes whole feature maps (the spatial neighbours in a
map are correlated, so element dropout would barely regularise a convolution)."""
from __future__ import annotations

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
    generator, which ``manual_seed`` seeds). PyTorch also takes (C, H, W) input, with a warning
    that its meaning will change; minigan refuses it (unsqueeze it to (1, C, H, W))."""

    def __init__(self, p: float = 0.5, inplace: bool = False, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout2d: probability must be in [0, 1], got {p}")
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(f"Dropout2d: rng must be a numpy.random.Generator, got {type(rng).__name__}")
        self.p, self.inplace, self.rng = float(p), bool(inplace), rng

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor) or x.ndim != 4:
            got = f"shape {x.shape}" if isinstance(x, Tensor) else type(x).__name__
            raise ValueError(f"Dropout2d takes a (N, C, H, W) Tensor, got {got}")
        if not self.training or self.p == 0.0:
            return x
        if self.p == 1.0:
            return x * 0.0
        rng = self.rng if self.rng is not None else default_generator()
        keep = rng.random(x.shape[:2]) >= self.p  # P(keep) = 1 - p, one draw per channel
        dtype = backend_of(x.array).numpy_dtype(x.dtype)
        scale = (keep / (1.0 - self.p)).astype(dtype)[:, :, None, None]
        return x * Tensor._make(backend_of(x.array).asarray(scale), False, None)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
