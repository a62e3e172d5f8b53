"""Run directories that two processes cannot mix, and kills that leave nothing stuck (issue 27).

Each test runs a second, real process: a ``python -m minigan.train`` paused inside its checkpoint
write by the test hook (``MINIGAN_TEST_PAUSE_IN_CHECKPOINT_WRITE``), or a process that only holds
a run directory's lock. Before the lock, a second train on the same ``--out`` took the first
one's live files for a dead run and deleted them; before the leftover clean-up, a SIGKILL in the
first checkpoint write left a directory that both ``--out`` and ``--resume`` refused.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from minigan import sample as sample_cli
from minigan import train as train_cli
from minigan.gan import LOCK_NAME, TrainConfig, is_dead_run, load_checkpoint, lock_holder

TRAIN = "python -m minigan.train"
ROOT = Path(__file__).resolve().parent.parent
PAUSE = "MINIGAN_TEST_PAUSE_IN_CHECKPOINT_WRITE"


def _env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _one_line_error(capsys, prog=TRAIN):
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    errors = [line for line in captured.err.splitlines() if line.startswith(f"{prog}: error: ")]
    assert len(errors) == 1 and captured.err.splitlines()[-1] == errors[0], captured.err
    assert "RuntimeWarning" not in captured.err
    return errors[0]


def _wait_for_line(process, fragment, timeout=120):
    """Read ``process``'s stderr until a line holds ``fragment``; returns the lines read."""
    lines = []
    deadline = time.monotonic() + timeout
    for line in process.stderr:
        lines.append(line)
        if fragment in line:
            return lines
        if time.monotonic() > deadline:
            break
    process.kill()
    raise AssertionError(f"no line with {fragment!r}: {''.join(lines)}")


def _paused_train(out, small_train_args, seconds=120):
    """A real ``minigan.train`` on ``out`` that stops inside its first checkpoint write."""
    process = subprocess.Popen([sys.executable, "-m", "minigan.train", *small_train_args, "--epochs", "1",
                                "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=_env(**{PAUSE: str(seconds)}), cwd=ROOT)
    _wait_for_line(process, "test hook: pausing")
    return process


def _lock_holder_process(run_dir):
    """A real process that holds ``run_dir``'s lock until killed."""
    code = textwrap.dedent(f"""
        import sys, time
        from minigan.gan import lock_run
        lock = lock_run({str(run_dir)!r})
        print("locked", file=sys.stderr, flush=True)
        time.sleep(300)
    """)
    process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
    _wait_for_line(process, "locked")
    return process


def _stop(process):
    process.kill()
    process.wait(timeout=60)
    process.stderr.close()


def _leftovers(run_dir):
    return sorted(p.name for p in Path(run_dir).rglob(".*.tmp*"))


# ---------------------------------------------------------------- the lock
def test_a_second_train_on_a_running_run_exits_2_naming_the_pid(tmp_path, capsys, small_train_args):
    """The issue's case: A trains in --out DIR, B starts there too (another arch, then --resume)."""
    out = tmp_path / "run"
    first = _paused_train(out, small_train_args)
    try:
        before = sorted(p.name for p in out.rglob("*"))
        assert lock_holder(out) == first.pid
        assert train_cli.main(small_train_args + ["--arch", "seed", "--epochs", "1", "--out", str(out)]) == 2
        error = _one_line_error(capsys)
        assert f"{out} is in use by another minigan.train (PID {first.pid})" in error
        assert train_cli.main(["--resume", str(out)]) == 2
        assert f"(PID {first.pid})" in _one_line_error(capsys)
        assert sorted(p.name for p in out.rglob("*")) == before  # A's live files untouched
        assert json.loads((out / "config.json").read_text())["arch"] == "tiny"
    finally:
        _stop(first)


def test_a_second_train_as_a_real_process_gets_one_line_and_exit_2(tmp_path, small_train_args):
    out = tmp_path / "run"
    first = _paused_train(out, small_train_args)
    try:
        second = subprocess.run([sys.executable, "-m", "minigan.train", *small_train_args, "--out", str(out)],
                                capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=300)
    finally:
        _stop(first)
    assert second.returncode == 2, second.stderr
    assert second.stderr.splitlines() == [
        f"{TRAIN}: error: {out} is in use by another minigan.train (PID {first.pid}); "
        "wait for it to end or stop it first"]


def test_a_dead_run_is_not_cleared_while_its_lock_is_held(tmp_path, capsys, small_train_args):
    out = tmp_path / "run"
    (out / "samples").mkdir(parents=True)
    (out / "config.json").write_text(json.dumps(TrainConfig(arch="tiny").resolve().to_dict()))
    (out / ".checkpoint.npz.tmp99999").write_bytes(b"half a checkpoint")
    holder = _lock_holder_process(out)
    try:
        assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 2
        assert f"(PID {holder.pid})" in _one_line_error(capsys)
        assert (out / "config.json").exists() and _leftovers(out) == [".checkpoint.npz.tmp99999"]
    finally:
        _stop(holder)
    assert lock_holder(out) is None  # the kernel dropped the lock with the process
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 0
    assert "starting afresh" in capsys.readouterr().out
    assert _leftovers(out) == [] and not (out / LOCK_NAME).exists()


def test_sample_and_evaluate_read_a_locked_run(finished_small_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(finished_small_run, run)
    holder = _lock_holder_process(run)
    try:
        assert sample_cli.main(["--checkpoint", str(run), "-n", "4", "--npy", str(tmp_path / "s.npy")]) == 0
        assert train_cli.main(["--resume", str(run), "--epochs", "2"]) == 2
        assert f"(PID {holder.pid})" in _one_line_error(capsys)
    finally:
        _stop(holder)


def test_sample_says_when_config_and_checkpoint_disagree(finished_small_run, tmp_path, capsys):
    """What the mixed directory of the issue held: config.json of one run beside another's checkpoint."""
    run = tmp_path / "run"
    shutil.copytree(finished_small_run, run)
    config = json.loads((run / "config.json").read_text())
    config["arch"] = "seed"
    (run / "config.json").write_text(json.dumps(config))
    assert sample_cli.main(["--checkpoint", str(run), "-n", "4", "--npy", str(tmp_path / "s.npy")]) == 2
    error = _one_line_error(capsys, "python -m minigan.sample")
    assert "says arch 'seed' but the checkpoint beside it holds 'tiny'; the directory mixes two runs" in error


def test_the_lock_file_goes_with_the_run(finished_small_run):
    assert not (finished_small_run / LOCK_NAME).exists() and lock_holder(finished_small_run) is None


# ---------------------------------------------------------------- kills
def test_a_sigkill_in_the_first_checkpoint_write_leaves_a_dead_run_both_flags_handle(tmp_path, capsys,
                                                                                     small_train_args):
    out = tmp_path / "run"
    process = _paused_train(out, small_train_args)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    process.stderr.close()
    assert _leftovers(out) == [f".checkpoint.npz.tmp{process.pid}"]
    assert is_dead_run(out)  # only config.json, pictures and the leftover: nothing to resume
    assert train_cli.main(["--resume", str(out)]) == 2
    error = _one_line_error(capsys)
    assert "stopped before its first checkpoint" in error and f"--out {out}" in error
    assert _leftovers(out) == []  # removed: nobody held the lock
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)]) == 0
    assert int(load_checkpoint(out)["global_step"]) == 2
    assert _leftovers(out) == [] and not (out / LOCK_NAME).exists()


def test_a_leftover_beside_a_checkpoint_is_removed_on_resume(finished_small_run, tmp_path, capsys):
    """A later kill (mid-write of a second checkpoint) left its temporary file for good."""
    run = tmp_path / "run"
    shutil.copytree(finished_small_run, run)
    (run / ".checkpoint.npz.tmp12345").write_bytes(b"PK half")
    (run / "samples" / ".epoch_002.png.tmp12345").write_bytes(b"half")
    (run / "notes.tmp1").write_text("mine")  # not a run's name: kept
    assert train_cli.main(["--resume", str(run), "--epochs", "2"]) == 0
    assert _leftovers(run) == [] and (run / "notes.tmp1").read_text() == "mine"


def test_a_run_that_fails_before_training_removes_the_directory_it_made(tmp_path, capsys):
    out = tmp_path / "run"
    assert train_cli.main(["--arch", "tiny", "--data-dir", str(tmp_path / "nope"), "--out", str(out)]) == 2
    _one_line_error(capsys)
    assert not out.exists()


@pytest.mark.parametrize("pid_text", ["", "junk"])
def test_lock_holder_without_a_pid_in_the_file(tmp_path, pid_text):
    from minigan.gan import RunLocked, lock_run

    with lock_run(tmp_path) as lock:
        os.truncate(lock.path, 0)
        lock.path.write_text(pid_text) if pid_text else None
        with pytest.raises(RunLocked, match=r"PID unknown"):
            lock_run(tmp_path)
    assert not (tmp_path / LOCK_NAME).exists()
