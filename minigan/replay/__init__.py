"""``minigan.replay.compile(step)``: run a training step once eagerly while recording its kernel calls,
then replay the recording on later calls (capture.py says what is recorded and checked,
program.py how it is replayed, kernels.py how the fused ops run on preallocated arrays).

The step takes Tensors made from the arrays it is called with (its inputs, bound by position)
and returns a Tensor or a tuple of Tensors (its outputs, returned as arrays). Keyword arguments
are the step's declared Python branches: each value gets its own capture. Random numbers drawn
inside a kernel (dropout) are drawn again by the replay, in the same order; noise drawn in
Python (a batch of z) must come in as an input.

Each new input shape, dtype or keyword value, and each CPU kernel mode, is captured afresh.
The first two calls of each are eager (both are recorded and must agree); a step that cannot be
replayed - ``create_graph`` or ``autograd.grad`` (R1, WGAN-GP), a step that reads values it
computed outside the ops, a branch that went two ways, a device other than the CPU, a hook (a
Module's forward or backward hook, a tensor's ``register_hook`` or post-accumulate hook) - stays
eager for that signature, and says why once through ``log``. A hook registered between two calls
(anywhere: one number, minigan/autograd/hooks.py's ``hooks_registered``, read once per replay) makes
the next call capture again, and say so; a capture that meets the hook then stays eager.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from minigan.autograd import Tensor, recording
from minigan.autograd.hooks import hooks_registered
from minigan.backends import cpu_kernel_mode, matmul_kernel

from .capture import Recorder, differences
from .program import Program

__all__ = ["compile", "Compiled"]

_EAGER = "eager"


def _default_log(text: str) -> None:
    logging.getLogger("minigan.replay").info(text)


class Compiled:
    """A step that is captured on its first calls and replayed after; see the module docstring."""

    def __init__(self, step: Callable[..., Any], *, device: str = "cpu", log: Callable[[str], None] | None = None,
                 name: str | None = None) -> None:
        self.step = step
        self.device = device
        self.log = log or _default_log
        self.name = name or getattr(step, "__name__", "step")
        self.entries: dict[Any, Any] = {}  # signature -> Recorder (one capture so far), Program or _EAGER
        self.replays = 0
        self.hooks = hooks_registered()  # as of the end of the last call

    def __call__(self, *inputs: Any, **branches: Any) -> tuple[Any, ...]:
        key = (tuple(sorted(branches.items())), cpu_kernel_mode(), matmul_kernel(),
               tuple((type(a), a.shape, a.dtype) for a in inputs))
        entry = self.entries.get(key)
        if hooks_registered() != self.hooks:  # the one check a replay pays
            self._forget_replays(key)
            entry = self.entries.get(key)
        if type(entry) is Program:
            self.replays += 1
            return entry.replay(inputs)
        try:
            return self._run(key, entry, inputs, branches)
        finally:  # hooks the step registers itself are seen by its capture
            self.hooks = hooks_registered()

    def _forget_replays(self, key: Any) -> None:
        """A hook was registered since the last call, which a replay would skip: capture again."""
        stale = [k for k, entry in self.entries.items() if type(entry) is Program]
        if stale:
            self._say(key, "a hook was registered after the step was captured: capturing again")
        for k in stale:
            del self.entries[k]
        self.hooks = hooks_registered()

    def _run(self, key: Any, entry: Any, inputs: tuple[Any, ...], branches: dict[str, Any]) -> tuple[Any, ...]:
        """A call that is not a replay: eager, or one of the two captures."""
        if entry is _EAGER:
            return self._eager(inputs, branches)
        if str(self.device) != "cpu":
            return self._give_up(key, f"replay runs on the CPU only (device {self.device})", inputs, branches)
        recorder = Recorder()
        with recording(recorder):
            tensors = [recorder.input(Tensor(a, device=self.device)) for a in inputs]
            outputs = recorder.finish(self.step(*tensors, **branches))
        if entry is None:
            if recorder.problem is not None:
                self._say(key, f"runs eagerly: {recorder.problem}")
                self.entries[key] = _EAGER
            else:
                if any(k[3] != key[3] for k in self.entries):
                    self._say(key, "new input shapes: capturing again")
                self.entries[key] = recorder
            return outputs
        problem = differences(entry, recorder)
        if problem is not None:
            self._say(key, f"runs eagerly: {problem}")
            self.entries[key] = _EAGER
        else:
            self.entries[key] = Program(entry, recorder)
        return outputs

    def _say(self, key: Any, text: str) -> None:
        shapes = ", ".join("x".join(map(str, shape)) for _, shape, _ in key[3])
        branches = ", ".join(f"{k}={v}" for k, v in key[0] if isinstance(v, (bool, int, float, str)))
        self.log(f"compile: {self.name} ({shapes}{'; ' + branches if branches else ''}) {text}")

    def _give_up(self, key: Any, reason: str, inputs: Any, branches: Any) -> tuple[Any, ...]:
        self._say(key, f"runs eagerly: {reason}")
        self.entries[key] = _EAGER
        return self._eager(inputs, branches)

    def _eager(self, inputs: Any, branches: Any) -> tuple[Any, ...]:
        result = self.step(*[Tensor(a, device=self.device) for a in inputs], **branches)
        items = result if isinstance(result, (tuple, list)) else (result,)
        return tuple(None if t is None else t.array for t in items)


def compile(step: Callable[..., Any], *, device: str = "cpu", log: Callable[[str], None] | None = None) -> Compiled:
    """``step`` captured on its first calls and replayed on later ones (see :class:`Compiled`)."""
    return Compiled(step, device=device, log=log)
