"""A Module's ``state_dict`` and ``load_state_dict`` hooks, as PyTorch 2's:

* ``register_state_dict_pre_hook``: ``hook(module, prefix, keep_vars)`` before the module's entries are
  written;
* ``register_state_dict_post_hook``: ``hook(module, state_dict, prefix, local_metadata)`` after the
  module's and its children's entries are in; it may change ``state_dict`` in place, and returns None;
* ``register_load_state_dict_pre_hook``: ``hook(module, state_dict, prefix, local_metadata, strict,
  missing_keys, unexpected_keys, error_msgs)`` before loading; it may rename or change the entries of
  ``state_dict`` under its prefix (a copy of the caller's), and a message it appends to ``error_msgs``
  fails the load;
* ``register_load_state_dict_post_hook``: ``hook(module, incompatible_keys)`` once the module and its
  children are loaded; it may change the two lists in place, which the strict check then reads.

The hooks of each module run at its place in PyTorch's walk: pre-hooks parent first, post-hooks
children first. A tree with no such hook never reaches this file, and keeps ``state_dict`` and
``load_state_dict`` as they are (minigan/nn/module.py). With load hooks, the load follows PyTorch's
order: the entries that match are written, then the post-hooks run, then a strict load with keys still
missing or unexpected raises (a shape that differs, or an error a pre-hook reports, still raises
before anything is written).
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from ..autograd.hooks import RemovableHandle, add_hook
from .module_paths import EXTRA_STATE_KEY, keeps_extra_state

__all__ = ["StateHookMethods", "StateHooks", "has_state_hooks", "hooked_state_dict", "hooked_load_state_dict"]


class StateHooks:
    """One Module's state_dict hooks, each table in the order its hooks run."""

    def __init__(self) -> None:
        self.save_pre: dict[int, Callable[..., Any]] = {}
        self.save_post: dict[int, Callable[..., Any]] = {}
        self.load_pre: dict[int, Callable[..., Any]] = {}
        self.load_post: dict[int, Callable[..., Any]] = {}


class StateHookMethods:
    """Module's state_dict hook registrations (a base class of Module)."""

    _state_hooks: StateHooks | None = None

    def _state_hook_tables(self) -> StateHooks:
        if self._state_hooks is None:
            object.__setattr__(self, "_state_hooks", StateHooks())
        return self._state_hooks

    def register_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, prefix, keep_vars)`` before ``state_dict`` writes this module's entries."""
        return add_hook(self._state_hook_tables().save_pre, hook, False, "register_state_dict_pre_hook")

    def register_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata)`` after ``state_dict`` has written this
        module's and its children's entries; it may change ``state_dict`` in place and returns None."""
        return add_hook(self._state_hook_tables().save_post, hook, False, "register_state_dict_post_hook")

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs)`` before ``load_state_dict`` loads this module (minigan/nn/state_hooks.py)."""
        return add_hook(self._state_hook_tables().load_pre, hook, False, "register_load_state_dict_pre_hook")

    def register_load_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, incompatible_keys)`` after ``load_state_dict`` has loaded this module and its
        children; changing ``incompatible_keys.missing_keys`` or ``.unexpected_keys`` in place changes what
        a strict load refuses."""
        return add_hook(self._state_hook_tables().load_post, hook, False, "register_load_state_dict_post_hook")


def has_state_hooks(root: Any, *kinds: str) -> bool:
    """Whether a module under ``root`` has a hook of one of ``kinds`` (StateHooks' table names)."""
    return any(m._state_hooks is not None and any(getattr(m._state_hooks, k) for k in kinds) for m in root.modules())


def _walk(root: Any, prefix: str = "") -> Iterator[tuple[str, Any, bool]]:
    """(prefix, module, entering) for each module, entering before its children and leaving after
    them; each module once, as ``named_modules`` visits them."""
    seen: set[int] = set()
    stack: list[tuple[str, Any, bool]] = [(prefix, root, True)]
    while stack:
        place, module, entering = stack.pop()
        if entering:
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield place, module, True
            stack.append((place, module, False))
            children = [(f"{place}{name}.", child, True) for name, child in module._modules.items() if child is not None]
            stack.extend(reversed(children))
        else:
            yield place, module, False


def _tables(module: Any) -> StateHooks:
    return module._state_hooks if module._state_hooks is not None else StateHooks()


def hooked_state_dict(root: Any, destination: dict[str, Any] | None, prefix: str, keep_vars: bool) -> dict[str, Any]:
    """``root.state_dict()`` with its hooks: the same entries in the same order."""
    state: dict[str, Any] = {} if destination is None else destination
    for place, module, entering in _walk(root, prefix):
        tables = _tables(module)
        if entering:
            for hook in list(tables.save_pre.values()):
                hook(module, place, keep_vars)
            for name, value in list(module._parameters.items()) + [
                    (n, b) for n, b in module._buffers.items() if n not in module._non_persistent]:
                if value is not None:
                    state[place + name] = value if keep_vars else value.detach()
            if keeps_extra_state(module, "get_extra_state"):
                state[place + EXTRA_STATE_KEY] = module.get_extra_state()
            continue
        for hook in list(tables.save_post.values()):
            if hook(module, state, place, {"version": 1}) is not None:
                raise RuntimeError("state_dict post-hook must return None")
    return state


def _own_keys(module: Any, place: str, state: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The keys a load finds missing or unexpected at ``module``'s own level, as PyTorch's walk does:
    its entries ``state`` lacks, and the keys under its prefix that name neither an entry nor a child."""
    names = [n for n, p in module._parameters.items() if p is not None] + [
        n for n, b in module._buffers.items() if b is not None and n not in module._non_persistent] + (
        [EXTRA_STATE_KEY] if keeps_extra_state(module, "set_extra_state") else [])
    missing = [place + n for n in names if place + n not in state and n not in module.optional_state]
    unexpected = [key for key in state if key.startswith(place)
                  and key[len(place):].split(".")[0] not in module._modules and key[len(place):] not in names]
    return missing, unexpected


def hooked_load_state_dict(root: Any, state_dict: Any, strict: bool, load: Callable[..., Any],
                           refuse: Callable[..., Any]) -> Any:
    """``root.load_state_dict(state_dict, strict)`` with its hooks; ``load(state, strict=False)`` is the
    plain load and ``refuse(problems)`` raises its error."""
    state = dict(state_dict)
    missing: list[str] = []
    unexpected: list[str] = []
    errors: list[str] = []
    leaving: list[tuple[Any, int, int]] = []  # each module as its walk leaves it, and the lists' lengths then
    for place, module, entering in _walk(root):
        if not entering:
            leaving.append((module, len(missing), len(unexpected)))
            continue
        hooks = list(_tables(module).load_pre.values())
        if hooks:
            local = state if not place else {k: v for k, v in state.items() if k.startswith(place)}
            for hook in hooks:  # strict is True here, as PyTorch passes it (its strict check comes last)
                hook(module, local, place, {}, True, missing, unexpected, errors)
            if local is not state:  # the hook's changes under its prefix are what its subtree loads
                state = {k: v for k, v in state.items() if not k.startswith(place)}
                state.update(local)
        own_missing, own_unexpected = _own_keys(module, place, state)
        missing.extend(own_missing)
        unexpected.extend(own_unexpected)
    if errors:
        refuse(errors)
    keys = load(state, strict=False)  # writes the entries that match (a differing shape raises first)
    keys.missing_keys.clear()
    keys.unexpected_keys.clear()
    done = (0, 0)
    for module, missing_count, unexpected_count in leaving:  # the lists grow as PyTorch's walk grows them
        keys.missing_keys.extend(missing[done[0]:missing_count])
        keys.unexpected_keys.extend(unexpected[done[1]:unexpected_count])
        done = (missing_count, unexpected_count)
        for hook in list(_tables(module).load_post.values()):
            if hook(module, keys) is not None:
                raise RuntimeError("load_state_dict post-hooks must return None; change incompatible_keys in place")
    if strict and (keys.missing_keys or keys.unexpected_keys):
        refuse([text for text in (
            "Missing key(s): " + ", ".join(repr(k) for k in keys.missing_keys) if keys.missing_keys else "",
            "Unexpected key(s): " + ", ".join(repr(k) for k in keys.unexpected_keys) if keys.unexpected_keys else "")
            if text])
    return keys
