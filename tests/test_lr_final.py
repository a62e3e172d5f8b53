"""--lr-final: the fraction of the learning rate that the exponential and cosine schedules end at,
checked against the schedules' closed forms."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from minigan import train as train_cli
from minigan.gan import ConfigError, Trainer, TrainConfig
from minigan.gan.config import rerun_settings


def _images(count=100):
    return np.random.default_rng(0).integers(0, 256, (count, 28, 28), dtype=np.uint8)


def _rates_after_each_epoch(config, tmp_path):
    trainer = Trainer.create(config, tmp_path / "run", _images(), verbose=False)
    rates = []
    trainer.on_epoch.append(lambda t, epoch: rates.append((t.opt_d.param_groups[0]["lr"],
                                                         t.opt_g.param_groups[0]["lr"])))
    trainer.fit()
    return np.array(rates)


@pytest.mark.parametrize("schedule, final", [("exponential", 0.25), ("cosine", 0.2)])
def test_the_rates_end_at_the_given_fraction_of_each_networks_lr(schedule, final, tmp_path):
    config = TrainConfig(arch="tiny", loss="bce", latent_dim=8, batch_size=50, epochs=3, lr_d=4e-4, lr_g=2e-4,
                         lr_schedule=schedule, lr_final=final, eval_every=0, log_every=1000)
    rates = _rates_after_each_epoch(config, tmp_path)
    epochs = np.arange(1, 4)
    if schedule == "exponential":  # lr * final ** (epoch / epochs)
        fraction = final ** (epochs / 3)
    else:  # final + (1 - final) * (1 + cos(pi * epoch / epochs)) / 2, in units of lr
        fraction = final + (1 - final) * (1 + np.cos(math.pi * epochs / 3)) / 2
    np.testing.assert_allclose(rates[:, 0], 4e-4 * fraction, rtol=1e-12)
    np.testing.assert_allclose(rates[:, 1], 2e-4 * fraction, rtol=1e-12)
    np.testing.assert_allclose(rates[-1], [4e-4 * final, 2e-4 * final], rtol=1e-12)


def test_each_schedule_has_its_own_final_fraction_unless_one_is_given():
    assert TrainConfig().resolve().lr_final == TrainConfig(lr_schedule="exponential").resolve().lr_final == 0.3
    assert TrainConfig(arch="tiny", lr_schedule="exponential").resolve().lr_final == 0.1
    assert TrainConfig(lr_schedule="cosine").resolve().lr_final == 0.01  # not the default's own schedule
    assert TrainConfig(lr_schedule="cosine").resolve().lr_final == 0.01
    assert TrainConfig(lr_schedule="cosine", lr_final=0.5).resolve().lr_final == 0.5
    assert TrainConfig(lr_schedule="none").resolve().lr_final is None
    assert TrainConfig(arch="seed").resolve().lr_final is None  # no schedule, no fraction
    with pytest.raises(ConfigError, match="lr-final applies only to --lr-schedule exponential and cosine"):
        TrainConfig(lr_schedule="cyclic", lr_final=0.5).resolve()
    with pytest.raises(ConfigError, match=r"lr-final must be a fraction in \(0, 1\], got 1.5"):
        TrainConfig(lr_final=1.5).resolve()


@pytest.mark.parametrize("arch, schedule, final", [("default", "exponential", 0.1), ("tiny", "exponential", 0.1),
                                                   ("default", "cosine", 0.01)])
def test_a_config_recorded_before_the_option_keeps_its_schedules_end(arch, schedule, final):
    """config.json of runs from before --lr-final has no lr_final: the exponential schedule ended at
    a tenth and the cosine one at a hundredth, also for the default net, whose own is 0.3 now."""
    recorded = TrainConfig(arch=arch, lr_schedule=schedule).resolve().to_dict()
    del recorded["lr_final"]
    assert TrainConfig.from_dict(recorded).resolve().lr_final == final


def test_a_rerun_with_another_schedule_takes_that_schedules_fraction(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(TrainConfig(arch="tiny", lr_schedule="exponential").resolve().to_dict()))
    assert TrainConfig(**rerun_settings(path, {"lr_schedule": "cosine"})).resolve().lr_final == 0.01
    path.write_text(json.dumps(TrainConfig(arch="tiny", lr_schedule="exponential", lr_final=0.3).resolve().to_dict()))
    assert TrainConfig(**rerun_settings(path, {"lr_schedule": "cosine"})).resolve().lr_final == 0.3  # chosen: kept


@pytest.mark.parametrize("argv, message", [
    (["--lr-final", "0"], "--lr-final: must be a positive number"),
    (["--lr-final", "2"], "lr-final must be a fraction in (0, 1], got 2.0"),
    (["--lr-schedule", "none", "--lr-final", "0.5"], "lr-final applies only to --lr-schedule exponential and cosine"),
])
def test_a_bad_lr_final_is_one_line(argv, message, small_train_args, capsys, tmp_path):
    assert train_cli.main(small_train_args + argv + ["--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "run").exists()


def test_the_header_names_the_fraction(small_train_args, capsys, tmp_path):
    out = tmp_path / "run"
    args = small_train_args + ["--lr-schedule", "cosine", "--lr-final", "0.2", "--epochs", "1", "--out", str(out)]
    assert train_cli.main(args) == 0
    assert "lr schedule cosine to 0.2 of lr," in capsys.readouterr().out
    assert json.loads((out / "config.json").read_text())["lr_final"] == 0.2


def test_the_cyclic_schedule_moves_the_rate_and_leaves_adams_beta1_where_the_run_set_it():
    # PyTorch's CyclicLR moves beta1 by default (minigan/optim/lr_scheduler/cycles.py); the run's does not
    from minigan import nn, optim
    from minigan.gan.config import make_scheduler
    optimizer = optim.Adam([nn.Parameter(np.zeros(2, dtype=np.float32))], lr=1e-3, betas=(0.5, 0.999))
    schedule = make_scheduler(TrainConfig(lr_schedule="cyclic").resolve(), optimizer, steps_per_epoch=4)
    rates = []
    for _ in range(8):
        rates.append(optimizer.param_groups[0]["lr"])
        schedule.step()
    assert rates == pytest.approx([1e-4, 3.25e-4, 5.5e-4, 7.75e-4, 1e-3, 7.75e-4, 5.5e-4, 3.25e-4])
    assert optimizer.param_groups[0]["betas"] == (0.5, 0.999)
