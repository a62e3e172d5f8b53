"""The README's generated blocks: a first run, what the metrics are measured against, and the
architectures and losses. Nothing in them is typed by hand.

    python -m minigan.train --epochs 3 --out runs/first
    python -m minigan.evaluate runs/first
    python -m minigan.evaluate --real --out runs/real_metrics.json
    python examples/readme_blocks.py record runs/first --real-metrics runs/real_metrics.json
    python examples/readme_blocks.py write

``record`` keeps what the blocks say about the runs in ``docs/readme-figures.json`` (the run's
training time, the sizes of its files, its evaluation and the real images', at n = 10,000);
``write`` renders every block into README.md from that file, from the shipped yardstick's
``minigan/metrics/yardstick_files/yardstick.json`` and from the code (the architectures and
losses). ``tests/test_readme.py`` renders them again and fails when README.md differs.
``examples/default_run_report.py`` records and writes the default run's block the same way.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

REPO = Path(__file__).resolve().parent.parent
FIGURES = REPO / "docs" / "readme-figures.json"
BLOCKS = ("first-run", "files", "yardstick", "archs")
WHAT = {  # the files block's last column
    "checkpoint.npz": "G, the average of G's weights, D, the optimizers, the random state: every epoch "
                      "(`--checkpoint-every N` or `none`; a run without one cannot be resumed)",
    "best.npz": "the generator at the best per-epoch score (FID of 2,000 samples against the validation images); "
                "`sample` and `evaluate` use it unless `--which last`",
    "best.json": "which epoch that was, and its score",
    "config.json": "every setting; `--config runs/first/config.json` reruns it (options given as well override it)",
    "generator.npz": "the weights the samples come from (the average of G's weights), under `nn.Sequential`'s names",
    "history.csv": "one row per step: `d_loss`, `g_loss`, `d_x`, `d_g_z`; `wasserstein` and `gradient_penalty` "
                   "for the WGAN losses",
    "history.json": "the same, as JSON",
    "loss_curves.png": "the losses and D's outputs over the run",
    "metrics.json": "written by `evaluate`: every evaluation, kept under its n and weights",
    "samples/epoch_NNN.png": "the same 64 noise vectors after every epoch (`--sample-every-steps N`: every N steps too)",
}


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def read_figures(path: Path = FIGURES) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.is_file() else {}


def _size(nbytes: int) -> str:
    if nbytes < 1000:
        return f"{nbytes} B"
    return f"{nbytes / 1e6:.1f} MB" if nbytes >= 1e5 else f"{nbytes / 1e3:.0f} kB"


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def render(name: str, figures: dict[str, Any]) -> str:
    """The text of block ``name`` (without its markers)."""
    if name == "first-run":
        run, m = figures["first_run"], figures["first_run"]["metrics"]
        return (f"On the project's 2-core machine these {run['epochs']} epochs ({run['steps']:,} steps) trained in "
                f"{_duration(run['seconds'])}. Evaluated at n = {m['n']:,}, the samples of its best-scored generator "
                f"(best.npz, which `evaluate` takes by default) scored "
                f"FID {m['fid']:.2f} ({m['fid_ratio_to_floor']:.1f}× the real-vs-real floor at the same n), "
                f"Inception Score {m['inception_score']['mean']:.2f}, "
                f"and {m['mode_coverage']['num_covered']} of 10 classes held at least 5% of the samples.")
    if name == "files":
        files = figures["first_run"]["files"]
        return "\n".join(["| file | size | what |", "|---|---|---|"] +
                         [f"| `{path}` | {_size(size)} | {WHAT.get(path, '')} |" for path, size in files.items()])
    if name == "yardstick":
        info = json.loads((REPO / "minigan" / "metrics" / "yardstick_files" / "yardstick.json").read_text())
        real = figures["real"]
        return (f"The yardstick that ships with minigan is `{info['name']}`: an MLP classifier "
                f"({100 * info['test_accuracy']:.2f}% test accuracy) whose weights' SHA-256 starts "
                f"`{info['weights_sha256'][:12]}`. On it the 10,000 test images have an Inception Score of "
                f"{info['test_inception'][0]:.2f}, and 10,000 training images score FID "
                f"{info['floor_at_protocol_n']:.3f} against them: that is the real-vs-real floor at "
                f"n = 10,000. `python -m minigan.evaluate --real` (10,000 other training images) gives "
                f"FID {real['fid']:.3f}, Inception Score {real['inception_score']['mean']:.2f} and "
                f"Parzen log-likelihood {real['parzen']['mean']:.1f}; no classifier is trained, so these "
                f"do not depend on the machine's own training run.")
    if name == "archs":
        from minigan.gan.models import ARCHITECTURES
        from minigan.gan.objectives import OBJECTIVES

        archs = [f"- `--arch {key}`: {spec.description}" for key, spec in ARCHITECTURES.items()]
        losses = [f"- `--loss {key}`: {objective.description}" for key, objective in OBJECTIVES.items()]
        return "\n".join(archs + [""] + losses)
    raise KeyError(name)


def replace_block(text: str, name: str, block: str) -> str:
    begin, end = markers(name)
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise ValueError(f"README.md must hold the markers {begin} and {end} once each, in that order")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return f"{head}{begin}\n{block}\n{end}{tail}"


def block_in(text: str, name: str) -> str:
    begin, end = markers(name)
    return text.split(begin, 1)[1].split(end, 1)[0].strip("\n")


def record(run_dir: Path, real_metrics: Path) -> dict[str, Any]:
    from minigan.gan import load_checkpoint
    from minigan.metrics.evaluation import latest_metrics

    state = load_checkpoint(run_dir)
    files = {}
    for path in sorted(run_dir.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            name = path.relative_to(run_dir).as_posix()
            if name.startswith("samples/"):
                name = "samples/epoch_NNN.png"  # one line for every grid
            files[name] = max(files.get(name, 0), path.stat().st_size)
    figures = read_figures()
    figures["first_run"] = {"epochs": int(state["epoch"]), "steps": int(state["global_step"]),
                            "seconds": float(state["elapsed"]), "files": files,
                            "metrics": latest_metrics(run_dir / "metrics.json", 10_000,
                                                      "best" if (run_dir / "best.npz").exists() else "average")}
    figures["real"] = latest_metrics(real_metrics, 10_000, "real")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "write"))
    parser.add_argument("run_dir", nargs="?", type=Path, help="record: a 3-epoch run, evaluated at n = 10,000")
    parser.add_argument("--real-metrics", type=Path, help="record: python -m minigan.evaluate --real --out FILE")
    args = parser.parse_args(argv)
    from minigan.paths import atomic_write_bytes

    if args.action == "record":
        if args.run_dir is None or args.real_metrics is None:
            parser.error("record needs RUN_DIR and --real-metrics")
        figures = record(args.run_dir, args.real_metrics)
        atomic_write_bytes(FIGURES, (json.dumps(figures, indent=2, sort_keys=True) + "\n").encode())
        print(f"wrote {FIGURES}")
        return 0
    figures = read_figures()
    text = (REPO / "README.md").read_text()
    for name in BLOCKS:
        text = replace_block(text, name, render(name, figures))
    atomic_write_bytes(REPO / "README.md", text.encode())
    print("wrote the generated blocks of README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
