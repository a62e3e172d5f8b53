"""Weight initialisation, in place on a Tensor's data (``nn.init.xavier_uniform_(layer.weight)``).

Same formulas and defaults as ``torch.nn.init``. Every random initialiser draws from ``rng`` (a
NumPy Generator) or PyTorch's ``generator=`` (a ``minigan.Generator``) when given, else from the
generator ``minigan.manual_seed`` seeds. Values are drawn in float64 and rounded once to the
tensor's dtype.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..torch_api.factories import numpy_generator_of
from ..torch_api.unsupported import module_getattr as _module_getattr
from ..backends import backend_of
from ..autograd import Tensor

_LINEAR_LIKE = {"linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
                "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps activations' variance stable through ``nonlinearity``:
    1 for linear/sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu
    (slope ``param``, default 0.01), 3/4 for selu."""
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative slope {param!r} is not a number")
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 0.75
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor: Any) -> tuple[int, int]:
    """fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field
    (a Linear weight (out, in) has fan_in = in, fan_out = out)."""
    shape = _array(tensor).shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, got shape {tuple(shape)}")
    receptive_field = int(np.prod(shape[2:], dtype=np.int64)) if len(shape) > 2 else 1
    return int(shape[1]) * receptive_field, int(shape[0]) * receptive_field


def _fan(tensor: Any, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _array(tensor: Any) -> Any:
    if isinstance(tensor, Tensor):
        return tensor.array
    if hasattr(tensor, "shape") and hasattr(tensor, "dtype"):
        return tensor
    raise TypeError(f"init functions work on a Tensor (or an array), got {type(tensor).__name__}")


def _fill(tensor: Any, values: Any) -> Any:
    """Write ``values`` into the tensor's array in place (cast to its dtype) and return the tensor."""
    array = _array(tensor)
    backend = backend_of(array)
    array[...] = backend.asarray(values, dtype=backend.numpy_dtype(array.dtype))
    return tensor


def _rng(rng: np.random.Generator | None, generator: Any) -> np.random.Generator:
    """The NumPy Generator to draw from: ``rng``, or PyTorch's ``generator=`` (a minigan.Generator),
    or the one ``manual_seed`` seeds."""
    if rng is not None and generator is not None:
        raise TypeError("init: pass rng= or generator=, not both")
    return rng if rng is not None else numpy_generator_of(generator)


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0, rng: np.random.Generator | None = None,
             generator: Any = None) -> Any:
    """Fill with samples from U(a, b)."""
    if a > b:
        raise ValueError(f"uniform_: lower bound {a} is above upper bound {b}")
    return _fill(tensor, _rng(rng, generator).uniform(a, b, size=_array(tensor).shape))


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, rng: np.random.Generator | None = None,
            generator: Any = None) -> Any:
    """Fill with samples from N(mean, std^2)."""
    if std < 0:
        raise ValueError(f"normal_: std must be non-negative, got {std}")
    return _fill(tensor, _rng(rng, generator).normal(mean, std, size=_array(tensor).shape))


def constant_(tensor: Any, val: float) -> Any:
    """Fill with ``val``."""
    _array(tensor)[...] = val
    return tensor


def zeros_(tensor: Any) -> Any:
    """Fill with 0."""
    return constant_(tensor, 0.0)


def ones_(tensor: Any) -> Any:
    """Fill with 1."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Any, gain: float = 1.0, rng: np.random.Generator | None = None,
                    generator: Any = None) -> Any:
    """Glorot uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if fan_in + fan_out == 0:  # a zero-element tensor: nothing to fill
        return tensor
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, rng=rng, generator=generator)


def xavier_normal_(tensor: Any, gain: float = 1.0, rng: np.random.Generator | None = None,
                   generator: Any = None) -> Any:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if fan_in + fan_out == 0:
        return tensor
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng=rng, generator=generator)


def kaiming_uniform_(
    tensor: Any, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | None = None, generator: Any = None,
) -> Any:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    With the defaults of ``nn.Linear`` (a = sqrt(5)) this is U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    """
    fan = _fan(tensor, mode)
    if fan == 0:  # a zero-element tensor: nothing to fill
        return tensor
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound, rng=rng, generator=generator)


def kaiming_normal_(
    tensor: Any, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | None = None, generator: Any = None,
) -> Any:
    """He normal: N(0, std^2) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    fan = _fan(tensor, mode)
    if fan == 0:
        return tensor
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), rng=rng, generator=generator)


__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
]

__getattr__ = _module_getattr(__name__, "torch.nn.init", {
    name: "this initialiser; minigan has uniform_, normal_, constant_, zeros_, ones_, xavier_* and kaiming_*"
    for name in ("orthogonal_", "trunc_normal_", "eye_", "dirac_", "sparse_")})
