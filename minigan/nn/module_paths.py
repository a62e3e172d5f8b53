"""A Module's entries by dotted path (``get_submodule``, ``get_parameter``, ``get_buffer``,
``set_submodule``) and its extra state (``get_extra_state``, ``set_extra_state``), as PyTorch's.

Extra state is whatever a module keeps beyond its parameters and buffers: a subclass that
overrides ``get_extra_state`` puts its value in ``state_dict()`` under ``<prefix>_extra_state``,
and one that overrides ``set_extra_state`` is handed that value back by ``load_state_dict``
(where a strict load missing it names the key).
"""
from __future__ import annotations

from typing import Any

EXTRA_STATE_KEY = "_extra_state"
_NEVER_CALLED = ("Reached a code path in Module.{0}() that should never be called: a module has extra state "
                 "only where its class overrides {0}")


class ModulePaths:
    """The dotted-path lookups and the extra-state pair; mixed into minigan/nn/module.py's Module."""

    def get_submodule(self, target: str) -> Any:
        """The sub-module at dotted path ``target`` ("" is this module), as PyTorch's."""
        module = self
        for part in target.split(".") if target else ():
            if not hasattr(module, part):
                raise AttributeError(f"{type(module).__name__} has no attribute `{part}`")
            child = getattr(module, part)
            if not isinstance(child, ModulePaths):
                raise AttributeError(f"`{part}` is not an nn.Module")
            module = child
        return module

    def _entry(self, target: str, registry: str, kind: str) -> Any:
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if not hasattr(module, name):
            raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
        if name not in getattr(module, registry):
            raise AttributeError(f"`{name}` is not {kind}")
        return getattr(module, name)

    def get_parameter(self, target: str) -> Any:
        """The Parameter at dotted path ``target`` (``"0.weight"``), as PyTorch's."""
        return self._entry(target, "_parameters", "an nn.Parameter")

    def get_buffer(self, target: str) -> Any:
        """The buffer at dotted path ``target`` (``"bn.running_mean"``), as PyTorch's."""
        return self._entry(target, "_buffers", "a buffer")

    def set_submodule(self, target: str, module: Any, strict: bool = False) -> None:
        """Put ``module`` at dotted path ``target``, replacing what is there; its parent must exist,
        and with ``strict`` so must the name."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, ModulePaths):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        path, _, name = target.rpartition(".")
        parent = self.get_submodule(path)
        if strict and not hasattr(parent, name):
            raise AttributeError(f"{type(parent).__name__} has no attribute `{name}`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), ModulePaths):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)

    def get_extra_state(self) -> Any:
        """Override to return what ``state_dict()`` should keep beyond parameters and buffers."""
        raise RuntimeError(_NEVER_CALLED.format("get_extra_state"))

    def set_extra_state(self, state: Any) -> None:
        """Override to take back what :meth:`get_extra_state` gave, at ``load_state_dict``."""
        raise RuntimeError(_NEVER_CALLED.format("set_extra_state"))


def keeps_extra_state(module: Any, method: str) -> bool:
    """Whether ``module``'s class overrides ``method`` (``get_extra_state`` to save, ``set_extra_state`` to load)."""
    return getattr(type(module), method) is not getattr(ModulePaths, method)
