"""Seconds per forward+backward of the recurrent layers over long sequences: minigan vs PyTorch.

Each case builds its graph and runs ``backward()`` on the sum of its output:

* ``LSTM in->51``: ``nn.LSTM(in, 51)`` over input (L, N, in), float32; ``GRU 51->51`` likewise;
* ``cells (tsp)``: PyTorch's example time_sequence_prediction, ``nn.LSTMCell(1, 51)`` and
  ``nn.LSTMCell(51, 51)`` stepped by hand over the columns of an (N, L) input, then ``nn.Linear(51, 1)``
  on each step and ``cat``; float32 at the table's shapes, and float64 at the example's own
  (N = 97, L = 999: one evaluation of its LBFGS closure, of which a step makes up to 20).

A layer's backward used to cost O(L^2) (each step's slice of the projected input scattered its
gradient into a zero array of the whole sequence); ``ops.unbind`` made it O(L) (minigan/ops/parts.py).
The ``ms/step`` column is the time over L: flat in L when the cost is linear (with the composite
steps it still rose a little, 0.36 to 0.48 ms from L = 300 to 3000 at N = 3: Python's cyclic garbage
collector scans the growing graph; with ``gc.disable()`` it stayed at 0.36 ms). A layer's LSTM or GRU
step is now one op with the recurrent linear inside (LSTMStep, GRUStep: minigan/ops/recurrent_cells.py),
where it was about 15 ops, then four; ``--unfused`` times the composite again (inside
``minigan.fusion(False)``). The cells (``nn.LSTMCell``) keep two gate ops per step. On a loaded
machine the wall times swing; docs/bench-results.md compares the trees by each process's CPU time.

Run with one thread for minigan's kernels and BLAS, as the numbers in its commit were taken:

    OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python bench/recurrent.py [--json] [--repeats 3]
        [--lengths 100 300 1000] [--batch 3 64] [--no-tsp] [--unfused]

PyTorch, when importable, runs the same cases with ``torch.set_num_threads(1)``; candidates are
timed interleaved (bench/_common.py), median of the repeats, and the ratio is paired.
"""
from __future__ import annotations

import argparse
from typing import Any, Callable

import numpy as np
from _common import add_torch_report, machine_report, paired_ratio, print_results, time_interleaved

import minigan as mg

try:
    import torch
except ImportError:  # torch is an optional comparison, never a dependency
    torch = None

HIDDEN = 51


def layer_run(lib: Any, inputs: int, length: int, batch: int, kind: str = "LSTM") -> Callable[[], None]:
    """``lib.nn.LSTM(inputs, 51)`` (or GRU) over (L, N, inputs), forward and backward; lib is minigan
    or torch, whose names are the same."""
    layer = getattr(lib.nn, kind)(inputs, HIDDEN)
    x = lib.from_numpy(np.random.default_rng(1).standard_normal((length, batch, inputs)).astype(np.float32))

    def run() -> None:
        layer.zero_grad()
        output, _ = layer(x)
        output.sum().backward()
    return run


def cells_run(lib: Any, length: int, batch: int, dtype: Any) -> Callable[[], None]:
    """time_sequence_prediction's model over (N, L), forward and backward, in lib (minigan or torch)."""
    modules = [lib.nn.LSTMCell(1, HIDDEN), lib.nn.LSTMCell(HIDDEN, HIDDEN), lib.nn.Linear(HIDDEN, 1)]
    if dtype == np.float64:
        modules = [m.double() for m in modules]
    first, second, linear = modules
    x = lib.from_numpy(np.random.default_rng(1).standard_normal((batch, length)).astype(dtype))

    def run() -> None:
        for module in modules:
            module.zero_grad()
        h = c = h2 = c2 = lib.zeros(batch, HIDDEN, dtype=x.dtype)
        outputs = []
        for x_t in x.split(1, dim=1):
            h, c = first(x_t, (h, c))
            h2, c2 = second(h, (h2, c2))
            outputs.append(linear(h2))
        lib.cat(outputs, dim=1).sum().backward()
    return run


def cases(lengths: list[int], batches: list[int], tsp: bool) -> list[tuple[str, int, int, Callable, Callable | None]]:
    """(name, L, N, minigan's run, PyTorch's run or None)."""
    libraries = [mg] if torch is None else [mg, torch]
    found = []
    for length in lengths:
        for batch in batches:
            for inputs in (1, HIDDEN):
                found.append((f"LSTM {inputs}->{HIDDEN}", length, batch,
                              *[layer_run(lib, inputs, length, batch) for lib in libraries]))
            found.append((f"GRU {HIDDEN}->{HIDDEN}", length, batch,
                          *[layer_run(lib, HIDDEN, length, batch, "GRU") for lib in libraries]))
            found.append(("cells (tsp)", length, batch, *[cells_run(lib, length, batch, np.float32) for lib in libraries]))
    if tsp:
        found.append(("cells (tsp) float64", 999, 97, *[cells_run(lib, 999, 97, np.float64) for lib in libraries]))
    return [case if len(case) == 5 else case + (None,) for case in found]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--repeats", type=int, default=3, help="timed samples per case (median reported)")
    parser.add_argument("--lengths", type=int, nargs="+", default=[100, 300, 1000], help="sequence lengths L")
    parser.add_argument("--batch", type=int, nargs="+", default=[3, 64], help="batch sizes N")
    parser.add_argument("--no-tsp", action="store_true", help="leave out time_sequence_prediction's own shape")
    parser.add_argument("--unfused", action="store_true",
                        help="minigan's steps as the composite of sigmoid, tanh, slices and products")
    args = parser.parse_args(argv)
    if torch is not None:
        torch.set_num_threads(1)
    report = machine_report()
    report["minigan_fusion"] = not args.unfused
    add_torch_report(report, torch)
    rows = []
    for name, length, batch, ours, theirs in cases(args.lengths, args.batch, not args.no_tsp):
        candidates = {"minigan": ours} if theirs is None else {"minigan": ours, "torch": theirs}
        with mg.fusion(not args.unfused):
            timings = time_interleaved(candidates, repeats=args.repeats, target_s=0.0)
        row = {"case": name, "L": length, "N": batch, "minigan_s": timings["minigan"].median,
               "ms/step": 1000.0 * timings["minigan"].median / length}
        if theirs is not None:
            row["torch_s"] = timings["torch"].median
            row["minigan/torch"] = paired_ratio(timings, "minigan", "torch")
        rows.append(row)
    columns = ["case", "L", "N", "minigan_s", "ms/step"] + (["torch_s", "minigan/torch"] if torch is not None else [])
    print_results(report, rows, columns, args.json)


if __name__ == "__main__":
    main()
