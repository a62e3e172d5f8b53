"""``minigan.autograd.Function`` written as PyTorch's tutorials write ``torch.autograd.Function``:
forward on Tensors, ``ctx.saved_tensors``, a bare Tensor from backward, non-Tensor arguments,
the ``setup_context`` form; checked against closed forms and finite differences."""
import numpy as np
import pytest

import minigan
import minigan.autograd
from minigan.gradcheck import gradcheck, gradgradcheck


class LegendrePolynomial3(minigan.autograd.Function):
    """P3(x) = (5x³ - 3x) / 2;  P3'(x) = 1.5 (5x² - 1), as in PyTorch's polynomial tutorial."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)  # a bare Tensor for the one input


class MyReLU(minigan.autograd.Function):
    """The two-layer-net tutorial's ReLU: Tensor methods in forward, index assignment in backward."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class ScaleBy(minigan.autograd.Function):
    """x * k for a Python number k, in PyTorch 2's form: forward without ctx, then setup_context."""

    @staticmethod
    def forward(x, k):
        return x * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.k = inputs[1]

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.k, None


def test_forward_and_backward_on_tensors_give_the_closed_forms():
    x = minigan.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = LegendrePolynomial3.apply(x)
    y.sum().backward()
    values = np.array([-1.0, 0.5, 2.0])
    assert np.allclose(y.tolist(), 0.5 * (5 * values ** 3 - 3 * values))
    assert np.allclose(x.grad.tolist(), 1.5 * (5 * values ** 2 - 1))
    assert y.grad_fn.name() == "LegendrePolynomial3Backward"


def test_tensor_methods_in_forward_and_index_assignment_in_backward():
    x = minigan.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    MyReLU.apply(x).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0]  # PyTorch's tutorial passes the gradient at 0


def test_a_number_argument_reaches_forward_as_given_and_takes_a_none_gradient():
    x = minigan.tensor([1.0, -2.0], requires_grad=True)
    y = ScaleBy.apply(x, 3)
    y.sum().backward()
    assert y.tolist() == [3.0, -6.0] and x.grad.tolist() == [3.0, 3.0]


def test_the_gradients_pass_gradcheck_and_the_saved_input_gives_second_derivatives():
    x = minigan.tensor([0.3, -0.7, 1.1], dtype=minigan.float64, requires_grad=True)
    assert gradcheck(LegendrePolynomial3.apply, (x,))
    assert gradgradcheck(LegendrePolynomial3.apply, (x,))
    (first,) = minigan.grad(LegendrePolynomial3.apply(x).sum(), x, create_graph=True)
    (second,) = minigan.grad(first.sum(), x)
    assert np.allclose(second.tolist(), 15 * np.array([0.3, -0.7, 1.1]))  # P3'' = 15x


def test_wrong_counts_of_gradients_or_outputs_raise_one_line():
    class TwoOutputs(minigan.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x, x

        @staticmethod
        def backward(ctx, g):
            return g

    class TooMany(minigan.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    x = minigan.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="TwoOutputs.forward returned 2 outputs"):
        TwoOutputs.apply(x)
    with pytest.raises(RuntimeError, match=r"TooManyBackward returned an incorrect number of gradients \(expected 1, got 2\)"):
        TooMany.apply(x).sum().backward()


def test_minigans_own_function_still_runs_forward_on_arrays():
    seen = []

    class Double(minigan.Function):
        @staticmethod
        def forward(ctx, a):
            seen.append(type(a))
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return (g * 2,)

    assert Double.apply(minigan.tensor([1.0])).tolist() == [2.0] and seen == [np.ndarray]
    assert minigan.Function is not minigan.autograd.Function
