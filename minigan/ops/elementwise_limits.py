"""PyTorch's other elementwise math, part two: the ops about limits and closeness (nan_to_num, fmax,
fmin, clamp_min, clamp_max, isclose) and the fused forms addcmul and addcdiv. nan_to_num, the clamps
and addcmul/addcdiv are made of the ops below them (gradients from those); fmax and fmin are small
Functions, because PyTorch's gradient where a NaN is ignored (1 to both inputs) is not what a
composition of where and maximum gives. Each is also a Tensor method
(minigan/autograd/elementwise_methods.py)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import DEFAULT_DTYPE, Tensor
from ..autograd.function import Context, Function
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of, numpy_dtype_of
from .elementwise import clamp, clone, maximum, minimum, tie_split_backward, where
from .elementwise_more import tensors_only
from .operands import _check_broadcast, _constant, _pair, _xp
from ..torch_api.out_argument import takes_out


@takes_out
def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,  # noqa: A002 - PyTorch's names
               neginf: float | None = None) -> Tensor:
    """``input`` with NaN replaced by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (by default the
    largest and the lowest finite value of the dtype). The gradient passes where the input was finite
    and is 0 where it was replaced, as PyTorch's; an integer or bool tensor comes back as a copy."""
    tensors_only("nan_to_num", input=input)
    if input.dtype.kind != "f":
        return clone(input)
    x, xp = input.array, _xp(input.array)
    info = np.finfo(input.dtype)
    high, low = float(info.max if posinf is None else posinf), float(info.min if neginf is None else neginf)
    with np.errstate(over="ignore"):  # a fill past the dtype's range becomes inf, silently as PyTorch's
        fill = xp.where(xp.isnan(x), xp.full_like(x, float(nan)),
                        xp.where(x > 0, xp.full_like(x, high), xp.full_like(x, low)))
    return where(_constant(xp.isfinite(x)), input, _constant(fill))


class Fmax(Function):
    """f = max(a, b), ignoring a NaN on one side (NaN only where both are);  df/da = 1 - [a < b] - [a = b]/2,
    df/db = 1 - [b < a] - [a = b]/2: ties split, and both get the gradient where either is NaN, as PyTorch."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        return _nan_ignoring(a, b, "fmax", "maximum", "logical_or")

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return tie_split_backward(ctx, grad, lambda x, y: x < y)


class Fmin(Function):
    """f = min(a, b), ignoring a NaN on one side;  df/da = 1 - [a > b] - [a = b]/2, df/db = 1 - [b > a] - [a = b]/2."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        return _nan_ignoring(a, b, "fmin", "minimum", "logical_and")

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return tie_split_backward(ctx, grad, lambda x, y: x > y)


def _nan_ignoring(a: Any, b: Any, name: str, extreme: str, logical: str) -> Any:
    """fmax's or fmin's values: the array library's ``extreme`` where neither is NaN, else the other
    operand (bools: ``logical``, as the standard has no max of bools)."""
    if a.shape != b.shape:
        _check_broadcast(name, a, b)
    xp, kind = _xp(a), numpy_dtype_of(a).kind
    if kind == "b":
        return getattr(xp, logical)(a, b)
    chosen = getattr(xp, extreme)(a, b)
    if kind != "f":
        return chosen
    return xp.where(xp.isnan(b), a, xp.where(xp.isnan(a), b, chosen))


@takes_out
def fmax(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The elementwise maximum, where a NaN loses to a number (NaN only where both are NaN)."""
    tensors_only("fmax", input=input, other=other)
    return Fmax.apply(*_pair(input, other))


@takes_out
def fmin(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The elementwise minimum, where a NaN loses to a number (NaN only where both are NaN)."""
    tensors_only("fmin", input=input, other=other)
    return Fmin.apply(*_pair(input, other))


def _clamp_one_side(name: str, input: Tensor, bound: Any, tensor_form: Any, side: str) -> Tensor:  # noqa: A002
    """clamp_min or clamp_max: a Tensor bound is ``maximum``/``minimum`` (ties split the gradient, as
    PyTorch's); a number is ``clamp`` (with its promotion: a float bound makes an integer tensor
    float32, an integer bound makes a bool tensor int64)."""
    tensors_only(name, input=input)
    if isinstance(bound, Tensor):
        return tensor_form(input, bound)
    return clamp(input, **{side: bound})


@takes_out
def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002 - PyTorch's names
    """max(input, min) elementwise, ``min`` a number or a Tensor (NaN in input stays NaN)."""
    return _clamp_one_side("clamp_min", input, min, maximum, "min")


@takes_out
def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    """min(input, max) elementwise, ``max`` a number or a Tensor (NaN in input stays NaN)."""
    return _clamp_one_side("clamp_max", input, max, minimum, "max")


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,  # noqa: A002
            equal_nan: bool = False) -> Tensor:
    """Elementwise whether |input - other| <= atol + rtol |other| (equal values, infinities included,
    always are; NaNs are only with ``equal_nan``): a bool tensor. Both tensors must have one dtype, as
    PyTorch's; integer and bool ones are compared in float32."""
    tensors_only("isclose", input=input, other=other)
    if input.dtype != other.dtype:
        raise RuntimeError(f"{scalar_type_name(input.dtype)} did not match {scalar_type_name(other.dtype)}")
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if tolerance < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tolerance:g}")
    if input.shape != other.shape:
        _check_broadcast("isclose", input, other)
    a, b = input.array, other.array
    xp = _xp(a)
    close = a == b
    if input.dtype.kind == "f":
        if equal_nan:
            close = close | (xp.isnan(a) & xp.isnan(b))
    else:
        float_dtype = backend_of(a).native_dtype(DEFAULT_DTYPE)
        a, b = xp.astype(a, float_dtype), xp.astype(b, float_dtype)
    with np.errstate(invalid="ignore"):  # inf - inf and 0 * inf are NaN (not close), silently as PyTorch's
        error = xp.abs(a - b)
        return _constant(close | (xp.isfinite(error) & (error <= atol + rtol * xp.abs(b))))


def _addc(name: str, input: Tensor, tensor1: Tensor, tensor2: Tensor, value: Any, combine: Any) -> Tensor:  # noqa: A002
    tensors_only(name, input=input, tensor1=tensor1, tensor2=tensor2)
    kinds = {t.dtype.kind for t in (input, tensor1, tensor2)}
    if kinds == {"b"}:
        raise NotImplementedError(f"\"{name}_{input.device.type}_out\" not implemented for 'Bool'")
    if not kinds & {"f"} and isinstance(value, float):
        value = int(value)  # PyTorch casts the scale to the integer result's dtype (0.5 becomes 0)
    scaled = tensor1 if value == 1 else tensor1 * value
    return input + combine(scaled, tensor2)


@takes_out
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:  # noqa: A002
    """input + value * tensor1 * tensor2, broadcast; gradients 1, value * tensor2 and value * tensor1."""
    return _addc("addcmul", input, tensor1, tensor2, value, lambda x, y: x * y)


@takes_out
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:  # noqa: A002
    """input + value * tensor1 / tensor2, broadcast (true division; integer tensor1 and tensor2 raise,
    as PyTorch's); gradients 1, value / tensor2 and -value * tensor1 / tensor2^2."""
    if isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor) \
            and tensor1.dtype.kind in "iub" and tensor2.dtype.kind in "iub":
        raise RuntimeError(_INTEGER_ADDCDIV)
    return _addc("addcdiv", input, tensor1, tensor2, value, lambda x, y: x / y)


_INTEGER_ADDCDIV = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true "
    "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * "
    "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
    "for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
    "tensor2), for all dtypes."
)

__all__ = ["nan_to_num", "fmax", "fmin", "clamp_min", "clamp_max", "isclose", "addcmul", "addcdiv"]
