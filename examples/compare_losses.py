"""Compare the GAN objectives on MNIST with the same architecture, epochs, data and seed.

    python examples/compare_losses.py --out compare_out            # the full comparison
    python examples/compare_losses.py --quick --out compare_quick  # < 10 minutes on 2 cores

Each objective (bce, minimax, wgan, wgan-gp, lsgan, hinge) is trained with
``minigan.gan.Trainer`` (each with the settings its objective recommends, e.g. RMSprop + clipping
for WGAN), then evaluated with the one FID protocol of ``minigan.evaluate`` (minigan/metrics/protocol.py):
10,000 samples against the shipped classifier's statistics of the test set, the real-vs-real
floor at the same n beside it, so its FIDs compare with any other evaluation at n = 10,000.
Runs keep no checkpoint (only generator.npz). Written into ``--out``:

* ``runs/<objective>/``: each run directory (generator, history, samples, metrics.json);
* ``results.md``: a Markdown table (FID and its ratio to the floor, IS, classes covered,
  KL to uniform, Parzen LL, training seconds);
* ``results.json``: the same numbers;
* ``compare.png``: the sample grids side by side above a bar chart of FID per objective.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

OBJECTIVE_NAMES = ("bce", "minimax", "wgan", "wgan-gp", "lsgan", "hinge")
# --quick: the default net, one epoch over a 12,800-image subset (200 steps of 64), evaluated
# at the protocol's n like the full comparison; sized so that all six runs finish inside 10 minutes on 2 cores. (The 3-layer
# tutorial GAN was tried first: after 200-500 steps its D wins outright and every objective gives
# one blob, so the table said nothing.)
QUICK = {"arch": "default", "epochs": 1, "train_images": 12_800}
FULL = {"arch": "default", "epochs": 10, "train_images": None}


def train_one(loss: str, run_dir: Path, arch: str, epochs: int, seed: int, images: np.ndarray) -> dict[str, Any]:
    """Train one objective into ``run_dir``; returns {"seconds", "diverged"}."""
    from minigan.gan import Trainer, TrainConfig, TrainingDiverged

    config = TrainConfig(arch=arch, loss=loss, epochs=epochs, seed=seed, log_every=10**9, checkpoint_every=0)
    started = time.perf_counter()
    trainer = Trainer.create(config, run_dir, images, verbose=False, stream=io.StringIO())
    try:
        trainer.fit()
        diverged = None
    except TrainingDiverged as error:  # a diverged objective is a result, not a crash
        diverged = str(error).splitlines()[0]
    return {"seconds": time.perf_counter() - started, "diverged": diverged}


def markdown_table(rows: list[dict[str, Any]], floor: float, header_note: str) -> str:
    """The comparison as a Markdown table, one row per objective."""
    lines = [header_note, "",
             "| objective | FID | FID / real-vs-real floor (same n) | IS | classes >= 5% | KL to uniform | Parzen LL | train s |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        m = row.get("metrics")
        if m is None:
            lines.append(f"| {row['loss']} | diverged | | | | | | {row['seconds']:.0f} |")
            continue
        parzen = m["parzen"]
        parzen_text = f"{parzen['mean']:.1f} ± {parzen['stderr']:.1f}" if parzen else "-"
        lines.append(
            f"| {row['loss']} | {m['fid']:.2f} | {m['fid_ratio_to_floor']:.1f}x | "
            f"{m['inception_score']['mean']:.2f} ± {m['inception_score']['std']:.2f} | "
            f"{m['mode_coverage']['num_covered']}/10 | {m['mode_coverage']['kl_to_uniform']:.3f} | "
            f"{parzen_text} | {row['seconds']:.0f} |")
    lines += ["", f"Real-vs-real FID floor (train vs test, same n): {floor:.3f}."]
    return "\n".join(lines) + "\n"


def save_figure(rows: list[dict[str, Any]], floor: float, path: Path) -> None:
    """Sample grids side by side (top) and FID per objective on a log axis (bottom)."""
    from matplotlib.figure import Figure

    from minigan.viz import write_figure, image_grid

    count = len(rows)
    figure = Figure(figsize=(2.2 * count, 5.2))
    grid_spec = figure.add_gridspec(2, count, height_ratios=(2.2, 1.3), hspace=0.35)
    for k, row in enumerate(rows):
        axes = figure.add_subplot(grid_spec[0, k])
        if row.get("grid") is not None:
            axes.imshow(image_grid(row["grid"], nrow=6), cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
        axes.set_title(row["loss"], fontsize=10)
        axes.set_axis_off()
    bars = figure.add_subplot(grid_spec[1, :])
    names = [row["loss"] for row in rows]
    fids = [row["metrics"]["fid"] if row.get("metrics") else np.nan for row in rows]
    bars.bar(names, fids, color="tab:blue")
    bars.axhline(floor, color="tab:red", linestyle="--", label=f"real floor {floor:.2f}")
    bars.set_yscale("log")
    bars.set_ylabel("FID (classifier features)")
    bars.legend(fontsize=8)
    write_figure(figure, path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="compare_losses_out", help="output directory (default: compare_losses_out)")
    parser.add_argument("--quick", action="store_true", help="small net, 1 epoch on a subset: under 10 minutes")
    parser.add_argument("--arch", default=None, help="architecture (default: 'default')")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per objective (default: 10, 1 with --quick)")
    parser.add_argument("--n-eval", type=int, default=None,
                        help="samples evaluated per objective (default: 10000, the protocol's; at least 2000)")
    parser.add_argument("--seed", type=int, default=0, help="seed shared by every run (default: 0)")
    parser.add_argument("--losses", default=",".join(OBJECTIVE_NAMES), help="comma-separated objectives")
    args = parser.parse_args(argv)

    from minigan.data import load_mnist
    from minigan.metrics.evaluation import evaluate_images, prepare_reference, samples_from_run, write_metrics
    from minigan.metrics.protocol import MIN_N, PROTOCOL_N

    plan = dict(QUICK if args.quick else FULL)
    arch = args.arch or plan["arch"]
    epochs = args.epochs or plan["epochs"]
    n_eval = args.n_eval or PROTOCOL_N
    if n_eval < MIN_N:
        parser.error(f"--n-eval must be at least {MIN_N} (FID is biased below it; the protocol's n is {PROTOCOL_N})")
    losses = [name.strip() for name in args.losses.split(",") if name.strip()]
    out = Path(args.out)
    (out / "runs").mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    data = load_mnist(verbose=False)
    # The same images in the same order for every objective: a fixed, seeded subset in --quick.
    images = data.train_images
    if plan["train_images"] is not None:
        pick = np.sort(np.random.default_rng(args.seed).permutation(images.shape[0])[:plan["train_images"]])
        images = images[pick]
    reference = prepare_reference(n_eval, args.seed, data=data)
    print(f"reference ready: real FID floor {reference.floor_fid:.3f} (n={n_eval}); "
          f"yardstick {reference.yardstick.name}, test accuracy {100 * reference.classifier.test_accuracy:.2f}%",
          flush=True)

    rows: list[dict[str, Any]] = []
    for loss in losses:
        run_dir = out / "runs" / loss
        result = train_one(loss, run_dir, arch, epochs, args.seed, images)
        row: dict[str, Any] = {"loss": loss, "seconds": result["seconds"], "diverged": result["diverged"],
                               "metrics": None, "grid": None}
        if result["diverged"] is None:
            samples = samples_from_run(run_dir, n_eval, args.seed)
            metrics = evaluate_images(samples, reference)
            write_metrics(metrics, run_dir / "metrics.json")
            row["metrics"], row["grid"] = metrics, samples[:36]
            print(f"{loss:8s} trained in {result['seconds']:.0f} s: FID {metrics['fid']:.2f} "
                  f"({metrics['fid_ratio_to_floor']:.1f}x the real floor at n={n_eval}), IS {metrics['inception_score']['mean']:.2f}, "
                  f"{metrics['mode_coverage']['num_covered']}/10 classes", flush=True)
        else:
            print(f"{loss:8s} diverged: {result['diverged']}", flush=True)
        rows.append(row)

    note = (f"{'Quick' if args.quick else 'Full'} comparison: arch `{arch}`, {epochs} epoch(s) on "
            f"{images.shape[0]} training images, seed {args.seed}, each objective with its recommended "
            f"optimizer settings; metrics on {n_eval} samples.")
    table = markdown_table(rows, reference.floor_fid, note)
    (out / "results.md").write_text(table)
    (out / "results.json").write_text(json.dumps(
        {"arch": arch, "epochs": epochs, "seed": args.seed, "n_eval": n_eval, "fid_floor": reference.floor_fid,
         "yardstick": reference.yardstick.describe(),
         "runs": [{k: v for k, v in row.items() if k != "grid"} for row in rows]}, indent=2) + "\n")
    save_figure(rows, reference.floor_fid, out / "compare.png")
    print(table)
    print(f"wrote {out / 'results.md'}, {out / 'results.json'} and {out / 'compare.png'} "
          f"in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
