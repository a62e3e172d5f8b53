"""Tensor's reduction and statistics methods that PyTorch has (``x.nansum()``, ``x.quantile(q)``,
``x.cummax(dim)``, ``x.cov()``...). Each forwards to the function of the same name in
minigan/ops/reductions_more.py, running_extremes.py, quantiles.py or counting.py; Tensor
(minigan/autograd/tensor.py) takes these methods as a base class."""
from __future__ import annotations

from typing import Any

from .ops_on_first_use import OpsOnFirstUse


class StatisticsMethods:
    """The reduction and statistics methods of Tensor."""

    __slots__ = ()

    def count_nonzero(self, dim: Any = None) -> Any:
        return ops.reductions_more.count_nonzero(self, dim)

    def nansum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
        return ops.reductions_more.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
        return ops.reductions_more.nanmean(self, dim, keepdim, dtype=dtype)

    def aminmax(self, *, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.reductions_more.aminmax(self, dim=dim, keepdim=keepdim)

    def dist(self, other: Any, p: float = 2) -> Any:
        return ops.reductions_more.dist(self, other, p)

    def inner(self, other: Any) -> Any:
        return ops.reductions_more.inner(self, other)

    def cov(self, *, correction: int = 1, fweights: Any = None, aweights: Any = None) -> Any:
        return ops.reductions_more.cov(self, correction=correction, fweights=fweights, aweights=aweights)

    def corrcoef(self) -> Any:
        return ops.reductions_more.corrcoef(self)

    def cummax(self, dim: int) -> Any:
        return ops.running_extremes.cummax(self, dim)

    def cummin(self, dim: int) -> Any:
        return ops.running_extremes.cummin(self, dim)

    def logcumsumexp(self, dim: int) -> Any:
        return ops.running_extremes.logcumsumexp(self, dim)

    def msort(self) -> Any:
        return ops.running_extremes.msort(self)

    def quantile(self, q: Any, dim: Any = None, keepdim: bool = False, *, interpolation: str = "linear") -> Any:
        return ops.quantiles.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q: Any, dim: Any = None, keepdim: bool = False, *, interpolation: str = "linear") -> Any:
        return ops.quantiles.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def bincount(self, weights: Any = None, minlength: int = 0) -> Any:
        return ops.counting.bincount(self, weights, minlength)

    def argwhere(self) -> Any:
        return ops.counting.argwhere(self)

    def nonzero_static(self, *, size: int, fill_value: int = -1) -> Any:
        return ops.counting.nonzero_static(self, size=size, fill_value=fill_value)


ops: Any = OpsOnFirstUse(globals())
