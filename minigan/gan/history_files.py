"""A run's history files: history.csv, history.json and loss_curves.png, rewritten every epoch.

The history grows by one row a batch (31,240 rows by the end of the default run), and both files
are rewritten whole, atomically, at every epoch's end. Formatting every row again each time
would cost more and more per epoch, so :class:`HistoryFiles` keeps the text of the rows it has
written and formats only the new ones. The last row is always formatted again, since the
epoch's score is written into it after the batch (and a run stopped between the two writes it
twice).
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Mapping, Sequence

from minigan.paths import atomic_write_bytes

__all__ = ["HistoryFiles", "INTEGER_COLUMNS"]

INTEGER_COLUMNS = ("epoch", "step", "global_step")  # written as integers; the rest as floats, NaN empty


class HistoryFiles:
    """Writes a run's history to ``run_dir``; one per run, called with the growing history."""

    def __init__(self, run_dir: Path, columns: Sequence[str]) -> None:
        self.run_dir = Path(run_dir)
        self.columns = tuple(columns)
        self._csv_rows: list[str] = []  # the CSV lines of the rows before the last one written
        self._json_items: dict[str, list[str]] = {}  # per key, the JSON text of the same rows' values

    def write(self, history: Mapping[str, Sequence[float]], steps_per_epoch: int, title: str) -> None:
        """history.csv, history.json and (once there is a row) loss_curves.png from ``history``,
        one list per column, each file written atomically."""
        from minigan.viz import save_loss_curves  # matplotlib loads only when a run draws

        rows = len(history[self.columns[0]])
        self._forget_unless_prefix(history, rows)
        cached = len(self._csv_rows)
        for index in range(cached, rows - 1):
            self._csv_rows.append(self._csv_line(history, index))
            for key, values in history.items():
                self._json_items.setdefault(key, []).append(_json_value(key, values[index]))
        last = [self._csv_line(history, rows - 1)] if rows else []
        header = ",".join(self.columns) + "\n"
        atomic_write_bytes(self.run_dir / "history.csv", (header + "".join(self._csv_rows + last)).encode())
        parts = []
        for key, values in history.items():
            items = self._json_items.get(key, []) + ([_json_value(key, values[rows - 1])] if rows else [])
            parts.append(f"{json.dumps(key)}: [{', '.join(items)}]")
        atomic_write_bytes(self.run_dir / "history.json", ("{" + ", ".join(parts) + "}\n").encode())
        if rows:
            save_loss_curves(history, self.run_dir / "loss_curves.png", steps_per_epoch=steps_per_epoch, title=title)

    def _forget_unless_prefix(self, history: Mapping[str, Sequence[float]], rows: int) -> None:
        """Drop the cached text unless the history still begins with the rows it was made from."""
        cached = len(self._csv_rows)
        same = cached == 0 or (cached < rows and set(history) == set(self._json_items)
                               and self._csv_line(history, cached - 1) == self._csv_rows[-1])
        if not same:
            self._csv_rows, self._json_items = [], {}

    def _csv_line(self, history: Mapping[str, Sequence[float]], index: int) -> str:
        cells = []
        for key in self.columns:
            value = history[key][index]
            cells.append(str(int(value)) if key in INTEGER_COLUMNS else ("" if math.isnan(value) else repr(value)))
        return ",".join(cells) + "\n"


def _json_value(key: str, value: float) -> str:
    """As json.dumps writes the value: integers for the counters, null for NaN and infinity."""
    if key in INTEGER_COLUMNS:
        return str(int(value))
    return json.dumps(value if math.isfinite(value) else None)
