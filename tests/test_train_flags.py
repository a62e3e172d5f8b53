"""python -m minigan.train checks its flags against the loss and the architecture: a flag the run
would not use, or a value that contradicts the loss, is refused in one line (exit 2) before
anything is written; the header shows only the settings in force; config.json keeps them all."""
from __future__ import annotations

import json

import numpy as np
import pytest

from minigan import train as train_cli
from minigan.gan import ARCHITECTURES, Trainer, TrainConfig
from minigan.gan.models import critic_has_batchnorm

PREFIX = "python -m minigan.train: error: "
NO_BN_CRITIC = "seed, dcgan-mlp, tiny, default"


def _one_line_error(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(PREFIX), err
    return err[len(PREFIX):].rstrip("\n")


@pytest.mark.parametrize("argv, message", [
    (["--loss", "bce", "--clip", "0.01"],
     "--clip applies only to --loss wgan (its weight clipping); --loss bce does not clip"),
    (["--loss", "wgan-gp", "--clip", "0.01"],
     "--clip applies only to --loss wgan (its weight clipping); --loss wgan-gp does not clip"),
    (["--arch", "cnn-d", "--clip", "0.1"],  # cnn-d's own loss is hinge
     "--clip applies only to --loss wgan (its weight clipping); --loss hinge does not clip"),
    (["--loss", "hinge", "--gp-lambda", "10"],
     "--gp-lambda applies only to --loss wgan-gp (its gradient penalty); --loss hinge has no such penalty"),
    (["--loss", "wgan", "--gp-lambda", "10"],
     "--gp-lambda applies only to --loss wgan-gp (its gradient penalty); --loss wgan has no such penalty"),
    (["--loss", "wgan", "--real-label", "0.9"],
     "--real-label applies only to --loss bce, bce-logits and minimax (one-sided label smoothing); "
     "--loss wgan has no real label"),
    (["--loss", "lsgan", "--real-label", "1"],
     "--real-label applies only to --loss bce, bce-logits and minimax (one-sided label smoothing); "
     "--loss lsgan has no real label"),
    (["--optimizer", "rmsprop", "--betas", "0.5", "0.9"],
     "--betas applies only to --optimizer adam: rmsprop has no betas"),
    (["--loss", "wgan", "--betas", "0.5", "0.9"],
     "--betas applies only to --optimizer adam: rmsprop has no betas "
     "(--loss wgan uses rmsprop unless --optimizer adam is given)"),
    (["--arch", "dcgan", "--loss", "wgan-gp"],
     f"--arch dcgan has BatchNorm in its critic, which the WGAN-GP paper advises against under a gradient "
     f"penalty; use --loss wgan-gp with --arch {NO_BN_CRITIC} (no BatchNorm in the critic), or another loss"),
    (["--arch", "cnn-d", "--loss", "wgan-gp"],
     f"--arch cnn-d has BatchNorm in its critic, which the WGAN-GP paper advises against under a gradient "
     f"penalty; use --loss wgan-gp with --arch {NO_BN_CRITIC} (no BatchNorm in the critic), or another loss"),
])
def test_a_flag_the_run_would_not_use_is_refused(argv, message, capsys, tmp_path):
    out = tmp_path / "run"
    assert train_cli.main(argv + ["--out", str(out)]) == 2
    assert _one_line_error(capsys) == message
    assert not out.exists()


@pytest.mark.parametrize("argv", [
    ["--loss", "wgan", "--clip", "0.02"],
    ["--loss", "wgan-gp", "--gp-lambda", "5"],
    ["--loss", "minimax", "--real-label", "0.8"],
    ["--loss", "bce-logits", "--real-label", "0.8"],
    ["--loss", "wgan", "--optimizer", "adam", "--betas", "0.5", "0.9"],
    ["--loss", "hinge", "--n-critic", "2"],
    ["--arch", "dcgan", "--loss", "wgan"],  # weight clipping, as the WGAN paper's DCGAN critic had
])
def test_a_flag_in_force_is_accepted(argv, small_train_args, capsys, tmp_path):
    out = tmp_path / "run"
    if "--arch" in argv:  # a convolutional net: only check that the flags pass, not a run of it
        given = train_cli._given(train_cli.build_parser().parse_args(argv))
        train_cli.check_given(given)
        return
    assert train_cli.main(small_train_args + argv + ["--epochs", "1", "--out", str(out)]) == 0, capsys.readouterr().err


def test_critic_batchnorm_matches_the_descriptions():
    # independent reference: the descriptions name BatchNorm in D for these two nets only
    assert {name for name in ARCHITECTURES if critic_has_batchnorm(name)} == {"dcgan", "cnn-d"}
    for name, arch in ARCHITECTURES.items():
        critic = arch.description.split("D ", 1)[-1] if "D " in arch.description else arch.description
        assert ("BatchNorm" in critic) == (name in ("dcgan", "cnn-d")), name


def _header(capsys):
    lines = capsys.readouterr().out.splitlines()
    return lines[1]  # after "run directory: ..."


@pytest.mark.parametrize("argv, header", [
    (["--loss", "wgan"],
     "arch tiny, loss wgan, clip 0.01, 1 epoch of 2 steps (batch 50), rmsprop lr 5e-05, n_critic 5, "
     "lr schedule none, weight average off, seed 0"),
    (["--loss", "wgan-gp"],
     "arch tiny, loss wgan-gp, gp lambda 10, 1 epoch of 2 steps (batch 50), adam lr 0.0001 betas (0.0, 0.9), "
     "n_critic 5, lr schedule none, weight average off, seed 0"),
    (["--loss", "hinge", "--r1-gamma", "1"],
     "arch tiny, loss hinge, 1 epoch of 2 steps (batch 50), adam lr 0.0002 betas (0.5, 0.999), n_critic 1, "
     "lr schedule none, weight average off, R1 gamma 1, seed 0"),
    (["--loss", "bce", "--real-label", "0.9", "--optimizer", "rmsprop"],
     "arch tiny, loss bce, real label 0.9, 1 epoch of 2 steps (batch 50), rmsprop lr 0.0002, n_critic 1, "
     "lr schedule none, weight average off, seed 0"),
    (["--lr-d", "4e-4", "--minibatch-std", "--spectral-norm", "--instance-noise", "0.1"],
     "arch tiny, loss bce, real label 1, 1 epoch of 2 steps (batch 50), adam lr D 0.0004 G 0.0002 betas (0.5, 0.999), "
     "n_critic 1, lr schedule none, weight average off, seed 0, minibatch std, spectral norm, "
     "instance noise 0.1 to 0 at epoch 1"),
])
def test_the_header_shows_only_the_settings_in_force(argv, header, small_train_args, capsys, tmp_path):
    out = tmp_path / "run"
    assert train_cli.main(small_train_args + argv + ["--epochs", "1", "--out", str(out)]) == 0
    assert _header(capsys) == header
    # config.json still records every setting (the resolved config, as resume reads it)
    recorded = json.loads((out / "config.json").read_text())
    assert set(recorded) == {"epochs", "batch_size", "lr", "betas", "latent_dim", "arch", "loss", "n_critic", "clip",
                             "gp_lambda", "r1_gamma", "lr_schedule", "lr_final", "real_label", "optimizer", "ema", "seed",
                             "dataset", "data_dir", "log_every", "sample_every", "device", "checkpoint_every",
                             "sample_every_steps", "lr_d", "lr_g", "minibatch_std", "spectral_norm", "instance_noise",
                             "instance_noise_epochs", "eval_every", "g_hidden", "d_hidden"}


def test_a_run_that_recorded_an_unused_flag_still_resumes(tmp_path):
    """Before the checks, --loss bce --clip 0.01 ran and config.json said clip 0.01: such a
    checkpoint still resumes (the check is on the command line of a new run, not on resume)."""
    images = np.random.default_rng(0).integers(0, 256, (100, 28, 28), dtype=np.uint8)
    config = TrainConfig(arch="tiny", latent_dim=8, batch_size=50, epochs=1, loss="bce", clip=0.01, log_every=1)
    first = Trainer.create(config, tmp_path / "run", images, verbose=False)
    first.fit()
    resumed = Trainer.resume(tmp_path / "run", images, overrides={"epochs": 2}, verbose=False)
    assert resumed.config.clip == 0.01 and resumed.config.loss == "bce"
    resumed.fit()
    assert resumed.global_step == 4
