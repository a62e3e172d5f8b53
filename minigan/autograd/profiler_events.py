"""What ``torch.autograd.profiler.profile`` hands back: events, their averages, a table, a Chrome trace.

* :class:`FunctionEvent` - one timed range: an op's forward (``Mul``), an op's backward
  (``MulBackward``) or a ``record_function("name")`` block, with its start and end on the
  thread's clock, the ranges opened inside it (``cpu_children``) and, with
  ``record_shapes=True``, its inputs' shapes. Times are in microseconds, as PyTorch's.
  ``cpu_time_total`` is end minus start; ``self_cpu_time_total`` is that less its children's
  totals (the time spent in the range itself).
* :class:`FunctionEventAvg` - the events of one name (and, grouped by shape, of one list of
  input shapes) added up: ``count``, ``cpu_time_total``, ``self_cpu_time_total`` and the
  averages ``cpu_time`` and ``self_cpu_time``.
* :class:`EventList` - a list of either, with ``key_averages()``, ``table()`` and
  ``export_chrome_trace(path)``.

The table has PyTorch's columns (Name, Self CPU %, Self CPU, CPU total %, CPU total, CPU time
avg, # of Calls; Input Shapes when grouped by shape; CPU Mem and Self CPU Mem with
``profile_memory=True``), percentages of the summed self time of every event, rows sorted by
the ``sort_by`` column, largest first.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from ..paths import atomic_path

__all__ = ["FunctionEvent", "FunctionEventAvg", "EventList", "format_time"]

SORT_KEYS = ("cpu_time", "cpu_time_total", "self_cpu_time_total", "self_cpu_time", "count",
             "cpu_memory_usage", "self_cpu_memory_usage")


@dataclass(eq=False)
class FunctionEvent:
    """One timed range (see the module docstring); ``start_ns`` and ``end_ns`` read
    ``time.perf_counter_ns()``, ``cpu_memory_usage`` is the bytes of the op's output."""

    id: int
    name: str
    thread: int
    start_ns: int
    end_ns: int = 0
    input_shapes: list[list[int]] = field(default_factory=list)
    cpu_memory_usage: int = 0
    is_user_annotation: bool = False
    cpu_parent: "FunctionEvent | None" = None
    cpu_children: list["FunctionEvent"] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.name

    @property
    def count(self) -> int:
        return 1

    @property
    def cpu_time_total(self) -> float:
        return (self.end_ns - self.start_ns) / 1e3

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(child.cpu_time_total for child in self.cpu_children)

    @property
    def self_cpu_memory_usage(self) -> int:
        return self.cpu_memory_usage - sum(child.cpu_memory_usage for child in self.cpu_children)

    def __repr__(self) -> str:
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time_total={format_time(self.cpu_time_total)} "
                f"self_cpu_time_total={format_time(self.self_cpu_time_total)} input_shapes={self.input_shapes}>")


@dataclass(eq=False)
class FunctionEventAvg:
    """The events of one key added up (see the module docstring)."""

    key: str
    input_shapes: list[list[int]] | None = None
    count: int = 0
    cpu_time_total: float = 0.0
    self_cpu_time_total: float = 0.0
    cpu_memory_usage: int = 0
    self_cpu_memory_usage: int = 0

    def add(self, event: Any) -> "FunctionEventAvg":
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        self.cpu_memory_usage += event.cpu_memory_usage
        self.self_cpu_memory_usage += event.self_cpu_memory_usage
        return self

    @property
    def cpu_time(self) -> float:
        """The average total time of one call, in microseconds."""
        return self.cpu_time_total / self.count if self.count else 0.0

    @property
    def self_cpu_time(self) -> float:
        return self.self_cpu_time_total / self.count if self.count else 0.0

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} count={self.count} cpu_time_total={format_time(self.cpu_time_total)} "
                f"self_cpu_time_total={format_time(self.self_cpu_time_total)} input_shapes={self.input_shapes}>")


class EventList(list):
    """A list of :class:`FunctionEvent` (``prof.events()``) or of :class:`FunctionEventAvg`
    (``prof.key_averages()``); ``profile_memory`` says whether the table shows memory."""

    def __init__(self, events: Any = (), profile_memory: bool = False) -> None:
        super().__init__(events)
        self.profile_memory = profile_memory

    @property
    def self_cpu_time_total(self) -> float:
        return float(sum(e.self_cpu_time_total for e in self))

    def key_averages(self, group_by_input_shape: bool = False) -> "EventList":
        """One :class:`FunctionEventAvg` per name (per name and input shapes when
        ``group_by_input_shape``), in the order each key first ran."""
        averages: dict[Any, FunctionEventAvg] = {}
        for event in self:
            shapes = event.input_shapes if group_by_input_shape else None
            key = (event.key, None if shapes is None else repr(shapes))
            if key not in averages:
                averages[key] = FunctionEventAvg(event.key, shapes)
            averages[key].add(event)
        return EventList(averages.values(), self.profile_memory)

    def total_average(self) -> FunctionEventAvg:
        total = FunctionEventAvg("Total")
        for event in self:
            total.add(event)
        return total

    def table(self, sort_by: str | None = None, row_limit: int = 100, header: str | None = None,
              top_level_events_only: bool = False, max_name_column_width: int = 55) -> str:
        """The rows as a text table (see the module docstring); ``row_limit`` rows at most
        (negative: all), sorted by ``sort_by``, one of :data:`SORT_KEYS`, largest first."""
        rows = [e for e in self if not (top_level_events_only and getattr(e, "cpu_parent", None) is not None)]
        if sort_by is not None:
            if sort_by not in SORT_KEYS:
                raise ValueError(f"table: sort_by must be one of {', '.join(SORT_KEYS)}, got {sort_by!r}")
            rows.sort(key=lambda e: getattr(e, sort_by), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        return _table(rows, self.self_cpu_time_total, self.profile_memory, header, max_name_column_width)

    def export_chrome_trace(self, path: str | os.PathLike) -> None:
        """Write the events as Chrome trace JSON (open it in chrome://tracing or Perfetto): one
        complete event (``"ph": "X"``) per range, times in microseconds. The file appears whole
        or not at all (written beside ``path``, then renamed over it)."""
        if not all(isinstance(e, FunctionEvent) for e in self):
            raise TypeError("export_chrome_trace: needs the events themselves (prof.events()), not their averages")
        origin = min((e.start_ns for e in self), default=0)
        trace = {"traceEvents": [_chrome_event(e, origin) for e in self], "displayTimeUnit": "ms"}
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(trace, indent=1), encoding="utf-8")

    def __str__(self) -> str:
        return self.table()


def _chrome_event(event: FunctionEvent, origin: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "ph": "X", "cat": "user_annotation" if event.is_user_annotation else "cpu_op", "name": event.name,
        "pid": os.getpid(), "tid": event.thread, "ts": (event.start_ns - origin) / 1e3, "dur": event.cpu_time_total,
        "args": {"External id": event.id},
    }
    if event.input_shapes:
        record["args"]["Input Dims"] = event.input_shapes
    return record


def format_time(microseconds: float) -> str:
    """``12.345us``, ``1.234ms`` or ``2.000s``: three decimals in the largest unit under the value."""
    if abs(microseconds) >= 1e6:
        return f"{microseconds / 1e6:.3f}s"
    if abs(microseconds) >= 1e3:
        return f"{microseconds / 1e3:.3f}ms"
    return f"{microseconds:.3f}us"


def _format_memory(nbytes: float) -> str:
    for unit, size in (("Gb", 1024 ** 3), ("Mb", 1024 ** 2), ("Kb", 1024)):
        if abs(nbytes) >= size:
            return f"{nbytes / size:.2f} {unit}"
    return f"{int(nbytes)} b"


def _table(rows: list[Any], self_total: float, memory: bool, header: str | None, name_width: int) -> str:
    def percent(value: float) -> str:
        return f"{100.0 * value / self_total:.2f}%" if self_total > 0 else "0.00%"

    columns = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if memory:
        columns += ["CPU Mem", "Self CPU Mem"]
    columns.append("# of Calls")
    shapes = any(getattr(row, "input_shapes", None) is not None for row in rows)
    if shapes:
        columns.append("Input Shapes")
    body = []
    for row in rows:
        name = row.key if len(row.key) <= name_width else row.key[:name_width - 3] + "..."
        cells = [name, percent(row.self_cpu_time_total), format_time(row.self_cpu_time_total),
                 percent(row.cpu_time_total), format_time(row.cpu_time_total),
                 format_time(row.cpu_time_total / max(row.count, 1))]
        if memory:
            cells += [_format_memory(row.cpu_memory_usage), _format_memory(row.self_cpu_memory_usage)]
        cells.append(str(row.count))
        if shapes:
            cells.append(str(row.input_shapes if row.input_shapes is not None else []))
        body.append(cells)
    widths = [max([len(c)] + [len(cells[i]) for cells in body]) for i, c in enumerate(columns)]
    rule = "  ".join("-" * w for w in widths)

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) for c, w in zip(cells, widths))

    lines = ([header] if header else []) + [rule, line(columns), rule] + [line(cells) for cells in body] + [rule]
    lines.append(f"Self CPU time total: {format_time(self_total)}")
    return "\n".join(lines) + "\n"
