"""The functional forms, PyTorch style: ``import minigan.nn.functional as F``.

Activations, dropout, convolutions and pooling are the engine's ops (``relu``, ``leaky_relu``, ``dropout`` and
``softplus`` take PyTorch's ``inplace``, ``beta`` and ``threshold`` here; ``silu`` and ``elu`` are written with
them); ``linear`` and ``batch_norm`` are the layers' computations without the Module; ``one_hot`` makes class
labels into rows; the losses live in :mod:`minigan.nn.losses`, :mod:`minigan.nn.regression`,
:mod:`minigan.nn.losses_likelihood`, :mod:`minigan.nn.losses_margin` and :mod:`minigan.nn.ctc`; ``normalize``, ``cosine_similarity`` and
``pairwise_distance`` in :mod:`minigan.nn.distance`. Arguments carry
PyTorch's names (``input``, ``target``), so keyword calls written for PyTorch work too.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from .. import ops
from ..ops import avg_pool2d, conv2d, conv_transpose2d, max_pool2d
from ..ops import sigmoid, tanh
from ..ops.adaptive import adaptive_avg_pool2d, adaptive_max_pool2d
from ..ops.operands import floats_only
from ..ops.convolution1d import (
    adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, conv1d, conv_transpose1d, max_pool1d,
)
from ..ops.padding import pad
from ..ops.resize_filters import interpolate as _interpolate
from ..ops.unpool import max_unpool1d, max_unpool2d, max_unpool3d
from ..ops.convolution3d import conv3d, conv_transpose3d
from ..ops.pool3d import adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d
from ..ops.unfold import fold, unfold
from ..ops.smooth_activations import silu as silu_op
from ..ops.dims import log_softmax, softmax
from ..ops.more_activations import (  # written there, from the ops: gelu, selu, hardtanh...
    celu, elu, gelu, glu, hardshrink, hardsigmoid, hardswish, hardtanh, logsigmoid, mish, prelu, relu6, selu,
    softmin, softshrink, softsign, tanhshrink, threshold,
)
from ..ops.random_activations import gumbel_softmax, rrelu
from ..torch_api.unsupported import FUNCTIONAL as _UNSUPPORTED, module_getattr as _module_getattr
from .inplace_functional import celu_, elu_, hardtanh_, leaky_relu_, relu_, rrelu_, selu_, threshold_
from .inplace_functional import honouring_inplace, write_or_record
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .layers import batch_norm, linear
from .bilinear import bilinear
from .dropout import alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout
from .embedding_bag import embedding_bag
from .sparse import embedding
from .pixel_shuffle import pixel_shuffle, pixel_unshuffle
from .lp_pool import lp_pool1d, lp_pool2d, lp_pool3d
from .fractional_pool import (fractional_max_pool2d, fractional_max_pool2d_with_indices, fractional_max_pool3d,
                              fractional_max_pool3d_with_indices)
from .pdist import pdist
from .rms_norm import rms_norm
from .shuffle import channel_shuffle
from .grid_sampling import affine_grid, grid_sample
from .normalization import group_norm, instance_norm, layer_norm, local_response_norm
from .losses import (
    bce,
    bce_with_logits,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    nll_loss,
)
from .regression import huber_loss, l1_loss, mse_loss, smooth_l1_loss
from .distance import cosine_similarity, normalize, pairwise_distance
from .ctc import ctc_loss
from .linear_cross_entropy import linear_cross_entropy
from .losses_likelihood import gaussian_nll_loss, kl_div, poisson_nll_loss
from .losses_margin import (
    cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss, multi_margin_loss, multilabel_margin_loss,
    multilabel_soft_margin_loss, soft_margin_loss, triplet_margin_loss, triplet_margin_with_distance_loss,
)

# inplace=True writes into the input, as PyTorch's (minigan/nn/inplace_functional.py)
celu, elu, hardsigmoid, hardswish, hardtanh, mish, relu6, rrelu, selu, threshold = map(
    honouring_inplace, (celu, elu, hardsigmoid, hardswish, hardtanh, mish, relu6, rrelu, selu, threshold))


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002 - PyTorch's names
    """max(x, 0). ``inplace=True`` writes into the input, as PyTorch's (on a tensor with recorded history
    minigan records the out-of-place op instead: minigan/nn/inplace_functional.py's write_or_record)."""
    return write_or_record("relu", input, ops.relu, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > 0, else negative_slope * x (``inplace`` as in :func:`relu`)."""
    input = floats_only("leaky_relu", input)  # noqa: A001 - float tensors only, as PyTorch's
    return write_or_record("leaky_relu", input, lambda t: ops.leaky_relu(t, negative_slope), inplace)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,  # noqa: A002
            rng: Any = None) -> Tensor:
    """Zero each element with probability p and scale the rest by 1 / (1 - p) while ``training``
    (``inplace`` as in :func:`relu`; ``rng`` a NumPy Generator, by default the seeded one)."""
    inplace = inplace and training and p > 0  # PyTorch leaves the input alone when nothing is dropped
    return write_or_record("dropout", input, lambda t: ops.dropout(t, p, training, rng), inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold, as PyTorch's."""
    input = floats_only("softplus", input)  # noqa: A001 - float tensors only, as PyTorch's
    if beta == 1.0 and threshold == 20.0:  # float32 already rounds the stable form to x there
        return ops.softplus(input)
    if not beta or beta != beta:
        raise ValueError(f"softplus: beta must be a non-zero number, got {beta}")
    scaled = input * beta
    return ops.where(scaled > threshold, input, ops.softplus(scaled) / beta)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (an int64 Tensor of any shape) as rows of zeros with a one at the index:
    an int64 Tensor of shape (*tensor.shape, num_classes), as PyTorch's (a conditional GAN's
    label input is ``one_hot(labels, 10).float()``). ``num_classes`` -1: the largest index + 1."""
    if not isinstance(tensor, Tensor) or tensor.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor (int64), got "
                           + (str(tensor.dtype) if isinstance(tensor, Tensor) else type(tensor).__name__))
    xp = backend_of(tensor.array).xp
    if tensor.numel() == 0 and num_classes == -1:
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if tensor.numel():
        low, high = int(xp.min(tensor.array)), int(xp.max(tensor.array))
        num_classes = high + 1 if num_classes == -1 else num_classes
        if low < 0:
            raise RuntimeError("Class values must be non-negative.")
        if high >= num_classes:
            raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}).")
    rows = tensor.array[..., None] == xp.arange(num_classes, dtype=np.int64)
    return Tensor._make(xp.astype(rows, np.int64), False, None)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x · sigmoid(x) (SiLU, also called swish); ``inplace`` as in :func:`relu`."""
    return write_or_record("silu", input, silu_op, inplace)


def interpolate(input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Any:
    """Resize like ``torch.nn.functional.interpolate``: (N, C, L) with mode "nearest", "nearest-exact",
    "linear" or "area"; (N, C, H, W) with "nearest", "nearest-exact", "bilinear", "bicubic" (both with
    ``antialias`` too) or "area"; (N, C, D, H, W) with "nearest", "nearest-exact", "trilinear" or "area"
    (minigan/ops/resize.py, minigan/ops/resize_filters.py)."""
    return _interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=3)


def upsample(input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
             align_corners: bool | None = None) -> Any:
    """PyTorch's deprecated name for :func:`interpolate` (it warns, as PyTorch's does)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Any, size: Any = None, scale_factor: Any = None) -> Any:  # noqa: A002
    """PyTorch's deprecated ``interpolate(mode="nearest")`` (it warns, as PyTorch's does)."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Any, size: Any = None, scale_factor: Any = None) -> Any:  # noqa: A002
    """PyTorch's deprecated ``interpolate(mode="bilinear", align_corners=True)`` (it warns, as PyTorch's does)."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


__all__ = [
    "relu", "leaky_relu", "sigmoid", "tanh", "softplus", "silu", "elu", "softmax", "log_softmax", "dropout",
    "linear", "batch_norm", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d",
    "adaptive_max_pool2d", "interpolate", "layer_norm", "group_norm", "instance_norm", "local_response_norm",
    "binary_cross_entropy", "bce", "binary_cross_entropy_with_logits", "bce_with_logits",
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy", "one_hot",
    "gelu", "selu", "celu", "mish", "hardtanh", "relu6", "logsigmoid", "softsign", "hardswish", "hardsigmoid", "glu",
    "softmin", "prelu", "tanhshrink", "hardshrink", "softshrink", "threshold", "rrelu", "gumbel_softmax",
    "relu_", "leaky_relu_", "elu_", "selu_", "celu_", "hardtanh_", "threshold_", "rrelu_",
    "normalize", "cosine_similarity", "pairwise_distance", "kl_div", "poisson_nll_loss", "gaussian_nll_loss",
    "hinge_embedding_loss", "margin_ranking_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
    "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
    "cosine_embedding_loss", "ctc_loss",
    "scaled_dot_product_attention", "multi_head_attention_forward",
    "conv1d", "conv_transpose1d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "pad",
    "conv3d", "conv_transpose3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d", "max_unpool3d",
    "pixel_shuffle", "pixel_unshuffle", "unfold", "fold", "affine_grid", "grid_sample",
    "channel_shuffle", "rms_norm", "pdist", "lp_pool1d", "lp_pool2d", "lp_pool3d", "fractional_max_pool2d", "fractional_max_pool3d",
    "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices", "upsample", "upsample_nearest", "upsample_bilinear",
    "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "embedding",
    "embedding_bag", "bilinear", "max_unpool1d", "max_unpool2d", "linear_cross_entropy",
]

__getattr__ = _module_getattr(__name__, "torch.nn.functional", _UNSUPPORTED)
