"""``torch.svd_lowrank(A, q=6, niter=2, M=None)`` and ``torch.pca_lowrank(A, q=None, center=True, niter=2)``:
a truncated SVD by a randomised range finder (Halko, Martinsson and Tropp 2009, algorithms 4.4 and 5.1).
Q, an orthonormal basis of the range of A Omega for a Gaussian Omega (n x q), refined by ``niter`` subspace
iterations (QR after each product with A^T and A), then the exact SVD of the small Q^T A: A ~ (Q U_B) S V^T.
A wide A is handled as its transpose. All of it is matmul, qr and svd, so the gradients (of every order) are
theirs; they need q at most A's rank, or the small SVD has zero singular values to divide by.

Omega is drawn from minigan's generator (``minigan.manual_seed`` fixes it), so the results are not PyTorch's
numbers; where A has rank at most q they are A's exact SVD, up to the signs of the singular vectors."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.legacy import c_type_name, scalar_type_name
from ..backends import backend_of
from ..torch_api.generators import default_generator
from .arithmetic import matmul
from .linalg import _mT, floating
from .operands import _constant
from .qr import qr
from .svd import svd


def _validated(name: str, A: Any) -> Tensor:
    A = A if isinstance(A, Tensor) else as_tensor(A)
    if A.ndim < 2:
        raise ValueError(f"{name}: A must be a matrix or a batch of matrices, but it has {A.ndim} dimension(s) "
                         f"(not enough values to unpack (expected 2, got {A.ndim}))")
    return A


def svd_lowrank(A: Tensor, q: int | None = 6, niter: int | None = 2, M: Tensor | None = None) -> tuple:
    """(U, S, V) with A - M ~ U diag(S) V^T (M zero when not given; it broadcasts to A): U (*, m, k),
    S (*, k) descending, V (*, n, k), k = min(q, m, n). ``q`` is a slight overestimate of A's rank,
    ``niter`` the number of subspace iterations (none when it is below 1)."""
    name = "svd_lowrank"
    A = _validated(name, A)
    q = 6 if q is None else q
    niter = 2 if niter is None else niter
    if isinstance(q, builtins.bool) or not isinstance(q, (int, np.integer)):
        raise TypeError(f"{name}(): argument 'q' must be int, not {type(q).__name__}")
    floating(name, A)
    if A.dtype == np.float16:
        raise NotImplementedError("\"geqrf_cpu\" not implemented for 'Half'")
    m, n = A.shape[-2:]
    if q < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {q}: [{min(m, n)}, {q}]")
    if M is not None:
        M = M if isinstance(M, Tensor) else as_tensor(M)
        if M.dtype != A.dtype:
            m_name = c_type_name(M.dtype) if M.dtype.kind == "f" else scalar_type_name(M.dtype)
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {m_name} != {c_type_name(A.dtype)}")
        if M.ndim > A.ndim or any(d not in (1, t) for d, t in zip(M.shape[::-1], A.shape[::-1])):
            raise RuntimeError(f"{name}: M of shape {list(M.shape)} does not broadcast to A's shape {list(A.shape)}")
        A = A - M
    wide = m < n
    if wide:
        A = _mT(A)
    omega = default_generator().standard_normal(A.shape[:-2] + (A.shape[-1], int(q)), dtype=A.dtype)
    basis = _basis(matmul(A, _constant(backend_of(A.array).asarray(omega))))
    for _ in range(niter):
        basis = _basis(matmul(A, _basis(matmul(_mT(A), basis))))
    U, S, Vh = svd(matmul(_mT(basis), A), full_matrices=False)
    U, V = matmul(basis, U), _mT(Vh)
    return (V, S, U) if wide else (U, S, V)


def _basis(x: Tensor) -> Tensor:
    """The Q of x = Q R (reduced)."""
    return qr(x).Q


def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True, niter: int = 2) -> tuple:
    """(U, S, V) of svd_lowrank for A with its column means taken off (``center``), so the columns of V are
    the principal directions and S**2 / (m - 1) their variances; q defaults to min(6, m, n)."""
    A = _validated("pca_lowrank", A)
    m, n = A.shape[-2:]
    q = min(6, m, n) if q is None else q
    if not (0 <= q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if center:
        if A.dtype.kind != "f":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                               f"complex dtype. Got: {scalar_type_name(A.dtype)}")
        A = A - A.mean(dim=-2, keepdim=True)
    return svd_lowrank(A, q, niter=niter)


__all__ = ["svd_lowrank", "pca_lowrank"]
