"""A Module's hooks around its call, as PyTorch's: ``register_forward_pre_hook``, ``register_forward_hook``
and the backward hooks (``register_full_backward_pre_hook``, ``register_full_backward_hook``, the
deprecated ``register_backward_hook``; their gradients are passed in minigan/nn/backward_hooks.py).

A pre-hook is called as ``hook(module, args)`` before ``forward`` and may return new arguments (a
tuple, or one value); a hook is called as ``hook(module, args, output)`` after it and may return a
new output. Each registration returns a handle whose ``remove()`` takes the hook away. A Module
with no hooks never reaches this file: its ``__call__`` checks one attribute and calls ``forward``.

``GLOBAL`` holds the hooks registered for every module (minigan/nn/modules/module.py's
``register_module_forward_hook`` and the rest); they run before each module's own. While there are
some, that registration file sets ``Module._hooks``, the class default, to ``EVERY_MODULE`` (a table
with no hooks of its own), so a module with no hooks of its own comes here too.

A step captured by ``minigan.compile`` replays kernels without calling any Module, so it could not
call a hook: a hook met during a capture makes the step run eagerly, and the log says so.
"""
from __future__ import annotations

from typing import Any, Callable

from ..autograd import active_recorder, is_grad_enabled
from ..autograd.hooks import RemovableHandle, add_hook
from .backward_hooks import BackwardHookCall, attach_legacy_hooks

__all__ = ["BackwardHookMethods", "EVERY_MODULE", "GLOBAL", "ModuleHooks", "RemovableHandle", "hooked"]


def hooked(module: Any) -> bool:
    """Whether ``module`` has a forward or backward hook now (Sequential then runs it, and the
    activation after it, as separate calls rather than as one fused op, so that each hook sees its
    own module's output and gradients)."""
    hooks = module._hooks
    return hooks is not None and hooks.any()


class ModuleHooks:
    """One Module's hooks, each table in the order its hooks run. ``full`` says which kind of backward
    hook the module took first (True: full, False: the deprecated kind), as PyTorch allows one kind."""

    def __init__(self) -> None:
        self.pre: dict[int, Callable[..., Any]] = {}
        self.post: dict[int, Callable[..., Any]] = {}
        self.backward_pre: dict[int, Callable[..., Any]] = {}
        self.backward: dict[int, Callable[..., Any]] = {}
        self.full: bool | None = None

    def own(self) -> bool:
        return bool(self.pre or self.post or self.backward_pre or self.backward)

    def any(self) -> bool:
        """Whether a call meets a hook: this module's, or one registered for every module."""
        return self.own() or GLOBAL.own()

    def add(self, table: dict[int, Callable[..., Any]], hook: Callable[..., Any], prepend: bool,
            name: str) -> RemovableHandle:
        return add_hook(table, hook, prepend, name)

    def call(self, module: Any, args: tuple, kwargs: dict) -> Any:
        """``module.forward(*args, **kwargs)`` with the hooks around it."""
        recorder = active_recorder()
        if recorder is not None and self.any():
            forward = self.pre or self.post or GLOBAL.pre or GLOBAL.post
            recorder.unsupported(f"a {'forward' if forward else 'backward'} hook on {type(module).__name__}")
        # PyTorch's order: the hooks registered for every module run before the module's own.
        for hook in [*GLOBAL.pre.values(), *self.pre.values()]:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        backward_call = None
        backward_pre = [*GLOBAL.backward_pre.values(), *self.backward_pre.values()]
        backward = [*GLOBAL.backward.values(), *(self.backward.values() if self.full else ())]
        if backward and is_grad_enabled():
            backward_call = BackwardHookCall(module, backward_pre, backward)
            args = backward_call.wrap_inputs(args)
        elif backward_pre and is_grad_enabled():
            backward_call = BackwardHookCall(module, backward_pre, [])
        output = module.forward(*args, **kwargs)
        for hook in [*GLOBAL.post.values(), *self.post.values()]:
            result = hook(module, args, output)
            if result is not None:
                output = result
        if backward_call is not None:
            output = backward_call.wrap_outputs(output)
        if self.full is False and self.backward and is_grad_enabled():
            attach_legacy_hooks(module, list(self.backward.values()), args, output)
        return output


GLOBAL = ModuleHooks()  # every module's hooks: process-wide, as PyTorch's
EVERY_MODULE = ModuleHooks()  # the class default of Module._hooks while GLOBAL has hooks


_BOTH_KINDS = ("Cannot use both regular backward hooks and full backward hooks on a single Module. "
               "Please use only one of them.")


class BackwardHookMethods:
    """Module's backward-hook registrations (a base class of Module)."""

    def register_full_backward_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` once the gradients of the module's outputs are known, before
        any goes into the module; a tuple it returns replaces ``grad_output`` (None for an output that
        is no Tensor or got no gradient). As PyTorch's (minigan/nn/backward_hooks.py)."""
        hooks = self._forward_hooks()
        return hooks.add(hooks.backward_pre, hook, prepend, "register_full_backward_pre_hook")

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once the gradients of the module's positional
        inputs are known (None for an argument that is no floating Tensor), before any leaves the
        module; a tuple it returns replaces ``grad_input``. If no input requires grad it fires at the
        outputs, with None for every input, and must return None. As PyTorch's."""
        hooks = self._forward_hooks()
        if hooks.full is False:
            raise RuntimeError(_BOTH_KINDS)
        hooks.full = True
        return hooks.add(hooks.backward, hook, prepend, "register_full_backward_hook")

    def register_backward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Deprecated in PyTorch for ``register_full_backward_hook``: ``hook(module, grad_input,
        grad_output)`` on the op that made the output, with that op's input gradients (minigan's op:
        Linear's are (input, weight, bias)); PyTorch's FutureWarning when the forward is more than one op."""
        hooks = self._forward_hooks()
        if hooks.full is True:
            raise RuntimeError(_BOTH_KINDS)
        hooks.full = False
        return hooks.add(hooks.backward, hook, False, "register_backward_hook")
