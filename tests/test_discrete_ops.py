"""unique, the bitwise ops (&, |, ^, ~, <<, >>) and the logical ops as PyTorch 2.14.1's, with its
values and dtypes written out by hand, on the CPU and on the strict test device; none has a
gradient (unique's values require grad and refuse a backward, as PyTorch's)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import minigan

NAN = float("nan")


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


@pytest.mark.parametrize("call, name", [
    (lambda x: minigan.unique(x), "_unique2"),
    (lambda x: x.unique(sorted=False, return_inverse=True, return_counts=True)[0], "_unique2"),
    (lambda x: minigan.unique(x.reshape(5, 1), dim=0, return_counts=True)[0], "unique_dim"),
    (lambda x: minigan.unique_consecutive(x, return_inverse=True)[0], "unique_consecutive"),
    (lambda x: x.reshape(1, 5).unique_consecutive(dim=1), "unique_consecutive"),
])
def test_unique_values_require_grad_and_refuse_backward_as_pytorch(call, name):
    """PyTorch 2.14.1: the values carry a grad_fn whose backward raises; inverse and counts do not."""
    x = minigan.tensor([3.0, 1.0, 2.0, 3.0, 1.0], requires_grad=True)
    values = call(x)
    assert values.requires_grad
    with pytest.raises(NotImplementedError) as raised:
        values.sum().backward()
    assert str(raised.value) == f"the derivative for '{name}' is not implemented."
    _, inverse, counts = minigan.unique(x, return_inverse=True, return_counts=True)
    assert not inverse.requires_grad and not counts.requires_grad
    with minigan.no_grad():
        assert not call(x).requires_grad
    assert not call(x.detach()).requires_grad


def test_unique_along_a_dim_as_pytorch():
    """torch.unique(..., dim=) 2.14.1's outputs, written out."""
    a = minigan.tensor([[2, 1, 0], [1, 5, 2], [2, 1, 0], [1, 3, 9], [-1, 7, 7]])
    values, inverse, counts = minigan.unique(a, dim=0, return_inverse=True, return_counts=True)
    assert values.tolist() == [[-1, 7, 7], [1, 3, 9], [1, 5, 2], [2, 1, 0]]
    assert inverse.tolist() == [3, 2, 3, 1, 0] and counts.tolist() == [1, 1, 1, 2] and inverse.dtype == minigan.int64
    values, inverse, counts = a.unique(dim=1, return_inverse=True, return_counts=True)
    assert values.tolist() == [[0, 1, 2], [2, 5, 1], [0, 1, 2], [9, 3, 1], [7, 7, -1]]
    assert inverse.tolist() == [2, 1, 0] and counts.tolist() == [1, 1, 1]
    b = minigan.arange(24).reshape(2, 3, 4) % 3
    values, inverse, counts = minigan.unique(b, dim=2, sorted=False, return_inverse=True, return_counts=True)
    assert values.tolist() == [[[0, 1, 2], [1, 2, 0], [2, 0, 1]]] * 2
    assert inverse.tolist() == [0, 1, 2, 0] and counts.tolist() == [2, 1, 1]
    values, inverse = minigan.unique(b, dim=-3, return_inverse=True)
    assert values.tolist() == [[[0, 1, 2, 0], [1, 2, 0, 1], [2, 0, 1, 2]]] and inverse.tolist() == [0, 0]
    assert minigan.unique(minigan.tensor([[True, False], [True, False], [False, False]]), dim=0).tolist() == \
        [[False, False], [True, False]]
    values, counts = minigan.unique(minigan.tensor([[-0.0, 1.0], [0.0, 1.0]]), dim=0, return_counts=True)
    assert str(values.tolist()) == "[[-0.0, 1.0]]" and counts.tolist() == [2]  # the first of equal slices
    assert minigan.unique(minigan.zeros(2, 3, dtype=minigan.int32), dim=1).dtype == minigan.int32
    values, inverse, counts = minigan.unique(minigan.tensor([[NAN, 1.0], [NAN, 1.0], [0.0, 1.0]]), dim=0,
                                             return_inverse=True, return_counts=True)
    assert values.shape == (3, 2) and counts.tolist() == [1, 1, 1]  # each slice with a NaN is distinct


@pytest.mark.parametrize("function", [minigan.unique, minigan.unique_consecutive])
def test_unique_along_a_dim_of_empty_tensors_as_pytorch(function):
    values, inverse, counts = function(minigan.zeros(0, 3), dim=0, return_inverse=True, return_counts=True)
    assert (values.shape, inverse.shape, counts.shape) == ((0, 3), (0,), (0,))
    values, inverse, counts = function(minigan.zeros(3, 0), dim=1, return_inverse=True, return_counts=True)
    assert (values.shape, inverse.shape, counts.shape) == ((3, 0), (0,), (0,))
    for shape, dim in (((3, 0), 0), ((0, 3), 1), ((2, 0, 2), 0)):
        with pytest.raises(RuntimeError) as raised:
            function(minigan.zeros(shape), dim=dim)
        assert str(raised.value) == "There are 0 sized dimensions, and they aren't selected, so unique cannot be applied"
    with pytest.raises(RuntimeError, match="^Number of zero sized dimensions is more than one, so unique cannot be "):
        function(minigan.zeros(0, 0), dim=0)
    with pytest.raises(IndexError, match="^Dimension specified as 0 but tensor has no dimensions$"):
        function(minigan.tensor(3.0), dim=0)
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        function(minigan.zeros(2, 2), dim=2)


@settings(deadline=None, max_examples=40)
@given(hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), elements=st.integers(-1, 1)),
       st.data())
def test_unique_along_a_dim_written_out(a, data):
    """Against the distinct slices as Python tuples, sorted lexicographically."""
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    slices = [np.take(a, i, axis=dim) for i in range(a.shape[dim])]
    keys = sorted({tuple(s.reshape(-1).tolist()) for s in slices})
    values, inverse, counts = minigan.unique(minigan.tensor(a), dim=dim, return_inverse=True, return_counts=True)
    want_values = np.stack([np.reshape(k, slices[0].shape) for k in keys], axis=dim % a.ndim)
    np.testing.assert_array_equal(values.numpy(), want_values)
    which = [keys.index(tuple(s.reshape(-1).tolist())) for s in slices]
    assert inverse.tolist() == which and counts.tolist() == [which.count(k) for k in range(len(keys))]


def test_unique_along_a_dim_on_the_test_device():
    pytest.importorskip("array_api_strict")
    values, inverse, counts = minigan.unique(minigan.tensor([[2, 1], [1, 5], [2, 1]]).to("strict"), dim=0,
                                             return_inverse=True, return_counts=True)
    assert values.device.type == "strict" and values.cpu().tolist() == [[1, 5], [2, 1]]
    assert inverse.cpu().tolist() == [1, 0, 1] and counts.cpu().tolist() == [1, 2]
    assert minigan.unique(minigan.tensor([[True], [False], [True]]).to("strict"), dim=0).cpu().tolist() == [[False], [True]]


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


@pytest.fixture(params=["cpu", "strict"])
def device(request):
    if request.param == "strict":
        pytest.importorskip("array_api_strict")
    return request.param


def test_bitwise_ops_wrap_a_python_int_and_promote_a_bool_beside_an_integer(device):
    pixels = minigan.tensor([1, 2, 255], dtype=minigan.uint8, device=device)
    assert (pixels & 300).tolist() == [0, 0, 44] and (pixels ^ 256).tolist() == [1, 2, 255]  # 300 is 44, 256 is 0
    assert (pixels & 300).dtype == minigan.uint8
    flags = minigan.tensor([True, False], device=device)
    both = flags & minigan.tensor([1, 3], device=device)
    assert both.dtype == minigan.int64 and both.cpu().tolist() == [1, 0]


def test_shifts_as_pytorch(device):
    i = minigan.tensor([1, -8, 3], device=device)
    assert (i << 2).cpu().tolist() == [4, -32, 12] and (i >> 1).cpu().tolist() == [0, -4, 1]
    assert minigan.bitwise_left_shift(i, 1).cpu().tolist() == [2, -16, 6] and i.bitwise_right_shift(3).cpu().tolist() == [0, -1, 0]
    assert (2 << minigan.tensor([1, 2], device=device)).cpu().tolist() == [4, 8]
    # past the width, or by a negative amount: 0, or the sign's fill for >> (the array API leaves it undefined)
    assert (i << 64).cpu().tolist() == [0, 0, 0] and (i >> 70).cpu().tolist() == [0, -1, 0]
    assert (i << -1).cpu().tolist() == [0, 0, 0] and (i >> -1).cpu().tolist() == [0, -1, 0]
    small = minigan.tensor([1, 100, -1], dtype=minigan.int8, device=device)
    assert (small << 1).cpu().tolist() == [2, -56, -2] and (small << 7).cpu().tolist() == [-128, 0, -128]
    pixels = minigan.tensor([3, 255], dtype=minigan.uint8, device=device)
    assert (pixels >> 9).cpu().tolist() == [0, 0] and (pixels << 300).cpu().tolist() == [0, 0]  # 300 is 44 in uint8
    # uint8 beside int8 shifts at int16, their common dtype
    wide = pixels << minigan.tensor([8, 8], dtype=minigan.int8, device=device)
    assert wide.dtype == minigan.int16 and wide.cpu().tolist() == [768, -256]
    flags = minigan.tensor([True, False], device=device)
    assert (flags << 1).dtype == minigan.int64 and (flags << 1).cpu().tolist() == [2, 0]


@pytest.mark.parametrize("expression, message", [
    (lambda b, f: b << True, "\"lshift_cpu\" not implemented for 'Bool'"),
    (lambda b, f: b >> b, "\"rshift_cpu\" not implemented for 'Bool'"),
    (lambda b, f: f << 1, "\"lshift_cpu\" not implemented for 'Float'"),
])
def test_shifts_refuse_bools_and_floats_with_pytorchs_message(expression, message):
    with pytest.raises(NotImplementedError) as raised:
        expression(minigan.tensor([True]), minigan.tensor([1.5]))
    assert str(raised.value) == message


def test_logical_ops_take_any_dtype_and_give_bools(device):
    x = minigan.tensor([1.0, 0.0, 2.0, -0.5], device=device)
    n = minigan.tensor([1, 1, 0, 0], device=device)
    assert minigan.logical_and(x, n).cpu().tolist() == [True, False, False, False]
    assert x.logical_or(n).cpu().tolist() == [True, True, True, True]
    assert minigan.logical_xor(x, n).cpu().tolist() == [False, True, True, True]
    assert minigan.logical_not(x).cpu().tolist() == [False, True, False, False] and n.logical_not().dtype == minigan.bool
    assert minigan.logical_and(minigan.tensor([[True], [False]], device=device), n).shape == (2, 4)  # broadcast


def test_logical_ops_refuse_numbers_and_shapes_that_do_not_fit():
    x = minigan.tensor([1.0, 0.0, 2.0])
    with pytest.raises(TypeError, match=r"^logical_and\(\): argument 'other' \(position 2\) must be Tensor, not int$"):
        minigan.logical_and(x, 1)
    with pytest.raises(RuntimeError, match=r"^logical_or: the size of tensor a \(3\) must match the size of tensor b \(2\)"):
        minigan.logical_or(x, minigan.tensor([1, 0]))


def test_in_place_bitwise_and_logical_ops_change_the_tensor_itself(device):
    mask = minigan.tensor([True, False, True], device=device)
    alias = mask
    mask &= minigan.tensor([True, True, False], device=device)
    assert mask is alias and alias.cpu().tolist() == [True, False, False]  # not a copy bound to the name
    i = minigan.tensor([1, 2, 3], device=device)
    i <<= 2
    assert i.cpu().tolist() == [4, 8, 12]
    i >>= 1
    i |= 1
    assert i.cpu().tolist() == [3, 5, 7]
    i ^= 3
    assert i.cpu().tolist() == [0, 6, 4] and i.dtype == minigan.int64
    i.bitwise_not_()
    assert i.cpu().tolist() == [-1, -7, -5]
    pixels = minigan.tensor([1, 2], dtype=minigan.uint8, device=device)
    pixels.bitwise_and_(300)  # 300 is 44 in uint8
    assert pixels.cpu().tolist() == [0, 0] and pixels.dtype == minigan.uint8
    x = minigan.tensor([1.0, 0.0, 2.0], device=device)
    x.logical_and_(minigan.tensor([1, 1, 0], device=device))
    assert x.dtype == minigan.float32 and x.cpu().tolist() == [1.0, 0.0, 0.0]
    flags = minigan.tensor([True, False], device=device)
    flags.logical_not_()
    assert flags.cpu().tolist() == [False, True]
    with pytest.raises(RuntimeError, match="^result type Long can't be cast to the desired output type Bool$"):
        flags |= 2
    assert flags.cpu().tolist() == [False, True]
