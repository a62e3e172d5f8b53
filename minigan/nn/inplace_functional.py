"""The in-place function forms of torch.nn.functional: F.relu_, leaky_relu_, elu_, selu_, celu_,
hardtanh_, threshold_ and rrelu_. Each overwrites its input with the out-of-place function's values and
returns it, under minigan's in-place rules (minigan/autograd/inplace.py): allowed on a tensor that needs
no gradient or under no_grad(); a leaf that requires grad raises PyTorch's error, and a tensor with
recorded history raises naming the out-of-place form, since minigan does not record in-place changes.
The version counter is bumped, so a backward that saved the tensor notices."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd import Tensor
from ..ops import leaky_relu as _leaky_relu, relu as _relu
from ..ops.more_activations import celu as _celu, elu as _elu, hardtanh as _hardtanh, selu as _selu
from ..ops.more_activations import threshold as _threshold
from ..ops.random_activations import rrelu as _rrelu


def _overwrite(name: str, input: Any, compute: Callable[[Tensor], Tensor]) -> Tensor:  # noqa: A002
    """``input`` with its values replaced by ``compute(input)``'s, in place."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be a Tensor, not {type(input).__name__}")
    return input._overwrite(name, compute, instead=f"F.{name[:-1]}")


def relu_(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's names
    """max(x, 0), in place."""
    return _overwrite("relu_", input, _relu)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:  # noqa: A002
    """x where x > 0, else negative_slope x, in place."""
    return _overwrite("leaky_relu_", input, lambda x: _leaky_relu(x, negative_slope))


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """x where x > 0, else alpha (exp(x) - 1), in place."""
    return _overwrite("elu_", input, lambda x: _elu(x, alpha))


def selu_(input: Tensor) -> Tensor:  # noqa: A002
    """SELU, in place."""
    return _overwrite("selu_", input, _selu)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """x where x > 0, else alpha (exp(x / alpha) - 1), in place."""
    return _overwrite("celu_", input, lambda x: _celu(x, alpha))


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:  # noqa: A002
    """x clamped to [min_val, max_val], in place."""
    return _overwrite("hardtanh_", input, lambda x: _hardtanh(x, min_val, max_val))


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """x where x > threshold, else value, in place."""
    return _overwrite("threshold_", input, lambda x: _threshold(x, threshold, value))


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,  # noqa: A002
           *, rng: np.random.Generator | None = None) -> Tensor:
    """F.rrelu, in place (its slopes drawn from ``rng`` while ``training``)."""
    return _overwrite("rrelu_", input, lambda x: _rrelu(x, lower, upper, training, rng=rng))


__all__ = ["relu_", "leaky_relu_", "elu_", "selu_", "celu_", "hardtanh_", "threshold_", "rrelu_"]
