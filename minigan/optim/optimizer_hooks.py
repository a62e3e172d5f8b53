"""PyTorch's optimizer hooks: functions an Optimizer calls around ``step``, ``state_dict`` and
``load_state_dict``, registered per optimizer and removed through the handle registration returns.

- ``register_step_pre_hook(hook)``: ``hook(optimizer, args, kwargs)`` before each step, where
  ``args`` is ``(optimizer, *step's positional arguments)`` as in PyTorch; it may return
  ``(new_args, new_kwargs)`` for the step to be called with. ``register_step_post_hook(hook)``:
  ``hook(optimizer, args, kwargs)`` after it.
- ``register_state_dict_pre_hook(hook)``: ``hook(optimizer)`` before ``state_dict()`` builds the
  dict; ``register_state_dict_post_hook(hook)``: ``hook(optimizer, state_dict)``, which may
  return a dict to use instead.
- ``register_load_state_dict_pre_hook(hook)``: ``hook(optimizer, state_dict)`` on a shallow copy
  of the dict being loaded, which it may change or replace by returning another;
  ``register_load_state_dict_post_hook(hook)``: ``hook(optimizer)`` once it is loaded.

The state-dict hooks take ``prepend=True`` to run before those already registered. Every
Optimizer subclass's own ``step``, ``state_dict`` and ``load_state_dict`` run their hooks, once
per call even when an override calls ``super()``'s.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from ..autograd.hooks import RemovableHandle, add_hook

_HOOKED_METHODS = ("step", "state_dict", "load_state_dict")


class OptimizerHooks:
    """The hook registries of an Optimizer, made by the first registration."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in _HOOKED_METHODS:
            if name in cls.__dict__:
                setattr(cls, name, _running_hooks(name, cls.__dict__[name]))

    def _hooks(self, kind: str) -> dict[int, Callable[..., Any]]:
        tables = self.__dict__.setdefault("_optimizer_hooks", {})
        return tables.setdefault(kind, {})

    def register_step_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` before each ``step``; it may return (new_args, new_kwargs)."""
        return add_hook(self._hooks("step_pre"), hook, False, "register_step_pre_hook")

    def register_step_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` after each ``step``."""
        return add_hook(self._hooks("step_post"), hook, False, "register_step_post_hook")

    def register_state_dict_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer)`` before ``state_dict()`` builds its dict."""
        return add_hook(self._hooks("state_dict_pre"), hook, prepend, "register_state_dict_pre_hook")

    def register_state_dict_post_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` after it; a dict it returns is used instead."""
        return add_hook(self._hooks("state_dict_post"), hook, prepend, "register_state_dict_post_hook")

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` before loading; a dict it returns is loaded instead."""
        return add_hook(self._hooks("load_state_dict_pre"), hook, prepend, "register_load_state_dict_pre_hook")

    def register_load_state_dict_post_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer)`` once ``load_state_dict`` has loaded."""
        return add_hook(self._hooks("load_state_dict_post"), hook, prepend, "register_load_state_dict_post_hook")


def _running_hooks(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` with its hooks run around it, unless a call to it is already running them."""
    around = {"step": _around_step, "state_dict": _around_state_dict, "load_state_dict": _around_load}[name]

    @functools.wraps(method)
    def hooked(self: Any, *args: Any, **kwargs: Any) -> Any:
        tables = self.__dict__.get("_optimizer_hooks")
        if not tables:  # no hook was ever registered: the plain call, nothing made per step
            return method(self, *args, **kwargs)
        running = self.__dict__.setdefault("_optimizer_hooks_running", set())
        if name in running:  # an override's super() call: its hooks are already running
            return method(self, *args, **kwargs)
        running.add(name)
        try:
            return around(self, tables, method, args, kwargs)
        finally:
            running.discard(name)
    return hooked


def _around_step(self: Any, tables: dict, method: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    args = (self, *args)  # as PyTorch's hooks see them: the optimizer first, then step's own
    for hook in list(tables.get("step_pre", {}).values()):
        result = hook(self, args, kwargs)
        if result is not None:
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(f"{hook} must return None or a tuple of (new_args, new_kwargs), but got {result}.")
            args, kwargs = result
    out = method(*args, **kwargs)
    for hook in list(tables.get("step_post", {}).values()):
        hook(self, args, kwargs)
    return out


def _around_state_dict(self: Any, tables: dict, method: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    for hook in list(tables.get("state_dict_pre", {}).values()):
        hook(self)
    state_dict = method(self, *args, **kwargs)
    for hook in list(tables.get("state_dict_post", {}).values()):
        result = hook(self, state_dict)
        if result is not None:
            state_dict = result
    return state_dict


def _around_load(self: Any, tables: dict, method: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    if not args and "state_dict" not in kwargs:
        return method(self, *args, **kwargs)  # its own error for the missing argument
    state_dict, *rest = args if args else (kwargs.pop("state_dict"),)
    if isinstance(state_dict, dict):
        state_dict = dict(state_dict)  # the hooks may change the copy, never the caller's dict
    for hook in list(tables.get("load_state_dict_pre", {}).values()):
        result = hook(self, state_dict)
        if result is not None:
            state_dict = result
    out = method(self, state_dict, *rest, **kwargs)
    for hook in list(tables.get("load_state_dict_post", {}).values()):
        hook(self)
    return out
