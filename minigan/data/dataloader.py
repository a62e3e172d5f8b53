"""``DataLoader``: mini-batches from a dataset, as ``torch.utils.data.DataLoader``.

``for images, labels in DataLoader(dataset, batch_size=64, shuffle=True)`` yields a float Tensor
of stacked inputs and an int64 Tensor of labels. Shuffling draws one permutation per epoch from
``generator``, or from the Generator that ``minigan.manual_seed`` seeds, so a seed fixes the order.
``sampler=`` or ``batch_sampler=`` (minigan/data/samplers.py) choose the order instead. An
``IterableDataset`` is batched in the order its iterator gives (minigan/data/iterable_loading.py).
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Callable, Iterator

import numpy as np

from minigan.data.collate import default_collate
from minigan.data.datasets import IterableDataset
from minigan.data.iterable_loading import stream_batches, stream_worker_batches
from minigan.data.samplers import RandomSampler, SequentialSampler
from minigan.data.workers import fetch_batch, worker_batches
from minigan.torch_api.factories import numpy_generator_of

__all__ = ["DataLoader", "default_collate"]


def _check_count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        if name == "batch_size":  # PyTorch's words
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={value}")
        if name == "num_workers" and isinstance(value, numbers.Integral) and not isinstance(value, bool):
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        raise ValueError(f"DataLoader: {name} must be an int >= {minimum}, got {value!r}")
    return int(value)


class DataLoader:
    """Batches of ``batch_size`` samples of ``dataset``, reshuffled every epoch when ``shuffle``.

    ``len(loader)`` is the number of batches per epoch (the last, smaller one included unless
    ``drop_last``). ``batch_size=None`` turns batching off: each sample comes alone, its NumPy
    parts made Tensors by ``default_convert`` (or passed to ``collate_fn``). With ``num_workers``
    > 0 the batches are made in that many worker processes (minigan/data/workers.py), and are
    the same batches, in the same order, as with none: the order is drawn in this process either
    way. The workers start at each epoch (``persistent_workers`` is accepted and changes nothing
    else). ``pin_memory`` is accepted and has no effect: batches are made on the CPU.

    Over an :class:`IterableDataset` the batches come in the order its iterator gives them
    (``batch_size=None``: one converted sample at a time), with no shuffle or sampler; with
    workers, each iterates its own copy of the dataset and the batches come from each worker in
    turn. ``len(loader)`` then follows the dataset's own ``len()``, and a loader that yields more
    batches than that number after ``len(loader)`` was asked warns, as PyTorch's.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
    ) -> None:
        self._iterable = isinstance(dataset, IterableDataset)
        self._len_reported: int | None = None  # len(dataset) once len(loader) was asked, for its warning
        if self._iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                                     f"but got {name}={value}")
            shuffle = False
        elif not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
            raise TypeError(f"DataLoader: the dataset must have __len__ and __getitem__; got {type(dataset).__name__}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: the sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: the batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler and drop_last")
            batch_size = None
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive "
                             "with drop_last")
        for name, value in (("sampler", sampler), ("batch_sampler", batch_sampler)):
            if value is not None and not hasattr(value, "__iter__"):
                raise TypeError(f"DataLoader: {name} must be an iterable of indices (a Sampler), "
                                f"got {type(value).__name__}")
        self.dataset = dataset
        self.batch_size = None if batch_size is None else _check_count("batch_size", batch_size, 1)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self._order_given = sampler is not None or batch_sampler is not None
        self.sampler = None if self._iterable else sampler if sampler is not None else (
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
        if self._iterable:  # the dataset's own len(), in batches; a TypeError when it has none
            n = self._len_reported = len(self.dataset)
        elif self.batch_sampler is not None:
            return len(self.batch_sampler)
        else:
            n = len(self.sampler)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _batches(self, generator: np.random.Generator) -> list[np.ndarray] | list[int]:
        """This epoch's batches of indices (with ``batch_size=None``, single indices)."""
        if self.batch_sampler is not None:
            return [np.asarray(list(batch), dtype=np.int64) for batch in self.batch_sampler]
        if self._order_given:
            order = np.asarray(list(self.sampler), dtype=np.int64)
        else:  # shuffle or not: RandomSampler's one permutation, drawn here as an array
            order = generator.permutation(len(self.dataset)) if self.shuffle else np.arange(len(self.dataset))
        if self.batch_size is None:
            return order.tolist()
        batches = [order[start:start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        return batches[:-1] if self.drop_last and batches and len(batches[-1]) < self.batch_size else batches

    def __iter__(self) -> Iterator[Any]:
        generator = numpy_generator_of(self.generator)
        if self._iterable:
            return self._stream(generator)
        batches = self._batches(generator)
        if self.num_workers > 0:
            return worker_batches(self.dataset, self.collate_fn, batches, self.num_workers, generator,
                                  self.prefetch_factor, self.multiprocessing_context, self.timeout, self.worker_init_fn)
        return (fetch_batch(self.dataset, self.collate_fn, indices) for indices in batches)

    def _stream(self, generator: np.random.Generator) -> Iterator[Any]:
        """One pass over an IterableDataset, warning as PyTorch does when more batches come than
        the dataset's len() said when len(loader) was asked."""
        args = (self.dataset, self.batch_size, self.drop_last, self.collate_fn)
        if self.num_workers > 0:
            batches = stream_worker_batches(*args, self.num_workers, generator, self.prefetch_factor,
                                            self.multiprocessing_context, self.timeout, self.worker_init_fn)
        else:
            batches = stream_batches(*args)
        reported = self._len_reported
        return batches if reported is None else _warn_past_length(batches, self.dataset, reported, self.num_workers)

    def __repr__(self) -> str:
        if self._iterable:
            return (f"DataLoader({type(self.dataset).__name__} (iterable), batch_size={self.batch_size}, "
                    f"drop_last={self.drop_last})")
        order = ""
        if self.batch_sampler is not None:
            order = f", batch_sampler={type(self.batch_sampler).__name__}"
        elif self._order_given:
            order = f", sampler={type(self.sampler).__name__}"
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}{order})")


def _warn_past_length(batches: Iterator[Any], dataset: Any, reported: int, num_workers: int) -> Iterator[Any]:
    for count, batch in enumerate(batches, start=1):
        if count > reported:  # PyTorch compares the batches fetched with the dataset's len()
            message = (f"Length of IterableDataset {dataset} was reported to be {reported}(when accessing "
                       f"len(dataloader)), but {count} samples have been fetched. ")
            if num_workers > 0:
                message += ("For multiprocessing data-loading, this could be caused by not properly configuring "
                            "the IterableDataset replica at each worker. Give each worker its own share in the "
                            "dataset's __iter__, using minigan.data.get_worker_info().")
            warnings.warn(message, UserWarning, stacklevel=2)
        yield batch
