"""What every loss shares: ``reduction`` and how a target is read.

Every loss takes ``reduction``: "mean" (the default), "sum", or "none" (the per-element
losses). Targets may be Tensors, arrays or Python numbers; a number stands for a full
target of the input's shape (``bce(d_fake, 1.0)``), anything else must match the input's
shape exactly, because a silently broadcast (N,) against (N, 1) is a classic GAN bug.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..backends import backend_of
from ..autograd import Tensor
from .module import Module

_REDUCTIONS = ("mean", "sum", "none")


def check_reduction(name: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def legacy_reduction(size_average: Any, reduce: Any, reduction: str, stacklevel: int = 3) -> str:
    """``reduction`` itself, or, when PyTorch's deprecated ``size_average`` or ``reduce`` is given,
    the reduction they stand for, as PyTorch reads them (each None counts as True): both true
    "mean", ``reduce`` alone "sum", ``reduce=False`` "none"; with PyTorch's deprecation warning
    (a UserWarning, ``stacklevel`` frames up). A string there is a reduction passed in the wrong
    place (PyTorch would read it as True): a TypeError saying so."""
    if size_average is None and reduce is None:
        return reduction
    for what, value in (("size_average", size_average), ("reduce", reduce)):
        if isinstance(value, str):
            raise TypeError(f"{what} is PyTorch's deprecated bool, got {value!r}; pass reduction={value!r} by keyword")
    keep_reduce = reduce is None or bool(reduce)
    chosen = ("mean" if size_average is None or bool(size_average) else "sum") if keep_reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{chosen}' instead.",
                  UserWarning, stacklevel=stacklevel)
    return chosen


def pick_reduction(name: str, size_average: Any, reduce: Any, reduction: str) -> str:
    """The reduction a loss function applies: :func:`legacy_reduction`'s, checked (its warning
    points at the loss function's caller)."""
    reduction = legacy_reduction(size_average, reduce, reduction, stacklevel=4)
    check_reduction(name, reduction)
    return reduction


def reduce_loss(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def check_input(name: str, what: str, x: Any) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: {what} must be a Tensor, got {type(x).__name__}")
    return x


def target_like(name: str, target: Any, like: Tensor, what: str = "target") -> Tensor:
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


class Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class LegacyLoss(Loss):
    """A Loss whose constructor takes PyTorch's ``(size_average, reduce, reduction)`` in that
    order, the deprecated pair read by :func:`legacy_reduction`."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction))


__all__ = ["Loss", "LegacyLoss", "check_reduction", "legacy_reduction", "pick_reduction", "reduce_loss", "check_input",
           "target_like"]
