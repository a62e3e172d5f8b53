"""Weight initialisation, in place on a Tensor's data (``nn.init.xavier_uniform_(layer.weight)``).

Same formulas and defaults as ``torch.nn.init``. Every random initialiser draws from ``rng`` (a
NumPy Generator) or PyTorch's ``generator=`` (a ``minigan.Generator``) when given, else from the
generator ``minigan.manual_seed`` seeds. Values are drawn in float64 and rounded once to the
tensor's dtype.

``trunc_normal_``, ``orthogonal_``, ``eye_``, ``dirac_`` and ``sparse_`` take exactly PyTorch's
arguments (their ``generator=`` takes a ``minigan.Generator`` or a NumPy Generator). Every
initialiser writes into the tensor's memory without recording anything (PyTorch runs them under
``no_grad``, so a Parameter that requires grad takes them), moves its version counter by as many
in-place steps as PyTorch's makes (one for a fill; orthogonal_ two, trunc_normal_ two when a first
draw was rejected, dirac_ one plus one per 1 written, sparse_ one plus one per column; none for
the kaiming initialisers on a tensor with no element, which warn as PyTorch's), and returns it.
PyTorch's deprecated spellings without the underscore (``nn.init.normal``...) warn and call them.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np

from ..torch_api.factories import numpy_generator_of
from ..backends import backend_of
from ..autograd import Tensor, bump_version
from ..autograd.legacy import c_type_name, scalar_type_name

_LINEAR_LIKE = {"linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
                "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps activations' variance stable through ``nonlinearity``:
    1 for linear/sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu
    (slope ``param``, default 0.01), 3/4 for selu."""
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative slope {param!r} is not a number")
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 0.75
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor: Any) -> tuple[int, int]:
    """fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field
    (a Linear weight (out, in) has fan_in = in, fan_out = out)."""
    shape = _array(tensor).shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, got shape {tuple(shape)}")
    receptive_field = int(np.prod(shape[2:], dtype=np.int64)) if len(shape) > 2 else 1
    return int(shape[1]) * receptive_field, int(shape[0]) * receptive_field


def _fan(tensor: Any, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _array(tensor: Any) -> Any:
    if isinstance(tensor, Tensor):
        return tensor.array
    if hasattr(tensor, "shape") and hasattr(tensor, "dtype"):
        return tensor
    raise TypeError(f"init functions work on a Tensor (or an array), got {type(tensor).__name__}")


def _zero_elements(tensor: Any) -> bool:
    """Whether ``tensor`` has no element, saying so as PyTorch's kaiming initialisers do (they fill nothing then)."""
    if 0 not in tuple(_array(tensor).shape):
        return False
    warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
    return True


def _fill(tensor: Any, values: Any) -> Any:
    """Write ``values`` into the tensor's array in place (cast to its dtype) and return the tensor."""
    array = _array(tensor)
    backend = backend_of(array)
    array[...] = backend.asarray(values, dtype=backend.numpy_dtype(array.dtype))
    return tensor


def _rng(rng: np.random.Generator | None, generator: Any) -> np.random.Generator:
    """The NumPy Generator to draw from: ``rng``, or PyTorch's ``generator=`` (a minigan.Generator),
    or the one ``manual_seed`` seeds."""
    if rng is not None and generator is not None:
        raise TypeError("init: pass rng= or generator=, not both")
    return rng if rng is not None else numpy_generator_of(generator)


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0, rng: np.random.Generator | None = None,
             generator: Any = None) -> Any:
    """Fill with samples from U(a, b)."""
    if a > b:
        raise ValueError(f"uniform_: lower bound {a} is above upper bound {b}")
    return _set(tensor, _rng(rng, generator).uniform(a, b, size=_array(tensor).shape))


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, rng: np.random.Generator | None = None,
            generator: Any = None) -> Any:
    """Fill with samples from N(mean, std^2)."""
    if std < 0:
        raise ValueError(f"normal_: std must be non-negative, got {std}")
    return _set(tensor, _rng(rng, generator).normal(mean, std, size=_array(tensor).shape))


def constant_(tensor: Any, val: float) -> Any:
    """Fill with ``val``."""
    _array(tensor)[...] = val
    if isinstance(tensor, Tensor):
        bump_version(tensor)
    return tensor


def zeros_(tensor: Any) -> Any:
    """Fill with 0."""
    return constant_(tensor, 0.0)


def ones_(tensor: Any) -> Any:
    """Fill with 1."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Any, gain: float = 1.0, rng: np.random.Generator | None = None,
                    generator: Any = None) -> Any:
    """Glorot uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))  # a (0, 0) tensor: ZeroDivisionError, as PyTorch's
    return uniform_(tensor, -bound, bound, rng=rng, generator=generator)


def xavier_normal_(tensor: Any, gain: float = 1.0, rng: np.random.Generator | None = None,
                   generator: Any = None) -> Any:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng=rng, generator=generator)


def kaiming_uniform_(
    tensor: Any, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | None = None, generator: Any = None,
) -> Any:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    With the defaults of ``nn.Linear`` (a = sqrt(5)) this is U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    """
    if _zero_elements(tensor):
        return tensor
    fan = _fan(tensor, mode)
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound, rng=rng, generator=generator)


def kaiming_normal_(
    tensor: Any, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | None = None, generator: Any = None,
) -> Any:
    """He normal: N(0, std^2) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    if _zero_elements(tensor):
        return tensor
    fan = _fan(tensor, mode)
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), rng=rng, generator=generator)


def _set(tensor: Any, values: Any, changes: int = 1) -> Any:
    """:func:`_fill`, counted as ``changes`` in-place changes of a Tensor: its version counter moves
    by as many as PyTorch's initialiser makes in-place steps (one fill, then a copy or one write per
    column...), so that the same code sees the same versions."""
    _fill(tensor, values)
    if isinstance(tensor, Tensor):
        for _ in range(changes):
            bump_version(tensor)
    return tensor


def _floating_or_refuse(array: Any, name: str) -> None:
    """PyTorch's error for a random initialiser on a tensor its normal sampler has no kernel for."""
    dtype = np.dtype(backend_of(array).numpy_dtype(array.dtype))
    if dtype.kind != "f":
        raise NotImplementedError(f"\"{name}\" not implemented for '{scalar_type_name(dtype)}'")


def _normal_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Any = None) -> Any:
    """Fill with samples of N(mean, std^2) truncated to [a, b]: every value lies in [a, b].

    The samples are exact, by rejection: where [a, b] holds more than 0.3 of the normal's mass,
    normal draws outside it are drawn again; otherwise uniform draws on [a, b] are kept with
    probability pdf(x) / pdf(the point of [a, b] nearest the mean). As PyTorch: a UserWarning
    when the mean lies more than 2 std outside [a, b]; a ≤ b; finite bounds when the uniform draws
    are the ones used; a floating-point tensor.
    """
    array = _array(tensor)
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", UserWarning, stacklevel=2)
    mass = _normal_cdf((b - mean) / std) - _normal_cdf((a - mean) / std)
    dtype = np.dtype(backend_of(array).numpy_dtype(array.dtype))
    by_normal = mass > 0.3
    if not by_normal:  # uniform draws on [a, b]: PyTorch's checks of uniform_'s bounds
        _floating_or_refuse(array, "trunc_normal_")
        largest = float(np.finfo(dtype).max)
        for bound, which in ((a, "from"), (b, "to")):
            if not -largest <= bound <= largest:
                raise RuntimeError(f"{which} is out of bounds for {c_type_name(dtype)}")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}")
    if math.prod(array.shape) == 0:
        return _set(tensor, np.zeros(array.shape))
    _floating_or_refuse(array, "trunc_normal_")
    rng = numpy_generator_of(generator)
    size = math.prod(array.shape)
    if by_normal:
        values = rng.normal(mean, std, size)
        outside = np.flatnonzero((values < a) | (values > b))
        redrawn = bool(outside.size)  # PyTorch then copies the redrawn values in: a second in-place change
        while outside.size:
            values[outside] = rng.normal(mean, std, outside.size)
            outside = outside[(values[outside] < a) | (values[outside] > b)]
    else:
        nearest = max(a, min(mean, b))
        values = np.empty(size)
        pending = np.arange(size)
        redrawn = False
        while pending.size:
            candidates = rng.uniform(a, b, pending.size)
            # log of pdf(x) / pdf(nearest); a NaN (a NaN mean) keeps the draw, as PyTorch's
            log_ratio = -0.5 * ((candidates - mean) / std) ** 2 + 0.5 * ((nearest - mean) / std) ** 2
            values[pending] = candidates
            pending = pending[np.log1p(-rng.random(pending.size)) > log_ratio]  # log of a uniform on (0, 1]
            redrawn = redrawn or bool(pending.size)
    return _set(tensor, values.reshape(array.shape), 2 if redrawn else 1)


def orthogonal_(tensor: Any, gain: float = 1, generator: Any = None) -> Any:
    """Fill with a (semi-)orthogonal matrix times ``gain``, the tensor seen as rows = shape[0] by
    cols = the product of the other sizes: orthonormal rows (W Wᵀ = gain² I) when rows < cols,
    else orthonormal columns (Wᵀ W = gain² I).

    The matrix is Q of the QR decomposition of a standard normal rows x cols matrix (of its
    transpose when rows < cols), with Q's columns signed so that R's diagonal is positive, which
    makes Q uniformly distributed over the orthogonal matrices (Saxe et al. 2013).
    """
    array = _array(tensor)
    if len(array.shape) < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if math.prod(array.shape) == 0:
        return tensor
    _floating_or_refuse(array, "orthogonal_")
    rows = int(array.shape[0])
    cols = math.prod(array.shape) // rows
    if np.dtype(backend_of(array).numpy_dtype(array.dtype)) == np.float16:  # PyTorch's QR has no half kernel
        raise NotImplementedError("\"orthogonal_\" not implemented for 'Half'")
    drawn = numpy_generator_of(generator).standard_normal((rows, cols))
    if rows < cols:
        drawn = drawn.T
    q, r = np.linalg.qr(drawn)
    q = q * np.where(np.diagonal(r) < 0, -1.0, 1.0)
    if rows < cols:
        q = q.T
    return _set(tensor, (q * gain).reshape(array.shape), 2)  # PyTorch's copy, then its multiplication by gain


def eye_(tensor: Any) -> Any:
    """Fill a 2-D tensor with the identity: 1 where row == column, 0 elsewhere (any shape, any dtype)."""
    array = _array(tensor)
    if len(array.shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _set(tensor, np.eye(array.shape[0], array.shape[1]))


def dirac_(tensor: Any, groups: int = 1) -> Any:
    """Fill a 3-, 4- or 5-D convolution weight (out, in, *kernel) so that the convolution passes
    its input through: within each of ``groups`` groups of out // groups output channels, output
    channel d of the group takes input channel d at the kernel's centre (index k // 2 along each
    kernel axis), for d < min(out // groups, in); 0 elsewhere."""
    array = _array(tensor)
    shape = tuple(int(n) for n in array.shape)
    if len(shape) not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = shape[0] // groups
    channels = min(out_per_group, shape[1])
    empty_axes = [dim for dim, size in enumerate(shape[2:], start=2) if size == 0]
    if channels and empty_axes:  # PyTorch's error for writing a centre that is not there, after zeroing nothing
        _set(tensor, np.zeros(shape))
        raise IndexError(f"index 0 is out of bounds for dimension {empty_axes[0]} with size 0")
    values = np.zeros(shape)
    centre = tuple(size // 2 for size in shape[2:])
    for group in range(groups):
        for d in range(channels):
            values[(group * out_per_group + d, d) + centre] = 1.0
    return _set(tensor, values, 1 + groups * channels)  # PyTorch zeroes, then writes each 1


def sparse_(tensor: Any, sparsity: float, std: float = 0.01, generator: Any = None) -> Any:
    """Fill a 2-D tensor with N(0, std^2) samples, then zero ceil(sparsity * rows) entries of each
    column, at rows drawn without replacement (Martens 2010)."""
    array = _array(tensor)
    if len(array.shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = int(array.shape[0]), int(array.shape[1])
    zeros = int(math.ceil(sparsity * rows))
    if not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if rows * cols == 0:
        return _set(tensor, np.zeros((rows, cols)), 1 + cols)
    _floating_or_refuse(array, "sparse_")
    rng = numpy_generator_of(generator)
    values = rng.normal(0.0, std, (rows, cols))
    for col in range(cols):
        values[rng.permutation(rows)[:zeros], col] = 0.0
    return _set(tensor, values, 1 + cols)  # PyTorch draws, then writes each column's zeros


def _deprecated(new: Callable[..., Any]) -> Callable[..., Any]:
    """PyTorch's deprecated spelling of ``new`` without its underscore: a FutureWarning, then ``new``."""
    old = new.__name__[:-1]

    def deprecated_init(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{new.__name__}`.",
                      FutureWarning, stacklevel=2)
        return new(*args, **kwargs)

    deprecated_init.__name__ = old
    deprecated_init.__doc__ = f"Deprecated: warns, then calls :func:`{new.__name__}`."
    return deprecated_init


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)

__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    "trunc_normal_", "orthogonal_", "eye_", "dirac_", "sparse_",
    "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
    "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse",
]
