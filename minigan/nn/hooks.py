"""Forward hooks on a Module, as PyTorch's ``register_forward_pre_hook`` and ``register_forward_hook``.

A pre-hook is called as ``hook(module, args)`` before ``forward`` and may return new arguments (a
tuple, or one value); a hook is called as ``hook(module, args, output)`` after it and may return a
new output. Each registration returns a handle whose ``remove()`` takes the hook away. A Module
with no hooks never reaches this file: its ``__call__`` checks one attribute and calls ``forward``.

A step captured by ``minigan.compile`` replays kernels without calling any Module, so it could not
call a hook: a hook met during a capture makes the step run eagerly, and the log says so.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable

from ..autograd import active_recorder

__all__ = ["ModuleHooks", "RemovableHandle", "hooked"]

_keys = itertools.count()  # one key per registration, never reused, so a stale handle removes nothing


def hooked(module: Any) -> bool:
    """Whether ``module`` has a forward hook now (Sequential then runs it, and the activation after
    it, as separate calls rather than as one fused op, so that each hook sees its own module's output)."""
    hooks = module._hooks
    return hooks is not None and bool(hooks.pre or hooks.post)


class RemovableHandle:
    """What registering a hook returns: ``remove()`` (or leaving a ``with`` block) takes it away."""

    def __init__(self, table: dict[int, Callable[..., Any]], key: int) -> None:
        self._table, self.id = table, key

    def remove(self) -> None:
        self._table.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


class ModuleHooks:
    """One Module's forward pre-hooks and forward hooks, in the order they run."""

    def __init__(self) -> None:
        self.pre: dict[int, Callable[..., Any]] = {}
        self.post: dict[int, Callable[..., Any]] = {}

    def add(self, table: dict[int, Callable[..., Any]], hook: Callable[..., Any], prepend: bool,
            name: str) -> RemovableHandle:
        if not callable(hook):
            raise TypeError(f"{name}: the hook must be callable, got {type(hook).__name__}")
        key = next(_keys)
        if prepend:  # first to run: rebuild the table in place, so existing handles stay valid
            later = list(table.items())
            table.clear()
            table[key] = hook
            table.update(later)
        else:
            table[key] = hook
        return RemovableHandle(table, key)

    def call(self, module: Any, args: tuple, kwargs: dict) -> Any:
        """``module.forward(*args, **kwargs)`` with the hooks around it."""
        recorder = active_recorder()
        if recorder is not None and (self.pre or self.post):
            recorder.unsupported(f"a forward hook on {type(module).__name__}")
        for hook in list(self.pre.values()):
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = module.forward(*args, **kwargs)
        for hook in list(self.post.values()):
            result = hook(module, args, output)
            if result is not None:
                output = result
        return output
