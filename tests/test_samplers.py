"""Samplers and DataLoader(sampler=, batch_sampler=), as in torch.utils.data.

Each order is checked against the same draws written out with NumPy's Generator, or by hand."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan.utils.data import (BatchSampler, DataLoader, RandomSampler, Sampler, SequentialSampler,
                                SubsetRandomSampler, TensorDataset, WeightedRandomSampler)


def _dataset(n=10):
    return TensorDataset(minigan.arange(n).float() / 10, minigan.arange(n))


def test_sequential_and_random_orders_are_numpys_draws():
    data = list(range(7))
    assert list(SequentialSampler(data)) == list(range(7)) and len(SequentialSampler(data)) == 7
    assert list(RandomSampler(data, generator=np.random.default_rng(3))) == \
        np.random.default_rng(3).permutation(7).tolist()
    rng = np.random.default_rng(4)  # more than one pass without replacement: whole permutations
    expected = np.concatenate([rng.permutation(7), rng.permutation(7)])[:10].tolist()
    assert list(RandomSampler(data, num_samples=10, generator=np.random.default_rng(4))) == expected
    drawn = RandomSampler(data, replacement=True, num_samples=20, generator=np.random.default_rng(5))
    assert list(drawn) == np.random.default_rng(5).integers(0, 7, 20).tolist() and len(drawn) == 20


def test_a_sampler_draws_afresh_each_epoch_from_its_generator():
    sampler = SubsetRandomSampler([10, 20, 30, 40], generator=np.random.default_rng(0))
    rng = np.random.default_rng(0)
    for _ in range(3):
        assert list(sampler) == [[10, 20, 30, 40][i] for i in rng.permutation(4)]


def test_weighted_draws_follow_the_weights():
    weights = [0.0, 1.0, 0.0, 3.0]
    sampler = WeightedRandomSampler(weights, 4000, generator=np.random.default_rng(1))
    drawn = np.array(list(sampler))
    p = np.array(weights) / 4.0
    assert drawn.tolist() == np.random.default_rng(1).choice(4, 4000, replace=True, p=p).tolist()
    assert set(drawn.tolist()) == {1, 3} and abs(np.mean(drawn == 3) - 0.75) < 0.03  # 4.4 standard errors
    unique = list(WeightedRandomSampler(minigan.tensor([1.0, 1.0, 5.0]), 3, replacement=False))
    assert sorted(unique) == [0, 1, 2]


def test_batch_sampler_groups_indices_as_written_out():
    assert list(BatchSampler(range(7), 3, drop_last=False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, drop_last=True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3 and len(BatchSampler(range(7), 3, True)) == 2


class EveryOther(Sampler):
    """A sampler of one's own: the even indices, then the odd ones."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(list(range(0, self.n, 2)) + list(range(1, self.n, 2)))

    def __len__(self):
        return self.n


def test_the_loader_batches_in_the_samplers_order():
    loader = DataLoader(_dataset(), batch_size=4, sampler=EveryOther(10))
    assert len(loader) == 3
    batches = [labels.tolist() for _, labels in loader]
    assert batches == [[0, 2, 4, 6], [8, 1, 3, 5], [7, 9]]
    images, _ = next(iter(loader))
    np.testing.assert_allclose(images.numpy(), np.array([0, 2, 4, 6], np.float32) / 10)
    split = DataLoader(_dataset(), batch_size=2, sampler=SubsetRandomSampler([1, 3, 5], generator=np.random.default_rng(2)),
                       drop_last=True)
    assert len(split) == 1 and len(split.sampler) == 3
    order = [[1, 3, 5][i] for i in np.random.default_rng(2).permutation(3)]
    assert [labels.tolist() for _, labels in split] == [order[:2]]
    by_batches = DataLoader(_dataset(), batch_sampler=BatchSampler(EveryOther(10), 3, drop_last=True))
    assert [labels.tolist() for _, labels in by_batches] == [[0, 2, 4], [6, 8, 1], [3, 5, 7]]
    assert len(by_batches) == 3 and by_batches.batch_size is None


def test_without_a_sampler_the_loader_names_the_default_one():
    assert isinstance(DataLoader(_dataset(), shuffle=True).sampler, RandomSampler)
    assert isinstance(DataLoader(_dataset()).sampler, SequentialSampler)


@pytest.mark.parametrize("kwargs, message", [
    (dict(sampler=EveryOther(10), shuffle=True), "mutually exclusive with shuffle"),
    (dict(batch_sampler=BatchSampler(range(10), 2, False), batch_size=4), "mutually exclusive with batch_size"),
    (dict(batch_sampler=BatchSampler(range(10), 2, False), drop_last=True), "mutually exclusive"),
    (dict(sampler=5), "sampler must be an iterable of indices"),
])
def test_conflicting_or_bad_options_are_one_clear_error(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        DataLoader(_dataset(), **kwargs)


@pytest.mark.parametrize("make, message", [
    (lambda: WeightedRandomSampler([1.0, -1.0], 2), "non-negative"),
    (lambda: WeightedRandomSampler([0.0, 0.0], 2), "not all zero"),
    (lambda: WeightedRandomSampler([1.0, float("nan")], 2), "finite"),
    (lambda: WeightedRandomSampler([1.0, 0.0], 2, replacement=False), "without replacement"),
    (lambda: WeightedRandomSampler([1.0], 0), "num_samples should be an integer >= 1"),
    (lambda: RandomSampler(range(3), num_samples=0), "num_samples"),
    (lambda: BatchSampler(range(3), 0, False), "batch_size"),
    (lambda: RandomSampler(range(3), generator=3), "generator must be"),
])
def test_bad_sampler_arguments_are_named(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()
