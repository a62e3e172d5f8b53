"""PyTorch's dtype names (``minigan.float32``, ``minigan.long``...) as the NumPy dtypes minigan uses.

``import minigan as torch`` then lets ``dtype=torch.float32`` mean ``np.dtype("float32")``.
Tensors hold floating-point (float16, float32, float64), integer or bool data; only
floating-point ones can require gradients. ``promote_types``, ``can_cast`` and ``result_type``
answer PyTorch's type questions by its rules.
"""
from __future__ import annotations

import builtins
import functools
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import DEFAULT_DTYPE
from ..autograd.inplace import type_category

float16 = half = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = short = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = long = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

# ``float``, ``int`` and ``bool`` are PyTorch's names too, set through globals() rather than
# assigned; the code below sees them too, so it spells Python's own ``builtins.bool``.
globals().update({"float": float32, "int": int32, "bool": bool_})


def get_default_dtype() -> np.dtype:
    """The dtype factories use for floating-point results when none is given (float32)."""
    return np.dtype(DEFAULT_DTYPE)


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """The smallest dtype both cast to under PyTorch's rules: of two categories (bool < integer <
    floating point), the higher one's dtype (float16 with int64 is float16, where NumPy would
    say float64); within one, the wider (uint8 with int8 is int16)."""
    type1, type2 = np.dtype(type1), np.dtype(type2)
    if type_category(type1) != type_category(type2):
        return max(type1, type2, key=type_category)
    return np.promote_types(type1, type2)


def can_cast(from_: Any, to: Any) -> bool:
    """Whether PyTorch's casting rules let an op write a ``from_`` result into a ``to`` tensor: not
    into a lower category (a float into an integer, an integer into a bool); any width will do."""
    return type_category(np.dtype(from_)) <= type_category(np.dtype(to))


def result_type(tensor1: Any, tensor2: Any) -> np.dtype:
    """The dtype of PyTorch's arithmetic on ``tensor1`` and ``tensor2`` (Tensors or numbers). Tensors
    with dimensions set it; a 0-d tensor only where its category is higher, and then its dtype
    (int32 with a float64 0-d tensor is float64); a Python number likewise, with its category's
    default dtype (int32 with 2.5 is float32, bool with 2 is int64)."""
    groups: tuple[list[np.dtype], list[np.dtype], list[np.dtype]] = ([], [], [])
    for operand in (tensor1, tensor2):
        if isinstance(operand, Tensor):
            groups[operand.ndim == 0].append(operand.dtype)
        elif isinstance(operand, numbers.Number) and not isinstance(operand, complex):
            groups[2].append(bool_ if isinstance(operand, (builtins.bool, np.bool_)) else np.dtype(
                np.int64) if isinstance(operand, numbers.Integral) else get_default_dtype())
        else:
            raise TypeError(f"result_type(): arguments must be Tensors or numbers, not {type(operand).__name__}")
    result = None
    for group in groups:  # in priority: tensors with dimensions, 0-d tensors, numbers
        if group:
            dtype = functools.reduce(promote_types, group)
            if result is None or type_category(dtype) > type_category(result):
                result = dtype
    return result


def finfo(type: Any = None) -> np.finfo:  # noqa: A002 - PyTorch's name
    """The limits of a floating-point dtype (the default one, float32, when none is given):
    ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``), ``resolution`` and ``bits``."""
    dtype = get_default_dtype() if type is None else np.dtype(type)
    if dtype.kind != "f":
        raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'")
    return np.finfo(dtype)


def iinfo(type: Any) -> np.iinfo:  # noqa: A002 - PyTorch's name
    """The limits of an integer dtype: ``min``, ``max`` and ``bits``."""
    dtype = np.dtype(type)
    if dtype.kind not in "iu":
        raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
    return np.iinfo(dtype)


# ``float``, ``int`` and ``bool`` are left out of ``import *``, where they would shadow the builtins.
__all__ = [
    "float16", "half", "float32", "float64", "double", "uint8", "int8", "int16", "short", "int32", "int64", "long",
    "get_default_dtype", "promote_types", "can_cast", "result_type", "finfo", "iinfo",
]
