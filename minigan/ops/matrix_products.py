"""The products of vectors and matrices under PyTorch's names and checks: ``dot`` (two 1-D tensors),
``mv`` (matrix times vector), ``addmm``, ``baddbmm`` and ``addbmm`` (beta * input + alpha * the
product(s)). Each is a matmul and arithmetic, so their gradients are those ops' gradients."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from .arithmetic import matmul
from .elementwise import where
from .operands import ShapeError
from ..torch_api.out_argument import takes_out


def _tensor(name: str, argument: str, x: Any) -> Tensor:
    """``x``, which must be a Tensor, as PyTorch's functions require (a list or a number is refused)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): expected a Tensor as argument '{argument}', got {type(x).__name__}")
    return x


def _same_dtype(name: str, *tensors: Tensor) -> None:
    for t in tensors[1:]:
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"{name}: expected all tensors to have the same dtype, but found {tensors[0].dtype} "
                               f"and {t.dtype}")


@takes_out
def dot(input: Tensor, tensor: Tensor) -> Tensor:  # noqa: A002
    """The inner product of two 1-D tensors of the same size and dtype."""
    a, b = _tensor("dot", "input", input), _tensor("dot", "tensor", tensor)
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {scalar_type_name(a.dtype)} and {scalar_type_name(b.dtype)}")
    if a.shape != b.shape:
        raise ShapeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have "
                         f"the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively")
    return matmul(a, b)


@takes_out
def mv(input: Tensor, vec: Tensor) -> Tensor:  # noqa: A002
    """A (n, m) matrix times a vector of size m."""
    a, v = _tensor("mv", "input", input), _tensor("mv", "vec", vec)
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise ShapeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), "
                         f"vec ({v.shape[0]})")
    _same_dtype("mv", a, v)
    return matmul(a, v)


def _scaled_sum(input: Tensor, product: Tensor, beta: Any, alpha: Any) -> Tensor:
    """beta * input + alpha * product, broadcast to the product's shape; beta = 0 ignores input
    (NaN and inf in it do not reach the result, and its gradient is 0), as PyTorch's. Integer tensors
    read a float beta or alpha in their dtype (truncated), as PyTorch's."""
    if product.dtype.kind in "iu":
        beta, alpha = int(beta), int(alpha)
    scaled = product if alpha == 1 else product * alpha
    input.expand(*product.shape)  # PyTorch's error when input does not broadcast to the product
    if beta == 0:
        if not input.requires_grad:
            return scaled
        xp = backend_of(product.array).xp
        nowhere = xp.zeros(product.shape, dtype=xp.bool, device=product.array.device)
        return scaled + where(nowhere, input, 0)  # 0, with a zero gradient for input
    return scaled + (input if beta == 1 else input * beta)


@takes_out
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * (mat1 @ mat2), input broadcast to the product's (n, p)."""
    input, m1, m2 = (_tensor("addmm", n, x) for n, x in (("input", input), ("mat1", mat1), ("mat2", mat2)))  # noqa: A001
    for name, m in (("mat1", m1), ("mat2", m2)):
        if m.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    if m1.shape[1] != m2.shape[0]:
        raise ShapeError(f"mat1 and mat2 shapes cannot be multiplied ({m1.shape[0]}x{m1.shape[1]} and "
                         f"{m2.shape[0]}x{m2.shape[1]})")
    _same_dtype("addmm", input, m1, m2)
    return _scaled_sum(input, matmul(m1, m2), beta, alpha)


def _batches(name: str, b1: Tensor, b2: Tensor) -> None:
    for which, b in (("batch1", b1), ("batch2", b2)):
        if b.ndim != 3:
            raise RuntimeError(f"{which} must be a 3D tensor")
    if b1.shape[0] != b2.shape[0] or b1.shape[2] != b2.shape[1]:
        raise ShapeError(f"{name}: the batches {tuple(b1.shape)} and {tuple(b2.shape)} cannot be multiplied "
                         "(expected (b, n, m) and (b, m, p))")


@takes_out
def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * (batch1 @ batch2) for (b, n, m) and (b, m, p) batches."""
    input, b1, b2 = (_tensor("baddbmm", n, x) for n, x in (("input", input), ("batch1", batch1), ("batch2", batch2)))  # noqa: A001
    _batches("baddbmm", b1, b2)
    _same_dtype("baddbmm", input, b1, b2)
    return _scaled_sum(input, matmul(b1, b2), beta, alpha)


@takes_out
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * the sum over the batch of batch1[i] @ batch2[i]."""
    input, b1, b2 = (_tensor("addbmm", n, x) for n, x in (("input", input), ("batch1", batch1), ("batch2", batch2)))  # noqa: A001
    _batches("addbmm", b1, b2)
    _same_dtype("addbmm", input, b1, b2)
    return _scaled_sum(input, matmul(b1, b2).sum(axis=0), beta, alpha)
