"""Tensor methods that PyTorch code calls and that are built from other ops: ``repeat``, ``chunk``,
``split``, ``contiguous``, the ``*_as`` forms, the operators' named forms (``add``, ``mul``, ``mm``...)
and the ``new_*`` factories. Each is made of recorded ops (arithmetic, reshape, broadcast, slicing, a
cast; ``split`` and ``chunk`` take ``ops.parts``, whose backward joins the pieces' gradients once), so
gradients flow through them with nothing new to differentiate. ``eq``, ``ne``, ``any``, ``all``,
``isnan``, ``isinf`` and ``isfinite`` give bool tensors, which have no gradient."""
from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np

from ..backends import backend_of
from . import gather_scatter
from .arguments import check_distinct_dims, comparable, is_float_operand, wrap_dim
from .legacy import TensorTypeMethods
from .ops_on_first_use import OpsOnFirstUse

ops = OpsOnFirstUse(globals())


def _sizes(args: tuple) -> tuple[int, ...]:
    """``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])`` as a tuple of ints."""
    sizes = tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else tuple(args)
    for n in sizes:
        if isinstance(n, builtins.bool) or not isinstance(n, builtins.int) and not hasattr(n, "__index__"):
            raise TypeError(f"sizes must be ints, got {sizes!r}")
    return tuple(int(n) for n in sizes)


def repeat(tensor: Any, *sizes: Any) -> Any:
    """The tensor tiled ``sizes[i]`` times along dimension i (leading new dimensions when more
    sizes than dimensions are given), as ``torch.Tensor.repeat`` (NumPy's ``tile``)."""
    reps = _sizes(sizes)
    if len(reps) < tensor.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    if any(r < 0 for r in reps):
        raise RuntimeError(f"Trying to create tensor with negative dimension: repeat{reps}")
    shape = (1,) * (len(reps) - tensor.ndim) + tensor.shape
    interleaved = tuple(n for size in shape for n in (1, size))  # (1, s0, 1, s1, ...)
    target = tuple(n for r, size in zip(reps, shape) for n in (r, size))  # (r0, s0, r1, s1, ...)
    tiled = tensor.reshape(interleaved).expand(target)
    return tiled.reshape(tuple(r * size for r, size in zip(reps, shape)))


def split(tensor: Any, split_size_or_sections: Any, dim: int = 0) -> tuple[Any, ...]:
    """Pieces along ``dim``: of ``split_size_or_sections`` each (the last may be smaller), or of
    the sizes in a list that must add up to the dimension, as ``torch.split``."""
    if tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    axis = wrap_dim(dim, tensor.ndim)
    length = tensor.shape[axis]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(n) for n in split_size_or_sections]
        if builtins.sum(sizes) != length or any(n < 0 for n in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {length} (input tensor's size "
                               f"at dimension {dim}), but got split_sizes={sizes}")
    else:
        size = int(split_size_or_sections)
        if size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
        if size == 0 and length:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {length}")
        sizes = [builtins.min(size, length - start) for start in range(0, length, size)] if length else [0]
    return ops.parts(tensor, sizes, axis)  # one join in the backward, not a zero array per piece


def narrow(tensor: Any, dim: int, start: Any, length: int) -> Any:
    """The ``length`` entries of ``dim`` from ``start`` on (a negative start counts from the end), a
    view, as ``torch.narrow``."""
    if tensor.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    axis = wrap_dim(dim, tensor.ndim)
    size, start, length = tensor.shape[axis], int(start), int(length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    start %= builtins.max(size, 1)  # a start of -size wraps to 0, and size stays size when length is 0
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return tensor[(slice(None),) * axis + (slice(start, start + length), Ellipsis)]


def chunk(tensor: Any, chunks: int, dim: int = 0) -> tuple[Any, ...]:
    """At most ``chunks`` pieces along ``dim``, each ceil(n / chunks) long (the last may be
    shorter, and there may be fewer pieces), as ``torch.chunk``."""
    if tensor.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    length = tensor.shape[wrap_dim(dim, tensor.ndim)]
    return split(tensor, builtins.max(-(-length // chunks), 1), dim)


def reduced_axes(dims: Any, ndim: int) -> tuple[int, ...] | None:
    """A ``dim=`` argument of a reduction (an int, a sequence of ints, or None or empty for all)
    as NumPy's ``axis=``, with PyTorch's errors for a dim out of range or named twice; a 0-d
    tensor takes dims 0 and -1 (as in PyTorch), and NumPy reduces its one value with axis None."""
    if dims is None:
        return None
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    wrapped = check_distinct_dims(tuple(wrap_dim(d, ndim) for d in dims))
    return wrapped if wrapped and ndim else None


def _comparand(other: Any, name: str) -> Any:
    if not comparable(other):
        raise TypeError(f"{name}(): argument 'other' must be a Tensor or a number, not {type(other).__name__}")
    return other


def _check_ndim(name: str, ndim: int, *tensors: Any) -> None:
    for which, tensor in zip(("self", "mat2"), tensors):
        if not hasattr(tensor, "ndim") or not hasattr(tensor, "requires_grad"):
            raise TypeError(f"{name}: {which} must be a Tensor, got {type(tensor).__name__}")
        if tensor.ndim != ndim:
            raise RuntimeError(f"{name}: {which} must be a {ndim}-D tensor, got shape {tensor.shape}")


class PyTorchMethods(TensorTypeMethods):
    """``ndimension``, ``nelement``, ``element_size``, ``gather``, ``scatter(_)``, ``repeat``, ``chunk``, ``split``,
    ``split_with_sizes``, ``sum_to_size``,
    ``contiguous``, the ``*_as`` forms, ``eq``/``ne``, ``any``/``all``, the operators' named forms
    (``add``, ``mul``, ``mm``...), ``isnan`` and ``new_*`` on Tensor (a base class of it); through
    TensorTypeMethods also ``type()``, ``is_cuda``, ``is_xpu`` and ``is_cpu`` (legacy.py)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:  # only for names Tensor does not have
        from ..torch_api.unsupported import tensor_getattr  # noqa: PLC0415 - the PyTorch names sit above Tensor

        return tensor_getattr(self, name)

    def ndimension(self) -> int:
        """The number of dimensions (``dim()``)."""
        return self.ndim

    def nelement(self) -> int:
        """The number of elements (``numel()``)."""
        return self.array.size

    def element_size(self) -> int:
        """The bytes one element takes (4 for float32)."""
        return self.dtype.itemsize

    def gather(self, dim: Any, index: Any) -> Any:
        """Values along ``dim`` at ``index``, as ``torch.gather`` (minigan/autograd/gather_scatter.py)."""
        return gather_scatter.gather(self, dim, index)

    def scatter_(self, dim: Any, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None) -> Any:
        """Write ``src`` or ``value`` along ``dim`` at ``index``, in place, as ``torch.Tensor.scatter_``."""
        return gather_scatter.scatter_(self, dim, index, src, value=value, reduce=reduce)

    def scatter(self, dim: Any, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None) -> Any:
        """A copy with :meth:`scatter_` applied (no gradient through it)."""
        return gather_scatter.scatter(self, dim, index, src, value=value, reduce=reduce)

    # Indexing and search ops (minigan/ops/scatter_reduce.py, selection.py, windows.py, search.py).
    def scatter_add(self, dim: Any, index: Any, src: Any) -> Any:
        return ops.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim: Any, index: Any, src: Any) -> Any:
        return self._in_place_op("scatter_add_", src, lambda t: ops.scatter_add(t, dim, index, src))

    def scatter_reduce(self, dim: Any, index: Any, src: Any, reduce: str, *, include_self: bool = True) -> Any:
        return ops.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    def scatter_reduce_(self, dim: Any, index: Any, src: Any, reduce: str, *, include_self: bool = True) -> Any:
        return self._in_place_op("scatter_reduce_", src,
                                 lambda t: ops.scatter_reduce(t, dim, index, src, reduce, include_self=include_self))

    def index_fill(self, dim: Any, index: Any, value: Any) -> Any:
        return ops.index_fill(self, dim, index, value)

    def index_fill_(self, dim: Any, index: Any, value: Any) -> Any:
        return self._in_place_op("index_fill_", value, lambda t: ops.index_fill(t, dim, index, value))

    def masked_select(self, mask: Any) -> Any:
        return ops.masked_select(self, mask)

    def unfold(self, dimension: int, size: int, step: int) -> Any:
        return ops.unfold_windows(self, dimension, size, step)

    def histc(self, bins: int = 100, min: Any = 0, max: Any = 0) -> Any:  # noqa: A002
        return ops.histc(self, bins, min, max)

    def histogram(self, bins: Any = 100, *, range: Any = None, weight: Any = None,  # noqa: A002
                  density: bool = False) -> Any:
        return ops.histograms.histogram(self, bins, range=range, weight=weight, density=density)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False, dim: Any = None) -> Any:
        return ops.unique_consecutive(self, return_inverse, return_counts, dim)

    def _in_place_op(self, name: str, operand: Any, compute: Any) -> Any:
        """``name`` in place: the in-place rules (an operand that requires grad is refused too),
        then the values of ``compute`` (the out-of-place op) written back."""
        self._begin_inplace(name, operand)
        return self._overwrite(name, compute)


    def eq(self, other: Any) -> Any:
        """Elementwise ``==``: a bool tensor."""
        return self == _comparand(other, "eq")

    def ne(self, other: Any) -> Any:
        """Elementwise ``!=``: a bool tensor."""
        return self != _comparand(other, "ne")

    def lt(self, other: Any) -> Any:
        """Elementwise ``<``: a bool tensor."""
        return self < _comparand(other, "lt")

    def le(self, other: Any) -> Any:
        """Elementwise ``<=``: a bool tensor."""
        return self <= _comparand(other, "le")

    def gt(self, other: Any) -> Any:
        """Elementwise ``>``: a bool tensor."""
        return self > _comparand(other, "gt")

    def ge(self, other: Any) -> Any:
        """Elementwise ``>=``: a bool tensor."""
        return self >= _comparand(other, "ge")

    less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne  # PyTorch's other names

    def any(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Whether any element along ``dim`` (all dims when None) is non-zero: a bool tensor (uint8 for
        a uint8 tensor, as PyTorch's)."""
        return self._truth("any", dim, keepdim)

    def all(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Whether every element along ``dim`` (all dims when None) is non-zero: bool (or uint8)."""
        return self._truth("all", dim, keepdim)

    def _truth(self, name: str, dim: Any, keepdim: bool) -> Any:
        found = self._bool_result(name, axis=reduced_axes(dim, self.ndim), keepdims=bool(keepdim))
        return found.to(np.uint8) if self.dtype == np.uint8 else found

    def _bool_result(self, name: str, **options: Any) -> Any:
        """The array library's ``name`` of this tensor's array (a bool array) as a Tensor with no gradient."""
        from .tensor import Tensor  # noqa: PLC0415 - Tensor is built on this class

        return Tensor._make(getattr(backend_of(self.array).xp, name)(self.array, **options), False, None)

    # The named forms of the operators, as PyTorch spells them; each is recorded like its operator.
    def add(self, other: Any, *, alpha: Any = 1) -> Any:
        """self + alpha * other."""
        return self + (other if alpha == 1 else _scaled(self, other, alpha))

    def sub(self, other: Any, *, alpha: Any = 1) -> Any:
        """self - alpha * other."""
        return self - (other if alpha == 1 else _scaled(self, other, alpha))

    def mul(self, other: Any) -> Any:
        return self * other

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Any:
        """self / other; rounded toward zero with ``rounding_mode="trunc"``, toward minus infinity with
        ``"floor"`` (self // other); the rounded forms have no gradient."""
        if rounding_mode is None:
            return self / other
        if rounding_mode == "floor":
            return ops.elementwise_more.floor_divide(self, other)
        if rounding_mode == "trunc":
            return ops.elementwise_more.trunc_divide(self, other)
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found {rounding_mode!r}")

    def neg(self) -> Any:
        return -self

    def pow(self, exponent: Any) -> Any:
        return self ** exponent

    def square(self) -> Any:
        """self * self (a bool tensor gives int64, as PyTorch's pow(x, 2): bool * bool would be "and")."""
        return self ** 2 if self.dtype.kind == "b" else self * self

    multiply, divide, negative, subtract = mul, div, neg, sub

    def mm(self, mat2: Any) -> Any:
        """The product of two matrices (2-D tensors), as ``torch.mm``."""
        _check_ndim("mm", 2, self, mat2)
        return self @ mat2

    def bmm(self, mat2: Any) -> Any:
        """The products of two batches of matrices, (b, n, m) @ (b, m, p), as ``torch.bmm``."""
        _check_ndim("bmm", 3, self, mat2)
        if self.shape[0] != mat2.shape[0]:
            raise RuntimeError(f"bmm: the batch sizes differ: {self.shape[0]} and {mat2.shape[0]}")
        return self @ mat2

    def isnan(self) -> Any:
        """Where the elements are NaN: a bool tensor."""
        return self != self

    def isinf(self) -> Any:
        """Where the elements are +inf or -inf: a bool tensor."""
        return self._bool_result("isinf")

    def isfinite(self) -> Any:
        """Where the elements are neither infinite nor NaN: a bool tensor."""
        return self._bool_result("isfinite")

    def is_contiguous(self) -> bool:
        """Whether the elements lie in memory in row-major order, with no gaps."""
        return bool(self.array.flags.c_contiguous)

    def contiguous(self) -> Any:
        """This tensor if it is contiguous, else a row-major copy (recorded: gradients flow back)."""
        if self.is_contiguous():
            return self
        copy = self.reshape(-1).reshape(self.shape)  # flattening copies in row-major order
        copy._base = None  # a tensor of its own, as PyTorch's: no one else sees the flat copy it lies in
        return copy

    def expand_as(self, other: Any) -> Any:
        """``expand(other.shape)``."""
        return self.expand(other.shape)

    def view_as(self, other: Any) -> Any:
        """``view(other.shape)``."""
        return self.view(other.shape)

    def reshape_as(self, other: Any) -> Any:
        """``reshape(other.shape)``."""
        return self.reshape(other.shape)

    def type_as(self, other: Any) -> Any:
        """This tensor in ``other``'s dtype and on its device."""
        return self.to(other)

    def repeat(self, *sizes: Any) -> Any:
        return repeat(self, *sizes)

    def split(self, split_size: Any, dim: int = 0) -> tuple[Any, ...]:
        return split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Any, ...]:
        return chunk(self, chunks, dim)

    def split_with_sizes(self, split_sizes: Any, dim: int = 0) -> tuple[Any, ...]:
        """Pieces along ``dim`` of the sizes in ``split_sizes``, which must add up to the dimension."""
        if not isinstance(split_sizes, (list, tuple)):
            raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 1) must be tuple of ints, "
                            f"not {type(split_sizes).__name__}")
        return split(self, split_sizes, dim)

    # PyTorch's unsafe_ forms skip a check of in-place writes to the pieces; here they are the same.
    unsafe_split, unsafe_chunk, unsafe_split_with_sizes = split, chunk, split_with_sizes

    def sum_to_size(self, *size: Any) -> Any:
        """This tensor summed down to ``size``, a shape it broadcasts from (the reverse of
        ``expand``): the leading dimensions ``size`` lacks are summed away, and so is every
        dimension where ``size`` has 1."""
        target = tuple(int(n) for n in (size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size))
        shape = tuple(self.shape)
        lead = len(shape) - len(target)
        if lead < 0 or any(n != m and n != 1 for n, m in zip(target, shape[lead:])):
            raise RuntimeError(f"size {{{list(target)}}} is not expandable to size {{{list(shape)}}}.")
        summed = tuple(range(lead)) + tuple(lead + d for d, n in enumerate(target) if n == 1 and shape[lead + d] != 1)
        return self.sum(summed, keepdim=True).reshape(target) if summed else self

    def narrow(self, dim: int, start: Any, length: int) -> Any:
        return narrow(self, dim, start, length)

    def movedim(self, source: Any, destination: Any) -> Any:
        """Dimensions ``source`` moved to ``destination``, as ``torch.movedim``."""
        return ops.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> Any:
        """PyTorch's NumPy-style name for ``transpose``."""
        return ops.transpose(self, axis0, axis1)

    def swapdims(self, dim0: int, dim1: int) -> Any:
        """PyTorch's other name for ``transpose``."""
        return ops.transpose(self, dim0, dim1)

    def kron(self, other: Any) -> Any:
        """The Kronecker product with ``other``, as ``torch.kron`` (minigan/ops/builders.py)."""
        return ops.builders.kron(self, other)

    def _new(self, name: str, *args: Any, dtype: Any = None, device: Any = None, **kwargs: Any) -> Any:
        from ..torch_api import factories  # noqa: PLC0415 - the factories sit above Tensor

        return getattr(factories, name)(*args, dtype=self.dtype if dtype is None else dtype,
                                        device=self.device if device is None else device, **kwargs)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Any:
        """Zeros of ``size`` with this tensor's dtype and device (unless given)."""
        return self._new("zeros", _sizes(size), dtype=dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Any:
        """Ones of ``size`` with this tensor's dtype and device (unless given)."""
        return self._new("ones", _sizes(size), dtype=dtype, device=device, requires_grad=requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Any:
        return self._new("empty", _sizes(size), dtype=dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size: Sequence[int], fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Any:
        """``fill_value`` everywhere, with this tensor's dtype and device (unless given)."""
        return self._new("full", _sizes((size,)), fill_value, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Any:
        """A copy of ``data`` with this tensor's dtype and device (unless given)."""
        from .tensor import Tensor  # noqa: PLC0415 - Tensor is built on this class

        return Tensor(data, requires_grad=requires_grad, dtype=self.dtype if dtype is None else dtype,
                      device=self.device if device is None else device)


def _scaled(tensor: Any, other: Any, alpha: Any) -> Any:
    """alpha * other for ``tensor.add(other, alpha=alpha)``; PyTorch's error for a float alpha where
    the sum would be integral (integer or bool operands)."""
    if is_float_operand(alpha) and not (is_float_operand(tensor) or is_float_operand(other)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return other * alpha
