"""PyTorch's functions of a number's representation: ``frexp`` (mantissa in [0.5, 1) and int32
exponent), ``nextafter`` (the next representable float towards another), ``gcd`` and ``lcm``
(integer tensors), and the tests ``isposinf``, ``isneginf`` and ``isreal`` (bool results). The
mantissa is x times a constant power of two, so its gradient, 2^-exponent, comes from the product;
nextafter is a small Function (its gradient is 1 for input, 0 for other, as PyTorch's: the step it
adds is too small to count). gcd, lcm and the tests have no gradient."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor, unbroadcast
from ..autograd.function import Context, Function
from ..backends import backend_of, to_numpy
from .elementwise import weighted
from .elementwise_more import tensors_only
from .operands import _check_broadcast, _constant, _pair, _xp, not_implemented_for
from ..torch_api.out_argument import takes_out

#: What ``frexp`` returns, as ``torch.return_types.frexp``: ``.mantissa``, ``.exponent``.
FrexpResult = namedtuple("frexp", ["mantissa", "exponent"])


@takes_out
def frexp(input: Tensor) -> FrexpResult:  # noqa: A002
    """(mantissa, exponent) with input = mantissa * 2^exponent, |mantissa| in [0.5, 1) (0, inf and
    NaN keep their value, with exponent 0); exponent is int32. d mantissa / d input = 2^-exponent."""
    tensors_only("frexp", input=input)
    if input.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    backend = backend_of(input.array)
    _, exponent = np.frexp(to_numpy(input.array))
    # 2^-exponent as two factors, each inside the dtype's range (a subnormal's 2^-exponent is not), and
    # exact: multiplying by a power of two moves only the exponent.
    first = -(exponent // 2)
    second = -exponent - first
    dtype = to_numpy(input.array).dtype
    scale1, scale2 = (_constant(backend.asarray(np.ldexp(np.ones((), dtype), e).astype(dtype))) for e in (first, second))
    mantissa = (input * scale1) * scale2
    return FrexpResult(mantissa, _constant(backend.asarray(exponent.astype(np.int32))))


class Nextafter(Function):
    """f = the next float after a towards b (b itself when a == b);  df/da = [a != b] (0 where f is b,
    1 elsewhere, a NaN included), df/db = 0, as PyTorch's."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("nextafter", a, b)
        ctx.shapes = (a.shape, b.shape)
        ctx.moves = a != b
        return _xp(a).nextafter(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        shape_a, shape_b = ctx.shapes
        moves = _xp(grad.array).astype(ctx.moves, grad.array.dtype)
        # picked, so an infinite or NaN gradient gives 0 where f is b, and to b, as PyTorch's
        grad_a = unbroadcast(weighted(grad, moves), shape_a) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(weighted(grad, _xp(moves).zeros_like(moves)), shape_b) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


@takes_out
def nextafter(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The next representable value after each element of input towards other's, in the float dtype
    the two promote to; integer tensors are refused, as PyTorch's."""
    tensors_only("nextafter", input=input, other=other)
    a, b = _pair(input, other)
    if a.dtype.kind != "f":
        raise not_implemented_for("nextafter", a)
    return Nextafter.apply(a, b)


def _integers(name: str, input: Any, other: Any) -> tuple[Tensor, Tensor, Any]:
    tensors_only(name, input=input, other=other)
    a, b = _pair(input, other)
    if a.dtype.kind not in "iu":
        raise not_implemented_for(name, a)
    return a, b, backend_of(a.array)


def _gcd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.gcd(a, b)


@takes_out
def gcd(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The greatest common divisor of the elements, >= 0 (gcd(0, 0) = 0), in the integer dtype the two
    tensors promote to."""
    a, b, backend = _integers("gcd", input, other)
    if a.shape != b.shape:
        _check_broadcast("gcd", a.array, b.array)
    return _constant(backend.asarray(_gcd(to_numpy(a.array), to_numpy(b.array))))


@takes_out
def lcm(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The least common multiple of the elements, >= 0 (0 when either is 0), in the integer dtype the two
    tensors promote to; a multiple past the dtype wraps around, as PyTorch's."""
    a, b, backend = _integers("lcm", input, other)
    if a.shape != b.shape:
        _check_broadcast("lcm", a.array, b.array)
    left, right = to_numpy(a.array), to_numpy(b.array)
    divisor = _gcd(left, right)
    dtype = np.promote_types(left.dtype, right.dtype)  # lcm(int32, int64) is int64, as PyTorch's
    # C's arithmetic, as PyTorch's: in at least 32 bits, then wrapped into the dtype
    wide = np.promote_types(dtype, np.int32)
    with np.errstate(over="ignore"):
        multiple = np.abs((left // np.where(divisor == 0, 1, divisor)).astype(wide) * right.astype(wide))
    return _constant(backend.asarray(np.where(divisor == 0, 0, multiple).astype(dtype)))


def _test(name: str, input: Any, test: Any) -> Tensor:
    tensors_only(name, input=input)
    x, xp = input.array, _xp(input.array)
    if input.dtype.kind != "f":
        return _constant(xp.zeros(x.shape, dtype=xp.bool, device=x.device))
    return _constant(test(xp, x))


@takes_out
def isposinf(input: Tensor) -> Tensor:  # noqa: A002
    """Whether each element is +inf (a bool tensor; always False for integer and bool tensors)."""
    return _test("isposinf", input, lambda xp, x: xp.isinf(x) & (x > 0))


@takes_out
def isneginf(input: Tensor) -> Tensor:  # noqa: A002
    """Whether each element is -inf (a bool tensor; always False for integer and bool tensors)."""
    return _test("isneginf", input, lambda xp, x: xp.isinf(x) & (x < 0))


def isreal(input: Tensor) -> Tensor:  # noqa: A002
    """Whether each element's imaginary part is 0: all True, as minigan's tensors are real."""
    tensors_only("isreal", input=input)
    x, xp = input.array, _xp(input.array)
    return _constant(xp.ones(x.shape, dtype=xp.bool, device=x.device))
