"""The helpers every distribution shares: parameters as broadcast Tensors (``broadcast_all``), the two
spellings of a discrete distribution (probabilities and log-odds), a cached property, and the random
draws, taken from the Generator that ``minigan.manual_seed`` seeds, so a seed fixes every sample."""
from __future__ import annotations

import functools
import numbers
from typing import Any, Callable

import numpy as np

from ..autograd import Tensor, as_tensor, enable_grad, tensor
from ..backends import backend_of
from ..ops import cat, clamp, log, log1p, sigmoid
from ..ops.reorder import index_select
from ..ops.dims import softmax
from ..torch_api.generators import default_generator

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits", "tril_matrix_to_vec",
           "vec_to_tril_matrix"]


def broadcast_all(*values: Any) -> tuple[Tensor, ...]:
    """The values as Tensors of one broadcast shape, as PyTorch's: numbers take the dtype and device
    of the first Tensor among them (float32 when there is none); Tensors keep their graphs."""
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    first = next((v for v in values if isinstance(v, Tensor)), None)
    tensors = [v if isinstance(v, Tensor) else tensor(float(v)) if first is None else as_tensor(float(v), like=first)
               for v in values]
    shape = np.broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def tensor_parameter(name: str, value: Any, ndim: int, too_few: str) -> Tensor:
    """``value`` checked to be a Tensor (TypeError) of at least ``ndim`` dimensions (ValueError ``too_few``)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a Tensor, got {type(value).__name__}")
    if value.ndim < ndim:
        raise ValueError(too_few)
    return value


def sum_rightmost(value: Tensor, dims: int) -> Tensor:
    """``value`` summed over its last ``dims`` dimensions (none when ``dims`` is 0)."""
    if dims == 0:
        return value
    return value.reshape(value.shape[:value.ndim - dims] + (-1,)).sum(-1)


def _lower_part(size: int, diag: int) -> np.ndarray:
    """The row-major positions, in a size x size matrix flattened, of the entries on or below
    diagonal ``diag`` (0 the main one, -1 the one below it)."""
    return np.flatnonzero(np.tri(size, size, diag, dtype=bool))


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The entries of the last two dimensions' square matrices on or below diagonal ``diag``, row by
    row, as one vector per matrix, as ``torch.distributions.utils.tril_matrix_to_vec``."""
    size = mat.shape[-1]
    flat = mat.reshape(tuple(mat.shape[:-2]) + (size * size,))
    return index_select(flat, -1, placed(_lower_part(size, diag), mat))


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The square matrices whose entries on or below diagonal ``diag`` are ``vec``'s, row by row,
    and zero elsewhere: the inverse of ``tril_matrix_to_vec``."""
    count = vec.shape[-1]
    size = round((2 * count + 0.25) ** 0.5 - 0.5 - diag)  # count = m (m + 1) / 2 with m = size + diag, diag <= 0
    if _lower_part(size, diag).size != count:
        raise ValueError(f"The size of last dimension is {count} which cannot be expressed as the lower triangular "
                         "part of a square D x D matrix.")
    source = np.full(size * size, count)  # the zero appended after vec's entries
    source[_lower_part(size, diag)] = np.arange(count)
    padded = cat([vec, vec.new_zeros(tuple(vec.shape[:-1]) + (1,))], dim=-1)
    return index_select(padded, -1, placed(source, vec)).reshape(tuple(vec.shape[:-1]) + (size, size))


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities moved into [eps, 1 - eps], eps the dtype's machine epsilon, so their logs are finite."""
    eps = float(np.finfo(probs.dtype).eps)
    return clamp(probs, eps, 1.0 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """log p for class probabilities; the log-odds log p - log(1 - p) when ``is_binary``."""
    clamped = clamp_probs(probs)
    return log(clamped) - log1p(-clamped) if is_binary else log(clamped)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """sigmoid of log-odds when ``is_binary``, else softmax over the last dimension."""
    return sigmoid(logits) if is_binary else softmax(logits, dim=-1)


class lazy_property:  # noqa: N801 - PyTorch's name
    """A property computed on first read and then stored on the instance (so a distribution made from
    ``probs`` computes its ``logits`` once, and only if asked). Recorded for autograd even under
    ``no_grad``, as PyTorch's, so a value cached while sampling still carries its graph later."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self.compute = compute
        functools.update_wrapper(self, compute)  # type: ignore[arg-type]

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        with enable_grad():
            value = self.compute(instance)
        instance.__dict__[self.compute.__name__] = value
        return value


def check_sample_shape(sample_shape: Any) -> tuple[int, ...]:
    """``sample_shape`` (a tuple, list or torch.Size-like sequence of ints) as a tuple."""
    if isinstance(sample_shape, (numbers.Number, Tensor)) or not hasattr(sample_shape, "__iter__"):
        raise TypeError(f"sample_shape must be a tuple of ints (torch.Size), got {type(sample_shape).__name__}")
    shape = tuple(sample_shape)
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise ValueError(f"sample_shape must hold non-negative ints, got {shape}")
    return tuple(int(n) for n in shape)


def draws(kind: str, shape: tuple[int, ...], like: Tensor) -> Tensor:
    """A constant Tensor of ``shape`` of standard draws in ``like``'s dtype and on its device:
    ``kind`` "normal" (N(0, 1)), "uniform" ([0, 1)), "exponential" (Exp(1)) or "laplace" (a random
    sign times Exp(1), the Laplace(0, 1) law). Drawn in float64 from the default Generator."""
    rng = default_generator()
    if kind == "normal":
        values = rng.standard_normal(shape)
    elif kind == "uniform":
        values = rng.random(shape)
    elif kind == "exponential":
        values = rng.standard_exponential(shape)
    elif kind == "laplace":
        values = np.where(rng.random(shape) < 0.5, -1.0, 1.0) * rng.standard_exponential(shape)
    else:
        raise ValueError(f"unknown kind of draw {kind!r}")
    return placed(np.asarray(values, dtype=np.float64).astype(like.dtype), like)


def placed(values: np.ndarray, like: Tensor) -> Tensor:
    """A constant Tensor of the host array ``values`` on ``like``'s device."""
    return Tensor._make(backend_of(like.array).asarray(values), False, None)
