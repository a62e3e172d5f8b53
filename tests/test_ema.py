"""optim.ExponentialMovingAverage against the update written out in NumPy (its use in the trainer: test_gan)."""
import numpy as np
import pytest

from minigan import nn, optim
from minigan.gan.errors import ConfigError
from minigan.gan.trainer import TrainConfig


def _model(seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(3, 4, rng=rng), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2, rng=rng))


def _perturb(model, rng):
    for p in model.parameters():
        p.array[...] = rng.standard_normal(p.shape).astype(p.array.dtype)
    for b in model.buffers():
        if b.dtype.kind == "f":
            b.array[...] = rng.random(b.shape).astype(b.dtype) + 0.5


def test_update_matches_the_formula_written_out():
    model, rng, decay = _model(), np.random.default_rng(1), 0.9
    average = optim.ExponentialMovingAverage(model, decay)
    expected = {k: v.astype(np.float64) for k, v in model.state_dict().items()}
    for t in range(30):
        _perturb(model, rng)
        d = min(decay, (1 + t) / (10 + t))  # warm-up: 0.1, 0.18, ... then the decay itself
        for key, value in model.state_dict().items():
            expected[key] = d * expected[key] + (1 - d) * value
        average.update(model)
    assert average.num_updates == 30
    got = average.module.state_dict()
    for key in expected:  # parameters and BatchNorm's running statistics alike
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, atol=1e-6, err_msg=key)


def test_first_update_weights_the_new_weights_by_nine_tenths():
    model = _model()
    before = {key: value.clone() for key, value in model.state_dict().items()}  # a snapshot: state_dict shares memory
    average = optim.ExponentialMovingAverage(model, 0.999)
    assert average.current_decay() == pytest.approx(0.1)
    _perturb(model, np.random.default_rng(2))
    average.update(model)
    for key, value in model.state_dict().items():
        np.testing.assert_allclose(average.module.state_dict()[key], 0.1 * before[key] + 0.9 * value, rtol=1e-6)


def test_constant_weights_stay_and_zero_decay_copies():
    model = _model()
    average = optim.ExponentialMovingAverage(model, 0.5)
    for _ in range(5):
        average.update(model)
    for key, value in model.state_dict().items():
        np.testing.assert_allclose(average.module.state_dict()[key], value, rtol=1e-6)
    copy = optim.ExponentialMovingAverage(model, 0.0)
    _perturb(model, np.random.default_rng(3))
    copy.update(model)
    for key, value in model.state_dict().items():
        np.testing.assert_allclose(copy.module.state_dict()[key], value, rtol=1e-6, atol=1e-7)


def test_the_average_is_a_separate_frozen_copy():
    model = _model()
    average = optim.ExponentialMovingAverage(model, 0.9)
    first = next(iter(model.parameters()))
    first.array[...] = 7.0
    assert not np.any(next(iter(average.module.parameters())).array == 7.0)
    assert not any(p.requires_grad for p in average.module.parameters())
    assert all(p.requires_grad for p in model.parameters())


def test_state_dict_round_trip_and_errors():
    model, rng = _model(), np.random.default_rng(4)
    average = optim.ExponentialMovingAverage(model, 0.95)
    for _ in range(3):
        _perturb(model, rng)
        average.update(model)
    restored = optim.ExponentialMovingAverage(_model(seed=9), 0.5)
    restored.load_state_dict(average.state_dict())
    assert (restored.decay, restored.num_updates) == (0.95, 3)
    for key, value in average.module.state_dict().items():
        np.testing.assert_array_equal(restored.module.state_dict()[key], value)
    with pytest.raises(ValueError, match=r"decay must be a number in \[0, 1\)"):
        optim.ExponentialMovingAverage(model, 1.0)
    with pytest.raises(TypeError, match="nn.Module"):
        optim.ExponentialMovingAverage([1, 2], 0.9)
    other = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(ValueError, match=r"entry 0 is \(.0.weight., \(5, 3\)\)"):
        average.update(other)


def test_ema_off_and_bad_values():
    assert TrainConfig(arch="tiny", ema=0).resolve().ema == 0.0
    # the architecture's average applies to every objective, not only the GAN-family ones
    assert TrainConfig(arch="default", loss="wgan-gp").resolve().ema == 0.9998
    assert TrainConfig(arch="default", loss="bce", ema=0.5).resolve().ema == 0.5
    for bad in (1.0, -0.1, float("nan")):
        with pytest.raises(ConfigError, match="ema must be a decay"):
            TrainConfig(arch="tiny", ema=bad).resolve()
