"""``default_collate``: a list of samples stacked into one batch, and ``default_convert``: one sample's
NumPy parts as Tensors, as PyTorch's."""
from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from minigan.autograd import Tensor

__all__ = ["default_collate", "default_convert"]


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


def default_convert(data: Any) -> Any:
    """One sample's NumPy arrays and scalars as Tensors, as PyTorch's ``default_convert`` (what a
    DataLoader with ``batch_size=None`` applies): an array becomes a Tensor sharing its memory, a
    NumPy scalar a 0-d Tensor of its dtype; Tensors, Python numbers, strings and arrays of strings
    or objects stay as they are; dicts and named tuples keep their type, with their values
    converted, and other tuples and sequences become lists."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)):
        return Tensor._make(np.asarray(data), False, None) if data.dtype.kind in "fiub" else data
    if isinstance(data, Mapping):
        converted = {key: default_convert(value) for key, value in data.items()}
        try:
            return type(data)(converted)
        except TypeError:  # a mapping type that cannot be built from a dict
            return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a named tuple
        return type(data)(*(default_convert(field) for field in data))
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(item) for item in data]
    return data
