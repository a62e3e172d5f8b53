"""Tensor's methods for ordering, running totals, picking and masking (``x.sort()``, ``x.cumsum(dim)``,
``x.flip(dims)``, ``x.masked_fill(mask, v)``...) and the random ``x.bernoulli()`` and ``x.multinomial(n)``.
Each forwards to the function of the same name (minigan/ops/sorting.py, cumulative.py, reorder.py,
minigan/torch_api/random_draws.py); Tensor (minigan/autograd/tensor.py) takes them as a base class."""
from __future__ import annotations

from typing import Any

from .grad_mode import no_grad
from .ops_on_first_use import OpsOnFirstUse


class ArrayMethods:
    """Tensor's sort, argsort, topk, cumsum, cumprod, logsumexp, flip, roll, tril, triu, diag, outer,
    index_select, nonzero, lerp, masked_fill(_), bernoulli and multinomial."""

    __slots__ = ()

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return ops.sorting.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return ops.sorting.argsort(self, dim, descending, stable)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        return ops.sorting.topk(self, k, dim, largest, sorted)

    def cumsum(self, dim: int, *, dtype: Any = None) -> Any:
        return ops.cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim: int, *, dtype: Any = None) -> Any:
        return ops.cumprod(self, dim, dtype=dtype)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> Any:
        return ops.logsumexp(self, dim, keepdim)

    def flip(self, *dims: Any) -> Any:
        return ops.flip(self, dims[0] if len(dims) == 1 else dims)

    def roll(self, shifts: Any, dims: Any = None) -> Any:
        return ops.roll(self, shifts, dims)

    def tril(self, diagonal: int = 0) -> Any:
        return ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Any:
        return ops.triu(self, diagonal)

    def diag(self, diagonal: int = 0) -> Any:
        return ops.diag(self, diagonal)

    def outer(self, vec2: Any) -> Any:
        return ops.outer(self, vec2)

    def index_select(self, dim: int, index: Any) -> Any:
        return ops.index_select(self, dim, index)

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        return ops.nonzero(self, as_tuple=as_tuple)

    def lerp(self, end: Any, weight: Any) -> Any:
        return ops.lerp(self, end, weight)

    def masked_fill(self, mask: Any, value: Any) -> Any:
        return ops.masked_fill(self, mask, value)

    def masked_fill_(self, mask: Any, value: Any) -> Any:
        """In place, under the rules of the other in-place methods (minigan/autograd/inplace.py): the
        mask must broadcast to this tensor's shape."""
        self._begin_inplace("masked_fill_", value)
        with no_grad():
            filled = ops.masked_fill(self.detach(), mask, value)
        if filled.shape != self.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(filled.shape)}")
        return self._write("masked_fill_", filled)

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> Any:
        from ..torch_api.random_draws import bernoulli  # noqa: PLC0415 - the draws sit above Tensor

        return bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator: Any = None) -> Any:
        from ..torch_api.random_draws import multinomial  # noqa: PLC0415

        return multinomial(self, num_samples, replacement, generator=generator)


ops: Any = OpsOnFirstUse(globals())
