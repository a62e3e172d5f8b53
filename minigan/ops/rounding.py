"""The piecewise-constant ops: sign, ceil, floor, round and trunc, as PyTorch's. Their gradient is
zero everywhere, the jumps included, as PyTorch's is: the output is recorded (it requires grad
when the input does) and backward gives zeros. An integer input keeps its dtype."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..autograd.function import Context, Function
from .operands import _constant, _ufunc, _xp, refuse_bool
from ..torch_api.out_argument import takes_out


def _zero_gradient(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
    # New zeros rather than grad * 0: PyTorch's gradient is 0 even where the upstream one is NaN or inf.
    return (_constant(_xp(grad.array).zeros_like(grad.array)),)


_ZERO = staticmethod(_zero_gradient)


class Sign(Function):
    """f = -1, 0 or 1 as a < 0, a = 0 or a > 0 (0 at NaN, as PyTorch; NumPy gives NaN);  df/da = 0."""

    saved_inputs = ()  # backward reads nothing

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        xp = _xp(a)
        return xp.astype(a > 0, a.dtype) - xp.astype(a < 0, a.dtype)

    backward = _ZERO


class Ceil(Function):
    """f = ceil(a), the smallest integer >= a;  df/da = 0."""

    saved_inputs = ()  # backward reads nothing
    forward, backward = _ufunc("ceil"), _ZERO


class Floor(Function):
    """f = floor(a), the largest integer <= a;  df/da = 0."""

    saved_inputs = ()  # backward reads nothing
    forward, backward = _ufunc("floor"), _ZERO


class Trunc(Function):
    """f = trunc(a), a rounded toward 0;  df/da = 0."""

    saved_inputs = ()  # backward reads nothing
    forward, backward = _ufunc("trunc"), _ZERO


class Round(Function):
    """f = a rounded to ``decimals`` places, halves to even (round(2.5) = 2, as PyTorch);  df/da = 0."""

    saved_inputs = ()  # backward reads nothing

    @staticmethod
    def forward(ctx: Context, a: Any, decimals: int) -> Any:
        xp = _xp(a)
        if decimals == 0:
            return xp.round(a)
        scale = 10.0 ** abs(decimals)  # PyTorch's steps: scale by 10^decimals, round, scale back
        return xp.round(a * scale) / scale if decimals > 0 else xp.round(a / scale) * scale

    backward = _ZERO


@takes_out
def sign(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's argument name
    if isinstance(input, Tensor) and input.dtype.kind == "b":  # a bool is its own sign, as in PyTorch
        return _constant(_xp(input.array).asarray(input.array, copy=True))
    return Sign.apply(input)


@takes_out
def ceil(input: Tensor) -> Tensor:  # noqa: A002
    refuse_bool("ceil_vml", input)
    return Ceil.apply(input)


@takes_out
def floor(input: Tensor) -> Tensor:  # noqa: A002
    refuse_bool("floor_vml", input)
    return Floor.apply(input)


@takes_out
def trunc(input: Tensor) -> Tensor:  # noqa: A002
    refuse_bool("trunc_vml", input)
    return Trunc.apply(input)


@takes_out
def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001, A002 - mirrors torch.round
    refuse_bool("round_vml", input)
    if decimals != 0 and input.dtype.kind != "f":
        raise TypeError(f"round: decimals={decimals} needs a float tensor, got {input.dtype}")
    return Round.apply(input, decimals=int(decimals))

