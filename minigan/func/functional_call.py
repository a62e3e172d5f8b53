"""``torch.func.functional_call`` and ``stack_module_state``: a module called with tensors in
place of its parameters and buffers, and the state of several like modules stacked (for
``vmap`` over an ensemble).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Sequence

from ..autograd import Tensor
from ..nn import Module

__all__ = ["functional_call", "stack_module_state"]


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


def functional_call(module: Module, parameter_and_buffer_dicts: Any, args: Any = None, kwargs: dict | None = None,
                    *, tie_weights: bool = True, strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` with the tensors of ``parameter_and_buffer_dicts`` (a dict of
    dotted names, or several dicts) in place of its parameters and buffers; the module is left as
    it was. Tied parameters follow a value given for any of their names (``tie_weights``); names
    the module does not have are ignored, or with ``strict`` every name must match, PyTorch's error
    listing the unexpected and missing ones. A buffer the module updates in place (BatchNorm's
    running statistics in training) is updated in the tensor given for it."""
    replacements = _replacements(module, _merged(parameter_and_buffer_dicts), tie_weights, strict)
    for name, value in replacements.items():
        if not isinstance(value, Tensor):
            raise TypeError(f"functional_call: the value for {name!r} must be a Tensor, got {type(value).__name__}")
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _swapped(module, replacements):
        return module(*args, **(kwargs or {}))


def stack_module_state(models: Sequence[Module]) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """(parameters, buffers) of ``models``, each stacked along a new first dimension: the state
    ``vmap(functional_call)`` maps over to run an ensemble at once. Stacked parameters are new
    leaves that require grad when the models' do; buffers are stacked as they are."""
    from .. import ops  # noqa: PLC0415 - ops are reached through nn's own imports

    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if len({m.training for m in models}) > 1:
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")

    def stacked(named: list[dict[str, Tensor]], leaves: bool) -> dict[str, Tensor]:
        result = {}
        for name in named[0]:
            values = [d[name] for d in named]
            if any(v.shape != values[0].shape for v in values):
                raise RuntimeError(f"stack_module_state: the models' {name!r} differ in shape: "
                                   f"{[tuple(v.shape) for v in values]}")
            tensor = ops.stack([v.detach() for v in values], dim=0)
            result[name] = tensor.requires_grad_(values[0].requires_grad) if leaves else tensor
        return result
    params = stacked([dict(m.named_parameters()) for m in models], True)
    buffers = stacked([dict(m.named_buffers()) for m in models], False)
    return params, buffers
