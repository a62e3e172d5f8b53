"""PyTorch's dtype names (``minigan.float32``, ``minigan.long``...) as the NumPy dtypes minigan uses.

``import minigan as torch`` then lets ``dtype=torch.float32`` mean ``np.dtype("float32")``.
Tensors hold floating-point (float16, float32, float64), integer or bool data; only
floating-point ones can require gradients.
"""
from __future__ import annotations

import numpy as np

from ..autograd.arguments import DEFAULT_DTYPE

float16 = half = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = short = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = long = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

# ``float``, ``int`` and ``bool`` are PyTorch's names too. They are set through globals() so that
# this module's own code keeps Python's builtins.
globals().update({"float": float32, "int": int32, "bool": bool_})


def get_default_dtype() -> np.dtype:
    """The dtype factories use for floating-point results when none is given (float32)."""
    return np.dtype(DEFAULT_DTYPE)


# ``float``, ``int`` and ``bool`` are left out of ``import *``, where they would shadow the builtins.
__all__ = [
    "float16", "half", "float32", "float64", "double", "uint8", "int8", "int16", "short", "int32", "int64", "long",
    "get_default_dtype",
]
