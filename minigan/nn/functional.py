"""The functional forms, PyTorch style: ``import minigan.nn.functional as F``.

Activations and dropout are the engine's ops; ``linear`` and ``batch_norm`` are the layers'
computations without the Module; the losses live in :mod:`minigan.nn.losses`.
"""
from __future__ import annotations

from ..ops import dropout, leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, tanh
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

__all__ = [
    "relu", "leaky_relu", "sigmoid", "tanh", "softplus", "softmax", "log_softmax", "dropout",
    "linear", "batch_norm",
    "binary_cross_entropy", "bce", "binary_cross_entropy_with_logits", "bce_with_logits",
    "mse_loss", "nll_loss", "cross_entropy",
]
