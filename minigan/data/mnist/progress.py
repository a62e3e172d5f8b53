"""What the source chain tells the user on stderr: one-line notes and download progress."""
from __future__ import annotations

import sys
import time

__all__ = ["say", "DownloadProgress"]


def say(message: str) -> None:
    """Print one line on stderr at once (stdout stays free for a program's own output)."""
    print(message, file=sys.stderr, flush=True)


class DownloadProgress:
    """Plain-text download progress on stderr; redraws with ``\\r`` only on a terminal."""

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        self.tty = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.last = 0.0
        if enabled and not self.tty:
            say(f"  downloading {label} ({total / 1e6:.1f} MB)")

    def update(self, done: int) -> None:
        now = time.monotonic()
        if self.tty and now - self.last > 0.1:
            self.last = now
            pct = 100 * done / self.total if self.total else 0
            sys.stderr.write(f"\r  {self.label}: {pct:3.0f}% {done / 1e6:.1f}/{self.total / 1e6:.1f} MB")
            sys.stderr.flush()

    def finish(self, done: int) -> None:
        if not self.enabled:
            return
        line = f"  {self.label}: {done / 1e6:.1f} MB in {time.monotonic() - self.start:.1f} s"
        if self.tty:
            sys.stderr.write("\r" + line + "\033[K\n")
            sys.stderr.flush()
        else:
            say(line)
