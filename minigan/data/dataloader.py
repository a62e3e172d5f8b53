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

from minigan.data.collate import default_collate
from minigan.data.workers import fetch_batch, worker_batches
from minigan.torch_api.factories import numpy_generator_of

__all__ = ["DataLoader", "default_collate"]


def _check_count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"DataLoader: {name} must be an int >= {minimum}, got {value!r}")
    return int(value)


class DataLoader:
    """Batches of ``batch_size`` samples of ``dataset``, reshuffled every epoch when ``shuffle``.

    ``len(loader)`` is the number of batches per epoch (the last, smaller one included unless
    ``drop_last``). With ``num_workers`` > 0 the batches are made in that many worker processes
    (minigan/data/workers.py), and are the same batches, in the same order, as with none: the
    order is drawn in this process either way. The workers start at each epoch
    (``persistent_workers`` is accepted and changes nothing else). ``pin_memory`` is accepted
    and has no effect: batches are made on the CPU.
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
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
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
        if self.num_workers == 0 and (prefetch_factor is not None or persistent_workers):
            raise ValueError("DataLoader: prefetch_factor and persistent_workers need num_workers > 0")
        self.prefetch_factor = 2 if prefetch_factor is None else _check_count("prefetch_factor", prefetch_factor, 1)
        if not (isinstance(timeout, (int, float)) and timeout >= 0):
            raise ValueError(f"DataLoader: timeout must be a non-negative number of seconds, got {timeout!r}")
        self.timeout = float(timeout)
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = bool(persistent_workers)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        generator = numpy_generator_of(self.generator)
        order = generator.permutation(n) if self.shuffle else np.arange(n)
        batches = [order[b * self.batch_size:(b + 1) * self.batch_size] for b in range(len(self))]
        if self.num_workers > 0:
            return worker_batches(self.dataset, self.collate_fn, batches, self.num_workers, generator,
                                  self.prefetch_factor, self.multiprocessing_context, self.timeout, self.worker_init_fn)
        return (fetch_batch(self.dataset, self.collate_fn, indices) for indices in batches)

    def __repr__(self) -> str:
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
