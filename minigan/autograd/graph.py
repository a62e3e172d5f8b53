"""The computation graph behind a Tensor, as a list of nodes: for pictures and for reading.

:func:`graph_nodes` walks the graph that produced a tensor, the same ``Tensor._ctx.inputs``
links that backward walks in minigan/autograd/engine.py, but it keeps every input, also those that
need no gradient (constants, data). :func:`graph_text` prints it as an indented tree
(``Tensor.graph_text()``); ``minigan.viz.draw_graph`` draws it.

    >>> import minigan
    >>> x = minigan.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = x * x
    >>> print((y + y.exp()).sum().graph_text())
    Sum () float32
    └─ Add (3,) float32
       ├─ Mul (3,) float32 [1]
       │  ├─ leaf (3,) float32 [2]
       │  └─ leaf (3,) float32 [2] (see above)
       └─ Exp (3,) float32
          └─ Mul (3,) float32 [1] (see above)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .tensor import Tensor

__all__ = ["GraphNode", "graph_nodes", "graph_edges", "graph_text", "KINDS"]

#: kind -> what it is: an op's result, a leaf that needs a gradient, a Parameter, or a
#: tensor that needs no gradient (data, a constant).
KINDS = {"op": "op result", "leaf": "leaf (requires grad)", "parameter": "parameter", "constant": "constant (no grad)"}


@dataclass(frozen=True)
class GraphNode:
    """One tensor of the graph.

    ``label`` is the op's name for an op result (``MatMul``), else ``leaf``, ``Parameter`` or
    ``constant``, followed by the tensor's name where one was given (``Parameter 0.weight``). ``inputs`` are the indices of the nodes it
    was made from, in the op's argument order (an input used twice appears twice). ``depth`` is
    the longest path from this node down to the output (the output has depth 0); ``freed``
    says that backward has already freed the op's saved inputs, so they are not shown.
    """

    index: int
    kind: str
    label: str
    shape: tuple[int, ...]
    dtype: str
    inputs: tuple[int, ...]
    depth: int
    freed: bool = False

    def describe(self) -> str:
        """``label shape dtype``, e.g. ``MatMul (64, 256) float32``."""
        return f"{self.label} {self.shape} {self.dtype}" + (" (graph freed by backward)" if self.freed else "")


def _check_tensor(tensor: Any, caller: str) -> None:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{caller}: expected a minigan Tensor, got {type(tensor).__name__}")


def _kind(tensor: Any) -> str:
    if tensor._ctx is not None:
        return "op"
    if tensor.is_parameter:  # nn.Parameter says so; the graph walk knows nothing of nn
        return "parameter"
    return "leaf" if tensor.requires_grad else "constant"


def graph_nodes(tensor: Any, names: Mapping[str, Any] | None = None) -> list[GraphNode]:
    """Every tensor ``tensor`` was computed from, inputs before the ops that used them; the
    last node is ``tensor`` itself.

    ``names`` (optional) labels tensors by name, e.g. ``dict(model.named_parameters())``.
    The walk is a loop, not recursion, so a graph of any depth works.
    """
    _check_tensor(tensor, "graph_nodes")
    if names is not None and not isinstance(names, Mapping):
        raise TypeError("graph_nodes: names must map names to Tensors, e.g. dict(model.named_parameters()), "
                        f"got {type(names).__name__}")
    label_of = {id(value): str(name) for name, value in (names or {}).items()}
    order: list[Any] = []
    index_of: dict[int, int] = {}
    on_path = {id(tensor)}
    stack = [(tensor, iter(_inputs(tensor)))]
    while stack:
        node, parents = stack[-1]
        parent = next((p for p in parents if id(p) not in index_of and id(p) not in on_path), None)
        if parent is None:  # every input is placed: the node goes after them
            stack.pop()
            index_of[id(node)] = len(order)
            order.append(node)
        else:
            on_path.add(id(parent))
            stack.append((parent, iter(_inputs(parent))))
    depth = [0] * len(order)
    for i in range(len(order) - 1, -1, -1):  # outputs first: a node lies below all it feeds
        for parent in _inputs(order[i]):
            depth[index_of[id(parent)]] = max(depth[index_of[id(parent)]], depth[i] + 1)
    nodes = []
    for i, node in enumerate(order):
        kind = _kind(node)
        default = node._ctx.function.__name__ if kind == "op" else ("Parameter" if kind == "parameter" else kind)
        nodes.append(GraphNode(
            index=i, kind=kind, label=f"{default} {label_of[id(node)]}" if id(node) in label_of else default,
            shape=tuple(node.shape),
            dtype=str(node.dtype), inputs=tuple(index_of[id(p)] for p in _inputs(node)), depth=depth[i],
            freed=kind == "op" and node._ctx.freed,
        ))
    return nodes


def _inputs(tensor: Any) -> tuple[Any, ...]:
    return tensor._ctx.inputs if tensor._ctx is not None else ()


def graph_edges(nodes: list[GraphNode]) -> list[tuple[int, int]]:
    """(parent, child) index pairs: from each input to the op result made from it."""
    return [(parent, node.index) for node in nodes for parent in node.inputs]


def graph_text(tensor: Any, names: Mapping[str, Any] | None = None) -> str:
    """The graph as an indented tree, the output first and each node's inputs below it.

    A node used more than once gets a number, ``[1]``, where it first appears; later uses
    show its line with ``(see above)`` and not its inputs again, so shared subgraphs (a
    diamond, ``x * x``) are printed once.
    """
    _check_tensor(tensor, "graph_text")
    nodes = graph_nodes(tensor, names)
    uses = [0] * len(nodes)
    for parent, _ in graph_edges(nodes):
        uses[parent] += 1
    numbers: dict[int, int] = {}
    lines = []
    stack = [(len(nodes) - 1, "", "")]  # (node, its line's prefix, its inputs' prefix)
    while stack:
        index, prefix, child_prefix = stack.pop()
        node = nodes[index]
        seen = index in numbers
        if uses[index] > 1 and not seen:
            numbers[index] = len(numbers) + 1
        tag = f" [{numbers[index]}]" if index in numbers else ""
        lines.append(f"{prefix}{node.describe()}{tag}" + (" (see above)" if seen else ""))
        if seen:
            continue
        for k in range(len(node.inputs) - 1, -1, -1):  # pushed in reverse: popped in order
            last = k == len(node.inputs) - 1
            stack.append((node.inputs[k], child_prefix + ("└─ " if last else "├─ "),
                          child_prefix + ("   " if last else "│  ")))
    return "\n".join(lines)
