"""PyTorch's type rules for +, -, *, /, //, % and the comparisons, and for the in-place
arithmetic, clamp_ and fill_, on integer and bool tensors, on the CPU and on the strict test
device (array-api-strict arrays, which have no arithmetic on bools, no mixed dtypes and no Python
float beside an integer array).
Every expected value below is written out by hand from PyTorch's rules:

- a Python int beside an integer tensor is cast to the tensor's dtype, wrapping as C does, in
  arithmetic and in comparisons alike;
- true division makes integers and bools float32 first;
- bool + bool is "or", bool * bool is "and", and a subtraction or negation of a bool raises;
- an in-place op writes its out-of-place result back, and refuses a result of a higher type
  category than the tensor's (a float into an integer tensor, an integer into a bool one);
- a float alpha with integer operands raises; fill_ truncates a float toward zero.
"""
from __future__ import annotations

import numpy as np
import pytest

import minigan


def _tensor(values, dtype, device):
    return minigan.tensor(values, dtype=dtype, device=device)


def _values(t):
    return t.to("cpu").numpy()


@pytest.fixture(params=["cpu", "strict"])
def device(request):
    if request.param == "strict":
        pytest.importorskip("array_api_strict")
    return request.param


@pytest.mark.parametrize("dtype, op, number, expected", [
    (np.uint8, "add", 300, [45, 46]),     # 300 is 44 in uint8
    (np.uint8, "add", -1, [0, 1]),        # -1 is 255
    (np.uint8, "mul", -1, [255, 254]),
    (np.uint8, "mul", -300, [212, 168]),  # -300 is 212; 2 * 212 = 424 is 168
    (np.int8, "sub", 300, [-43, -42]),    # 300 is 44 in int8
    (np.int8, "add", -300, [-43, -42]),   # -300 is -44
])
def test_a_python_int_out_of_range_wraps_into_the_tensors_dtype(device, dtype, op, number, expected):
    x = _tensor([1, 2], dtype, device)
    result = getattr(x, op)(number)
    assert result.dtype == dtype
    np.testing.assert_array_equal(_values(result), expected)
    getattr(x, op + "_")(number)
    assert x.dtype == dtype
    np.testing.assert_array_equal(_values(x), expected)


def test_a_python_int_no_64_bit_integer_holds_raises_as_in_pytorch(device):
    x = _tensor([1, 2], np.int64, device)
    assert _values(x + (2**64 - 1)).tolist() == [0, 1]  # 2**64 - 1 is -1 as int64
    for use in (lambda n: x + n, lambda n: x.add_(n), lambda n: x // n, lambda n: x < n):
        with pytest.raises(OverflowError, match="^int too big to convert$"):
            use(2**64)
        with pytest.raises(OverflowError, match="^can't convert negative int to unsigned$"):
            use(-2**63 - 1)
    assert _values(x).tolist() == [1, 2]


def test_floor_division_and_remainder_wrap_a_python_int_too(device):
    x = _tensor([1, 200], np.uint8, device)  # 300 is 44 in uint8, -1 is 255
    np.testing.assert_array_equal(_values(x // 300), [0, 4])
    np.testing.assert_array_equal(_values(x % 300), [1, 24])
    np.testing.assert_array_equal(_values(300 // x), [44, 0])
    np.testing.assert_array_equal(_values(-1 % x), [0, 55])
    assert (x // 300).dtype == np.uint8


def test_true_division_of_integers_divides_by_the_number_itself(device):
    x = _tensor([1, 2], np.uint8, device)
    result = x / 300
    assert result.dtype == np.float32
    np.testing.assert_allclose(_values(result), np.array([1, 2], np.float32) / np.float32(300), rtol=1e-7)
    np.testing.assert_allclose(_values(300 / _tensor([3, 4], np.int8, device)), [100.0, 75.0])


def test_bools_add_as_or_and_multiply_as_and(device):
    a = _tensor([True, False, True], np.bool_, device)
    b = _tensor([False, False, True], np.bool_, device)
    assert (a + b).dtype == np.bool_ and _values(a + b).tolist() == [True, False, True]
    assert (a * b).dtype == np.bool_ and _values(a * b).tolist() == [False, False, True]
    assert _values(a + True).tolist() == [True, True, True]
    a.add_(True)
    assert a.dtype == np.bool_ and _values(a).tolist() == [True, True, True]
    a.mul_(b)
    assert _values(a).tolist() == [False, False, True]


def test_a_bool_beside_an_integer_takes_the_integers_dtype(device):
    flags = _tensor([True, False], np.bool_, device)
    assert (flags + 3).dtype == np.int64 and _values(flags + 3).tolist() == [4, 3]
    counts = _tensor([2, 3], np.uint8, device)
    assert (flags * counts).dtype == np.uint8 and _values(flags * counts).tolist() == [2, 0]
    counts += flags
    assert counts.dtype == np.uint8 and _values(counts).tolist() == [3, 3]
    x = _tensor([1.0, 2.0], np.float32, device)
    x.add_(True)
    assert _values(x).tolist() == [2.0, 3.0]
    n = _tensor([1, 2], np.int64, device)
    n.mul_(True)
    assert _values(n).tolist() == [1, 2]


@pytest.mark.parametrize("make, message", [
    (lambda d: _tensor([True, False], np.bool_, d) - 1, "with a bool tensor is not supported"),
    (lambda d: 1 - _tensor([True, False], np.bool_, d), "with a bool tensor is not supported"),
    (lambda d: _tensor([1, 2], np.int64, d) - True, "with a bool tensor is not supported"),
    (lambda d: _tensor([1.0, 2.0], np.float32, d).sub_(_tensor([True, True], np.bool_, d)),
     "with a bool tensor is not supported"),
    (lambda d: _tensor([True], np.bool_, d) - _tensor([True], np.bool_, d), "with two bool tensors is not supported"),
    (lambda d: _tensor([True], np.bool_, d).sub_(True), "with two bool tensors is not supported"),
])
def test_a_subtraction_with_a_bool_raises_as_in_pytorch(device, make, message):
    with pytest.raises(NotImplementedError, match=message):
        make(device)


def test_a_negation_of_a_bool_raises_as_in_pytorch(device):
    mask = _tensor([True, False], np.bool_, device)
    for negate in (lambda: -mask, mask.neg, mask.neg_):
        with pytest.raises(NotImplementedError, match="^Negation, the `-` operator, on a bool tensor is not supported"):
            negate()
    assert _values(mask).tolist() == [True, False]


@pytest.mark.parametrize("dtype, operand, message", [
    (np.bool_, lambda d: 3, "result type Long can't be cast to the desired output type Bool"),
    (np.bool_, lambda d: _tensor([2, 3], np.uint8, d), "result type Byte can't be cast to the desired output type Bool"),
    (np.int64, lambda d: 0.5, "result type Float can't be cast to the desired output type Long"),
    (np.int64, lambda d: _tensor([0.5, 0.5], np.float64, d),
     "result type Double can't be cast to the desired output type Long"),
    (np.int32, lambda d: _tensor(0.5, np.float64, d), "result type Double can't be cast to the desired output type Int"),
])
def test_in_place_refuses_a_result_of_a_higher_category_and_leaves_the_tensor(device, dtype, operand, message):
    x = _tensor([True, False] if dtype == np.bool_ else [1, 2], dtype, device)
    before = _values(x).tolist()
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        x.add_(operand(device))
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        x.div_(2)
    assert x.dtype == dtype and _values(x).tolist() == before


def test_in_place_casts_a_wider_integer_result_back_as_c_does(device):
    x = _tensor([1, 2], np.int32, device)
    x += _tensor([2, 3], np.int64, device)
    assert x.dtype == np.int32 and _values(x).tolist() == [3, 5]
    pixels = _tensor([1, 2], np.uint8, device)
    pixels += _tensor([-2, -2], np.int8, device)  # int16 [-1, 0], cast back to uint8
    assert pixels.dtype == np.uint8 and _values(pixels).tolist() == [255, 0]


def test_a_float_alpha_with_integer_operands_raises_as_in_pytorch(device):
    counts = _tensor([1, 2], np.int64, device)
    message = "^For integral input tensors, argument alpha must not be a floating point number.$"
    with pytest.raises(RuntimeError, match=message):
        counts.add(1, alpha=0.5)
    with pytest.raises(RuntimeError, match=message):
        counts.sub_(_tensor([1, 1], np.int64, device), alpha=0.5)
    assert _values(counts).tolist() == [1, 2]
    counts.add_(_tensor([3, 4], np.int64, device), alpha=2)
    assert _values(counts).tolist() == [7, 10]
    x = _tensor([1.0, 2.0], np.float32, device)
    assert _values(x.add(_tensor([3, 4], np.int64, device), alpha=0.5)).tolist() == [2.5, 4.0]


def test_clamp_in_place_by_pytorchs_rules(device):
    counts = _tensor([[1, 2, 3], [4, 5, 6]], np.int64, device)
    with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
        counts.clamp_(0.2, 0.6)  # the clamped values would be float
    assert _values(counts.clamp_(2, 4)).tolist() == [[2, 2, 3], [4, 4, 4]]
    pixels = _tensor([1, 2], np.uint8, device)
    with pytest.raises(RuntimeError, match="^value cannot be converted to type uint8_t without overflow$"):
        pixels.clamp_(max=300)
    assert _values(pixels.clamp_(min=-1)).tolist() == [255, 255]  # -1 is 255, as fill_(-1) writes
    x = _tensor([-1.0, 0.5, np.nan, 5.0], np.float32, device)
    x.clamp_(_tensor(0.0, np.float32, device), _tensor([1.0, 1.0, 1.0, 2.0], np.float32, device))
    np.testing.assert_array_equal(_values(x), [0.0, 0.5, np.nan, 2.0])


def test_fill_truncates_a_float_into_an_integer_tensor(device):
    counts = _tensor([1, 2], np.int64, device)
    assert _values(counts.fill_(2.5)).tolist() == [2, 2]
    assert _values(counts.fill_(-2.5)).tolist() == [-2, -2]  # toward zero


def test_where_and_masked_fill_take_a_number_as_fill_does(device):
    pixels = _tensor([1, 200], np.uint8, device)
    bright = pixels > 1
    where = lambda value: minigan.where(bright, pixels, value)  # noqa: E731
    masked = lambda value: pixels.masked_fill(bright, value)  # noqa: E731
    for fill in (where, masked):
        with pytest.raises(RuntimeError, match="^value cannot be converted to type uint8_t without overflow$"):
            fill(300)
    assert _values(where(-1)).tolist() == [255, 200]  # -1 is 255, as fill_(-1) writes
    assert _values(masked(-1)).tolist() == [1, 255]
    assert _values(masked(2.7)).tolist() == [1, 2]  # toward zero


def test_comparisons_promote_their_operands_as_arithmetic_does(device):
    pixels = _tensor([10, 50], np.uint8, device)
    # A Python int wraps into the tensor's dtype first: 300 is 44, -1 is 255, 266 is 10.
    assert _values(pixels < 300).tolist() == [True, False]
    assert _values(pixels > -1).tolist() == [False, False]
    assert _values(pixels == 266).tolist() == [True, False]
    assert _values(300 > pixels).tolist() == [True, False]
    # An integer tensor beside a float compares as float; a bool beside an integer as that integer.
    assert _values(_tensor([0, 1], np.int64, device) > 0.5).tolist() == [False, True]
    # ... in float32, the default dtype: 2**24 + 1 has no float32 of its own and rounds to 2**24.
    assert _values(_tensor([2**24 + 1], np.int64, device) == float(2**24)).tolist() == [True]
    assert _values(_tensor([0.1], np.float32, device) == 0.1).tolist() == [True]  # 0.1 as float32 too
    flags = _tensor([True, False], np.bool_, device)
    assert _values(flags == 1).tolist() == [True, False]
    assert _values(flags.eq(_tensor([1, 2], np.int32, device))).tolist() == [True, False]
    assert _values(_tensor([1, 2], np.int32, device) <= _tensor([1, 1], np.int64, device)).tolist() == [True, False]
    result = _tensor([0.5, 2.0], np.float32, device) >= _tensor([1, 2], np.uint8, device)
    assert result.dtype == np.bool_ and _values(result).tolist() == [False, True]


def test_bools_are_ordered_false_before_true(device):
    flags = _tensor([True, False, True], np.bool_, device)
    assert _values(flags < True).tolist() == [False, True, False]
    assert _values(flags >= False).tolist() == [True, True, True]
    assert _values(flags > _tensor([False, False, True], np.bool_, device)).tolist() == [True, False, False]


def test_a_comparison_of_shapes_that_do_not_broadcast_names_them(device):
    with pytest.raises(RuntimeError, match=r"^lt: the size of tensor a \(3\) must match the size of tensor b \(4\) "
                                           r"at non-singleton dimension 0 \(shapes \(3,\) and \(4,\)\)$"):
        _tensor([1.0, 2.0, 3.0], np.float32, device) < _tensor([1.0, 2.0, 3.0, 4.0], np.float32, device)
