"""Reference kernels: the plain, readable array expressions, written once for NumPy and CuPy.

Each function takes ``xp = get_array_module(...)`` from its arguments, so the same code runs on
NumPy arrays (this is the ``MINIGAN_KERNELS=numpy`` path and the oracle the tests compare the
Numba kernels against) and on CuPy arrays (the GPU path). They do no input checking: the public
functions in :mod:`minigan.kernels` validate first.

Activation codes and derivatives, all written in terms of the saved *output* ``y = act(z)``:

======================  =========================================  ==========================
activation              y = act(z)                                 dy/dz from y
======================  =========================================  ==========================
``none``                z                                          1
``relu``                max(z, 0)                                  1 where y > 0 else 0
``leaky_relu``          z where z > 0 else slope * z               1 where y > 0 else slope
``sigmoid``             1 / (1 + exp(-z))                          y * (1 - y)
``tanh``                tanh(z)                                    1 - y**2
======================  =========================================  ==========================

(The leaky-ReLU rule "y > 0 iff z > 0" needs ``slope > 0``.)
"""
from __future__ import annotations

import contextlib
from types import ModuleType
from typing import Any

import numpy as np

from minigan.backend import get_array_module

ACTIVATIONS = ("none", "relu", "leaky_relu", "sigmoid", "tanh")


def _ignore_underflow(xp: ModuleType) -> contextlib.AbstractContextManager:
    """exp(-|x|) underflows to 0 for |x| > ~100, which is the right answer, not an error.

    NumPy would raise under ``np.errstate(all="raise")``; CuPy has no floating-point traps.
    """
    return np.errstate(under="ignore") if xp is np else contextlib.nullcontext()


def sigmoid(z: Any) -> Any:
    """Logistic function 1 / (1 + exp(-z)), split on the sign so exp never overflows.

    With e = exp(-|z|) in (0, 1]: z >= 0 gives 1 / (1 + e), z < 0 gives e / (1 + e).
    """
    xp = get_array_module(z)
    with _ignore_underflow(xp):
        e = xp.exp(-xp.abs(z))
        return xp.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def matmul(a: Any, b: Any) -> Any:
    """a @ b for 2-D float arrays (BLAS on NumPy, cuBLAS on CuPy)."""
    return a @ b


def apply_activation(z: Any, activation: str, slope: float = 0.01) -> Any:
    """act(z) for one of :data:`ACTIVATIONS` (a new array)."""
    xp = get_array_module(z)
    if activation == "none":
        return z.copy()
    if activation == "relu":
        return xp.maximum(z, 0)
    if activation == "leaky_relu":
        return xp.where(z > 0, z, z * z.dtype.type(slope))
    if activation == "sigmoid":
        return sigmoid(z)
    if activation == "tanh":
        return xp.tanh(z)
    raise ValueError(f"unknown activation {activation!r}; expected one of {ACTIVATIONS}")


def activation_grad(y: Any, activation: str, slope: float = 0.01) -> Any:
    """dy/dz written in terms of the output y (see the module docstring's table)."""
    xp = get_array_module(y)
    if activation == "none":
        return xp.ones_like(y)
    if activation == "relu":
        return (y > 0).astype(y.dtype)
    if activation == "leaky_relu":
        return xp.where(y > 0, y.dtype.type(1), y.dtype.type(slope))
    if activation == "sigmoid":
        return y * (1 - y)
    if activation == "tanh":
        return 1 - y * y
    raise ValueError(f"unknown activation {activation!r}; expected one of {ACTIVATIONS}")


def linear_act_forward(
    x: Any, weight: Any, bias: Any | None, activation: str, slope: float = 0.01
) -> Any:
    """y = act(x @ weight.T + bias); weight has PyTorch's (out, in) layout."""
    z = x @ weight.T
    if bias is not None:
        z += bias
    return apply_activation(z, activation, slope)


def linear_act_backward(
    grad_y: Any, y: Any, activation: str, slope: float = 0.01
) -> tuple[Any, Any]:
    """(grad_z, grad_bias): grad_z = grad_y * act'(z) from the saved output y; grad_bias = sum_rows."""
    xp = get_array_module(grad_y, y)
    if activation == "relu":  # a select, like PyTorch's threshold_backward: 0 where y <= 0
        grad_z = xp.where(y <= 0, grad_y.dtype.type(0), grad_y)
    else:
        grad_z = grad_y * activation_grad(y, activation, slope)
    return grad_z, grad_z.sum(axis=0)


def adam_update(
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    step: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float = 0.0,
    decoupled: bool = False,
    max_exp_avg_sq: Any | None = None,
) -> None:
    """One Adam/AdamW step in place, with PyTorch's formulas (torch.optim.Adam, foreach=False).

    Adam (L2):  g = grad + wd * param.          AdamW (decoupled): param *= 1 - lr * wd.
    m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
    amsgrad: v_max = max(v_max, v) and v_max replaces v below.
    denom = sqrt(v) / sqrt(1 - beta2**step) + eps;  param -= lr / (1 - beta1**step) * m / denom
    """
    xp = get_array_module(param)
    dt = param.dtype.type
    g = grad
    if weight_decay != 0:
        if decoupled:
            param *= dt(1 - lr * weight_decay)
        else:
            g = grad + dt(weight_decay) * param
    # torch.lerp with weight < 0.5 computes start + weight * (end - start)
    exp_avg += dt(1 - beta1) * (g - exp_avg)
    exp_avg_sq *= dt(beta2)
    exp_avg_sq += dt(1 - beta2) * g * g
    v = exp_avg_sq
    if max_exp_avg_sq is not None:
        xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        v = max_exp_avg_sq
    bias_correction1 = 1 - beta1**step
    bias_correction2_sqrt = (1 - beta2**step) ** 0.5
    denom = xp.sqrt(v) / dt(bias_correction2_sqrt) + dt(eps)
    param += dt(-lr / bias_correction1) * exp_avg / denom


def bce_with_logits(logits: Any, targets: Any) -> tuple[Any, Any]:
    """(loss, grad_logits) of the mean binary cross-entropy on logits.

    loss = mean(max(x, 0) - x * t + log1p(exp(-|x|)));  d loss / dx = (sigmoid(x) - t) / N.
    ``loss`` is a 0-d array of the logits' dtype.
    """
    xp = get_array_module(logits)
    x = logits
    n = x.size
    with _ignore_underflow(xp):  # tiny exp(-|x|), and what is computed from it, may underflow
        e = xp.exp(-xp.abs(x))
        loss = xp.mean(xp.maximum(x, 0) - x * targets + xp.log1p(e))
        s = xp.where(x >= 0, 1 / (1 + e), e / (1 + e))
        grad = ((s - targets) / x.dtype.type(n)).astype(x.dtype, copy=False)
    return xp.asarray(loss, dtype=x.dtype), grad
