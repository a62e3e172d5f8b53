"""The functional forms, PyTorch style: ``import minigan.nn.functional as F``.

Activations, dropout, convolutions and pooling are the engine's ops; ``linear`` and ``batch_norm`` are the layers'
computations without the Module; the losses live in :mod:`minigan.nn.losses`.
"""
from __future__ import annotations

from typing import Any

from ..ops import avg_pool2d, conv2d, conv_transpose2d, max_pool2d, upsample_bilinear, upsample_nearest
from ..ops import dropout, leaky_relu, relu, sigmoid, softplus, tanh
from ..ops.dims import log_softmax, softmax
from ..torch_api.unsupported import FUNCTIONAL as _UNSUPPORTED, module_getattr as _module_getattr
from .layers import batch_norm, linear
from .losses import (
    bce,
    bce_with_logits,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
)


def interpolate(input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> Any:
    """Resize (N, C, H, W) like ``torch.nn.functional.interpolate``: mode "nearest" or "bilinear"."""
    if mode not in ("nearest", "bilinear") or recompute_scale_factor or (align_corners is not None and mode == "nearest"):
        raise NotImplementedError(f"interpolate: mode='nearest' and mode='bilinear' (align_corners with bilinear "
                                  f"only, no recompute_scale_factor) are supported, got mode={mode!r}")
    if mode == "bilinear":
        return upsample_bilinear(input, size, scale_factor, bool(align_corners))
    return upsample_nearest(input, size, scale_factor)


__all__ = [
    "relu", "leaky_relu", "sigmoid", "tanh", "softplus", "softmax", "log_softmax", "dropout",
    "linear", "batch_norm", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "interpolate",
    "binary_cross_entropy", "bce", "binary_cross_entropy_with_logits", "bce_with_logits",
    "mse_loss", "nll_loss", "cross_entropy",
]

__getattr__ = _module_getattr(__name__, "torch.nn.functional", _UNSUPPORTED)
