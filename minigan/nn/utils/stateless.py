"""``torch.nn.utils.stateless``: ``functional_call``, the module called with other tensors in
place of its parameters and buffers. PyTorch deprecates this spelling for
``torch.func.functional_call``; both run the code here (minigan.func sits above nn).
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Sequence

from ...autograd import Tensor
from ..module import Module

__all__ = ["functional_call"]


def _merged(parameter_and_buffer_dicts: Any) -> dict[str, Any]:
    """One dict from a dict or a sequence of dicts, a name given twice being an error."""
    if isinstance(parameter_and_buffer_dicts, Mapping):
        return dict(parameter_and_buffer_dicts)
    if isinstance(parameter_and_buffer_dicts, Sequence) and not isinstance(parameter_and_buffer_dicts, str):
        if not all(isinstance(d, Mapping) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        merged: dict[str, Any] = {}
        for d in parameter_and_buffer_dicts:
            repeated = [k for k in d if k in merged]
            if repeated:
                raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
            merged.update(d)
        return merged
    raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                     f"{type(parameter_and_buffer_dicts)}")


def _all_names(module: Module) -> dict[str, tuple[Module, str, str]]:
    """Each parameter and buffer by its dotted name, tied ones under every name (every path to a
    shared submodule is walked): (the module holding it, its name there, its registry)."""
    found: dict[str, tuple[Module, str, str]] = {}

    def walk(sub: Module, prefix: str) -> None:
        for registry in ("_parameters", "_buffers"):
            for name, value in getattr(sub, registry).items():
                if value is not None:
                    found[prefix + name] = (sub, name, registry)
        for name, child in sub._modules.items():
            if child is not None:
                walk(child, f"{prefix}{name}.")
    walk(module, "")
    return found


def _replacements(module: Module, given: dict[str, Any], tie_weights: bool, strict: bool) -> dict[str, Any]:
    """The tensor each slot gets, tied names sharing one, after PyTorch's checks."""
    slots = _all_names(module)
    groups: dict[int, list[str]] = {}
    for name, (sub, attr, registry) in slots.items():
        groups.setdefault(id(getattr(sub, registry)[attr]), []).append(name)
    result = dict(given)
    if tie_weights:
        for names in groups.values():
            values = [given[n] for n in names if n in given]
            if len(names) > 1 and values:
                if any(v is not values[0] for v in values[1:]):
                    raise ValueError(f"functional_call got multiple values for keys {sorted(n for n in names if n in given)}, "
                                     "which are tied. Consider using tie_weights=False")
                result.update({n: values[0] for n in names})
    if strict:
        unexpected = [k for k in given if k not in slots]
        missing = [k for k in slots if k not in result]
        if unexpected or missing:
            lines = [f"Error(s) in reparametrizing for {type(module).__name__}:"]
            if unexpected:
                lines.append("\tUnexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".")
            if missing:
                lines.append("\tMissing key(s): " + ", ".join(repr(k) for k in missing) + ".")
            raise RuntimeError("\n".join(lines))
    return {k: v for k, v in result.items() if k in slots}


@contextmanager
def _swapped(module: Module, replacements: dict[str, Any]) -> Iterator[None]:
    slots = _all_names(module)
    saved = []
    try:
        for name, value in replacements.items():
            sub, attr, registry = slots[name]
            table = getattr(sub, registry)
            saved.append((table, attr, table[attr]))
            table[attr] = value
        yield
    finally:
        for table, attr, value in reversed(saved):
            table[attr] = value


def _call(module: Module, parameter_and_buffer_dicts: Any, args: Any = None, kwargs: dict | None = None,
          *, tie_weights: bool = True, strict: bool = False) -> Any:
    """What both functional_calls do (documented at minigan/func/functional_call.py)."""
    replacements = _replacements(module, _merged(parameter_and_buffer_dicts), tie_weights, strict)
    for name, value in replacements.items():
        if not isinstance(value, Tensor):
            raise TypeError(f"functional_call: the value for {name!r} must be a Tensor, got {type(value).__name__}")
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _swapped(module, replacements):
        return module(*args, **(kwargs or {}))


def functional_call(module: Module, parameters_and_buffers: Any, args: Any = None, kwargs: dict | None = None,
                    *, tie_weights: bool = True, strict: bool = False) -> Any:
    """minigan.func.functional_call, with PyTorch's FutureWarning for this deprecated spelling."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed in a "
                  "future version of PyTorch. Please use `torch.func.functional_call` instead which is a drop-in "
                  "replacement.", FutureWarning, stacklevel=2)
    return _call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict)
