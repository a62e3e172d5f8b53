"""``randperm``, ``bernoulli``, ``multinomial``, ``normal`` and ``poisson``, as PyTorch's, drawn from
minigan's generators (``generator=`` a ``minigan.Generator`` or a NumPy one; None: the one
``manual_seed`` seeds). The draws are made on the host and the result placed on the input's
device. None has a gradient.

multinomial without replacement uses the exponential race: each class i gets the key p_i / E_i
with E_i ~ Exp(1), and the classes with the largest keys win, in order. That is sampling one
class at a time in proportion to p among those not yet drawn; a class of probability 0 has key 0,
so it comes only after every other class (as PyTorch's does)."""
from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import dtype_argument
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of, to_numpy
from .factories import _random_floats, _result, _size, check_device_argument, numpy_generator_of
from .out_argument import takes_out


@takes_out(factory=True)
def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """The integers 0..n-1 in a random order (int64 unless ``dtype`` says otherwise)."""
    check_device_argument(device)
    if isinstance(n, builtins.bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    resolved = dtype_argument(dtype, np.int64)
    if resolved == np.bool_:
        raise NotImplementedError('"randperm" not implemented for \'Bool\'')
    if resolved.kind in "iu" and n > 0 and n - 1 > np.iinfo(resolved).max:
        raise RuntimeError(f"value cannot be converted to type {resolved} without overflow")
    values = numpy_generator_of(generator).permutation(builtins.int(n)).astype(resolved)
    return _result(values, requires_grad, "randperm", device)


def _host_floats(name: str, input: Any) -> np.ndarray:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be a Tensor, not {type(input).__name__}")
    return to_numpy(input.array)


def _placed(values: np.ndarray, like: Tensor) -> Tensor:
    return Tensor._make(backend_of(like.array).asarray(values), False, None)


@takes_out
def bernoulli(input: Tensor, p: Any = None, *, generator: Any = None) -> Tensor:  # noqa: A002
    """1 with probability ``input`` (elementwise; or ``p`` for every element), else 0, in ``input``'s dtype."""
    probs = _host_floats("bernoulli", input)
    if probs.dtype.kind != "f":
        raise NotImplementedError(f"\"bernoulli\" not implemented for '{probs.dtype}'; give probabilities as floats")
    if p is not None:
        probs = np.full(probs.shape, p, dtype=np.float64)
    if not bool(np.all((probs >= 0) & (probs <= 1))):  # NaN fails both tests
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    draws = numpy_generator_of(generator).random(probs.shape) < probs
    return _placed(draws.astype(input.dtype), input)


@takes_out
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator: Any = None) -> Tensor:
    """Class indices drawn in proportion to the rows of ``input`` (1-D or 2-D non-negative weights,
    not necessarily summing to 1): ``num_samples`` per row, int64, distinct unless ``replacement``."""
    weights = _host_floats("multinomial", input)
    if weights.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if weights.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if isinstance(num_samples, builtins.bool) or not isinstance(num_samples, numbers.Integral):
        raise TypeError(f"multinomial(): num_samples must be an int, not {type(num_samples).__name__}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    classes = weights.shape[-1]
    if not replacement and num_samples > classes:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rows = weights.reshape(-1, classes).astype(np.float64)
    if not bool(np.all(np.isfinite(rows) & (rows >= 0))):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if not bool(np.all(rows.sum(axis=1) > 0)):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = numpy_generator_of(generator)
    if replacement:
        # Inverse CDF: the first class whose running total passes u. The total is exactly 1 at the
        # end and u < 1, so the index is in range; a class of weight 0 adds nothing, so u never stops on it.
        cdf = np.cumsum(rows, axis=1)
        cdf /= cdf[:, -1:]
        cdf[:, -1] = 1.0
        u = rng.random((rows.shape[0], builtins.int(num_samples)))
        drawn = np.stack([np.searchsorted(c, row_u, side="right") for c, row_u in zip(cdf, u)])
    else:
        keys = rows / rng.standard_exponential(rows.shape)
        drawn = np.argsort(-keys, axis=1, kind="stable")[:, :builtins.int(num_samples)]
    drawn = drawn.astype(np.int64).reshape(weights.shape[:-1] + (builtins.int(num_samples),))
    return _placed(drawn, input)


@takes_out(factory=True)
def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Any = None, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """Normal samples: with a Tensor ``mean`` or ``std``, one per element of the two broadcast
    together, in the tensor's dtype and on its device; with two numbers, ``size`` of them
    (``normal(0.0, 0.02, size=(64, 100))``). Each is ``mean + std * z`` for a standard normal z.
    The gradient in ``mean`` and ``std`` is zero, as PyTorch's: the draw is not reparametrized
    (``minigan.distributions.Normal(mean, std).rsample()`` is)."""
    like = mean if isinstance(mean, Tensor) else std if isinstance(std, Tensor) else None
    if like is None:
        if size is None:
            raise TypeError("normal(): with a number for both mean and std, give size, as "
                            "normal(0.0, 1.0, size=(64, 100))")
        if not std >= 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        check_device_argument(device)
        z = _random_floats("standard_normal", _size((size,), None, "normal"), dtype, generator, "normal")
        return _result((mean + std * z).astype(z.dtype, copy=False), requires_grad, "normal", device)
    if size is not None:
        raise TypeError("normal(): size is for a number mean and std; with a Tensor the shape is its own")
    if like.dtype.kind != "f":
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{scalar_type_name(like.dtype)}'")
    mean_values = _host_floats("normal", mean) if isinstance(mean, Tensor) else mean
    std_values = _host_floats("normal", std) if isinstance(std, Tensor) else std
    shape = np.shape(mean_values)
    if isinstance(mean, Tensor) and isinstance(std, Tensor):
        try:
            shape = np.broadcast_shapes(mean.shape, std.shape)
        except ValueError:
            raise RuntimeError(f"normal: the shapes of mean {tuple(mean.shape)} and std {tuple(std.shape)} do not "
                               "broadcast together") from None
    elif isinstance(std, Tensor):
        shape = std.shape
    if not bool(np.all(np.asarray(std_values) >= 0)):  # NaN fails it too
        raise RuntimeError("normal expects all elements of std >= 0.0" if isinstance(std, Tensor)
                           else f"normal expects std >= 0.0, but found std {std:g}")
    z = _random_floats("standard_normal", tuple(shape), like.dtype, generator, "normal")
    samples = _placed((mean_values + std_values * z).astype(like.dtype, copy=False), like)
    for parameter in (mean, std):
        if isinstance(parameter, Tensor) and parameter.requires_grad:
            samples = samples + parameter.sign() * 0.0  # 0 everywhere (NaN and inf too): the zero gradient
    return samples


def poisson(input: Tensor, generator: Any = None) -> Tensor:  # noqa: A002
    """Poisson counts, one per element of ``input``, which holds the rates (non-negative floats):
    k with probability rate^k e^(-rate) / k!, mean and variance the rate, in ``input``'s dtype.
    No gradient flows through the draw (PyTorch's is zero)."""
    rates = _host_floats("poisson", input)
    if rates.dtype.kind != "f":
        raise NotImplementedError(f"\"poisson_cpu\" not implemented for '{scalar_type_name(rates.dtype)}'")
    if not bool(np.all(rates >= 0)):  # NaN fails it too
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    if not bool(np.all(rates < 1e16)):
        raise RuntimeError("poisson: a rate of 1e16 or more (inf included) has no count minigan can draw")
    return _placed(numpy_generator_of(generator).poisson(rates.astype(np.float64)).astype(input.dtype), input)
