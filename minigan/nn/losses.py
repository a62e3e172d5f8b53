"""The classification losses, as functions (``F.bce``, ``F.cross_entropy``) and as Modules
(``BCELoss()``): binary cross-entropy on probabilities and on logits, cross-entropy and NLL.
The regression losses are in minigan/nn/regression.py; the rules every loss shares
(``reduction``, targets) in minigan/nn/loss_base.py.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..backends import backend_of, to_numpy
from ..autograd import Tensor, is_grad_enabled
from ..autograd.legacy import scalar_type_name
from ..autograd.function import Context, Function
from ..ops.bypass import bypass
from .loss_base import Loss, check_input, legacy_reduction, pick_reduction, reduce_loss, target_like

_LOG_FLOOR = -100.0  # PyTorch clamps the logs in binary_cross_entropy at -100


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


def _floored_log(x: Any, complement: bool = False) -> Any:
    """max(log(x), -100) for x >= 0 on arrays, or with ``complement`` max(log1p(-x), -100), the
    log of 1 - x as PyTorch takes it (exact for small x), never evaluating log(0) (no warning).
    NaN stays NaN, so a NaN gives a NaN loss, never a finite 100."""
    xp = backend_of(x).xp
    inside = x < 1 if complement else x > 0
    if complement:  # log1p(-0) = 0 stands in where x >= 1, then the floor applies
        logs = xp.log1p(-xp.where(inside, x, 0))
    else:  # log(1) = 0 stands in where x <= 0
        logs = xp.log(xp.where(inside, x, 1))
    floored = xp.maximum(xp.where(inside, logs, _LOG_FLOOR), _LOG_FLOOR)
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
        return -(t * _floored_log(p) + (1 - t) * _floored_log(p, complement=True))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        p, t = ctx.inputs
        grad_p = grad_t = None
        if ctx.needs_input_grad[0]:
            grad_p = grad * (p - t) / ops.maximum(p * (1.0 - p), 1e-12)
        if ctx.needs_input_grad[1]:
            grad_t = grad * (_floored_log_tensor(1.0 - p) - _floored_log_tensor(p))
        return grad_p, grad_t


class OutOfRangeError(ValueError, RuntimeError):
    """A probability or a target outside [0, 1]: a ValueError (minigan's bad-input error) that is
    also the RuntimeError PyTorch raises for it, so either ``except`` catches it."""


def _check_unit_interval(name: str, what: str, values: Any) -> None:
    """PyTorch's check: every element in [0, 1] (a NaN fails it too); one line naming the range found."""
    xp = backend_of(values).xp
    if values.size and not (bool(xp.min(values) >= 0) and bool(xp.max(values) <= 1)):  # min/max of a NaN is NaN
        if bool(xp.any(xp.isnan(values))):
            found, hint = "NaN", ""
        else:
            found = f"values from {float(xp.min(values))} to {float(xp.max(values))}"
            hint = " (pass logits to binary_cross_entropy_with_logits instead)" if what == "input" else ""
        raise OutOfRangeError(f"{name}: all elements of {what} should be between 0 and 1, found {found}{hint}")


def _sigmoid_logits(probs: Tensor) -> Tensor | None:
    """z when the recorded graph says ``probs`` = sigmoid(z): a Sigmoid op, or a fused Linear or
    convolution-bias op whose activation is the sigmoid (what Sequential makes of Linear then
    Sigmoid), seen through reshapes (view, squeeze); z is reshaped as ``probs``. None otherwise,
    and always inside ``minigan.fusion(False)``.

    A fused op reads its derivative off its output and keeps no z, so z is made again by the
    same op without the activation: for a discriminator's last layer, an (N, K) x (K, 1) product.
    """
    if not ops.is_fusion_enabled():
        return None
    ctx = probs._ctx
    while ctx is not None and not ctx.freed and ctx.function is ops.Reshape:
        ctx = ctx.inputs[0]._ctx
    if ctx is None or ctx.freed:
        return None
    function, inputs = ctx.function, ctx.inputs
    if function is ops.Sigmoid:
        logits = inputs[0]
    elif function is ops.LinearAct and ctx.options["activation"] == "sigmoid":
        logits = ops.linear(inputs[0], inputs[1], inputs[2] if len(inputs) == 3 else None)
    elif function is ops.ChannelBiasAct and ctx.options["activation"] == "sigmoid":
        logits = ops.channel_bias_act(inputs[0], inputs[1])
    else:
        return None
    return logits if logits.shape == probs.shape else logits.reshape(probs.shape)


def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None,  # noqa: A002 - PyTorch's names
                         size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1], logs clamped at -100.

    ``weight`` (optional) multiplies the per-element losses before the reduction. A p or a t
    outside [0, 1], or NaN, raises :class:`OutOfRangeError` (PyTorch's "all elements of input
    should be between 0 and 1").

    When p is the recorded output of a sigmoid (``nn.Sigmoid()`` ending a discriminator, or
    ``minigan.sigmoid(z)``), the loss is computed from its input z as
    :func:`binary_cross_entropy_with_logits`, and the gradient goes straight to z: the fused
    logits path, and exact where PyTorch's is not. Where sigmoid(z) rounds to 0 or 1 (|z| >
    about 17 in float32, 37 in float64) PyTorch's clamped log gives at most 100 per element
    and a zero gradient; this gives softplus(z) - z t (z = 40, t = 0: 40) and the gradient
    sigmoid(z) - t. Elsewhere the two agree to rounding. The plain formula on p, PyTorch's
    numbers exactly, runs inside ``minigan.fusion(False)``, where nothing is recorded
    (``no_grad``), and for p made otherwise. Past p, the loss's graph goes to z: a gradient
    asked of p itself (``minigan.grad(loss, p)``) finds p unused; ask it under ``fusion(False)``.
    """
    name = "binary_cross_entropy"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    probs = check_input(name, "input", input)
    targets = target_like(name, target, probs)
    _check_unit_interval(name, "input", probs.array)
    _check_unit_interval(name, "target", targets.array)
    logits = _sigmoid_logits(probs)
    if logits is not None:
        return binary_cross_entropy_with_logits(logits, targets, weight, reduction=reduction)
    loss = BinaryCrossEntropy.apply(probs, targets)
    return reduce_loss(_weighted(name, loss, weight), reduction)


def binary_cross_entropy_with_logits(
    input: Tensor, target: Any, weight: Any = None, size_average: Any = None, reduce: Any = None,  # noqa: A002
    reduction: str = "mean", pos_weight: Any = None,
) -> Tensor:
    """BCE of sigmoid(x) against t, computed stably from the logits x:
    softplus(x) - x t = max(x, 0) - x t + log1p(exp(-|x|)), finite for any x.

    ``weight`` multiplies the per-element losses. ``pos_weight`` w (PyTorch's) weighs the
    positive term, -(w t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), broadcast against the
    targets along their last axes (one w per class for targets (N, classes))."""
    name = "binary_cross_entropy_with_logits"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    logits = check_input(name, "logits", input)
    targets = target_like(name, target, logits)
    if pos_weight is not None:
        pos_weight = _broadcast_operand(name, "pos_weight", pos_weight, logits)
        loss = bypass(ops.TENSOR_FORMULAS.bce_with_logits_pos_weight(logits, targets, pos_weight),
                      (logits, targets, pos_weight), _bce_with_logits_pos_weight_slopes)
        return reduce_loss(_weighted(name, loss, weight), reduction)
    if weight is None and reduction == "mean" and logits.size > 0 and logits.dtype != np.float16:
        return BCEWithLogitsMean.apply(logits, targets)
    loss = bypass(ops.TENSOR_FORMULAS.bce_with_logits(logits, targets), (logits, targets), _bce_with_logits_slopes)
    return reduce_loss(_weighted(name, loss, weight), reduction)


def _bce_with_logits_slopes(logits: Tensor, targets: Tensor) -> tuple[Tensor, Tensor]:
    """The derivatives of the per-element BCE on logits in the logits and the targets, sigmoid(x) - t
    and -x: an infinite gradient is multiplied by them (PyTorch's +-inf), where the composition's sum of
    terms gives inf - inf, NaN (:func:`minigan.ops.bypass.bypass`)."""
    formulas = ops.TENSOR_FORMULAS
    return formulas.bce_with_logits_grad(logits, targets), formulas.bce_with_logits_target_grad(logits, targets)


def _bce_with_logits_pos_weight_slopes(logits: Tensor, targets: Tensor, pos_weight: Tensor) -> tuple[Tensor, ...]:
    """The same with PyTorch's pos_weight w, l = (1 - t) x + (1 + (w - 1) t) softplus(-x): in x
    (1 + (w - 1) t) sigmoid(x) - w t, in t (w - 1) softplus(-x) - x, in w t softplus(-x)."""
    tail = ops.softplus(-logits)
    return (((pos_weight - 1.0) * targets + 1.0) * ops.sigmoid(logits) - pos_weight * targets,
            (pos_weight - 1.0) * tail - logits, targets * tail)


def _broadcast_operand(name: str, what: str, value: Any, like: Tensor) -> Tensor:
    """``value`` as a Tensor of ``like``'s dtype that broadcasts to ``like``'s shape without
    enlarging it (a Tensor keeps its graph)."""
    if not isinstance(value, Tensor):
        value = Tensor._make(backend_of(like.array).asarray(value, dtype=like.dtype), False, None)
    elif value.dtype != like.dtype:
        value = value.astype(like.dtype)
    try:
        fits = np.broadcast_shapes(value.shape, like.shape) == like.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{name}: {what} of shape {value.shape} does not broadcast to the input shape {like.shape}")
    return value


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


# ====================================================================== classification
def _labels_array(name: str, labels: Any, logits: Tensor, ignore_index: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The labels as a NumPy index array, and a mask of the rows whose label is not
    ``ignore_index`` (None when no row is ignored); an ignored row's label reads as 0."""
    if isinstance(labels, Tensor):  # an int64 Tensor, as PyTorch's labels
        labels = labels.array
    labels = np.asarray(labels.get() if hasattr(labels, "get") else labels)  # .get(): a CuPy array
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: labels must be integers (expected scalar type Long), got dtype {labels.dtype}")
    n, classes = logits.shape
    if labels.shape != (n,):
        raise ValueError(f"{name}: labels must have shape ({n},) to match logits of shape {logits.shape}, got {labels.shape}")
    ignored = labels == ignore_index
    kept = None if not ignored.any() else ~ignored
    if kept is not None:
        labels = np.where(ignored, 0, labels)
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)]
        raise ValueError(
            f"{name}: labels must be in [0, {classes}) for {classes} classes (or ignore_index {ignore_index}), "
            f"found {bad[:5].tolist()}" + (" ..." if bad.size > 5 else "")
        )
    return labels.astype(np.intp, copy=False), kept


def _class_weights(name: str, weight: Any, log_probs: Tensor) -> np.ndarray | None:
    """``weight`` (one number per class) as a NumPy array of the input's dtype, or None."""
    if weight is None:
        return None
    array = to_numpy(weight.array if isinstance(weight, Tensor) else np.asarray(weight))
    classes = log_probs.shape[1]
    if array.shape != (classes,) or array.dtype.kind not in "iuf":
        raise ValueError(f"{name}: weight must be {classes} numbers, one per class, got shape {array.shape} "
                         f"of dtype {array.dtype}")
    return array.astype(log_probs.dtype)


def _as_rows(name: str, what: str, x: Any, target: Any,
             probabilities: bool = True) -> tuple[Tensor, Any, tuple[int, ...] | None]:
    """``x`` as rows (M, C) with its target in rows, and the shape a reduction="none" result takes
    (None when ``x`` is already (N, C)). As PyTorch's, ``x`` is (C,) unbatched, (N, C) or (N, C, d1,
    ..., dK), the class dim second; the labels are () (or (1,)), (N,) or (N, d1, ..., dK), and with
    ``probabilities`` a Tensor target of ``x``'s own shape holds class probabilities (moved into
    rows as ``x`` is)."""
    x = check_input(name, what, x)
    if x.ndim == 0:
        raise ValueError(f"{name}: expected {what} of shape (C,), (N, C) or (N, C, d1, ...), got ()")
    if x.ndim == 2:
        return x, target, None
    if x.ndim == 1:
        order, shape = (0,), ()
    else:
        order, shape = (0, *range(2, x.ndim), 1), (x.shape[0], *x.shape[2:])
    classes = x.shape[0] if x.ndim == 1 else x.shape[1]
    rows = x.permute(*order).reshape(-1, classes)
    if probabilities and isinstance(target, Tensor) and target.shape == x.shape:
        return rows, target.permute(*order).reshape(-1, classes), shape
    labels = target.array if isinstance(target, Tensor) else target
    labels = np.asarray(labels.get() if hasattr(labels, "get") else labels)
    if x.ndim == 1 and labels.ndim == 1:  # PyTorch takes a label of shape (1,) too
        if labels.shape != (1,):
            raise ValueError(f"{name}: for 1D input, 1D target must have size 1, but got target size: {labels.size}")
        labels = labels.reshape(())
    if labels.shape != shape:
        raise ValueError(f"{name}: labels must have shape {shape} to match {what} of shape {x.shape}, got {labels.shape}")
    return rows, labels.reshape(-1), shape


def _restored(loss: Tensor, shape: tuple[int, ...] | None, reduction: str) -> Tensor:
    """A reduction="none" loss of rows back in the labels' shape (_as_rows)."""
    return loss if shape is None or reduction != "none" else loss.reshape(shape)


def _learned(weight: Any) -> bool:
    """Whether ``weight`` is a Tensor that a gradient is being recorded for."""
    return isinstance(weight, Tensor) and weight.requires_grad and is_grad_enabled()


def _refuse_learned_weights(weight: Any) -> None:
    """PyTorch's error for class weights that require grad beside class-index labels."""
    if _learned(weight):
        raise RuntimeError("The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. "
                           "This input cannot have requires_grad True.")


def _probability_targets(name: str, target: Any, logits: Tensor) -> bool:
    """Whether ``target`` holds class probabilities, one row per row of ``logits``: a Tensor of its
    shape, as PyTorch decides, which must then be floating point."""
    if not isinstance(target, Tensor) or target.shape != logits.shape:
        return False
    if target.dtype.kind != "f":
        raise TypeError(f"{name}: expected floating point type for target with class probabilities, got "
                        f"{scalar_type_name(target.dtype)}")
    return True


def _weighted_nll(name: str, log_probs: Tensor, labels: Any, class_weights: np.ndarray | None, ignore_index: int,
                  reduction: str) -> tuple[Tensor, Tensor | None, float]:
    """The nll loss with ``class_weights`` (from _class_weights); a mask of the rows not ignored
    (None when none is), as a constant Tensor; and the mean's divisor, as PyTorch's: the rows'
    total weight w[label], ignored rows counting 0."""
    labels, kept = _labels_array(name, labels, log_probs, ignore_index)
    picked = log_probs[np.arange(log_probs.shape[0]), labels]
    if class_weights is None and kept is None:  # the plain mean of -log p[label]
        return reduce_loss(-picked, reduction), None, float(labels.size)
    backend = backend_of(log_probs.array)
    rows = np.ones(labels.shape, log_probs.dtype) if class_weights is None else class_weights[labels]
    if kept is not None:
        rows = rows * kept
    total = float(rows.sum(dtype=np.float64))
    if reduction == "mean" and total == 0:
        raise ValueError(f"{name}: every label is ignore_index ({ignore_index}) or has weight 0, so the mean is "
                         "undefined; pass reduction='sum'")
    losses = -picked * Tensor._make(backend.asarray(rows), False, None)
    nll = losses.sum() / total if reduction == "mean" else reduce_loss(losses, reduction)
    mask = None if kept is None else Tensor._make(backend.asarray(kept.astype(log_probs.dtype)), False, None)
    return nll, mask, total


def nll_loss(input: Tensor, target: Any, weight: Any = None, size_average: Any = None,  # noqa: A002
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """-w[t_i] log_probs[i, t_i] for log-probabilities (N, C) and integer labels t (N,), as
    PyTorch's: ``weight`` w (one per class, default 1) weighs each row, and "mean" divides by the
    rows' total weight; a row whose label is ``ignore_index`` counts for nothing. Log-probabilities
    (C,) or (N, C, d1, ..., dK) take labels () or (N, d1, ..., dK), as PyTorch's."""
    name = "nll_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    log_probs, target, shape = _as_rows(name, "log-probabilities", input, target, probabilities=False)
    _refuse_learned_weights(weight)
    loss = _weighted_nll(name, log_probs, target, _class_weights(name, weight, log_probs), ignore_index, reduction)[0]
    return _restored(loss, shape, reduction)


def cross_entropy(input: Tensor, target: Any, weight: Any = None, size_average: Any = None,  # noqa: A002
                  ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """nll_loss of log softmax(logits) for logits (N, C) and integer class labels (N,), with
    ``weight`` and ``ignore_index`` as there. ``label_smoothing`` e mixes in the uniform target, as
    PyTorch: (1 - e) nll + (e / C) sum_c -w_c log p[i, c], reduced like the nll term. As PyTorch's,
    logits may be (C,) unbatched or (N, C, d1, ..., dK), the labels () or (N, d1, ..., dK); and a
    float target of the logits' shape holds class probabilities y: -sum_c w_c y_c log p_c per row
    (smoothed to (1 - e) y + e / C), "mean" over the rows, whatever their weights."""
    name = "cross_entropy"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    logits, target, shape = _as_rows(name, "logits", input, target)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{name}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    class_weights = _class_weights(name, weight, logits)
    log_probs = ops.log_softmax(logits, axis=1)
    weights = None if class_weights is None else Tensor._make(backend_of(log_probs.array).asarray(class_weights),
                                                              False, None)
    if _probability_targets(name, target, logits):
        if ignore_index >= 0:
            raise ValueError(f"{name}: ignore_index is not supported for floating point target")
        if _learned(weight):  # with probabilities the weights are differentiable, as PyTorch's
            weights = weight if weight.dtype == log_probs.dtype else weight.astype(log_probs.dtype)
        if label_smoothing:
            target = target * (1.0 - label_smoothing) + label_smoothing / logits.shape[1]
        picked = log_probs * target if weights is None else log_probs * target * weights
        return _restored(reduce_loss(-picked.sum(axis=1), reduction), shape, reduction)
    _refuse_learned_weights(weight)
    nll, kept, total = _weighted_nll(name, log_probs, target, class_weights, ignore_index, reduction)
    if not label_smoothing:
        return _restored(nll, shape, reduction)
    spread = log_probs if weights is None else log_probs * weights
    smooth = -spread.sum(axis=1)
    if kept is not None:  # ignored rows count for nothing
        smooth = smooth * kept
    smooth = smooth.sum() / total if reduction == "mean" else reduce_loss(smooth, reduction)
    return _restored(nll * (1.0 - label_smoothing) + smooth * (label_smoothing / logits.shape[1]), shape, reduction)


# ====================================================================== Module forms
class BCELoss(Loss):
    """Module form of :func:`binary_cross_entropy` (input: probabilities).

    Given the recorded output of a Sigmoid, it computes from the logits: see there."""

    def __init__(self, weight: Any = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction))
        self.weight = weight

    def forward(self, probs: Tensor, targets: Any) -> Tensor:
        return binary_cross_entropy(probs, targets, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(Loss):
    """Module form of :func:`binary_cross_entropy_with_logits` (input: logits).

    ``weight`` and ``pos_weight`` are those of the function."""

    def __init__(self, weight: Any = None, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 pos_weight: Any = None) -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction))
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, logits: Tensor, targets: Any) -> Tensor:
        return binary_cross_entropy_with_logits(logits, targets, self.weight, reduction=self.reduction,
                                                pos_weight=self.pos_weight)


class CrossEntropyLoss(Loss):
    """Module form of :func:`cross_entropy` (logits (N, C), integer labels (N,))."""

    def __init__(self, weight: Any = None, size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction))
        self.weight, self.ignore_index, self.label_smoothing = weight, int(ignore_index), float(label_smoothing)

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return cross_entropy(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction,
                             label_smoothing=self.label_smoothing)


class NLLLoss(Loss):
    """Module form of :func:`nll_loss`."""

    def __init__(self, weight: Any = None, size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction))
        self.weight, self.ignore_index = weight, int(ignore_index)

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


__all__ = [
    "binary_cross_entropy", "bce", "binary_cross_entropy_with_logits", "bce_with_logits",
    "nll_loss", "cross_entropy", "BinaryCrossEntropy", "OutOfRangeError",
    "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
]
