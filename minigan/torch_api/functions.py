"""``torch.add(x, y)``, ``torch.flatten(x, 1)`` and the other function forms of Tensor methods, with
PyTorch's arguments; each calls the method, so it records (or not) exactly as the method does.
``allclose``, ``equal`` and ``is_tensor`` answer with a Python bool, as in PyTorch."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..backends import backend_of


def _tensor(value: Any, name: str) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be a Tensor, not {type(value).__name__}")
    return value


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:  # noqa: A002 - PyTorch's name
    return _tensor(input, "flatten").flatten(start_dim, end_dim)


def reshape(input: Tensor, shape: Any) -> Tensor:  # noqa: A002
    return _tensor(input, "reshape").reshape(shape)


def squeeze(input: Tensor, dim: Any = None) -> Tensor:  # noqa: A002
    return _tensor(input, "squeeze").squeeze(dim)


def unsqueeze(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    return _tensor(input, "unsqueeze").unsqueeze(dim)


def add(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    """input + alpha * other."""
    return _tensor(input, "add").add(other, alpha=alpha)


def sub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    """input - alpha * other."""
    return _tensor(input, "sub").sub(other, alpha=alpha)


def mul(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    return _tensor(input, "mul").mul(other)


def div(input: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:  # noqa: A002
    """input / other; with ``rounding_mode="floor"``, input // other."""
    return _tensor(input, "div").div(other, rounding_mode=rounding_mode)


def neg(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "neg").neg()


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001, A002
    """input ** exponent; ``input`` may be a number when ``exponent`` is a Tensor (``pow(2, x)``)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("pow(): one of 'input' and 'exponent' must be a Tensor")
    return input ** exponent


def square(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "square").square()


def mm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "mm").mm(mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "bmm").bmm(mat2)


def isnan(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "isnan").isnan()


def isinf(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "isinf").isinf()


def isfinite(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "isfinite").isfinite()


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,  # noqa: A002
             equal_nan: bool = False) -> bool:
    """Whether |input - other| <= atol + rtol |other| everywhere (broadcasting as usual)."""
    a, b = _tensor(input, "allclose").array, _tensor(other, "allclose").array
    try:
        return bool(backend_of(a).xp.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))
    except ValueError:
        raise RuntimeError(f"allclose: shapes {tuple(a.shape)} and {tuple(b.shape)} do not broadcast") from None


def equal(input: Tensor, other: Tensor) -> bool:  # noqa: A002
    """Whether the two tensors have the same shape and the same elements."""
    a, b = _tensor(input, "equal").array, _tensor(other, "equal").array
    return a.shape == b.shape and bool(backend_of(a).xp.all(a == b))


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a minigan Tensor (a Parameter is one)."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:  # noqa: A002
    """The number of elements of ``input``."""
    return _tensor(input, "numel").numel()
