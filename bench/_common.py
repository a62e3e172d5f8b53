"""Timing helpers shared by the benchmarks (bench/kernels.py, later bench/step.py).

Candidates are timed *interleaved*: every repeat runs each candidate once, in a rotated order,
so a burst of load from another process (this is a shared 2-core machine) hits all candidates
alike instead of one. Per candidate we keep every repeat's per-call time and report the median;
ratios are the median of the per-repeat ratios (paired samples).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

# Benchmarks are run as scripts (``python bench/kernels.py``); make the package importable
# from a source checkout without installing it.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))


@dataclass
class Timing:
    """Per-call seconds of one candidate, one sample per repeat."""

    name: str
    number: int  # calls per sample
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        return min(self.samples)


def _calibrate(fn: Callable[[], Any], target_s: float) -> int:
    """Calls per sample so that one sample lasts about ``target_s`` (at least 1)."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= target_s or number >= 1 << 20:
            return number
        # aim a bit past the target; grow at most 10x per round
        number = max(number + 1, min(number * 10, int(number * target_s * 1.2 / max(elapsed, 1e-9))))


def time_interleaved(
    candidates: dict[str, Callable[[], Any]],
    repeats: int = 11,
    target_s: float = 0.001,
    warm_each_sample: bool = False,
) -> dict[str, Timing]:
    """Time zero-argument callables interleaved; ``repeats`` samples each (use >= 5).

    Each candidate is called once first (warm caches, JIT compilation), then calibrated to run
    about ``target_s`` per sample, then sampled ``repeats`` times in a rotating order. Samples
    are kept short on purpose: on a shared machine a parallel call now and then waits a whole
    scheduler slice (milliseconds) for a descheduled thread; short samples keep those stalls
    in a minority of samples, where the median ignores them (``best`` shows the floor).

    With ``warm_each_sample``, each sample starts with one untimed call, so it times the
    candidate after itself (as in a loop of training steps), not after whatever ran before it in
    the rotation: a sample of a single call otherwise pays for the caches the previous candidate
    left cold.
    """
    names = list(candidates)
    for fn in candidates.values():
        fn()
    timings = {name: Timing(name, _calibrate(candidates[name], target_s)) for name in names}
    for rep in range(repeats):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            fn = candidates[name]
            number = timings[name].number
            if warm_each_sample:
                fn()
            start = time.perf_counter()
            for _ in range(number):
                fn()
            timings[name].samples.append((time.perf_counter() - start) / number)
    return timings


def paired_ratio(timings: dict[str, Timing], num: str, den: str) -> float:
    """Median over repeats of time[num] / time[den] (both sampled in the same repeat)."""
    ratios = [a / b for a, b in zip(timings[num].samples, timings[den].samples)]
    return statistics.median(ratios)


def machine_report() -> dict[str, Any]:
    """Thread settings (see minigan.backends.report.thread_settings) plus the load at start."""
    from minigan.backends.report import thread_settings  # noqa: PLC0415

    report = thread_settings()
    try:
        report["loadavg_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    report["python"] = sys.version.split()[0]
    import numba  # noqa: PLC0415
    import numpy  # noqa: PLC0415

    report["numpy"] = numpy.__version__
    report["numba"] = numba.__version__
    return report


def format_report(report: dict[str, Any]) -> str:
    """The machine report as ``# key: value`` header lines."""
    lines = []
    for key, value in report.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        lines.append(f"# {key}: {value}")
    return "\n".join(lines)


def format_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A plain fixed-width text table of ``rows`` (dicts) over ``columns``."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.3f}" if abs(value) < 1000 else f"{value:.0f}"
        return str(value)

    cells = [[cell(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c)
              for i, c in enumerate(columns)]
    out = ["  ".join(c.rjust(w) for c, w in zip(columns, widths)),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.rjust(w) for v, w in zip(r, widths)) for r in cells]
    return "\n".join(out)


def parse_timing_arguments(parser: Any) -> Any:
    """Add ``--repeats`` (at least 5) and ``--json`` to an op benchmark's other arguments, then parse them."""
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats per candidate (>= 5)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if args.repeats < 5:
        parser.error("--repeats must be at least 5")
    return args


def warm_up(torch: Any) -> None:
    """Compile minigan's kernels before timing, and give PyTorch (when installed) the threads OpenBLAS has."""
    from minigan import backends

    backends.warmup()
    if torch is not None:
        torch.set_num_threads(int(os.environ.get("OPENBLAS_NUM_THREADS") or len(os.sched_getaffinity(0))))


def add_torch_report(report: dict[str, Any], torch: Any) -> None:
    """The PyTorch version and threads a comparison ran with (or why there was none)."""
    report["torch"] = torch.__version__ if torch is not None else "not installed (pip install torch for the comparison)"
    if torch is not None:
        report["torch_threads"] = torch.get_num_threads()


def print_results(report: dict[str, Any], rows: list[dict[str, Any]], columns: list[str], as_json: bool) -> None:
    """The machine report and the table, or both as one JSON document."""
    if as_json:
        import json  # noqa: PLC0415

        print(json.dumps({"machine": report, "rows": rows}, indent=2, default=str))
        return
    print(format_report(report))
    print(format_table(rows, columns))
