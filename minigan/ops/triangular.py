"""Solves with triangular matrices as PyTorch's ``linalg.solve_triangular(A, B, *, upper, left=True,
unitriangular=False)`` and ``torch.cholesky_solve(B, L, upper=False)``, batched and broadcast.

Both are built from ``tril``/``triu``, ``where`` and ``Solve``: the triangle that is read is masked
out of A (its diagonal replaced by ones with unitriangular), so the gradient lands on that triangle
alone, as PyTorch's, and second derivatives come from those ops. NumPy has no triangular solver, so
the masked matrix is solved by LU: O(n^3) rather than O(n^2), and a zero on the diagonal raises
LinAlgError where PyTorch returns inf or NaN."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from .linalg import LinAlgError, Solve, _mT, floating, square_matrices
from .elementwise import where
from .reorder import tril, triu
from ..torch_api.out_argument import takes_out


def _triangle(A: Tensor, upper: bool, unitriangular: bool) -> Tensor:
    if not unitriangular:
        return triu(A) if upper else tril(A)
    strict = triu(A, 1) if upper else tril(A, -1)
    return where(np.eye(A.shape[-1], dtype=bool), 1.0, strict)


def _right_hand_side(name: str, A: Tensor, B: Any, too_few: str) -> tuple[Tensor, Tensor]:
    """(A, B) in one float dtype (the wider of the two, as PyTorch promotes), B a batch of matrices."""
    B = B if isinstance(B, Tensor) else as_tensor(B)
    if B.ndim < 2:
        raise RuntimeError(too_few.format(B.ndim))
    floating(name, B)
    try:
        np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{name}: the batch dimensions of A {A.shape[:-2]} and B {B.shape[:-2]} do not broadcast"
                           ) from None
    dtype = np.promote_types(A.dtype, B.dtype)
    return A.to(dtype), B.to(dtype)


def _solve(name: str, T: Tensor, B: Tensor) -> Tensor:
    if B.shape[-2] != T.shape[-1]:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation AX = B ({T.shape[-2]}x{T.shape[-1]} "
                           f"and {B.shape[-2]}x{B.shape[-1]})")
    try:
        return Solve.apply(T, B)
    except LinAlgError:
        raise LinAlgError(f"{name}: the triangular matrix has a zero on its diagonal, so the system has no unique "
                          "solution (PyTorch returns inf or NaN there)") from None


@takes_out
def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False) -> Tensor:
    """X with A X = B (X A = B with ``left=False``), reading only A's upper (``upper=True``) or lower
    triangle, and taking its diagonal as ones with ``unitriangular``. B is a batch of matrices."""
    name = "linalg.solve_triangular"
    A = square_matrices(name, A)
    A, B = _right_hand_side(name, A, B, f"{name}: The input tensor B must have at least 2 dimensions.")
    T = _triangle(A, upper, unitriangular)
    return _solve(name, T, B) if left else _mT(_solve(name, _mT(T), _mT(B)))


@takes_out
def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:  # noqa: A002 - PyTorch's names
    """``torch.cholesky_solve(B, L)``: X with A X = B, given A's Cholesky factor L (lower, A = L L^T; or
    U, upper, A = U^T U, with ``upper``); two triangular solves. The gradient reaches only the
    factor's triangle, the part that is read (PyTorch's also gives the other triangle a value)."""
    name = "cholesky_solve"
    factor = square_matrices(name, input2)
    factor, B = _right_hand_side(name, factor, input, "b should have at least 2 dimensions, but has {} dimensions instead")
    lower = _mT(triu(factor)) if upper else tril(factor)
    return _solve(name, _mT(lower), _solve(name, lower, B))
