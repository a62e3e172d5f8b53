"""Samplers, as in ``torch.utils.data``: the order in which a ``DataLoader`` visits a dataset.

A sampler is an iterable of dataset indices (a ``BatchSampler``, of lists of them), drawn afresh
each time it is iterated. ``DataLoader(dataset, sampler=SubsetRandomSampler(train_indices))``
keeps a validation split out of training; ``WeightedRandomSampler`` draws rare classes more
often; a subclass of ``Sampler`` with ``__iter__`` (and ``__len__``) is a sampler of your own.
Random ones draw from ``generator``, or from the Generator that ``minigan.manual_seed`` seeds.
"""
from __future__ import annotations

import numbers
from typing import Any, Iterator, Sequence

import numpy as np

from minigan.torch_api.factories import numpy_generator_of

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler", "DistributedSampler"]


def _count(owner: str, name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{owner}: {name} should be an integer >= {minimum}, got {value!r}")
    return int(value)


class Sampler:
    """The base class: subclasses define ``__iter__`` (the indices) and usually ``__len__``."""

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} does not define __iter__()")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random order of ``data_source`` at each iteration; with ``replacement``,
    ``num_samples`` draws with replacement (default: as many as the dataset holds)."""

    def __init__(self, data_source: Any, replacement: bool = False, num_samples: int | None = None,
                 generator: Any = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, got {replacement!r}")
        if generator is not None:
            numpy_generator_of(generator)  # a bad generator is named now, not at the first epoch
        self.data_source, self.replacement, self.generator = data_source, replacement, generator
        self._num_samples = None if num_samples is None else _count("RandomSampler", "num_samples", num_samples, 1)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, rng = len(self.data_source), numpy_generator_of(self.generator)
        if self.replacement:
            return iter(rng.integers(0, n, self.num_samples).tolist())
        # without replacement: whole permutations, as many as num_samples needs
        repeats = -(-self.num_samples // n) if n else 0
        order = np.concatenate([rng.permutation(n) for _ in range(repeats)]) if repeats else np.arange(0)
        return iter(order[:self.num_samples].tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """``indices`` in a new random order at each iteration (a training split of one dataset)."""

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        if generator is not None:
            numpy_generator_of(generator)
        self.indices, self.generator = indices, generator

    def __iter__(self) -> Iterator[Any]:
        order = numpy_generator_of(self.generator).permutation(len(self.indices))
        return (self.indices[i] for i in order.tolist())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probability proportional to ``weights`` (with
    replacement by default; without, each index at most once)."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"WeightedRandomSampler: replacement should be a boolean value, got {replacement!r}")
        values = np.asarray(getattr(weights, "array", weights), dtype=np.float64)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"WeightedRandomSampler: weights should be a non-empty 1-d sequence, got shape {values.shape}")
        if not np.all(np.isfinite(values)) or np.any(values < 0) or values.sum() <= 0:
            raise ValueError("WeightedRandomSampler: weights should be finite, non-negative and not all zero")
        self.num_samples = _count("WeightedRandomSampler", "num_samples", num_samples, 1)
        if not replacement and self.num_samples > np.count_nonzero(values):
            raise ValueError(f"WeightedRandomSampler: cannot draw {self.num_samples} samples without replacement "
                             f"from {np.count_nonzero(values)} indices of non-zero weight")
        if generator is not None:
            numpy_generator_of(generator)
        self.weights, self.replacement, self.generator = values, replacement, generator

    def __iter__(self) -> Iterator[int]:
        rng = numpy_generator_of(self.generator)
        drawn = rng.choice(self.weights.size, self.num_samples, replace=self.replacement,
                           p=self.weights / self.weights.sum())
        return iter(drawn.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Lists of ``batch_size`` indices from ``sampler``; the last, shorter one is dropped when
    ``drop_last``. ``DataLoader(dataset, batch_sampler=...)`` takes its batches from one."""

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, got {drop_last!r}")
        self.sampler, self.drop_last = sampler, drop_last
        self.batch_size = _count("BatchSampler", "batch_size", batch_size, 1)

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


class DistributedSampler(Sampler):
    """Rank ``rank``'s share of ``dataset`` among ``num_replicas`` processes, as
    ``torch.utils.data.DistributedSampler``: every ``num_replicas``-th index of one order, starting at
    ``rank``. The order is the same in every process: 0, 1, ..., or with ``shuffle`` a permutation
    drawn from ``seed + epoch`` (call ``set_epoch`` each epoch; not PyTorch's permutation). The order
    is padded with its own first indices to a multiple of ``num_replicas``, or, with ``drop_last``,
    cut to one. minigan has no process group, so ``num_replicas`` and ``rank`` must be given."""

    def __init__(self, dataset: Any, num_replicas: int | None = None, rank: int | None = None, shuffle: bool = True,
                 seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            raise ValueError("DistributedSampler: minigan has no process group (torch.distributed) to ask, so give "
                             "num_replicas and rank")
        num_replicas, rank = int(num_replicas), int(rank)
        if not 0 <= rank < num_replicas:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last, self.epoch = shuffle, int(seed), drop_last, 0
        size = len(dataset)
        if drop_last and size % num_replicas:
            self.num_samples = max(-(-(size - num_replicas) // num_replicas), 0)
        else:
            self.num_samples = -(-size // num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self) -> Iterator[int]:
        size = len(self.dataset)
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(size).tolist()
        else:
            order = list(range(size))
        if self.drop_last:
            order = order[:self.total_size]
        elif order:  # pad with the order's own first indices, repeated as often as needed
            order += (order * -(-self.total_size // len(order)))[:self.total_size - len(order)]
        return iter(order[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """The epoch whose shuffled order the next iteration uses (the same in every process)."""
        self.epoch = epoch
