"""The norms of ``torch.linalg``: ``vector_norm`` (any ord, over any dims), ``matrix_norm`` ('fro',
'nuc', 1, -1, 2, -2, inf, -inf over two dims) and ``norm``, which picks one of them as PyTorch's
does. Each is built from reductions and, for 'nuc' and +-2, the singular values, so the gradients
are theirs, except at the zero vector, where a p-norm's gradient is 0, as PyTorch's (see positive_root)."""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.arguments import wrap_dim
from . import reductions
from .elementwise import abs as _abs, where
from .linalg import floating
from .svd import svdvals
from ..torch_api.out_argument import takes_out


def _float_input(name: str, x: Any, dtype: Any) -> Tensor:
    x = x if isinstance(x, Tensor) else as_tensor(x)
    floating(name, x)
    return x if dtype is None else x.to(dtype)


def positive_root(s: Tensor, p: float) -> Tensor:
    """s^(1/p) for s >= 0, with gradient 0 (not NaN) where s = 0: sqrt's slope is infinite there, so
    the plain chain rule would give 0 * inf; 0 is PyTorch's subgradient of a norm at the zero vector.
    A NaN s (a NaN among the elements) gives NaN, as PyTorch's norms do."""
    zero = s == 0
    safe = where(zero, 1.0, s)
    root = safe.sqrt() if p == 2 else safe ** (1.0 / p)
    return where(zero, 0.0, root)


def _refuse_empty_norm(shape: tuple[int, ...], ord: Any, dim: Any) -> None:  # noqa: A002
    """PyTorch's errors for a norm with no identity (ord inf or below 0) over no elements."""
    empty = reductions.empty_reduction_dim(shape, dim)
    if empty == ():
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty tensor because the "
                           "operation does not have an identity")
    if empty is not None:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on the dimension "
                           f"{empty}because this dimension is empty and the operation does not have an identity")


@takes_out
def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """(sum |x|^ord)^(1/ord) over ``dim`` (all elements when None); ord inf / -inf: the largest /
    smallest |x|; ord 0: the number of nonzero elements (no gradient)."""
    x = _float_input("linalg.vector_norm", x, dtype)
    if isinstance(dim, (list, tuple)) and not dim:
        dim = None
    keepdim = builtins.bool(keepdim)
    if x.array.size == 0 and (ord == math.inf or isinstance(ord, (builtins.int, builtins.float)) and ord < 0):
        _refuse_empty_norm(x.shape, ord, dim)
    magnitude = _abs(x)
    if ord == math.inf:
        return reductions.max(magnitude, dim, keepdim)
    if ord == -math.inf:
        return reductions.min(magnitude, dim, keepdim)
    if ord == 0:
        return Tensor._make(reductions.sum(x != 0, dim, keepdim).to(x.dtype).array, False, None)
    if ord == 2:
        return positive_root(reductions.sum(x * x, dim, keepdim), 2)
    if ord == 1:
        return reductions.sum(magnitude, dim, keepdim)
    if isinstance(ord, builtins.bool) or not isinstance(ord, (builtins.int, builtins.float)):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    if ord > 0:
        return positive_root(reductions.sum(magnitude ** ord, dim, keepdim), ord)
    with np.errstate(divide="ignore"):  # a zero makes |x|^ord inf and the norm 0, as PyTorch's
        return reductions.sum(magnitude ** ord, dim, keepdim) ** (1.0 / ord)


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


@takes_out
def matrix_norm(A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,  # noqa: A002
                dtype: Any = None) -> Tensor:
    """The matrix norm over the two dims ``dim`` (rows, columns): 'fro' sqrt(sum a^2), 'nuc' the sum of
    the singular values, 2 / -2 the largest / smallest singular value, 1 / -1 the largest / smallest
    column sum of |a|, inf / -inf the largest / smallest row sum of |a|."""
    A = _float_input("linalg.matrix_norm", A, dtype)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if ord not in _MATRIX_ORDS or isinstance(ord, builtins.bool):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    rows, cols = (wrap_dim(d, A.ndim) for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (rows, cols), keepdim)
    others = [d for d in range(A.ndim) if d not in (rows, cols)]
    moved = A.permute(*others, rows, cols)  # (..., rows, cols)
    if ord in ("nuc", 2, -2):
        s = svdvals(moved)
        result = s.sum(axis=-1) if ord == "nuc" else reductions.max(s, -1) if ord == 2 else reductions.min(s, -1)
    else:
        inner, outer = (-2, -1) if ord in (1, -1) else (-1, -2)  # 1: sum down each column, then over columns
        sums = reductions.sum(_abs(moved), inner, True)
        pick = reductions.max if ord > 0 else reductions.min
        result = pick(sums, outer, True).reshape(moved.shape[:-2])
    if keepdim:
        for d in sorted((rows, cols)):
            result = result.unsqueeze(d)
    return result


@takes_out
def norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """``linalg.norm``: a vector norm over one dim (or all elements when ``ord`` and ``dim`` are None),
    a matrix norm over two dims (or of a 2-D input given ``ord`` and no ``dim``)."""
    A = _float_input("linalg.norm", A, dtype)
    if isinstance(dim, builtins.int) or (isinstance(dim, (tuple, list)) and len(dim) == 1):
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim)
    if dim is not None:
        return matrix_norm(A, "fro" if ord is None else ord, tuple(dim), keepdim)
    if ord is None:
        return vector_norm(A, 2, None, keepdim)
    if A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    return vector_norm(A, ord, None, keepdim) if A.ndim == 1 else matrix_norm(A, ord, (-2, -1), keepdim)
