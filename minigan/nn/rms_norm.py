"""Root-mean-square normalisation (Zhang and Sennrich, 2019), as PyTorch's ``nn.RMSNorm`` and
``F.rms_norm`` (PyTorch 2.4 and later).

Each sample is divided by the root mean square of its last len(normalized_shape) axes, with no
mean taken out: y = x / sqrt(mean(x^2) + eps) * weight. ``eps=None`` means the machine epsilon of
the input's dtype (torch.finfo(x.dtype).eps). It is built from ops that have gradients (and
second derivatives), so it needs no Function.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..autograd import Tensor
from . import init
from .layers import _check_tensor
from .module import Module, Parameter
from .normalization import _float_tensor, _normalized_shape, _shape_text

__all__ = ["rms_norm", "RMSNorm"]


def rms_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,  # noqa: A002
             eps: float | None = None) -> Tensor:
    """Like ``torch.nn.functional.rms_norm``: x / sqrt(mean(x^2) + eps) over the last
    len(normalized_shape) axes, which must equal ``normalized_shape``; then times ``weight`` (shaped
    normalized_shape) where given. eps None: the dtype's machine epsilon."""
    shape = _normalized_shape("rms_norm", normalized_shape, allow_int=False)
    x = _float_tensor("rms_norm", input)
    if x.ndim < len(shape) or tuple(x.shape[x.ndim - len(shape):]) != shape:
        raise RuntimeError(f"rms_norm: given normalized_shape={_shape_text(shape)}, expected input with shape "
                           f"[*, {_shape_text(shape)[1:-1]}], but got input of size{_shape_text(x.shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"rms_norm: expected weight to be of same shape as normalized_shape, but got weight of "
                           f"shape {_shape_text(weight.shape)} and normalized_shape = {_shape_text(shape)}")
    if eps is None:
        eps = float(np.finfo(x.dtype).eps)
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    y = x / ops.sqrt(ops.mean(x * x, axes, keepdims=True) + eps)
    return y if weight is None else y * weight


class RMSNorm(Module):
    """RMS normalisation over the last len(normalized_shape) axes, as ``torch.nn.RMSNorm``; with
    ``elementwise_affine``, times ``weight`` (ones, shaped normalized_shape). There is no bias."""

    def __init__(self, normalized_shape: Any, eps: float | None = None, elementwise_affine: bool = True,
                 dtype: Any = np.float32) -> None:
        super().__init__()
        self.normalized_shape = _normalized_shape("RMSNorm", normalized_shape, allow_int=True)
        self.eps = None if eps is None else float(eps)
        self.elementwise_affine = bool(elementwise_affine)
        shape = self.normalized_shape
        self.register_parameter("weight", Parameter(np.empty(shape, dtype=dtype)) if elementwise_affine else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)  # one in-place fill, counted in its version counter, as PyTorch's

    def forward(self, x: Tensor) -> Tensor:
        return rms_norm(_check_tensor(self, x), self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
