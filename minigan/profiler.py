"""``torch.profiler``: the newer spelling of ``torch.autograd.profiler`` (minigan/autograd/profiler.py).

    >>> import minigan as torch
    >>> from minigan.profiler import ProfilerActivity, profile, record_function
    >>> with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    ...     with record_function("step"):
    ...         (torch.ones(3, requires_grad=True) * 2.0).sum().backward()
    >>> prof.key_averages()[0].key
    'step'

``profile`` records the same events as ``torch.autograd.profiler.profile`` (each op's forward and
backward, each ``record_function`` range, in this thread only); only the CPU activity exists.
``prof.step()`` is accepted and, with no ``schedule`` (the only form minigan has), does nothing.
"""
from __future__ import annotations

import enum
from typing import Any, Iterable

from .autograd import profiler as _autograd_profiler
from .autograd.profiler import record_function
from .autograd.profiler_events import EventList

__all__ = ["ProfilerActivity", "profile", "record_function", "EventList"]


class ProfilerActivity(enum.Enum):
    """What a profile records; minigan records the CPU only."""

    CPU = "CPU"
    CUDA = "CUDA"


class profile(_autograd_profiler.profile):
    """``with profile(activities=[ProfilerActivity.CPU], record_shapes=..., profile_memory=...) as prof``:
    see the module docstring. ``start()`` and ``stop()`` are the block's two ends."""

    def __init__(self, *, activities: Iterable[ProfilerActivity] | None = None, schedule: Any = None,
                 on_trace_ready: Any = None, record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False, with_modules: bool = False) -> None:
        chosen = list(activities) if activities is not None else [ProfilerActivity.CPU]
        for activity in chosen:
            if not isinstance(activity, ProfilerActivity):
                raise TypeError(f"profile: activities must hold ProfilerActivity members, got {activity!r}")
            if activity is not ProfilerActivity.CPU:
                raise NotImplementedError(f"profile: {activity} is not supported; minigan profiles the CPU only")
        if schedule is not None or on_trace_ready is not None:
            raise NotImplementedError("profile: schedule and on_trace_ready are not supported; profile the steps "
                                      "you want inside the block and call prof.export_chrome_trace(path) after")
        super().__init__(enabled=bool(chosen), record_shapes=record_shapes, profile_memory=profile_memory,
                         with_stack=with_stack, with_flops=with_flops, with_modules=with_modules)
        self.activities = set(chosen)
        self.step_num = 0

    def start(self) -> None:
        self.__enter__()

    def stop(self) -> None:
        self.__exit__(None, None, None)

    def step(self) -> None:
        """Count one step (``prof.step_num``); without a schedule nothing else changes."""
        self.step_num += 1
