"""Tensor's elementwise math as methods (``x.exp()``, ``x.sin()``, ``x.sigmoid()``, ``x.softmax(dim)``...).
Each forwards to the op of the same name in ``minigan.ops``, where its forward and backward
are written; Tensor (minigan/autograd/tensor.py) takes these methods as a base class."""
from __future__ import annotations

from typing import Any

from .ops_on_first_use import OpsOnFirstUse


class MathMethods:
    """The math methods of Tensor; each returns a new Tensor, recorded like any op."""

    __slots__ = ()

    def exp(self) -> Any:
        return ops.exp(self)

    def log(self) -> Any:
        return ops.log(self)

    def log1p(self) -> Any:
        return ops.log1p(self)

    def expm1(self) -> Any:
        return ops.expm1(self)

    def sqrt(self) -> Any:
        return ops.sqrt(self)

    def reciprocal(self) -> Any:
        return ops.reciprocal(self)

    def rsqrt(self) -> Any:
        return ops.rsqrt(self)

    def sin(self) -> Any:
        return ops.sin(self)

    def cos(self) -> Any:
        return ops.cos(self)

    def tan(self) -> Any:
        return ops.tan(self)

    def asin(self) -> Any:
        return ops.asin(self)

    def acos(self) -> Any:
        return ops.acos(self)

    def atan(self) -> Any:
        return ops.atan(self)

    def atan2(self, other: Any) -> Any:
        return ops.atan2(self, other)

    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2

    def sinh(self) -> Any:
        return ops.sinh(self)

    def cosh(self) -> Any:
        return ops.cosh(self)

    def sign(self) -> Any:
        return ops.sign(self)

    def ceil(self) -> Any:
        return ops.ceil(self)

    def floor(self) -> Any:
        return ops.floor(self)

    def round(self, *, decimals: int = 0) -> Any:
        return ops.round(self, decimals=decimals)

    def trunc(self) -> Any:
        return ops.trunc(self)

    def abs(self) -> Any:
        return ops.abs(self)

    def clamp(self, min: float | None = None, max: float | None = None) -> Any:
        return ops.clamp(self, min, max)

    clip = clamp

    def maximum(self, other: Any) -> Any:
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> Any:
        return ops.minimum(self, other)

    def where(self, condition: Any, other: Any) -> Any:
        """``torch.where(condition, self, other)``: this tensor's elements where ``condition`` holds."""
        return ops.where(condition, self, other)

    def relu(self) -> Any:
        return ops.relu(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Any:
        return ops.leaky_relu(self, negative_slope)

    def sigmoid(self) -> Any:
        return ops.sigmoid(self)

    def tanh(self) -> Any:
        return ops.tanh(self)

    def softplus(self) -> Any:
        return ops.softplus(self)

    def prod(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
        return ops.prod(self, dim, keepdim, dtype=dtype)

    def cross(self, other: Any, dim: Any = None) -> Any:
        return ops.cross(self, other, dim)

    def unbind(self, dim: int = 0) -> Any:
        return ops.unbind(self, dim)

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
               dim: Any = None) -> Any:
        return ops.unique(self, sorted, return_inverse, return_counts, dim)

    # The bitwise ops (integer and bool tensors; no gradient): minigan/ops/discrete.py.
    def bitwise_and(self, other: Any) -> Any:
        return ops.bitwise_and(self, other)

    def bitwise_or(self, other: Any) -> Any:
        return ops.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> Any:
        return ops.bitwise_xor(self, other)

    def bitwise_not(self) -> Any:
        return ops.bitwise_not(self)

    def bitwise_left_shift(self, other: Any) -> Any:
        return ops.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other: Any) -> Any:
        return ops.bitwise_right_shift(self, other)

    __and__, __or__, __xor__ = bitwise_and, bitwise_or, bitwise_xor
    __lshift__, __rshift__ = bitwise_left_shift, bitwise_right_shift

    def __rlshift__(self, other: Any) -> Any:
        return ops.bitwise_left_shift(other, self)

    def __rrshift__(self, other: Any) -> Any:
        return ops.bitwise_right_shift(other, self)

    def __rand__(self, other: Any) -> Any:
        return ops.bitwise_and(other, self)

    def __ror__(self, other: Any) -> Any:
        return ops.bitwise_or(other, self)

    def __rxor__(self, other: Any) -> Any:
        return ops.bitwise_xor(other, self)

    def __invert__(self) -> Any:
        if self.dtype.kind not in "biu":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return ops.bitwise_not(self)

    # The logical ops (any dtype in, bool out; no gradient): minigan/ops/discrete.py.
    def logical_and(self, other: Any) -> Any:
        return ops.logical_and(self, other)

    def logical_or(self, other: Any) -> Any:
        return ops.logical_or(self, other)

    def logical_xor(self, other: Any) -> Any:
        return ops.logical_xor(self, other)

    def logical_not(self) -> Any:
        return ops.logical_not(self)

    # Linear algebra and order statistics: minigan/ops/matrix_products.py, linalg.py, svd.py, order_statistics.py.
    def dot(self, other: Any) -> Any:
        return ops.matrix_products.dot(self, other)

    def mv(self, vec: Any) -> Any:
        return ops.matrix_products.mv(self, vec)

    def addmm(self, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return ops.matrix_products.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return ops.matrix_products.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return ops.matrix_products.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def inverse(self) -> Any:
        return ops.linalg.inv(self)

    def det(self) -> Any:
        return ops.linalg.det(self)

    def logdet(self) -> Any:
        return ops.linalg.logdet(self)

    def slogdet(self) -> Any:
        return ops.linalg.slogdet(self)

    def matrix_exp(self) -> Any:
        return ops.matrix_exp.matrix_exp(self)

    def lu(self, pivot: bool = True, get_infos: bool = False) -> Any:
        return ops.lu.lu_deprecated(self, pivot, get_infos)

    def lu_solve(self, LU_data: Any, LU_pivots: Any) -> Any:  # noqa: N803 - PyTorch's names
        return ops.lu.lu_solve_deprecated(self, LU_data, LU_pivots)

    def svd(self, some: bool = True, compute_uv: bool = True) -> Any:
        return ops.svd.svd_uv(self, some, compute_uv)

    def median(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.order_statistics.median(self, dim, keepdim)

    def nanmedian(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.order_statistics.nanmedian(self, dim, keepdim)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> Any:
        return ops.order_statistics.kthvalue(self, k, dim, keepdim)

    def mode(self, dim: int = -1, keepdim: bool = False) -> Any:
        return ops.order_statistics.mode(self, dim, keepdim)

    def erf(self) -> Any:
        return ops.erf(self)

    def erfc(self) -> Any:
        return ops.erfc(self)

    def erfinv(self) -> Any:
        return ops.erfinv(self)

    def lgamma(self) -> Any:
        return ops.lgamma(self)

    def digamma(self) -> Any:
        return ops.digamma(self)

    def polygamma(self, n: int) -> Any:
        return ops.polygamma(n, self)

    def igamma(self, other: Any) -> Any:
        """The regularized lower incomplete gamma function P(self, other), as torch.special.gammainc."""
        return ops.gammainc(self, other)

    def igammac(self, other: Any) -> Any:
        """The regularized upper incomplete gamma function Q(self, other), as torch.special.gammaincc."""
        return ops.gammaincc(self, other)

    def mvlgamma(self, p: int) -> Any:
        return ops.multigammaln(self, p)

    def i0(self) -> Any:
        return ops.i0(self)

    def exp2(self) -> Any:
        return ops.exp2(self)

    def logit(self, eps: float | None = None) -> Any:
        return ops.logit(self, eps)

    def sinc(self) -> Any:
        return ops.sinc(self)

    def xlogy(self, other: Any) -> Any:
        return ops.xlogy(self, other)

    def log2(self) -> Any:
        return ops.log2(self)

    def log10(self) -> Any:
        return ops.log10(self)

    def asinh(self) -> Any:
        return ops.asinh(self)

    def acosh(self) -> Any:
        return ops.acosh(self)

    def atanh(self) -> Any:
        return ops.atanh(self)

    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    def frac(self) -> Any:
        return ops.frac(self)

    def prelu(self, weight: Any) -> Any:
        return ops.more_activations.prelu(self, weight)

    def hardshrink(self, lambd: float = 0.5) -> Any:
        return ops.more_activations.hardshrink(self, lambd)

    def log_softmax(self, *args: Any, **kwargs: Any) -> Any:
        return ops.dims.log_softmax(self, *args, **kwargs)

    def softmax(self, *args: Any, **kwargs: Any) -> Any:
        return ops.dims.softmax(self, *args, **kwargs)


ops: Any = OpsOnFirstUse(globals())
