"""``torch.batch_norm``, ``layer_norm``, ``group_norm``, ``instance_norm``, ``rms_norm``, ``embedding``,
``bilinear``, ``pixel_shuffle``, ``pixel_unshuffle``, ``channel_shuffle`` and ``constant_pad_nd`` with
PyTorch's top-level arguments, over minigan/nn/functional.py's forms. ``cudnn_enabled`` (and
``cudnn_enable``, ``scale_grad_by_freq``) are accepted and change nothing, as on PyTorch's CPU."""
from __future__ import annotations

import numbers
from typing import Any, Sequence

from ..autograd import Tensor
from ..nn import functional as F
from ..ops.padding import pad as _pad  # the parameter below is called pad, as PyTorch's
from ..autograd.arguments import tensor_argument
from .arguments import bool_argument

# The same arguments at the top level as in torch.nn.functional.
bilinear, pixel_shuffle, pixel_unshuffle, channel_shuffle = (
    F.bilinear, F.pixel_shuffle, F.pixel_unshuffle, F.channel_shuffle)


def _int_list(name: str, value: Any, argument: str, position: int) -> list[int]:
    if not isinstance(value, (tuple, list)) or any(
            isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in value):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, "
                        f"not {type(value).__name__}")
    return [int(v) for v in value]


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,  # noqa: A002 - PyTorch's names
               running_mean: Tensor | None, running_var: Tensor | None, training: bool, momentum: float,
               eps: float, cudnn_enabled: bool) -> Tensor:
    """Batch normalisation, as ``F.batch_norm`` with the arguments in the order of ``torch.batch_norm``;
    all nine are required. In evaluation mode the running statistics must be given."""
    tensor_argument("batch_norm", "input", 1, input)
    bool_argument("batch_norm", training, "training", 6)
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError(f"{'running_mean' if running_mean is None else 'running_var'} must be defined in "
                           "evaluation mode")
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,  # noqa: A002
                  running_mean: Tensor | None, running_var: Tensor | None, use_input_stats: bool, momentum: float,
                  eps: float, cudnn_enabled: bool) -> Tensor:
    """Instance normalisation, as ``F.instance_norm`` with ``torch.instance_norm``'s nine arguments."""
    tensor_argument("instance_norm", "input", 1, input)
    bool_argument("instance_norm", use_input_stats, "use_input_stats", 6)
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-05, cudnn_enable: bool = True) -> Tensor:
    """Layer normalisation over the last ``len(normalized_shape)`` dims, as ``F.layer_norm``
    (``normalized_shape`` a tuple or list, as at PyTorch's top level)."""
    tensor_argument("layer_norm", "input", 1, input)
    shape = _int_list("layer_norm", normalized_shape, "normalized_shape", 2)
    return F.layer_norm(input, shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-05, cudnn_enabled: bool = True) -> Tensor:
    """Group normalisation, as ``F.group_norm``."""
    tensor_argument("group_norm", "input", 1, input)
    return F.group_norm(input, num_groups, weight, bias, eps)


def rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,  # noqa: A002
             eps: float | None = None) -> Tensor:
    """Root-mean-square normalisation, as ``F.rms_norm``."""
    tensor_argument("rms_norm", "input", 1, input)
    shape = _int_list("rms_norm", normalized_shape, "normalized_shape", 2)
    return F.rms_norm(input, shape, weight, eps)


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """The rows of ``weight`` picked by ``indices``: note the order, weight first (``F.embedding``
    takes the indices first). A ``padding_idx`` of zero or more gets no gradient; a negative one
    (the default, -1) means none."""
    tensor_argument("embedding", "weight", 1, weight)
    tensor_argument("embedding", "indices", 2, indices)
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    return F.embedding(indices, weight, padding_idx=None if padding_idx < 0 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def constant_pad_nd(input: Tensor, pad: Sequence[int], value: float = 0) -> Tensor:  # noqa: A002
    """``input`` padded with ``value``: ``pad`` gives (before, after) for the last dim, then the one
    before it...; negative amounts crop. As ``F.pad(input, pad, "constant", value)``."""
    tensor_argument("constant_pad_nd", "input", 1, input)
    amounts = _int_list("constant_pad_nd", pad, "pad", 2)
    if len(amounts) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(amounts)}")
    return _pad(input, amounts, "constant", value)

