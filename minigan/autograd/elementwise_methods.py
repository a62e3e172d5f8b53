"""Tensor's methods for PyTorch's other elementwise math (``x.fmod(y)``, ``x.hypot(y)``,
``x.nan_to_num()``, ``x.addcmul(t1, t2)``...). Each forwards to the function of the same name in
minigan/ops/elementwise_more.py or elementwise_limits.py, where its forward and gradient are
written; Tensor (minigan/autograd/tensor.py) takes these methods as a base class."""
from __future__ import annotations

from typing import Any

from .ops_on_first_use import OpsOnFirstUse


class ElementwiseMethods:
    """The methods of Tensor for PyTorch's other elementwise math; each returns a new Tensor (the
    in-place forms, ``x.fmod_(y)``..., are minigan/autograd/inplace_math.py's)."""

    __slots__ = ()

    def true_divide(self, other: Any) -> Any:
        return ops.elementwise_more.true_divide(self, other)

    def floor_divide(self, other: Any) -> Any:
        return ops.elementwise_more.floor_divide(self, other)

    def remainder(self, other: Any) -> Any:
        return ops.elementwise_more.remainder(self, other)

    def fmod(self, other: Any) -> Any:
        return ops.elementwise_more.fmod(self, other)

    def logaddexp(self, other: Any) -> Any:
        return ops.elementwise_more.logaddexp(self, other)

    def logaddexp2(self, other: Any) -> Any:
        return ops.elementwise_more.logaddexp2(self, other)

    def hypot(self, other: Any) -> Any:
        return ops.elementwise_more.hypot(self, other)

    def copysign(self, other: Any) -> Any:
        return ops.elementwise_more.copysign(self, other)

    def heaviside(self, values: Any) -> Any:
        return ops.elementwise_more.heaviside(self, values)

    def float_power(self, exponent: Any) -> Any:
        return ops.elementwise_more.float_power(self, exponent)

    def ldexp(self, other: Any) -> Any:
        return ops.elementwise_more.ldexp(self, other)

    def signbit(self) -> Any:
        return ops.elementwise_more.signbit(self)

    def sgn(self) -> Any:
        return ops.elementwise_more.sgn(self)

    def angle(self) -> Any:
        return ops.elementwise_more.angle(self)

    def positive(self) -> Any:
        return ops.elementwise_more.positive(self)

    def absolute(self) -> Any:
        return ops.elementwise_more.absolute(self)

    def fix(self) -> Any:
        return ops.elementwise_more.fix(self)

    def rad2deg(self) -> Any:
        return ops.elementwise_more.rad2deg(self)

    def deg2rad(self) -> Any:
        return ops.elementwise_more.deg2rad(self)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Any:
        return ops.elementwise_limits.nan_to_num(self, nan, posinf, neginf)

    def fmax(self, other: Any) -> Any:
        return ops.elementwise_limits.fmax(self, other)

    def fmin(self, other: Any) -> Any:
        return ops.elementwise_limits.fmin(self, other)

    def clamp_min(self, min: Any) -> Any:  # noqa: A002 - PyTorch's name
        return ops.elementwise_limits.clamp_min(self, min)

    def clamp_max(self, max: Any) -> Any:  # noqa: A002
        return ops.elementwise_limits.clamp_max(self, max)

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Any:
        return ops.elementwise_limits.isclose(self, other, rtol, atol, equal_nan)

    def addcmul(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
        return ops.elementwise_limits.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
        return ops.elementwise_limits.addcdiv(self, tensor1, tensor2, value=value)


ops: Any = OpsOnFirstUse(globals())
