"""PyTorch's older linear-algebra names at the top level (``torch.matrix_power``, ``pinverse``,
``cholesky_inverse``, ``nuclear_norm``, ``frobenius_norm``, ``renorm``, ``vander``), each composed from
``torch.linalg``'s functions (minigan/ops/linalg_compositions.py, pinv.py, linalg.py, linalg_norms.py),
so their gradients are those ops'. (``torch.cholesky``, ``qr``, ``solve``, ``lstsq``, ``symeig``,
``eig`` and ``matrix_rank``, removed from PyTorch, are named in minigan/torch_api/unsupported.py.)"""
from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import wrap_dim
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of, to_numpy
from .arithmetic import matmul
from .elementwise import cast, where
from .linalg import LinAlgError, inv, matrices
from .linalg_compositions import matrix_power as _matrix_power
from .linalg_norms import matrix_norm, vector_norm
from .elementwise_more import tensors_only
from .operands import _constant, not_implemented_for
from .pinv import pinv
from .reorder import tril, triu
from .shape import stack
from ..torch_api.out_argument import takes_out

def matrix_power(input: Tensor, n: int) -> Tensor:  # noqa: A002
    """input^n for square matrices (batched): torch.linalg.matrix_power. Integer matrices take n >= 0."""
    tensors_only("matrix_power", input=input)
    A = input
    if isinstance(n, builtins.bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    if n < 0 and A.ndim >= 2 and A.shape[-1] == A.shape[-2] and A.dtype.kind != "f":
        raise RuntimeError(f"linalg.inv: Expected a floating point or complex tensor as input. Got "
                           f"{scalar_type_name(A.dtype)}")
    return _matrix_power(A, n)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:  # noqa: A002
    """The pseudo-inverse of each matrix, singular values below rcond times the largest taken as 0
    (torch.linalg.pinv with rtol=rcond)."""
    tensors_only("pinverse", input=input)
    A = input
    if A.ndim < 2 or A.dtype.kind != "f":
        raise RuntimeError(f"linalg.pinv({scalar_type_name(A.dtype)}{{{list(A.shape)}}}): expected a tensor with 2 or "
                           "more dimensions of float, double, cfloat or cdouble types")
    return pinv(A, rtol=rcond)


@takes_out
def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:  # noqa: N803 - PyTorch's name
    """(L L^T)^-1 from a lower-triangular Cholesky factor L (U^T U with ``upper=True``), batched; only
    L's triangle is read. Its gradient is PyTorch's for a triangular L: that of (L L^T)^-1 with
    respect to every element of L. A zero on the diagonal raises PyTorch's LinAlgError."""
    name = "cholesky_inverse"
    tensors_only(name, input=L)
    if L.dtype.kind != "f":
        raise not_implemented_for("cholesky_inverse_out", L)
    L = matrices(name, L, square=True)
    diagonal = to_numpy(L.array).diagonal(axis1=-2, axis2=-1)
    for batch, row in enumerate(diagonal.reshape(-1, L.shape[-1]) if diagonal.size else ()):
        zeros = np.flatnonzero(row == 0)
        if zeros.size:
            where_ = f"(Batch element {batch}): " if L.ndim > 2 else ""
            raise LinAlgError(f"{name}: {where_}The diagonal element {zeros[0] + 1} is zero, the inversion could "
                              "not be completed because the input matrix is singular.")
    triangle = (triu if upper else tril)(L)
    factor = L - (L - triangle).detach()  # the triangle's values; every element's gradient passes through
    inverse = inv(factor)
    if upper:
        return matmul(inverse, inverse.transpose(-1, -2))
    return matmul(inverse.transpose(-1, -2), inverse)


@takes_out
def nuclear_norm(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The sum of the singular values of the matrices over ``dim`` (a 2-tuple; the last two dimensions
    when None): linalg.matrix_norm(input, 'nuc', dim, keepdim). ``nuclear_norm(x, True)`` is keepdim."""
    if isinstance(dim, builtins.bool):
        dim, keepdim = None, dim
    tensors_only("nuclear_norm", input=input)
    x = input
    return matrix_norm(x, "nuc", dim=(-2, -1) if dim is None else dim, keepdim=keepdim)


def frobenius_norm(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The 2-norm of the elements over ``dim`` (one or two dimensions): linalg.vector_norm(input, 2,
    dim, keepdim); float tensors only, as PyTorch's."""
    tensors_only("frobenius_norm", input=input)
    x = input
    dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    if len(dims) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dims)} dimensions instead.")
    if x.dtype.kind != "f":
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{scalar_type_name(x.dtype)} instead.")
    return vector_norm(x, 2, dim=dims if dims else None, keepdim=keepdim)


@takes_out
def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:  # noqa: A002
    """Each slice input.select(dim, i) whose p-norm exceeds maxnorm scaled to norm maxnorm (by
    maxnorm / (norm + 1e-7), as PyTorch's); the others kept. The gradient flows through the norm too."""
    tensors_only("renorm", input=input)
    x = input
    if x.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {x.ndim} dimensions")
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    dim = wrap_dim(dim, x.ndim)
    others = tuple(d for d in range(x.ndim) if d != dim)
    norms = vector_norm(x, p, dim=others, keepdim=True)
    return x * where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803 - PyTorch's name
    """The Vandermonde matrix of a 1-D tensor, torch.vander's way (NumPy's): column j is x^(N-1-j),
    or x^j with ``increasing=True``; N defaults to len(x). Integer and bool tensors give int64.
    (torch.linalg.vander is always increasing and takes batches.)"""
    tensors_only("vander", x=x)
    x = x
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    N = x.shape[0] if N is None else N
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if x.dtype.kind != "f":
        x = cast(x, np.int64)
    xp, array = backend_of(x.array).xp, x.array
    if N == 0:
        return _constant(xp.zeros((x.shape[0], 0), dtype=array.dtype, device=array.device))
    columns = [_constant(xp.ones(x.shape, dtype=array.dtype, device=array.device))]
    while len(columns) < N:
        columns.append(x if len(columns) == 1 else columns[-1] * x)
    return stack(columns if increasing else columns[::-1], 1)
