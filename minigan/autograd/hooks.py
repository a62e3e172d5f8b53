"""Autograd hooks on tensors, as PyTorch's ``Tensor.register_hook`` and
``Tensor.register_post_accumulate_grad_hook``, and the node hooks that ``Module.register_backward_hook``
puts on the ``grad_fn`` of a module's output.

A tensor with no hook has ``_hooks`` None, and that one attribute is all the engine tests, once per
tensor it reaches (minigan/autograd/engine.py). A hooked tensor carries a :class:`TensorHooks`:

* ``tensor``: ``hook(grad) -> Tensor or None``, called in registration order with the tensor's whole
  gradient (every contribution summed), before it goes on: to the inputs of the op that made the
  tensor, into a leaf's ``.grad``, or out of ``minigan.grad``. A returned tensor replaces the gradient
  for the hooks after it and for everything after them.
* ``post_accumulate`` (leaves only): ``hook(tensor) -> None``, called once ``backward()`` has added to
  the leaf's ``.grad`` (a Tensor returned is ignored, as PyTorch ignores ``p.add_(...)``'s).
* ``node``: ``hook(grad_inputs, grad_outputs) -> tuple or None``, called after the backward of the op
  that made the tensor with the gradients it returned for its inputs (None where none is wanted) and
  ``(grad,)``; a returned tuple replaces the input gradients.

Hooks run inside the backward pass, under its grad mode: with ``create_graph=True`` they receive (and
may return) tensors that carry a graph, and what they return is differentiated again. A step captured
by ``minigan.compile`` that meets a hook runs eagerly, and says so; one already replaying captures
itself again when a hook is registered later (:func:`hooks_registered`).
"""
from __future__ import annotations

import itertools
from typing import Any, Callable

__all__ = ["HookMethods", "RemovableHandle", "TensorHooks", "add_hook", "hooks_registered"]


class _Keys:
    """One key per registration, never reused, so a stale handle removes nothing; ``latest``, the
    last one given, tells a compiled step whether any hook was registered since it last ran."""

    def __init__(self) -> None:
        self._count = itertools.count()
        self.latest = -1

    def take(self) -> int:
        self.latest = next(self._count)
        return self.latest


_keys = _Keys()


def hooks_registered() -> int:
    """A number that changes whenever a hook of any kind (on a tensor, a module, every module, or a
    state_dict) is registered, in any thread: ``minigan.compile`` compares it once per replay."""
    return _keys.latest


class RemovableHandle:
    """What registering a hook returns: ``remove()`` (or leaving a ``with`` block) takes it away."""

    def __init__(self, table: dict[int, Callable[..., Any]], key: int) -> None:
        self._table, self.id = table, key

    def remove(self) -> None:
        self._table.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


def add_hook(table: dict[int, Callable[..., Any]], hook: Callable[..., Any], prepend: bool, name: str) -> RemovableHandle:
    """Put ``hook`` in ``table`` (last, or first with ``prepend``); its handle removes it."""
    if not callable(hook):
        raise TypeError(f"{name}: the hook must be callable, got {type(hook).__name__}")
    key = _keys.take()
    if prepend:  # first to run: rebuild the table in place, so existing handles stay valid
        later = list(table.items())
        table.clear()
        table[key] = hook
        table.update(later)
    else:
        table[key] = hook
    return RemovableHandle(table, key)


def _hook_name(hook: Any) -> str:
    return getattr(hook, "__name__", type(hook).__name__)


class TensorHooks:
    """One tensor's hooks, by kind, each table in the order its hooks run (see the module docstring)."""

    __slots__ = ("tensor", "post_accumulate", "node")

    def __init__(self) -> None:
        self.tensor: dict[int, Callable[..., Any]] = {}
        self.post_accumulate: dict[int, Callable[..., Any]] = {}
        self.node: dict[int, Callable[..., Any]] = {}

    def run_tensor_hooks(self, grad: Any) -> Any:
        """The gradient after every tensor hook, each given the one before's result."""
        for hook in list(self.tensor.values()):
            result = hook(grad)
            if result is not None:
                grad = _checked(hook, result, grad)
        return grad

    def run_node_hooks(self, grad_inputs: tuple, grad_output: Any) -> tuple:
        """The input gradients after every node hook (the engine checks each one against its input)."""
        for hook in list(self.node.values()):
            result = hook(grad_inputs, (grad_output,))
            if result is None:
                continue
            result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            if len(result) != len(grad_inputs):
                raise RuntimeError(f"hook '{_hook_name(hook)}' has returned an incorrect number of values "
                                   f"(got {len(result)}, but expected {len(grad_inputs)})")
            grad_inputs = result
        return grad_inputs

    def run_post_accumulate(self, tensor: Any) -> None:
        for hook in list(self.post_accumulate.values()):
            result = hook(tensor)  # ignored; PyTorch lets it be a Tensor (p.add_(...) returns p), nothing else
            if result is not None and not (hasattr(result, "array") and hasattr(result, "requires_grad")):
                raise TypeError(f"post accumulate grad hook '{_hook_name(hook)}' returned {type(result).__name__!r}; "
                                "it must return None")


def _checked(hook: Any, result: Any, grad: Any) -> Any:
    """A hook's replacement gradient, refused in one line unless it is a Tensor of the gradient's
    shape, dtype and device, as PyTorch refuses it."""
    if not (hasattr(result, "array") and hasattr(result, "requires_grad")):
        raise TypeError(f"hook '{_hook_name(hook)}' returned {type(result).__name__!r}: "
                        "expected a Tensor (the new gradient) or None")
    if result.shape != grad.shape:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the size of value: the gradient has shape "
                           f"{grad.shape}, the hook returned shape {result.shape}")
    if result.dtype != grad.dtype:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the type of value (was {grad.dtype} got {result.dtype})")
    if result.device != grad.device:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the device of value "
                           f"(was {grad.device} got {result.device})")
    return result


class HookMethods:
    """``register_hook`` and ``register_post_accumulate_grad_hook`` (a base class of Tensor)."""

    __slots__ = ()

    def _hook_tables(self) -> TensorHooks:
        hooks = self._hooks
        if hooks is None:
            hooks = self._hooks = TensorHooks()
            ref = getattr(self._ctx, "_stand_in", None)  # a backward after this tensor is gone meets its stand-in
            stand_in = None if ref is None else ref()
            if stand_in is not None:  # (minigan/autograd/freed.py): it runs the same hooks
                stand_in._hooks = hooks
        return hooks

    def register_hook(self, hook: Callable[[Any], Any]) -> RemovableHandle:
        """Call ``hook(grad)`` with this tensor's gradient each time one is computed, before it is
        used; a Tensor it returns replaces the gradient. Returns a handle whose ``remove()`` takes
        the hook away, as ``torch.Tensor.register_hook`` (minigan/autograd/hooks.py)."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        return add_hook(self._hook_tables().tensor, hook, False, "register_hook")

    def register_post_accumulate_grad_hook(self, hook: Callable[[Any], Any]) -> RemovableHandle:
        """Call ``hook(tensor)`` after ``backward()`` has added to this leaf's ``.grad`` (an optimizer
        step per parameter, say), as PyTorch's; the hook returns None."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._ctx is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        return add_hook(self._hook_tables().post_accumulate, hook, False, "register_post_accumulate_grad_hook")
