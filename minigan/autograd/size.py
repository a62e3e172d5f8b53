"""``Size``: what ``x.size()`` returns, a tuple of ints as PyTorch's ``torch.Size``."""
from __future__ import annotations

import math
import operator
from typing import Any, Iterable

__all__ = ["Size"]


class Size(tuple):
    """A shape: a tuple of non-negative ints (``Size([2, 3])`` or ``Size((2, 3))``) that also
    counts its elements (``numel()``); slices and sums of Sizes are Sizes."""

    def __new__(cls, sizes: Iterable[Any] = ()) -> "Size":
        try:
            dims = tuple(operator.index(size) for size in sizes)
        except TypeError:
            raise TypeError(f"Size takes a sequence of ints, got {sizes!r}") from None
        if any(size < 0 for size in dims):
            raise ValueError(f"Size: sizes must be non-negative, got {list(dims)}")
        return super().__new__(cls, dims)

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds (1 for the empty shape)."""
        return math.prod(self)

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other: Any) -> "Size":
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: Any) -> "Size":
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __repr__(self) -> str:
        return f"Size({list(self)})"
