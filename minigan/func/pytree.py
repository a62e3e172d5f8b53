"""Nested Python containers of tensors ("pytrees"), as the function transforms read them.

A pytree is a tuple, list, dict (``OrderedDict`` too) or namedtuple whose entries are pytrees,
or anything else, which is a leaf. :func:`tree_flatten` lists the leaves in order and returns a
:class:`TreeSpec` that :func:`tree_unflatten` rebuilds the same structure from; the spec prints
as PyTorch's does (``TreeSpec(tuple, None, [*, *])``), since the transforms' messages show it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


def _is_namedtuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def _children(value: Any) -> tuple[list[Any], Any] | None:
    """(the entries, the context that rebuilds them) for a container, None for a leaf."""
    if isinstance(value, dict):
        keys = list(value)
        return [value[k] for k in keys], keys
    if _is_namedtuple(value):
        return list(value), type(value)
    if isinstance(value, (tuple, list)):
        return list(value), None
    return None


@dataclass(frozen=True)
class TreeSpec:
    """The structure of a pytree: its container type, context (a dict's keys) and children;
    a leaf is ``TreeSpec(None, None, ())`` and prints as ``*``."""
    type: Any = None
    context: Any = None
    children: tuple["TreeSpec", ...] = field(default=())

    @property
    def is_leaf(self) -> bool:
        return self.type is None

    @property
    def num_leaves(self) -> int:
        return 1 if self.is_leaf else sum(child.num_leaves for child in self.children)

    def _text(self, indent: int) -> str:
        if self.is_leaf:
            return "*"
        inner = (",\n" + " " * (indent + 2)).join(child._text(indent + 2) for child in self.children)
        context = self.context.__name__ if isinstance(self.context, type) else self.context
        return f"TreeSpec({self.type.__name__}, {context}, [{inner}])"

    def __repr__(self) -> str:
        return self._text(0)

    def short(self) -> str:
        """The structure written as a value with ``*`` for each leaf: ``(*, [*, *])``, ``{'a': *}``."""
        parts = [child.short() for child in self.children]
        if self.is_leaf:
            return "*"
        if issubclass(self.type, dict):
            return "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(self.context, parts)) + "}"
        if _is_namedtuple_type(self.type):
            return f"{self.type.__name__}(" + ", ".join(f"{k}={p}" for k, p in zip(self.type._fields, parts)) + ")"
        if issubclass(self.type, list):
            return "[" + ", ".join(parts) + "]"
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _is_namedtuple_type(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields")


LEAF = TreeSpec()


def tree_flatten(tree: Any) -> tuple[list[Any], TreeSpec]:
    """(the leaves of ``tree`` in order, its structure)."""
    found = _children(tree)
    if found is None:
        return [tree], LEAF
    entries, context = found
    leaves: list[Any] = []
    specs = []
    for entry in entries:
        entry_leaves, spec = tree_flatten(entry)
        leaves += entry_leaves
        specs.append(spec)
    return leaves, TreeSpec(type(tree), context, tuple(specs))


def tree_unflatten(leaves: list[Any], spec: TreeSpec) -> Any:
    """The pytree of structure ``spec`` holding ``leaves`` in order."""
    iterator = iter(leaves)
    return _build(iterator, spec)


def _build(leaves: Any, spec: TreeSpec) -> Any:
    if spec.is_leaf:
        return next(leaves)
    entries = [_build(leaves, child) for child in spec.children]
    if issubclass(spec.type, dict):
        return spec.type(zip(spec.context, entries))
    if _is_namedtuple_type(spec.type):
        return spec.type(*entries)
    return spec.type(entries)


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(leaf) for leaf in leaves], spec)


def broadcast_prefix(prefix: Any, tree: Any) -> list[Any] | None:
    """The entries of ``prefix`` repeated over the leaves of ``tree`` below them (an int
    ``in_dims`` for a whole tuple of arguments), or None where ``prefix`` is not a prefix of
    ``tree``'s structure."""
    prefix_children = _children(prefix)
    if prefix_children is None:
        return [prefix] * len(tree_flatten(tree)[0])
    tree_children = _children(tree)
    if tree_children is None or type(prefix) is not type(tree) and not (
            isinstance(prefix, dict) and isinstance(tree, dict)):
        return None
    (prefix_entries, prefix_context), (tree_entries, tree_context) = prefix_children, tree_children
    if len(prefix_entries) != len(tree_entries) or (isinstance(prefix, dict) and set(prefix_context) != set(tree_context)):
        return None
    if isinstance(prefix, dict):
        prefix_entries = [prefix[k] for k in tree_context]
    result: list[Any] = []
    for p, t in zip(prefix_entries, tree_entries):
        part = broadcast_prefix(p, t)
        if part is None:
            return None
        result += part
    return result
