"""IterableDataset through DataLoader, in this process and in workers, as torch.utils.data's: the
batches checked against slices of a plain list, and the order of the batches that several workers
give, the errors and the warnings against PyTorch 2.14's, written out as literals."""
from __future__ import annotations

import os
import re
import warnings

import numpy as np
import pytest

import minigan
from minigan.data import DataLoader, IterableDataset, TensorDataset, get_worker_info


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


class SizedStream(Stream):
    def __init__(self, n, length=None):
        super().__init__(n)
        self.length = n if length is None else length

    def __len__(self):
        return self.length


class Shares(IterableDataset):
    """Worker k yields 100 k, 100 k + 1, ..., counts[k] values (worker 0's share in this process)."""

    def __init__(self, counts):
        self.counts = counts

    def __iter__(self):
        info = get_worker_info()
        k = 0 if info is None else info.id
        return iter([100 * k + j for j in range(self.counts[k])])


def values(loader):
    return [b.numpy().tolist() if isinstance(b, minigan.Tensor) else b for b in loader]


# ---------------------------------------------------------------------- this process
def test_batches_are_the_streams_slices_in_order():
    plain = list(range(7))
    assert values(DataLoader(Stream(7), batch_size=3)) == [plain[0:3], plain[3:6], plain[6:7]]
    assert values(DataLoader(Stream(7), batch_size=3, drop_last=True)) == [plain[0:3], plain[3:6]]
    assert values(DataLoader(Stream(6), batch_size=3, drop_last=True)) == [plain[0:3], plain[3:6]]
    assert values(DataLoader(Stream(0), batch_size=3)) == []
    batch = next(iter(DataLoader(Stream(4), batch_size=4)))
    assert isinstance(batch, minigan.Tensor) and batch.dtype == np.int64


def test_batch_size_none_converts_each_sample_as_pytorch():
    assert values(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]  # Python ints stay ints

    class Records(IterableDataset):
        def __iter__(self):
            yield {"a": np.float32(1.5), "b": (1, 2.0)}
            yield {"a": np.array([1, 2]), "b": [3, "s"]}

    first, second = DataLoader(Records(), batch_size=None)
    assert isinstance(first["a"], minigan.Tensor) and first["a"].dtype == np.float32 and first["a"].item() == 1.5
    assert first["b"] == [1, 2.0] and second["a"].numpy().tolist() == [1, 2] and second["b"] == [3, "s"]
    raw = list(DataLoader(Records(), batch_size=2, collate_fn=lambda samples: samples))
    assert len(raw) == 1 and raw[0][0]["b"] == (1, 2.0)
    assert list(DataLoader(Stream(2), batch_size=None, collate_fn=lambda x: ("c", x))) == [("c", 0), ("c", 1)]


def test_order_options_are_refused_with_pytorchs_errors():
    for name, value in (("shuffle", True), ("sampler", [0, 1]), ("batch_sampler", [[0]])):
        message = f"DataLoader with IterableDataset: expected unspecified {name} option, but got {name}={value}"
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            DataLoader(Stream(3), **{name: value})
    DataLoader(Stream(3), shuffle=False)
    DataLoader(Stream(3), shuffle=None)
    with pytest.raises(ValueError, match="^batch_size=None option disables auto-batching and is mutually "
                                         "exclusive with drop_last$"):
        DataLoader(Stream(3), batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(Stream(3), batch_size=0)


def test_len_is_the_datasets_in_batches():
    with pytest.raises(TypeError, match="^object of type 'Stream' has no len\\(\\)$"):
        len(DataLoader(Stream(3), batch_size=2))
    assert len(DataLoader(SizedStream(7), batch_size=3)) == 3
    assert len(DataLoader(SizedStream(7), batch_size=3, drop_last=True)) == 2
    assert len(DataLoader(SizedStream(7), batch_size=None)) == 7


def _messages(caught):
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_more_batches_than_len_warns_as_pytorch():
    # PyTorch compares the batches fetched with the dataset's len(), once len(loader) was asked
    dataset = SizedStream(7, length=2)
    loader = DataLoader(dataset, batch_size=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(list(loader)) == 4  # len(loader) not asked yet: no warning
        assert len(loader) == 1
        assert len(list(loader)) == 4
    assert _messages(caught) == [
        f"Length of IterableDataset {dataset} was reported to be 2(when accessing len(dataloader)), but {k} "
        "samples have been fetched. " for k in (3, 4)]
    assert all(w.filename == __file__ for w in caught)


# ---------------------------------------------------------------------- workers
def test_each_worker_iterates_its_own_copy_and_batches_come_in_turn():
    # PyTorch's outputs for the same loaders
    assert values(DataLoader(Stream(5), batch_size=2, num_workers=2)) == [[0, 1], [0, 1], [2, 3], [2, 3], [4], [4]]
    assert values(DataLoader(Stream(5), batch_size=None, num_workers=2)) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert values(DataLoader(Stream(5), batch_size=2, num_workers=2, drop_last=True)) == [[0, 1], [0, 1], [2, 3],
                                                                                         [2, 3]]
    assert values(DataLoader(Shares([5, 1]), batch_size=None, num_workers=2)) == [0, 100, 1, 2, 3, 4]
    assert values(DataLoader(Shares([1, 5]), batch_size=None, num_workers=2)) == [0, 100, 101, 102, 103, 104]
    expected = [[0, 1], [100, 101], [200, 201], [102, 103], [202], [104, 105], [106]]
    assert values(DataLoader(Shares([2, 7, 3]), batch_size=2, num_workers=3)) == expected
    assert values(DataLoader(Shares([2, 7, 3]), batch_size=2, num_workers=3, prefetch_factor=1)) == expected
    assert values(DataLoader(Shares([0, 3]), batch_size=2, num_workers=2)) == [[100, 101], [102]]


class Info(IterableDataset):
    def __init__(self):
        self.tag = "original"

    def __iter__(self):
        info = get_worker_info()
        yield (info.id, info.num_workers, info.seed, info.dataset is self, self.tag, os.getpid())
        try:
            info.id = 5
        except AttributeError as error:  # a frozen dataclass, as PyTorch's WorkerInfo
            yield str(error)


def _tag(worker_id):
    get_worker_info().dataset.tag = f"set by init {worker_id}"


def test_worker_info_names_the_worker_and_its_copy_of_the_dataset():
    assert get_worker_info() is None
    rows = list(DataLoader(Info(), batch_size=None, num_workers=2, worker_init_fn=_tag,
                           generator=np.random.default_rng(3)))
    (id0, n0, seed0, same0, tag0, pid0), (id1, n1, seed1, same1, tag1, pid1) = rows[0], rows[1]
    assert (id0, n0, same0, tag0) == (0, 2, True, "set by init 0") and (id1, n1, same1, tag1) == (1, 2, True,
                                                                                                 "set by init 1")
    assert seed1 == seed0 + 1 and isinstance(seed0, int)  # a base seed plus the worker's id, as PyTorch
    assert rows[2:] == ["cannot assign to field 'id'"] * 2
    assert len({pid0, pid1, os.getpid()}) == 3
    again = list(DataLoader(Info(), batch_size=None, num_workers=2, generator=np.random.default_rng(3)))
    assert again[0][2] == seed0  # the seed follows the loader's generator
    assert get_worker_info() is None


def test_map_style_workers_know_their_info_too():
    class Who(TensorDataset):
        def __getitem__(self, index):
            info = get_worker_info()
            return info.id, info.num_workers

    loader = DataLoader(Who(np.arange(4)), batch_size=2, num_workers=2)
    assert [[t.numpy().tolist() for t in batch] for batch in loader] == [[[0, 0], [2, 2]], [[1, 1], [2, 2]]]


class Broken(IterableDataset):
    def __iter__(self):
        yield 1
        raise KeyError("boom")


def test_a_failing_stream_names_the_error_and_an_early_exit_stops_the_workers():
    with pytest.raises(KeyError, match="boom"):
        list(DataLoader(Broken()))
    with pytest.raises(RuntimeError, match="Caught KeyError in DataLoader worker process 0: KeyError: 'boom'"):
        list(DataLoader(Broken(), num_workers=1))
    for batch in DataLoader(Stream(1000), batch_size=2, num_workers=2):
        break  # the workers are stopped when the iteration is abandoned
    assert batch.numpy().tolist() == [0, 1]


def test_workers_warn_past_len_with_an_extra_sentence():
    dataset = SizedStream(3, length=2)
    loader = DataLoader(dataset, batch_size=None, num_workers=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(loader) == 2
        assert list(loader) == [0, 0, 1, 1, 2, 2]
    messages = _messages(caught)
    assert len(messages) == 4 and messages[0] == (
        f"Length of IterableDataset {dataset} was reported to be 2(when accessing len(dataloader)), but 3 samples "
        "have been fetched. For multiprocessing data-loading, this could be caused by not properly configuring the "
        "IterableDataset replica at each worker. Give each worker its own share in the dataset's __iter__, using "
        "minigan.data.get_worker_info().")
