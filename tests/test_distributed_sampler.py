"""DistributedSampler, as torch.utils.data's: each rank's share without shuffling written out as
PyTorch 2.14 gives it (padding with the first indices, or cutting with drop_last), and with
shuffling, one order shared by all ranks that set_epoch changes."""
from __future__ import annotations

import pytest

import minigan
from minigan.utils.data import DataLoader, DistributedSampler


@pytest.mark.parametrize("size, replicas, drop_last, shares", [
    (10, 3, False, [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]),  # padded to 12 with 0 and 1
    (10, 3, True, [[0, 3, 6], [1, 4, 7], [2, 5, 8]]),  # cut to 9
    (10, 4, False, [[0, 4, 8], [1, 5, 9], [2, 6, 0], [3, 7, 1]]),
    (3, 4, False, [[0], [1], [2], [0]]),
    (2, 4, True, [[], [], [], []]),
    (2, 5, False, [[0], [1], [0], [1], [0]]),  # the padding repeats the order as often as needed
    (0, 2, False, [[], []]),
])
def test_shares_without_shuffling(size, replicas, drop_last, shares):
    for rank, share in enumerate(shares):
        sampler = DistributedSampler(list(range(size)), num_replicas=replicas, rank=rank, shuffle=False,
                                     drop_last=drop_last)
        assert list(sampler) == share and len(sampler) == len(share)
        assert sampler.total_size == len(share) * replicas


def test_shuffled_shares_split_one_order_per_epoch():
    data = list(range(11))
    samplers = [DistributedSampler(data, num_replicas=3, rank=rank, seed=5) for rank in range(3)]
    first = [list(s) for s in samplers]
    joined = [index for step in zip(*first) for index in step]
    assert len(joined) == 12 and sorted(set(joined)) == data  # every index, one repeated for the padding
    assert [list(s) for s in samplers] == first  # the same order until the epoch changes
    for s in samplers:
        s.set_epoch(1)
    second = [list(s) for s in samplers]
    assert second != first
    assert sorted(set(index for share in second for index in share)) == data
    again = DistributedSampler(data, num_replicas=3, rank=0, seed=5)
    again.set_epoch(1)
    assert list(again) == second[0]


def test_errors():
    with pytest.raises(ValueError, match="Invalid rank 3, rank should be in the interval \\[0, 2\\]"):
        DistributedSampler(list(range(4)), num_replicas=3, rank=3)
    with pytest.raises(ValueError, match="Invalid rank 0, rank should be in the interval \\[0, -1\\]"):
        DistributedSampler(list(range(4)), num_replicas=0, rank=0)
    with pytest.raises(ValueError, match="no process group"):
        DistributedSampler(list(range(4)))


def test_a_dataloader_reads_the_share():
    data = minigan.arange(10.0)
    loader = DataLoader(data, batch_size=2, sampler=DistributedSampler(data, num_replicas=2, rank=1, shuffle=False))
    assert [batch.tolist() for batch in loader] == [[1.0, 3.0], [5.0, 7.0], [9.0]]
