"""python -m minigan.sweep: the sweep file, the one-line message without Ray, and (slow) four
tiny trials on a local Ray with ASHA stopping one early, interrupted and resumed."""
import argparse
import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from minigan.sweep import cli
from minigan.sweep.spec import SweepError, read_sweep_file

REPO = Path(__file__).resolve().parents[1]


def test_without_ray_it_says_how_to_install_it_in_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    monkeypatch.setitem(sys.modules, "ray.tune", None)
    assert cli.main(["--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["python -m minigan.sweep: error: Ray Tune is not installed; install it with: "
                                        "pip install -e '.[sweep]'"]


def test_a_sweep_file_is_read_and_checked(tmp_path):
    path = tmp_path / "losses.toml"
    path.write_text('seeds = [0, 1, 2]\n[budget]\nminutes = 2.5\n[fixed]\narch = "tiny"\n'
                    '[grid]\nloss = ["bce", "hinge"]\n[loguniform]\nlr = [1e-4, 1e-3]\n[asha]\ngrace_period = 2\n')
    spec = read_sweep_file(path).check()
    assert spec.seeds == [0, 1, 2] and spec.minutes == 2.5 and spec.epochs is None
    assert spec.grid == {"loss": ["bce", "hinge"]} and spec.loguniform == {"lr": [1e-4, 1e-3]}
    assert spec.asha == {"grace_period": 2, "reduction_factor": 2}
    args = cli.build_parser().parse_args([str(path), "--grid", "r1_gamma=0,1", "--set", "ema=0.9"])
    spec = cli.spec_from_args(args)
    assert spec.name == "losses" and spec.grid["r1_gamma"] == [0, 1] and spec.fixed["ema"] == 0.9


@pytest.mark.parametrize("text, message", [
    ('[fixed]\narch = "tiny"\n', "give the budget of a trial as epochs or as minutes"),
    ('[budget]\nepochs = 2\n[grid]\nepochs = [1, 2]\n', "not a training setting a sweep can set"),
    ('[budget]\nepochs = 2\n[grid]\nloss = ["bce", "nope"]\n', "loss = 'nope'"),
    ('[budget]\nepochs = 2\n[loguniform]\nlr = [0, 1e-3]\n', "low > 0"),
    ('what = 1\n[budget]\nepochs = 2\n', "unknown key(s) what"),
    ('[budget]\nepochs = 2\nwhat = 1\n', "[budget] takes epochs = N or minutes = M"),
    ('[budget\n', "is not TOML"),
    ('[budget]\nminutes = 2\n[grid]\ninstance_noise = [0.0, 0.1]\n', "needs instance_noise_epochs"),
])
def test_a_bad_sweep_file_is_refused_in_one_line(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SweepError) as error:
        read_sweep_file(path).check()
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_trial_without_instance_noise_drops_its_annealing_epochs():
    from minigan.sweep.spec import SweepSpec, trial_settings

    spec = SweepSpec(minutes=1.0, fixed={"arch": "tiny", "instance_noise_epochs": 4},
                     grid={"instance_noise": [0.0, 0.1]}).check()
    assert "instance_noise_epochs" not in trial_settings({"instance_noise": 0.0, "seed": 0}, spec)
    assert trial_settings({"instance_noise": 0.1, "seed": 1}, spec)["instance_noise_epochs"] == 4


def test_compare_losses_is_every_objective_at_three_seeds_at_equal_wall_time(tmp_path):
    """examples/compare_losses.py's sweep: 6 objectives x seeds 0-2 (seed 0 with --quick), a minutes budget,
    no early stopping."""
    import importlib.util

    path = REPO / "examples" / "compare_losses.py"
    module_spec = importlib.util.spec_from_file_location("compare_losses", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    for quick, minutes, seeds in ((True, 2.75, [0]), (False, 5.0, [0, 1, 2])):
        args = argparse.Namespace(out=str(tmp_path), quick=quick, arch=None, minutes=None, address=None, resume=False,
                                  losses=",".join(module.OBJECTIVE_NAMES))
        spec = cli.spec_from_args(cli.build_parser().parse_args(module.sweep_argv(args)))
        assert spec.grid == {"loss": ["bce", "minimax", "wgan", "wgan-gp", "lsgan", "hinge"]}
        assert spec.seeds == seeds and spec.minutes == minutes and spec.epochs is None and spec.asha is None
    rows = [{"settings": "loss=bce", "last_fid": "2.0", "best_fid": "1.0", "wall_s": "30"},
            {"settings": "loss=bce", "last_fid": "4.0", "best_fid": "3.0", "wall_s": "30"}]
    (entry,) = module.summary(rows)
    assert entry["last_fid"][0] == 3.0 and entry["last_fid"][1] == pytest.approx(2 ** 0.5)


@pytest.mark.slow
def test_four_tiny_trials_on_local_ray_asha_stops_one_and_the_sweep_resumes_after_a_kill(small_mnist_dir, tmp_path):
    """Two learning rates x two seeds, one trial at a time. The sweep is interrupted (SIGINT, as
    Ctrl-C) once the first trial has finished, then resumed; the table then has all four trials,
    ASHA having stopped at least one (lr 0.01 scores worse than 1e-4 here)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "RAY_DEDUP_LOGS": "0"}
    command = [sys.executable, "-m", "minigan.sweep", "--out", str(tmp_path), "--name", "s", "--epochs", "3",
               "--set", "arch=tiny", "--set", "latent_dim=8", "--set", "batch_size=50", "--grid", "lr=0.01,0.0001",
               "--seeds", "0,1", "--data-dir", str(small_mnist_dir), "--max-concurrent", "1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    runs = tmp_path / "s" / "runs"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if runs.is_dir() and any((run / "generator.npz").exists() for run in runs.iterdir()):
            break
        time.sleep(0.5)
    assert process.poll() is None, process.communicate()[0][-3000:]
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=120)[0]
    finished_first = sorted(run.name for run in runs.iterdir() if (run / "generator.npz").exists())
    assert 1 <= len(finished_first) < 4, output[-3000:]
    resumed = subprocess.run([sys.executable, "-m", "minigan.sweep", "--resume", "--out", str(tmp_path), "--name", "s"],
                             env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, (resumed.stdout + resumed.stderr)[-3000:]
    with open(tmp_path / "s" / "results.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4
    assert sorted((r["settings"], r["seed"]) for r in rows) == [("lr=0.0001", "0"), ("lr=0.0001", "1"),
                                                                ("lr=0.01", "0"), ("lr=0.01", "1")]
    assert any(r["stopped_early"] == "True" for r in rows)
    assert all(Path(r["run_dir"]).is_dir() and (Path(r["run_dir"]) / "config.json").exists() for r in rows)
    assert (tmp_path / "s" / "score_vs_time.png").stat().st_size > 0
    assert "stopped early by ASHA" in resumed.stdout


def test_the_report_leaves_a_spread_over_one_seed_empty_and_ranks_by_best_fid(tmp_path):
    from minigan.sweep.report import markdown_path, write_report

    def trial(name, seed, fids):
        rows = [{"epoch": i + 1, "fid": f, "fid_ratio_to_floor": f / 2, "wall_s": 10.0 * (i + 1), "run_dir": name}
                for i, f in enumerate(fids)]
        return {"trial": name, "params": {"loss": name[:4], "seed": seed}, "rows": rows, "status": "TERMINATED"}

    trials = [trial("bce_0", 0, [9.0, 4.0, 5.0]), trial("bce_1", 1, [8.0, 6.0]), trial("hing_0", 0, [7.0, 3.0])]
    table = write_report(tmp_path, trials, budget_epochs=3)
    assert [row["trial"] for row in table] == ["hing_0", "bce_0", "bce_1"]
    assert [row["stopped_early"] for row in table] == [True, False, True]
    text = markdown_path(tmp_path).read_text()
    assert "nan" not in text
    assert "| loss=bce_ | 2 | 5.000 | 1.414 | 4.000 | 6.000 |" in text  # best FIDs 4 and 6
    assert "| loss=hing | 1 | 3.000 | – | 3.000 | 3.000 |" in text
    assert (tmp_path / "score_vs_time.png").stat().st_size > 0
