"""Regenerate the README's sample grid and metric table of the default run from its run directory.

    python -m minigan.train --out runs/default
    python -m minigan.evaluate runs/default
    python -m minigan.evaluate --real --out runs/real_metrics.json
    python examples/default_run_report.py runs/default --real-metrics runs/real_metrics.json

copies the run's last fixed-noise sample grid to ``examples/results/default_samples.png`` and
rewrites the part of ``README.md`` between ``<!-- default-run:begin -->`` and
``<!-- default-run:end -->`` with the numbers of ``runs/default/metrics.json`` (and of the real
images, when given), the run's configuration and its training time, which it also keeps under
``default_run`` in ``docs/readme-figures.json`` (``--figures``), from which tests/test_readme.py
renders the block again. Nothing in that block is typed by hand. The files are written atomically.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

REPO = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- default-run:begin -->", "<!-- default-run:end -->"
DEFAULT_GRID = REPO / "examples" / "results" / "default_samples.png"


class ReportError(Exception):
    """An input the report cannot be made from (named in the message)."""


def _read_json(path: Path, what: str) -> dict[str, Any]:
    if not path.is_file():
        raise ReportError(f"{what} {path} does not exist")
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ReportError(f"{what} {path} is not readable JSON: {error}") from None


def _latest(path: Path, weights: str, what: str) -> dict[str, Any]:
    """The newest evaluation at n = 10,000 in a metrics.json (see minigan/metrics/evaluation.py)."""
    from minigan.metrics.evaluation import EvaluationError, latest_metrics

    if not path.is_file():
        raise ReportError(f"{what} {path} does not exist")
    try:
        return latest_metrics(path, 10_000, weights)
    except EvaluationError as error:
        raise ReportError(str(error)) from None


def _cells(metrics: dict[str, Any]) -> dict[str, str]:
    cov, is_, parzen = metrics["mode_coverage"], metrics["inception_score"], metrics.get("parzen")
    return {
        "fid": f"{metrics['fid']:.2f}",
        "ratio": f"{metrics['fid_ratio_to_floor']:.1f}× (floor {metrics['fid_floor']:.3f})",
        "is": f"{is_['mean']:.2f} ± {is_['std']:.2f}",
        "coverage": f"{cov['num_covered']} / 10 (KL to uniform {cov['kl_to_uniform']:.3f})",
        "parzen": "not measured" if parzen is None else f"{parzen['mean']:.1f} ± {parzen['stderr']:.1f} (σ {parzen['sigma']:.3f})",
    }


def render(grid_link: str, metrics: dict[str, Any], real: dict[str, Any] | None, config: dict[str, Any],
           training_seconds: float, last_epoch: int) -> str:
    """The README block (without the markers) for this run."""
    ours, theirs = _cells(metrics), (_cells(real) if real else None)
    rows = [("FID (classifier features)", "fid"), ("FID / real-vs-real floor at the same n", "ratio"), ("Inception Score", "is"),
            ("classes with ≥ 5% of samples", "coverage"), ("Parzen log-likelihood", "parzen")]
    header = "| metric | default run |" + (" real training images (`--real`) |" if theirs else "")
    rule = "|---|---|" + ("---|" if theirs else "")
    table = [header, rule] + [f"| {label} | {ours[key]} |" + (f" {theirs[key]} |" if theirs else "")
                              for label, key in rows]
    minutes, seconds = divmod(round(training_seconds), 60)
    clf = metrics.get("yardstick", {})
    ema = config.get("ema") or 0
    lr_d, lr_g = config.get("lr_d", config["lr"]), config.get("lr_g", config["lr"])
    learning_rates = f"{config['lr']:g}" if lr_d == lr_g == config["lr"] else f"D {lr_d:g} G {lr_g:g}"
    # runs from before --lr-final recorded no fraction; their exponential schedule ended at a tenth
    schedule_end = f" to {config['lr_final']:g} of lr" if config.get("lr_final") is not None else ""
    lines = [
        f"![Samples of the default run after epoch {last_epoch}]({grid_link})",
        "",
        f"The default run (`{config['arch']}` net, `{config['loss']}` loss, {config['epochs']} "
        f"epoch{'s' if config['epochs'] != 1 else ''} of batch "
        f"{config['batch_size']}, Adam {learning_rates} β={tuple(config['betas'])}, lr schedule "
        f"{config['lr_schedule']}{schedule_end}, weight average {ema if ema else 'off'}, seed {config['seed']}) trained for "
        f"{minutes} min {seconds:02d} s. `python -m minigan.evaluate` on {metrics['n']:,} samples, scored by "
        f"the classifier that ships with minigan (yardstick {clf.get('name')}, "
        f"{100 * clf.get('test_accuracy', float('nan')):.2f}% test accuracy):",
        "",
        *table,
        "",
        "Regenerate this block and the picture with the commands at the top of "
        "`examples/default_run_report.py`.",
    ]
    return "\n".join(lines)


def replace_block(readme: str, block: str) -> str:
    """``readme`` with the text between the markers replaced by ``block``."""
    if readme.count(BEGIN) != 1 or readme.count(END) != 1 or readme.index(BEGIN) > readme.index(END):
        raise ReportError(f"README.md must contain the markers {BEGIN} and {END} once each, in that order")
    head, rest = readme.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{block}\n{END}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="a finished python -m minigan.train run, evaluated")
    parser.add_argument("--real-metrics", type=Path, help="metrics of real images (python -m minigan.evaluate --real --out F)")
    parser.add_argument("--readme", type=Path, default=REPO / "README.md", help="the README to update")
    parser.add_argument("--grid", type=Path, default=DEFAULT_GRID, help="where to copy the sample grid")
    parser.add_argument("--figures", type=Path, default=REPO / "docs" / "readme-figures.json",
                        help="where to keep the block's inputs (default: docs/readme-figures.json)")
    args = parser.parse_args(argv)
    from minigan.gan import CheckpointError, load_checkpoint
    from minigan.paths import atomic_write_bytes

    try:
        run_dir = args.run_dir
        # what python -m minigan.evaluate RUN_DIR scores: best.npz where the run kept one
        weights = "best" if (run_dir / "best.npz").exists() else "average"
        metrics = _latest(run_dir / "metrics.json", weights, "the run's metrics (python -m minigan.evaluate RUN_DIR)")
        real = _latest(args.real_metrics, "real", "the real images' metrics") if args.real_metrics else None
        try:
            state = load_checkpoint(run_dir)
        except CheckpointError as error:
            raise ReportError(str(error)) from None
        config, last_epoch = dict(state["config"]), int(state["epoch"])
        grids = sorted((run_dir / "samples").glob("epoch_*.png"))
        if not grids:
            raise ReportError(f"{run_dir / 'samples'} has no sample grids")
        if not args.readme.is_file():
            raise ReportError(f"{args.readme} does not exist")
        grid_link = Path(os.path.relpath(args.grid.resolve(), args.readme.resolve().parent)).as_posix()
        inputs = {"grid_link": grid_link, "metrics": metrics, "real": real, "config": config,
                  "training_seconds": float(state["elapsed"]), "last_epoch": last_epoch}
        block = render(**inputs)
        updated = replace_block(args.readme.read_text(), block)
    except ReportError as error:
        print(f"default_run_report: error: {error}", file=sys.stderr)
        return 2
    args.grid.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(args.grid, grids[-1].read_bytes())
    atomic_write_bytes(args.readme, updated.encode())
    figures = json.loads(args.figures.read_text()) if args.figures.is_file() else {}
    figures["default_run"] = inputs
    atomic_write_bytes(args.figures, (json.dumps(figures, indent=2, sort_keys=True) + "\n").encode())
    print(f"wrote {args.grid} (from {grids[-1]}) and the default-run block of {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
