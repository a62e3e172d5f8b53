"""A path around a composition of ops for an infinite gradient, where that composition must keep its
own gradient bit for bit everywhere else (BCE with logits, minigan/nn/losses.py).

A composition's backward sums one term per op, and an infinite incoming gradient makes two of those
terms meet as inf - inf, NaN, where PyTorch's fused backward multiplies the gradient by the
derivative computed first and gives +-inf. Rewriting the composition as one Function would change
the last bits of its finite gradients (another order of operations); :class:`Bypass` leaves the
composition as it is and sends only the infinite part of the gradient around it.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from ..autograd import Tensor, unbroadcast
from ..autograd.function import Context, Function
from .elementwise import where
from .operands import _constant, _xp


class Bypass(Function):
    """f = v, the value of a composition of ops of the other inputs x1, x2, ...;  df/dv = 1, but 0
    where the incoming gradient g is infinite and every input finite; df/dxi = s_i there, the
    composition's derivative in x_i (``slopes(x1, x2, ...)``), else 0.

    A finite g reaches the composition as it came (the same Tensor), and the inputs get nothing
    from here when no element of g is infinite, so their gradients keep their bits; otherwise the
    inputs get -0.0 elsewhere (x + -0.0 is x, for every x), and g s_i where the bypass is taken,
    while the composition gets 0 there. Where an input is infinite too, the composition's own
    gradient stands: 0 through it would meet that infinity as 0 * inf. The value is a copy of v."""

    @staticmethod
    def forward(ctx: Context, value: Any, *inputs: Any, slopes: Callable[..., Sequence[Tensor]]) -> Any:
        return _xp(value).asarray(value, copy=True)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        inputs = ctx.inputs[1:]
        xp = _xp(grad.array)
        around = xp.isinf(grad.array)
        for x in inputs:  # where an input is infinite too, the composition's own gradient stands
            around = around & xp.isfinite(x.array)
        if not bool(xp.any(around)):
            return (grad,) + (None,) * len(inputs)
        around = _constant(around)
        through = where(around, 0.0, grad) if ctx.needs_input_grad[0] else None
        slopes = ctx.options["slopes"](*inputs)
        grads = [unbroadcast(where(around, grad * where(around, slope, 1.0), -0.0), x.shape) if needed else None
                 for x, slope, needed in zip(inputs, slopes, ctx.needs_input_grad[1:])]
        return (through, *grads)


def bypass(value: Tensor, inputs: Sequence[Tensor], slopes: Callable[..., Sequence[Tensor]]) -> Tensor:
    """``value`` (a composition of ops of ``inputs``) with its gradient as before where the incoming
    one is finite, and ``grad * slope`` straight to each input where it is infinite (:class:`Bypass`)."""
    return Bypass.apply(value, *inputs, slopes=slopes)
