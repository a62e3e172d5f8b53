"""Tensor's methods for PyTorch's further products, transposes, old linear-algebra names and number
functions (``x.addmv(mat, vec)``, ``x.mT``, ``x.pinverse()``, ``x.renorm(2, 0, 1.0)``,
``b.triangular_solve(A)``, ``x.geqrf()``, ``x.gcd(y)``, ``x.frexp()``...) and their in-place forms
(``x.addmv_(...)``, ``x.addmm_(...)``, ``x.gcd_(y)``, ``x.float_power_(e)``...). Each forwards to the
function of the same name in minigan/ops/products_more.py, linalg_legacy.py, triangular.py,
householder.py, float_bits.py or matrix_products.py; the in-place forms follow
minigan/autograd/inplace.py's rules. Tensor (minigan/autograd/tensor.py) takes these as a base class."""
from __future__ import annotations

from typing import Any, Callable

from .legacy import scalar_type_name
from .ops_on_first_use import OpsOnFirstUse


class LinalgMethods:
    """The methods of Tensor for PyTorch's further products, linear algebra and number functions."""

    __slots__ = ()

    # products and transposes: minigan/ops/products_more.py
    def addmv(self, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return ops.products_more.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addr(self, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return ops.products_more.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def ger(self, vec2: Any) -> Any:
        return ops.products_more.ger(self, vec2)

    def vdot(self, other: Any) -> Any:
        return ops.products_more.vdot(self, other)

    def adjoint(self) -> Any:
        return ops.products_more.adjoint(self)

    @property
    def mT(self) -> Any:  # noqa: N802 - PyTorch's name
        """The last two dimensions swapped (a view), for matrices and batches of them."""
        return ops.products_more.matrix_transpose(self, "mT")

    @property
    def mH(self) -> Any:  # noqa: N802 - PyTorch's name
        """The conjugate transpose of the last two dimensions: ``mT`` for minigan's real tensors."""
        return ops.products_more.matrix_transpose(self, "mH")

    @property
    def H(self) -> Any:  # noqa: N802 - PyTorch's name
        """The conjugate transpose of a matrix (2-D): its transpose for minigan's real tensors."""
        return ops.products_more.matrix_h(self)

    # old linear-algebra names: minigan/ops/linalg_legacy.py
    def matrix_power(self, n: int) -> Any:
        return ops.linalg_legacy.matrix_power(self, n)

    def pinverse(self, rcond: float = 1e-15) -> Any:
        return ops.linalg_legacy.pinverse(self, rcond)

    def cholesky_inverse(self, upper: bool = False) -> Any:
        return ops.linalg_legacy.cholesky_inverse(self, upper)

    def cholesky_solve(self, input2: Any, upper: bool = False) -> Any:
        """Solve A X = self for X, where ``input2`` is A's Cholesky factor, as ``torch.cholesky_solve``."""
        return ops.triangular.cholesky_solve(self, input2, upper)

    def renorm(self, p: float, dim: int, maxnorm: float) -> Any:
        return ops.linalg_legacy.renorm(self, p, dim, maxnorm)

    # LAPACK's forms: minigan/ops/triangular.py and householder.py
    def triangular_solve(self, A: Any, upper: bool = True, transpose: bool = False, unitriangular: bool = False) -> Any:
        """Solve op(A) X = self, as the deprecated ``torch.triangular_solve`` (and with its warning)."""
        # the function itself, not its out= wrapper, so that the warning names the caller's line
        return ops.triangular.triangular_solve.__wrapped__(self, A, upper, transpose, unitriangular)

    def geqrf(self) -> Any:
        return ops.householder.geqrf(self)

    def orgqr(self, input2: Any) -> Any:
        return ops.householder.orgqr(self, input2)

    def ormqr(self, input2: Any, input3: Any, left: bool = True, transpose: bool = False) -> Any:
        return ops.householder.ormqr(self, input2, input3, left, transpose)

    # number functions: minigan/ops/float_bits.py
    def gcd(self, other: Any) -> Any:
        return ops.float_bits.gcd(self, other)

    def lcm(self, other: Any) -> Any:
        return ops.float_bits.lcm(self, other)

    def frexp(self) -> Any:
        return ops.float_bits.frexp(self)

    def nextafter(self, other: Any) -> Any:
        return ops.float_bits.nextafter(self, other)

    def isposinf(self) -> Any:
        return ops.float_bits.isposinf(self)

    def isneginf(self) -> Any:
        return ops.float_bits.isneginf(self)

    def isreal(self) -> Any:
        return ops.float_bits.isreal(self)

    # in-place forms
    def _same_shape_(self, name: str, compute: Callable[[Any], Any], *operands: Any, elementwise: bool = False) -> Any:
        """Overwrite this tensor with ``compute(self)``, whose shape must be this tensor's (PyTorch
        does not broadcast the tensor changed in place); PyTorch words it one way for the
        elementwise ops and another for the products."""
        def checked(tensor: Any) -> Any:
            result = compute(tensor)
            if tuple(result.shape) != tuple(self.shape):
                if elementwise:
                    raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                                       f"{list(result.shape)}")
                raise RuntimeError(f"Bad in-place call: input tensor size {list(self.shape)} and output tensor size "
                                   f"{list(result.shape)} should match")
            return result

        operands = tuple(a for a in operands if hasattr(a, "requires_grad"))
        return self._overwrite(name, checked, operands=operands)

    def addmv_(self, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return self._same_shape_("addmv_", lambda t: t.addmv(mat, vec, beta=beta, alpha=alpha), mat, vec)

    def addr_(self, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        rows, columns = (getattr(v, "shape", (None,))[0] if getattr(v, "ndim", 1) == 1 else None for v in (vec1, vec2))
        if None not in (rows, columns) and tuple(self.shape) != (rows, columns):
            raise RuntimeError(f"size mismatch, input: {list(self.shape)}, v1: [{rows}], v2: [{columns}]")
        return self._same_shape_("addr_", lambda t: t.addr(vec1, vec2, beta=beta, alpha=alpha), vec1, vec2)

    def addmm_(self, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return self._same_shape_("addmm_", lambda t: t.addmm(mat1, mat2, beta=beta, alpha=alpha), mat1, mat2)

    def addbmm_(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return self._same_shape_("addbmm_", lambda t: t.addbmm(batch1, batch2, beta=beta, alpha=alpha),
                                 batch1, batch2)

    def baddbmm_(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return self._same_shape_("baddbmm_", lambda t: t.baddbmm(batch1, batch2, beta=beta, alpha=alpha),
                                 batch1, batch2)

    def renorm_(self, p: float, dim: int, maxnorm: float) -> Any:
        return self._same_shape_("renorm_", lambda t: t.renorm(p, dim, maxnorm))

    def gcd_(self, other: Any) -> Any:
        return self._same_shape_("gcd_", lambda t: t.gcd(other), other, elementwise=True)

    def lcm_(self, other: Any) -> Any:
        return self._same_shape_("lcm_", lambda t: t.lcm(other), other, elementwise=True)

    def nextafter_(self, other: Any) -> Any:
        return self._same_shape_("nextafter_", lambda t: t.nextafter(other), other, elementwise=True)

    def float_power_(self, exponent: Any) -> Any:
        """In place: self ** exponent, which is float64, so this tensor must be float64, as PyTorch's."""
        if str(self.dtype) != "float64":
            raise RuntimeError(f"the base given to float_power_ has dtype {scalar_type_name(self.dtype)} but the "
                               "operation's result requires dtype Double")
        return self._same_shape_("float_power_", lambda t: t.float_power(exponent), exponent,
                                 elementwise=True)


ops: Any = OpsOnFirstUse(globals())
