"""``torch.nn.modules.module``'s hooks on every module's call: ``register_module_forward_pre_hook``,
``register_module_forward_hook``, ``register_module_full_backward_pre_hook`` and
``register_module_full_backward_hook`` (and ``Module`` itself, as that file has it).

Each is called as the per-module hook of the same name is (minigan/nn/hooks.py), for every Module
called anywhere, before that module's own hooks. As in PyTorch they are process-wide: a hook
registered on one thread sees the modules called on every thread, until its handle's ``remove()``.
They are meant for debugging and profiling. With none registered a module's call costs what it
costs without this file: ``Module._hooks``, the class default that ``__call__`` reads, is None.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from ...autograd.hooks import RemovableHandle, add_hook
from ...torch_api.unsupported import UnsupportedFeatureError
from ..hooks import EVERY_MODULE, GLOBAL
from ..module import Module

__all__ = [
    "Module", "register_module_forward_pre_hook", "register_module_forward_hook",
    "register_module_full_backward_pre_hook", "register_module_full_backward_hook",
]

_lock = threading.Lock()  # a registration and the switch of Module._hooks happen together


class _EveryModuleHandle(RemovableHandle):
    def remove(self) -> None:
        with _lock:
            super().remove()
            _switch()


def _switch() -> None:
    # Module._hooks is the class default: while a hook is registered for every module, each module
    # without hooks of its own reaches minigan/nn/hooks.py through EVERY_MODULE.
    Module._hooks = EVERY_MODULE if GLOBAL.own() else None


def _register(table: dict[int, Callable[..., Any]], hook: Callable[..., Any], name: str) -> RemovableHandle:
    with _lock:
        handle = add_hook(table, hook, False, name)
        _switch()
    return _EveryModuleHandle(handle._table, handle.id)


def register_module_forward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Call ``hook(module, args)`` before every module's forward, before the module's own pre-hooks;
    what it returns (if not None) replaces the arguments. Process-wide (see the file's docstring).
    Returns a handle whose ``remove()`` takes the hook away."""
    return _register(GLOBAL.pre, hook, "register_module_forward_pre_hook")


def register_module_forward_hook(hook: Callable[..., Any], *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """Call ``hook(module, args, output)`` after every module's forward, before the module's own
    hooks; what it returns (if not None) replaces the output. Process-wide (see the file's
    docstring). Returns a handle whose ``remove()`` takes the hook away."""
    if with_kwargs or always_call:
        raise UnsupportedFeatureError(
            "register_module_forward_hook(with_kwargs=True or always_call=True): minigan's forward hooks take "
            "(module, args, output) and run when forward returns; see 'From PyTorch to minigan' in docs/internals.md")
    return _register(GLOBAL.post, hook, "register_module_forward_hook")


def register_module_full_backward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Call ``hook(module, grad_output)`` for every module once the gradients of its outputs are known,
    before the module's own backward pre-hooks; a tuple it returns replaces ``grad_output``.
    Process-wide (see the file's docstring)."""
    return _register(GLOBAL.backward_pre, hook, "register_module_full_backward_pre_hook")


def register_module_full_backward_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Call ``hook(module, grad_input, grad_output)`` for every module once the gradients of its
    inputs are known, before the module's own full backward hooks; a tuple it returns replaces
    ``grad_input``. Process-wide (see the file's docstring)."""
    return _register(GLOBAL.backward, hook, "register_module_full_backward_hook")
