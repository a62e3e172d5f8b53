"""The two operands of torch.special's two-input functions (zeta, gammainc, gammaincc, the orthogonal
polynomials), made as PyTorch makes them: one of them at least a Tensor, the shapes broadcastable, and
one floating dtype for both, the wider of two floats (a 0-d Tensor or a number does not widen a larger
Tensor's), the float one's beside an integer, and float32 for two integers."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import DEFAULT_DTYPE, Tensor
from .operands import _check_broadcast, _pair


def float_pair(name: str, first: str, second: str, a: Any, b: Any) -> tuple[Tensor, Tensor, tuple[int, ...]]:
    """``a`` and ``b`` as Tensors of one float dtype, and the shape they broadcast to; ``first`` and
    ``second`` are the arguments' names, for the error when neither is a Tensor."""
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"{name}(): expected a Tensor for {first} or {second}, got two numbers")
    a, b = _pair(a, b)
    if a.shape != b.shape:
        _check_broadcast(name, a, b)
    if a.dtype.kind != "f" and b.dtype.kind != "f":
        dtype = np.dtype(DEFAULT_DTYPE)
    else:
        dtype = np.promote_types(a.dtype, b.dtype) if a.dtype.kind == b.dtype.kind == "f" else (
            a.dtype if a.dtype.kind == "f" else b.dtype)
    a = a if a.dtype == dtype else a.astype(dtype)
    b = b if b.dtype == dtype else b.astype(dtype)
    return a, b, tuple(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)))
