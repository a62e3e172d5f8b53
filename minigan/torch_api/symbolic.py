"""PyTorch's ``torch.sym_*`` helpers on plain Python numbers and bools, as PyTorch's behave outside
tracing (minigan has no symbolic shapes, so these are their eager forms), and ``torch.is_storage``.

``sym_int`` truncates toward zero, ``sym_float`` converts, ``sym_not`` negates, ``sym_sqrt`` is
``math.sqrt``; ``sym_max`` and ``sym_min`` take two numbers (Python or NumPy, not tensors) and give
the larger or smaller as Python's ``max``/``min`` pick it, a float if either is a float; ``sym_sum``
adds its arguments (one list or tuple of them, or several) starting from 0; ``sym_ite(b, t, f)`` is
``t if b else f`` for a bool ``b`` and ``t``, ``f`` of one type."""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

_NUMBER_TYPES = (np.integer, np.floating, builtins.int, builtins.float)


def sym_int(a: Any) -> int:
    """``int(a)``: a float truncated toward zero (PyTorch's OverflowError for inf, ValueError for NaN)."""
    return builtins.int(a)


def sym_float(a: Any) -> float:
    """``float(a)``."""
    return builtins.float(a)


def sym_not(a: Any) -> bool:
    """``not a``."""
    return not a


def sym_sqrt(a: Any) -> float:
    """``math.sqrt(a)`` (ValueError "math domain error" below 0)."""
    return math.sqrt(a)


def _number(a: Any) -> None:
    if not isinstance(a, _NUMBER_TYPES):
        raise AssertionError("expected (<class 'numpy.integer'>, <class 'numpy.floating'>, <class 'int'>, "
                             f"<class 'float'>), got {type(a)}")


def _pick(a: Any, b: Any, pick: Any) -> Any:
    _number(a)
    _number(b)
    result = pick(a, b)
    return builtins.float(result) if isinstance(a, (builtins.float, np.floating)) or isinstance(
        b, (builtins.float, np.floating)) else result


def sym_max(a: Any, b: Any) -> Any:
    """The larger of two numbers, as ``max(a, b)`` picks it; a float when either is one."""
    return _pick(a, b, builtins.max)


def sym_min(a: Any, b: Any) -> Any:
    """The smaller of two numbers, as ``min(a, b)`` picks it; a float when either is one."""
    return _pick(a, b, builtins.min)


def sym_sum(*args: Any) -> Any:
    """The sum of the arguments (or of the one list or tuple given), starting from 0."""
    terms = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
    total: Any = 0
    for term in terms:
        total = total + term
    return total


def sym_ite(b: Any, t: Any, f: Any) -> Any:
    """``t if b else f``: ``b`` a bool, ``t`` and ``f`` of the same type."""
    if not isinstance(b, builtins.bool):
        raise AssertionError(f"expected SymBool or bool, got {type(b)}")
    if type(t) is not type(f):
        raise AssertionError(f"type mismatch: {type(t)} vs {type(f)}")
    return t if b else f


def is_storage(obj: Any) -> bool:
    """False: minigan has no storage objects (a tensor's memory is its array)."""
    return False


__all__ = ["sym_int", "sym_float", "sym_not", "sym_sqrt", "sym_max", "sym_min", "sym_sum", "sym_ite", "is_storage"]
