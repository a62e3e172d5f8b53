"""Fused ops: a linear layer with its activation, batch norm with its activation, and a
per-channel bias with its activation, each one kernel call per direction. Their backward
runs the fused kernel, or (with create_graph) the same formulas as recorded Tensor ops."""
from __future__ import annotations

import contextlib
import math
import threading
from typing import Any, Iterator

import numpy as np

from .. import formulas
from ..autograd import Tensor, is_grad_enabled
from ..autograd.function import Context, Function
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from .operands import _constant
from ..autograd import grad as grad_of
from .activations import TENSOR_FORMULAS, leaky_relu, relu, sigmoid, tanh
from .arithmetic import matmul

from .shape import transpose


# ============================================================== fused linear layer
ACTIVATIONS = tuple(formulas.ACTIVATIONS)


class _Fusion(threading.local):
    enabled = True  # per thread, as grad mode


_fusion = _Fusion()


def is_fusion_enabled() -> bool:
    """Whether the fused ops run in this thread (see :func:`fusion`)."""
    return _fusion.enabled


@contextlib.contextmanager
def fusion(enabled: bool) -> Iterator[None]:
    """``with minigan.fusion(False):`` runs every layer as its own ops, in this thread.

    By default ``nn.Sequential`` hands an activation layer that follows a Linear, a batch norm
    or a convolution to that layer, which runs both as one fused op (``LinearAct``,
    ``BatchNormAct``, ``ChannelBiasAct``); a Linear alone is ``LinearAct`` too, and an activation
    module called on its output outside Sequential folds into it (see fold_activation). Inside the block
    nothing fuses: a Linear is MatMul, Transpose and Add, its ReLU is ReLU, so a trace or a
    graph picture shows every layer. The values are the same up to rounding. (Nor does
    ``BCELoss`` given a sigmoid's output compute from the logits inside the block: it takes
    PyTorch's formula on the probabilities; see minigan/nn/losses.py.)
    """
    if not isinstance(enabled, bool):
        raise TypeError(f"fusion: expected True or False, got {type(enabled).__name__}")
    previous, _fusion.enabled = _fusion.enabled, enabled
    try:
        yield
    finally:
        _fusion.enabled = previous


class LinearAct(Function):
    """f = act(x @ W^T + b) in one op (W is (out, in), PyTorch's layout);
    with dz = g * act'(z):  df/dx = dz @ W, df/dW = dz^T @ x, df/db = column sums of dz.

    Forward and the plain backward run the fused kernels of the inputs' backend (Numba, the
    NumPy reference or CuPy). When the backward pass is itself recorded (create_graph), it is
    written in Tensor ops instead, with the same activation formula, so second derivatives
    work through it too. The activation's derivative is read from the output, so z is never
    stored; that needs a leaky slope > 0, which ``linear`` checks.
    """

    saved_inputs = (0, 1)  # x and W (the bias is not read), as PyTorch's addmm saves
    saved_for_gradient_of = {0: (1,), 1: (0,)}  # x is read for W's gradient only, W for x's
    saves_output = True
    fuses = "Linear"  # what the op stands for; minigan.trace() marks it "[fused Linear+act]"

    @staticmethod
    def forward(ctx: Context, x: Any, weight: Any, *bias: Any, activation: str, slope: float,
                product: Any = None) -> Any:
        if product is not None:  # x @ W^T + b made already (see fold_activation): only act is left
            return backend_of(product).F.ACTIVATIONS[activation][0](product, slope)
        return backend_of(x).linear_act_forward(x, weight, bias[0] if bias else None, activation, slope)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = ctx.inputs[0], ctx.inputs[1]
        activation, slope = ctx.options["activation"], ctx.options["slope"]
        needs = ctx.needs_input_grad
        has_bias = len(ctx.inputs) == 3
        if is_grad_enabled():  # create_graph: keep every step differentiable
            grad_z = TENSOR_FORMULAS.ACTIVATIONS[activation][1](grad, ctx.output, slope)
            grads = [matmul(grad_z, weight) if needs[0] else None, matmul(transpose(grad_z, 0, 1), x) if needs[1] else None]
            if has_bias:
                grads.append(grad_z.sum(axis=0) if needs[2] else None)
            return tuple(grads)
        grad_x, grad_weight, grad_bias = linear_act_grads(
            backend_of(x.array), grad.array, ctx.output.array, x.array, weight.array, activation, slope, needs)
        grads = [_constant(grad_x) if needs[0] else None, _constant(grad_weight) if needs[1] else None]
        if has_bias:
            grads.append(_constant(grad_bias) if needs[2] else None)
        return tuple(grads)


def linear_act_grads(backend: Any, grad_y: Any, y: Any, x: Any, weight: Any, activation: str, slope: float,
                     needs: tuple[bool, ...], out: tuple[Any, ...] | None = None,
                     products: tuple[Any, Any] | None = None) -> tuple[Any, Any, Any]:
    """LinearAct's plain backward on arrays, the one wiring of its kernels (the op's backward and
    minigan/replay/kernels.py call it): dz = g act'(y) with the bias' column sums in one pass,
    then dz @ W when ``needs[0]`` and dz^T @ x when ``needs[1]``. Returns (grad_x, grad_weight,
    grad_bias), None for a product not needed.

    ``out`` (a backend that takes ``out=`` arrays, the Numba one): (dz, grad_bias, grad_x,
    grad_weight) to write into, dz possibly grad_y itself, grad_x or grad_weight None when not
    needed; ``products`` then gives the two matrix products ``product(a, b, out=)``, each the
    one ``backend.matmul`` would pick for its shapes, chosen once by the caller.
    """
    if out is None:
        grad_z, grad_bias = backend.linear_act_backward(grad_y, y, activation, slope)
        return (backend.matmul(grad_z, weight) if needs[0] else None,
                backend.matmul(grad_z.T, x) if needs[1] else None, grad_bias)
    grad_z, grad_bias, grad_x, grad_weight = out
    by_weight, by_input = products
    backend.linear_act_backward(grad_y, y, activation, slope, None, (grad_z, grad_bias))
    if grad_x is not None:
        by_weight(grad_z, weight, out=grad_x)
    if grad_weight is not None:
        by_input(grad_z.T, x, out=grad_weight)
    return grad_x, grad_weight, grad_bias


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None, activation: str = "none",
           negative_slope: float = 0.01) -> Tensor:
    """act(x @ weight^T + bias); 2-D float32/float64 inputs of one dtype take the fused op, others
    (batched x, mixed dtypes, a non-positive leaky slope) the composite of primitive ops."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"linear: unknown activation {activation!r}; expected one of {ACTIVATIONS}")
    _check_same_dtype(x, weight, bias)
    fusable = _fusion.enabled and x.ndim == 2 and weight.ndim == 2 and x.dtype != np.float16 and (
        activation != "leaky_relu" or negative_slope > 0) and (bias is None or bias.ndim == 1)
    if fusable:
        if x.shape[1] != weight.shape[1]:
            raise ValueError(f"linear: input has {x.shape[1]} features but the weight {weight.shape} expects {weight.shape[1]}")
        if bias is not None and bias.shape[0] != weight.shape[0]:
            raise ValueError(f"linear: the bias has shape {bias.shape} but the weight {weight.shape} has {weight.shape[0]} outputs")
        inputs = (x, weight) if bias is None else (x, weight, bias)
        return LinearAct.apply(*inputs, activation=activation, slope=float(negative_slope))
    if weight.ndim == 1 and x.ndim == 2 and bias is not None:  # PyTorch's addmm path, which takes matrices only
        raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    out = matmul(x, weight if weight.ndim == 1 else transpose(weight, 0, 1))  # a 1-D weight: x @ w, as PyTorch's
    if bias is not None:
        out = out + bias
    return activate(out, activation, negative_slope)


def _check_same_dtype(x: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's error for a linear layer fed another dtype than its weights (no silent
    promotion): "mat1 and mat2 must have the same dtype, but got Double and Float"."""
    pairs = [("mat1", x, "mat2", weight, "input", "weight")]
    if bias is not None:
        pairs.append(("self", bias, "mat2", weight, "bias", "weight"))
    for first, a, second, b, a_is, b_is in pairs:
        if a.dtype != b.dtype:
            raise RuntimeError(
                f"{first} and {second} must have the same dtype, but got {scalar_type_name(a.dtype)} and "
                f"{scalar_type_name(b.dtype)} (the {a_is} is {a.dtype}, the {b_is} {b.dtype}): convert one, "
                f"e.g. x.to({b.dtype}) or model.to({a.dtype})"
            )


def fold_activation(x: Tensor, activation: str, negative_slope: float = 0.01) -> Tensor | None:
    """act(x) as one fused op with the layer that made x, when x is the recorded output of a
    LinearAct, ChannelBiasAct or BatchNormAct without activation (an activation module called on
    a Linear's, a convolution's or a training batch norm's output, as a script written without
    ``nn.Sequential`` does, ``self.relu(self.fc1(z))``); None otherwise, inside ``fusion(False)``, and
    when x retains its gradient (``x.retain_grad()``), which the fused op would leave out.

    The layer's output is reused, not recomputed: the new op applies only the activation going
    forward, and its backward is the layer's fused one (act' read off the output and the bias
    sum in one pass, then the products). If x is used elsewhere too, its own op still carries
    that use's gradient, so the sum is right either way."""
    ctx = x._ctx
    if (ctx is None or ctx.freed or not _fusion.enabled or ctx.retains_grad  # x's own gradient is wanted
            or ctx.function not in (LinearAct, ChannelBiasAct, BatchNormAct) or ctx.options["activation"] != "none"
            or (activation == "leaky_relu" and not negative_slope > 0)):
        return None
    options = dict(ctx.options, activation=activation, slope=float(negative_slope), product=x.array)
    if ctx.function is BatchNormAct:  # the batch's statistics, kept; the running ones are updated once
        options.update(running=None, statistics=ctx.saved)
    return ctx.function.apply(*ctx.inputs, **options)


def activate(x: Tensor, activation: str, negative_slope: float = 0.01) -> Tensor:
    """x through one of :data:`ACTIVATIONS` as its own op (the unfused path)."""
    if activation == "leaky_relu":
        return leaky_relu(x, negative_slope)
    return {"none": lambda t: t, "relu": relu, "sigmoid": sigmoid, "tanh": tanh}[activation](x)


# ============================================================== fused batch norm + activation
class BatchNormAct(Function):
    """f = act(z), z = (x - μ) / sqrt(σ² + eps) · γ + β, with μ and σ² the mean and biased
    variance of each channel of x (N, C, *spatial) over N and the spatial axes (batch norm in
    training mode). With dz = g act'(z) and x̂ = (x - μ) / sqrt(σ² + eps):  df/dβ = Σ dz,
    df/dγ = Σ dz x̂,  df/dx = γ / sqrt(σ² + eps) · (dz - mean(dz) - x̂ mean(dz x̂)).

    One kernel call each way in place of the eight ops of the composite; the kernels see x as
    (N, C) or (N, C, L). When the backward pass is recorded (create_graph), the composite is
    rebuilt in Tensor ops from the same formulas and differentiated instead, so second
    derivatives work through it too. ``running`` (the running mean, variance, batch counter and
    momentum, or None) is updated in place, as PyTorch does.
    """

    saves_output = True
    fuses = "BatchNorm"  # what the op stands for; minigan.trace() marks it "[fused BatchNorm+act]"

    @staticmethod
    def forward(ctx: Context, x: Any, weight: Any, bias: Any, eps: float, activation: str, slope: float,
                running: tuple[Any, Any, Any, float | None] | None, product: Any = None,
                statistics: tuple[Any, ...] = ()) -> Any:
        if product is not None:  # normalised already, with these statistics (see fold_activation)
            ctx.save_for_backward(*statistics)
            return backend_of(product).F.ACTIVATIONS[activation][0](product, slope)
        backend = backend_of(x)
        y, mean, var, invstd = backend.batch_norm_act_forward(_channel_rows(backend, x), weight, bias, eps,
                                                              activation, slope)
        ctx.save_for_backward(mean, invstd)
        if running is not None:
            update_running_stats(*running, mean, var, x.size // x.shape[1])
        return backend.xp.reshape(y, x.shape)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, weight, bias = ctx.inputs
        activation, slope = ctx.options["activation"], ctx.options["slope"]
        if is_grad_enabled():  # create_graph: the composite, recorded
            z = _batch_norm_of_batch(x, weight, bias, ctx.options["eps"])
            return _recorded_grads(ctx, TENSOR_FORMULAS.ACTIVATIONS[activation][0](z, slope), grad)
        mean, invstd = ctx.saved
        grads = batch_norm_act_grads(backend_of(x.array), grad.array, ctx.output.array, x.array, mean, invstd,
                                     weight.array, activation, slope)
        return tuple(_constant(g) if needed else None for g, needed in zip(grads, ctx.needs_input_grad))


def batch_norm_act_grads(backend: Any, grad_y: Any, y: Any, x: Any, mean: Any, invstd: Any, weight: Any,
                         activation: str, slope: float, out: tuple[Any, Any, Any] | None = None) -> tuple[Any, Any, Any]:
    """BatchNormAct's plain backward on arrays, the one wiring of its kernel (the op's backward and
    minigan/replay/kernels.py call it): (grad_x, grad_weight, grad_bias), the kernel seeing x
    (N, C, *spatial) as (N, C) or (N, C, L). ``out``: the three arrays to write into, for x (N, C)
    on a backend that takes ``out=`` arrays (the Numba one); grad_x may be grad_y itself."""
    if out is not None:
        return backend.batch_norm_act_backward(grad_y, y, x, mean, invstd, weight, activation, slope, out)
    grad_x, grad_weight, grad_bias = backend.batch_norm_act_backward(
        *(_channel_rows(backend, a) for a in (grad_y, y, x)), mean, invstd, weight, activation, slope)
    return backend.xp.reshape(grad_x, x.shape), grad_weight, grad_bias


def _recorded_grads(ctx: Context, out: Tensor, grad: Tensor) -> tuple[Tensor | None, ...]:
    """The gradients of ``ctx``'s inputs, recorded: ``out`` is the fused op's composite rebuilt in
    Tensor ops from them, differentiated with create_graph."""
    wanted = [t for t in ctx.inputs if t.requires_grad]
    found = iter(grad_of(out, wanted, grad_outputs=grad, create_graph=True, allow_unused=True))
    return tuple(next(found) if t.requires_grad else None for t in ctx.inputs)


def _channel_rows(backend: Any, x: Any) -> Any:
    """x (N, C) as it is, x (N, C, *spatial) as (N, C, L): the layouts the batch-norm kernels take."""
    return x if x.ndim <= 3 else _channel_planes(backend, x)


def batch_norm_composite(x: Tensor, mean: Tensor, var: Tensor, weight: Any, bias: Any, eps: float) -> Tensor:
    """Batch norm in Tensor ops (recordable): x̂ γ + β with x̂ = (x - μ) / sqrt(σ² + eps), every
    step from minigan/formulas.py. ``mean``, ``var``, ``weight`` and ``bias`` broadcast against
    x (N, C, *spatial) per channel (weight and bias may be the numbers 1 and 0)."""
    return TENSOR_FORMULAS.batch_norm_affine(x, mean, TENSOR_FORMULAS.batch_norm_invstd(var, eps), weight, bias)


def _batch_norm_of_batch(x: Tensor, weight: Tensor, bias: Tensor, eps: float) -> Tensor:
    """Batch norm of x (N, C, *spatial) with its own per-channel statistics, recordable."""
    axes = (0,) + tuple(range(2, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=0)
    return batch_norm_composite(x, mean, var, _per_channel(weight, x), _per_channel(bias, x), eps)


def _per_channel(vector: Tensor, x: Tensor) -> Tensor:
    """A per-channel vector (C,) shaped (1, C, 1, ...) to broadcast against x (N, C, *spatial)."""
    return vector.reshape((1, x.shape[1]) + (1,) * (x.ndim - 2))


def update_running_stats(running_mean: Any, running_var: Any, num_batches_tracked: Any,
                          momentum: float | None, mean: Any, var: Any, count: int) -> None:
    """PyTorch's rule, in place: r <- (1 - m) r + m s, with the unbiased variance for
    running_var and m = 1 / batches seen when ``momentum`` is None (a cumulative average)."""
    if num_batches_tracked is not None:
        num_batches_tracked += 1  # a 0-d array: += updates the module's buffer in place
    if momentum is not None:
        factor = momentum
    else:
        factor = 1.0 / float(num_batches_tracked) if num_batches_tracked is not None else 1.0
    running_mean *= 1.0 - factor
    running_mean += factor * mean
    running_var *= 1.0 - factor
    running_var += factor * (var * (count / (count - 1)))


def batch_norm_act(x: Tensor, weight: Tensor | None, bias: Tensor | None, eps: float = 1e-5,
                   activation: str = "none", negative_slope: float = 0.01,
                   running: tuple[Any, Any, Any, float | None] | None = None) -> Tensor:
    """act(batch_norm(x)) for x (N, C), (N, C, L) or (N, C, H, W) in training mode, per channel C,
    in one fused op (see BatchNormAct); ``weight``/``bias`` None mean 1 and 0. The activation is
    read off the output, which needs a leaky slope > 0."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"batch_norm_act: unknown activation {activation!r}; expected one of {ACTIVATIONS}")
    if x.ndim not in (2, 3, 4) or x.size <= x.shape[1]:
        raise ValueError(f"batch_norm_act: expected (N, C), (N, C, L) or (N, C, H, W) with more than one value "
                         f"per channel, got {x.shape}")
    if activation == "leaky_relu" and not negative_slope > 0:
        raise ValueError(f"batch_norm_act: the fused leaky ReLU needs a slope > 0, got {negative_slope}")
    width = (x.shape[1],)
    for name, given in (("weight", weight), ("bias", bias)):
        if given is not None and given.shape != width:
            raise ValueError(f"batch_norm_act: {name} has shape {given.shape}, expected {width} for input {x.shape}")
    backend = backend_of(x.array)
    weight = weight if weight is not None else Tensor._make(backend.xp.ones(width, dtype=x.array.dtype, device=x.array.device), False, None)
    bias = bias if bias is not None else Tensor._make(backend.xp.zeros(width, dtype=x.array.dtype, device=x.array.device), False, None)
    return BatchNormAct.apply(x, weight, bias, eps=float(eps), activation=activation,
                              slope=float(negative_slope), running=running)


# ============================================================== fused per-channel bias + activation
class ChannelBiasAct(Function):
    """f = act(x + b_c) for x (N, C, *spatial) and a bias b per channel C (a convolution's bias
    and the activation after it). With dz = g act'(x + b):  df/dx = dz,  df/db = Σ dz over N and
    the spatial axes.

    One kernel call each way in place of the broadcast add, the sum that undoes it and the
    activation's own ops; the kernels see x as (N, C, L). When the backward pass is recorded
    (create_graph), the composite is rebuilt in Tensor ops and differentiated instead.
    """

    saves_output = True
    fuses = "conv bias"  # what the op stands for; minigan.trace() marks it "[fused conv bias+act]"

    @staticmethod
    def forward(ctx: Context, x: Any, bias: Any, activation: str, slope: float, product: Any = None) -> Any:
        if product is not None:  # x + b made already (see fold_activation): only act is left
            return backend_of(product).F.ACTIVATIONS[activation][0](product, slope)
        backend = backend_of(x)
        y = backend.channel_bias_act_forward(_channel_planes(backend, x), bias, activation, slope)
        return backend.xp.reshape(y, x.shape)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, bias = ctx.inputs
        activation, slope = ctx.options["activation"], ctx.options["slope"]
        if is_grad_enabled():  # create_graph: the composite, recorded
            z = x + _per_channel(bias, x)
            return _recorded_grads(ctx, TENSOR_FORMULAS.ACTIVATIONS[activation][0](z, slope), grad)
        backend = backend_of(x.array)
        grad_x, grad_bias = backend.channel_bias_act_backward(
            _channel_planes(backend, grad.array), _channel_planes(backend, ctx.output.array), activation, slope)
        grads = (backend.xp.reshape(grad_x, x.shape), grad_bias)
        return tuple(_constant(g) if needed else None for g, needed in zip(grads, ctx.needs_input_grad))


def _channel_planes(backend: Any, x: Any) -> Any:
    """x (N, C, *spatial) as (N, C, L); L computed, as -1 is ambiguous for an empty batch."""
    return backend.xp.reshape(x, (x.shape[0], x.shape[1], math.prod(x.shape[2:])))


def channel_bias_act(x: Tensor, bias: Tensor | None, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """act(x + bias) with one bias per channel (axis 1) of x (N, C, *spatial), e.g. a convolution's
    output: float32/float64 inputs of one dtype take the fused op (see ChannelBiasAct), others (or
    a non-positive leaky slope) the composite of primitive ops. ``bias`` None means 0."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"channel_bias_act: unknown activation {activation!r}; expected one of {ACTIVATIONS}")
    if x.ndim < 2 or (bias is not None and bias.shape != (x.shape[1],)):
        raise ValueError(f"channel_bias_act: expected input (N, C, ...) and a bias of shape (C,), got {x.shape} "
                         f"and {None if bias is None else bias.shape}")
    fusable = _fusion.enabled and x.dtype in (np.float32, np.float64) and (bias is None or bias.dtype == x.dtype) and (
        activation != "leaky_relu" or negative_slope > 0)
    if not fusable:
        out = x if bias is None else x + _per_channel(bias, x)
        return activate(out, activation, negative_slope)
    if bias is None:
        xp = backend_of(x.array).xp
        bias = Tensor._make(xp.zeros((x.shape[1],), dtype=x.array.dtype, device=x.array.device), False, None)
    return ChannelBiasAct.apply(x, bias, activation=activation, slope=float(negative_slope))
