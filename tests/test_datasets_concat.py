"""ConcatDataset (and ``a + b``), StackDataset, ChainDataset, default_convert and ``__getitems__``,
as in torch.utils.data: checked against Python lists written out plainly, and against PyTorch 2.14's
outputs and messages written out as literals."""
from __future__ import annotations

import collections

import numpy as np
import pytest

import minigan
from minigan.data import (ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset, StackDataset,
                          Subset, TensorDataset, default_convert)


class Range(Dataset):
    """The ints start .. stop - 1, as a map-style dataset."""

    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __len__(self):
        return self.stop - self.start

    def __getitem__(self, i):
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.start + i


class Stream(IterableDataset):
    def __init__(self, values):
        self.values = list(values)

    def __iter__(self):
        return iter(self.values)


class SizedStream(Stream):
    def __len__(self):
        return len(self.values)


# ---------------------------------------------------------------------- ConcatDataset
def test_concat_is_the_samples_one_dataset_after_the_other():
    parts = [Range(0, 3), Range(10, 12), Range(20, 24)]
    concat = ConcatDataset(parts)
    plain = list(range(0, 3)) + list(range(10, 12)) + list(range(20, 24))
    assert concat.cumulative_sizes == [3, 5, 9] and len(concat) == 9
    assert [concat[i] for i in range(9)] == plain
    assert [concat[i] for i in range(-9, 0)] == plain  # negative indices count from the end
    assert concat[np.int64(4)] == 11
    assert list(concat) == plain  # the sequence protocol stops at the IndexError
    assert concat.datasets == parts


def test_concat_errors_are_pytorchs():
    concat = ConcatDataset([Range(0, 3), Range(10, 12)])
    with pytest.raises(IndexError):
        concat[5]
    with pytest.raises(ValueError, match="^absolute value of index should not exceed dataset length$"):
        concat[-6]
    with pytest.raises(TypeError, match="integers"):
        concat["a"]
    for empty in ([], ()):
        with pytest.raises(AssertionError, match="^datasets should not be an empty iterable$"):
            ConcatDataset(empty)
    with pytest.raises(AssertionError, match="^ConcatDataset does not support IterableDataset$"):
        ConcatDataset([Range(0, 2), Stream([1])])
    with pytest.raises(TypeError):
        ConcatDataset([Range(0, 2), 5])


def test_concat_keeps_the_misspelt_name_with_pytorchs_warning():
    concat = ConcatDataset([Range(0, 2), Range(0, 0), Range(5, 7)])
    assert concat.cumulative_sizes == [2, 2, 4] and [concat[i] for i in range(4)] == [0, 1, 5, 6]
    with pytest.warns(FutureWarning, match="`cummulative_sizes` attribute is renamed to `cumulative_sizes`"):
        assert concat.cummulative_sizes == [2, 2, 4]


def test_adding_datasets_concatenates_them_as_pytorch():
    a, b, c = Range(0, 2), Range(5, 7), Range(8, 9)
    ab = a + b
    assert type(ab) is ConcatDataset and ab.cumulative_sizes == [2, 4] and list(ab) == [0, 1, 5, 6]
    abc = ab + c  # PyTorch nests: ConcatDataset([ab, c]), cumulative sizes [4, 5]
    assert abc.cumulative_sizes == [4, 5] and len(abc.datasets) == 2 and list(abc) == [0, 1, 5, 6, 8]
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        a + Stream([1])


def test_a_loader_over_a_concat_visits_every_sample_once():
    images = TensorDataset(minigan.tensor(np.arange(10.0)), minigan.tensor(np.arange(10)))
    concat = images + Subset(images, [7, 8, 9])
    seen = [int(v) for batch in DataLoader(concat, batch_size=4, shuffle=True) for v in batch[1].numpy()]
    assert sorted(seen) == sorted(list(range(10)) + [7, 8, 9])
    batches = [batch[1].numpy().tolist() for batch in DataLoader(concat, batch_size=5, num_workers=2)]
    assert batches == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [7, 8, 9]]


class OneByOne(ConcatDataset):
    """A ConcatDataset indexed sample by sample (an overridden __getitem__ turns the batch fetch off)."""

    def __getitem__(self, idx):
        return super().__getitem__(idx)


def test_a_concat_of_tensor_datasets_gives_the_batches_of_the_joined_tensors():
    rng = np.random.default_rng(0)
    images, labels = rng.random((23, 3)).astype(np.float32), np.arange(23)
    cuts = [0, 10, 11, 23]
    parts = [TensorDataset(minigan.tensor(images[a:b]), minigan.tensor(labels[a:b])) for a, b in zip(cuts, cuts[1:])]
    whole = TensorDataset(minigan.tensor(images), minigan.tensor(labels))
    for dataset in (ConcatDataset(parts), OneByOne(parts)):
        for batch_size in (1, 4, 23):
            got = list(DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=np.random.default_rng(5)))
            want = list(DataLoader(whole, batch_size=batch_size, shuffle=True, generator=np.random.default_rng(5)))
            assert len(got) == len(want)
            for (x, y), (wx, wy) in zip(got, want):
                assert isinstance(x, minigan.Tensor) and x.dtype == np.float32 and y.dtype == np.int64
                np.testing.assert_array_equal(x.numpy(), wx.numpy())
                np.testing.assert_array_equal(y.numpy(), wy.numpy())
    order = [-1, 0, 10, -13, 22]  # negative indices count from the end, in a batch too
    batch = next(iter(DataLoader(ConcatDataset(parts), batch_size=5, sampler=order)))
    assert batch[1].numpy().tolist() == [22, 0, 10, 10, 22]
    with pytest.raises(IndexError):
        next(iter(DataLoader(ConcatDataset(parts), batch_size=2, sampler=[0, 23])))
    mixed = ConcatDataset([parts[0], OneByOne(parts[1:])])  # a part without a batch fetch of its own
    batch = next(iter(DataLoader(mixed, batch_size=23, sampler=range(22, -1, -1))))
    assert batch[1].numpy().tolist() == list(range(22, -1, -1))


# ---------------------------------------------------------------------- StackDataset
def test_stack_dataset_gives_tuples_or_dicts_of_the_ith_samples():
    pair = StackDataset(Range(0, 3), Range(10, 13))
    assert len(pair) == 3 and pair[1] == (1, 11) and isinstance(pair.datasets, tuple)
    assert pair.__getitems__([0, 2]) == [(0, 10), (2, 12)]
    keyed = StackDataset(a=Range(0, 3), b=Range(10, 13))
    assert keyed[1] == {"a": 1, "b": 11} and list(keyed.datasets) == ["a", "b"]
    assert keyed.__getitems__([0, 2]) == [{"a": 0, "b": 10}, {"a": 2, "b": 12}]
    batch = next(iter(DataLoader(keyed, batch_size=3)))
    assert batch["a"].numpy().tolist() == [0, 1, 2] and batch["b"].numpy().tolist() == [10, 11, 12]


def test_stack_dataset_errors_are_pytorchs():
    with pytest.raises(ValueError, match="^At least one dataset should be passed$"):
        StackDataset()
    with pytest.raises(ValueError, match=r"^Supported either ``tuple``- \(via ``args``\) or``dict``- \(via "
                                         r"``kwargs``\) like input/output, but both types are given.$"):
        StackDataset(Range(0, 3), a=Range(0, 3))
    for args, kwargs in (((Range(0, 3), Range(0, 2)), {}), ((), {"a": Range(0, 3), "b": Range(0, 2)})):
        with pytest.raises(ValueError, match="^Size mismatch between datasets$"):
            StackDataset(*args, **kwargs)


class Batched(Range):
    """A dataset that fetches several samples in one call, and counts the calls."""

    calls = 0

    def __getitems__(self, indices):
        type(self).calls += 1
        return [("many", self[i]) for i in indices]


def test_stack_dataset_asks_a_nested_getitems_once():
    stacked = StackDataset(Batched(0, 3), Range(10, 13))
    assert stacked.__getitems__([1, 2]) == [(("many", 1), 11), (("many", 2), 12)]

    class Short(Range):
        def __getitems__(self, indices):
            return [0]

    with pytest.raises(ValueError, match="^Nested dataset's output size mismatch. Expected 2, got 1$"):
        StackDataset(Short(0, 3), Range(0, 3)).__getitems__([1, 2])


def test_the_loader_fetches_a_batch_through_getitems_as_pytorchs():
    Batched.calls = 0
    batches = list(DataLoader(Batched(0, 5), batch_size=2, collate_fn=lambda samples: samples))
    assert batches == [[("many", 0), ("many", 1)], [("many", 2), ("many", 3)], [("many", 4)]]
    assert Batched.calls == 3
    subset = Subset(Batched(0, 5), [4, 0, 2])
    assert subset.__getitems__([0, 2]) == [("many", 4), ("many", 2)]
    assert Subset(Range(0, 5), [4, 0]).__getitems__([1, 0]) == [0, 4]


# ---------------------------------------------------------------------- ChainDataset
def test_chain_dataset_reads_each_stream_in_turn():
    chain = ChainDataset([Stream([0, 1]), Stream([0, 1, 2])])
    assert list(chain) == [0, 1, 0, 1, 2]
    assert list(Stream([0, 1]) + Stream([0, 1, 2])) == [0, 1, 0, 1, 2]
    assert type(Stream([1]) + Stream([2])) is ChainDataset
    assert len(ChainDataset([SizedStream([1, 2]), SizedStream(range(5))])) == 7
    with pytest.raises(TypeError, match="object of type 'Stream' has no len()"):
        len(chain)
    with pytest.raises(AssertionError, match="^ChainDataset only supports IterableDataset$"):
        list(ChainDataset([Stream([1]), Range(0, 2)]))
    with pytest.raises(AssertionError, match="^ChainDataset only supports IterableDataset$"):
        list(Stream([1]) + Range(0, 2))
    assert isinstance(chain, Dataset)
    batches = [b.numpy().tolist() for b in DataLoader(chain, batch_size=2)]
    assert batches == [[0, 1], [0, 1], [2]]


# ---------------------------------------------------------------------- batch_size=None, map-style
class Triples(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return np.float32(i), i, np.arange(2) + i


def test_unbatched_map_style_loading_converts_each_sample_as_pytorch():
    for workers in (0, 2):
        samples = list(DataLoader(Triples(), batch_size=None, num_workers=workers))
        assert len(samples) == 4
        first = samples[1]  # PyTorch: [tensor(1.), 1, tensor([1, 2])]
        assert type(first) is list and first[0].dtype == np.float32 and first[0].item() == 1.0
        assert first[1] == 1 and first[2].numpy().tolist() == [1, 2]
    raw = list(DataLoader(Triples(), batch_size=None, sampler=[3, 1], collate_fn=lambda sample: sample))
    assert [r[1] for r in raw] == [3, 1] and isinstance(raw[0], tuple)
    assert len(DataLoader(Triples(), batch_size=None, sampler=[3, 1])) == 2
    assert len(DataLoader(Triples(), batch_size=None)) == 4
    shuffled = [s[1] for s in DataLoader(Triples(), batch_size=None, shuffle=True)]
    assert sorted(shuffled) == [0, 1, 2, 3]
    pairs = list(DataLoader(TensorDataset(np.arange(3), np.arange(3) * 10), batch_size=None))
    assert [[int(t.item()) for t in pair] for pair in pairs] == [[0, 0], [1, 10], [2, 20]]
    with pytest.raises(ValueError, match="^batch_size=None option disables auto-batching and is mutually "
                                         "exclusive with drop_last$"):
        DataLoader(Triples(), batch_size=None, drop_last=True)


# ---------------------------------------------------------------------- default_convert
Point = collections.namedtuple("Point", "x y")


def test_default_convert_turns_numpy_parts_into_tensors_as_pytorch():
    array = np.arange(3)
    converted = default_convert(array)
    assert isinstance(converted, minigan.Tensor) and converted.dtype == np.int64
    converted[0] = 9  # it shares the array's memory, as torch.as_tensor
    assert array.tolist() == [9, 1, 2]
    for scalar, dtype in ((np.float32(1.5), np.float32), (np.bool_(True), np.bool_), (np.int8(3), np.int8)):
        tensor = default_convert(scalar)
        assert isinstance(tensor, minigan.Tensor) and tensor.shape == () and tensor.dtype == dtype
        assert tensor.item() == scalar.item()
    strings, objects = np.array(["a"]), np.array([1, None], dtype=object)
    assert default_convert(strings) is strings and default_convert(objects) is objects
    for kept in (3, 2.5, "s", b"b", None, np.str_("s")):
        assert default_convert(kept) is kept
    pair = default_convert((1, np.int64(2)))
    assert type(pair) is list and pair[0] == 1 and isinstance(pair[1], minigan.Tensor)
    nested = default_convert({"a": (np.int16(1),)})
    assert type(nested["a"]) is list and nested["a"][0].dtype == np.int16
    point = default_convert(Point(np.int32(1), [2]))
    assert type(point) is Point and point.x.dtype == np.int32 and point.y == [2]
