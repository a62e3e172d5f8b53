"""``Subset`` and ``random_split``, as in ``torch.utils.data``: a dataset seen through a list of
indices, and a dataset cut at random into non-overlapping subsets (a validation split)."""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Sequence

import numpy as np

from minigan.data.datasets import Batch, Dataset, samples_at
from minigan.torch_api.factories import numpy_generator_of

__all__ = ["Subset", "random_split"]


class Subset(Dataset):
    """``dataset`` at ``indices``: ``Subset(ds, [3, 1])[0]`` is ``ds[3]``, and ``len`` is ``len(indices)``."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def __getitems__(self, indices: list) -> list:
        """The samples at ``indices``, through the dataset's own ``__getitems__`` when it has one."""
        return samples_at(self.dataset, [self.indices[i] for i in indices])

    def _fetch_batch(self, indices: np.ndarray) -> Batch | None:
        if not self._indexing_is_builtin(Subset) or not isinstance(self.dataset, Dataset):
            return None
        return self.dataset._fetch_batch(np.asarray(self.indices)[indices])


def _lengths(lengths: Sequence[Any], n: int) -> list[int]:
    """Counts from ``lengths``: counts summing to n, or fractions summing to 1 (PyTorch's rule:
    floor(n * fraction) each, then the remainder given out one by one from the first)."""
    values = list(lengths)
    if not values or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        raise TypeError(f"random_split: lengths must be a non-empty sequence of ints or fractions, got {lengths!r}")
    fractions = math.isclose(sum(values), 1) and sum(values) <= 1 and not all(
        isinstance(v, numbers.Integral) for v in values)
    if fractions:
        if any(not 0 <= v <= 1 for v in values):
            raise ValueError(f"random_split: fractions must be in [0, 1], got {values}")
        counts = [int(math.floor(n * v)) for v in values]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(f"random_split: length of split at index {i} is 0; this results in an empty dataset",
                              UserWarning, stacklevel=3)
        return counts
    if any(not isinstance(v, numbers.Integral) or v < 0 for v in values):
        raise ValueError(f"random_split: lengths must be non-negative ints (or fractions summing to 1), got {values}")
    if sum(values) != n:
        raise ValueError(f"random_split: the lengths {values} sum to {sum(values)}, not to the dataset's "
                         f"length {n}")
    return [int(v) for v in values]


def random_split(dataset: Any, lengths: Sequence[Any], generator: Any = None) -> list[Subset]:
    """Non-overlapping Subsets of ``dataset`` of the given ``lengths`` (counts summing to
    ``len(dataset)``, or fractions summing to 1), from one random permutation of ``generator``
    (a minigan.Generator or numpy Generator; default: the one ``minigan.manual_seed`` seeds).
    The same seed gives the same split; the permutation is NumPy's, so not PyTorch's split."""
    counts = _lengths(lengths, len(dataset))
    order = numpy_generator_of(generator).permutation(sum(counts)).tolist()
    ends = np.cumsum(counts).tolist()
    return [Subset(dataset, order[end - count:end]) for end, count in zip(ends, counts)]
