"""A Module's backward hooks, as PyTorch's ``register_full_backward_pre_hook``,
``register_full_backward_hook`` and the deprecated ``register_backward_hook``.

The full hooks need every gradient of one side of the module at once: the pre-hooks all the output
gradients, before any flows into the module; the full hooks all the input gradients, before any flows
out of it. The engine's Functions have one output each, so each side is gated the way
minigan/ops/parts.py joins a split's parts (PyTorch's engine buffers a node's gradients the same way):

* ``HookGate`` reads the side's tensors and gives an empty *handle*;
* each tensor goes on as ``HookPass(handle, x)``, x's values. Its backward files x's gradient with
  the call and gives the handle an empty gradient, so the gate's backward runs after every pass;
* the gate's backward hands the filed gradients to the hooks, and returns what they leave (or
  return) as the gradients of the side's tensors.
* as a split's parts do, the passes file under the backward pass that runs them (the engine's
  token for it): what a pass that raised halfway had filed is dropped, never joined by the next.

The forward gates the tensor arguments (when one of them requires grad) and the tensor outputs that
require grad; the forward's own code sees the passes, as PyTorch's sees views. A module whose inputs
need no gradient runs its full hooks at the output gate, with None for every input, as PyTorch's.
A module without backward hooks never reaches this file.

``register_backward_hook`` puts its hooks on the op that made the module's (first) output: they get
that op's input gradients and ``(grad_output,)`` (minigan/autograd/hooks.py's node hooks). That is
PyTorch's behaviour for a module whose forward is one op; for any other, PyTorch's FutureWarning.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..autograd.hooks import TensorHooks, add_hook
from ..backends import backend_of
from ..ops.parts import Filed

__all__ = ["BackwardHookCall", "HookGate", "HookPass", "attach_legacy_hooks"]

_NO_INPUT_GRAD = ("Full backward hook is firing when gradients are computed with respect to module outputs since "
                  "no inputs require gradients; its grad_input is None for every input")


def _empty(like: Any) -> Tensor:
    return Tensor._make(backend_of(like).xp.zeros((0,), dtype=like.dtype, device=like.device), False, None)


class HookGate(Function):
    """f = an empty handle that each of the side's passes reads;  df/dx_i = the gradient that pass i
    filed, after the module's hooks (zeros for an input that none reached)."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, *arrays: Any, call: "BackwardHookCall", side: str) -> Any:
        return _empty(arrays[0]).array

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        call = ctx.options["call"]
        return call.input_side(ctx.inputs) if ctx.options["side"] == "input" else call.output_side()


class HookPass(Function):
    """f(handle, x) = x;  df/dx reaches x through the gate: this files it with the call and gives
    the handle an empty gradient."""

    saved_inputs = ()
    view_of = 1

    @staticmethod
    def forward(ctx: Context, handle: Any, x: Any, call: "BackwardHookCall", side: str, index: int) -> Any:
        return x[...]  # a view, as PyTorch's module gets

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        if not ctx.needs_input_grad[0]:  # autograd.grad of something this side does not lead to
            return None, None
        ctx.options["call"].filed[ctx.options["side"]].file(ctx.options["index"], grad)
        return _empty(grad.array), None


def _count_error(kind: str, got: int, expected: int) -> RuntimeError:
    return RuntimeError(f"Backward {kind} returned an invalid number of grad_{'output' if 'pre' in kind else 'input'}, "
                        f"got {got}, but expected {expected}")


def _as_tuple(result: Any) -> tuple:
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


class BackwardHookCall:
    """One call of a module with full backward hooks: the hooks as they were at the call, and the
    gradients its two gates pass between them."""

    def __init__(self, module: Any, pre_hooks: list[Callable[..., Any]], hooks: list[Callable[..., Any]]) -> None:
        self.module, self.pre_hooks, self.hooks = module, pre_hooks, hooks
        self.filed = {"input": Filed(), "output": Filed()}
        self.arg_count = 0
        self.inputs_gated = False
        self.output_places: list[int] = []  # the output positions that were gated, in gate order
        self.output_count = 0
        self.grad_output: tuple | None = None  # set by the output side, used and cleared by the input side

    def _gate(self, tensors: list[Tensor], side: str) -> list[Tensor]:
        handle = HookGate.apply(*tensors, call=self, side=side)
        return [HookPass.apply(handle, t, call=self, side=side, index=i) for i, t in enumerate(tensors)]

    def wrap_inputs(self, args: tuple) -> tuple:
        """The arguments the forward sees: every Tensor argument through the input gate, when one
        of them requires grad."""
        self.arg_count = len(args)
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return args
        self.inputs_gated = True
        places = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.dtype.kind == "f"]
        passed = dict(zip(places, self._gate([args[i] for i in places], "input")))
        self.input_places = places
        return tuple(passed.get(i, a) for i, a in enumerate(args))

    def wrap_outputs(self, output: Any) -> Any:
        """What the caller gets: the output Tensors that require grad through the output gate."""
        single = isinstance(output, Tensor)
        if not single and not isinstance(output, tuple):
            warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of Tensors "
                          f"but received {type(output)}", UserWarning, stacklevel=3)
            return output
        items = (output,) if single else tuple(output)
        self.output_count = len(items)
        self.output_places = [i for i, o in enumerate(items) if isinstance(o, Tensor) and o.requires_grad]
        if not self.output_places:
            return output  # nothing will carry a gradient back: the hooks do not fire, as in PyTorch
        passed = dict(zip(self.output_places, self._gate([items[i] for i in self.output_places], "output")))
        items = tuple(passed.get(i, o) for i, o in enumerate(items))
        if single:
            return items[0]
        return type(output)(*items) if hasattr(output, "_fields") else type(output)(items)  # a namedtuple's too

    def output_side(self) -> tuple[Tensor | None, ...]:
        """The output gate's backward: the pre-hooks, then (with no input to gate) the full hooks."""
        filed = self.filed["output"].take()
        by_place = dict(zip(self.output_places, (filed.get(k) for k in range(len(self.output_places)))))
        grad_output = tuple(by_place.get(i) for i in range(self.output_count))
        for hook in self.pre_hooks:
            result = hook(self.module, grad_output)
            if result is not None:
                result = _as_tuple(result)
                if len(result) != len(grad_output):
                    raise _count_error("pre hook", len(result), len(grad_output))
                grad_output = result
        self.grad_output = grad_output
        if not self.inputs_gated and self.hooks:
            warnings.warn(_NO_INPUT_GRAD, UserWarning, stacklevel=2)
            nothing = (None,) * self.arg_count
            for hook in self.hooks:
                result = hook(self.module, nothing, grad_output)
                if result is not None and any(r is not None for r in _as_tuple(result)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
        return tuple(grad_output[i] for i in self.output_places)

    def input_side(self, inputs: tuple[Tensor, ...]) -> tuple[Tensor | None, ...]:
        """The input gate's backward: the full hooks, given the gradient of every argument (zeros for
        a Tensor none reached, None for anything else)."""
        filed = self.filed["input"].take()
        by_place = {}
        for k, (place, tensor) in enumerate(zip(self.input_places, inputs)):
            grad = filed.get(k)
            if grad is None:
                array = tensor.array
                grad = Tensor._make(backend_of(array).xp.zeros(array.shape, dtype=array.dtype, device=array.device),
                                    False, None)
            by_place[place] = grad
        grad_input = tuple(by_place.get(i) for i in range(self.arg_count))
        grad_output, self.grad_output = self.grad_output, None
        if grad_output is None:  # a gradient that reached the inputs without passing the outputs (a double
            return tuple(grad_input[i] for i in self.input_places)  # backward): no hook, as in PyTorch
        for hook in self.hooks:
            result = hook(self.module, grad_input, grad_output)
            if result is not None:
                result = _as_tuple(result)
                if len(result) != len(grad_input):
                    raise _count_error("hook", len(result), len(grad_input))
                grad_input = result
        return tuple(grad_input[i] for i in self.input_places)


def _first_tensor(output: Any) -> Any:
    """The Tensor whose op PyTorch hangs the deprecated hooks on: the output, or its first item."""
    while not isinstance(output, Tensor):
        if isinstance(output, dict):
            output = next((v for v in output.values() if isinstance(v, Tensor)), None)
        elif isinstance(output, (tuple, list)) and output:
            output = output[0]
        else:
            return None
    return output


def attach_legacy_hooks(module: Any, hooks: list[Callable[..., Any]], args: tuple, output: Any) -> None:
    """``register_backward_hook``'s hooks, on the op that made ``output`` (see the module docstring)."""
    tensor = _first_tensor(output)
    if tensor is None or tensor._ctx is None:
        return
    tables = tensor._hooks
    if tables is None:
        tables = tensor._hooks = TensorHooks()
    for hook in hooks:
        add_hook(tables.node, lambda grad_inputs, grad_outputs, hook=hook: hook(module, grad_inputs, grad_outputs),
                 False, "register_backward_hook")
    inputs = [a for a in args if isinstance(a, Tensor)]
    if len(inputs) != len(tensor._ctx.inputs) or any(a is not b for a, b in zip(inputs, tensor._ctx.inputs)):
        warnings.warn("Using a non-full backward hook when the forward contains multiple autograd Nodes is deprecated "
                      "and will be removed in future versions. This hook will be missing some grad_input. Please use "
                      "register_full_backward_hook to get the documented behavior.", FutureWarning, stacklevel=3)
