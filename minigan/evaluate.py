"""``python -m minigan.evaluate RUN_DIR`` (or ``--samples file.npy`` or ``--real``): sample quality.

Prints, for n generated images (default 10,000) in [0, 1]:

* FID in the features of the classifier that ships with minigan (n samples vs the fixed
  statistics of the 10k test images), then its ratio to the real-vs-real floor at the same n
  (n training images vs the same test images); below 2,000 samples only with ``--allow-small-n``,
  which also says how biased FID is at that n;
* Inception Score with the classifier's softmax (10 splits, mean +- std);
* mode coverage: classes with >= 5% of the samples, KL(histogram || uniform), the histogram;
* the Parzen-window log-likelihood of Goodfellow et al. 2014: sigma chosen from
  logspace(-1, 0, 10) on the first 1,000 validation images, mean +- stderr over the 10k test
  images.

and adds them to ``metrics.json`` in the run directory (``<stem>.metrics.json`` beside a samples
file or generator file; ``--out`` to choose), filed under n and the weights evaluated; earlier
evaluations stay. RUN_DIR may also be a ``.safetensors`` generator written by
``python -m minigan.export``, or a plain state_dict file with ``--arch``. ``--real`` evaluates n
training images (disjoint from the ones behind the floor) as the ceiling. Bad input: one line on
stderr, exit status 2.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from minigan.backends import check_device
from minigan.cli import (
    OneLineParser, add_generator_choice, UsageError, int_at_least, non_negative_int, require_memory, run_program,
)
from minigan.data import DataError
from minigan.gan.models import ARCHITECTURES
from minigan.gan.sampling import resolve_which
from minigan.metrics.evaluation import (
    DEFAULT_N, METRICS_NAME, EvaluationError, Reference, check_samples, evaluate_images, format_table, load_samples,
    prepare_reference, samples_from_run, write_metrics,
)
from minigan.metrics.protocol import MIN_N, SmallSampleError, check_n, small_n_bias

__all__ = [
    "main", "EvaluationError", "Reference", "prepare_reference", "evaluate_images", "format_table",
    "load_samples", "samples_from_run", "check_samples", "write_metrics",
]

PROG = "python -m minigan.evaluate"


# ---------------------------------------------------------------------- CLI
def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Measure the sample quality of a generator (FID, IS, mode "
                     "coverage, Parzen log-likelihood) with minigan's own MNIST classifier.")
    parser.add_argument("run_dir", nargs="?", metavar="RUN_DIR", help="a run directory written by python -m minigan.train, or a .safetensors "
                        "generator written by python -m minigan.export")
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default=None,
                        help="the network of a plain state_dict file given as RUN_DIR (a .safetensors file written "
                             "by python -m minigan.export names its own)")
    parser.add_argument("--samples", metavar="FILE.npy", help="evaluate images in [0, 1] of shape (N, 784) or (N, 28, 28)")
    parser.add_argument("--real", action="store_true", help="evaluate real training images (the ceiling)")
    parser.add_argument("--n", type=int_at_least(2), default=DEFAULT_N,
                        help=f"samples to draw from the generator, and real images behind the floor (default: {DEFAULT_N}; "
                             f"FIDs compare only at the same n)")
    parser.add_argument("--allow-small-n", action="store_true",
                        help=f"score fewer than {MIN_N:,} samples, where FID is biased upwards (the bias is printed)")
    add_generator_choice(parser, "evaluate")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="seed of the noise and of the real subsets (default: 0)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="where to run the generator of RUN_DIR: cpu, or cuda for an NVIDIA GPU through CuPy "
                             "(the metrics run on the CPU; default: cpu)")
    parser.add_argument("--train-classifier", action="store_true",
                        help="score with a classifier trained on this machine instead of the one shipped with minigan "
                             "(another yardstick: its FIDs compare only with its own)")
    parser.add_argument("--cached-classifier", action="store_true",
                        help="score with the classifier trained on this machine earlier (trained now if there is none)")
    parser.add_argument("--no-parzen", action="store_true", help="skip the (slowest) Parzen-window estimate")
    parser.add_argument("--out", metavar="FILE.json", help="where to write the metrics (default: RUN_DIR/metrics.json, "
                        "FILE.metrics.json beside --samples, none for --real)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0, or 2 for bad input with one line on stderr)."""
    return run_program(PROG, build_parser(), _run, argv, expected=(EvaluationError, SmallSampleError))


def _run(args: argparse.Namespace) -> int:
    sources = [args.run_dir is not None, args.samples is not None, args.real]
    if sum(sources) != 1:
        raise UsageError("give exactly one of RUN_DIR, --samples FILE.npy or --real")
    if args.arch is not None and args.run_dir is None:
        raise UsageError("--arch names the network of a state_dict file given as RUN_DIR; give RUN_DIR")
    out: Path | None = Path(args.out) if args.out else None
    # Check every input before the (slow) classifier and data are touched.
    samples: np.ndarray | None = None
    if args.weights != "average" and args.run_dir is None:
        raise UsageError("--weights applies to a RUN_DIR only")
    if args.which is not None and args.run_dir is None:
        raise UsageError("--which applies to a RUN_DIR only")
    label = args.weights
    if args.samples is None:
        check_n(args.n, args.allow_small_n)
    if args.samples is not None:
        samples = load_samples(args.samples)
        check_n(samples.shape[0], args.allow_small_n)
        if out is None:
            out = Path(args.samples).with_suffix(".metrics.json")
        source = f"samples {args.samples}"
    elif args.run_dir is not None:
        # the samples, their features and Parzen's float64 blocks: a few copies of n images
        require_memory(4 * args.n * 784 * 4, f"--n {args.n}")
        try:
            which = resolve_which(args.run_dir, args.weights, args.which)
        except ValueError as error:
            raise EvaluationError(str(error)) from None
        label = "best" if which == "best" else args.weights  # metrics.json files best apart from the last average
        samples = samples_from_run(args.run_dir, args.n, args.seed, device=check_device(args.device, UsageError),
                                   weights=args.weights, which=which, arch=args.arch)
        run = Path(args.run_dir)
        if out is None:  # beside a generator file (an exported .safetensors), in a run directory
            out = run / METRICS_NAME if run.is_dir() else run.with_suffix(".metrics.json")
        if run.is_file() and args.arch is None and run.suffix == ".safetensors":
            source = f"run {args.run_dir}"
        else:
            source = f"run {args.run_dir} ({'best generator, best.npz' if label == 'best' else f'{args.weights} weights'})"
    else:
        source = "real training images"
    if out is not None and not out.resolve().parent.is_dir():
        raise EvaluationError(f"the directory of {out} does not exist")

    started = time.perf_counter()
    try:
        n = samples.shape[0] if samples is not None else args.n
        reference = prepare_reference(n, args.seed, retrain=args.train_classifier,
                                      cached_classifier=args.cached_classifier)
    except DataError as error:
        raise EvaluationError(str(error)) from None
    if samples is None:
        samples = reference.real_samples()
    if n < MIN_N:
        print(f"warning: {small_n_bias(reference.yardstick, n, reference.data)}", file=sys.stderr)
    metrics = evaluate_images(samples, reference, parzen=not args.no_parzen)
    metrics["source"] = source
    metrics["seed"] = args.seed
    metrics["seconds"] = time.perf_counter() - started
    print(format_table(metrics, title=f"{PROG}: {source}"))
    print(f"evaluated in {metrics['seconds']:.1f} s")
    if out is not None:
        try:
            write_metrics(metrics, out, weights=label if args.run_dir is not None else ("real" if args.real else "given"))
        except OSError as error:
            raise EvaluationError(f"cannot write {out}: {error}") from None
        print(f"added to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
