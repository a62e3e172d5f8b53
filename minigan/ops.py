"""The primitive ops. Each is one ``Function`` (forward on arrays, backward in Tensor ops,
side by side) plus a lowercase wrapper. Docstrings give f and its derivative.

Because every backward is made of these same ops, the backward pass can be recorded
(``create_graph=True``), which gives second derivatives for everything here.
"""
from __future__ import annotations

import builtins
import math
from typing import Any, Sequence

import numpy as np

from . import formulas
from .backends import Device, backend_of, move
from .function import Context, Function, is_grad_enabled, unbroadcast
from .tensor import Tensor, as_tensor

Axis = int | Sequence[int] | None


def _pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands as Tensors; a constant takes the dtype of the Tensor beside it."""
    if isinstance(a, Tensor):
        return a, as_tensor(b, a)
    if isinstance(b, Tensor):
        return as_tensor(a, b), b
    a = as_tensor(a)
    return a, as_tensor(b, a)


def _xp(array: Any) -> Any:
    """The array namespace of ``array``'s backend (NumPy, CuPy's array-API namespace, ...)."""
    return backend_of(array).xp


def _constant(array: Any) -> Tensor:
    """An array that backward uses as a fixed factor (a mask, a sign): it has no gradient."""
    return Tensor._make(array, False, None)


def _check_broadcast(name: str, a: Any, b: Any) -> None:
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{name}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be broadcast together") from None


# ============================================================== arithmetic
class Add(Function):
    """f = a + b;  df/da = 1, df/db = 1 (summed over broadcast axes)."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("add", a, b)
        return a + b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        return unbroadcast(grad, a.shape), unbroadcast(grad, b.shape)


class Sub(Function):
    """f = a - b;  df/da = 1, df/db = -1."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("sub", a, b)
        return a - b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_b = unbroadcast(neg(grad), b.shape) if ctx.needs_input_grad[1] else None
        return unbroadcast(grad, a.shape), grad_b


class Mul(Function):
    """f = a * b;  df/da = b, df/db = a."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("mul", a, b)
        return a * b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_a = unbroadcast(grad * b, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(grad * a, b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Function):
    """f = a / b;  df/da = 1/b, df/db = -a/b^2."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("div", a, b)
        return a / b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_a = unbroadcast(grad / b, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(neg(grad * a / (b * b)), b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Neg(Function):
    """f = -a;  df/da = -1."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return -a

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (neg(grad),)


class PowScalar(Function):
    """f = a ** p for a constant p;  df/da = p * a ** (p - 1)."""

    @staticmethod
    def forward(ctx: Context, a: Any, exponent: float) -> Any:
        return a**exponent

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        p = ctx.options["exponent"]
        if p == 2:  # the common square: avoid pow for speed and exactness
            return (grad * a * 2.0,)
        return (grad * pow(a, p - 1) * p,)


class Pow(Function):
    """f = a ** b;  df/da = b * a ** (b - 1), df/db = f * log(a) (needs a > 0)."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("pow", a, b)
        return a**b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        grad_a = unbroadcast(grad * b * pow(a, b - 1.0), a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(grad * ctx.output * log(a), b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


def add(a: Any, b: Any) -> Tensor:
    return Add.apply(*_pair(a, b))


def sub(a: Any, b: Any) -> Tensor:
    return Sub.apply(*_pair(a, b))


def mul(a: Any, b: Any) -> Tensor:
    return Mul.apply(*_pair(a, b))


def div(a: Any, b: Any) -> Tensor:
    return Div.apply(*_pair(a, b))


def neg(a: Tensor) -> Tensor:
    return Neg.apply(a)


def pow(a: Any, exponent: Any) -> Tensor:  # noqa: A001 - mirrors torch.pow
    """``a ** exponent``; a Python number as exponent is a constant, a Tensor is differentiable."""
    if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
        return PowScalar.apply(as_tensor(a), exponent=float(exponent))
    return Pow.apply(*_pair(a, exponent))


# ============================================================== matmul
class MatMul(Function):
    """f = a @ b (NumPy's rules: 1-D operands, batched stacks);  df/da = g @ b^T, df/db = a^T @ g."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul: operands must be at least 1-D, got shapes {tuple(a.shape)} and {tuple(b.shape)}")
        inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if a.shape[-1] != inner_b:
            raise ValueError(
                f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} do not match "
                f"({a.shape[-1]} columns in the first, {inner_b} rows in the second)"
            )
        return _xp(a).matmul(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        # Promote 1-D operands to matrices as NumPy does, so one formula covers every case.
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        out_shape = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1])
        grad2 = grad.reshape(out_shape)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = unbroadcast(matmul(grad2, _swap_last(b2)), a2.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            grad_b = unbroadcast(matmul(_swap_last(a2), grad2), b2.shape).reshape(b.shape)
        return grad_a, grad_b


def _swap_last(x: Tensor) -> Tensor:
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return transpose(x, axes)


def matmul(a: Any, b: Any) -> Tensor:
    return MatMul.apply(*_pair(a, b))


# ============================================================== elementwise math
class Exp(Function):
    """f = exp(a);  df/da = f (the output is reused)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).exp(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * ctx.output,)


class Log(Function):
    """f = log(a);  df/da = 1/a."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).log(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad / ctx.inputs[0],)


class Sqrt(Function):
    """f = sqrt(a);  df/da = 1 / (2 f)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).sqrt(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad / (ctx.output * 2.0),)


class Abs(Function):
    """f = |a|;  df/da = sign(a) (0 at a = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _xp(a).abs(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0].data
        return (grad * _constant(_xp(a).sign(a)),)


class Clamp(Function):
    """f = min(max(a, low), high);  df/da = 1 where low <= a <= high, else 0."""

    @staticmethod
    def forward(ctx: Context, a: Any, low: float | None, high: float | None) -> Any:
        return _xp(a).clip(a, low, high)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0].data
        low, high = ctx.options["low"], ctx.options["high"]
        if low is None:
            inside = a <= high
        elif high is None:
            inside = a >= low
        else:
            inside = (a >= low) & (a <= high)
        return (grad * _constant(_xp(a).astype(inside, a.dtype)),)


class Maximum(Function):
    """f = max(a, b);  df/da = [a > b] + [a = b]/2, df/db = [b > a] + [a = b]/2 (ties split, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("maximum", a, b)
        return _xp(a).maximum(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return _tie_split_backward(ctx, grad, lambda a, b: a > b)


class Minimum(Function):
    """f = min(a, b);  df/da = [a < b] + [a = b]/2, df/db = [b < a] + [a = b]/2."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Any:
        if a.shape != b.shape:
            _check_broadcast("minimum", a, b)
        return _xp(a).minimum(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return _tie_split_backward(ctx, grad, lambda a, b: a < b)


def _tie_split_backward(ctx: Context, grad: Tensor, a_wins: Any) -> tuple[Tensor | None, ...]:
    a, b = ctx.inputs
    xp, dtype = _xp(grad.data), grad.data.dtype
    weight_a = xp.astype(a_wins(a.data, b.data), dtype) + xp.astype(a.data == b.data, dtype) * 0.5
    grad_a = unbroadcast(grad * _constant(weight_a), a.shape) if ctx.needs_input_grad[0] else None
    grad_b = unbroadcast(grad * _constant(1.0 - weight_a), b.shape) if ctx.needs_input_grad[1] else None
    return grad_a, grad_b


class Where(Function):
    """f = a where condition else b;  df/da = [condition], df/db = [not condition]."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any, condition: Any) -> Any:
        return _xp(a).where(condition, a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.inputs
        chosen = _xp(grad.data).astype(ctx.options["condition"], grad.data.dtype)
        grad_a = unbroadcast(grad * _constant(chosen), a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(grad * _constant(1.0 - chosen), b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class AsType(Function):
    """f = a converted to another float dtype;  df/da = 1 (converted back)."""

    @staticmethod
    def forward(ctx: Context, a: Any, dtype: Any) -> Any:
        backend = backend_of(a)
        return backend.xp.astype(a, backend.native_dtype(dtype))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (astype(grad, ctx.inputs[0].dtype),)


class ToDevice(Function):
    """f = a copied to another device;  df/da = the gradient copied back to a's device."""

    @staticmethod
    def forward(ctx: Context, a: Any, device: Device) -> Any:
        return move(a, device)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (to_device(grad, ctx.inputs[0].device),)


def to_device(a: Tensor, device: Any) -> Tensor:
    """``a`` on ``device`` ("cpu" or "cuda"), as a differentiable copy (``a`` itself if it is there)."""
    device = Device(device)
    if a.device == device:
        return a
    return ToDevice.apply(a, device=device)


def exp(a: Tensor) -> Tensor:
    return Exp.apply(a)


def log(a: Tensor) -> Tensor:
    return Log.apply(a)


def sqrt(a: Tensor) -> Tensor:
    return Sqrt.apply(a)


def abs(a: Tensor) -> Tensor:  # noqa: A001 - mirrors torch.abs
    return Abs.apply(a)


def clamp(a: Tensor, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
    if min is None and max is None:
        raise ValueError("clamp: give at least one of min and max")
    return Clamp.apply(a, low=min, high=max)


clip = clamp


def maximum(a: Any, b: Any) -> Tensor:
    return Maximum.apply(*_pair(a, b))


def minimum(a: Any, b: Any) -> Tensor:
    return Minimum.apply(*_pair(a, b))


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Pick ``a`` where ``condition`` holds, else ``b`` (``condition`` is a boolean array)."""
    a, b = _pair(a, b)
    condition = condition.data if isinstance(condition, Tensor) else condition
    backend = backend_of(a.data)
    condition = backend.xp.astype(backend.asarray(condition), backend.xp.bool, copy=False)
    shapes = [tuple(condition.shape), a.shape, b.shape]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"where: condition, a and b have shapes {shapes} that cannot be broadcast together") from None
    return Where.apply(a, b, condition=condition)


def astype(a: Tensor, dtype: Any) -> Tensor:
    from .tensor import _check_float_dtype

    dtype = _check_float_dtype(dtype)
    if a.dtype == dtype:
        return a
    return AsType.apply(a, dtype=dtype)


# ============================================================== reductions
def _normalize_axis(axis: Axis, ndim: int) -> tuple[int, ...] | None:
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalized = []
    for ax in axes:
        if not -ndim <= ax < builtins.max(ndim, 1):
            raise ValueError(f"axis {ax} is out of range for a tensor with {ndim} dimensions")
        normalized.append(int(ax) % builtins.max(ndim, 1))
    return tuple(sorted(set(normalized)))


def _reduced_count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    if axes is None:
        return int(np.prod(shape, dtype=np.int64))
    return int(np.prod([shape[ax] for ax in axes], dtype=np.int64))


def _expand_back(grad: Tensor, shape: tuple[int, ...], axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
    """Undo a reduction's shape change: put the reduced axes back as size 1, then broadcast."""
    if not keepdims:
        kept = tuple(1 if axes is None or i in axes else n for i, n in enumerate(shape))
        grad = grad.reshape(kept)
    return broadcast_to(grad, shape)


class Sum(Function):
    """f = sum of a over axes;  df/da = 1 (the gradient is broadcast back)."""

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...] | None, keepdims: bool) -> Any:
        return _xp(a).sum(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        shape = ctx.inputs[0].shape
        return (_expand_back(grad, shape, ctx.options["axes"], ctx.options["keepdims"]),)


class Mean(Function):
    """f = sum(a) / n over axes;  df/da = 1/n."""

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...] | None, keepdims: bool) -> Any:
        if _reduced_count(a.shape, axes) == 0:
            raise ValueError(f"mean of an empty selection (shape {tuple(a.shape)}, axis {axes})")
        return _xp(a).mean(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        shape = ctx.inputs[0].shape
        count = _reduced_count(shape, ctx.options["axes"])
        return (_expand_back(grad, shape, ctx.options["axes"], ctx.options["keepdims"]) / float(count),)


class Max(Function):
    """f = max of a over axes;  df/da = 1 at the maximum (split evenly between ties), else 0."""

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...] | None, keepdims: bool) -> Any:
        if a.size == 0:
            raise ValueError(f"max of an empty tensor (shape {tuple(a.shape)})")
        return _xp(a).max(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a = ctx.inputs[0].data
        axes = ctx.options["axes"]
        xp = _xp(a)
        winners = xp.astype(a == xp.max(a, axis=axes, keepdims=True), a.dtype)
        share = winners / xp.sum(winners, axis=axes, keepdims=True)
        expanded = _expand_back(grad, a.shape, axes, ctx.options["keepdims"])
        return (expanded * _constant(share),)


class Var(Function):
    """f = sum((a - mean a)^2) / (n - ddof) over axes;  df/da = 2 (a - mean a) / (n - ddof)."""

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...] | None, keepdims: bool, ddof: int) -> Any:
        if _reduced_count(a.shape, axes) - ddof <= 0:
            raise ValueError(f"var: {_reduced_count(a.shape, axes)} values with ddof={ddof} leave no degrees of freedom")
        return _xp(a).var(a, axis=axes, keepdims=keepdims, correction=ddof)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = ctx.inputs
        axes, ddof = ctx.options["axes"], ctx.options["ddof"]
        centred = a - mean(a, axes, keepdims=True)
        scale = 2.0 / (_reduced_count(a.shape, axes) - ddof)
        return (_expand_back(grad, a.shape, axes, ctx.options["keepdims"]) * centred * scale,)


def sum(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return Sum.apply(a, axes=_normalize_axis(axis, a.ndim), keepdims=keepdims)


def mean(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return Mean.apply(a, axes=_normalize_axis(axis, a.ndim), keepdims=keepdims)


def max(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return Max.apply(a, axes=_normalize_axis(axis, a.ndim), keepdims=keepdims)


def min(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return neg(max(neg(a), axis, keepdims))


def var(a: Tensor, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    return Var.apply(a, axes=_normalize_axis(axis, a.ndim), keepdims=keepdims, ddof=int(ddof))


# ============================================================== shape
class Reshape(Function):
    """f = a with a new shape;  df/da = the gradient reshaped back."""

    @staticmethod
    def forward(ctx: Context, a: Any, shape: tuple[int, ...]) -> Any:
        try:
            return _xp(a).reshape(a, shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {tuple(a.shape)} ({a.size} values) into {shape}") from None

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad.reshape(ctx.inputs[0].shape),)


class Transpose(Function):
    """f = a with its axes permuted;  df/da = the gradient permuted back."""

    @staticmethod
    def forward(ctx: Context, a: Any, axes: tuple[int, ...]) -> Any:
        return _xp(a).permute_dims(a, axes)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (transpose(grad, tuple(int(i) for i in np.argsort(ctx.options["axes"]))),)


class BroadcastTo(Function):
    """f = a repeated along broadcast axes;  df/da = the gradient summed over them."""

    @staticmethod
    def forward(ctx: Context, a: Any, shape: tuple[int, ...]) -> Any:
        try:
            return _xp(a).broadcast_to(a, shape)
        except ValueError:
            raise ValueError(f"expand: cannot broadcast shape {tuple(a.shape)} to {shape}") from None

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (unbroadcast(grad, ctx.inputs[0].shape),)


def reshape(a: Tensor, shape: Sequence[int]) -> Tensor:
    shape = tuple(int(n) for n in shape)
    if shape == a.shape:
        return a
    return Reshape.apply(a, shape=shape)


def transpose(a: Tensor, axes: Sequence[int] | None = None) -> Tensor:
    """Permute axes (reverse them when ``axes`` is None), like ``np.transpose``."""
    if axes is None:
        axes = tuple(reversed(range(a.ndim)))
    axes = tuple(int(ax) % builtins.max(a.ndim, 1) for ax in axes)
    if sorted(axes) != list(range(a.ndim)):
        raise ValueError(f"transpose: {axes} is not a permutation of the {a.ndim} axes of a tensor of shape {a.shape}")
    return Transpose.apply(a, axes=axes)


permute = transpose


def broadcast_to(a: Tensor, shape: Sequence[int]) -> Tensor:
    shape = tuple(int(n) for n in shape)
    if shape == a.shape:
        return a
    return BroadcastTo.apply(a, shape=shape)


expand = broadcast_to


# ============================================================== indexing and joining
def _normalize_index(index: Any, backend: Any) -> tuple[Any, bool]:
    """Index with Tensors and lists turned into arrays of ``backend``; also whether it has
    integer arrays, which can pick one element twice and so need an accumulating scatter in
    backward."""
    items = index if isinstance(index, tuple) else (index,)
    normalized, advanced = [], False
    for item in items:
        if isinstance(item, Tensor):
            item = item.data
        if isinstance(item, list):
            item = np.asarray(item)
        if hasattr(item, "dtype") and not isinstance(item, np.integer):
            kind = backend_of(item).numpy_dtype(item.dtype).kind
            if kind in "iu":
                advanced = True
            elif kind not in "b":
                raise IndexError(f"tensors can only be indexed with integers, slices or boolean masks, not {item.dtype} arrays")
            item = backend.asarray(item)
        normalized.append(item)
    lone_mask = len(normalized) == 1 and hasattr(normalized[0], "dtype")
    if not advanced and not lone_mask and not any(item is Ellipsis for item in normalized):
        normalized.append(Ellipsis)  # the array-API standard wants the remaining axes said
    return tuple(normalized), advanced


class GetItem(Function):
    """f = a[index];  df/da = the gradient scattered back (added where an index repeats)."""

    @staticmethod
    def forward(ctx: Context, a: Any, index: tuple[Any, ...], advanced: bool) -> Any:
        try:
            return backend_of(a).take(a, index) if advanced else a[index[0] if len(index) == 1 else index]
        except IndexError as error:
            raise IndexError(f"index into a tensor of shape {tuple(a.shape)}: {error}") from None

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        opts = ctx.options
        return (ScatterAdd.apply(grad, index=opts["index"], advanced=opts["advanced"], shape=ctx.inputs[0].shape),)


class ScatterAdd(Function):
    """f = zeros(shape) with g added at index (the adjoint of getitem);  df/dg = df[index]."""

    @staticmethod
    def forward(ctx: Context, g: Any, index: tuple[Any, ...], advanced: bool, shape: tuple[int, ...]) -> Any:
        backend = backend_of(g)
        out = backend.xp.zeros(shape, dtype=g.dtype, device=g.device)
        if advanced:  # an integer array may pick one element twice: add once per pick
            backend.scatter_add(out, index, g)
        else:  # slices, integers and masks never select an element twice
            out[index[0] if len(index) == 1 else index] = g
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        opts = ctx.options
        return (GetItem.apply(grad, index=opts["index"], advanced=opts["advanced"]),)


def getitem(a: Tensor, index: Any) -> Tensor:
    index, advanced = _normalize_index(index, backend_of(a.data))
    return GetItem.apply(a, index=index, advanced=advanced)


class Concatenate(Function):
    """f = the inputs joined along an axis;  df/d(input i) = the gradient's slice for input i."""

    @staticmethod
    def forward(ctx: Context, *arrays: Any, axis: int) -> Any:
        return _xp(arrays[0]).concat(arrays, axis=axis)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        axis = ctx.options["axis"]
        grads, start = [], 0
        for tensor, needed in zip(ctx.inputs, ctx.needs_input_grad):
            stop = start + tensor.shape[axis]
            index = (slice(None),) * axis + (slice(start, stop),)
            grads.append(grad[index] if needed else None)
            start = stop
        return tuple(grads)


class Stack(Function):
    """f = the inputs stacked along a new axis;  df/d(input i) = the gradient at position i."""

    @staticmethod
    def forward(ctx: Context, *arrays: Any, axis: int) -> Any:
        return _xp(arrays[0]).stack(arrays, axis=axis)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        axis = ctx.options["axis"]
        prefix = (slice(None),) * axis
        return tuple(grad[prefix + (i,)] if needed else None for i, needed in enumerate(ctx.needs_input_grad))


def _joinable(name: str, tensors: Sequence[Any], axis: int, new_axis: bool) -> tuple[tuple[Tensor, ...], int]:
    if len(tensors) == 0:
        raise ValueError(f"{name}: needs at least one tensor")
    tensors = tuple(as_tensor(t) for t in tensors)
    ndim = tensors[0].ndim + (1 if new_axis else 0)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for {ndim} dimensions")
    axis %= ndim
    shapes = [t.shape for t in tensors]
    for shape in shapes:
        if len(shape) != len(shapes[0]) or any(
            n != m for i, (n, m) in enumerate(zip(shape, shapes[0])) if new_axis or i != axis
        ):
            raise ValueError(f"{name}: shapes {shapes} do not match (except along axis {axis})")
    return tensors, axis


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    tensors, axis = _joinable("concatenate", tensors, axis, new_axis=False)
    return Concatenate.apply(*tensors, axis=axis)


cat = concatenate


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    tensors, axis = _joinable("stack", tensors, axis, new_axis=True)
    return Stack.apply(*tensors, axis=axis)


# ============================================================== activations
# Forward: each activation's formula from minigan.formulas, bound to the array's namespace.
# Backward: the same file's backward formula, evaluated on Tensors (``TENSOR_FORMULAS``,
# bound at the end of this file) so that it can itself be recorded for second derivatives.
def _formulas(array: Any) -> Any:
    return backend_of(array).F


class ReLU(Function):
    """f = max(a, 0);  df/da = [f > 0] (the output is reused)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _formulas(a).relu(a, 0)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (TENSOR_FORMULAS.relu_backward(grad, ctx.output, 0),)


class LeakyReLU(Function):
    """f = a if a > 0 else slope * a;  df/da = 1 if a > 0 else slope (read off a, so any slope works)."""

    @staticmethod
    def forward(ctx: Context, a: Any, slope: float) -> Any:
        return _formulas(a).leaky_relu(a, slope)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (TENSOR_FORMULAS.leaky_relu_backward(grad, ctx.inputs[0], ctx.options["slope"]),)


class Sigmoid(Function):
    """f = 1 / (1 + exp(-a)), computed without overflow;  df/da = f (1 - f)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _formulas(a).sigmoid(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (TENSOR_FORMULAS.sigmoid_backward(grad, ctx.output, 0),)


class Tanh(Function):
    """f = tanh(a);  df/da = 1 - f^2."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _formulas(a).tanh_act(a, 0)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (TENSOR_FORMULAS.tanh_backward(grad, ctx.output, 0),)


class Softplus(Function):
    """f = log(1 + exp(a)) = max(a, 0) + log1p(exp(-|a|)) (no overflow);  df/da = sigmoid(a)."""

    @staticmethod
    def forward(ctx: Context, a: Any) -> Any:
        return _formulas(a).softplus(a)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad * sigmoid(ctx.inputs[0]),)


class LogSoftmax(Function):
    """f = a - logsumexp(a) along an axis;  df/da: g - exp(f) * sum(g)."""

    @staticmethod
    def forward(ctx: Context, a: Any, axis: int) -> Any:
        xp = _xp(a)
        shifted = a - xp.max(a, axis=axis, keepdims=True)  # the largest exponent is 0: no overflow
        return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        axis = ctx.options["axis"]
        return (grad - exp(ctx.output) * grad.sum(axis=axis, keepdims=True),)


class Softmax(Function):
    """f = exp(a) / sum(exp(a)) along an axis;  df/da: f * (g - sum(g f))."""

    @staticmethod
    def forward(ctx: Context, a: Any, axis: int) -> Any:
        xp = _xp(a)
        e = xp.exp(a - xp.max(a, axis=axis, keepdims=True))
        return e / xp.sum(e, axis=axis, keepdims=True)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        out = ctx.output
        return (out * (grad - (grad * out).sum(axis=ctx.options["axis"], keepdims=True)),)


class Dropout(Function):
    """f = a · keep / (1 - p), keep = [bits >= round(p · 2^32)] for uniform random 32-bit
    integers (formulas.dropout);  df/da = keep / (1 - p). One fused kernel call each way."""

    @staticmethod
    def forward(ctx: Context, a: Any, bits: Any, threshold: int, scale: float) -> Any:
        return backend_of(a).dropout(a, bits, threshold, scale)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        options = ctx.options
        backend = backend_of(grad.data)
        if is_grad_enabled():  # create_graph: grad times the scaled mask, recorded
            scaled_mask = backend.dropout(backend.xp.ones_like(grad.data), options["bits"],
                                          options["threshold"], options["scale"])
            return (grad * _constant(scaled_mask),)
        return (_constant(backend.dropout(grad.data, options["bits"], options["threshold"], options["scale"])),)


def relu(a: Tensor) -> Tensor:
    return ReLU.apply(a)


def leaky_relu(a: Tensor, negative_slope: float = 0.01) -> Tensor:
    return LeakyReLU.apply(a, slope=float(negative_slope))


def sigmoid(a: Tensor) -> Tensor:
    return Sigmoid.apply(a)


def tanh(a: Tensor) -> Tensor:
    return Tanh.apply(a)


def softplus(a: Tensor) -> Tensor:
    return Softplus.apply(a)


def _check_axis(name: str, a: Tensor, axis: int) -> int:
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for a tensor of shape {a.shape}")
    return axis % a.ndim


def log_softmax(a: Tensor, axis: int = -1) -> Tensor:
    return LogSoftmax.apply(a, axis=_check_axis("log_softmax", a, axis))


def softmax(a: Tensor, axis: int = -1) -> Tensor:
    return Softmax.apply(a, axis=_check_axis("softmax", a, axis))


def dropout(a: Tensor, p: float = 0.5, training: bool = True, rng: np.random.Generator | None = None) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (identity in eval).

    The mask comes from 32 random bits per element, drawn on the host from ``rng`` (default:
    minigan's Generator, so a seed fixes it) and moved to a's device.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return a
    if p == 1.0:
        return a * 0.0
    from .random import default_generator

    rng = rng if rng is not None else default_generator()
    size = math.prod(a.shape)
    words = rng.bit_generator.random_raw((size + 1) // 2)  # two 32-bit draws per 64-bit word
    bits = words.view(np.uint32)[:size].reshape(a.shape)
    return Dropout.apply(a, bits=backend_of(a.data).asarray(bits), threshold=builtins.min(round(p * 2.0**32), 2**32 - 1),
                         scale=1.0 / (1.0 - p))


# ============================================================== fused linear layer
ACTIVATIONS = tuple(formulas.ACTIVATIONS)


class LinearAct(Function):
    """f = act(x @ W^T + b) in one op (W is (out, in), PyTorch's layout);
    with dz = g * act'(z):  df/dx = dz @ W, df/dW = dz^T @ x, df/db = column sums of dz.

    Forward and the plain backward run the fused kernels of the inputs' backend (Numba, the
    NumPy reference or CuPy). When the backward pass is itself recorded (create_graph), it is
    written in Tensor ops instead, with the same activation formula, so second derivatives
    work through it too. The activation's derivative is read from the output, so z is never
    stored; that needs a leaky slope > 0, which ``linear`` checks.
    """

    @staticmethod
    def forward(ctx: Context, x: Any, weight: Any, *bias: Any, activation: str, slope: float) -> Any:
        return backend_of(x).linear_act_forward(x, weight, bias[0] if bias else None, activation, slope)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = ctx.inputs[0], ctx.inputs[1]
        activation, slope = ctx.options["activation"], ctx.options["slope"]
        needs = ctx.needs_input_grad
        has_bias = len(ctx.inputs) == 3
        if is_grad_enabled():  # create_graph: keep every step differentiable
            grad_z = TENSOR_FORMULAS.ACTIVATIONS[activation][1](grad, ctx.output, slope)
            grads = [matmul(grad_z, weight) if needs[0] else None, matmul(transpose(grad_z), x) if needs[1] else None]
            if has_bias:
                grads.append(grad_z.sum(axis=0) if needs[2] else None)
            return tuple(grads)
        backend = backend_of(x.data)
        grad_z, grad_bias = backend.linear_act_backward(grad.data, ctx.output.data, activation, slope)
        grads = [
            _constant(backend.matmul(grad_z, weight.data)) if needs[0] else None,
            _constant(backend.matmul(grad_z.T, x.data)) if needs[1] else None,
        ]
        if has_bias:
            grads.append(_constant(grad_bias) if needs[2] else None)
        return tuple(grads)


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None, activation: str = "none",
           negative_slope: float = 0.01) -> Tensor:
    """act(x @ weight^T + bias); 2-D float32/float64 inputs of one dtype take the fused op, others
    (batched x, mixed dtypes, a non-positive leaky slope) the composite of primitive ops."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"linear: unknown activation {activation!r}; expected one of {ACTIVATIONS}")
    dtypes = {x.dtype, weight.dtype} | ({bias.dtype} if bias is not None else set())
    fusable = x.ndim == 2 and weight.ndim == 2 and len(dtypes) == 1 and x.dtype != np.float16 and (
        activation != "leaky_relu" or negative_slope > 0) and (bias is None or bias.ndim == 1)
    if fusable:
        if x.shape[1] != weight.shape[1]:
            raise ValueError(f"linear: input has {x.shape[1]} features but the weight {weight.shape} expects {weight.shape[1]}")
        if bias is not None and bias.shape[0] != weight.shape[0]:
            raise ValueError(f"linear: the bias has shape {bias.shape} but the weight {weight.shape} has {weight.shape[0]} outputs")
        inputs = (x, weight) if bias is None else (x, weight, bias)
        return LinearAct.apply(*inputs, activation=activation, slope=float(negative_slope))
    out = matmul(x, transpose(weight))
    if bias is not None:
        out = out + bias
    return activate(out, activation, negative_slope)


def activate(x: Tensor, activation: str, negative_slope: float = 0.01) -> Tensor:
    """x through one of :data:`ACTIVATIONS` as its own op (the unfused path)."""
    if activation == "leaky_relu":
        return leaky_relu(x, negative_slope)
    return {"none": lambda t: t, "relu": relu, "sigmoid": sigmoid, "tanh": tanh}[activation](x)


# ============================================================== fused batch norm + activation
class BatchNormAct(Function):
    """f = act(z), z = (x - μ) / sqrt(σ² + eps) · γ + β, with μ and σ² the mean and biased
    variance of each channel of x (N, C, *spatial) over N and the spatial axes (batch norm in
    training mode). With dz = g act'(z) and x̂ = (x - μ) / sqrt(σ² + eps):  df/dβ = Σ dz,
    df/dγ = Σ dz x̂,  df/dx = γ / sqrt(σ² + eps) · (dz - mean(dz) - x̂ mean(dz x̂)).

    One kernel call each way in place of the eight ops of the composite; the kernels see x as
    (N, C) or (N, C, L). When the backward pass is recorded (create_graph), the composite is
    rebuilt in Tensor ops from the same formulas and differentiated instead, so second
    derivatives work through it too. ``running`` (the running mean, variance, batch counter and
    momentum, or None) is updated in place, as PyTorch does.
    """

    @staticmethod
    def forward(ctx: Context, x: Any, weight: Any, bias: Any, eps: float, activation: str, slope: float,
                running: tuple[Any, Any, Any, float | None] | None) -> Any:
        backend = backend_of(x)
        y, mean, var, invstd = backend.batch_norm_act_forward(_channel_rows(backend, x), weight, bias, eps,
                                                              activation, slope)
        ctx.save_for_backward(mean, invstd)
        if running is not None:
            _update_running_stats(*running, mean, var, x.size // x.shape[1])
        return backend.xp.reshape(y, x.shape)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, weight, bias = ctx.inputs
        activation, slope = ctx.options["activation"], ctx.options["slope"]
        if is_grad_enabled():  # create_graph: the composite, recorded
            z = _batch_norm_composite(x, weight, bias, ctx.options["eps"])
            return _recorded_grads(ctx, TENSOR_FORMULAS.ACTIVATIONS[activation][0](z, slope), grad)
        mean, invstd = ctx.saved
        backend = backend_of(x.data)
        grad_x, grad_weight, grad_bias = backend.batch_norm_act_backward(
            *(_channel_rows(backend, a) for a in (grad.data, ctx.output.data, x.data)), mean, invstd, weight.data,
            activation, slope)
        grads = (backend.xp.reshape(grad_x, x.shape), grad_weight, grad_bias)
        return tuple(_constant(g) if needed else None for g, needed in zip(grads, ctx.needs_input_grad))


def _recorded_grads(ctx: Context, out: Tensor, grad: Tensor) -> tuple[Tensor | None, ...]:
    """The gradients of ``ctx``'s inputs, recorded: ``out`` is the fused op's composite rebuilt in
    Tensor ops from them, differentiated with create_graph."""
    wanted = [t for t in ctx.inputs if t.requires_grad]
    found = iter(grad_of(out, wanted, grad_outputs=grad, create_graph=True, allow_unused=True))
    return tuple(next(found) if t.requires_grad else None for t in ctx.inputs)


def _channel_rows(backend: Any, x: Any) -> Any:
    """x (N, C) as it is, x (N, C, *spatial) as (N, C, L): the layouts the batch-norm kernels take."""
    return x if x.ndim <= 3 else _channel_planes(backend, x)


def _batch_norm_composite(x: Tensor, weight: Tensor, bias: Tensor, eps: float) -> Tensor:
    """Batch norm of x (N, C, *spatial) with batch statistics per channel, in Tensor ops (recordable)."""
    axes = (0,) + tuple(range(2, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    invstd = 1.0 / sqrt(x.var(axis=axes, keepdims=True) + eps)
    return TENSOR_FORMULAS.batch_norm_affine(x, mean, invstd, _per_channel(weight, x), _per_channel(bias, x))


def _per_channel(vector: Tensor, x: Tensor) -> Tensor:
    """A per-channel vector (C,) shaped (1, C, 1, ...) to broadcast against x (N, C, *spatial)."""
    return vector.reshape((1, x.shape[1]) + (1,) * (x.ndim - 2))


def _update_running_stats(running_mean: Any, running_var: Any, num_batches_tracked: Any,
                          momentum: float | None, mean: Any, var: Any, count: int) -> None:
    """PyTorch's rule, in place: r <- (1 - m) r + m s, with the unbiased variance for
    running_var and m = 1 / batches seen when ``momentum`` is None (a cumulative average)."""
    if num_batches_tracked is not None:
        num_batches_tracked += 1  # a 0-d array: += updates the module's buffer in place
    if momentum is not None:
        factor = momentum
    else:
        factor = 1.0 / float(num_batches_tracked) if num_batches_tracked is not None else 1.0
    running_mean *= 1.0 - factor
    running_mean += factor * mean
    running_var *= 1.0 - factor
    running_var += factor * (var * (count / (count - 1)))


def batch_norm_act(x: Tensor, weight: Tensor | None, bias: Tensor | None, eps: float = 1e-5,
                   activation: str = "none", negative_slope: float = 0.01,
                   running: tuple[Any, Any, Any, float | None] | None = None) -> Tensor:
    """act(batch_norm(x)) for x (N, C), (N, C, L) or (N, C, H, W) in training mode, per channel C,
    in one fused op (see BatchNormAct); ``weight``/``bias`` None mean 1 and 0. The activation is
    read off the output, which needs a leaky slope > 0."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"batch_norm_act: unknown activation {activation!r}; expected one of {ACTIVATIONS}")
    if x.ndim not in (2, 3, 4) or x.size <= x.shape[1]:
        raise ValueError(f"batch_norm_act: expected (N, C), (N, C, L) or (N, C, H, W) with more than one value "
                         f"per channel, got {x.shape}")
    if activation == "leaky_relu" and not negative_slope > 0:
        raise ValueError(f"batch_norm_act: the fused leaky ReLU needs a slope > 0, got {negative_slope}")
    width = (x.shape[1],)
    for name, given in (("weight", weight), ("bias", bias)):
        if given is not None and given.shape != width:
            raise ValueError(f"batch_norm_act: {name} has shape {given.shape}, expected {width} for input {x.shape}")
    backend = backend_of(x.data)
    weight = weight if weight is not None else Tensor._make(backend.xp.ones(width, dtype=x.data.dtype, device=x.data.device), False, None)
    bias = bias if bias is not None else Tensor._make(backend.xp.zeros(width, dtype=x.data.dtype, device=x.data.device), False, None)
    return BatchNormAct.apply(x, weight, bias, eps=float(eps), activation=activation,
                              slope=float(negative_slope), running=running)


# ============================================================== fused per-channel bias + activation
class ChannelBiasAct(Function):
    """f = act(x + b_c) for x (N, C, *spatial) and a bias b per channel C (a convolution's bias
    and the activation after it). With dz = g act'(x + b):  df/dx = dz,  df/db = Σ dz over N and
    the spatial axes.

    One kernel call each way in place of the broadcast add, the sum that undoes it and the
    activation's own ops; the kernels see x as (N, C, L). When the backward pass is recorded
    (create_graph), the composite is rebuilt in Tensor ops and differentiated instead.
    """

    @staticmethod
    def forward(ctx: Context, x: Any, bias: Any, activation: str, slope: float) -> Any:
        backend = backend_of(x)
        y = backend.channel_bias_act_forward(_channel_planes(backend, x), bias, activation, slope)
        return backend.xp.reshape(y, x.shape)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, bias = ctx.inputs
        activation, slope = ctx.options["activation"], ctx.options["slope"]
        if is_grad_enabled():  # create_graph: the composite, recorded
            z = x + _per_channel(bias, x)
            return _recorded_grads(ctx, TENSOR_FORMULAS.ACTIVATIONS[activation][0](z, slope), grad)
        backend = backend_of(x.data)
        grad_x, grad_bias = backend.channel_bias_act_backward(
            _channel_planes(backend, grad.data), _channel_planes(backend, ctx.output.data), activation, slope)
        grads = (backend.xp.reshape(grad_x, x.shape), grad_bias)
        return tuple(_constant(g) if needed else None for g, needed in zip(grads, ctx.needs_input_grad))


def _channel_planes(backend: Any, x: Any) -> Any:
    """x (N, C, *spatial) as (N, C, L)."""
    return backend.xp.reshape(x, (x.shape[0], x.shape[1], -1))


def channel_bias_act(x: Tensor, bias: Tensor | None, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """act(x + bias) with one bias per channel (axis 1) of x (N, C, *spatial), e.g. a convolution's
    output: float32/float64 inputs of one dtype take the fused op (see ChannelBiasAct), others (or
    a non-positive leaky slope) the composite of primitive ops. ``bias`` None means 0."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"channel_bias_act: unknown activation {activation!r}; expected one of {ACTIVATIONS}")
    if x.ndim < 2 or (bias is not None and bias.shape != (x.shape[1],)):
        raise ValueError(f"channel_bias_act: expected input (N, C, ...) and a bias of shape (C,), got {x.shape} "
                         f"and {None if bias is None else bias.shape}")
    fusable = x.dtype in (np.float32, np.float64) and (bias is None or bias.dtype == x.dtype) and (
        activation != "leaky_relu" or negative_slope > 0)
    if not fusable:
        out = x if bias is None else x + _per_channel(bias, x)
        return activate(out, activation, negative_slope)
    if bias is None:
        xp = backend_of(x.data).xp
        bias = Tensor._make(xp.zeros((x.shape[1],), dtype=x.data.dtype, device=x.data.device), False, None)
    return ChannelBiasAct.apply(x, bias, activation=activation, slope=float(negative_slope))


#: The formulas evaluated on Tensors: every step is an op, so it can be recorded (the backward
#: passes use them when create_graph is set, and the unfused losses).
TENSOR_FORMULAS = formulas.bind(
    {"exp": exp, "tanh": tanh, "sqrt": sqrt, "abs": abs, "maximum": maximum, "where": where},
    replace={"sigmoid": sigmoid, "softplus": softplus},
)

from .autograd import grad as grad_of  # noqa: E402 - autograd imports this module's Tensor first
