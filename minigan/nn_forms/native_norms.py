"""``torch.native_layer_norm``, ``native_batch_norm``, ``native_group_norm``, ``native_dropout``,
``native_channel_shuffle``, ``norm_except_dim`` and ``native_norm``: the forms of the normalisations and
the dropout that return the statistics (or the mask) beside the output, with PyTorch's arguments.

Each output is the functional form's (minigan/nn/normalization.py, minigan/nn/layers.py,
minigan/ops/activations.py), so its values and gradients are that function's; the statistics are
computed with minigan's ops from the input, so gradients flow through them too: the mean, and
rstd = 1 / sqrt(biased variance + eps), PyTorch's invstd."""
from __future__ import annotations

import numbers
from typing import Any, Sequence

from .. import ops
from ..autograd import Tensor
from ..autograd.arguments import tensor_argument
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from ..nn import functional as F
from ..nn.utils.weight_norm import norm_dim, norm_except_dim as _norm_except_dim
from ..torch_api.factories import ones_like
from ..torch_api.unsupported import UnsupportedFeatureError
from .arguments import bool_argument
from .normalization import _int_list


def _int_argument(name: str, value: Any, argument: str, position: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be int, "
                        f"not {type(value).__name__}")
    return int(value)


def _statistics(x: Tensor, axes: tuple[int, ...], eps: float) -> tuple[Tensor, Tensor]:
    """The mean and rstd = 1 / sqrt(var + eps) (biased variance) of x over ``axes``, kept as size-1 dims."""
    mean = x.mean(axis=axes, keepdims=True)
    return mean, ops.TENSOR_FORMULAS.batch_norm_invstd(x.var(axis=axes, keepdims=True, ddof=0), float(eps))


def native_layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None,  # noqa: A002
                      bias: Tensor | None, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(output, mean, rstd): ``F.layer_norm(input, normalized_shape, weight, bias, eps)`` and the
    statistics of each sample over the last ``len(normalized_shape)`` dims, shaped as the input with
    those dims 1 (an input (2, 3, 4, 5) over (4, 5) gives mean and rstd of shape (2, 3, 1, 1))."""
    tensor_argument("native_layer_norm", "input", 1, input)
    shape = _int_list("native_layer_norm", normalized_shape, "normalized_shape", 2)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    if input.ndim < len(shape) or list(input.shape[input.ndim - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={shape}, expected input with shape [*, {str(shape)[1:-1]}], "
                           f"but got input of size{list(input.shape)}")
    for what, given in (("weight", weight), ("bias", bias)):
        if given is not None and list(given.shape) != shape:
            raise RuntimeError(f"Expected {what} to be of same shape as normalized_shape, but got {what} of shape "
                               f"{list(given.shape)} and normalized_shape = {shape}")
    output = F.layer_norm(input, shape, weight, bias, eps)
    mean, rstd = _statistics(input, tuple(range(input.ndim - len(shape), input.ndim)), eps)
    return output, mean, rstd


def native_group_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, N: int, C: int,  # noqa: A002, N803
                      HxW: int, group: int, eps: float) -> tuple[Tensor, Tensor, Tensor]:  # noqa: N803
    """(output, mean, rstd): ``F.group_norm(input, group, weight, bias, eps)`` for an input of N
    samples of C channels of HxW values each, and the statistics of each (sample, group), of shape
    (N, group)."""
    tensor_argument("native_group_norm", "input", 1, input)
    n, c, hw, g = (_int_argument("native_group_norm", v, a, p)
                   for v, a, p in ((N, "N", 4), (C, "C", 5), (HxW, "HxW", 6), (group, "group", 7)))
    if n * c * hw != input.size:
        raise RuntimeError("Expected X.numel() == N * C * HxW to be true, but got false.")
    if g < 1:
        raise RuntimeError(f"Expected num groups to be greater than 0, got {g}")
    if c % g:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={g}")
    for what, given in (("weight", weight), ("bias", bias)):
        if given is not None and tuple(given.shape) != (c,):
            raise RuntimeError(f"Expected {what} to be a vector of size equal to the number of channels in input, but "
                               f"got {what} of shape {list(given.shape)} and input of shape {list(input.shape)}")
    samples = input if input.shape[:2] == (n, c) else input.reshape(n, c, hw)  # PyTorch reads any layout of N*C*HxW
    output = F.group_norm(samples, g, weight, bias, eps).reshape(input.shape)
    mean, rstd = _statistics(input.reshape(n, g, -1), (2,), eps)
    return output, mean.reshape(n, g), rstd.reshape(n, g)


def native_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,  # noqa: A002
                      running_mean: Tensor | None, running_var: Tensor | None, training: bool, momentum: float,
                      eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(output, save_mean, save_invstd): ``torch.batch_norm``'s output (with ``training`` it updates
    the running statistics given, as that does) and, while training, the batch mean and
    1 / sqrt(biased variance + eps) of each channel, shape (C,). In evaluation mode the two are
    empty (shape (0,)), as PyTorch's CPU form returns them."""
    tensor_argument("native_batch_norm", "input", 1, input)
    bool_argument("native_batch_norm", training, "training", 6)
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError(f"{'running_mean' if running_mean is None else 'running_var'} must be defined in "
                           "evaluation mode")
    flat = input.reshape(input.shape[0], input.shape[1], -1) if input.ndim > 4 else input  # F's ranks: 2 to 4
    output = F.batch_norm(flat, running_mean, running_var, weight, bias, training, momentum, eps).reshape(input.shape)
    if not training:
        empty = input.reshape(-1)[:0].detach()
        return output, empty, empty.clone()
    mean, invstd = _statistics(input, (0,) + tuple(range(2, input.ndim)), eps)
    return output, mean.reshape(-1), invstd.reshape(-1)


def native_dropout(input: Tensor, p: float, train: bool | None) -> tuple[Tensor, Tensor]:  # noqa: A002
    """(output, mask): with ``train`` (or None, which PyTorch reads as train) each element is kept
    with probability 1 - p and scaled by 1 / (1 - p), dropped ones are 0, and ``mask`` (bool) is
    True where kept; the output is ``F.dropout(input, p)``'s for the same random state. With
    ``train=False`` the output is a copy of the input and the mask all True."""
    tensor_argument("native_dropout", "input", 1, input)
    if train is not None:
        bool_argument("native_dropout", train, "train", 3)
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"native_dropout(): argument 'p' (position 2) must be float, not {type(p).__name__}")
    if backend_of(input.array).numpy_dtype(input.dtype).kind != "f":
        raise RuntimeError("result type Float can't be cast to the desired output type "
                           f"{scalar_type_name(input.dtype)}")
    if not 0.0 <= p <= 1.0:  # PyTorch draws the kept ones with probability 1 - p, and names that
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={1.0 - float(p):g}")
    ones = ones_like(input)
    if train is False:
        return input * ones, ones != 0
    scaled_mask = F.dropout(ones, float(p), True)  # keep / (1 - p), drawn as F.dropout(input) draws
    return input * scaled_mask, scaled_mask != 0


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """``F.channel_shuffle(input, groups)``: the C channels of (N, C, *) read as a (groups, C / groups)
    grid and transposed."""
    tensor_argument("native_channel_shuffle", "input", 1, input)
    return F.channel_shuffle(input, groups)


def norm_except_dim(v: Tensor, pow: int = 2, dim: int = 0) -> Tensor:  # noqa: A002 - PyTorch's names
    """The ``pow``-norm of ``v`` over every dim but ``dim``, kept as size-1 dims (v (3, 4, 5), dim 1
    gives (1, 4, 1)); ``dim=-1`` means the norm of the whole tensor, a 0-d tensor (weight norm's
    ``g``), and the other negative dims count from the end."""
    tensor_argument("norm_except_dim", "v", 1, v)
    pow = _int_argument("norm_except_dim", pow, "pow", 2)  # noqa: A001
    dim = _int_argument("norm_except_dim", dim, "dim", 3)
    return _norm_except_dim(v, pow, norm_dim(v, dim))


def native_norm(input: Tensor, p: Any = 2, dim: Any = None, keepdim: bool = False,  # noqa: A002
                dtype: Any = None) -> Tensor:
    """PyTorch 2.14 defines ``torch.native_norm`` for sparse tensors only (a dense tensor raises
    there); minigan has no sparse tensors, so it raises, naming them. ``torch.norm`` and
    ``torch.linalg.vector_norm`` are the dense norms."""
    raise UnsupportedFeatureError("native_norm: sparse tensors (PyTorch defines native_norm for sparse tensors "
                                  "only); minigan.norm and minigan.linalg.vector_norm take dense ones")


__all__ = ["native_layer_norm", "native_group_norm", "native_batch_norm", "native_dropout", "native_channel_shuffle",
           "norm_except_dim", "native_norm"]
