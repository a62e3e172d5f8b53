"""Ctrl-C (SIGINT) and a job scheduler's stop (SIGTERM, also what ``timeout`` sends) end a
program the same way: as an :class:`Interrupted` exception that says which signal it was, so
that the program can save its work and exit with status 128 + the signal's number (130, 143).

It lives in the GAN layer because the trainer saves a checkpoint on either signal; the programs
take it from :mod:`minigan.cli`, which passes it on.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from typing import Any, Callable, Iterator

__all__ = ["Interrupted", "exit_status", "raise_interrupted", "handling_stop_signals", "STOP_SIGNALS"]

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A stop signal arrived. A KeyboardInterrupt, so code that handles Ctrl-C handles SIGTERM too."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        self.signum = int(signum)
        super().__init__(signal.Signals(self.signum).name)


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """128 + the signal's number, as a shell reports a process ended by it (Ctrl-C: 130)."""
    return 128 + getattr(interrupt, "signum", signal.SIGINT)


def raise_interrupted(signum: int, frame: Any) -> None:
    """A signal handler that turns SIGINT and SIGTERM alike into :class:`Interrupted`."""
    raise Interrupted(signum)


@contextlib.contextmanager
def handling_stop_signals(handler: Callable[[int, Any], None]) -> Iterator[None]:
    """Run ``handler`` on SIGINT and SIGTERM while inside; the previous handlers come back after.

    Signal handlers can only be set from the main thread; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old if old is not None else signal.SIG_DFL)
