"""The CPU backends: every Numba kernel against the NumPy reference backend, Adam against
PyTorch's formulas written out, numerical edge cases, the errors the ops raise for the kernels,
the kernel choice, the formulas' one definition, and the Numba cache/disable-jit setup.
PyTorch itself is compared in bench/compare_torch.py, where it is installed.

The Hypothesis profile ("ci": no deadline, derandomized) comes from tests/conftest.py.
Under NUMBA_DISABLE_JIT=1 the same tests run the kernels as plain Python, on smaller shapes.
"""
from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import minigan
from minigan import backends, formulas, ops
from minigan.backends import numba as cpu
from minigan.backends.numpy import backend as reference
from minigan.backends.report import thread_settings
from minigan.gradcheck.cases import LAYOUTS, lay_out

ROOT = Path(__file__).resolve().parent.parent
JIT_DISABLED = cpu.JIT_DISABLED
ACTIVATIONS = tuple(formulas.ACTIVATIONS)
# Pure-Python kernels run ~1000x slower: keep the drawn shapes small there.
MAX_DIM = 9 if JIT_DISABLED else 70
DTYPES = (np.float32, np.float64)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def eps(dtype: type) -> float:
    return float(np.finfo(dtype).eps)


def assert_matmul_close(out: np.ndarray, a: np.ndarray, b: np.ndarray, extra: float = 0.0) -> None:
    """|out - a@b| <= K * eps * (|a| @ |b|): the float rounding bound, scaled to the reduction."""
    exact = a.astype(np.float64) @ b.astype(np.float64)
    bound = (a.shape[1] + 2) * eps(out.dtype) * (np.abs(a).astype(np.float64) @ np.abs(b)) + extra
    bound += np.finfo(out.dtype).tiny
    assert out.shape == exact.shape
    assert out.dtype == a.dtype
    excess = np.abs(out - exact) - bound
    assert np.all(excess <= 0), f"max excess {excess.max()} at {np.unravel_index(excess.argmax(), excess.shape)}"


parallel_threshold = cpu.parallel_min_elements  # 0: the parallel builds; a huge value: the serial ones


kernel_env = backends.use_cpu_kernels


class kernels:  # noqa: N801 - the CPU backend in use, called the way the ops call it
    @staticmethod
    def matmul(a, b):  # noqa: ANN001, ANN205
        return backends.backend_for("cpu").matmul(a, b)

    @staticmethod
    def linear_act_forward(x, w, b, act, slope=0.01):  # noqa: ANN001, ANN205
        return backends.backend_for("cpu").linear_act_forward(x, w, b, act, slope)

    @staticmethod
    def linear_act_backward(grad_y, y, act, slope=0.01):  # noqa: ANN001, ANN205
        return backends.backend_for("cpu").linear_act_backward(grad_y, y, act, slope)

    @staticmethod
    def adam_update(param, grad, m, v, step, lr, beta1, beta2, eps, weight_decay=0.0,  # noqa: ANN001, ANN205
                    decoupled=False, max_exp_avg_sq=None, backend=None):
        backend = backend or backends.backend_for("cpu")
        backend.adam([param], [grad], [m], [v], None if max_exp_avg_sq is None else [max_exp_avg_sq],
                     formulas.adam_scalars(step, lr, beta1, beta2, eps, weight_decay, decoupled))

    @staticmethod
    def bce_with_logits(x, t):  # noqa: ANN001, ANN205
        return backends.backend_for("cpu").bce_with_logits(x, t)


dims = st.integers(1, MAX_DIM)
seeds = st.integers(0, 2**32 - 1)
dtypes = st.sampled_from(DTYPES)
layouts = st.sampled_from(LAYOUTS)  # C order, strided, Fortran order, broadcast (0-stride)
activations = st.sampled_from(ACTIVATIONS)
builds = st.sampled_from((0, 1 << 60))  # parallel or serial build of the elementwise kernels


# --------------------------------------------------------------------------------------------
# matmul
# --------------------------------------------------------------------------------------------
@given(m=dims, k=dims, n=dims, dtype=dtypes, la=layouts, lb=layouts, seed=seeds)
def test_matmul_matches_reference(m, k, n, dtype, la, lb, seed):
    rng = np.random.default_rng(seed)
    a = lay_out(rng.standard_normal((m, k)).astype(dtype), la)
    b = lay_out(rng.standard_normal((k, n)).astype(dtype), lb)
    assert_matmul_close(cpu.numba_matmul(a, b), a, b)  # the Numba kernel itself
    assert_matmul_close(kernels.matmul(a, b), a, b)  # whatever the dispatch picks


@pytest.mark.skipif(JIT_DISABLED, reason="large shapes take minutes as pure Python")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(256, 1024, 784), (64, 784, 512), (3, 1000, 1), (1, 300, 257)])
def test_matmul_large(shape, dtype):
    m, k, n = shape
    rng = np.random.default_rng(m + k + n)
    a = rng.standard_normal((m, k)).astype(dtype)
    w = rng.standard_normal((n, k)).astype(dtype)
    assert_matmul_close(cpu.numba_matmul(a, w.T), a, w.T)  # the forward layout x @ W.T
    gz = rng.standard_normal((m, n)).astype(dtype)
    assert_matmul_close(cpu.numba_matmul(gz.T, a), gz.T, a)  # grad_W = grad_z.T @ x


MATMUL_SHAPES = [(1, 1, 1), (5, 1, 7), (6, 1, 5), (3, 4, 5), (17, 33, 9), (64, 100, 128), (65, 129, 67)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", MATMUL_SHAPES)
@pytest.mark.parametrize("layout", ["x@W.T", "a@b", "a.T@b", "a.T@b.T"])
def test_the_numba_matmul_is_selectable_and_matches_blas(shape, layout, dtype):
    """backends.use_matmul("numba") runs the Numba kernel, "blas" NumPy's BLAS (with the exact
    broadcast product for K == 1), on every layout the Linear layer's forward and backward make."""
    m, k, n = shape
    rng = np.random.default_rng(m * k * n)
    a = rng.standard_normal((k, m) if layout.startswith("a.T") else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if layout.endswith(".T") else (k, n)).astype(dtype)
    a = a.T if layout.startswith("a.T") else a
    b = b.T if layout.endswith(".T") else b
    blas = np.matmul(a, b)  # BLAS, written out
    with backends.use_cpu_kernels("numba"):
        assert backends.matmul_kernel() == "blas"  # the default
        with backends.use_matmul("numba"):
            assert backends.matmul_kernel() == "numba"
            by_numba = kernels.matmul(a, b)
        assert backends.matmul_kernel() == "blas"
        by_blas = kernels.matmul(a, b)
    np.testing.assert_array_equal(by_numba, cpu.numba_matmul(a, b))  # the Numba kernel ran
    np.testing.assert_array_equal(by_blas, a * b if k == 1 else blas)  # BLAS ran
    assert_matmul_close(by_numba, a, b)  # both within the rounding bound of the exact product
    assert_matmul_close(by_blas, a, b)


def test_use_matmul_sets_the_kernel_until_changed_and_checks_its_name():
    try:
        backends.use_matmul("numba")
        assert backends.matmul_kernel() == "numba"
        with backends.use_matmul("blas"):
            assert backends.matmul_kernel() == "blas"
        assert backends.matmul_kernel() == "numba"
    finally:
        backends.use_matmul("blas")
    with pytest.raises(ValueError, match="unknown matmul kernel 'mkl'.*'blas', 'numba'"):
        backends.use_matmul("mkl")
    assert backends.matmul_kernel() == "blas"


def test_the_numba_matmul_leaves_other_dtypes_to_blas():
    a = np.arange(6, dtype=np.float16).reshape(2, 3)
    with backends.use_cpu_kernels("numba"), backends.use_matmul("numba"):
        np.testing.assert_array_equal(kernels.matmul(a, a.T), a @ a.T)


# --------------------------------------------------------------------------------------------
# Linear + activation
# --------------------------------------------------------------------------------------------
@given(batch=dims, n_in=dims, n_out=dims, act=activations, has_bias=st.booleans(),
       dtype=dtypes, lx=layouts, lw=layouts, build=builds, seed=seeds)
# builds the derandomized draws leave out: leaky_relu's parallel one, relu's serial one (x @ W^T
# as stored, inputs < 4 x batch) and leaky_relu's on the transposed product (inputs >= 4 x batch)
@example(batch=7, n_in=9, n_out=33, act="leaky_relu", has_bias=True, dtype=np.float32, lx="contiguous",
         lw="strided", build=0, seed=5)
@example(batch=7, n_in=9, n_out=33, act="relu", has_bias=True, dtype=np.float64, lx="transposed",
         lw="contiguous", build=1 << 60, seed=6)
@example(batch=2, n_in=40, n_out=17, act="leaky_relu", has_bias=False, dtype=np.float32, lx="contiguous",
         lw="contiguous", build=0, seed=7)
@example(batch=2, n_in=40, n_out=17, act="leaky_relu", has_bias=True, dtype=np.float64, lx="contiguous",
         lw="contiguous", build=1 << 60, seed=8)
def test_linear_act_forward_matches_reference(batch, n_in, n_out, act, has_bias, dtype, lx, lw,
                                              build, seed):
    rng = np.random.default_rng(seed)
    x = lay_out((rng.standard_normal((batch, n_in)) * 3).astype(dtype), lx)
    w = lay_out(rng.standard_normal((n_out, n_in)).astype(dtype), lw)
    b = rng.standard_normal(n_out).astype(dtype) if has_bias else None
    with parallel_threshold(build):
        y = kernels.linear_act_forward(x, w, b, act, slope=0.2)
    expected = reference.linear_act_forward(x, w, b, act, slope=0.2)
    assert y.dtype == x.dtype and y.shape == (batch, n_out)
    # |act'| <= 1 for every activation, so the matmul bound carries over to y
    absz = np.abs(x).astype(np.float64) @ np.abs(w.T) + (0 if b is None else np.abs(b))
    bound = (n_in + 4) * eps(dtype) * absz + 4 * eps(dtype)
    assert np.all(np.abs(y - expected) <= bound)


@given(batch=dims, width=st.integers(1, 3 * MAX_DIM), act=activations, dtype=dtypes,
       lg=layouts, ly=layouts, build=builds, seed=seeds)
# the derandomized draws never pick leaky_relu: its builds are checked here, in both dtypes
@example(batch=7, width=33, act="leaky_relu", dtype=np.float32, lg="contiguous", ly="strided", build=0, seed=5)
@example(batch=7, width=33, act="leaky_relu", dtype=np.float64, lg="transposed", ly="contiguous", build=0, seed=6)
@example(batch=7, width=33, act="leaky_relu", dtype=np.float64, lg="strided", ly="transposed", build=1 << 60, seed=7)
def test_linear_act_backward_matches_reference(batch, width, act, dtype, lg, ly, build, seed):
    rng = np.random.default_rng(seed)
    y = formulas.ACTIVATIONS[act][0](rng.standard_normal((batch, width)).astype(dtype), 0.2)
    y = lay_out(y, ly)
    grad_y = lay_out(rng.standard_normal((batch, width)).astype(dtype), lg)
    with parallel_threshold(build):
        grad_z, grad_bias = kernels.linear_act_backward(grad_y, y, act, slope=0.2)
    ref_z, ref_bias = reference.linear_act_backward(grad_y, y, act, slope=0.2)
    assert grad_z.dtype == dtype and grad_bias.dtype == dtype
    assert grad_z.shape == (batch, width) and grad_bias.shape == (width,)
    np.testing.assert_allclose(grad_z, ref_z, rtol=4 * eps(dtype), atol=0)
    bound = (batch + 1) * eps(dtype) * np.abs(ref_z).sum(axis=0) + np.finfo(dtype).tiny
    assert np.all(np.abs(grad_bias - ref_bias) <= bound)


@pytest.mark.skipif(JIT_DISABLED, reason="large shapes take minutes as pure Python")
@pytest.mark.parametrize("shape", [(256, 1024), (64, 1), (1, 1024), (256, 784), (256, 1)])
@pytest.mark.parametrize("act", ACTIVATIONS)
def test_linear_act_large(shape, act):
    batch, width = shape
    rng = np.random.default_rng(batch * width)
    x = rng.standard_normal((batch, 512)).astype(np.float32)
    w = (rng.standard_normal((width, 512)) / 20).astype(np.float32)
    b = rng.standard_normal(width).astype(np.float32)
    y = kernels.linear_act_forward(x, w, b, act)
    np.testing.assert_allclose(y, reference.linear_act_forward(x, w, b, act, 0.01), rtol=1e-4, atol=1e-4)
    grad_y = rng.standard_normal(y.shape).astype(np.float32)
    grad_z, grad_bias = kernels.linear_act_backward(grad_y, y, act)
    ref_z, ref_bias = reference.linear_act_backward(grad_y, y, act, 0.01)
    np.testing.assert_allclose(grad_z, ref_z, rtol=1e-6)
    np.testing.assert_allclose(grad_bias, ref_bias, rtol=1e-4, atol=1e-4 * math.sqrt(batch))


@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize("build", [0, 1 << 40])  # the parallel and the serial build
def test_the_transposed_products_epilogue_is_bias_act_on_the_transpose(act, build, monkeypatch):
    """NumbaBackend.linear_act_forward makes x @ W^T as (W @ x^T)^T and finishes it with
    bias_act_transposed: the same formula per element as bias_act_ on the product laid out as
    usual, so the same bits, NaN passed through, and the forward within rounding of NumPy's."""
    rng = np.random.default_rng(3)
    z_t = (rng.standard_normal((37, 21)) * 4).astype(np.float32)  # (features, batch), rows not a multiple of 16
    z_t[5, 7] = np.nan
    bias = rng.standard_normal(37).astype(np.float32)
    expected = cpu.backend.bias_act_(np.ascontiguousarray(z_t.T), bias, act, 0.2)
    with parallel_threshold(build):
        y = cpu.backend.bias_act_transposed(z_t, bias, act, 0.2)
    np.testing.assert_array_equal(y, expected)
    assert np.isnan(y[7, 5]) and y.flags.c_contiguous and y.shape == (21, 37)
    made = []
    monkeypatch.setattr(cpu.backend, "bias_act_transposed", lambda *args: made.append(args) or
                        cpu.dense.bias_act_transposed(*args))
    x = rng.standard_normal((6, 4 * 6 + 1)).astype(np.float32)  # inputs >= 4 x batch: the transposed product
    w = rng.standard_normal((37, 4 * 6 + 1)).astype(np.float32)
    with backends.use_cpu_kernels("numba"), parallel_threshold(build):
        forward = kernels.linear_act_forward(x, w, bias, act, 0.2)
        assert len(made) == 1
        kernels.linear_act_forward(x[:, :23], w[:, :23], bias, act, 0.2)  # fewer: x @ W^T as stored
        assert len(made) == 1
    plain = formulas.ACTIVATIONS[act][0]((x.astype(np.float64) @ w.T.astype(np.float64) + bias), 0.2)
    np.testing.assert_allclose(forward, plain, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_extreme_logits_finite(mode, dtype):
    x = np.array([[1e4], [-1e4], [0.0], [50.0], [-50.0], [750.0], [-750.0]], dtype)
    w = np.ones((3, 1), dtype)
    with kernel_env(mode), np.errstate(all="raise"):
        y = kernels.linear_act_forward(x, w, None, "sigmoid")
        grad_z, _ = kernels.linear_act_backward(np.ones_like(y), y, "sigmoid")
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(grad_z))
    assert y[0, 0] == 1 and y[1, 0] == 0 and y[2, 0] == 0.5
    assert np.all((y >= 0) & (y <= 1))


def test_nan_propagates_through_activations():
    # no "nnan" fastmath and NaN-aware selects: NaN in, NaN out, like NumPy and PyTorch
    x = np.array([[np.nan], [1.0]], np.float32)
    w = np.ones((1, 1), np.float32)
    for act in ACTIVATIONS:
        y = kernels.linear_act_forward(x, w, None, act)
        assert np.isnan(y[0, 0]) and not np.isnan(y[1, 0]), act
        grad_z, _ = kernels.linear_act_backward(np.ones_like(y), y, act)
        assert not np.isnan(grad_z[1, 0]), act


# --------------------------------------------------------------------------------------------
# Adam / AdamW
# --------------------------------------------------------------------------------------------
def torch_formula_adam(param, grads, lr, beta1, beta2, eps_, weight_decay, decoupled, amsgrad):
    """torch.optim.Adam / AdamW (single-tensor, maximize=False), written out step by step."""
    p = param.astype(np.float64)
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    vmax = np.zeros_like(p)
    for step, grad in enumerate(grads, start=1):
        g = grad.astype(np.float64)
        if weight_decay != 0:
            if decoupled:
                p = p * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * p
        m = m + (1 - beta1) * (g - m)  # exp_avg.lerp_(grad, 1 - beta1)
        v = v * beta2 + (1 - beta2) * g * g
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        if amsgrad:
            vmax = np.maximum(vmax, v)
            denom = np.sqrt(vmax) / math.sqrt(bias_correction2) + eps_
        else:
            denom = np.sqrt(v) / math.sqrt(bias_correction2) + eps_
        p = p - step_size * m / denom
    return p, m, v, vmax


ADAM_VARIANTS = [  # (weight_decay, decoupled, amsgrad)
    (0.0, False, False), (0.05, False, False), (0.05, True, False),
    (0.0, False, True), (0.05, True, True),
]


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("variant", ADAM_VARIANTS)
@pytest.mark.parametrize("shape", [(7, 5), (3,), (), (2, 3, 4)])
def test_adam_matches_torch_formulas(shape, variant, dtype, mode):
    weight_decay, decoupled, amsgrad = variant
    rng = np.random.default_rng(len(shape))
    param0 = rng.standard_normal(shape).astype(dtype)
    grads = [rng.standard_normal(shape).astype(dtype) for _ in range(6)]
    hyper = dict(lr=1e-2, beta1=0.8, beta2=0.95, eps_=1e-8, weight_decay=weight_decay,
                 decoupled=decoupled, amsgrad=amsgrad)
    p_ref, m_ref, v_ref, vmax_ref = torch_formula_adam(param0, grads, **hyper)

    param = param0.copy()
    m = np.zeros(shape, dtype)
    v = np.zeros(shape, dtype)
    vmax = np.zeros(shape, dtype) if amsgrad else None
    with kernel_env(mode):
        for step, grad in enumerate(grads, start=1):
            grad_before = grad.copy()
            kernels.adam_update(param, grad, m, v, step, 1e-2, 0.8, 0.95, 1e-8,
                                weight_decay=weight_decay, decoupled=decoupled,
                                max_exp_avg_sq=vmax)
            np.testing.assert_array_equal(grad, grad_before)  # grad is read only
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert param.dtype == dtype
    np.testing.assert_allclose(param, p_ref, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(m, m_ref, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(v, v_ref, rtol=rtol, atol=rtol)
    if amsgrad:
        np.testing.assert_allclose(vmax, vmax_ref, rtol=rtol, atol=rtol)


@given(n=st.integers(1, 40 * MAX_DIM), variant=st.sampled_from(ADAM_VARIANTS), dtype=dtypes,
       fortran=st.booleans(), build=builds, seed=seeds)
def test_adam_numba_matches_reference(n, variant, dtype, fortran, build, seed):
    weight_decay, decoupled, amsgrad = variant
    rng = np.random.default_rng(seed)
    shape = (n, 3)
    order = "F" if fortran else "C"
    arrays = {}
    for name in ("param", "grad", "exp_avg"):
        arrays[name] = np.asarray(rng.standard_normal(shape), dtype=dtype, order=order)
    arrays["exp_avg_sq"] = np.asarray(rng.random(shape), dtype=dtype, order=order)
    if amsgrad:
        arrays["max_exp_avg_sq"] = np.asarray(rng.random(shape), dtype=dtype, order=order)
    copies = {k: a.copy(order=order) for k, a in arrays.items()}
    args = dict(step=3, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=weight_decay,
                decoupled=decoupled)
    with parallel_threshold(build):
        kernels.adam_update(arrays["param"], arrays["grad"], arrays["exp_avg"],
                            arrays["exp_avg_sq"], max_exp_avg_sq=arrays.get("max_exp_avg_sq"),
                            **args)
    kernels.adam_update(copies["param"], copies["grad"], copies["exp_avg"],
                        copies["exp_avg_sq"], max_exp_avg_sq=copies.get("max_exp_avg_sq"),
                        backend=reference, **args)
    for name in arrays:
        np.testing.assert_allclose(arrays[name], copies[name], rtol=4 * eps(dtype),
                                   atol=4 * eps(dtype), err_msg=name)


@given(n=st.integers(1, 40 * MAX_DIM), dtype=dtypes, layout=st.sampled_from(("C", "F", "strided", "mixed")),
       build=builds, seed=seeds)
def test_lerp_matches_the_plain_numpy_step_bit_for_bit(n, dtype, layout, build, seed):
    """The weight average's step, start + w (end - start), in place: the CPU kernels give the bits
    of NumPy written out (three roundings, no fused multiply-add), in every layout."""
    rng = np.random.default_rng(seed)
    start = np.asarray(rng.standard_normal((n, 3)), dtype=dtype, order="F" if layout in ("F", "mixed") else "C")
    end = np.asarray(rng.standard_normal((n, 3)), dtype=dtype, order="F" if layout == "F" else "C")
    if layout == "strided":
        start, end = np.repeat(start, 2, axis=1)[:, ::2], np.repeat(end, 2, axis=1)[:, ::2]
    weight = 1.0 - 0.999
    scratch = end - start
    scratch *= dtype(weight)
    expected = start + scratch
    by_reference = start.copy()
    reference.lerp_([by_reference], [end], weight)
    with parallel_threshold(build):
        backends.backend_for("cpu").lerp_([start], [end], weight)
    np.testing.assert_array_equal(start, expected)
    np.testing.assert_array_equal(by_reference, expected)


def test_adam_rejects_a_non_contiguous_parameter():
    param = minigan.nn.Parameter(np.zeros((4, 3), np.float32))
    param.array = np.zeros((4, 6), np.float32)[:, ::2]
    param.grad = minigan.tensor(np.ones((4, 3), np.float32))
    with pytest.raises(ValueError, match="not contiguous"):
        minigan.optim.Adam([param]).step()


def test_adam_takes_a_gradient_in_another_memory_order():
    param = minigan.nn.Parameter(np.asfortranarray(np.ones((4, 3), np.float32)))
    grad = np.arange(12, dtype=np.float32).reshape(4, 3)
    param.grad = minigan.tensor(grad)
    reference_param = minigan.nn.Parameter(np.ones((4, 3), np.float32))
    reference_param.grad = minigan.tensor(grad)
    minigan.optim.Adam([param], lr=0.1).step()
    minigan.optim.Adam([reference_param], lr=0.1).step()
    np.testing.assert_array_equal(param.array, reference_param.array)


# --------------------------------------------------------------------------------------------
# BCE with logits
# --------------------------------------------------------------------------------------------
@given(n=st.integers(1, 4 * MAX_DIM), cols=st.integers(1, 3), scale=st.sampled_from([1.0, 30.0, 1e4]),
       dtype=dtypes, lx=layouts, lt=layouts, seed=seeds)
def test_bce_matches_reference(n, cols, scale, dtype, lx, lt, seed):
    rng = np.random.default_rng(seed)
    x = lay_out((rng.standard_normal((n, cols)) * scale).astype(dtype), lx)
    t = lay_out(rng.random((n, cols)).astype(dtype), lt)  # soft targets too
    # underflow to 0 (or a subnormal) is the right answer for large |x|, not an error
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, grad = kernels.bce_with_logits(x, t)
        ref_loss, ref_grad = reference.bce_with_logits(x, t)
    assert loss.shape == () and loss.dtype == dtype and grad.dtype == dtype
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(loss, ref_loss, rtol=(n * cols + 4) * eps(dtype), atol=eps(dtype))
    # sigmoid(x) - t cancels: the error is a few ulps of max(|s|, |t|) <= 1, over N
    np.testing.assert_allclose(grad, ref_grad, rtol=4 * eps(dtype), atol=4 * eps(dtype) / (n * cols))


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_extreme_logits(mode, dtype):
    x = np.array([[1e4], [-1e4], [1e4], [-1e4], [0.0]], dtype)
    t = np.array([[1.0], [0.0], [0.0], [1.0], [1.0]], dtype)
    with kernel_env(mode), np.errstate(all="raise"):
        loss, grad = kernels.bce_with_logits(x, t)
    # two confident right answers (loss 0), two confident wrong ones (loss 1e4 each), log 2
    np.testing.assert_allclose(loss, (2e4 + math.log(2)) / 5, rtol=1e-6)
    np.testing.assert_allclose(grad.ravel(), [0, 0, 0.2, -0.2, -0.1], atol=1e-7)


def test_bce_gradient_is_derivative_of_mean_loss():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 2)) * 3
    t = (rng.random((6, 2)) < 0.5).astype(np.float64)
    _, grad = kernels.bce_with_logits(x, t)
    h = 1e-6
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (kernels.bce_with_logits(up, t)[0] - kernels.bce_with_logits(down, t)[0]) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


# --------------------------------------------------------------------------------------------
# dropout
# --------------------------------------------------------------------------------------------
@given(shape=st.lists(dims, min_size=0, max_size=3), p=st.floats(0.0, 1.0),
       dtype=dtypes, layout=layouts, seed=seeds)
def test_dropout_matches_reference(shape, p, dtype, layout, seed):
    rng = np.random.default_rng(seed)
    x = lay_out(rng.standard_normal(shape).astype(dtype), layout)
    bits = rng.integers(0, 2**32, shape, dtype=np.uint32)
    threshold = min(round(p * 2**32), 2**32 - 1)
    scale = 1 / (1 - p) if p < 1 else 0.0
    out = cpu.backend.dropout(x, bits, threshold, scale)
    expected = np.where(bits >= threshold, x * dtype(scale), dtype(0))  # written out plainly
    assert out.dtype == dtype and out.shape == x.shape
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(reference.dropout(x, bits, threshold, scale), expected)


def test_dropout_multiplies_by_the_mask_as_pytorch_does():
    """A dropped NaN or inf stays NaN (inf * 0), a kept one passes: the mask multiplies."""
    x = np.array([np.nan, np.inf, np.nan, 2.0], np.float32)
    bits = np.array([0, 0, 2**31, 2**31], np.uint32)
    for backend in (cpu.backend, reference):
        with np.errstate(invalid="ignore"):
            out = backend.dropout(x, bits, 2**30, 2.0)
        np.testing.assert_array_equal(out, [np.nan, np.nan, np.nan, 4.0])


# --------------------------------------------------------------------------------------------
# errors and dispatch
# --------------------------------------------------------------------------------------------
def test_unknown_activation():
    x = minigan.tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="unknown activation 'gelu'.*relu"):
        ops.linear(x, minigan.tensor(np.ones((4, 3))), None, "gelu")


def test_kernel_mode_is_read_once_and_checked(monkeypatch):
    monkeypatch.setenv("MINIGAN_KERNELS", "fortran")
    with pytest.raises(ValueError, match="'fortran'.*'numba', 'numpy'"):
        backends.kernel_mode_from_environment()
    assert backends.cpu_kernel_mode() in backends.CPU_KERNEL_MODES  # already read: unchanged
    assert backends.kernel_mode_from_environment({"MINIGAN_KERNELS": " NumPy "}) == "numpy"
    assert backends.kernel_mode_from_environment({"MINIGAN_KERNELS": ""}) == "numba"
    assert backends.kernel_mode_from_environment({}) == "numba"
    with pytest.raises(ValueError, match="unknown CPU kernel mode"):
        with backends.use_cpu_kernels("fortran"):
            pass


def test_the_ops_check_shapes_before_the_kernels():
    f32 = np.float32
    t = lambda shape: minigan.tensor(np.ones(shape, f32))  # noqa: E731
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4, 5\) do not match"):
        ops.matmul(t((2, 3)), t((4, 5)))
    with pytest.raises(ValueError, match=r"input has 3 features but the weight \(4, 5\)"):
        ops.linear(t((2, 3)), t((4, 5)), None, "relu")
    with pytest.raises(ValueError, match=r"bias has shape \(3,\) but the weight \(4, 5\) has 4 outputs"):
        ops.linear(t((2, 5)), t((4, 5)), t((3,)), "relu")
    with pytest.raises(ValueError, match=r"target shape \(3, 1\) differs from input shape \(4, 1\)"):
        minigan.nn.functional.binary_cross_entropy_with_logits(t((4, 1)), t((3, 1)))


def test_numpy_mode_uses_reference():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    w = rng.standard_normal((3, 4)).astype(np.float32)
    with backends.use_cpu_kernels("numpy"):
        assert backends.backend_for("cpu") is reference
        y = kernels.linear_act_forward(x, w, None, "tanh")
        np.testing.assert_array_equal(kernels.matmul(x, w.T), x @ w.T)
    np.testing.assert_array_equal(y, np.tanh(x @ w.T))


def test_warmup_and_thread_settings():
    assert backends.warmup((np.float32, np.float64)) >= 0
    info = thread_settings()
    for key in ("kernel_mode", "numba_threads", "numba_threading_layer", "blas", "env",
                "numba_cache_dir"):
        assert key in info
    assert set(info["env"]) >= {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"}


def _cpu_backend_of_an_op() -> object:
    """The backend an op on a float32 CPU array runs on now."""
    return backends.backend_of(np.ones(3, np.float32))


def test_warm_in_background_runs_the_reference_until_switch_then_numba_once():
    with backends.use_cpu_kernels("numba"):
        staging = backends.warm_in_background(activations=("tanh",))
        try:
            assert not staging.switched
            assert _cpu_backend_of_an_op() is reference
            assert backends.cpu_kernel_mode() == "numpy"
        finally:
            staging.switch()
        assert staging.switched
        assert _cpu_backend_of_an_op() is cpu.backend
        with backends.use_cpu_kernels("numpy"):
            staging.switch()  # a second switch does nothing: the block's reference stays
            assert _cpu_backend_of_an_op() is reference
        assert _cpu_backend_of_an_op() is cpu.backend


def test_warm_in_background_raises_the_load_error_once_from_switch():
    with backends.use_cpu_kernels("numba"):
        staging = backends.warm_in_background(activations=("gelu",))
        with pytest.raises(ValueError, match="unknown activation 'gelu'"):
            staging.switch()
        assert staging.switched and _cpu_backend_of_an_op() is cpu.backend  # never left on the reference
        staging.switch()  # raised once


def test_warm_in_background_does_nothing_with_the_numpy_kernels():
    with backends.use_cpu_kernels("numpy"):
        staging = backends.warm_in_background(activations=("gelu",))  # nothing loads: no error either
        staging.switch()
        assert not staging.switched
        assert _cpu_backend_of_an_op() is reference


@pytest.mark.slow
@pytest.mark.skipif(JIT_DISABLED, reason="inspects compiled LLVM IR")
def test_float32_kernels_stay_float32():
    """No float -> double conversion in the float32 builds (a Python float constant would add one)."""
    from numba import njit

    f32 = np.float32
    z = np.ones((3, 4), f32)
    templates = cpu.kernel_templates()
    cases = [(templates["adam"], "_adam", {}, (*(np.ones(5, f32) for _ in range(5)), True,
                                               *(f32(c) for c in (1, 0, 0.1, 0.999, 0.001, 1, 1e-8, -1e-3)))),
             (templates["lerp"], "_lerp", {}, (np.ones(5, f32), np.ones(5, f32), f32(0.001))),
             (templates["matmul_nt"], "_matmul", {}, (z, np.ones((5, 4), f32), np.ones((3, 5), f32)))]
    for act, (forward, backward) in cpu.SCALAR_FORMULAS.ACTIVATIONS.items():
        cases.append((templates["bias_act"], f"_bias_{act}", {"act": forward}, (z, np.ones(4, f32), f32(0.01))))
        cases.append((templates["act_backward"], f"_back_{act}", {"act_backward": backward},
                      (z, z, f32(0.01), z.copy(), np.ones(4, f32), 16)))
    for fn, suffix, bindings, args in cases:
        # a fresh uncached build: Numba cannot show the IR of code loaded from its cache
        dispatcher = njit(cache=False)(cpu.specialize(fn, suffix + "_ir", **bindings))
        dispatcher(*args)
        llvm_ir = dispatcher.inspect_llvm(dispatcher.signatures[0])
        assert "fpext" not in llvm_ir, fn.__name__ + suffix


# --------------------------------------------------------------------------------------------
# Numba configuration: cache directory, disabled JIT
# --------------------------------------------------------------------------------------------
def _run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter; cache variables come only from ``env``."""
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("NUMBA_CACHE_DIR", "MINIGAN_CACHE")}
    full_env.update(env)
    return subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=300)


_IMPORT_AND_RUN_A_KERNEL = (
    "import os, numba, numpy as np\n"
    "from minigan import backends\n"
    "from minigan.backends import numba as cpu\n"
    "assert 'NUMBA_CACHE_DIR' not in os.environ and numba.core.config.CACHE_DIR == ''  # nothing set at import\n"
    "with backends.use_cpu_kernels('numba'):\n"
    "    backends.backend_for('cpu').bce_with_logits(np.zeros(3, np.float32), np.ones(3, np.float32))\n"
    "assert 'NUMBA_CACHE_DIR' not in os.environ and numba.core.config.CACHE_DIR == ''  # nor after\n"
    "print(cpu.numba_cache_dir())\n"
)


@pytest.mark.skipif(JIT_DISABLED, reason="nothing is compiled or cached with the JIT disabled")
def test_numba_cache_dir_follows_minigan_cache(tmp_path):
    result = _run_python(_IMPORT_AND_RUN_A_KERNEL, MINIGAN_CACHE=str(tmp_path))
    assert result.returncode == 0, result.stderr
    expected = tmp_path / "numba" / cpu.cache_key()  # a changed formula gets a fresh cache
    assert result.stdout.strip() == str(expected)
    assert list(expected.rglob("*.nbi")) and list(expected.rglob("*.nbc"))  # the kernel's cache landed there


@pytest.mark.skipif(JIT_DISABLED, reason="nothing is compiled or cached with the JIT disabled")
def test_user_numba_cache_dir_wins(tmp_path):
    user = tmp_path / "user"
    code = _IMPORT_AND_RUN_A_KERNEL.replace("CACHE_DIR == ''", f"CACHE_DIR == {str(user)!r}").replace(
        "'NUMBA_CACHE_DIR' not in os.environ", f"os.environ['NUMBA_CACHE_DIR'] == {str(user)!r}")
    result = _run_python(code, MINIGAN_CACHE=str(tmp_path / "a"), NUMBA_CACHE_DIR=str(user))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(user)
    assert list(user.rglob("*.nbi")) and not (tmp_path / "a" / "numba").exists()


@pytest.mark.slow
def test_unwritable_cache_dir_does_not_crash(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    code = (
        "import numpy as np\n"
        "from minigan.backends import numba as cpu\n"
        "assert cpu.numba_cache_dir() is None, cpu.numba_cache_dir()\n"
        "loss, grad = cpu.backend.bce_with_logits(np.zeros((3, 1)), np.ones((3, 1)))\n"
        "print(float(loss))\n"
    )
    for env in ({"MINIGAN_CACHE": str(blocker / "sub")}, {"NUMBA_CACHE_DIR": str(blocker / "sub")}):
        result = _run_python(code, **env)
        assert result.returncode == 0, result.stderr
        assert abs(float(result.stdout) - math.log(2)) < 1e-12


@pytest.mark.slow
@pytest.mark.skipif(JIT_DISABLED, reason="this is the test that starts the pure-Python run")
def test_kernels_pass_with_jit_disabled():
    """CI covers the pure-Python path: a fast subset of this file under NUMBA_DISABLE_JIT=1."""
    subset = "matches_reference or extreme or torch_formulas or rejects or nan_propagates or dropout"
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(Path(__file__)), "-q", "-x", "-k", subset,
         "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
