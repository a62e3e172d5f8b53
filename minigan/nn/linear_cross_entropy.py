"""``F.linear_cross_entropy`` and ``nn.LinearCrossEntropyLoss``: the cross entropy of logits made by a
linear layer, as PyTorch's.

PyTorch computes it either the plain way (``options=None``: the logits ``linear(input, W, b)``, then
``cross_entropy``) or, given a ``LinearCrossEntropyOptions``, in chunks of the batch that never hold
all the logits at once, with gradients worked out during the forward pass. minigan does the plain way,
built from its linear and cross-entropy ops (so second derivatives work too), and refuses ``options``.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor
from ..torch_api.unsupported import UnsupportedFeatureError
from .layers import Linear, linear
from .loss_base import Loss
from .losses import cross_entropy

__all__ = ["linear_cross_entropy", "LinearCrossEntropyLoss"]

_CHUNKED = ("torch.nn.functional.linear_cross_entropy's chunked form (options=LinearCrossEntropyOptions(...)) is "
            "not supported by minigan; options=None, the default, computes the same loss as linear followed by "
            "cross_entropy; see 'From PyTorch to minigan' in docs/internals.md")


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Any, *,  # noqa: A002 - PyTorch's names
                         linear_bias: Tensor | None = None, weight: Any = None, reduction: str = "mean",
                         ignore_index: int | None = None, label_smoothing: float = 0.0, options: Any = None) -> Tensor:
    """cross_entropy(linear(input, linear_weight, linear_bias), target, ...), as PyTorch's: ``input`` (in,) or
    (N, in); ``linear_weight`` (C, in), or (C, d1, ..., dK, in) for logits (N, C, d1, ..., dK) and targets
    (N, d1, ..., dK); ``linear_bias`` of the logits' per-row shape. ``ignore_index`` None means -100 for
    class labels and is refused with probability targets (a target of the logits' shape)."""
    if options is not None:
        raise UnsupportedFeatureError(_CHUNKED)
    for name, value in (("input", input), ("linear_weight", linear_weight)):
        if not isinstance(value, Tensor):
            raise TypeError(f"linear_cross_entropy(): argument '{name}' must be Tensor, not {type(value).__name__}")
    if not 1 <= input.ndim <= 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.ndim}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), "
                           f"got {in_features} and {linear_weight.shape[-1]}, respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got {tuple(linear_bias.shape)}")
    if out_features and not batch:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires "
                           f"batched input, (N, {in_features}), got unbatched input with shape {tuple(input.shape)}")
    logits_shape = (*batch, num_classes, *out_features)
    if tuple(getattr(target, "shape", ())) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    if out_features:  # the weight as one (C d1 ... dK, in) matrix, then the logits in their shape
        width = math.prod(out_features, start=num_classes)
        linear_weight = linear_weight.reshape((width, in_features))
        linear_bias = None if linear_bias is None else linear_bias.reshape((width,))
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight, ignore_index=-100 if ignore_index is None else ignore_index,
                         reduction=reduction, label_smoothing=label_smoothing)


class LinearCrossEntropyLoss(Loss):
    """Module form of :func:`linear_cross_entropy`: a Linear ``linear`` (in_features -> num_classes times
    the product of ``out_features``, no bias unless ``bias=True``) and the cross entropy of its logits.

    As PyTorch's: ``linear.weight`` is kept flat, (num_classes * prod(out_features), in_features), and
    reshaped to (num_classes, *out_features, in_features) in forward, so a PyTorch state_dict loads; the
    class ``weight`` (num_classes,) is a buffer; ``options`` (the chunked form) is refused.
    """

    def __init__(self, in_features: int, num_classes: int, *, out_features: Sequence[int] = (), bias: bool = False,
                 device: Any = None, dtype: Any = None, reduction: str = "mean", weight: Tensor | None = None,
                 ignore_index: int | None = None, label_smoothing: float = 0.0, options: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        if options is not None:
            raise UnsupportedFeatureError(_CHUNKED)
        if device not in (None, "cpu"):
            raise ValueError(f"LinearCrossEntropyLoss: device={device!r}; build on the CPU and move it with .to()")
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.num_classes, self.out_features = num_classes, out_features
        self.ignore_index, self.label_smoothing, self.options = ignore_index, label_smoothing, None
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias, rng=rng,
                             dtype=np.float32 if dtype is None else dtype)

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        shape = (self.num_classes, *self.out_features)
        bias = None if self.linear.bias is None else self.linear.bias.reshape(shape)
        return linear_cross_entropy(input, self.linear.weight.reshape((*shape, self.linear.in_features)), target,
                                    linear_bias=bias, weight=self.weight, reduction=self.reduction,
                                    ignore_index=self.ignore_index, label_smoothing=self.label_smoothing)

    def extra_repr(self) -> str:
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")
