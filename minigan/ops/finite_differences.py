"""``torch.gradient``: a function's derivatives estimated from its samples by finite differences, as
PyTorch's (and NumPy's ``gradient``). Along each dim asked for, with samples f_i at coordinates x_i:

- inside, second-order central differences: with uniform spacing h, (f_{i+1} - f_{i-1}) / 2h; with
  coordinates, h_l = x_i - x_{i-1} and h_r = x_{i+1} - x_i,
  (-h_r / (h_l (h_l + h_r))) f_{i-1} + ((h_r - h_l) / (h_l h_r)) f_i + (h_l / (h_r (h_l + h_r))) f_{i+1};
- at the two ends, one-sided differences of first order (``edge_order=1``: (f_1 - f_0) / h) or of
  second order (``edge_order=2``: (-3/2 f_0 + 2 f_1 - 1/2 f_2) / h, and its form for coordinates).

Every estimate is a fixed linear combination of slices of the input (``narrow``), so the gradient
with respect to the input, and its second derivative, come from those ops. Spacings and
coordinates are constants. Integer input gives results in the default float dtype, and floating
coordinates of a wider dtype widen the result, as PyTorch's type promotion does."""
from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import DEFAULT_DTYPE, tensor_argument, wrap_dim
from ..backends import backend_of
from .shape import cat


def gradient(input: Tensor, *, spacing: Any = 1, dim: Any = None,  # noqa: A002 - PyTorch's names
             edge_order: int = 1) -> tuple[Tensor, ...]:
    """One tensor per dim of ``dim`` (an int, a list of ints, or None for every dim), each the
    estimated derivative along that dim. ``spacing``: one number for every dim, a list of numbers
    (one per dim), or a list of 1-D tensors of coordinates (one per dim, as long as it)."""
    tensor_argument("gradient", "input", 1, input)
    if edge_order not in (1, 2) or isinstance(edge_order, builtins.bool):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if input.dtype.kind == "b":
        raise NotImplementedError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                                  "Use the `^` or `logical_xor()` operator instead.")
    dims = _dims(input, dim)
    spacings = _spacings(input, spacing, dims, dim is None)
    x = input if input.dtype.kind == "f" else input.to(np.dtype(DEFAULT_DTYPE))
    for d in dims:
        if x.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    return tuple(_along(_promoted(x, h), d, h if isinstance(h, float) else h[0], edge_order)
                 for d, h in zip(dims, spacings))


def _promoted(x: Tensor, h: Any) -> Tensor:
    """x in the dtype of x and floating coordinates together (float32 with float64 gives float64)."""
    if isinstance(h, float) or h[1].kind != "f" or np.promote_types(x.dtype, h[1]) == x.dtype:
        return x
    return x.to(np.promote_types(x.dtype, h[1]))


def _dims(input: Tensor, dim: Any) -> list[int]:
    if dim is None:
        return list(range(input.ndim))
    listed = [dim] if isinstance(dim, numbers.Integral) and not isinstance(dim, builtins.bool) else list(dim)
    dims = [wrap_dim(d, input.ndim) for d in listed]
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return dims


def _spacings(input: Tensor, spacing: Any, dims: list[int], every_dim: bool) -> list[Any]:
    """One spacing per dim: a float h, or (a float64 NumPy array of coordinates, their dtype)."""
    if isinstance(spacing, Tensor) and spacing.ndim == 0:
        spacing = spacing.item()
    if isinstance(spacing, numbers.Number):
        return [builtins.float(spacing)] * len(dims)
    spacing = list(spacing)
    if len(spacing) != len(dims):
        if every_dim:
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
                               f"equal to 'self.dim() = {input.ndim}', since dim argument was not given, but got a "
                               f"list of length {len(spacing)}")
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                           f"arguments to have the same length, but got a spacing argument of length {len(spacing)} "
                           f"and a dim argument of length {len(dims)}.")
    found = []
    for d, h in zip(dims, spacing):
        if isinstance(h, Tensor) and h.ndim != 1:
            if h.ndim == 0:
                found.append(builtins.float(h.item()))
                continue
            raise RuntimeError(f"torch.gradient expected each element of spacing to have one dimension, but got an "
                               f"element with {h.ndim} dimensions!")
        if isinstance(h, Tensor):
            if h.shape[0] != input.shape[d]:
                raise RuntimeError(f"torch.gradient expected each tensor of coordinates to have as many elements "
                                   f"as dim {d} of the input ({input.shape[d]}), but got one of {h.shape[0]}")
            found.append((backend_of(h.array).to_numpy(h.array).astype(np.float64), h.dtype))
        else:
            found.append(builtins.float(h))
    return found


def _constant(x: Tensor, values: Any, d: int) -> Tensor:
    """``values`` (a number or a 1-D float64 array along dim ``d``) as a constant in x's dtype, shaped to
    broadcast against x."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim:
        array = array.reshape(tuple(array.shape[0] if k == d else 1 for k in range(x.ndim)))
    backend = backend_of(x.array)
    return Tensor._make(backend.asarray(array.astype(backend.numpy_dtype(x.dtype))), False, None)


def _along(x: Tensor, d: int, h: Any, edge_order: int) -> Tensor:
    n = x.shape[d]

    def part(start: int, length: int) -> Tensor:
        return x.narrow(d, start, length)

    if isinstance(h, float):
        inner = (part(2, n - 2) - part(0, n - 2)) / (2.0 * h)
        if edge_order == 1:
            first, last = (part(1, 1) - part(0, 1)) / h, (part(n - 1, 1) - part(n - 2, 1)) / h
        else:
            first = (part(0, 1) * -1.5 + part(1, 1) * 2.0 - part(2, 1) * 0.5) / h
            last = (part(n - 3, 1) * 0.5 - part(n - 2, 1) * 2.0 + part(n - 1, 1) * 1.5) / h
        return cat([first, inner, last], d)
    dx = np.diff(h)
    left, right = dx[:-1], dx[1:]
    inner = (part(0, n - 2) * _constant(x, -right / (left * (left + right)), d)
             + part(1, n - 2) * _constant(x, (right - left) / (left * right), d)
             + part(2, n - 2) * _constant(x, left / (right * (left + right)), d))
    if edge_order == 1:
        first = (part(1, 1) - part(0, 1)) * _constant(x, 1.0 / dx[0], d)
        last = (part(n - 1, 1) - part(n - 2, 1)) * _constant(x, 1.0 / dx[-1], d)
    else:
        a, b = dx[0], dx[1]
        first = (part(0, 1) * _constant(x, -(2 * a + b) / (a * (a + b)), d)
                 + part(1, 1) * _constant(x, (a + b) / (a * b), d)
                 + part(2, 1) * _constant(x, -a / (b * (a + b)), d))
        a, b = dx[-2], dx[-1]
        last = (part(n - 3, 1) * _constant(x, b / (a * (a + b)), d)
                + part(n - 2, 1) * _constant(x, -(a + b) / (a * b), d)
                + part(n - 1, 1) * _constant(x, (2 * b + a) / (b * (a + b)), d))
    return cat([first, inner, last], d)
