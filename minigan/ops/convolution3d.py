"""3-d convolutions on (N, C, D, H, W) (or unbatched (C, D, H, W)), as PyTorch's ``F.conv3d`` and
``F.conv_transpose3d``, built from the 2-d Functions of minigan/ops/convolution.py, so that the
values, gradients and second derivatives are theirs.

* conv3d: output depth t reads input depths t sd - pd + a dd, one per depth tap a of the kernel.
  ``Patches`` with a (kd x 1) kernel over (D, H * W) cuts those depth slices (zero padded) as
  (kd, N, C, OD, H * W); each output depth becomes a sample of a 2-d batch (N * OD, C * kd, H, W)
  whose channels are (c, a) pairs, and the weight (O, C / g, kd, kh, kw) read as
  (O, C / g * kd, kh, kw) pairs them the same way (groups stay contiguous). One conv2d, then the
  depths are moved back out of the batch:
      y[n, o, t] = sum over a of conv2d(x[n, :, t sd - pd + a dd], w[:, :, a]).
* conv_transpose3d: the adjoint. Each input depth is a sample of (N * D, Cin, H, W), the weight
  (Cin, Cout / g, kd, kh, kw) read as (Cin, Cout / g * kd, kh, kw): one conv_transpose2d gives
  every depth tap's plane, and ``FoldPatches`` with the same (kd x 1) kernel adds tap a of input
  depth t into output depth t sd - pd + a dd (what lands in the padding is cut off).

Output sizes per axis (k the kernel, s the stride, p the padding, d the dilation):
    conv3d:            out = floor((in + 2p - d (k - 1) - 1) / s) + 1
    conv_transpose3d:  out = (in - 1) s - 2p + d (k - 1) + output_padding + 1
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from . import convolution as conv2
from .padding import pad

Triple = tuple[int, int, int]


def triple_argument(name: str, what: str, value: Any, minimum: int) -> Triple:
    """An int or a sequence of three ints (depth, height, width), each at least ``minimum``, as a triple."""
    whole = lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)  # noqa: E731
    items = (value,) * 3 if whole(value) else tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(items) != 3 or not all(whole(v) for v in items):
        raise ValueError(f"{name}: {what} must be an int or a tuple of three ints, got {value!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"{name}: {what} must be at least {minimum}, got {value!r}")
    return int(items[0]), int(items[1]), int(items[2])


def batched_5d(name: str, x: Any) -> tuple[Tensor, bool]:
    """x as (N, C, D, H, W), and whether a batch axis was added (an unbatched (C, D, H, W) input)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a Tensor input, got {type(x).__name__}")
    if x.ndim not in (4, 5):
        raise ValueError(f"{name}: expected input of shape (N, C, D, H, W) or its unbatched form (C, D, H, W), "
                         f"got {x.shape}")
    return (x, False) if x.ndim == 5 else (x.reshape((1,) + x.shape), True)


def unbatched_5d(y: Tensor, added: bool) -> Tensor:
    return y.reshape(y.shape[1:]) if added else y


def _check(name: str, x: Tensor, weight: Any, bias: Any, transposed: bool, groups: Any) -> int:
    """The weight (5-D) and bias against x and ``groups``; the groups as an int."""
    groups = conv2._check_groups(name, groups)
    layout = "(in, out / groups, kd, kh, kw)" if transposed else "(out, in / groups, kd, kh, kw)"
    conv2._check_weight(name, x, weight, bias, channel_axis=0 if transposed else 1, out_axis=1 if transposed else 0,
                        ndim=5, expected=f"a 5-D tensor {layout}", groups=groups)
    return groups


def _depth_windows(x: Tensor, kernel: int, stride: int, padding: int, dilation: int, out_depth: int) -> Tensor:
    """The depth slices each output depth reads: x (N, C, D, H, W) -> (kd, N, C, OD, H * W), zero padded."""
    n, c, d, h, w = x.shape
    return conv2.Patches.apply(x.reshape((n, c, d, h * w)), kernel=(kernel, 1), stride=(stride, 1),
                               padding=(padding, 0), dilation=(dilation, 1), out_hw=(out_depth, h * w))


def _same_padding(name: str, x: Tensor, kernel: tuple[int, ...], stride: Triple, dilation: Triple) -> tuple[Tensor, Triple]:
    """padding="same": d (k - 1) in all per axis, half in front and the odd one behind (padded here)."""
    if stride != (1, 1, 1):
        raise ValueError(f"{name}: padding='same' is not supported for strided convolutions (stride {stride})")
    totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
    odd = [t % 2 for t in totals]
    if any(odd):
        x = pad(x, (0, odd[2], 0, odd[1], 0, odd[0]))
    return x, (totals[0] // 2, totals[1] // 2, totals[2] // 2)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,  # noqa: A002
           dilation: Any = 1, groups: int = 1, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """3-d cross-correlation, like ``torch.nn.functional.conv3d``: input (N, C, D, H, W) or (C, D, H, W),
    weight (O, C / groups, kd, kh, kw), bias (O,) -> (N, O, OD, OH, OW), each out = floor((in + 2p -
    d (k - 1) - 1) / s) + 1; ``padding`` an int, a triple, "valid" (0) or "same" (out = in, stride 1).
    ``activation`` (one of ACTIVATIONS) is applied with the bias, as in conv2d."""
    x, added = batched_5d("conv3d", input)
    groups = _check("conv3d", x, weight, bias, False, groups)
    stride = triple_argument("conv3d", "stride", stride, 1)
    dilation = triple_argument("conv3d", "dilation", dilation, 1)
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"conv3d: invalid padding string {padding!r}; expected 'valid', 'same' or an int")
        x, padding = _same_padding("conv3d", x, kernel, stride, dilation) if padding == "same" else (x, 0)
    padding = triple_argument("conv3d", "padding", padding, 0)
    padded = tuple(x.shape[2 + i] + 2 * padding[i] for i in range(3))
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(e > p for e, p in zip(extent, padded)):
        dilated = "" if dilation == (1, 1, 1) else f" (dilated to {'x'.join(map(str, extent))})"
        raise ValueError(f"conv3d: the kernel {'x'.join(map(str, kernel))}{dilated} is larger than the padded input "
                         f"{'x'.join(map(str, padded))} (input of shape {input.shape}, padding {padding})")
    n, c = x.shape[:2]
    out_d, out_h, out_w = (conv2._output_size(x.shape[2 + i], kernel[i], stride[i], padding[i], dilation[i])
                           for i in range(3))
    taps = _depth_windows(x, kernel[0], stride[0], padding[0], dilation[0], out_d)
    planes = taps.reshape((kernel[0], n, c, out_d) + x.shape[3:]).permute(1, 3, 2, 0, 4, 5)
    planes = planes.reshape((n * out_d, c * kernel[0]) + x.shape[3:])  # channel c * kd + a: (c, tap a)
    o = weight.shape[0]
    y = conv2.conv2d(planes, weight.reshape((o, weight.shape[1] * kernel[0]) + kernel[1:]), None, stride[1:],
                     padding[1:], dilation[1:], groups)
    y = y.reshape((n, out_d, o, out_h, out_w)).permute(0, 2, 1, 3, 4)
    return unbatched_5d(conv2._add_bias(y, bias, activation, negative_slope), added)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1,
                     activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """The transposed 3-d convolution (conv3d's gradient in its input), like
    ``torch.nn.functional.conv_transpose3d``: input (N, Cin, D, H, W) or (Cin, D, H, W), weight
    (Cin, Cout / groups, kd, kh, kw) -> (N, Cout, OD, OH, OW), each out = (in - 1) s - 2p + d (k - 1) +
    output_padding + 1, output_padding below the stride or the dilation."""
    x, added = batched_5d("conv_transpose3d", input)
    groups = _check("conv_transpose3d", x, weight, bias, True, groups)
    stride = triple_argument("conv_transpose3d", "stride", stride, 1)
    padding = triple_argument("conv_transpose3d", "padding", padding, 0)
    dilation = triple_argument("conv_transpose3d", "dilation", dilation, 1)
    extra = triple_argument("conv_transpose3d", "output_padding", output_padding, 0)
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"conv_transpose3d: output_padding {extra} must be smaller than the stride {stride} or the "
                         f"dilation {dilation}")
    kernel = tuple(weight.shape[2:])
    out = tuple((x.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + extra[i] + 1
                for i in range(3))
    if min(out) < 1:
        raise ValueError(f"conv_transpose3d: input of shape {input.shape} with weight {weight.shape}, stride {stride} "
                         f"and padding {padding} gives an empty output {'x'.join(map(str, out))}")
    n, c_in, depth = x.shape[:3]
    c_out = weight.shape[1] * groups
    planes = x.permute(0, 2, 1, 3, 4).reshape((n * depth, c_in) + x.shape[3:])
    per_tap = weight.reshape((c_in, weight.shape[1] * kernel[0]) + kernel[1:])  # channel co * kd + a
    y = conv2._grouped(lambda a, w: conv2.ConvTranspose2d.apply(a, w, stride=stride[1:], padding=padding[1:],
                                                                dilation=dilation[1:], out_hw=out[1:]),
                       planes, per_tap, groups)  # (N * D, Cout * kd, OH, OW)
    taps = y.reshape((n, depth, c_out, kernel[0], out[1] * out[2])).permute(3, 0, 2, 1, 4)
    y = conv2.FoldPatches.apply(taps, kernel=(kernel[0], 1), stride=(stride[0], 1), padding=(padding[0], 0),
                                dilation=(dilation[0], 1), in_hw=(out[0], out[1] * out[2]))
    y = y.reshape((n, c_out) + out)
    return unbatched_5d(conv2._add_bias(y, bias, activation, negative_slope), added)


__all__ = ["conv3d", "conv_transpose3d", "triple_argument", "batched_5d", "unbatched_5d"]
