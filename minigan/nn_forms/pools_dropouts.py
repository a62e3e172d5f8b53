"""``torch.avg_pool1d``, ``max_pool1d``, ``adaptive_avg_pool1d``, ``adaptive_max_pool1d``, the dropouts
``alpha_dropout``, ``feature_alpha_dropout``, ``feature_dropout`` (each with its in-place form) and
``dropout_``, and ``rrelu``, ``rrelu_``, ``threshold_``, ``celu_`` and ``selu_``, with PyTorch's
top-level arguments over the functional forms in minigan/nn/ and minigan/ops/.

The differences from ``torch.nn.functional``: ``max_pool1d`` has no ``return_indices`` and
``adaptive_max_pool1d`` always returns (values, indices); each dropout takes ``(input, p, train)``,
all three required; ``rrelu`` takes a ``generator`` and no ``inplace``. The in-place forms
(names ending in ``_``) write into their input under minigan's in-place rules
(minigan/autograd/inplace.py): on a tensor with recorded history they raise, naming the
out-of-place form to use instead."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd import Tensor
from ..nn import functional as F
from ..nn.dropout import _channel_dropout, _feature_dims
from ..torch_api.factories import numpy_generator_of
from ..autograd.arguments import tensor_argument
from .arguments import bool_argument

# The same arguments at the top level as in torch.nn.functional.
avg_pool1d, adaptive_avg_pool1d = F.avg_pool1d, F.adaptive_avg_pool1d


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0,  # noqa: A002 - PyTorch's names
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:
    """The maximum over each window of the last dim, as ``F.max_pool1d`` (an empty ``stride``, the
    default, is the kernel size)."""
    tensor_argument("max_pool1d", "input", 1, input)
    return F.max_pool1d(input, kernel_size, None if stride in ((), []) else stride, padding, dilation, ceil_mode)


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
    """(values, indices): the maxima over ``output_size`` windows spread over the last dim, and where
    they were, as ``F.adaptive_max_pool1d(..., return_indices=True)``."""
    tensor_argument("adaptive_max_pool1d", "input", 1, input)
    return F.adaptive_max_pool1d(input, output_size, True)


def _in_place(name: str, input: Tensor, compute: Callable[[Tensor], Tensor]) -> Tensor:  # noqa: A002
    """``input`` with its values replaced by ``compute(input)``'s."""
    return tensor_argument(name, "input", 1, input)._overwrite(name, compute, instead=f"torch.{name[:-1]}")


def _dropout_arguments(name: str, input: Tensor, p: float, train: bool) -> tuple[Tensor, float, bool]:  # noqa: A002
    tensor_argument(name, "input", 1, input)
    bool_argument(name, train, "train", 3)
    if not 0.0 <= p <= 1.0:  # a RuntimeError at PyTorch's top level (F's forms raise ValueError)
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    return input, float(p), train


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """SELU's dropout while ``train``, as ``F.alpha_dropout``: dropped units take SELU's negative
    saturation value and an affine map keeps mean 0 and variance 1."""
    input, p, train = _dropout_arguments("alpha_dropout", input, p, train)  # noqa: A001
    return F.alpha_dropout(input, p, train)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """:func:`alpha_dropout`, in place."""
    input, p, train = _dropout_arguments("alpha_dropout_", input, p, train)  # noqa: A001
    return input if not train else _in_place("alpha_dropout_", input, lambda x: F.alpha_dropout(x, p, True))


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """:func:`alpha_dropout` with one draw per (sample, channel), as ``F.feature_alpha_dropout``."""
    input, p, train = _dropout_arguments("feature_alpha_dropout", input, p, train)  # noqa: A001
    return F.feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """:func:`feature_alpha_dropout`, in place."""
    input, p, train = _dropout_arguments("feature_alpha_dropout_", input, p, train)  # noqa: A001
    if not train:
        return input
    return _in_place("feature_alpha_dropout_", input, lambda x: F.feature_alpha_dropout(x, p, True))


def _feature_dropout(name: str, x: Tensor, p: float) -> Tensor:
    """Each (sample, channel) slice zeroed with probability p, the kept ones scaled by 1 / (1 - p)."""
    return _channel_dropout(x, p, True, _feature_dims(name, x), None)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """While ``train``: each (sample, channel) slice of input (two or more dims, the first two (N, C))
    zeroed with probability p and the kept ones scaled by 1 / (1 - p); otherwise the input."""
    input, p, train = _dropout_arguments("feature_dropout", input, p, train)  # noqa: A001
    return _feature_dropout("feature_dropout", input, p) if train else input


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """:func:`feature_dropout`, in place."""
    input, p, train = _dropout_arguments("feature_dropout_", input, p, train)  # noqa: A001
    if not train:
        return input
    _feature_dims("feature_dropout_", input)  # the rank check before anything is written
    return _in_place("feature_dropout_", input, lambda x: _feature_dropout("feature_dropout_", x, p))


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """Element dropout while ``train`` (each element zeroed with probability p, the kept ones scaled by
    1 / (1 - p)), written into the input."""
    input, p, train = _dropout_arguments("dropout_", input, p, train)  # noqa: A001
    return input if not train else _in_place("dropout_", input, lambda x: F.dropout(x, p, True))


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,  # noqa: A002
          generator: Any = None) -> Tensor:
    """x where x > 0, else r·x: r drawn from U(lower, upper) per element while ``training`` (from
    ``generator``, a ``minigan.Generator``, or else the one ``minigan.manual_seed`` seeds), else
    r = (lower + upper) / 2. As ``F.rrelu``."""
    tensor_argument("rrelu", "input", 1, input)
    _bounds(lower, upper)
    return F.rrelu(input, lower, upper, training, rng=_rng(generator))


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,  # noqa: A002
           generator: Any = None) -> Tensor:
    """:func:`rrelu`, in place."""
    _bounds(lower, upper)
    rng = _rng(generator)
    return _in_place("rrelu_", input, lambda x: F.rrelu(x, lower, upper, training, rng=rng))


def _bounds(lower: float, upper: float) -> None:
    if lower > upper:  # a RuntimeError at PyTorch's top level (F.rrelu raises ValueError)
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")


def _rng(generator: Any) -> np.random.Generator | None:
    return None if generator is None else numpy_generator_of(generator)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """x where x > threshold, else value, in place."""
    return _in_place("threshold_", input, lambda x: F.threshold(x, threshold, value))


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """x where x > 0, else alpha·(exp(x / alpha) - 1), in place."""
    return _in_place("celu_", input, lambda x: F.celu(x, alpha))


def selu_(input: Tensor) -> Tensor:  # noqa: A002
    """SELU, in place."""
    return _in_place("selu_", input, F.selu)
