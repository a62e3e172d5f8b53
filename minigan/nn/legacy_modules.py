"""Three old ``torch.nn`` names PyTorch still exports: ``CrossMapLRN2d`` (the local response
normalisation of Lua Torch's SpatialCrossMapLRN), ``NLLLoss2d`` (``NLLLoss`` from before it took
(N, C, H, W) log-probabilities itself) and ``Container`` (a Module holding the modules given by keyword,
from before ``Module`` did all of that). Each computes what PyTorch's does."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..autograd.legacy import scalar_type_name
from .layers import _check_tensor
from .losses import NLLLoss
from .module import Module

__all__ = ["Container", "CrossMapLRN2d", "NLLLoss2d"]


class CrossMapLRN2d(Module):
    """y = x (k + alpha / size * s)^(-beta) for x (N, C, H, W); s at channel c sums the squares of channel 0
    and of channels max(1, c - p + 1) to min(c + p - 1, C - 1), p = (size - 1) // 2 + 1, as PyTorch's.

    PyTorch forms s as a running sum: s_0 = x_0^2 + ... + x_(p-1)^2, then s_c = s_(c-1) + x_(c+p-1)^2 (while
    c + p - 1 < C) - x_(c-p)^2 (only once c - p >= 1, so x_0^2 is never taken out again); this does the same
    additions in the same order. For an odd size and c < p that is ``LocalResponseNorm``'s window; from channel
    p on the sum also keeps x_0^2, and for an even size the window spans size - 1 channels (centred) where
    LocalResponseNorm's spans size. The gradient is this forward's own derivative, built from the ops (second
    derivatives too). PyTorch's hand-written backward sums over a window that does not follow its forward: its
    gradients agree with these only for inputs with few channels for the size (size 5 and at most 2 channels,
    for example); for size 1, and with create_graph, it raises.
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        x = _check_tensor(self, input)
        if x.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {x.ndim}D instead.")
        if x.dtype.kind in "biu":  # PyTorch's float result cannot be written into the integer input's dtype
            raise RuntimeError(f"result type {'Long' if x.dtype == np.bool_ else 'Float'} can't be cast to the desired "
                               f"output type {scalar_type_name(x.dtype)}")
        channels = x.shape[1]
        if channels == 0:
            raise IndexError(f"select(): index 0 out of range for tensor of size {list(x.shape)} at dimension 1")
        squares = x * x
        reach = int((self.size - 1) / 2 + 1)  # p above: the window's first sum covers channels 0 to p - 1
        total = squares[:, 0]
        for c in range(1, min(reach, channels)):
            total = total + squares[:, c]
        sums = [total]
        for c in range(1, channels):  # slide the window one channel on, in PyTorch's order of operations
            if c < channels - reach + 1:
                total = total + squares[:, c + reach - 1]
            if c > reach:
                total = total - squares[:, c - reach]
            sums.append(total)
        scale = ops.stack(sums, 1) * (self.alpha / self.size) + self.k
        return scale ** (-self.beta) * x

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class NLLLoss2d(NLLLoss):
    """``NLLLoss`` under its old name (PyTorch's ``NLLLoss2d`` is the same class with the same
    arguments): log-probabilities (N, C, H, W) and labels (N, H, W), or any shape ``NLLLoss`` takes."""

    def __init__(self, weight: Any = None, size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                 reduction: str = "mean") -> None:
        warnings.warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement.",
                      FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class Container(Module):
    """``Container(name=module, ...)``: a Module holding each keyword's module under its name, as PyTorch's
    old container does (its forward is ``Module``'s: a subclass writes one)."""

    def __init__(self, **kwargs: Any) -> None:
        warnings.warn("`nn.Container` is deprecated. All of its functionality is now implemented in `nn.Module`. "
                      "Subclass that instead.", FutureWarning, stacklevel=2)
        super().__init__()
        for name, module in kwargs.items():
            self.add_module(name, module)
