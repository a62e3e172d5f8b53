"""unique and the bitwise ops (&, |, ^, ~) as PyTorch 2.14.1's, with its values and dtypes written
out by hand; none has a gradient."""
import pytest

import minigan


def test_unique_sorts_the_distinct_values_and_gives_inverse_and_counts():
    x = minigan.tensor([[3, 1, 2], [1, 3, 3]])
    assert minigan.unique(x).tolist() == [1, 2, 3] and x.unique().dtype == minigan.int64
    values, inverse = x.unique(return_inverse=True)
    assert values.tolist() == [1, 2, 3] and inverse.tolist() == [[2, 0, 1], [0, 2, 2]]
    values, counts = x.unique(return_counts=True)
    assert counts.tolist() == [2, 1, 3] and counts.dtype == minigan.int64
    values, inverse, counts = minigan.unique(x, True, True, True)  # PyTorch's positional order
    assert (values.tolist(), inverse.dtype, counts.tolist()) == ([1, 2, 3], minigan.int64, [2, 1, 3])
    # sorted=False gives them sorted too, as PyTorch's CPU unique
    assert minigan.unique(minigan.tensor([5, 3, 5, 1, 3]), sorted=False).tolist() == [1, 3, 5]


def test_unique_edge_cases_as_pytorch():
    nan = float("nan")
    values, counts = minigan.unique(minigan.tensor([2.0, nan, 1.0, nan]), return_counts=True)
    assert str(values.tolist()) == "[1.0, 2.0, nan, nan]" and counts.tolist() == [1, 1, 1, 1]  # each NaN distinct
    assert minigan.unique(minigan.tensor([True, False, True])).tolist() == [False, True]
    values, inverse, counts = minigan.unique(minigan.tensor(3.0), return_inverse=True, return_counts=True)
    assert (values.tolist(), inverse.shape, inverse.item(), counts.tolist()) == ([3.0], (), 0, [1])
    assert minigan.unique(minigan.tensor([], dtype=minigan.int64)).shape == (0,)


def test_unique_has_no_gradient_and_names_dim_as_unsupported():
    assert minigan.unique(minigan.tensor([1.0, 2.0, 1.0], requires_grad=True)).requires_grad is False
    with pytest.raises(NotImplementedError, match=r"^unique\(dim=0\) is not supported by minigan"):
        minigan.tensor([[1, 2], [1, 2]]).unique(dim=0)


def test_bitwise_ops_on_integers_and_bools():
    i, j = minigan.tensor([1, 2, 3]), minigan.tensor([3, 3, 3])
    assert (i & j).tolist() == [1, 2, 3] and (i | j).tolist() == [3, 3, 3] and (i ^ j).tolist() == [2, 1, 0]
    assert (~i).tolist() == [-2, -3, -4] and minigan.bitwise_not(i).tolist() == [-2, -3, -4]
    assert i.bitwise_xor(j).tolist() == [2, 1, 0] and minigan.bitwise_and(i, j).tolist() == [1, 2, 3]
    assert minigan.bitwise_or(i, j).tolist() == [3, 3, 3] and minigan.bitwise_xor(6, i).tolist() == [7, 4, 5]
    b, c = minigan.tensor([True, False, True]), minigan.tensor([True, True, False])
    assert (b & c).tolist() == [True, False, False] and (b | c).tolist() == [True, True, True]
    assert (b ^ c).tolist() == [False, True, True] and (~b).tolist() == [False, True, False]
    assert (~minigan.tensor([1, 255], dtype=minigan.uint8)).tolist() == [254, 0]


def test_bitwise_dtypes_follow_pytorchs_promotion():
    i, b = minigan.tensor([1, 2, 3]), minigan.tensor([True, False, True])
    assert (i & 1).tolist() == [1, 0, 1] and (1 & i).tolist() == [1, 0, 1] and (i ^ True).tolist() == [0, 3, 2]
    assert (b & 1).dtype == minigan.int64 and (b & 1).tolist() == [1, 0, 1]  # a Python int makes bools int64
    assert (b & True).dtype == minigan.bool and (True & b).tolist() == [True, False, True]
    assert (i & b).dtype == minigan.int64 and (b ^ i).tolist() == [0, 2, 2]
    small = minigan.tensor([1, 2], dtype=minigan.int32)
    assert (small & 3).dtype == minigan.int32 and (minigan.tensor(3) & small).dtype == minigan.int32  # 0-d: no widening
    assert (small & minigan.tensor([1, 3])).dtype == minigan.int64


@pytest.mark.parametrize("expression, error, message", [
    (lambda f, i: f & i, NotImplementedError, "\"bitwise_and_cpu\" not implemented for 'Float'"),
    (lambda f, i: f | 1, NotImplementedError, "\"bitwise_or_cpu\" not implemented for 'Float'"),
    (lambda f, i: i ^ 1.5, NotImplementedError, "\"bitwise_xor_cpu\" not implemented for 'Float'"),
    (lambda f, i: minigan.bitwise_not(f.double()), NotImplementedError, "\"bitwise_not_cpu\" not implemented for 'Double'"),
    (lambda f, i: ~f, TypeError, "~ (operator.invert) is only implemented on integer and Boolean-type tensors"),
])
def test_bitwise_ops_refuse_floats_with_pytorchs_message(expression, error, message):
    f, i = minigan.tensor([1.0, 2.0]), minigan.tensor([1, 2])
    with pytest.raises(error) as raised:
        expression(f, i)
    assert str(raised.value) == message
