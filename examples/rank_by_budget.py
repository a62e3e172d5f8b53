"""How the loss comparison would have ranked the objectives with a shorter budget per trial.

    python examples/rank_by_budget.py OUT/full [--seconds 30 60 90 120 180 300]

Reads each trial's per-epoch reports in the sweep's Ray results (``OUT/full/ray/run_trial_*/
result.json``: the training seconds and the per-epoch FID at each epoch's end) and, for each
budget T, takes every trial's last FID reported within T seconds of training. That is what a
trial of T seconds would have reported at its last epoch's end (the same seed trains the same
bits however long its budget), without running the comparison again. Prints, per budget, the
objectives from best to worst (mean ± std over seeds) and Spearman's rank correlation with the
ranking at the longest budget.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path


def reports(sweep_dir: Path) -> dict[tuple[str, int], list[tuple[float, float]]]:
    """(loss, seed) -> [(training seconds, FID)] for every trial of the sweep."""
    trials = {}
    for path in sorted(sweep_dir.glob("ray/run_trial_*/result.json")):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if rows:
            config = rows[0]["config"]
            trials[(config["loss"], config["seed"])] = [(r["wall_s"], r["fid"]) for r in rows if r.get("fid") is not None]
    return trials


def ranking(trials: dict[tuple[str, int], list[tuple[float, float]]], seconds: float) -> list[tuple[str, float, float]]:
    """(loss, mean, std) over seeds of the last FID within ``seconds``, best first (NaN: none yet)."""
    by_loss: dict[str, list[float]] = {}
    for (loss, _), rows in trials.items():
        within = [fid for wall, fid in rows if wall <= seconds]
        by_loss.setdefault(loss, []).append(within[-1] if within else float("nan"))
    rows = [(loss, statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0.0) for loss, v in by_loss.items()]
    return sorted(rows, key=lambda row: (math.isnan(row[1]), row[1]))  # a NaN sorts last, not anywhere


def spearman(order: list[str], reference: list[str]) -> float:
    n = len(reference)
    return 1 - 6 * sum((order.index(name) - reference.index(name)) ** 2 for name in reference) / (n * (n * n - 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path, help="the comparison's sweep directory, e.g. OUT/full")
    parser.add_argument("--seconds", type=float, nargs="+", default=[30, 45, 60, 90, 120, 180, 240, 300])
    args = parser.parse_args(argv)
    trials = reports(args.sweep_dir)
    if not trials:
        print(f"rank_by_budget: no trial reports under {args.sweep_dir / 'ray'}", file=sys.stderr)
        return 2
    reference = [loss for loss, _, _ in ranking(trials, max(args.seconds))]
    for seconds in args.seconds:
        rows = ranking(trials, seconds)
        order = [loss for loss, _, _ in rows]
        print(f"{seconds:>5g} s  rho {spearman(order, reference):.2f}  "
              + "  ".join(f"{loss} {mean:.1f} ± {std:.1f}" for loss, mean, std in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
