"""The options against mode collapse, each against an independent reference: spectral norm
(largest singular value after its power iterations against np.linalg.svd, its one power
step and its backward against NumPy), the minibatch-std feature against NumPy, the instance
noise schedule, two learning rates, and R1 on the MLP discriminators."""
import numpy as np
import pytest

from minigan import nn
from minigan.autograd import Tensor
from minigan.gan import TrainConfig, Trainer
from minigan.gan.errors import ConfigError
from minigan.gan.config import check_given
from minigan.gan.objectives import r1_penalty
from minigan.gan.regularizers import MinibatchStdDev, add_minibatch_std, instance_noise_sigma
from minigan.gan.step import joins_real_and_fake
from minigan.nn.utils import spectral_norm


def _top_singular_value(matrix):
    return np.linalg.svd(np.asarray(matrix, dtype=np.float64), compute_uv=False)[0]


@pytest.mark.parametrize("make, as_matrix", [
    (lambda rng: nn.Linear(30, 12, rng=rng), lambda w: w),
    (lambda rng: nn.Conv2d(3, 6, 3, rng=rng), lambda w: w.reshape(w.shape[0], -1)),
    (lambda rng: nn.ConvTranspose2d(4, 5, 3, rng=rng), lambda w: w.transpose(1, 0, 2, 3).reshape(w.shape[1], -1)),
])
def test_spectral_norm_makes_the_largest_singular_value_one(make, as_matrix):
    rng = np.random.default_rng(0)
    layer = make(rng)
    layer.weight.array *= 5.0  # far from 1, so that "== 1 after" says something
    before = _top_singular_value(as_matrix(layer.weight.numpy()))
    spectral_norm(layer, rng=rng)
    shape = (2, 30) if isinstance(layer, nn.Linear) else (2, layer.in_channels, 6, 6)
    x = Tensor(rng.standard_normal(shape).astype(np.float32))
    for _ in range(60):  # one power iteration each forward pass in training mode
        layer(x)
    assert before > 2
    assert _top_singular_value(as_matrix(layer.weight.numpy())) == pytest.approx(1.0, abs=1e-3)
    # weight_orig is untouched: the normalised weight is weight_orig / sigma
    np.testing.assert_allclose(_top_singular_value(as_matrix(layer.weight_orig.numpy())), before, rtol=1e-6)


def test_spectral_norm_state_has_pytorchs_names_and_one_power_step():
    rng = np.random.default_rng(1)
    layer = spectral_norm(nn.Linear(5, 4, rng=rng), rng=rng)
    state = layer.state_dict()
    assert list(state) == ["bias", "weight_orig", "weight_u", "weight_v"]  # PyTorch's order and names
    assert [name for name, _ in layer.named_parameters()] == ["bias", "weight_orig"]
    w, u = state["weight_orig"].astype(np.float64), state["weight_u"].astype(np.float64)
    np.testing.assert_allclose(np.linalg.norm(u), 1.0, rtol=1e-6)
    layer(Tensor(rng.standard_normal((3, 5)).astype(np.float32)))
    v_ref = w.T @ u / np.linalg.norm(w.T @ u)  # PyTorch: v = normalize(W^T u), then u = normalize(W v)
    u_ref = w @ v_ref / np.linalg.norm(w @ v_ref)
    np.testing.assert_allclose(layer.weight_v.astype(np.float64), v_ref, rtol=1e-5)
    np.testing.assert_allclose(layer.weight_u.astype(np.float64), u_ref, rtol=1e-5)
    np.testing.assert_allclose(layer.weight.numpy(), w / (u_ref @ w @ v_ref), rtol=1e-5)
    layer.eval()  # eval mode: no power iteration, u and v stay
    layer(Tensor(rng.standard_normal((3, 5)).astype(np.float32)))
    np.testing.assert_allclose(layer.weight_u.astype(np.float64), u_ref, rtol=1e-5)
    # a fresh layer loads the state, u and v included
    other = spectral_norm(nn.Linear(5, 4, rng=np.random.default_rng(9)), rng=np.random.default_rng(9))
    other.load_state_dict(layer.state_dict())
    for key, value in layer.state_dict().items():
        np.testing.assert_array_equal(other.state_dict()[key], value)


def test_spectral_norm_backward_against_finite_differences():
    """d/dW of sum(U * (x @ (W / sigma(W)).T)) with sigma = u^T W v (u, v fixed, eval mode), by
    central differences in NumPy float64."""
    rng = np.random.default_rng(2)
    layer = spectral_norm(nn.Linear(4, 3, bias=False, rng=rng, dtype=np.float64), rng=rng)
    layer.eval()
    x = rng.standard_normal((5, 4))
    upstream = rng.standard_normal((5, 3))
    (layer(Tensor(x, dtype=np.float64)) * Tensor(upstream, dtype=np.float64)).sum().backward()
    u, v, w = (np.asarray(a, dtype=np.float64) for a in (layer.weight_u, layer.weight_v, layer.weight_orig.numpy()))

    def loss(weight):
        return np.sum(upstream * (x @ (weight / (u @ weight @ v)).T))

    numeric = np.zeros_like(w)
    eps = 1e-6
    for index in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[index] = eps
        numeric[index] = (loss(w + step) - loss(w - step)) / (2 * eps)
    np.testing.assert_allclose(layer.weight_orig.grad.numpy(), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("shape", [(6, 5), (4, 3, 2, 2)])
def test_minibatch_std_feature_against_numpy(shape):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    out = MinibatchStdDev()(Tensor(x, dtype=np.float64)).numpy()
    s = np.mean(np.sqrt(np.var(x, axis=0) + 1e-8))  # ProGAN: the batch's std per feature, averaged
    expected = np.concatenate([x, np.full((shape[0], 1) + shape[2:], s)], axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_minibatch_std_goes_before_the_last_linear_and_splits_real_from_fake():
    from minigan.gan.models import build_models

    for arch, width in (("tiny", 32 + 1), ("cnn-d", 129 * 49)):
        _, d, _ = build_models(arch, 8, np.random.default_rng(0))
        d = add_minibatch_std(d, np.random.default_rng(1))
        layers = list(d)
        assert isinstance(layers[-1], nn.Linear) and layers[-1].in_features == width
        assert any(isinstance(m, MinibatchStdDev) for m in layers)
        assert d(Tensor(np.zeros((3, 784), dtype=np.float32))).shape == (3, 1)
        assert not joins_real_and_fake(d)  # the feature must see the real and the fake batch apart


def test_instance_noise_is_annealed_linearly_to_zero_at_the_stated_epoch():
    assert instance_noise_sigma(0.2, 4, 0.0) == 0.2
    assert instance_noise_sigma(0.2, 4, 1.0) == pytest.approx(0.15)
    assert instance_noise_sigma(0.2, 4, 3.5) == pytest.approx(0.025)
    assert instance_noise_sigma(0.2, 4, 4.0) == 0.0
    assert instance_noise_sigma(0.2, 4, 7.0) == 0.0
    assert instance_noise_sigma(0.0, 4, 1.0) == 0.0


def test_instance_noise_changes_only_the_epochs_before_it_ends(tmp_path):
    """With the noise ending at epoch 1, a run draws extra noise in epoch 1 only: its D loss
    differs from the plain run's there, and the header names the schedule."""
    images = np.random.default_rng(0).integers(0, 256, (32, 28, 28), dtype=np.uint8)
    runs = {}
    for sigma in (0.0, 0.3):
        config = TrainConfig(arch="tiny", batch_size=16, epochs=2, latent_dim=4, instance_noise=sigma,
                             instance_noise_epochs=1 if sigma else None)
        trainer = Trainer.create(config, tmp_path / f"run{sigma}", images, verbose=False)
        steps = []
        trainer.on_step.append(lambda t, row, steps=steps: steps.append(
            instance_noise_sigma(t.config.instance_noise, t.config.instance_noise_epochs or 1,
                                 (t.global_step - 1) / t.steps_per_epoch)))
        trainer.fit()
        runs[sigma] = (np.asarray(trainer.history["d_loss"]), steps)
    assert runs[0.3][1] == [0.3, 0.15, 0.0, 0.0]
    assert runs[0.3][0][0] != runs[0.0][0][0]


def test_two_learning_rates_reach_the_two_optimizers(tmp_path):
    images = np.zeros((8, 28, 28), dtype=np.uint8)
    trainer = Trainer.create(TrainConfig(arch="tiny", batch_size=8, epochs=1, lr=1e-3, lr_d=4e-4), tmp_path, images,
                             verbose=False)
    assert trainer.opt_d.param_groups[0]["lr"] == 4e-4
    assert trainer.opt_g.param_groups[0]["lr"] == 1e-3  # --lr-g defaults to --lr
    assert TrainConfig(arch="tiny", lr=3e-4).resolve().lr_d == 3e-4


def test_instance_noise_epochs_needs_instance_noise():
    with pytest.raises(ConfigError, match="--instance-noise-epochs applies only with --instance-noise"):
        check_given({"instance_noise_epochs": 3.0})
    check_given({"instance_noise_epochs": 3.0, "instance_noise": 0.1})


@pytest.mark.parametrize("arch", ["tiny", "dcgan-mlp"])
def test_r1_penalty_on_the_mlp_discriminators(arch, tmp_path):
    """The same first D step with and without --r1-gamma on an MLP D: the losses differ by the penalty."""
    images = np.random.default_rng(0).integers(0, 256, (8, 28, 28), dtype=np.uint8)
    rows, penalties = [], []
    for gamma in (0.0, 2.0):
        config = TrainConfig(arch=arch, loss="hinge", batch_size=8, epochs=1, latent_dim=4, r1_gamma=gamma)
        trainer = Trainer.create(config, tmp_path / f"run{gamma}", images, verbose=False)
        batch = next(iter(trainer.loader.batches(0)))
        real = Tensor(batch, requires_grad=True)
        penalties.append(r1_penalty(trainer.discriminator(real), real, 2.0).item())
        rows.append(trainer.train_step(batch))
    assert penalties[0] == penalties[1] > 0
    assert rows[1]["d_loss"] - rows[0]["d_loss"] == pytest.approx(penalties[0], rel=1e-4)
    assert rows[1]["r1_penalty"] == pytest.approx(penalties[0], rel=1e-5)


def test_a_run_with_every_option_resumes_bit_for_bit(tmp_path):
    """Spectral norm's u and v are in the checkpoint: a stopped and resumed run equals an
    uninterrupted one."""
    images = np.random.default_rng(5).integers(0, 256, (64, 28, 28), dtype=np.uint8)
    config = dict(arch="tiny", batch_size=16, epochs=2, latent_dim=4, minibatch_std=True, spectral_norm=True,
                  instance_noise=0.1, lr_d=4e-4, r1_gamma=1.0)
    full = Trainer.create(TrainConfig(**config), tmp_path / "full", images, verbose=False)
    full.fit()
    stopped = Trainer.create(TrainConfig(**config), tmp_path / "stopped", images, verbose=False)
    stopped.on_step.append(lambda t, row: t.request_stop() if t.global_step == 3 else None)
    with pytest.raises(KeyboardInterrupt):
        stopped.fit()
    assert "discriminator" in stopped.state_dict()
    assert "2.weight_u" in stopped.state_dict()["discriminator"] or "3.weight_u" in stopped.state_dict()["discriminator"]
    resumed = Trainer.resume(tmp_path / "stopped", images, verbose=False)
    resumed.fit()
    np.testing.assert_array_equal(full.history["d_loss"], resumed.history["d_loss"])
    for key, value in full.discriminator.state_dict().items():
        np.testing.assert_array_equal(value, resumed.discriminator.state_dict()[key], err_msg=key)


def test_a_rerun_with_a_new_lr_moves_the_two_rates_that_followed_it(tmp_path):
    import json

    from minigan.gan.config import rerun_settings

    recorded = TrainConfig(arch="tiny", lr=2e-4, epochs=3, instance_noise=0.1).resolve()
    path = tmp_path / "config.json"
    path.write_text(json.dumps(recorded.to_dict()))
    settings = rerun_settings(path, {"lr": 1e-3, "epochs": 6})
    rerun = TrainConfig(**settings).resolve()
    assert rerun.lr_d == rerun.lr_g == 1e-3 and rerun.instance_noise_epochs == 6
    kept = TrainConfig(**rerun_settings(path, {"lr_d": 5e-4})).resolve()
    assert kept.lr_d == 5e-4 and kept.lr_g == 2e-4 and kept.instance_noise_epochs == 3


def test_the_default_trains_d_and_g_at_its_own_two_rates_unless_lr_is_given(tmp_path):
    """The default architecture's D and G rates (docs/default-run-notes.md, Round 7) apply
    until --lr names one rate for both; a rerun with a new --lr moves both from the defaults,
    and keeps a rate that was chosen apart from them."""
    import json

    from minigan.gan.config import rerun_settings

    default = TrainConfig().resolve()
    assert (default.loss, default.lr_d, default.lr_g) == ("hinge", 1.2e-3, 1.6e-3)
    assert TrainConfig(loss="bce").resolve().lr_d == 1.2e-3  # the rates belong to the network
    one_rate = TrainConfig(lr=5e-4).resolve()
    assert one_rate.lr_d == one_rate.lr_g == 5e-4
    assert TrainConfig(lr=5e-4, lr_g=2e-3).resolve().lr_g == 2e-3
    assert TrainConfig(arch="seed").resolve().lr_d == TrainConfig(arch="seed").resolve().lr == 2e-4
    path = tmp_path / "config.json"
    path.write_text(json.dumps(default.to_dict()))
    moved = TrainConfig(**rerun_settings(path, {"lr": 3e-4})).resolve()
    assert moved.lr_d == moved.lr_g == 3e-4
    path.write_text(json.dumps(TrainConfig(lr_d=7e-4).resolve().to_dict()))
    kept = TrainConfig(**rerun_settings(path, {"lr": 3e-4})).resolve()
    assert (kept.lr_d, kept.lr_g) == (7e-4, 3e-4)
