"""``ModuleList`` and ``ModuleDict``: sub-modules held in a list or a dict, registered so that their
parameters are the owner's and their state_dict names are PyTorch's (``layers.0.weight``,
``heads.real.bias``). Neither runs anything itself: the owner's forward calls them."""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from .module import Module

__all__ = ["ModuleList", "ModuleDict"]


def _module(owner: str, value: Any, where: str) -> Module:
    if not isinstance(value, Module):
        raise TypeError(f"{owner}: {where} is a {type(value).__name__}, not a Module")
    return value


class ModuleList(Module):
    """A list of modules, indexed by position: ``ModuleList([Linear(2, 4), Linear(4, 1)])``.

    Supports ``append``, ``extend``, ``insert``, indexing (a slice gives a ModuleList), item
    assignment and deletion, ``len``, iteration and ``+``, as PyTorch's does."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, index: int) -> int:
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"ModuleList indices must be integers or slices, not {type(index).__name__}")
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range for a ModuleList of {len(self)}")
        return index % len(self)

    def _renumber(self, modules: list[Module]) -> None:
        self._modules.clear()
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ModuleList(list(self._modules.values())[index])
        return self._modules[str(self._index(index))]

    def __setitem__(self, index: int, module: Module) -> None:
        self.add_module(str(self._index(index)), _module("ModuleList", module, f"item {index}"))

    def __delitem__(self, index: int | slice) -> None:
        modules = list(self._modules.values())
        del modules[index if isinstance(index, slice) else self._index(index)]
        self._renumber(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __iadd__(self, modules: Iterable[Module]) -> "ModuleList":
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> "ModuleList":
        return ModuleList([*self, *other])

    def append(self, module: Module) -> "ModuleList":
        self.add_module(str(len(self)), _module("ModuleList.append", module, "the argument"))
        return self

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        try:
            items = list(modules)
        except TypeError:
            raise TypeError(f"ModuleList.extend takes an iterable of Modules, not a {type(modules).__name__}") from None
        for i, module in enumerate(items):
            self.append(_module("ModuleList.extend", module, f"item {i}"))
        return self

    def insert(self, index: int, module: Module) -> None:
        modules = list(self._modules.values())
        modules.insert(index, _module("ModuleList.insert", module, "the module"))
        self._renumber(modules)


class ModuleDict(Module):
    """An ordered dict of modules by name: ``ModuleDict({"real": Linear(8, 1), "class": Linear(8, 10)})``.

    Supports indexing by name, item assignment and deletion, ``in``, ``len``, iteration over
    the names, ``keys``, ``values``, ``items``, ``update``, ``pop`` and ``clear``, as PyTorch's does."""

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(key)
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, _module("ModuleDict", module, f"the value of {key!r}"))

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> list[str]:
        return list(self._modules)

    def values(self) -> list[Module]:
        return list(self._modules.values())

    def items(self) -> list[tuple[str, Module]]:
        return list(self._modules.items())

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                raise TypeError(f"ModuleDict.update: item {i} is not a (name, Module) pair")
            self[pair[0]] = pair[1]

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        self._modules.clear()
