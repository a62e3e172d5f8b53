"""The regression losses, as functions (``F.mse_loss``) and as Modules (``MSELoss()``): squared,
absolute, smooth L1 and Huber errors per element, with the ``reduction`` and target rules of
minigan/nn/loss_base.py. Each is written with Tensor ops, so its gradient (and second
derivative) comes from theirs.
"""
from __future__ import annotations

from typing import Any

from .. import ops
from ..autograd import Tensor
from ..backends import backend_of
from .loss_base import LegacyLoss, Loss, check_input, check_reduction, pick_reduction, reduce_loss, target_like


def _weighted(name: str, loss: Tensor, weight: Any, reduction: str, mean_over_weight: bool) -> Tensor:
    """The per-element ``loss`` times ``weight`` (the input's shape), reduced as PyTorch's: "mean" is
    sum(w l) / sum(w) where ``mean_over_weight`` (mse_loss, l1_loss), else the plain mean of w l."""
    if weight is None:
        return reduce_loss(loss, reduction)
    if not isinstance(weight, Tensor):
        weight = Tensor._make(backend_of(loss.array).asarray(weight, dtype=loss.dtype), False, None)
    if weight.shape != loss.shape:
        raise ValueError(f"{name}: weight of shape {weight.shape} must have the input's shape {loss.shape}")
    weighted = loss * weight
    if reduction == "mean" and mean_over_weight:
        return weighted.sum() / weight.sum()
    return reduce_loss(weighted, reduction)


def mse_loss(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
             reduction: str = "mean", weight: Any = None) -> Tensor:
    """(input - target)^2 per element; either side may require a gradient. ``weight`` (the input's
    shape) multiplies each, and "mean" then divides by its sum, as PyTorch's."""
    name = "mse_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    a = check_input(name, "input", input)
    b = target_like(name, target, a)
    return _weighted(name, (a - b) ** 2, weight, reduction, True)


def l1_loss(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
            reduction: str = "mean", weight: Any = None) -> Tensor:
    """|input - target| per element (gradient sign(input - target), 0 where they are equal, as
    PyTorch's); either side may require a gradient. ``weight`` as in :func:`mse_loss`."""
    name = "l1_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    a = check_input(name, "input", input)
    b = target_like(name, target, a)
    return _weighted(name, (a - b).abs(), weight, reduction, True)


def _piecewise(name: str, input: Tensor, target: Any, reduction: str, width: float,  # noqa: A002
               inner_factor: float, outer_factor: float) -> Tensor:
    """inner_factor d² where |d| < width, else outer_factor (|d| - 0.5 width), d = input - target:
    smooth L1 and Huber, each with its own factors (unreduced)."""
    check_reduction(name, reduction)
    a = check_input(name, "input", input)
    d = a - target_like(name, target, a)
    size = d.abs()
    inside = ~(size >= width)  # a NaN d too, whose gradient is then NaN, as PyTorch's
    small = ops.where(inside, d, 0.0)  # the square of an infinite d, unused, would give its gradient 0 * inf
    return ops.where(inside, small * small * inner_factor, (size - 0.5 * width) * outer_factor)


def smooth_l1_loss(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d² / beta where |d| < beta, else |d| - 0.5 beta, with d = input - target (PyTorch's;
    beta 0 is :func:`l1_loss`). Gradient d / beta inside, sign(d) outside."""
    reduction = pick_reduction("smooth_l1_loss", size_average, reduce, reduction)
    if not beta >= 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    return reduce_loss(_piecewise("smooth_l1_loss", input, target, reduction, float(beta), 0.5 / beta, 1.0), reduction)


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0,  # noqa: A002
               weight: Any = None) -> Tensor:
    """0.5 d² where |d| < delta, else delta (|d| - 0.5 delta), with d = input - target (PyTorch's:
    smooth L1 times delta). Gradient d inside, delta sign(d) outside. ``weight`` (the input's shape)
    multiplies each; "mean" is then the plain mean of the products, as PyTorch's."""
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    loss = _piecewise("huber_loss", input, target, reduction, float(delta), 0.5, float(delta))
    return _weighted("huber_loss", loss, weight, reduction, False)


class MSELoss(LegacyLoss):
    """Module form of :func:`mse_loss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return mse_loss(input, target, reduction=self.reduction)


class L1Loss(LegacyLoss):
    """Module form of :func:`l1_loss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(LegacyLoss):
    """Module form of :func:`smooth_l1_loss`."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(Loss):
    """Module form of :func:`huber_loss`."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return huber_loss(input, target, self.reduction, self.delta)


__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss"]
