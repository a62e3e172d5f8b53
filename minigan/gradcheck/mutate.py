"""``python -m minigan.gradcheck --mutate``: test the checker by breaking every backward on purpose.

Mutation testing (as mutmut and cosmic-ray do for test suites), aimed at the gradient checks.
Each fault is injected into one Function's ``backward``, one at a time, by swapping the
class's static method for a wrapper inside try/finally (the engine is not touched). Then the
checks that exercise that backward are run; a fault is *caught* when a check fails or
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
reduction a broadcast input). A first pass runs every row of the table with every backward
traced but the finite differences left out (they are most of the cost; the backwards run where
the checks compare gradients), and finds the rows where each fault applies. Each fault is then
checked on those rows alone, first order first, until one fails; that row counts only if it
passes without the fault. Exit status 1 if a check raises without a fault, a catching check
fails without one, or any fault survives (``python -m minigan.gradcheck`` runs the whole table).
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
from .rows import Row, planned_rows
from .. import gradcheck as checker

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
@dataclass(frozen=True)
class _Check:
    """One row of the table, to be run alone: it starts from the generator state it had in the table."""

    row: Row
    rng_state: dict[str, Any]

    def fails(self) -> str | None:
        """What went wrong in this check, or None when it passes."""
        rng = np.random.default_rng()
        rng.bit_generator.state = self.rng_state
        try:
            result = self.row.run(rng)
        except Exception as error:  # a fault that makes backward raise is caught too
            return f"raised {type(error).__name__}: {error}"
        return None if result.ok else f"{self.row.label} {self.row.layout} {self.row.shapes}: {result.message}"


@dataclass
class _Trace:
    """The rows of the table, and in which of them each fault changes a gradient (unmutated)."""

    checks: list[_Check] = field(default_factory=list)
    rows_for: dict[Fault, list[int]] = field(default_factory=lambda: defaultdict(list))

    def note(self, fault: Fault) -> None:
        rows = self.rows_for[fault]
        if not rows or rows[-1] != len(self.checks) - 1:
            rows.append(len(self.checks) - 1)

    def cases_for(self, fault: Fault) -> list[str]:
        return list(dict.fromkeys(self.checks[i].row.case.name for i in self.rows_for[fault]))

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


@contextlib.contextmanager
def _finite_differences_skipped() -> Iterator[None]:
    """Every function value the checks' finite differences ask for is 0.0: the backwards still run
    wherever a check compares gradients, at a small part of the cost (the verdicts mean nothing)."""
    original = checker._output_value
    checker._output_value = lambda fn, inputs: np.zeros(())
    try:
        yield
    finally:
        checker._output_value = original


def trace_faults(cases: Sequence[OpCase], seed: int = 0, gradgrad: bool = True) -> tuple[_Trace, list[str]]:
    """Run the backwards of every row unmutated and traced: where each fault applies, and the cases
    whose checks raise even without a fault (which would make the mutation run meaningless)."""
    trace = _Trace()
    failing = []
    with contextlib.ExitStack() as stack:
        for function in function_classes():
            if "backward" in vars(function):
                stack.enter_context(_backward_replaced(function, trace.tracer(function)))
        stack.enter_context(_finite_differences_skipped())
        for case in cases:
            rng = np.random.default_rng(seed)  # as the table draws them: the rows can then run alone
            for row in planned_rows(case, gradgrad):
                trace.checks.append(_Check(row, rng.bit_generator.state))
                try:
                    row.run(rng)
                except Exception as error:
                    failing.append(f"{case.name}: raised {type(error).__name__}: {error}")
                    break
    return trace, failing


def _rows_to_try(fault: Fault, hunt: _Trace, cases: list[str]) -> Iterator[int]:
    """The rows whose backwards the fault changes, first order first; then the other rows of its
    cases (a dropped reduction can change a recorded graph and no value). Lazily: the first rows
    nearly always catch it, so the walk over the whole table for the rest is seldom needed."""
    firing = sorted(hunt.rows_for.get(fault, []), key=lambda i: (hunt.checks[i].row.label == "gradgrad", i))
    yield from firing
    tried, names = set(firing), set(cases)
    yield from (i for i, check in enumerate(hunt.checks) if check.row.case.name in names and i not in tried)


def _first_catch(fault: Fault, hunt: _Trace, cases: list[str]) -> int | None:
    """The first row to try that fails or raises with the fault injected (None: it survives)."""
    for i in _rows_to_try(fault, hunt, cases):
        with _backward_replaced(fault.function, lambda original: _faulty_backward(fault, original)):
            if hunt.checks[i].fails() is not None:
                return i
    return None


def _meaningless(failing: list[str], out: Any) -> int:
    print("the checks fail without any fault injected, so the mutation run means nothing:", file=out)
    for line in failing:
        print(f"  {line}", file=out)
    return 1


# ------------------------------------------------------------------------- the run
def run_mutants(cases: Sequence[OpCase], seed: int = 0, gradgrad: bool = True, out: Any = None) -> int:
    """Inject every applicable fault, one at a time; print caught/total per kind; 1 if any survives.

    Where each fault applies is found with every check; ``gradgrad=False`` then leaves the
    second-order checks out of the hunt, to show what they alone catch. A check that fails
    with the fault counts only if it passes without it.
    """
    out = out if out is not None else sys.stdout
    start = time.perf_counter()
    applicable, failing = trace_faults(cases, seed)
    hunt, hunt_failing = (applicable, []) if gradgrad else trace_faults(cases, seed, gradgrad=False)
    if failing or hunt_failing:
        return _meaningless(failing + hunt_failing, out)
    unmutated: dict[int, str | None] = {}  # the rows that caught a fault, run without it
    caught: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    survivors = []
    for fault in sorted(applicable.rows_for, key=lambda f: (f.function.__qualname__, f.kind, f.position or 0)):
        total[fault.kind] += 1
        row = _first_catch(fault, hunt, applicable.cases_for(fault))
        if row is None:
            survivors.append(f"{fault} (checked by {', '.join(applicable.cases_for(fault))})")
            continue
        if row not in unmutated:
            unmutated[row] = hunt.checks[row].fails()
        if unmutated[row] is not None:
            return _meaningless([f"{hunt.checks[row].row.case.name}: {unmutated[row]}"], out)
        caught[fault.kind] += 1
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
