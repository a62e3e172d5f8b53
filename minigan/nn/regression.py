"""The regression losses, as functions (``F.mse_loss``) and as Modules (``MSELoss()``): squared,
absolute, smooth L1 and Huber errors per element, with the ``reduction`` and target rules of
minigan/nn/loss_base.py. Each is written with Tensor ops, so its gradient (and second
derivative) comes from theirs.
"""
from __future__ import annotations

from typing import Any

from .. import ops
from ..autograd import Tensor
from .loss_base import Loss, check_input, check_reduction, reduce_loss, target_like


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """(input - target)^2 per element; either side may require a gradient."""
    name = "mse_loss"
    check_reduction(name, reduction)
    a = check_input(name, "input", input)
    b = target_like(name, target, a)
    return reduce_loss((a - b) ** 2, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """|input - target| per element (gradient sign(input - target), 0 where they are equal, as
    PyTorch's); either side may require a gradient."""
    name = "l1_loss"
    check_reduction(name, reduction)
    a = check_input(name, "input", input)
    b = target_like(name, target, a)
    return reduce_loss((a - b).abs(), reduction)


def _piecewise(name: str, input: Tensor, target: Any, reduction: str, width: float,  # noqa: A002
               inner_factor: float, outer_factor: float) -> Tensor:
    """inner_factor d² where |d| < width, else outer_factor (|d| - 0.5 width), d = input - target:
    smooth L1 and Huber, each with its own factors."""
    check_reduction(name, reduction)
    a = check_input(name, "input", input)
    d = a - target_like(name, target, a)
    size = d.abs()
    return reduce_loss(ops.where(size < width, d * d * inner_factor, (size - 0.5 * width) * outer_factor), reduction)


def smooth_l1_loss(input: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:  # noqa: A002
    """0.5 d² / beta where |d| < beta, else |d| - 0.5 beta, with d = input - target (PyTorch's;
    beta 0 is :func:`l1_loss`). Gradient d / beta inside, sign(d) outside."""
    if not beta >= 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    if beta == 0:
        return l1_loss(input, target, reduction)
    return _piecewise("smooth_l1_loss", input, target, reduction, float(beta), 0.5 / beta, 1.0)


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:  # noqa: A002
    """0.5 d² where |d| < delta, else delta (|d| - 0.5 delta), with d = input - target (PyTorch's:
    smooth L1 times delta). Gradient d inside, delta sign(d) outside."""
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    return _piecewise("huber_loss", input, target, reduction, float(delta), 0.5, float(delta))


class MSELoss(Loss):
    """Module form of :func:`mse_loss`."""

    def forward(self, a: Tensor, b: Any) -> Tensor:
        return mse_loss(a, b, self.reduction)


class L1Loss(Loss):
    """Module form of :func:`l1_loss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return l1_loss(input, target, self.reduction)


class SmoothL1Loss(Loss):
    """Module form of :func:`smooth_l1_loss`."""

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return smooth_l1_loss(input, target, self.reduction, self.beta)


class HuberLoss(Loss):
    """Module form of :func:`huber_loss`."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return huber_loss(input, target, self.reduction, self.delta)


__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss"]
