"""``VonMises(loc, concentration)``, the circular normal law, as ``torch.distributions.VonMises``:

log p(x) = kappa cos(x - mu) - log(2 pi) - log I0(kappa)  (I0 the modified Bessel function, read as
log i0e(kappa) + kappa so it does not overflow), mean and mode mu, variance the circular variance
1 - I1(kappa) / I0(kappa); no cdf, icdf or entropy, as PyTorch's.

Draws (no rsample, as PyTorch's) come from Best and Fisher's rejection method (Applied Statistics 28,
1979) in float64 on the host, from the Generator that ``minigan.manual_seed`` seeds: with
r = (1 + rho^2) / (2 rho), rho = (tau - sqrt(2 tau)) / (2 kappa), tau = 1 + sqrt(1 + 4 kappa^2), draw
u1, u2, u3 ~ U(0, 1), z = cos(pi u1), f = (1 + r z) / (r + z), c = kappa (r - f), and accept when
c (2 - c) > u2 or log(c / u2) + 1 >= c; then x = mu + sign(u3 - 1/2) acos(f), wrapped into [-pi, pi).
For kappa below 1e-5, r is its expansion 1/kappa + kappa (the closed form loses every digit there)."""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import to_numpy
from ..ops import cos, i0e, i1e, log
from ..torch_api.generators import default_generator
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, placed

__all__ = ["VonMises"]

_LOG_TWO_PI = math.log(2.0 * math.pi)


def _proposal(kappa: np.ndarray) -> np.ndarray:
    """Best and Fisher's r for each kappa (float64)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = 1.0 + np.sqrt(1.0 + 4.0 * kappa * kappa)
        rho = (tau - np.sqrt(2.0 * tau)) / (2.0 * kappa)
        exact = (1.0 + rho * rho) / (2.0 * rho)
        return np.where(kappa < 1e-5, 1.0 / kappa + kappa, exact)


def _draw(loc: np.ndarray, kappa: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One von Mises draw per entry of the (equal-shaped, float64) arrays, wrapped into [-pi, pi)."""
    r = _proposal(kappa.reshape(-1))
    flat_kappa = kappa.reshape(-1)
    angle = np.empty(r.shape)
    pending = np.ones(r.shape, dtype=bool)
    while pending.any():
        index = np.flatnonzero(pending)
        u1, u2, u3 = (rng.random(index.size) for _ in range(3))
        rr, kk = r[index], flat_kappa[index]
        z = np.cos(np.pi * u1)
        f = (1.0 + rr * z) / (rr + z)
        c = kk * (rr - f)
        with np.errstate(divide="ignore", invalid="ignore"):
            accept = (c * (2.0 - c) - u2 > 0) | (np.log(c / u2) + 1.0 - c >= 0)
        angle[index[accept]] = (np.sign(u3 - 0.5) * np.arccos(np.clip(f, -1.0, 1.0)))[accept]
        pending[index[accept]] = False
    return np.mod(angle.reshape(kappa.shape) + loc + np.pi, 2.0 * np.pi) - np.pi


class VonMises(Distribution):
    """The von Mises law on the circle of mean direction ``loc`` and ``concentration`` (numbers or Tensors)."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        scalars = isinstance(loc, numbers.Number) and isinstance(concentration, numbers.Number)
        super().__init__(() if scalars else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "VonMises":
        shape = tuple(batch_shape)
        return self._expanded(shape, {"loc": self.loc.expand(shape), "concentration": self.concentration.expand(shape)})

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        kappa = self.concentration
        return 1.0 - i1e(kappa) / i0e(kappa)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        host = [np.broadcast_to(np.asarray(to_numpy(t.detach().array), dtype=np.float64), shape)
                for t in (self.loc, self.concentration)]
        return placed(_draw(host[0], host[1], default_generator()).astype(self.loc.dtype), self.loc)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        kappa = self.concentration
        return kappa * cos(value - self.loc) - _LOG_TWO_PI - (log(i0e(kappa)) + kappa)
