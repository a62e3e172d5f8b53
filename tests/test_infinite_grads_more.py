"""An infinite incoming gradient through sinc, logaddexp, logaddexp2 and BCE with logits, min() of a
whole tensor's zeros, and silu, mish and gelu refusing integer tensors: PyTorch 2.14.1's answers,
written out (the signs of the slopes by hand), and BCE's finite values and gradients bit for bit as
the composition softplus(x) - x t gives them, written in plain NumPy."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.gradcheck import gradcheck, gradgradcheck
from minigan.nn import functional as F

INF, NAN = math.inf, math.nan


def _t(values, dtype=minigan.float64, requires_grad=True):
    return minigan.tensor(values, dtype=dtype, requires_grad=requires_grad)


def _backward(y, incoming):
    y.backward(minigan.full(tuple(y.shape), incoming, dtype=y.dtype))


def _quiet():
    """NumPy warns of the NaN that inf * 0 makes, which PyTorch gives silently: where a test expects one."""
    return np.errstate(invalid="ignore")


def _same(got, expected):
    """Values equal, NaN equal to NaN, and zeros of the same sign."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert got.shape == expected.shape
    assert ((got == expected) | (np.isnan(got) & np.isnan(expected))).all(), (got, expected)
    assert (np.signbit(got) == np.signbit(expected))[expected == 0].all(), (got, expected)


# ------------------------------------------------------------------ hardswish
HARDSWISH_POINTS = [-INF, -4.0, -3.0, -2.0, -1.5, -1.0, 0.0, 1.0, 2.9, 3.0, 4.0, INF, NAN]


def test_hardswish_passes_an_infinite_gradient_times_its_slope():
    # PyTorch 2.14.1: 0 at and below -3, grad (x/3 + 1/2) between (inf * 0 = NaN at -1.5, where the
    # slope is 0), grad from 3 on and at a NaN; the product rule gave inf - inf, NaN, on (-3, 0]
    slopes = [0, 0, 0, -1, NAN, 1, 1, 1, 1, 1, 1, 1, 1]  # the signs of the slopes
    for dtype in (minigan.float64, minigan.float32):
        for incoming in (INF, -INF):
            x = _t(HARDSWISH_POINTS, dtype)
            with _quiet():
                _backward(F.hardswish(x), incoming)
            _same(x.grad.tolist(), [s * incoming if s else 0.0 for s in slopes])


def test_hardswish_keeps_its_values_and_finite_gradient():
    x = _t(HARDSWISH_POINTS)
    with _quiet():
        y = F.hardswish(x)
    _same(y.tolist()[:-1], [v if v >= 3 else v * min(max(v + 3.0, 0.0), 6.0) / 6.0 for v in HARDSWISH_POINTS[:-1]])
    assert math.isnan(y.tolist()[-1])  # -0.0 at and below -3 and NaN at -inf (inf * 0), as PyTorch's
    _backward(y, -2.0)
    _same(x.grad.tolist(), [0.0 if v <= -3 else -2.0 * (v / 3.0 + 0.5) if v < 3 else -2.0 for v in HARDSWISH_POINTS])
    z = _t([-3.6, -2.2, -0.4, 0.9, 2.5, 3.3])
    assert gradcheck(F.hardswish, [z]).ok and gradgradcheck(F.hardswish, [z]).ok


# ------------------------------------------------------------------ sinc
SINC_POINTS = [-3.0, -1.0, -0.5, 1e-5, 0.0, 0.5, 1.0, 3.0]


def _sinc_slope(x: float) -> float:
    """(cos(pi x) - sinc(x)) / x, or pi^2 x (pi^2 x^2 / 30 - 1/3) near 0, 0 at 0."""
    if x == 0.0:
        return 0.0
    if abs(x) < 1e-4:
        return math.pi ** 2 * x * (math.pi ** 2 * x * x / 30.0 - 1.0 / 3.0)
    return (math.cos(math.pi * x) - math.sin(math.pi * x) / (math.pi * x)) / x


def test_sinc_passes_an_infinite_gradient_times_its_slope():
    # PyTorch 2.14.1: grad * f'(x), +-inf with the slope's sign, 0 at x = 0 (where it picks 0);
    # the quotient's product rule gave inf - inf, NaN
    signs = [1, 1, 1, -1, 0, -1, -1, -1]  # f' = (cos(pi x) - sinc x) / x at the points
    for dtype in (minigan.float64, minigan.float32):
        for incoming in (INF, -INF):
            x = _t(SINC_POINTS, dtype)
            _backward(minigan.sinc(x), incoming)
            _same(x.grad.tolist(), [sign * incoming if sign else 0.0 for sign in signs])


def test_sinc_keeps_its_values_and_finite_gradient():
    x = _t(SINC_POINTS)
    y = minigan.sinc(x)
    expected = [math.sin(math.pi * v) / (math.pi * v) if v else 1.0 for v in SINC_POINTS]
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-15, atol=1e-16)
    _backward(y, 2.0)
    np.testing.assert_allclose(x.grad.numpy(), [2.0 * _sinc_slope(v) for v in SINC_POINTS], rtol=1e-12, atol=1e-15)
    z = _t([-2.3, -0.7, 0.2, 1.6])
    assert gradcheck(minigan.sinc, [z]).ok and gradgradcheck(minigan.sinc, [z]).ok
    near = _t([-5e-5, 3e-5])  # the Taylor branch's second derivative: pi^2 (pi^2 x^2 / 10 - 1/3)
    (slope,) = minigan.autograd.grad(minigan.sinc(near).sum(), near, create_graph=True)
    (curvature,) = minigan.autograd.grad(slope.sum(), near)
    np.testing.assert_allclose(curvature.numpy(), [math.pi ** 2 * (math.pi ** 2 * v * v / 10.0 - 1.0 / 3.0)
                                                   for v in (-5e-5, 3e-5)], rtol=1e-12)


# ------------------------------------------------------------------ logaddexp, logaddexp2
LEFT = [-40.0, -1.0, 0.0, 2.0, 40.0, INF, -INF, 3.0]
RIGHT = [0.0, 0.5, 0.0, -1.0, 0.0, 1.0, 1.0, INF]


@pytest.mark.parametrize("f", [minigan.logaddexp, minigan.logaddexp2], ids=["logaddexp", "logaddexp2"])
def test_logaddexp_passes_an_infinite_gradient_times_its_slopes(f):
    # PyTorch 2.14.1: grad / (1 + base^(other - input)): +-inf where the slope is above 0, NaN where it is
    # 0 (inf * 0: at an input of -inf, or beside an other of +inf); the composition gave NaN everywhere
    for dtype in (minigan.float64, minigan.float32):
        for incoming in (INF, -INF):
            a, b = _t(LEFT, dtype), _t(RIGHT, dtype)
            with _quiet():
                _backward(f(a, b), incoming)
            _same(a.grad.tolist(), [incoming] * 6 + [NAN, NAN])
            _same(b.grad.tolist(), [incoming] * 5 + [NAN, incoming, incoming])


def test_logaddexp_keeps_its_values_and_gradients():
    a, b = _t(LEFT[:5]), _t(RIGHT[:5])
    y = minigan.logaddexp(a, b)
    np.testing.assert_allclose(y.detach().numpy(), np.logaddexp(LEFT[:5], RIGHT[:5]), rtol=1e-15)
    _backward(y, 3.0)
    sigmoid = [1.0 / (1.0 + math.exp(r - v)) for v, r in zip(LEFT[:5], RIGHT[:5])]
    np.testing.assert_allclose(a.grad.numpy(), [3.0 * s for s in sigmoid], rtol=1e-14)
    np.testing.assert_allclose(b.grad.numpy(), [3.0 / (1.0 + math.exp(v - r)) for v, r in zip(LEFT[:5], RIGHT[:5])],
                               rtol=1e-14)
    a, b = _t([INF, -INF]), _t([INF, -INF])  # the same infinity: that value, the gradient split (PyTorch: NaN)
    y = minigan.logaddexp2(a, b)
    assert y.tolist() == [INF, -INF]
    _backward(y, INF)
    assert a.grad.tolist() == b.grad.tolist() == [INF, INF]
    x, z = _t([[0.3, -1.2, 2.0], [1.5, 0.1, -0.4]]), _t([0.7, -1.2, -3.0])  # broadcast, ties included
    for f in (minigan.logaddexp, minigan.logaddexp2):
        assert gradcheck(f, [x, z]).ok and gradgradcheck(f, [x, z]).ok
    with pytest.raises(RuntimeError, match=r"the size of tensor a \(3\) must match the size of tensor b \(2\)"):
        minigan.logaddexp(x, _t([1.0, 2.0]))


# ------------------------------------------------------------------ BCE with logits
LOGITS = [-40.0, -3.0, -0.5, 0.0, 0.5, 3.0, 40.0]
TARGETS = [0.0, 0.3, 1.0]


def _grid(dtype=minigan.float64):
    x = _t([v for v in LOGITS for _ in TARGETS], dtype)
    t = _t([v for _ in LOGITS for v in TARGETS], dtype)
    return x, t


def test_bce_with_logits_passes_an_infinite_gradient_times_its_slopes():
    # PyTorch 2.14.1: d/dx = grad (sigmoid(x) - t), d/dt = -grad x; the composition softplus(x) - x t
    # gave inf - inf (NaN) in x. Signs: sigmoid(x) - t, written out per logit and target (0, 0.3, 1);
    # at 40, sigmoid is 1 in float32 and float64, so t = 1 gives 0 * inf = NaN, as PyTorch's
    signs_x = {-40.0: [1, -1, -1], -3.0: [1, -1, -1], -0.5: [1, 1, -1], 0.0: [1, 1, -1], 0.5: [1, 1, -1],
               3.0: [1, 1, -1], 40.0: [1, 1, 0]}
    for dtype in (minigan.float64, minigan.float32):
        for reduction in ("none", "sum"):
            for incoming in (INF, -INF):
                x, t = _grid(dtype)
                with _quiet():
                    _backward(F.binary_cross_entropy_with_logits(x, t, reduction=reduction), incoming)
                _same(x.grad.tolist(), [s * incoming if s else NAN for v in LOGITS for s in signs_x[v]])
                _same(t.grad.tolist(), [-math.copysign(1.0, v) * incoming if v else NAN
                                        for v in LOGITS for _ in TARGETS])
    # an infinite logit: the composition's own gradient stands, so the target's is PyTorch's -grad x,
    # while the logit's stays NaN (inf - inf) where PyTorch's is (sigmoid(x) - t) grad = inf, -inf
    x, t = _t([INF, -INF]), _t([0.3, 0.3])
    with _quiet():
        _backward(F.binary_cross_entropy_with_logits(x, t, reduction="none"), INF)
    _same(t.grad.tolist(), [-INF, INF])
    _same(x.grad.tolist(), [NAN, NAN])
    x, t = _grid()  # a weight of 2 keeps the signs; a weight of 0 gives inf * 0, NaN, as PyTorch's
    weight = minigan.tensor([2.0, 0.0, 2.0] * len(LOGITS), dtype=minigan.float64)
    with _quiet():
        _backward(F.binary_cross_entropy_with_logits(x, t, weight=weight, reduction="none"), INF)
    _same(x.grad.tolist(), [NAN if i % 3 == 1 or (v == 40.0 and i % 3 == 2) else s * INF
                            for v in LOGITS for i, s in zip(range(3), signs_x[v])])


def _sigmoid(x):
    """minigan/formulas.py's sigmoid, split on the sign of x, in plain NumPy."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bce_with_logits_keeps_its_finite_values_and_gradients_bit_for_bit(dtype):
    # the composition's own operations, in plain NumPy: loss = (max(x, 0) + log1p(exp(-|x|))) - x t,
    # d/dx = g sigmoid(x) + (-g) t, d/dt = (-g) x (the training runs are checked bit for bit)
    rng = np.random.default_rng(3)
    x_np = (rng.normal(0.0, 4.0, 300)).astype(dtype)
    t_np = rng.uniform(0.0, 1.0, 300).astype(dtype)
    g_np = rng.normal(0.0, 2.0, 300).astype(dtype)
    loss_np = (np.maximum(x_np, dtype(0)) + np.log1p(np.exp(-np.abs(x_np)))) - x_np * t_np
    x, t = minigan.tensor(x_np, requires_grad=True), minigan.tensor(t_np, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    assert loss.dtype == dtype and np.array_equal(loss.detach().numpy(), loss_np)
    loss.backward(minigan.tensor(g_np))
    assert np.array_equal(x.grad.numpy(), g_np * _sigmoid(x_np) + (-g_np) * t_np)
    assert np.array_equal(t.grad.numpy(), (-g_np) * x_np)
    x, t = minigan.tensor(x_np, requires_grad=True), minigan.tensor(t_np, requires_grad=True)
    F.binary_cross_entropy_with_logits(x, t, reduction="sum").backward()
    one = np.ones_like(g_np)
    assert np.array_equal(x.grad.numpy(), one * _sigmoid(x_np) + (-one) * t_np)
    x64, t64 = _grid()
    check = lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="none")  # noqa: E731
    assert gradcheck(check, [x64, t64]).ok and gradgradcheck(check, [x64, t64]).ok


# ------------------------------------------------------------------ min() of a whole tensor
def test_min_of_a_whole_tensor_gives_the_others_plus_zero():
    # PyTorch 2.14.1's min() writes the gradient into zeros: +0.0 for any incoming gradient (the
    # negation around max(-x) made it -0.0); ties share it, as max()'s
    for dtype in (minigan.float64, minigan.float32):
        for incoming in (1.0, -1.0, INF, -INF, NAN, 0.0, -0.0):
            x = _t([1.0, 3.0, -0.5, 2.0], dtype)
            y = x.min()
            assert y.item() == -0.5
            _backward(y, incoming)
            _same(x.grad.tolist(), [0.0, 0.0, incoming, 0.0])
            x = _t([1.0, -2.0, 2.0, -2.0], dtype)
            _backward(minigan.min(x), incoming)
            _same(x.grad.tolist(), [0.0, incoming / 2, 0.0, incoming / 2])
    x = _t([2.0, NAN, -1.0])  # a NaN is the minimum, and takes the gradient
    y = x.min()
    assert math.isnan(y.item())
    _backward(y, -3.0)
    _same(x.grad.tolist(), [0.0, -3.0, 0.0])
    z = _t([[0.4, -1.1, 2.0], [0.9, 1.3, -0.2]])
    assert gradcheck(lambda a: a.min(), [z]).ok and gradgradcheck(lambda a: (a * a).min(), [z]).ok
    assert minigan.tensor([3, -2, 5]).min().item() == -2  # integers and bools as before
    assert minigan.tensor([True, False]).min().item() is False


# ------------------------------------------------------------------ silu, mish, gelu of integers
def test_silu_mish_and_gelu_refuse_integer_and_bool_tensors_as_pytorchs():
    cases = [(F.silu, "silu_cpu"), (lambda t: F.silu(t, inplace=True), "silu_cpu"), (nn.SiLU(), "silu_cpu"),
             (F.mish, "mish_cpu"), (nn.Mish(), "mish_cpu"), (F.gelu, "GeluKernelImpl"),
             (lambda t: F.gelu(t, approximate="tanh"), "GeluKernelImpl"), (nn.GELU(), "GeluKernelImpl")]
    for f, kernel in cases:
        for values, dtype, name in (([1, 2], minigan.int64, "Long"), ([1], minigan.int32, "Int"),
                                    ([True], minigan.bool, "Bool"), ([7], minigan.uint8, "Byte")):
            with pytest.raises(NotImplementedError, match=f"^\"{kernel}\" not implemented for '{name}'$"):
                f(minigan.tensor(values, dtype=dtype))
    x = minigan.tensor([-1.0, 0.0, 2.0])  # floats as before
    assert F.silu(x).dtype == F.mish(x).dtype == F.gelu(x).dtype == minigan.float32


def test_the_other_float_only_activations_refuse_integer_and_bool_tensors_as_pytorchs():
    # PyTorch 2.14.1's messages, written out; before, these made the tensor float32, and uint8's
    # logsigmoid gave -255 and its softmax NaN (the negation or the exponential wrapped)
    cases = [(F.elu, "elu_cpu"), (F.selu, "elu_cpu"), (F.celu, "elu_cpu"), (lambda t: F.elu(t, inplace=True), "elu_cpu"),
             (F.softplus, "softplus_cpu"), (F.logsigmoid, "log_sigmoid_cpu"), (F.hardsigmoid, "hardsigmoid_cpu"),
             (F.hardswish, "hardswish_cpu"), (F.leaky_relu, "leaky_relu_cpu"), (F.rrelu, "leaky_relu_cpu"),
             (F.hardshrink, "hardshrink_cpu"), (F.softshrink, "softshrink_check"), (F.glu, "glu_cpu"),
             (lambda t: F.softmax(t, dim=0), "softmax_lastdim_kernel_impl"),
             (lambda t: F.log_softmax(t, dim=0), "log_softmax_lastdim_kernel_impl"),
             (lambda t: F.softmin(t, dim=0), "softmax_lastdim_kernel_impl")]
    for f, kernel in cases:
        for values, dtype, name in (([1, 2], minigan.int64, "Long"), ([7, 0], minigan.uint8, "Byte")):
            with pytest.raises(NotImplementedError, match=f"^\"{kernel}\" not implemented for '{name}'$"):
                f(minigan.tensor(values, dtype=dtype))
    matrix = minigan.tensor([[1, 2], [0, 3]])
    with pytest.raises(NotImplementedError, match="^\"softmax_kernel_impl\" not implemented for 'Long'$"):
        F.softmax(matrix, dim=0)  # not the last dimension: PyTorch's other kernel
    with pytest.raises(NotImplementedError, match="^Boolean inputs not supported for relu$"):
        F.relu(minigan.tensor([True, False]))
    assert F.relu(minigan.tensor([-3, 4])).tolist() == [0, 4]  # integers stay integers, as in PyTorch
    # dtype= casts first, as PyTorch's
    np.testing.assert_allclose(F.softmax(minigan.tensor([1, 2]), 0, dtype=minigan.float32).numpy(),
                               [1 / (1 + math.e), math.e / (1 + math.e)], rtol=1e-6)


def test_hardtanh_relu6_and_threshold_keep_an_integer_dtype_as_pytorchs():
    # PyTorch 2.14.1's values, written out: the limits, threshold and value cut to integers toward 0
    x = minigan.tensor([-3, 1, 2, 0, 7])
    assert F.hardtanh(x).tolist() == [-1, 1, 1, 0, 1] and F.hardtanh(x).dtype == minigan.int64
    assert F.hardtanh(x, -2.7, 3.9).tolist() == [-2, 1, 2, 0, 3]
    assert F.relu6(x).tolist() == [0, 1, 2, 0, 6]
    assert F.threshold(x, 1.5, 2.5).tolist() == [2, 2, 2, 2, 7]
    assert F.threshold(minigan.tensor([-1, -2, 0]), -1.5, -7.9).tolist() == [-7, -7, 0]
    small = minigan.tensor([1, 200], dtype=minigan.uint8)
    assert F.relu6(small).tolist() == [1, 6] and F.relu6(small).dtype == minigan.uint8
    assert F.hardtanh_(minigan.tensor([-3, 5])).tolist() == [-1, 1]
    with pytest.raises(RuntimeError, match="^cannot do hardtanh on an unsigned type with negative limits$"):
        F.hardtanh(small)
    with pytest.raises(NotImplementedError, match="^Bool inputs not supported for hardtanh$"):
        F.relu6(minigan.tensor([True]))
    with pytest.raises(NotImplementedError, match="^\"threshold_cpu\" not implemented for 'Bool'$"):
        F.threshold(minigan.tensor([True]), 0, 1)
    with pytest.raises(NotImplementedError, match="^Boolean inputs not supported for relu$"):
        minigan.relu(minigan.tensor([True]))
    with pytest.raises(RuntimeError, match="^prelu: Type promoting not supported. Got Long and Float$"):
        F.prelu(minigan.tensor([1, -2]), minigan.tensor([0.25]))
    with pytest.raises(NotImplementedError, match="^\"prelu_cpu\" not implemented for 'Long'$"):
        F.prelu(minigan.tensor([1, -2]), minigan.tensor([3]))
