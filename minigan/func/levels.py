"""What lets the function transforms nest (``grad(grad(f))``, ``jacrev(jacrev(f))``) on one
reverse-mode engine: each transform differentiates with ``create_graph=True`` with respect to
fresh tensors of its own, so an inner transform's results stay differentiable for the one
around it. The outermost transform records its derivatives only when they depend on a tensor
from outside that requires grad (then they stay differentiable, as PyTorch's do); otherwise it
skips the recording and cuts its results from the graph. The nesting depth and the fresh
tensors are per thread.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from ..autograd import Tensor, grad, is_grad_enabled
from ..autograd.engine import topological_order

_local = threading.local()


class Level:
    """One transform's call: whether it is the outermost, and the fresh tensors of every
    transform inside the outermost one (shared with them)."""

    def __init__(self, outermost: bool, fresh: set[int], keep: list[Tensor], grad_enabled: bool) -> None:
        self.outermost, self.fresh, self.grad_enabled = outermost, fresh, grad_enabled
        self.keep = keep  # the fresh tensors themselves, so that their ids stay theirs

    def adopt(self, other: "Level") -> None:
        """Count ``other``'s fresh tensors as this one's (a vjp function called after its vjp)."""
        self.fresh |= other.fresh
        self.keep += other.keep

    def fresh_input(self, value: Any) -> Tensor:
        """A tensor standing for ``value`` that the transform differentiates with respect to: a
        copy still connected to ``value``'s graph when ``value`` requires grad, else a new leaf."""
        if not isinstance(value, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(value)}")
        if not value.is_floating_point():
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        return self.mark(value.clone() if value.requires_grad else value.detach().requires_grad_())

    def mark(self, tensor: Tensor) -> Tensor:
        self.fresh.add(id(tensor))
        self.keep.append(tensor)
        return tensor

    def needs_graph(self, outputs: Sequence[Tensor]) -> bool:
        """Whether the derivatives of ``outputs`` must be recorded: always inside another
        transform; at the outermost, only when they reach an outside tensor that requires grad."""
        return not self.outermost or (self.grad_enabled and self._reaches_outside(outputs))

    def _reaches_outside(self, tensors: Sequence[Tensor]) -> bool:
        return any(t.is_leaf and id(t) not in self.fresh for t in topological_order([t for t in tensors if t.requires_grad]))

    def release(self, results: Any) -> Any:
        """``results`` (a pytree) as the caller sees them: unchanged inside another transform; at
        the outermost, cut from the graph unless they depend on an outside tensor that requires grad."""
        from .pytree import tree_flatten, tree_unflatten  # noqa: PLC0415 - a sibling, kept off the import path

        if not self.outermost:
            return results
        leaves, spec = tree_flatten(results)
        if self.grad_enabled and self._reaches_outside([leaf for leaf in leaves if isinstance(leaf, Tensor)]):
            return results
        return tree_unflatten([leaf.detach() if isinstance(leaf, Tensor) else leaf for leaf in leaves], spec)


@contextmanager
def level() -> Iterator[Level]:
    """Enter one transform: grad mode on inside, the depth counted up for the transforms within."""
    from ..autograd import enable_grad  # noqa: PLC0415

    depth = getattr(_local, "depth", 0)
    if depth == 0:
        _local.fresh, _local.keep = set(), []
    current = Level(depth == 0, _local.fresh, _local.keep, is_grad_enabled())
    _local.depth = depth + 1
    try:
        with enable_grad():
            yield current
    finally:
        _local.depth = depth
        if depth == 0:
            _local.fresh, _local.keep = set(), []


def gradients(outputs: Sequence[Tensor], inputs: Sequence[Tensor], seeds: Sequence[Any] | None = None,
              create_graph: bool = True) -> list[Tensor]:
    """The gradients of ``outputs`` (seeded with ``seeds``) with respect to ``inputs``, recorded
    (with ``create_graph``) so they can be differentiated again; zeros for an input nothing
    depends on, as PyTorch's."""
    seeds = [None] * len(outputs) if seeds is None else list(seeds)
    kept = [(o, s) for o, s in zip(outputs, seeds) if o.requires_grad]
    found: Sequence[Tensor | None] = (None,) * len(inputs)
    if kept and inputs:
        found = grad([o for o, _ in kept], list(inputs), [s for _, s in kept], retain_graph=True,
                     create_graph=create_graph, allow_unused=True)
    return [g if g is not None else x.new_zeros(x.shape) for g, x in zip(found, inputs)]
