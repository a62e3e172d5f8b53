"""``python -m minigan.sweep [SWEEP.toml] [flags]``: a sweep of training runs on Ray Tune.

Each trial is an ordinary run directory (``OUT/NAME/runs/<settings>``) that reports its
per-epoch FID (minigan/gan/best.py); ASHA stops the trials that fall behind. Without
``--address`` the sweep starts a Ray of its own on this machine (one trial per core); with
``--address ray://HOST:PORT`` (or RAY_ADDRESS) it runs on that cluster. ``--resume`` continues
a sweep after a crash or Ctrl-C (Ray Tune's ``Tuner.restore``; every unfinished trial resumes
its run from its checkpoint). At the end: OUT/NAME/results.csv, OUT/NAME/results.md and
OUT/NAME/score_vs_time.png. docs/sweeps.md has examples.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tomllib
from pathlib import Path
from typing import Any, Sequence

from minigan.cli import OneLineParser, UsageError, positive_float, positive_int, run_program
from minigan.paths import atomic_write_bytes
from minigan.sweep.report import markdown_path, write_report
from minigan.sweep.spec import SweepError, SweepSpec, read_sweep_file
from minigan.sweep.trial import run_trial

__all__ = ["main", "build_parser", "INSTALL_HINT"]

PROG = "python -m minigan.sweep"
INSTALL_HINT = "Ray Tune is not installed; install it with: pip install -e '.[sweep]'"
SPEC_NAME = "sweep.json"  # the sweep's spec, read back by --resume


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Sweep training runs on Ray Tune: every trial an ordinary run "
                           "directory scored by its per-epoch FID, bad trials stopped early by ASHA, a table "
                           "and a figure at the end (docs/sweeps.md).")
    parser.add_argument("sweep_file", nargs="?", metavar="SWEEP.toml", help="the sweep (TOML; docs/sweeps.md); flags add to it")
    parser.add_argument("--out", default="sweeps", help="directory of sweeps (default: sweeps)")
    parser.add_argument("--name", default=None, help="the sweep's directory under --out (default: the file's name, else sweep)")
    parser.add_argument("--epochs", type=positive_int, default=None, help="budget of each trial in epochs")
    parser.add_argument("--minutes", type=positive_float, default=None, help="budget of each trial in minutes of training")
    parser.add_argument("--seeds", default=None, metavar="S1,S2,...", help="seeds of every setting (default: 0)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a training setting of every trial (TrainConfig's name, e.g. arch=tiny); repeatable")
    parser.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2",
                        help="sweep a training setting over these values (every combination); lists in brackets, "
                             "e.g. g_hidden=[256,512],[512,1024]; repeatable")
    parser.add_argument("--samples", type=positive_int, default=None,
                        help="draws of the sweep file's [choice]/[uniform]/[loguniform] values per grid point")
    parser.add_argument("--max-concurrent", type=positive_int, default=None, help="trials at once (default: one per core)")
    parser.add_argument("--no-asha", action="store_true", help="run every trial to its budget (no early stopping)")
    parser.add_argument("--grace-period", type=positive_int, default=None, help="ASHA: epochs before a trial may be stopped")
    parser.add_argument("--reduction-factor", type=positive_int, default=None, help="ASHA: each rung keeps the best 1/N")
    parser.add_argument("--data-dir", default=None, help="the MNIST directory every trial reads (default: the cache)")
    parser.add_argument("--address", default=None, metavar="ray://HOST:PORT",
                        help="a running Ray cluster to send the sweep to (default: RAY_ADDRESS, else a local Ray)")
    parser.add_argument("--resume", action="store_true", help="continue the sweep OUT/NAME after a crash or Ctrl-C")
    return parser


def _value(text: str) -> Any:
    """A flag's value as TOML reads it (numbers, true/false, lists), else the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _split_values(text: str) -> list[str]:
    """``V1,V2,...`` split at the commas outside brackets: ``[128,256],[64]`` is two lists."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def _pair(text: str, flag: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UsageError(f"{flag} {text!r}: expected KEY=VALUE")
    return key.strip().replace("-", "_"), value


def spec_from_args(args: argparse.Namespace) -> SweepSpec:
    """The sweep file's spec with the flags over it, checked."""
    spec = read_sweep_file(args.sweep_file) if args.sweep_file else SweepSpec()
    if args.sweep_file and args.name is None and spec.name == "sweep":
        spec.name = Path(args.sweep_file).stem
    if args.name is not None:
        spec.name = args.name
    if args.epochs is not None or args.minutes is not None:
        spec.epochs, spec.minutes = args.epochs, args.minutes
    if args.seeds is not None:
        try:
            spec.seeds = [int(s) for s in args.seeds.split(",")]
        except ValueError:
            raise UsageError(f"--seeds {args.seeds!r}: expected integers separated by commas") from None
    for text in args.set:
        key, value = _pair(text, "--set")
        spec.fixed[key] = _value(value)
    for text in args.grid:
        key, value = _pair(text, "--grid")
        spec.grid[key] = [_value(v) for v in _split_values(value)]
    for name in ("samples", "max_concurrent", "data_dir"):
        if getattr(args, name) is not None:
            setattr(spec, name, getattr(args, name))
    if args.no_asha:
        spec.asha = None
    elif spec.asha is not None:
        for name in ("grace_period", "reduction_factor"):
            if getattr(args, name) is not None:
                spec.asha[name] = getattr(args, name)
    if not spec.name or "/" in spec.name or spec.name.startswith("."):
        raise UsageError(f"--name {spec.name!r}: a sweep's name is one directory name")
    return spec.check()


def _import_tune() -> Any:
    try:
        from ray import tune
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return tune


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (0 done, 2 bad input, 130 interrupted)."""
    return run_program(PROG, build_parser(), _run, argv, expected=(SweepError,))


def _run(args: argparse.Namespace) -> int:
    tune = _import_tune()
    import ray

    out = Path(args.out).resolve()
    if args.resume:
        name = args.name or (Path(args.sweep_file).stem if args.sweep_file else "sweep")
        sweep_dir = out / name
        if not (sweep_dir / SPEC_NAME).is_file():
            raise UsageError(f"--resume: {sweep_dir} holds no sweep to continue")
        spec = SweepSpec(**json.loads((sweep_dir / SPEC_NAME).read_text()))
    else:
        spec = spec_from_args(args)
        sweep_dir = out / spec.name
        if (sweep_dir / SPEC_NAME).exists():
            raise UsageError(f"{sweep_dir} already holds a sweep; continue it with --resume, or choose another --name")
        sweep_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(sweep_dir / SPEC_NAME, json.dumps(dataclasses.asdict(spec), indent=1).encode())
    address = args.address or os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
    try:
        results = _fit(tune, spec, sweep_dir, resume=args.resume)
    finally:
        ray.shutdown()
    trials = [{"trial": str((r.metrics or {}).get("trial_id", Path(r.path).name if r.path else "?")),
               "params": dict(r.config or {}),
               "rows": r.metrics_dataframe.to_dict("records") if r.metrics_dataframe is not None else [],
               "status": "ERROR" if r.error else "OK"} for r in results]
    table = write_report(sweep_dir, trials, spec.epochs)
    print(markdown_path(sweep_dir).read_text(), end="")
    print(f"{len(table)} trials; {sum(r['stopped_early'] for r in table)} stopped early by ASHA; "
          f"table {sweep_dir / 'results.csv'}, figure {sweep_dir / 'score_vs_time.png'}")
    if any(t["status"] == "ERROR" for t in trials):
        print(f"some trials failed; their errors are under {sweep_dir}; continue with: "
              f"{PROG} --resume --out {args.out} --name {spec.name}")
    return 0


def _fit(tune: Any, spec: SweepSpec, sweep_dir: Path, resume: bool) -> Any:
    from ray.tune.schedulers import ASHAScheduler

    trainable = tune.with_resources(tune.with_parameters(run_trial, spec=spec, sweep_dir=str(sweep_dir)), {"cpu": 1})
    experiment = sweep_dir / "ray"
    if resume and tune.Tuner.can_restore(str(experiment)):
        return tune.Tuner.restore(str(experiment), trainable, resume_unfinished=True, resume_errored=True).fit()
    space: dict[str, Any] = {key: tune.grid_search(values) for key, values in spec.grid.items()}
    space.update({key: tune.choice(values) for key, values in spec.choice.items()})
    space.update({key: tune.uniform(*values) for key, values in spec.uniform.items()})
    space.update({key: tune.loguniform(*values) for key, values in spec.loguniform.items()})
    space["seed"] = tune.grid_search(list(spec.seeds))
    scheduler = None
    if spec.asha is not None:
        scheduler = ASHAScheduler(time_attr="training_iteration", max_t=spec.epochs or 10_000, **spec.asha)
    tuner = tune.Tuner(
        trainable, param_space=space,
        tune_config=tune.TuneConfig(metric="fid", mode="min", scheduler=scheduler, num_samples=spec.samples,
                                    max_concurrent_trials=spec.max_concurrent),
        run_config=tune.RunConfig(name="ray", storage_path=str(sweep_dir), verbose=0))
    return tuner.fit()
