"""The building block of the graph: a ``Function`` is one differentiable operation.

Every op is a subclass with two static methods side by side:

* ``forward(ctx, *arrays, **options) -> array`` computes the result on raw arrays;
* ``backward(ctx, grad_output) -> tuple`` receives the gradient of the output as a
  ``Tensor`` and returns one gradient ``Tensor`` (or ``None``) per positional input.

``backward`` is written with Tensor ops, so the backward pass can itself be recorded: the
engine runs it under ``no_grad()`` normally and with recording on for ``create_graph=True``.
That is what makes second derivatives (a WGAN-GP gradient penalty) work for every op.

Contract for ``backward``: return new Tensors or views of ``grad_output``, never a saved
array wrapped as is; the engine relies on this to decide when a gradient array is its own.
The engine checks each gradient returned (engine.py's ``_checked_gradient``): a Tensor, not an
array (micro's convention), of the input's shape, a floating dtype and the input's device; one
message names the Function, what came back and what was expected.

``Tensor`` (minigan/autograd/tensor.py) sits below this module: a Tensor is data plus a link
to the Context that made it and never needs ``Function`` itself, while every Function makes
Tensors. So this module imports Tensor at the top, and Tensor reaches up only from inside
its methods: its operators and math methods (to ``minigan.ops``, through
minigan/autograd/ops_on_first_use.py), ``backward()`` (to the engine) and ``graph_text()``.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from .anomaly_mode import forward_metadata, thread_mode as _anomaly
from .freed import FreedInput, stand_in
from .grad_mode import is_grad_enabled
from .inplace import share_if_view
from .profiler import active_profiler
from .recording import active_recorder
from .tensor import Tensor, as_tensor

#: PyTorch's words, for a backward or a ``saved_tensors`` that finds the saved values freed.
SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)


class Context:
    """What one application of a Function keeps for its backward pass.

    ``inputs`` are the input Tensors (the graph's edges; once backward has freed the node, stand-ins
    that keep no array, see ``free``), ``needs_input_grad`` says which of
    them want a gradient, ``saved`` holds whatever ``forward`` chose to keep, and ``output``
    gives the result Tensor back (held weakly, so output -> context -> output is no cycle).

    It is also the output's ``grad_fn``, PyTorch's backward node: ``name()`` and
    ``next_functions`` read the graph from it.
    """

    __slots__ = ("function", "inputs", "needs_input_grad", "saved", "options", "_output_ref", "freed", "versions",
                 "retains_grad", "stand_ins", "_stand_in", "_metadata",
                 "__dict__")  # __dict__: a custom Function may keep more (ctx.constant = 2), as in PyTorch

    def __init__(self) -> None:
        self.saved: tuple[Any, ...] = ()
        self.freed = False
        self.retains_grad = False  # set by Tensor.retain_grad(): backward fills the output's .grad
        self.stand_ins = False  # set by free() on a node that saved nothing: read inputs through live_inputs()
        self._stand_in = None  # a weak reference to the output's stand-in, once a freed node needs one

    def save_for_backward(self, *values: Any) -> None:
        self.saved = values

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What ``save_for_backward`` kept, as Tensors (PyTorch's name). A saved input, or its
        array, comes back as that input Tensor, so a backward that reads it can be recorded."""
        if self.freed:
            raise RuntimeError(SECOND_BACKWARD)
        inputs = {id(t.array): t for t in self.inputs if type(t) is not FreedInput}  # a stand-in has no value
        return tuple(value if value is None or isinstance(value, Tensor) else
                     inputs[id(value)] if id(value) in inputs else Tensor._make(value, False, None)
                     for value in self.saved)

    @property
    def output(self) -> "Tensor":
        output = self._output_ref()
        if output is None:  # only possible if the caller dropped the output yet still backprops
            raise RuntimeError(f"{self.function.__name__}: its output Tensor no longer exists")
        return output

    def name(self) -> str:
        """The node's name, as PyTorch's ``grad_fn.name()``: the op's name and "Backward"."""
        return f"{self.function.__name__}Backward"

    @property
    def metadata(self) -> dict[str, Any]:
        """PyTorch's ``grad_fn.metadata``, a dict; a node made under anomaly detection keeps there
        ``"traceback_"``, the stack of the forward call that made it, and a node made by a backward
        ``"parent_"`` (minigan/autograd/anomaly_mode.py). Empty otherwise."""
        try:
            return self._metadata
        except AttributeError:
            self._metadata: dict[str, Any] = {}
            return self._metadata

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """One ``(node, 0)`` per input, as PyTorch's: the node that made the input, an
        ``AccumulateGrad`` for a leaf that requires grad, None for a constant."""
        return tuple((t._ctx if t._ctx is not None else AccumulateGrad(t) if t.requires_grad else None, 0)
                     for t in self.inputs)

    def __repr__(self) -> str:
        return f"<{self.name()}>" if hasattr(self, "function") else "<Context>"

    def free(self, memo: dict[int, Any] | None = None) -> None:
        """Drop what backward reads (PyTorch's saved tensors); a later backward through here raises.
        A node that saved nothing (``Function.saves_values``) keeps its links to its inputs, so a
        later backward may pass through it, as through PyTorch's AddBackward, but not their arrays:
        each input that is not a leaf needing grad becomes a stand-in (minigan/autograd/freed.py).
        ``memo`` is the backward pass's, so that its freed nodes share one stand-in per constant."""
        if not self.function.saves_values(self):
            if not self.stand_ins:
                memo = {} if memo is None else memo
                self.inputs = tuple([stand_in(t, memo) for t in self.inputs])
                self.stand_ins = True
            return
        self.inputs = ()
        self.saved = ()
        self.options = {}  # may hold arrays too (a fused activation's product); backward raises before reading them
        self.freed = True

    def live_inputs(self) -> tuple[Any, ...]:
        """``inputs``, where free() put a stand-in, the input Tensor again while it lives: what the
        engine walks, so that a tensor that a freed node and a kept one share is met once."""
        if not self.stand_ins:
            return self.inputs
        return tuple(t.live() if type(t) is FreedInput else t for t in self.inputs)


class AccumulateGrad:
    """The node at a leaf that requires grad, as PyTorch's: ``variable`` is the leaf, whose
    ``.grad`` the engine adds the incoming gradient to."""

    __slots__ = ("variable",)
    next_functions: tuple = ()

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class Function:
    """Base class of every op; see the module docstring for the contract.

    ``saved_inputs`` lists the inputs whose values backward reads (None: all of them) and
    ``saves_output`` says whether it reads the output: the engine checks that those were not
    changed in place since the op ran (minigan/autograd/inplace.py). ``saved_for_gradient_of``
    (None: always) maps a saved input to the inputs whose gradients read it; it is checked only
    when one of those required grad, as PyTorch saves it only then (a @ b keeps b for a's gradient).

    ``view_of`` is set on the ops whose result is a view where PyTorch's is (reshape, indexing,
    transpose...): the index of the input whose memory the result may lie in. When it does, the
    result shares that input's version counter, so a change through either is seen by both. Such
    an op must not save its output (the output check expects version 0).
    """

    saved_inputs: tuple[int, ...] | None = None
    saved_for_gradient_of: dict[int, tuple[int, ...]] | None = None
    saves_output = False
    view_of: int | None = None

    @classmethod
    def saves_values(cls, ctx: Context) -> bool:
        """Whether backward reads values kept from forward (an input, the output, ``ctx.saved``):
        backward without ``retain_graph`` frees them, and a second backward through the node raises."""
        return cls.saved_inputs != () or cls.saves_output or bool(ctx.saved)

    @staticmethod
    def forward(ctx: Context, *arrays: Any, **options: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Context, grad_output: "Tensor") -> tuple["Tensor | None", ...]:
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Any, **options: Any) -> "Tensor":
        """Run ``forward`` on the inputs' arrays and, when recording, link the result into the graph."""
        tensors = tuple(x if isinstance(x, Tensor) else as_tensor(x) for x in inputs)
        if len(tensors) > 1:
            _check_one_device(cls, tensors)
        ctx = Context()
        ctx.function = cls
        ctx.options = options
        ctx.inputs = tensors
        profiler = active_profiler()
        if profiler is None:
            data = cls.forward(ctx, *(t.array for t in tensors), **options)
        else:  # inside torch.autograd.profiler.profile(): timed as one range
            data = profiler.forward(cls, ctx, tensors, options)
        if isinstance(data, np.generic):  # NumPy ufuncs turn 0-d arrays into scalars
            data = np.asarray(data)
        recorder = active_recorder()
        if recorder is not None:  # minigan.replay.compile is capturing this step
            recorder.function(cls, options, tensors, ctx, data)
        record = is_grad_enabled() and any(t.requires_grad for t in tensors)
        if not record:
            output = Tensor._make(data, False, None)
        else:
            ctx.needs_input_grad = tuple(t.requires_grad for t in tensors)
            ctx.versions = tuple(0 if t._vc is None else t._vc[0] for t in tensors)
            output = Tensor._make(data, True, ctx)
            ctx._output_ref = weakref.ref(output)
            if _anomaly.enabled:  # detect_anomaly(): the forward call's stack, for a failing backward
                ctx._metadata = forward_metadata()
        if cls.view_of is not None:
            share_if_view(output, tensors[cls.view_of])
        return output


def _check_one_device(function: type, tensors: tuple["Tensor", ...]) -> None:
    """Raise, naming both devices, when an op's inputs live on different devices.

    NumPy arrays (the common case) are recognised by type alone; arrays of other backends are
    compared by device, since one array type can live on several devices.
    """
    first = tensors[0].array
    kind = type(first)
    for tensor in tensors[1:]:
        other = tensor.array
        if type(other) is kind and (kind is np.ndarray or other.device == first.device):
            continue
        if tensor.device != tensors[0].device:
            raise RuntimeError(
                f"{function.__name__}: expected all tensors to be on the same device, but found "
                f"at least two devices, {tensors[0].device} and {tensor.device}; move them with .to(device)"
            )


def unbroadcast(grad: "Tensor", shape: tuple[int, ...]) -> "Tensor":
    """Sum ``grad`` down to ``shape``: the one place where broadcasting is undone.

    NumPy broadcasting prepends axes and stretches size-1 axes; the gradient of a broadcast
    input is the sum over exactly those axes.
    """
    if grad.shape == tuple(shape):
        return grad
    axes = summed_axes(grad.shape, shape)
    summed = grad.sum(axis=axes, keepdims=True) if axes else grad
    return summed.reshape(shape)


def summed_axes(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes, ascending, that ``unbroadcast`` sums a gradient of ``grad_shape`` over to undo
    the broadcasting of ``shape`` (also read by minigan/replay/pointwise.py, which sums on arrays)."""
    extra = len(grad_shape) - len(shape)
    return tuple(range(extra)) + tuple(
        extra + i for i, size in enumerate(shape) if size == 1 and grad_shape[extra + i] != 1
    )
