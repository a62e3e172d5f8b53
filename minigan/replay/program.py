"""A checked capture, replayed (see capture.py for what is recorded and checked).

:class:`Program` turns the recorded steps into a list of closures over a list of slots, once:

- the fused ops that minigan/replay/kernels.py knows (the Linear+activation, BatchNorm+activation
  and BCE-with-logits ops, dropout) run their kernels on the slots' arrays directly, forward and
  backward, with no Context or Tensor; where the backend takes ``out=`` arrays (the Numba CPU
  backend), each writes into a buffer allocated once here, and the activation's backward writes
  into its incoming gradient's buffer when nothing later reads that gradient;
- the small ops of the losses that minigan/replay/pointwise.py knows (Add, Sub, Mul, Neg, Mean,
  ReLU) run their ``Function.forward`` on the slots and their backward on arrays, with no Tensor;
- every other op runs its ``Function.forward`` on the slots and its ``Function.backward`` on thin
  Tensors wrapping them, under no recording, as the engine runs it;
- the engine's gradient sums write into a buffer of their own; a parameter that has no gradient
  is handed a Tensor over its gradient's buffer, the same Tensor on every replay;
- an array a step made fresh is let go of after the last step that reads it (an op's Context
  after its backward), as the eager step frees it, so a replay holds no more at once than the
  eager step does.

So the gradients and buffers of one replay are overwritten by the next, as a replayed CUDA
graph's are: a step that must keep last step's ``.grad`` keeps a copy. A parameter still holding
the previous replay's gradient (no ``zero_grad``, or ``zero_grad(set_to_none=False)``) is given a
copy of it before the replay starts, so gradients still add up as in the eager step (not needed,
and not checked, for a parameter the step's own ``zero_grad()`` clears before its buffer is
written). The step's outputs are returned as copies. The buffers are this program's: one
compiled step is called from one thread at a time.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from minigan.autograd import Context, Tensor, set_grad_enabled

from .capture import Recorder, persistent
from . import kernels, pointwise
from .kernels import FORWARDS, Buffers

BACKWARDS = {**kernels.BACKWARDS, **pointwise.BACKWARDS}

__all__ = ["Program"]


class Program:
    """A checked capture, replayed: see the module docstring."""

    def __init__(self, first: Recorder, second: Recorder) -> None:
        self.template: list[Any] = [None] * len(second.values)
        self.persistent: list[tuple[int, Tensor]] = []
        for slot, (tensor, _) in second.constants.items():
            if persistent(first, second, slot):
                self.persistent.append((slot, tensor))
            else:
                self.template[slot] = second.values[slot]
        self.inputs = list(second.inputs)
        self.outputs = list(second.outputs)
        self.steps = list(second.steps)
        # (parameter, [the Tensor over its gradient's buffer]); while building, the step that first writes it too
        self.lent: list[Any] = []
        buffers = Buffers(second.values, self.steps, self.outputs, fixed=set(second.inputs) | set(second.constants))
        self.buffers = buffers
        forwards = {step[6]: step for step in self.steps if step[0] == "function"}
        self.code = [self._compiled(i, step, buffers, forwards) for i, step in enumerate(self.steps)]
        for slot, array in buffers.owned.items():
            self.template[slot] = array
        self.code = [_releasing(run, dead) if dead else run
                     for run, dead in zip(self.code, _last_reads(self.steps, buffers))]
        cleared = _cleared(self.steps)
        self.lent = [(leaf, tensor) for leaf, tensor, written in self.lent if not cleared.get(id(leaf), written) < written]

    def replay(self, inputs: Sequence[Any]) -> tuple[Any, ...]:
        for leaf, tensor in self.lent:  # still holding the last replay's gradient: keep a copy of it
            if leaf._grad is tensor[0]:
                leaf._grad = Tensor._make(tensor[0].array.copy(), False, None)
        buf = self.slots(inputs)
        with set_grad_enabled(False):  # as the engine runs backward (the fused ops' fast paths); no forward reads it
            for run in self.code:
                run(buf)
        return tuple(None if slot is None else buf[slot].copy() for slot in self.outputs)

    def slots(self, inputs: Sequence[Any]) -> list[Any]:
        """A replay's list of slots before its first step: the buffers, the constants, the
        parameters' arrays as they are now, and ``inputs`` bound by position."""
        buf = self.template.copy()
        for slot, tensor in self.persistent:
            buf[slot] = tensor.array
        for slot, array in zip(self.inputs, inputs):
            buf[slot] = array
        return buf

    def _compiled(self, index: int, step: tuple[Any, ...], buffers: Buffers,
                  forwards: dict[int, tuple[Any, ...]]) -> Callable[[list[Any]], None]:
        """One recorded step as a function of the slots."""
        kind = step[0]
        if kind == "function":
            make = FORWARDS.get(step[1])
            run = make(step, buffers) if make is not None else None
            return run or _forward(step)
        if kind == "backward":
            forward = forwards[step[1]]
            make = BACKWARDS.get(forward[1])
            run = make(index, forward, step, buffers) if make is not None else None
            return run or _backward(step)
        if kind == "add":
            _, a, b, out = step
            target = buffers.own(out)

            def run(buf: list[Any]) -> None:
                np.add(buf[a], buf[b], out=target)
            return run
        if kind == "add_into":
            _, target, b = step

            def run(buf: list[Any]) -> None:
                buf[target] += buf[b]
            return run
        if kind == "leaf":
            return self._leaf(index, step, buffers)
        _, function, args = step
        return lambda buf: function(*args)

    def _leaf(self, index: int, step: tuple[Any, ...], buffers: Buffers) -> Callable[[list[Any]], None]:
        """As the engine's _accumulate_into_leaf without create_graph; the gradient Tensor it hands
        a parameter wraps a buffer of this program (the gradient's own, or a copy's) and is lent."""
        _, leaf, grad, owned = step
        array = buffers.owned.get(grad) if owned else buffers.scratch(grad)
        if array is not None:
            buffers.lent.add(grad)
        if array is None:  # made afresh by each replay (an op without out= buffers)
            def run(buf: list[Any]) -> None:
                if leaf._grad is None:
                    leaf._grad = Tensor._make(buf[grad] if owned else buf[grad].copy(), False, None)
                else:
                    leaf._grad.array += buf[grad]
            return run
        tensor = [Tensor._make(array, False, None)]
        self.lent.append((leaf, tensor, buffers.made_at.get(grad, len(self.steps)) if owned else index))

        def run(buf: list[Any]) -> None:
            if leaf._grad is None:
                if not owned:
                    np.copyto(array, buf[grad])
                leaf._grad = tensor[0]
            else:
                leaf._grad.array += buf[grad]
        return run


def _last_reads(steps: list[tuple[Any, ...]], buffers: Buffers) -> list[list[int]]:
    """Per step, the slots a replay lets go of after it: each array a step made fresh (not one of
    this program's buffers, nor an input, parameter or constant) after the last step that reads
    it, or after the step that made it when none does; each op's Context after its backward."""
    last = {slot: max(made, buffers.readers.get(slot, -1)) for slot, made in buffers.made_at.items()
            if slot not in buffers.owned and slot not in buffers.fixed}
    for index, step in enumerate(steps):
        if step[0] == "function":
            last.setdefault(step[6], index)
        elif step[0] == "backward":
            last[step[1]] = index  # the backward is its Context's last reader
    dead: list[list[int]] = [[] for _ in steps]
    for slot, index in last.items():
        if index < len(steps):  # the step's outputs are read after its last step
            dead[index].append(slot)
    return dead


def _releasing(run: Callable[[list[Any]], None], dead: list[int]) -> Callable[[list[Any]], None]:
    """``run``, then the slots in ``dead`` let go of."""
    def run_and_release(buf: list[Any]) -> None:
        run(buf)
        for slot in dead:
            buf[slot] = None
    return run_and_release


def _cleared(steps: list[tuple[Any, ...]]) -> dict[int, int]:
    """id(parameter) -> the first step that sets its gradient to None (a recorded
    ``zero_grad(set_to_none=True)`` of an optimizer holding it)."""
    cleared: dict[int, int] = {}
    for index, step in enumerate(steps):
        if step[0] == "call" and getattr(step[1], "__name__", "") == "zero_grad" and step[2] == (True,):
            for group in getattr(getattr(step[1], "__self__", None), "param_groups", ()):
                for param in group["params"]:
                    cleared.setdefault(id(param), index)
    return cleared


def _forward(step: tuple[Any, ...]) -> Callable[[list[Any]], None]:
    """The Function's own forward on the slots, with a Context for its backward."""
    _, cls, options, reads, out, saved, context = step
    forward = cls.forward

    def run(buf: list[Any]) -> None:
        ctx = Context()
        ctx.function, ctx.options = cls, options
        data = forward(ctx, *[buf[i] for i in reads], **options)
        buf[out] = np.asarray(data) if isinstance(data, np.generic) else data
        buf[context] = ctx
        for path, slot in saved:
            buf[slot] = _pick(ctx.saved, path)
    return run


def _backward(step: tuple[Any, ...]) -> Callable[[list[Any]], None]:
    """The Function's own backward, on Tensors wrapping the slots (no graph)."""
    _, context, reads, out, grad, needs, results = step

    def run(buf: list[Any]) -> None:
        ctx = buf[context]
        ctx.inputs = tuple(Tensor._make(buf[i], False, None) for i in reads)
        ctx.needs_input_grad = needs
        output = Tensor._make(buf[out], False, None)
        ctx._output_ref = lambda: output
        grads = ctx.function.backward(ctx, Tensor._make(buf[grad], False, None))
        for slot, g in zip(results, grads):
            if slot is not None:
                buf[slot] = g.array
    return run


def _pick(value: Any, path: tuple[int, ...]) -> Any:
    for i in path:
        value = value[i]
    return value.array if isinstance(value, Tensor) else value
