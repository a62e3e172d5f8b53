"""``assert_close(actual, expected)``: torch.testing's comparison of tensors, arrays, numbers and
nests of them, with its tolerances, its checks and its messages.

Two values are close where ``|actual - expected| <= atol + rtol * |expected|``, or where they are
equal (so equal infinities are close), or, with ``equal_nan=True``, where both are NaN. The default
tolerances come from the dtype, as PyTorch's table gives them; comparing two dtypes (with
``check_dtype=False``) takes the larger of the two. Integers and booleans must be equal.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..autograd import Tensor
from ..torch_api.dtypes import get_default_dtype, promote_types
from ..torch_api.factories import as_tensor
from ..torch_api.unsupported import UnsupportedFeatureError

__all__ = ["assert_allclose", "assert_close"]

#: (rtol, atol) by dtype, as torch.testing's; integer and bool dtypes are compared exactly.
_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7), np.dtype(np.complex64): (1.3e-6, 1e-5),
               np.dtype(np.complex128): (1e-7, 1e-7)}
_NUMBER_KINDS = (bool, int, float, complex)  # a Python number's kind; NumPy scalars map to these


class _Mismatch(AssertionError):
    """A failed comparison, with where in the nest of inputs it happened."""

    def __init__(self, message: str, path: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.message, self.path = message, path


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Raise AssertionError unless ``actual`` and ``expected`` are close, as
    ``torch.testing.assert_close``: tensors (or NumPy arrays, on both sides) of the same shape,
    device and dtype, numbers of the same type, and lists, tuples and dicts of these, compared
    item by item. ``msg`` replaces the message, or, if callable, takes it and returns the one to
    raise. ``check_layout`` has nothing to check (every tensor is strided); strides are not
    compared (``check_stride=True`` is refused)."""
    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted, "
                         f"but got no {'rtol' if rtol is None else 'atol'}.")
    if check_stride:
        raise UnsupportedFeatureError("assert_close(check_stride=True) is not supported by minigan: its tensors "
                                      "carry no strides to compare")
    options = {"allow_subclasses": allow_subclasses, "rtol": rtol, "atol": atol, "equal_nan": equal_nan,
               "check_device": check_device, "check_dtype": check_dtype}
    try:
        _compare(actual, expected, (), options)
    except _Mismatch as mismatch:
        if isinstance(msg, str):
            message = msg
        else:
            message = mismatch.message
            if mismatch.path:
                message += "\n\nThe failure occurred for item " + "".join(f"[{key!r}]" for key in mismatch.path)
            if callable(msg):
                message = msg(message)
        raise AssertionError(message) from None


def assert_allclose(actual: Any, expected: Any, rtol: float | None = None, atol: float | None = None,
                    equal_nan: bool = True, msg: str = "") -> None:
    """The deprecated ``torch.testing.assert_allclose``: warns, turns ``actual`` into a tensor
    like ``expected``, and compares with NumPy's rtol (1e-4 for float32) unless told otherwise."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
                  "release. Please use `torch.testing.assert_close()` instead.", FutureWarning, stacklevel=2)
    actual = actual if isinstance(actual, Tensor) else as_tensor(actual)
    expected = as_tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        dtype = promote_types(actual.dtype, expected.dtype)
        rtol, atol = {np.dtype(np.float16): (1e-3, 1e-3), np.dtype(np.float32): (1e-4, 1e-5),
                      np.dtype(np.float64): (1e-5, 1e-8)}.get(dtype, (0.0, 0.0))
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)


# ---------------------------------------------------------------------- the walk over the nest
def _compare(actual: Any, expected: Any, path: tuple[Any, ...], options: dict[str, Any]) -> None:
    if actual is None or expected is None:
        if actual is not expected:
            raise _Mismatch(f"None mismatch: {actual} is not {expected}", path)
        return
    if _is_number(actual) and _is_number(expected):
        _compare_numbers(actual, expected, path, options)
        return
    if _tensor_pair(actual, expected, options["allow_subclasses"]):
        _compare_tensors(actual, expected, path, options)
        return
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        missing, extra = _ordered(expected.keys() - actual.keys()), _ordered(actual.keys() - expected.keys())
        if missing or extra:
            raise _Mismatch("The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {missing}\n"
                            f"Additional keys in the actual mapping: {extra}", path)
        for key in expected:
            _compare(actual[key], expected[key], path + (key,), options)
        return
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", path)
        for index, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, path + (index,), options)
        return
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Number, np.bool_)) and not isinstance(value, (Tensor, np.ndarray))


def _is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _tensor_pair(actual: Any, expected: Any, allow_subclasses: bool) -> bool:
    """Both tensors (a subclass such as Parameter counts unless ``allow_subclasses=False``), or
    both NumPy arrays; a tensor against an array is no pair, as in PyTorch."""
    if isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray):
        return True
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        return allow_subclasses or type(actual) is type(expected)
    return False


def _ordered(keys: Any) -> list[Any]:
    try:
        return sorted(keys)
    except TypeError:  # keys of types that do not compare
        return list(keys)


# ---------------------------------------------------------------------- numbers
def _kind(value: Any) -> type:
    """The Python number type a number stands for (NumPy scalars included)."""
    for kind in _NUMBER_KINDS:
        if isinstance(value, kind) or isinstance(value, np.generic) and isinstance(value.item(), kind):
            return kind
    return complex


def _compare_numbers(actual: Any, expected: Any, path: tuple[Any, ...], options: dict[str, Any]) -> None:
    actual_kind, expected_kind = _kind(actual), _kind(expected)
    if actual_kind is bool or expected_kind is bool:
        if actual_kind is not expected_kind:
            raise _Mismatch(f"The (d)types do not match: {actual_kind} != {expected_kind}.", path)
        if bool(actual) is not bool(expected):
            raise _Mismatch(f"Booleans mismatch: {bool(actual)} is not {bool(expected)}", path)
        return
    if options["check_dtype"] and actual_kind is not expected_kind:
        raise _Mismatch(f"The (d)types do not match: {actual_kind} != {expected_kind}.", path)
    actual, expected = actual_kind(actual), expected_kind(expected)
    rtol, atol = _tolerances(options, *(np.dtype(np.float64) if kind is not int else np.dtype(np.int64)
                                        for kind in (actual_kind, expected_kind)))
    if actual == expected or options["equal_nan"] and _isnan(actual) and _isnan(expected):
        return
    difference = abs(actual - expected)
    finite = not isinstance(difference, float) or math.isfinite(difference)  # unequal infinities are far apart
    if finite and difference <= atol + rtol * abs(expected):
        return
    relative = difference / abs(expected) if expected != 0 else math.inf
    raise _Mismatch(_report("Scalars", rtol, atol, [f"Expected {expected} but got {actual}."],
                            (difference, None), (relative, None)), path)


def _isnan(value: Any) -> bool:
    return value != value


def _tolerances(options: dict[str, Any], *dtypes: np.dtype) -> tuple[float, float]:
    if options["rtol"] is not None:
        return options["rtol"], options["atol"]
    pairs = [_TOLERANCES.get(np.dtype(dtype), (0.0, 0.0)) for dtype in dtypes]
    return max(rtol for rtol, _ in pairs), max(atol for _, atol in pairs)


# ---------------------------------------------------------------------- tensors and arrays
def _compare_tensors(actual: Any, expected: Any, path: tuple[Any, ...], options: dict[str, Any]) -> None:
    if tuple(actual.shape) != tuple(expected.shape):
        raise _Mismatch("The values for attribute 'shape' do not match: "
                        f"torch.Size({list(actual.shape)}) != torch.Size({list(expected.shape)}).", path)
    if options["check_device"] and isinstance(actual, Tensor) and actual.device != expected.device:
        raise _Mismatch(f"The values for attribute 'device' do not match: {actual.device} != {expected.device}.", path)
    if options["check_dtype"] and actual.dtype != expected.dtype:
        raise _Mismatch(f"The values for attribute 'dtype' do not match: torch.{actual.dtype} != "
                        f"torch.{expected.dtype}.", path)
    rtol, atol = _tolerances(options, actual.dtype, expected.dtype)
    dtype = promote_types(actual.dtype, expected.dtype)
    a, e = _host(actual).astype(dtype, copy=False), _host(expected).astype(dtype, copy=False)
    if dtype.kind in "biu":  # differences in int64, relative ones in the default float dtype, as PyTorch's
        a, e = a.astype(np.int64), e.astype(np.int64)
    # inf - inf is NaN, a difference may overflow and a relative one divide by 0: all reported, as PyTorch's
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        difference = np.abs(a - e)
        close = (a == e) | (np.isfinite(difference) & (difference <= atol + rtol * np.abs(e)))
        if options["equal_nan"] and dtype.kind in "fc":
            close |= np.isnan(a) & np.isnan(e)
        if close.all():
            return
        difference = np.where(close, 0, difference)  # the close elements take no part in the greatest
        base = np.abs(e).astype(get_default_dtype() if dtype.kind in "biu" else dtype)
        relative = difference.astype(base.dtype) / np.where(close, 1, base)
    if a.ndim == 0:
        raise _Mismatch(_report("Scalars", rtol, atol, [f"Expected {e.item()} but got {a.item()}."],
                                (difference.item(), None), (relative.item(), None)), path)
    mismatched = int(close.size - np.count_nonzero(close))
    lines = [f"Mismatched elements: {mismatched} / {close.size} ({mismatched / close.size:.1%})"]
    raise _Mismatch(_report("Tensor-likes", rtol, atol, lines, _greatest(difference), _greatest(relative)), path)


def _host(value: Any) -> np.ndarray:
    if isinstance(value, Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _greatest(values: np.ndarray) -> tuple[Any, tuple[int, ...]]:
    """The largest value and its index; a NaN wins, the first one, as in PyTorch's max."""
    flat = values.reshape(-1)
    nan = np.flatnonzero(np.isnan(flat)) if flat.dtype.kind in "fc" else []
    where = int(nan[0]) if len(nan) else int(np.argmax(flat))
    return flat[where].item(), tuple(int(i) for i in np.unravel_index(where, values.shape))


def _report(what: str, rtol: float, atol: float, lines: list[str], difference: tuple[Any, Any],
            relative: tuple[Any, Any]) -> str:
    exact = rtol == 0 and atol == 0
    (largest, at), (largest_relative, relative_at) = difference, relative
    prefix = "Greatest " if at is not None else ""
    absolute_line = f"{prefix}{'a' if prefix else 'A'}bsolute difference: {largest}"
    relative_line = f"{prefix}{'r' if prefix else 'R'}elative difference: {largest_relative}"
    if at is not None:
        absolute_line += f" at index {at}"
        relative_line += f" at index {relative_at}"
    if not exact:
        absolute_line += f" (up to {atol} allowed)"
        relative_line += f" (up to {rtol} allowed)"
    title = f"{what} are not {'equal' if exact else 'close'}!"
    return "\n".join([title, "", *lines, absolute_line, relative_line])
