"""The GAN layer: objectives vs NumPy, WGAN-GP's penalty vs a closed form, every objective
learning on real MNIST, and the trainer's guarantees (resume, NaN, determinism, Ctrl-C)."""
from __future__ import annotations

import copy
import math
import os
import signal

import numpy as np
import pytest

import minigan
from minigan import Tensor, nn
from minigan.gan import (ARCHITECTURES, OBJECTIVES, Architecture, CheckpointError, ConfigError, Trainer, TrainConfig,
                         TrainingDiverged, build_models, get_objective, gradient_penalty, load_checkpoint,
                         load_generator, r1_penalty, to_unit)
from minigan.gan.models import IMAGE_DIM

LOGITS_REAL = np.array([[-30.0], [-2.5], [-0.3], [0.0], [0.7], [3.0], [40.0]], dtype=np.float64)
LOGITS_FAKE = np.array([[25.0], [-1.0], [0.2], [-4.0], [1.5], [-60.0], [0.0]], dtype=np.float64)


def _softplus(x):
    return np.logaddexp(0.0, x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@pytest.fixture(scope="module")
def mnist_slice():
    from minigan.data import load_mnist

    data = load_mnist(verbose=False)
    return np.ascontiguousarray(data.train_images[:640])


# ---------------------------------------------------------------------------- objectives
EXPECTED = {
    "bce": (lambda r, f: np.mean(_softplus(-r)) + np.mean(_softplus(f)), lambda f: np.mean(_softplus(-f))),
    "bce-logits": (lambda r, f: np.mean(_softplus(-r)) + np.mean(_softplus(f)), lambda f: np.mean(_softplus(-f))),
    "minimax": (lambda r, f: np.mean(_softplus(-r)) + np.mean(_softplus(f)), lambda f: np.mean(np.log1p(-_sigmoid(f)))),
    "wgan": (lambda r, f: f.mean() - r.mean(), lambda f: -f.mean()),
    "wgan-gp": (lambda r, f: f.mean() - r.mean(), lambda f: -f.mean()),
    "lsgan": (lambda r, f: 0.5 * np.mean((r - 1) ** 2) + 0.5 * np.mean(f ** 2), lambda f: 0.5 * np.mean((f - 1) ** 2)),
    "hinge": (lambda r, f: np.mean(np.maximum(0, 1 - r)) + np.mean(np.maximum(0, 1 + f)), lambda f: -f.mean()),
}


def test_every_loss_has_expected_formulas():
    assert set(EXPECTED) == set(OBJECTIVES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_objective_matches_numpy(name):
    objective = get_objective(name)
    # moderate logits: the probability forms are accurate enough to compare with
    r, f = np.clip(LOGITS_REAL, -8, 8), np.clip(LOGITS_FAKE, -8, 8)
    d_expected, g_expected = EXPECTED[name]
    d = objective.d_loss(Tensor(r), Tensor(f)).item()
    g = objective.g_loss(Tensor(f)).item()
    assert d == pytest.approx(d_expected(r, f), rel=1e-12, abs=1e-12)
    assert g == pytest.approx(g_expected(f), rel=1e-12, abs=1e-12)


def test_bce_equals_probability_form_and_stays_finite_at_extreme_logits():
    objective = get_objective("bce")
    r, f = np.clip(LOGITS_REAL, -8, 8), np.clip(LOGITS_FAKE, -8, 8)
    seed_d = -np.mean(np.log(_sigmoid(r))) - np.mean(np.log(1 - _sigmoid(f)))  # the seed's BCE on D(x)
    assert objective.d_loss(Tensor(r), Tensor(f)).item() == pytest.approx(seed_d, rel=1e-12)
    for name in OBJECTIVES:
        obj = get_objective(name)
        big_r, big_f = Tensor(LOGITS_REAL * 1e3, requires_grad=True), Tensor(LOGITS_FAKE * 1e3, requires_grad=True)
        loss = obj.d_loss(big_r, big_f) + obj.g_loss(big_f)
        loss.backward()
        assert math.isfinite(loss.item()), name
        assert np.all(np.isfinite(big_r.grad.numpy())) and np.all(np.isfinite(big_f.grad.numpy())), name


def test_label_smoothing_and_minimax_gradient():
    objective = get_objective("bce")
    r, f = LOGITS_REAL.clip(-8, 8), LOGITS_FAKE.clip(-8, 8)
    t = 0.9
    expected = np.mean(t * _softplus(-r) + (1 - t) * _softplus(r)) + np.mean(_softplus(f))
    assert objective.d_loss(Tensor(r), Tensor(f), real_label=t).item() == pytest.approx(expected, rel=1e-12)
    # the saturating G loss: d/df mean(log(1 - sigmoid(f))) = -sigmoid(f) / n
    fake = Tensor(f, requires_grad=True)
    get_objective("minimax").g_loss(fake).backward()
    np.testing.assert_allclose(fake.grad.numpy(), -_sigmoid(f) / len(f), rtol=1e-12)


def test_d_output_reports_probabilities_or_raw_scores():
    logits = np.array([[-800.0], [0.0], [800.0]])
    assert get_objective("bce").d_output(logits) == pytest.approx(0.5)
    assert get_objective("wgan").d_output(np.array([[1.0], [3.0]])) == pytest.approx(2.0)


def test_recommended_settings():
    wgan, gp = get_objective("wgan"), get_objective("wgan-gp")
    assert (wgan.optimizer, wgan.lr, wgan.n_critic, wgan.clip) == ("rmsprop", 5e-5, 5, 0.01)
    assert (gp.optimizer, gp.lr, gp.betas, gp.n_critic, gp.gp_lambda) == ("adam", 1e-4, (0.0, 0.9), 5, 10.0)
    with pytest.raises(ValueError, match="unknown loss"):
        get_objective("nope")


# ---------------------------------------------------------------------------- WGAN-GP
@pytest.mark.parametrize("scale", [0.3, 1.0, 2.5])
def test_gradient_penalty_of_a_linear_critic(scale):
    """D(x) = w.x + b has gradient w everywhere, so the penalty is lambda (||w|| - 1)^2 and its
    gradient with respect to w is 2 lambda (||w|| - 1) w / ||w||."""
    rng = np.random.default_rng(0)
    critic = nn.Linear(6, 1, rng=rng, dtype=np.float64)
    w = rng.standard_normal(6)
    w *= scale / np.linalg.norm(w)
    critic.weight.array[...] = w
    real, fake = rng.standard_normal((5, 6)), rng.standard_normal((5, 6))
    penalty = gradient_penalty(critic, real, fake, np.random.default_rng(1), gp_lambda=10.0)
    norm = np.linalg.norm(w)
    assert penalty.item() == pytest.approx(10.0 * (norm - 1.0) ** 2, rel=1e-9)
    critic.zero_grad()
    penalty.backward()
    np.testing.assert_allclose(critic.weight.grad.numpy().ravel(), 20.0 * (norm - 1.0) * w / norm, rtol=1e-7, atol=1e-9)
    assert critic.bias.grad is None or np.allclose(critic.bias.grad.numpy(), 0.0)


def test_gradient_penalty_of_a_quadratic_critic_uses_the_interpolates():
    """D(x) = 0.5 ||x||^2 has gradient x, so the penalty is lambda mean (||x_hat|| - 1)^2."""

    class Quadratic(nn.Module):
        def forward(self, x):
            return (x * x).sum(axis=1, keepdims=True) * 0.5

    rng = np.random.default_rng(3)
    real, fake = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    eps = np.random.default_rng(7).random((4, 1))
    x_hat = eps * real + (1 - eps) * fake
    expected = 2.0 * np.mean((np.linalg.norm(x_hat, axis=1) - 1.0) ** 2)
    got = gradient_penalty(Quadratic(), real, fake, np.random.default_rng(7), gp_lambda=2.0).item()
    assert got == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------------------- R1
def test_r1_penalty_of_a_linear_discriminator():
    """D(x) = w.x + b has gradient w at every image: the penalty is gamma/2 ||w||^2 and its
    gradient with respect to w is gamma w."""
    rng = np.random.default_rng(2)
    critic = nn.Linear(6, 1, rng=rng, dtype=np.float64)
    real = Tensor(rng.standard_normal((5, 6)), requires_grad=True)
    penalty = r1_penalty(critic(real), real, gamma=3.0)
    w = critic.weight.array.ravel().copy()
    assert penalty.item() == pytest.approx(1.5 * np.sum(w * w), rel=1e-12)
    critic.zero_grad()
    penalty.backward()
    np.testing.assert_allclose(critic.weight.grad.numpy().ravel(), 3.0 * w, rtol=1e-12)


def _r1_by_hand(w1, b1, w2, x, gamma):
    """gamma/2 mean ||grad_x D||^2 for D(x) = tanh(x W1^T + b1) w2, written out in NumPy."""
    h = np.tanh(x @ w1.T + b1)
    grad_x = ((1.0 - h * h) * w2) @ w1
    return 0.5 * gamma * np.mean(np.sum(grad_x * grad_x, axis=1))


def test_r1_penalty_through_a_nonlinear_discriminator_matches_finite_differences():
    rng = np.random.default_rng(5)
    hidden = nn.Linear(4, 3, rng=rng, dtype=np.float64)
    head = nn.Linear(3, 1, bias=False, rng=rng, dtype=np.float64)
    x = rng.standard_normal((6, 4))
    real = Tensor(x, requires_grad=True)
    penalty = r1_penalty(head(hidden(real, activation="tanh")), real, gamma=2.0)
    w1, b1, w2 = hidden.weight.array.copy(), hidden.bias.array.copy(), head.weight.array.ravel().copy()
    assert penalty.item() == pytest.approx(_r1_by_hand(w1, b1, w2, x, 2.0), rel=1e-12)
    penalty.backward()
    from test_nn import finite_difference_grad  # noqa: PLC0415 - the suite's central differences

    numeric = finite_difference_grad(lambda: _r1_by_hand(w1, b1, w2, x, 2.0), w1)
    np.testing.assert_allclose(hidden.weight.grad.numpy(), numeric, rtol=1e-6, atol=1e-9)


def test_the_r1_option_adds_the_penalty_to_ds_loss(tmp_path):
    """The same first D step with and without --r1-gamma: the losses differ by the penalty."""
    images = np.random.default_rng(0).integers(0, 256, (8, 28, 28), dtype=np.uint8)
    rows, penalties = [], []
    for gamma in (0.0, 2.0):
        config = TrainConfig(arch="tiny", loss="hinge", batch_size=8, epochs=1, latent_dim=4, r1_gamma=gamma)
        trainer = Trainer.create(config, tmp_path / f"run{gamma}", images, verbose=False)
        assert trainer.config.r1_gamma == gamma
        batch = next(iter(trainer.loader.batches(0)))
        real = Tensor(batch, requires_grad=True)
        penalties.append(r1_penalty(trainer.discriminator(real), real, 2.0).item())  # D has no batch statistics
        rows.append(trainer.train_step(batch))
    assert penalties[0] == penalties[1] > 0
    assert rows[1]["d_loss"] - rows[0]["d_loss"] == pytest.approx(penalties[0], rel=1e-5)
    assert rows[1]["d_x"] == rows[0]["d_x"]


def test_clipping_and_the_penalties_are_the_objectives_hooks():
    """The step adds what the objective's hooks give: a run's clip bound reaches WGAN only, its
    penalty weight WGAN-GP only, and R1 any objective."""
    wgan = get_objective("wgan").with_settings(clip=0.05, gp_lambda=3.0)
    gp = get_objective("wgan-gp").with_settings(clip=0.05, gp_lambda=3.0, r1_gamma=2.0)
    bce = get_objective("bce").with_settings(clip=0.05, gp_lambda=3.0)
    assert (wgan.clip, wgan.gp_lambda, gp.clip, gp.gp_lambda, bce.clip, bce.gp_lambda) == (0.05, None, None, 3.0, None, None)
    rng = np.random.default_rng(2)
    critic = nn.Linear(3, 1, rng=rng, dtype=np.float64)
    real = Tensor(rng.random((4, 3)), requires_grad=True)
    fake = Tensor(rng.random((4, 3)))
    real_logits = critic(real)
    assert bce.d_penalties(critic, real, fake, real_logits, rng) == [] and not bce.differentiates_real_batch
    gp_term, r1_term = gp.d_penalties(critic, real, fake, real_logits, np.random.default_rng(9))
    assert gp_term.item() == gradient_penalty(critic, real, fake, np.random.default_rng(9), 3.0).item()
    assert r1_term.item() == r1_penalty(real_logits, real, 2.0).item() and gp.differentiates_real_batch
    critic.weight.array[...] = [[0.5, -0.01, -2.0]]
    bce.after_d_step(critic)
    np.testing.assert_array_equal(critic.weight.numpy(), [[0.5, -0.01, -2.0]])
    wgan.after_d_step(critic)
    np.testing.assert_array_equal(critic.weight.numpy(), [[0.05, -0.01, -0.05]])


# ---------------------------------------------------------------------------- models
def test_architectures_build_and_declare_scales():
    for name, arch in ARCHITECTURES.items():
        G, D, spec = build_models(name, latent_dim=16, rng=np.random.default_rng(0))
        G.eval()
        out = G(Tensor(np.zeros((3, 16), dtype=np.float32))).numpy()
        assert out.shape == (3, IMAGE_DIM) and spec.scale in ("unit", "symmetric")
        low, high = (0.0, 1.0) if spec.scale == "unit" else (-1.0, 1.0)
        assert out.min() >= low and out.max() <= high
        assert D(Tensor(np.zeros((3, IMAGE_DIM), dtype=np.float32))).shape == (3, 1)
    np.testing.assert_allclose(to_unit(np.array([-1.0, 0.0, 1.0]), "symmetric"), [0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="unknown architecture"):
        build_models("nope")


def test_dcgan_starts_from_the_dcgan_papers_initialisation():
    """Weights N(0, 0.02), BatchNorm weights N(1, 0.02), biases 0: checked by the sample moments of
    the large tensors (thousands of draws each: the standard error of the std is under 3%)."""
    G, D, _ = build_models("dcgan", rng=np.random.default_rng(0))
    checked = 0
    for module in (G, D):
        for layer in module.modules():
            if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d)):
                weight = layer.weight.numpy().astype(np.float64)
                centre = 1.0 if isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)) else 0.0
                if weight.size >= 1000:
                    assert abs(weight.std() - 0.02) < 0.002 and abs(weight.mean() - centre) < 0.002
                    checked += 1
                np.testing.assert_array_equal(layer.bias.numpy(), 0.0)
    assert checked >= 5


def test_an_architecture_may_name_its_loss_and_an_explicit_loss_wins(monkeypatch):
    assert TrainConfig(arch="cnn-d").resolve().loss == "hinge"
    assert TrainConfig(arch="default").resolve().loss == "hinge"
    assert TrainConfig(arch="seed").resolve().loss == "bce"
    assert TrainConfig(arch="cnn-d", loss="bce").resolve().loss == "bce"
    # the architecture's other run defaults come with its loss
    monkeypatch.setitem(ARCHITECTURES, "test-lsgan", Architecture(
        "test-lsgan", "unit", ARCHITECTURES["tiny"].make_generator, ARCHITECTURES["tiny"].make_discriminator,
        "tiny nets trained with lsgan", defaults={"loss": "lsgan", "epochs": 3, "lr": 5e-4}))
    config = TrainConfig(arch="test-lsgan").resolve()
    assert (config.loss, config.epochs, config.lr) == ("lsgan", 3, 5e-4)
    with pytest.raises(ConfigError, match="unknown loss 'nope'"):
        TrainConfig(arch="tiny", loss="nope").resolve()


def test_the_r1_penalty_is_on_for_the_conv_architectures_only_and_old_checkpoints_resume_without_it():
    assert TrainConfig(arch="cnn-d").resolve().r1_gamma == 1.0
    assert TrainConfig(arch="dcgan").resolve().r1_gamma == 1.0
    assert TrainConfig(arch="cnn-d", r1_gamma=0.0).resolve().r1_gamma == 0.0
    assert TrainConfig(arch="default").resolve().r1_gamma == 0.0
    assert TrainConfig(arch="default", r1_gamma=2.5).resolve().r1_gamma == 2.5
    for arch in ("cnn-d", "dcgan"):
        old = TrainConfig(arch=arch).resolve().to_dict()
        del old["r1_gamma"]
        assert TrainConfig.from_dict(old).resolve().r1_gamma == 0.0
    with pytest.raises(ConfigError, match="r1-gamma must be a non-negative number"):
        TrainConfig(arch="default", r1_gamma=-1.0).resolve()


# ---------------------------------------------------------------------------- every objective learns
def _fixed_d_loss(trainer, objective, real, fake):
    D = trainer.discriminator
    D.eval()
    try:
        with minigan.no_grad():
            return objective.d_loss(D(Tensor(real)), D(Tensor(fake))).item()
    finally:
        D.train()


@pytest.mark.mnist
@pytest.mark.parametrize("loss", sorted(OBJECTIVES))
def test_every_objective_reduces_d_loss_on_real_mnist(loss, mnist_slice, tmp_path):
    config = TrainConfig(arch="tiny", loss=loss, batch_size=64, epochs=1, seed=1,
                         lr=(None if loss.startswith("wgan") else 1e-3))
    trainer = Trainer.create(config, tmp_path, mnist_slice, verbose=False)
    objective = trainer.objective
    real = next(iter(trainer.loader))
    fake = trainer.sample(np.random.default_rng(5).standard_normal((64, config.latent_dim), dtype=np.float32))
    before = _fixed_d_loss(trainer, objective, real, fake)
    batches = trainer.loader.batches()
    for _ in range(10 if loss.startswith("wgan") else 6):
        row = trainer.train_step(next(batches))
        trainer.global_step += 1
        assert math.isfinite(row["d_loss"])
    after = _fixed_d_loss(trainer, objective, real, fake)
    assert after < before, (loss, before, after)


# ---------------------------------------------------------------------------- the trainer's guarantees
def _small_bn_arch() -> Architecture:
    """A net with BatchNorm (running buffers) and Dropout (random masks) for the resume tests."""

    def make_g(latent, rng):
        return nn.Sequential(nn.Linear(latent, 32, rng=rng), nn.BatchNorm1d(32), nn.LeakyReLU(0.2),
                             nn.Linear(32, IMAGE_DIM, rng=rng), nn.Tanh())

    def make_d(rng):
        return nn.Sequential(nn.Linear(IMAGE_DIM, 32, rng=rng), nn.LeakyReLU(0.2), nn.Dropout(0.3),
                             nn.Linear(32, 1, rng=rng))

    return Architecture("test-bn", "symmetric", make_g, make_d, "test net", betas=(0.5, 0.999))


@pytest.fixture
def bn_arch(monkeypatch):
    monkeypatch.setitem(ARCHITECTURES, "test-bn", _small_bn_arch())
    return "test-bn"


def _config(arch, **changes):
    values = dict(arch=arch, loss="bce", batch_size=64, epochs=2, seed=3, latent_dim=16, log_every=1000,
                  lr_schedule="exponential", real_label=0.9, ema=0.9)
    values.update(changes)
    return TrainConfig(**values)


def _losses(history):
    return {key: np.asarray(history[key]) for key in ("d_loss", "g_loss", "d_x", "d_g_z", "global_step")}


def _assert_bitwise_equal(a, b):
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


@pytest.mark.mnist
@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
def test_resume_equals_uninterrupted(loss, bn_arch, mnist_slice, tmp_path):
    full = Trainer.create(_config(bn_arch, loss=loss), tmp_path / "full", mnist_slice, verbose=False)
    full.fit()
    first = Trainer.create(_config(bn_arch, loss=loss, epochs=1), tmp_path / "split", mnist_slice, verbose=False)
    first.fit()
    # an epochs=1 run has its own schedule horizon, so compare with a run stopped after epoch 1 instead
    stopped = Trainer.create(_config(bn_arch, loss=loss), tmp_path / "stopped", mnist_slice, verbose=False)
    stopped.on_step.append(lambda t, row: t.request_stop() if t.global_step == t.steps_per_epoch else None)
    with pytest.raises(KeyboardInterrupt):
        stopped.fit()
    resumed = Trainer.resume(tmp_path / "stopped", mnist_slice, verbose=False)
    resumed.fit()
    _assert_bitwise_equal(_losses(full.history), _losses(resumed.history))
    for key, value in full.generator.state_dict().items():
        np.testing.assert_array_equal(value, resumed.generator.state_dict()[key], err_msg=key)
    for key, value in full.sampling_generator.state_dict().items():  # the weight average resumes too
        np.testing.assert_array_equal(value, resumed.sampling_generator.state_dict()[key], err_msg=key)


@pytest.mark.mnist
def test_resume_mid_epoch_after_ctrl_c_equals_uninterrupted(bn_arch, mnist_slice, tmp_path):
    full = Trainer.create(_config(bn_arch, lr_schedule="cyclic"), tmp_path / "full", mnist_slice, verbose=False)
    full.fit()
    run = Trainer.create(_config(bn_arch, lr_schedule="cyclic"), tmp_path / "run", mnist_slice, verbose=False)

    def press_ctrl_c(trainer, row):
        if trainer.global_step == 13:  # the middle of epoch 2
            os.kill(os.getpid(), signal.SIGINT)

    run.on_step.append(press_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        run.fit()
    state = load_checkpoint(tmp_path / "run")
    assert (int(state["epoch"]), int(state["batch_in_epoch"]), int(state["global_step"])) == (1, 3, 13)
    resumed = Trainer.resume(tmp_path / "run", mnist_slice, verbose=False)
    resumed.fit()
    _assert_bitwise_equal(_losses(full.history), _losses(resumed.history))


def test_the_first_steps_use_the_reference_kernels_and_a_resume_switches_where_the_run_did(
        bn_arch, tmp_path, monkeypatch):
    """While Numba loads in the background the first steps run on the NumPy reference; the switch
    comes at a fixed step, so a run stopped before it and resumed gives the same losses."""
    import minigan.gan.trainer as trainer_module
    from minigan import backends

    monkeypatch.setattr(trainer_module, "REFERENCE_KERNEL_STEPS", 15)
    kernels_of_step = {}
    original = Trainer.train_step

    def recording_step(self, real):
        kernels_of_step[self.global_step + 1] = type(backends.backend_of(real)).__name__
        return original(self, real)

    monkeypatch.setattr(Trainer, "train_step", recording_step)
    images = np.random.default_rng(4).integers(0, 256, (640, 28, 28), dtype=np.uint8)
    with backends.use_cpu_kernels("numba"):
        full = Trainer.create(_config(bn_arch), tmp_path / "full", images, verbose=False)
        full.fit()
        assert [kernels_of_step[step] for step in range(1, 21)] == ["NumpyBackend"] * 15 + ["NumbaBackend"] * 5
        assert backends.cpu_kernel_mode() == "numba"
        stopped = Trainer.create(_config(bn_arch), tmp_path / "stopped", images, verbose=False)
        stopped.on_step.append(lambda t, row: t.request_stop() if t.global_step == 13 else None)
        with pytest.raises(KeyboardInterrupt):
            stopped.fit()
        kernels_of_step.clear()
        resumed = Trainer.resume(tmp_path / "stopped", images, verbose=False)
        resumed.fit()
    assert [kernels_of_step[step] for step in range(14, 21)] == ["NumpyBackend"] * 2 + ["NumbaBackend"] * 5
    _assert_bitwise_equal(_losses(full.history), _losses(resumed.history))
    with backends.use_cpu_kernels("numpy"):  # the reference all the way: the same first 15 steps only
        reference = Trainer.create(_config(bn_arch), tmp_path / "reference", images, verbose=False)
        reference.fit()
    _assert_bitwise_equal({key: value[:15] for key, value in _losses(full.history).items()},
                          {key: value[:15] for key, value in _losses(reference.history).items()})
    assert not np.array_equal(_losses(full.history)["d_loss"][15:], _losses(reference.history)["d_loss"][15:])


def test_a_run_leaves_the_process_default_generator_as_it_found_it(bn_arch, tmp_path):
    """The run's Generator is handed to all that draws (weights, noise, shuffles, dropout masks),
    not installed: the process's default generator is the same object in the same state after."""
    from minigan.torch_api.generators import default_generator

    before = default_generator()
    state = copy.deepcopy(before.bit_generator.state)
    images = np.random.default_rng(0).integers(0, 256, (40, 28, 28), dtype=np.uint8)
    for arch in ("default", bn_arch):  # Dropout built with the run's Generator, and one built without
        trainer = Trainer.create(TrainConfig(arch=arch, batch_size=20, epochs=1, latent_dim=8, log_every=100),
                                 tmp_path / arch, images, verbose=False)
        trainer.fit()
        dropouts = [m for m in trainer.discriminator.modules() if isinstance(m, nn.Dropout)]
        assert dropouts and all(m.rng is trainer.rng for m in dropouts)
    assert default_generator() is before
    assert before.bit_generator.state == state


@pytest.mark.mnist
def test_resume_extends_epochs_like_a_longer_run(mnist_slice, tmp_path):
    long = Trainer.create(_config("tiny", lr_schedule="none", epochs=2), tmp_path / "long", mnist_slice, verbose=False)
    long.fit()
    Trainer.create(_config("tiny", lr_schedule="none", epochs=1), tmp_path / "short", mnist_slice, verbose=False).fit()
    resumed = Trainer.resume(tmp_path / "short", mnist_slice, overrides={"epochs": 2}, verbose=False)
    resumed.fit()
    _assert_bitwise_equal(_losses(long.history), _losses(resumed.history))


@pytest.mark.mnist
def test_same_seed_same_losses_other_seed_other_losses(bn_arch, mnist_slice, tmp_path):
    runs = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        trainer = Trainer.create(_config(bn_arch, seed=seed, epochs=1), tmp_path / name, mnist_slice, verbose=False)
        trainer.fit()
        runs.append(_losses(trainer.history))
    _assert_bitwise_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0]["d_loss"], runs[2]["d_loss"])


@pytest.mark.mnist
def test_nan_stops_naming_the_step_and_keeps_the_last_good_checkpoint(mnist_slice, tmp_path):
    trainer = Trainer.create(_config("tiny", epochs=3), tmp_path, mnist_slice, verbose=False)
    saved = {}

    def poison(t, row):
        if t.global_step == t.steps_per_epoch:  # after epoch 1's last step, before its checkpoint
            return
        if t.global_step == t.steps_per_epoch + 3:
            saved["bytes"] = t.checkpoint_path.read_bytes()
            next(iter(t.generator.parameters())).array[...] = np.nan

    trainer.on_step.append(poison)
    with pytest.raises(TrainingDiverged) as info:
        trainer.fit()
    message = str(info.value)
    assert "epoch 2, step 4 (global step 14)" in message
    assert str(trainer.checkpoint_path) in message and "kept" in message
    assert trainer.checkpoint_path.read_bytes() == saved["bytes"]
    state = load_checkpoint(tmp_path)
    assert int(state["epoch"]) == 1 and int(state["global_step"]) == 10
    assert all(np.all(np.isfinite(v)) for v in state["generator"].values())


@pytest.mark.mnist
def test_run_directory_contents(mnist_slice, tmp_path):
    trainer = Trainer.create(_config("tiny", epochs=2, log_every=4), tmp_path, mnist_slice, verbose=True)
    trainer.fit()
    names = {p.name for p in tmp_path.iterdir()}
    assert {"checkpoint.npz", "generator.npz", "history.csv", "history.json", "loss_curves.png", "config.json",
            "samples"} <= names
    assert sorted(p.name for p in (tmp_path / "samples").iterdir()) == ["epoch_001.png", "epoch_002.png"]
    lines = (tmp_path / "history.csv").read_text().splitlines()
    assert lines[0] == ("epoch,step,global_step,d_loss,g_loss,d_x,d_g_z,wasserstein,gradient_penalty,r1_penalty,"
                        "fid,fid_ratio_to_floor")
    assert len(lines) == 21
    weights = minigan.load(tmp_path / "generator.npz")
    assert set(weights) == set(trainer.generator.state_dict())


@pytest.mark.mnist
def test_trainer_samples_from_the_average_it_checkpoints(mnist_slice, tmp_path):
    """Replay the run's G weights step by step into a NumPy EMA; generator.npz must be that average."""
    config = _config("tiny", ema=0.8)
    trainer = Trainer.create(config, tmp_path / "run", mnist_slice, verbose=False)
    expected = {k: v.astype(np.float64) for k, v in trainer.generator.state_dict().items()}

    def follow(t, row):
        d = min(0.8, (1 + t.global_step - 1) / (10 + t.global_step - 1))
        for key, value in t.generator.state_dict().items():
            expected[key] = d * expected[key] + (1 - d) * value

    trainer.on_step.append(follow)
    trainer.fit()
    saved = minigan.load(tmp_path / "run" / "generator.npz")
    raw = load_checkpoint(tmp_path / "run")["generator"]
    for key in expected:
        np.testing.assert_allclose(saved[key], expected[key], rtol=1e-5, atol=1e-6, err_msg=key)
        assert not np.allclose(saved[key], raw[key])  # the average, not G's last weights
    generator, _, _ = load_generator(tmp_path / "run")  # from the checkpoint: the average too
    for key, value in generator.state_dict().items():
        np.testing.assert_array_equal(value, saved[key])


@pytest.mark.mnist
def test_log_line_format(mnist_slice, tmp_path, capsys):
    Trainer.create(_config("tiny", epochs=1, log_every=5), tmp_path, mnist_slice).fit()
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("Epoch [")]
    assert len(lines) == 2
    assert lines[0].startswith("Epoch [1/1], Step [5/10], D Loss: ")
    assert ", G Loss: " in lines[0] and ", D(x): " in lines[0] and ", D(G(z)): " in lines[0]
    assert "\r" not in out  # no progress bar when stdout is not a terminal


@pytest.mark.mnist
def test_resume_refuses_another_architecture_or_a_missing_checkpoint(mnist_slice, tmp_path):
    Trainer.create(_config("tiny", epochs=1), tmp_path / "run", mnist_slice, verbose=False).fit()
    with pytest.raises(CheckpointError, match="architecture 'tiny', not 'seed'"):
        Trainer.resume(tmp_path / "run", mnist_slice, overrides={"arch": "seed"}, verbose=False)
    with pytest.raises(CheckpointError, match="no checkpoint"):
        Trainer.resume(tmp_path, mnist_slice, verbose=False)
