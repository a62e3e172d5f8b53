"""Integer and bool tensors under min, under ``**``, in ``where`` and written into: PyTorch's dtypes and values, written out."""
import numpy as np
import pytest

import minigan as torch


def test_min_of_unsigned_and_bool_tensors_is_the_smallest_value():
    small = torch.tensor([3, 0, 2], dtype=torch.uint8)
    assert small.min().item() == 0 and small.min().dtype == torch.uint8
    assert torch.amin(small).item() == 0
    assert small.min(dim=0).values.item() == 0 and small.min(dim=0).indices.item() == 1
    assert torch.tensor([True, False]).min().item() is False
    rows = torch.tensor([[5, 0, 7], [255, 9, 1]], dtype=torch.uint8)
    np.testing.assert_array_equal(torch.amin(rows, dim=1).numpy(), [0, 1])
    np.testing.assert_array_equal(rows.min(dim=0).values.numpy(), [5, 0, 1])


def test_min_of_an_empty_integer_tensor_says_so():
    with pytest.raises(RuntimeError, match=r"^min\(\): Expected reduction dim to be specified for input.numel\(\) == 0"):
        torch.tensor([], dtype=torch.int64).min()


def test_integer_power_keeps_integers_and_a_float_exponent_gives_float32():
    squares = torch.tensor([1, 2, 3]) ** 2
    assert squares.dtype == torch.int64 and squares.tolist() == [1, 4, 9]
    assert (torch.tensor([1, 2, 3]) ** 0).tolist() == [1, 1, 1]
    wrapped = torch.tensor([3, 0, 2], dtype=torch.uint8) ** 2
    assert wrapped.dtype == torch.uint8 and wrapped.tolist() == [9, 0, 4]
    assert (torch.tensor([True]) ** 2).dtype == torch.int64
    halves = torch.tensor([1, 4, 9], dtype=torch.int32) ** 0.5
    assert halves.dtype == torch.float32 and halves.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed."):
        torch.tensor([1, 2]) ** -1


def test_float_power_still_differentiates():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x ** 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0, 27.0])


def test_power_zero_has_gradient_zero_even_at_zero():
    # PyTorch: d(x ** 0)/dx = 0 everywhere, and so the second derivative of x ** 1 is 0 at x = 0
    # (p * x ** (p - 1) would read 0 * 0 ** -1 = NaN there, with a divide-by-zero warning).
    x = torch.tensor([0.0, 2.0, -3.0], requires_grad=True)
    (first,) = torch.grad((x ** 0).sum(), x)
    np.testing.assert_array_equal(first.numpy(), [0.0, 0.0, 0.0])
    (slope,) = torch.grad((x ** 1).sum(), x, create_graph=True)
    np.testing.assert_array_equal(slope.numpy(), [1.0, 1.0, 1.0])
    (curvature,) = torch.grad(slope.sum(), x)
    np.testing.assert_array_equal(curvature.numpy(), [0.0, 0.0, 0.0])


def test_an_integer_tensor_to_negative_integer_powers_is_pytorchs():
    # a scalar negative exponent raises (above); a tensor of exponents gives 1 ** -n = 1,
    # (-1) ** -n = +-1 by parity, and 0 for every other base, where NumPy would raise
    base = torch.tensor([2, 1, -1, -1, 0, 3, -3])
    exponent = torch.tensor([-1, -5, -2, -3, -2, 2, 3])
    for result in (base ** exponent, torch.pow(base, exponent)):
        assert result.dtype == torch.int64 and result.tolist() == [0, 1, 1, -1, 0, 9, -27]
    small = torch.tensor([-3], dtype=torch.int8) ** torch.tensor([5], dtype=torch.int8)
    assert small.dtype == torch.int8 and small.tolist() == [-243 + 256]  # wrapped into int8, as C does


def test_where_of_a_condition_alone_is_nonzero_as_a_tuple():
    found = torch.where(torch.tensor([[0, 1], [2, 0]]))
    assert isinstance(found, tuple) and [t.tolist() for t in found] == [[0, 1], [1, 0]]
    assert all(t.dtype == torch.int64 for t in found)
    with pytest.raises(TypeError, match=r"where\(\) takes a condition alone, or a condition, an input and an other"):
        torch.where(torch.tensor([True]), torch.tensor([1.0]))


def test_a_tensor_power_has_pytorchs_zeros_where_the_formulas_read_nan():
    # d(a ** b)/da = b a^(b - 1) is 0 where b = 0, even at a = 0 (0 * 0^-1) or a NaN; d/db = a^b log a
    # is 0 where a = 0 and b >= 0 (1 * log 0, 0 * log 0); elsewhere the formulas
    a = torch.tensor([0.0, float("nan"), 0.0, 2.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.0, 0.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    (a ** b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 0.0, 0.0, 12.0])
    np.testing.assert_array_equal(b.grad.numpy(), [0.0, np.nan, 0.0, 8.0 * np.log(2.0)])
    root = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    (torch.tensor([0.0], dtype=torch.float64) ** root).sum().backward()
    assert root.grad.tolist() == [0.0]


@pytest.mark.parametrize("a, b, dtype, values", [
    (1.0, 0.0, torch.float32, [1.0, 0.0]),
    (1, 0, torch.int64, [1, 0]),
    (True, False, torch.bool, [True, False]),
    (1, 0.5, torch.float32, [1.0, 0.5]),
    (True, 2, torch.int64, [1, 2]),
])
def test_where_of_two_python_numbers_takes_pytorchs_dtype(a, b, dtype, values):
    picked = torch.where(torch.tensor([True, False]), a, b)
    assert picked.dtype == dtype and picked.tolist() == values


@pytest.mark.parametrize("dtype, value, expected", [
    (torch.int64, 2.7, 2), (torch.int64, -2.7, -2), (torch.int64, 2**63 - 1, 2**63 - 1),
    (torch.int8, 127, 127), (torch.uint8, -1, 255), (torch.uint8, -255, 1), (torch.uint8, 255.9, 255),
])
def test_a_number_written_into_an_integer_tensor_is_truncated_or_wrapped_as_pytorchs(dtype, value, expected):
    x = torch.zeros(3, dtype=dtype)
    x[0] = value
    assert x.tolist() == [expected, 0, 0]


@pytest.mark.parametrize("dtype, c_name, value", [
    (torch.int64, "int64_t", float("nan")), (torch.int64, "int64_t", 1e30), (torch.int32, "int", float("inf")),
    (torch.int8, "int8_t", 300), (torch.uint8, "uint8_t", -256), (torch.uint8, "uint8_t", -0.5),
])
def test_a_number_an_integer_tensor_cannot_hold_gets_pytorchs_error(dtype, c_name, value):
    x = torch.zeros(3, dtype=dtype)
    message = f"value cannot be converted to type {c_name} without overflow"
    with pytest.raises(RuntimeError, match=message):
        x[0] = value
    with pytest.raises(RuntimeError, match=message):
        x.fill_(value)
    assert x.tolist() == [0, 0, 0]


@pytest.mark.parametrize("function, kernel", [
    (torch.abs, "abs"), (torch.absolute, "abs"), (torch.trunc, "trunc_vml"), (torch.fix, "trunc_vml"),
    (torch.floor, "floor_vml"), (torch.ceil, "ceil_vml"), (torch.round, "round_vml"),
    (lambda x: x.abs_(), "abs"), (lambda x: x.floor_(), "floor_vml"),
])
def test_rounding_and_abs_refuse_a_bool_tensor_as_pytorch(function, kernel):
    mask = torch.tensor([True, False])
    with pytest.raises(NotImplementedError, match=f"^\"{kernel}_cpu\" not implemented for 'Bool'$"):
        function(mask)
    assert mask.tolist() == [True, False]


def test_a_bool_is_its_own_sign():
    mask = torch.tensor([True, False])
    for signed in (torch.sign(mask), torch.sgn(mask), mask.sign()):
        assert signed.dtype == torch.bool and signed.tolist() == [True, False] and signed is not mask


def test_clamp_promotes_as_pytorch():
    counts = torch.tensor([0, 1, 2])
    low = torch.clamp(counts, 0.5)  # a float bound: float32, as PyTorch (NumPy's clip would say float64)
    assert low.dtype == torch.float32 and low.tolist() == [0.5, 1.0, 2.0]
    assert counts.clamp(min=0.5, max=1.5).tolist() == [0.5, 1.0, 1.5] and torch.clamp(counts, 1).dtype == torch.int64
    flags = torch.clamp(torch.tensor([True, False]), min=2)  # an integer bound makes bools int64
    assert flags.dtype == torch.int64 and flags.tolist() == [2, 2]


def test_a_uint8_sum_is_int64_as_pytorch():
    pixels = torch.tensor([[200, 100], [255, 1]], dtype=torch.uint8)
    total = pixels.sum()
    assert total.dtype == torch.int64 and total.item() == 556  # no wrap, and not NumPy's uint64
    assert pixels.sum(0).dtype == torch.int64 and pixels.sum(0).tolist() == [455, 101]
    assert pixels.trace().dtype == torch.int64 and pixels.trace().item() == 201
