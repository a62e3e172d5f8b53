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

With ``values=True`` and ``grads=True`` each node also shows its value and d(output)/d(node),
as micrograd's ``draw_dot`` does:

    >>> a = minigan.tensor(2.0, requires_grad=True)
    >>> b = minigan.tensor(-3.0, requires_grad=True)
    >>> out = a * b + a
    >>> out.backward(retain_graph=True)  # kept, so that it can be drawn with its gradients
    >>> print(out.graph_text(values=True, grads=True))
    Add () float32 data -4 grad 1
    ├─ Mul () float32 data -6 grad 1
    │  ├─ leaf () float32 data 2 grad -2 [1]
    │  └─ leaf () float32 data -3 grad 2
    └─ leaf () float32 data 2 grad -2 [1] (see above)

The walk is duck-typed: any tensor with ``data``, ``requires_grad`` and ``_ctx`` (whose
``function`` and ``inputs`` name the op and its inputs) can be shown, such as minigan.micro's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .engine import grad as engine_grad
from .freed import FreedInput
from .tensor import Tensor
from .tracing import summarize

__all__ = ["GraphNode", "graph_nodes", "graph_edges", "graph_text", "summarize", "KINDS", "FREED"]

#: kind -> what it is: an op's result, a leaf that needs a gradient, a Parameter, or a
#: tensor that needs no gradient (data, a constant).
KINDS = {"op": "op result", "leaf": "leaf (requires grad)", "parameter": "parameter", "constant": "constant (no grad)"}


@dataclass(frozen=True)
class GraphNode:
    """One tensor of the graph.

    ``value`` and ``grad`` are short summaries of the tensor's value and of d(output)/d(tensor)
    (see minigan/autograd/tracing.py:summarize), or "" where not asked for or not there.
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
    value: str = ""
    grad: str = ""

    def describe(self) -> str:
        """``label shape dtype``, e.g. ``MatMul (64, 256) float32``, then the value and gradient
        when they were asked for."""
        numbers = (f" data {self.value}" if self.value else "") + (f" grad {self.grad}" if self.grad else "")
        return f"{self.label} {self.shape} {self.dtype}{numbers}" + (f" ({FREED})" if self.freed else "")


#: what a node whose op was freed by backward says.
FREED = "graph freed by backward; keep it with backward(retain_graph=True) to draw it"


def _check_tensor(tensor: Any, caller: str) -> None:
    if not isinstance(tensor, Tensor) and not all(hasattr(tensor, a) for a in ("array", "requires_grad", "_ctx")):
        raise TypeError(f"{caller}: expected a minigan Tensor, got {type(tensor).__name__} "
                        "(or any tensor with data, requires_grad and _ctx, such as minigan.micro's)")


def _kind(tensor: Any) -> str:
    if tensor._ctx is not None:
        return "op"
    if getattr(tensor, "is_parameter", False):  # nn.Parameter says so; the graph walk knows nothing of nn
        return "parameter"
    return "leaf" if tensor.requires_grad else "constant"


def graph_nodes(tensor: Any, names: Mapping[str, Any] | None = None, values: bool = False,
                grads: bool = False) -> list[GraphNode]:
    """Every tensor ``tensor`` was computed from, inputs before the ops that used them; the
    last node is ``tensor`` itself.

    ``names`` (optional) labels tensors by name, e.g. ``dict(model.named_parameters())``.
    ``values=True`` fills each node's ``value``; ``grads=True`` its ``grad``: d(tensor)/d(node)
    for every node that requires a gradient, found by a backward pass of its own over the graph
    (``.grad`` attributes are left alone). That needs the graph whole: before ``backward()``, or
    after ``backward(retain_graph=True)``. A duck-typed tensor (micro's) shows its ``.grad``.
    After a backward, the value of a tensor that only the freed graph held is gone: it reads
    ``freed``. The walk is a loop, not recursion, so a graph of any depth works.
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
    gradient = _gradients(tensor, order) if grads else {}
    nodes = []
    for i, node in enumerate(order):
        kind = _kind(node)
        default = node._ctx.function.__name__ if kind == "op" else ("Parameter" if kind == "parameter" else kind)
        nodes.append(GraphNode(
            index=i, kind=kind, label=f"{default} {label_of[id(node)]}" if id(node) in label_of else default,
            shape=tuple(node.shape),
            dtype=str(getattr(node, "dtype", node.array.dtype)), inputs=tuple(index_of[id(p)] for p in _inputs(node)),
            depth=depth[i], freed=kind == "op" and getattr(node._ctx, "freed", False),
            value=("freed" if type(node) is FreedInput else summarize(node.array)) if values else "",
            grad=summarize(gradient[id(node)]) if id(node) in gradient else "",
        ))
    return nodes


def _array(value: Any) -> Any:
    """An array as it is; a tensor of any engine as its ``data``."""
    return value if isinstance(value, np.ndarray) else value.array


def _gradients(tensor: Any, order: list[Any]) -> dict[int, Any]:
    """id -> d(tensor)/d(node) array for the nodes that get one (see :func:`graph_nodes`)."""
    if not isinstance(tensor, Tensor):  # a duck-typed tensor: what its own backward left
        return {id(n): _array(n.grad) for n in order if getattr(n, "grad", None) is not None}
    if any(n._ctx is not None and n._ctx.freed for n in order):
        raise RuntimeError(f"grads=True needs the whole graph, but it was {FREED[6:]}")
    if tensor.size != 1:
        raise RuntimeError(f"grads=True shows d(output)/d(node), which needs an output of one element, as "
                           f"backward() does; this one has shape {tensor.shape}: draw its .sum() or a loss")
    wanted = [n for n in order if n.requires_grad]
    if not wanted:
        return {}
    found = engine_grad(tensor, wanted, retain_graph=True, allow_unused=True)
    return {id(n): g.array for n, g in zip(wanted, found) if g is not None}


def _inputs(tensor: Any) -> tuple[Any, ...]:
    """The inputs as backward walks them: where backward freed the node, the live tensors, else
    their stand-ins (minigan/autograd/freed.py)."""
    ctx = tensor._ctx
    if ctx is None:
        return ()
    return ctx.live_inputs() if getattr(ctx, "stand_ins", False) else ctx.inputs  # micro's Context has none


def graph_edges(nodes: list[GraphNode]) -> list[tuple[int, int]]:
    """(parent, child) index pairs: from each input to the op result made from it."""
    return [(parent, node.index) for node in nodes for parent in node.inputs]


def graph_text(tensor: Any, names: Mapping[str, Any] | None = None, values: bool = False, grads: bool = False) -> str:
    """The graph as an indented tree, the output first and each node's inputs below it;
    ``values`` and ``grads`` add each node's value and gradient (see :func:`graph_nodes`).

    A node used more than once gets a number, ``[1]``, where it first appears; later uses
    show its line with ``(see above)`` and not its inputs again, so shared subgraphs (a
    diamond, ``x * x``) are printed once.
    """
    _check_tensor(tensor, "graph_text")
    nodes = graph_nodes(tensor, names, values, grads)
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
