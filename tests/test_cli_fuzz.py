"""A CLI fuzz test: Hypothesis draws argument lists for train, sample, evaluate and gradcheck.

Whatever the arguments, a program ends with status 0, 1 or 2, prints no traceback, reports no
unexpected error (the one-line "rerun with --debug" message is a bug), gives exactly one error
line, the last on stderr, when it exits with 2, and leaves no run directory without a checkpoint.

The programs run in-process through their ``main(argv)``, each example in a fresh sandbox
directory (its working directory, so default outputs land there too), with small budgets:
training always starts from the tiny net on the synthetic data of conftest.py for one epoch
of two steps, and the argument pools hold only small sizes besides the absurd ones. Evaluation
stops where the metrics would start (MNIST and the classifier are not what is fuzzed here).
The number of examples is the Hypothesis profile's (conftest.py: 30 in CI; HYPOTHESIS_PROFILE=thorough
for 300).
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

import minigan
from hypothesis import example, given
from hypothesis import strategies as st

from minigan import evaluate as evaluate_cli
from minigan import export as export_cli
from minigan import sample as sample_cli
from minigan import train as train_cli
from minigan.gan import OBJECTIVES, is_dead_run
from minigan.gradcheck import __main__ as gradcheck_cli

HUGE = str(10 ** 12)
# Run directories with generator.npz and config.json, broken as the issue found them.
BROKEN_RUNS = ("{sandbox}/no-arch", "{sandbox}/nan-weights", "{sandbox}/nested")
# Generator files for PyTorch: exported (names its network), a bare state_dict, a damaged one.
SAFETENSORS = ("{sandbox}/G.safetensors", "{sandbox}/plain.safetensors", "{sandbox}/corrupt.safetensors")


def _choice(flag, *values):
    """``flag`` followed by one of ``values`` (a value with a space is two arguments)."""
    return st.sampled_from(values).map(lambda value: [flag, *value.split(" ")] if value else [flag, value])


def _argv(*options, junk=("--nope", "-x", "", "--", "extra")):
    """A few options in any order, now and then a stray argument."""
    part = st.one_of(*options, st.sampled_from(junk).map(lambda token: [token]))
    return st.lists(part, max_size=5).map(lambda parts: [token for p in parts for token in p])


TRAIN_ARGV = _argv(
    _choice("--epochs", "1", "2", "0", "-1", "x", "1e3"),
    _choice("--batch-size", "1", "50", "100", "101", "0", HUGE),
    _choice("--arch", "tiny", "seed", "default", "dcgan-mlp", "nope"),
    _choice("--loss", *OBJECTIVES, "nope"),
    _choice("--latent-dim", "1", "8", "0", "100000000", "abc"),
    _choice("--lr", "1e-3", "0", "-1", "nan", "inf", "1e30"),
    _choice("--betas", "0.5 0.999", "1 0.5", "x y", "0.5"),
    _choice("--optimizer", "adam", "rmsprop", "sgd"),
    _choice("--n-critic", "1", "2", "0"),
    _choice("--clip", "0.01", "0", "-1"),
    _choice("--gp-lambda", "10", "0", "-1"),
    _choice("--r1-gamma", "1", "0", "-1", "nan"),
    _choice("--real-label", "0.9", "0", "1.5"),
    _choice("--lr-schedule", "none", "exponential", "cosine", "cyclic", "nope"),
    _choice("--ema", "0", "0.999", "1", "-0.1"),
    _choice("--seed", "0", "7", "-1", str(2 ** 70)),
    _choice("--out", "{sandbox}/new", "{sandbox}/empty", "{sandbox}/file.txt", "{sandbox}/missing/x",
            "{sandbox}/run", "{sandbox}/dead"),
    _choice("--resume", "{sandbox}/run", "{sandbox}/empty", "{sandbox}/nope", "{sandbox}/file.txt",
            "{sandbox}/dead"),
    _choice("--data-dir", "{data}", "{sandbox}/empty", "{sandbox}/nope"),
    _choice("--dataset", "mnist", "fashion-mnist", "nope"),
    _choice("--sample-every", "1", "0"),
    _choice("--log-every", "1", "0"),
    _choice("--device", "cpu", "cuda"),
    st.just(["--help"]),
)
SAMPLE_ARGV = _argv(
    _choice("--checkpoint", "{sandbox}/run", "{sandbox}/run/checkpoint.npz", "{sandbox}/run/generator.npz",
            "{sandbox}/empty", "{sandbox}/nope", "{sandbox}/file.txt", "{sandbox}/dead", *BROKEN_RUNS, *SAFETENSORS),
    _choice("--arch", "tiny", "seed", "nope"),
    _choice("-n", "1", "64", "200", "0", "-1", HUGE, "x"),
    _choice("--out", "{sandbox}/g.png", "{sandbox}/missing/g.png", "{sandbox}/empty", "{sandbox}/s.npy"),
    _choice("--npy", "{sandbox}/s.npy", "{sandbox}/missing/s.npy", "{sandbox}/empty", "{sandbox}/g.png"),
    _choice("--nrow", "1", "8", "0", "1000000000"),
    _choice("--seed", "0", "-1", str(2 ** 70), "x"),
    st.just(["--help"]),
)
EVALUATE_ARGV = _argv(
    st.sampled_from(["{sandbox}/run", "{sandbox}/empty", "{sandbox}/nope", "{sandbox}/file.txt",
                     "{sandbox}/dead", *BROKEN_RUNS, *SAFETENSORS]).map(lambda path: [path]),
    _choice("--arch", "tiny", "seed", "nope"),
    _choice("--samples", "{sandbox}/good.npy", "{sandbox}/nan.npy", "{sandbox}/shape.npy", "{sandbox}/file.txt",
            "{sandbox}/nope.npy"),
    st.just(["--real"]),
    _choice("--n", "2", "10", "1", "0", "x", HUGE),
    _choice("--seed", "0", "-1"),
    _choice("--out", "{sandbox}/m.json", "{sandbox}/missing/m.json"),
    st.sampled_from([["--no-parzen"], ["--train-classifier"], ["--help"]]),
)
EXPORT_ARGV = _argv(
    st.sampled_from(["{sandbox}/run", "{sandbox}/run/checkpoint.npz", "{sandbox}/empty", "{sandbox}/nope",
                     "{sandbox}/file.txt", "{sandbox}/dead", *BROKEN_RUNS, *SAFETENSORS]).map(lambda path: [path]),
    _choice("--format", "safetensors", "onnx", ""),
    _choice("--out", "{sandbox}/x.safetensors", "{sandbox}/missing/x.safetensors", "{sandbox}/empty",
            "{sandbox}/x.npz", "{sandbox}/G.safetensors", "{sandbox}/file.txt"),
    st.just(["--help"]),
)
GRADCHECK_ARGV = _argv(
    _choice("--op", "relu", "sigmoid", "nope", ""),
    _choice("--seed", "0", "-1", str(2 ** 70), "x"),
    st.sampled_from([["--no-gradgrad"], ["--list"], ["--help"]]),
)


class _ReachedTheMetrics(BaseException):
    """Raised where evaluation would load MNIST and the classifier: the arguments were accepted."""


def _stop_at_the_metrics(*args, **kwargs):
    raise _ReachedTheMetrics


@pytest.fixture(scope="module")
def fuzz_fixtures(finished_small_run, small_mnist_dir, tmp_path_factory):
    """What every sandbox is copied from: a finished run, an empty and a dead run directory, files."""
    template = tmp_path_factory.mktemp("fuzz-template")
    shutil.copytree(finished_small_run, template / "run")
    (template / "empty").mkdir()
    (template / "dead" / "samples").mkdir(parents=True)
    (template / "dead" / "config.json").write_text((finished_small_run / "config.json").read_text())
    (template / "file.txt").write_text("not a run\n")
    config = (finished_small_run / "config.json").read_text()
    weights = minigan.load(finished_small_run / "generator.npz")
    for name in ("no-arch", "nan-weights", "nested"):
        (template / name).mkdir()
        (template / name / "config.json").write_text(config)
        minigan.save(weights, template / name / "generator.npz")
    (template / "no-arch" / "config.json").write_text('{"latent_dim": 8}')
    minigan.save({key: np.full_like(value, np.nan) for key, value in weights.items()},
                 template / "nan-weights" / "generator.npz")
    nested = '{"format": "minigan", "version": 1, "root": ' + "[" * 50_000 + "]" * 50_000 + "}"
    with open(template / "nested" / "generator.npz", "wb") as handle:
        np.savez(handle, __minigan__=np.frombuffer(nested.encode(), dtype=np.uint8))
    with contextlib.redirect_stdout(io.StringIO()):
        assert export_cli.main([str(template / "run"), "--out", str(template / "G.safetensors")]) == 0
    minigan.save(weights, template / "plain.safetensors")
    (template / "corrupt.safetensors").write_bytes((template / "G.safetensors").read_bytes()[:-100])
    rng = np.random.default_rng(0)
    np.save(template / "good.npy", rng.uniform(0, 1, (10, 784)).astype(np.float32))
    np.save(template / "nan.npy", np.full((10, 784), np.nan, dtype=np.float32))
    np.save(template / "shape.npy", np.zeros((10, 27, 27), dtype=np.float32))
    return template, small_mnist_dir


@contextlib.contextmanager
def _sandbox(template):
    with tempfile.TemporaryDirectory(prefix="minigan-fuzz-") as name:
        sandbox = Path(name) / "box"
        shutil.copytree(template, sandbox)
        before = os.getcwd()
        os.chdir(sandbox)
        try:
            yield sandbox
        finally:
            os.chdir(before)


def _dead_runs(root):
    return {path.parent for path in root.rglob("config.json") if is_dead_run(path.parent)}


def _check(main, prog, argv, template, data):
    with _sandbox(template) as sandbox:
        argv = [token.replace("{sandbox}", str(sandbox)).replace("{data}", str(data)) for token in argv]
        dead_before = _dead_runs(sandbox)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(argv)
            except SystemExit as exit:  # --help
                status = exit.code
            except _ReachedTheMetrics:
                status = 0
        err_text = err.getvalue()
        context = f"argv {argv}\nstderr:\n{err_text}"
        assert status in (0, 1, 2), context
        assert "Traceback" not in err_text + out.getvalue(), context
        assert "rerun with --debug" not in err_text, context
        if status == 2:
            errors = [line for line in err_text.splitlines() if line.startswith(f"{prog}: error: ")]
            assert len(errors) == 1 and err_text.splitlines()[-1] == errors[0], context
        assert _dead_runs(sandbox) <= dead_before, context


# Training for one epoch of two steps at most (the defaults come first; a drawn option overrides them).
@given(argv=TRAIN_ARGV)
@example(argv=["--latent-dim", "100000000"])  # the cases the issue found, always among the examples
@example(argv=["--lr", "1e30"])  # diverges through overflow
@example(argv=["--resume", "{sandbox}/dead"])
def test_train_never_ends_in_a_traceback(fuzz_fixtures, argv):
    template, data = fuzz_fixtures
    budget = ["--data-dir", str(data), "--arch", "tiny", "--latent-dim", "8", "--epochs", "1", "--batch-size", "50",
              "--log-every", "1000"]
    _check(train_cli.main, "python -m minigan.train", budget + argv, template, data)


@given(argv=SAMPLE_ARGV)
@example(argv=["--seed", "-1"])
@example(argv=["-n", HUGE, "--npy", "{sandbox}/s.npy"])
@example(argv=["--checkpoint", "{sandbox}/no-arch"])
@example(argv=["--checkpoint", "{sandbox}/nan-weights"])
@example(argv=["--checkpoint", "{sandbox}/nested"])
@example(argv=["--npy", "{sandbox}/empty"])
def test_sample_never_ends_in_a_traceback(fuzz_fixtures, argv):
    template, data = fuzz_fixtures
    _check(sample_cli.main, "python -m minigan.sample", ["--checkpoint", "{sandbox}/run"] + argv, template, data)


@given(argv=EVALUATE_ARGV)
@example(argv=["{sandbox}/no-arch", "--n", "10"])
def test_evaluate_never_ends_in_a_traceback(fuzz_fixtures, argv):
    template, data = fuzz_fixtures
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(evaluate_cli, "prepare_reference", _stop_at_the_metrics)
        _check(evaluate_cli.main, "python -m minigan.evaluate", argv, template, data)


@given(argv=EXPORT_ARGV)
@example(argv=["{sandbox}/corrupt.safetensors"])
@example(argv=["{sandbox}/run", "--out", "{sandbox}/empty"])
def test_export_never_ends_in_a_traceback(fuzz_fixtures, argv):
    template, data = fuzz_fixtures
    _check(export_cli.main, "python -m minigan.export", argv, template, data)


@given(argv=GRADCHECK_ARGV)
@example(argv=["--seed", "-1"])
def test_gradcheck_never_ends_in_a_traceback(fuzz_fixtures, argv):
    template, data = fuzz_fixtures
    _check(gradcheck_cli.main, "python -m minigan.gradcheck", ["--op", "relu"] + argv, template, data)
