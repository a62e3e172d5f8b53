"""Kernel benchmark: the Numba backend's kernels vs the NumPy reference backend (and vs BLAS for matmul).

Run ``python bench/kernels.py`` (add ``--json`` for machine-readable output). For every kernel
and GAN shape it prints the median ms per call of each candidate and their ratio, all timed
interleaved in one run (see bench/_common.py). For matmul it times both kernels that
``backends.use_matmul`` selects between ("blas", the default, and "numba"), as the Numba
backend runs them, and prints which is faster here.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from _common import (  # noqa: E402
    format_report,
    format_table,
    machine_report,
    paired_ratio,
    time_interleaved,
)
from minigan import backends, formulas  # noqa: E402
from minigan.backends import numba as cpu  # noqa: E402
from minigan.backends.numba import build, dense  # noqa: E402
from minigan.backends.numpy import backend as reference  # noqa: E402

ACTIVATIONS = tuple(formulas.ACTIVATIONS)


def _adam(backend, p, g, m, v, step, lr, beta1, beta2, eps, weight_decay=0.0, decoupled=False,  # noqa: ANN001, ANN202
          max_exp_avg_sq=None, **extra):
    """One Adam step on one tensor through a backend's group kernel."""
    backend.adam([p], [g], [m], [v], None if max_exp_avg_sq is None else [max_exp_avg_sq],
                 formulas.adam_scalars(step, lr, beta1, beta2, eps, weight_decay, decoupled), **extra)

# (in, out) of the GAN's Linear layers (generator and discriminator of both model sizes).
LAYERS = [
    (100, 128), (128, 256), (256, 512), (512, 1024), (1024, 784), (784, 512), (512, 256),
    (256, 1), (100, 256), (256, 256), (256, 784), (784, 64), (64, 64), (64, 1),
]
BATCHES = (64, 256)
ELEMENTWISE_COLUMNS = ["numpy_ms", "serial_ms", "parallel_ms", "parallel_best_ms", "picks",
                       "speedup"]


def layer_activation(n_out: int) -> str:
    """The activation such a layer has in the GAN: tanh image output, logit head, leaky hidden."""
    if n_out == 784:
        return "tanh"
    if n_out == 1:
        return "none"
    return "leaky_relu"


def _ms(timings: dict, name: str) -> float:
    return timings[name].median * 1e3


def _elementwise_row(t: dict, size: int, **keys: Any) -> dict[str, Any]:
    """numpy vs the serial and parallel Numba builds, and which build the Numba backend picks."""
    picked = "parallel" if build.use_parallel(size, None) else "serial"
    return {**keys, "numpy_ms": _ms(t, "numpy"), "serial_ms": _ms(t, "serial"),
            "parallel_ms": _ms(t, "parallel"), "parallel_best_ms": t["parallel"].best * 1e3,
            "picks": picked, "speedup": 1 / paired_ratio(t, picked, "numpy")}


def bench_matmul(dtype: np.dtype, batches, layers, repeats: int) -> list[dict[str, Any]]:
    rows = []
    rng = np.random.default_rng(0)
    for batch in batches:
        for n_in, n_out in layers:
            x = rng.standard_normal((batch, n_in)).astype(dtype)
            w = rng.standard_normal((n_out, n_in)).astype(dtype)
            gz = rng.standard_normal((batch, n_out)).astype(dtype)
            for product, a, b in (("x@W.T", x, w.T), ("gz@W", gz, w), ("gz.T@x", gz.T, x)):
                # what the backend's matmul runs under use_matmul("blas") and use_matmul("numba")
                candidates = {"blas": lambda a=a, b=b: dense.matmul(a, b, "blas"),
                              "numba": lambda a=a, b=b: dense.matmul(a, b, "numba")}
                t = time_interleaved(candidates, repeats=repeats)
                ratio = paired_ratio(t, "numba", "blas")
                rows.append({
                    "batch": batch, "layer": f"{n_in}x{n_out}", "product": product,
                    "M,K,N": f"{a.shape[0]},{a.shape[1]},{b.shape[1]}",
                    "blas_ms": _ms(t, "blas"), "numba_ms": _ms(t, "numba"),
                    "numba/blas": ratio,
                    "best_ratio": t["numba"].best / t["blas"].best,
                    # within 10% is a tie
                    "faster": "tie" if 1 / 1.1 <= ratio <= 1.1 else ("numba" if ratio < 1 else "blas"),
                })
    return rows


def bench_bias_act(dtype: np.dtype, batches, layers, repeats: int) -> list[dict[str, Any]]:
    rows = []
    rng = np.random.default_rng(1)
    cases = [(b, n_out, layer_activation(n_out)) for b in batches for _, n_out in layers]
    # every activation on one wide layer, so each branch of the kernel is on record
    cases += [(256, 1024, act) for act in ACTIVATIONS]
    seen = set()
    for batch, n_out, act in cases:
        if (batch, n_out, act) in seen:
            continue
        seen.add((batch, n_out, act))
        z = rng.standard_normal((batch, n_out)).astype(dtype)
        bias = rng.standard_normal(n_out).astype(dtype)
        work = z.copy()
        t = time_interleaved({
            "numpy": lambda z=z, bias=bias, act=act: formulas.ACTIVATIONS[act][0](z + bias, 0.01),
            # in place on a scratch copy; repeated application keeps values finite
            "serial": lambda w=work, bias=bias, a=act: cpu.backend.bias_act_(w, bias, a, 0.01, False),
            "parallel": lambda w=work, bias=bias, a=act: cpu.backend.bias_act_(w, bias, a, 0.01, True),
            # the one-pass kernel called directly (for tanh the backend takes another route)
            "fused_1pass": lambda w=work, bias=bias, a=act: dense.bias_act_kernels.build(a, False)(
                w, bias, w.dtype.type(0.01)),
        }, repeats=repeats)
        row = _elementwise_row(t, z.size, batch=batch, width=n_out, activation=act)
        row["1pass_ms"] = _ms(t, "fused_1pass")
        rows.append(row)
    return rows


def bench_act_backward(dtype: np.dtype, batches, layers, repeats: int) -> list[dict[str, Any]]:
    rows = []
    rng = np.random.default_rng(2)
    seen = set()
    for batch in batches:
        for _, n_out in layers:
            act = layer_activation(n_out)
            if (batch, n_out, act) in seen:
                continue
            seen.add((batch, n_out, act))
            y = formulas.ACTIVATIONS[act][0](rng.standard_normal((batch, n_out)).astype(dtype), 0.01)
            gy = rng.standard_normal((batch, n_out)).astype(dtype)
            t = time_interleaved({
                "numpy": lambda gy=gy, y=y, act=act: reference.linear_act_backward(gy, y, act, 0.01),
                "serial": lambda gy=gy, y=y, a=act: cpu.backend.linear_act_backward(gy, y, a, 0.01, False),
                "parallel": lambda gy=gy, y=y, a=act: cpu.backend.linear_act_backward(gy, y, a, 0.01, True),
            }, repeats=repeats)
            rows.append(_elementwise_row(t, y.size, batch=batch, width=n_out, activation=act))
    return rows


def bench_adam(dtype: np.dtype, layers, repeats: int) -> list[dict[str, Any]]:
    rows = []
    rng = np.random.default_rng(3)
    shapes = []
    for n_in, n_out in layers:
        for shape in ((n_out, n_in), (n_out,)):
            if shape not in shapes:
                shapes.append(shape)
    variants = [("adam", dict(weight_decay=0.0, decoupled=False), False),
                ("adamw", dict(weight_decay=1e-2, decoupled=True), False),
                ("adam+amsgrad", dict(weight_decay=1e-4, decoupled=False), True)]
    for shape in shapes:
        for label, options, amsgrad in variants:
            if label != "adam" and len(shape) == 1:
                continue  # one variant is enough for the small bias vectors
            states = {}
            for impl in ("numpy", "numba"):
                p = rng.standard_normal(shape).astype(dtype)
                g = rng.standard_normal(shape).astype(dtype)
                m = np.zeros(shape, dtype)
                v = np.zeros(shape, dtype)
                vmax = np.zeros(shape, dtype) if amsgrad else None
                states[impl] = (p, g, m, v, vmax)

            def run(impl: str, states=states, options=options) -> None:
                p, g, m, v, vmax = states[impl]
                _adam(reference, p, g, m, v, 10, 1e-3, 0.5, 0.999, 1e-8, max_exp_avg_sq=vmax, **options)

            def numba_run(parallel: bool, s=states["numba"], options=options) -> None:
                _adam(cpu.backend, s[0], s[1], s[2], s[3], 10, 1e-3, 0.5, 0.999, 1e-8,
                      max_exp_avg_sq=s[4], parallel=parallel, **options)

            t = time_interleaved({
                "numpy": lambda run=run: run("numpy"),
                "serial": lambda f=numba_run: f(False),
                "parallel": lambda f=numba_run: f(True),
            }, repeats=repeats)
            rows.append(_elementwise_row(t, int(np.prod(shape)), shape="x".join(map(str, shape)),
                                         variant=label))
    return rows


def bench_bce(dtype: np.dtype, batches, repeats: int) -> list[dict[str, Any]]:
    rows = []
    rng = np.random.default_rng(4)
    for batch in batches:
        x = (rng.standard_normal((batch, 1)) * 5).astype(dtype)
        t_ = (rng.random((batch, 1)) < 0.5).astype(dtype)
        t = time_interleaved({
            "numpy": lambda x=x, t_=t_: reference.bce_with_logits(x, t_),
            "numba": lambda x=x, t_=t_: cpu.backend.bce_with_logits(x, t_),
        }, repeats=repeats)
        rows.append({"shape": f"{batch}x1", "numpy_ms": _ms(t, "numpy"),
                     "numba_ms": _ms(t, "numba"),
                     "speedup": 1 / paired_ratio(t, "numba", "numpy")})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document instead")
    parser.add_argument("--json-out", metavar="FILE", help="also write the JSON document to FILE")
    parser.add_argument("--repeats", type=int, default=11, help="interleaved samples (>= 5)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--batch", type=int, nargs="+", default=list(BATCHES))
    parser.add_argument("--only", nargs="+",
                        choices=("matmul", "bias_act", "act_backward", "adam", "bce"),
                        help="run only these sections")
    args = parser.parse_args(argv)
    if args.repeats < 5:
        parser.error("--repeats must be >= 5")
    if backends.cpu_kernel_mode() != "numba":
        parser.error("set MINIGAN_KERNELS=numba (or unset it): this compares the Numba kernels")
    dtype = np.dtype(args.dtype)
    warm_s = backends.warmup((dtype,))
    report = machine_report()
    report["dtype"] = args.dtype
    report["repeats"] = args.repeats
    report["warmup_s"] = round(warm_s, 3)

    sections = {
        "matmul": (lambda: bench_matmul(dtype, args.batch, LAYERS, args.repeats),
                   ["batch", "layer", "product", "M,K,N", "blas_ms", "numba_ms", "numba/blas",
                    "best_ratio", "faster"]),
        "bias_act": (lambda: bench_bias_act(dtype, args.batch, LAYERS, args.repeats),
                     ["batch", "width", "activation", *ELEMENTWISE_COLUMNS, "1pass_ms"]),
        "act_backward": (lambda: bench_act_backward(dtype, args.batch, LAYERS, args.repeats),
                         ["batch", "width", "activation", *ELEMENTWISE_COLUMNS]),
        "adam": (lambda: bench_adam(dtype, LAYERS, args.repeats),
                 ["shape", "variant", *ELEMENTWISE_COLUMNS]),
        "bce": (lambda: bench_bce(dtype, args.batch, args.repeats),
                ["shape", "numpy_ms", "numba_ms", "speedup"]),
    }
    chosen = args.only or list(sections)
    if not args.json:
        print(format_report(report), flush=True)
    results: dict[str, Any] = {"machine": report}
    for name in chosen:
        run, columns = sections[name]
        rows = run()
        results[name] = rows
        if not args.json:
            print(f"\n## {name} ({args.dtype}; median ms per call; ratios paired per repeat)")
            print(format_table(rows, columns), flush=True)
    if args.json:
        json.dump(results, sys.stdout, indent=1, default=str)
        print()
    if args.json_out:
        with open(args.json_out, "w") as handle:
            json.dump(results, handle, indent=1, default=str)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
