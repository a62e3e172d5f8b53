"""The exercises (issue 24): every checker passes the reference solution kept here in
tests/exercise_solutions/, fails the empty stubs with "not written yet", and says what is wrong
with the usual mistakes in a learner's words."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from minigan.exercises import STEPS, run
from minigan.exercises.__main__ import main

SOLUTIONS = Path(__file__).resolve().parent / "exercise_solutions"


def _solutions(tmp_path: Path, replace: tuple[str, str, str] | None = None) -> Path:
    """The reference solutions copied to tmp_path, one of them edited: (file, old, new)."""
    for file, _, _ in STEPS.values():
        shutil.copyfile(SOLUTIONS / file, tmp_path / file)
    if replace is not None:
        file, old, new = replace
        source = (tmp_path / file).read_text()
        assert old in source, old
        (tmp_path / file).write_text(source.replace(old, new))
    return tmp_path


@pytest.mark.parametrize("step", list(STEPS))
def test_each_checker_passes_the_reference_solution(step, tmp_path, capsys):
    directory = _solutions(tmp_path)
    assert main(["check", str(step), "--dir", str(directory)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"step {step}, {STEPS[step][1]}: all passed"
    assert len(out) == 1 + len(STEPS[step][2]) and all(line.startswith("  ✓ ") for line in out[1:])


@pytest.mark.parametrize("step", list(STEPS))
def test_each_checker_fails_the_empty_stub_helpfully(step, tmp_path, capsys):
    assert main(["start", str(tmp_path / "mine")]) == 0
    assert "wrote 6 stubs" in capsys.readouterr().out
    assert main(["check", str(step), "--dir", str(tmp_path / "mine")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"step {step}, {STEPS[step][1]}: ") and out[0].endswith("failed")
    for line in out[1:]:
        assert line.startswith("  ✗ ") and line.endswith(f"is not written yet: fill it in in {STEPS[step][0]}"), line


def test_the_stubs_hold_no_solution():
    stubs = Path(run.__code__.co_filename).parent
    for file, _, _ in STEPS.values():
        assert "raise NotImplementedError" in (stubs / file).read_text()


MISTAKES = [
    (1, ("step1_value.py", "self.grad += other.data * out.grad\n            other.grad += self.data * out.grad",
         "self.grad = other.data * out.grad\n            other.grad = self.data * out.grad"),
     "a Value used twice gets both shares", "add to the parents' grad with +=, never assign with ="),
    (1, ("step1_value.py", "other.grad += self.data * out.grad", "other.grad += other.data * out.grad"),
     "backward gives the gradients of finite differences", "x.grad, y.grad = [2.3 0.3] but finite differences give [2.3 2.5]"),
    (2, ("step2_topo.py", "    order, placed = [], {id(root)}",
         "    order = []\n    def visit(n):\n        for p in n._parents:\n            visit(p)\n"
         "        if n not in order:\n            order.append(n)\n    visit(root)\n    return order\n"
         "    order, placed = [], {id(root)}"),
     "a 5,000-node chain needs no recursion", "hit Python's recursion limit: use a loop and an explicit stack"),
    (3, ("step3_unbroadcast.py", "keepdims=True).reshape(shape)", "keepdims=False)"),
     "unbroadcast to (1, 3) from (4, 3)", "returned shape (3,); it must return exactly (1, 3)"),
    (4, ("step4_matmul.py", "return grad @ b.T, a.T @ grad", "return grad @ b.T, grad.T @ a"),
     "(2, 3) @ (3, 4)", "grad_b has shape (4, 3) but must have b's shape (3, 4)"),
    (4, ("step4_matmul.py", "return grad @ b.T, a.T @ grad", "return grad @ b, a.T @ grad"),
     "(3, 3) @ (3, 3)", "grad_a has the right shape but differs from finite differences"),
    (5, ("step5_sigmoid_bce.py", "    e = np.exp(-np.abs(x))\n    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))",
         "    return 1 / (1 + np.exp(-x))"),
     "sigmoid, also at ±1000", "overflowed (overflow encountered in exp): split on the sign of x"),
    (5, ("step5_sigmoid_bce.py", "(sigmoid(logits) - targets) / np.size(logits)", "sigmoid(logits) - targets"),
     "bce_with_logits_grad against finite differences", "the gradient of the sum, not of the mean"),
    (6, ("step6_gan_step.py", "np.ones_like(fake)) * w", "np.ones_like(fake))"),
     "G's gradients, through D", "(the gradient must flow through D: times w)"),
]


@pytest.mark.parametrize("step, edit, check, says", MISTAKES, ids=[f"{m[0]}-{m[2]}" for m in MISTAKES])
def test_a_usual_mistake_is_named_in_a_learners_words(step, edit, check, says, tmp_path):
    ok, lines = run(step, _solutions(tmp_path, edit) / STEPS[step][0])
    assert not ok
    failing = [line for line in lines if line.startswith(f"  ✗ {check}: ")]
    assert failing and says in failing[0], lines


def test_an_error_in_the_learners_code_names_their_line(tmp_path):
    directory = _solutions(tmp_path, ("step4_matmul.py", "return grad @ b.T, a.T @ grad", "return grad @ b.T, a.T @ grad.T"))
    ok, lines = run(4, directory / "step4_matmul.py")
    assert not ok
    assert "your code raised ValueError: " in lines[1] and lines[1].endswith("(step4_matmul.py line 5)"), lines


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["check", "9", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "error: there is no step 9; the steps are 1 to 6\n"
    assert main(["check", "1", "--dir", str(tmp_path / "none")]) == 2
    assert "step1_value.py does not exist; copy the stubs with: python -m minigan.exercises start" in capsys.readouterr().err
    assert main(["start", str(tmp_path / "mine")]) == 0
    assert main(["start", str(tmp_path / "mine")]) == 2
    assert "start would overwrite your work" in capsys.readouterr().err
    assert main(["list"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "1. a scalar Value with + and * (step1_value.py)"
