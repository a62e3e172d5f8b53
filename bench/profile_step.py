"""Where one GAN training iteration's time goes: matmul, the fused kernels, the convolutions'
im2col/col2im and pooling kernels, the optimizer, and the Python/engine overhead around them.

Every kernel of the CPU backend is wrapped with a timer (exclusive time: a matmul inside the
fused linear op counts as matmul), the iteration of bench/step.py runs ``--steps`` times, and
what the kernels do not account for is the engine's own overhead (graph building, dispatch,
temporaries, the small ops that are not fused). It prints the split of the eager step and of the
same step captured and replayed (minigan/replay), whose overhead is the replay loop's.

    python bench/profile_step.py [--arch default] [--batch 64] [--steps 200] [--counts] [--alone] [--loss hinge]

The loss is the architecture's own, as ``python -m minigan.train`` resolves it (hinge for the
default net, BCE for the seed net), unless ``--loss`` names one (bench/step.py's LOSSES).

Run it with one thread (OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1) for steady numbers.
``--counts`` prints, instead, what a loaded machine cannot blur: the Python function calls
(cProfile) and the Tensors built per iteration, eager and replayed (minigan/replay), and the most
memory the iteration allocates above what it started with (tracemalloc).

``--alone`` times each recorded step of the replayed iteration twice: inside the iteration, and
alone, run again at once on the iteration's own buffers (the least of four runs, its code and data
then in the caches), grouped by op, next to bench/step.py's floor. What the iteration spends above
the sum of the steps alone is what its steps cost each other: the weights, moments and
activations it reads back from memory, and the code evicted by the products between two calls.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
import tracemalloc
from typing import Any, Callable

import _common  # noqa: F401 - makes the package importable from a source checkout
import numpy as np

from minigan import backends
from minigan.autograd import Tensor, set_grad_enabled
from minigan.replay import kernels as replay_kernels
from minigan.replay.program import Program
from step import LATENT, LOSSES, adam_bytes, default_loss, floor_candidates, floor_seconds, minigan_step

#: Samples of the floor that ``--alone`` takes, one after each block of the timed iterations.
FLOOR_SAMPLES = 10

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


def _step_names(program: Program) -> list[str]:
    """A label per recorded step: "forward Op", "backward Op", the method a call ran, or the kind."""
    forwards = {step[6]: step[1] for step in program.steps if step[0] == "function"}
    names = []
    for step in program.steps:
        kind = step[0]
        if kind == "function":
            names.append(f"forward {step[1].__name__}")
        elif kind == "backward":
            names.append(f"backward {forwards[step[1]].__name__}")
        elif kind == "call":
            names.append(getattr(step[1], "__qualname__", str(step[1])))
        else:
            names.append({"leaf": "gradients handed to the parameters", "add": "gradient sums",
                          "add_into": "gradient sums"}.get(kind, kind))
    return names


def alone(arch: str, batch: int, steps: int, loss: str | None = None) -> dict[str, Any]:
    """ms per iteration of each op's recorded steps in the replayed iteration and alone (see the
    module docstring), the iteration's own time, and bench/step.py's floor with floor / iteration,
    each the median of samples taken after each block of the timed iterations."""
    step = minigan_step(arch, batch, backends.cpu_kernel_mode(), replayed=True, loss=loss)
    for _ in range(20):  # warm up: compile, capture
        step()
    (program,) = [entry for entry in step.compiled.entries.values() if type(entry) is Program]
    names = _step_names(program)
    code = list(program.code)
    inside = [0.0] * len(code)

    def timed(index: int, run: Callable[[list[Any]], None]) -> Callable[[list[Any]], None]:
        def run_timed(buf: list[Any]) -> None:
            start = time.perf_counter()
            run(buf)
            inside[index] += time.perf_counter() - start
        return run_timed
    timed_code = [timed(i, run) for i, run in enumerate(code)]
    # The floor is sampled between blocks of the iterations, so that a slowing from outside lands
    # on both sides of floor / iteration, as in bench/step.py's rotation.
    parts = floor_candidates(step.models, batch)
    products, copy, moved = parts["products"], parts["copy"], adam_bytes(*step.models)
    products()
    copy()  # the first copy also maps its target's pages
    blocks = min(FLOOR_SAMPLES, steps)
    total, floors, fractions = 0.0, [], []
    for block in range(blocks):
        program.code = code
        step()  # untimed: the floor's copy has just pushed the iteration's arrays out of the caches
        program.code = timed_code
        count = steps // blocks + (block < steps % blocks)
        start = time.perf_counter()
        for _ in range(count):
            step()
        seconds = time.perf_counter() - start
        total += seconds
        floors.append(floor_seconds(_seconds_of(products), _seconds_of(copy), moved))
        fractions.append(floors[-1] / (seconds / count))
    program.code = code
    # alone: the steps in order on one replay's slots, each run four times over, each time on a
    # copy of the slot list (a step lets go of the arrays no later step reads)
    buf = program.slots([np.random.default_rng(0).standard_normal((batch, LATENT), dtype=np.float32)])
    by_itself = []
    with set_grad_enabled(False), np.errstate(all="ignore"):  # a step run over its own output may overflow
        for run in code:
            runs = []
            for _ in range(4):
                slots = buf.copy()
                start = time.perf_counter()
                run(slots)
                runs.append(time.perf_counter() - start)
            buf = slots
            by_itself.append(min(runs))
    ops: dict[str, list[float]] = {}
    for name, in_step, by_one in zip(names, inside, by_itself):
        row = ops.setdefault(name, [0.0, 0.0])
        row[0] += in_step / steps * 1e3
        row[1] += by_one * 1e3
    return {"ops": ops, "iteration": total / steps * 1e3, "floor": statistics.median(floors) * 1e3,
            "floor / iteration": statistics.median(fractions)}


def _seconds_of(call: Callable[[], None]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def print_alone(found: dict[str, Any]) -> None:
    ops = found["ops"]
    in_steps, alone_ms = sum(row[0] for row in ops.values()), sum(row[1] for row in ops.values())
    print(f"  {'op':<40} {'in the step':>12} {'alone':>9}")
    for name, (in_step, by_one) in sorted(ops.items(), key=lambda item: -item[1][0]):
        print(f"  {name:<40} {in_step:9.3f} ms {by_one:6.3f} ms")
    print(f"  {'every step':<40} {in_steps:9.3f} ms {alone_ms:6.3f} ms")
    print(f"  iteration {found['iteration']:.3f} ms (outside the steps: the replay loop, the step's "
          f"own Python such as drawing z, and this profile's clocks: {found['iteration'] - in_steps:.3f} ms); "
          f"floor {found['floor']:.3f} ms; "
          f"floor / iteration {found['floor / iteration']:.3f}, floor / every step alone "
          f"{found['floor'] / alone_ms:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="default")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--counts", action="store_true", help="calls, Tensors and allocation per iteration, eager and replayed")
    parser.add_argument("--alone", action="store_true",
                        help="each recorded step of the replayed iteration, in the iteration and alone")
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
    if args.alone:
        print_alone(alone(args.arch, args.batch, args.steps, loss))
        return
    for label, replayed in (("eager", False), ("replayed", True)):
        split = profile(args.arch, args.batch, args.steps, replayed, loss)
        total = split["iteration"]
        print(f" {label}")
        for name in ("matmul", "fused kernels", "im2col/col2im, pooling", "optimizer", "Python/engine overhead",
                     "iteration"):
            print(f"  {name:<24} {split[name]:8.3f} ms  {100 * split[name] / total:5.1f}%")


if __name__ == "__main__":
    main()
