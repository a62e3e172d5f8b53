"""Adafactor (Shazeer and Stern, 2018), PyTorch's form (``torch.optim.Adafactor``): Adam-like
steps whose second moment of a matrix is kept as one row vector and one column vector, so its
state takes O(m + n) memory for an m x n weight instead of O(m n).

At step t, with ρ_t = min(lr, 1 / sqrt(t)), β2 weight w_t = t^beta2_decay and
α = max(eps2, RMS(p)) ρ_t (RMS before the weight decay):

- weight decay: p <- p (1 - lr wd);
- a matrix (and each matrix of a stack): R <- lerp(R, mean of g² over the last dim, w_t),
  C <- lerp(C, mean of g² over the dim before it, w_t), V = R C / max(mean of R, eps1);
  anything else: V <- lerp(V, g², w_t);
- u = g / sqrt(max(V, eps1²)) (:func:`minigan.formulas.adafactor_direction`) and
  p <- p - α u / max(1, RMS(u) / d).

eps1 None is the parameter dtype's machine epsilon. No first moment is kept, as in PyTorch's.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..backends import backend_of
from .optimizers import Optimizer, ParamsArg


class Adafactor(Optimizer):
    """Adafactor with PyTorch's arguments and defaults; ``maximize`` climbs the objective."""

    def __init__(self, params: ParamsArg, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=tuple(eps), d=d,
                                      weight_decay=weight_decay, maximize=maximize))

    def _check_options(self, group: dict[str, Any]) -> None:
        """PyTorch's checks, in its order and words."""
        eps1, eps2 = group["eps"]
        checks = [(0.0 <= group["lr"], f"Learning rate should be >= 0 but is: {group['lr']}"),
                  (0.0 >= group["beta2_decay"], f"beta2_decay should be <= 0 but is: {group['beta2_decay']}"),
                  (eps1 is None or 0.0 <= eps1, f"epsilon1 should be >= 0 but is: {eps1}"),
                  (0.0 <= eps2, f"epsilon2 should be >= 0 but is: {eps2}"),
                  (1.0 <= group["d"], f"Clipping threshold d should be >= 1 but is: {group['d']}"),
                  (0.0 <= group["weight_decay"], f"weight_decay should be >= 0 but is: {group['weight_decay']}")]
        for passed, message in checks:
            if not passed:
                raise ValueError(message)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        backend = backend_of(param)
        xp, F = backend.xp, backend.F  # the step's formulas: lerp and adafactor_direction
        factored = grad.ndim > 1
        if not state:
            state["step"] = 0
            if factored:
                state["row_var"] = xp.zeros(grad.shape[:-1] + (1,), dtype=grad.dtype)
                state["col_var"] = xp.zeros(grad.shape[:-2] + (1,) + grad.shape[-1:], dtype=grad.dtype)
            else:
                state["variance"] = xp.zeros_like(grad)
        if group["maximize"]:
            grad = -grad
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(backend.numpy_dtype(param.dtype)).eps)
        lr = group["lr"]
        state["step"] += 1
        step = float(state["step"])
        weight = step ** group["beta2_decay"]
        size_root = math.sqrt(param.size)
        alpha = max(eps2, float(xp.sqrt(xp.sum(param * param))) / size_root) * min(lr, 1 / step**0.5)
        if group["weight_decay"] != 0:
            param *= 1 - lr * group["weight_decay"]
        if factored:
            squares = grad * grad
            rows = xp.sqrt(xp.sum(squares, axis=-1, keepdims=True))  # a norm squared back, as PyTorch's
            columns = xp.sqrt(xp.sum(squares, axis=-2, keepdims=True))
            state["row_var"][...] = F.lerp(state["row_var"], rows * rows / grad.shape[-1], weight)
            state["col_var"][...] = F.lerp(state["col_var"], columns * columns / grad.shape[-2], weight)
            estimate = state["row_var"] @ state["col_var"]
            estimate /= xp.maximum(xp.mean(state["row_var"], axis=-2, keepdims=True), eps1)
        else:
            state["variance"][...] = F.lerp(state["variance"], grad * grad, weight)
            estimate = state["variance"]
        update = F.adafactor_direction(grad, estimate, eps1 * eps1)
        scale = max(1.0, float(xp.sqrt(xp.sum(update * update))) / (size_root * group["d"]))
        param += update * (-alpha / scale)

    def _state_shape(self, key: str, param_shape: tuple[int, ...]) -> tuple[int, ...]:
        if key == "row_var":
            return param_shape[:-1] + (1,)
        if key == "col_var":
            return param_shape[:-2] + (1,) + param_shape[-1:]
        return param_shape
