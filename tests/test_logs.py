"""Logs of long runs: without a terminal every logged line carries it/s and the epoch's ETA, and
lines come every --log-every steps inside an epoch; WGAN-family runs log the Wasserstein
estimate and the gradient penalty under their own names, and history.csv has them as columns."""
from __future__ import annotations

import csv
import math

import pytest

from minigan import train as train_cli


def _run(small_train_args, tmp_path, capsys, *argv):
    run = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--epochs", "2", "--log-every", "1", "--out", str(run), *argv]) == 0
    return run, capsys.readouterr().out.splitlines()


def _history(run):
    with open(run / "history.csv") as handle:
        return list(csv.DictReader(handle))


def test_each_logged_line_has_speed_and_eta_without_a_terminal(small_train_args, tmp_path, capsys):
    run, lines = _run(small_train_args, tmp_path, capsys)
    steps = [line for line in lines if line.startswith("Epoch [")]
    # two steps per epoch, a line every step: the first comes before its epoch ends
    assert len(steps) == 4 and lines.index(steps[0]) < next(i for i, l in enumerate(lines) if "done in" in l)
    for line in steps:
        eta = line.split(", ")[-1]
        assert eta.startswith("epoch ETA ") and all(part.isdigit() for part in eta.split()[-1].split(":"))
        speed = line.split(", ")[-2]
        assert speed.endswith(" it/s") and float(speed.split()[0]) > 0
    assert steps[1].endswith("epoch ETA 0:00")  # the epoch's last step has nothing left


def test_wgan_gp_logs_the_wasserstein_estimate_and_the_penalty(small_train_args, tmp_path, capsys):
    run, lines = _run(small_train_args, tmp_path, capsys, "--loss", "wgan-gp")
    line = next(line for line in lines if line.startswith("Epoch ["))
    assert "Critic Loss: " in line and "Wasserstein estimate: " in line and "Gradient penalty: " in line
    assert "critic(x): " in line and "D(x)" not in line
    rows = _history(run)
    assert {"wasserstein", "gradient_penalty", "r1_penalty"} <= set(rows[0])
    for row in rows:
        d_loss, d_x, d_g_z = float(row["d_loss"]), float(row["d_x"]), float(row["d_g_z"])
        w, gp = float(row["wasserstein"]), float(row["gradient_penalty"])
        assert w == pytest.approx(d_x - d_g_z, abs=1e-6)
        # the critic's loss is mean f - mean r + the penalty: the columns must add up to it
        assert d_loss == pytest.approx(-w + gp, rel=1e-4, abs=1e-5) and gp >= 0
        assert row["r1_penalty"] == ""


def test_wgan_logs_the_estimate_without_a_penalty(small_train_args, tmp_path, capsys):
    run, lines = _run(small_train_args, tmp_path, capsys, "--loss", "wgan")
    line = next(line for line in lines if line.startswith("Epoch ["))
    assert "Wasserstein estimate: " in line and "penalty" not in line
    for row in _history(run):
        assert float(row["d_loss"]) == pytest.approx(-float(row["wasserstein"]), rel=1e-4, abs=1e-5)
        assert row["gradient_penalty"] == ""


def test_bce_has_no_wasserstein_column_values(small_train_args, tmp_path, capsys):
    run, lines = _run(small_train_args, tmp_path, capsys, "--loss", "bce", "--r1-gamma", "1")
    line = next(line for line in lines if line.startswith("Epoch ["))
    assert "D(x): " in line and "Wasserstein" not in line and "R1 penalty: " in line
    rows = _history(run)
    assert all(row["wasserstein"] == "" and row["gradient_penalty"] == "" for row in rows)
    assert all(math.isfinite(float(row["r1_penalty"])) and float(row["r1_penalty"]) >= 0 for row in rows)


def test_a_checkpoint_without_the_new_columns_resumes(small_train_args, tmp_path, capsys):
    import minigan

    run, _ = _run(small_train_args, tmp_path, capsys, "--loss", "wgan")
    state = minigan.load(run / "checkpoint.npz", weights_only=False)
    for key in ("wasserstein", "gradient_penalty", "r1_penalty"):
        del state["history"][key]  # as a checkpoint written before these columns
    minigan.save(state, run / "checkpoint.npz")
    assert train_cli.main(["--resume", str(run), "--epochs", "3"]) == 0
    rows = _history(run)
    assert len(rows) == 6 and [r["wasserstein"] == "" for r in rows] == [True] * 4 + [False] * 2


def test_the_last_line_counts_epochs_in_words(small_train_args, tmp_path, capsys):
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(tmp_path / "one")]) == 0
    done = [line for line in capsys.readouterr().out.splitlines() if line.startswith("done: ")]
    assert len(done) == 1 and done[0].startswith("done: 1 epoch, ")
    _, lines = _run(small_train_args, tmp_path, capsys)
    assert any(line.startswith("done: 2 epochs, ") for line in lines)
