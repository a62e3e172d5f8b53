"""The activation layers that are not fused with the layer before them: Softmax, LogSoftmax and
Softmin along a dim, SiLU, ELU, Softplus, and GELU, SELU, CELU, Mish, Hardtanh, ReLU6, LogSigmoid,
Softsign, Hardswish, Hardsigmoid, GLU, PReLU (with its learned slopes), Tanhshrink, Hardshrink,
Softshrink, Threshold and RReLU. Each calls its functional form (minigan/nn/functional.py, the new ones
written in minigan/ops/more_activations.py), so the formula is written once. ``inplace=True``, where
PyTorch takes it, writes the values into the input as PyTorch does (minigan/nn/inplace_functional.py's
``write_or_record``: a tensor with recorded history gets the recorded out-of-place op instead). (ReLU,
LeakyReLU, Sigmoid and Tanh, which Sequential fuses with a Linear or convolution, are in
minigan/nn/layers.py.)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..ops import more_activations as A
from ..ops.dims import log_softmax, softmax
from ..ops.random_activations import rrelu
from .functional import elu, silu, softplus
from .inplace_functional import write_or_record
from .layers import _check_tensor
from .module import Module, Parameter


def _implicit_softmax_dim(layer: Module, ndim: int) -> int:
    """PyTorch's choice for a Softmax made without ``dim``, with its warning (see A.implicit_dim)."""
    return A.implicit_dim(type(layer).__name__.lower(), ndim, stacklevel=5)


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


class Softmin(_AlongDim):
    """y = softmax(-x) along ``dim``."""

    _function = staticmethod(A.softmin)


class SiLU(Module):
    """y = x · sigmoid(x) (also called swish)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return write_or_record("SiLU", _check_tensor(self, x), silu, self.inplace)


class ELU(Module):
    """y = x if x > 0 else alpha (exp(x) - 1)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = float(alpha), inplace

    def forward(self, x: Tensor) -> Tensor:
        return write_or_record("ELU", _check_tensor(self, x), lambda t: elu(t, self.alpha), self.inplace)

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


class _Applied(Module):
    """A layer that applies ``_function`` (a functional form) with the arguments in ``_arguments``,
    which the layer keeps as attributes of those names; ``extra_repr`` is PyTorch's."""

    _function: Any = None
    _arguments: tuple[str, ...] = ()

    def forward(self, x: Tensor) -> Tensor:
        function, arguments = type(self)._function, [getattr(self, name) for name in self._arguments]
        return write_or_record(type(self).__name__, _check_tensor(self, x), lambda t: function(t, *arguments),
                               getattr(self, "inplace", False))

    def extra_repr(self) -> str:
        inplace = getattr(self, "inplace", False)
        shown = [f"{name}={getattr(self, name)!r}" for name in self._arguments]
        return ", ".join(shown + (["inplace=True"] if inplace else []))


class _InPlaceFlag(_Applied):
    """An argument-free activation that takes PyTorch's ``inplace`` flag."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class GELU(_Applied):
    """y = x Phi(x), Phi the standard normal CDF (``approximate="tanh"``: PyTorch's tanh approximation)."""

    _function, _arguments = staticmethod(A.gelu), ("approximate",)

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate


class SELU(_InPlaceFlag):
    """y = scale elu(x, alpha), with SELU's constants."""

    _function = staticmethod(A.selu)


class CELU(_Applied):
    """y = x if x > 0 else alpha (exp(x / alpha) - 1)."""

    _function, _arguments = staticmethod(A.celu), ("alpha",)

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace


class Mish(_InPlaceFlag):
    """y = x tanh(softplus(x))."""

    _function = staticmethod(A.mish)


class Hardtanh(_Applied):
    """y = x clamped to [min_val, max_val]."""

    _function, _arguments = staticmethod(A.hardtanh), ("min_val", "max_val")

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if min_val > max_val:
            raise ValueError("min_val cannot be greater than max_val")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace


class ReLU6(Hardtanh):
    """y = min(max(x, 0), 6)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(min_val=0.0, max_val=6.0, inplace=inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LogSigmoid(_Applied):
    """y = log sigmoid(x) = -softplus(-x)."""

    _function = staticmethod(A.logsigmoid)


class Softsign(_Applied):
    """y = x / (1 + |x|)."""

    _function = staticmethod(A.softsign)


class Hardswish(_InPlaceFlag):
    """y = x hardsigmoid(x)."""

    _function = staticmethod(A.hardswish)


class Hardsigmoid(_InPlaceFlag):
    """y = min(max(x + 3, 0), 6) / 6."""

    _function = staticmethod(A.hardsigmoid)


class GLU(_Applied):
    """y = a sigmoid(b), a and b the halves of x along ``dim``."""

    _function, _arguments = staticmethod(A.glu), ("dim",)

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim


class Tanhshrink(_Applied):
    """y = x - tanh(x)."""

    _function = staticmethod(A.tanhshrink)


class Hardshrink(_Applied):
    """y = x where |x| > lambd, else 0."""

    _function, _arguments = staticmethod(A.hardshrink), ("lambd",)

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """y = x - lambd where x > lambd, x + lambd where x < -lambd, else 0."""

    _function = staticmethod(A.softshrink)


class Threshold(_Applied):
    """y = x where x > threshold, else value."""

    _function, _arguments = staticmethod(A.threshold), ("threshold", "value")

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace


class PReLU(Module):
    """y = x where x > 0, else a x, with ``a`` learned: one slope, or one per channel (dim 1 of the
    input) with ``num_parameters`` = the number of channels; each starts at ``init``."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(np.empty((num_parameters,), dtype=np.float32 if dtype is None else dtype))
        self.reset_parameters()
        if device is not None:
            self.to(device)

    def reset_parameters(self) -> None:
        with no_grad():
            self.weight.fill_(self.init)

    def forward(self, x: Tensor) -> Tensor:
        return A.prelu(_check_tensor(self, x), self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """y = x where x > 0, else r x: r drawn from U(lower, upper) per element in training mode (from
    ``rng``, a NumPy Generator, by default minigan's), (lower + upper) / 2 in eval mode."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace, self.rng = lower, upper, inplace, rng

    def forward(self, x: Tensor) -> Tensor:
        return write_or_record("RReLU", _check_tensor(self, x),
                               lambda t: rrelu(t, self.lower, self.upper, self.training, rng=self.rng), self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


__all__ = [
    "RReLU", "Softmax", "LogSoftmax", "Softmin", "SiLU", "ELU", "Softplus", "GELU", "SELU", "CELU", "Mish", "Hardtanh",
    "ReLU6", "LogSigmoid", "Softsign", "Hardswish", "Hardsigmoid", "GLU", "PReLU", "Tanhshrink", "Hardshrink",
    "Softshrink", "Threshold",
]
