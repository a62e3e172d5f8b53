"""A second backward through a graph, without retain_graph, as in PyTorch: only a node whose saved
values were freed raises; a node that saved nothing (an add, a sum, a view) is passed again.

What PyTorch 2 does for each op (raise or not, and the gradient after two backwards) is written out
below, as read off torch itself.
"""
import numpy as np
import pytest

import minigan
from minigan.ops import parts

SECOND = r"^Trying to backward through the graph a second time \(or directly access saved tensors after they " \
         r"have already been freed\)\. Saved intermediate values of the graph are freed when you call " \
         r"\.backward\(\) or autograd\.grad\(\)\. Specify retain_graph=True"

X = [1.0, 2.0, 3.0]
W = [0.5, -1.0, 2.0]

# op: (f(x, w), PyTorch's x.grad after y.sum().backward() twice; None where the second one raises)
CASES = {
    "add a number": (lambda x, w: x + 1, [2.0, 2.0, 2.0]),
    "add": (lambda x, w: x + w, [2.0, 2.0, 2.0]),
    "sub": (lambda x, w: x - w, [2.0, 2.0, 2.0]),
    "neg": (lambda x, w: -x, [-2.0, -2.0, -2.0]),
    "sum": (lambda x, w: x.sum(), [2.0, 2.0, 2.0]),
    "mean": (lambda x, w: x.mean(), [2 / 3] * 3),
    "sum over a dim": (lambda x, w: x.view(3, 1).sum(0), [2.0, 2.0, 2.0]),
    "view": (lambda x, w: x.view(3, 1), [2.0, 2.0, 2.0]),
    "reshape": (lambda x, w: x.reshape(1, 3), [2.0, 2.0, 2.0]),
    "t": (lambda x, w: x.view(3, 1).t(), [2.0, 2.0, 2.0]),
    "permute": (lambda x, w: x.view(3, 1).permute(1, 0), [2.0, 2.0, 2.0]),
    "squeeze": (lambda x, w: x.unsqueeze(0).squeeze(0), [2.0, 2.0, 2.0]),
    "expand": (lambda x, w: x.expand(2, 3), [4.0, 4.0, 4.0]),
    "a slice": (lambda x, w: x[1:], [0.0, 2.0, 2.0]),
    "an integer index": (lambda x, w: x[1], [0.0, 2.0, 0.0]),
    "a 0-d integer tensor index": (lambda x, w: x[minigan.tensor(1)], [0.0, 2.0, 0.0]),
    "None, Ellipsis and a slice": (lambda x, w: x[None, ..., 1:], [0.0, 2.0, 2.0]),
    "cat": (lambda x, w: minigan.cat([x, w]), [2.0, 2.0, 2.0]),
    "stack": (lambda x, w: minigan.stack([x, w]), [2.0, 2.0, 2.0]),
    "split": (lambda x, w: minigan.cat(x.split([1, 2])[::-1]), [2.0, 2.0, 2.0]),
    "unbind": (lambda x, w: x.unbind()[0] + x.unbind()[2], [2.0, 0.0, 2.0]),
    "cumsum": (lambda x, w: x.cumsum(0), [6.0, 4.0, 2.0]),
    "flip": (lambda x, w: x.flip(0), [2.0, 2.0, 2.0]),
    "roll": (lambda x, w: x.roll(1), [2.0, 2.0, 2.0]),
    "constant pad": (lambda x, w: minigan.nn.functional.pad(x, (1, 1)), [2.0, 2.0, 2.0]),
    "floor": (lambda x, w: x.floor(), [0.0, 0.0, 0.0]),
    "clone": (lambda x, w: x.clone(), [2.0, 2.0, 2.0]),
    "to float64": (lambda x, w: x.double(), [2.0, 2.0, 2.0]),
    "mul by a number": (lambda x, w: x * 2, None),
    "mul by a 0-d tensor": (lambda x, w: x * minigan.tensor(2.0), None),
    "mul": (lambda x, w: x * w, None),
    "div by a number": (lambda x, w: x / 2, None),
    "an integer list index": (lambda x, w: x[[0, 2]], None),
    "an integer tensor index": (lambda x, w: x[minigan.tensor([0, 2])], None),
    "a mask": (lambda x, w: x[x > 1.5], None),
    "exp (saves its output)": (lambda x, w: x.exp(), None),
    "add after exp": (lambda x, w: x.exp() + 1, None),
    "square": (lambda x, w: x ** 2, None),
    "relu": (lambda x, w: x.relu(), None),
    "matmul": (lambda x, w: x @ w, None),
    "max_unpool1d": (lambda x, w: minigan.nn.functional.max_unpool1d(
        x.view(1, 1, 3), minigan.tensor([[[0, 2, 4]]]), 2, output_size=[6]), None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_second_backward_raises_only_where_pytorch_does(name):
    f, expected = CASES[name]
    x = minigan.tensor(X, dtype=np.float64, requires_grad=True)
    w = minigan.tensor(W, dtype=np.float64, requires_grad=True)
    y = f(x, w)
    y.sum().backward()
    if expected is None:
        with pytest.raises(RuntimeError, match=SECOND):
            y.sum().backward()
    else:
        y.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-15)


def test_the_error_names_the_node_whose_values_were_freed():
    x = minigan.tensor(X, requires_grad=True)
    y = x.exp() + 1
    y.sum().backward()
    with pytest.raises(RuntimeError, match=r"calling backward\. \(at ExpBackward\)$"):
        y.sum().backward()


def test_a_later_graph_may_start_at_a_tensor_inside_a_freed_one():
    # PyTorch: x.grad is exp(x) after the first backward, exp(x) + 1 after the second
    x = minigan.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = x.view(2, 1)
    y.exp().sum().backward()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([1.0, 2.0]) + 1, rtol=1e-15)


def test_grad_passes_a_node_that_saved_nothing_and_raises_at_one_that_was_freed():
    x = minigan.tensor([1.0, 2.0], requires_grad=True)
    y = x + 1
    for _ in range(2):
        (g,) = minigan.autograd.grad(y.sum(), x)
        np.testing.assert_array_equal(g.numpy(), [1.0, 1.0])
    z = x.exp()
    z.sum().backward()
    with pytest.raises(RuntimeError, match=SECOND):  # not "input 0 is not used in the graph"
        minigan.autograd.grad(z.sum(), x)


class _Nothing(minigan.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        return a * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


class _Saves(minigan.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * 2

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * 2


class _Attribute(minigan.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        ctx.a = a  # not a saved tensor: PyTorch frees nothing here
        return a * 2

    @staticmethod
    def backward(ctx, g):
        return g * ctx.a


@pytest.mark.parametrize("function, expected", [(_Nothing, [4.0, 4.0]), (_Saves, None), (_Attribute, [2.0, 4.0])])
def test_a_custom_function_raises_only_when_save_for_backward_kept_something(function, expected):
    x = minigan.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = function.apply(x)
    y.sum().backward()
    if expected is None:
        with pytest.raises(RuntimeError, match=SECOND):
            y.sum().backward()
        with pytest.raises(RuntimeError, match=SECOND):  # PyTorch's saved_tensors raises the same
            y.grad_fn.saved_tensors
    else:
        y.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_parts_join_again_in_a_second_backward():
    x = minigan.tensor([1.0, 2.0, 3.0, 4.0], dtype=np.float64, requires_grad=True)
    a, b = parts(x, (1, 3))
    y = a * 3 + b.sum()
    y.sum().backward(retain_graph=False)
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 1.0, 1.0, 1.0])
    with pytest.raises(RuntimeError, match=SECOND):  # the Mul by 3 saved the 3
        y.sum().backward()
    with pytest.raises(RuntimeError, match=SECOND):  # not b's part of the gradient alone
        minigan.autograd.grad(y.sum(), x)
    z = a + b.sum()
    z.sum().backward()
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 3.0, 3.0, 3.0])  # nothing added by the raising ones
