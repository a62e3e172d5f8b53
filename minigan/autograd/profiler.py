"""``torch.autograd.profiler``: where a step's time goes, op by op.

    >>> import minigan as torch
    >>> x = torch.ones(3, 4, requires_grad=True)
    >>> with torch.autograd.profiler.profile(record_shapes=True) as prof:
    ...     with torch.autograd.profiler.record_function("step"):
    ...         (x * x).sum().backward()
    >>> [(e.key, e.count) for e in prof.key_averages()]
    [('step', 1), ('Mul', 3), ('Sum', 1), ('SumBackward', 1), ('Reshape', 1), ('BroadcastTo', 1), ('MulBackward', 1), ('torch::autograd::AccumulateGrad', 1)]
    >>> print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))  # doctest: +SKIP

What it records, in the thread that entered the block and no other:

* each op's forward, named after the op (``MatMul``): one range around ``Function.apply``'s
  call of ``forward``, with its inputs' shapes when ``record_shapes=True`` and, with
  ``profile_memory=True``, the bytes of its output;
* each op's backward, named ``MatMulBackward`` (the node's ``grad_fn.name()``), as the engine
  runs it, with its forward's input shapes (those of the gradients it returns); the ops a backward is made of (it is written in Tensor ops) appear inside it, so
  its self time is the time in the backward itself;
* each leaf gradient that ``backward()`` adds into a ``.grad``, named as PyTorch's
  (``torch::autograd::AccumulateGrad``), with the leaf's shape;
* each ``record_function("name")`` block, around whatever ran inside it.

A step replayed by ``minigan.replay.compile`` runs recorded kernels, not ops: the profiler sees
none of them, so a replay is profiled as one range, the ``record_function`` placed around the
call (only the ops of a backward that the replay calls as written, in Tensor ops, show inside
it, with no ``Backward`` range of their own). Its first two calls (the captures) run eagerly and
are profiled op by op.

Outside a ``profile`` block each op pays one thread-local read (``active_profiler()``) and each
backward pass one more. Profiles do not nest within a thread (PyTorch refuses too).
"""
from __future__ import annotations

import contextlib
import threading
import time
from typing import Any, Callable

from .profiler_events import EventList, FunctionEvent, FunctionEventAvg, format_time

__all__ = ["profile", "record_function", "active_profiler", "EventList", "FunctionEvent", "FunctionEventAvg",
           "format_time"]


class _ThreadProfile(threading.local):
    def __init__(self) -> None:
        self.session: _Session | None = None  # the profile running in this thread


_thread = _ThreadProfile()


class _Session:
    """The ranges one profile has seen: ``events`` in the order they opened, ``open`` the ranges
    still open, innermost last. What ``Function.apply`` and the engine call while it runs."""

    def __init__(self, record_shapes: bool, profile_memory: bool) -> None:
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.thread = threading.get_ident()
        self.events: list[FunctionEvent] = []
        self.open: list[FunctionEvent] = []

    def begin(self, name: str, shapes: list[list[int]] | None = None, annotation: bool = False) -> FunctionEvent:
        parent = self.open[-1] if self.open else None
        event = FunctionEvent(len(self.events), name, self.thread, 0, input_shapes=shapes or [],
                              is_user_annotation=annotation, cpu_parent=parent)
        if parent is not None:
            parent.cpu_children.append(event)
        self.events.append(event)
        self.open.append(event)
        event.start_ns = time.perf_counter_ns()
        return event

    def end(self, event: FunctionEvent, nbytes: int = 0) -> None:
        """Close ``event``; ``nbytes`` (the op's output) counts in it and in every range around it."""
        event.end_ns = time.perf_counter_ns()
        while self.open and self.open.pop() is not event:
            pass  # a range left open inside this one (an exception) closes with it
        while nbytes and event is not None:
            event.cpu_memory_usage += nbytes
            event = event.cpu_parent

    def forward(self, function: type, ctx: Any, tensors: tuple[Any, ...], options: dict[str, Any]) -> Any:
        """``function.forward`` on the tensors' arrays, timed as one range named after the op."""
        shapes = [list(t.shape) for t in tensors] if self.record_shapes else None
        event = self.begin(function.__name__, shapes)
        data = None
        try:
            data = function.forward(ctx, *(t.array for t in tensors), **options)
        finally:
            self.end(event, int(getattr(data, "nbytes", 0)) if self.profile_memory else 0)
        return data


class _BackwardTimer:
    """The engine's tracer while a profile runs: each backward call timed as ``<Op>Backward``,
    passed on to ``minigan.trace()``'s tracer when a trace is active too."""

    def __init__(self, session: _Session, inner: Any) -> None:
        self.session = session
        self.inner = inner

    def start(self) -> None:
        if self.inner is not None:
            self.inner.start()

    def finish(self) -> None:
        if self.inner is not None:
            self.inner.finish()

    def leaf(self, tensor: Any, grad: Any) -> None:
        if self.inner is not None:
            self.inner.leaf(tensor, grad)

    def backward(self, ctx: Any, grad: Any) -> Any:
        shapes = [list(t.shape) for t in ctx.inputs] if self.session.record_shapes else None  # its forward's
        event = self.session.begin(ctx.function.__name__ + "Backward", shapes)
        try:
            return (ctx.function.backward if self.inner is None else self.inner.backward)(ctx, grad)
        finally:
            self.session.end(event)


def timed_accumulation(accumulate: Callable[..., None], leaf: Any, *args: Any) -> None:
    """``accumulate(leaf, *args)``, which adds a gradient into ``leaf.grad``: timed as PyTorch's
    ``torch::autograd::AccumulateGrad`` range when a profile runs in this thread."""
    session = _thread.session
    if session is None:
        accumulate(leaf, *args)
        return
    event = session.begin("torch::autograd::AccumulateGrad", [list(leaf.shape)] if session.record_shapes else None)
    try:
        accumulate(leaf, *args)
    finally:
        session.end(event)


def active_profiler() -> _Session | None:
    """The profile running in this thread (``Function.apply`` times its forward through it), or None."""
    return _thread.session


def timed_backward(tracer: Any) -> Any:
    """What the engine calls ``backward`` through for one pass: ``tracer`` (``minigan.trace()``'s,
    or None) when no profile runs in this thread, else a stand-in that times each call."""
    session = _thread.session
    return tracer if session is None else _BackwardTimer(session, tracer)


class profile:
    """``with profile() as prof:`` records the ranges run in this thread inside the block (see the
    module docstring); then ``prof.key_averages()``, ``prof.events()``, ``prof.table()`` and
    ``prof.export_chrome_trace(path)`` read them. ``enabled=False`` records nothing."""

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device: str | None = None,
                 record_shapes: bool = False, profile_memory: bool = False, with_stack: bool = False,
                 with_flops: bool = False, with_modules: bool = False, use_cpu: bool = True) -> None:
        for flag, value, what in (("use_cuda", use_cuda, "GPU time"), ("with_stack", with_stack, "Python stacks"),
                                  ("with_flops", with_flops, "FLOP counts"), ("with_modules", with_modules,
                                                                                 "module hierarchies")):
            if value:
                raise NotImplementedError(f"profile: {flag}=True ({what}) is not supported; minigan's profiler "
                                          "records CPU time, shapes and memory")
        if use_device not in (None, "cpu"):
            raise NotImplementedError(f"profile: use_device={use_device!r} is not supported; it records the CPU")
        if not use_cpu:
            raise NotImplementedError("profile: use_cpu=False leaves nothing to record; minigan records the CPU")
        self.enabled = bool(enabled)
        self.record_shapes = bool(record_shapes)
        self.profile_memory = bool(profile_memory)
        self._session: _Session | None = None
        self._running = False
        self._events: EventList | None = None

    def __enter__(self) -> "profile":
        if not self.enabled:
            return self
        if self._running:
            raise RuntimeError("profile: this profiler is already running")
        if _thread.session is not None:
            raise RuntimeError("profile: a profiler is already enabled on this thread; profiles do not nest")
        self._session = _Session(self.record_shapes, self.profile_memory)
        self._running = True
        self._events = None
        _thread.session = self._session
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self.enabled or not self._running:
            return
        if _thread.session is self._session:
            _thread.session = None
        self._running = False
        session = self._session
        now = time.perf_counter_ns()
        for event in session.open:  # ranges still open (an exception): they end here
            event.end_ns = now
        session.open.clear()

    def _finished(self, what: str) -> EventList:
        if self._running:
            raise RuntimeError(f"profile: {what} needs the profiler to have finished; leave the with block first")
        if self._events is None:
            events = self._session.events if self._session is not None else []
            self._events = EventList(events, self.profile_memory)
        return self._events

    def events(self) -> EventList:
        """Every range, in the order they opened."""
        return self._finished("events()")

    @property
    def function_events(self) -> EventList:
        return self._finished("function_events")

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0) -> EventList:
        """The events added up per name (per name and input shapes with ``group_by_input_shape``;
        shapes exist only when the profile had ``record_shapes=True``)."""
        if group_by_stack_n:
            raise NotImplementedError("key_averages: group_by_stack_n needs Python stacks, which minigan does not record")
        return self._finished("key_averages()").key_averages(group_by_input_shape)

    def table(self, sort_by: str | None = None, row_limit: int = 100, **options: Any) -> str:
        """The events' table, ungrouped (``key_averages().table()`` groups them)."""
        return self._finished("table()").table(sort_by=sort_by, row_limit=row_limit, **options)

    def total_average(self) -> FunctionEventAvg:
        return self._finished("total_average()").total_average()

    @property
    def self_cpu_time_total(self) -> float:
        """The time, in microseconds, spent in all ranges (each range's self time, summed)."""
        return self._finished("self_cpu_time_total").self_cpu_time_total

    def export_chrome_trace(self, path: Any) -> None:
        """The events as Chrome trace JSON at ``path`` (see :meth:`EventList.export_chrome_trace`)."""
        self._finished("export_chrome_trace()").export_chrome_trace(path)

    def __str__(self) -> str:
        return self.key_averages().table() if not self._running else "<profile running>"


class record_function(contextlib.ContextDecorator):
    """``with record_function("name"):`` makes the block one named range in the running profile
    (nothing when none runs); as a decorator, each call of the function is one. ``args``, a
    string, is kept as the range's argument, as PyTorch's."""

    def __init__(self, name: str, args: str | None = None) -> None:
        if not isinstance(name, str):
            raise TypeError(f"record_function: name must be a str, got {type(name).__name__}")
        self.name = name
        self.args = args
        self._opened = threading.local()  # per thread, the ranges this object opened (a decorator recurses)

    def __enter__(self) -> "record_function":
        session = _thread.session
        if not hasattr(self._opened, "ranges"):
            self._opened.ranges = []
        self._opened.ranges.append(None if session is None else (session, session.begin(self.name, annotation=True)))
        return self

    def __exit__(self, *exc: Any) -> None:
        opened = self._opened.ranges.pop()
        if opened is not None and opened[1].end_ns == 0:
            opened[0].end(opened[1])

