"""``make_tensor(*shape, dtype=, device=)``: torch.testing's tensor of test values, drawn from
minigan's default generator (so ``manual_seed`` fixes them; not PyTorch's numbers).

The default ranges are PyTorch's: floats uniform in [-9, 9], integers in [-9, 10) (uint8 in
[0, 10)), booleans either value. ``low`` and ``high`` are clamped to what the dtype holds; for
integers ``high`` is exclusive and both are rounded up.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import check_device_argument, dtype_argument
from ..torch_api.factories import _result, _size, numpy_generator_of
from ..torch_api.unsupported import UnsupportedFeatureError

__all__ = ["make_tensor"]


def make_tensor(*shape: Any, dtype: Any, device: Any, low: float | None = None, high: float | None = None,
                requires_grad: bool = False, noncontiguous: bool = False, exclude_zero: bool = False,
                memory_format: Any = None) -> Tensor:
    """A tensor of ``shape`` (ints, or one tuple or list) and ``dtype`` with values from ``low``
    to ``high`` (``high`` excluded for integers), as ``torch.testing.make_tensor``.
    ``exclude_zero=True`` replaces zeros with 1 (integers, bool) or the dtype's smallest normal
    number (floats); ``noncontiguous=True`` gives a strided view of a larger array (tensors of
    fewer than two elements stay contiguous)."""
    check_device_argument(device)
    if dtype is None or isinstance(dtype, str):
        raise TypeError(f"The requested dtype {dtype!r} is not supported by torch.testing.make_tensor().")
    dtype = dtype_argument(dtype)
    if memory_format is not None:
        raise UnsupportedFeatureError("make_tensor(memory_format=...) is not supported by minigan: its tensors are "
                                      "always row-major")
    if requires_grad and dtype.kind in "biu":
        raise ValueError("`requires_grad=True` is not supported for boolean and integral dtypes, "
                         f"but got dtype=torch.{dtype}")
    size = _size(shape, None, "make_tensor")
    wide = size[:-1] + (2 * size[-1],) if noncontiguous and math.prod(size) > 1 else size
    values = _draw(wide, dtype, low, high)
    if exclude_zero:
        values[values == 0] = 1 if dtype.kind in "biu" else np.finfo(dtype).tiny
    if wide != size:
        values = values[..., ::2]
    return _result(values, requires_grad, "make_tensor", device)


def _draw(shape: tuple[int, ...], dtype: np.dtype, low: Any, high: Any) -> np.ndarray:
    generator = numpy_generator_of(None)
    if dtype.kind == "b":
        low, high = _bounds(low, high, 0, 2, 0, 1, integral=True)
        return generator.integers(low, high, shape, dtype=np.int64).astype(bool)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        default_low = 0 if dtype.kind == "u" else -9
        low, high = _bounds(low, high, default_low, 10, int(info.min), int(info.max), integral=True)
        return generator.integers(low, high, shape, dtype=np.int64, endpoint=False).astype(dtype)
    info = np.finfo(dtype)
    low, high = _bounds(low, high, -9, 9, float(info.min), float(info.max), integral=False)
    if low == high:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is "
                      "deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.",
                      FutureWarning, stacklevel=3)
        return np.full(shape, low, dtype)
    # drawn in float64 (as a weighted mean, which cannot overflow) and rounded to the dtype
    fraction = generator.random(shape)
    return np.clip(low * (1 - fraction) + high * fraction, low, high).astype(dtype)


def _bounds(low: Any, high: Any, default_low: float, default_high: float, least: float, most: float,
            *, integral: bool) -> tuple[Any, Any]:
    """``low`` and ``high`` checked and clamped to [least, most] (for integers the exclusive
    ``high`` to most + 1), as PyTorch's make_tensor."""
    for name, value in (("low", low), ("high", high)):
        if value is not None and not isinstance(value, numbers.Real):
            raise TypeError(f"make_tensor(): `{name}` must be a number, got {type(value).__name__}")
    low = default_low if low is None else low
    high = default_high if high is None else high
    if math.isnan(low) or math.isnan(high):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low > high or (integral and low == high):
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    low, high = min(max(low, least), most), min(max(high, least), most + (1 if integral else 0))
    if integral:
        low, high = math.ceil(low), math.ceil(high)
        if low >= high:  # both rounded up to the same integer: nothing to draw
            raise ValueError(f"`low` must be less than `high`, but got {low} >= {high} once rounded up to integers")
    return low, high
