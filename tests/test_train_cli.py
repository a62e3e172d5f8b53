"""``python -m minigan.train`` and ``python -m minigan.sample``, called in-process through ``main``."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from minigan import sample as sample_cli
from minigan import train as train_cli
from minigan.gan import Trainer, load_checkpoint

EVERY_FLAG = ("--epochs", "--batch-size", "--lr", "--betas", "--latent-dim", "--arch", "--loss", "--n-critic",
              "--clip", "--gp-lambda", "--r1-gamma", "--lr-schedule", "--seed", "--out", "--resume", "--sample-every",
              "--dataset", "--data-dir", "--device", "--log-every", "--config", "--checkpoint-every")
TINY = ["--arch", "tiny", "--batch-size", "1000", "--log-every", "25", "--latent-dim", "8"]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A finished one-epoch run of the tiny net on real MNIST (50 steps of 1000 images)."""
    out = tmp_path_factory.mktemp("cli") / "run"
    assert train_cli.main(TINY + ["--epochs", "1", "--out", str(out)]) == 0
    return out


def _snapshot(directory):
    return {p.relative_to(directory): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def _one_line_error(capsys, prog="python -m minigan.train"):
    """The error: exactly one line, the last on stderr (the data loader may say where data came from before it)."""
    err = capsys.readouterr().err
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith(f"{prog}: error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0] and err.endswith("\n"), err
    return errors[0]


def test_help_lists_every_flag(capsys):
    with pytest.raises(SystemExit) as info:
        train_cli.main(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for flag in EVERY_FLAG:
        assert flag in text, flag
    for choice in ("bce", "minimax", "bce-logits", "wgan", "wgan-gp", "lsgan", "hinge", "seed", "dcgan-mlp",
                   "default", "exponential", "cosine", "cyclic", "fashion-mnist"):
        assert choice in text, choice


def test_module_entry_point_help():
    result = subprocess.run([sys.executable, "-m", "minigan.train", "--help"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "--gp-lambda" in result.stdout


@pytest.mark.parametrize("argv, fragment", [
    (["--epochs", "0"], "--epochs"),
    (["--batch-size", "-3"], "--batch-size"),
    (["--latent-dim", "0"], "--latent-dim"),
    (["--n-critic", "0"], "--n-critic"),
    (["--lr", "-1e-3"], "--lr"),
    (["--lr", "0"], "--lr"),
    (["--log-every", "0"], "--log-every"),
    (["--loss", "nope"], "invalid choice: 'nope'"),
    (["--arch", "nope"], "invalid choice: 'nope'"),
    (["--betas", "0.5", "1.5"], "[0, 1)"),
    (["--epochs", "two"], "--epochs"),
])
def test_bad_values_exit_2_with_one_line(argv, fragment, capsys, tmp_path):
    out = tmp_path / "run"
    assert train_cli.main(argv + ["--out", str(out)]) == 2
    assert fragment in _one_line_error(capsys)
    assert not out.exists()


def test_out_with_missing_parent(capsys, tmp_path):
    out = tmp_path / "missing" / "run"
    assert train_cli.main(TINY + ["--out", str(out)]) == 2
    assert "does not exist" in _one_line_error(capsys)
    assert not (tmp_path / "missing").exists()


def test_out_under_a_file_is_unwritable(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert train_cli.main(TINY + ["--out", str(blocker / "run")]) == 2
    assert "not a directory" in _one_line_error(capsys)
    assert blocker.read_text() == "not a directory"


def test_out_that_is_a_file_or_a_non_empty_directory_is_not_overwritten(capsys, tmp_path):
    existing = tmp_path / "file.txt"
    existing.write_text("precious")
    assert train_cli.main(TINY + ["--out", str(existing)]) == 2
    assert "not a directory" in _one_line_error(capsys)
    assert existing.read_text() == "precious"
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("keep")
    assert train_cli.main(TINY + ["--out", str(full)]) == 2
    assert "not empty" in _one_line_error(capsys)
    assert _snapshot(full) == {full.joinpath("keep.txt").relative_to(full): b"keep"}


@pytest.mark.mnist
def test_existing_run_is_not_overwritten(tiny_run, capsys):
    before = _snapshot(tiny_run)
    assert train_cli.main(TINY + ["--out", str(tiny_run)]) == 2
    assert "--resume" in _one_line_error(capsys)
    assert _snapshot(tiny_run) == before


def test_resume_without_checkpoint(capsys, tmp_path):
    assert train_cli.main(["--resume", str(tmp_path)]) == 2
    assert "no checkpoint" in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []
    assert train_cli.main(["--resume", str(tmp_path / "nope")]) == 2
    assert "no such run directory" in _one_line_error(capsys)


def test_resume_with_a_corrupt_checkpoint(capsys, tmp_path):
    (tmp_path / "checkpoint.npz").write_bytes(b"PK\x03\x04 this is not a zip file")
    assert train_cli.main(["--resume", str(tmp_path)]) == 2
    assert "cannot read checkpoint" in _one_line_error(capsys)
    assert (tmp_path / "checkpoint.npz").read_bytes() == b"PK\x03\x04 this is not a zip file"


@pytest.mark.mnist
def test_resume_from_another_architecture(tiny_run, capsys):
    before = _snapshot(tiny_run)
    assert train_cli.main(["--resume", str(tiny_run), "--arch", "seed", "--epochs", "2"]) == 2
    assert "architecture 'tiny', not 'seed'" in _one_line_error(capsys)
    assert _snapshot(tiny_run) == before


def test_corrupt_data_file(capsys, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (data_dir / name).write_bytes(b"\x00\x00\x08\x03garbage")
    out = tmp_path / "run"
    assert train_cli.main(TINY + ["--data-dir", str(data_dir), "--out", str(out)]) == 2
    _one_line_error(capsys)
    assert not out.exists()


@pytest.mark.mnist
def test_run_writes_everything_and_sample_cli_reads_it(tiny_run, tmp_path, capsys):
    names = {p.name for p in tiny_run.iterdir()}
    assert {"checkpoint.npz", "generator.npz", "history.csv", "history.json", "loss_curves.png", "config.json",
            "samples"} <= names
    assert (tiny_run / "samples" / "epoch_001.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    grid, npy = tmp_path / "grid.png", tmp_path / "samples.npy"
    assert sample_cli.main(["--checkpoint", str(tiny_run), "-n", "10", "--out", str(grid), "--npy", str(npy)]) == 0
    assert grid.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    samples = np.load(npy)
    assert samples.shape == (10, 28, 28) and samples.dtype == np.float32
    assert samples.min() >= 0.0 and samples.max() <= 1.0
    # the same seed gives the same samples
    assert sample_cli.main(["--checkpoint", str(tiny_run), "-n", "10", "--out", str(grid), "--npy", str(npy)]) == 0
    np.testing.assert_array_equal(np.load(npy), samples)


def test_sample_cli_bad_input(tmp_path, capsys):
    assert sample_cli.main(["--checkpoint", str(tmp_path), "--out", str(tmp_path / "g.png")]) == 2
    assert "no checkpoint" in _one_line_error(capsys, "python -m minigan.sample")
    assert sample_cli.main(["--checkpoint", str(tmp_path), "-n", "0"]) == 2
    assert not (tmp_path / "g.png").exists()


@pytest.mark.mnist
def test_resume_through_the_cli_continues(tiny_run, tmp_path, capsys):
    import shutil

    run = tmp_path / "copy"
    shutil.copytree(tiny_run, run)
    assert train_cli.main(["--resume", str(run), "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert "resuming" in out and "Epoch [2/2], Step [50/50]" in out
    assert (run / "samples" / "epoch_002.png").exists()
    lines = (run / "history.csv").read_text().splitlines()
    assert len(lines) == 1 + 100


@pytest.mark.mnist
def test_ctrl_c_saves_a_checkpoint_and_exits_130(monkeypatch, tmp_path, capsys):
    original = Trainer.train_step

    def step_then_ctrl_c(self, real):
        row = original(self, real)
        if self.global_step == 2:  # during the third step
            os.kill(os.getpid(), signal.SIGINT)
        return row

    monkeypatch.setattr(Trainer, "train_step", step_then_ctrl_c)
    out = tmp_path / "run"
    assert train_cli.main(TINY + ["--epochs", "1", "--out", str(out)]) == 130
    assert "--resume" in capsys.readouterr().err
    state = load_checkpoint(out)
    assert int(state["global_step"]) == 3 and int(state["batch_in_epoch"]) == 3


@pytest.mark.mnist
def test_nan_exits_1_naming_the_step(monkeypatch, tmp_path, capsys):
    original = Trainer.train_step

    def step_with_nan(self, real):
        row = original(self, real)
        if self.global_step == 6:
            row["d_loss"] = float("nan")
        return row

    monkeypatch.setattr(Trainer, "train_step", step_with_nan)
    out = tmp_path / "run"
    assert train_cli.main(TINY + ["--epochs", "1", "--out", str(out)]) == 1
    err = _one_line_error(capsys)
    assert "diverged at epoch 1, step 7 (global step 7)" in err
    assert "no checkpoint had been written yet" in err
    assert not (out / "checkpoint.npz").exists()


def test_sample_cli_reads_a_plain_state_dict_when_told_the_architecture(tmp_path, capsys):
    """G.pt as examples/tutorial_gan.py writes it: torch.save(G.state_dict()) of a Module with
    fc1..fc3, keys that differ from the seed architecture's 0.weight..4.bias."""
    import minigan
    from minigan import nn

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2, self.fc3 = nn.Linear(100, 256), nn.Linear(256, 256), nn.Linear(256, 784)

        def forward(self, z):
            return self.fc3(self.fc2(z.relu()).relu()).sigmoid()  # not called by the sampler

    minigan.manual_seed(0)
    G = Generator()
    minigan.save(G.state_dict(), tmp_path / "G.pt")
    npy = tmp_path / "s.npy"
    assert sample_cli.main(["--checkpoint", str(tmp_path / "G.pt"), "--arch", "seed", "-n", "5",
                            "--npy", str(npy)]) == 0
    z = np.random.default_rng(0).standard_normal((5, 100), dtype=np.float32)  # the sampler's noise for seed 0
    h = np.maximum(z @ G.fc1.weight.array.T + G.fc1.bias.array, 0)
    h = np.maximum(h @ G.fc2.weight.array.T + G.fc2.bias.array, 0)
    expected = 1 / (1 + np.exp(-(h @ G.fc3.weight.array.T + G.fc3.bias.array)))
    np.testing.assert_allclose(np.load(npy).reshape(5, 784), expected, rtol=1e-5, atol=1e-6)
    capsys.readouterr()
    assert sample_cli.main(["--checkpoint", str(tmp_path / "G.pt"), "--arch", "default", "--npy", str(npy)]) == 2
    assert _one_line_error(capsys, "python -m minigan.sample").endswith(
        "G.pt holds 6 tensors but the generator of architecture 'default' has 25: it is another network")


def test_out_under_runs_makes_runs_as_the_readme_first_run_needs(small_train_args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a fresh clone: no runs/ yet
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", "runs/first"]) == 0
    assert (tmp_path / "runs" / "first" / "generator.npz").exists()
