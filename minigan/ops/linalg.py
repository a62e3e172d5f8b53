"""Square-matrix linear algebra as PyTorch's ``torch.linalg``: ``inv``, ``det``, ``slogdet``,
``logdet`` and ``solve``, batched over leading dimensions. Forward is the array namespace's
``linalg`` (LAPACK under NumPy); each backward is written with these same ops, so second
derivatives record. A singular matrix raises :class:`LinAlgError` (a RuntimeError, as PyTorch's
``torch.linalg.LinAlgError``)."""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Callable

import numpy as np

from ..autograd import Tensor, as_tensor, unbroadcast
from ..autograd.function import Context, Function
from ..autograd.legacy import scalar_type_name
from .arithmetic import matmul
from .elementwise import where
from .operands import _xp
from ..torch_api.out_argument import takes_out

#: What ``slogdet`` returns, as ``torch.return_types.linalg_slogdet``: ``.sign``, ``.logabsdet``.
SlogdetResult = namedtuple("linalg_slogdet", ["sign", "logabsdet"])


class LinAlgError(RuntimeError):
    """A matrix that the operation cannot take (singular for inv and solve), as torch.linalg.LinAlgError."""


def _mT(x: Tensor) -> Tensor:
    """The last two dimensions swapped (PyTorch's ``x.mT``)."""
    return x.transpose(-1, -2)


def _lapack(name: str, call: Callable[[], Any]) -> Any:
    """Run a factorisation; a singular matrix becomes PyTorch's error kind with one clear line."""
    try:
        return call()
    except np.linalg.LinAlgError:
        raise LinAlgError(f"{name}: The input matrix is singular, so the operation could not be completed "
                          "(a singular matrix has no inverse)") from None


def matrices(name: str, a: Any, square: bool = False,
             too_few: str = "The input tensor A must have at least 2 dimensions.") -> Tensor:
    """``a`` as a Tensor of float matrices (batched; ``square`` ones), or PyTorch's error; ``too_few``
    is what PyTorch says of fewer than 2 dimensions, which differs between functions ({shape} for the shape)."""
    a = a if isinstance(a, Tensor) else as_tensor(a)
    if a.ndim < 2:
        raise RuntimeError(f"{name}: " + too_few.format(shape=list(a.shape)))
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")
    floating(name, a)
    return a


def square_matrices(name: str, a: Any) -> Tensor:
    """``a`` as a Tensor of float square matrices (batched), or PyTorch's error."""
    return matrices(name, a, square=True)


def floating(name: str, a: Tensor) -> None:
    if a.dtype.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {scalar_type_name(a.dtype)}")


class Inv(Function):
    """f = A^-1;  dL/dA = -f^T g f^T (from d(A^-1) = -A^-1 dA A^-1)."""

    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _lapack("linalg.inv", lambda: _xp(a).linalg.inv(a))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        inverse_t = _mT(ctx.output)
        return (-matmul(matmul(inverse_t, grad), inverse_t),)


class Det(Function):
    """f = det A;  df/dA = f A^-T (Jacobi's formula; A must be invertible for the gradient)."""

    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).linalg.det(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        scale = (grad * ctx.output).unsqueeze(-1).unsqueeze(-1)
        return (scale * _mT(inv(a)),)


class Slogdet(Function):
    """f = [sign det A, log |det A|] (the last axis; one LAPACK call gives both, which slogdet slices
    apart);  the sign is constant, d log|det A| / dA = A^-T."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        xp = _xp(a)
        return xp.stack(xp.linalg.slogdet(a), axis=-1)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        return (grad[..., 1].unsqueeze(-1).unsqueeze(-1) * _mT(inv(a)),)


class Solve(Function):
    """f = X = A^-1 B (A X = B, B a batch of matrices);  dL/dB = A^-T g, dL/dA = -(A^-T g) X^T."""

    saves_output = True

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        return _lapack("torch.linalg.solve", lambda: _xp(a).linalg.solve(a, b))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_b = Solve.apply(_mT(a), grad)
        grad_a = unbroadcast(-matmul(grad_b, _mT(ctx.output)), a.shape) if ctx.needs_input_grad[0] else None
        return grad_a, unbroadcast(grad_b, b.shape) if ctx.needs_input_grad[1] else None


@takes_out
def inv(A: Tensor) -> Tensor:
    """The inverse of each square matrix in A (LinAlgError where one is singular)."""
    return Inv.apply(square_matrices("linalg.inv", A))


@takes_out
def det(A: Tensor) -> Tensor:
    """The determinant of each square matrix in A."""
    return Det.apply(square_matrices("linalg.det", A))


@takes_out
def slogdet(A: Tensor) -> SlogdetResult:
    """(sign, logabsdet): det A = sign * exp(logabsdet); a singular matrix gives (0, -inf). The sign
    has no gradient."""
    A = square_matrices("linalg.slogdet", A)
    both = Slogdet.apply(A)
    return SlogdetResult(Tensor._make(_xp(A.array).asarray(both.array[..., 0], copy=True), False, None), both[..., 1])


def logdet(input: Tensor) -> Tensor:  # noqa: A002
    """log det A: NaN where det A < 0, -inf where it is 0."""
    sign, logabsdet = slogdet(square_matrices("logdet", input))
    return where(sign < 0, float("nan"), logabsdet)


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B (batched and broadcast). B is one vector per system when it is 1-D, or when it
    has one dimension less than A and A's batch shape before its last size (PyTorch's rule)."""
    if not left:
        raise RuntimeError("linalg.solve: left=False (X A = B) is not supported by minigan; solve A^T X^T = B^T")
    A = square_matrices("linalg.solve", A)
    B = B if isinstance(B, Tensor) else as_tensor(B)
    floating("linalg.solve", B)
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type {A.dtype} "
                           f"and B of type {B.dtype} instead")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    columns = B.unsqueeze(-1) if vector else B
    if columns.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({A.shape[-2]}x{A.shape[-1]} and {columns.shape[-2]}x{columns.shape[-1]})")
    try:
        np.broadcast_shapes(A.shape[:-2], columns.shape[:-2])
    except ValueError:
        raise RuntimeError(f"linalg.solve: the batch dimensions of A {A.shape[:-2]} and B {columns.shape[:-2]} "
                           "do not broadcast") from None
    X = Solve.apply(A, columns)
    return X.squeeze(-1) if vector else X
