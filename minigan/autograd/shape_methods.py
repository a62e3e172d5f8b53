"""Tensor's shape and structure methods from PyTorch that minigan builds from its other ops:
``tensor_split``, ``hsplit``/``vsplit``/``dsplit``, ``tile``, ``repeat_interleave``, ``unflatten``,
``ravel``, ``select``, ``narrow_copy``, ``rot90``, ``fliplr``/``flipud``, ``diff``, ``take``,
``take_along_dim``, ``diagonal``, ``diag_embed``, ``diagflat`` and ``trace``. Each forwards to the
function of the same name in minigan/ops/shape_stacks.py, shape_more.py or shape_picks.py; Tensor
(minigan/autograd/tensor.py) takes these methods as a base class."""
from __future__ import annotations

from typing import Any

from .ops_on_first_use import OpsOnFirstUse

ops = OpsOnFirstUse(globals())


class ShapeMethods:
    """The shape and structure methods of Tensor; each returns new Tensors, recorded like any op."""

    __slots__ = ()

    def tensor_split(self, indices_or_sections: Any = None, dim: int = 0, *, indices: Any = None,
                     sections: Any = None) -> tuple[Any, ...]:
        return ops.shape_stacks.tensor_split(self, indices_or_sections, dim, indices=indices, sections=sections)

    def hsplit(self, indices_or_sections: Any = None, *, indices: Any = None, sections: Any = None) -> tuple[Any, ...]:
        return ops.shape_stacks.hsplit(self, indices_or_sections, indices=indices, sections=sections)

    def vsplit(self, indices_or_sections: Any = None, *, indices: Any = None, sections: Any = None) -> tuple[Any, ...]:
        return ops.shape_stacks.vsplit(self, indices_or_sections, indices=indices, sections=sections)

    def dsplit(self, indices_or_sections: Any = None, *, indices: Any = None, sections: Any = None) -> tuple[Any, ...]:
        return ops.shape_stacks.dsplit(self, indices_or_sections, indices=indices, sections=sections)

    def tile(self, *dims: Any, **keyword: Any) -> Any:
        """``tile(2, 3)``, ``tile((2, 3))`` or ``tile(dims=(2, 3))``."""
        if keyword.keys() == {"dims"} and not dims:
            return ops.shape_more.tile(self, keyword["dims"])
        if keyword:
            raise TypeError(f"tile() got an unexpected keyword argument '{next(iter(keyword))}'")
        return ops.shape_more.tile(self, dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims)

    def repeat_interleave(self, repeats: Any, dim: int | None = None, *, output_size: int | None = None) -> Any:
        return ops.shape_more.repeat_interleave(self, repeats, dim, output_size=output_size)

    def unflatten(self, dim: int, sizes: Any) -> Any:
        return ops.shape_more.unflatten(self, dim, sizes)

    def ravel(self) -> Any:
        return ops.shape_more.ravel(self)

    def select(self, dim: int, index: Any) -> Any:
        return ops.shape_more.select(self, dim, index)

    def narrow_copy(self, dim: int, start: Any, length: int) -> Any:
        return ops.shape_more.narrow_copy(self, dim, start, length)

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> Any:
        return ops.shape_more.rot90(self, k, dims)

    def fliplr(self) -> Any:
        return ops.shape_more.fliplr(self)

    def flipud(self) -> Any:
        return ops.shape_more.flipud(self)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Any:
        return ops.shape_picks.diff(self, n, dim, prepend, append)

    def take(self, index: Any) -> Any:
        return ops.shape_picks.take(self, index)

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Any:
        return ops.shape_picks.take_along_dim(self, indices, dim)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
        return ops.shape_picks.diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Any:
        return ops.shape_picks.diag_embed(self, offset, dim1, dim2)

    def diagflat(self, offset: int = 0) -> Any:
        return ops.shape_picks.diagflat(self, offset)

    def trace(self) -> Any:
        """The sum of the main diagonal of a matrix, as ``torch.Tensor.trace`` (``minigan.trace``
        is minigan's backward-pass log, minigan/autograd/tracing.py)."""
        return ops.shape_picks.trace(self)
