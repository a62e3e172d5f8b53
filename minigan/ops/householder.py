"""PyTorch's LAPACK-shaped QR forms: ``torch.geqrf(A)`` (a, tau), the compact QR; ``torch.orgqr(A, tau)``,
its Q (``torch.linalg.householder_product``); and ``torch.ormqr(A, tau, C, left=True, transpose=False)``,
C multiplied by that Q without forming it. Batched over leading dimensions.

A QR factorisation stored as LAPACK's geqrf stores it: R on and above the diagonal of ``a``, and below it
the Householder vectors, v_i = (0..0, 1, a[i+1:, i]) (the 1 on the diagonal is implicit), so that
Q = H_1 H_2 ... H_k with H_i = I - tau_i v_i v_i^T. geqrf is LAPACK's own (NumPy's ``qr(mode='raw')``), so
its signs are PyTorch's; it has no derivative, as in PyTorch. ormqr applies the reflectors one by one with
matmul, so its gradients (to A's vectors, tau and C) and second derivatives are those ops'."""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import no_dimensions, tensor_argument
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of, to_numpy
from .arithmetic import matmul
from .elementwise import where
from .linalg import _mT
from .linalg_extras import householder_product
from .no_derivative import without_derivative
from .operands import _constant, not_implemented_for
from .reorder import tril
from ..torch_api.out_argument import takes_out

#: What ``torch.geqrf`` returns: ``.a`` (R and the Householder vectors), ``.tau``.
GeqrfResult = namedtuple("geqrf", ["a", "tau"])


def _lapack_dtype(name: str, tensor: Tensor) -> None:
    """PyTorch's NotImplementedError for a dtype its LAPACK kernels lack (integers, bool, float16)."""
    if tensor.dtype.kind != "f" or tensor.dtype == np.float16:
        raise not_implemented_for(name, tensor)


@takes_out
def geqrf(input: Tensor) -> GeqrfResult:  # noqa: A002 - PyTorch's name
    """(a, tau), LAPACK's geqrf of each matrix (m x n): R (min(m, n) x n) on and above a's diagonal,
    the Householder vectors below it, and their scales tau (*, min(m, n)); Q = orgqr(a, tau). A backward
    pass that reaches geqrf raises PyTorch's NotImplementedError: it has no derivative."""
    A = tensor_argument("geqrf", "input", 1, input)
    if A.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    _lapack_dtype("geqrf", A)
    m, n = A.shape[-2:]
    matrices = to_numpy(A.array).reshape(math.prod(A.shape[:-2]), m, n)  # the array API has no raw QR: LAPACK on the host
    a = np.empty(matrices.shape, A.dtype)
    tau = np.empty((matrices.shape[0], min(m, n)), A.dtype)
    for i, matrix in enumerate(matrices):
        h, scales = np.linalg.qr(matrix, mode="raw")  # h is LAPACK's (Fortran) a, transposed
        a[i], tau[i] = h.T, scales
    namespace = backend_of(A.array)
    a = _constant(namespace.asarray(a.reshape(A.shape)))
    tau = _constant(namespace.asarray(tau.reshape(*A.shape[:-2], min(m, n))))
    return GeqrfResult(without_derivative(a, "geqrf", A), without_derivative(tau, "geqrf", A))


@takes_out(name="linalg_householder_product")  # PyTorch's out= message names it so
def orgqr(input: Tensor, input2: Tensor) -> Tensor:  # noqa: A002 - PyTorch's names
    """``torch.orgqr(A, tau)``: the Q of geqrf's (A, tau), the first n columns of H_1 ... H_k; another name
    of ``linalg.householder_product``, with its gradients."""
    tensor_argument("orgqr", "input", 1, input)
    tensor_argument("orgqr", "input2", 2, input2)
    return householder_product(input, input2)


def _ormqr_checks(A: Tensor, tau: Tensor, C: Tensor, left: bool) -> None:
    """PyTorch's errors for ormqr's arguments, in PyTorch's order."""
    name = "torch.ormqr"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if C.ndim < 2:
        raise RuntimeError(f"{name}: other must have at least 2 dimensions.")
    side = -2 if left else -1
    if C.shape[side] != A.shape[-2]:
        raise RuntimeError(f"{name}: other.shape[{side}] must be equal to input.shape[-2]")
    if tau.ndim == 0:
        raise no_dimensions(-1)
    if tau.shape[-1] != min(C.shape[side], A.shape[-1]):
        raise RuntimeError(f"{name}: tau.shape[-1] must be equal to min(other.shape[{side}], input.shape[-1])")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {A.ndim}")
    if C.ndim != A.ndim:
        raise RuntimeError(f"{name}: Expected other to have the same number of dimensions as input, but got other.ndim "
                           f"equal to {C.ndim} and input.ndim is equal to {A.ndim}")
    for what, batch in (("tau", tau.shape[:-1]), ("other", C.shape[:-2])):
        if batch != A.shape[:-2]:
            raise RuntimeError(f"{name}: Expected batch dimensions of {what} to be equal to input.shape[:-2], but got "
                               f"{list(batch)}")
    for what, tensor in (("tau", tau), ("other", C)):
        if tensor.dtype != A.dtype:  # PyTorch's words, "dtypeDouble" included
            raise RuntimeError(f"{name}: Expected input and {what} to have the same dtype, but input has dtype"
                               f"{scalar_type_name(A.dtype)} and {what} has dtype {scalar_type_name(tensor.dtype)}")
    _lapack_dtype("ormqr", A)


@takes_out
def ormqr(input: Tensor, input2: Tensor, input3: Tensor, left: bool = True,  # noqa: A002 - PyTorch's names
          transpose: bool = False) -> Tensor:
    """``torch.ormqr(A, tau, C, left=True, transpose=False)``: op(Q) C (``left``) or C op(Q), op(Q) = Q or
    (``transpose``) Q^T, where Q = H_1 ... H_k (square: m x m on the left, n x n on the right) is given by
    the Householder vectors in A's first k = tau.shape[-1] columns below the diagonal, as geqrf gives them.
    Each reflector is applied in turn, C - tau_i v_i (v_i^T C) (or C - (C v_i) tau_i v_i^T)."""
    A = tensor_argument("ormqr", "input", 1, input)
    tau = tensor_argument("ormqr", "input2", 2, input2)
    C = tensor_argument("ormqr", "input3", 3, input3)
    _ormqr_checks(A, tau, C, left)
    m, k = A.shape[-2], tau.shape[-1]
    vectors = where(np.eye(m, k, dtype=bool), 1.0, tril(A[..., :, :k], -1))
    # Q C = H_1 (... (H_k C)) takes H_k first, as does C Q^T = ((C H_k) ...) H_1; Q^T C and C Q take H_1 first.
    order = reversed(range(k)) if left != transpose else range(k)
    result = C.clone()
    for i in order:
        v, scale = vectors[..., :, i:i + 1], tau[..., i:i + 1].unsqueeze(-1)
        if left:
            result = result - scale * matmul(v, matmul(_mT(v), result))
        else:
            result = result - matmul(matmul(result, v), scale * _mT(v))
    return result
