"""The matrix exponential as PyTorch's ``linalg.matrix_exp(A)`` (and ``torch.matrix_exp``, ``x.matrix_exp()``),
batched: exp(A) = I + A + A^2/2! + ..., by scaling and squaring with a diagonal Pade approximant (Higham,
"The scaling and squaring method for the matrix exponential revisited", 2005): the approximant of degree
3, 5, 7 or 9 where the 1-norm is small enough for float64's unit roundoff, else A / 2^s with degree 13,
squared s times. float32 is computed in float64 and rounded.

The gradient is the exact derivative: the Frechet derivative of exp at A^T in the direction g, the
top-right block of exp([[A^T, g], [0, A^T]]); that block matrix goes through ``MatrixExp`` itself, so
second derivatives record."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .linalg import _mT, square_matrices
from .operands import _constant
from .shape import concatenate

# The largest 1-norm at which each degree's approximant is exact to float64's unit roundoff (Higham 2005, Table 2.3).
_THETA = ((3, 1.495585217958292e-2), (5, 2.539398330063230e-1), (7, 9.504178996162932e-1),
          (9, 2.097847961257068e0), (13, 5.371920351148152e0))


def pade_coefficients(m: int) -> list[float]:
    """c_j = (2m - j)! m! / ((2m)! j! (m - j)!), j = 0..m: p(x) = sum c_j x^j, and exp(x) ~ p(x) / p(-x)."""
    f = math.factorial
    return [f(2 * m - j) * f(m) / (f(2 * m) * f(j) * f(m - j)) for j in range(m + 1)]


def _pade(a: np.ndarray, m: int) -> np.ndarray:
    """r_m(a) = q(a)^-1 p(a), with p(a) = V + U (V the even powers' sum, U the odd) and q(a) = V - U."""
    c = pade_coefficients(m)
    identity = np.eye(a.shape[-1])
    square = a @ a
    powers = [identity, square]  # a^0, a^2, a^4...
    while len(powers) <= m // 2:
        powers.append(powers[-1] @ square)
    even = sum(c[2 * i] * powers[i] for i in range(m // 2 + 1))
    odd = a @ sum(c[2 * i + 1] * powers[i] for i in range(m // 2 + 1))
    return np.linalg.solve(even - odd, even + odd)


def expm(a: np.ndarray) -> np.ndarray:
    """exp(a) of one float64 NumPy matrix."""
    norm = np.abs(a).sum(axis=0).max() if a.size else 0.0
    for m, theta in _THETA[:-1]:
        if norm <= theta:
            return _pade(a, m)
    theta13 = _THETA[-1][1]
    s = max(0, math.ceil(math.log2(norm / theta13))) if np.isfinite(norm) else 0
    result = _pade(a / 2.0 ** s, 13)
    for _ in range(s):
        result = result @ result
    return result


class MatrixExp(Function):
    """f = exp(A) = sum_k A^k / k!;  dL/dA = the top-right block of exp([[A^T, g], [0, A^T]]) (the Frechet
    derivative of exp at A^T in the direction g)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        backend = backend_of(a)
        host = backend.to_numpy(a)
        n = host.shape[-1]
        flat = host.reshape((math.prod(host.shape[:-2]), n, n)).astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):  # a huge A overflows to inf, as PyTorch's
            out = np.stack([expm(matrix) for matrix in flat]) if flat.shape[0] else flat
        return backend.asarray(out.reshape(host.shape).astype(host.dtype))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        n = a.shape[-1]
        transposed = _mT(a)
        zeros = _constant(backend_of(a.array).xp.zeros(a.shape, dtype=a.array.dtype, device=a.array.device))
        block = concatenate([concatenate([transposed, grad], -1), concatenate([zeros, transposed], -1)], -2)
        return (MatrixExp.apply(block)[..., :n, n:],)


def matrix_exp(A: Tensor) -> Tensor:
    """exp(A) for each square matrix of A (float32 or float64)."""
    return MatrixExp.apply(square_matrices("linalg.matrix_exp", A))
