"""The activations PyTorch has beyond relu, leaky_relu, sigmoid, tanh and softplus: gelu, elu, celu,
selu, mish, hardtanh, relu6, logsigmoid, softsign, hardsigmoid, hardswish, glu, softmin, prelu,
tanhshrink, hardshrink, softshrink and threshold, with PyTorch's arguments (those of
``torch.nn.functional``). These compute out of place; ``minigan.nn.functional``'s forms take
``inplace=True`` and write the result into the input, as PyTorch's (minigan/nn/inplace_functional.py).

Each is written once, here, from ops that have gradients (so second derivatives work), and its
gradient follows from them; gelu and mish (and silu) are Functions of their own with their
derivatives, in minigan/ops/smooth_activations.py, and hardswish is one here (each multiplies an infinite
gradient by its slope, where a sum of terms would meet as inf - inf). Where PyTorch's gradient at a kink is a convention, the ``where``
masks below choose PyTorch's: hardtanh, relu6 and hardsigmoid have gradient 0 at their corners;
hardshrink, softshrink and threshold 0 at +-lambda and at the threshold; elu, celu, selu and prelu
take the negative branch at 0; hardswish has 0 at -3 and 1 at 3. A NaN passes through, as in PyTorch,
with PyTorch's gradient there (1 for elu, celu, selu, hardswish and softshrink).
"""
from __future__ import annotations

import warnings
from typing import Any

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..autograd.legacy import scalar_type_name
from .activations import sigmoid, softplus, tanh
from .dims import softmax
from .elementwise import abs, clamp, expm1, where  # noqa: A004 - the ops of these names
from . import smooth_activations as smooth
from .operands import _xp, floats_only, not_implemented_for, refuse_bool

# SELU's constants (Klambauer et al., 2017, "Self-Normalizing Neural Networks")
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


gelu = smooth.gelu  # x Phi(x), or its tanh form (minigan/ops/smooth_activations.py)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > 0, else alpha (exp(x) - 1)."""
    # expm1 of x only where x <= 0 (0 elsewhere): the branch where() drops never overflows, so its zero
    # gradient stays 0, not NaN; at x = 0 the gradient is alpha, and at a NaN 1, as PyTorch's
    input = floats_only("elu", input)  # noqa: A001 - float tensors only, as PyTorch's (selu's too)
    positive = ~(input <= 0)
    return where(positive, input, expm1(where(positive, 0.0, input)) * alpha)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > 0, else alpha (exp(x / alpha) - 1), as PyTorch's for any alpha but 0 (alpha
    elu(x / alpha) only for alpha > 0, and rounds x / alpha * alpha where x > 0)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    input = floats_only("elu", input)  # noqa: A001 - PyTorch's celu runs its elu kernel
    positive = ~(input <= 0)  # elu's masking: no overflow in the dropped branch, slope 1 at a NaN
    return where(positive, input, expm1(where(positive, 0.0, input) * (1.0 / alpha)) * alpha)


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """scale elu(x, alpha) with SELU's fixed alpha and scale."""
    return elu(input, SELU_ALPHA) * SELU_SCALE


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x tanh(softplus(x)) (minigan/ops/smooth_activations.py)."""
    return smooth.mish(input)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:  # noqa: A002
    """x clamped to [min_val, max_val]; gradient 1 strictly inside, 0 at and beyond the corners, as PyTorch's.
    An integer tensor keeps its dtype, the limits cut to integers toward 0, as PyTorch's."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if isinstance(input, Tensor) and input.dtype.kind in "biu":
        return _hardtanh_of_integers(input, min_val, max_val)
    inside = (input > min_val) & (input < max_val)
    return where(inside, input, clamp(input.detach(), min_val, max_val))  # clamp keeps a NaN


def _hardtanh_of_integers(input: Tensor, min_val: float, max_val: float) -> Tensor:  # noqa: A002
    if input.dtype.kind == "b":
        raise NotImplementedError("Bool inputs not supported for hardtanh")
    if input.dtype.kind == "u" and (min_val < 0 or max_val < 0):
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    return clamp(input, int(min_val), int(max_val))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """min(max(x, 0), 6): hardtanh(x, 0, 6), with its gradient 0 at 0 and 6."""
    return hardtanh(input, 0.0, 6.0)


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """log sigmoid(x) = -softplus(-x), without overflow."""
    return -softplus(-floats_only("log_sigmoid", input))


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """x / (1 + |x|)."""
    return input / (abs(input) + 1.0)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """min(max(x + 3, 0), 6) / 6; gradient 1/6 strictly inside (-3, 3), else 0."""
    return hardtanh(floats_only("hardsigmoid", input) + 3.0, 0.0, 6.0) / 6.0


def _hardswish_slope(a: Tensor) -> Tensor:
    """hardswish'(a) in ops of a (so second derivatives work): a/3 + 1/2 below 3, 1 from 3 on and at
    a NaN (the region at and below -3 is picked out by the backward)."""
    return where(a < 3.0, a / 3.0 + 0.5, 1.0)


class Hardswish(Function):
    """f = a hardsigmoid(a) = a min(max(a + 3, 0), 6) / 6;  df/da = 0 for a <= -3, a/3 + 1/2 for
    -3 < a < 3, 1 from 3 on and at a NaN (PyTorch's choices at the corners).

    Its backward multiplies the gradient by f' computed first, as PyTorch's (the product rule's sum of
    terms gave inf - inf, NaN, between -3 and 0 for an infinite gradient), and picks 0 at and below
    -3, so an infinite or NaN gradient stops there. The values are those of the composition
    x hardsigmoid(x), with x itself from 3 on."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        xp = _xp(a)
        above = ~(a <= 3.0)  # a itself there (hardsigmoid is exactly 1), a NaN included
        below = xp.where(above, xp.zeros_like(a), a)
        return xp.where(above, a, below * (xp.clip(below + 3.0, 0.0, 6.0) / 6.0))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0]
        flat = a <= -3.0  # 0 there even for an infinite gradient (the slope taken as 1: no inf * 0 to warn of)
        return (where(flat, 0.0, grad * where(flat, 1.0, _hardswish_slope(a))),)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x hardsigmoid(x) (:class:`Hardswish`); its gradient is 0 at and below -3 (even for an infinite
    incoming one), x/3 + 1/2 between, and 1 from 3 on (+inf and NaN too), as PyTorch's."""
    return Hardswish.apply(floats_only("hardswish", input))


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """a sigmoid(b), with a and b the first and second halves of x along ``dim``."""
    input = floats_only("glu", input)  # noqa: A001 - float tensors only, as PyTorch's
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if not -input.ndim <= dim < input.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input.ndim}, {input.ndim - 1}], "
                         f"but got {dim})")
    dim %= input.ndim
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {size}")
    before = (slice(None),) * dim
    return input[before + (slice(0, size // 2),)] * sigmoid(input[before + (slice(size // 2, size),)])


def implicit_dim(name: str, ndim: int, stacklevel: int) -> int:
    """PyTorch's choice for a softmax-like call made without ``dim`` (0 for 0-, 1- and 3-d input, else 1),
    with its warning: that choice is deprecated there."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:  # noqa: A002
    """softmax(-x) along ``dim`` (PyTorch's implicit choice, with its warning, when None)."""
    return softmax(-input, implicit_dim("softmin", input.ndim, _stacklevel) if dim is None else dim, dtype)


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """x where x > 0, else w x: one learned slope (weight of one element) or one per channel (dim 1).
    Float tensors only, as PyTorch's."""
    if input.dtype.kind != "f":
        if weight.dtype == input.dtype:
            raise not_implemented_for("prelu", input)
        raise RuntimeError(f"prelu: Type promoting not supported. Got {scalar_type_name(input.dtype)} and "
                           f"{scalar_type_name(weight.dtype)}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    count = weight.numel()
    if count != 1 and count != channels:
        raise RuntimeError("Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{count} and channel size = {channels}.")
    slopes = weight.reshape((count,) + (1,) * (input.ndim - 2)) if count > 1 else weight.reshape(())
    return where(input > 0, input, input * slopes)


def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """x - tanh(x)."""
    return input - tanh(input)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x where |x| > lambd, else 0."""
    input = floats_only("hardshrink", input)  # noqa: A001
    return where(abs(input) <= lambd, 0.0, input)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0 (-0.0 for negative x, as PyTorch)."""
    input = floats_only("softshrink", input, "softshrink_check")  # noqa: A001 - PyTorch's kernel name
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be >= 0, but found {lambd}")
    # -0.0 for a negative x, no inf * 0 outside; a constant, so the dead zone's gradient is 0 (not NaN)
    # even for an infinite one, as PyTorch's
    zero = where(abs(input) <= lambd, input.detach(), 0.0) * 0.0
    return where(~(input <= lambd), input - lambd, where(input < -lambd, input + lambd, zero))  # NaN: slope 1


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > threshold, else value; an integer tensor keeps its dtype, threshold and value cut
    to integers toward 0, as PyTorch's."""
    if isinstance(input, Tensor) and input.dtype.kind in "biu":
        refuse_bool("threshold", input)
        threshold, value = int(threshold), int(value)
    return where(input <= threshold, value, input)
