"""PyTorch's trapezoid rule: ``trapezoid`` (and its older name ``trapz``) sums (x[i+1] - x[i]) *
(y[i] + y[i+1]) / 2 along ``dim``; ``cumulative_trapezoid`` gives the running sums (one fewer along
``dim``). The spacing is a tensor ``x`` of sample points (1-D, or broadcast with y), a number ``dx``,
or 1. Integer y and x are read as float32, as PyTorch's; bool y is refused. They are made of slicing,
arithmetic and sum/cumsum, so their gradients (for y and for x) are those ops'."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import no_dimensions, tensor_argument, wrap_dim
from .cumulative import cumsum
from .operands import _floating
from .shape import broadcast_to, movedim


def _arguments(name: str, y: Any, x: Any, dx: Any) -> None:
    tensor_argument(name, "y", 1, y)
    if x is not None and (not isinstance(x, Tensor) or dx is not None):
        got = ", ".join(["Tensor", type(x).__name__] + ([f"dx={type(dx).__name__}"] if dx is not None else []))
        forms = ["(Tensor y, Tensor x, *, int dim = -1)", "(Tensor y, *, Number dx = 1, int dim = -1)"]
        if name == "trapz":
            forms = ["(Tensor y, *, float dx = 1, int dim = -1)", forms[0]]
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        + "".join(f" * {form}\n" for form in forms))
    if y.dtype.kind == "b":
        raise NotImplementedError(f"{name}: received a bool input for `y`, but bool is not supported")


def _steps(name: str, y: Tensor, x: Any, dx: Any, dim: int) -> tuple[Tensor, Any]:
    """y (float) with ``dim`` moved last, and the spacing: a number, or a tensor of the differences
    of x (1-D along ``dim``, or broadcast with y) that broadcasts with y's pairs."""
    if x is not None:
        x = _floating(x)
        if x.ndim == 1:
            if x.shape[0] != y.shape[dim]:
                raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        else:
            x = movedim(broadcast_to(x, tuple(np.broadcast_shapes(tuple(x.shape), tuple(y.shape)))), dim, -1)
    y = movedim(_floating(y), dim, -1)
    if x is None:
        return y, 1.0 if dx is None else dx
    return y, x[..., 1:] - x[..., :-1]


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The trapezoid rule's integral of y along ``dim``: sum (x[i+1] - x[i]) (y[i] + y[i+1]) / 2,
    with the sample points ``x`` or the spacing ``dx`` (1 by default). Fewer than two samples give 0."""
    _arguments("trapezoid", y, x, dx)
    return _integral("trapezoid", y, x, dx, dim)


def _integral(name: str, y: Tensor, x: Any, dx: Any, dim: int) -> Tensor:
    dim = wrap_dim(dim, y.ndim) if y.ndim else _no_dims(dim)
    y, step = _steps(name, y, x, dx, dim)
    if y.shape[-1] < 2:
        dtype = np.result_type(y.dtype, step.dtype) if isinstance(step, Tensor) else y.dtype
        return (y.sum(axis=-1) * 0.0).astype(dtype)
    return (step * (y[..., 1:] + y[..., :-1])).sum(axis=-1) / 2.0


def trapz(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """PyTorch's older name of :func:`trapezoid`: trapz(y, x, dim=...) or trapz(y, dx=..., dim=...)."""
    _arguments("trapz", y, x, dx)
    return _integral("trapz", y, x, dx, dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running trapezoid-rule integrals of y along ``dim`` (its size there one less): entry i is
    the integral from the first sample to sample i + 1."""
    _arguments("cumulative_trapezoid", y, x, dx)
    if y.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, y.ndim)
    y, step = _steps("cumulative_trapezoid", y, x, dx, dim)
    pieces = step * (y[..., 1:] + y[..., :-1]) / 2.0
    return movedim(cumsum(pieces, -1) if pieces.shape[-1] else pieces, -1, dim)


def _no_dims(dim: int) -> int:
    raise no_dimensions(dim)
