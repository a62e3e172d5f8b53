"""The end of a sweep: a table of its trials (``SWEEP_DIR/results.csv`` and ``SWEEP_DIR/results.md``) and a figure of
each trial's score against its training time (``score_vs_time.png``), from the rows each trial
reported (``rows``: one dict per report, with the trial's id and parameters)."""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any, Sequence

from minigan.paths import atomic_write_bytes

__all__ = ["trial_table", "write_report", "group_table", "markdown_path"]

TABLE_STEM = "results"  # SWEEP_DIR/results.csv and the Markdown table beside it


def markdown_path(sweep_dir: Path) -> Path:
    """Where the sweep's Markdown table is."""
    return sweep_dir / f"{TABLE_STEM}.md"

COLUMNS = ("trial", "settings", "seed", "epochs", "wall_s", "best_fid", "last_fid", "last_ratio", "stopped_early",
           "run_dir")


def trial_table(trials: Sequence[dict[str, Any]], budget_epochs: int | None) -> list[dict[str, Any]]:
    """One row per trial, best FID first. ``trials``: {trial, params, rows, status}."""
    table = []
    for trial in trials:
        rows = trial["rows"]
        fids = [r["fid"] for r in rows if r.get("fid") is not None and math.isfinite(r["fid"])]
        last = rows[-1] if rows else {}
        epochs = int(last.get("epoch", 0) or 0)
        table.append({
            "trial": trial["trial"],
            "settings": " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                 for k, v in sorted(trial["params"].items()) if k != "seed"),
            "seed": trial["params"].get("seed"),
            "epochs": epochs,
            "wall_s": round(float(last.get("wall_s", 0.0) or 0.0), 1),
            "best_fid": min(fids) if fids else math.nan,
            "last_fid": fids[-1] if fids else math.nan,
            "last_ratio": last.get("fid_ratio_to_floor", math.nan),
            "stopped_early": bool(budget_epochs is not None and epochs < budget_epochs and trial["status"] != "ERROR"),
            "run_dir": last.get("run_dir", ""),
        })
    return sorted(table, key=lambda r: (math.isnan(r["best_fid"]), r["best_fid"]))


def group_table(table: Sequence[dict[str, Any]], value: str = "best_fid") -> list[dict[str, Any]]:
    """Mean ± standard deviation of ``value`` over the random seeds of each setting, best first."""
    groups: dict[str, list[float]] = {}
    for row in table:
        if not math.isnan(row[value]):
            groups.setdefault(row["settings"], []).append(float(row[value]))
    out = []
    for settings, values in groups.items():
        mean = sum(values) / len(values)
        std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else math.nan
        out.append({"settings": settings, "seeds": len(values), "mean": mean, "std": std,
                    "min": min(values), "max": max(values)})
    return sorted(out, key=lambda r: r["mean"])


def _markdown(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float) and math.isnan(v):
            return "–"  # none: a spread over one seed, or a trial stopped before its first score
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_report(sweep_dir: Path, trials: Sequence[dict[str, Any]], budget_epochs: int | None) -> list[dict[str, Any]]:
    """SWEEP_DIR/results.csv, SWEEP_DIR/results.md (the trials, then mean ± std over seeds per setting) and
    score_vs_time.png in ``sweep_dir``; returns the trial table."""
    table = trial_table(trials, budget_epochs)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    atomic_write_bytes(sweep_dir / "results.csv", buffer.getvalue().encode())
    groups = group_table(table)
    text = ("## Trials (best per-epoch FID first)\n\n" + _markdown(table, COLUMNS[:-1])
            + "\n## Per setting over seeds (best FID: mean ± std)\n\n"
            + _markdown(groups, ("settings", "seeds", "mean", "std", "min", "max")))
    atomic_write_bytes(markdown_path(sweep_dir), text.encode())
    _figure(sweep_dir / "score_vs_time.png", trials)
    return table


def _figure(path: Path, trials: Sequence[dict[str, Any]]) -> None:
    from matplotlib.figure import Figure

    from minigan.viz import write_figure

    figure = Figure(figsize=(8, 5))
    axes = figure.subplots()
    for trial in trials:
        points = [(r["wall_s"], r["fid"]) for r in trial["rows"] if r.get("fid") is not None]
        if points:
            xs, ys = zip(*points)
            axes.plot(xs, ys, marker="o", markersize=3, linewidth=1, label=trial["trial"])
    axes.set_xlabel("training time of the trial (s)")
    axes.set_ylabel("per-epoch FID (n = 2,000, vs validation)")
    axes.set_yscale("log")
    axes.grid(alpha=0.3)
    if len(trials) <= 12:
        axes.legend(fontsize=7)
    figure.tight_layout()
    write_figure(figure, path)
