"""``torch.nn.utils``' gradient clipping: :func:`clip_grad_norm_` (built from :func:`get_total_norm`
and :func:`clip_grads_with_norm_`, also public, and the deprecated :func:`clip_grad_norm`) and
:func:`clip_grad_value_`.

Both change each parameter's ``.grad`` in place, after ``backward()`` and before the optimizer's
step, and record nothing. ``clip_grad_norm_`` treats all the gradients as one vector: its p-norm
(the p-norm of the gradients' p-norms) is returned, and every gradient is multiplied by
min(max_norm / (norm + 1e-6), 1), as in PyTorch.
"""
from __future__ import annotations

import math
import types
import warnings
from typing import Any, Iterable

from ..autograd import Tensor, no_grad
from ..ops import stack
from ..ops.linalg_norms import vector_norm

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _tensors(tensors: Tensor | Iterable[Tensor], name: str, what: str) -> list[Tensor]:
    """A single Tensor or any iterable of them, as a list."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    for tensor in tensors:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{name}: {what} must be Tensors, got {type(tensor).__name__}")
    return tensors


def _gradients(parameters: Tensor | Iterable[Tensor], name: str) -> list[Tensor]:
    """The ``.grad`` of each parameter that has one (a single Tensor or any iterable of them)."""
    return [parameter.grad for parameter in _tensors(parameters, name, "parameters") if parameter.grad is not None]


def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float | str = 2.0, error_if_nonfinite: bool = False,
                   foreach: Any = None) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` taken together, as one vector: the norm of their
    norms (0 for no tensor), with no gradient, in the tensors' promoted dtype. ``norm_type`` is any
    number, or ``inf``/"inf"; ``error_if_nonfinite`` raises on a NaN or infinite total; ``foreach``
    is accepted and has no effect."""
    tensors = _tensors(tensors, "get_total_norm", "tensors")
    p = float(norm_type)
    with no_grad():
        if not tensors:
            return Tensor(0.0)
        total = vector_norm(stack([vector_norm(tensor, p) for tensor in tensors]), p)
    if error_if_nonfinite and not math.isfinite(total.item()):
        raise RuntimeError(
            f"The total norm of order {p} for gradients from `parameters` is non-finite, so it cannot be clipped. "
            "To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return total


def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, total_norm: Tensor,
                          foreach: Any = None) -> None:
    """Multiply every parameter's ``.grad`` in place by min(max_norm / (total_norm + 1e-6), 1), where
    ``total_norm`` is the Tensor :func:`get_total_norm` gave for these gradients; ``foreach`` is
    accepted and has no effect."""
    name = "clip_grads_with_norm_"
    grads = _gradients(parameters, name)
    number = isinstance(max_norm, (int, float, Tensor)) or hasattr(max_norm, "__float__")
    if isinstance(max_norm, bool) or not number:
        raise TypeError(f"{name}: max_norm must be a number, got {type(max_norm).__name__}")
    if not isinstance(total_norm, Tensor):
        raise TypeError(
            f"{name}: total_norm must be a Tensor (get_total_norm's result), got {type(total_norm).__name__}"
        )
    if not grads:
        return
    with no_grad():
        scale = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
        for grad in grads:
            grad.mul_(scale)


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float | str = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """Scale the gradients so that their total ``norm_type``-norm is at most ``max_norm``;
    return the total norm from before the scaling (0 when no parameter has a gradient):
    :func:`get_total_norm` of the gradients, then :func:`clip_grads_with_norm_`.
    ``foreach`` is accepted and has no effect.

    As PyTorch's, it takes any numbers: ``norm_type`` any p (0 counts the gradients with a nonzero
    element, a negative p or ``-inf`` gives a total at most the smallest gradient's norm), and
    ``max_norm`` anything ``float()`` takes, the factor min(max_norm / (norm + 1e-6), 1) being
    negative (the gradients flipped) for a negative ``max_norm``, 0 for 0 and NaN for NaN. An empty
    generator of parameters warns that nothing is clipped, as PyTorch's does."""
    name = "clip_grad_norm_"
    max_norm = float(max_norm)  # as PyTorch's: a bool or a numeric string too, and Python's error for the rest
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)  # read twice below
        if generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    total = get_total_norm(_gradients(parameters, name), norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_norm(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float | str = 2.0,
                   error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """The deprecated spelling of :func:`clip_grad_norm_`: PyTorch's FutureWarning, then the same call."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element to [-clip_value, clip_value], in place; ``foreach`` is
    accepted and has no effect. As PyTorch's, ``clip_value`` is anything ``float()`` takes: a
    negative one sets every element to it (clamp's upper bound wins), NaN makes them NaN."""
    name = "clip_grad_value_"
    clip_value = float(clip_value)
    with no_grad():
        for grad in _gradients(parameters, name):
            grad.clamp_(min=-clip_value, max=clip_value)
