"""After a backward without retain_graph the freed graph keeps no activation array, as PyTorch's.

A node that saved nothing (an add, a sum, a view) may be passed by a later backward, so it keeps
its links to its inputs, but as stand-ins that hold no array (minigan/autograd/freed.py): a loss
kept across steps (a list of losses for logging, ``running = running + loss``) no longer keeps the
activations behind it alive. The gradients of the later backwards are written out in closed form
(PyTorch 2 gives the same ones, and calls a hook once per pass with the whole gradient).
"""
import tracemalloc
import weakref

import numpy as np
import pytest

import minigan
from minigan import nn, optim

SECOND = r"^Trying to backward through the graph a second time"


def _linear_output():
    rng = np.random.default_rng(0)
    layer = nn.Linear(64, 256)
    return layer(minigan.tensor(rng.standard_normal((32, 64)).astype(np.float32)))


def _doubled():
    x = minigan.tensor(np.arange(32 * 256, dtype=np.float64).reshape(32, 256) / 1000, requires_grad=True)
    return x * 2


SOURCES = {"the output of a Linear": _linear_output, "x * 2": _doubled}

# loss(h): chains of ops that save nothing, each holding h (or a view of it) before backward
CHAINS = {
    "add": lambda h: (h + 1.0).sum(),
    "sub": lambda h: (h - h.detach()).sum(),
    "neg": lambda h: (-h).mean(),
    "reshape and sum": lambda h: h.reshape(-1).sum(),
    "transpose and mean": lambda h: h.t().mean(),
    "sum over a dim, then mean": lambda h: h.sum(0).mean(),
    "a slice": lambda h: h[1:, :3].sum(),
    "an integer index": lambda h: h[0].sum(),
    "all of them": lambda h: ((h.reshape(64, -1).t() + 1.0)[1:] - h.mean()).sum() - h[3].mean(),
}


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("chain", list(CHAINS))
def test_an_activation_is_collected_after_backward_while_the_loss_is_held(source, chain):
    h = SOURCES[source]()
    activation = weakref.ref(h.array)
    loss = CHAINS[chain](h)
    del h
    assert activation() is not None  # the graph holds it until backward
    loss.backward()
    assert activation() is None  # no cycle either: it went as soon as backward let it go
    assert loss.grad_fn is not None and loss.grad_fn.name().endswith("Backward")


def test_a_constant_is_let_go_too():
    x = minigan.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    target = minigan.tensor(np.full((1000, 3), 0.5))
    data = weakref.ref(target.array)
    loss = (x - target).sum()
    del target
    loss.backward()
    assert data() is None
    loss.backward()  # the Sub and the Sum saved nothing: a second backward passes, as in PyTorch
    np.testing.assert_array_equal(x.grad.numpy(), [2000.0, 2000.0, 2000.0])


def _hooked_sum(keep):
    """x (2, 3), a = x + 1 used twice through views, loss = sum(a.reshape(6) + a.t().reshape(6)) - mean(a):
    d loss / d a = 1 + 1 - 1/6 = 11/6 everywhere, and d a / d x = 1."""
    x = minigan.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float64, requires_grad=True)
    a = x + 1.0
    seen = []
    a.register_hook(lambda g: seen.append(g.numpy().copy()))
    a.retain_grad()
    loss = (a.reshape(6) + a.t().reshape(6)).sum() - a.mean()
    return x, (a if keep else None), loss, seen


@pytest.mark.parametrize("keep", [True, False], ids=["the tensor kept", "the tensor gone"])
def test_a_second_backward_through_adds_and_views_meets_each_tensor_once(keep):
    x, a, loss, seen = _hooked_sum(keep)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 3), 11 / 6), rtol=1e-15)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 3), 22 / 6), rtol=1e-15)
    assert len(seen) == 2  # once per pass, with the whole gradient: a's two uses summed first
    for grad in seen:
        np.testing.assert_allclose(grad, np.full((2, 3), 11 / 6), rtol=1e-15)
    if keep:  # retain_grad() fills .grad at every pass, adding, as a leaf's
        np.testing.assert_allclose(a.grad.numpy(), np.full((2, 3), 22 / 6), rtol=1e-15)


def test_a_tensor_reached_through_a_freed_node_and_a_new_one_is_met_once():
    x = minigan.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float64, requires_grad=True)
    a = x + 1.0
    seen = []
    a.register_hook(lambda g: seen.append(g.numpy().copy()))
    first = a.sum()
    first.backward()
    total = first + a.reshape(6).sum()  # the freed SumBackward and a new ReshapeBackward both lead to a
    total.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 3.0))  # 1, then 1 + 1
    assert [g[0, 0] for g in seen] == [1.0, 2.0]


def test_nodes_freed_in_two_passes_share_the_gone_tensor():
    x = minigan.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float64, requires_grad=True)
    a = x + 1.0
    seen = []
    a.register_hook(lambda g: seen.append(g.numpy().copy()))
    first = a.reshape(6).sum()
    first.backward()
    second = a.t().sum()
    second.backward()
    del a
    (first + second).backward()  # both freed nodes lead to a's AddBackward: one sum, one hook call
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 4.0))
    assert [g[0, 0] for g in seen] == [1.0, 1.0, 2.0]


def test_a_hook_registered_after_backward_runs_once_the_tensor_is_gone():
    x = minigan.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    a = x + 1.0
    loss = (a.reshape(2, 1) + 0.5).sum()
    loss.backward()
    seen = []
    a.register_hook(lambda g: seen.append(g.numpy().copy()))
    del a
    loss.backward()
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_retain_graph_keeps_everything():
    v = minigan.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    w = minigan.tensor([0.5, -1.0, 2.0], dtype=np.float64, requires_grad=True)
    h = v * w  # the Mul saves v and w
    product = weakref.ref(h.array)
    loss = (h.reshape(3, 1) + 1.0).sum()
    del h
    loss.backward(retain_graph=True)
    assert product() is not None
    loss.backward()
    np.testing.assert_array_equal(v.grad.numpy(), [1.0, -2.0, 4.0])  # 2 w
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 4.0, 6.0])  # 2 v
    assert product() is None
    with pytest.raises(RuntimeError, match=SECOND):
        loss.backward()


def test_the_graph_reads_the_same_after_backward():
    x = minigan.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=np.float64, requires_grad=True)
    a = x + 1.0
    loss = (a.reshape(4) + a.t().reshape(4)).sum()
    before = loss.graph_text()
    del a
    loss.backward()
    assert loss.graph_text() == before  # the shared Add still printed once, "(see above)"
    assert "data freed" in loss.graph_text(values=True)  # its value is gone, as it is in PyTorch
    (sum_node, _), = loss.grad_fn.next_functions
    (reshape, _), (_, _) = sum_node.next_functions
    (add, _), = reshape.next_functions
    assert add.name() == "AddBackward"
    assert [type(f).__name__ if f is not None else None for f, _ in add.next_functions] == ["AccumulateGrad", None]


def test_fifty_steps_with_the_losses_kept_grow_by_no_activation():
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 512))
    opt = optim.SGD(model.parameters(), lr=1e-3)
    target = minigan.tensor(rng.standard_normal((64, 512)).astype(np.float32))
    z = minigan.tensor(rng.standard_normal((64, 32)).astype(np.float32))
    losses, squares = [], []
    running = 0.0
    tracemalloc.start()
    try:
        for step in range(50):
            if step == 10:
                start = tracemalloc.get_traced_memory()[0]
            square = (model(z) - target) ** 2  # 64 x 512 float32: 128 KiB, which the loss's MeanBackward reads around
            squares.append(weakref.ref(square.array))
            loss = square.mean()
            del square
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss)
            running = running + loss
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert all(square() is None for square in squares)
    assert grown / 40 < 16 * 1024  # a few small nodes per step, not the 128 KiB activation
    np.testing.assert_allclose(running.item(), sum(loss.item() for loss in losses), rtol=1e-5)
