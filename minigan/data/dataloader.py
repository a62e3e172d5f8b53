"""``DataLoader``: mini-batches from a map-style dataset, as ``torch.utils.data.DataLoader``.

``for images, labels in DataLoader(dataset, batch_size=64, shuffle=True)`` yields a float Tensor
of stacked inputs and an int64 Tensor of labels. Shuffling draws one permutation per epoch from
``generator``, or from the Generator that ``minigan.manual_seed`` seeds, so a seed fixes the order.
``sampler=`` or ``batch_sampler=`` (minigan/data/samplers.py) choose the order instead.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Iterator

import numpy as np

from minigan.data.collate import default_collate
from minigan.data.samplers import RandomSampler, SequentialSampler
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
        sampler: Any = None,
        batch_sampler: Any = None,
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
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: the sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: the batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler and drop_last")
            batch_size = None
        elif batch_size is None:
            raise ValueError("DataLoader: batch_size=None (unbatched loading) is not supported; give an int >= 1")
        for name, value in (("sampler", sampler), ("batch_sampler", batch_sampler)):
            if value is not None and not hasattr(value, "__iter__"):
                raise TypeError(f"DataLoader: {name} must be an iterable of indices (a Sampler), "
                                f"got {type(value).__name__}")
        self.dataset = dataset
        self.batch_size = None if batch_sampler is not None else _check_count("batch_size", batch_size, 1)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self._order_given = sampler is not None or batch_sampler is not None
        self.sampler = sampler if sampler is not None else (
            RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset))
        self.batch_sampler = batch_sampler
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
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _batches(self, generator: np.random.Generator) -> list[np.ndarray]:
        """This epoch's batches of indices."""
        if self.batch_sampler is not None:
            return [np.asarray(list(batch), dtype=np.int64) for batch in self.batch_sampler]
        if self._order_given:
            order = np.asarray(list(self.sampler), dtype=np.int64)
        else:  # shuffle or not: RandomSampler's one permutation, drawn here as an array
            order = generator.permutation(len(self.dataset)) if self.shuffle else np.arange(len(self.dataset))
        batches = [order[start:start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        return batches[:-1] if self.drop_last and batches and len(batches[-1]) < self.batch_size else batches

    def __iter__(self) -> Iterator[Any]:
        generator = numpy_generator_of(self.generator)
        batches = self._batches(generator)
        if self.num_workers > 0:
            return worker_batches(self.dataset, self.collate_fn, batches, self.num_workers, generator,
                                  self.prefetch_factor, self.multiprocessing_context, self.timeout, self.worker_init_fn)
        return (fetch_batch(self.dataset, self.collate_fn, indices) for indices in batches)

    def __repr__(self) -> str:
        order = ""
        if self.batch_sampler is not None:
            order = f", batch_sampler={type(self.batch_sampler).__name__}"
        elif self._order_given:
            order = f", sampler={type(self.sampler).__name__}"
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}{order})")
