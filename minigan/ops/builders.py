"""PyTorch's functions that build one tensor, or several, out of others: ``meshgrid``,
``broadcast_tensors``, ``broadcast_shapes``, ``atleast_1d``/``atleast_2d``/``atleast_3d``,
``block_diag``, ``cartesian_prod``, ``combinations``, ``chain_matmul`` and ``kron``.

None is a new op: each is reshapes, expansions, padding, joins and products of the ops below it,
so the gradients (and second derivatives) are theirs. The expansions are views, as PyTorch's:
``meshgrid``'s and ``broadcast_tensors``' results share their inputs' memory.
"""
from __future__ import annotations

import builtins
import itertools
import numbers
import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.size import Size
from ..torch_api.out_argument import write_into
from .linalg_compositions import multi_dot
from .padding import pad
from .shape import cat, stack

MESHGRID_WARNING = ("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.")
CHAIN_MATMUL_WARNING = ("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                        "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
                        "multiple parameters.")


def _tensor_list(name: str, tensors: tuple[Any, ...], a_list: bool = False) -> tuple[Tensor, ...]:
    """The Tensors of ``f(a, b)`` (or, where ``a_list``, of ``f([a, b])``); anything else names its place."""
    if a_list and len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for position, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): expected a Tensor as element {position} in argument 0, but got {_kind(t)}")
    return tuple(tensors)


def _kind(value: Any) -> str:
    """The type of ``value`` as a message names it (in full where it is some other library's Tensor)."""
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}" if kind.__name__ == "Tensor" else kind.__name__


def _joinable(tensors: tuple[Tensor, ...]) -> None:
    """meshgrid's (and so cartesian_prod's) checks: some tensors, of one dtype, on one device."""
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors[1:]:
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"meshgrid expects all tensors to have the same dtype (got {tensors[0].dtype} and "
                               f"{t.dtype})")
        if t.device != tensors[0].device:
            raise RuntimeError(f"meshgrid expects all tensors to have the same device (got {tensors[0].device} and "
                               f"{t.device})")


# ====================================================================== broadcasting
def _shape_argument(shape: Any) -> tuple[int, ...]:
    sizes = (shape,) if isinstance(shape, numbers.Integral) and not isinstance(shape, builtins.bool) else shape
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise TypeError(f"broadcast_shapes(): expected a shape (an int or a sequence of ints), got "
                        f"{type(shape).__name__}") from None
    for n in sizes:
        if isinstance(n, builtins.bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"broadcast_shapes(): sizes must be ints, got {shape!r}")
        if n < 0:
            raise ValueError("Attempting to broadcast a dimension with negative length!")
    return tuple(builtins.int(n) for n in sizes)


def _broadcast(shapes: Any, mismatch: Any) -> tuple[int, ...]:
    """The shape all of ``shapes`` broadcast to: aligned at the right, a 1 stretching to any size;
    ``mismatch(index, shape, k, so_far)`` raises for dimension -k of shapes[index] that does not fit."""
    result: list[int] = []
    for index, shape in enumerate(shapes):
        result = [1] * (len(shape) - len(result)) + result
        for k, n in enumerate(reversed(shape), 1):
            if result[-k] == 1:
                result[-k] = n
            elif n not in (1, result[-k]):
                mismatch(index, shape, k, result)
    return tuple(result)


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape that tensors of ``shapes`` (each an int or a sequence of ints) broadcast to, as a
    ``minigan.Size`` (PyTorch's ``torch.Size``); no tensor is made."""
    def mismatch(index: int, shape: tuple[int, ...], k: int, so_far: list[int]) -> None:
        raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[-k]} at {-k}! Mismatching argument "
                           f"at index {index} had {shape}; but expected shape should be broadcastable to {so_far}")

    return Size(_broadcast([_shape_argument(s) for s in shapes], mismatch))


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    """Each tensor expanded to the shape they all broadcast to (views: no copy); gradients are
    summed back over the expanded dimensions."""
    tensors = _tensor_list("broadcast_tensors", tensors)

    def mismatch(index: int, shape: tuple[int, ...], k: int, so_far: list[int]) -> None:
        raise RuntimeError(f"The size of tensor a ({so_far[-k]}) must match the size of tensor b ({shape[-k]}) at "
                           f"non-singleton dimension {len(so_far) - k}")

    shape = _broadcast([t.shape for t in tensors], mismatch)
    return tuple(t.expand(shape) for t in tensors)


# ====================================================================== grids
def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """For 1-D (or 0-D) tensors x_0 ... x_{n-1}: n tensors of shape (len x_0, ..., len x_{n-1}), the
    i-th holding x_i along dimension i (views of the inputs). ``indexing="xy"`` swaps the first two
    dimensions (Cartesian, as NumPy's default); ``"ij"`` (matrix) is the default, and leaving it
    out warns, as PyTorch does."""
    if indexing is None:
        warnings.warn(MESHGRID_WARNING, UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    tensors = _tensor_list("meshgrid", tensors, a_list=True)
    _joinable(tensors)
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: a tensor of "
                               f"shape {list(t.shape)}")
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        axes[0], axes[1] = 1, 0  # x runs along the columns, y along the rows
    shape = [1] * len(tensors)
    for t, axis in zip(tensors, axes):
        shape[axis] = t.numel()
    grids = []
    for t, axis in zip(tensors, axes):
        line = [1] * len(tensors)
        line[axis] = -1
        grids.append(t.reshape(line).expand(shape))
    return tuple(grids)


def cartesian_prod(*tensors: Any) -> Tensor:
    """Every tuple (x_0[i_0], ..., x_{n-1}[i_{n-1}]) of the 1-D inputs, in row-major order, as the
    rows of an (N, n) tensor (N the product of the lengths); one input comes back as it is."""
    tensors = _tensor_list("cartesian_prod", tensors)
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    _joinable(tensors)
    return stack([grid.reshape(-1) for grid in meshgrid(*tensors, indexing="ij")], dim=1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """The length-``r`` combinations of a 1-D tensor's elements, as the rows of a (count, r) tensor in
    ``itertools.combinations`` order (``with_replacement``: ``itertools.combinations_with_replacement``);
    r = 0 gives an empty 1-D tensor that requires no grad, as PyTorch's. Picked with ``index_select``,
    so the gradient of each element is the sum of its copies' gradients."""
    if not isinstance(input, Tensor):
        raise TypeError(f"combinations(): argument 'input' (position 1) must be Tensor, not {_kind(input)}")
    if isinstance(r, builtins.bool) or not isinstance(r, numbers.Integral):
        raise TypeError(f"combinations(): argument 'r' (position 2) must be int, not {type(r).__name__}")
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.detach().narrow(0, 0, 0)  # empty, and outside the graph, as PyTorch's
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(choose(range(input.shape[0]), builtins.int(r))), dtype=np.int64).reshape(-1, r)
    picks = Tensor._make(rows.reshape(-1), False, None).to(input.device)
    return input.index_select(0, picks).reshape(rows.shape[0], builtins.int(r))


# ====================================================================== ranks
def _at_least(name: str, tensors: tuple[Any, ...], shape_of: Any) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        t = tensors[0]
        return t if t.shape == shape_of(t.shape) else t.reshape(shape_of(t.shape))
    return tuple(_at_least(name, (t,), shape_of) for t in _tensor_list(name, tensors, a_list=True))


def atleast_1d(*tensors: Any) -> Any:
    """A 0-D tensor as shape (1,), others as they are; several tensors (or a list) give a tuple."""
    return _at_least("atleast_1d", tensors, lambda s: s if len(s) >= 1 else (1,))


def atleast_2d(*tensors: Any) -> Any:
    """0-D as (1, 1), 1-D (n,) as (1, n), others as they are; several tensors give a tuple."""
    return _at_least("atleast_2d", tensors, lambda s: s if len(s) >= 2 else (1,) * (2 - len(s)) + s)


def atleast_3d(*tensors: Any) -> Any:
    """0-D as (1, 1, 1), 1-D (n,) as (1, n, 1), 2-D (m, n) as (m, n, 1), others as they are;
    several tensors give a tuple."""
    return _at_least("atleast_3d", tensors,
                     lambda s: s if len(s) >= 3 else {0: (1, 1, 1), 1: (1, *s, 1), 2: (*s, 1)}[len(s)])


# ====================================================================== block products
def block_diag(*tensors: Any) -> Tensor:
    """The inputs (each 0-D as 1 x 1, 1-D (n,) as 1 x n, or 2-D) along the diagonal of one matrix,
    zeros elsewhere; mixed dtypes promote as ``cat``'s."""
    tensors = _tensor_list("block_diag", tensors)
    blocks = []
    for position, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {position} "
                               f"has {t.ndim} dimensions")
        blocks.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not blocks:
        return Tensor(np.zeros((1, 0), dtype=np.float32))  # PyTorch's empty block matrix
    width = builtins.sum(b.shape[1] for b in blocks)
    rows, start = [], 0
    for b in blocks:
        rows.append(pad(b, (start, width - start - b.shape[1])))  # zeros left and right of the block
        start += b.shape[1]
    return cat(rows, dim=0)


def kron(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002 - PyTorch's name
    """The Kronecker product: for shapes a and b (the shorter padded with leading 1s), the tensor
    of shape a_k b_k whose element at i_k b_k + j_k is input[i] * other[j]. With ``out``, written there."""
    return write_into("kron", out, (input, other), lambda: _kron(input, other))


def _kron(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    for position, (which, t) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(t, Tensor):
            raise TypeError(f"kron(): expected a Tensor as argument '{which}' (position {position}), "
                            f"but got {_kind(t)}")
    rank = builtins.max(input.ndim, other.ndim)
    a = (1,) * (rank - input.ndim) + input.shape
    b = (1,) * (rank - other.ndim) + other.shape
    spread_a = input.reshape(tuple(n for size in a for n in (size, 1)))  # (a_0, 1, a_1, 1, ...)
    spread_b = other.reshape(tuple(n for size in b for n in (1, size)))  # (1, b_0, 1, b_1, ...)
    return (spread_a * spread_b).reshape(tuple(m * n for m, n in zip(a, b)))


def chain_matmul(*matrices: Any, out: Tensor | None = None) -> Tensor:
    """The product of the 2-D matrices in order (deprecated in PyTorch, and warns as PyTorch's:
    ``torch.linalg.multi_dot`` is the current spelling); one matrix comes back as a copy. With
    ``out``, written there."""
    warnings.warn(CHAIN_MATMUL_WARNING, UserWarning, stacklevel=2)
    return write_into("chain_matmul", out, matrices, lambda: _chain_matmul(matrices))


def _chain_matmul(matrices: tuple[Any, ...]) -> Tensor:
    matrices = _tensor_list("chain_matmul", matrices)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for t in matrices:
        if t.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {t.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(list(matrices))
