"""The Cholesky factorisation as PyTorch's ``linalg.cholesky(A, upper=False)`` and
``linalg.cholesky_ex(A, upper=False, check_errors=False)``: A = L L^T with L lower triangular and a
positive diagonal, for a symmetric positive-definite A, batched. Only A's lower triangle is read (its
upper one with upper=True, which gives U = L^T), and the gradient is the symmetric matrix PyTorch
gives. A matrix that is not positive-definite raises LinAlgError naming the order of its first
leading minor that is not, as PyTorch's; ``cholesky_ex`` returns that order as ``info`` instead."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .arithmetic import matmul
from .eigh import exactly_symmetric
from .linalg import LinAlgError, Solve, _mT, square_matrices
from .operands import _xp
from .reorder import tril
from ..torch_api.out_argument import takes_out

#: What ``linalg.cholesky_ex`` returns, as ``torch.return_types.linalg_cholesky_ex``: ``.L``, ``.info``.
CholeskyExResult = namedtuple("linalg_cholesky_ex", ["L", "info"])


def _positive_definite(xp: Any, a: Any) -> bool:
    try:
        xp.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        return False
    return True


def _first_failing_minor(xp: Any, a: Any) -> int:
    """0 for a positive-definite matrix, else the order of its first leading minor that is not (a
    bisection: a minor of a positive-definite minor is positive-definite)."""
    good, bad = 0, a.shape[-1]
    if _positive_definite(xp, a):
        return 0
    while bad - good > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if _positive_definite(xp, a[:middle, :middle]) else (good, middle)
    return bad


def failing_minors(a: Any) -> np.ndarray:
    """LAPACK's info for each matrix of the batch ``a``: 0 where it factors, else the order of the first
    leading minor that is not positive-definite (int32, of a's batch shape). One batched factorisation
    when every matrix factors; one bisection per matrix otherwise."""
    xp = _xp(a)
    n = a.shape[-1]
    if _positive_definite(xp, a):
        return np.zeros(a.shape[:-2], dtype=np.int32)
    flat = xp.reshape(a, (-1, n, n))
    orders = [_first_failing_minor(xp, flat[i, ...]) for i in range(flat.shape[0])]
    return np.asarray(orders, dtype=np.int32).reshape(a.shape[:-2])


def _not_positive_definite(name: str, info: np.ndarray) -> LinAlgError:
    where = np.argwhere(info.reshape(-1) > 0)[0, 0]
    batch = f"(Batch element {where}): " if info.ndim else ""
    return LinAlgError(f"{name}: {batch}The factorization could not be completed because the input is not "
                       f"positive-definite (the leading minor of order {info.reshape(-1)[where]} is not "
                       "positive-definite).")


class Cholesky(Function):
    """f = L with A = L L^T (L lower triangular, read off A's lower triangle);  with S = copyltu(L^T g) / 2
    (its lower triangle mirrored upward), dL/dA = L^-T S L^-1, symmetric (from L^-1 dA L^-T =
    L^-1 dL + (L^-1 dL)^T, where L^-1 dL is lower triangular)."""

    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, check_errors: bool) -> Any:
        xp = _xp(a)
        try:
            return xp.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            info = failing_minors(a)
        if check_errors:
            raise _not_positive_definite("linalg.cholesky", info)
        # cholesky_ex of a matrix that does not factor: PyTorch leaves LAPACK's partial work there; minigan
        # gives NaN in those matrices, so that nothing downstream mistakes them for a factor
        n = a.shape[-1]
        flat = xp.reshape(a, (-1, n, n))
        factors = [xp.linalg.cholesky(flat[i, ...]) if order == 0 else xp.full((n, n), float("nan"), dtype=a.dtype)
                   for i, order in enumerate(info.reshape(-1))]
        return xp.reshape(xp.stack(factors), a.shape)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        factor = ctx.output
        inner = matmul(_mT(factor), grad)
        half = (tril(inner) + _mT(tril(inner, -1))) * 0.5
        left = Solve.apply(_mT(factor), half)  # L^-T S
        return (exactly_symmetric(_mT(Solve.apply(_mT(factor), _mT(left)))),)  # (L^-T S) L^-1 = (L^-T (L^-T S)^T)^T


@takes_out
def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """L with A = L L^T, from A's lower triangle; U = L^T with A = U^T U, from A's upper one, with
    ``upper``. LinAlgError where a matrix is not positive-definite."""
    A = square_matrices("linalg.cholesky", A)
    return _mT(Cholesky.apply(_mT(A), check_errors=True)) if upper else Cholesky.apply(A, check_errors=True)


@takes_out
def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False) -> CholeskyExResult:
    """(L, info): info (int32, one per matrix) is 0 where the matrix factors, else the order of its first
    leading minor that is not positive-definite, and that matrix's L is NaN. ``check_errors`` raises
    instead, as ``cholesky``."""
    A = square_matrices("linalg.cholesky_ex", A)
    source = _mT(A) if upper else A
    info = failing_minors(source.array)
    if check_errors and info.any():
        raise _not_positive_definite("linalg.cholesky_ex", info)
    factor = Cholesky.apply(source, check_errors=False)
    info_tensor = Tensor._make(backend_of(A.array).asarray(info), False, None)
    return CholeskyExResult(_mT(factor) if upper else factor, info_tensor)
