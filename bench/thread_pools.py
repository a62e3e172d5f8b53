"""Why the elementwise kernels run their serial build at two threads: NumPy's OpenBLAS and Numba's
OpenMP each keep a pool of threads, and after a matrix product OpenBLAS's thread keeps the second
core, spinning while it waits for the next product.

    OPENBLAS_NUM_THREADS=2 NUMBA_NUM_THREADS=2 python bench/thread_pools.py [--elements 1048576] [--repeats 11]

Times a Linear layer's product (64x1024 by 1024x784, the default generator's last layer at batch
64), a bias+ReLU pass over ``--elements`` values (minigan/backends/numba/dense.py) in its serial
and its parallel build, and the product followed by each pass; each candidate in a process of
its own, since a pool's threads go on spinning after a call and would slow the next candidate.
Each row sets the two pools' waiting one way (both are read when the libraries load, so they
cannot be changed from inside a process that has imported NumPy):

- as installed: OpenBLAS's thread spins for a while after each product (its THREAD_TIMEOUT),
  OpenMP's threads spin after each parallel region;
- ``OPENBLAS_THREAD_TIMEOUT=4``: OpenBLAS's thread sleeps almost at once, so the next product
  must wake it;
- ``OMP_WAIT_POLICY=passive``: Numba's OpenMP threads sleep after each region;
- both.

The parallel pass wins alone while OpenMP's threads spin. After a product it loses: by ten
times and more as installed (the two pools' spinning threads share the second core, in
scheduler slices), by about twice with OpenBLAS's thread asleep (OpenMP's spinning threads then
slow the next product), and it ties or loses by a few percent once OpenMP's threads sleep too.
So no setting gives a step that alternates products and passes anything from a second thread
for its passes. docs/kernel-measurements.md has the figures and the threshold they set
(``PARALLEL_MIN_ELEMENTS`` in minigan/backends/numba/build.py).

A second table asks whether one pool of our own would do better: the layer's forward as minigan
makes it (the product made transposed, W @ x^T, then the pass that adds the bias, applies ReLU
and writes y as (batch, features)) with OpenBLAS's two threads, then with OpenBLAS at one thread,
alone and with each half of the layer's outputs (product and pass) on one of two threads, this
process's and one worker thread; and the worker's round trip with no work, which every product
split that way would pay.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Callable

SETTINGS = (
    ("as installed", {}),
    ("OPENBLAS_THREAD_TIMEOUT=4", {"OPENBLAS_THREAD_TIMEOUT": "4"}),
    ("OMP_WAIT_POLICY=passive", {"OMP_WAIT_POLICY": "passive"}),
    ("both", {"OPENBLAS_THREAD_TIMEOUT": "4", "OMP_WAIT_POLICY": "passive"}),
)
# The product both tables time: the default generator's last Linear layer at batch 64.
BATCH, INPUTS, OUTPUTS = 64, 1024, 784
CANDIDATES = ("product", "serial pass", "parallel pass", "product + serial pass", "product + parallel pass")
COLUMNS = ["setting", *(f"{candidate} ms" for candidate in CANDIDATES)]
# The second table's rows: (candidate, OpenBLAS's threads, or None for the caller's setting).
OWN_POOL = (
    ("forward, OpenBLAS's threads", None),
    ("forward, OpenBLAS at one thread", "1"),
    ("forward in two halves, our two threads", "1"),
    ("round trip to our thread, no work", "1"),
)


def measure(candidate: str, elements: int, repeats: int) -> float:
    """ms per call of one candidate, in this process (its pools as its environment set them):
    the median of ``repeats`` samples. One candidate per process, since a pool's threads keep
    spinning after a call and would slow the next candidate's."""
    import numpy as np  # noqa: PLC0415 - loaded here, after the environment is set

    from _common import time_interleaved  # noqa: PLC0415
    from minigan.backends.numba import dense  # noqa: PLC0415

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, INPUTS), dtype=np.float32)
    weight_t = rng.standard_normal((INPUTS, OUTPUTS), dtype=np.float32)
    product = np.empty((BATCH, OUTPUTS), np.float32)
    columns = 1024
    z = rng.standard_normal((max(1, elements // columns), columns), dtype=np.float32)
    bias = np.zeros(columns, np.float32)

    def multiply() -> None:
        np.matmul(x, weight_t, out=product)

    def serial() -> None:
        dense.bias_act_(z, bias, "relu", 0.0, parallel=False)

    def parallel() -> None:
        dense.bias_act_(z, bias, "relu", 0.0, parallel=True)

    def then(first: Callable[[], None], second: Callable[[], None]) -> Callable[[], None]:
        def both() -> None:
            first()
            second()
        return both

    run = {"product": multiply, "serial pass": serial, "parallel pass": parallel,
           "product + serial pass": then(multiply, serial),
           "product + parallel pass": then(multiply, parallel)}[candidate]
    return time_interleaved({candidate: run}, repeats=repeats, target_s=0.02)[candidate].median * 1e3


def measure_own_pool(candidate: str, repeats: int) -> float:
    """ms per call of one of OWN_POOL's candidates, in this process, the median of ``repeats``
    samples: the default generator's last layer at batch 64, forward, whole or in two halves over
    its outputs (each half's product and pass written into arrays of its own, then checked to give
    the whole forward's bits)."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415 - loaded here, after the environment is set

    from _common import time_interleaved  # noqa: PLC0415
    from minigan.backends.numba import dense  # noqa: PLC0415

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, INPUTS), dtype=np.float32)
    weight = rng.standard_normal((OUTPUTS, INPUTS), dtype=np.float32)
    bias = rng.standard_normal(OUTPUTS, dtype=np.float32)
    half = OUTPUTS // 2
    parts = []  # (weight, bias, z_t, y) of each half of the outputs
    for rows in (slice(0, half), slice(half, None)):
        outputs = weight[rows].shape[0]
        parts.append((weight[rows], bias[rows], np.empty((outputs, BATCH), np.float32),
                      np.empty((BATCH, outputs), np.float32)))
    z_t, y = np.empty((OUTPUTS, BATCH), np.float32), np.empty((BATCH, OUTPUTS), np.float32)
    worker = ThreadPoolExecutor(1)

    def layer(part_weight: np.ndarray, part_bias: np.ndarray, part_z_t: np.ndarray, part_y: np.ndarray) -> None:
        np.matmul(part_weight, x.T, out=part_z_t)
        dense.bias_act_transposed(part_z_t, part_bias, "relu", 0.0, part_y)

    def whole() -> None:
        layer(weight, bias, z_t, y)

    def halves() -> None:
        second = worker.submit(layer, *parts[1])
        layer(*parts[0])
        second.result()

    def round_trip() -> None:
        worker.submit(int).result()

    run = {"forward in two halves, our two threads": halves, "round trip to our thread, no work": round_trip}.get(
        candidate, whole)
    try:
        ms = time_interleaved({candidate: run}, repeats=repeats, target_s=0.02)[candidate].median * 1e3
        if run is halves:  # the split must give the whole forward's bits
            whole()
            halves()
            if not np.array_equal(y, np.concatenate([parts[0][3], parts[1][3]], axis=1)):
                sys.exit("thread_pools.py: the two halves' outputs differ from the whole forward's")
        return ms
    finally:
        worker.shutdown()


def _child(args: list[str], env: dict[str, str], what: str) -> float:
    """Run this script on ``args`` in a process of its own and read back the ms it prints."""
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        sys.exit(f"thread_pools.py: the {what} run failed: {last}")
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--elements", type=int, default=1 << 20, help="values in the pass (default: 2^20)")
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=CANDIDATES, help=argparse.SUPPRESS)
    parser.add_argument("--own-pool-child", choices=[name for name, _ in OWN_POOL], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.elements < 1 or args.repeats < 1:
        parser.error("--elements and --repeats must be at least 1")
    if args.child:
        print(measure(args.child, args.elements, args.repeats))
        return
    if args.own_pool_child:
        print(measure_own_pool(args.own_pool_child, args.repeats))
        return
    from _common import format_table  # noqa: PLC0415

    rows = []
    for name, settings in SETTINGS:
        env = {**os.environ, **settings}
        if not settings:  # as installed: neither setting, even if the caller's shell has one
            for key in ("OPENBLAS_THREAD_TIMEOUT", "OMP_WAIT_POLICY"):
                env.pop(key, None)
        row = {"setting": name}
        for candidate in CANDIDATES:
            row[f"{candidate} ms"] = _child(["--child", candidate, "--elements", str(args.elements),
                                             "--repeats", str(args.repeats)], env, f"{candidate} with {name}")
        rows.append(row)
    own_pool = []
    for candidate, blas_threads in OWN_POOL:
        env = dict(os.environ) if blas_threads is None else {**os.environ, "OPENBLAS_NUM_THREADS": blas_threads}
        own_pool.append({"candidate": candidate, "ms": _child(["--own-pool-child", candidate, "--repeats",
                                                               str(args.repeats)], env, candidate)})
    threads = {key: os.environ.get(key, "unset") for key in ("OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS")}
    if args.json:
        print(json.dumps({"threads": threads, "elements": args.elements, "rows": rows, "own_pool": own_pool},
                         indent=2))
        return
    print(f"# threads: {threads}; a pass over {args.elements:,} values; medians of {args.repeats} samples, "
          "each candidate in a process of its own")
    print(format_table(rows, COLUMNS))
    print(f"\n# one pool of our own instead: the {INPUTS}-{OUTPUTS} layer's forward at batch {BATCH} (product made "
          "transposed, then bias + ReLU)")
    print(format_table(own_pool, ["candidate", "ms"]))


if __name__ == "__main__":
    main()
