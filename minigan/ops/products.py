"""Products, as PyTorch's: ``prod`` (of all elements, or along one dim) and ``cross`` (the cross
product of 3-vectors along a dim, broadcast over the others). prod's gradient is the product of the other elements, which ``ProdOthers``
computes without dividing by the input: exact where elements are 0 (one zero: only that element
gets a gradient; two or more: none does), with no division by zero and no warning."""
from __future__ import annotations

import builtins
import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.arguments import no_dimensions, wrap_dim
from ..autograd.function import Context, Function, unbroadcast
from .elementwise import where
from .operands import _check_broadcast, _xp
from .reductions import _expand_back
from .shape import transpose
from ..torch_api.out_argument import takes_out


class ProdOthers(Function):
    """f_i = the product of the a_j, j != i, along the last axis;  df_i/da_k = the product of the a_j,
    j not in {i, k}, for k != i, and 0 for k = i."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        # The product of those before i times the product of those after i: no division, so exact at
        # zeros. Numerical trap: a partial product can overflow (or underflow) where the whole one would not.
        xp = _xp(a)
        before = xp.cumulative_prod(a, axis=-1, include_initial=True)[..., :-1]
        after = xp.flip(xp.cumulative_prod(xp.flip(a, axis=-1), axis=-1, include_initial=True), axis=-1)[..., 1:]
        return before * after

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        # dL/da_k = sum over i != k of g_i * (the product of a without a_i and a_k): ProdOthers of the
        # n rows "a with a_k set to 1", an (n, n) step that only a second derivative pays for.
        (a,) = ctx.inputs
        n = a.shape[-1]
        diagonal = np.eye(n, dtype=bool)
        rows = where(diagonal, 1.0, a.unsqueeze(-2).expand(a.shape[:-1] + (n, n)))  # row k: a with a_k = 1
        pairs = ProdOthers.apply(rows)  # [..., k, i]: the product of a without a_i and a_k (i != k)
        return (where(diagonal, 0.0, grad.unsqueeze(-2) * pairs).sum(-1),)


class Prod(Function):
    """f = the product of a's elements along ``axis`` (all when None);  df/da_i = the product of the
    others (ProdOthers: no division, so exact at zeros)."""

    @staticmethod
    def forward(ctx: Context, a: Any, axis: int | None, keepdims: bool) -> Any:
        return _xp(a).prod(a, axis=axis, keepdims=keepdims, dtype=a.dtype)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        axis = ctx.options["axis"]
        if axis is None:
            others = ProdOthers.apply(a.reshape((-1,))).reshape(a.shape)
        else:  # the reduced axis moved last and back
            others = transpose(ProdOthers.apply(transpose(a, axis, -1)), axis, -1)
        return (_expand_back(grad, a.shape, None if axis is None else (axis,), ctx.options["keepdims"]) * others,)


@takes_out
def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """The product of all elements, or along ``dim`` (one int; kept as size 1 with ``keepdim``).
    An integer or bool tensor gives int64, as PyTorch's; ``dtype=`` casts the input first."""
    input = input if isinstance(input, Tensor) else as_tensor(input)  # noqa: A001
    if dim is not None and (isinstance(dim, builtins.bool) or not isinstance(dim, (builtins.int, np.integer))):
        raise TypeError(f"prod(): dim must be one int, got {dim!r}")
    if dtype is not None:
        input = input.to(dtype)  # noqa: A001
    elif input.dtype.kind != "f":
        input = input.to(np.int64)  # noqa: A001 - PyTorch's prod of int32, uint8 or bool is int64
    if dim is None or input.ndim == 0:
        if dim is not None:
            wrap_dim(dim, 0)  # a 0-d tensor takes dim 0 or -1, as in PyTorch
        return Prod.apply(input, axis=None, keepdims=builtins.bool(keepdim))
    return Prod.apply(input, axis=wrap_dim(dim, input.ndim), keepdims=builtins.bool(keepdim))


class Cross(Function):
    """f = a x b along ``axis`` (3-vectors there, broadcast elsewhere);  df/da = b x g and df/db = g x a
    for the upstream gradient g (g . (a x b) = a . (b x g) = b . (g x a))."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any, axis: int) -> Any:
        def part(x: Any, i: int) -> Any:  # component i, keeping the axis
            return x[(slice(None),) * axis + (slice(i, i + 1), ...)]

        a1, a2, a3 = (part(a, i) for i in range(3))
        b1, b2, b3 = (part(b, i) for i in range(3))
        return _xp(a).concat([a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1], axis=axis)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        axis = ctx.options["axis"]
        grad_a = unbroadcast(Cross.apply(b, grad, axis=axis), a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(Cross.apply(grad, a, axis=axis), b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


_CROSS_DEFAULT_DIM = ("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.")


@takes_out
def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """The cross product of 3-vectors along ``dim``; by default (deprecated, with PyTorch's warning)
    the first dimension of ``input`` of size 3. Both must have the same number of dimensions; the
    others broadcast."""
    a = input if isinstance(input, Tensor) else as_tensor(input)
    b = other if isinstance(other, Tensor) else as_tensor(other)
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if a.dtype != b.dtype:
        raise RuntimeError(f"cross: expected both inputs to have the same dtype, got {a.dtype} and {b.dtype}")
    if dim is None:
        warnings.warn(_CROSS_DEFAULT_DIM, UserWarning, stacklevel=3)
        dim = next((d for d, n in enumerate(a.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    if a.ndim == 0:
        raise no_dimensions(dim)
    axis = wrap_dim(dim, a.ndim)
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. "
                           f"Got {a.shape[axis]} and {b.shape[axis]}")
    if a.shape != b.shape:
        _check_broadcast("cross", a, b)
    return Cross.apply(a, b, axis=axis)
