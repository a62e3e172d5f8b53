"""The likelihood losses, as functions (``F.kl_div``) and Modules (``KLDivLoss()``): the KL
divergence, and the negative log-likelihoods of a Poisson and of a Gaussian, as PyTorch's.
Each is written with Tensor ops, so its gradient (and second derivative) comes from theirs;
``reduction`` and PyTorch's deprecated ``size_average``/``reduce`` as minigan/nn/loss_base.py
reads them.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..backends import backend_of
from .distance import clamped_value, float_tensor
from .loss_base import Loss, check_reduction, legacy_reduction, pick_reduction, reduce_loss, target_like
from .losses import _broadcast_operand


def _x_log_x(t: Tensor) -> Tensor:
    """t log t, 0 at t = 0 (its limit) and NaN for t < 0, as PyTorch's xlogy(t, t); the log only
    ever sees positive numbers, so t = 0 gives no warning and a gradient of 0, not NaN."""
    positive = t > 0
    value = t * ops.log(ops.where(positive, t, 1.0))
    return ops.where(positive | (t == 0), value, math.nan)


def kl_div(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """The pointwise KL divergence t (log t - x) for log-probabilities x and probabilities t (0 where
    t = 0), or exp(t) (t - x) with ``log_target`` (t given as log-probabilities), as
    ``torch.nn.functional.kl_div``. ``reduction`` "batchmean" (the KL divergence's definition)
    divides the sum by the batch size x.shape[0]; "mean" divides by the element count, with
    PyTorch's warning that it differs."""
    name = "kl_div"
    legacy = size_average is not None or reduce is not None
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction != "batchmean":
        check_reduction(name, reduction)
    x = float_tensor(name, "input", input)
    t = target_like(name, target, x)
    pointwise = ops.exp(t) * (t - x) if log_target else _x_log_x(t) - t * x
    if reduction == "mean" and not legacy:
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    if reduction == "batchmean":
        total = pointwise.sum()
        return total / x.shape[0] if x.ndim else total
    return reduce_loss(pointwise, reduction)


def poisson_nll_loss(input: Tensor, target: Any, log_input: bool = True, full: bool = False,  # noqa: A002
                     size_average: Any = None, eps: float = 1e-8, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """The Poisson negative log-likelihood of counts t with rate exp(x) (``log_input``, the default):
    exp(x) - t x; or with rate x: x - t log(x + eps), as ``torch.nn.functional.poisson_nll_loss``.
    ``full`` adds Stirling's approximation of log(t!), t log t - t + log(2 pi t) / 2, where t > 1."""
    name = "poisson_nll_loss"
    reduction = pick_reduction(name, size_average, reduce, reduction)
    x = float_tensor(name, "input", input)
    t = target_like(name, target, x)
    loss = ops.exp(x) - t * x if log_input else x - t * ops.log(x + eps)
    if full:
        above = t > 1
        counts = ops.where(above, t, 1.0)
        stirling = counts * ops.log(counts) - counts + ops.log(counts * (2 * math.pi)) * 0.5
        loss = loss + ops.where(above, stirling, 0.0)
    return reduce_loss(loss, reduction)


def _variance(name: str, var: Any, like: Tensor) -> Tensor:
    """``var`` as a Tensor that broadcasts to ``like``: a number, like's shape, like's shape with a
    last dimension of 1 (one variance per sample), or like.shape[:-1] (given one more axis here)."""
    if isinstance(var, (int, float, np.number)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError(f"{name}: var has negative entry/entries (got {var})")
        full = backend_of(like.array).xp.full(like.shape, float(var), dtype=like.array.dtype,
                                             device=like.array.device)
        return Tensor._make(full, False, None)
    if not isinstance(var, Tensor):
        var = Tensor._make(backend_of(like.array).asarray(var, dtype=like.dtype), False, None)
    if var.shape != like.shape:
        if like.ndim and var.shape == like.shape[:-1]:
            var = var.unsqueeze(-1)
        elif not (like.ndim and var.ndim == like.ndim and var.shape[:-1] == like.shape[:-1] and var.shape[-1] == 1):
            raise ValueError(f"{name}: var is of incorrect size: {var.shape} for input of shape {like.shape} "
                             "(expected the input's shape, with the last dimension 1, or without the last dimension)")
    if bool(backend_of(var.array).xp.any(var.array < 0)):
        raise ValueError(f"{name}: var has negative entry/entries")
    return var


def gaussian_nll_loss(input: Tensor, target: Any, var: Any, full: bool = False, eps: float = 1e-6,  # noqa: A002
                      reduction: str = "mean") -> Tensor:
    """The Gaussian negative log-likelihood of t under mean x and variance v:
    (log v + (x - t)^2 / v) / 2, plus log(2 pi) / 2 with ``full``, as
    ``torch.nn.functional.gaussian_nll_loss``. v is clamped at eps in value only (the gradient is
    that of v itself, as PyTorch's); it may be a number, x's shape, x's shape with a last dimension
    of 1, or x.shape[:-1]. A target may broadcast to x's shape."""
    name = "gaussian_nll_loss"
    check_reduction(name, reduction)
    x = float_tensor(name, "input", input)
    t = _broadcast_operand(name, "target", target, x)
    v = clamped_value(_variance(name, var, x), eps)
    loss = (ops.log(v) + (x - t) ** 2 / v) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)


class KLDivLoss(Loss):
    """t (log t - x) for log-probabilities x and probabilities t ("batchmean": the KL divergence):
    module form of :func:`kl_div`."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__("mean" if reduction == "batchmean" else reduction)
        self.reduction, self.log_target = reduction, bool(log_target)

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(Loss):
    """exp(x) - t x for log-rates x and counts t (x - t log(x + eps) for rates):
    module form of :func:`poisson_nll_loss`."""

    def __init__(self, log_input: bool = True, full: bool = False, size_average: Any = None, eps: float = 1e-8,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction))
        self.log_input, self.full, self.eps = bool(log_input), bool(full), float(eps)

    def forward(self, log_input: Tensor, target: Any) -> Tensor:
        return poisson_nll_loss(log_input, target, self.log_input, self.full, eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(Loss):
    """(log v + (x - t)^2 / v) / 2, v clamped at eps:
    module form of :func:`gaussian_nll_loss`; forward takes (input, target, var)."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.full, self.eps = bool(full), float(eps)

    def forward(self, input: Tensor, target: Any, var: Any) -> Tensor:  # noqa: A002
        return gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


__all__ = ["kl_div", "poisson_nll_loss", "gaussian_nll_loss", "KLDivLoss", "PoissonNLLLoss", "GaussianNLLLoss"]
