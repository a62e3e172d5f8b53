"""GPU (CuPy) kernels: optional, used only for CuPy arrays.

The reference expressions in :mod:`minigan.kernels.reference` are written against
``xp = get_array_module(...)`` and already run on CuPy (cuBLAS for the matmul, CuPy's
elementwise kernels for the rest), so this module routes to them. Fusing bias+activation or
the Adam update into single ``cupy.ElementwiseKernel`` launches is left until it can be
written and measured on a machine with a GPU: there is none where this layer was developed,
and an untested CUDA kernel would be worse than the slower tested path.
"""
from __future__ import annotations

from typing import Any

from minigan.backend import require_cupy
from minigan.kernels import reference


def _check() -> None:
    require_cupy()  # a clear "why not" message when CuPy or the GPU is missing


def matmul(a: Any, b: Any) -> Any:
    """a @ b on the GPU (cuBLAS)."""
    _check()
    return reference.matmul(a, b)


def linear_act_forward(x: Any, weight: Any, bias: Any | None, activation: str,
                       slope: float = 0.01) -> Any:
    """act(x @ weight.T + bias) on the GPU."""
    _check()
    return reference.linear_act_forward(x, weight, bias, activation, slope)


def linear_act_backward(grad_y: Any, y: Any, activation: str,
                        slope: float = 0.01) -> tuple[Any, Any]:
    """(grad_z, grad_bias) on the GPU."""
    _check()
    return reference.linear_act_backward(grad_y, y, activation, slope)


def adam_update(*args: Any, **kwargs: Any) -> None:
    """In-place Adam/AdamW step on the GPU (same arguments as the reference)."""
    _check()
    reference.adam_update(*args, **kwargs)


def bce_with_logits(logits: Any, targets: Any) -> tuple[Any, Any]:
    """(0-d loss, grad_logits) on the GPU."""
    _check()
    return reference.bce_with_logits(logits, targets)
