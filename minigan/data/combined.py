"""Datasets made of other datasets, as in ``torch.utils.data``: ``ConcatDataset`` (one after the
other, also spelled ``a + b``), ``StackDataset`` (side by side, sample i of each) and
``ChainDataset`` (iterable datasets one after the other)."""
from __future__ import annotations

import bisect
import itertools
import numbers
import warnings
from typing import Any, Iterable, Iterator

import numpy as np

from minigan.autograd import Tensor
from minigan.data.datasets import Batch, Dataset, IterableDataset, samples_at

__all__ = ["ConcatDataset", "StackDataset", "ChainDataset"]


class ConcatDataset(Dataset):
    """The samples of each of ``datasets`` in turn: ``ConcatDataset([a, b])[len(a)]`` is ``b[0]``.

    ``cumulative_sizes`` holds the running totals of the lengths (``[len(a), len(a) + len(b)]``);
    a negative index counts from the end. Iterable-style datasets are refused: chain them with
    :class:`ChainDataset`.
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = [*datasets]
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        if any(isinstance(part, IterableDataset) for part in self.datasets):
            raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(part) for part in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if isinstance(idx, bool) or not isinstance(idx, numbers.Integral):
            raise TypeError(f"ConcatDataset indices must be integers, got {type(idx).__name__}")
        idx, n = int(idx), len(self)
        if idx < 0:
            if -idx > n:
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += n
        if idx >= n:
            raise IndexError(f"ConcatDataset index {idx} is out of range for its {n} samples")
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]

    def _fetch_batch(self, indices: np.ndarray) -> Batch | None:
        """The batch from each part's own whole-batch fetch, joined field by field and put back in
        the order of ``indices``; None (index one by one) when a part has no such fetch or the
        fields do not join as default_collate would stack them."""
        n = len(self)
        if (not self._indexing_is_builtin(ConcatDataset) or len(indices) == 0 or indices.min() < -n
                or indices.max() >= n or not all(isinstance(part, Dataset) for part in self.datasets)):
            return None
        indices = np.where(indices < 0, indices + n, indices)
        which = np.searchsorted(self.cumulative_sizes, indices, side="right")
        local = indices - np.concatenate([[0], self.cumulative_sizes[:-1]])[which]
        pieces, rows = [], []
        for part in np.unique(which):
            at = np.flatnonzero(which == part)
            piece = self.datasets[part]._fetch_batch(local[at])
            if piece is None:
                return None
            pieces.append(piece)
            rows.append(at)
        if len(pieces) == 1:
            return pieces[0]
        fields = list(zip(*pieces))
        if any(len(piece) != len(fields) for piece in pieces) or not all(_joinable(field) for field in fields):
            return None
        return [_join(field, rows, len(indices)) for field in fields]

    @property
    def cummulative_sizes(self) -> list[int]:
        """The old, misspelt name of ``cumulative_sizes``."""
        warnings.warn("`cummulative_sizes` attribute is renamed to `cumulative_sizes`", FutureWarning, stacklevel=2)
        return self.cumulative_sizes


class StackDataset(Dataset):
    """Sample i of each dataset together: ``StackDataset(images, texts)[i]`` is the tuple
    ``(images[i], texts[i])``, and ``StackDataset(image=images, text=texts)[i]`` the dict
    ``{"image": images[i], "text": texts[i]}``. The datasets must have the same length."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                             "input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        self._names = tuple(kwargs) if kwargs else None  # the dict form's keys
        self._parts = tuple(kwargs.values()) if kwargs else args
        self._length = len(self._parts[0])
        if any(len(part) != self._length for part in self._parts):
            raise ValueError("Size mismatch between datasets")
        self.datasets: tuple | dict = kwargs if kwargs else args

    def __len__(self) -> int:
        return self._length

    def _sample(self, fields: Iterable[Any]) -> tuple | dict:
        return tuple(fields) if self._names is None else dict(zip(self._names, fields))

    def __getitem__(self, index: Any) -> tuple | dict:
        return self._sample(part[index] for part in self._parts)

    def __getitems__(self, indices: list) -> list:
        """The samples at ``indices``, each dataset asked once (through its own ``__getitems__``
        when it has one)."""
        columns = []
        for part in self._parts:
            column = samples_at(part, indices)
            if len(column) != len(indices):
                raise ValueError(f"Nested dataset's output size mismatch. Expected {len(indices)}, "
                                 f"got {len(column)}")
            columns.append(column)
        return [self._sample(row) for row in zip(*columns)]


class ChainDataset(IterableDataset):
    """The samples of each iterable-style dataset of ``datasets`` in turn, read lazily (``a + b``
    for two of them). ``len()`` is the sum of theirs, where each has one."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for part in self.datasets:  # checked as it is reached, so a bad part shows at its turn
            yield from _iterable(part)

    def __len__(self) -> int:
        return sum(len(_iterable(part)) for part in self.datasets)


def _iterable(part: Any) -> Any:
    if not isinstance(part, IterableDataset):
        raise AssertionError("ChainDataset only supports IterableDataset")
    return part


def _joinable(field: tuple) -> bool:
    """Whether the parts' pieces of one field are all Tensors, or all arrays, of one dtype and row shape."""
    first = field[0]
    return isinstance(first, (Tensor, np.ndarray)) and all(
        type(t) is type(first) and t.dtype == first.dtype and t.shape[1:] == first.shape[1:] for t in field)


def _join(field: tuple, rows: list[np.ndarray], count: int) -> Any:
    """One field of the batch: each part's piece written at its rows of the batch."""
    arrays = [t.array if isinstance(t, Tensor) else t for t in field]
    joined = np.empty((count, *arrays[0].shape[1:]), dtype=arrays[0].dtype)
    for at, array in zip(rows, arrays):
        joined[at] = array
    return Tensor._make(joined, False, None) if isinstance(field[0], Tensor) else joined
