"""Reverse mode: ``backward()`` fills ``.grad`` on leaves, ``grad()`` returns gradients.

Both walk the graph in one reverse topological order (found iteratively, so a 10,000-op
chain is no problem for Python's recursion limit) and apply the chain rule node by node.
"""
from __future__ import annotations

import threading
from typing import Any, Sequence

import numpy as np

from ..backends import backend_of
from .anomaly_mode import finished_backward, is_anomaly_enabled, nan_check_wanted, running_backward, warn_forward_trace
from .grad_mode import set_grad_enabled
from .function import SECOND_BACKWARD
from .inplace import check_versions
from .tensor import Tensor
from .recording import active_recorder
from .tracing import active_tracer
from .profiler import timed_accumulation, timed_backward


def topological_order(roots: Sequence[Tensor]) -> list[Tensor]:
    """Every tensor that ``roots`` depend on through recorded ops, inputs before outputs. A node
    freed by an earlier backward is read through ``Context.live_inputs``: a tensor that is gone is
    in the list as its stand-in (minigan/autograd/freed.py)."""
    order: list[Tensor] = []
    visited: set[int] = set()
    for root in roots:
        if id(root) in visited:
            continue
        visited.add(id(root))
        ctx = root._ctx
        stack = [(root, iter(() if ctx is None else ctx.live_inputs()))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if parent.requires_grad and id(parent) not in visited:
                    visited.add(id(parent))
                    ctx = parent._ctx
                    stack.append((parent, iter(() if ctx is None else ctx.live_inputs())))
                    break
            else:  # every parent is done: the node comes after them
                stack.pop()
                order.append(node)
    return order


class _Accumulator:
    """Sums the gradient contributions reaching one tensor.

    The first contribution may be borrowed (a view of another gradient, or the seed), so it
    is never written into; from the second one on the sum lives in an array this owns, and
    further contributions are added in place with ``+=``.
    """

    __slots__ = ("grad", "owned")

    def __init__(self, grad: Tensor, owned: bool) -> None:
        self.grad = grad
        self.owned = owned

    def add(self, grad: Tensor, create_graph: bool) -> None:
        if create_graph:  # the sum itself must be differentiable
            self.grad = self.grad + grad
            return
        recorder = active_recorder()
        if self.owned:
            self.grad.array += grad.array
            if recorder is not None:
                recorder.add_into(self.grad.array, grad.array)
        else:
            data = self.grad.array + grad.array
            if isinstance(data, np.generic):  # two 0-d arrays add up to a NumPy scalar
                data = np.asarray(data)
            summed = Tensor._make(data, False, None)
            if recorder is not None:
                recorder.add(self.grad.array, grad.array, summed.array)
            self.grad = summed
            self.owned = True


def _copy(array: Any) -> Any:
    return backend_of(array).xp.asarray(array, copy=True)


def _is_fresh(result: Tensor, incoming: Tensor) -> bool:
    """True when backward made a new array (not the incoming gradient or a view of anything).

    An array type that cannot say whether it is a view (no ``base``) is never taken as fresh.
    """
    return result.array is not incoming.array and getattr(result.array, "base", True) is None


def _seed_gradients(outputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None) -> list[Tensor]:
    seeds = []
    for i, output in enumerate(outputs):
        given = None if grad_outputs is None else grad_outputs[i]
        if given is None:
            if output.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for outputs with one element; output {i} has "
                    f"shape {output.shape}: pass a gradient of that shape (grad= / grad_outputs=)"
                )
            data = output.array
            seeds.append(Tensor._make(backend_of(data).xp.ones(output.shape, dtype=data.dtype, device=data.device), False, None))
        else:
            given = given if isinstance(given, Tensor) else Tensor(given, dtype=output.dtype, device=output.device)
            if given.shape != output.shape:
                raise RuntimeError(
                    f"the gradient for output {i} has shape {given.shape} but the output has shape {output.shape}"
                )
            seeds.append(given)
    return seeds


def _run_backward(
    outputs: Sequence[Tensor],
    seeds: Sequence[Tensor],
    retain_graph: bool,
    create_graph: bool,
    wanted: set[int] | None,
) -> dict[int, _Accumulator]:
    """Propagate ``seeds`` back from ``outputs``.

    With ``wanted`` None (``backward()``), leaf gradients are accumulated into ``.grad``.
    Otherwise (``grad()``) the gradients of the tensors whose ids are in ``wanted`` are
    returned and ``.grad`` is left alone; nodes that lead to no wanted tensor are skipped.
    """
    order = topological_order(outputs)
    for node in order:  # a freed node lost its edges, so it may sit too late in the order: raise before any step
        if node._ctx is not None and node._ctx.freed:
            raise _freed(node._ctx)
    leads_to_wanted: set[int] = set()
    if wanted is not None:
        for node in order:  # inputs come first, so a node's parents are already decided
            ctx = node._ctx
            if id(node) in wanted or (
                ctx is not None and any(id(parent) in leads_to_wanted for parent in ctx.live_inputs())
            ):
                leads_to_wanted.add(id(node))
    pending: dict[int, _Accumulator] = {}
    for output, seed in zip(outputs, seeds):
        if id(output) in pending:
            pending[id(output)].add(seed, create_graph)
        else:
            pending[id(output)] = _Accumulator(seed, owned=False)
    results: dict[int, _Accumulator] = {}
    recorder = active_recorder()
    if recorder is not None and (create_graph or wanted is not None):
        recorder.unsupported("create_graph=True or autograd.grad()" if create_graph else "autograd.grad()")
    tracer = timed_backward(active_tracer())  # None unless inside minigan.trace() or a profile
    running = _PASSES.running
    running.append(object())
    try:
        if tracer is None:
            _propagate(order, pending, results, retain_graph, create_graph, wanted, leads_to_wanted, None)
            return results
        tracer.start()
        try:
            _propagate(order, pending, results, retain_graph, create_graph, wanted, leads_to_wanted, tracer)
        finally:
            tracer.finish()
        return results
    finally:
        running.pop()


class _ThreadPasses(threading.local):
    def __init__(self) -> None:
        self.running: list[object] = []


_PASSES = _ThreadPasses()


def running_passes() -> list[object]:
    """A token for each backward pass running on this thread, innermost last (a hook or a backward
    may start another). For a node whose backward files a gradient for a later node of the same
    pass (minigan/ops/parts.py): what a pass that raised halfway had filed is told apart by its token."""
    return _PASSES.running


def _propagate(order: list[Tensor], pending: dict[int, _Accumulator], results: dict[int, _Accumulator],
               retain_graph: bool, create_graph: bool, wanted: set[int] | None, leads_to_wanted: set[int],
               tracer: Any) -> None:
    """The chain rule, node by node from the outputs (see _run_backward). A tensor's hooks
    (minigan/autograd/hooks.py) run where they apply; a tensor without any costs one test."""
    recorder = active_recorder()
    nan_check = nan_check_wanted()  # anomaly detection (minigan/autograd/anomaly_mode.py), read once a pass
    call = _call_backward_reporting if is_anomaly_enabled() else _call_backward
    memo: dict[int, Any] = {}  # the pass's stand-ins for constants (Context.free)
    with set_grad_enabled(create_graph):  # record the backward pass only for higher-order gradients
        for node in reversed(order):
            accumulated = pending.pop(id(node), None)
            if accumulated is None:
                continue
            hooks = node._hooks
            if hooks is not None and hooks.tensor:
                accumulated = _run_tensor_hooks(hooks, accumulated, recorder)
            grad = accumulated.grad
            if wanted is not None and id(node) in wanted:
                results[id(node)] = accumulated
            ctx = node._ctx
            if ctx is None:  # a leaf
                if tracer is not None:
                    tracer.leaf(node, grad)
                if wanted is None:
                    if tracer is None:
                        _accumulate_into_leaf(node, grad, accumulated.owned, create_graph)
                    else:  # a profile times it (PyTorch's AccumulateGrad range)
                        timed_accumulation(_accumulate_into_leaf, node, grad, accumulated.owned, create_graph)
                    if hooks is not None and hooks.post_accumulate:
                        _run_post_accumulate(hooks, node, recorder)
                continue
            if ctx.freed:  # freed by a backward that a hook of this one ran
                raise _freed(ctx)
            check_versions(ctx)
            if ctx.retains_grad and wanted is None:  # retain_grad(): .grad filled as a leaf's, from a copy
                if recorder is not None:
                    recorder.unsupported("retain_grad()")
                _accumulate_into_leaf(node, grad, False, create_graph)
            parents = ctx.live_inputs()  # as topological_order met them
            needs = ctx.needs_input_grad
            if wanted is not None:  # like torch.autograd.grad: no gradient that leads to no wanted tensor
                needs = tuple(needed and id(parent) in leads_to_wanted for parent, needed in zip(parents, needs))
            if recorder is None:
                input_grads = call(ctx, grad, needs, tracer)
            else:  # minigan.replay.compile records the call as one kernel call
                input_grads = recorder.backward(call, ctx, grad, needs, tracer)
            if not isinstance(input_grads, tuple) or len(input_grads) != len(ctx.inputs):
                raise RuntimeError(
                    f"{ctx.function.__name__}.backward returned {len(input_grads) if isinstance(input_grads, tuple) else type(input_grads).__name__} "
                    f"gradients for {len(ctx.inputs)} inputs"
                )
            if nan_check:
                _refuse_nan(ctx, input_grads)
            if hooks is not None and hooks.node:  # Module.register_backward_hook's, on the grad_fn
                input_grads = _run_node_hooks(hooks, input_grads, needs, grad, recorder)
            for index, (parent, parent_grad, needed) in enumerate(zip(parents, input_grads, needs)):
                if parent_grad is None or not needed:
                    continue
                parent_grad = _checked_gradient(ctx.function.__name__, index, parent, parent_grad)
                if id(parent) in pending:
                    pending[id(parent)].add(parent_grad, create_graph)
                else:
                    pending[id(parent)] = _Accumulator(parent_grad, owned=_is_fresh(parent_grad, grad))
            if not retain_graph:
                ctx.free(memo)


def _refuse_nan(ctx: Any, input_grads: tuple) -> None:
    """Anomaly detection's check: PyTorch's error at the first gradient holding a NaN."""
    for index, input_grad in enumerate(input_grads):
        if isinstance(input_grad, Tensor) and input_grad.dtype.kind == "f":
            xp = backend_of(input_grad.array).xp
            if bool(xp.any(xp.isnan(input_grad.array))):
                error = RuntimeError(f"Function '{ctx.name()}' returned nan values in its {index}th output.")
                warn_forward_trace(ctx, error)  # with the stack of the forward call
                raise error


def _freed(ctx: Any) -> RuntimeError:
    return RuntimeError(f"{SECOND_BACKWARD} (at {ctx.name()})")


def _run_tensor_hooks(hooks: Any, accumulated: _Accumulator, recorder: Any) -> _Accumulator:
    """The gradient after the tensor's ``register_hook`` hooks. The hooks may keep what they are
    given, so from here on it is never written into (a leaf's ``.grad`` gets a copy)."""
    if recorder is not None:
        recorder.unsupported("a tensor hook (Tensor.register_hook)")
    return _Accumulator(hooks.run_tensor_hooks(accumulated.grad), owned=False)


def _run_node_hooks(hooks: Any, input_grads: tuple, needs: tuple[bool, ...], grad: Tensor, recorder: Any) -> tuple:
    if recorder is not None:
        recorder.unsupported("a backward hook on a grad_fn (Module.register_backward_hook)")
    return hooks.run_node_hooks(tuple(g if needed else None for g, needed in zip(input_grads, needs)), grad)


def _run_post_accumulate(hooks: Any, leaf: Tensor, recorder: Any) -> None:
    if recorder is not None:
        recorder.unsupported("a post-accumulate-grad hook (Tensor.register_post_accumulate_grad_hook)")
    hooks.run_post_accumulate(leaf)


_RECORDABLE = "return Tensors built from ctx.inputs with Tensor ops, so that create_graph can record them"


def _checked_gradient(name: str, index: int, parent: Tensor, grad: Any) -> Tensor:
    """The gradient ``name.backward`` returned for input ``index``, checked against that input:
    a Tensor of its shape, of a floating dtype and on its device, else one error that says what
    came back and what was expected. A floating dtype other than the input's is cast to it, as
    PyTorch's engine does (a float32 input gets a float32 gradient)."""
    where = f"{name}.backward returned"
    if not isinstance(grad, Tensor):
        kind = f"a {type(grad).__module__}.{type(grad).__name__}"
        if hasattr(grad, "shape") and hasattr(grad, "dtype"):
            kind += f" of shape {tuple(grad.shape)}"
        raise TypeError(
            f"{where} {kind} as the gradient of input {index}; expected a minigan Tensor (or None): "
            f"{_RECORDABLE} (micro's backward returns arrays, the real engine's does not)"
        )
    if grad.shape != parent.shape:
        raise RuntimeError(f"{where} a gradient of shape {grad.shape} for input {index} of shape {parent.shape}")
    if not (type(grad.array) is np.ndarray and type(parent.array) is np.ndarray) and grad.device != parent.device:
        raise RuntimeError(
            f"{where} a gradient on device {grad.device} for input {index} on device {parent.device}; "
            f"expected the input's device: {_RECORDABLE}"
        )
    if grad.dtype != parent.dtype:
        if grad.dtype.kind != "f":
            raise RuntimeError(
                f"{where} a gradient of dtype {grad.dtype} for input {index} of dtype {parent.dtype}; "
                f"expected a floating dtype ({parent.dtype}): {_RECORDABLE}"
            )
        grad = grad.astype(parent.dtype)
    return grad


def _call_backward(ctx: Any, grad: Tensor, needs: tuple[bool, ...], tracer: Any) -> Any:
    """``ctx.function.backward`` (or, inside ``minigan.trace()``, the trace's stand-in), asked
    for the input gradients that ``needs`` marks; the context's own marks are restored after."""
    call = ctx.function.backward if tracer is None else tracer.backward
    if needs is ctx.needs_input_grad:
        return call(ctx, grad)
    recorded, ctx.needs_input_grad = ctx.needs_input_grad, needs
    try:
        return call(ctx, grad)
    finally:
        ctx.needs_input_grad = recorded  # a retained graph's later backward() needs them all


def _call_backward_reporting(ctx: Any, grad: Tensor, needs: tuple[bool, ...], tracer: Any) -> Any:
    """``_call_backward`` under anomaly detection: nodes the backward makes name ``ctx`` as their
    parent, and a backward that raises first warns with the stack of the forward call that made ``ctx``."""
    before = running_backward(ctx)
    try:
        return _call_backward(ctx, grad, needs, tracer)
    except Exception as error:
        warn_forward_trace(ctx, error)
        raise
    finally:
        finished_backward(before)


def _accumulate_into_leaf(leaf: Tensor, grad: Tensor, owned: bool, create_graph: bool) -> None:
    recorder = active_recorder()
    if recorder is not None:
        recorder.leaf(leaf, grad.array, owned)
    if leaf._grad is None:
        # A borrowed array must be copied before it becomes .grad, which later backwards add to.
        leaf._grad = grad if (owned or create_graph) else Tensor._make(_copy(grad.array), False, None)
    elif create_graph or leaf._grad.requires_grad:
        leaf._grad = leaf._grad + grad
    else:
        leaf._grad.array += grad.array


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """d(tensors)/d(leaf), each times its gradient in ``grad_tensors``, summed into ``leaf.grad``
    for every leaf needing it, like ``torch.autograd.backward``. A gradient may be left out
    (None) only for a tensor with one element. The graph is kept when ``retain_graph`` or
    ``create_graph`` is set. Given ``inputs``, only their ``.grad`` is written (an input may be
    a non-leaf; one the tensors do not depend on keeps its ``.grad``)."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    for i, tensor in enumerate(tensors):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"backward: every tensor must be a Tensor, got {type(tensor).__name__} at {i}")
        if not tensor.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad: nothing in its graph needs a gradient")
    if grad_tensors is not None:
        grad_tensors = list(grad_tensors) if isinstance(grad_tensors, (list, tuple)) else [grad_tensors]
        if len(grad_tensors) != len(tensors):
            raise ValueError(f"backward: {len(grad_tensors)} grad_tensors for {len(tensors)} tensors")
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        if not inputs:
            raise RuntimeError("backward: the inputs= argument cannot be empty")
        gradients = grad(tensors, inputs, grad_tensors, bool(retain_graph) or create_graph, create_graph,
                         allow_unused=True)
        for tensor, gradient in zip(inputs, gradients):
            if gradient is not None:
                timed_accumulation(_accumulate_into_leaf, tensor, gradient, True, create_graph)  # grad()'s own arrays
                if tensor._hooks is not None and tensor._hooks.post_accumulate and tensor._ctx is None:
                    _run_post_accumulate(tensor._hooks, tensor, active_recorder())
        return
    seeds = _seed_gradients(tensors, grad_tensors)
    _run_backward(tensors, seeds, bool(retain_graph) or create_graph, create_graph, wanted=None)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
    only_inputs: bool = True,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, like ``torch.autograd.grad``.

    ``.grad`` attributes are not touched. With ``create_graph=True`` the returned gradients are
    part of the graph, so they can be differentiated again (a gradient penalty, a Hessian-vector
    product). An input the outputs do not depend on raises, unless ``allow_unused=True``, in which
    case its gradient is None. ``only_inputs`` is accepted and ignored, as in PyTorch (where it
    is deprecated: only the inputs' gradients are ever computed).
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for i, item in enumerate(outputs + inputs):
        if not isinstance(item, Tensor):
            kind = "output" if i < len(outputs) else "input"
            raise TypeError(f"grad: every {kind} must be a Tensor, got {type(item).__name__}")
    for i, tensor in enumerate(inputs):
        if not tensor.requires_grad:
            raise RuntimeError(f"grad: input {i} (shape {tensor.shape}) does not require grad")
    if grad_outputs is not None:
        grad_outputs = [grad_outputs] if not isinstance(grad_outputs, (list, tuple)) else list(grad_outputs)
        if len(grad_outputs) != len(outputs):
            raise ValueError(f"grad: {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    differentiable = [(o, s) for o, s in zip(outputs, _seed_gradients(outputs, grad_outputs)) if o.requires_grad]
    if retain_graph is None:
        retain_graph = create_graph
    results = _run_backward(
        [o for o, _ in differentiable], [s for _, s in differentiable], retain_graph, create_graph,
        wanted={id(t) for t in inputs},
    )
    gradients = []
    for i, tensor in enumerate(inputs):
        accumulated = results.get(id(tensor))
        if accumulated is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} (shape {tensor.shape}) is not used in the graph of the outputs; "
                    "pass allow_unused=True to get None for it"
                )
            gradients.append(None)
        elif accumulated.owned or create_graph:
            gradients.append(accumulated.grad)
        else:  # borrowed (a view, or grad_outputs passed straight through): hand out a copy
            gradients.append(Tensor._make(_copy(accumulated.grad.array), False, None))
    return tuple(gradients)
