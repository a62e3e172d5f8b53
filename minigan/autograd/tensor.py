"""``Tensor``: an array plus what autograd needs (``requires_grad``, ``grad`` and the node that made it)."""
from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from ..backends import Device, backend_for, backend_of, numpy_dtype_of, to_numpy
from .array_methods import ArrayMethods
from .arguments import DEFAULT_DTYPE, FLOAT_DTYPES, comparable, data_argument, dim_index, to_arguments
from .conversions import ConversionMethods
from .elementwise_methods import ElementwiseMethods
from .hooks import HookMethods
from .indexed_write_methods import IndexedWriteMethods
from .inplace import InPlaceMethods, fitted_number, shared_counter, version_of
from .inplace_math import InPlaceMathMethods
from .inplace_random import InPlaceRandomMethods
from .linalg_methods import LinalgMethods
from .math_methods import MathMethods
from .memory_methods import MemoryMethods
from .ops_on_first_use import OpsOnFirstUse
from .python_callables import PythonCallableMethods
from .printing import tensor_text
from .pytorch_methods import PyTorchMethods
from .shape_methods import ShapeMethods
from .size import Size
from .statistics_methods import StatisticsMethods
from .tensor_queries import TensorQueryMethods

if TYPE_CHECKING:
    from .function import Context
    from .hooks import TensorHooks

Shape = tuple[int, ...]
GRAD_DTYPE_ERROR = "only Tensors of floating point dtype can require gradients"


def _comparison(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """An elementwise comparison operator (minigan/ops/arithmetic.py's ``compare``). Anything but a
    Tensor, a number or an array gets NotImplemented, so Python answers: == is False and != True
    (as in PyTorch), < raises."""
    name = compare.__name__

    def operator_method(self: "Tensor", other: Any) -> Any:
        if not comparable(other):
            return NotImplemented
        return ops.compare(name, compare, self, other)

    return operator_method


class Tensor(MathMethods, ArrayMethods, InPlaceMethods, InPlaceMathMethods, InPlaceRandomMethods, ConversionMethods,
             PyTorchMethods, HookMethods, ShapeMethods, StatisticsMethods, ElementwiseMethods, TensorQueryMethods,
             IndexedWriteMethods, LinalgMethods, PythonCallableMethods, MemoryMethods):
    """An n-dimensional array that can record the operations applied to it.

    ``array`` is the raw array of the Tensor's device (NumPy on the CPU, CuPy on the GPU), which the
    ops and the engine read; ``data`` is PyTorch's view of it, a Tensor that records nothing. ``grad`` is
    filled by ``backward()`` for tensors with ``requires_grad=True`` that were not produced by a
    recorded op (the leaves).
    """

    __slots__ = ("array", "_grad", "requires_grad", "_ctx", "_vc", "_hooks", "_base", "__weakref__")
    __array_ufunc__ = None  # so ndarray + Tensor defers to Tensor.__radd__
    is_parameter = False  #: True on nn.Parameter (the graph pictures mark parameters by it)

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None, device: Any = None) -> None:
        """Copy ``data`` (a number, nested list or array) into a new Tensor on ``device``."""
        self.array = data_argument(data.array if isinstance(data, Tensor) else data, dtype, device)
        self._grad: Tensor | None = None
        self.requires_grad = bool(requires_grad)
        if requires_grad and self.dtype.kind != "f":
            raise RuntimeError(GRAD_DTYPE_ERROR)
        self._ctx: Context | None = None
        self._vc: list[int] | None = None  # the version counter (minigan/autograd/inplace.py)
        self._hooks: TensorHooks | None = None  # register_hook's (minigan/autograd/hooks.py)
        self._base: Tensor | None = None  # PyTorch's: the tensor whose memory a view's lies in

    @classmethod
    def _make(cls, data: Any, requires_grad: bool, ctx: "Context | None") -> "Tensor":
        """Fast constructor for op results: the array is already valid."""
        tensor = object.__new__(cls)
        tensor.array = data
        tensor._grad = None
        tensor.requires_grad = requires_grad
        tensor._ctx = ctx
        tensor._vc = None
        tensor._hooks = None
        tensor._base = None
        return tensor

    # ----------------------------------------------------------------- properties
    @property
    def shape(self) -> Shape:
        return tuple(self.array.shape)

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of the data, whatever device it is on."""
        return numpy_dtype_of(self.array)

    @property
    def device(self) -> Device:
        """Where the data lives: ``device(type='cpu')`` or ``device(type='cuda')``."""
        return backend_of(self.array).device

    @property
    def data(self) -> "Tensor":
        """PyTorch's ``.data``: a Tensor sharing this one's memory that records nothing, so
        ``p.data.normal_(0, 0.02)`` changes ``p`` unseen by autograd. The raw array is ``array``."""
        return Tensor._make(self.array, False, None)

    @data.setter
    def data(self, value: Any) -> None:
        """``p.data = t`` swaps the array under ``p``; ``p`` stays the same object."""
        if not isinstance(value, Tensor):
            raise TypeError(f"assigned data must be a Tensor, got {type(value).__name__}")
        self.array = value.array

    @property
    def _version(self) -> int:
        """How many times this tensor was changed in place (shared with ``detach()``'s results)."""
        return version_of(self)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def grad(self) -> "Tensor | None":
        """The gradient that ``backward()`` accumulated here (None before the first)."""
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        """Checked as PyTorch checks it: None, or a Tensor of this shape, dtype and device."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size {list(value.shape)} to a tensor of size "
                                   f"{list(self.shape)}; the gradient and the tensor must be the same size")
            if value.dtype != self.dtype or value.device != self.device:
                raise RuntimeError(f"attempting to assign a {value.dtype} gradient on {value.device} to a {self.dtype} "
                                   f"tensor on {self.device}; they must match")
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        """True for tensors the user made, as opposed to results of recorded ops."""
        return self._ctx is None

    @property
    def grad_fn(self) -> "Context | None":
        """The backward node of the op that made this tensor (its Context: ``name()``,
        ``next_functions``), or None for a leaf, as PyTorch's."""
        return self._ctx

    def graph_text(self, names: Any = None, values: bool = False, grads: bool = False) -> str:
        """The graph that computed this tensor as an indented tree, one line per node (op name,
        shape, dtype; ``leaf``, ``Parameter`` or ``constant`` for the inputs), the output first.
        A node used twice is numbered and printed once. ``names`` labels tensors, e.g.
        ``dict(model.named_parameters())``; ``values=True`` and ``grads=True`` add each node's
        value and d(self)/d(node) (the graph must be whole: before backward, or after
        ``backward(retain_graph=True)``). It returns the text: ``print`` it. See
        minigan/autograd/graph.py; ``minigan.viz.draw_graph`` draws the same graph."""
        from .graph import graph_text  # noqa: PLC0415 - the graph walk sits above Tensor

        return graph_text(self, names, values, grads)

    @property
    def T(self) -> "Tensor":
        """The tensor with its dimensions reversed (PyTorch's ``.T``)."""
        return ops.reversed_dims(self)

    def __repr__(self) -> str:
        autograd = f"grad_fn={self.grad_fn}" if self._ctx is not None else (
            "requires_grad=True" if self.requires_grad else None)
        device = f"device='{self.device}'" if self.device != "cpu" else None
        return tensor_text(np.asarray(to_numpy(self.array)), device, autograd)

    def detach(self) -> "Tensor":
        """The same data, cut from the graph: no gradient flows through the result. It shares
        this tensor's memory and version counter, as in PyTorch."""
        detached = Tensor._make(self.array, False, None)
        detached._vc = shared_counter(self)
        return detached

    def clone(self) -> "Tensor":
        """A copy in new memory; gradients flow back through it to this tensor."""
        return ops.clone(self)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if requires_grad and self.dtype.kind != "f":
            raise RuntimeError(GRAD_DTYPE_ERROR)
        if self._ctx is not None and not requires_grad:
            raise RuntimeError("requires_grad can only be turned off on a leaf; use detach()")
        self.requires_grad = bool(requires_grad)
        return self

    def astype(self, dtype: Any) -> "Tensor":
        return ops.cast(self, dtype)

    # ----------------------------------------------------------------- autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: Any = None) -> None:
        """Accumulate d(self)/d(leaf) into ``leaf.grad`` for every leaf that requires a gradient
        (only into the ``inputs``' ``.grad`` when given), as ``torch.Tensor.backward``.

        ``gradient`` is d(loss)/d(self); it may be omitted only when ``self`` has one element.
        """
        from .engine import backward  # noqa: PLC0415 - the engine sits above Tensor

        backward(self, None if gradient is None else [gradient], retain_graph=retain_graph,
                 create_graph=create_graph, inputs=inputs)

    def zero_grad(self) -> None:
        self._grad = None

    def retain_grad(self) -> None:
        """Keep this non-leaf's gradient in ``.grad`` at the next ``backward()``, as PyTorch's
        (a leaf keeps its own anyway)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._ctx is not None:
            self._ctx.retains_grad = True

    @property
    def retains_grad(self) -> bool:
        """Whether ``backward()`` fills this non-leaf's ``.grad`` (after ``retain_grad()``)."""
        return self._ctx is not None and self._ctx.retains_grad

    # ----------------------------------------------------------------- operators
    def __add__(self, other: Any) -> "Tensor":
        return ops.add(self, other)

    def __radd__(self, other: Any) -> "Tensor":
        return ops.add(self, other)  # self first, as PyTorch records 1 + x (its grad_fn's next_functions)

    def __sub__(self, other: Any) -> "Tensor":
        return ops.sub(self, other)

    def __rsub__(self, other: Any) -> "Tensor":
        return ops.sub(other, self)

    def __mul__(self, other: Any) -> "Tensor":
        return ops.mul(self, other)

    def __rmul__(self, other: Any) -> "Tensor":
        return ops.mul(self, other)  # self first, as PyTorch records 2 * x

    def __truediv__(self, other: Any) -> "Tensor":
        return ops.div(self, other)

    def __rtruediv__(self, other: Any) -> "Tensor":
        return ops.div(other, self)

    def __pow__(self, exponent: Any) -> "Tensor":
        return ops.pow(self, exponent)

    def __rpow__(self, base: Any) -> "Tensor":
        return ops.pow(base, self)

    def __matmul__(self, other: Any) -> "Tensor":
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return ops.matmul(other, self)

    def __neg__(self) -> "Tensor":
        return ops.neg(self)

    def __pos__(self) -> "Tensor":
        return self

    def __abs__(self) -> "Tensor":
        return ops.abs(self)

    def __getitem__(self, index: Any) -> "Tensor":
        return ops.getitem(self, index)

    # Comparisons give bool Tensors, which have no gradient. As in PyTorch, == compares elements
    # while hashing stays by identity, so tensors still work as dict keys.
    __lt__, __le__ = _comparison(operator.lt), _comparison(operator.le)
    __gt__, __ge__ = _comparison(operator.gt), _comparison(operator.ge)
    __eq__, __ne__ = _comparison(operator.eq), _comparison(operator.ne)  # type: ignore[assignment]

    def __floordiv__(self, other: Any) -> "Tensor":
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> "Tensor":
        return ops.floor_divide(other, self)

    def __mod__(self, other: Any) -> "Tensor":
        return ops.remainder(self, other)

    def __rmod__(self, other: Any) -> "Tensor":
        return ops.remainder(other, self)

    __hash__ = object.__hash__  # tensors are used as dict keys by identity

    # ----------------------------------------------------------------- methods mirroring ops
    # Reductions take PyTorch's dim=/keepdim= (and NumPy's axis=/keepdims=): minigan/ops/dims.py.
    def sum(self, *args: Any, **kwargs: Any) -> "Tensor":
        return ops.dims.sum(self, *args, **kwargs)

    def mean(self, *args: Any, **kwargs: Any) -> "Tensor":
        return ops.dims.mean(self, *args, **kwargs)

    def max(self, *args: Any, **kwargs: Any) -> Any:
        """The largest value; ``max(dim)`` -> (values, indices); ``max(other)`` elementwise."""
        return ops.dims.max(self, *args, **kwargs)

    def min(self, *args: Any, **kwargs: Any) -> Any:
        """The smallest value; ``min(dim)`` -> (values, indices); ``min(other)`` elementwise."""
        return ops.dims.min(self, *args, **kwargs)

    def amax(self, *args: Any, **kwargs: Any) -> "Tensor":
        return ops.dims.amax(self, *args, **kwargs)

    def amin(self, *args: Any, **kwargs: Any) -> "Tensor":
        return ops.dims.amin(self, *args, **kwargs)

    def argmax(self, *args: Any, **kwargs: Any) -> "Tensor":
        return ops.dims.argmax(self, *args, **kwargs)

    def argmin(self, *args: Any, **kwargs: Any) -> "Tensor":
        return ops.dims.argmin(self, *args, **kwargs)

    def var(self, *args: Any, **kwargs: Any) -> "Tensor":
        """Unbiased unless ``unbiased=False``/``correction=0``, as PyTorch (``ddof=`` also accepted)."""
        return ops.dims.var(self, *args, **kwargs)

    def std(self, *args: Any, **kwargs: Any) -> "Tensor":
        return ops.dims.std(self, *args, **kwargs)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        return ops.dims.norm(self, p, dim, keepdim, dtype)

    def reshape(self, *shape: Any) -> "Tensor":
        return ops.reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)

    def view(self, *shape: Any, **kwargs: Any) -> "Tensor":
        """PyTorch's view, ``view(*shape)`` or ``view(dtype)``: a shape the strides cannot express
        raises PyTorch's error rather than copying (minigan/ops/views.py)."""
        return ops.view(self, *shape, **kwargs)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        """Swap dimensions ``dim0`` and ``dim1`` (PyTorch's transpose, not NumPy's)."""
        return ops.transpose(self, dim0, dim1)

    def permute(self, *dims: Any) -> "Tensor":
        """Reorder the dimensions: ``permute(2, 0, 1)`` or ``permute((2, 0, 1))``."""
        return ops.permute(self, tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims)

    def t(self) -> "Tensor":
        """Transpose a tensor of at most 2 dimensions, as ``torch.t``."""
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return ops.reversed_dims(self)

    def expand(self, *sizes: Any) -> "Tensor":
        """A broadcast view of ``sizes``; -1 keeps that dimension's size, as ``torch.Tensor.expand``."""
        return ops.expand(self, sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes)

    def broadcast_to(self, size: Sequence[int]) -> "Tensor":
        """``expand(size)`` as ``torch.Tensor.broadcast_to`` (minigan/ops/shape_more.py)."""
        return ops.shape_more.broadcast_to(self, size)

    def matmul(self, other: Any) -> "Tensor":
        return ops.matmul(self, other)

    # ----------------------------------------------------------------- PyTorch-style shape and placement
    @property
    def size(self) -> "_ElementCount":
        """The number of elements (an int, as NumPy's ``size``) that PyTorch code can also call:
        ``x.size()`` is the shape and ``x.size(0)`` the first dimension."""
        return _ElementCount(self.array.size, self.shape)

    def dim(self) -> int:
        """The number of dimensions (``ndim``)."""
        return self.ndim

    def numel(self) -> int:
        """The number of elements."""
        return int(self.array.size)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        """Merge dimensions ``start_dim`` to ``end_dim`` (both included) into one."""
        start, end = dim_index(start_dim, self.ndim, "flatten"), dim_index(end_dim, self.ndim, "flatten")
        if self.ndim == 0:  # dims 0 and -1, as in PyTorch
            return ops.reshape(self, (1,))
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for shape {self.shape}")
        merged = math.prod(self.shape[start:end + 1])  # not -1, which an empty tensor leaves ambiguous
        return ops.reshape(self, self.shape[:start] + (merged,) + self.shape[end + 1:])

    def unsqueeze(self, dim: int) -> "Tensor":
        """Insert a dimension of size 1 at ``dim`` (``-1`` appends one)."""
        position = dim_index(dim, self.ndim + 1, "unsqueeze")
        return ops.reshape(self, self.shape[:position] + (1,) + self.shape[position:])

    def squeeze(self, dim: int | Sequence[int] | None = None) -> "Tensor":
        """Drop dimensions of size 1: all of them, or those among ``dim`` (others are kept, as in PyTorch)."""
        if dim is None:
            chosen = set(range(self.ndim))
        else:
            dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
            chosen = {dim_index(d, max(self.ndim, 1), "squeeze") for d in dims}
        return ops.reshape(self, tuple(n for i, n in enumerate(self.shape) if not (i in chosen and n == 1)))

    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(other_tensor)``; the
        same tensor when nothing changes. A move or a cast is recorded like any op, so
        gradients flow back to the original device and dtype."""
        where, dtype = to_arguments(args, kwargs)
        moved = self if where is None else ops.to_device(self, where)
        return moved if dtype is None else ops.cast(moved, dtype)

    def cpu(self) -> "Tensor":
        return self.to("cpu")

    def cuda(self, device: Any = None) -> "Tensor":
        return self.to("cuda" if device is None else device)


class _ElementCount(int):
    """What ``Tensor.size`` returns: an int that is also callable the PyTorch way."""

    def __new__(cls, count: int, shape: Shape) -> "_ElementCount":
        value = super().__new__(cls, count)
        value.shape = shape
        return value

    def __call__(self, dim: int | None = None) -> Shape | int:
        if dim is None:
            return Size(self.shape)
        return self.shape[dim_index(dim, len(self.shape), "size")]


def as_tensor(value: Any, like: Tensor | None = None) -> Tensor:
    """Wrap a constant (number or array) as a Tensor that needs no gradient.

    Numbers and non-float arrays take ``like``'s dtype, so ``x * 2`` stays float32.
    """
    if isinstance(value, Tensor):
        return value
    dtype = like.dtype if like is not None else np.dtype(DEFAULT_DTYPE)
    if isinstance(value, (int, float, bool, np.generic)):
        if dtype.kind != "f" and not isinstance(value, (bool, np.bool_)):  # an integer or bool Tensor beside
            dtype = np.dtype(DEFAULT_DTYPE) if isinstance(value, (float, np.floating)) else (
                np.dtype(np.int64) if dtype.kind == "b" else dtype)  # a number: PyTorch's promotion
        backend = backend_for("cpu") if like is None else backend_of(like.array)
        if dtype.kind in "iu" and isinstance(value, (int, np.integer)):  # PyTorch's error, not NumPy's
            value = fitted_number(value, dtype)
        return Tensor._make(backend.asarray(value, dtype=dtype), False, None)
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        backend = backend_of(value)
        if like is not None and backend is not backend_of(like.array):
            if value.ndim != 0:
                raise RuntimeError(
                    f"expected all tensors to be on the same device, but found an array on "
                    f"{backend.device} used with a tensor on {like.device}"
                )
            backend = backend_of(like.array)  # a 0-d array is a number: it goes where it is used
        value_dtype = backend_of(value).numpy_dtype(value.dtype)
        # A 0-d array is a number in disguise: like a Python float it must not promote
        # a float32 graph to float64 (PyTorch treats 0-dim operands the same way).
        if value_dtype not in FLOAT_DTYPES or (value.ndim == 0 and like is not None):
            value_dtype = dtype
        return Tensor._make(backend.asarray(value, dtype=value_dtype), False, None)
    return Tensor(value, dtype=dtype)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None, device: Any = None) -> Tensor:
    """A Tensor of a number, a (nested) list or an array, on ``device`` (default: where the array is,
    or the CPU). The dtype, as ``torch.tensor``'s: an array's own; Python floats float32, ints int64,
    bools bool (``Tensor(data)``, as ``torch.Tensor``, makes float32 of them all)."""
    if isinstance(data, Tensor) or hasattr(data, "dtype"):
        return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)
    made = Tensor._make(data_argument(data, dtype, device, python_dtypes=True), False, None)
    return made.requires_grad_() if requires_grad else made


ops: Any = OpsOnFirstUse(globals())
