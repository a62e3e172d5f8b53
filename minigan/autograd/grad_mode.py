"""Grad mode: whether new operations are recorded for backward.

The switch is per thread, as in PyTorch: ``no_grad()`` in one thread leaves recording on in
every other (a thread that loads kernels, say, or a data-loading thread). A new thread starts
with recording on.
"""
from __future__ import annotations

import contextlib
import threading


class _ThreadGradMode(threading.local):
    enabled = True  # each thread's first look sees this class default


_mode = _ThreadGradMode()


def is_grad_enabled() -> bool:
    """True when operations in this thread are being recorded into the graph."""
    return _mode.enabled


class _SetGradEnabled(contextlib.ContextDecorator):
    """Context manager and decorator (``@no_grad()``) that sets recording and restores it after.

    The previous modes are kept on a stack, so one instance may be re-entered (recursion).
    """

    def __init__(self, mode: bool) -> None:
        self.mode = mode
        self.previous: list[bool] = []

    def __enter__(self) -> None:
        self.previous.append(_mode.enabled)
        _mode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self.previous.pop()


class no_grad(_SetGradEnabled):
    """Turn graph recording off in this thread: ``with no_grad(): ...`` or ``@no_grad()``."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(_SetGradEnabled):
    """Turn graph recording on inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__(True)


def set_grad_enabled(mode: bool) -> _SetGradEnabled:
    """``with set_grad_enabled(flag): ...`` records only when ``flag`` is true."""
    return _SetGradEnabled(bool(mode))
