"""``ParameterList`` and ``ParameterDict``: Parameters held in a list or a dict, registered so that
they are the owner's ``parameters()`` and their state_dict names are PyTorch's (``weights.0``,
``scales.real``). A plain Tensor put in becomes a Parameter that shares its memory (and requires a
gradient), as in PyTorch; any other object is kept as it is, and is no parameter.

Two of PyTorch's habits are kept on purpose: ``ParameterDict(d)`` and ``update(d)`` with a plain
dict take its keys in sorted order (an OrderedDict or a ParameterDict keeps its own), and a
missing key raises an error that is both a KeyError and PyTorch's AttributeError.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterable, Iterator, Mapping

from ..autograd import Tensor
from .module import Module, Parameter

__all__ = ["ParameterList", "ParameterDict"]


class MissingKeyError(KeyError, AttributeError):
    """A key a ParameterDict lacks: PyTorch raises AttributeError there, a dict KeyError."""


def _as_entry(value: Any) -> Any:
    """A Tensor becomes a Parameter on the same memory; a Parameter or another object stays."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _describe(value: Any, legacy_type_names: bool) -> str:
    """One repr line's right side, as PyTorch's: 'Parameter containing: [torch.float32 of size 2x3]'
    (a ParameterDict names the dtype the old way, 'torch.FloatTensor'), or 'Object of type: int'."""
    if not isinstance(value, Tensor):
        return f"Object of type: {type(value).__name__}"
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    size = "x".join(str(n) for n in value.shape)
    on_device = str(value.device) != "cpu"
    if legacy_type_names:
        return f"{kind} containing: [{value.type()} of size {size}{' (GPU 0)' if on_device else ''}]"
    return f"{kind} containing: [torch.{value.dtype} of size {size}{f' ({value.device})' if on_device else ''}]"


def _container_repr(module: Module, lines: list[str]) -> str:
    """PyTorch's layout for a module whose body is its extra lines: one line inline, more indented."""
    name = type(module).__name__
    if len(lines) <= 1:
        return f"{name}({''.join(lines)})"
    return f"{name}(\n  " + "\n  ".join(lines) + "\n)"


def _store(module: Module, name: str, value: Any) -> None:
    """Keep ``value`` under ``name``: a Parameter registered (in the place of one it replaces, as
    PyTorch's dict assignment keeps the state_dict order), anything else a plain attribute."""
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module._parameters.pop(name, None)
        object.__setattr__(module, name, value)


def _fetch(module: Module, name: str) -> Any:
    return module._parameters[name] if name in module._parameters else module.__dict__[name]


def _drop(module: Module, name: str) -> None:
    module._parameters.pop(name, None)
    module.__dict__.pop(name, None)


class ParameterList(Module):
    """A list of Parameters, indexed by position: ``ParameterList([Parameter(w), minigan.zeros(3)])``.

    Supports ``append``, ``extend``, ``+=``, indexing (a slice gives a ParameterList of the same
    Parameters), item assignment, ``len`` and iteration, as PyTorch's does; state_dict names are
    "0", "1", ..."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_size", 0)
        if values is not None:
            self.extend(values)

    def _index(self, index: Any) -> int:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"ParameterList indices must be integers or slices, not {type(index).__name__}")
        if not -self._size <= index < self._size:
            raise IndexError(f"index {index} is out of range")
        return index % self._size

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return ParameterList([_fetch(self, str(i)) for i in range(self._size)[index]])
        return _fetch(self, str(self._index(index)))

    def __setitem__(self, index: int, value: Any) -> None:
        _store(self, str(self._index(index)), _as_entry(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return iter([_fetch(self, str(i)) for i in range(self._size)])

    def __iadd__(self, values: Iterable[Any]) -> "ParameterList":
        return self.extend(values)

    def append(self, value: Any) -> "ParameterList":
        """Add ``value`` at the end (a Tensor as a Parameter on its memory)."""
        _store(self, str(self._size), _as_entry(value))
        object.__setattr__(self, "_size", self._size + 1)
        return self

    def extend(self, values: Iterable[Any]) -> "ParameterList":
        """Append each of ``values``, an iterable (a Tensor is one value, not an iterable here)."""
        if isinstance(values, Tensor) or not isinstance(values, Iterable):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got {type(values).__name__}")
        for value in list(values):
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"  ({i}): {_describe(value, False)}" for i, value in enumerate(self))

    def __repr__(self) -> str:
        return _container_repr(self, self.extra_repr().split("\n") if self._size else [])


class ParameterDict(Module):
    """An ordered dict of Parameters by name: ``ParameterDict({"scale": minigan.ones(3)})``.

    Supports indexing by key, item assignment and deletion, ``in``, ``len``, iteration over the
    keys, ``keys``, ``values``, ``items``, ``get``, ``setdefault``, ``pop``, ``popitem``,
    ``update``, ``clear``, ``copy``, ``fromkeys`` and ``|``, as PyTorch's does; state_dict names
    are the keys."""

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        object.__setattr__(self, "_keys", {})
        if parameters is not None:
            self.update(parameters)

    def _key(self, key: Any) -> str:
        if not isinstance(key, str):
            raise TypeError(f"Index given to ParameterDict cannot be used as a key as it is not a string "
                            f"(type is '{type(key).__name__}')")
        return key

    def __getitem__(self, key: Any) -> Any:
        if self._key(key) not in self._keys:
            raise MissingKeyError(f"ParameterDict has no key {key!r}")
        return _fetch(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._keys[self._key(key)] = None
        _store(self, key, _as_entry(value))

    def __delitem__(self, key: Any) -> None:
        if self._key(key) not in self._keys:
            raise MissingKeyError(f"ParameterDict has no key {key!r}")
        del self._keys[key]
        _drop(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._keys))

    def __reversed__(self) -> Iterator[str]:
        return reversed(list(self._keys))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def keys(self) -> list[str]:
        return list(self._keys)

    def values(self) -> list[Any]:
        return [self[key] for key in self._keys]

    def items(self) -> list[tuple[str, Any]]:
        return [(key, self[key]) for key in self._keys]

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._keys else default

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self._keys:
            self[key] = default
        return self[key]

    def pop(self, key: str) -> Any:
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        if not self._keys:
            raise KeyError("popitem(): ParameterDict is empty")
        key = list(self._keys)[-1]
        return key, self.pop(key)

    def clear(self) -> None:
        for key in list(self._keys):
            del self[key]

    def copy(self) -> "ParameterDict":
        """A new ParameterDict holding the same Parameters (a shallow copy)."""
        return ParameterDict(OrderedDict(self.items()))

    def fromkeys(self, keys: Iterable[str], default: Any = None) -> "ParameterDict":
        """A new ParameterDict with each of ``keys`` set to ``default``."""
        return ParameterDict((key, default) for key in keys)

    def update(self, values: Any) -> None:
        """Set each (key, value) of a Mapping (a plain dict's keys in sorted order, as PyTorch's) or
        of an iterable of pairs."""
        if isinstance(values, (OrderedDict, ParameterDict)):
            pairs: Iterable[Any] = list(values.items())
        elif isinstance(values, Mapping):
            pairs = sorted(values.items())
        elif isinstance(values, Iterable) and not isinstance(values, (str, Tensor)):
            pairs = values
        else:
            raise TypeError(f"ParametersDict.update should be called with an iterable of key/value pairs, "
                            f"but got {type(values).__name__}")
        for i, pair in enumerate(pairs):
            if not isinstance(pair, Iterable) or isinstance(pair, (str, Tensor)):
                raise TypeError(f"ParameterDict update sequence element #{i} should be Iterable; is "
                                f"{type(pair).__name__}")
            pair = list(pair)
            if len(pair) != 2:
                raise ValueError(f"ParameterDict update sequence element #{i} has length {len(pair)}; 2 is required")
            self[pair[0]] = pair[1]

    def __or__(self, other: Any) -> "ParameterDict":
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other: Any) -> "ParameterDict":
        merged = ParameterDict(other)
        merged.update(self)
        return merged

    def __ior__(self, other: Any) -> "ParameterDict":
        self.update(other)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"  ({key}): {_describe(value, True)}" for key, value in self.items())

    def __repr__(self) -> str:
        return _container_repr(self, self.extra_repr().split("\n") if self._keys else [])
