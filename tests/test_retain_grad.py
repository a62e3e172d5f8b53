"""``Tensor.retain_grad()``: a non-leaf's gradient kept in ``.grad``, as in PyTorch.

Every expected gradient is the closed form of the small function written out below."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.replay import Compiled


def test_a_retained_gradient_is_the_closed_form_and_accumulates():
    values = np.array([1.0, -2.0, 3.0], np.float32)
    x = minigan.tensor(values, requires_grad=True)
    y = x * 2
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad
    z = (y ** 2).sum()  # dz/dy = 2y = 4x, dz/dx = 8x
    z.backward(retain_graph=True)
    np.testing.assert_allclose(y.grad.numpy(), 4 * values)
    np.testing.assert_allclose(x.grad.numpy(), 8 * values)
    z.backward()  # a second backward adds, as it does for leaves
    np.testing.assert_allclose(y.grad.numpy(), 8 * values)
    unretained = x * 3
    (unretained * x).sum().backward()
    assert unretained.grad is None  # only the tensors asked for keep theirs


def test_the_retained_gradient_is_a_copy_the_rest_of_backward_cannot_change():
    x = minigan.tensor([0.5, -1.5], requires_grad=True)
    hidden = x * 1.0
    hidden.retain_grad()
    out = nn.functional.leaky_relu(hidden, 0.2)  # its backward may reuse the incoming gradient's memory
    (out * minigan.tensor([3.0, 5.0])).sum().backward()
    np.testing.assert_allclose(hidden.grad.numpy(), [3.0, 5.0 * 0.2])
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 5.0 * 0.2])


def test_retain_grad_on_a_leaf_changes_nothing_and_without_grad_raises():
    x = minigan.tensor([2.0], requires_grad=True)
    x.retain_grad()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0])
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        minigan.tensor([1.0]).retain_grad()


def test_a_step_that_retains_a_gradient_runs_eagerly():
    said = []
    net = nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(0.2), nn.Linear(4, 1))
    optimizer = minigan.optim.SGD(net.parameters(), lr=0.1)
    seen = []

    def step(x):
        hidden = net[0](x)  # a Linear's output, which the LeakyReLU after it would otherwise fuse away
        hidden.retain_grad()
        out = net[2](net[1](hidden))
        loss = out.pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        h, w2 = hidden.numpy(), net[2].weight.numpy()  # dloss/dh = (2/N) out w2 * leaky'(h)
        np.testing.assert_allclose(hidden.grad.numpy(), out.detach().numpy() * w2 * np.where(h > 0, 1.0, 0.2),
                                   rtol=1e-5, atol=1e-7)
        optimizer.step()
        seen.append(hidden.grad)
        return loss
    compiled = Compiled(step, log=said.append)
    for _ in range(3):
        compiled(np.ones((2, 3), np.float32))
    assert compiled.replays == 0 and len(seen) == 3
    assert len(said) == 1 and "retain_grad()" in said[0]
