"""silu, mish and gelu (exact and tanh), each one Function whose backward multiplies the incoming
gradient by the derivative, computed first.

As compositions of ops (a · sigmoid(a), say) their backward was a sum of terms, and an infinite
incoming gradient made it inf - inf, NaN, where PyTorch gives grad · f'(a) (±inf where f' is not
0). The derivative is written in ops on the input (:func:`minigan.ops.operands._times_derivative`),
so second derivatives still work. The forward values are the compositions' own, operation for
operation.
"""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from .activations import sigmoid, softplus, tanh
from .elementwise import exp
from .operands import _times_derivative, floats_only
from .special import erfc

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_TWO_PI = 1.0 / math.sqrt(2.0 * math.pi)
_TANH_SCALE = math.sqrt(2.0 / math.pi)  # gelu's tanh form: tanh(sqrt(2/pi) (a + 0.044715 a^3))
_CUBIC = 0.044715


def _silu_slope(a: Tensor) -> Tensor:
    s = sigmoid(a)
    return s * (1.0 + a * (1.0 - s))


class SiLU(Function):
    """f = a sigmoid(a);  df/da = s (1 + a (1 - s)), s = sigmoid(a)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return a * backend_of(a).F.sigmoid(a)

    backward = _times_derivative(_silu_slope)


def _mish_slope(a: Tensor) -> Tensor:
    t = tanh(softplus(a))
    return t + a * sigmoid(a) * (1.0 - t * t)


class Mish(Function):
    """f = a tanh(softplus(a));  df/da = t + a sigmoid(a) (1 - t^2), t = tanh(softplus(a))."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        F = backend_of(a).F
        return a * F.tanh_act(F.softplus(a), 0)

    backward = _times_derivative(_mish_slope)


def _gelu_slope(a: Tensor) -> Tensor:
    return erfc(a * -_SQRT_HALF) * 0.5 + a * exp(a * a * -0.5) * _INV_SQRT_TWO_PI


class GELU(Function):
    """f = a Phi(a) = a erfc(-a / sqrt 2) / 2 (no cancellation for a << 0);
    df/da = Phi(a) + a phi(a), phi(a) = exp(-a^2 / 2) / sqrt(2 pi)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return a * backend_of(a).special("erfc", a * -_SQRT_HALF) * 0.5

    backward = _times_derivative(_gelu_slope)


def _gelu_tanh_slope(a: Tensor) -> Tensor:
    t = tanh((a + a * a * a * _CUBIC) * _TANH_SCALE)
    return (t + 1.0) * 0.5 + a * 0.5 * (1.0 - t * t) * ((a * a * (3.0 * _CUBIC) + 1.0) * _TANH_SCALE)


class GELUTanh(Function):
    """f = a (1 + t) / 2, t = tanh(sqrt(2/pi) (a + 0.044715 a^3));
    df/da = (1 + t) / 2 + a (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 a^2) / 2."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        inner = (a + a * a * a * _CUBIC) * _TANH_SCALE
        return a * (backend_of(a).F.tanh_act(inner, 0) + 1.0) * 0.5

    backward = _times_derivative(_gelu_tanh_slope)


def silu(input: Any) -> Tensor:  # noqa: A002 - PyTorch's names
    """x sigmoid(x) (SiLU, also called swish); float tensors only, as PyTorch's."""
    return SiLU.apply(floats_only("silu", input))


def mish(input: Any) -> Tensor:  # noqa: A002
    """x tanh(softplus(x)); float tensors only, as PyTorch's."""
    return Mish.apply(floats_only("mish", input))


def gelu(input: Any, approximate: str = "none") -> Tensor:  # noqa: A002
    """x Phi(x), Phi the standard normal's CDF; ``approximate="tanh"``: x (1 + tanh(sqrt(2/pi) (x +
    0.044715 x^3))) / 2. Float tensors only, as PyTorch's."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    input = floats_only("gelu", input, "GeluKernelImpl")  # noqa: A001
    return GELU.apply(input) if approximate == "none" else GELUTanh.apply(input)
