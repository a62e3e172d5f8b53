"""More of ``torch.linalg``, built wholly from other ops, so their gradients and second derivatives are
those ops': ``inv_ex`` (inverse, info), ``tensorinv(A, ind=2)``, ``tensorsolve(A, B, dims=None)``,
``vander(x, N=None)`` and ``householder_product(A, tau)``; and what ``linalg.solve_ex`` shares with
``inv_ex``: LAPACK's getrf info of each matrix (the 1-based column of U's first zero pivot) and NaN in
the results of the singular ones (PyTorch leaves LAPACK's inf or partial work there)."""
from __future__ import annotations

import builtins
import math
from collections import namedtuple
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from .arithmetic import matmul
from .elementwise import where
from .linalg import LinAlgError, _mT, inv, solve, square_matrices
from .lu import pivot_rows
from .operands import _constant, not_implemented_for
from .reorder import tril
from .shape import stack
from ..torch_api.out_argument import takes_out

#: What ``linalg.inv_ex`` returns, as ``torch.return_types.linalg_inv_ex``: ``.inverse``, ``.info``.
InvExResult = namedtuple("linalg_inv_ex", ["inverse", "info"])


def singular_info(A: Tensor) -> np.ndarray:
    """LAPACK's getrf info for each matrix of A (int32, A's batch shape): 0, or the 1-based column of the
    first zero on U's diagonal."""
    return pivot_rows(A)[2]


def singular_error(name: str, what: str, info: np.ndarray) -> LinAlgError:
    """PyTorch's error for the first singular matrix: "(Batch element k): " when A is batched."""
    first = int(np.argwhere(info.reshape(-1) > 0)[0, 0])
    batch = f"(Batch element {first}): " if info.ndim else ""
    return LinAlgError(f"{name}: {batch}{what.format(int(info.reshape(-1)[first]))}")


def without_singular(A: Tensor, info: np.ndarray) -> tuple[Tensor, Any]:
    """(A with its singular matrices replaced by I, the mask of those matrices as (*batch, 1, 1))."""
    mask = (info > 0).reshape(info.shape + (1, 1))
    if not mask.any():
        return A, None
    return where(mask, _constant(backend_of(A.array).asarray(np.eye(A.shape[-1], dtype=A.dtype))), A), mask


def nan_where(mask: Any, result: Tensor, trailing: int) -> Tensor:
    """``result`` with NaN in what the singular matrices gave (mask of their batch, ``trailing`` dims after)."""
    if mask is None:
        return result
    return where(mask.reshape(mask.shape[:-2] + (1,) * trailing), float("nan"), result)


def info_tensor(info: np.ndarray, like: Tensor) -> Tensor:
    return _constant(backend_of(like.array).asarray(info))


@takes_out
def inv_ex(A: Tensor, *, check_errors: bool = False) -> InvExResult:
    """(inverse, info): info (int32, one per matrix) is 0, or the 1-based column of the first zero pivot of
    a singular matrix, whose inverse is NaN. ``check_errors`` raises for a singular matrix instead."""
    name = "linalg.inv_ex"
    A = square_matrices(name, A)
    info = singular_info(A)
    if check_errors and info.any():
        raise singular_error(name, "The diagonal element {} is zero, the inversion could not be completed because "
                                   "the input matrix is singular.", info)
    safe, mask = without_singular(A, info)
    return InvExResult(nan_where(mask, inv(safe), 2), info_tensor(info, A))


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, builtins.bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be int, not {type(value).__name__}")
    return int(value)


@takes_out
def tensorinv(A: Tensor, ind: int = 2) -> Tensor:
    """X with tensordot(A, X, ind) the identity: A's first ``ind`` dims against the rest, reshaped to a
    square matrix and inverted; X has the shape A.shape[ind:] + A.shape[:ind]."""
    A = A if isinstance(A, Tensor) else as_tensor(A)
    ind = _positive_int(ind, "tensorinv(): argument 'ind'")
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, columns = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != columns:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), "
                           f"but got {columns} != {rows}")
    return inv(A.reshape(rows, columns)).reshape(*A.shape[ind:], *A.shape[:ind])


@takes_out
def tensorsolve(A: Tensor, B: Tensor, dims: Sequence[int] | None = None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B: the dims ``dims`` of A moved to its end first; then A's first
    B.ndim dims must match B and hold as many elements as the rest, X's shape."""
    A = A if isinstance(A, Tensor) else as_tensor(A)
    B = B if isinstance(B, Tensor) else as_tensor(B)
    if dims is not None:
        moved = [d % A.ndim for d in dims]
        A = A.permute(*[d for d in range(A.ndim) if d not in moved], *moved)
    rest = A.shape[B.ndim:]
    rows, columns = math.prod(A.shape[:B.ndim]), math.prod(rest)
    if rows != columns:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {columns} != {rows}")
    if A.shape[:B.ndim] != B.shape:
        raise RuntimeError(f"linalg.tensorsolve: B's shape {list(B.shape)} must be A's first {B.ndim} dimensions "
                           f"{list(A.shape[:B.ndim])}")
    return solve(A.reshape(rows, columns), B.reshape(rows)).reshape(*rest)


def vander(x: Tensor, N: int | None = None) -> Tensor:
    """The Vandermonde matrix of x's last dimension: column j is x^j, j = 0..N-1 (increasing, unlike
    NumPy's default); N defaults to x's length. Integer tensors stay integer, as PyTorch's."""
    x = x if isinstance(x, Tensor) else as_tensor(x)
    if x.dtype == np.bool_:
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, but got Bool")
    N = (x.shape[-1] if x.ndim else 1) if N is None else _positive_int(N, "vander(): argument 'N'")
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    columns = [_constant(backend_of(x.array).xp.ones(x.shape, dtype=x.array.dtype, device=x.array.device)), x]
    while len(columns) < N:
        columns.append(columns[-1] * x)
    return stack(columns, -1)


@takes_out
def householder_product(A: Tensor, tau: Tensor) -> Tensor:  # noqa: A002 - PyTorch's names
    """The first n columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^T with v_i = (0..0, 1, A[i+1:, i]): the
    Q of a QR factorisation stored as LAPACK's geqrf stores it (A m x n, m >= n >= k, tau (*, k))."""
    name = "torch.linalg.householder_product"
    A = A if isinstance(A, Tensor) else as_tensor(A)
    tau = tau if isinstance(tau, Tensor) else as_tensor(tau)
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if tau.ndim < 1:
        raise RuntimeError(f"{name}: tau must have at least 1 dimension.")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if n < tau.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tau.shape[:-1] != A.shape[:-2]:
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{name}: tau dtype {scalar_type_name(tau.dtype)} does not match input dtype "
                           f"{scalar_type_name(A.dtype)}")
    if A.dtype.kind != "f" or A.dtype == np.float16:
        raise not_implemented_for("orgqr", A)  # PyTorch's: '"orgqr_cpu" not implemented for 'Long''
    vectors = where(np.eye(m, n, dtype=bool), 1.0, tril(A, -1))
    q = _constant(backend_of(A.array).asarray(np.eye(m, n, dtype=A.dtype)))
    for i in reversed(range(tau.shape[-1])):  # H_1 (H_2 (... (H_k I[:, :n])))
        v = vectors[..., :, i:i + 1]
        q = q - tau[..., i:i + 1].unsqueeze(-1) * matmul(v, matmul(_mT(v), q))
    return q
