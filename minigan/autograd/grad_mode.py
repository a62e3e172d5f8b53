"""Grad mode: whether new operations are recorded for backward.

The switch is per thread, as in PyTorch: ``no_grad()`` in one thread leaves recording on in
every other (a thread that loads kernels, say, or a data-loading thread). A new thread starts
with recording on.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable


class _ThreadGradMode(threading.local):
    enabled = True  # each thread's first look sees this class default
    inference = False  # inside inference_mode()


_mode = _ThreadGradMode()


def is_grad_enabled() -> bool:
    """True when operations in this thread are being recorded into the graph."""
    return _mode.enabled


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()`` (and not inside an ``inference_mode(False)`` within it), in this thread."""
    return _mode.inference


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


class _NoArgumentMode(_SetGradEnabled):
    """A mode that needs no argument, so it may also decorate bare: ``@no_grad`` as ``@no_grad()``."""

    mode_value = False

    def __new__(cls, function: Any = None) -> Any:
        if not callable(function):
            return super().__new__(cls)
        return cls()(function)  # used as @no_grad without parentheses

    def __init__(self, function: Callable[..., Any] | None = None) -> None:
        super().__init__(self.mode_value)


class no_grad(_NoArgumentMode):
    """Turn graph recording off in this thread: ``with no_grad(): ...``, ``@no_grad()`` or ``@no_grad``."""

    mode_value = False


class enable_grad(_NoArgumentMode):
    """Turn graph recording on inside a ``no_grad`` block (also ``@enable_grad``)."""

    mode_value = True


class set_grad_enabled(_SetGradEnabled):
    """Record only when ``mode`` is true, as PyTorch's: called as a function it switches this
    thread's mode at once; as ``with set_grad_enabled(mode):`` the mode before it comes back at the
    end of the block; as a decorator it switches only while the function runs."""

    def __init__(self, mode: bool) -> None:
        super().__init__(bool(mode))
        self.before_call = _mode.enabled
        _mode.enabled = self.mode  # the function form: from now on

    def __enter__(self) -> None:
        if self.before_call is not None:  # the with form of the call just made: restore what it replaced
            self.previous.append(self.before_call)
            self.before_call = None
            _mode.enabled = self.mode
        else:
            super().__enter__()

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        if self.before_call is not None:  # a decorator changes nothing until its function is called
            _mode.enabled, self.before_call = self.before_call, None
        return super().__call__(function)


class inference_mode(_NoArgumentMode):
    """``torch.inference_mode``: recording off (on with ``mode=False``), as :class:`no_grad`, also as
    ``@inference_mode``. Tensors made inside are ordinary tensors; minigan has no separate inference
    tensors."""

    def __init__(self, mode: bool = True) -> None:
        _SetGradEnabled.__init__(self, not mode)
        self.inference = bool(mode)
        self.previous_inference: list[bool] = []

    def __enter__(self) -> None:
        self.previous_inference.append(_mode.inference)
        _mode.inference = self.inference
        super().__enter__()

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        _mode.inference = self.previous_inference.pop()
