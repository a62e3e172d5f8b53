"""ASGD, averaged stochastic gradient descent (Polyak and Juditsky 1992), as ``torch.optim.ASGD``.

At step t (from 1), with η and μ the step size and the averaging weight of the step before
(η = lr and μ = 1 at the start):

    g <- g + wd p;   p <- p (1 - λ η) - η g;   a <- a + μ (p - a)   (a <- p while μ = 1);
    η <- lr / (1 + λ lr t)^α;   μ <- 1 / max(1, t - t0).

So p takes plain (decaying) SGD steps, and the average a, kept in ``state["ax"]``, follows p
exactly until step t0 and from then on averages the iterates since t0. The update leaves the
average in the state; evaluate with it by copying ``state["ax"]`` into the parameters. As
PyTorch does, η and μ are kept in float32 (the default dtype's precision), whatever the
parameters' dtype, so float64 runs match PyTorch's to the last bit of those two scalars.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backends import backend_of
from .optimizers import Optimizer, ParamsArg, _with_weight_decay


def _as_float32(value: float) -> float:
    return float(np.float32(value))


class ASGD(Optimizer):
    """``ASGD(params, lr=0.01, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0)``."""

    def __init__(self, params: ParamsArg, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0.0) -> None:
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay))

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        backend = backend_of(param)
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state["step"] = 0
            state["eta"] = _as_float32(lr)
            state["mu"] = 1.0
            state["ax"] = backend.xp.zeros_like(param)
        state["step"] += 1
        step, eta = state["step"], state["eta"]
        grad = _with_weight_decay(param, grad, group["weight_decay"])
        param[...] = backend.F.asgd_param(param, grad, 1 - lambd * eta, eta)
        if state["mu"] != 1:
            state["ax"][...] = backend.F.lerp(state["ax"], param, state["mu"])
        else:
            state["ax"][...] = param
        state["eta"] = _as_float32(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        state["mu"] = _as_float32(1 / max(1, step - group["t0"]))


__all__ = ["ASGD"]
