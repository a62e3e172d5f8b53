"""The activation layers that are not fused with the layer before them: Softmax and LogSoftmax
along a dim, SiLU, ELU and Softplus. Each calls its functional form (minigan/nn/functional.py),
so the formula is written once. (ReLU, LeakyReLU, Sigmoid and Tanh, which Sequential fuses with
a Linear or convolution, are in minigan/nn/layers.py.)
"""
from __future__ import annotations

import warnings
from typing import Any

from ..autograd import Tensor
from ..ops.dims import log_softmax, softmax
from .functional import elu, silu, softplus
from .layers import _check_tensor
from .module import Module


def _implicit_softmax_dim(layer: Module, ndim: int) -> int:
    """PyTorch's choice for a Softmax made without ``dim`` (0 for 0-, 1- and 3-d input, else 1),
    with its warning: that choice is deprecated there."""
    warnings.warn(f"Implicit dimension choice for {type(layer).__name__.lower()} has been deprecated. "
                  "Change the call to include dim=X as an argument.", UserWarning, stacklevel=4)
    return 0 if ndim in (0, 1, 3) else 1


class _AlongDim(Module):
    """A softmax-like layer applied along ``dim`` (PyTorch's implicit choice when None)."""

    _function: Any = None

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        x = _check_tensor(self, x)
        return type(self)._function(x, self.dim if self.dim is not None else _implicit_softmax_dim(self, x.ndim))

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """y = exp(x) / sum(exp(x)) along ``dim`` (the rows of each slice sum to 1)."""

    _function = staticmethod(softmax)


class LogSoftmax(_AlongDim):
    """y = x - log(sum(exp(x))) along ``dim``: the log of :class:`Softmax`, computed stably."""

    _function = staticmethod(log_softmax)


class SiLU(Module):
    """y = x · sigmoid(x) (also called swish)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return silu(_check_tensor(self, x))


class ELU(Module):
    """y = x if x > 0 else alpha (exp(x) - 1)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = float(alpha), inplace

    def forward(self, x: Tensor) -> Tensor:
        return elu(_check_tensor(self, x), self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Softplus(Module):
    """y = log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Tensor) -> Tensor:
        return softplus(_check_tensor(self, x), self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


__all__ = ["Softmax", "LogSoftmax", "SiLU", "ELU", "Softplus"]
