"""The backward node PyTorch calls NotImplemented, for the results whose derivative PyTorch does not
implement in one argument (torch.special.gammainc and gammaincc in their first, zeta in its first):
the result requires grad when such an input does, as PyTorch's, and a backward pass that reaches that
input raises NotImplementedError, one line naming the function. It is no op (no Function): it computes nothing and has no
gradient to check; a gradient for a differentiable part of the result passes through it unchanged.
The same node, given PyTorch's own error, stands where PyTorch's backward refuses a result (the empty
output of an adaptive pooling to an output_size holding 0)."""
from __future__ import annotations

import weakref
from typing import Any

from ..autograd import Tensor, is_grad_enabled
from ..autograd.anomaly_mode import forward_metadata, is_anomaly_enabled
from ..autograd.function import Context


class DerivativeNotImplemented:
    """The ``ctx.function`` of such a result: its inputs are the Tensors whose derivative is missing,
    then (last) the differentiable result itself, whose gradient is the incoming one."""

    saved_inputs: tuple[int, ...] = ()  # backward reads no values
    saved_for_gradient_of = None
    saves_output = False

    @classmethod
    def saves_values(cls, ctx: Context) -> bool:
        """Nothing to free: a second backward reaches the same error (Function.saves_values)."""
        return False

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        name, error = ctx.options["name"], ctx.options["error"]
        if any(ctx.needs_input_grad[:-1]):
            if error is not None:
                raise type(error)(*error.args)
            raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
        return (None,) * (len(ctx.inputs) - 1) + (grad,)


def without_derivative(result: Tensor, name: str, *inputs: Tensor, error: Exception | None = None) -> Tensor:
    """``result`` (computed from ``inputs`` and maybe others), linked to those ``inputs`` that require
    grad through a node whose backward raises "the derivative for '<name>' is not implemented."
    (NotImplementedError), or ``error`` where given."""
    wanting = tuple(t for t in inputs if t.requires_grad)
    if not wanting or not is_grad_enabled():
        return result
    ctx = Context()
    ctx.function = DerivativeNotImplemented
    ctx.options = {"name": name, "error": error}
    ctx.inputs = wanting + (result,)
    ctx.needs_input_grad = tuple(t.requires_grad for t in ctx.inputs)
    ctx.versions = tuple(0 if t._vc is None else t._vc[0] for t in ctx.inputs)
    output = Tensor._make(result.array, True, ctx)
    ctx._output_ref = weakref.ref(output)
    if is_anomaly_enabled():  # the forward call's stack, as Function.apply keeps it
        ctx.metadata.update(forward_metadata())
    return output
