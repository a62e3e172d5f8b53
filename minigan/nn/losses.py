"""Loss functions, as functions (``F.bce``) and as Modules (``BCELoss()``).

Every loss takes ``reduction``: "mean" (the default), "sum", or "none" (the per-element
losses). Targets may be Tensors, arrays or Python numbers; a number stands for a full
target of the input's shape (``bce(d_fake, 1.0)``), anything else must match the input's
shape exactly, because a silently broadcast (N,) against (N, 1) is a classic GAN bug.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..backends import backend_of
from ..autograd import Context, Function, Tensor, is_grad_enabled
from .module import Module

_REDUCTIONS = ("mean", "sum", "none")
_LOG_FLOOR = -100.0  # PyTorch clamps the logs in binary_cross_entropy at -100


def _check_reduction(name: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_input(name: str, what: str, x: Any) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: {what} must be a Tensor, got {type(x).__name__}")
    return x


def _target_like(name: str, target: Any, like: Tensor, what: str = "target") -> Tensor:
    """The target as a Tensor of ``like``'s shape and dtype (a Tensor target keeps its graph)."""
    if isinstance(target, Tensor):
        if target.shape != like.shape:
            raise ValueError(
                f"{name}: {what} shape {target.shape} differs from input shape {like.shape}; "
                "reshape one of them (e.g. targets.reshape(input.shape))"
            )
        return target if target.dtype == like.dtype else target.astype(like.dtype)
    backend = backend_of(like.array)
    if isinstance(target, (bool, int, float, np.number, np.bool_)):
        full = backend.xp.full(like.shape, target, dtype=like.array.dtype, device=like.array.device)
        return Tensor._make(full, False, None)
    kind = backend_of(target).numpy_dtype(target.dtype).kind if hasattr(target, "dtype") else np.asarray(target).dtype.kind
    if kind not in "biuf":
        raise TypeError(f"{name}: {what} must be numeric, got an array of dtype {getattr(target, 'dtype', kind)}")
    shape = tuple(target.shape if hasattr(target, "shape") else np.shape(target))
    if shape != like.shape:
        raise ValueError(
            f"{name}: {what} shape {shape} differs from input shape {like.shape}; "
            "reshape one of them (e.g. targets.reshape(input.shape))"
        )
    # targets given as an array are data entering the op: moved to the input's device here
    return Tensor._make(backend.asarray(target, dtype=like.dtype), False, None)


def _weighted(name: str, loss: Tensor, weight: Any) -> Tensor:
    if weight is None:
        return loss
    weight = weight if isinstance(weight, Tensor) else Tensor._make(
        backend_of(loss.array).asarray(weight, dtype=loss.dtype), False, None)
    try:
        np.broadcast_shapes(weight.shape, loss.shape)
    except ValueError:
        raise ValueError(f"{name}: weight of shape {weight.shape} cannot broadcast to the loss shape {loss.shape}") from None
    return loss * weight


def _floored_log(x: Any) -> Any:
    """max(log(x), -100) for x >= 0 on arrays, without ever evaluating log(0) (no warning).
    NaN stays NaN (as in PyTorch), so a NaN probability gives a NaN loss, never a finite 100."""
    xp = backend_of(x).xp
    positive = x > 0
    safe = xp.where(positive, x, 1)  # log(1) = 0 stands in where x <= 0, then the floor applies
    floored = xp.maximum(xp.where(positive, xp.log(safe), _LOG_FLOOR), _LOG_FLOOR)
    return xp.where(xp.isnan(x), x, floored)


def _floored_log_tensor(x: Tensor) -> Tensor:
    """max(log(x), -100) in Tensor ops (differentiable). Clamping x at the smallest subnormal
    first leaves the value unchanged (log of it is below -100 in float32 and float64) but keeps
    log away from 0."""
    smallest = float(np.finfo(x.dtype).smallest_subnormal)
    return ops.clamp(ops.log(ops.clamp(x, min=smallest)), min=_LOG_FLOOR)


# ====================================================================== binary cross-entropy
class BinaryCrossEntropy(Function):
    """l = -(t log p + (1 - t) log(1 - p)), each log clamped at -100 (finite for p = 0 or 1).

    dl/dp = (p - t) / max(p (1 - p), 1e-12)   (PyTorch's formula, bounded at p = 0 and 1);
    dl/dt = log(1 - p) - log(p), with the same clamped logs.
    """

    @staticmethod
    def forward(ctx: Context, p: Any, t: Any) -> Any:
        return -(t * _floored_log(p) + (1 - t) * _floored_log(1 - p))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        p, t = ctx.inputs
        grad_p = grad_t = None
        if ctx.needs_input_grad[0]:
            grad_p = grad * (p - t) / ops.maximum(p * (1.0 - p), 1e-12)
        if ctx.needs_input_grad[1]:
            grad_t = grad * (_floored_log_tensor(1.0 - p) - _floored_log_tensor(p))
        return grad_p, grad_t


def binary_cross_entropy(probs: Tensor, targets: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1], logs clamped at -100.

    ``weight`` (optional) multiplies the per-element losses before the reduction.
    """
    name = "binary_cross_entropy"
    _check_reduction(name, reduction)
    probs = _check_input(name, "probs", probs)
    targets = _target_like(name, targets, probs)
    data = probs.array
    xp = backend_of(data).xp
    if data.size and bool(xp.any((data < 0) | (data > 1))):
        raise ValueError(
            f"{name}: every probability must be in [0, 1], found values from {float(xp.min(data))} to "
            f"{float(xp.max(data))} (pass logits to binary_cross_entropy_with_logits instead)"
        )
    loss = BinaryCrossEntropy.apply(probs, targets)
    return _reduce(_weighted(name, loss, weight), reduction)


def binary_cross_entropy_with_logits(
    logits: Tensor, targets: Any, weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """BCE of sigmoid(x) against t, computed stably from the logits x:
    softplus(x) - x t = max(x, 0) - x t + log1p(exp(-|x|)), finite for any x."""
    name = "binary_cross_entropy_with_logits"
    _check_reduction(name, reduction)
    logits = _check_input(name, "logits", logits)
    targets = _target_like(name, targets, logits)
    if weight is None and reduction == "mean" and logits.size > 0 and logits.dtype != np.float16:
        return BCEWithLogitsMean.apply(logits, targets)
    loss = ops.TENSOR_FORMULAS.bce_with_logits(logits, targets)
    return _reduce(_weighted(name, loss, weight), reduction)


class BCEWithLogitsMean(Function):
    """f = mean(softplus(x) - x t), the GAN's most common loss, in one fused kernel pass;
    df/dx = (sigmoid(x) - t) / n, df/dt = -x / n.

    The kernel returns the gradient with the loss, so backward is one multiply; when the
    backward pass is recorded (create_graph) it is written in Tensor ops instead.
    """

    @staticmethod
    def forward(ctx: Context, logits: Any, targets: Any) -> Any:
        loss, grad_logits = backend_of(logits).bce_with_logits(logits, targets)
        ctx.save_for_backward(grad_logits)
        return loss

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        logits, targets = ctx.inputs
        count = float(logits.size)
        formulas = ops.TENSOR_FORMULAS
        grad_targets = (formulas.bce_with_logits_target_grad(logits, targets) * grad * (1.0 / count)
                        if ctx.needs_input_grad[1] else None)
        if is_grad_enabled():
            return formulas.bce_with_logits_grad(logits, targets) * grad * (1.0 / count), grad_targets
        (grad_logits,) = ctx.saved
        return Tensor._make(grad_logits * grad.array, False, None), grad_targets


bce = binary_cross_entropy
bce_with_logits = binary_cross_entropy_with_logits


# ====================================================================== regression
def mse_loss(a: Tensor, b: Any, reduction: str = "mean") -> Tensor:
    """(a - b)^2 per element; either side may require a gradient."""
    name = "mse_loss"
    _check_reduction(name, reduction)
    a = _check_input(name, "input", a)
    b = _target_like(name, b, a)
    return _reduce((a - b) ** 2, reduction)


# ====================================================================== classification
def _labels_array(name: str, labels: Any, logits: Tensor) -> np.ndarray:
    if isinstance(labels, Tensor):  # an int64 Tensor, as PyTorch's labels
        labels = labels.array
    labels = np.asarray(labels.get() if hasattr(labels, "get") else labels)  # .get(): a CuPy array
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: labels must be integers (expected scalar type Long), got dtype {labels.dtype}")
    n, classes = logits.shape
    if labels.shape != (n,):
        raise ValueError(f"{name}: labels must have shape ({n},) to match logits of shape {logits.shape}, got {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)]
        raise ValueError(
            f"{name}: labels must be in [0, {classes}) for {classes} classes, found {bad[:5].tolist()}"
            + (" ..." if bad.size > 5 else "")
        )
    return labels.astype(np.intp, copy=False)


def nll_loss(log_probs: Tensor, labels: Any, reduction: str = "mean") -> Tensor:
    """-log_probs[i, labels[i]] for log-probabilities of shape (N, C) and integer labels (N,)."""
    name = "nll_loss"
    _check_reduction(name, reduction)
    log_probs = _check_input(name, "log_probs", log_probs)
    if log_probs.ndim != 2:
        raise ValueError(f"{name}: expected log-probabilities of shape (N, C), got {log_probs.shape}")
    labels = _labels_array(name, labels, log_probs)
    picked = log_probs[np.arange(log_probs.shape[0]), labels]
    return _reduce(-picked, reduction)


def cross_entropy(logits: Tensor, labels: Any, reduction: str = "mean") -> Tensor:
    """-log softmax(logits)[i, labels[i]] for logits (N, C) and integer class labels (N,)."""
    name = "cross_entropy"
    _check_reduction(name, reduction)
    logits = _check_input(name, "logits", logits)
    if logits.ndim != 2:
        raise ValueError(f"{name}: expected logits of shape (N, C), got {logits.shape}")
    labels = _labels_array(name, labels, logits)
    return nll_loss(ops.log_softmax(logits, axis=1), labels, reduction)


# ====================================================================== Module forms
class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class BCELoss(_Loss):
    """Module form of :func:`binary_cross_entropy` (input: probabilities)."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def forward(self, probs: Tensor, targets: Any) -> Tensor:
        return binary_cross_entropy(probs, targets, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Module form of :func:`binary_cross_entropy_with_logits` (input: logits)."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def forward(self, logits: Tensor, targets: Any) -> Tensor:
        return binary_cross_entropy_with_logits(logits, targets, self.weight, self.reduction)


class MSELoss(_Loss):
    """Module form of :func:`mse_loss`."""

    def forward(self, a: Tensor, b: Any) -> Tensor:
        return mse_loss(a, b, self.reduction)


class CrossEntropyLoss(_Loss):
    """Module form of :func:`cross_entropy` (logits (N, C), integer labels (N,))."""

    def forward(self, logits: Tensor, labels: Any) -> Tensor:
        return cross_entropy(logits, labels, self.reduction)


class NLLLoss(_Loss):
    """Module form of :func:`nll_loss`."""

    def forward(self, log_probs: Tensor, labels: Any) -> Tensor:
        return nll_loss(log_probs, labels, self.reduction)


__all__ = [
    "binary_cross_entropy", "bce", "binary_cross_entropy_with_logits", "bce_with_logits", "mse_loss",
    "nll_loss", "cross_entropy", "BinaryCrossEntropy",
    "BCELoss", "BCEWithLogitsLoss", "MSELoss", "CrossEntropyLoss", "NLLLoss",
]
