"""Where one GAN training iteration's time goes: matmul, the fused kernels, the convolutions'
im2col/col2im and pooling kernels, the optimizer, and the Python/engine overhead around them.

Every kernel of the CPU backend is wrapped with a timer (exclusive time: a matmul inside the
fused linear op counts as matmul), the iteration of bench/step.py runs ``--steps`` times, and
what the kernels do not account for is the engine's own overhead (graph building, dispatch,
temporaries, the small ops that are not fused).

    python bench/profile_step.py [--arch default] [--batch 64] [--steps 200]

Run it with one thread (OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1) for steady numbers.
"""
from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import _common  # noqa: F401 - makes the package importable from a source checkout

from minigan import backends
from step import minigan_step

CATEGORIES = {
    "matmul": "matmul",
    "linear_act_forward": "fused kernels", "linear_act_backward": "fused kernels", "bias_act_": "fused kernels",
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


def profile(arch: str, batch: int, steps: int) -> dict[str, float]:
    step = minigan_step(arch, batch, backends.cpu_kernel_mode())
    for _ in range(20):  # warm up: compile, fill caches
        step()
    backend = backends.backend_for("cpu")
    timers = Timers()
    for name, category in CATEGORIES.items():
        if hasattr(backend, name):
            setattr(backend, name, timers.wrap(getattr(backend, name), category))
    try:
        start = time.perf_counter()
        for _ in range(steps):
            step()
        total = time.perf_counter() - start
    finally:
        for name in CATEGORIES:
            backend.__dict__.pop(name, None)
    split = {category: seconds / steps * 1e3 for category, seconds in timers.seconds.items()}
    split["Python/engine overhead"] = total / steps * 1e3 - sum(split.values())
    split["iteration"] = total / steps * 1e3
    return split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="default")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    backends.warmup()
    split = profile(args.arch, args.batch, args.steps)
    total = split["iteration"]
    print(f"{args.arch} net, batch {args.batch}, {args.steps} iterations, CPU kernels: {backends.cpu_kernel_mode()}")
    for name in ("matmul", "fused kernels", "im2col/col2im, pooling", "optimizer", "Python/engine overhead", "iteration"):
        print(f"  {name:<24} {split[name]:8.3f} ms  {100 * split[name] / total:5.1f}%")


if __name__ == "__main__":
    main()
