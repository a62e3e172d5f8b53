"""``torch.linalg`` as ``minigan.linalg`` (``import minigan.linalg as LA``, or ``minigan.linalg.inv``):
inv, det, slogdet, solve, svd, svdvals, qr, cholesky, cholesky_ex, eigh, eigvalsh, solve_triangular,
lstsq, pinv, matrix_rank, matrix_power, multi_dot, vecdot, diagonal, cond, vector_norm, matrix_norm,
norm, cross and matmul, batched over leading dimensions, with their gradients (minigan/ops/linalg.py,
svd.py, qr.py, cholesky.py, eigh.py, triangular.py, pinv.py, linalg_compositions.py, linalg_norms.py).
A singular matrix, or one that is not positive-definite for cholesky, raises :class:`LinAlgError`, a
RuntimeError, as PyTorch's. The functions minigan lacks (eig, lu, matrix_exp...) say so in one line."""
from __future__ import annotations

from typing import Any

from .autograd import Tensor, as_tensor
from .ops.arithmetic import matmul
from .ops.cholesky import cholesky, cholesky_ex
from .ops.eigh import eigh, eigvalsh
from .ops.linalg import LinAlgError, det, inv, slogdet, solve as _solve
from .ops.linalg_compositions import cond, diagonal, matrix_power, multi_dot, vecdot
from .ops.linalg_norms import matrix_norm, norm, vector_norm
from .ops.pinv import lstsq, matrix_rank, pinv
from .ops.products import cross as _cross
from .ops.qr import qr
from .ops.svd import svd, svdvals
from .ops.triangular import solve_triangular
from .torch_api.unsupported import LINALG as _UNSUPPORTED, module_getattr as _module_getattr

__all__ = ["LinAlgError", "inv", "det", "slogdet", "solve", "svd", "svdvals", "qr", "cholesky", "cholesky_ex", "eigh",
           "eigvalsh", "solve_triangular", "lstsq", "pinv", "matrix_rank", "matrix_power", "multi_dot", "vecdot",
           "diagonal", "cond", "vector_norm", "matrix_norm", "norm", "cross", "matmul"]


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:  # noqa: A002
    """The cross product of 3-vectors along ``dim`` (the last by default, unlike torch.cross's)."""
    return _cross(input, other, dim)


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


__getattr__: Any = _module_getattr(__name__, "torch.linalg", _UNSUPPORTED)
