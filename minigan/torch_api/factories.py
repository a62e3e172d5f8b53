"""Tensor factories with PyTorch's signatures: ``ones``, ``zeros``, ``full``, ``empty``, ``rand``,
``randn``, ``randint``, ``arange``, ``linspace``, ``eye`` and their ``*_like`` forms, ``from_numpy``
and ``as_tensor``, plus ``device`` and ``Generator``.

Every factory takes ``dtype=``, ``device=`` and ``requires_grad=``; the random ones also take
``generator=`` and otherwise draw from the process-wide Generator that ``minigan.manual_seed``
seeds (see minigan/torch_api/generators.py), so ``manual_seed(s)`` fixes what they return.
``zeros``, ``ones``, ``empty``, ``rand`` and ``randn`` take ``out=`` too, as PyTorch's: the values are
written into that Tensor, in its dtype, and it is resized (with no warning) if its shape differs.

As in PyTorch, ``randint``, ``arange`` over ints, ``full`` with an int fill and an integer or
bool ``dtype=`` give integer or bool Tensors: they cannot require gradients, index Tensors, and
convert with ``.float()``/``.long()``/``.to(dtype)``.
"""
from __future__ import annotations

import builtins
import numbers
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor, bump_version, is_grad_enabled
from ..autograd.arguments import DEFAULT_DTYPE, check_device_argument, dtype_argument, tensor_argument
from ..autograd.inplace import _TORCH_TYPE_NAMES
from ..backends import Device, backend_for, backend_of
from . import generators
from .unsupported import UnsupportedFeatureError
from .out_argument import takes_out

_FLOAT_KINDS = "f"
# What ``torch.Generator()`` is seeded with before ``manual_seed`` (so a fresh one is repeatable).
_TORCH_DEFAULT_SEED = 67280421310721


# ====================================================================== devices
device = Device  # torch.device: "cpu", "cuda", "cuda:0", device("cuda", 0)


# ====================================================================== generators
class Generator:
    """A random-number generator, as ``torch.Generator``: ``Generator().manual_seed(0)``.

    It wraps a ``numpy.random.Generator``; every factory's ``generator=`` takes either."""

    def __init__(self, device: Any = "cpu") -> None:
        check_device_argument(device)
        self.manual_seed(_TORCH_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> "Generator":
        """Reseed and return this generator."""
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"manual_seed expects an int, got {type(seed).__name__}")
        self._seed = builtins.int(seed)
        self.numpy_generator = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        """This generator's state, a uint8 tensor that ``set_state`` takes back."""
        return Tensor(generators.state_bytes(self.numpy_generator))

    def set_state(self, new_state: Tensor) -> "Generator":
        """Restore a state from ``get_state`` (what it draws next is what it drew then); returns self."""
        tensor_argument("set_state", "new_state", None, new_state)
        generators.restore_state(self.numpy_generator, np.asarray(new_state.detach().cpu().numpy()))
        return self


def numpy_generator_of(generator: Any) -> np.random.Generator:
    """The NumPy Generator behind a ``generator=`` argument (None: the one ``manual_seed`` seeds)."""
    if generator is None:
        return generators.default_generator()
    if isinstance(generator, Generator):
        return generator.numpy_generator
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"generator must be a minigan.Generator or numpy.random.Generator, got {type(generator).__name__}")


# ====================================================================== arguments
def _size(args: tuple, size: Any, name: str) -> tuple[int, ...]:
    """The shape from ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(size=(2, 3))``."""
    if size is not None:
        if args:
            raise TypeError(f"{name}() got the size both as arguments and as size=")
        args = (size,)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for n in args:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"{name}(): sizes must be ints, got {args!r}")
        if n < 0:
            raise ValueError(f"{name}(): sizes must be non-negative, got {tuple(args)}")
    return tuple(builtins.int(n) for n in args)


def _result(array: np.ndarray, requires_grad: bool, name: str, where: Any = None) -> Tensor:
    """A Tensor of ``array`` (float, integer or bool) on the device asked for; only floating-point
    ones may require gradients."""
    if requires_grad and array.dtype.kind not in _FLOAT_KINDS:
        raise RuntimeError(f"{name}(): only Tensors of floating point dtype can require gradients, not {array.dtype}")
    if where is not None and device(where) != "cpu":
        array = backend_for(where).asarray(array)  # made on the host from minigan's Generator
    return Tensor._make(array, bool(requires_grad), None)


def _like(input: Any, dtype: Any, device: Any) -> tuple[tuple[int, ...], np.dtype, Any]:
    """The shape, dtype and device of a ``*_like`` factory's result: ``input``'s unless given, as PyTorch's."""
    if not isinstance(input, (Tensor, np.ndarray)):
        raise TypeError(f"expected a Tensor or NumPy array as input, got {type(input).__name__}")
    if device is None and isinstance(input, Tensor):
        device = input.device
    return tuple(input.shape), dtype_argument(dtype, input.dtype), device


# ====================================================================== from NumPy
def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing ``array``'s memory and keeping its dtype, as ``torch.from_numpy``:
    writing to one changes the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    if array.dtype.kind not in "fiub":
        raise TypeError(f"can't convert np.ndarray of type {array.dtype}. The only supported types are: "
                        "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.")
    return Tensor._make(array, False, None)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a Tensor, sharing its memory where it can, as ``torch.as_tensor``: a Tensor
    already of ``dtype`` on ``device`` comes back as it is, and a NumPy array of that dtype,
    for the CPU, is shared as :func:`from_numpy` shares it; anything else is converted
    (``tensor.to``) or copied (``tensor(data)``, which infers the dtype as PyTorch does)."""
    wanted = None if dtype is None else dtype_argument(dtype)
    if device is not None:
        check_device_argument(device)
    if isinstance(data, Tensor):
        if (wanted is None or data.dtype == wanted) and (device is None or Device(device) == data.device):
            return data
        return data.to(*(arg for arg in (device, wanted) if arg is not None))
    if (isinstance(data, np.ndarray) and data.dtype.kind in "fiub" and (wanted is None or data.dtype == wanted)
            and (device is None or Device(device) == Device("cpu"))):
        return from_numpy(data)
    from ..autograd.tensor import tensor  # noqa: PLC0415 - the factory with PyTorch's dtype inference

    return tensor(data, dtype=wanted, device=device)


# ====================================================================== constant fills
def _made(name: str, size: tuple, dtype: Any, device: Any, requires_grad: bool, out: Any, make: Any) -> Tensor:
    """``make(shape, dtype)`` as a new Tensor; with ``out=``, written into ``out`` as PyTorch does: in
    out's dtype (a ``dtype=`` must match it), resized with no warning when the shape differs, out returned."""
    check_device_argument(device)
    shape = _size(size, None, name)
    if out is None:
        return _result(make(shape, dtype_argument(dtype)), requires_grad, name, device)
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if dtype is not None and dtype_argument(dtype) != out.dtype:
        raise RuntimeError(f"dtype {_torch_name(dtype_argument(dtype))} does not match dtype of out parameter "
                           f"({_torch_name(out.dtype)})")
    if is_grad_enabled() and out.requires_grad:
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    values = backend_of(out.array).asarray(make(shape, out.dtype))
    if tuple(out.shape) == shape:
        out.array[...] = values  # in place: what shares out's memory sees the values
    else:
        out.array = values
    if requires_grad:
        out.requires_grad_(True)
    bump_version(out)
    return out


def _torch_name(dtype: np.dtype) -> str:
    """PyTorch's name of a dtype in messages: Float, Long..."""
    return _TORCH_TYPE_NAMES.get(str(dtype), str(dtype)).removesuffix("Tensor")


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False, out: Any = None) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _made("zeros", size, dtype, device, requires_grad, out, np.zeros)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False, out: Any = None) -> Tensor:
    """A tensor of ones: ``ones(n, 1)`` or ``ones((n, 1))``."""
    return _made("ones", size, dtype, device, requires_grad, out, np.ones)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False, out: Any = None) -> Tensor:
    """A tensor whose values are not initialised (fill it before reading it)."""
    return _made("empty", size, dtype, device, requires_grad, out, np.empty)


def _fill_dtype(fill_value: Any, dtype: Any) -> np.dtype:
    """PyTorch's rule: a bool fill gives bool, an int fill int64, a float fill the default float."""
    if dtype is not None:
        return dtype_argument(dtype)
    if isinstance(fill_value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(fill_value, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(fill_value, numbers.Real):
        return np.dtype(DEFAULT_DTYPE)
    raise TypeError(f"full(): fill_value must be a number, got {type(fill_value).__name__}")


@takes_out(factory=True)
def full(size: Sequence[int], fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value``."""
    check_device_argument(device)
    shape = _size((size,) if isinstance(size, (tuple, list)) else (size,), None, "full")
    return _result(np.full(shape, fill_value, _fill_dtype(fill_value, dtype)), requires_grad, "full", device)


@takes_out(factory=True)
def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    """The n x m (default n x n) identity matrix."""
    check_device_argument(device)
    n, m = _size((n, n if m is None else m), None, "eye")
    return _result(np.eye(n, m, dtype=dtype_argument(dtype)), requires_grad, "eye", device)


# ====================================================================== random draws
def _random_floats(draw: str, shape: tuple[int, ...], dtype: Any, generator: Any, name: str) -> np.ndarray:
    """``Generator.random`` or ``.standard_normal`` in ``dtype`` (NumPy draws float32 and float64
    natively; float16 is drawn as float32 and rounded)."""
    resolved = dtype_argument(dtype)
    if resolved.kind not in _FLOAT_KINDS:
        raise TypeError(f"{name}(): dtype must be a floating-point dtype, got {resolved}")
    native = resolved if resolved != np.float16 else np.dtype(np.float32)
    values = getattr(numpy_generator_of(generator), draw)(shape, dtype=native)
    return values.astype(resolved, copy=False)


def rand(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, out: Any = None) -> Tensor:
    """Uniform samples in [0, 1)."""
    return _made("rand", size, dtype, device, requires_grad, out,
                 lambda shape, resolved: _random_floats("random", shape, resolved, generator, "rand"))


def randn(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, out: Any = None) -> Tensor:
    """Standard normal samples: ``randn(batch, 100)`` is a batch of GAN noise."""
    return _made("randn", size, dtype, device, requires_grad, out,
                 lambda shape, resolved: _random_floats("standard_normal", shape, resolved, generator, "randn"))


def _randint_bounds(args: tuple, size: Any) -> tuple[Any, Any, Any]:
    """``randint(high, size)``, ``randint(low, high, size)`` or either with ``size=``."""
    if size is None:
        if len(args) not in (2, 3):
            raise TypeError("randint() expects (high, size) or (low, high, size)")
        *bounds, size = args
    else:
        bounds = list(args)
    if len(bounds) == 1:
        bounds = [0] + bounds
    if len(bounds) != 2:
        raise TypeError("randint() expects (high, size) or (low, high, size)")
    low, high = bounds
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, numbers.Integral):
            raise TypeError(f"randint(): low and high must be ints, got {bound!r}")
    if low >= high:
        raise ValueError(f"randint(): low must be less than high, got low={low}, high={high}")
    return low, high, size


@takes_out(factory=True)
def randint(*args: Any, size: Any = None, generator: Any = None, dtype: Any = None, device: Any = None,
            requires_grad: bool = False) -> Tensor:
    """Integers drawn uniformly from [low, high); int64 unless ``dtype`` says otherwise."""
    check_device_argument(device)
    low, high, size = _randint_bounds(args, size)
    shape = _size((size,), None, "randint")
    values = numpy_generator_of(generator).integers(low, high, shape, dtype=np.int64)
    return _result(values.astype(dtype_argument(dtype, np.int64), copy=False), requires_grad, "randint", device)


# ====================================================================== ranges
@takes_out(factory=True)
def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``; int64 when all
    three are ints, else the default float dtype."""
    check_device_argument(device)
    if end is None:
        start, end = 0, start
    for value in (start, end, step):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"arange(): start, end and step must be numbers, got {value!r}")
    if step == 0:
        raise ValueError("arange(): step must be non-zero")
    all_ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
    resolved = dtype_argument(dtype, np.int64 if all_ints else DEFAULT_DTYPE)
    # Computed in float64 (or int64) and then cast, so float32 results have no drift.
    values = np.arange(start, end, step, dtype=np.int64 if all_ints else np.float64)
    return _result(values.astype(resolved), requires_grad, "arange", device)


@takes_out(factory=True)
def linspace(start: Any, end: Any, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included."""
    check_device_argument(device)
    (steps,) = _size((steps,), None, "linspace")
    values = np.linspace(start, end, steps, dtype=np.float64)
    return _result(values.astype(dtype_argument(dtype)), requires_grad, "linspace", device)


@takes_out(factory=True)
def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` values from ``base ** start`` to ``base ** end``, evenly spaced in the exponent."""
    check_device_argument(device)
    (steps,) = _size((steps,), None, "logspace")
    values = np.power(float(base), np.linspace(start, end, steps, dtype=np.float64))
    return _result(values.astype(dtype_argument(dtype)), requires_grad, "logspace", device)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    """The (row, column) indices of a ``row`` x ``col`` matrix's lower triangle (on and below diagonal
    ``offset``), a 2 x N tensor in row-major order (int64 unless ``dtype`` says otherwise)."""
    return _triangle_indices("tril_indices", np.tril_indices, row, col, offset, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    """The (row, column) indices of the upper triangle (on and above diagonal ``offset``)."""
    return _triangle_indices("triu_indices", np.triu_indices, row, col, offset, dtype, device)


def _triangle_indices(name: str, indices: Any, row: int, col: int, offset: int, dtype: Any, device: Any) -> Tensor:
    check_device_argument(device)
    row, col = _size((row, col), None, name)
    if isinstance(offset, bool) or not isinstance(offset, numbers.Integral):
        raise TypeError(f"{name}(): argument 'offset' must be int, not {type(offset).__name__}")
    resolved = dtype_argument(dtype, np.int64)
    if resolved.kind not in "iu":
        raise NotImplementedError(f"\"{name}\" not implemented for '{_torch_name(resolved)}'")
    values = np.stack(indices(row, builtins.int(offset), col)) if row and col else np.zeros((2, 0), np.int64)
    return _result(values.astype(resolved), False, name, device)


# ====================================================================== *_like forms
def zeros_like(input: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, resolved, device = _like(input, dtype, device)
    return zeros(shape, dtype=resolved, device=device, requires_grad=requires_grad)


def ones_like(input: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, resolved, device = _like(input, dtype, device)
    return ones(shape, dtype=resolved, device=device, requires_grad=requires_grad)


def empty_like(input: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, resolved, device = _like(input, dtype, device)
    return empty(shape, dtype=resolved, device=device, requires_grad=requires_grad)


def full_like(input: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    shape, resolved, device = _like(input, dtype, device)
    return full(shape, fill_value, dtype=resolved, device=device, requires_grad=requires_grad)


def rand_like(input: Any, *, generator: Any = None, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    shape, resolved, device = _like(input, dtype, device)
    return rand(shape, generator=generator, dtype=resolved, device=device, requires_grad=requires_grad)


def randn_like(input: Any, *, generator: Any = None, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    shape, resolved, device = _like(input, dtype, device)
    return randn(shape, generator=generator, dtype=resolved, device=device, requires_grad=requires_grad)


def randint_like(input: Any, low: int = 0, high: int | None = None, *, generator: Any = None, dtype: Any = None,
                 device: Any = None, requires_grad: bool = False) -> Tensor:
    """``randint_like(x, high)`` or ``randint_like(x, low, high)``: integers of ``x``'s shape (and dtype)."""
    if high is None:
        low, high = 0, low
    shape, resolved, device = _like(input, dtype, device)
    return randint(low, high, shape, generator=generator, dtype=resolved, device=device, requires_grad=requires_grad)


def get_default_device() -> Device:
    """The device of a factory's result made without ``device=``: the CPU, always, in minigan."""
    return Device("cpu")


def set_default_device(device: Any) -> None:
    """``torch.set_default_device``: the CPU (or None) is minigan's default already, so nothing
    changes; another device raises, as minigan's factories always start on the CPU unless
    given ``device=``."""
    if device is not None and Device(device) != "cpu":
        raise UnsupportedFeatureError(
            f"set_default_device({str(device)!r}) is not supported by minigan (a default device other than the CPU); "
            f"pass device= to the factories or move tensors and modules with .to(device)")


__all__ = [
    "get_default_device", "set_default_device", "device", "Generator", "from_numpy", "zeros", "ones", "empty", "full", "eye", "rand", "randn", "randint", "arange",
    "linspace", "zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like", "randint_like",
]
