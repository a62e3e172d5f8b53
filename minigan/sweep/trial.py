"""One trial of a sweep: an ordinary ``minigan.train`` run in ``SWEEP_DIR/runs/<trial>``,
reporting its per-epoch FID to Ray Tune.

The run directory is named after the trial's settings and seed, so a trial restarted after a
crash or Ctrl-C (``Tuner.restore``) finds its own checkpoint there and resumes the run from it
(bit for bit, as ``--resume`` does); a run that had finished reports its last score again.
A minutes budget counts training time (Trainer.elapsed, without the scoring) and stops the run
at the first batch past it, with a checkpoint, then scores the generator as it is.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from minigan.gan import TrainConfig, Trainer
from minigan.gan.run_files import CHECKPOINT_NAME, GENERATOR_NAME
from minigan.gan.stop_signals import Interrupted
from minigan.sweep.spec import SweepSpec, trial_settings
from minigan.torch_api.serialization import save

__all__ = ["run_trial", "trial_dir_name"]


def trial_dir_name(params: dict[str, Any]) -> str:
    """A run directory name that says the trial's settings: ``loss=hinge,lr=0.0002,seed=1``."""
    parts = [f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}"
             for key, value in sorted(params.items()) if key != "seed"]
    text = ",".join(parts + [f"seed={params['seed']}"])
    return re.sub(r"[^A-Za-z0-9=,._-]", "_", text)[:200]


def run_trial(params: dict[str, Any], spec: SweepSpec, sweep_dir: str) -> None:
    """Train one trial and ``tune.report`` {fid, fid_ratio_to_floor, epoch, wall_s, run_dir} after
    every scored epoch (the metric ASHA stops on), and once more at a minutes budget's end."""
    from ray import tune

    run_dir = Path(sweep_dir) / "runs" / trial_dir_name(params)
    if (run_dir / CHECKPOINT_NAME).exists():
        trainer = Trainer.resume(run_dir, verbose=False)
    else:
        trainer = Trainer.create(TrainConfig(**trial_settings(params, spec)), run_dir, verbose=False)
    limit = None if spec.minutes is None else 60.0 * spec.minutes

    def report(score: dict[str, Any]) -> None:
        # Ray ends a trial inside its last report (at the budget, or stopped by ASHA), before
        # fit() would write generator.npz: write it with every report, so each run is complete
        save(trainer.sampling_generator.state_dict(), run_dir / GENERATOR_NAME)
        tune.report({"fid": score["fid"], "fid_ratio_to_floor": score["fid_ratio_to_floor"], "epoch": trainer.epoch,
                     "wall_s": trainer.elapsed, "run_dir": str(run_dir)})

    trainer.on_epoch.append(lambda t, epoch: report(t.last_score) if t.last_score is not None else None)
    if limit is not None:
        trainer.on_step.append(lambda t, row: t.request_stop() if t.elapsed >= limit else None)
    if trainer.epoch >= trainer.config.epochs or (limit is not None and trainer.elapsed >= limit):
        _report_last(run_dir, report)  # finished before the restart: its score again
        return
    try:
        trainer.fit()
    except Interrupted:  # the minutes are over: score the generator as it is
        score = trainer.best.score(trainer.sampling_generator, trainer.arch, trainer.config.latent_dim)
        trainer.best.keep_if_best(score, trainer.sampling_generator, trainer.epoch + 1)
        report(score)


def _report_last(run_dir: Path, report: Any) -> None:
    history = json.loads((run_dir / "history.json").read_text())
    fids = [(f, r) for f, r in zip(history["fid"], history["fid_ratio_to_floor"]) if f is not None]
    if fids:
        report({"fid": fids[-1][0], "fid_ratio_to_floor": fids[-1][1]})
