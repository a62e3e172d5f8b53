"""Milliseconds per 3-d convolution, forward and forward + backward: minigan vs PyTorch CPU.

Two shapes, float32, kernel 3, padding 1: the docs' (N=2, 8->16 channels, 16^3) and a larger
one (N=4, 16->32, 32^3), for F.conv3d and F.conv_transpose3d; the backward takes a random
upstream gradient into the input, the weight and the bias. PyTorch, when importable, runs the
same op on the same data with the same thread count (OPENBLAS_NUM_THREADS when set, else every
core). Candidates are timed interleaved (bench/_common.py), median of the repeats; the ratio is
paired.

    OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python bench/conv3d.py [--repeats 7] [--json]
"""
from __future__ import annotations

import argparse
from typing import Any, Callable

import numpy as np
from _common import (add_torch_report, machine_report, paired_ratio, parse_timing_arguments, print_results,
                     time_interleaved, warm_up)

import minigan as mg
import minigan.nn.functional as F

try:
    import torch
    import torch.nn.functional as TF
except ImportError:  # torch is an optional comparison, never a dependency
    torch = None

# name -> (op, input shape (N, C, D, H, W), weight shape)
CASES: dict[str, tuple[str, tuple[int, ...], tuple[int, ...]]] = {
    "conv3d 2x8x16^3 -> 16": ("conv3d", (2, 8, 16, 16, 16), (16, 8, 3, 3, 3)),
    "conv3d 4x16x32^3 -> 32": ("conv3d", (4, 16, 32, 32, 32), (32, 16, 3, 3, 3)),
    "conv_transpose3d 2x16x16^3 -> 8": ("conv_transpose3d", (2, 16, 16, 16, 16), (16, 8, 3, 3, 3)),
}


def candidates(name: str, backward: bool, seed: int = 0) -> dict[str, Callable[[], None]]:
    op, x_shape, w_shape = CASES[name]
    rng = np.random.default_rng(seed)
    data = [rng.standard_normal(x_shape, dtype=np.float32), rng.standard_normal(w_shape, dtype=np.float32) * 0.1,
            rng.standard_normal(w_shape[1] if op == "conv_transpose3d" else w_shape[0], dtype=np.float32)]
    x, w, b = (mg.tensor(a, requires_grad=True) for a in data)
    fn = getattr(F, op)
    upstream = mg.tensor(rng.standard_normal(fn(x, w, b, padding=1).shape, dtype=np.float32))

    def minigan_step() -> None:
        x.grad = w.grad = b.grad = None
        y = fn(x, w, b, padding=1)
        if backward:
            y.backward(upstream)

    found = {"minigan": minigan_step}
    if torch is not None:
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in data)
        tfn, tup = getattr(TF, op), torch.tensor(upstream.numpy())

        def torch_step() -> None:
            tx.grad = tw.grad = tb.grad = None
            y = tfn(tx, tw, tb, padding=1)
            if backward:
                y.backward(tup)

        found["torch"] = torch_step
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args = parse_timing_arguments(parser)
    warm_up(torch)
    rows = []
    for name in CASES:
        for backward in (False, True):
            timings = time_interleaved(candidates(name, backward), repeats=args.repeats, target_s=0.1)
            row: dict[str, Any] = {"op": name + (" forward + backward" if backward else " forward"),
                                   "minigan_ms": timings["minigan"].median * 1e3}
            if torch is not None:
                row["torch_ms"] = timings["torch"].median * 1e3
                row["minigan/torch"] = paired_ratio(timings, "minigan", "torch")
            rows.append(row)
    report = machine_report()
    add_torch_report(report, torch)
    print_results(report, rows, ["op", "minigan_ms"] + (["torch_ms", "minigan/torch"] if torch is not None else []),
                  args.json)


if __name__ == "__main__":
    main()
