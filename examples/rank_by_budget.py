"""How the loss comparison would have ranked the objectives with a shorter budget per trial.

    python examples/rank_by_budget.py OUT/full [--seconds 30 60 90 120 180 300] [--seed 0]

Reads each trial's per-epoch reports in the sweep's Ray results (``OUT/full/ray/run_trial_*/
result.json``: the training seconds and the per-epoch FID at each epoch's end) and, for each
budget T, takes every trial's last FID reported within T seconds of training. That is what a
trial of T seconds would have reported at its last epoch's end (the same seed trains the same
bits however long its budget), without running the comparison again. Prints, per budget, the
objectives from best to worst (mean ± std over seeds) and Spearman's rank correlation with the
full run's ranking (every trial's last report), and names the pairs it orders the other way
round; a pair on which the full run's seeds, each ranked alone, disagree is marked "split",
since the full run does not settle its order either. ``--seed N`` ranks with seed N's trials
alone (as a comparison of one seed, like ``compare_losses.py --quick``, would), still against
the full run's ranking over all its seeds.
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


def ranking(trials: dict[tuple[str, int], list[tuple[float, float]]], seconds: float,
            seed: int | None = None) -> list[tuple[str, float, float]]:
    """(loss, mean, std) over seeds (or ``seed`` alone) of the last FID within ``seconds``, best
    first (NaN: none yet)."""
    by_loss: dict[str, list[float]] = {}
    for (loss, trial_seed), rows in trials.items():
        if seed is not None and trial_seed != seed:
            continue
        within = [fid for wall, fid in rows if wall <= seconds]
        by_loss.setdefault(loss, []).append(within[-1] if within else float("nan"))
    rows = [(loss, statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0.0) for loss, v in by_loss.items()]
    return sorted(rows, key=lambda row: (math.isnan(row[1]), row[1]))  # a NaN sorts last, not anywhere


def split_pairs(trials: dict[tuple[str, int], list[tuple[float, float]]], seconds: float) -> set[frozenset[str]]:
    """The pairs of objectives that the runs of each seed, ranked apart at ``seconds``, do not all order alike."""
    seeds = sorted({seed for _, seed in trials})
    orders = [[loss for loss, _, _ in ranking(trials, seconds, seed)] for seed in seeds]
    names = orders[0] if orders else []
    return {frozenset((a, b)) for i, a in enumerate(names) for b in names[i + 1:]
            if len({order.index(a) < order.index(b) for order in orders}) > 1}


def swapped(order: list[str], reference: list[str]) -> list[tuple[str, str]]:
    """The pairs (a, b), a before b in ``reference``, that ``order`` puts the other way round."""
    return [(a, b) for i, a in enumerate(reference) for b in reference[i + 1:] if order.index(a) > order.index(b)]


def spearman(order: list[str], reference: list[str]) -> float:
    n = len(reference)
    return 1 - 6 * sum((order.index(name) - reference.index(name)) ** 2 for name in reference) / (n * (n * n - 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path, help="the comparison's sweep directory, e.g. OUT/full")
    parser.add_argument("--seconds", type=float, nargs="+", default=[30, 45, 60, 90, 120, 180, 240, 300])
    parser.add_argument("--seed", type=int, default=None, help="rank with this seed's trials alone")
    args = parser.parse_args(argv)
    trials = reports(args.sweep_dir)
    if not trials:
        print(f"rank_by_budget: no trial reports under {args.sweep_dir / 'ray'}", file=sys.stderr)
        return 2
    if args.seed is not None and args.seed not in {seed for _, seed in trials}:
        print(f"rank_by_budget: no trial of seed {args.seed} under {args.sweep_dir / 'ray'}", file=sys.stderr)
        return 2
    reference = [loss for loss, _, _ in ranking(trials, math.inf)]  # the full run's, at its end
    split = split_pairs(trials, math.inf)
    for seconds in args.seconds:
        rows = ranking(trials, seconds, args.seed)
        order = [loss for loss, _, _ in rows]
        if sorted(order) != sorted(reference):
            missing = sorted(set(reference) - set(order))
            print(f"rank_by_budget: seed {args.seed} has no trial of {', '.join(missing)}", file=sys.stderr)
            return 2
        pairs = [f"{a}/{b}{' (split)' if frozenset((a, b)) in split else ''}" for a, b in swapped(order, reference)]
        print(f"{seconds:>5g} s  rho {spearman(order, reference):.2f}  "
              + "  ".join(f"{loss} {mean:.1f}{'' if args.seed is not None else f' ± {std:.1f}'}" for loss, mean, std in rows)
              + f"  swapped: {', '.join(pairs) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
