"""The activations that draw noise, as PyTorch's: F.rrelu (a leaky ReLU whose negative slopes are drawn
uniformly from [lower, upper] while training, and fixed at their mean otherwise) and F.gumbel_softmax
(a softmax of logits plus Gumbel noise, optionally made one-hot with the soft gradient).

The noise is drawn inside each Function's forward from ``rng`` (a NumPy Generator; by default
minigan's, so a seed fixes it), on the host, then moved to the input's device, as dropout's mask is:
a replayed step (minigan/replay) draws it again, from the same Generator in the same order."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from ..torch_api.generators import default_generator
from .activations import leaky_relu
from .dims import softmax
from .operands import _constant, floats_only


class RReLU(Function):
    """f = a where a > 0, else r a, with r drawn uniformly from [lower, upper] per element;  df/da = 1
    where a > 0, else r (the slopes drawn in forward, kept for backward)."""

    saved_inputs = ()  # backward reads the drawn slopes only

    @staticmethod
    def forward(ctx: Context, a: Any, rng: np.random.Generator, lower: float, upper: float) -> Any:
        backend = backend_of(a)
        xp = backend.xp
        draws = np.asarray(rng.uniform(lower, upper, size=tuple(a.shape)), dtype=backend.numpy_dtype(a.dtype))
        drawn = backend.asarray(draws)
        slopes = xp.where(a > 0, xp.ones_like(a), drawn)  # PyTorch draws for x <= 0, and keeps x > 0
        ctx.save_for_backward(slopes)
        return a * slopes

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        (slopes,) = ctx.saved
        return (grad * _constant(slopes),)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,  # noqa: A002
          inplace: bool = False, *, rng: np.random.Generator | None = None) -> Tensor:
    """x where x > 0, else r x: r drawn from U(lower, upper) per element while ``training``, else
    r = (lower + upper) / 2. Computed out of place; ``minigan.nn.functional.rrelu(inplace=True)`` writes
    the result into the input (minigan/nn/inplace_functional.py)."""
    if lower > upper:
        raise ValueError(f"Lower bound should be less than or equal to the upper bound, got lower={lower} "
                         f"and upper={upper}")
    input = floats_only("leaky_relu", input)  # noqa: A001 - PyTorch's rrelu runs its leaky_relu kernel
    if not training:
        return leaky_relu(input, (lower + upper) / 2)
    return RReLU.apply(input, rng=rng if rng is not None else default_generator(), lower=float(lower),
                       upper=float(upper))


class GumbelNoise(Function):
    """f = a + g, g = -log(e) with e drawn from the standard exponential per element (a Gumbel(0, 1)
    draw);  df/da = 1."""

    saved_inputs = ()  # backward reads nothing

    @staticmethod
    def forward(ctx: Context, a: Any, rng: np.random.Generator) -> Any:
        backend = backend_of(a)
        noise = -np.log(np.asarray(rng.standard_exponential(size=tuple(a.shape))))
        return a + backend.asarray(noise.astype(backend.numpy_dtype(a.dtype)))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (grad,)


def gumbel_softmax(logits: Tensor, tau: float = 1.0, hard: bool = False, eps: float = 1e-10, dim: int = -1,
                   *, rng: np.random.Generator | None = None) -> Tensor:
    """softmax((logits + g) / tau) along ``dim``, g Gumbel(0, 1) noise: a differentiable sample of the
    categorical distribution softmax(logits). ``hard``: the one-hot vector at the sample's largest
    entry, with the soft sample's gradient (one_hot - soft.detach() + soft)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", UserWarning, stacklevel=2)
    noisy = GumbelNoise.apply(logits, rng=rng if rng is not None else default_generator())
    soft = softmax(noisy / tau, dim)
    if not hard:
        return soft
    xp = backend_of(soft.array).xp
    largest = soft.array == xp.max(soft.array, axis=dim % soft.ndim, keepdims=True)  # a tie has probability 0
    one_hot = _constant(xp.astype(largest, soft.array.dtype))
    return one_hot - soft.detach() + soft
