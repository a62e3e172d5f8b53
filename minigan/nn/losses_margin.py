"""The margin and embedding losses, as functions (``F.soft_margin_loss``) and Modules
(``SoftMarginLoss()``), as PyTorch's: hinge embedding, margin ranking, soft margin, multi-label soft
margin, multi-class margin, multi-label margin, triplet margin and cosine embedding. Each is
written with Tensor ops, so its gradient (and second derivative) comes from theirs; the losses on
logits use the stable softplus forms. ``reduction`` and PyTorch's deprecated
``size_average``/``reduce`` are read as minigan/nn/loss_base.py reads them.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..backends import backend_of, to_numpy
from ..ops.operands import ShapeError
from .distance import float_tensor, pairwise_distance
from .loss_base import LegacyLoss, Loss, check_reduction, legacy_reduction, pick_reduction, reduce_loss, target_like
from .losses import _broadcast_operand, _weighted


def _constant(like: Tensor, array: np.ndarray) -> Tensor:
    """A NumPy array as a constant Tensor of ``like``'s dtype, on its device."""
    backend = backend_of(like.array)
    return Tensor._make(backend.asarray(array.astype(backend.numpy_dtype(like.dtype))), False, None)


def hinge_embedding_loss(input: Tensor, target: Any, margin: float = 1.0, size_average: Any = None,  # noqa: A002
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    """x where t = 1 and max(0, margin - x) where t = -1 (x a distance, t the labels), as
    ``torch.nn.functional.hinge_embedding_loss``: a target that is neither 1 nor -1 gets both terms."""
    name = "hinge_embedding_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    x = float_tensor(name, "input", input)
    t = target_like(name, target, x)
    loss = ops.where(t != -1, x, 0.0) + ops.where(t != 1, ops.relu(margin - x), 0.0)
    return reduce_loss(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                        size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """max(0, -t (x1 - x2) + margin): t = 1 asks x1 to rank above x2 by ``margin``, t = -1 below, as
    ``torch.nn.functional.margin_ranking_loss``. The three must have the same number of dimensions
    and broadcast."""
    name = "margin_ranking_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    a, b = float_tensor(name, "input1", input1), float_tensor(name, "input2", input2)
    t = target if isinstance(target, Tensor) else Tensor._make(backend_of(a.array).asarray(target, dtype=a.dtype),
                                                                  False, None)
    if not a.ndim == b.ndim == t.ndim:
        raise ShapeError(f"{name}: all input tensors should have the same number of dimensions, got input1 "
                         f"{a.shape}, input2 {b.shape} and target {t.shape}")
    return reduce_loss(ops.relu((a - b) * -t.astype(a.dtype) + margin), reduction)


def soft_margin_loss(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
                     reduction: str = "mean") -> Tensor:
    """log(1 + exp(-t x)) for labels t in {1, -1}, as ``torch.nn.functional.soft_margin_loss``,
    computed as softplus(-t x), finite for any x."""
    name = "soft_margin_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    x = float_tensor(name, "input", input)
    return reduce_loss(ops.softplus(-(target_like(name, target, x) * x)), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Any, weight: Any = None, size_average: Any = None,  # noqa: A002
                                reduce: Any = None, reduction: str = "mean") -> Tensor:
    """The mean over the classes (the last dimension) of -(t log sigmoid(x) + (1 - t) log sigmoid(-x)),
    as ``torch.nn.functional.multilabel_soft_margin_loss``: BCE on logits, softplus(x) - x t,
    times ``weight`` (broadcast), then reduced over the samples."""
    name = "multilabel_soft_margin_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    x = float_tensor(name, "input", input)
    if x.ndim == 0:
        raise ShapeError(f"{name}: expected input of shape (C,) or (N, C), got a 0-d tensor")
    per_class = _weighted(name, ops.TENSOR_FORMULAS.bce_with_logits(x, target_like(name, target, x)), weight)
    return reduce_loss(ops.mean(per_class, per_class.ndim - 1), reduction)  # no classes: NaN, as PyTorch's


def _as_rows(name: str, x: Tensor, target: Any, same_shape: bool) -> tuple[Tensor, np.ndarray, bool]:
    """x as (N, C) and the integer target as a NumPy array ((N,), or (N, C) when ``same_shape``),
    and whether x was a single sample (C,)."""
    labels = to_numpy(target.array) if isinstance(target, Tensor) else np.asarray(target)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must hold integer class indices (int64), got dtype {labels.dtype}")
    if x.ndim not in (1, 2) or x.shape[-1] == 0:
        raise ShapeError(f"{name}: expected non-empty input of shape (C,) or (N, C), got {x.shape}")
    single = x.ndim == 1
    rows = x.unsqueeze(0) if single else x
    wanted = rows.shape if same_shape else rows.shape[:1]
    if labels.size != int(np.prod(wanted)) or (labels.ndim and labels.shape[-1:] != wanted[-1:]):
        raise ShapeError(f"{name}: target of shape {labels.shape} does not fit input of shape {x.shape}")
    return rows, labels.reshape(wanted).astype(np.int64), single


def multi_margin_loss(input: Tensor, target: Any, p: int = 1, margin: float = 1.0, weight: Any = None,  # noqa: A002
                      size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """The multi-class hinge loss of scores x (N, C) or (C,) and class labels y: the sum over the
    classes j != y of w[y] max(0, margin - x[y] + x[j])^p, divided by C, as
    ``torch.nn.functional.multi_margin_loss`` (p 1 or 2, ``weight`` w one per class, default 1)."""
    name = "multi_margin_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    if p not in (1, 2) or isinstance(p, bool):
        raise ValueError(f"{name}: only p == 1 and p == 2 supported, got {p!r}")
    rows, labels, single = _as_rows(name, float_tensor(name, "input", input), target, same_shape=False)
    n, classes = rows.shape
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"{name}: target out of range: class indices must be in [0, {classes}), "
                         f"found {labels[(labels < 0) | (labels >= classes)][:5].tolist()}")
    picked = rows[np.arange(n), labels].unsqueeze(1)
    others = _constant(rows, np.arange(classes)[None, :] != labels[:, None])
    hinge = ops.relu(rows - picked + margin)
    per_sample = ops.sum((hinge if p == 1 else hinge * hinge) * others, 1) / classes
    if weight is not None:
        w = to_numpy(weight.array if isinstance(weight, Tensor) else np.asarray(weight, dtype=np.float64))
        if w.shape != (classes,):
            raise ValueError(f"{name}: weight must be {classes} numbers, one per class, got shape {w.shape}")
        per_sample = per_sample * _constant(rows, w[labels])
    return reduce_loss(per_sample[0] if single else per_sample, reduction)


def multilabel_margin_loss(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
                           reduction: str = "mean") -> Tensor:
    """The multi-label hinge loss of scores x (N, C) or (C,): each row of the target lists class
    indices, ended by the first -1; the loss is the sum over listed j and unlisted k of
    max(0, 1 - (x[j] - x[k])), divided by C, as ``torch.nn.functional.multilabel_margin_loss`` (a
    class listed twice counts twice, as there)."""
    name = "multilabel_margin_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    rows, labels, single = _as_rows(name, float_tensor(name, "input", input), target, same_shape=True)
    n, classes = rows.shape
    if labels.size and (labels.min() < -1 or labels.max() >= classes):
        raise ValueError(f"{name}: target out of range: class indices must be in [-1, {classes}), found "
                         f"{labels[(labels < -1) | (labels >= classes)][:5].tolist()}")
    listed = np.cumprod(labels != -1, axis=1).astype(bool)  # the places before the first -1
    counts = np.zeros((n, classes))
    np.add.at(counts, (np.nonzero(listed)[0], labels[listed]), 1.0)
    pairs = _constant(rows, counts[:, :, None] * (counts == 0)[:, None, :])  # (N, listed j, unlisted k)
    hinge = ops.relu(rows.unsqueeze(1) - rows.unsqueeze(2) + 1.0)  # [i, j, k]: 1 - x[j] + x[k]
    per_sample = ops.sum(ops.sum(hinge * pairs, 2), 1) / classes
    return reduce_loss(per_sample[0] if single else per_sample, reduction)


def _triplet(name: str, anchor: Tensor, positive: Tensor, negative: Tensor, distance: Callable[[Tensor, Tensor], Tensor],
             margin: float, swap: bool, reduction: str) -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)), with min(d(a, n), d(p, n)) for d(a, n) when ``swap``."""
    a, pos, neg = (float_tensor(name, what, x) for what, x in
                   (("anchor", anchor), ("positive", positive), ("negative", negative)))
    if not a.ndim == pos.ndim == neg.ndim:
        raise ShapeError(f"{name}: the anchor, positive, and negative tensors are expected to have the same number "
                         f"of dimensions, but got: anchor {a.ndim}D, positive {pos.ndim}D, and negative {neg.ndim}D "
                         "inputs")
    to_positive, to_negative = distance(a, pos), distance(a, neg)
    if swap:
        to_negative = ops.minimum(to_negative, distance(pos, neg))
    return reduce_loss(ops.clamp(to_positive - to_negative + margin, min=0.0), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)) with d the :func:`pairwise_distance` (p-norm, eps added to
    each difference); ``swap`` uses min(d(a, n), d(p, n)) for the negative's distance, as
    ``torch.nn.functional.triplet_margin_loss``."""
    name = "triplet_margin_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    return _triplet(name, anchor, positive, negative, lambda x, y: pairwise_distance(x, y, p, eps), margin, swap,
                    reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                                      margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> Tensor:
    """:func:`triplet_margin_loss` with any distance d(x, y) giving one number per sample
    (default :func:`pairwise_distance`), as ``torch.nn.functional.triplet_margin_with_distance_loss``;
    ``margin`` must be positive."""
    name = "triplet_margin_with_distance_loss"
    check_reduction(name, reduction)
    if not margin > 0:
        raise ValueError(f"{name}: expected margin to be greater than 0, got {margin} instead")
    return _triplet(name, anchor, positive, negative, distance_function or pairwise_distance, margin, swap, reduction)


_EPSILON = 1e-12  # added to each squared length in cosine_embedding_loss, as PyTorch's


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                          size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where t = 1 and max(0, cos(x1, x2) - margin) where t = -1, the cosine along
    the last dimension of (N, D) or (D,) inputs, with 1e-12 added to each squared length, as
    ``torch.nn.functional.cosine_embedding_loss``; t (N,) or a 0-d tensor."""
    name = "cosine_embedding_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    a, b = float_tensor(name, "input1", input1), float_tensor(name, "input2", input2)
    if not isinstance(target, Tensor):
        target = Tensor._make(backend_of(a.array).asarray(target, dtype=a.dtype), False, None)
    if target.ndim > 1:
        raise ShapeError(f"{name}: 0D or 1D target tensor expected, multi-target not supported, got {target.shape}")
    if not a.ndim == b.ndim == target.ndim + 1:
        raise ShapeError(f"{name}: {target.ndim}D target tensor expects {target.ndim + 1}D input tensors, but found "
                         f"inputs with sizes {list(a.shape)} and {list(b.shape)}.")
    axis = a.ndim - 1
    t = _broadcast_operand(name, "target", target, ops.sum(a * b, axis))
    cosine = ops.sum(a * b, axis) / ops.sqrt((ops.sum(a * a, axis) + _EPSILON) * (ops.sum(b * b, axis) + _EPSILON))
    loss = ops.where(t == 1, 1.0 - cosine, 0.0) + ops.where(t == -1, ops.relu(cosine - margin), 0.0)
    return reduce_loss(loss, reduction)


# ====================================================================== Module forms
class _MarginLoss(Loss):
    """A loss whose Module takes PyTorch's (margin, size_average, reduce, reduction)."""

    def __init__(self, margin: float, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction))
        self.margin = float(margin)


class HingeEmbeddingLoss(_MarginLoss):
    """x where t = 1, max(0, margin - x) where t = -1: module form of :func:`hinge_embedding_loss`."""

    def __init__(self, margin: float = 1.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(margin, size_average, reduce, reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class MarginRankingLoss(_MarginLoss):
    """max(0, -t (x1 - x2) + margin): module form of :func:`margin_ranking_loss`."""

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(margin, size_average, reduce, reduction)

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        return margin_ranking_loss(input1, input2, target, self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_MarginLoss):
    """1 - cos(x1, x2) where t = 1, max(0, cos(x1, x2) - margin) where t = -1:
    module form of :func:`cosine_embedding_loss`."""

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(margin, size_average, reduce, reduction)

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        return cosine_embedding_loss(input1, input2, target, self.margin, reduction=self.reduction)


class SoftMarginLoss(LegacyLoss):
    """softplus(-t x) = log(1 + exp(-t x)) for t in {1, -1}: module form of :func:`soft_margin_loss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelMarginLoss(SoftMarginLoss):
    """The sum over listed classes j and unlisted k of max(0, 1 - (x[j] - x[k])), over C:
    module form of :func:`multilabel_margin_loss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(Loss):
    """The mean over the classes of softplus(x) - x t (BCE on logits), times ``weight``:
    module form of :func:`multilabel_soft_margin_loss`."""

    def __init__(self, weight: Any = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction))
        self.weight = weight

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return multilabel_soft_margin_loss(input, target, self.weight, reduction=self.reduction)


class MultiMarginLoss(Loss):
    """The sum over classes j != y of w[y] max(0, margin - x[y] + x[j])^p, over C:
    module form of :func:`multi_margin_loss`."""

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Any = None, size_average: Any = None,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction))
        if p not in (1, 2) or isinstance(p, bool):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 supported, got {p!r}")
        self.p, self.margin, self.weight = p, float(margin), weight

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return multi_margin_loss(input, target, self.p, self.margin, self.weight, reduction=self.reduction)


class TripletMarginLoss(_MarginLoss):
    """max(0, margin + d(a, p) - d(a, n)), d the p-norm distance: module form of :func:`triplet_margin_loss`."""

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(margin, size_average, reduce, reduction)
        self.p, self.eps, self.swap = p, float(eps), bool(swap)

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps, self.swap,
                                   reduction=self.reduction)


class TripletMarginWithDistanceLoss(Loss):
    """max(0, margin + d(a, p) - d(a, n)) for any distance d:
    module form of :func:`triplet_margin_with_distance_loss`."""

    def __init__(self, *, distance_function: Callable[[Tensor, Tensor], Tensor] | None = None, margin: float = 1.0,
                 swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        if not margin > 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} instead")
        self.distance_function, self.margin, self.swap = distance_function, float(margin), bool(swap)

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=self.distance_function,
                                                 margin=self.margin, swap=self.swap, reduction=self.reduction)


__all__ = [
    "hinge_embedding_loss", "margin_ranking_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
    "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
    "cosine_embedding_loss", "HingeEmbeddingLoss", "MarginRankingLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss",
    "MultiLabelMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss", "CosineEmbeddingLoss",
]
