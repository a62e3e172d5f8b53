"""Norms, similarities and distances between vectors, as PyTorch's: ``F.normalize``,
``F.cosine_similarity`` (``nn.CosineSimilarity``), ``F.pairwise_distance`` (``nn.PairwiseDistance``)
and ``torch.cdist``. All are built from ops that already have gradients (and second derivatives).

The one numerical trap is the p-norm at the zero vector: sqrt(s) has an infinite slope at s = 0,
so the plain chain rule gives 0 * inf = NaN there. :func:`vector_norm` (minigan/ops/linalg_norms.py's, which
torch.linalg.vector_norm and torch.norm are too) takes the root only where s > 0, so the gradient
at a zero vector is 0, as PyTorch's (a subgradient).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..autograd.arguments import wrap_dim
from ..ops import linalg_norms
from ..backends import backend_of
from ..ops.operands import ShapeError, _check_broadcast
from .module import Module


def float_tensor(name: str, what: str, x: Any) -> Tensor:
    """``x`` itself when it is a floating-point Tensor; else one clear error naming ``what``."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: {what} must be a Tensor, got {type(x).__name__}")
    if backend_of(x.array).numpy_dtype(x.dtype).kind != "f":
        raise TypeError(f"{name}: expected a floating-point {what}, got dtype {x.dtype}")
    return x


def vector_norm(x: Tensor, p: float, dim: int, keepdim: bool = False) -> Tensor:
    """||x||_p along ``dim``: (sum |x|^p)^(1/p) for p > 0, max |x| for p = inf, the count of
    non-zero entries for p = 0 (gradient 0). The gradient at a zero vector is 0."""
    if p == 0:  # 1 where x != 0, else x * 0 = 0: the count, with a zero gradient that still reaches x
        return ops.sum(ops.where(x != 0, 1.0, x * 0.0), dim, keepdim)
    return linalg_norms.vector_norm(x, p, dim, keepdim)


def clamped_value(x: Tensor, low: float) -> Tensor:
    """max(x, low) in value, with the gradient of x itself (1 everywhere): PyTorch clamps a norm in
    cosine_similarity, and a variance in gaussian_nll_loss, this way (in place, under no_grad).
    x - x.detach() is exactly 0 and carries x's gradient."""
    return ops.where(x < low, x - x.detach() + low, x)


def _norm_order(name: str, p: Any) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not p >= 0:
        raise ValueError(f"{name}: p must be a non-negative number (or inf), got {p!r}")
    return float(p)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,  # noqa: A002 - PyTorch's names
              out: Any = None) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``, as ``torch.nn.functional.normalize``. Where the norm is
    below eps the divisor is the constant eps (gradient 1 / eps, as PyTorch's)."""
    name = "normalize"
    if out is not None:
        raise NotImplementedError(f"{name}: out= is not supported by minigan; use the returned tensor")
    x = float_tensor(name, "input", input)
    norm = vector_norm(x, _norm_order(name, p), wrap_dim(dim, x.ndim), keepdim=True)
    return x / ops.clamp(norm, min=eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along ``dim``, the inputs broadcast
    against each other, as ``torch.nn.functional.cosine_similarity`` (PyTorch 2.x): each norm is
    clamped at eps on its own, in value only (the gradient is that of the unclamped norm)."""
    name = "cosine_similarity"
    a, b = float_tensor(name, "x1", x1), float_tensor(name, "x2", x2)
    if a.shape != b.shape:
        _check_broadcast(name, a, b)
        shape = tuple(np.broadcast_shapes(a.shape, b.shape))
        a, b = ops.broadcast_to(a, shape), ops.broadcast_to(b, shape)
    axis = wrap_dim(dim, a.ndim)
    unit_a = a / clamped_value(vector_norm(a, 2.0, axis, keepdim=True), eps)
    unit_b = b / clamped_value(vector_norm(b, 2.0, axis, keepdim=True), eps)
    return ops.sum(unit_a * unit_b, axis)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p along the last dimension, the inputs broadcast, as
    ``torch.nn.functional.pairwise_distance`` (eps is added to each difference)."""
    name = "pairwise_distance"
    a, b = float_tensor(name, "x1", x1), float_tensor(name, "x2", x2)
    if a.shape != b.shape:
        _check_broadcast(name, a, b)
    difference = a - b + eps
    return vector_norm(difference, _norm_order(name, p), difference.ndim - 1 if difference.ndim else 0, keepdim)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distance between each row of x1 (B..., P, M) and each row of x2 (B..., R, M):
    (B..., P, R), the batch dimensions broadcast, as ``torch.cdist``. Computed from the differences
    (B..., P, R, M), so exact to rounding and 0 with gradient 0 for equal rows; PyTorch's matrix
    product form for p = 2 (its ``compute_mode``) is not used, so values may differ from PyTorch's
    in the last bits there."""
    name = "cdist"
    if compute_mode not in ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                            "donot_use_mm_for_euclid_dist"):
        raise ValueError(f"{name}: {compute_mode} is not a valid value for compute_mode")
    a, b = float_tensor(name, "x1", x1), float_tensor(name, "x2", x2)
    for what, t in (("X1", a), ("X2", b)):
        if t.ndim < 2:
            raise ShapeError(f"{name} only supports at least 2D tensors, {what} got: {t.ndim}D")
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"{name}: X1 and X2 must have the same number of columns. X1: {a.shape[-1]} "
                         f"X2: {b.shape[-1]}")
    order = _norm_order(name, p)
    rows, cols = a.unsqueeze(-2), b.unsqueeze(-3)  # (B..., P, 1, M) and (B..., 1, R, M)
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ShapeError(f"{name}: the batch dimensions {a.shape[:-2]} and {b.shape[:-2]} do not broadcast") from None
    difference = rows - cols
    return vector_norm(difference, order, difference.ndim - 1)


class CosineSimilarity(Module):
    """sum(x1 x2) / (max(||x1||, eps) max(||x2||, eps)) along ``dim``: module form of :func:`cosine_similarity`."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, eps={self.eps}"


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p along the last dimension: module form of :func:`pairwise_distance`."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)

    def extra_repr(self) -> str:
        return f"p={self.norm}, eps={self.eps}, keepdim={self.keepdim}"


__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "cdist", "vector_norm", "clamped_value",
           "float_tensor", "CosineSimilarity", "PairwiseDistance"]
