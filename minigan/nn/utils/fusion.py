"""``torch.nn.utils``' folding of an eval-mode BatchNorm into the convolution or Linear layer before it:
:func:`fuse_conv_bn_eval`, :func:`fuse_conv_bn_weights`, :func:`fuse_linear_bn_eval` and
:func:`fuse_linear_bn_weights`, as PyTorch's.

In eval mode BatchNorm is the affine map y = (x - running_mean) · s + bias per channel, with
s = weight / sqrt(running_var + eps). Folded into the layer before it, each output channel c of the
weight is multiplied by s[c] and the bias becomes (b - running_mean) · s + bn_bias, so one layer gives
what the two gave one after the other. A transposed convolution's output channels are its weight's
dim 1 (``transpose=True``). A missing layer bias counts as zeros, a missing BatchNorm weight as ones
and bias as zeros (convolutions only, as in PyTorch). The results are new Parameters that keep the
layer's weight dtype (and its bias dtype, when it has a bias).
"""
from __future__ import annotations

import copy

from ... import ops
from ...autograd import Tensor, no_grad
from ...torch_api.factories import ones_like, zeros_like
from ..module import Module, Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]


def _check_eval(layer: Module, bn: Module) -> None:
    if layer.training or bn.training:
        raise AssertionError("Fusion only for eval!")


def _check_running_stats(bn: Module) -> None:
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("bn.running_mean and bn.running_var must not be None")


def fuse_conv_bn_eval(conv: Module, bn: Module, transpose: bool = False) -> Module:
    """A copy of the eval-mode ``conv`` whose output equals ``bn(conv(x))`` with ``bn`` in eval mode
    (``transpose=True`` for a transposed convolution); ``conv`` and ``bn`` are left as they are."""
    _check_eval(conv, bn)
    fused = copy.deepcopy(conv)
    _check_running_stats(bn)
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                    bn.eps, bn.weight, bn.bias, transpose)
    return fused


def fuse_conv_bn_weights(conv_w: Tensor, conv_b: Tensor | None, bn_rm: Tensor, bn_rv: Tensor, bn_eps: float,
                         bn_w: Tensor | None, bn_b: Tensor | None,
                         transpose: bool = False) -> tuple[Parameter, Parameter]:
    """The fused (weight, bias) of a convolution followed by an eval-mode BatchNorm (see the module
    docstring), as Parameters that require a gradient as ``conv_w`` and ``conv_b`` do."""
    weight_dtype = conv_w.dtype
    bias_dtype = conv_w.dtype if conv_b is None else conv_b.dtype
    conv_b = zeros_like(bn_rm) if conv_b is None else conv_b
    bn_w = ones_like(bn_rm) if bn_w is None else bn_w
    bn_b = zeros_like(bn_rm) if bn_b is None else bn_b
    with no_grad():
        inverse_std = ops.rsqrt(bn_rv + bn_eps)
        shape = (1, -1) + (1,) * (conv_w.ndim - 2) if transpose else (-1,) + (1,) * (conv_w.ndim - 1)
        weight = (conv_w * ops.reshape(bn_w * inverse_std, shape)).to(weight_dtype)
        bias = ((conv_b - bn_rm) * inverse_std * bn_w + bn_b).to(bias_dtype)
    return Parameter(weight, conv_w.requires_grad), Parameter(bias, conv_b.requires_grad)


def fuse_linear_bn_eval(linear: Module, bn: Module) -> Module:
    """A copy of the eval-mode ``linear`` whose output equals ``bn(linear(x))`` with ``bn`` in eval mode;
    ``bn`` has ``linear.out_features`` features, or one, and an affine weight and bias."""
    _check_eval(linear, bn)
    fused = copy.deepcopy(linear)
    if not (linear.out_features == bn.num_features or bn.num_features == 1):
        raise AssertionError(
            "To fuse, linear.out_features == bn.num_features or bn.num_features == 1, got "
            f"linear.out_features={linear.out_features} and bn.num_features={bn.num_features}"
        )
    _check_running_stats(bn)
    fused.weight, fused.bias = fuse_linear_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                      bn.eps, bn.weight, bn.bias)
    return fused


def fuse_linear_bn_weights(linear_w: Tensor, linear_b: Tensor | None, bn_rm: Tensor, bn_rv: Tensor, bn_eps: float,
                           bn_w: Tensor, bn_b: Tensor) -> tuple[Parameter, Parameter]:
    """The fused (weight, bias) of a Linear layer followed by an eval-mode BatchNorm (see the module
    docstring), as Parameters that require a gradient as ``linear_w`` and ``linear_b`` do."""
    if bn_w is None:
        raise TypeError("unsupported operand type(s) for *: 'NoneType' and 'Tensor'")
    if bn_b is None:
        raise TypeError("unsupported operand type(s) for +: 'Tensor' and 'NoneType'")
    weight_dtype = linear_w.dtype
    bias_dtype = linear_w.dtype if linear_b is None else linear_b.dtype
    linear_b = zeros_like(bn_rm) if linear_b is None else linear_b
    with no_grad():
        scale = bn_w * ops.rsqrt(bn_rv + bn_eps)
        weight = (linear_w * ops.reshape(scale, (-1, 1))).to(weight_dtype)
        bias = ((linear_b - bn_rm) * scale + bn_b).to(bias_dtype)
    return Parameter(weight, linear_w.requires_grad), Parameter(bias, linear_b.requires_grad)
