"""PyTorch's other elementwise math (minigan/ops/elementwise_more.py, elementwise_limits.py and the
methods in minigan/autograd/elementwise_methods.py): the division forms, fmod, logaddexp(2), hypot,
copysign, heaviside, float_power, ldexp, the sign and angle forms, nan_to_num, fmax/fmin, the
one-sided clamps, isclose, addcmul and addcdiv. Every expected value is written out by hand from
PyTorch's rules (checked once against PyTorch 2.14), gradients against closed forms and
minigan.gradcheck's central differences; pytest turns NumPy's warnings into errors, so the NaN and
inf results below are also checked to come silently, as PyTorch's do."""
import math

import numpy as np
import pytest

import minigan
from minigan.gradcheck import gradcheck

NAN, INF = math.nan, math.inf


def _t(values, dtype=None, device="cpu", requires_grad=False):
    return minigan.tensor(values, dtype=dtype, device=device, requires_grad=requires_grad)


def _same(tensor, expected, dtype):
    """Values (NaN equal to NaN, -0.0 and 0.0 equal) and dtype."""
    assert tensor.dtype == np.dtype(dtype), tensor.dtype
    np.testing.assert_array_equal(tensor.numpy(), np.asarray(expected, dtype=dtype))


@pytest.fixture(params=["cpu", "strict"])
def device(request):
    if request.param == "strict":
        pytest.importorskip("array_api_strict")
    return request.param


# ============================================================== division forms
def test_the_division_forms_round_as_pytorch_and_keep_its_dtypes():
    i, j = _t([7, -7, 3]), _t([2, 2, -2])
    f, g = _t([7.5, -7.5, 3.0]), _t([2.0, 2.0, -2.0])
    _same(minigan.true_divide(i, j), [3.5, -3.5, -1.5], np.float32)
    _same(minigan.true_divide(2, g), [1.0, 1.0, -1.0], np.float32)
    _same(minigan.divide(i, j, rounding_mode="trunc"), [3, -3, -1], np.int64)  # toward zero
    _same(minigan.divide(i, j, rounding_mode="floor"), [3, -4, -2], np.int64)  # toward minus infinity
    _same(minigan.divide(f, g, rounding_mode="trunc"), [3.0, -3.0, -1.0], np.float32)
    _same(minigan.floor_divide(f, g), [3.0, -4.0, -2.0], np.float32)
    _same(minigan.floor_divide(2, g), [1.0, 1.0, -1.0], np.float32)
    _same(minigan.remainder(i, j), [1, 1, -1], np.int64)  # the sign of the divisor
    _same(minigan.fmod(i, j), [1, -1, 1], np.int64)  # the sign of the dividend
    _same(minigan.fmod(f, 2), [1.5, -1.5, 1.0], np.float32)
    _same(minigan.fmod(i, 2.5), [2.0, -2.0, 0.5], np.float32)  # a float number makes integers float32
    _same(minigan.fmod(_t([5, -5], dtype=minigan.int8), 3), [2, -2], np.int8)
    _same(minigan.remainder(2, g), [0.0, 0.0, 0.0], np.float32)
    assert f.true_divide(g).tolist() == [3.75, -3.75, -1.5] and f.floor_divide(2).tolist() == [3.0, -4.0, 1.0]
    assert f.remainder(g).tolist() == [1.5, 0.5, -1.0] and f.fmod(g).tolist() == [1.5, -1.5, 1.0]
    assert f.divide(g, rounding_mode="trunc").tolist() == [3.0, -3.0, -1.0]


def test_trunc_and_floor_division_are_not_true_division_rounded():
    x = _t([1.0, -1.0])
    assert minigan.div(x, 0.1, rounding_mode="trunc").tolist() == [10.0, -10.0]  # trunc(1 / 0.1), as PyTorch
    assert minigan.div(x, 0.1, rounding_mode="floor").tolist() == [9.0, -10.0]  # 1 = 9 * 0.1 + 0.0999...
    _same(minigan.divide(_t([1.0, -1.0, 0.0]), 0.0, rounding_mode="trunc"), [INF, -INF, NAN], np.float32)
    _same(minigan.divide(_t([1.0, -1.0, 0.0]), 0.0, rounding_mode="floor"), [INF, -INF, NAN], np.float32)


def test_fmod_is_exact_and_keeps_the_dividends_sign():
    _same(minigan.fmod(_t([-1e-20, 5.0, -0.0, INF, 5.0]), _t([1.0, INF, 2.0, 2.0, 0.0])),
          [-1e-20, 5.0, -0.0, NAN, NAN], np.float32)  # x - trunc(x/y) y would round -1e-20 away
    assert minigan.fmod(_t([-0.0]), 2.0).signbit().item() is True
    _same(minigan.fmod(_t([-3.0, 3.0, -3.0, 3.0]), _t([2.0, -2.0, -2.0, 2.0])), [-1.0, 1.0, -1.0, 1.0], np.float32)
    _same(minigan.remainder(_t([-3.0, 3.0, -3.0, 3.0]), _t([2.0, -2.0, -2.0, 2.0])), [1.0, -1.0, -1.0, 1.0],
          np.float32)


def test_fmod_gradient_is_one_and_minus_the_truncated_quotient():
    a = _t([5.0, -5.0, 5.0, -5.0, 4.0], dtype=minigan.float64, requires_grad=True)
    b = _t([3.0, 3.0, -3.0, -3.0, 2.0], dtype=minigan.float64, requires_grad=True)
    out = minigan.fmod(a, b)
    assert out.tolist() == [2.0, -2.0, 2.0, -2.0, 0.0]
    out.sum().backward()
    assert a.grad.tolist() == [1.0] * 5
    assert b.grad.tolist() == [-1.0, 1.0, 1.0, -1.0, -2.0]  # -trunc(a / b)
    rng = np.random.default_rng(0)
    x = _t(rng.uniform(0.2, 0.8, (3, 4)) + rng.integers(-3, 3, (3, 4)), dtype=minigan.float64, requires_grad=True)
    y = _t([0.7, -1.3, 1.1, -0.9], dtype=minigan.float64, requires_grad=True)
    gradcheck(lambda p, q: minigan.fmod(p * q, q), [x, y])  # the quotient p stays off the integers


def test_division_forms_refuse_what_pytorch_refuses():
    b = _t([True, False])
    with pytest.raises(NotImplementedError, match="\"div_floor_cpu\" not implemented for 'Bool'"):
        minigan.floor_divide(b, b)
    with pytest.raises(NotImplementedError, match="\"div_trunc_cpu\" not implemented for 'Bool'"):
        minigan.divide(b, b, rounding_mode="trunc")
    with pytest.raises(NotImplementedError, match="\"remainder_cpu\" not implemented for 'Bool'"):
        minigan.remainder(b, b)
    with pytest.raises(NotImplementedError, match="\"fmod_cpu\" not implemented for 'Bool'"):
        b.fmod(b)
    with pytest.raises(ZeroDivisionError):
        minigan.fmod(_t([1, 2]), _t([0, 1]))
    with pytest.raises(ZeroDivisionError):
        minigan.divide(_t([1, 2]), _t([0, 1]), rounding_mode="trunc")
    with pytest.raises(TypeError, match=r"fmod\(\) received an invalid combination of arguments - got \(int, Tensor\)"):
        minigan.fmod(2, _t([1.0]))
    with pytest.raises(RuntimeError, match="div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                                           "but found 'bad'"):
        minigan.divide(_t([1.0]), 2, rounding_mode="bad")
    with pytest.raises(RuntimeError, match="the size of tensor a \\(3\\) must match the size of tensor b \\(2\\)"):
        minigan.fmod(_t([1.0, 2.0, 3.0]), _t([1.0, 2.0]))


# ============================================================== logaddexp, hypot, copysign
def test_logaddexp_is_stable_and_float_only():
    a, b = _t([1000.0, 1.0, INF, -INF, INF, 1e30]), _t([1000.0, 2.0, INF, -INF, -INF, 1e30])
    ln2 = math.log(2.0)
    expected = [1000.0 + ln2, 2.0 + math.log1p(math.exp(-1.0)), INF, -INF, INF, 1e30]
    np.testing.assert_allclose(minigan.logaddexp(a, b).numpy(), np.float32(expected), rtol=1e-6)
    assert minigan.logaddexp(a, b).dtype == np.float32
    np.testing.assert_allclose(a.logaddexp2(b).numpy(), np.float32([1001.0, 2.0 + math.log2(1.5), INF, -INF, INF,
                                                                     1e30]), rtol=1e-6)
    _same(minigan.logaddexp(_t([1, 2]), _t([0.0, 0.0])), [math.log1p(math.e), math.log1p(math.e ** 2)], np.float32)
    with pytest.raises(NotImplementedError, match="\"logaddexp_cpu\" not implemented for 'Long'"):
        minigan.logaddexp(_t([1, 2]), _t([3, 4]))
    with pytest.raises(TypeError, match=r"logaddexp2\(\): argument 'other' \(position 2\) must be Tensor, not int"):
        minigan.logaddexp2(a, 2)


def test_logaddexp_gradients_are_sigmoids_split_at_ties():
    a = _t([1.0, 3.0, 1000.0, INF, -2.0], dtype=minigan.float64, requires_grad=True)
    b = _t([2.0, 3.0, 1000.0, 1.0, INF], dtype=minigan.float64, requires_grad=True)
    minigan.logaddexp(a, b).sum().backward()
    sigmoid = 1.0 / (1.0 + math.e)  # sigmoid(1 - 2)
    np.testing.assert_allclose(a.grad.numpy(), [sigmoid, 0.5, 0.5, 1.0, 0.0], rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), [1.0 - sigmoid, 0.5, 0.5, 0.0, 1.0], rtol=1e-12)
    a.grad = b.grad = None
    minigan.logaddexp2(a[:1], b[:1]).sum().backward()  # 2^1 / (2^1 + 2^2)
    np.testing.assert_allclose([a.grad[0].item(), b.grad[0].item()], [1.0 / 3.0, 2.0 / 3.0], rtol=1e-12)
    rng = np.random.default_rng(1)
    x, y = (_t(rng.normal(0.0, 3.0, shape), dtype=minigan.float64, requires_grad=True) for shape in ((3, 4), (4,)))
    gradcheck(minigan.logaddexp, [x, y])
    gradcheck(minigan.logaddexp2, [x, y])


def test_hypot_does_not_overflow_and_its_gradient_is_pytorchs():
    _same(minigan.hypot(_t([3.0, 1e30, 0.0]), _t([4.0, 1e30, 0.0])), [5.0, 1.4142135e30, 0.0], np.float32)
    _same(minigan.hypot(_t([3, 5]), _t([4.0, 12.0])), [5.0, 13.0], np.float32)
    assert minigan.hypot(_t([1.0], dtype=minigan.float64), _t([1.0])).dtype == np.float64
    with pytest.raises(NotImplementedError, match="\"hypot_cpu\" not implemented for 'Long'"):
        minigan.hypot(_t([3]), _t([4]))
    a = _t([0.0, 3.0, 0.0], dtype=minigan.float64, requires_grad=True)
    b = _t([0.0, 4.0, 2.0], dtype=minigan.float64, requires_grad=True)
    a.hypot(b).sum().backward()
    _same(a.grad, [NAN, 0.6, 0.0], np.float64)  # a / hypot: 0 / 0 at the origin, as PyTorch's
    _same(b.grad, [NAN, 0.8, 1.0], np.float64)


def test_copysign_takes_the_sign_bit_and_passes_the_magnitudes_gradient():
    _same(minigan.copysign(_t([1.0, -2.0, 0.0, 3.0]), _t([-0.0, 0.0, -1.0, 2.0])), [-1.0, 2.0, -0.0, 3.0], np.float32)
    assert minigan.copysign(_t([1.0, 2.0]), -0.0).tolist() == [-1.0, -2.0]
    _same(minigan.copysign(_t([7, -7]), _t([-2, 2])), [-7.0, 7.0], np.float32)
    a = _t([1.0, -2.0, 0.0, 3.0], dtype=minigan.float64, requires_grad=True)
    b = _t([-1.0, 1.0, -1.0, 0.0], dtype=minigan.float64, requires_grad=True)
    a.copysign(b).sum().backward()
    assert a.grad.tolist() == [-1.0, -1.0, 0.0, 1.0] and b.grad.tolist() == [0.0] * 4
    rng = np.random.default_rng(2)
    x, y = (_t(rng.uniform(0.2, 1.0, s) * rng.choice([-1, 1], s), dtype=minigan.float64, requires_grad=True)
            for s in ((3, 4), (4,)))
    gradcheck(minigan.copysign, [x, y])


def test_heaviside_steps_and_takes_only_one_dtype():
    _same(minigan.heaviside(_t([-1.0, 0.0, 2.0, NAN]), _t([0.5])), [0.0, 0.5, 1.0, 0.0], np.float32)
    _same(_t([[0.0], [1.0]]).heaviside(_t([2.0, 3.0])), [[2.0, 3.0], [1.0, 1.0]], np.float32)
    _same(minigan.heaviside(_t([-3, 0, 4]), _t([7, 7, 7])), [0, 7, 1], np.int64)
    _same(minigan.heaviside(_t([True, False]), _t([False, True])), [True, True], np.bool_)
    assert not minigan.heaviside(_t([1.0], requires_grad=True), _t([0.5])).requires_grad
    with pytest.raises(RuntimeError, match="heaviside is not yet implemented for tensors with different dtypes."):
        minigan.heaviside(_t([1.0]), _t([1]))
    with pytest.raises(TypeError, match=r"heaviside\(\): argument 'values' \(position 2\) must be Tensor, not float"):
        minigan.heaviside(_t([1.0]), 0.5)


def test_float_power_is_float64_and_ldexp_scales_by_powers_of_two():
    _same(minigan.float_power(_t([7, -7, 3]), 2), [49.0, 49.0, 9.0], np.float64)
    _same(minigan.float_power(_t([2.0, -8.0]), _t([-1, 2])), [0.5, 64.0], np.float64)
    _same(minigan.float_power(2, _t([3.0, -1.0])), [8.0, 0.5], np.float64)
    _same(minigan.float_power(_t([-8.0]), 0.5), [NAN], np.float64)  # silently, as PyTorch's
    x = _t([2.0, 3.0], requires_grad=True)
    x.float_power(_t([3.0, 0.5])).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), [12.0, 0.5 / math.sqrt(3.0)], rtol=1e-6)
    _same(minigan.ldexp(_t([7, -7, 3]), _t([2, 2, -2])), [28.0, -28.0, 0.75], np.float32)
    _same(minigan.ldexp(_t([1.0], dtype=minigan.float64), _t([200])), [2.0 ** 200], np.float64)
    _same(minigan.ldexp(_t([1.0]), _t([200])), [INF], np.float32)  # past float32, silently
    a = _t([1.0, 3.0], dtype=minigan.float64, requires_grad=True)
    e = _t([2.0, 1.0], dtype=minigan.float64, requires_grad=True)
    a.ldexp(e).sum().backward()
    assert a.grad.tolist() == [4.0, 2.0]
    np.testing.assert_allclose(e.grad.numpy(), [4.0 * math.log(2.0), 6.0 * math.log(2.0)], rtol=1e-12)
    with pytest.raises(TypeError, match=r"ldexp\(\): argument 'other' \(position 2\) must be Tensor, not int"):
        minigan.ldexp(a, 2)


# ============================================================== one-input forms
def test_sign_and_angle_forms():
    _same(minigan.signbit(_t([-0.0, 0.0, -NAN, -1.0, 2.0])), [True, False, True, True, False], np.bool_)
    _same(_t([3, -2, 0]).signbit(), [False, True, False], np.bool_)
    _same(minigan.signbit(_t([True])), [False], np.bool_)
    _same(minigan.sgn(_t([-2.5, 0.0, 4.0])), [-1.0, 0.0, 1.0], np.float32)
    _same(_t([True, False]).sgn(), [True, False], np.bool_)
    x = _t([1.5, -2.5], requires_grad=True)
    assert minigan.positive(x) is x and x.positive() is x
    _same(minigan.negative(_t([3, -2])), [-3, 2], np.int64)
    _same(minigan.absolute(_t([-1.5, 2.0])), [1.5, 2.0], np.float32)
    _same(x.fix(), [1.0, -2.0], np.float32)
    _same(minigan.rad2deg(_t([math.pi, -math.pi / 2], dtype=minigan.float64)), [180.0, -90.0], np.float64)
    _same(minigan.deg2rad(_t([180, -90])), [np.float32(math.pi), np.float32(-math.pi / 2)], np.float32)
    (x.rad2deg().sum() + x.absolute().sum() + x.fix().sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), [180.0 / math.pi + 1.0, 180.0 / math.pi - 1.0], rtol=1e-6)
    with pytest.raises(NotImplementedError, match="The `\\+` operator, on a bool tensor is not supported."):
        minigan.positive(_t([True]))
    with pytest.raises(NotImplementedError, match="\"abs_cpu\" not implemented for 'Bool'"):
        minigan.absolute(_t([True]))


# ============================================================== limits and closeness
def test_nan_to_num_fills_with_the_dtypes_extremes_and_passes_finite_gradients():
    values = [NAN, INF, -INF, 1.0]
    big32, big64 = float(np.finfo(np.float32).max), float(np.finfo(np.float64).max)
    _same(minigan.nan_to_num(_t(values)), [0.0, big32, -big32, 1.0], np.float32)
    _same(_t(values, dtype=minigan.float64).nan_to_num(), [0.0, big64, -big64, 1.0], np.float64)
    _same(minigan.nan_to_num(_t(values), nan=2.0, posinf=3.0, neginf=-3.0), [2.0, 3.0, -3.0, 1.0], np.float32)
    _same(minigan.nan_to_num(_t([INF]), posinf=1e39), [INF], np.float32)  # past float32: inf, silently
    _same(minigan.nan_to_num(_t([7, -7]), nan=2.5), [7, -7], np.int64)
    x = _t(values, dtype=minigan.float64, requires_grad=True)
    (minigan.nan_to_num(x, posinf=2.0, neginf=-2.0) * _t([1.0, 2.0, 3.0, 4.0], dtype=minigan.float64)).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 4.0]


def test_fmax_and_fmin_ignore_a_nan_and_give_pytorchs_gradients():
    a, b = _t([NAN, 1.0, NAN, 3.0]), _t([2.0, NAN, NAN, 1.0])
    _same(minigan.fmax(a, b), [2.0, 1.0, NAN, 3.0], np.float32)
    _same(a.fmin(b), [2.0, 1.0, NAN, 1.0], np.float32)
    _same(minigan.fmax(_t([7, -7]), _t([2, 2])), [7, 2], np.int64)
    _same(minigan.fmax(_t([1, 2]), _t([1.5, 1.0])), [1.5, 2.0], np.float32)
    _same(minigan.fmin(_t([True, False]), _t([True, True])), [True, False], np.bool_)
    x = _t([NAN, 1.0, 2.0, NAN, 3.0], dtype=minigan.float64, requires_grad=True)
    y = _t([1.0, NAN, 2.0, NAN, 1.0], dtype=minigan.float64, requires_grad=True)
    minigan.fmax(x, y).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 0.5, 1.0, 1.0]  # both get it where either is NaN, as PyTorch
    assert y.grad.tolist() == [1.0, 1.0, 0.5, 1.0, 0.0]
    x.grad = y.grad = None
    minigan.fmin(x, y).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 0.5, 1.0, 0.0] and y.grad.tolist() == [1.0, 1.0, 0.5, 1.0, 1.0]
    with pytest.raises(TypeError, match=r"fmax\(\): argument 'other' \(position 2\) must be Tensor, not int"):
        minigan.fmax(a, 2)


def test_clamp_min_and_clamp_max_take_numbers_and_tensors():
    f = _t([7.5, -7.5, NAN])
    _same(minigan.clamp_min(f, 0.0), [7.5, 0.0, NAN], np.float32)
    _same(f.clamp_max(0.0), [0.0, -7.5, NAN], np.float32)
    _same(minigan.clamp_min(_t([7, -7]), 0), [7, 0], np.int64)
    _same(minigan.clamp_min(_t([7, -7]), 0.5), [7.0, 0.5], np.float32)  # a float bound makes integers float32
    _same(minigan.clamp_max(_t([True, False]), 0), [0, 0], np.int64)
    _same(minigan.clamp_min(_t([1.0, 5.0]), _t([3])), [3.0, 5.0], np.float32)
    x = _t([0.0, 1.0, 2.0], dtype=minigan.float64, requires_grad=True)
    bound = _t([1.0, 1.0, 1.0], dtype=minigan.float64, requires_grad=True)
    x.clamp_min(bound).sum().backward()
    assert x.grad.tolist() == [0.0, 0.5, 1.0] and bound.grad.tolist() == [1.0, 0.5, 0.0]  # ties split
    x.grad = bound.grad = None
    minigan.clamp_max(x, bound).sum().backward()
    assert x.grad.tolist() == [1.0, 0.5, 0.0] and bound.grad.tolist() == [0.0, 0.5, 1.0]


def test_maximum_and_minimum_give_both_sides_the_whole_gradient_at_a_nan():
    # Neither a win nor a tie: PyTorch's gradient is g on both sides (its output is NaN).
    a = _t([NAN, 1.0, NAN, 2.0, 1.0], dtype=minigan.float64, requires_grad=True)
    b = _t([1.0, NAN, NAN, 1.0, 1.0], dtype=minigan.float64, requires_grad=True)
    for pick, a_wins in ((minigan.maximum, [1.0, 1.0, 1.0, 5.0, 2.5]), (minigan.minimum, [1.0, 1.0, 1.0, 0.0, 2.5])):
        a.grad = b.grad = None
        out = pick(a, b)
        assert np.isnan(out.detach().numpy()[:3]).all()
        out.backward(_t([1.0, 1.0, 1.0, 5.0, 5.0], dtype=minigan.float64))
        assert a.grad.tolist() == a_wins
        assert b.grad.tolist() == [1.0, 1.0, 1.0, 5.0 - a_wins[3], 2.5]
    a.grad = None
    minigan.clamp_min(a, _t([0.0], dtype=minigan.float64)).sum().backward()  # a broadcast bound
    assert a.grad.tolist() == [1.0, 1.0, 1.0, 1.0, 1.0]


def test_clamp_between_tensors_takes_pytorchs_values_and_gradients():
    # below, at low, inside, at high, above, x NaN, low NaN, low above high (the result is high)
    x = _t([0.0, 1.0, 2.0, 3.0, 4.0, NAN, 1.0, 2.0], dtype=minigan.float64, requires_grad=True)
    low = _t([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, NAN, 3.0], dtype=minigan.float64, requires_grad=True)
    high = _t([3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 1.0], dtype=minigan.float64, requires_grad=True)
    out = minigan.clamp(x, low, high)
    np.testing.assert_array_equal(out.detach().numpy(), [1.0, 1.0, 2.0, 3.0, 3.0, NAN, NAN, 1.0])
    out.backward(_t([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], dtype=minigan.float64))
    assert x.grad.tolist() == [0.0, 1.0, 3.0, 2.0, 0.0, 6.0, 7.0, 0.0]  # ties split with the bound
    assert low.grad.tolist() == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert high.grad.tolist() == [0.0, 0.0, 0.0, 2.0, 5.0, 0.0, 0.0, 8.0]
    # one Tensor bound is maximum or minimum: at a NaN both sides get the gradient
    x.grad = low.grad = None
    minigan.clamp(x, min=low).sum().backward()
    assert x.grad.tolist() == [0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    assert low.grad.tolist() == [1.0, 0.5, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    # promoted to one dtype and broadcast together; in place, a NaN bound gives NaN
    _same(minigan.clamp(_t([0, 5]), _t([1.5]), _t([[3.0], [4.0]])), [[1.5, 3.0], [1.5, 4.0]], np.float32)
    y = _t([0.0, 5.0, 2.0])
    y.clamp_(_t([1.0, NAN, 1.0]), _t([3.0, 3.0, NAN]))
    np.testing.assert_array_equal(y.numpy(), [1.0, NAN, NAN])
    with pytest.raises(RuntimeError, match=r"clamp: the size of tensor a \(2\) must match the size of tensor b \(3\)"):
        minigan.clamp(_t([0.0, 5.0]), _t([1.0, 1.0, 1.0]))


def test_isclose_follows_pytorchs_formula_dtypes_and_errors():
    a = _t([1.0, NAN, INF, INF, 1e10, 1.0])
    b = _t([1.000001, NAN, INF, -INF, 1.00001e10, 1.1])
    _same(minigan.isclose(a, b), [True, False, True, False, False, False], np.bool_)  # 1e10: float32 arithmetic
    _same(a.isclose(b, equal_nan=True), [True, True, True, False, False, False], np.bool_)
    _same(minigan.isclose(a, b, rtol=0.0, atol=0.2), [True, False, True, False, False, True], np.bool_)
    _same(minigan.isclose(_t([5, 6]), _t([6, 6]), rtol=0.1, atol=0.5), [True, True], np.bool_)  # 1 <= 0.5 + 0.6
    _same(minigan.isclose(_t([5, 6]), _t([6, 6]), rtol=0.0, atol=0.5), [False, True], np.bool_)
    _same(minigan.isclose(_t([True, False]), _t([True, True])), [True, False], np.bool_)
    with pytest.raises(RuntimeError, match="Long did not match Float"):
        minigan.isclose(_t([1]), _t([1.0]))
    with pytest.raises(RuntimeError, match="rtol must be greater than or equal to zero, but got -1"):
        minigan.isclose(a, b, rtol=-1)
    with pytest.raises(RuntimeError, match="atol must be greater than or equal to zero, but got -0.5"):
        minigan.isclose(a, b, atol=-0.5)


def test_addcmul_and_addcdiv_values_dtypes_and_errors():
    x, t1, t2 = _t([1.0, 2.0]), _t([[3.0], [4.0]]), _t([5.0, 6.0])
    _same(minigan.addcmul(x, t1, t2, value=2), [[31.0, 38.0], [41.0, 50.0]], np.float32)
    _same(x.addcdiv(t1, t2, value=2), [[2.2, 3.0], [2.6, np.float32(2.0) + np.float32(8.0) / np.float32(6.0)]],
          np.float32)  # (value * tensor1) / tensor2 in float32
    i, j = _t([7, -7, 3]), _t([2, 2, -2])
    _same(minigan.addcmul(i, i, j, value=2), [35, -35, -9], np.int64)
    _same(minigan.addcmul(i, i, j, value=0.5), [7, -7, 3], np.int64)  # the scale is cast to int64: 0
    _same(minigan.addcmul(_t([7.0, -7.0, 3.0]), i, j, value=0.5), [14.0, -14.0, 0.0], np.float32)
    _same(minigan.addcdiv(i, _t([7.0, -7.0, 3.0]), _t([2.0, 2.0, -2.0])), [10.5, -10.5, 1.5], np.float32)
    with pytest.raises(RuntimeError, match="Integer division with addcdiv is no longer supported"):
        minigan.addcdiv(_t([1.0]), i, j)
    with pytest.raises(NotImplementedError, match="\"addcmul_cpu_out\" not implemented for 'Bool'"):
        minigan.addcmul(_t([True]), _t([True]), _t([False]))
    with pytest.raises(TypeError, match=r"addcmul\(\): argument 'tensor1' \(position 2\) must be Tensor, not int"):
        minigan.addcmul(x, 2, t2)


def test_addcmul_and_addcdiv_gradients():
    x = _t([1.0, 2.0], dtype=minigan.float64, requires_grad=True)
    t1 = _t([3.0, 4.0], dtype=minigan.float64, requires_grad=True)
    t2 = _t([5.0, 6.0], dtype=minigan.float64, requires_grad=True)
    (minigan.addcmul(x, t1, t2, value=2).sum() + minigan.addcdiv(x, t1, t2, value=2).sum()).backward()
    assert x.grad.tolist() == [2.0, 2.0]
    np.testing.assert_allclose(t1.grad.numpy(), [10.0 + 0.4, 12.0 + 2.0 / 6.0], rtol=1e-12)  # 2 t2 + 2 / t2
    np.testing.assert_allclose(t2.grad.numpy(), [6.0 - 0.24, 8.0 - 8.0 / 36.0], rtol=1e-12)  # 2 t1 - 2 t1 / t2^2
    rng = np.random.default_rng(3)
    inputs = [_t(rng.standard_normal(s), dtype=minigan.float64, requires_grad=True) for s in ((3, 4), (3, 1), (4,))]
    gradcheck(lambda a, b, c: minigan.addcmul(a, b, c, value=-1.5), inputs)
    gradcheck(lambda a, b, c: minigan.addcdiv(a, b, c * c + 0.5, value=0.5), inputs)


def test_addcmul_and_addcdiv_in_place_follow_the_rules_of_add_():
    x = _t([1.0, 2.0])
    assert x.addcmul_(_t([3.0, 4.0]), _t([5.0, 6.0]), value=2) is x and x.tolist() == [31.0, 50.0]
    assert x._version == 1
    x.addcdiv_(_t([3.0, 4.0]), _t([2.0, 8.0]), value=-2)
    assert x.tolist() == [28.0, 49.0] and x._version == 2
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        _t([1, 2]).addcmul_(_t([1.0, 1.0]), _t([2.0, 2.0]))
    leaf = _t([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf.addcdiv_(_t([1.0]), _t([2.0]))
    with minigan.no_grad():
        leaf.addcdiv_(_t([1.0]), _t([2.0]))
    assert leaf.tolist() == [1.5]


# ============================================================== the strict test device
def test_the_new_ops_run_on_the_standard_namespace_alone(device):
    a = _t([-3.0, 3.0, 1e-20, 0.0], device=device)
    b = _t([2.0, -2.0, 1.0, -1.0], device=device)
    tiny = float(np.float32(1e-20))
    assert minigan.fmod(a, b).tolist() == [-1.0, 1.0, tiny, 0.0]
    assert minigan.fmod(_t([5, -5], device=device), 3).tolist() == [2, -2]
    assert minigan.divide(_t([7, -7], device=device), 2, rounding_mode="trunc").tolist() == [3, -3]
    assert minigan.hypot(_t([3.0], device=device), _t([4.0], device=device)).tolist() == [5.0]
    assert minigan.copysign(a, b).tolist() == [3.0, -3.0, tiny, -0.0]
    assert minigan.signbit(b).tolist() == [False, True, False, True]
    assert minigan.signbit(_t([-1, 2], device=device)).tolist() == [True, False]
    assert minigan.heaviside(a, _t([0.5], device=device)).tolist() == [0.0, 1.0, 1.0, 0.5]
    nan_inf = _t([NAN, INF, 2.0], device=device)
    assert minigan.fmax(nan_inf, _t([1.0, 1.0, 3.0], device=device)).tolist() == [1.0, INF, 3.0]
    assert minigan.fmin(_t([True, False], device=device), _t([True, True], device=device)).tolist() == [True, False]
    assert minigan.nan_to_num(nan_inf, posinf=5.0).tolist() == [0.0, 5.0, 2.0]
    assert minigan.isclose(nan_inf, nan_inf, equal_nan=True).tolist() == [True, True, True]
    assert minigan.isclose(_t([5, 6], device=device), _t([6, 6], device=device), atol=0.5).tolist() == [False, True]
    x = _t([1.0, 2.0], dtype=minigan.float64, device=device, requires_grad=True)
    y = _t([2.0, 1.0], dtype=minigan.float64, device=device, requires_grad=True)
    (minigan.logaddexp(x, y) + minigan.fmod(x, y) + minigan.hypot(x, y) + minigan.fmax(x, y)
     + minigan.copysign(x, y)).sum().backward()
    s = 1.0 / (1.0 + math.e)
    np.testing.assert_allclose(x.grad.to("cpu").numpy(), [s + 1 + 1 / math.sqrt(5) + 0 + 1,
                                                          1 - s + 1 + 2 / math.sqrt(5) + 1 + 1], rtol=1e-12)
    np.testing.assert_allclose(y.grad.to("cpu").numpy(), [1 - s - 0 + 2 / math.sqrt(5) + 1,
                                                          s - 2 + 1 / math.sqrt(5) + 0], rtol=1e-12)


def test_clamp_passes_no_gradient_at_a_bound_as_pytorch_2_14():
    for clamped in (lambda x: minigan.clamp(x, min=1.0), lambda x: minigan.clamp(x, 0.0, 1.0),
                    lambda x: minigan.clamp_min(x, 1.0), lambda x: minigan.clamp_max(x, 1.0),
                    lambda x: x.clip(max=1.0)):
        x = _t([1.0, 0.5, 2.0, NAN], requires_grad=True)
        clamped(x).sum().backward()
        inside = [0.0, float(clamped(_t([0.5])).item() == 0.5), float(clamped(_t([2.0])).item() == 2.0), 0.0]
        np.testing.assert_array_equal(x.grad.numpy(), np.asarray(inside, dtype=np.float32))  # 0 at 1.0 exactly


def test_where_gives_the_branch_not_taken_zero_even_for_a_nan_or_infinite_gradient():
    # PyTorch picks the gradient (where(c, g, 0)) rather than multiplying it by the mask, so an
    # infinite or NaN gradient does not become NaN in the branch not taken, and its zeros are +0
    x = minigan.tensor([1.0, 2.0, 3.0], dtype=minigan.float64, requires_grad=True)
    y = minigan.tensor([4.0, 5.0, 6.0], dtype=minigan.float64, requires_grad=True)
    picked = minigan.where(minigan.tensor([True, False, True]), x, y)
    picked.backward(minigan.tensor([math.inf, math.nan, -2.0], dtype=minigan.float64))
    assert x.grad.tolist()[0] == math.inf and x.grad.tolist()[1:] == [0.0, -2.0]
    assert math.isnan(y.grad.tolist()[1]) and y.grad.tolist()[::2] == [0.0, 0.0]
    assert not np.signbit(y.grad.numpy()[2])
    x = minigan.tensor([1.0, 2.0], dtype=minigan.float64, requires_grad=True)
    minigan.where(minigan.tensor([True, False]), x, 0.0).backward(minigan.tensor([1.0, math.inf], dtype=minigan.float64))
    assert x.grad.tolist() == [1.0, 0.0]


def test_the_picking_functions_stop_an_infinite_or_nan_gradient_at_the_side_not_picked():
    # PyTorch 2.14.1: maximum, minimum, fmax, fmin, clamp with tensor bounds and nextafter give the
    # losing side (and nextafter's other) 0 for any incoming gradient; a tie still halves it
    a = minigan.tensor([-3.0, 1.0, 2.0], dtype=minigan.float64, requires_grad=True)
    b = minigan.tensor([1.0, -1.0, 2.0], dtype=minigan.float64, requires_grad=True)
    for name in ("maximum", "minimum", "fmax", "fmin"):
        for incoming in (math.inf, math.nan):
            a.grad = b.grad = None
            getattr(minigan, name)(a, b).backward(minigan.full((3,), incoming, dtype=minigan.float64))
            loser_a = 0 if name in ("maximum", "fmax") else 1
            grads = [a.grad.tolist(), b.grad.tolist()]
            assert grads[0][loser_a] == 0.0 and grads[1][1 - loser_a] == 0.0, (name, incoming, grads)
            for side, place in ((0, 1 - loser_a), (1, loser_a), (0, 2), (1, 2)):  # the winners and the tie
                assert grads[side][place] == incoming or math.isnan(incoming) and math.isnan(grads[side][place])
    x = minigan.tensor([-5.0, 0.5, 5.0], dtype=minigan.float64, requires_grad=True)
    low = minigan.tensor([-1.0, -1.0, -1.0], dtype=minigan.float64, requires_grad=True)
    high = minigan.tensor([1.0, 1.0, 1.0], dtype=minigan.float64, requires_grad=True)
    minigan.clamp(x, low, high).backward(minigan.full((3,), math.inf, dtype=minigan.float64))
    assert x.grad.tolist() == [0.0, math.inf, 0.0] and low.grad.tolist() == [math.inf, 0.0, 0.0]
    assert high.grad.tolist() == [0.0, 0.0, math.inf]
    x = minigan.tensor([1.0, 2.0], dtype=minigan.float64, requires_grad=True)
    other = minigan.tensor([1.0, 3.0], dtype=minigan.float64, requires_grad=True)
    minigan.nextafter(x, other).backward(minigan.full((2,), math.nan, dtype=minigan.float64))
    assert x.grad.tolist()[0] == 0.0 and math.isnan(x.grad.tolist()[1]) and other.grad.tolist() == [0.0, 0.0]


def test_max_and_min_of_a_whole_tensor_stop_an_infinite_gradient_at_the_others():
    # PyTorch 2.14.1: max() and min() of a whole tensor give the others 0 for any incoming gradient
    # and split it between ties (inf / 2 is inf); its amax and amin multiply by the mask (NaN there)
    for incoming in (math.inf, math.nan):
        x = minigan.tensor([1.0, 3.0, 2.0, 3.0], dtype=minigan.float64, requires_grad=True)
        x.max().backward(minigan.tensor(incoming, dtype=minigan.float64))
        assert x.grad.tolist()[0] == x.grad.tolist()[2] == 0.0
        assert all(v == incoming or math.isnan(incoming) and math.isnan(v) for v in x.grad.tolist()[1::2])
        y = minigan.tensor([1.0, 3.0, 2.0], dtype=minigan.float64, requires_grad=True)
        minigan.min(y).backward(minigan.tensor(incoming, dtype=minigan.float64))
        assert y.grad.tolist()[1:] == [0.0, 0.0]


def test_pytorchs_keyword_spellings_input_and_other():
    # torch.abs(input=x), torch.maximum(input=x, other=y), torch.max(x, other=y), as PyTorch's
    x = minigan.tensor([-1.0, 2.0, -3.0])
    y = minigan.tensor([0.0, 1.0, -4.0])
    assert minigan.abs(input=x).tolist() == [1.0, 2.0, 3.0]
    assert minigan.relu(input=x).tolist() == [0.0, 2.0, 0.0]
    assert minigan.clone(input=x).tolist() == x.tolist()
    assert minigan.maximum(input=x, other=y).tolist() == [0.0, 2.0, -3.0]
    assert minigan.minimum(input=x, other=y).tolist() == [-1.0, 1.0, -4.0]
    assert minigan.max(x, other=y).tolist() == [0.0, 2.0, -3.0] and x.max(other=y).tolist() == [0.0, 2.0, -3.0]
    assert minigan.min(input=x, other=y).tolist() == [-1.0, 1.0, -4.0]
    with pytest.raises(TypeError, match=r"^max\(\) received an invalid combination of arguments"):
        minigan.max(x, 0, other=y)
