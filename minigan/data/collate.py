"""``default_collate``: a list of samples stacked into one batch, as PyTorch's."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from minigan.autograd import Tensor

__all__ = ["default_collate"]


def default_collate(samples: list) -> Any:
    """Stack a list of samples field by field, as PyTorch's ``default_collate``: Tensors, arrays and
    NumPy scalars into one Tensor of their dtype, Python ints into an int64 Tensor and Python
    floats into a float64 one; tuples and lists become lists, dicts keep their keys."""
    first = samples[0]
    if isinstance(first, Tensor):
        return Tensor._make(np.stack([s.array for s in samples]), False, None)
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in samples):
            raise ValueError("default_collate: the samples in a batch have different numbers of fields")
        return [default_collate(list(field)) for field in zip(*samples)]
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, np.generic) and first.dtype.kind in "fiub":  # a NumPy scalar keeps its dtype
        return Tensor._make(np.array(samples), False, None)
    if isinstance(first, bool):
        return Tensor._make(np.array(samples, dtype=np.bool_), False, None)
    if isinstance(first, (numbers.Integral, np.integer)):
        return Tensor._make(np.array(samples, dtype=np.int64), False, None)
    if isinstance(first, (numbers.Real, np.floating)):
        return Tensor._make(np.array(samples, dtype=np.float64), False, None)
    if isinstance(first, np.ndarray):
        stacked = np.stack(samples)
        return Tensor._make(stacked, False, None) if stacked.dtype.kind in "fiub" else stacked
    if isinstance(first, str):
        return list(samples)
    raise TypeError(f"default_collate: cannot batch samples of type {type(first).__name__}")
