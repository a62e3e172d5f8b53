"""Compare the GAN objectives on MNIST at equal wall time, over three seeds, as a sweep.

    python examples/compare_losses.py                  # the full comparison: 5 minutes a trial
    python examples/compare_losses.py --quick          # seed 0, 2 3/4 minutes a trial: under 10 minutes on 2 cores
    python examples/compare_losses.py --address ray://HEAD:10001   # the same on a Ray cluster

Every objective (bce, minimax, wgan, wgan-gp, lsgan, hinge) x seeds 0, 1, 2 (seed 0 alone with
``--quick``) is one trial of
``python -m minigan.sweep`` (needs ``pip install -e '.[sweep]'``): the same architecture, each
objective with the settings it recommends (RMSprop and clipping for WGAN...), trained for the
same minutes of training time, not the same epochs (WGAN trains D five times per G step). No
early stopping: every trial gets the whole budget. Each trial is scored by the per-epoch FID
(2,000 samples of the weight average against the validation images, minigan/gan/best.py) at
every epoch's end and when its time is up.

Written into ``--out``/quick or /full: the sweep's own files (``runs/`` with one run directory
per trial, ``results.csv``, ``results.md``, ``score_vs_time.png``) and ``compare.md``: per
objective, the mean ± standard deviation over seeds of the FID when the time was up and of the
best FID on the way. ``--resume`` continues an interrupted comparison.
"""
from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path
from typing import Any, Sequence

OBJECTIVE_NAMES = ("bce", "minimax", "wgan", "wgan-gp", "lsgan", "hinge")
SEEDS = (0, 1, 2)
# --quick: 6 trials (one seed) of 2 3/4 minutes, two at a time on two cores, 3 waves with their
# start-ups: under 10 minutes. One seed for longer ranks the objectives as the full run does (on
# every pair its three seeds agree on); three seeds for 30 s did not (docs/sweeps.md).
QUICK = {"arch": "default", "minutes": 2.75, "seeds": (0,)}
FULL = {"arch": "default", "minutes": 5.0, "seeds": SEEDS}


def sweep_argv(args: argparse.Namespace) -> list[str]:
    """The ``python -m minigan.sweep`` command line of this comparison."""
    name = "quick" if args.quick else "full"
    if args.resume:
        return ["--resume", "--out", args.out, "--name", name] + (["--address", args.address] if args.address else [])
    plan = QUICK if args.quick else FULL
    argv = ["--out", args.out, "--name", name, "--minutes", str(args.minutes or plan["minutes"]),
            "--seeds", ",".join(map(str, plan["seeds"])), "--set", f"arch={args.arch or plan['arch']}",
            "--grid", "loss=" + ",".join(args.losses.split(",")), "--no-asha"]
    if args.address:
        argv += ["--address", args.address]
    return argv


def summary(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per objective: mean and standard deviation over seeds of the last and the best FID."""
    by_loss: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_loss.setdefault(row["settings"].removeprefix("loss="), []).append(row)
    out = []
    for loss, trials in by_loss.items():
        entry: dict[str, Any] = {"loss": loss, "seeds": len(trials)}
        for key in ("last_fid", "best_fid"):
            values = [float(t[key]) for t in trials if t[key] not in ("", "nan") and math.isfinite(float(t[key]))]
            mean = sum(values) / len(values) if values else math.nan
            std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else math.nan
            entry[key] = (mean, std, len(values))
        entry["wall_s"] = sum(float(t["wall_s"]) for t in trials) / len(trials)
        out.append(entry)
    return sorted(out, key=lambda e: (math.isnan(e["last_fid"][0]), e["last_fid"][0]))


def markdown(entries: Sequence[dict[str, Any]], note: str) -> str:
    lines = [note, "", "| objective | FID when time was up (mean ± std) | best FID on the way (mean ± std) | seeds scored "
             "| training s (mean) |", "|---|---|---|---|---|"]
    for e in entries:
        cells = [f"{m:.2f} ± {s:.2f}" if not math.isnan(s) else f"{m:.2f}" for m, s, _ in (e["last_fid"], e["best_fid"])]
        scored, runs = e["last_fid"][2], e["seeds"]
        lines.append(f"| {e['loss']} | {cells[0]} | {cells[1]} | {scored}/{runs} | {e['wall_s']:.0f} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="compare_losses_out", help="output directory (default: compare_losses_out)")
    parser.add_argument("--quick", action="store_true",
                        help="seed 0 alone, 2 3/4 minutes of training a trial: under 10 minutes on 2 cores")
    parser.add_argument("--arch", default=None, help="architecture (default: 'default')")
    parser.add_argument("--minutes", type=float, default=None, help="training minutes a trial (default: 5, 2.75 with --quick)")
    parser.add_argument("--losses", default=",".join(OBJECTIVE_NAMES), help="comma-separated objectives")
    parser.add_argument("--address", default=None, help="a Ray cluster (ray://HOST:PORT; default: a local Ray)")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted comparison")
    args = parser.parse_args(argv)

    from minigan.sweep import cli

    status = cli.main(sweep_argv(args))
    if status != 0:
        return status
    sweep_dir = Path(args.out) / ("quick" if args.quick else "full")
    with open(sweep_dir / "results.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    plan = QUICK if args.quick else FULL
    minutes = args.minutes or plan["minutes"]
    trained = plan["seeds"]
    seeds = f"seed{'s' if len(trained) > 1 else ''} {', '.join(map(str, trained))}"
    note = (f"{'Quick' if args.quick else 'Full'} comparison: arch `{args.arch or 'default'}`, {minutes:g} minute(s) of "
            f"training a trial, {seeds}, each objective with its recommended settings; "
            f"FID of 2,000 samples against the validation images (the per-epoch score).")
    text = markdown(summary(rows), note)
    (sweep_dir / "compare.md").write_text(text)
    print(text)
    print(f"wrote {sweep_dir / 'compare.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
