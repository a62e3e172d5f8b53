"""The numbered examples in examples/ run as a user runs them (a subprocess each), and what they
print is checked: a finite-difference error that is small, a closed form that matches, a
classifier that learned, a generator that moved toward the data."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NUMBERED = sorted(path.name for path in EXAMPLES.glob("[0-9][0-9]_*.py"))


def run_example(name: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    # One BLAS and one Numba thread: the examples are small, and a busy CI machine stalls threads.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", NUMBA_NUM_THREADS="1", MPLBACKEND="Agg")
    # this checkout's minigan, whatever copy is installed
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(EXAMPLES.parent), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, str(EXAMPLES / name), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def number_after(label: str, text: str) -> float:
    match = re.search(re.escape(label) + r"\s*([-+0-9.e]+)", text)
    assert match, f"no {label!r} in:\n{text}"
    return float(match.group(1))


def test_the_six_examples_are_numbered_in_order():
    assert [name[:3] for name in NUMBERED] == ["01_", "02_", "03_", "04_", "05_", "06_"], NUMBERED


@pytest.mark.parametrize("name", NUMBERED)
def test_a_bad_flag_is_one_usage_error(name):
    refused = run_example(name, "--no-such-flag")
    assert refused.returncode == 2 and refused.stderr.startswith("usage: ")
    assert refused.stderr.strip().endswith("error: unrecognized arguments: --no-such-flag")


def test_01_scalar_autograd_matches_the_hand_derivation_and_draws_its_graph(tmp_path):
    result = run_example("01_scalar_autograd.py", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert number_after("o = tanh(x1 w1 + x2 w2 + b) =", result.stdout) == pytest.approx(0.7071, abs=1e-4)
    # micrograd's neuron: do/dx1 = (1 - o²) w1 = -1.5, do/dw1 = (1 - o²) x1 = 1, ...
    for name, expected in (("x1", -1.5), ("w1", 1.0), ("x2", 0.5), ("w2", 0.0), ("b", 0.5)):
        assert number_after(f"do/d{name:2s} =", result.stdout) == pytest.approx(expected, abs=1e-4)
    assert number_after("max abs error", result.stdout) < 1e-12
    tree = result.stdout.split("\n\n")[0].splitlines()
    assert tree[0] == "Tanh () float64 data 0.7071 grad 1" and len(tree) == 10, tree
    assert sum("leaf" in line for line in tree) == 5, tree
    assert "leaf x1 () float64 data 2 grad -1.5" in "\n".join(tree), tree  # values and gradients in the picture
    assert (tmp_path / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = run_example("01_scalar_autograd.py", "--out", str(tmp_path), "--svg")
    assert svg.returncode == 0 and "<svg" in (tmp_path / "graph.svg").read_text()


def test_01_reports_an_unwritable_output_in_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run_example("01_scalar_autograd.py", "--out", str(blocker / "sub"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot write the graph picture:") and len(result.stderr.splitlines()) == 1


def test_02_finite_differences_agree_with_backprop_and_shrink_with_eps():
    fine = run_example("02_finite_differences.py")
    assert fine.returncode == 0, fine.stderr
    fine_error = number_after("max abs error", fine.stdout)
    assert 0 < fine_error < 1e-8, fine.stdout
    coarse = run_example("02_finite_differences.py", "--eps", "1e-3")
    coarse_error = number_after("max abs error", coarse.stdout)
    # The central difference errs by O(eps²): a 1000× larger step is far less accurate, yet still close.
    assert 100 * fine_error < coarse_error < 1e-5, coarse.stdout
    # Below eps 1e-5 rounding wins: each L is rounded to ~1e-16 and divided by 2 eps.
    tiny = run_example("02_finite_differences.py", "--eps", "1e-9")
    assert number_after("max abs error", tiny.stdout) > 100 * fine_error, tiny.stdout
    bad = run_example("02_finite_differences.py", "--eps", "nan")
    assert bad.returncode == 2 and "--eps must be in (0, 1)" in bad.stderr


def test_05_gradient_penalty_matches_its_closed_form_and_finite_differences():
    result = run_example("05_gradient_penalty.py")
    assert result.returncode == 0, result.stderr
    penalty = number_after("linear critic: penalty", result.stdout)
    closed = number_after("closed form λ(||w|| - 1)² =", result.stdout)
    assert penalty > 0.01 and abs(penalty - closed) < 1e-6, result.stdout
    assert number_after("of its gradient", result.stdout) < 1e-10, result.stdout
    assert number_after("max |d penalty/dW - central difference| =", result.stdout) < 1e-7, result.stdout


def test_06_new_op_passes_both_checks_and_a_wrong_backward_fails():
    result = run_example("06_new_op.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^gradcheck:\s+ok=True", result.stdout, re.M), result.stdout
    assert re.search(r"^gradgradcheck:\s+ok=True", result.stdout, re.M), result.stdout
    assert "a backward off by 0.1%: gradcheck ok=False" in result.stdout
    assert "a backward off by 0.1%: gradgradcheck ok=False (the first derivative recorded" in result.stdout
    assert number_after("max rel error", result.stdout) == pytest.approx(1e-3, rel=0.05)


def test_mnist_examples_report_a_missing_data_directory_in_one_line(tmp_path):
    for name in ("03_mlp_classifier.py", "04_gan_step_by_step.py"):
        result = run_example(name, "--data-dir", str(tmp_path / "missing"))
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "does not exist" in lines[0], result.stderr


@pytest.mark.mnist
@pytest.mark.slow
def test_03_mlp_classifier_learns_mnist():
    result = run_example("03_mlp_classifier.py", "--quick")
    assert result.returncode == 0, result.stderr
    assert number_after("test accuracy", result.stdout) > 0.9, result.stdout


@pytest.mark.mnist
@pytest.mark.slow
def test_04_gan_moves_its_samples_toward_the_data(tmp_path):
    result = run_example("04_gan_step_by_step.py", "--steps", "100", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    rows = re.findall(r"step (\d+)/100: d_loss (\S+), g_loss (\S+), D\(x\) (\S+), D\(G\(z\)\) (\S+)", result.stdout)
    assert [int(row[0]) for row in rows] == list(range(10, 101, 10)), result.stdout
    for _, d_loss, g_loss, d_x, d_g_z in rows:
        assert 0 < float(d_loss) < 10 and 0 < float(g_loss) < 20
        assert 0 <= float(d_g_z) < float(d_x) <= 1  # D tells real from fake on its batches
    real = number_after("real images", result.stdout)
    before = number_after("mean pixel before training: samples", result.stdout)
    after = number_after("mean pixel after training: samples", result.stdout)
    # An untrained sigmoid output sits near 0.5; MNIST is mostly black background (mean about 0.13).
    assert abs(after - real) < 0.5 * abs(before - real), result.stdout
    assert (tmp_path / "samples.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
