"""``python -m minigan.gradcheck --mutate``: test the checker by breaking every backward on purpose.

Mutation testing (as mutmut and cosmic-ray do for test suites), aimed at the gradient checks.
Each fault is injected into one Function's ``backward``, one at a time, by swapping the
class's static method for a wrapper inside try/finally (the engine is not touched). Then the
cases that exercise that backward are checked; a fault is *caught* when a check fails or
raises. The fault kinds:

* ``scaled``               - one input's gradient times 1.001;
* ``scaled_when_recorded`` - the same, but only while the backward pass is being recorded
                             (``create_graph=True``): a wrong double-backward path;
* ``swapped``              - the gradients of the first two inputs exchanged;
* ``transposed``           - one input's gradient with its last two axes swapped;
* ``dropped_reduction``    - ``unbroadcast`` keeps the first slice of each broadcast axis
                             instead of summing over it.

A fault only counts where it changes a gradient somewhere in the checks (a swap needs two
different gradients of one shape, a transpose a square one that is not symmetric, a dropped
reduction a broadcast input); a first pass over all cases, with every backward traced, finds
where each one applies. Exit status 1 if the unmutated checks fail or any fault survives.
"""
from __future__ import annotations

import contextlib
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from ..backends import to_numpy
from ..autograd import Tensor, is_grad_enabled, unbroadcast
from ..autograd.function import Function
from .opcase import OpCase
from .coverage import function_classes
from .rows import case_rows

SCALE = 1.001
FAULT_KINDS = ("scaled", "scaled_when_recorded", "swapped", "transposed", "dropped_reduction")


@dataclass(frozen=True)
class Fault:
    function: type[Function]
    kind: str
    position: int | None = None  # the input whose gradient is changed (None: swapped, dropped_reduction)

    def __str__(self) -> str:
        where = "" if self.position is None else f" (input {self.position})"
        return f"{self.function.__qualname__}: {self.kind}{where}"


# ------------------------------------------------------------------------- the faults
def _fires(kind: str, position: int | None, grads: Sequence[Tensor | None]) -> bool:
    """Whether this fault would change these gradients (faults that change nothing are not counted)."""
    if kind in ("scaled", "scaled_when_recorded"):
        g = grads[position]
        return g is not None and bool(np.any(to_numpy(g.array) != 0)) and (kind == "scaled" or is_grad_enabled())
    if kind == "swapped":
        a, b = grads[0], grads[1]
        return a is not None and b is not None and a.shape == b.shape and not np.array_equal(to_numpy(a.array), to_numpy(b.array))
    if kind == "transposed":
        g = grads[position]
        return (g is not None and g.ndim >= 2 and g.shape[-1] == g.shape[-2]
                and not np.array_equal(to_numpy(g.array), np.swapaxes(to_numpy(g.array), -1, -2)))
    raise ValueError(f"unknown fault kind {kind!r}")


def _swap_last_axes(g: Tensor) -> Tensor:
    return g.transpose(-1, -2)


def _apply(kind: str, position: int | None, grads: tuple[Tensor | None, ...]) -> tuple[Tensor | None, ...]:
    if not _fires(kind, position, grads):
        return grads
    changed = list(grads)
    if kind == "swapped":
        changed[0], changed[1] = grads[1], grads[0]
    elif kind == "transposed":
        changed[position] = _swap_last_axes(grads[position])
    else:
        changed[position] = grads[position] * SCALE
    return tuple(changed)


def _first_slice_index(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> tuple[Any, ...]:
    """Where unbroadcast would sum: index 0 of each prepended axis and 0:1 of each stretched one."""
    extra = len(grad_shape) - len(shape)
    return (0,) * extra + tuple(
        slice(0, 1) if n == 1 and grad_shape[extra + i] != 1 else slice(None) for i, n in enumerate(shape))


def _unbroadcast_without_sum(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """The dropped-reduction fault: the right shape, but the first slice instead of the sum."""
    if grad.shape == tuple(shape):
        return grad
    return grad[_first_slice_index(grad.shape, tuple(shape))].reshape(shape)


@contextlib.contextmanager
def _unbroadcast_replaced(function: type[Function], replacement: Callable[..., Tensor]) -> Iterator[bool]:
    """Swap the ``unbroadcast`` that ``function``'s module calls; yields False if it calls none."""
    module = sys.modules[function.__module__]
    original = getattr(module, "unbroadcast", None)
    if original is None:
        yield False
        return
    module.unbroadcast = replacement
    try:
        yield True
    finally:
        module.unbroadcast = original


def _faulty_backward(fault: Fault, original: Callable[..., Any]) -> Callable[..., Any]:
    def backward(ctx: Any, grad: Tensor) -> tuple[Tensor | None, ...]:
        if fault.kind == "dropped_reduction":
            with _unbroadcast_replaced(fault.function, _unbroadcast_without_sum):
                return original(ctx, grad)
        return _apply(fault.kind, fault.position, original(ctx, grad))

    return backward


@contextlib.contextmanager
def _backward_replaced(function: type[Function], make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Iterator[None]:
    """Temporarily replace ``function.backward`` (a static method) with ``make(original)``."""
    original = vars(function)["backward"]
    function.backward = staticmethod(make(original.__func__))
    try:
        yield
    finally:
        function.backward = original


# ------------------------------------------------------------------------- finding where faults apply
@dataclass
class _Trace:
    """Which faults change a gradient in which cases, found on the unmutated checks."""

    cases_for: dict[Fault, list[str]] = field(default_factory=lambda: defaultdict(list))
    current_case: str = ""

    def note(self, fault: Fault) -> None:
        cases = self.cases_for[fault]
        if not cases or cases[-1] != self.current_case:
            cases.append(self.current_case)

    def _recording_unbroadcast(self, function: type[Function]) -> Callable[..., Tensor]:
        """The real unbroadcast, noting where dropping its sum would change the result."""

        def recording(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
            summed = unbroadcast(grad, shape)
            if grad.shape != tuple(shape):
                first = to_numpy(grad.array)[_first_slice_index(grad.shape, tuple(shape))].reshape(shape)
                if not np.array_equal(first, to_numpy(summed.array)):
                    self.note(Fault(function, "dropped_reduction"))
            return summed

        return recording

    def _note_faults_that_fire(self, function: type[Function], grads: tuple[Tensor | None, ...]) -> None:
        for kind in ("scaled", "scaled_when_recorded", "transposed"):
            for position in range(len(grads)):
                if _fires(kind, position, grads):
                    self.note(Fault(function, kind, position))
        if len(grads) >= 2 and _fires("swapped", None, grads):
            self.note(Fault(function, "swapped"))

    def tracer(self, function: type[Function]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """For ``_backward_replaced``: the real backward, traced."""

        def make(original: Callable[..., Any]) -> Callable[..., Any]:
            def backward(ctx: Any, grad: Tensor) -> tuple[Tensor | None, ...]:
                with _unbroadcast_replaced(function, self._recording_unbroadcast(function)):
                    grads = original(ctx, grad)
                self._note_faults_that_fire(function, grads)
                return grads

            return backward

        return make


def _case_fails(case: OpCase, seed: int, gradgrad: bool = True) -> str | None:
    """The first failing check of a case, described, or None when all pass."""
    try:
        for label, layout, shapes, result in case_rows(case, seed, gradgrad):
            if not result.ok:
                return f"{label} {layout} {shapes}: {result.message}"
    except Exception as error:  # a fault that makes backward raise is caught too
        return f"raised {type(error).__name__}: {error}"
    return None


def trace_faults(cases: Sequence[OpCase], seed: int = 0) -> tuple[dict[Fault, list[str]], list[str]]:
    """Run every case's checks unmutated with every backward traced: where each fault applies,
    and the cases that fail even without a fault (which would make the mutation run meaningless)."""
    trace = _Trace()
    failing = []
    with contextlib.ExitStack() as stack:
        for function in function_classes():
            if "backward" in vars(function):
                stack.enter_context(_backward_replaced(function, trace.tracer(function)))
        for case in cases:
            trace.current_case = case.name
            problem = _case_fails(case, seed)
            if problem is not None:
                failing.append(f"{case.name}: {problem}")
    return dict(trace.cases_for), failing


# ------------------------------------------------------------------------- the run
def run_mutants(cases: Sequence[OpCase], seed: int = 0, gradgrad: bool = True, out: Any = None) -> int:
    """Inject every applicable fault, one at a time; print caught/total per kind; 1 if any survives.

    Where each fault applies is found with every check; ``gradgrad=False`` then leaves the
    second-order checks out of the hunt, to show what they alone catch.
    """
    out = out if out is not None else sys.stdout
    start = time.perf_counter()
    by_name = {case.name: case for case in cases}
    applicable, failing = trace_faults(cases, seed)
    if failing:
        print("the checks fail without any fault injected, so the mutation run means nothing:", file=out)
        for line in failing:
            print(f"  {line}", file=out)
        return 1
    caught: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    survivors = []
    for fault in sorted(applicable, key=lambda f: (f.function.__qualname__, f.kind, f.position or 0)):
        total[fault.kind] += 1
        with _backward_replaced(fault.function, lambda original, fault=fault: _faulty_backward(fault, original)):
            found = any(_case_fails(by_name[name], seed, gradgrad) is not None for name in applicable[fault])
        if found:
            caught[fault.kind] += 1
        else:
            survivors.append(f"{fault} (checked by {', '.join(applicable[fault])})")
    _print_table(caught, total, survivors, time.perf_counter() - start, out)
    return 1 if survivors else 0


def _print_table(caught: dict[str, int], total: dict[str, int], survivors: list[str], seconds: float, out: Any) -> None:
    header = f"{'fault':<22} {'caught':>7} {'total':>7}"
    print(header, file=out)
    print("-" * len(header), file=out)
    for kind in FAULT_KINDS:
        print(f"{kind:<22} {caught[kind]:>7} {total[kind]:>7}", file=out)
    print("-" * len(header), file=out)
    print(f"{'all':<22} {sum(caught.values()):>7} {sum(total.values()):>7}", file=out)
    for line in survivors:
        print(f"SURVIVED  {line}", file=out)
    verdict = "every fault was caught" if not survivors else f"{len(survivors)} fault(s) survived"
    print(f"\n{verdict} ({seconds:.1f} s)", file=out)


__all__ = ["FAULT_KINDS", "SCALE", "Fault", "trace_faults", "run_mutants"]
