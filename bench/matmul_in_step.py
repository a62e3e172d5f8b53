"""The replayed step's matrix products, each timed five ways: inside the step, again at once on
the same arrays (hot caches), on C-contiguous copies of its operands (the layout bench/step.py's
floor times), and on the same arrays with their operands first pushed out to L3 or to memory.

    python bench/matmul_in_step.py [--arch default] [--batch 64] [--steps 100]
    python bench/matmul_in_step.py --forward-layouts    # the Linear forward both ways, per layer and batch

The gap between "in the step" and "hot" is what the step's data flow costs the products (their
operands come from farther out than the caches that hold them when a product runs again at
once); the columns "from L3" and "from memory" time each product right after a read of 8 MiB
(more than a core's L2, less than the L3) or of 192 MiB (more than every cache), so the step's
column can be placed between them. The gap between "hot" and "contiguous" is the operands'
layout: a Linear layer's forward multiplies by the weight's transpose, a view that BLAS reads
through another kernel. ``--forward-layouts`` times, per layer size and batch, the forward made
as x @ W^T with the in-place bias+activation pass against W @ x^T with the transposing pass
(minigan/backends/numba/dense.py), the choice NumbaBackend.linear_act_forward makes by
TRANSPOSED_PRODUCT_MIN_RATIO. Run it with one thread (OPENBLAS_NUM_THREADS=1
NUMBA_NUM_THREADS=1) for steady numbers.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from typing import Any, Callable

import numpy as np

import _common  # also makes the package importable from a source checkout

from minigan import backends
from minigan.replay import kernels as replay_kernels
from step import minigan_step


FORWARD_LAYERS = ((100, 256), (256, 256), (784, 512), (1024, 784), (512, 1024))


def forward_layouts(repeats: int = 11) -> None:
    """Per layer (in -> out) and batch: the transposed forward's time over the plain one's."""
    from minigan.backends.numba import dense  # noqa: PLC0415 - the Numba kernels themselves

    rng = np.random.default_rng(0)
    print("time of W @ x^T + the transposing pass, over x @ W^T + the in-place pass (leaky_relu)")
    print(f"{'layer':>12} {'batch 64':>9} {'batch 128':>9} {'batch 256':>9}")
    for inputs, outputs in FORWARD_LAYERS:
        ratios = []
        for batch in (64, 128, 256):
            weight = rng.standard_normal((outputs, inputs)).astype(np.float32)
            x = rng.standard_normal((batch, inputs)).astype(np.float32)
            bias = rng.standard_normal(outputs).astype(np.float32)
            out, z_t = np.empty((batch, outputs), np.float32), np.empty((outputs, batch), np.float32)

            def plain() -> None:
                np.matmul(x, weight.T, out=out)
                dense.bias_act_(out, bias, "leaky_relu", 0.2)

            def transposed() -> None:
                np.matmul(weight, x.T, out=z_t)
                dense.bias_act_transposed(z_t, bias, "leaky_relu", 0.2, out)
            timings = _common.time_interleaved({"plain": plain, "transposed": transposed}, repeats, target_s=0.01)
            ratios.append(_common.paired_ratio(timings, "transposed", "plain"))
        print(f"{f'{inputs} -> {outputs}':>12} " + " ".join(f"{r:9.2f}" for r in ratios))


def after_reading(fn: Callable[[], Any], evicting: np.ndarray, repeats: int = 15) -> float:
    """Median seconds of ``fn()`` right after reading all of ``evicting`` (not timed), which
    pushes what ``fn`` reads out of every cache smaller than it."""
    samples = []
    for _ in range(repeats):
        evicting.max()  # a read only: leaves no dirty lines for ``fn`` to write back
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return float(np.median(samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="default")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--forward-layouts", action="store_true",
                        help="time the Linear forward both ways per layer and batch, instead of the step")
    args = parser.parse_args()
    if args.forward_layouts:
        forward_layouts()
        return

    seconds: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    last_call: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    pick_product = replay_kernels._matmul

    def timed(product: Callable[..., Any]) -> Callable[..., Any]:
        def run(a: Any, b: Any, out: Any = None) -> Any:
            start = time.perf_counter()
            out = product(a, b, out=out)
            key = (a.shape, b.shape, a.flags.c_contiguous, b.flags.c_contiguous)
            seconds[key].append(time.perf_counter() - start)
            last_call[key] = (product, a, b, out)
            return out
        return run

    backend = backends.backend_for("cpu")
    replay_kernels._matmul = lambda *args: timed(pick_product(*args))  # the backward's products, picked at capture
    backend.matmul = timed(backend.matmul)  # the forward's, through the backend's linear_act_forward
    try:
        step = minigan_step(args.arch, args.batch, backends.cpu_kernel_mode(), replayed=True)
        for _ in range(20):  # compile, capture
            step()
        seconds.clear()
        for _ in range(args.steps):
            step()
    finally:
        replay_kernels._matmul = pick_product
        del backend.matmul

    print(f"{args.arch} net, batch {args.batch}, replayed, {args.steps} iterations; ms per product")
    print(f"{'a':>12} {'b':>12} {'layout':>8} {'calls':>5} {'in step':>8} {'hot':>8} {'contiguous':>10} "
          f"{'from L3':>8} {'from memory':>11}")
    beyond_l2 = np.ones(2 << 20, np.float32)  # 8 MiB
    beyond_l3 = np.ones(48 << 20, np.float32)  # 192 MiB
    totals = np.zeros(5)
    for key, times in sorted(seconds.items(), key=lambda item: -sum(item[1])):
        product, a, b, out = last_call[key]
        calls = len(times) // args.steps
        a_copy, b_copy = np.ascontiguousarray(a), np.ascontiguousarray(b)
        again = _common.time_interleaved({"hot": lambda: product(a, b, out=out),
                                          "contiguous": lambda: product(a_copy, b_copy, out=out)}, target_s=0.005)
        cold = [after_reading(lambda: product(a, b, out=out), evicting) for evicting in (beyond_l2, beyond_l3)]
        row = np.array([np.median(times), again["hot"].median, again["contiguous"].median, *cold]) * 1e3
        totals += calls * row
        layout = "".join("N" if contiguous else "T" for contiguous in key[2:])
        print(f"{str(key[0]):>12} {str(key[1]):>12} {layout:>8} {calls:>5} {row[0]:8.3f} {row[1]:8.3f} {row[2]:10.3f} "
              f"{row[3]:8.3f} {row[4]:11.3f}")
    print(f"{'per iteration':>40} {totals[0]:8.2f} {totals[1]:8.2f} {totals[2]:10.2f} {totals[3]:8.2f} {totals[4]:11.2f}")


if __name__ == "__main__":
    main()
