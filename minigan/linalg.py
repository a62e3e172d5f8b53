"""``torch.linalg`` as ``minigan.linalg`` (``import minigan.linalg as LA``, or ``minigan.linalg.inv``):
inv, det, slogdet, solve, svd, svdvals, qr, cholesky, cholesky_ex, eigh, eigvalsh, solve_triangular,
lstsq, pinv, matrix_rank, matrix_power, multi_dot, vecdot, diagonal, cond, vector_norm, matrix_norm,
norm, cross, matmul, lu_factor, lu_factor_ex, lu, lu_solve, matrix_exp, inv_ex, solve_ex, tensorinv,
tensorsolve, vander and householder_product, batched over leading dimensions, with their gradients
(minigan/ops/linalg.py, svd.py, qr.py, cholesky.py, eigh.py, triangular.py, pinv.py,
linalg_compositions.py, linalg_norms.py, lu.py, matrix_exp.py, linalg_extras.py); and ldl_factor,
ldl_factor_ex and ldl_solve, without gradients as in PyTorch (minigan/ops/ldl.py). A singular matrix, or
one that is not positive-definite for cholesky, raises :class:`LinAlgError`, a RuntimeError, as
PyTorch's. The functions minigan lacks (eig, eigvals: complex results) say so in one line."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

from .autograd import Tensor, as_tensor
from .ops.arithmetic import matmul
from .ops.cholesky import cholesky, cholesky_ex
from .ops.eigh import eigh, eigvalsh
from .ops.linalg import LinAlgError, det, inv, slogdet, solve as _solve, square_matrices
from .ops.linalg_compositions import cond, diagonal, matrix_power, multi_dot, vecdot
from .ops.linalg_extras import (
    householder_product, info_tensor, inv_ex, nan_where, singular_error, singular_info, tensorinv, tensorsolve, vander,
    without_singular,
)
from .ops.linalg_norms import matrix_norm, norm, vector_norm
from .ops.ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .ops.lu import lu, lu_factor, lu_factor_ex, lu_solve
from .ops.matrix_exp import matrix_exp
from .ops.pinv import lstsq, matrix_rank, pinv
from .ops.products import cross as _cross
from .ops.qr import qr
from .ops.svd import svd, svdvals
from .ops.triangular import solve_triangular
from .torch_api.unsupported import LINALG as _UNSUPPORTED, module_getattr as _module_getattr
from .torch_api.out_argument import takes_out

__all__ = ["LinAlgError", "inv", "det", "slogdet", "solve", "svd", "svdvals", "qr", "cholesky", "cholesky_ex", "eigh",
           "eigvalsh", "solve_triangular", "lstsq", "pinv", "matrix_rank", "matrix_power", "multi_dot", "vecdot",
           "diagonal", "cond", "vector_norm", "matrix_norm", "norm", "cross", "matmul", "lu_factor", "lu_factor_ex", "lu",
           "lu_solve", "matrix_exp", "inv_ex", "solve_ex", "tensorinv", "tensorsolve", "vander", "householder_product", "ldl_factor",
           "ldl_factor_ex", "ldl_solve"]

#: What ``solve_ex`` returns, as ``torch.return_types.linalg_solve_ex``: ``.result``, ``.info``.
SolveExResult = namedtuple("linalg_solve_ex", ["result", "info"])


@takes_out
def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:  # noqa: A002
    """The cross product of 3-vectors along ``dim`` (the last by default, unlike torch.cross's)."""
    return _cross(input, other, dim)


@takes_out
def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B, or X A = B with ``left=False`` (solved as A^T X^T = B^T), batched and broadcast.
    B is one vector per system when it is 1-D, or when it has one dimension less than A and A's batch
    shape before its last size (PyTorch's rule)."""
    if left:
        return _solve(A, B)
    A = A if isinstance(A, Tensor) else as_tensor(A)
    B = B if isinstance(B, Tensor) else as_tensor(B)
    if B.ndim < 2:
        raise RuntimeError("linalg.solve: with left=False, B must be a batch of matrices (X A = B)")
    return _solve(A.transpose(-1, -2), B.transpose(-1, -2)).transpose(-1, -2)


@takes_out
def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False) -> SolveExResult:
    """(result, info) of ``solve``: info (int32, one per matrix of A) is 0, or the 1-based column of the first
    zero pivot of a singular matrix, whose solution is NaN. ``check_errors`` raises for one instead."""
    name = "torch.linalg.solve_ex"
    A = square_matrices(name, A)
    info = singular_info(A)
    if check_errors and info.any():
        raise singular_error(name, "The solver failed because the input matrix is singular.", info)
    B = B if isinstance(B, Tensor) else as_tensor(B)
    safe, mask = without_singular(A, info)
    vector = B.ndim == 1 or (left and B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    return SolveExResult(nan_where(mask, solve(safe, B, left=left), 1 if vector else 2), info_tensor(info, A))


__getattr__: Any = _module_getattr(__name__, "torch.linalg", _UNSUPPORTED)
