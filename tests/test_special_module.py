"""torch.special as minigan.special (minigan/special.py and the ops it gathers: minigan/ops/normal.py,
gamma.py, bessel.py, log_forms.py), against PyTorch 2.14.1's float64 values and gradients written out,
tails and poles included, on both CPU kernels; second derivatives against closed forms; float32 and
integer inputs; the test device; the names of torch.special minigan lacks."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import minigan
import minigan.special as S
from minigan import backends

TORCH = {  # name: (the function, xs, PyTorch 2.14.1's values, and the gradient of their sum)
    "gammaln": (S.gammaln, [0.5, 3.7, -2.5, 1e-300, 1e+300, 170.5, 1e-08],
        [0.5723649429247001, 1.428072326665388, -0.05624371649767405, 690.7755278982137, 6.897755278982137e+302, 704.0044277342047, 18.42068073818021],
        [-1.9635100260214229, 1.1671535393615111, 1.1031566406452433, -9.999999999999999e+299, 690.7755278982137, 5.135799878794703, -100000000.57721564]),
    "digamma": (S.digamma, [0.5, 3.7, -2.5, 1e-08, 10000000000.0, 1.4616321449683622, -100.25],
        [-1.9635100260214229, 1.1671535393615111, 1.1031566406452433, -100000000.57721564, 23.025850929890456, -4.069010753338098e-16, 7.754238959208646],
        [4.934802202073678, 0.3100378577128614, 9.53924664493752, 1.0000000000000004e+16, 1.00000000005e-10, 0.9676722458946125, 19.72928332535051]),
    "polygamma1": (lambda x: S.polygamma(1, x), [0.5, 3.7, -2.5, 100000.0, 12.0],
        [4.934802202073678, 0.3100378577128614, 9.53924664493752, 1.0000050000166667e-05, 0.08690187287193527],
        [-16.828796644234316, -0.09539530872855405, -0.1082040516417282, -1.00001000005e-10, -0.007547205368998914]),
    "polygamma2": (lambda x: S.polygamma(2, x), [0.5, 3.7, -2.5, 25.0],
        [-16.828796644234316, -0.09539530872855405, -0.1082040516417282, -0.0016652793184224685],
        [97.40909103400242, 0.05827921795656364, 194.74787621918756, 0.0001358846365082737]),
    "polygamma4": (lambda x: S.polygamma(4, x), [0.5, 3.7, 25.0, -0.75],
        [-771.474249826668, -0.05303861110795397, -1.6629714250078935e-05, -24483.239586168802],
        [7691.113548602433, 0.06393975390203976, 2.7131757700038317e-06, 492226.7524508087]),
    "multigammaln": (lambda x: S.multigammaln(x, 4), [1.6, 2.0, 10.0],
        [5.922671960395045, 3.8857723628376557, 48.07922071847319],
        [-12.262081641941858, -2.0814513818459126, 8.6702227610047]),
    "i0": (S.i0, [0.0, 0.5, -3.0, 19.9, 20.1, -50.0, 700.0],
        [1.0, 1.0634833707413236, 4.880792585865024, 39513376.52006682, 48017874.1071365, 2.9325537838493355e+20, 1.5295933476718735e+302],
        [0.0, 0.25789430539089636, -3.9533702174026093, 38507423.874862276, 46807739.533029884, -2.9030785901035566e+20, 1.5285003902339006e+302]),
    "i0e": (S.i0e, [0.0, 0.5, -3.0, 19.9, 20.1, -50.0, 700.0, 100000000.0],
        [1.0, 0.6450352704491501, 0.24300035416182536, 0.09000858886438959, 0.08955376362061344, 0.056561626647454184, 0.015081295651531355, 3.989422809001105e-05],
        [0.0, -0.4886144672642784, 0.04617364086452452, -0.0022914867326835064, -0.0022569117774118436, 0.000568502754558789, -1.0776206814508762e-05, -1.9947114299938631e-13]),
    "i1": (S.i1, [0.0, 0.5, -3.0, 19.9, 20.1, -50.0, 700.0],
        [0.0, 0.25789430539089636, -3.9533702174026093, 38507423.874862276, 46807739.533029884, -2.9030785901035566e+20, 1.5285003902339006e+302],
        [0.5, 0.5476947599595309, 3.563002513397487, 37578330.094194345, 45689130.84678676, 2.8744922120472645e+20, 1.527409775685825e+302]),
    "i1e": (S.i1e, [0.0, 0.5, -3.0, 19.9, 20.1, -50.0, 700.0, 100000000.0],
        [0.0, 0.15642080318487173, -0.19682671329730084, 0.08771710213170608, 0.0872968518432016, -0.055993123892895395, 0.015070519444716846, 3.989422789053991e-05],
        [0.5, 0.17577286089453492, -0.01943526356790909, -0.002116407846799215, -0.0020862151799613676, -0.0005513597232991232, -1.075310667794302e-05, -1.9947113622312274e-13]),
    "erfcx": (S.erfcx, [0.0, 1.0, -2.0, 25.0, 27.0, 10000000000.0, -26.0],
        [1.0, 0.427583576155807, 108.94090438997797, 0.022549572432641357, 0.02088160799042094, 5.641895835477563e-11, 7.657724931490568e+293],
        [-1.1283791670955126, -0.27321201478389856, -436.8919967270074, -0.0009005454634447574, -0.0007723356127817826, 0.0, -3.9820169643750954e+295]),
    "ndtr": (S.ndtr, [0.0, 1.0, -2.0, -10.0, -37.0, 8.0],
        # PyTorch 2.14.1 gives 0.0 at -10 and -37 (1 + erf(x / sqrt 2) cancels); these are erfc(-x / sqrt 2) / 2
        [0.5, 0.841344746068543, 0.02275013194817921, math.erfc(10 * math.sqrt(0.5)) / 2, math.erfc(37 * math.sqrt(0.5)) / 2,
         0.9999999999999993],
        [0.3989422804014327, 0.2419707245191433, 0.05399096651318802, 7.694598626706365e-23, 2.1200065515243645e-298, 5.052271083536857e-15]),
    "log_ndtr": (S.log_ndtr, [0.0, 1.0, -2.0, -10.0, -40.0, -100000.0, 8.0, 40.0],
        [-0.6931471805599453, -0.17275377902344985, -3.7831843336820317, -53.23128515051248, -804.6084420137539, -5000000012.431865, -6.220960574271758e-16, -0.0],
        [0.7978845608028654, 0.2875999709391784, 2.3732155328228406, 10.098093233962576, 40.024968847212364, 100000.07402897284, 5.052271083536893e-15, 0.0]),
    "ndtri": (S.ndtri, [0.5, 0.975, 0.025, 1e-10, 1e-300, 0.999999999999],
        [0.0, 1.959963984540054, -1.9599639845400545, -6.361340902404056, -37.0470962993612, 7.0344869100478356],
        [2.5066282746310002, 17.110083080332707, 17.110083080332725, 1535723698.1963818, 2.6973044650428873e+298, 139445764410.29645]),
    "logit": (S.logit, [0.25, 0.5, 0.9, 1e-10],
        [-1.0986122886681098, 0.0, 2.1972245773362196, -23.025850929840455],
        [5.333333333333333, 4.0, 11.111111111111112, 10000000001.0]),
    "logit_eps": (lambda x: S.logit(x, eps=0.1), [0.05, 0.25, 0.5, 0.97],
        [-2.197224577336219, -1.0986122886681098, 0.0, 2.1972245773362196],
        [0.0, 5.333333333333333, 4.0, 0.0]),
    "expit": (S.expit, [-800.0, -2.0, 0.0, 3.0],
        [0.0, 0.11920292202211755, 0.5, 0.9525741268224334],
        [0.0, 0.1049935854035065, 0.25, 0.045176659730912]),
    "entr": (S.entr, [0.5, 1.0, 2.0, 1e-300],
        [0.34657359027997264, -0.0, -1.3862943611198906, 6.907755278982137e-298],
        [-0.3068528194400547, -1.0, -1.6931471805599454, 689.7755278982137]),
    "sinc": (S.sinc, [0.0, 0.5, 1.0, -1.5, 1e-10, 7.25],
        [1.0, 0.6366197723675814, 3.8981718325193755e-17, -0.2122065907891938, 1.0, -0.031045390212314006],
        # PyTorch 2.14.1's gradient at 1e-10 is 0.0; sinc'(x) = -pi^2 x / 3 there
        [0.0, -1.2732395447351625, -1.0, -0.14147106052612907, -math.pi**2 * 1e-10 / 3, -0.09324984703092877]),
    "exp2": (S.exp2, [0.0, 0.5, -3.0, 10.0, -1074.0],
        [1.0, 1.4142135623730951, 0.125, 1024.0, 5e-324],
        [0.6931471805599453, 0.9802581434685472, 0.08664339756999316, 709.782712893384, 5e-324]),
}

# PyTorch 2.14.1: S.xlogy(x, y) and S.xlog1py(x, y), then the gradients of the sum, at x = [0, 0, 2, -1.5, 0]
nan = math.nan
XLOGY = [  # (function, y[0], values, grad x, grad y); y[1:] = [nan, 3, 0.5, 2]
    (S.xlogy, 0.0, [0.0, nan, 2.1972245773362196, 1.0397207708399179, 0.0],
     [0.0, nan, 1.0986122886681098, -0.6931471805599453, 0.6931471805599453],
     [0.0, nan, 0.6666666666666666, -3.0, 0.0]),  # PyTorch's y-gradient at x = y = 0 is 0/0 = nan; minigan's 0
    (S.xlog1py, -1.0, [0.0, nan, 2.772588722239781, -0.6081976621622466, 0.0],
     [0.0, nan, 1.3862943611198906, 0.4054651081081644, 1.0986122886681096],
     [0.0, nan, 0.5, -1.0, 0.0]),  # likewise at x = 0, y = -1
]


def _value_and_grad(f, xs):
    x = minigan.tensor(np.array(xs, dtype=np.float64), requires_grad=True)
    y = f(x)
    (dx,) = minigan.grad(y.sum(), x)
    return y.detach().numpy(), dx.numpy()


# digamma near its root 1.46163...: terms of size 1 sum to a value of size 1e-16, so the error is absolute
ABSOLUTE = {"digamma": 1e-15}
# (rtol, atol) of the gradients where PyTorch's own are off (minigan's checked against closed forms below), or
# where f' cancels: PyTorch's trigamma (digamma's gradient) is good to 5e-10 (psi'(1/2) = pi^2/2 = 4.934802200544679,
# PyTorch 4.934802202073678); its log_ndtr' loses 1.3e-13 at x = -40 and 7e-7 at -1e5; erfcx' = 2x f - 2/sqrt(pi)
# and i0e' = i1e - sign(x) i0e subtract terms up to 1000 times larger than the result
GRADIENT = {"digamma": (1e-9, 0), "log_ndtr": (1e-6, 0), "erfcx": (1e-14, 1e-15), "i0e": (1e-14, 5e-17),
            "i1e": (1e-14, 5e-17), "ndtri": (1e-11, 0)}  # ndtri' = sqrt(2 pi) exp(f^2 / 2): f's last digit times f^2


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("name", sorted(TORCH))
def test_values_and_gradients_are_pytorchs(name, mode):
    f, xs, values, grads = TORCH[name]
    with backends.use_cpu_kernels(mode):
        y, dx = _value_and_grad(f, xs)
    rtol = 1e-9 if name == "polygamma1" else 1e-14  # polygamma(1, x) is PyTorch's trigamma too
    np.testing.assert_allclose(y, values, rtol=rtol, atol=ABSOLUTE.get(name, 1e-300))
    rtol, atol = GRADIENT.get(name, (1e-14, 1e-300))
    np.testing.assert_allclose(dx, grads, rtol=rtol, atol=atol)


def test_where_pytorch_loses_digits_minigan_has_the_closed_forms():
    # trigamma(1/2) = pi^2/2, trigamma(1) = pi^2/6, trigamma(x + 1) = trigamma(x) - 1/x^2
    x = minigan.tensor([0.5, 1.0, 2.0, 3.5], dtype=minigan.float64)
    np.testing.assert_allclose(S.polygamma(1, x).numpy(), [math.pi**2 / 2, math.pi**2 / 6, math.pi**2 / 6 - 1,
                                                           math.pi**2 / 2 - 4 - 4 / 9 - 4 / 25], rtol=1e-15)
    # log_ndtr'(x) = phi(x) / Phi(x) = |x| + 1/|x| - 2/|x|^3 + 10/|x|^5 - 74/|x|^7 + 706/|x|^9 - ... for x << 0
    t = minigan.tensor([-40.0, -1e5], dtype=minigan.float64, requires_grad=True)
    (slope,) = minigan.grad(S.log_ndtr(t).sum(), t)
    u = 1 / np.array([40.0, 1e5])
    series = 1 / u + u - 2 * u**3 + 10 * u**5 - 74 * u**7 + 706 * u**9 - 8162 * u**11
    np.testing.assert_allclose(slope.numpy(), series, rtol=2.3e-16)


def test_poles_infinities_and_nan_are_pytorchs():
    inf, nan = math.inf, math.nan
    def same(got, expected):
        np.testing.assert_array_equal(got.numpy(), np.array(expected))
        assert list(np.signbit(got.numpy())) == list(np.signbit(np.array(expected)))
    same(S.digamma(minigan.tensor([0.0, -0.0, -2.0, -inf, inf, nan], dtype=minigan.float64)), [-inf, inf, nan, nan, inf, nan])
    # the poles at 0, -1, -2... are +inf (PyTorch 2.14: inf at 0, a large finite number at -1 and -2)
    same(S.polygamma(1, minigan.tensor([inf, nan, -inf, 0.0, -1.0, -2.0], dtype=minigan.float64)),
         [0.0, nan, nan, inf, inf, inf])
    same(S.polygamma(2, minigan.tensor([0.0, -1.0], dtype=minigan.float64)), [-inf, -inf])
    same(S.gammaln(minigan.tensor([0.0, -3.0, inf, -inf, nan], dtype=minigan.float64)), [inf, inf, inf, inf, nan])
    # at +-inf, I_0 and I_1 take their limits, where PyTorch 2.14 gives NaN; past 713.98 they overflow to inf,
    # where PyTorch's exp(x) i0e(x) overflows from 709.78
    same(S.i0(minigan.tensor([inf, -inf, nan, 714.0], dtype=minigan.float64)), [inf, inf, nan, inf])
    same(S.i1(minigan.tensor([inf, -inf, -714.0], dtype=minigan.float64)), [inf, -inf, -inf])
    u = 1 / (8 * 713.9)  # A&S 9.7.1's first terms, written out; exp(713.9) as exp(713.9 / 2)^2
    series = 1 + u + 9 * u**2 / 2 + 225 * u**3 / 6 + 11025 * u**4 / 24 + 893025 * u**5 / 120
    i0_713 = math.exp(713.9 / 2) / math.sqrt(2 * math.pi * 713.9) * series * math.exp(713.9 / 2)
    assert S.i0(minigan.tensor([713.9], dtype=minigan.float64)).item() == pytest.approx(i0_713, rel=1e-14)
    same(S.i0e(minigan.tensor([inf, 0.0], dtype=minigan.float64)), [0.0, 1.0])
    same(S.i1e(minigan.tensor([-inf, -0.0], dtype=minigan.float64)), [-0.0, -0.0])
    same(S.erfcx(minigan.tensor([inf, -inf, nan, -27.0], dtype=minigan.float64)), [0.0, inf, nan, inf])
    same(S.log_ndtr(minigan.tensor([inf, -inf, nan], dtype=minigan.float64)), [-0.0, -inf, nan])
    same(S.ndtri(minigan.tensor([0.0, 1.0, -0.5, 1.5, nan], dtype=minigan.float64)), [-inf, inf, nan, nan, nan])
    same(S.entr(minigan.tensor([0.0, -1.0, nan, inf, -inf], dtype=minigan.float64)), [0.0, -inf, nan, -inf, -inf])
    np.testing.assert_allclose(S.multigammaln(minigan.tensor([0.5, -0.3], dtype=minigan.float64), 3).numpy(),
                               [inf, 6.131618039766809], rtol=4e-16)  # below its domain, as PyTorch 2.14's


def test_xlogy_and_xlog1py_at_zero_and_nan_are_pytorchs():
    # PyTorch 2.14.1: x = [0, 0, 2, -1.5, 0], y = [0 (xlog1py: -1), nan, 3, 0.5, 2]
    x = minigan.tensor([0.0, 0.0, 2.0, -1.5, 0.0], dtype=minigan.float64, requires_grad=True)
    for f, first, values, grad_x, grad_y in XLOGY:
        y = minigan.tensor([first, math.nan, 3.0, 0.5, 2.0], dtype=minigan.float64, requires_grad=True)
        out = f(x, y)
        gx, gy = minigan.grad(out.sum(), (x, y))
        np.testing.assert_allclose(out.detach().numpy(), values, rtol=1e-15)
        np.testing.assert_allclose(gx.numpy(), grad_x, rtol=1e-15)
        np.testing.assert_allclose(gy.numpy(), grad_y, rtol=1e-15)
    assert S.xlogy(minigan.tensor([2.0]), 3.0).item() == pytest.approx(2 * math.log(3), rel=1e-7)
    assert S.xlogy(2.0, minigan.tensor([3.0])).item() == pytest.approx(2 * math.log(3), rel=1e-7)


@pytest.mark.parametrize("name, f, derivative", [
    # d/dx of each gradient, written from the closed forms (A&S 6.4.1, 9.6.27, 7.1.19)
    ("gammaln", S.gammaln, lambda x: S.polygamma(1, x)),
    ("digamma", S.digamma, lambda x: S.polygamma(2, x)),
    ("i0", S.i0, lambda x: S.i0(x) - S.i1(x) / x),
    ("i1", S.i1, lambda x: S.i1(x) * (1 + 2 / (x * x)) - S.i0(x) / x),
    ("erfcx", S.erfcx, lambda x: (S.erfcx(x) * (2 * x * x + 1) - 2 * x / math.sqrt(math.pi)) * 2),
    ("ndtri", S.ndtri, lambda p: S.ndtri(p) * 2 * math.pi * (S.ndtri(p) * S.ndtri(p)).exp()),
])
def test_second_derivatives_are_the_closed_forms(name, f, derivative):
    # 25: i0 and i1 on their asymptotic branch (erfcx's closed form cancels there: gradcheck covers it)
    xs = {"ndtri": [0.3, 0.7, 2.5], "gammaln": [0.7, 2.5, -1.5], "erfcx": [0.7, 2.5, -1.5]}.get(name, [0.7, 2.5, -1.5, 25.0])
    x = minigan.tensor(xs, dtype=minigan.float64, requires_grad=True)
    (g,) = minigan.grad(f(x).sum(), x, create_graph=True)
    (h,) = minigan.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), derivative(x.detach()).numpy(), rtol=1e-12)


def test_float32_and_integer_inputs_give_float32_as_pytorch():
    x = np.array([0.3, 1.7, 4.0, 25.0], dtype=np.float32)
    # computed in float64 and rounded (lgamma by the C library's float32 lgammaf under Numba: a few ulps)
    for f in (S.gammaln, S.digamma, S.i0, S.i0e, S.i1, S.i1e, S.erfcx, S.entr, S.exp2, lambda t: S.polygamma(1, t)):
        got = f(minigan.tensor(x))
        assert got.dtype == minigan.float32
        np.testing.assert_allclose(got.numpy(), f(minigan.tensor(x.astype(np.float64))).numpy(), rtol=3e-7)
    for f in (S.gammaln, S.i0, S.ndtri, S.exp2, S.sinc, lambda t: S.xlogy(t, t), lambda t: S.logit(t, eps=0.25)):
        assert f(minigan.tensor([0, 1])).dtype == minigan.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = [S.i0(minigan.tensor([100.0])), S.erfcx(minigan.tensor([-10.0]))]  # past float32's range: inf
    assert all(t.item() == math.inf and t.dtype == minigan.float32 for t in big)


def test_on_the_test_device_with_gradients():
    a = np.array([0.3, 1.7, -2.2, 25.0])
    for f in (S.gammaln, S.digamma, S.i1e, S.erfcx, S.log_ndtr, lambda t: S.polygamma(2, t)):
        x = minigan.tensor(a, requires_grad=True).to("strict")
        y = f(x)
        (dx,) = minigan.grad(y.sum(), x)
        assert y.device == "strict" and dx.device == "strict"
        x_cpu = minigan.tensor(a, requires_grad=True)
        y_cpu = f(x_cpu)
        # within a few ulps: the test device's x ** 2 is pow(), NumPy's a multiplication
        np.testing.assert_allclose(y.cpu().numpy(), y_cpu.detach().numpy(), rtol=1e-14)
        np.testing.assert_allclose(dx.cpu().numpy(), minigan.grad(y_cpu.sum(), x_cpu)[0].numpy(), rtol=1e-14)


def test_tails_keep_their_digits():
    # log_ndtr(x) for x << 0 against its asymptotic series -x^2/2 - log(-x) - log(2 pi)/2 + log(1 - 1/x^2 + 3/x^4)
    x = np.array([-100.0, -1e3, -1e6])
    series = -x * x / 2 - np.log(-x) - math.log(2 * math.pi) / 2 + np.log1p(-1 / x**2 + 3 / x**4 - 15 / x**6)
    np.testing.assert_allclose(S.log_ndtr(minigan.tensor(x)).numpy(), series, rtol=1e-15)
    # ndtri inverts ndtr far into the left tail, where ndtr is erfc(-x / sqrt 2) / 2
    p = np.logspace(-300, -1, 40)
    back = [math.erfc(-v / math.sqrt(2)) / 2 for v in S.ndtri(minigan.tensor(p)).numpy()]
    np.testing.assert_allclose(back, p, rtol=2e-13)  # x / sqrt 2 rounded, times erfc's log-slope x^2 (1400)


def test_the_module_has_pytorchs_names_and_says_which_it_lacks():
    import minigan.torch_api.unsupported as unsupported
    torch_special = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
                     "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr",
                     "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
                     "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e",
                     "laguerre_polynomial_l", "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit",
                     "logsumexp", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
                     "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round",
                     "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
                     "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "scaled_modified_bessel_k0",
                     "scaled_modified_bessel_k1", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]
    for name in torch_special:
        if name in unsupported.SPECIAL:
            with pytest.raises(minigan.UnsupportedFeatureError, match=f"torch.special.{name} is not supported"):
                getattr(S, name)
        else:
            assert callable(getattr(S, name)), name
    assert sorted(S.__all__) == sorted(set(torch_special) - set(unsupported.SPECIAL))
    assert minigan.special is S and S.psi is S.digamma
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        S.no_such_name  # noqa: B018
    x = minigan.tensor([[0.5, 1.5], [2.0, -1.0]], dtype=minigan.float64)
    np.testing.assert_allclose(S.softmax(x, 1).numpy(), minigan.softmax(x, 1).numpy())
    np.testing.assert_allclose(S.log_softmax(x, 0, dtype=minigan.float32).numpy(), minigan.log_softmax(x.float(), 0).numpy())
    np.testing.assert_allclose(S.logsumexp(x, 1).numpy(), np.log(np.exp(x.numpy()).sum(1)))
    assert S.round(minigan.tensor([1.25, 2.5], dtype=minigan.float64), decimals=1).tolist() == [1.2, 2.5]
    for f in (S.erf, S.erfc, S.expm1, S.log1p):
        assert np.isfinite(f(x.abs()).numpy()).all()
    assert S.erfinv(minigan.tensor([0.5])).item() == pytest.approx(0.4769362762044699, rel=1e-7)


def test_top_level_functions_and_tensor_methods():
    x = minigan.tensor([0.3, 1.7, 4.0], dtype=minigan.float64)
    for name, method, special in (("lgamma", x.lgamma(), S.gammaln(x)), ("digamma", x.digamma(), S.digamma(x)),
                                  ("i0", x.i0(), S.i0(x)), ("sinc", x.sinc(), S.sinc(x)), ("exp2", x.exp2(), S.exp2(x)),
                                  ("logit", (x / 5).logit(), S.logit(x / 5))):
        np.testing.assert_array_equal(method.numpy(), special.numpy())
        np.testing.assert_array_equal(getattr(minigan, name)(x if name != "logit" else x / 5).numpy(), special.numpy())
    np.testing.assert_array_equal(x.polygamma(2).numpy(), minigan.polygamma(2, x).numpy())
    np.testing.assert_array_equal(x.xlogy(x).numpy(), minigan.xlogy(x, x).numpy())
    np.testing.assert_array_equal((x + 2).mvlgamma(3).numpy(), minigan.mvlgamma(x + 2, 3).numpy())
    np.testing.assert_array_equal(S.polygamma(0, x).numpy(), S.digamma(x).numpy())


@pytest.mark.parametrize("call, error, message", [
    (lambda x: S.polygamma(-1, x), RuntimeError, "polygamma\\(n, x\\) does not support negative n"),
    (lambda x: S.polygamma(1.5, x), TypeError, "argument 'n' must be int"),
    (lambda x: S.multigammaln(x, 0), RuntimeError, "p has to be greater than or equal to 1"),
    (lambda x: S.xlogy(2.0, 3.0), TypeError, "expected a Tensor"),
])
def test_bad_arguments_say_what_is_wrong_in_one_line(call, error, message):
    with pytest.raises(error, match=message):
        call(minigan.tensor([1.0, 2.0]))
