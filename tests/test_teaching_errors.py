"""Errors that teach (issue 24): what a learner's first own op gets wrong, said in one message
that names the Function, what came back and what was expected."""
from __future__ import annotations

import numpy as np
import pytest

import minigan as mg
from minigan import nn
from minigan import Function, Tensor
from minigan.gradcheck import gradcheck, gradgradcheck


def leaf(values, dtype=np.float64):
    return mg.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


class ArrayTwice(Function):
    """f = 2a, with micro's convention: backward returns an array."""

    @staticmethod
    def forward(ctx, a):
        return 2 * a

    @staticmethod
    def backward(ctx, grad):
        return (grad.array * 2,)


def test_backward_returning_an_array_names_the_function_and_the_fix():
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(TypeError) as caught:
        ArrayTwice.apply(x).sum().backward()
    message = str(caught.value)
    assert message.startswith("ArrayTwice.backward returned a numpy.ndarray of shape (3,) as the gradient of input 0")
    assert "expected a minigan Tensor (or None)" in message
    assert "return Tensors built from ctx.inputs with Tensor ops, so that create_graph can record them" in message
    assert "\n" not in message


class IntegerGrad(Function):
    @staticmethod
    def forward(ctx, a):
        return 2 * a

    @staticmethod
    def backward(ctx, grad):
        return (Tensor._make(np.full(ctx.inputs[0].shape, 2, dtype=np.int64), False, None),)


def test_backward_returning_an_integer_dtype_says_what_was_expected():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"^IntegerGrad\.backward returned a gradient of dtype int64 for input 0 "
                                           r"of dtype float64; expected a floating dtype \(float64\)"):
        IntegerGrad.apply(x).sum().backward()


class Float32Grad(Function):
    @staticmethod
    def forward(ctx, a):
        return 3 * a

    @staticmethod
    def backward(ctx, grad):
        return ((grad * 3.0).astype(np.float32),)


def test_another_floating_dtype_is_cast_as_pytorch_does():
    x = leaf([1.0, 2.0])  # float64; backward hands back float32: PyTorch's engine casts it
    Float32Grad.apply(x).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.array, [3.0, 3.0])


class CpuGrad(Function):
    @staticmethod
    def forward(ctx, a):
        return a * 2

    @staticmethod
    def backward(ctx, grad):
        return (mg.tensor(np.full(ctx.inputs[0].shape, 2.0), dtype=np.float64),)  # always on the CPU


def test_backward_returning_a_gradient_on_another_device():
    pytest.importorskip("array_api_strict")
    x = mg.tensor(np.array([1.0, 2.0]), requires_grad=True, device="strict")
    with pytest.raises(RuntimeError, match=r"^CpuGrad\.backward returned a gradient on device cpu for input 0 on "
                                           r"device strict; expected the input's device"):
        CpuGrad.apply(x).sum().backward()


class SavedCube(Function):
    """f = a³ with backward 3a² g, computed from an array saved in forward: right values, no
    recorded dependence on a, so the second derivative is wrong."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a ** 3

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved
        return (grad * Tensor(3 * a ** 2, dtype=a.dtype),)


class Cube(Function):
    """The same op written as the contract asks: backward from ctx.inputs, in Tensor ops."""

    @staticmethod
    def forward(ctx, a):
        return a ** 3

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.inputs
        return (grad * 3.0 * a * a,)


def test_gradgradcheck_names_saved_arrays_as_the_likely_cause():
    x = leaf([[0.5, -1.0, 2.0]])
    assert gradcheck(SavedCube.apply, [x]).ok  # the first derivative is right
    result = gradgradcheck(SavedCube.apply, [x], raise_exception=False)
    assert not result.ok
    assert "the second derivative with respect to the inputs differs from finite differences" in result.message
    assert "Likely cause: SavedCube.backward computes with arrays saved in forward (ctx.save_for_backward)" in result.message
    assert "read the inputs from ctx.inputs" in result.message
    good = gradgradcheck(Cube.apply, [x], raise_exception=False)
    assert good.ok and "Likely cause" not in good.message


@pytest.mark.parametrize("fused", [True, False])
def test_float64_input_to_float32_layer_raises_as_pytorch(fused):
    layer = nn.Linear(3, 2, rng=np.random.default_rng(0))  # float32 weights
    model = nn.Sequential(layer, nn.ReLU()) if fused else layer
    x = mg.tensor(np.ones((4, 3)), dtype=np.float64)
    with pytest.raises(RuntimeError, match=r"^mat1 and mat2 must have the same dtype, but got Double and Float "
                                           r"\(the input is float64, the weight float32\)"):
        model(x)
    with pytest.raises(RuntimeError, match=r"^mat1 and mat2 must have the same dtype, but got Float and Double"):
        layer.to(np.float64)(mg.tensor(np.ones((4, 3)), dtype=np.float32))


def test_linear_with_one_dtype_still_works_in_both():
    for dtype in (np.float32, np.float64):
        layer = nn.Linear(3, 2, rng=np.random.default_rng(0), dtype=dtype)
        out = layer(mg.tensor(np.ones((4, 3)), dtype=dtype))
        assert out.dtype == dtype
        np.testing.assert_allclose(out.array, np.ones((4, 3), dtype) @ layer.weight.array.T + layer.bias.array, rtol=1e-6)
