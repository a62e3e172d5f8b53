"""Seconds from launching ``python -m minigan.train`` to its first training step.

Each repeat starts the default run in a fresh interpreter with ``--log-every 1`` and a new
temporary run directory, and stops it once the line of step 1 appears. The time counts
everything a user waits for: the interpreter, the imports, loading MNIST (from the cache after
the first repeat), building the networks, compiling or loading the Numba kernels, and the step.
The first repeat warms the caches; the others show the warm start.

    python bench/first_step.py --repeats 5
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import format_report, machine_report

ROOT = Path(__file__).resolve().parent.parent
FIRST_STEP = "Step [1/"


def seconds_to_first_step(extra_args: list[str]) -> float:
    """Launch the trainer, return the seconds until it prints step 1, then stop it."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "minigan.train", "--log-every", "1", "--epochs", "1",
                   "--out", str(Path(tmp) / "run"), *extra_args]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        seen = []
        try:
            for line in process.stdout:
                seen.append(line)
                if FIRST_STEP in line:
                    return time.perf_counter() - started
        finally:
            process.kill()
            process.wait()
        raise RuntimeError("the trainer ended before its first step:\n" + "".join(seen[-20:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="launches; the first warms the caches")
    parser.add_argument("train_args", nargs=argparse.REMAINDER,
                        help="more options for python -m minigan.train, after --")
    args = parser.parse_args()
    if args.repeats < 2:
        parser.error("--repeats must be at least 2 (the first one warms the caches)")
    extra = [a for a in args.train_args if a != "--"]
    print(format_report(machine_report()))
    times = [seconds_to_first_step(extra) for _ in range(args.repeats)]
    print(f"first launch (caches warmed): {times[0]:.2f} s")
    print(f"warm launches: median {statistics.median(times[1:]):.2f} s, best {min(times[1:]):.2f} s, "
          f"all {', '.join(f'{t:.2f}' for t in times[1:])}")


if __name__ == "__main__":
    main()
