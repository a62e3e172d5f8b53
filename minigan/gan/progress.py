"""The trainer's progress bar: one line redrawn in place on a terminal, log lines between."""
from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """A one-line progress bar on a terminal; nothing but the log lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        try:
            self.live = bool(stream.isatty())
        except (AttributeError, ValueError):
            self.live = False
        self.drawn = False

    def line(self, text: str) -> None:
        if self.live and self.drawn:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.drawn = False
        self.stream.flush()

    def bar(self, epoch: int, epochs: int, done: int, total: int, started: float) -> None:
        if not self.live:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        elapsed = time.perf_counter() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        self.stream.write(f"\r\033[Kepoch {epoch}/{epochs} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{done}/{total} {rate:.1f} it/s eta {eta:.0f}s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.live and self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False

