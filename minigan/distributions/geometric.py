"""``Geometric(probs=p)`` or ``Geometric(logits=l)``, as ``torch.distributions.Geometric``: the number
of failures k = 0, 1, 2... before the first success of coin flips that succeed with probability p, so

log p(k) = k log(1 - p) + log p,  mean (1 - p) / p,  variance (1 - p) / p^2,  mode 0,
H = BCE_with_logits(l, p) / p.

p must lie in (0, 1]: a zero probability is refused when validation is on, as PyTorch's.
Draws are floor(log U / log(1 - p)) with U uniform on (0, 1); they have no gradient."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor, no_grad
from ..backends import to_numpy
from ..nn.losses import binary_cross_entropy_with_logits
from ..ops import log, log1p, where
from ..torch_api.generators import default_generator
from . import constraints
from .binary import BinarySpelling
from .distribution import Distribution
from .utils import broadcast_all, placed

__all__ = ["Geometric"]


class Geometric(BinarySpelling, Distribution):
    """Failures before the first success, batched: ``probs`` the chance of success, or ``logits`` its log-odds."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        self._spell(probs, logits)
        param = self._param
        super().__init__(param.shape, validate_args=validate_args)
        if self._validate_args and probs is not None and not bool(np.all(to_numpy(param.array) > 0)):
            raise ValueError(f"Expected parameter probs ({type(param).__name__} of shape {tuple(param.shape)}) of "
                             f"distribution {self!r} to be positive but found invalid values:\n{param}")

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Geometric":
        return self._expand_spelling(tuple(batch_shape))

    @property
    def mean(self) -> Tensor:
        return 1.0 / self.probs - 1.0

    @property
    def mode(self) -> Tensor:
        return placed(np.zeros(self.probs.shape, dtype=self.probs.dtype), self.probs)

    @property
    def variance(self) -> Tensor:
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            p = np.broadcast_to(to_numpy(self.probs.array), shape)
            u = np.maximum(default_generator().random(shape), np.finfo(p.dtype).tiny)
            with np.errstate(divide="ignore"):  # p = 1: log(1 - p) = -inf, every draw 0
                drawn = np.floor(np.log(u) / np.log1p(-p))
            return placed(drawn.astype(p.dtype), self.probs)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        # p = 1 scores k = 0 as log 1 = 0: the 0 * log(1 - 1) term is read as 0, not NaN.
        failures = where((probs == 1.0) & (value == 0.0), 0.0, probs)
        with np.errstate(divide="ignore"):  # p = 1 scores a count k > 0 as log 0 = -inf
            return value * log1p(-failures) + log(self.probs)

    def entropy(self) -> Tensor:
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs
