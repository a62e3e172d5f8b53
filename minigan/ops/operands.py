"""What every op module shares: operands made Tensors, the array namespace, constants, and the
parts of a one-input elementwise op (forward from the namespace, backward as the gradient times f')."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..autograd import DEFAULT_DTYPE, Tensor, as_tensor
from ..autograd.function import Context
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of, numpy_dtype_of
from ..torch_api.out_argument import takes_out

Axis = int | Sequence[int] | None


class ShapeError(ValueError, RuntimeError):
    """Operands whose shapes do not fit together. PyTorch raises RuntimeError for these and
    NumPy ValueError; this is both, so either ``except`` catches it."""


def _pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands as Tensors; a constant takes the dtype of the Tensor beside it. An integer
    or bool Tensor beside a float one becomes float, as PyTorch promotes (NumPy would give float64)."""
    if isinstance(a, Tensor):
        b = as_tensor(b, a)
    elif isinstance(b, Tensor):
        a = as_tensor(a, b)
    else:
        a = as_tensor(a)
        b = as_tensor(b, a)
    if a.array.dtype is not b.array.dtype:  # identity: cheap, and no cross-library dtype comparison
        return _promoted(a, b)
    return a, b


def wrapped_integer(number: Any, beside: Any) -> Any:
    """A Python integer beside an integer Tensor, in that dtype's range: PyTorch casts it to the
    tensor's dtype, wrapping as C does (uint8 + 300 adds 44; int8 - 300 subtracts -44; uint8 & 300
    is uint8 & 44), where NumPy would raise; one that no 64-bit integer holds gets PyTorch's
    OverflowError. Anything else as it is."""
    if not isinstance(number, (int, np.integer)) or isinstance(number, (bool, np.bool_)) \
            or not isinstance(beside, Tensor) or beside.dtype.kind not in "iu":
        return number
    info = np.iinfo(beside.dtype)
    if info.min <= number <= info.max:
        return number
    if not -2**63 <= number < 2**64:  # PyTorch reads it as a 64-bit C integer first
        raise OverflowError("int too big to convert" if number > 0 else "can't convert negative int to unsigned")
    return (int(number) - info.min) % (info.max - info.min + 1) + info.min


def is_bool(value: Any) -> bool:
    """A Python or NumPy bool, or a bool Tensor (its dtype read from its array: cheap on the hot path)."""
    if isinstance(value, Tensor):
        return numpy_dtype_of(value.array).kind == "b"
    return isinstance(value, (bool, np.bool_))


def not_implemented_for(name: str, tensor: Tensor) -> NotImplementedError:
    """PyTorch's error for a dtype its kernel lacks: '"hypot_cpu" not implemented for 'Long''."""
    return NotImplementedError(f"\"{name}_{tensor.device.type}\" not implemented for '{scalar_type_name(tensor.dtype)}'")


def floats_only(name: str, input: Any, kernel: str | None = None) -> Tensor:  # noqa: A002
    """``input`` as a Tensor; an integer or bool one gets PyTorch's NotImplementedError, which names
    its kernel: ``name`` and the device ('"silu_cpu" not implemented for 'Long''), or ``kernel``."""
    input = input if isinstance(input, Tensor) else as_tensor(input)  # noqa: A001
    if input.dtype.kind != "f":
        if kernel is None:
            raise not_implemented_for(name, input)
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(input.dtype)}'")
    return input


def refuse_bool(name: str, input: Any) -> None:  # noqa: A002
    """PyTorch's NotImplementedError for a bool tensor given to ``abs``, ``floor`` and the like."""
    if isinstance(input, Tensor) and input.dtype.kind == "b":
        raise not_implemented_for(name, input)


def _promoted(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """``a`` and ``b`` with an integer/bool side cast to the float side's dtype, and a bool side to
    an integer side's (as PyTorch; the array API has no arithmetic on bools). Of two floats (or
    two integers) of different widths, a 0-d tensor beside a larger one takes the larger one's
    dtype, as in PyTorch (a float64 scalar tensor does not make a float32 batch float64); a
    float 0-d tensor that requires grad is cast by a recorded op, so its gradient comes back
    in its own dtype. Otherwise the array library widens, as PyTorch does."""
    a_float, b_float = a.dtype.kind == "f", b.dtype.kind == "f"
    if a_float and not b_float:
        return a, _cast_constant(b, a.dtype)
    if b_float and not a_float:
        return _cast_constant(a, b.dtype), b
    if (a.dtype.kind == "b") != (b.dtype.kind == "b"):  # a bool beside an integer takes the integer's dtype
        return (_cast_constant(a, b.dtype), b) if a.dtype.kind == "b" else (a, _cast_constant(b, a.dtype))
    if (a.dtype.kind in "iu") == (b.dtype.kind in "iu") and (a.ndim == 0) != (b.ndim == 0):
        if a.ndim == 0:
            return a.astype(b.dtype), b
        return a, b.astype(a.dtype)
    return a, b


def _cast_constant(t: Tensor, dtype: Any) -> Tensor:
    """A Tensor that cannot require grad (integer or bool) cast to ``dtype``."""
    backend = backend_of(t.array)
    return Tensor._make(backend.xp.astype(t.array, backend.native_dtype(dtype)), False, None)


def _xp(array: Any) -> Any:
    """The array namespace of ``array``'s backend (NumPy, CuPy's array-API namespace, ...)."""
    return backend_of(array).xp


def _floating(a: Any) -> Tensor:
    """``a`` as a float Tensor: an integer or bool one becomes float32, as PyTorch's ``sin``, ``rsqrt``... of
    an integer tensor do (NumPy would give float64)."""
    a = a if isinstance(a, Tensor) else as_tensor(a)
    return a if a.dtype.kind == "f" else a.astype(DEFAULT_DTYPE)


def _on_floats(function: type) -> Callable[[Any], Tensor]:
    """``torch.sin`` and the like: ``function`` (a one-input Function) applied to ``input`` made float,
    with PyTorch's ``out=``."""

    def op(input: Any) -> Tensor:  # noqa: A002 - PyTorch's argument name
        return function.apply(_floating(input))

    op.__name__ = op.__qualname__ = function.__name__.lower()
    op.__module__ = function.__module__
    op.__doc__ = f"{function.__doc__.splitlines()[0]}\n\nAn integer tensor is made float32 first, as PyTorch does."
    return takes_out(op)


def _ufunc(name: str) -> staticmethod:
    """A one-input Function's ``forward``: the array namespace's elementwise function ``name`` (``sin``...)."""

    def forward(ctx: Context, a: Any) -> Any:
        return getattr(_xp(a), name)(a)

    return staticmethod(forward)


def _times_derivative(derivative: Callable[[Tensor], Tensor], of_output: bool = False) -> staticmethod:
    """A one-input Function's ``backward``: the gradient times f', written in Tensor ops (so that
    create_graph records it) of the input a, or of the output f with ``of_output`` (the class then
    says ``saved_inputs, saves_output = (), True``)."""

    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * derivative(ctx.output if of_output else ctx.inputs[0]),)

    return staticmethod(backward)


def _any_nonzero(t: Tensor) -> bool:
    """Whether any value of t is nonzero (NaN counts), on any device: the test a backward uses to
    leave out the terms of a factor that got no gradient."""
    return bool(_xp(t.array).any(t.array != 0))


def _constant(array: Any) -> Tensor:
    """An array that backward uses as a fixed factor (a mask, a sign): it has no gradient."""
    return Tensor._make(array, False, None)


def ieee_quotient(xp: Any, numerator: Any, denominator: Any) -> Any:
    """numerator / denominator as IEEE division gives it (x/±0 an infinity of the signs' product,
    0/0, NaN/0 and inf/inf NaN), as PyTorch's does, without the divisions NumPy warns of."""
    zero = denominator == 0
    infinities = xp.isinf(numerator) & xp.isinf(denominator)
    quotient = numerator / xp.where(zero | infinities, xp.ones_like(denominator), denominator)
    nan = xp.full_like(quotient, xp.nan)
    infinite = xp.copysign(xp.full_like(quotient, xp.inf), numerator) * xp.copysign(xp.ones_like(quotient), denominator)
    undefined = (numerator == 0) | xp.isnan(numerator)
    return xp.where(infinities, nan, xp.where(zero, xp.where(undefined, nan, infinite), quotient))


def broadcast_pair(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    """The shape that the shapes ``a`` and ``b`` broadcast to (a 0 against a 1 gives 0), or PyTorch's
    RuntimeError naming the first dimension, from the right, where they do not."""
    width = max(len(a), len(b))
    left, right = (1,) * (width - len(a)) + tuple(a), (1,) * (width - len(b)) + tuple(b)
    for d in reversed(range(width)):
        if 1 != left[d] != right[d] != 1:
            raise RuntimeError(f"The size of tensor a ({left[d]}) must match the size of tensor b ({right[d]}) at "
                               f"non-singleton dimension {d}")
    return tuple(m if n == 1 else n for m, n in zip(left, right))


def _check_broadcast(name: str, a: Any, b: Any) -> None:
    """Raise PyTorch's RuntimeError, naming the first mismatched dimension from the right, when
    the shapes of ``a`` and ``b`` do not broadcast (the ops call it only when the shapes differ)."""
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        width = max(len(a.shape), len(b.shape))
        left = (1,) * (width - len(a.shape)) + tuple(a.shape)
        right = (1,) * (width - len(b.shape)) + tuple(b.shape)
        dim = next(d for d in reversed(range(width)) if 1 != left[d] != right[d] != 1)
        raise ShapeError(f"{name}: the size of tensor a ({left[dim]}) must match the size of tensor b ({right[dim]}) "
                           f"at non-singleton dimension {dim} (shapes {tuple(a.shape)} and {tuple(b.shape)})") from None
