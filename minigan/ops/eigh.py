"""The symmetric eigendecomposition as PyTorch's ``linalg.eigh(A, UPLO='L')`` and
``linalg.eigvalsh(A, UPLO='L')``: A = V diag(w) V^T with the eigenvalues w ascending and V orthogonal,
read off A's lower triangle (its upper one with UPLO='U'), batched. Each eigenvector's sign is
LAPACK's choice, as in PyTorch.

``Eigh`` factors A once and gives w and V stacked, [w; V] ((n + 1) x n: w is the first row), which
``eigh`` and ``eigvalsh`` slice apart: one LAPACK call per eigh, and one backward for both factors,
written with Eigh's output, so second derivatives record. The eigenvectors' gradient divides by
w_j - w_i, so it needs distinct eigenvalues, as PyTorch's (repeated ones give inf or NaN); where V
gets no gradient (eigvalsh) that term is left out, so the eigenvalues' gradient does not. Both are the
symmetric matrices PyTorch gives."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from .arithmetic import matmul
from .elementwise import where
from .linalg import LinAlgError, _mT, square_matrices
from .operands import _any_nonzero, _xp
from ..torch_api.out_argument import takes_out

#: What ``linalg.eigh`` returns, as ``torch.return_types.linalg_eigh``: ``.eigenvalues``, ``.eigenvectors``.
EighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])


def _reciprocal_gaps(w: Tensor) -> Tensor:
    """F_ij = 1 / (w_j - w_i) off the diagonal, 0 on it."""
    apart = w.unsqueeze(-2) - w.unsqueeze(-1)  # [i, j] = w_j - w_i
    diagonal = np.eye(w.shape[-1], dtype=bool)
    return where(diagonal, 0.0, 1.0 / where(diagonal, 1.0, apart))


class Eigh(Function):
    """f = [w; V] of A = V diag(w) V^T (A symmetric, read off its lower triangle; w ascending, the
    first row);  with gw, gV the two blocks of the gradient and F_ij = 1/(w_j - w_i) off the diagonal,
    0 on it, dL/dA = V diag(gw) V^T  +  V (F o (V^T gV - gV^T V) / 2) V^T, symmetric."""

    saved_inputs = ()  # backward reads w and V off the output
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        xp = _xp(a)
        try:
            values, vectors = xp.linalg.eigh(a)
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.eigh: The algorithm failed to converge because the input matrix is "
                              "ill-conditioned or has too many repeated eigenvalues") from None
        return xp.concat([values[..., None, :], vectors], axis=-2)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        values, vectors = _split(ctx.output)
        grad_values, grad_vectors = _split(grad)
        inner = grad_values.unsqueeze(-2)  # diag(gw), as a row that scales V's columns
        grad_a = matmul(vectors * inner, _mT(vectors))
        if _any_nonzero(grad_vectors):  # V unused (eigvalsh): no division by the gaps
            projected = matmul(_mT(vectors), grad_vectors)
            inner = _reciprocal_gaps(values) * (projected - _mT(projected)) * 0.5
            grad_a = grad_a + matmul(matmul(vectors, inner), _mT(vectors))
        return (exactly_symmetric(grad_a),)


def _split(stacked: Tensor) -> tuple[Tensor, Tensor]:
    """w and V (or their gradients) out of Eigh's [w; V]."""
    return stacked[..., 0, :], stacked[..., 1:, :]


def exactly_symmetric(m: Tensor) -> Tensor:
    """(m + m^T) / 2: a matrix symmetric up to rounding made symmetric to the last bit."""
    return (m + _mT(m)) * 0.5


def _lower_source(name: str, A: Any, UPLO: str) -> Tensor:
    """A, or A^T for UPLO='U' (A^T's lower triangle is A's upper one)."""
    A = square_matrices(name, A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _mT(A) if UPLO == "U" else A


@takes_out
def eigh(A: Tensor, UPLO: str = "L") -> EighResult:  # noqa: N803 - PyTorch's argument name
    """(eigenvalues, eigenvectors) of each symmetric matrix in A, the eigenvalues ascending, the
    eigenvectors the columns of an orthogonal matrix."""
    source = _lower_source("linalg.eigh", A, UPLO)
    return EighResult(*_split(Eigh.apply(source)))


@takes_out
def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of each symmetric matrix in A, ascending."""
    return _split(Eigh.apply(_lower_source("linalg.eigvalsh", A, UPLO)))[0]
