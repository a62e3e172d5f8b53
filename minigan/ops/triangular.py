"""Solves with triangular matrices as PyTorch's ``linalg.solve_triangular(A, B, *, upper, left=True,
unitriangular=False)``, ``torch.cholesky_solve(B, L, upper=False)`` and the deprecated
``torch.triangular_solve(b, A, upper=True, transpose=False, unitriangular=False)``, batched and broadcast.

Both are built from ``tril``/``triu``, ``where`` and ``Solve``: the triangle that is read is masked
out of A (its diagonal replaced by ones with unitriangular), so the gradient lands on that triangle
alone, as PyTorch's, and second derivatives come from those ops. NumPy has no triangular solver, so
the masked matrix is solved by LU: O(n^3) rather than O(n^2), and a zero on the diagonal raises
LinAlgError where PyTorch returns inf or NaN."""
from __future__ import annotations

import warnings
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.arguments import tensor_argument
from ..autograd.legacy import scalar_type_name
from .linalg import LinAlgError, Solve, _mT, floating, square_matrices
from .elementwise import where
from .operands import broadcast_pair, not_implemented_for
from .reorder import tril, triu
from ..torch_api.out_argument import takes_out

#: What ``torch.triangular_solve`` returns: ``.solution``, ``.cloned_coefficient``.
TriangularSolveResult = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])

# PyTorch's words, its missing space ("solve_triangularand") included.
_TRIANGULAR_SOLVE_DEPRECATED = (
    "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be removed in a future "
    "PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed and does not return a copy of one of "
    "the inputs.\nX = torch.triangular_solve(B, A).solution\nshould be replaced with\nX = "
    "torch.linalg.solve_triangular(A, B).")


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



@takes_out
def triangular_solve(input: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,  # noqa: A002
                     unitriangular: bool = False) -> TriangularSolveResult:
    """The deprecated ``torch.triangular_solve(b, A)`` (and ``b.triangular_solve(A)``), with PyTorch's
    warning: (solution, cloned_coefficient), X with op(A) X = b, op(A) = A or (``transpose``) A^T, A read as
    ``linalg.solve_triangular`` reads it (its upper or lower triangle; ones on the diagonal with
    ``unitriangular``); b and A broadcast over their batch dimensions, and cloned_coefficient is A
    broadcast to that batch shape, copied (every element of it, not only the triangle)."""
    name = "triangular_solve"
    b = tensor_argument(name, "input", 1, input)
    A = tensor_argument(name, "A", 2, A)
    for what, tensor in (("b", b), ("A", A)):
        if tensor.ndim < 2:
            raise RuntimeError(f"torch.triangular_solve: Expected {what} to have at least 2 dimensions, but it has "
                               f"{tensor.ndim} dimensions instead")
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {scalar_type_name(b.dtype)} "
                           f"and A of type {scalar_type_name(A.dtype)} instead.")
    n = A.shape[-1]
    if A.shape[-2] != n:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} by {n} matrices")
    if b.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for triangular_solve: each A matrix is {n} by {n} but each b "
                           f"matrix is {b.shape[-2]} by {b.shape[-1]}")
    batch = broadcast_pair(b.shape[:-2], A.shape[:-2])
    warnings.warn(_TRIANGULAR_SOLVE_DEPRECATED, UserWarning, stacklevel=3)
    if A.dtype.kind != "f" or A.dtype == np.float16:
        raise not_implemented_for(name, A)
    T = _triangle(A, upper, unitriangular)
    solution = _solve(name, _mT(T) if transpose else T, b)
    return TriangularSolveResult(solution, A.expand(*batch, n, n).clone())  # Solve broadcasts the batches
