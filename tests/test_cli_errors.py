"""The programs never end in a traceback, never leave a dead run directory, and save on SIGTERM.

One test (or more) per case of the issue "The programs never end in a traceback, never leave a
dead run, and save on SIGTERM", each named after what it proves. The runs are the tiny net on
synthetic MNIST-shaped data, two steps per epoch (see ``small_train_args`` in conftest.py).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys

import numpy as np
import pytest

import minigan
from minigan import evaluate as evaluate_cli
from minigan import sample as sample_cli
from minigan import train as train_cli
from minigan.gan import TrainConfig, Trainer, generate, load_checkpoint, parameter_count
from minigan.gan import trainer as trainer_module  # its set-up is patched by name
from minigan.gradcheck import __main__ as gradcheck_cli

TRAIN = "python -m minigan.train"
SAMPLE = "python -m minigan.sample"


def _one_line_error(capsys, prog=TRAIN):
    """The error: exactly one line, the last on stderr, and no traceback anywhere."""
    captured = capsys.readouterr()
    err = captured.err
    assert "Traceback" not in err + captured.out
    errors = [line for line in err.splitlines() if line.startswith(f"{prog}: error: ")]
    assert len(errors) == 1 and err.splitlines()[-1] == errors[0], err
    return errors[0]


def _history_rows(run_dir):
    return len((run_dir / "history.csv").read_text().splitlines()) - 1


@contextlib.contextmanager
def read_only(directory):
    """``directory`` unwritable while inside: chmod for a user, the immutable attribute for root
    (whom permissions do not stop). Skips the test where neither works."""
    if os.geteuid() != 0:
        mode = directory.stat().st_mode
        directory.chmod(0o555)
        undo = [lambda: directory.chmod(mode)]
    else:
        try:
            done = subprocess.run(["chattr", "+i", str(directory)], capture_output=True)
        except OSError:
            pytest.skip("chattr is not available to make a directory read-only for root")
        if done.returncode != 0:
            pytest.skip(f"cannot make {directory} read-only: {done.stderr.decode().strip()}")
        undo = [lambda: subprocess.run(["chattr", "-i", str(directory)], capture_output=True, check=True)]
    try:
        probe = directory / ".probe"
        try:
            probe.write_bytes(b"")
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip(f"{directory} stays writable here")
        yield directory
    finally:
        undo[0]()


def _fail_on_step(monkeypatch, step, action):
    """Run ``action(trainer)`` right after the training step numbered ``step`` (1-based)."""
    original = Trainer.train_step

    def train_step(self, real):
        row = original(self, real)
        if self.global_step + 1 == step:
            action(self, row)
        return row

    monkeypatch.setattr(Trainer, "train_step", train_step)


# ---------------------------------------------------------------- 1. no dead run directory
def test_a_signal_before_the_first_step_saves_a_resumable_checkpoint(monkeypatch, tmp_path, capsys,
                                                                      small_train_args):
    """Ctrl-C in the first second (here: while the run sets up) used to leave config.json only."""
    real_setup = trainer_module.fused_activations
    monkeypatch.setattr(trainer_module, "fused_activations",
                        lambda *nets: (real_setup(*nets), os.kill(os.getpid(), signal.SIGINT))[0])
    out = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 130
    assert f"resume with: {TRAIN} --resume {out}" in capsys.readouterr().err
    state = load_checkpoint(out)
    assert int(state["global_step"]) == 0
    monkeypatch.setattr(trainer_module, "fused_activations", real_setup)
    assert train_cli.main(["--resume", str(out)]) == 0
    assert _history_rows(out) == 2 and int(load_checkpoint(out)["global_step"]) == 2


def test_divergence_at_step_one_removes_the_run_so_out_can_be_reused(monkeypatch, tmp_path, capsys,
                                                                      small_train_args):
    out = tmp_path / "run"
    with monkeypatch.context() as patch:
        _fail_on_step(patch, 1, lambda trainer, row: row.update(d_loss=float("nan")))
        assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 1
    error = _one_line_error(capsys)
    assert "diverged at epoch 1, step 1" in error and "no checkpoint had been written yet" in error
    assert "resume" not in error
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 0


def test_an_empty_out_given_by_the_user_is_emptied_again_not_removed(monkeypatch, tmp_path, capsys,
                                                                      small_train_args):
    out = tmp_path / "run"
    out.mkdir()
    _fail_on_step(monkeypatch, 1, lambda trainer, row: row.update(g_loss=float("inf")))
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 1
    assert out.is_dir() and list(out.iterdir()) == []


def test_a_second_signal_mid_step_before_any_checkpoint_leaves_nothing(monkeypatch, tmp_path, capsys,
                                                                       small_train_args):
    def interrupt(trainer, row):
        trainer.request_stop()
        raise KeyboardInterrupt  # what the second Ctrl-C raises inside a step

    _fail_on_step(monkeypatch, 1, interrupt)
    out = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert "--resume" not in err and "removed" in err
    assert not out.exists()


def test_a_dead_run_from_a_killed_process_can_be_reused_and_is_not_resumed(tmp_path, capsys, small_train_args):
    """What a SIGKILL before the first checkpoint leaves: config.json and an empty samples/."""
    out = tmp_path / "run"
    (out / "samples").mkdir(parents=True)
    (out / "config.json").write_text(json.dumps(TrainConfig(arch="tiny").resolve().to_dict()))
    assert train_cli.main(["--resume", str(out)]) == 2
    error = _one_line_error(capsys)
    assert "stopped before its first checkpoint" in error and f"--out {out}" in error
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 0
    assert "starting afresh" in capsys.readouterr().out
    assert int(load_checkpoint(out)["global_step"]) == 2


@pytest.mark.parametrize("files", [
    {"config.json": json.dumps(TrainConfig().to_dict()), "notes.txt": "mine"},
    {"config.json": '{"my": "own settings"}'},  # a config.json that no run wrote
])
def test_a_directory_with_other_files_is_still_refused(tmp_path, capsys, small_train_args, files):
    out = tmp_path / "run"
    out.mkdir()
    for name, text in files.items():
        (out / name).write_text(text)
    assert train_cli.main(small_train_args + ["--out", str(out)]) == 2
    assert "not empty" in _one_line_error(capsys)
    assert {p.name: p.read_text() for p in out.iterdir()} == files


# ---------------------------------------------------------------- 2. file-system errors while training
def test_no_out_in_a_read_only_working_directory(monkeypatch, tmp_path, capsys, small_train_args):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with read_only(work):
        assert train_cli.main(small_train_args + ["--epochs", "1"]) == 2
        assert "cannot write in ." in _one_line_error(capsys)
    assert list(work.iterdir()) == []


def test_a_checkpoint_that_becomes_unwritable_mid_run(monkeypatch, tmp_path, capsys, small_train_args):
    out = tmp_path / "run"
    with contextlib.ExitStack() as stack:
        # At the first step of epoch 2 the run directory turns read-only (a full disk, a lost mount).
        _fail_on_step(monkeypatch, 3, lambda trainer, row: stack.enter_context(read_only(out)))
        assert train_cli.main(small_train_args + ["--epochs", "2", "--out", str(out)]) == 2
        error = _one_line_error(capsys)
    assert f"cannot write {out / 'checkpoint.npz'}" in error
    assert f"the last good checkpoint {out / 'checkpoint.npz'} is kept" in error
    state = load_checkpoint(out)
    assert int(state["global_step"]) == 2 == _history_rows(out)  # history.csv is not ahead of the checkpoint
    assert not [p.name for p in out.iterdir() if ".tmp" in p.name]


# ---------------------------------------------------------------- 3. minigan.sample
def _generator_only_run(directory, source, config_text=None, weights=None):
    """A run directory holding generator.npz and config.json (as a run shares its weights)."""
    directory.mkdir()
    minigan.save(weights if weights is not None else minigan.load(source / "generator.npz"),
                 directory / "generator.npz")
    (directory / "config.json").write_text(config_text if config_text is not None
                                           else (source / "config.json").read_text())
    return directory


def test_sample_refuses_a_negative_seed(finished_small_run, tmp_path, capsys):
    assert sample_cli.main(["--checkpoint", str(finished_small_run), "--seed", "-1",
                            "--out", str(tmp_path / "g.png")]) == 2
    assert "--seed" in _one_line_error(capsys, SAMPLE)
    assert list(tmp_path.iterdir()) == []


def test_sample_refuses_nan_weights(finished_small_run, tmp_path, capsys):
    weights = {k: np.array(v) for k, v in minigan.load(finished_small_run / "generator.npz").items()}
    first = sorted(weights)[0]
    weights[first][...] = np.nan
    run = _generator_only_run(tmp_path / "nan", finished_small_run, weights=weights)
    assert sample_cli.main(["--checkpoint", str(run), "--out", str(tmp_path / "g.png")]) == 2
    error = _one_line_error(capsys, SAMPLE)
    assert "NaN or infinite weights" in error and first in error
    assert not (tmp_path / "g.png").exists()


@pytest.mark.parametrize("config_text, fragment", [
    ('{"latent_dim": 8}', "no arch"),
    ('{"arch": "tiny"', "cannot read"),  # not JSON: the file is named (case 7)
    ("[1, 2]", "not a run's configuration"),
    ('{"arch": "nope", "latent_dim": 8}', "unknown"),
    ('{"arch": "tiny", "latent_dim": "x"}', "cannot build"),
])
def test_sample_names_a_bad_config_json(finished_small_run, tmp_path, capsys, config_text, fragment):
    run = _generator_only_run(tmp_path / "run", finished_small_run, config_text=config_text)
    assert sample_cli.main(["--checkpoint", str(run), "--out", str(tmp_path / "g.png")]) == 2
    error = _one_line_error(capsys, SAMPLE)
    assert fragment in error and str(run) in error
    assert not (tmp_path / "g.png").exists()


def test_sample_refuses_a_deeply_nested_generator_file(finished_small_run, tmp_path, capsys):
    run = _generator_only_run(tmp_path / "run", finished_small_run)
    depth = 100_000
    document = json.dumps({"format": "minigan", "version": 1, "root": None}).replace(
        "null", "[" * depth + "]" * depth)
    with open(run / "generator.npz", "wb") as handle:
        np.savez(handle, __minigan__=np.frombuffer(document.encode(), dtype=np.uint8))
    assert sample_cli.main(["--checkpoint", str(run), "--out", str(tmp_path / "g.png")]) == 2
    assert "nested too deeply" in _one_line_error(capsys, SAMPLE)


def test_sample_refuses_more_images_than_memory_holds(finished_small_run, tmp_path, capsys):
    assert sample_cli.main(["--checkpoint", str(finished_small_run), "-n", str(10 ** 12),
                            "--npy", str(tmp_path / "s.npy")]) == 2
    assert "memory" in _one_line_error(capsys, SAMPLE)
    assert list(tmp_path.iterdir()) == []


def test_sample_writes_neither_file_when_the_npy_cannot_be_written(finished_small_run, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    with read_only(locked):
        assert sample_cli.main(["--checkpoint", str(finished_small_run), "--out", str(tmp_path / "g.png"),
                                "--npy", str(locked / "s.npy")]) == 2
        assert "cannot write the samples" in _one_line_error(capsys, SAMPLE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked"]
    assert list(locked.iterdir()) == []


def test_sample_writes_only_what_was_asked(finished_small_run, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert sample_cli.main(["--checkpoint", str(finished_small_run), "-n", "10000", "--npy", "s.npy"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.npy"]
    images = np.load(tmp_path / "s.npy")
    assert images.shape == (10_000, 28, 28) and images.dtype == np.float32
    # the same noise as one draw of shape (n, latent_dim), whatever the batching (BLAS may round a
    # batch of 1000 differently from one of 10,000 in the last bit)
    generator, arch, latent_dim = sample_cli.load_generator(finished_small_run)
    noise = np.random.default_rng(0).standard_normal((10_000, latent_dim), dtype=np.float32)
    np.testing.assert_allclose(images.reshape(10_000, 784), generate(generator, noise, arch),
                               rtol=0, atol=1e-6)
    assert sample_cli.main(["--checkpoint", str(finished_small_run), "-n", "4"]) == 0  # nothing asked: the default grid
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.npy", "samples.png"]


# ---------------------------------------------------------------- 4. more tracebacks
def test_evaluate_on_a_run_whose_config_lacks_arch(finished_small_run, tmp_path, capsys):
    run = _generator_only_run(tmp_path / "run", finished_small_run, config_text='{"latent_dim": 8}')
    assert evaluate_cli.main([str(run), "--n", "10", "--allow-small-n"]) == 2
    assert "config.json does not say which network it is: no arch" in _one_line_error(
        capsys, "python -m minigan.evaluate")
    assert not (run / "metrics.json").exists()


def test_gradcheck_refuses_a_negative_seed(capsys):
    assert gradcheck_cli.main(["--seed", "-1", "--op", "relu"]) == 2
    assert "--seed" in _one_line_error(capsys, "python -m minigan.gradcheck")
    assert gradcheck_cli.main(["--op", "nope"]) == 2
    assert "unknown op(s): nope" in _one_line_error(capsys, "python -m minigan.gradcheck")


def test_train_refuses_a_latent_size_that_cannot_fit_in_memory(tmp_path, capsys, small_train_args):
    out = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--latent-dim", "100000000", "--out", str(out)]) == 2
    assert "--latent-dim 100000000 needs about" in _one_line_error(capsys)
    assert not out.exists()


def test_the_memory_check_counts_the_parameters_of_every_architecture():
    """The count made without allocating the networks equals the built networks' count."""
    from minigan.gan.models import ARCHITECTURES, build_models

    for arch in ARCHITECTURES:
        G, D, _ = build_models(arch, 7, np.random.default_rng(0))
        built = sum(p.array.size for net in (G, D) for p in net.parameters())
        assert parameter_count(arch, 7) == built, arch


def test_an_unexpected_error_is_one_line_with_a_hint_and_debug_shows_it(monkeypatch, tmp_path, capsys,
                                                                        small_train_args):
    def broken(trainer, row):
        raise ZeroDivisionError("a bug")

    _fail_on_step(monkeypatch, 1, broken)
    out = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 1
    error = _one_line_error(capsys)
    assert "unexpected ZeroDivisionError: a bug" in error and "rerun with --debug" in error
    assert not out.exists()  # no dead run either
    with pytest.raises(ZeroDivisionError, match="a bug"):
        train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out), "--debug"])


@pytest.mark.parametrize("module, attribute, argv", [
    (sample_cli, "load_generator", ["--checkpoint", "RUN"]),
    (evaluate_cli, "samples_from_run", ["RUN"]),
    (gradcheck_cli, "all_cases", []),
    (train_cli, "_create_trainer", []),
])
def test_every_program_reports_a_bug_in_one_line(monkeypatch, capsys, finished_small_run, module, attribute, argv):
    def bug(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'shape'")

    monkeypatch.setattr(module, attribute, bug)
    argv = [str(finished_small_run) if arg == "RUN" else arg for arg in argv]
    assert module.main(argv) == 1
    error = _one_line_error(capsys, module.PROG)
    assert error.endswith("unexpected AttributeError: 'NoneType' object has no attribute 'shape' "
                          "(a bug in minigan; rerun with --debug to see the traceback)")
    with pytest.raises(AttributeError):
        module.main(argv + ["--debug"])


def test_memory_error_anywhere_is_one_line(monkeypatch, finished_small_run, tmp_path, capsys):
    def no_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 7.28 TiB for an array with shape (10, 10)")

    monkeypatch.setattr(sample_cli, "draw_samples", no_memory)
    assert sample_cli.main(["--checkpoint", str(finished_small_run), "--out", str(tmp_path / "g.png")]) == 2
    assert "not enough memory (Unable to allocate 7.28 TiB" in _one_line_error(capsys, SAMPLE)


# ---------------------------------------------------------------- 6. SIGTERM saves
def test_sigterm_saves_a_checkpoint_and_exits_143(monkeypatch, tmp_path, capsys, small_train_args):
    _fail_on_step(monkeypatch, 3, lambda trainer, row: os.kill(os.getpid(), signal.SIGTERM))
    out = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--epochs", "3", "--out", str(out)]) == 143
    assert f"--resume {out}" in capsys.readouterr().err
    state = load_checkpoint(out)
    assert int(state["global_step"]) == 3 == _history_rows(out)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the program's handlers are gone again


def test_sigterm_to_a_real_process(tmp_path, small_train_args):
    """What ``timeout`` or a job scheduler does: SIGTERM to ``python -m minigan.train``."""
    out = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-m", "minigan.train", *small_train_args, "--epochs", "100000",
                                "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:  # wait until it trains
            if line.startswith("Epoch [2/"):
                break
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 143, err
    assert "Traceback" not in err and "--resume" in err
    state = load_checkpoint(out)
    assert int(state["global_step"]) >= 3 and int(state["global_step"]) == _history_rows(out)


# ---------------------------------------------------------------- 7. clearer messages
def test_a_mismatched_checkpoint_says_what_does_not_fit(finished_small_run, tmp_path, capsys):
    """Resuming showed only "Error(s) in loading state_dict for Sequential:"; now the line says which key."""
    run = tmp_path / "run"
    shutil.copytree(finished_small_run, run)
    state = load_checkpoint(run)
    state["generator"]["0.weight"] = np.zeros((64, 9), dtype=np.float32)
    minigan.save(state, run / "checkpoint.npz")
    assert train_cli.main(["--resume", str(run), "--epochs", "2"]) == 2
    error = _one_line_error(capsys)
    assert ("does not fit architecture 'tiny': Error(s) in loading state_dict for Sequential: size mismatch for "
            "0.weight: the checkpoint has shape (64, 9), the model has shape (64, 8)") in error


def test_a_data_set_too_small_for_the_validation_split_is_explained(tmp_path, capsys):
    from minigan.data.idx import encode_idx

    data = tmp_path / "data"
    data.mkdir()
    for name, shape in (("train-images-idx3-ubyte", (50, 28, 28)), ("train-labels-idx1-ubyte", (50,)),
                        ("t10k-images-idx3-ubyte", (5, 28, 28)), ("t10k-labels-idx1-ubyte", (5,))):
        (data / name).write_bytes(encode_idx(np.zeros(shape, dtype=np.uint8)))
    assert train_cli.main(["--arch", "tiny", "--data-dir", str(data), "--out", str(tmp_path / "run")]) == 2
    error = _one_line_error(capsys)
    assert "the training set has 50 images, but minigan keeps the last 10,000 for validation" in error
    assert "val_size" not in error and not (tmp_path / "run").exists()


# ---------------------------------------------------------------- 8. determinism, as docs/internals.md states it
def test_same_seed_same_thread_count_gives_bit_identical_runs(tmp_path, small_train_args):
    histories = []
    for name in ("a", "b"):
        out = tmp_path / name
        with contextlib.redirect_stdout(io.StringIO()):
            assert train_cli.main(small_train_args + ["--epochs", "2", "--seed", "7", "--out", str(out)]) == 0
        histories.append((out / "history.csv").read_bytes())
    assert histories[0] == histories[1]


def test_the_internals_state_what_determinism_covers():
    readme = os.path.join(os.path.dirname(__file__), "..", "docs", "internals.md")
    with open(readme, encoding="utf-8") as handle:
        text = " ".join(handle.read().split())
    assert "The same `--seed` gives bit-identical runs" in text
    assert "on the same machine with the same thread count" in text and "`OPENBLAS_NUM_THREADS=1` and `=2` differ" in text
