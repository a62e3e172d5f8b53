"""PyTorch's in-place random fills besides ``normal_`` and ``uniform_``: ``bernoulli_``,
``exponential_``, ``cauchy_``, ``log_normal_``, ``geometric_`` and ``random_``.

Each draws from minigan's generators, the streams ``normal_`` and ``uniform_`` use
(``generator=`` a ``minigan.Generator`` or a NumPy one; None: the one ``manual_seed`` seeds), on
the host, and writes the values into this tensor under the in-place rules of
minigan/autograd/inplace.py (a leaf that requires grad refuses under grad mode; the version
counter is bumped). The distributions are PyTorch's; the numbers are not (no two libraries'
streams agree)."""
from __future__ import annotations

import builtins
import numbers
import warnings
from typing import Any

import numpy as np

from ..backends import to_numpy
from .inplace import _draw
from .legacy import c_type_name, scalar_type_name

#: For each float dtype d: every integer in [-2^d, 2^d] is exact, and ``random_()`` with no ``to``
#: draws from [0, 2^d] (PyTorch's bounds); the name is PyTorch's in its messages.
_FLOAT_DIGITS = {np.dtype(np.float16): (11, "half"), np.dtype(np.float32): (24, "float"),
                 np.dtype(np.float64): (53, "double")}
_SIGNATURE = "random_() takes (*, generator=None), (int to, *, generator=None) or (int from, int to, *, generator=None)"


def _generator(generator: Any) -> np.random.Generator:
    from ..torch_api.factories import numpy_generator_of  # noqa: PLC0415 - the generators sit above Tensor

    return numpy_generator_of(generator)


def _integer(value: Any, name: str) -> int:
    if isinstance(value, builtins.bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"random_(): argument '{name}' must be int, not {type(value).__name__}")
    return builtins.int(value)


def _from_to(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[int, Any]:
    """``random_``'s (from, to) from its three forms: (), (to) and (from, to), by position or by
    keyword (``from`` is a Python keyword, so the keywords arrive as a dict)."""
    if set(kwargs) - {"from", "to"} or len(args) > 2:
        raise TypeError(_SIGNATURE)
    by_position = ("to",) if len(args) == 1 and "to" not in kwargs else ("from", "to")  # random_(to), random_(from, to)
    named = dict(zip(by_position, args))
    if set(named) & set(kwargs):
        raise TypeError(f"random_(): got multiple values for argument {sorted(set(named) & set(kwargs))[0]!r}")
    named.update(kwargs)
    if "from" in named and "to" not in named:
        raise TypeError(_SIGNATURE)
    if "to" not in named:
        return 0, None
    if "from" not in named and named["to"] is None:
        raise TypeError(_SIGNATURE)
    return _integer(named.get("from", 0), "from"), None if named["to"] is None else _integer(named["to"], "to")


def _in_range(dtype: np.dtype, value: int, which: str) -> None:
    """PyTorch's check of a bound: an error outside an integer dtype; a warning outside the
    exact integers of a float dtype (the draws are then rounded)."""
    if dtype.kind == "f":
        digits, name = _FLOAT_DIGITS[dtype]
        if not -(2 ** digits) <= value <= 2 ** digits:
            warnings.warn(f"{which} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations {name} "
                          "can support discrete uniform distribution only within this range. This warning will become "
                          "an error in version 1.7 release, please fix the code in advance", UserWarning, stacklevel=4)
        return
    low, high = (0, 1) if dtype.kind == "b" else (np.iinfo(dtype).min, np.iinfo(dtype).max)
    if not low <= value <= high:
        raise RuntimeError(f"{which} is out of bounds for {c_type_name(dtype)}")


def _random_range(dtype: np.dtype, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[int, int]:
    """``random_``'s bounds [low, high], both included."""
    low, to = _from_to(args, kwargs)
    if to is None:  # up to the dtype's top: 2^d for a float, the largest value of an integer or bool
        high = 2 ** _FLOAT_DIGITS[dtype][0] if dtype.kind == "f" else builtins.int(np.iinfo(dtype).max) \
            if dtype.kind in "iu" else 1
        if low > high:
            raise RuntimeError("random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to "
                               f"dtype, but got from={low} > to_inc={high}")
        _in_range(dtype, low, "from")
        return low, high
    if low >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={to}")
    _in_range(dtype, low, "from")
    _in_range(dtype, to - 1, "to - 1")
    return low, to - 1


def _continuous_only(tensor: Any, family: str, dtype_name: str) -> None:
    """PyTorch's error for a continuous distribution drawn into an integer or bool tensor (its
    messages name the dtype as "Long" for some families and "long int" for others)."""
    if tensor.dtype.kind != "f":
        raise RuntimeError(f"{family} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {dtype_name}")


class InPlaceRandomMethods:
    """``bernoulli_``, ``exponential_``, ``cauchy_``, ``log_normal_``, ``geometric_`` and
    ``random_`` on Tensor (a base class of it); each returns the tensor."""

    __slots__ = ()

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Any:
        """Each element becomes 1 with probability ``p`` (a number, or a tensor of probabilities
        broadcast to this shape), else 0, in this tensor's dtype: 1 where u < p, u uniform in [0, 1)."""
        self._begin_inplace("bernoulli_", p)
        probs = to_numpy(p.array) if hasattr(p, "requires_grad") else p
        if isinstance(probs, (str, bytes)) or probs is None:
            raise TypeError(f"bernoulli_(): argument 'p' must be a number or a Tensor, not {type(p).__name__}")
        if not hasattr(probs, "shape"):
            if not 0 <= probs <= 1:  # NaN fails too
                raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={probs:g}")
        elif probs.dtype.kind != "f":
            raise NotImplementedError(f"\"bernoulli_\" not implemented for '{scalar_type_name(probs.dtype)}' "
                                      "probabilities; give them as floats")
        elif not bool(np.all((probs >= 0) & (probs <= 1))):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        draws = _generator(generator).random(self.shape) < probs
        return self._write("bernoulli_", draws.astype(self.dtype))

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with samples of the exponential distribution of rate ``lambd``: density
        lambd exp(-lambd x) for x >= 0, mean 1/lambd, variance 1/lambd^2."""
        self._begin_inplace("exponential_")
        _continuous_only(self, "Exponential", scalar_type_name(self.dtype))
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
        return self._write("exponential_", _draw(self, "standard_exponential", generator) / lambd)

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with samples of the Cauchy distribution: density
        1 / (pi sigma (1 + ((x - median) / sigma)^2)), which has no mean; half the draws lie
        within ``sigma`` of ``median``."""
        self._begin_inplace("cauchy_")
        _continuous_only(self, "Cauchy", c_type_name(self.dtype))
        if not sigma > 0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
        draws = _generator(generator).standard_cauchy(tuple(self.shape))
        with np.errstate(over="ignore"):  # float64 draws beyond float32's range become inf, as PyTorch's
            return self._write("cauchy_", (draws * sigma + median).astype(self.dtype))

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator: Any = None) -> Any:
        """Fill with exp(N(mean, std^2)) samples: values whose logarithm is normal with that mean
        and standard deviation (PyTorch's defaults, 1 and 2)."""
        self._begin_inplace("log_normal_")
        if self.dtype.kind != "f":
            raise NotImplementedError(f"\"log_normal_cpu\" not implemented for '{scalar_type_name(self.dtype)}'")
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
        with np.errstate(over="ignore"):  # exp of a large draw is inf, as in PyTorch
            return self._write("log_normal_", np.exp(_draw(self, "standard_normal", generator) * std + mean))

    def geometric_(self, p: float, *, generator: Any = None) -> Any:
        """Fill with the number of Bernoulli(p) trials up to and including the first success:
        k = 1, 2, ... with probability (1 - p)^(k - 1) p, mean 1/p. Integer tensors take the
        counts as they are."""
        self._begin_inplace("geometric_")
        if self.dtype.kind == "b":
            raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
        return self._write("geometric_", _generator(generator).geometric(p, tuple(self.shape)).astype(self.dtype))

    def random_(self, *args: Any, generator: Any = None, **kwargs: Any) -> Any:
        """``random_(from=0, to=None)``: fill with integers drawn uniformly from [from, to - 1],
        or, with no ``to``, from [from, top] where top is the dtype's largest integer (2^24 for
        float32, 2^53 for float64, 2^11 for float16, whose integers up to there are exact; 1 for
        bool). ``random_(to)`` draws from [0, to - 1]."""
        self._begin_inplace("random_")
        low, high = _random_range(self.dtype, args, kwargs)
        draws = _generator(generator).integers(low, high, size=self.shape, dtype=np.int64, endpoint=True)
        return self._write("random_", draws.astype(self.dtype))
