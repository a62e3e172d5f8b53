"""The in-place function forms of torch.nn.functional: F.relu_, leaky_relu_, elu_, selu_, celu_,
hardtanh_, threshold_ and rrelu_. Each overwrites its input with the out-of-place function's values and
returns it, under minigan's in-place rules (minigan/autograd/inplace.py): allowed on a tensor that needs
no gradient or under no_grad(); a leaf that requires grad raises PyTorch's error, and a tensor with
recorded history raises naming the out-of-place form, since minigan does not record in-place changes.
The version counter is bumped, so a backward that saved the tensor notices.

``write_or_record`` is what ``inplace=True`` does on the activation and dropout layers and functions:
PyTorch's in-place write where minigan can make it, the recorded out-of-place op where PyTorch would
record an in-place one."""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

import numpy as np

from ..autograd import Tensor, is_grad_enabled
from ..autograd.inplace import LEAF_ERROR
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


def write_or_record(name: str, input: Tensor, compute: Callable[[Tensor], Tensor],  # noqa: A002
                    inplace: bool = True) -> Tensor:
    """``compute(input)``; with ``inplace``, as PyTorch's ``inplace=True`` gives it: written into
    ``input``, which comes back itself with its version bumped (so a backward that saved it raises
    PyTorch's error); on a leaf that requires grad, PyTorch's error. Where PyTorch would record the change in place (a
    tensor with recorded history, grad mode on), minigan records ``compute(input)`` out of place and
    returns it, as it does for ``x += y`` (minigan/autograd/inplace.py): the values and gradients
    are PyTorch's, but ``input`` keeps its old values."""
    if not inplace or not isinstance(input, Tensor):  # compute names a wrong input
        return compute(input)
    if is_grad_enabled() and input.requires_grad:
        if input._ctx is None:
            raise RuntimeError(LEAF_ERROR)
        return compute(input)
    return input._overwrite(name, compute)


def honouring_inplace(function: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """``function`` (an activation whose first parameter is ``input`` and which takes PyTorch's
    ``inplace``) with ``inplace=True`` done by :func:`write_or_record`."""
    signature = inspect.signature(function)
    position = list(signature.parameters).index("inplace")

    @functools.wraps(function)
    def with_inplace(*args: Any, **kwargs: Any) -> Tensor:
        if not kwargs.get("inplace", len(args) > position and args[position]):
            return function(*args, **kwargs)
        arguments = dict(signature.bind(*args, **kwargs).arguments, inplace=False)
        input = arguments.pop("input")  # noqa: A001
        return write_or_record(function.__name__, input, lambda t: function(t, **arguments))
    return with_inplace


__all__ = ["relu_", "leaky_relu_", "elu_", "selu_", "celu_", "hardtanh_", "threshold_", "rrelu_", "write_or_record",
           "honouring_inplace"]
