"""Milliseconds per convolution-family op, forward plus backward, at the DCGAN's shapes: minigan vs PyTorch CPU.

Each row is one layer of the dcgan and cnn-d architectures (minigan/gan/models.py) at batch
64: the op's forward, then backward with a random upstream gradient into the input and the
weight (as in training). PyTorch, when importable, runs the same op on the same data with
the same thread count (OPENBLAS_NUM_THREADS when set, else every core). Candidates are timed
interleaved (bench/_common.py), median of the repeats; the ratio is paired.

    OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python bench/conv.py [--batch 64] [--repeats 7] [--json]
"""
from __future__ import annotations

import argparse
from typing import Any, Callable

import numpy as np
from _common import (add_torch_report, machine_report, paired_ratio, parse_timing_arguments, print_results,
                     time_interleaved, warm_up)

import minigan as mg
from minigan import nn
from minigan.nn import functional as F

try:
    import torch
    import torch.nn.functional as TF
except ImportError:  # torch is an optional comparison, never a dependency
    torch = None

# name -> (op, input shape (C, H, W), weight shape or None, keyword arguments)
CASES: dict[str, tuple[str, tuple[int, ...], tuple[int, ...] | None, dict[str, Any]]] = {
    "dcgan D conv 1->64 4x4 s2": ("conv2d", (1, 28, 28), (64, 1, 4, 4), {"stride": 2, "padding": 1}),
    "dcgan D conv 64->128 4x4 s2": ("conv2d", (64, 14, 14), (128, 64, 4, 4), {"stride": 2, "padding": 1}),
    "dcgan G convT 128->64 4x4 s2": ("conv_transpose2d", (128, 7, 7), (128, 64, 4, 4), {"stride": 2, "padding": 1}),
    "dcgan G convT 64->1 4x4 s2": ("conv_transpose2d", (64, 14, 14), (64, 1, 4, 4), {"stride": 2, "padding": 1}),
    "cnn-d conv 1->64 3x3 s2": ("conv2d", (1, 28, 28), (64, 1, 3, 3), {"stride": 2, "padding": 1}),
    "cnn-d conv 64->128 3x3 s2": ("conv2d", (64, 14, 14), (128, 64, 3, 3), {"stride": 2, "padding": 1}),
    "batchnorm2d 128x7x7": ("batch_norm", (128, 7, 7), None, {}),
    "batchnorm2d 64x14x14": ("batch_norm", (64, 14, 14), None, {}),
    "max_pool2d 2x2 64x14x14": ("max_pool2d", (64, 14, 14), None, {"kernel_size": 2}),
    "avg_pool2d 2x2 64x14x14": ("avg_pool2d", (64, 14, 14), None, {"kernel_size": 2}),
    "upsample x2 64x7x7": ("upsample", (64, 7, 7), None, {"scale_factor": 2}),
}


def _minigan_op(op: str, weight: Any, kwargs: dict[str, Any]) -> Callable[[Any], Any]:
    if op == "batch_norm":
        layer = nn.BatchNorm2d(weight)
        return layer
    if op == "upsample":
        return lambda x: F.upsample_nearest(x, **kwargs)
    if op in ("max_pool2d", "avg_pool2d"):
        return lambda x: getattr(F, op)(x, **kwargs)
    return lambda x: getattr(F, op)(x, weight, **kwargs)


def _torch_op(op: str, weight: Any, kwargs: dict[str, Any]) -> Callable[[Any], Any]:
    if op == "batch_norm":
        return torch.nn.BatchNorm2d(weight)
    if op == "upsample":
        return lambda x: TF.interpolate(x, mode="nearest", **kwargs)
    if op in ("max_pool2d", "avg_pool2d"):
        return lambda x: getattr(TF, op)(x, **kwargs)
    return lambda x: getattr(TF, op)(x, weight, **kwargs)


def candidates(name: str, batch: int, seed: int = 0) -> dict[str, Callable[[], None]]:
    op, in_shape, w_shape, kwargs = CASES[name]
    rng = np.random.default_rng(seed)
    x_data = rng.standard_normal((batch,) + in_shape, dtype=np.float32)
    w_data = rng.standard_normal(w_shape, dtype=np.float32) * 0.1 if w_shape else None
    weight = in_shape[0] if op == "batch_norm" else (mg.tensor(w_data, requires_grad=True) if w_data is not None else None)
    x = mg.tensor(x_data, requires_grad=True)
    fn = _minigan_op(op, weight, kwargs)
    upstream = mg.tensor(rng.standard_normal(fn(x).shape, dtype=np.float32))

    def minigan_step() -> None:
        x.grad = None
        fn(x).backward(upstream)

    found = {"minigan": minigan_step}
    if torch is not None:
        tx = torch.tensor(x_data, requires_grad=True)
        tw = in_shape[0] if op == "batch_norm" else (torch.tensor(w_data, requires_grad=True) if w_data is not None else None)
        tfn = _torch_op(op, tw, kwargs)
        tup = torch.tensor(upstream.numpy())

        def torch_step() -> None:
            tx.grad = None
            tfn(tx).backward(tup)

        found["torch"] = torch_step
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    args = parse_timing_arguments(parser)
    warm_up(torch)
    rows = []
    for name in CASES:
        timings = time_interleaved(candidates(name, args.batch), repeats=args.repeats, target_s=0.1)
        row: dict[str, Any] = {"op (forward + backward)": name, "minigan_ms": timings["minigan"].median * 1e3}
        if torch is not None:
            row["torch_ms"] = timings["torch"].median * 1e3
            row["minigan/torch"] = paired_ratio(timings, "minigan", "torch")
        rows.append(row)
    report = machine_report()
    report["batch"] = args.batch
    add_torch_report(report, torch)
    print_results(report, rows, ["op (forward + backward)", "minigan_ms"] +
                  (["torch_ms", "minigan/torch"] if torch is not None else []), args.json)


if __name__ == "__main__":
    main()
