"""Where one GAN training iteration's time goes: matmul, the fused kernels, the convolutions'
im2col/col2im and pooling kernels, the optimizer, and the Python/engine overhead around them.

Every kernel of the CPU backend is wrapped with a timer (exclusive time: a matmul inside the
fused linear op counts as matmul), the iteration of bench/step.py runs ``--steps`` times, and
what the kernels do not account for is the engine's own overhead (graph building, dispatch,
temporaries, the small ops that are not fused). It prints the split of the eager step and of the
same step captured and replayed (minigan/replay), whose overhead is the replay loop's.

    python bench/profile_step.py [--arch default] [--batch 64] [--steps 200] [--counts] [--loss hinge]

The loss is the architecture's own, as ``python -m minigan.train`` resolves it (hinge for the
default net, BCE for the seed net), unless ``--loss`` names one (bench/step.py's LOSSES).

Run it with one thread (OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1) for steady numbers.
``--counts`` prints, instead, what a loaded machine cannot blur: the Python function calls
(cProfile) and the Tensors built per iteration, eager and replayed (minigan/replay), and the most
memory the iteration allocates above what it started with (tracemalloc).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import time
import tracemalloc
from typing import Any, Callable

import _common  # noqa: F401 - makes the package importable from a source checkout

from minigan import backends
from minigan.autograd import Tensor
from minigan.replay import kernels as replay_kernels
from step import LOSSES, default_loss, minigan_step

CATEGORIES = {
    "matmul": "matmul",
    "linear_act_forward": "fused kernels", "linear_act_backward": "fused kernels", "bias_act_": "fused kernels",
    "bias_act_transposed": "fused kernels",
    "batch_norm_act_forward": "fused kernels", "batch_norm_act_backward": "fused kernels",
    "bce_with_logits": "fused kernels", "dropout": "fused kernels",
    "channel_bias_act_forward": "fused kernels", "channel_bias_act_backward": "fused kernels",
    "unfold": "im2col/col2im, pooling", "fold": "im2col/col2im, pooling", "max_pool2d": "im2col/col2im, pooling",
    "max_pool2d_backward": "im2col/col2im, pooling",
    "adam": "optimizer",
}


class Timers:
    """Exclusive time per category: a timed call nested in another is taken out of the outer one."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(set(CATEGORIES.values()), 0.0)
        self._stack: list[list[float]] = []

    def wrap(self, fn: Callable[..., Any], category: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append([0.0])
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                nested = self._stack.pop()[0]
                self.seconds[category] += elapsed - nested
                if self._stack:
                    self._stack[-1][0] += elapsed
        return timed


def profile(arch: str, batch: int, steps: int, replayed: bool = False, loss: str | None = None) -> dict[str, float]:
    backend = backends.backend_for("cpu")
    timers = Timers()
    # wrapped before the warm-up, so that a replay captures the timed kernels; the replay picks
    # its matrix product at capture (NumPy's BLAS call itself), so that choice is wrapped too
    for name, category in CATEGORIES.items():
        if hasattr(backend, name):
            setattr(backend, name, timers.wrap(getattr(backend, name), category))
    pick_product = replay_kernels._matmul
    replay_kernels._matmul = lambda *args: timers.wrap(pick_product(*args), "matmul")
    try:
        step = minigan_step(arch, batch, backends.cpu_kernel_mode(), replayed=replayed, loss=loss)
        for _ in range(20):  # warm up: compile, fill caches, capture
            step()
        timers.seconds = dict.fromkeys(timers.seconds, 0.0)
        start = time.perf_counter()
        for _ in range(steps):
            step()
        total = time.perf_counter() - start
    finally:
        for name in CATEGORIES:
            backend.__dict__.pop(name, None)
        replay_kernels._matmul = pick_product
    split = {category: seconds / steps * 1e3 for category, seconds in timers.seconds.items()}
    split["Python/engine overhead"] = total / steps * 1e3 - sum(split.values())
    split["iteration"] = total / steps * 1e3
    return split


def counts(arch: str, batch: int, steps: int, replayed: bool, loss: str | None = None) -> dict[str, float]:
    """Per iteration: Python function calls, Tensors built, and peak KiB allocated above the start."""
    step = minigan_step(arch, batch, backends.cpu_kernel_mode(), replayed=replayed, loss=loss)
    for _ in range(20):  # warm up: compile, capture
        step()
    made = [0]
    make = Tensor.__dict__["_make"]

    def counting(cls: type, *args: Any) -> Any:
        made[0] += 1
        return make.__func__(cls, *args)
    Tensor._make = classmethod(counting)
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        for _ in range(steps):
            step()
        profiler.disable()
    finally:
        Tensor._make = make
    tracemalloc.start()
    try:
        peaks = []
        for _ in range(3):  # the least of three: the first may still free what the last run left
            start = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            step()
            peaks.append(tracemalloc.get_traced_memory()[1] - start)
        peak = min(peaks)
    finally:
        tracemalloc.stop()
    return {"calls": pstats.Stats(profiler).total_calls / steps, "tensors": made[0] / steps, "peak_kib": peak / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="default")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--counts", action="store_true", help="calls, Tensors and allocation per iteration, eager and replayed")
    parser.add_argument("--loss", choices=LOSSES, default=None,
                        help="the GAN loss (default: the architecture's own, as minigan.train resolves it)")
    args = parser.parse_args()
    loss = args.loss or default_loss(args.arch)
    backends.warmup()
    header = (f"{args.arch} net, {loss} loss, batch {args.batch}, {args.steps} iterations, "
              f"CPU kernels: {backends.cpu_kernel_mode()}")
    if args.counts:
        print(header)
        for name, replayed in (("eager", False), ("replayed", True)):
            found = counts(args.arch, args.batch, args.steps, replayed, loss)
            print(f"  {name:<9} {found['calls']:8.0f} Python calls  {found['tensors']:6.1f} Tensors built  "
                  f"{found['peak_kib']:8.0f} KiB peak allocated")
        return
    print(header)
    for label, replayed in (("eager", False), ("replayed", True)):
        split = profile(args.arch, args.batch, args.steps, replayed, loss)
        total = split["iteration"]
        print(f" {label}")
        for name in ("matmul", "fused kernels", "im2col/col2im, pooling", "optimizer", "Python/engine overhead",
                     "iteration"):
            print(f"  {name:<24} {split[name]:8.3f} ms  {100 * split[name] / total:5.1f}%")


if __name__ == "__main__":
    main()
