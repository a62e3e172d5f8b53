"""A tensor's parts along one axis, whose backward joins the parts' gradients once.

``parts(x, sizes, axis)`` gives x's consecutive slices of those sizes along ``axis``; ``unbind``
gives every index with the axis dropped, as ``torch.unbind``. The same slices taken with getitem
cost, in the backward pass, one zero array of x's shape per slice (getitem's adjoint scatters
into one, and the engine adds it to the others): O(parts * x.size). A recurrent layer that reads
its projected input one time step at a time paid that, quadratic in the sequence length.

The engine's Functions have one output each, so the parts are made the way PyTorch's engine
treats a node with several outputs, which buffers their gradients until it runs:

* ``Split`` reads x and gives a *handle*, an empty array: the node the parts' gradients go to;
* each part is ``Part(handle, x)``, x's slice. Its backward files the part's gradient with the
  split (a ``Filed``, in the options of both) and gives the handle an empty gradient; x's own
  gradient comes from Split, never from a part (None);
* the handle is an input of every part, so the engine runs Split's backward after the backward
  of every part that carries a gradient. It joins the filed gradients (zeros for a part that got
  none) into x's gradient with one concatenation, and forgets them.
* the gradients are filed under the backward pass that made them (the engine's token for it): a
  pass that raised before Split's backward ran leaves its parts' gradients behind, and the next
  pass must neither join nor keep them.

The join is a Tensor op on the parts' gradients, so a recorded backward (``create_graph``) is
differentiated through it as through any other op.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..autograd import Tensor, is_grad_enabled
from ..autograd.arguments import no_dimensions, wrap_dim
from ..autograd.engine import running_passes
from ..autograd.function import Context, Function
from ..backends import backend_of
from .shape import concatenate, stack


class Filed:
    """The gradients the parts of one split have filed, by backward pass and part number, until
    Split's backward joins them (one per split: no state outlives its graph). A module's backward
    hooks file the gradients of each side of a call the same way (minigan/nn/backward_hooks.py)."""

    __slots__ = ("grads",)

    def __init__(self) -> None:
        self.grads: dict[object | None, dict[int, Tensor]] = {}  # None: outside the engine (a replay)

    def __repr__(self) -> str:
        return f"Filed({[sorted(by_number) for by_number in self.grads.values()]})"

    def file(self, number: int, grad: Tensor) -> None:
        running = running_passes()
        self.grads.setdefault(running[-1] if running else None, {})[number] = grad

    def take(self) -> dict[int, Tensor]:
        """This pass's gradients, forgotten here with those of any pass no longer running (one
        that raised before the join)."""
        running = running_passes()
        mine = self.grads.pop(running[-1] if running else None, {})
        for stale in [token for token in self.grads if not any(token is t for t in running)]:
            del self.grads[stale]
        return mine

    def __eq__(self, other: object) -> bool:
        """Any two play the same part: minigan.replay.compile compares two runs of a step option
        by option, and each run's split has its own; a replay reuses one run's, shared by its
        split and parts as in that run."""
        return isinstance(other, Filed)

    __hash__ = object.__hash__


def _empty(like: Any) -> Tensor:
    """The handle's value and gradient: no elements, like's dtype and device."""
    return Tensor._make(backend_of(like).xp.zeros((0,), dtype=like.dtype, device=like.device), False, None)


def _index(axis: int, start: int, stop: int, squeeze: bool) -> tuple[Any, ...]:
    # the trailing Ellipsis: the array API wants an index to name every axis
    return (slice(None),) * axis + (start if squeeze else slice(start, stop), Ellipsis)


class Split(Function):
    """f = an empty handle, which every part reads;  df/dx = the parts' gradients joined along
    the axis (stacked for unbind's parts), zeros for a part that got none."""

    saved_inputs = ()  # backward reads no input value

    @staticmethod
    def forward(ctx: Context, x: Any, axis: int, sizes: tuple[int, ...], squeeze: bool, filed: Filed) -> Any:
        filed.grads.clear()
        return _empty(x).array

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        opts = ctx.options
        filed, axis, squeeze = opts["filed"], opts["axis"], opts["squeeze"]
        grads = filed.take()
        x = ctx.inputs[0]
        pieces = []
        for number, size in enumerate(opts["sizes"]):
            piece = grads.get(number)
            if piece is None:  # a part no gradient reached
                shape = x.shape[:axis] + (() if squeeze else (size,)) + x.shape[axis + 1:]
                zeros = backend_of(x.array).xp.zeros(shape, dtype=x.array.dtype, device=x.array.device)
                piece = Tensor._make(zeros, False, None)
            pieces.append(piece)
        return (stack(pieces, axis) if squeeze else concatenate(pieces, axis),)


class Part(Function):
    """f = x's slice [start, stop) along the axis (index start, the axis dropped, for unbind);
    df/dx: the gradient is filed with the split, which joins it into x's (the handle's is empty)."""

    saved_inputs = ()  # backward reads no input value
    view_of = 1  # a slice of x

    @staticmethod
    def forward(ctx: Context, handle: Any, x: Any, axis: int, start: int, stop: int, squeeze: bool,
                number: int, filed: Filed) -> Any:
        return x[_index(axis, start, stop, squeeze)]

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        if not ctx.needs_input_grad[0]:  # this pass wants nothing of x (autograd.grad of another input)
            return None, None
        ctx.options["filed"].file(ctx.options["number"], grad)  # the engine runs this once per pass
        return _empty(grad.array), None


def parts(x: Tensor, sizes: Sequence[int], axis: int = 0, *, squeeze: bool = False) -> tuple[Tensor, ...]:
    """x's consecutive slices along ``axis``, of the given sizes (which add up to x's length
    there); with ``squeeze`` every size is 1 and the parts drop the axis. Their backward costs one
    join of x's size, not one zero array of x's shape per part (see the module docstring)."""
    axis = wrap_dim(axis, x.ndim)
    sizes = tuple(int(n) for n in sizes)
    if sum(sizes) != x.shape[axis] or any(n < 0 for n in sizes) or (squeeze and any(n != 1 for n in sizes)):
        raise RuntimeError(f"parts: sizes {list(sizes)} do not split dimension {axis} of a tensor of shape "
                           f"{tuple(x.shape)} (they must be non-negative and add up to {x.shape[axis]})")
    starts = _running(sizes)
    if not (x.requires_grad and is_grad_enabled()):  # nothing to join: plain slices
        return tuple(x[_index(axis, start, start + n, squeeze)] for start, n in zip(starts, sizes))
    filed = Filed()
    handle = Split.apply(x, axis=axis, sizes=sizes, squeeze=squeeze, filed=filed)
    return tuple(Part.apply(handle, x, axis=axis, start=start, stop=start + n, squeeze=squeeze, number=k,
                            filed=filed)
                 for k, (start, n) in enumerate(zip(starts, sizes)))


def _running(sizes: tuple[int, ...]) -> list[int]:
    """Where each part starts: the running sum of the sizes before it."""
    starts, total = [], 0
    for n in sizes:
        starts.append(total)
        total += n
    return starts


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002 - PyTorch's name
    """Every index of ``dim``, the dimension dropped, as ``torch.unbind``; the backward stacks the
    slices' gradients once."""
    if not isinstance(input, Tensor):
        kind = type(input)
        raise TypeError(f"unbind(): argument 'input' (position 1) must be Tensor, not "
                        f"{kind.__module__ + '.' if kind.__module__ != 'builtins' else ''}{kind.__name__}")
    axis = wrap_dim(dim, input.ndim)  # PyTorch's out-of-range error first, then its 0-d one
    if input.ndim == 0:
        raise no_dimensions(0)
    return parts(input, (1,) * input.shape[axis], axis, squeeze=True)
