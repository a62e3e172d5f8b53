"""``torch.nn.utils``' gradient clipping: :func:`clip_grad_norm_` and :func:`clip_grad_value_`.

Both change each parameter's ``.grad`` in place, after ``backward()`` and before the optimizer's
step, and record nothing. ``clip_grad_norm_`` treats all the gradients as one vector: its p-norm
(the p-norm of the gradients' p-norms) is returned, and every gradient is multiplied by
min(max_norm / (norm + 1e-6), 1), as in PyTorch.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from ..autograd import Tensor, no_grad
from ..ops import stack
from ..ops.dims import norm

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _gradients(parameters: Tensor | Iterable[Tensor], name: str) -> list[Tensor]:
    """The ``.grad`` of each parameter that has one (a single Tensor or any iterable of them)."""
    parameters = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for parameter in parameters:
        if not isinstance(parameter, Tensor):
            raise TypeError(f"{name}: parameters must be Tensors, got {type(parameter).__name__}")
    return [parameter.grad for parameter in parameters if parameter.grad is not None]


def _limit(value: Any, name: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise TypeError(f"{name}: {what} must be a number, got {type(value).__name__}")
    value = float(value)
    if not value >= 0:  # NaN fails this too
        raise ValueError(f"{name}: {what} must be a number >= 0, got {value}")
    return value


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float | str = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """Scale the gradients so that their total ``norm_type``-norm is at most ``max_norm``;
    return the total norm from before the scaling (0 when no parameter has a gradient).
    ``norm_type`` is any p > 0 or ``inf`` ("inf"); ``foreach`` is accepted and has no effect."""
    name = "clip_grad_norm_"
    max_norm = _limit(max_norm, name, "max_norm")
    p = float(norm_type)
    if not p > 0:
        raise ValueError(f"{name}: norm_type must be > 0 or inf, got {norm_type!r}")
    grads = _gradients(parameters, name)
    with no_grad():
        if not grads:
            return Tensor(0.0)
        total = norm(stack([norm(grad, p) for grad in grads]), p)
        if error_if_nonfinite and not math.isfinite(total.item()):
            raise RuntimeError(
                f"{name}: the total norm of order {p} of the gradients is non-finite ({total.item()}), so it "
                "cannot be clipped; pass error_if_nonfinite=False to scale the gradients by it anyway"
            )
        scale = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for grad in grads:
            grad.mul_(scale)
    return total


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element to [-clip_value, clip_value], in place; ``foreach`` is
    accepted and has no effect."""
    name = "clip_grad_value_"
    clip_value = _limit(clip_value, name, "clip_value")
    with no_grad():
        for grad in _gradients(parameters, name):
            grad.clamp_(min=-clip_value, max=clip_value)
