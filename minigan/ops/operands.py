"""What every op module shares: operands made Tensors, the array namespace, constants."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor, as_tensor
from ..backends import backend_of

Axis = int | Sequence[int] | None


def _pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands as Tensors; a constant takes the dtype of the Tensor beside it."""
    if isinstance(a, Tensor):
        return a, as_tensor(b, a)
    if isinstance(b, Tensor):
        return as_tensor(a, b), b
    a = as_tensor(a)
    return a, as_tensor(b, a)


def _xp(array: Any) -> Any:
    """The array namespace of ``array``'s backend (NumPy, CuPy's array-API namespace, ...)."""
    return backend_of(array).xp


def _constant(array: Any) -> Tensor:
    """An array that backward uses as a fixed factor (a mask, a sign): it has no gradient."""
    return Tensor._make(array, False, None)


def _check_broadcast(name: str, a: Any, b: Any) -> None:
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{name}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be broadcast together") from None
