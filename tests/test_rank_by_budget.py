"""examples/rank_by_budget.py: the objectives ranked as a shorter budget would have, from a
sweep's per-epoch reports (written here by hand)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location("rank_by_budget", ROOT / "examples" / "rank_by_budget.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_trial(sweep: Path, name: str, loss: str, seed: int, reports: list[tuple[float, float]]) -> None:
    trial = sweep / "ray" / f"run_trial_{name}"
    trial.mkdir(parents=True)
    lines = [json.dumps({"fid": fid, "wall_s": wall, "epoch": i + 1, "config": {"loss": loss, "seed": seed}})
             for i, (wall, fid) in enumerate(reports)]
    (trial / "result.json").write_text("\n".join(lines) + "\n")


def test_each_budget_takes_every_trials_last_score_within_it(tmp_path, capsys):
    rank = _module()
    # a: fast start, slow finish; b: the other way round; two seeds each
    _write_trial(tmp_path, "0", "a", 0, [(10, 20.0), (20, 9.0), (30, 8.0)])
    _write_trial(tmp_path, "1", "a", 1, [(10, 22.0), (20, 11.0), (30, 10.0)])
    _write_trial(tmp_path, "2", "b", 0, [(10, 40.0), (20, 12.0), (30, 4.0)])
    _write_trial(tmp_path, "3", "b", 1, [(10, 44.0), (20, 14.0), (30, 6.0)])
    trials = rank.reports(tmp_path)
    assert [(loss, mean) for loss, mean, _ in rank.ranking(trials, 15)] == [("a", 21.0), ("b", 42.0)]
    assert [(loss, mean) for loss, mean, _ in rank.ranking(trials, 30)] == [("b", 5.0), ("a", 9.0)]
    assert rank.ranking(trials, 30)[0][2] == pytest.approx(2 ** 0.5)  # std of 4 and 6
    assert rank.spearman(["a", "b"], ["b", "a"]) == -1.0 and rank.spearman(["a", "b"], ["a", "b"]) == 1.0
    assert rank.main([str(tmp_path), "--seconds", "15", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["15", "s", "rho", "-1.00"] and lines[1].split()[:4] == ["30", "s", "rho", "1.00"]


def test_a_directory_without_reports_is_one_line(tmp_path, capsys):
    assert _module().main([str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no trial reports" in err


def test_one_seed_is_ranked_against_all_and_a_pair_the_seeds_split_on_is_marked(tmp_path, capsys):
    rank = _module()
    # at 20 s: seed 0 orders a < b < c, seed 1 b < a < c, so a/b is split and b/c is not
    _write_trial(tmp_path, "0", "a", 0, [(10, 5.0), (20, 1.0)])
    _write_trial(tmp_path, "1", "b", 0, [(10, 1.0), (20, 2.0)])
    _write_trial(tmp_path, "2", "c", 0, [(10, 9.0), (20, 3.0)])
    _write_trial(tmp_path, "3", "a", 1, [(10, 5.0), (20, 4.0)])
    _write_trial(tmp_path, "4", "b", 1, [(10, 1.0), (20, 2.5)])
    _write_trial(tmp_path, "5", "c", 1, [(10, 9.0), (20, 6.0)])
    trials = rank.reports(tmp_path)
    assert rank.split_pairs(trials, 20) == {frozenset(("a", "b"))}
    assert [loss for loss, _, _ in rank.ranking(trials, 20, seed=1)] == ["b", "a", "c"]
    assert rank.swapped(["b", "c", "a"], ["a", "b", "c"]) == [("a", "b"), ("a", "c")]
    assert rank.main([str(tmp_path), "--seconds", "10", "20", "--seed", "1"]) == 0
    at_10, at_20 = capsys.readouterr().out.splitlines()
    # all seeds at 20 s: a 2.5, b 2.25, c 4.5 -> b, a, c; seed 1 at 10 s: b, a, c again; at 20 s too
    assert at_10.endswith("swapped: none") and at_20.endswith("swapped: none")
    assert rank.main([str(tmp_path), "--seconds", "20", "--seed", "0"]) == 0
    assert capsys.readouterr().out.strip().endswith("swapped: b/a (split)")
    assert rank.main([str(tmp_path), "--seed", "7"]) == 2
    assert "no trial of seed 7" in capsys.readouterr().err
    _write_trial(tmp_path, "6", "d", 1, [(10, 1.0)])  # an objective seed 0 never ran
    assert rank.main([str(tmp_path), "--seed", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "seed 0 has no trial of d" in err
