"""``DataLoader``: mini-batches from a map-style dataset, as ``torch.utils.data.DataLoader``.

``for images, labels in DataLoader(dataset, batch_size=64, shuffle=True)`` yields a float Tensor
of stacked inputs and a NumPy int64 array of labels (minigan Tensors hold floating-point data;
its losses take class labels as integer arrays). Shuffling draws one permutation per epoch from
``generator``, or from the Generator that ``minigan.manual_seed`` seeds, so a seed fixes the order.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Iterator

import numpy as np

from minigan.autograd import Tensor
from minigan.data.datasets import Dataset
from minigan.torch_api.factories import numpy_generator_of

__all__ = ["DataLoader", "default_collate"]


def _check_count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"DataLoader: {name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def default_collate(samples: list) -> Any:
    """Stack a list of samples field by field, as PyTorch's ``default_collate``: Tensors and float
    arrays into one Tensor, ints into an int64 Tensor and integer arrays into an integer Tensor,
    Python floats into a float64 Tensor; tuples and lists become lists, dicts keep their keys."""
    first = samples[0]
    if isinstance(first, Tensor):
        return Tensor._make(np.stack([s.array for s in samples]), False, None)
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in samples):
            raise ValueError("default_collate: the samples in a batch have different numbers of fields")
        return [default_collate(list(field)) for field in zip(*samples)]
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (bool, np.bool_)):
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


class DataLoader:
    """Batches of ``batch_size`` samples of ``dataset``, reshuffled every epoch when ``shuffle``.

    ``len(loader)`` is the number of batches per epoch (the last, smaller one included unless
    ``drop_last``). ``num_workers`` and ``pin_memory`` are accepted for PyTorch code and have no
    effect: batches are made in this process, on the CPU.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool = False,
        *,
        drop_last: bool = False,
        generator: Any = None,
        collate_fn: Callable[[list], Any] | None = None,
        num_workers: int = 0,
        pin_memory: bool = False,
    ) -> None:
        if not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
            raise TypeError(f"DataLoader: the dataset must have __len__ and __getitem__; got {type(dataset).__name__}")
        if batch_size is None:
            raise ValueError("DataLoader: batch_size=None (unbatched loading) is not supported; give an int >= 1")
        self.dataset = dataset
        self.batch_size = _check_count("batch_size", batch_size, 1)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        _check_count("num_workers", num_workers, 0)
        if generator is not None:
            numpy_generator_of(generator)  # checked now rather than at the first epoch
        self.generator = generator
        self.collate_fn = collate_fn
        self.num_workers = int(num_workers)
        self.pin_memory = bool(pin_memory)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = numpy_generator_of(self.generator).permutation(n) if self.shuffle else np.arange(n)
        return self._batches(order)

    def _batches(self, order: np.ndarray) -> Iterator[Any]:
        for b in range(len(self)):
            yield self._batch(order[b * self.batch_size:(b + 1) * self.batch_size])

    def _batch(self, indices: np.ndarray) -> Any:
        if self.collate_fn is None and isinstance(self.dataset, Dataset):
            batch = self.dataset._fetch_batch(indices)
            if batch is not None:
                return batch
        collate = default_collate if self.collate_fn is None else self.collate_fn
        return collate([self.dataset[int(i)] for i in indices])

    def __repr__(self) -> str:
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
