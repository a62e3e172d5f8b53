"""minigan.replay's preallocated buffers: the replayed kernels write into arrays allocated once per
capture (the same objects on every replay), the activation's backward overwrites a gradient nothing
reads any more, gradients handed to parameters still add up as in the eager step, and a buffer made
for one batch size never serves another; every case equal to the eager step bit for bit."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import minigan
from minigan import Tensor, nn
from minigan.backends import use_matmul
from minigan.gan.models import build_models
from minigan.gan.objectives import get_objective
from minigan.nn import functional as F
from minigan.optim import Adam
from minigan.replay import Compiled


def _net_and_step(clear="inside"):
    """A small net and its step: three fused Linear layers, batch norm, dropout, BCE on logits.
    ``clear``: "inside" (zero_grad() in the step), "zero" (zero_grad(set_to_none=False) in the
    step), "outside" (zero_grad() before every other step, outside it) or "never" (gradients
    add up over the steps)."""
    minigan.manual_seed(0)
    net = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.LeakyReLU(0.2), nn.Dropout(0.25), nn.Linear(16, 8),
                        nn.Tanh(), nn.Linear(8, 1))
    opt = Adam(net.parameters(), lr=1e-2)

    def step(x, t):
        loss = F.binary_cross_entropy_with_logits(net(x), t)
        if clear in ("inside", "zero"):
            opt.zero_grad(set_to_none=clear == "inside")
        loss.backward()
        opt.step()
        return loss
    step.optimizer = opt
    return net, step


def _data(n, batch=5):
    rng = np.random.default_rng(1)
    return [(rng.standard_normal((batch, 6)).astype(np.float32), (rng.random((batch, 1)) > 0.5).astype(np.float32))
            for _ in range(n)]


def _snapshot(loss, net):
    return float(loss), [(p.array.copy(), None if p.grad is None else p.grad.array.copy()) for p in net.parameters()] + [
        (b.array.copy(), None) for b in net.buffers() if b is not None]


def _same(a, b):
    return a[0] == b[0] and all(np.array_equal(p, q) and (g is None) == (h is None) and (g is None or np.array_equal(g, h))
                                for (p, g), (q, h) in zip(a[1], b[1]))


def _eager_then_compiled(data, clear="inside", each=None):
    """Snapshots of the eager steps, then of the compiled ones (each net draws its dropout masks
    from the global Generator, seeded alike), and the Compiled step; ``each(net)`` runs after
    every compiled step."""
    net, eager = _net_and_step(clear)
    eager_runs = []
    for i, (x, t) in enumerate(data):
        if clear == "outside" and i % 2 == 0:
            eager.optimizer.zero_grad()
        eager_runs.append(_snapshot(eager(minigan.Tensor(x), minigan.Tensor(t)), net))
    net, step = _net_and_step(clear)
    compiled = Compiled(step, log=lambda text: None)
    runs = []
    for i, (x, t) in enumerate(data):
        if clear == "outside" and i % 2 == 0:
            step.optimizer.zero_grad()
        runs.append(_snapshot(compiled(x, t)[0], net))
        if each is not None:
            each(net, len(x))
    return eager_runs, runs, compiled


def _program(compiled, batch):
    (program,) = [entry for key, entry in compiled.entries.items() if hasattr(entry, "code") and key[3][0][1][0] == batch]
    return program


@pytest.mark.parametrize("matmul", ["blas", "numba"])
def test_replays_write_into_the_same_buffers_and_equal_the_eager_step(kernel_mode, matmul):
    kernel_mode("numba")
    seen = []
    with use_matmul(matmul):
        eager, replayed, compiled = _eager_then_compiled(_data(8), each=lambda net, batch: seen.append(
            [p.grad.array for p in net.parameters()]))
    assert all(_same(a, b) for a, b in zip(eager, replayed))
    owned = {id(array) for array in _program(compiled, 5).buffers.owned.values()}
    assert compiled.replays == 6 and len(owned) >= 6 * 2
    for grads in seen[2:]:  # every replay hands each parameter the same gradient array, one of the buffers
        assert all(g is h for g, h in zip(grads, seen[-1])) and all(id(g) in owned for g in grads)
    assert not any(g is h for g, h in zip(seen[0], seen[-1]))  # the eager captures allocated theirs


def test_the_activation_backward_overwrites_a_gradient_nothing_reads_any_more(kernel_mode):
    kernel_mode("numba")
    eager, replayed, compiled = _eager_then_compiled(_data(5))
    assert all(_same(a, b) for a, b in zip(eager, replayed))
    buffers = _program(compiled, 5).buffers
    assert len(buffers.in_place) >= 3  # the dropout's, the batch norm's and the middle layer's incoming gradients
    for slot in buffers.in_place:  # never a gradient a later step reads, nor one a parameter holds
        assert slot not in buffers.lent and buffers.readers[slot] <= max(
            i for i, step in enumerate(_program(compiled, 5).steps) if step[0] == "backward" and step[4] == slot)


@pytest.mark.parametrize("clear", ["zero", "outside", "never"])
def test_gradients_still_add_up_when_the_step_does_not_set_them_to_none(kernel_mode, clear):
    kernel_mode("numba")
    eager, replayed, compiled = _eager_then_compiled(_data(7), clear)
    assert compiled.replays == 5 and all(_same(a, b) for a, b in zip(eager, replayed))


def test_a_buffer_captured_for_one_batch_size_never_serves_another(kernel_mode):
    kernel_mode("numba")
    small, large = _data(6, batch=3), _data(6, batch=5)
    order = small[:3] + large[:3] + [pair for both in zip(small[3:], large[3:]) for pair in both]
    held = []  # captured at 3, at 5, then the two sizes alternate: the grads each replay hands out
    eager, replayed, compiled = _eager_then_compiled(order, each=lambda net, batch: held.append(
        (batch, [p.grad.array for p in net.parameters()])))
    assert compiled.replays == 1 + 1 + 6 and all(_same(a, b) for a, b in zip(eager, replayed))
    three, five = _program(compiled, 3), _program(compiled, 5)
    buffers = {3: {id(a) for a in three.buffers.owned.values()}, 5: {id(a) for a in five.buffers.owned.values()}}
    assert not buffers[3] & buffers[5]
    for batch, grads in held[6:]:
        assert all(id(g) in buffers[batch] for g in grads)
    for program, batch, other in ((three, 3, 5), (five, 5, 3)):  # the activations' and their gradients' buffers
        shapes = {a.shape for a in program.buffers.owned.values()}
        assert {(batch, 16), (batch, 8), (batch, 1)} <= shapes and not {(other, 16), (other, 8)} & shapes


def test_the_returned_outputs_are_not_overwritten_by_the_next_replay(kernel_mode):
    kernel_mode("numba")
    _, step = _net_and_step()
    compiled = Compiled(step, log=lambda text: None)
    losses = [compiled(x, t)[0] for x, t in _data(6)]
    assert compiled.replays == 4 and len({id(loss) for loss in losses}) == 6
    assert len({float(loss) for loss in losses}) == 6  # each kept its own value


def _default_net_with_hinge():
    """The default run's nets (minigan/gan/models.py) and its step: D, then G, with the hinge loss
    of minigan/gan/objectives.py (Sub, ReLU, Mean, Add, Neg) and Adam."""
    minigan.manual_seed(0)
    generator, discriminator, spec = build_models("default", 100, np.random.default_rng(0))
    hinge = get_objective("hinge")
    opt_g = Adam(generator.parameters(), lr=2e-4, betas=spec.betas)
    opt_d = Adam(discriminator.parameters(), lr=2e-4, betas=spec.betas)

    def step(z, real):
        fake = generator(z)
        d_loss = hinge.d_loss(discriminator(real), discriminator(fake.detach()))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = hinge.g_loss(discriminator(fake))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        return d_loss, g_loss
    return nn.ModuleList([generator, discriminator]), step


def test_the_default_net_with_the_hinge_loss_replays_with_no_tensor_and_equals_eager(kernel_mode, monkeypatch):
    kernel_mode("numba")
    rng = np.random.default_rng(2)
    data = [(rng.standard_normal((4, 100), dtype=np.float32), rng.random((4, 784), dtype=np.float32))
            for _ in range(6)]
    nets, eager = _default_net_with_hinge()
    eager_runs = []
    for z, real in data:
        d_loss, g_loss = eager(minigan.Tensor(z), minigan.Tensor(real))
        eager_runs.append((float(g_loss), _snapshot(d_loss, nets)))
    nets, step = _default_net_with_hinge()
    compiled = Compiled(step, log=lambda text: None)
    runs = [(float(g), _snapshot(d, nets)) for d, g in (compiled(z, real) for z, real in data[:2])]  # the captures
    made = []
    make = Tensor.__dict__["_make"].__func__

    def counting(cls, *args):  # the ops, the engine and the replay build their Tensors with Tensor._make
        made.append(cls)
        return make(cls, *args)
    monkeypatch.setattr(Tensor, "_make", classmethod(counting))
    for z, real in data[2:]:
        d_loss, g_loss = compiled(z, real)
        runs.append((float(g_loss), _snapshot(d_loss, nets)))
    monkeypatch.undo()
    assert compiled.replays == 4 and made == []  # no Tensor built by a replay: every backward ran on arrays
    assert all(a[0] == b[0] and _same(a[1], b[1]) for a, b in zip(eager_runs, runs))


def test_replay_lets_go_of_what_no_later_step_reads():
    """A chain of eight ops on a 4 MB batch: the eager step frees each array once the next is made,
    and the replay lets go of each as early, so it never holds the whole chain at once."""

    def step(x):
        y = x
        for _ in range(8):
            y = (y * 1.5).relu()
        return y.sum()

    compiled = Compiled(step)
    x = np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32)
    for _ in range(3):  # two captures, then a replay
        compiled(x)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        (total,) = compiled(x)
        peak = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    assert compiled.replays == 2  # the measured call was replayed, not run eagerly
    expected = x.astype(np.float64)
    for _ in range(8):
        expected = np.maximum(expected * 1.5, 0.0)
    assert np.isclose(float(total), expected.sum(), rtol=1e-4)
    assert peak <= 3 * x.nbytes, f"the replay held {peak / x.nbytes:.1f} arrays of the chain at once"
