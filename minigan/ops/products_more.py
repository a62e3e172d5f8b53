"""More products of vectors and matrices under PyTorch's names and checks: ``addmv`` (beta * input +
alpha * mat @ vec), ``addr`` (beta * input + alpha * the outer product of two vectors), ``ger`` (the
outer product, PyTorch's old name of ``outer``), ``vdot`` (the dot product; the first vector's
conjugate is its own for the real tensors minigan has) and ``adjoint`` (the transpose of the last
two dimensions: the conjugate transpose of a real tensor). Each is made of matmul, outer, transpose
and arithmetic, so their gradients are those ops'. As PyTorch's, beta = 0 ignores ``input``: NaN and
inf in it do not reach the result."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.legacy import scalar_type_name
from ..torch_api.dtypes import result_type
from .arithmetic import matmul
from .discrete import logical_and, logical_not, logical_or
from .elementwise import cast
from .elementwise_more import tensors_only
from .matrix_products import _scaled_sum, dot
from .operands import ShapeError
from .reorder import outer
from .shape import transpose
from ..torch_api.out_argument import takes_out


def _is_float_number(value: Any) -> bool:
    return isinstance(value, float) or (isinstance(value, np.generic) and np.dtype(type(value)).kind == "f")


@takes_out
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * (mat @ vec) for an (n, m) matrix and an m-vector; input (a number-like
    0-D tensor or a vector of size 1 or n) is broadcast to n. All three have one dtype, as PyTorch's."""
    tensors_only("addmv", input=input, mat=mat, vec=vec)
    if input.ndim > 1 or mat.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    n, m = mat.shape
    if vec.shape[0] != m or (input.ndim == 1 and input.shape[0] not in (1, n)):
        size = input.shape[0] if input.ndim else 1
        raise ShapeError(f"size mismatch, got input ({size}), mat ({n}x{m}), vec ({vec.shape[0]})")
    if not input.dtype == mat.dtype == vec.dtype:
        names = ", ".join(scalar_type_name(t.dtype) for t in (input, mat))
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {names}, and "
                           f"{scalar_type_name(vec.dtype)}")
    return _scaled_sum(input, matmul(mat, vec), beta, alpha)


@takes_out
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * outer(vec1, vec2), input broadcast to (len(vec1), len(vec2)); the dtypes
    promote, as PyTorch's. Integer tensors refuse a float beta or alpha; bool tensors read + as or
    and * as and."""
    tensors_only("addr", input=input, vec1=vec1, vec2=vec2)
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    shape = (vec1.shape[0], vec2.shape[0])
    input.expand(*shape)  # PyTorch's message when input does not broadcast to the product
    kinds = {t.dtype.kind for t in (input, vec1, vec2)}
    if kinds == {"b"}:  # beta * input + alpha * v1 v2^T, read with or and and
        product = logical_and(vec1.unsqueeze(1), vec2.unsqueeze(0))
        product = product if alpha else logical_and(product, logical_not(product))
        return logical_or(product, input.expand(*shape)) if beta else product
    if kinds <= set("biu"):
        for name, s in (("beta", beta), ("alpha", alpha)):
            if _is_float_number(s):
                raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point number.")
    product = outer(vec1, vec2)
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:  # input's dtype still takes part in the promotion
        dtype = result_type(scaled, input)
        return scaled if scaled.dtype == dtype else cast(scaled, dtype)
    return scaled + (input if beta == 1 else input * beta)


def ger(input: Tensor, vec2: Tensor) -> Tensor:  # noqa: A002
    """The outer product of two 1-D tensors, PyTorch's older name of ``outer``."""
    tensors_only("ger", input=input, vec2=vec2)
    return outer(input, vec2)


@takes_out
def vdot(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The dot product of two 1-D tensors of one size and dtype (conj(input) . other, and a real
    tensor is its own conjugate)."""
    tensors_only("vdot", input=input, other=other)
    return dot(input, other)


def _matrix_view(name: str, x: Tensor, deprecation: str) -> Tensor:
    """x with its last two dimensions swapped (a view); a 0-D tensor is itself, with PyTorch's warning."""
    if x.ndim == 0:
        warnings.warn(f"{deprecation} is deprecated on 0-D tensors. " + (
            "Consider using x.conj()." if deprecation in ("adjoint()", "Tensor.H") else
            "This function is the identity in these cases."), UserWarning, stacklevel=3)
        return x
    if x.ndim < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. Got {x.ndim}-D tensor.")
    return transpose(x, -2, -1)


def adjoint(input: Tensor) -> Tensor:  # noqa: A002
    """The conjugate transpose of the last two dimensions, a view; a real tensor's is its transpose."""
    tensors_only("adjoint", input=input)
    return _matrix_view("adjoint()", input, "adjoint()")


def matrix_transpose(x: Tensor, name: str = "mT") -> Tensor:
    """``x.mT`` (and ``x.mH``, the same for real tensors): the last two dimensions swapped, a view."""
    return _matrix_view(name, x, f"Tensor.{name}")


def matrix_h(x: Tensor) -> Tensor:
    """``x.H``: the conjugate transpose of a matrix (2-D only; ``mH`` takes batches)."""
    if x.ndim != 2 and x.ndim != 0:
        extra = " For batches of matrices, consider using tensor.mH" if x.ndim > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {x.ndim}-D tensor.{extra}")
    return _matrix_view("H", x, "Tensor.H")
