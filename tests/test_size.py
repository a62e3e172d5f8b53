"""minigan.Size, what x.size() returns: a tuple of ints, as PyTorch's torch.Size."""
import pickle

import numpy as np
import pytest

import minigan as torch


def test_x_size_is_a_size_equal_to_the_shape():
    x = torch.zeros(2, 3, 4)
    size = x.size()
    assert isinstance(size, torch.Size) and isinstance(size, tuple)
    assert size == (2, 3, 4) == x.shape and size == torch.Size([2, 3, 4])
    assert x.size(1) == 3 and x.size(-1) == 4
    assert size.numel() == 24 == x.numel()
    assert torch.Size([]).numel() == 1 and torch.Size([3, 0]).numel() == 0
    assert repr(size) == "Size([2, 3, 4])"


def test_slices_and_sums_of_sizes_are_sizes_and_indexing_gives_ints():
    size = torch.Size((5, 6, 7))
    assert isinstance(size[1:], torch.Size) and size[1:] == (6, 7)
    assert type(size[0]) is int and size[-1] == 7
    assert isinstance(size + (8,), torch.Size) and size + (8,) == (5, 6, 7, 8)
    assert isinstance((4,) + size, torch.Size) and (4,) + size == (4, 5, 6, 7)
    assert pickle.loads(pickle.dumps(size)) == size


def test_a_size_builds_tensors_and_takes_numpy_ints():
    size = torch.Size([np.int64(2), 3])
    assert torch.ones(size).shape == (2, 3) and torch.zeros(*size).shape == (2, 3)
    assert torch.randn(2, 3).view(torch.Size([3, 2])).shape == (3, 2)


def test_bad_sizes_say_what_is_wrong():
    with pytest.raises(TypeError, match="Size takes a sequence of ints"):
        torch.Size([2.5, 3])
    with pytest.raises(ValueError, match="non-negative"):
        torch.Size([2, -1])
