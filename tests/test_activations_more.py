"""The error function family (minigan/ops/special.py) and the activations of
minigan/ops/more_activations.py with their layers (minigan/nn/activation.py), against PyTorch 2.14.1's
values and gradients written out (float64, the gradient of y.sum()), kinks included, and against
closed forms: erf(erfinv(y)) = y, second derivatives, the NumPy reference and test-device backends."""
from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

import minigan
from minigan import backends, nn
from minigan.nn import functional as F

XS = [-4.0, -3.0, -1.5, -0.5, 0.0, 0.25, 1.0, 3.0, 6.5]
# PyTorch 2.14.1: y = f(torch.tensor(XS, dtype=float64)), then x.grad after y.sum().backward()
TORCH_VALUES = {
    "gelu": ([-0.00012668496733247991, -0.00404969409489031, -0.10021080190328704, -0.15426876936299344, 0.0, 0.14967658142073093, 0.841344746068543, 2.99595030590511, 6.49999999973896],
        [-0.0005036496612264215, -0.01194564720418392, -0.1274691922299796, 0.13250487534383712, 0.5, 0.695373354883636, 1.0833154705876864, 1.011945647204184, 1.0000000016950519]),
    "gelu_tanh": ([-7.024594819227126e-05, -0.0036373920817729943, -0.10042842301976707, -0.15428599017485606, 0.0, 0.149675350701685, 0.8411919906082768, 2.996362607918227, 6.499999999999372],
        [-0.00033512319712218684, -0.011584166630969648, -0.12771079315143308, 0.13263009646535764, 0.5, 0.6953540951510604, 1.0829640838457826, 1.0115841666309695, 1.0000000000065836]),
    "selu": ([-1.7258986281898945, -1.6705687287671118, -1.3658143533672527, -0.6917581878028713, 0.0, 0.2626752468388701, 1.0507009873554805, 3.1521029620664414, 6.829556417810623],
        [0.03220071265748214, 0.08753061208026487, 0.392284987480124, 1.0663411530445053, 1.7580993408473766, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805]),
    "celu": ([-1.7293294335267746, -1.5537396797031404, -1.0552668945179706, -0.44239843385719024, 0.0, 0.25, 1.0, 3.0, 6.5],
        [0.1353352832366127, 0.22313016014842982, 0.4723665527410147, 0.7788007830714049, 1.0, 1.0, 1.0, 1.0, 1.0]),
    "mish": ([-0.07259174079202535, -0.1456474612756246, -0.29809974216680674, -0.22074377465173, 0.0, 0.1695724096638176, 0.8650983882673103, 2.9865350049679575, 6.499970703939837],
        [-0.05377320979348033, -0.09339311453232084, -0.06409781589225869, 0.28951067791351226, 0.6, 0.7541726677205928, 1.0490362200997922, 1.0211069109294435, 1.0000539969448543]),
    "hardtanh": ([-1.0, -1.0, -1.0, -0.5, 0.0, 0.25, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]),
    "relu6": ([0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 1.0, 3.0, 6.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0]),
    "logsigmoid": ([-4.0181499279178094, -3.048587351573742, -1.7014132779827524, -0.9740769841801067, -0.6931471805599453, -0.5759394198788436, -0.31326168751822286, -0.04858735157374206, -0.0015023101597542838],
        [0.9820137900379085, 0.9525741268224333, 0.8175744761936437, 0.6224593312018545, 0.5, 0.4378234991142019, 0.2689414213699951, 0.04742587317756679, 0.0015011822567369915]),
    "softsign": ([-0.8, -0.75, -0.6, -0.3333333333333333, 0.0, 0.2, 0.5, 0.75, 0.8666666666666667],
        [0.04000000000000001, 0.0625, 0.16000000000000003, 0.4444444444444444, 1.0, 0.64, 0.25, 0.0625, 0.017777777777777767]),
    "hardswish": ([-0.0, -0.0, -0.375, -0.20833333333333334, 0.0, 0.13541666666666666, 0.6666666666666666, 3.0, 6.5],
        [0.0, 0.0, 0.0, 0.33333333333333337, 0.5, 0.5833333333333334, 0.8333333333333333, 1.0, 1.0]),
    "hardsigmoid": ([0.0, 0.0, 0.25, 0.4166666666666667, 0.5, 0.5416666666666666, 0.6666666666666666, 1.0, 1.0],
        [0.0, 0.0, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.0, 0.0]),
    "tanhshrink": ([-3.000670700260933, -2.0049452463132695, -0.5948517463551336, -0.03788284273999026, 0.0, 0.005081337596290869, 0.23840584404423515, 2.0049452463132695, 5.500004520648596],
        [0.9986590493169741, 0.9901339628345598, 0.8192933610763514, 0.2135522670340726, 0.0, 0.05998515119362202, 0.5800256583859739, 0.9901339628345598, 0.9999909587232446]),
    "hardshrink": ([-4.0, -3.0, -1.5, 0.0, 0.0, 0.0, 1.0, 3.0, 6.5],
        [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]),
    "softshrink": ([-3.5, -2.5, -1.0, 0.0, 0.0, 0.0, 0.5, 2.5, 6.0],
        [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]),
    "threshold": ([-2.0, -2.0, -2.0, -2.0, -2.0, -2.0, 1.0, 3.0, 6.5],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]),
    "erf": ([-0.9999999845827421, -0.9999779095030014, -0.9661051464753108, -0.5204998778130465, 0.0, 0.27632639016823696, 0.8427007929497149, 0.9999779095030014, 1.0],
        [1.2698234671866558e-07, 0.00013925305194674786, 0.11893028922362936, 0.8787825789354448, 1.1283791670955126, 1.0600141293761143, 0.4151074974205947, 0.00013925305194674786, 5.052580003062652e-19]),
    "erfc": ([1.999999984582742, 1.9999779095030015, 1.9661051464753108, 1.5204998778130465, 1.0, 0.7236736098317631, 0.15729920705028513, 2.209049699858544e-05, 3.8421483271206475e-20],
        [-1.2698234671866558e-07, -0.00013925305194674786, -0.11893028922362936, -0.8787825789354448, -1.1283791670955126, -1.0600141293761143, -0.4151074974205947, -0.00013925305194674786, -5.052580003062652e-19]),
    "asinh": ([-2.0947125472611012, -1.8184464592320668, -1.1947632172871094, -0.48121182505960347, 0.0, 0.24746646154726346, 0.881373587019543, 1.8184464592320668, 2.570814678095697],
        [0.24253562503633297, 0.31622776601683794, 0.5547001962252291, 0.8944271909999159, 1.0, 0.9701425001453319, 0.7071067811865475, 0.31622776601683794, 0.1520571842539411]),
    "frac": ([0.0, 0.0, -0.5, -0.5, 0.0, 0.25, 0.0, 0.0, 0.5],
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
}
# (inputs, values, gradients) for the ops defined on part of the line
TORCH_DOMAIN_VALUES = {
    "erfinv": ([-0.999, -0.5, 0.0, 0.1, 0.9, 0.999999], [-2.3267537655135246, -0.4769362762044699, 0.0, 0.08885599049425769, 1.1630871536766743, 3.458910737275499],
        [198.93951776442498, 1.1125848189719496, 0.8862269254527579, 0.8932517253051874, 3.4280428114518418, 139146.31032670863]),
    "atanh": ([-0.999, -0.5, 0.0, 0.1, 0.9, 0.999999], [-3.8002011672501994, -0.5493061443340548, 0.0, 0.10033534773107558, 1.4722194895832204, 7.254328619247669],
        [500.250125062538, 1.3333333333333333, 1.0, 1.0101010101010102, 5.263157894736843, 500000.24998021673]),
    "log2": ([0.5, 1.0, 3.0, 1024.0], [-1.0, 0.0, 1.584962500721156, 10.0],
        [2.8853900817779268, 1.4426950408889634, 0.48089834696298783, 0.0014088818758681283]),
    "log10": ([0.5, 1.0, 3.0, 1000.0], [-0.3010299956639812, 0.0, 0.47712125471966244, 3.0],
        [0.8685889638065035, 0.43429448190325176, 0.14476482730108392, 0.00043429448190325184]),
    "acosh": ([1.5, 2.0, 10.0, 1000000.0], [0.9624236501192069, 1.3169578969248166, 2.993222846126381, 14.50865773852397],
        [0.8944271909999159, 0.5773502691896258, 0.10050378152592121, 1.0000000000005e-06]),
}
FUNCTIONS = {
    "gelu": F.gelu, "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"), "selu": F.selu,
    "celu": lambda x: F.celu(x, 2.0), "mish": F.mish, "hardtanh": F.hardtanh, "relu6": F.relu6,
    "logsigmoid": F.logsigmoid, "softsign": F.softsign, "hardswish": F.hardswish, "hardsigmoid": F.hardsigmoid,
    "tanhshrink": F.tanhshrink, "hardshrink": F.hardshrink, "softshrink": F.softshrink,
    "threshold": lambda x: F.threshold(x, 0.25, -2.0), "erf": minigan.erf, "erfc": minigan.erfc,
    "asinh": minigan.asinh, "frac": minigan.frac, "erfinv": minigan.erfinv, "atanh": minigan.atanh,
    "log2": minigan.log2, "log10": minigan.log10, "acosh": minigan.acosh,
}
# PyTorch computes hardsigmoid's slope with 1/6 rounded to float32 even in float64, and atanh's as
# 1/(1 - y^2), which loses 1e-11 near |y| = 1 (minigan's 1/((1 - y)(1 + y)) is exact there: see below)
GRADIENT_TOLERANCE = {"hardsigmoid": 1e-7, "atanh": 2e-11}


def test_atanh_gradient_near_one_is_exact():
    y = [-0.999, 0.999999]
    _, dx = _value_and_grad(minigan.atanh, y)
    exact = [float(1 / ((1 - Fraction(v)) * (1 + Fraction(v)))) for v in y]
    np.testing.assert_allclose(dx, exact, rtol=2.3e-16)


def _value_and_grad(f, xs, dtype=np.float64):
    x = minigan.tensor(np.array(xs, dtype=dtype), requires_grad=True)
    y = f(x)
    y.sum().backward()
    return y.numpy(), x.grad.numpy()


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_values_and_gradients_are_pytorchs(name, mode):
    if name in TORCH_VALUES:
        xs, (values, grads) = XS, TORCH_VALUES[name]
    else:
        xs, values, grads = TORCH_DOMAIN_VALUES[name]
    with backends.use_cpu_kernels(mode):
        y, dx = _value_and_grad(FUNCTIONS[name], xs)
    np.testing.assert_allclose(y, values, rtol=2e-15, atol=1e-15)
    np.testing.assert_allclose(dx, grads, rtol=GRADIENT_TOLERANCE.get(name, 3e-15), atol=2e-15)


def test_float32_gelu_and_erf_are_the_float64_values_rounded():
    # PyTorch 2.14.1's float32 gelu: 0.5 x (1 + erf(x / sqrt 2)) loses digits for x << 0 (-4: 0.16% off),
    # where minigan's x erfc(-x / sqrt 2) / 2 keeps them
    torch_float32_gelu = [-0.0001264810562133789, -0.004050225019454956, -0.10021086037158966, -0.1542687714099884,
                          0.0, 0.14967657625675201, 0.8413447141647339, 2.9959497451782227, 6.5]
    torch_float32_erf = [-1.0, -0.9999778866767883, -0.9661051630973816, -0.5204998850822449, 0.0, 0.27632638812065125,
                         0.8427007794380188, 0.9999778866767883, 1.0]
    x = minigan.tensor(np.array(XS, dtype=np.float32))
    gelu, erf = F.gelu(x).numpy(), minigan.erf(x).numpy()
    assert gelu.dtype == np.float32 and erf.dtype == np.float32
    # within 6e-7: x / sqrt 2 rounded to float32 (3e-8) is amplified by erfc's slope, 2 u^2 at u = x / sqrt 2
    np.testing.assert_allclose(gelu, TORCH_VALUES["gelu"][0], rtol=6e-7)
    np.testing.assert_allclose(gelu, torch_float32_gelu, rtol=2e-7, atol=6e-7)
    np.testing.assert_allclose(erf, TORCH_VALUES["erf"][0], rtol=6e-8)
    np.testing.assert_allclose(erf, torch_float32_erf, rtol=1.2e-7)


def test_signed_zeros_and_nan_pass_as_in_pytorch():
    x = minigan.tensor([-4.0, -3.0, -0.0, float("nan")])
    assert np.signbit(F.hardswish(x).numpy()[:2]).all()  # PyTorch: -0.0 at -4 and -3
    assert np.signbit(minigan.erfinv(x).numpy()[2])  # erfinv(-0.0) = -0.0
    for f in (F.hardtanh, F.relu6, F.hardsigmoid, F.hardswish, F.hardshrink, F.softshrink, F.gelu, F.selu,
              lambda t: F.threshold(t, 0.5, 2.0), minigan.erf, minigan.erfinv, minigan.frac):
        assert np.isnan(f(x).numpy()[3]), f


def test_the_gradient_at_a_nan_and_past_the_last_kink_is_pytorchs():
    # PyTorch's backwards test "x <= 0" (elu family) or "x <= 3" (hardswish), false at a NaN, so a NaN
    # takes the outer slope: 1 (selu: its scale), and hardswish's is 1 at +inf too
    cases = ((F.elu, 1.0), (lambda t: F.celu(t, 2.0), 1.0), (F.selu, 1.0507009873554805), (F.hardswish, 1.0),
             (F.softshrink, 1.0))
    for f, slope in cases:
        x = minigan.tensor([float("nan"), float("inf"), 5.0], dtype=minigan.float64, requires_grad=True)
        y = f(x)
        y.backward(minigan.ones_like(y))
        assert np.isnan(y.detach().numpy()[0]) and x.grad.tolist() == pytest.approx([slope] * 3, rel=1e-15), f


def test_a_flat_part_passes_no_gradient_even_an_infinite_or_nan_one_as_pytorchs():
    # where the slope is 0 PyTorch's backwards pick 0 rather than multiply, so inf and NaN stop there
    cases = ((lambda t: F.softshrink(t, 0.5), [-0.5, 0.0, 0.25, 0.5]), (F.hardswish, [-7.0, -3.0]),
             (minigan.sinc, [0.0]))
    for f, points in cases:
        for incoming in (math.inf, -math.inf, math.nan):
            x = minigan.tensor(points, dtype=minigan.float64, requires_grad=True)
            f(x).backward(minigan.full((len(points),), incoming, dtype=minigan.float64))
            assert x.grad.tolist() == [0.0] * len(points), (f, incoming)
    y = F.softshrink(minigan.tensor([-0.25, 0.25], dtype=minigan.float64), 0.5)
    assert np.signbit(y.numpy()).tolist() == [True, False]  # the dead zone keeps its -0.0


def test_the_smooth_activations_pass_an_infinite_gradient_times_their_slope_as_pytorchs():
    # grad * f'(x) with f' computed first: an infinite incoming gradient comes out with f''s sign
    # (PyTorch 2.14.1's, written out), where the product rule's sum of terms gave inf - inf, NaN
    points = [-3.0, -1.0, -0.5, 0.0, 1.0, 3.0]
    cases = ((F.silu, [-1, 1, 1, 1, 1, 1]), (F.mish, [-1, 1, 1, 1, 1, 1]), (F.gelu, [-1, -1, 1, 1, 1, 1]),
             (lambda t: F.gelu(t, approximate="tanh"), [-1, -1, 1, 1, 1, 1]))
    for f, signs in cases:
        for incoming in (math.inf, -math.inf):
            x = minigan.tensor(points, dtype=minigan.float64, requires_grad=True)
            f(x).backward(minigan.full((len(points),), incoming, dtype=minigan.float64))
            assert x.grad.tolist() == [sign * incoming for sign in signs], (f, incoming)


def test_celu_with_a_negative_alpha_keeps_positive_inputs_as_pytorchs():
    # celu(x) = x for x > 0, else alpha (exp(x / alpha) - 1), for any alpha but 0; alpha elu(x / alpha)
    # holds for alpha > 0 only. PyTorch 2.14.1's values and gradients, written out
    x = minigan.tensor([-2.0, -0.5, 0.0, 0.5, 2.0, float("inf")], dtype=minigan.float64, requires_grad=True)
    y = F.celu(x, -1.0)
    y.backward(minigan.ones_like(y))
    assert y.tolist() == pytest.approx([-6.38905609893065, -0.6487212707001282, 0.0, 0.5, 2.0, math.inf], rel=1e-15)
    assert x.grad.tolist() == pytest.approx([7.38905609893065, 1.6487212707001282, 1.0, 1.0, 1.0, 1.0], rel=1e-15)
    assert F.celu(minigan.tensor([-math.inf], dtype=minigan.float64), -0.5).item() == -math.inf
    assert F.celu(minigan.tensor([0.1, 0.7, 3.3], dtype=minigan.float64), 3.0).tolist() == [0.1, 0.7, 3.3]  # exactly


def test_erfinv_inverts_erf_to_the_last_digits_and_its_edges():
    y = np.concatenate([np.linspace(-0.999, 0.999, 2001), 1 - np.logspace(-16, -1, 60), np.logspace(-300, -1, 60)])
    x = minigan.erfinv(minigan.tensor(y)).numpy()
    np.testing.assert_allclose([math.erf(v) for v in x], y, rtol=4e-16, atol=0)
    upper = y > 0.5  # there 1 - y is exact, and erfc(x) must give it back to the digits x carries
    np.testing.assert_allclose([math.erfc(v) for v in x[upper]], 1 - y[upper], rtol=2 * 6 * 6 * 2.3e-16)
    edges = minigan.erfinv(minigan.tensor([-1.0, 1.0, 1.5, -2.0])).numpy()
    assert edges[0] == -np.inf and edges[1] == np.inf and np.isnan(edges[2:]).all()


def test_erf_on_the_reference_the_compiled_kernels_float16_and_the_test_device():
    a = np.random.default_rng(0).standard_normal((3, 5)) * 2
    expected = np.vectorize(math.erf)(a)
    for mode in ("numba", "numpy"):
        with backends.use_cpu_kernels(mode):
            np.testing.assert_allclose(minigan.erf(minigan.tensor(a)).numpy(), expected, rtol=2.3e-16, atol=0)
            np.testing.assert_allclose(minigan.erfc(minigan.tensor(a.T)).numpy(), np.vectorize(math.erfc)(a.T),
                                       rtol=4.5e-16, atol=0)
    half = minigan.erf(minigan.tensor(a.astype(np.float16)))
    assert half.dtype == np.float16
    np.testing.assert_allclose(half.numpy(), np.vectorize(math.erf)(a.astype(np.float16)), rtol=1e-3)
    on_device = minigan.tensor(a, requires_grad=True).to("strict")
    y = minigan.erfinv(minigan.erf(on_device) * 0.5)
    y.sum().backward()
    assert y.device == "strict"
    np.testing.assert_allclose(y.cpu().numpy(), np.vectorize(lambda v: _erfinv_by_bisection(math.erf(v) / 2))(a),
                               rtol=1e-14, atol=1e-15)


def _erfinv_by_bisection(y):
    low, high = -6.0, 6.0
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if math.erf(middle) < y else (low, middle)
    return (low + high) / 2


def test_second_derivatives_are_the_closed_forms():
    a = np.array([-1.3, -0.2, 0.4, 2.1])
    x = minigan.tensor(a, requires_grad=True)
    (first,) = minigan.grad(F.gelu(x).sum(), x, create_graph=True)
    (second,) = minigan.grad(first.sum(), x)
    pdf = np.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(second.numpy(), pdf * (2 - a * a), rtol=1e-14)  # (x Phi)'' = phi (2 - x^2)
    y = np.array([-0.7, 0.1, 0.6])
    x = minigan.tensor(y, requires_grad=True)
    (first,) = minigan.grad(minigan.erfinv(x).sum(), x, create_graph=True)
    (second,) = minigan.grad(first.sum(), x)
    f = np.vectorize(_erfinv_by_bisection)(y)
    np.testing.assert_allclose(second.numpy(), math.pi / 2 * f * np.exp(2 * f * f), rtol=1e-13)


def test_integer_input_becomes_float32_and_frac_refuses_it():
    ints = minigan.tensor([1, 2, 8])
    for f in (minigan.erf, minigan.erfc, minigan.log2, minigan.log10, minigan.asinh, minigan.acosh):
        assert f(ints).dtype == np.float32, f
    assert minigan.erfinv(minigan.tensor([0])).dtype == minigan.atanh(minigan.tensor([0])).dtype == np.float32
    np.testing.assert_array_equal(minigan.log2(ints).numpy(), [0.0, 1.0, 3.0])
    with pytest.raises(NotImplementedError, match="frac: not implemented for an integer"):
        minigan.frac(ints)


def test_tensor_methods_and_spellings():
    x = minigan.tensor([0.3, -0.6])
    for name in ("erf", "erfc", "erfinv", "asinh", "atanh", "frac"):
        np.testing.assert_array_equal(getattr(x, name)().numpy(), getattr(minigan, name)(x).numpy())
    for name in ("log2", "log10", "acosh"):
        np.testing.assert_array_equal(getattr(x + 2.0, name)().numpy(), getattr(minigan, name)(x + 2.0).numpy())
    assert minigan.arcsinh is minigan.asinh and x.arctanh().numpy().tolist() == x.atanh().numpy().tolist()
    w = minigan.tensor([0.1])
    np.testing.assert_allclose(x.prelu(w).numpy(), [0.3, -0.06], rtol=1e-7)
    np.testing.assert_array_equal(x.hardshrink(0.4).numpy(), np.float32([0.0, -0.6]))
    np.testing.assert_array_equal(minigan.threshold(x, 0.0, 5.0).numpy(), np.float32([0.3, 5.0]))


def test_glu_softmin_and_prelu_against_numpy():
    a = np.random.default_rng(1).standard_normal((2, 6, 3))
    x = minigan.tensor(a)
    np.testing.assert_allclose(F.glu(x, 1).numpy(), a[:, :3] / (1 + np.exp(-a[:, 3:])), rtol=1e-15)
    e = np.exp(-a)
    np.testing.assert_allclose(F.softmin(x, dim=2).numpy(), e / e.sum(2, keepdims=True), rtol=1e-15)
    w = np.array([0.1, -0.2, 0.3, 0.4, 0.5, 0.6])
    np.testing.assert_allclose(F.prelu(x, minigan.tensor(w)).numpy(), np.where(a > 0, a, a * w[:, None]), rtol=0)
    assert F.prelu(minigan.tensor(-2.0), minigan.tensor([0.25])).shape == ()


def test_prelu_layer_learns_its_slopes():
    layer = nn.PReLU(3, init=0.1, dtype=np.float64)
    assert repr(layer) == "PReLU(num_parameters=3)" and [n for n, _ in layer.named_parameters()] == ["weight"]
    np.testing.assert_array_equal(layer.weight.numpy(), [0.1, 0.1, 0.1])
    a = np.array([[[-1.0, 2.0], [-3.0, -4.0], [5.0, -6.0]]])
    layer(minigan.tensor(a)).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.numpy(), [-1.0, -7.0, -6.0])  # the sums of x where x <= 0
    assert nn.PReLU().weight.dtype == np.float32 and nn.PReLU().weight.shape == (1,)
    assert set(nn.PReLU(2).state_dict()) == {"weight"}


def test_layers_are_their_functional_forms_with_pytorchs_reprs():
    x = minigan.tensor(np.linspace(-4, 4, 16).reshape(2, 8))
    cases = [
        (nn.GELU(), F.gelu(x), "GELU(approximate='none')"), (nn.GELU("tanh"), F.gelu(x, approximate="tanh"),
                                                             "GELU(approximate='tanh')"),
        (nn.SELU(), F.selu(x), "SELU()"), (nn.SELU(True), F.selu(x), "SELU(inplace=True)"),
        (nn.CELU(2.0, True), F.celu(x, 2.0), "CELU(alpha=2.0, inplace=True)"), (nn.Mish(), F.mish(x), "Mish()"),
        (nn.Hardtanh(-2, 2), F.hardtanh(x, -2, 2), "Hardtanh(min_val=-2, max_val=2)"),
        (nn.Hardtanh(), F.hardtanh(x), "Hardtanh(min_val=-1.0, max_val=1.0)"),
        (nn.ReLU6(True), F.relu6(x), "ReLU6(inplace=True)"), (nn.LogSigmoid(), F.logsigmoid(x), "LogSigmoid()"),
        (nn.Softsign(), F.softsign(x), "Softsign()"), (nn.Hardswish(), F.hardswish(x), "Hardswish()"),
        (nn.Hardsigmoid(), F.hardsigmoid(x), "Hardsigmoid()"), (nn.GLU(), F.glu(x), "GLU(dim=-1)"),
        (nn.Softmin(1), F.softmin(x, 1), "Softmin(dim=1)"), (nn.Tanhshrink(), F.tanhshrink(x), "Tanhshrink()"),
        (nn.Hardshrink(), F.hardshrink(x), "Hardshrink(0.5)"), (nn.Softshrink(0.3), F.softshrink(x, 0.3),
                                                                "Softshrink(0.3)"),
        (nn.Threshold(0.1, 20), F.threshold(x, 0.1, 20), "Threshold(threshold=0.1, value=20)"),
        (nn.Threshold(0.1, 20, True), F.threshold(x, 0.1, 20), "Threshold(threshold=0.1, value=20, inplace=True)"),
    ]
    for layer, expected, text in cases:
        assert repr(layer) == text
        np.testing.assert_array_equal(layer(x.clone()).numpy(), expected.numpy(), err_msg=text)  # inplace: a copy


def test_inplace_writes_the_same_values_into_the_input():
    a = np.array([-2.0, 0.5, 3.0])
    for f in (F.hardtanh, F.relu6, F.selu, F.celu, F.mish, F.hardswish, F.hardsigmoid):
        x = minigan.tensor(a)
        assert f(x, inplace=True) is x
        np.testing.assert_array_equal(x.numpy(), f(minigan.tensor(a)).numpy())


def test_the_implicit_softmin_dim_warns_as_pytorch():
    x = minigan.tensor(np.zeros((2, 3)))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin has been deprecated"):
        assert F.softmin(x).shape == (2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        nn.Softmin()(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.softmin(x, 0)


@pytest.mark.parametrize("call, error, message", [
    (lambda x: F.gelu(x, approximate="fast"), RuntimeError, "approximate argument must be either none or tanh"),
    (lambda x: F.hardtanh(x, 1.0, -1.0), ValueError, "min_val cannot be greater than max_val"),
    (lambda x: nn.Hardtanh(1.0, -1.0), ValueError, "min_val cannot be greater than max_val"),
    (lambda x: F.softshrink(x, -0.5), RuntimeError, "lambda must be >= 0"),
    (lambda x: F.celu(x, 0.0), RuntimeError, "alpha cannot be 0 for CELU"),
    (lambda x: F.glu(x, 1), RuntimeError, "Halving dimension must be even, but dimension 1 is size 3"),
    (lambda x: F.glu(x, 2), IndexError, "Dimension out of range"),
    (lambda x: F.glu(x[0, 0]), RuntimeError, "glu does not support scalars"),
    (lambda x: F.prelu(x, minigan.tensor([0.1, 0.2])), RuntimeError,
     "Found parameter numbers = 2 and channel size = 3"),
    (lambda x: nn.GELU()(np.zeros(2)), TypeError, "expected a Tensor input"),
])
def test_bad_arguments_say_what_is_wrong_in_one_line(call, error, message):
    with pytest.raises(error, match=message):
        call(minigan.tensor(np.zeros((2, 3))))


def test_the_names_left_unsupported_still_say_so():
    with pytest.raises(minigan.UnsupportedFeatureError, match="the _with_indices form of this pool"):
        F.max_pool2d_with_indices  # noqa: B018
    for name in ("gelu", "selu", "celu", "mish", "hardtanh", "relu6", "logsigmoid", "softsign", "hardswish",
                 "hardsigmoid", "glu", "softmin", "prelu", "tanhshrink", "hardshrink", "softshrink", "threshold"):
        assert callable(getattr(F, name))
    assert hasattr(nn, "GELU") and hasattr(minigan, "erf") and hasattr(minigan.tensor(1.0), "log10")
