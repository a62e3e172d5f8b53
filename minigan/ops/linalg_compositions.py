"""The functions of ``torch.linalg`` built wholly from other ops, so their gradients and second
derivatives are those ops': ``matrix_power`` (squarings; a negative power through ``inv``),
``multi_dot``, ``vecdot``, ``diagonal`` and ``cond`` (the singular values for p None or +-2, else
norm(A) norm(A^-1))."""
from __future__ import annotations

import builtins
import math
import numbers
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.arguments import wrap_dim
from ..backends import backend_of
from . import reductions
from .arithmetic import matmul
from .einsum import einsum
from .elementwise import where
from .linalg import LinAlgError, floating, inv, square_matrices
from .linalg_norms import matrix_norm
from .operands import _constant
from .shape import stack
from .svd import svdvals
from ..torch_api.out_argument import takes_out


@takes_out
def matrix_power(A: Tensor, n: int) -> Tensor:
    """A^n for an integer n by repeated squaring: the identity for n = 0, (A^-1)^|n| for n < 0."""
    if isinstance(n, builtins.bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"linalg.matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    A = A if isinstance(A, Tensor) else as_tensor(A)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if n == 0:  # the identity, with a zero gradient when A requires one, as PyTorch's
        eye = backend_of(A.array).asarray(np.eye(A.shape[-1], dtype=A.array.dtype))
        return where(np.ones(A.shape, dtype=bool), _constant(eye), A)
    base = inv(square_matrices("linalg.matrix_power", A)) if n < 0 else A
    result, n = None, abs(builtins.int(n))
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


@takes_out
def multi_dot(tensors: Sequence[Tensor]) -> Tensor:
    """The product of the matrices in order; the first may be a row vector and the last a column
    vector (1-D), which are dropped from the result's shape."""
    tensors = [t if isinstance(t, Tensor) else as_tensor(t) for t in tensors]
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    last = len(tensors) - 1
    for i, t in enumerate(tensors):
        if i in (0, last) and t.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): the {'first' if i == 0 else 'last'} tensor must be 1D or 2D but got "
                               f"{t.ndim}D")
        if 0 < i < last and t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is {tensors[0].dtype} "
                               f"and tensor {i} {t.dtype}")
    matrices = list(tensors)
    if tensors[0].ndim == 1:
        matrices[0] = tensors[0].unsqueeze(0)
    if tensors[last].ndim == 1:
        matrices[last] = tensors[last].unsqueeze(-1)
    for i in range(last):
        if matrices[i].shape[1] != matrices[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(matrices[i].shape)} and "
                               f"{list(matrices[i + 1].shape)} cannot be multiplied")
    product = matrices[0]
    for matrix in matrices[1:]:
        product = matmul(product, matrix)
    if tensors[0].ndim == 1:
        product = product.squeeze(0)
    return product.squeeze(-1) if tensors[last].ndim == 1 else product


@takes_out
def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product of x and y along ``dim`` (the other dimensions broadcast)."""
    x = x if isinstance(x, Tensor) else as_tensor(x)
    y = y if isinstance(y, Tensor) else as_tensor(y)
    floating("linalg.vecdot", x)
    return reductions.sum(x * y, dim)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal ``offset`` (> 0 above the main one, < 0 below) of the matrices over dims (dim1,
    dim2), as a last dimension after the others."""
    A = A if isinstance(A, Tensor) else as_tensor(A)
    first, second = wrap_dim(dim1, A.ndim), wrap_dim(dim2, A.ndim)
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    others = [d for d in range(A.ndim) if d not in (first, second)]
    moved = A.permute(*others, first, second)
    shifted = moved[..., :, offset:] if offset >= 0 else moved[..., -offset:, :]
    length = min(shifted.shape[-2:])
    if length == 0:  # an empty diagonal, after the other dimensions
        return moved.sum(-1)[..., :0]
    return einsum("...ii->...i", shifted[..., :length, :length])


_NORM_ORDS = ("fro", "nuc", 1, -1, math.inf, -math.inf)


@takes_out
def cond(A: Tensor, p: Any = None) -> Tensor:
    """The condition number: the largest over the smallest singular value for p None or 2 (any
    shape), the reverse for -2; norm(A, p) norm(A^-1, p) for 'fro', 'nuc', +-1, +-inf (square A;
    LinAlgError where it is singular, where PyTorch gives inf)."""
    A = A if isinstance(A, Tensor) else as_tensor(A)
    if p is None or (not isinstance(p, (str, builtins.bool)) and p in (2, -2)):
        if A.ndim < 2:
            raise RuntimeError("linalg.cond: The input tensor A must have at least 2 dimensions.")
        s = svdvals(A)
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    if isinstance(p, builtins.bool) or p not in _NORM_ORDS:
        raise ValueError(f"linalg.cond got an invalid norm type: {p}")
    A = square_matrices(f"linalg.cond(ord={p})", A)
    try:
        return matrix_norm(A, p) * matrix_norm(inv(A), p)
    except LinAlgError:  # some matrix is singular: inf for it, as PyTorch's
        flat = A.reshape(-1, *A.shape[-2:])
        return stack([_norm_cond(flat[i], p) for i in range(flat.shape[0])]).reshape(A.shape[:-2])


def _norm_cond(A: Tensor, p: Any) -> Tensor:
    try:
        return matrix_norm(A, p) * matrix_norm(inv(A), p)
    except LinAlgError:
        return _constant(backend_of(A.array).xp.asarray(math.inf, dtype=A.array.dtype))
