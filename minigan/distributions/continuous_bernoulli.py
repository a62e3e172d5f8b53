"""``ContinuousBernoulli(probs=p)`` or ``(logits=l)``, as ``torch.distributions.ContinuousBernoulli``
(Loaiza-Ganem and Cunningham, 2019): the law on [0, 1] of density C(p) p^x (1 - p)^(1 - x), so

log p(x) = -BCE_with_logits(l, x) + log C(p),  C(p) = 2 artanh(1 - 2p) / (1 - 2p)  (C(1/2) = 2),
mean p / (2p - 1) + 1 / (2 artanh(1 - 2p)),  F(x) = (p^x (1 - p)^(1 - x) + p - 1) / (2p - 1).

These forms are 0/0 at p = 1/2: inside ``lims`` (default (0.499, 0.501)) the normaliser, mean and
variance are Taylor polynomials in p - 1/2, and cdf and icdf the uniform's, as PyTorch's. ``probs`` is
clamped into [eps, 1 - eps]. rsample is icdf(U), U uniform, differentiable in p."""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Tensor
from ..nn.losses import binary_cross_entropy_with_logits
from ..ops import abs, expm1, log, log1p, where
from . import constraints
from .binary import BinarySpelling
from .exponential_family import ExponentialFamily
from .utils import broadcast_all, clamp_probs, draws, lazy_property, logits_to_probs

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(BinarySpelling, ExponentialFamily):
    """A value in [0, 1] whose density is the Bernoulli likelihood p^x (1 - p)^(1 - x), normalised."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, probs: Any = None, logits: Any = None, lims: tuple[float, float] = (0.499, 0.501),
                 validate_args: bool | None = None) -> None:
        self._spell(probs, logits)
        self._lims = lims
        super().__init__(self._param.shape, validate_args=validate_args)
        if probs is not None:  # checked as given, then kept away from 0 and 1
            self.__dict__["probs"] = self._param = clamp_probs(self._param)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "ContinuousBernoulli":
        new = self._expand_spelling(tuple(batch_shape))
        new._lims = self._lims
        return new

    @lazy_property
    def probs(self) -> Tensor:
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    def _stable(self) -> Tensor:
        """Where p lies outside ``lims``, so the closed forms are used."""
        return (self.probs <= self._lims[0]) | (self.probs >= self._lims[1])

    def _cut_probs(self) -> Tensor:
        """p, with ``lims[0]`` where p is inside ``lims`` (a finite stand-in for the unused closed forms)."""
        return where(self._stable(), self.probs, self._lims[0])

    def _log_normaliser(self) -> Tensor:
        """log C(p): log |log(1 - p) - log p| - log |1 - 2p|; log 2 + (4/3 + 104/45 x) x, x = (p - 1/2)^2, near 1/2."""
        cut = self._cut_probs()
        below, above = where(cut <= 0.5, cut, 0.0), where(cut >= 0.5, cut, 1.0)
        closed = log(abs(log1p(-cut) - log(cut))) - where(cut <= 0.5, log1p(-2.0 * below), log(2.0 * above - 1.0))
        x = (self.probs - 0.5).square()
        return where(self._stable(), closed, math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x)

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.logits,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """A(l) = log((e^l - 1) / l); l / 2 + l^2 / 24 - l^4 / 2880 where l is within ``lims`` - 1/2 of 0."""
        low, high = self._lims[0] - 0.5, self._lims[1] - 0.5
        stable = (x <= low) | (x >= high)
        cut = where(stable, x, low)
        closed = log(abs(expm1(cut))) - log(abs(cut))
        return where(stable, closed, 0.5 * x + x.square() / 24.0 - x.square().square() / 2880.0)

    @property
    def _mean_carrier_measure(self) -> float:
        return 0.0

    @property
    def mean(self) -> Tensor:
        cut = self._cut_probs()
        closed = cut / (2.0 * cut - 1.0) + 1.0 / (log1p(-cut) - log(cut))
        x = self.probs - 0.5
        return where(self._stable(), closed, 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.square()) * x)

    @property
    def variance(self) -> Tensor:
        cut = self._cut_probs()
        closed = cut * (cut - 1.0) / (1.0 - 2.0 * cut).square() + 1.0 / (log1p(-cut) - log(cut)).square()
        x = (self.probs - 0.5).square()
        return where(self._stable(), closed, 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        return self.icdf(draws("uniform", shape, self.probs))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none") + self._log_normaliser()

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        closed = (cut ** value * (1.0 - cut) ** (1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        inside = where(self._stable(), closed, value)
        return where(value <= 0.0, 0.0, where(value >= 1.0, 1.0, inside))

    def icdf(self, value: Tensor) -> Tensor:
        cut = self._cut_probs()
        closed = (log1p(-cut + value * (2.0 * cut - 1.0)) - log1p(-cut)) / (log(cut) - log1p(-cut))
        return where(self._stable(), closed, value)

    def entropy(self) -> Tensor:
        log_q, log_p = log1p(-self.probs), log(self.probs)
        return self.mean * (log_q - log_p) - self._log_normaliser() - log_q
