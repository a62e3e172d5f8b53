"""The hook that ``minigan.replay.compile`` records a step through (see minigan/replay/capture.py).

While a recorder is active on this thread, ``Function.apply``, the engine's gradient sums and
leaf updates, and the optimizers report what they computed to it. With none active (always,
outside a capture) each hook is one thread-local read.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

__all__ = ["active_recorder", "recording", "step_call"]

_state = threading.local()


def active_recorder() -> Any:
    """The recorder capturing this thread's step, or None."""
    return getattr(_state, "recorder", None)


@contextlib.contextmanager
def recording(recorder: Any) -> Iterator[Any]:
    """Report this thread's work to ``recorder`` inside the block (None: report nothing)."""
    previous = getattr(_state, "recorder", None)
    _state.recorder = recorder
    try:
        yield recorder
    finally:
        _state.recorder = previous


def step_call(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)``; inside a capture it is also recorded, to be called again, with the same
    arguments, at the same point of every replay. For work a step does on raw arrays outside the
    ops (an optimizer's update, WGAN's weight clipping, a moving average of weights)."""
    recorder = active_recorder()
    if recorder is None:
        return function(*args)
    return recorder.call(function, args)
