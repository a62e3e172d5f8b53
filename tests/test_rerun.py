"""python -m minigan.train --config RUN/config.json reruns a run's settings (flags given as well
override them), and --checkpoint-every N|none decides when checkpoint.npz is written (none: never,
only generator.npz at the end, and the run cannot be resumed)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from minigan import train as train_cli
from minigan.gan import load_checkpoint

PREFIX = "python -m minigan.train: error: "


def _one_line_error(capsys):
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) >= 1 and lines[-1].startswith(PREFIX) and sum(l.startswith(PREFIX) for l in lines) == 1, err
    return lines[-1][len(PREFIX):]


def _train(argv, capsys):
    status = train_cli.main(argv)
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def _config(run):
    return json.loads((run / "config.json").read_text())


def test_a_rerun_repeats_the_run(small_train_args, tmp_path, capsys):
    first, second = tmp_path / "first", tmp_path / "second"
    _train(small_train_args + ["--epochs", "2", "--loss", "hinge", "--lr", "3e-4", "--seed", "5", "--out", str(first)],
           capsys)
    _train(["--config", str(first / "config.json"), "--out", str(second)], capsys)
    assert _config(second) == _config(first)
    # the same settings and seed: the same losses and the same weights
    assert (second / "history.csv").read_text() == (first / "history.csv").read_text()
    a, b = np.load(first / "generator.npz"), np.load(second / "generator.npz")
    assert sorted(a.files) == sorted(b.files)
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])


def test_flags_override_the_recorded_settings(small_train_args, tmp_path, capsys):
    first, second = tmp_path / "first", tmp_path / "second"
    _train(small_train_args + ["--epochs", "1", "--loss", "wgan", "--out", str(first)], capsys)
    out = _train(["--config", str(first / "config.json"), "--loss", "bce", "--seed", "3", "--out", str(second)], capsys)
    recorded, rerun = _config(first), _config(second)
    assert (recorded["clip"], recorded["optimizer"], recorded["lr"]) == (0.01, "rmsprop", 5e-05)
    # the new loss and seed; the rest as recorded; wgan's clip, which bce does not use, left out
    assert (rerun["loss"], rerun["seed"], rerun["clip"]) == ("bce", 3, None)
    assert {k: rerun[k] for k in ("optimizer", "lr", "n_critic", "batch_size", "latent_dim", "arch")} == {
        "optimizer": "rmsprop", "lr": 5e-05, "n_critic": 5, "batch_size": 50, "latent_dim": 8, "arch": "tiny"}
    assert "loss bce, real label 1, " in out and "clip" not in out


def test_an_override_is_still_checked_against_the_loss(small_train_args, tmp_path, capsys):
    first = tmp_path / "first"
    _train(small_train_args + ["--epochs", "1", "--out", str(first)], capsys)  # bce
    assert train_cli.main(["--config", str(first / "config.json"), "--clip", "0.01",
                           "--out", str(tmp_path / "x")]) == 2
    assert _one_line_error(capsys) == "--clip applies only to --loss wgan (its weight clipping); --loss bce does not clip"
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("content, message", [
    (None, "--config {path}: no such file"),
    ("{not json", "--config {path} is not JSON: Expecting property name enclosed in double quotes: "
                  "line 1 column 2 (char 1)"),
    ("[1, 2]", "--config {path} is not a run's config.json (it has no arch and loss)"),
    ('{"arch": "tiny", "loss": "bce", "colour": 1}', "--config {path}: the run's config has unknown keys ['colour']"),
    ('{"arch": "tiny", "loss": "bce", "epochs": "two"}',
     "--config {path}: the run's config has epochs 'two', which is not an integer"),
    ('{"arch": "nope", "loss": "bce"}',
     "unknown architecture 'nope'; choose one of seed, dcgan-mlp, tiny, cnn-d, dcgan, default"),
])
def test_a_bad_config_file_is_one_line(content, message, tmp_path, capsys):
    path = tmp_path / "config.json"
    if content is not None:
        path.write_text(content)
    assert train_cli.main(["--config", str(path), "--out", str(tmp_path / "run")]) == 2
    assert _one_line_error(capsys) == message.format(path=path)
    assert not (tmp_path / "run").exists()


def test_a_directory_as_config_names_the_file(tmp_path, capsys):
    assert train_cli.main(["--config", str(tmp_path), "--out", str(tmp_path / "run")]) == 2
    assert _one_line_error(capsys) == (f"--config {tmp_path} is a directory; give the run's config.json: "
                                       f"--config {tmp_path / 'config.json'}")


def test_config_with_resume_is_refused(finished_small_run, capsys):
    before = {p: p.read_bytes() for p in finished_small_run.rglob("*") if p.is_file()}
    assert train_cli.main(["--resume", str(finished_small_run), "--config",
                           str(finished_small_run / "config.json")]) == 2
    assert _one_line_error(capsys) == ("--config cannot be used with --resume: a resumed run keeps the settings "
                                       "of its checkpoint")
    assert {p: p.read_bytes() for p in finished_small_run.rglob("*") if p.is_file()} == before


def test_checkpoint_every_none_writes_no_checkpoint(small_train_args, tmp_path, capsys):
    with_, without = tmp_path / "with", tmp_path / "without"
    _train(small_train_args + ["--epochs", "2", "--out", str(with_)], capsys)
    out = _train(small_train_args + ["--epochs", "2", "--checkpoint-every", "none", "--out", str(without)], capsys)
    assert not (without / "checkpoint.npz").exists() and (without / "generator.npz").is_file()
    epoch_lines = [line for line in out.splitlines() if " done in " in line]
    assert len(epoch_lines) == 2 and not any("checkpoint" in line for line in epoch_lines)
    assert out.splitlines()[1].endswith(", seed 0, no checkpoints")
    assert _config(without)["checkpoint_every"] == 0 and _config(with_)["checkpoint_every"] == 1
    # the same training otherwise: the same history and weights as the run with checkpoints
    assert (without / "history.csv").read_text() == (with_ / "history.csv").read_text()
    a, b = np.load(with_ / "generator.npz"), np.load(without / "generator.npz")
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])
    # it cannot be resumed, and says so; nor is it taken for a dead run and overwritten
    assert train_cli.main(["--resume", str(without), "--epochs", "3"]) == 2
    assert _one_line_error(capsys) == (f"--resume {without}: this run writes no checkpoint (--checkpoint-every "
                                       f"none), so it cannot be resumed; rerun it with --config "
                                       f"{without / 'config.json'}")
    assert train_cli.main(small_train_args + ["--out", str(without)]) == 2
    assert "already exists and is not empty" in _one_line_error(capsys)
    assert (without / "generator.npz").is_file()


def test_checkpoint_every_n_epochs(small_train_args, tmp_path, capsys):
    run = tmp_path / "run"
    out = _train(small_train_args + ["--epochs", "3", "--checkpoint-every", "2", "--out", str(run)], capsys)
    epoch_lines = [line for line in out.splitlines() if " done in " in line]
    assert [("checkpoint" in line) for line in epoch_lines] == [False, True, True]  # epoch 2 and the last
    assert load_checkpoint(run)["epoch"] == 3


@pytest.mark.parametrize("value", ["0", "-1", "x", "1.5"])
def test_a_bad_checkpoint_every_is_one_line(value, tmp_path, capsys):
    assert train_cli.main(["--checkpoint-every", value, "--out", str(tmp_path / "run")]) == 2
    assert "--checkpoint-every" in _one_line_error(capsys)


def test_ctrl_c_in_a_run_without_checkpoints_says_it_cannot_resume(monkeypatch, small_train_args, tmp_path, capsys):
    import os
    import signal

    from minigan.gan import Trainer

    original = Trainer.train_step

    def step_then_ctrl_c(self, real):
        row = original(self, real)
        if self.global_step == 2:  # in the second epoch
            os.kill(os.getpid(), signal.SIGINT)
        return row

    monkeypatch.setattr(Trainer, "train_step", step_then_ctrl_c)
    run = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--epochs", "2", "--checkpoint-every", "none", "--out", str(run)]) == 130
    captured = capsys.readouterr()
    assert ("interrupted at global step 3; this run writes no checkpoint (--checkpoint-every none), so it cannot be "
            "resumed") in captured.out + captured.err
    assert captured.err.splitlines()[-1] == ("python -m minigan.train: interrupted; this run writes no checkpoint "
                                             "(--checkpoint-every none), so it cannot be resumed; the run's files "
                                             "were removed")
    assert not run.exists()
