"""PyTorch's shape and structure functions and methods (minigan/ops/shape_stacks.py, shape_more.py,
shape_picks.py; minigan/autograd/shape_methods.py), each against values written out by hand as
PyTorch gives them: joins, splits, repeats, reshapes, rotations, differences, picks and diagonals,
their dtypes, negative dims, PyTorch's messages for bad input, and their gradients (finite
differences on float64 inputs, and second derivatives) on the CPU and on the strict device."""
from __future__ import annotations

import re

import numpy as np
import pytest

import minigan as torch
from minigan.gradcheck import gradcheck, gradgradcheck


def values(t):
    return t.tolist()


@pytest.fixture(params=["cpu", "strict"])
def device(request):
    if request.param == "strict":
        pytest.importorskip("array_api_strict")
    return request.param


def raises(kind, message):
    return pytest.raises(kind, match="^" + re.escape(message) + "$")


# ====================================================================== joins
def test_hstack_vstack_dstack_column_stack_row_stack():
    v, s = torch.arange(3), torch.tensor(5.0)
    a = torch.arange(6.0).reshape(2, 3)
    assert values(torch.hstack([v, torch.tensor([7, 8])])) == [0, 1, 2, 7, 8]
    assert values(torch.hstack((s, s))) == [5.0, 5.0]
    assert values(torch.hstack([a, a[:, :1]])) == [[0, 1, 2, 0], [3, 4, 5, 3]]
    assert values(torch.vstack([v, v])) == [[0, 1, 2], [0, 1, 2]]
    assert values(torch.vstack([s, s])) == [[5.0], [5.0]]
    assert values(torch.vstack([a, torch.arange(3.0)])) == [[0, 1, 2], [3, 4, 5], [0, 1, 2]]
    assert torch.row_stack([v, v]).tolist() == [[0, 1, 2], [0, 1, 2]]
    assert values(torch.dstack([v, v])) == [[[0, 0], [1, 1], [2, 2]]]
    assert values(torch.dstack([a[:1], a[1:]])) == [[[0, 3], [1, 4], [2, 5]]]
    assert torch.dstack([s, s]).shape == (1, 1, 2)
    assert values(torch.column_stack([v, torch.ones(3, 2, dtype=torch.int64), torch.tensor([9, 9, 9])])) == [
        [0, 1, 1, 9], [1, 1, 1, 9], [2, 1, 1, 9]]
    assert torch.column_stack([s, s]).shape == (1, 2)


def test_joins_promote_as_cat_and_keep_float32():
    mixed = torch.hstack([torch.tensor([1, 2]), torch.tensor([True]), torch.tensor([0.5])])
    assert mixed.dtype == np.float32 and values(mixed) == [1.0, 2.0, 1.0, 0.5]
    assert torch.vstack([torch.tensor([True]), torch.tensor([False])]).dtype == np.bool_
    assert torch.dstack([torch.ones(2, dtype=torch.float64), torch.ones(2)]).dtype == np.float64


def test_joins_take_out():
    out = torch.zeros(2, 2)
    assert torch.vstack([torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])], out=out) is out
    assert values(out) == [[1.0, 2.0], [3.0, 4.0]]


def test_join_errors():
    a = torch.zeros(2, 3)
    with raises(RuntimeError, "hstack expects a non-empty TensorList"):
        torch.hstack([])
    with raises(RuntimeError, "column_stack expects a non-empty TensorList"):
        torch.column_stack([])
    with raises(TypeError, "vstack(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"):
        torch.vstack(a)
    with raises(TypeError, "expected Tensor as element 0 in argument 0, but got int"):
        torch.hstack([1, 2])
    with raises(RuntimeError, "Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 "
                              "for tensor number 1 in the list."):
        torch.hstack([a, torch.zeros(3, 3)])
    with raises(RuntimeError, "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 "
                              "for tensor number 1 in the list."):
        torch.vstack([torch.zeros(3), torch.zeros(2)])


# ====================================================================== splits
def parts_of(pieces):
    assert isinstance(pieces, tuple)
    return [values(p) for p in pieces]


def test_tensor_split_by_sections_and_indices():
    x = torch.arange(7)
    assert parts_of(torch.tensor_split(x, 3)) == [[0, 1, 2], [3, 4], [5, 6]]
    assert parts_of(x.tensor_split(8)) == [[0], [1], [2], [3], [4], [5], [6], []]
    assert parts_of(torch.tensor_split(x, [1, 5])) == [[0], [1, 2, 3, 4], [5, 6]]
    assert parts_of(torch.tensor_split(x, (2,))) == [[0, 1], [2, 3, 4, 5, 6]]
    assert parts_of(torch.tensor_split(x, [-2, 6])) == [[0, 1, 2, 3, 4], [5], [6]]
    assert parts_of(torch.tensor_split(x, [-10, 3])) == [[], [0, 1, 2], [3, 4, 5, 6]]
    assert parts_of(torch.tensor_split(x, [5, 1, 9])) == [[0, 1, 2, 3, 4], [], [1, 2, 3, 4, 5, 6], []]
    assert parts_of(torch.tensor_split(x, [])) == [[0, 1, 2, 3, 4, 5, 6]]
    assert parts_of(torch.tensor_split(x, torch.tensor(3))) == [[0, 1, 2], [3, 4], [5, 6]]
    assert parts_of(torch.tensor_split(x, torch.tensor([1, 5]))) == [[0], [1, 2, 3, 4], [5, 6]]
    assert parts_of(torch.tensor_split(x, sections=2)) == [[0, 1, 2, 3], [4, 5, 6]]
    assert parts_of(x.tensor_split(indices=[1])) == [[0], [1, 2, 3, 4, 5, 6]]
    a = torch.arange(12.0).reshape(3, 4)
    assert parts_of(torch.tensor_split(a, [1], dim=-1)) == [[[0.0], [4.0], [8.0]],
                                                             [[1.0, 2.0, 3.0], [5.0, 6.0, 7.0], [9.0, 10.0, 11.0]]]
    assert [p.shape for p in torch.tensor_split(a, 3, dim=1)] == [(3, 2), (3, 1), (3, 1)]
    assert torch.tensor_split(a, 3, dim=1)[0].dtype == np.float32


def test_hsplit_vsplit_dsplit():
    a = torch.arange(12.0).reshape(3, 4)
    assert parts_of(torch.hsplit(torch.arange(6), 3)) == [[0, 1], [2, 3], [4, 5]]
    assert parts_of(torch.hsplit(torch.arange(7), [2])) == [[0, 1], [2, 3, 4, 5, 6]]
    assert parts_of(a.hsplit(2)) == [[[0.0, 1.0], [4.0, 5.0], [8.0, 9.0]], [[2.0, 3.0], [6.0, 7.0], [10.0, 11.0]]]
    assert parts_of(torch.vsplit(a, [1])) == [[[0.0, 1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]]
    assert [p.shape for p in a.vsplit(sections=3)] == [(1, 4)] * 3
    assert [p.shape for p in torch.arange(8).reshape(1, 2, 4).dsplit(2)] == [(1, 2, 2)] * 2


SPLIT_ERRORS = [
    (lambda x, a: torch.tensor_split(x, 0), RuntimeError, "number of sections must be larger than 0, got 0"),
    (lambda x, a: torch.tensor_split(torch.tensor(1.0), 2), RuntimeError,
     "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"),
    (lambda x, a: torch.tensor_split(x, torch.tensor([1.0])), RuntimeError,
     "tensor_split expected tensor_indices_or_sections to have dtype of long, but got Float"),
    (lambda x, a: torch.tensor_split(x, torch.tensor([1], dtype=torch.int32)), RuntimeError,
     "tensor_split expected tensor_indices_or_sections to have dtype of long, but got Int"),
    (lambda x, a: torch.tensor_split(x, torch.tensor([[1, 5]])), RuntimeError,
     "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a "
     "tensor with 2 dims"),
    (lambda x, a: torch.tensor_split(a, 3, dim=2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda x, a: torch.hsplit(a, 3), RuntimeError,
     "torch.hsplit attempted to split along dimension 1, but the size of the dimension 4 is not divisible by the "
     "split_size 3!"),
    (lambda x, a: torch.hsplit(x, 3), RuntimeError,
     "torch.hsplit attempted to split along dimension 0, but the size of the dimension 7 is not divisible by the "
     "split_size 3!"),
    (lambda x, a: a.vsplit(2), RuntimeError,
     "torch.vsplit attempted to split along dimension 0, but the size of the dimension 3 is not divisible by the "
     "split_size 2!"),
    (lambda x, a: torch.hsplit(torch.tensor(1.0), 1), RuntimeError,
     "torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 dimensions!"),
    (lambda x, a: torch.vsplit(x, 1), RuntimeError,
     "torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1 dimensions!"),
    (lambda x, a: torch.dsplit(a, 2), RuntimeError,
     "torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with 2 dimensions!"),
]


@pytest.mark.parametrize("call, kind, message", SPLIT_ERRORS)
def test_split_errors(call, kind, message):
    with raises(kind, message):
        call(torch.arange(7), torch.zeros(3, 4))


# ====================================================================== repeats
def test_tile():
    a = torch.arange(6).reshape(2, 3)
    assert values(torch.tile(a, (2,))) == [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]
    assert values(torch.tile(torch.arange(2), (2, 1, 2))) == [[[0, 1, 0, 1]], [[0, 1, 0, 1]]]
    assert values(a.tile(2, 1)) == values(a.tile([2, 1])) == [[0, 1, 2], [3, 4, 5], [0, 1, 2], [3, 4, 5]]
    assert a.tile(dims=(2,)).shape == (2, 6) and torch.tile(a, (0,)).shape == (2, 0)
    assert values(torch.tile(a, ())) == values(a)
    assert values(torch.tile(torch.tensor(5.0), (2,))) == [5.0, 5.0]
    assert torch.tile(torch.ones(2), (3,)).dtype == np.float32
    with raises(RuntimeError, "Trying to create tensor with negative dimension -3: [2, -3]"):
        torch.tile(a, (-1,))
    with raises(TypeError, "tile(): argument 'dims' (position 2) must be tuple of ints, not int"):
        torch.tile(a, 2)


def test_repeat_interleave():
    a = torch.arange(6).reshape(2, 3)
    assert values(torch.repeat_interleave(a, 2)) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert values(a.repeat_interleave(2, dim=-1)) == [[0, 0, 1, 1, 2, 2], [3, 3, 4, 4, 5, 5]]
    assert values(torch.repeat_interleave(a, torch.tensor([1, 2]), dim=0)) == [[0, 1, 2], [3, 4, 5], [3, 4, 5]]
    assert values(torch.repeat_interleave(a, torch.tensor([0, 2]), dim=0)) == [[3, 4, 5], [3, 4, 5]]
    assert torch.repeat_interleave(a, torch.tensor([2]), dim=0).shape == (4, 3)
    assert torch.repeat_interleave(a, torch.tensor(2), dim=0).shape == (4, 3)
    assert values(torch.repeat_interleave(a, torch.tensor([1, 0, 1, 0, 1, 2]))) == [0, 2, 4, 5, 5]
    int32 = torch.tensor([1, 2], dtype=torch.int32)
    assert values(torch.repeat_interleave(a, int32, dim=0)) == [[0, 1, 2], [3, 4, 5], [3, 4, 5]]
    assert values(torch.repeat_interleave(torch.tensor([True, False]), 2)) == [True, True, False, False]
    assert values(torch.repeat_interleave(torch.tensor(5.0), 3)) == [5.0, 5.0, 5.0]
    assert torch.repeat_interleave(torch.ones(2), 2).dtype == np.float32
    assert torch.repeat_interleave(a, 2, dim=0, output_size=4).shape == (4, 3)
    counts = torch.repeat_interleave(torch.tensor([1, 0, 3]))
    assert counts.dtype == np.int64 and values(counts) == [0, 2, 2, 2]


def test_repeat_interleave_errors():
    a = torch.zeros(2, 3)
    with raises(RuntimeError, "Repeats must be non-negative"):
        torch.repeat_interleave(a, -1)
    with raises(RuntimeError, "repeats can not be negative"):
        torch.repeat_interleave(a, torch.tensor([1, -1]), dim=0)
    with raises(RuntimeError, "repeats must have the same size as input along dim, but got repeats.size(0) = 3 and "
                              "input.size(0) = 2"):
        torch.repeat_interleave(a, torch.tensor([1, 2, 3]), dim=0)
    with raises(RuntimeError, "repeats must be 0-dim or 1-dim tensor"):
        torch.repeat_interleave(a, torch.tensor([[1, 1]]), dim=0)
    with raises(NotImplementedError, "\"repeat_interleave_cpu\" not implemented for 'Float'"):
        torch.repeat_interleave(a, torch.tensor([1.0, 1.0]), dim=0)
    with raises(RuntimeError, "repeat_interleave only accept 1D vector as repeat"):
        torch.repeat_interleave(torch.tensor([[1, 2]]))
    with raises(RuntimeError, "repeat_interleave: Invalid output_size, expected 4 but got 5"):
        torch.repeat_interleave(a, 2, dim=0, output_size=5)
    with raises(IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)"):
        torch.repeat_interleave(a, 3, dim=2)


# ====================================================================== reshapes and slices
def test_broadcast_to_unflatten_ravel():
    a = torch.arange(6).reshape(2, 3)
    assert values(torch.broadcast_to(torch.arange(3), (2, 3))) == [[0, 1, 2], [0, 1, 2]]
    assert torch.broadcast_to(a, (2, -1, 3)).shape == (2, 2, 3) and a.broadcast_to(size=(4, 2, 3)).shape == (4, 2, 3)
    with raises(RuntimeError, "The expanded size of the tensor (3) must match the existing size (2) at non-singleton "
                              "dimension 0.  Target sizes: [3, 3].  Tensor sizes: [2, 3]"):
        torch.broadcast_to(a, (3, 3))
    with raises(RuntimeError, "expand(torch.FloatTensor{[2, 3]}, size=[3]): the number of sizes provided (1) must be "
                              "greater or equal to the number of dimensions in the tensor (2)"):
        torch.broadcast_to(a.float(), (3,))
    with raises(RuntimeError, "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                              "dimension 0"):
        a.broadcast_to((-1, 2, 3))
    assert values(torch.unflatten(torch.arange(6), 0, (2, 3))) == [[0, 1, 2], [3, 4, 5]]
    assert a.unflatten(-1, [3, -1]).shape == (2, 3, 1) and torch.unflatten(a, 0, (1, 2)).shape == (1, 2, 3)
    with raises(RuntimeError, "unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 1 (3) in the "
                              "input tensor"):
        a.unflatten(1, (2, 2))
    with raises(RuntimeError, "unflatten: sizes must be non-empty"):
        a.unflatten(1, ())
    with raises(RuntimeError, "only one dimension can be inferred"):
        torch.unflatten(torch.arange(6), 0, (-1, -1))
    assert values(a.t().ravel()) == [0, 3, 1, 4, 2, 5] and values(torch.ravel(torch.tensor(5.0))) == [5.0]


def test_select_and_narrow_copy():
    a = torch.arange(6).reshape(2, 3)
    assert values(torch.select(a, 1, -1)) == [2, 5] and values(a.select(0, 1)) == [3, 4, 5]
    assert values(a.select(0, torch.tensor(1))) == [3, 4, 5]
    with raises(IndexError, "select(): index 2 out of range for tensor of size [2, 3] at dimension 0"):
        a.select(0, 2)
    with raises(IndexError, "select(): index -4 out of range for tensor of size [2, 3] at dimension 1"):
        a.select(-1, -4)
    with raises(IndexError, "select() cannot be applied to a 0-dim tensor."):
        torch.tensor(1.0).select(0, 0)
    copy = torch.narrow_copy(a, 1, -2, 2)
    assert values(copy) == [[1, 2], [4, 5]] and values(a.narrow_copy(dim=0, start=1, length=1)) == [[3, 4, 5]]
    copy[0, 0] = 9  # a copy: a keeps its values
    assert values(a)[0] == [0, 1, 2]
    with raises(RuntimeError, "start (2) + length (2) exceeds dimension size (3)."):
        torch.narrow_copy(a, 1, 2, 2)
    with raises(RuntimeError, "start (0) + length (-1) exceeds dimension size (3)."):
        torch.narrow_copy(a, 1, 0, -1)
    with raises(RuntimeError, "narrow() cannot be applied to a 0-dim tensor."):
        torch.narrow_copy(torch.tensor(1.0), 0, 0, 1)
    with raises(RuntimeError, "narrow() cannot be applied to a 0-dim tensor."):  # narrow itself, not a copy
        torch.tensor(1.0).narrow(0, 0, 1)


def test_rot90_fliplr_flipud():
    a = torch.arange(6).reshape(2, 3)
    assert values(torch.rot90(a)) == values(a.rot90(1, [0, -1])) == [[2, 5], [1, 4], [0, 3]]
    assert values(torch.rot90(a, 2)) == [[5, 4, 3], [2, 1, 0]]
    assert values(torch.rot90(a, -1)) == values(torch.rot90(a, 3)) == values(torch.rot90(a, 5, [1, 0])) == [
        [3, 0], [4, 1], [5, 2]]
    turned = torch.rot90(a, 4)
    assert values(turned) == values(a) and turned is not a
    assert values(torch.rot90(torch.arange(4).reshape(1, 2, 2), 1, [1, 2])) == [[[1, 3], [0, 2]]]
    with raises(RuntimeError, "expected total rotation dims == 2, but got dims = 3"):
        torch.rot90(a, 1, [0, 1, 1])
    with raises(RuntimeError, "expected total dims >= 2, but got total dims = 1"):
        torch.rot90(torch.arange(3))
    with raises(RuntimeError, "expected rotation dims to be different, but got dim0 = 1 and dim1 = -1"):
        torch.rot90(a, 1, [1, -1])
    assert values(torch.fliplr(a)) == [[2, 1, 0], [5, 4, 3]] and values(a.flipud()) == [[3, 4, 5], [0, 1, 2]]
    assert values(torch.flipud(torch.arange(3))) == [2, 1, 0]
    with raises(RuntimeError, "Input must be >= 2-d."):
        torch.fliplr(torch.arange(3))
    with raises(RuntimeError, "Input must be >= 1-d."):
        torch.flipud(torch.tensor(1.0))


# ====================================================================== differences and picks
def test_diff_values_and_dtypes():
    x = torch.tensor([1, 3, 2, 7])
    assert values(torch.diff(x)) == [2, -1, 5] and values(x.diff(n=2)) == [-3, 6]
    assert values(torch.diff(x, n=5)) == [] and values(torch.diff(x, n=0)) == [1, 3, 2, 7]
    a = torch.tensor([[1.0, 4.0, 9.0], [2.0, 3.0, 1.0]])
    assert values(torch.diff(a, dim=0)) == [[1.0, -1.0, -8.0]] and torch.diff(a).dtype == np.float32
    assert values(torch.diff(a, prepend=torch.zeros(2, 1))) == [[1.0, 3.0, 5.0], [2.0, 1.0, -2.0]]
    assert values(torch.diff(x, append=torch.tensor([10, 20]))) == [2, -1, 5, 3, 10]
    assert torch.diff(a, n=3, dim=0).shape == (0, 3)
    assert values(torch.diff(torch.tensor([True, False, False, True]))) == [True, False, True]
    mixed = torch.diff(x, append=torch.tensor([1.5]))
    assert mixed.dtype == np.float32 and values(mixed) == [2.0, -1.0, 5.0, -5.5]
    wrapped = torch.diff(torch.tensor([4, 1], dtype=torch.uint8))
    assert wrapped.dtype == np.uint8 and values(wrapped) == [253]


def test_diff_errors():
    a = torch.zeros(2, 3)
    with raises(RuntimeError, "order must be non-negative but got -1"):
        torch.diff(a, n=-1)
    with raises(RuntimeError, "diff expects input to be at least one-dimensional"):
        torch.diff(torch.tensor(1.0))
    with raises(RuntimeError, "diff expects prepend or append to be the same dimension as input"):
        torch.diff(a, prepend=torch.zeros(3))
    with raises(RuntimeError, "diff expects the shape of tensor to prepend or append to match that of input except "
                              "along the differencing dimension; input.size(0) = 2, but got tensor.size(0) = 1"):
        torch.diff(a, append=torch.zeros(1, 1))
    with raises(TypeError, "diff(): argument 'prepend' must be Tensor, not float"):
        torch.diff(a, prepend=1.0)
    with raises(TypeError, "diff(): argument 'n' must be int, not float"):
        torch.diff(a, n=1.0)


def test_take_and_take_along_dim():
    a = torch.tensor([[1.0, 4.0, 9.0], [2.0, 3.0, 1.0]])
    assert values(torch.take(a, torch.tensor([[0, 5], [-1, 2]]))) == [[1.0, 1.0], [1.0, 9.0]]
    assert torch.take(torch.tensor(5.0), torch.tensor(0)).shape == ()
    assert values(torch.take_along_dim(a, torch.tensor([[0], [2]]), dim=1)) == [[1.0], [1.0]]
    assert values(a.take_along_dim(a.argsort(dim=1), dim=1)) == [[1.0, 4.0, 9.0], [1.0, 2.0, 3.0]]
    assert values(torch.take_along_dim(a, torch.tensor([[0, 2]]), dim=1)) == [[1.0, 9.0], [2.0, 1.0]]
    assert values(torch.take_along_dim(a, torch.tensor([[1]]), dim=0)) == [[2.0, 3.0, 1.0]]
    assert values(torch.take_along_dim(a, torch.tensor([[-1]]), dim=-1)) == [[9.0], [1.0]]
    assert values(torch.take_along_dim(a, torch.tensor([5, 0, 1]))) == [1.0, 1.0, 4.0]
    out = torch.zeros(2, 1, dtype=torch.int64)
    assert torch.take_along_dim(torch.arange(6).reshape(2, 3), torch.tensor([[0]]), 1, out=out) is out
    assert values(out) == [[0], [3]]


def test_take_errors():
    a = torch.zeros(2, 3)
    with raises(IndexError, "out of range: tried to access index 6 on a tensor of 6 elements."):
        torch.take(a, torch.tensor([6]))
    with raises(IndexError, "out of range: tried to access index -7 on a tensor of 6 elements."):
        a.take(torch.tensor([-7]))
    with raises(RuntimeError, "take(): Expected a long tensor for index, but got Int"):
        a.take(torch.tensor([1], dtype=torch.int32))
    with raises(TypeError, "take(): argument 'index' (position 2) must be Tensor, not list"):
        torch.take(a, [1])
    with raises(IndexError, "take(): tried to take from an empty tensor"):
        torch.take(torch.zeros(0), torch.tensor([0]))
    with raises(RuntimeError, "torch.take_along_dim(): dtype of indices should be Long but got Float"):
        torch.take_along_dim(a, torch.tensor([[1.0]]), dim=1)
    with raises(RuntimeError, "torch.take_along_dim(): input and indices should have the same number of dimensions, "
                              "but got 2 dimensions for input, and 1 dimensions for indices"):
        torch.take_along_dim(a, torch.tensor([1]), dim=1)
    with raises(RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
                              "dimension 0"):
        torch.take_along_dim(a, torch.tensor([[1], [1], [1]]), dim=1)
    with raises(RuntimeError, "index 6 is out of bounds for dimension 0 with size 6"):
        torch.take_along_dim(a, torch.tensor([6]))
    with raises(RuntimeError, "index 3 is out of bounds for dimension 1 with size 3"):  # PyTorch's CPU reads past
        torch.take_along_dim(a, torch.tensor([[3]]), dim=1)


# ====================================================================== diagonals
def test_diagonal():
    a, c = torch.arange(12).reshape(3, 4), torch.arange(24).reshape(2, 3, 4)
    assert values(torch.diagonal(a)) == [0, 5, 10] and values(a.diagonal(1)) == [1, 6, 11]
    assert values(torch.diagonal(a, -1)) == [4, 9] and torch.diagonal(a, 5).shape == (0,)
    assert values(torch.diagonal(c, 3, 1, 2)) == [[3], [15]] and torch.diagonal(c, 4, 1, 2).shape == (2, 0)
    assert values(torch.diagonal(c, 0, 0, 2)) == [[0, 13], [4, 17], [8, 21]]
    assert values(torch.diagonal(c, 1, 2, 0)) == [[12], [16], [20]]
    assert values(c.diagonal(dim1=-1, dim2=-2)) == [[0, 5, 10], [12, 17, 22]]
    assert values(torch.diagonal(torch.tensor([[True, False], [False, False]]))) == [True, False]
    assert torch.diagonal(torch.ones(2, 2)).dtype == np.float32
    with raises(RuntimeError, "diagonal dimensions cannot be identical 1, -1"):
        torch.diagonal(a, 0, 1, -1)
    with raises(IndexError, "Dimension out of range (expected to be in range of [-1, 0], but got 1)"):
        torch.diagonal(torch.arange(3))


def test_diag_embed_diagflat_trace():
    v, m = torch.tensor([1, 3, 2]), torch.tensor([[1, 2], [3, 4]])
    assert values(torch.diag_embed(v)) == [[1, 0, 0], [0, 3, 0], [0, 0, 2]]
    assert values(v.diag_embed(1)) == [[0, 1, 0, 0], [0, 0, 3, 0], [0, 0, 0, 2], [0, 0, 0, 0]]
    assert values(torch.diag_embed(v, -1))[1:] == [[1, 0, 0, 0], [0, 3, 0, 0], [0, 0, 2, 0]]
    assert values(torch.diag_embed(m)) == [[[1, 0], [0, 2]], [[3, 0], [0, 4]]]
    assert values(torch.diag_embed(m, 1, 2, 0)) == [[[0, 0, 0], [0, 0, 0]], [[1, 0, 0], [3, 0, 0]],
                                                    [[0, 2, 0], [0, 4, 0]]]
    assert values(torch.diag_embed(torch.tensor([True, True]))) == [[True, False], [False, True]]
    assert torch.diag_embed(torch.ones(2)).dtype == np.float32
    with raises(RuntimeError, "diagonal dimensions cannot be identical 1, -1"):
        torch.diag_embed(v, 0, 1, -1)
    with raises(IndexError, "Dimension out of range (expected to be in range of [-1, 0], but got -2)"):
        torch.diag_embed(torch.tensor(1.0))
    assert values(torch.diagflat(m)) == [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 4]]
    assert values(v.diagflat(-2))[2:] == [[1, 0, 0, 0, 0], [0, 3, 0, 0, 0], [0, 0, 2, 0, 0]]
    assert values(torch.diagflat(torch.tensor(5.0))) == [[5.0]] and torch.diagflat(torch.zeros(0)).shape == (0, 0)
    a = torch.arange(12).reshape(3, 4)
    assert a.trace().dtype == np.int64 and a.trace().item() == 15
    assert a.to(torch.int32).trace().dtype == np.int64 and a.to(torch.uint8).trace().dtype == np.int64
    assert a.float().trace().dtype == np.float32 and torch.zeros(0, 3).trace().item() == 0.0
    with raises(RuntimeError, "trace: expected a matrix, but got tensor with dim 1"):
        torch.arange(3).trace()
    with raises(NotImplementedError, "\"trace\" not implemented for 'Bool'"):
        torch.ones(2, 2, dtype=torch.bool).trace()


# ====================================================================== gradients
def double(*shape, seed=0):
    data = np.random.default_rng(seed + len(shape)).standard_normal(shape)
    return torch.tensor(data, dtype=torch.float64, requires_grad=True)


GRADIENT_CASES = {
    "hstack": (lambda a, b: torch.hstack([a, b]), [(3, 4), (3, 2)]),
    "vstack": (lambda a, v: torch.vstack([a, v]), [(3, 4), (4,)]),
    "dstack": (lambda a: torch.dstack([a, a * 2.0]), [(3, 4)]),
    "column_stack": (lambda v, b: torch.column_stack([v, b]), [(3,), (3, 2)]),
    "tensor_split": (lambda a: torch.cat([p * (i + 1.0) for i, p in enumerate(torch.tensor_split(a, 3, dim=1))], 1),
                     [(3, 4)]),
    "tensor_split_overlapping": (
        lambda a: torch.cat([p * (i + 1.0) for i, p in enumerate(a.tensor_split([3, 1], dim=1))], 1), [(3, 4)]),
    "vsplit": (lambda a: a.vsplit([1])[1] * 3.0, [(3, 4)]),
    "tile": (lambda a: torch.tile(a, (2, 1, 2)), [(3, 4)]),
    "repeat_interleave": (lambda a: a.repeat_interleave(torch.tensor([2, 0, 3]), dim=0), [(3, 4)]),
    "repeat_interleave_flat": (lambda a: torch.repeat_interleave(a, 2), [(3, 4)]),
    "broadcast_to": (lambda v: torch.broadcast_to(v, (3, -1)), [(4,)]),
    "unflatten": (lambda a: a.unflatten(1, (2, 2)), [(3, 4)]),
    "ravel": (lambda a: a.t().ravel(), [(3, 4)]),
    "select": (lambda c: c.select(1, -1), [(2, 3, 4)]),
    "narrow_copy": (lambda a: a.narrow_copy(1, 1, 2), [(3, 4)]),
    "rot90": (lambda c: torch.rot90(c, 1, [2, 0]), [(2, 3, 4)]),
    "rot90_backwards": (lambda a: torch.rot90(a, -1), [(3, 4)]),
    "fliplr": (lambda a: torch.fliplr(a), [(3, 4)]),
    "flipud": (lambda a: a.flipud(), [(3, 4)]),
    "diff": (lambda a, b: torch.diff(a, n=2, dim=1, prepend=b, append=b), [(3, 4), (3, 2)]),
    "take": (lambda a: torch.take(a, torch.tensor([[0, -1], [5, 5]])), [(3, 4)]),
    "take_along_dim": (lambda a: torch.take_along_dim(a, torch.tensor([[0, 3], [2, 2], [-1, 1]]), dim=1), [(3, 4)]),
    "take_along_dim_broadcast": (lambda a: torch.take_along_dim(a, torch.tensor([[1], [1], [3]]), dim=1), [(1, 4)]),
    "take_along_dim_flat": (lambda a: torch.take_along_dim(a, torch.tensor([0, 11, 0])), [(3, 4)]),
    "diagonal": (lambda c: torch.diagonal(c, 1, 2, 0), [(2, 3, 4)]),
    "diag_embed": (lambda a: torch.diag_embed(a, -1, 0, 2), [(3, 4)]),
    "diagflat": (lambda a: torch.diagflat(a, 2), [(2, 2)]),
    "trace": (lambda a: a.trace(), [(3, 4)]),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_against_finite_differences(name):
    fn, shapes = GRADIENT_CASES[name]
    inputs = [double(*shape, seed=i) for i, shape in enumerate(shapes)]
    assert gradcheck(fn, inputs).ok
    assert gradgradcheck(fn, inputs)


def test_gradients_add_up_where_an_element_is_read_twice():
    a = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    torch.take_along_dim(a, torch.tensor([[2, 2, 0]]), dim=1).sum().backward()
    assert values(a.grad) == [[1.0, 0.0, 2.0]]
    b = torch.tensor([1.0, 2.0], requires_grad=True)
    (torch.repeat_interleave(b, torch.tensor([3, 1])) * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert values(b.grad) == [6.0, 4.0]


def test_integer_results_need_no_grad():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert torch.diff(a > 2.0, dim=0).requires_grad is False
    assert torch.repeat_interleave(torch.tensor([2, 1])).requires_grad is False
    assert torch.hstack([a, a]).requires_grad and torch.diagonal(a).requires_grad


# ====================================================================== devices
def test_on_each_device(device):
    a = torch.tensor(np.arange(12.0).reshape(3, 4), device=device, requires_grad=True)
    picked = [
        torch.hstack([a, a]), torch.vstack([a[0], a[1]]), torch.dstack([a, a]), torch.column_stack([a[0], a[1]]),
        *torch.tensor_split(a, [3, 1], dim=1), a.tile(2, 1), a.repeat_interleave(torch.tensor([1, 0, 2]), dim=0),
        torch.broadcast_to(a[0], (2, -1)), a.unflatten(1, (2, 2)), a.ravel(), a.select(1, -1), a.narrow_copy(1, 1, 2),
        a.rot90(), a.fliplr(), a.flipud(), a.diff(prepend=a[:, :1]), a.take(torch.tensor([[0, -1]])),
        a.take_along_dim(torch.tensor([[0], [3], [-1]]), 1), a.diagonal(1), torch.diag_embed(a[0], 1), a.trace(),
    ]
    assert all(t.device.type == device for t in picked)
    torch.stack([t.sum() for t in picked]).sum().backward()
    assert a.grad.device.type == device
    assert values(torch.diag_embed(a[0].detach(), 1)[1]) == [0.0, 0.0, 1.0, 0.0, 0.0]
    assert values(a.detach().rot90()) == [[3.0, 7.0, 11.0], [2.0, 6.0, 10.0], [1.0, 5.0, 9.0], [0.0, 4.0, 8.0]]
    assert values(torch.diff(torch.tensor([True, False, False], device=device))) == [True, False]


@pytest.mark.parametrize("join, message", [
    (lambda: torch.cat([torch.ones(2, 3), torch.ones(2, 3), torch.ones(1, 4)], 1),
     "Sizes of tensors must match except in dimension 1. Expected size 2 but got size 1 for tensor number 2 in the list."),
    (lambda: torch.cat([torch.ones(2, 3), torch.ones(3)], 0), "Tensors must have same number of dimensions: got 2 and 1"),
    (lambda: torch.stack([torch.ones(2, 3), torch.ones(2, 4)]),
     "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1"),
])
def test_cat_and_stack_name_the_mismatch_as_pytorch(join, message):
    with pytest.raises(RuntimeError) as raised:
        join()
    assert str(raised.value) == message
