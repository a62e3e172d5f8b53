"""``torch.linalg`` as ``minigan.linalg`` (``import minigan.linalg as LA``, or ``minigan.linalg.inv``):
inv, det, slogdet, solve, svd, svdvals, qr, vector_norm, matrix_norm, norm, cross and matmul, batched
over leading dimensions, with their gradients (minigan/ops/linalg.py, svd.py, qr.py, linalg_norms.py).
A singular matrix raises :class:`LinAlgError`, a RuntimeError, as PyTorch's. The functions
minigan lacks (eigh, cholesky, lstsq...) say so in one line."""
from __future__ import annotations

from typing import Any

from .autograd import Tensor
from .ops.arithmetic import matmul
from .ops.linalg import LinAlgError, det, inv, slogdet, solve
from .ops.linalg_norms import matrix_norm, norm, vector_norm
from .ops.products import cross as _cross
from .ops.qr import qr
from .ops.svd import svd, svdvals
from .torch_api.unsupported import LINALG as _UNSUPPORTED, module_getattr as _module_getattr

__all__ = ["LinAlgError", "inv", "det", "slogdet", "solve", "svd", "svdvals", "qr", "vector_norm", "matrix_norm", "norm",
           "cross", "matmul"]


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:  # noqa: A002
    """The cross product of 3-vectors along ``dim`` (the last by default, unlike torch.cross's)."""
    return _cross(input, other, dim)


__getattr__: Any = _module_getattr(__name__, "torch.linalg", _UNSUPPORTED)
