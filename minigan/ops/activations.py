"""Activations (relu, leaky_relu, sigmoid, tanh, softplus), softmax and log_softmax, and dropout.

Forward: each activation's formula from minigan/formulas.py, bound to the array's namespace.
Backward: the same file's backward formula evaluated on Tensors (``TENSOR_FORMULAS``, bound at
the end of this file), so that it can itself be recorded for second derivatives."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import formulas
from ..autograd import Tensor, is_grad_enabled
from ..autograd.function import Context, Function
from ..backends import backend_of
from .operands import _constant, _on_floats, _xp
from ..torch_api.generators import default_generator
from .elementwise import abs, exp, maximum, sqrt, where  # noqa: A004 - the ops of these names


# ============================================================== activations
# Forward: each activation's formula from minigan.formulas, bound to the array's namespace.
# Backward: the same file's backward formula, evaluated on Tensors (``TENSOR_FORMULAS``,
# bound at the end of this file) so that it can itself be recorded for second derivatives.
def _formulas(array: Any) -> Any:
    return backend_of(array).F


class ReLU(Function):
    """f = max(a, 0);  df/da = [f > 0] (the output is reused)."""

    saved_inputs = ()  # backward reads no input value
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _formulas(a).relu(a, 0)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (TENSOR_FORMULAS.relu_backward(grad, ctx.output, 0),)


class LeakyReLU(Function):
    """f = a if a > 0 else slope * a;  df/da = 1 if a > 0 else slope (read off a, so any slope works)."""

    @staticmethod
    def forward(ctx: Context, a: Any, slope: float) -> Any:
        return _formulas(a).leaky_relu(a, slope)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (TENSOR_FORMULAS.leaky_relu_backward(grad, ctx.inputs[0], ctx.options["slope"]),)


class Sigmoid(Function):
    """f = 1 / (1 + exp(-a)), computed without overflow;  df/da = f (1 - f)."""

    saved_inputs = ()  # backward reads no input value
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _formulas(a).sigmoid(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (TENSOR_FORMULAS.sigmoid_backward(grad, ctx.output, 0),)


class Tanh(Function):
    """f = tanh(a);  df/da = 1 - f^2."""

    saved_inputs = ()  # backward reads no input value
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _formulas(a).tanh_act(a, 0)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (TENSOR_FORMULAS.tanh_backward(grad, ctx.output, 0),)


class Softplus(Function):
    """f = log(1 + exp(a)) = max(a, 0) + log1p(exp(-|a|)) (no overflow);  df/da = sigmoid(a)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _formulas(a).softplus(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * sigmoid(ctx.inputs[0]),)


class LogSoftmax(Function):
    """f = a - logsumexp(a) along an axis;  df/da: g - exp(f) * sum(g)."""

    saved_inputs = ()  # backward reads no input value
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, axis: int | None) -> Any:
        xp = _xp(a)
        if a.size == 0:  # nothing to normalise (NumPy's max has no value for an empty axis)
            return xp.empty_like(a)
        shifted = a - xp.max(a, axis=axis, keepdims=True)  # the largest exponent is 0: no overflow
        return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        axis = ctx.options["axis"]
        return (grad - exp(ctx.output) * grad.sum(axis=axis, keepdims=True),)


class Softmax(Function):
    """f = exp(a) / sum(exp(a)) along an axis;  df/da: f * (g - sum(g f))."""

    saved_inputs = ()  # backward reads no input value
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, axis: int | None) -> Any:
        xp = _xp(a)
        if a.size == 0:  # nothing to normalise (NumPy's max has no value for an empty axis)
            return xp.empty_like(a)
        e = xp.exp(a - xp.max(a, axis=axis, keepdims=True))
        return e / xp.sum(e, axis=axis, keepdims=True)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        out = ctx.output
        return (out * (grad - (grad * out).sum(axis=ctx.options["axis"], keepdims=True)),)


class Dropout(Function):
    """f = a · keep / (1 - p), keep = [bits >= round(p · 2^32)] for uniform random 32-bit
    integers (formulas.dropout);  df/da = keep / (1 - p). One fused kernel call each way.

    The bits are drawn from ``rng`` inside ``forward`` (on the host, then moved to a's device), so
    that a replayed step (minigan/replay) draws them again, from the same Generator in the same order."""

    @staticmethod
    def forward(ctx: Context, a: Any, rng: np.random.Generator, threshold: int, scale: float) -> Any:
        size = math.prod(a.shape)
        words = rng.bit_generator.random_raw((size + 1) // 2)  # two 32-bit draws per 64-bit word
        backend = backend_of(a)
        bits = backend.asarray(words.view(np.uint32)[:size].reshape(a.shape))
        ctx.save_for_backward(bits)
        return backend.dropout(a, bits, threshold, scale)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        options = ctx.options
        (bits,) = ctx.saved
        backend = backend_of(grad.array)
        if is_grad_enabled():  # create_graph: grad times the scaled mask, recorded
            scaled_mask = backend.dropout(backend.xp.ones_like(grad.array), bits, options["threshold"], options["scale"])
            return (grad * _constant(scaled_mask),)
        return (_constant(backend.dropout(grad.array, bits, options["threshold"], options["scale"])),)


def relu(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name, for keyword calls
    if isinstance(input, Tensor) and input.dtype.kind == "b":
        raise NotImplementedError("Boolean inputs not supported for relu")
    return ReLU.apply(input)


def leaky_relu(a: Tensor, negative_slope: float = 0.01) -> Tensor:
    return LeakyReLU.apply(a, slope=float(negative_slope))


sigmoid, tanh, softplus = _on_floats(Sigmoid), _on_floats(Tanh), _on_floats(Softplus)


def _check_axis(name: str, a: Tensor, axis: int) -> int | None:
    """``axis`` wrapped; a 0-d tensor takes axis 0 or -1, as in PyTorch, and normalises its one
    value over no axis (None: softmax 1, log_softmax 0)."""
    if a.ndim == 0 and axis in (0, -1):
        return None
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for a tensor of shape {a.shape}")
    return axis % a.ndim


def log_softmax(a: Tensor, axis: int = -1) -> Tensor:
    return LogSoftmax.apply(a, axis=_check_axis("log_softmax", a, axis))


def softmax(a: Tensor, axis: int = -1) -> Tensor:
    return Softmax.apply(a, axis=_check_axis("softmax", a, axis))


def dropout(a: Tensor, p: float = 0.5, training: bool = True, rng: np.random.Generator | None = None) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (identity in eval).

    The mask comes from 32 random bits per element, drawn on the host from ``rng`` (default:
    minigan's Generator, so a seed fixes it) and moved to a's device.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return a
    if p == 1.0:
        return a * 0.0
    threshold, scale = formulas.dropout_constants(p)
    return Dropout.apply(a, rng=rng if rng is not None else default_generator(), threshold=threshold, scale=scale)


#: The formulas evaluated on Tensors: every step is an op, so it can be recorded (the backward
#: passes use them when create_graph is set, and the unfused losses).
TENSOR_FORMULAS = formulas.bind(
    {"exp": exp, "tanh": tanh, "sqrt": sqrt, "abs": abs, "maximum": maximum, "where": where},
    replace={"sigmoid": sigmoid, "softplus": softplus},
)
