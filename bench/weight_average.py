"""What one update of the weight average of G costs: the default net's generator (1.5M weights).

    OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python bench/weight_average.py [--repeats 11]

Times ``ExponentialMovingAverage.update`` (minigan/optim/ema.py) with the Numba kernels and
with the NumPy reference, each beside the same step over G's parameters written as three
whole-array NumPy operations with one scratch array (the form the average used before it had a
kernel), interleaved, milliseconds per update (median of the repeats). ``update`` also averages
the batch norms' running statistics, a few thousand values more.
"""
from __future__ import annotations

import argparse

import numpy as np

import _common
from minigan import backends, optim
from minigan.gan.models import build_generator


def _three_operations(averaged: list[np.ndarray], current: list[np.ndarray], weight: float) -> None:
    for average, value in zip(averaged, current):
        scratch = value - average
        scratch *= weight
        average += scratch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11, help="timed samples per candidate (>= 5)")
    args = parser.parse_args()
    generator, _ = build_generator("default", 100, np.random.default_rng(0))
    average = optim.ExponentialMovingAverage(generator, decay=0.9998)
    average.num_updates = 100_000  # past the warm-up: the decay itself
    weight = 1.0 - average.current_decay()
    averaged = [p.array for p in average.module.parameters()]
    current = [p.array for p in generator.parameters()]

    timings = {}
    for kernels in ("numba", "numpy"):  # the kernel switch is per process: one block each
        with backends.use_cpu_kernels(kernels):
            candidates = {f"{kernels} kernels": lambda: average.update(generator),
                          f"three operations ({kernels} run)": lambda: _three_operations(averaged, current, weight)}
            timings.update(_common.time_interleaved(candidates, repeats=args.repeats, target_s=0.01))
    print(_common.format_report(_common.machine_report()))
    print(f"# weights: {sum(a.size for a in averaged):,} float32")
    for name, timing in timings.items():
        print(f"{name:>32}: {timing.median * 1e3:.3f} ms per update")


if __name__ == "__main__":
    main()
