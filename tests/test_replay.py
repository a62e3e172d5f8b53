"""minigan.replay.compile: a captured and replayed step equals the eager step bit for bit, a corrupted
recording is seen to diverge, and each case that replay cannot serve runs eagerly and says so."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.replay import Compiled
from minigan.gan.config import TrainConfig
from minigan.gan.trainer import Trainer
from minigan.optim import Adam

STEPS = 50


def _trainer(tmp_path, name, arch, loss, compiled, log, **settings):
    images = np.random.default_rng(7).integers(0, 256, size=(8 * 6, 28, 28), dtype=np.uint8)
    config = TrainConfig(arch=arch, loss=loss, epochs=1, batch_size=8, seed=3, latent_dim=8, **settings)
    trainer = Trainer(config, tmp_path / name, images=images, verbose=False, compiled=compiled)
    trainer._log = log  # noqa: SLF001 - collect what the compiled step says
    if trainer._compiled is not None:
        trainer._compiled.log = log
    return trainer


def _run(trainer, steps):
    rows = []
    while len(rows) < steps:
        for batch in trainer.loader:
            rows.append(trainer.train_step(batch))
            trainer.global_step += 1
            if len(rows) == steps:
                break
    return rows


def _same_rows(a, b):
    """Rows equal value for value, NaN (a column the loss does not have) equal to NaN."""
    return len(a) == len(b) and all(
        x.keys() == y.keys() and all(np.array_equal(x[k], y[k], equal_nan=x[k] is not None) for k in x)
        for x, y in zip(a, b))


def _state(trainer):
    nets = [trainer.generator, trainer.discriminator]
    return [p.array for net in nets for p in net.parameters()] + [
        b.array for net in nets for b in net.buffers() if b is not None]


@pytest.mark.parametrize("arch", ["tiny", "seed", "default"])
@pytest.mark.parametrize("loss", ["bce", "minimax", "lsgan", "hinge", "wgan", "wgan-gp"])
def test_replayed_steps_equal_eager_steps_bit_for_bit(tmp_path, arch, loss):
    said = []
    eager = _trainer(tmp_path, "eager", arch, loss, False, said.append)
    compiled = _trainer(tmp_path, "compiled", arch, loss, True, said.append)
    rows_eager, rows_compiled = _run(eager, STEPS), _run(compiled, STEPS)
    assert _same_rows(rows_compiled, rows_eager)
    for a, b in zip(_state(eager), _state(compiled)):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    for a, b in zip(eager.generator.parameters(), compiled.generator.parameters()):
        assert (a.grad is None) == (b.grad is None)
        assert a.grad is None or np.array_equal(a.grad.array, b.grad.array)
    if loss == "wgan-gp":  # a penalty differentiates (create_graph): the trainer steps eagerly
        assert compiled._compiled is None
    else:
        assert compiled._compiled.replays >= STEPS - 4, said


@pytest.mark.parametrize("arch", ["dcgan", "cnn-d"])
def test_the_convolutional_nets_replay_bit_for_bit_without_r1(tmp_path, arch):
    said = []
    eager = _trainer(tmp_path, "eager", arch, "hinge", False, said.append, r1_gamma=0.0)
    compiled = _trainer(tmp_path, "compiled", arch, "hinge", True, said.append, r1_gamma=0.0)
    assert _same_rows(_run(compiled, 12), _run(eager, 12))
    for a, b in zip(_state(eager), _state(compiled)):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert compiled._compiled.replays == 10 and said == []


def _net_and_step(seed=0, p_drop=0.0):
    minigan.manual_seed(seed)
    net = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Dropout(p_drop), nn.Linear(8, 1))
    opt = Adam(net.parameters(), lr=1e-2)

    def step(x, y):
        out = net(x)
        loss = ((out - y) * (out - y)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss, out
    return net, step


def _data(n, batch=5):
    rng = np.random.default_rng(1)
    return [(rng.standard_normal((batch, 4)).astype(np.float32), rng.standard_normal((batch, 1)).astype(np.float32))
            for _ in range(n)]


def test_dropout_draws_its_masks_again_in_the_replay_in_the_same_order():
    said = []
    net_b, step = _net_and_step(p_drop=0.5)  # each run draws from the global Generator, seeded alike
    compiled = Compiled(step, log=said.append)
    replayed = [float(compiled(x, y)[0]) for x, y in _data(12)]
    net_a, eager = _net_and_step(p_drop=0.5)
    assert replayed == [eager(minigan.Tensor(x), minigan.Tensor(y))[0].item() for x, y in _data(12)]
    assert compiled.replays == 10 and said == []
    assert all(np.array_equal(a.array, b.array) for a, b in zip(net_a.parameters(), net_b.parameters()))


def test_a_mutated_kernel_makes_the_replay_diverge():
    net_a, eager = _net_and_step()
    net_b, step = _net_and_step()
    compiled = Compiled(step, log=lambda text: None)
    data = _data(6)
    for x, y in data[:3]:
        eager(minigan.Tensor(x), minigan.Tensor(y))
        compiled(x, y)
    (program,) = [entry for entry in compiled.entries.values() if hasattr(entry, "code")]
    index = next(i for i, s in enumerate(program.steps) if s[0] == "function" and s[1].__name__ == "Sub")
    original = program.code[index]

    def mutated(buf):  # the recorded Sub now computes out - 2y
        original(buf)
        slot = program.steps[index][4]
        buf[slot] = buf[slot] - buf[program.steps[index][3][1]]
    program.code[index] = mutated
    x, y = data[3]
    assert float(compiled(x, y)[0]) != eager(minigan.Tensor(x), minigan.Tensor(y))[0].item()
    assert not all(np.array_equal(a.array, b.array) for a, b in zip(net_a.parameters(), net_b.parameters()))


def test_a_new_batch_size_is_captured_again_and_said_once():
    said = []
    net_a, eager = _net_and_step()
    net_b, step = _net_and_step()
    compiled = Compiled(step, log=said.append)
    for x, y in _data(4) + _data(4, batch=3) + _data(3):
        assert float(compiled(x, y)[0]) == eager(minigan.Tensor(x), minigan.Tensor(y))[0].item()
    assert compiled.replays == 2 + 2 + 3
    assert said == ["compile: step (3x4, 3x1) new input shapes: capturing again"]


def test_a_step_reading_a_value_outside_the_ops_runs_eagerly():
    said = []
    minigan.manual_seed(0)
    net = nn.Linear(4, 1)
    opt = Adam(net.parameters(), lr=1e-2)

    def step(x):  # a value computed outside the ops: replaying would reuse the first one
        scale = minigan.Tensor(np.float32(1.0) + np.abs(x.array).max())
        loss = (net(x) * scale).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    compiled = Compiled(step, log=said.append)
    for x, _ in _data(4):
        compiled(x)
    assert compiled.replays == 0
    assert len(said) == 1 and "outside the ops" in said[0]


def test_a_branch_on_a_value_that_goes_two_ways_runs_eagerly():
    said = []
    minigan.manual_seed(0)
    net = nn.Linear(4, 1)

    def step(x):
        out = net(x).mean()
        return out * 2.0 if out.item() > 0 else -out
    compiled = Compiled(step, log=said.append)
    xs = [np.full((2, 4), v, dtype=np.float32) for v in (1.0, -1.0, 1.0)]
    sign = 1.0 if net(minigan.Tensor(xs[0])).mean().item() > 0 else -1.0
    xs = [x * sign for x in xs]
    for x in xs:
        compiled(x)
    assert compiled.replays == 0 and len(said) == 1 and "different calls" in said[0] or "differ" in said[0]


def test_create_graph_runs_eagerly():
    said = []
    minigan.manual_seed(0)
    net = nn.Linear(4, 1)

    def step(x):
        x.requires_grad = True
        (g,) = minigan.grad(net(x).sum(), x, create_graph=True)
        return (g * g).sum()
    compiled = Compiled(step, log=said.append)
    for x, _ in _data(3):
        compiled(x)
    assert compiled.replays == 0 and len(said) == 1 and "create_graph" in said[0]


@pytest.mark.parametrize("kind", ["forward hook", "tensor hook"])
def test_a_hook_registered_after_the_step_became_a_replay_is_seen(kind):
    """The next call captures again, meets the hook and stays eager; every later call runs it."""
    said, calls = [], []
    net_a, eager = _net_and_step()
    net_b, step = _net_and_step()
    compiled = Compiled(step, log=said.append)
    data = _data(7)
    for x, y in data[:4]:
        assert float(compiled(x, y)[0]) == eager(minigan.Tensor(x), minigan.Tensor(y))[0].item()
    assert compiled.replays == 2
    if kind == "forward hook":
        net_b[0].register_forward_hook(lambda module, args, out: calls.append(out.shape))
    else:
        net_b[0].weight.register_hook(lambda grad: calls.append(grad.shape))
    for x, y in data[4:]:
        assert float(compiled(x, y)[0]) == eager(minigan.Tensor(x), minigan.Tensor(y))[0].item()
    assert len(calls) == 3 and compiled.replays == 2
    assert said[0] == "compile: step (5x4, 5x1) a hook was registered after the step was captured: capturing again"
    assert len(said) == 2 and "runs eagerly" in said[1] and ("forward hook on Linear" in said[1] or
                                                             "Tensor.register_hook" in said[1])
    assert all(np.array_equal(a.array, b.array) for a, b in zip(net_a.parameters(), net_b.parameters()))


def test_a_hook_the_step_never_meets_costs_one_capture_again():
    said = []
    net_a, eager = _net_and_step()
    net_b, step = _net_and_step()
    compiled = Compiled(step, log=said.append)
    data = _data(8)
    for x, y in data[:4]:
        compiled(x, y)
    elsewhere = minigan.zeros(2, requires_grad=True)
    elsewhere.register_hook(lambda grad: None)
    for x, y in data[4:]:
        compiled(x, y)
    for x, y in data:
        eager(minigan.Tensor(x), minigan.Tensor(y))
    assert compiled.replays == 2 + 2
    assert said == ["compile: step (5x4, 5x1) a hook was registered after the step was captured: capturing again"]
    assert all(np.array_equal(a.array, b.array) for a, b in zip(net_a.parameters(), net_b.parameters()))


@pytest.mark.parametrize("settings", [dict(minibatch_std=True), dict(spectral_norm=True), dict(lr_d=1e-3, lr_g=5e-4)])
def test_the_options_against_mode_collapse_replay_bit_for_bit_or_step_eagerly(tmp_path, settings):
    """The minibatch-std feature and two learning rates replay; spectral normalisation, whose
    power iteration updates its vectors outside the ops, steps eagerly by default, and equals
    the eager step when replay is asked for."""
    said = []
    eager = _trainer(tmp_path, "eager", "seed", "bce", False, said.append, **settings)
    by_default = _trainer(tmp_path, "default", "seed", "bce", None, said.append, **settings)
    assert (by_default._compiled is None) == bool(settings.get("spectral_norm"))
    compiled = _trainer(tmp_path, "compiled", "seed", "bce", True, said.append, **settings)
    assert _same_rows(_run(compiled, 20), _run(eager, 20))
    for a, b in zip(_state(eager), _state(compiled)):
        assert a.dtype == b.dtype and np.array_equal(a, b)
