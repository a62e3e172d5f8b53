"""--sample-every-steps N writes the fixed-noise grid every N global steps (as well as by epoch),
can change on --resume, and is refused when not a positive integer."""
from __future__ import annotations

import json

from minigan import train as train_cli


def test_grids_every_n_steps(small_train_args, tmp_path, capsys):
    run = tmp_path / "run"
    # two steps per epoch: 3 epochs are global steps 1..6, so grids at steps 3 and 6
    assert train_cli.main(small_train_args + ["--epochs", "3", "--sample-every-steps", "3", "--out", str(run)]) == 0
    names = sorted(p.name for p in (run / "samples").iterdir())
    assert [n for n in names if n.startswith("step_")] == ["step_0000003.png", "step_0000006.png"]
    assert [n for n in names if n.startswith("epoch_")] == ["epoch_001.png", "epoch_002.png", "epoch_003.png"]
    assert json.loads((run / "config.json").read_text())["sample_every_steps"] == 3
    # a resumed run may change it: two more epochs, grids every 2 steps from here
    assert train_cli.main(["--resume", str(run), "--epochs", "5", "--sample-every-steps", "2"]) == 0
    names = sorted(p.name for p in (run / "samples").iterdir() if p.name.startswith("step_"))
    assert names == ["step_0000003.png", "step_0000006.png", "step_0000008.png", "step_0000010.png"]
    capsys.readouterr()


def test_no_step_grids_by_default(finished_small_run):
    assert not list((finished_small_run / "samples").glob("step_*.png"))


def test_a_bad_interval_is_one_line(capsys, tmp_path):
    assert train_cli.main(["--sample-every-steps", "0", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--sample-every-steps" in err[0]
