"""``Tensor.view`` never copies, as PyTorch's: a shape the strides cannot express raises PyTorch's
error, and every view it gives shares its base's memory and version counter.

Which shapes succeed and the messages are PyTorch 2.14.1's, from the same calls run under torch
(written out here as literals); the random cases check the rule against NumPy's
``reshape(copy=False)``, which refuses exactly where a copy would be needed.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigan
from minigan.ops.views import viewable

STRIDES = ("view size is not compatible with input tensor's size and stride (at least one dimension spans across two "
           "contiguous subspaces). Use .reshape(...) instead.")


def _transposed():  # (4, 3), strides (1, 4)
    return minigan.arange(12.0).view(3, 4).t()


def _permuted():  # (3, 2, 4), strides (4, 12, 1)
    return minigan.arange(24.0).view(2, 3, 4).permute(1, 0, 2)


def _every_other_column():  # (4, 3), strides (6, 2)
    return minigan.arange(24.0).view(4, 6)[:, ::2]


def _every_other_row():  # (2, 6), strides (12, 1)
    return minigan.arange(24.0).view(4, 6)[::2]


def _first_columns():  # (4, 3), strides (6, 1)
    return minigan.arange(24.0).view(4, 6)[:, :3]


def _expanded_column():  # (3, 4), strides (1, 0)
    return minigan.arange(3.0).view(3, 1).expand(3, 4)


def _expanded_row():  # (3, 4), strides (0, 1)
    return minigan.arange(4.0).expand(3, 4)


def _expanded_scalar():  # (2, 3), strides (0, 0)
    return minigan.tensor(5.0).expand(2, 3)


def _row_of_transposed():  # (1, 3), strides (1, 4)
    return minigan.arange(12.0).view(3, 4).t()[:1]


def _one_column():  # (3, 1), strides (4, 1)
    return minigan.arange(12.0).view(3, 4)[:, 1:2]


# (tensor, new shape, PyTorch's result shape, or None where PyTorch raises the strides error)
CASES = [
    (_transposed, (12,), None), (_transposed, (4, 3), (4, 3)), (_transposed, (2, 2, 3), (2, 2, 3)),
    (_transposed, (4, 1, 3), (4, 1, 3)), (_transposed, (1, 4, 3, 1), (1, 4, 3, 1)), (_transposed, (2, 6), None),
    (_transposed, (4, 3, 1), (4, 3, 1)), (_transposed, (-1,), None),
    (_permuted, (3, 8), None), (_permuted, (3, 2, 2, 2), (3, 2, 2, 2)), (_permuted, (6, 4), None),
    (_every_other_column, (12,), (12,)), (_every_other_column, (2, 2, 3), (2, 2, 3)),
    (_every_other_column, (2, 6), (2, 6)),
    (_every_other_row, (12,), None), (_every_other_row, (2, 2, 3), (2, 2, 3)),
    (_first_columns, (12,), None), (_first_columns, (2, 2, 3), (2, 2, 3)), (_first_columns, (4, 3, 1), (4, 3, 1)),
    (_expanded_column, (12,), None), (_expanded_column, (3, 2, 2), (3, 2, 2)), (_expanded_column, (6, 2), None),
    (_expanded_row, (12,), None), (_expanded_row, (3, 2, 2), (3, 2, 2)), (_expanded_row, (1, 3, 4), (1, 3, 4)),
    (_expanded_scalar, (6,), (6,)), (_expanded_scalar, (3, 2), (3, 2)), (_expanded_scalar, (6, 1), (6, 1)),
    (_row_of_transposed, (3,), (3,)), (_row_of_transposed, (3, 1), (3, 1)),
    (_one_column, (3,), (3,)), (_one_column, (1, 3), (1, 3)),
    (lambda: minigan.zeros(3, 0).t(), (0,), (0,)), (lambda: minigan.zeros(0, 3), (5, 0, 7), (5, 0, 7)),
    (lambda: minigan.zeros(0, 3), (-1,), (0,)), (lambda: minigan.tensor(3.0), (-1,), (1,)),
    (lambda: minigan.tensor(3.0), (1, 1), (1, 1)), (lambda: minigan.tensor([3.0]), ((),), ()),
]


@pytest.mark.parametrize("make, shape, expected", CASES)
def test_view_succeeds_exactly_where_pytorch_does_and_shares_memory(make, shape, expected):
    x = make()
    if expected is None:
        with pytest.raises(RuntimeError) as caught:
            x.view(*shape)
        assert str(caught.value) == STRIDES
        assert x.reshape(*shape).shape == np.reshape(x.numpy(), shape).shape  # reshape still copies there
        return
    y = x.view(*shape)
    assert y.shape == expected
    assert y.tolist() == np.reshape(x.numpy(), expected).tolist()
    assert x.numel() == 0 or np.shares_memory(y.array, x.array)


@pytest.mark.parametrize("shape, numel, message", [
    ((5, -1), 12, "shape '[5, -1]' is invalid for input of size 12"),
    ((13,), 12, "shape '[13]' is invalid for input of size 12"),
    ((-1, -1), 12, "only one dimension can be inferred"),
    ((0, -1), 12, "shape '[0, -1]' is invalid for input of size 12"),
    ((-2, 6), 12, "invalid shape dimension -2 at index 0 of shape [-2, 6]"),
    ((0, -1), 0, "cannot reshape tensor of 0 elements into shape [0, -1] because the unspecified dimension size -1 "
                 "can be any value and is ambiguous"),
])
def test_bad_shapes_raise_pytorchs_messages(shape, numel, message):
    with pytest.raises(RuntimeError) as caught:
        minigan.zeros(numel).view(*shape)
    assert str(caught.value) == message


def test_shape_spellings_and_bad_arguments():
    x = minigan.arange(12.0)
    assert x.view(3, 4).shape == x.view((3, 4)).shape == x.view([3, 4]).shape == x.view(size=(3, 4)).shape == (3, 4)
    assert x.view(-1, 6).shape == (2, 6) and x.view(minigan.Size([2, 6])).shape == (2, 6)
    for bad in [(), (2.0,), ((2,), 2), (minigan.int32, 2)]:
        with pytest.raises(TypeError, match=r"^view\(\) received an invalid combination of arguments"):
            x.view(*bad)


def test_a_write_through_a_view_of_strided_memory_reaches_the_base_and_bumps_its_counter():
    base = minigan.zeros(4, 6)
    y = base[:, ::2].view(2, 6)  # strides (12, 2) in elements: a view in PyTorch and here
    before = base._version
    y[1].fill_(7.0)
    assert base._version == y._version == before + 1
    expected = np.zeros((4, 6), dtype=np.float32)
    expected[2:, ::2] = 7.0
    assert base.tolist() == expected.tolist()


def test_gradients_flow_through_a_view_of_a_transposed_tensor():
    x = minigan.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x.t().view(3, 1, 2)  # (3, 2) with strides (1, 3): splitting off a size-1 dim keeps it a view
    weights = minigan.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).reshape(3, 1, 2)
    (y * y * weights).sum().backward()
    # d/dx of sum(w * x^T^2) = 2 * x * w^T, w^T = [[1, 3, 5], [2, 4, 6]]
    assert x.grad.tolist() == [[2.0, 12.0, 30.0], [16.0, 40.0, 72.0]]


@st.composite
def _strided(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=4)))
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    a = a.transpose(draw(st.permutations(range(a.ndim))))
    if draw(st.booleans()):
        axis = draw(st.integers(0, a.ndim - 1))
        a = np.broadcast_to(np.take(a, [0], axis=axis), a.shape)
    step = draw(st.integers(1, 2))
    a = a[..., ::step]
    sizes = []
    left = a.size
    while left > 1:
        factor = draw(st.sampled_from([d for d in range(1, left + 1) if left % d == 0]))
        sizes.append(factor)
        left //= factor
    sizes.insert(draw(st.integers(0, len(sizes))), 1)
    return a, tuple(sizes)


@settings(max_examples=200, deadline=None)
@given(_strided())
def test_the_rule_agrees_with_numpys_no_copy_reshape(case):
    a, shape = case
    try:
        np.reshape(a, shape, copy=False)
        numpy_can = True
    except ValueError:
        numpy_can = False
    assert viewable(a.shape, a.strides, shape) == numpy_can


def test_base_is_the_tensor_whose_memory_a_view_lies_in_as_pytorchs():
    x = minigan.zeros(3, 4)
    assert x._base is None and x.t()._base is x and x.t()[0]._base is x and x.view(12)._base is x
    copies = [x.detach(), x.t().reshape(12), x[[0, 1]], x.view(minigan.int32), x.clone(), x.t().contiguous()]
    assert all(c._base is None for c in copies)
    assert x.contiguous() is x and x.t().contiguous().is_contiguous()


def test_a_convolution_output_views_as_pytorchs_contiguous_one_does():
    # minigan lays a convolution's output out channel-major; PyTorch's is row-major, so these views work there
    conv = minigan.nn.Conv2d(1, 2, 3, padding=1)
    h = conv(minigan.arange(72.0).reshape(6, 1, 3, 4))
    assert h.view(6, -1).shape == (6, 24) and h[:, :1].view(6, -1).shape == (6, 12)
    assert h.view(h.size(0), -1).tolist() == np.reshape(h.detach().numpy(), (6, 24)).tolist()


@pytest.mark.parametrize("dtype, expected", [
    (minigan.int32, [1065353216, -1073741824]), (minigan.float32, [1.0, -2.0]),
    (minigan.int16, [0, 16256, 0, -16384]), (minigan.uint8, [0, 0, 128, 63, 0, 0, 0, 192]),
    (minigan.float16, [0.0, 1.875, 0.0, -2.0]), (minigan.float64, [-2.000000473111868]),
    (minigan.int64, [-4611686017362034688]), (minigan.bool, [False, False, True, True, False, False, False, True]),
])
def test_view_dtype_reads_the_same_bits_as_pytorchs(dtype, expected):
    y = minigan.tensor([1.0, -2.0]).view(dtype)
    assert y.dtype == dtype and y.tolist() == expected


def test_view_dtype_shapes_and_a_shared_memory():
    assert minigan.tensor(1.0).view(minigan.int32).tolist() == 1065353216
    assert minigan.arange(6.0)[2:6].view(minigan.float64).tolist() == [32.00000762939453, 2048.0004920959473]
    wide = minigan.arange(2.0).expand(3, 2).view(minigan.float64)
    assert wide.shape == (3, 1) and wide.tolist() == [[0.0078125]] * 3
    assert minigan.tensor([1, -1], dtype=minigan.int16).view(dtype=minigan.uint8).tolist() == [1, 0, 255, 255]
    x = minigan.tensor([1.0, -2.0], requires_grad=True)
    y = x.view(minigan.int32)
    assert not y.requires_grad and y._base is None
    with minigan.no_grad():
        y[0] = 0
        assert x.tolist() == [0.0, -2.0] and x._version == y._version == 1
        x.add_(1.0)
    assert y._version == 2


@pytest.mark.parametrize("make, dtype, message", [
    (lambda: minigan.arange(3.0), minigan.float64, "self.size(-1) must be divisible by 2 to view Float as Double "
     "(different element sizes), but got 3"),
    (lambda: minigan.tensor(1.0), minigan.int16, "self.dim() cannot be 0 to view Float as Short (different element "
     "sizes)"),
    (lambda: minigan.arange(6.0)[1:5], minigan.float64, "self.storage_offset() must be divisible by 2 to view Float "
     "as Double (different element sizes), but got 1"),
    (lambda: minigan.arange(12.0).view(4, 3)[:, :2], minigan.float64, "self.stride(0) must be divisible by 2 to view "
     "Float as Double (different element sizes), but got 3"),
    (lambda: minigan.arange(6.0).view(2, 3).t(), minigan.int16, "self.stride(-1) must be 1 to view Float as Short "
     "(different element sizes), but got 3"),
    (lambda: minigan.arange(2.0).view(2, 1).expand(2, 2), minigan.int16, "self.stride(-1) must be 1 to view Float "
     "as Short (different element sizes), but got 0"),
    (lambda: minigan.arange(12.0).view(4, 3)[:, 1:3], minigan.float64, "self.storage_offset() must be divisible by 2 "
     "to view Float as Double (different element sizes), but got 1"),
])
def test_view_dtype_of_another_size_refuses_as_pytorch(make, dtype, message):
    with pytest.raises(RuntimeError) as caught:
        make().view(dtype)
    assert str(caught.value) == message
