"""F.bilinear and nn.Bilinear: y_o = x1ᵀ A_o x2 + b_o against loops written out here, the gradients'
closed forms, PyTorch 2.14.1's values written out by hand (float64), PyTorch's initialisation and
one clear line for each bad argument."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F


def bilinear_by_hand(x1: np.ndarray, x2: np.ndarray, weight: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    out_features, in1, in2 = weight.shape
    lead = x1.shape[:-1]
    y = np.zeros(lead + (out_features,))
    for n in np.ndindex(*lead):
        for o in range(out_features):
            total = 0.0 if bias is None else bias[o]
            for i in range(in1):
                for j in range(in2):
                    total += x1[n + (i,)] * weight[o, i, j] * x2[n + (j,)]
            y[n + (o,)] = total
    return y


def test_values_and_gradients_against_loops_and_closed_forms():
    rng = np.random.default_rng(0)
    x1, x2, weight, bias = (rng.standard_normal(s) for s in ((4, 3), (4, 5), (2, 3, 5), (2,)))
    upstream = rng.standard_normal((4, 2))
    t = [minigan.tensor(a, requires_grad=True) for a in (x1, x2, weight, bias)]
    out = F.bilinear(*t)
    np.testing.assert_allclose(out.array, bilinear_by_hand(x1, x2, weight, bias), rtol=1e-13)
    (out * minigan.tensor(upstream)).sum().backward()
    grad_x1, grad_x2 = np.zeros_like(x1), np.zeros_like(x2)
    grad_w, grad_b = np.zeros_like(weight), upstream.sum(axis=0)
    for n in range(4):
        for o in range(2):
            grad_x1[n] += upstream[n, o] * weight[o] @ x2[n]  # dy_o/dx1 = A_o x2
            grad_x2[n] += upstream[n, o] * weight[o].T @ x1[n]  # dy_o/dx2 = A_oᵀ x1
            grad_w[o] += upstream[n, o] * np.outer(x1[n], x2[n])  # dy_o/dA_o = x1 x2ᵀ
    for tensor, expected in zip(t, (grad_x1, grad_x2, grad_w, grad_b)):
        np.testing.assert_allclose(tensor.grad.array, expected, rtol=1e-12)


def test_matches_pytorchs_values():
    weight = minigan.tensor(np.arange(24.0).reshape(2, 3, 4) / 10 - 1, requires_grad=True)
    bias = minigan.tensor([0.5, -0.25], dtype=minigan.float64, requires_grad=True)
    x1 = minigan.tensor([[1.0, -2.0, 0.5], [0.0, 1.0, 3.0]], dtype=minigan.float64, requires_grad=True)
    x2 = minigan.tensor([[2.0, 1.0, -1.0, 0.5], [1.0, 0.0, 0.0, -2.0]], dtype=minigan.float64, requires_grad=True)
    out = F.bilinear(x1, x2, weight, bias)
    (out * minigan.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=minigan.float64)).sum().backward()
    # PyTorch 2.14.1, torch.nn.functional.bilinear on the same float64 values, then the same weighted sum
    np.testing.assert_allclose(out.array, [[0.7250000000000001, -1.5250000000000001],
                                           [-0.7000000000000002, -6.249999999999998]], rtol=1e-14)
    np.testing.assert_allclose(x1.grad.array, [[-1.3499999999999996, 1.6500000000000004, 4.6499999999999995],
                                               [-0.7999999999999999, -0.6, -0.3999999999999997]], rtol=1e-14)
    np.testing.assert_allclose(x2.grad.array, [[-0.9000000000000005, -1.0499999999999996, -1.2000000000000002,
                                                -1.3499999999999996], [3.0, 2.8, 2.6, 2.3999999999999995]],
                               rtol=1e-14)
    np.testing.assert_allclose(bias.grad.array, [0.0, 2.5], atol=1e-15)
    np.testing.assert_allclose(weight.grad.array, [
        [[2.0, 1.0, -1.0, 0.5], [-5.0, -2.0, 2.0, 1.0], [-2.0, 0.5, -0.5, 6.25]],
        [[4.0, 2.0, -2.0, 1.0], [-7.5, -4.0, 4.0, -3.0], [3.5, 1.0, -1.0, -2.5]]], rtol=1e-14)


def test_leading_dims_unbatched_input_and_no_bias():
    rng = np.random.default_rng(1)
    x1, x2, weight = rng.standard_normal((3, 2, 4)), rng.standard_normal((3, 2, 5)), rng.standard_normal((6, 4, 5))
    out = F.bilinear(minigan.tensor(x1), minigan.tensor(x2), minigan.tensor(weight))
    assert out.shape == (3, 2, 6)
    np.testing.assert_allclose(out.array, bilinear_by_hand(x1, x2, weight, None), rtol=1e-12)
    single = F.bilinear(minigan.tensor(x1[0, 0]), minigan.tensor(x2[0, 0]), minigan.tensor(weight))
    np.testing.assert_allclose(single.array, out.array[0, 0], rtol=1e-14)


def test_module_initialises_as_pytorch_and_keeps_its_dtype():
    layer = nn.Bilinear(4, 3, 5, rng=np.random.default_rng(2))
    rng = np.random.default_rng(2)
    bound = 1 / np.sqrt(4)  # 1 / sqrt(in1_features), weight first, then bias
    np.testing.assert_allclose(layer.weight.array, rng.uniform(-bound, bound, (5, 4, 3)), rtol=1e-6)
    np.testing.assert_allclose(layer.bias.array, rng.uniform(-bound, bound, 5), rtol=1e-6)
    assert layer.weight.shape == (5, 4, 3) and layer.weight.dtype == np.float32
    out = layer(minigan.ones(2, 4), minigan.ones(2, 3))
    assert out.shape == (2, 5) and out.dtype == np.float32
    assert repr(layer) == "Bilinear(in1_features=4, in2_features=3, out_features=5, bias=True)"
    assert nn.Bilinear(2, 2, 1, bias=False).bias is None
    assert sorted(name for name, _ in layer.named_parameters()) == ["bias", "weight"]


def test_bad_inputs_get_one_clear_line():
    w = minigan.ones(5, 3, 4)
    with pytest.raises(RuntimeError, match="input batch dimensions do not match at dim 0: got 2 and 3"):
        F.bilinear(minigan.ones(2, 3), minigan.ones(3, 4), w)
    with pytest.raises(RuntimeError, match="input2 size does not match weight size: got 5 but expected 4"):
        F.bilinear(minigan.ones(2, 3), minigan.ones(2, 5), w)
    with pytest.raises(RuntimeError, match="bias size does not match weight size: got 4 but expected 5"):
        F.bilinear(minigan.ones(2, 3), minigan.ones(2, 4), w, minigan.ones(4))
    with pytest.raises(RuntimeError, match="weight must be three-dimensional"):
        F.bilinear(minigan.ones(2, 3), minigan.ones(2, 4), minigan.ones(3, 4))
    with pytest.raises(RuntimeError, match="input dimensions do not match: got 2 and 3"):
        F.bilinear(minigan.ones(2, 3), minigan.ones(1, 2, 4), w)
    with pytest.raises(TypeError, match="input1 must be a Tensor"):
        F.bilinear([1.0, 2.0, 3.0], minigan.ones(4), w)
    with pytest.raises(ValueError, match="feature counts must be positive"):
        nn.Bilinear(0, 2, 3)


@given(st.data())
def test_property_bilinear_equals_the_sum_written_out(data):
    lead = tuple(data.draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    in1, in2, out_features = (data.draw(st.integers(1, 4)) for _ in range(3))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    x1, x2 = rng.standard_normal(lead + (in1,)), rng.standard_normal(lead + (in2,))
    weight, bias = rng.standard_normal((out_features, in1, in2)), rng.standard_normal(out_features)
    with np.errstate(all="raise"):
        out = F.bilinear(minigan.tensor(x1), minigan.tensor(x2), minigan.tensor(weight), minigan.tensor(bias))
    np.testing.assert_allclose(out.array, bilinear_by_hand(x1, x2, weight, bias), rtol=1e-12, atol=1e-13)
