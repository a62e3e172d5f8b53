"""min() of a whole tensor's zeros, and silu, mish and gelu refusing integer tensors: PyTorch 2.14.1's
answers, written out."""
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
