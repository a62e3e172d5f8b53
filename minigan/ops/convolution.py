"""Convolutions, pooling and nearest upsampling on (N, C, H, W) tensors.

The arrays are cut into patches (im2col, a backend kernel) and multiplied by the weight with one
matrix product (the backend's matmul); the adjoint (col2im, also a backend kernel) adds the
patches back. The rest uses only the array-API standard, so the same code runs on every backend.

Three Functions make the convolutions closed under differentiation, which is what gives
second derivatives (``create_graph=True``):

* ``Conv2d(x, w)``            y = x * w (cross-correlation, PyTorch's conv2d);
* ``ConvTranspose2d(x, w)``   the adjoint of Conv2d in x (PyTorch's conv_transpose2d);
* ``Conv2dWeightGrad(x, g)``  the adjoint of Conv2d in w: <g, conv2d(x, w)> = <weight_grad(x, g), w>.

Each one's backward is written in the three, e.g. d conv2d/dx = conv_transpose2d(g, w) and
d conv2d/dw = weight_grad(x, g). Pooling uses ``Patches`` (the kernel-window slices of x,
stacked) and its adjoint ``FoldPatches``; nearest upsampling by whole factors is ``UpsampleNearest``,
whose adjoint is those windows summed. Shapes are checked once, in the lowercase wrappers.

Output sizes (per spatial axis, k the kernel, s the stride, p the padding, d the dilation):
    conv2d, pooling:   out = floor((in + 2p - d (k - 1) - 1) / s) + 1
    conv_transpose2d:  out = (in - 1) s - 2p + d (k - 1) + output_padding + 1
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor, is_grad_enabled
from ..autograd.function import Context, Function
from ..backends import backend_of
from .fused import channel_bias_act
from .conv_padding import resolve_padding_string
from .padding import pad
from .parts import parts
from .pool_indices import ceil_output_size, max_pool2d_with_indices, overhang, window_counts
from .shape import concatenate

Pair = tuple[int, int]


# ============================================================== array helpers (im2col / col2im)
# The windows themselves are backend kernels (minigan/backends/numpy.py has the
# readable strided-slice version; the Numba backend compiles loops for them).
def _unfold(x: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, out_hw: Pair,
            pad_value: float = 0.0) -> Any:
    """im2col: the kernel windows of padded x (A, B, H, W), stacked as (K, A, B, OH, OW),
    K = kh * kw in row-major order."""
    return backend_of(x).unfold(x, kernel, stride, padding, dilation, out_hw, pad_value)


def _fold(cols: Any, in_hw: Pair, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair) -> Any:
    """col2im, the adjoint of :func:`_unfold`: (K, A, B, OH, OW) added back into (A, B, H, W)."""
    return backend_of(cols).fold(cols, in_hw, kernel, stride, padding, dilation)


def _channels_first(x: Any) -> Any:
    """(N, C, H, W) -> (C, N, H, W), so that the patch matrix is (C * K, N * OH * OW)."""
    return backend_of(x).xp.permute_dims(x, (1, 0, 2, 3))


def _kernel_major(w: Any) -> Any:
    """Weight (A, B, kh, kw) as the matrix (A, kh * kw * B): rows of the patch matrix are
    ordered kernel position first, so that each position's slice is one contiguous block."""
    xp = backend_of(w).xp
    a, b, kh, kw = w.shape
    return xp.reshape(xp.permute_dims(w, (0, 2, 3, 1)), (a, kh * kw * b))


def _patch_matrix(x: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, out_hw: Pair) -> Any:
    """x's patch matrix (C * K, N * OH * OW), the windows of a convolution over x."""
    xp = backend_of(x).xp
    n, c = x.shape[:2]
    cols = _unfold(_channels_first(x), kernel, stride, padding, dilation, out_hw)
    return xp.reshape(cols, (kernel[0] * kernel[1] * c, n * out_hw[0] * out_hw[1]))


def _conv_forward(x: Any, w: Any, stride: Pair, padding: Pair, dilation: Pair, out_hw: Pair,
                  cols: Any = None) -> tuple[Any, Any]:
    """(y, patch matrix): y[n, o] = sum over c, i, j of w[o, c, i, j] x_pad[n, c, i d + s p, j d + s q].
    ``cols``: x's patch matrix, when the caller has it already."""
    xp = backend_of(x).xp
    n = x.shape[0]
    o = w.shape[0]
    if cols is None:
        cols = _patch_matrix(x, w.shape[2:], stride, padding, dilation, out_hw)
    y = backend_of(x).matmul(_kernel_major(w), cols)
    y = xp.permute_dims(xp.reshape(y, (o, n) + tuple(out_hw)), (1, 0, 2, 3))
    return y, cols


def _conv_transpose_forward(x: Any, w: Any, stride: Pair, padding: Pair, dilation: Pair, out_hw: Pair) -> Any:
    """The adjoint of :func:`_conv_forward` in x: x (N, Cin, H, W), w (Cin, Cout, kh, kw) -> (N, Cout, OH, OW)."""
    xp = backend_of(x).xp
    n, c_in, h, w_in = x.shape
    _, c_out, kh, kw = w.shape
    x_mat = xp.reshape(_channels_first(x), (c_in, n * h * w_in))
    cols = backend_of(x).matmul(xp.permute_dims(_kernel_major(w), (1, 0)), x_mat)
    cols = xp.reshape(cols, (kh * kw, c_out, n, h, w_in))
    return _channels_first(_fold(cols, out_hw, (kh, kw), stride, padding, dilation))


def _conv_weight_grad(x: Any, g: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                      cols: Any = None) -> Any:
    """The adjoint of :func:`_conv_forward` in w: sum over n, p, q of g[n, o, p, q] x_pad[n, c, ...],
    shape (O, C, kh, kw). ``cols``: x's patch matrix when the forward pass kept it."""
    xp = backend_of(x).xp
    n, c = x.shape[:2]
    o, out_hw = g.shape[1], (g.shape[2], g.shape[3])
    if cols is None:
        cols = _patch_matrix(x, kernel, stride, padding, dilation, out_hw)
    g_mat = xp.reshape(_channels_first(g), (o, n * out_hw[0] * out_hw[1]))
    grad = xp.reshape(backend_of(x).matmul(g_mat, xp.permute_dims(cols, (1, 0))), (o,) + tuple(kernel) + (c,))
    return xp.permute_dims(grad, (0, 3, 1, 2))


def _geometry(ctx: Context) -> dict[str, Pair]:
    """The stride, padding and dilation a convolution Function was applied with."""
    return {k: ctx.options[k] for k in ("stride", "padding", "dilation")}


def _window_options(ctx: Context, **size: Pair) -> dict[str, Any]:
    """A window Function's options for its adjoint: the same kernel and geometry, with the one
    size given (``in_hw`` or ``out_hw``) in place of the other."""
    options = {k: v for k, v in ctx.options.items() if k not in ("in_hw", "out_hw")}
    return {**options, **size}


# ============================================================== the convolution Functions
class Conv2d(Function):
    """f = conv2d(x, w) (cross-correlation);  df/dx = conv_transpose2d(g, w), df/dw = weight_grad(x, g)."""

    @staticmethod
    def forward(ctx: Context, x: Any, w: Any, stride: Pair, padding: Pair, dilation: Pair, out_hw: Pair,
                cols: Any = None) -> Any:
        y, cols = _conv_forward(x, w, stride, padding, dilation, out_hw, cols)
        ctx.save_for_backward(cols)  # weight_grad reuses the patches instead of cutting them again
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, w = ctx.inputs
        geometry = _geometry(ctx)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = ConvTranspose2d.apply(grad, w, out_hw=x.shape[2:], **geometry)
        if ctx.needs_input_grad[1]:
            grad_w = Conv2dWeightGrad.apply(x, grad, kernel=w.shape[2:], cols=ctx.saved[0], **geometry)
        return grad_x, grad_w


class ConvTranspose2d(Function):
    """f = conv_transpose2d(x, w), the adjoint of conv2d in its input;
    df/dx = conv2d(g, w), df/dw = weight_grad(g, x)."""

    @staticmethod
    def forward(ctx: Context, x: Any, w: Any, stride: Pair, padding: Pair, dilation: Pair, out_hw: Pair) -> Any:
        return _conv_transpose_forward(x, w, stride, padding, dilation, out_hw)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, w = ctx.inputs
        geometry = _geometry(ctx)
        # both gradients multiply by g's patch matrix: cut it once
        cols = None
        if all(ctx.needs_input_grad[:2]):
            cols = _patch_matrix(grad.array, w.shape[2:], out_hw=x.shape[2:], **geometry)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = Conv2d.apply(grad, w, out_hw=x.shape[2:], cols=cols, **geometry)
        if ctx.needs_input_grad[1]:
            grad_w = Conv2dWeightGrad.apply(grad, x, kernel=w.shape[2:], cols=cols, **geometry)
        return grad_x, grad_w


class Conv2dWeightGrad(Function):
    """f = weight_grad(x, g), bilinear, with <g, conv2d(x, w)> = <f, w>;
    for an upstream V:  df/dx = conv_transpose2d(g, V), df/dg = conv2d(x, V)."""

    @staticmethod
    def forward(ctx: Context, x: Any, g: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                cols: Any) -> Any:
        return _conv_weight_grad(x, g, kernel, stride, padding, dilation, cols)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, g = ctx.inputs
        geometry = _geometry(ctx)
        grad_x = grad_g = None
        if ctx.needs_input_grad[0]:
            grad_x = ConvTranspose2d.apply(g, grad, out_hw=x.shape[2:], **geometry)
        if ctx.needs_input_grad[1]:
            grad_g = Conv2d.apply(x, grad, out_hw=g.shape[2:], **geometry)
        return grad_x, grad_g


# ============================================================== pooling Functions
class Patches(Function):
    """f = the kernel windows of x (N, C, H, W) stacked as (K, N, C, OH, OW), zero padded (linear);
    df/dx = fold_patches(g), the windows added back."""

    @staticmethod
    def forward(ctx: Context, x: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, out_hw: Pair) -> Any:
        return _unfold(x, kernel, stride, padding, dilation, out_hw)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (FoldPatches.apply(grad, **_window_options(ctx, in_hw=ctx.inputs[0].shape[2:])),)


class FoldPatches(Function):
    """f = windows (K, N, C, OH, OW) added back into (N, C, H, W), the adjoint of patches;
    df/dg = patches(g)."""

    @staticmethod
    def forward(ctx: Context, cols: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, in_hw: Pair) -> Any:
        return _fold(cols, in_hw, kernel, stride, padding, dilation)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (Patches.apply(grad, **_window_options(ctx, out_hw=ctx.inputs[0].shape[3:])),)


class MaxPool2d(Function):
    """f = the maximum of each window (padding counts as -inf);
    df/dx = g routed to the window's first maximum (as PyTorch), added where windows overlap.

    The plain backward is one backend kernel; when it is recorded (create_graph), it is the
    windows' one-hot of the winners times g, folded back (FoldPatches), which is differentiable."""

    @staticmethod
    def forward(ctx: Context, x: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, out_hw: Pair) -> Any:
        y, winner = backend_of(x).max_pool2d(x, kernel, stride, padding, dilation, out_hw)
        ctx.save_for_backward(winner)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        options = _window_options(ctx, in_hw=ctx.inputs[0].shape[2:])
        (winner,) = ctx.saved
        backend = backend_of(winner)
        if not is_grad_enabled():
            return (Tensor._make(backend.max_pool2d_backward(grad.array, winner, **options), False, None),)
        one_hot = Tensor._make(backend.winner_one_hot(winner, options["kernel"], grad.array.dtype), False, None)
        return (FoldPatches.apply(one_hot * grad.reshape((1,) + grad.shape), **options),)


class UpsampleNearest(Function):
    """f = x with each pixel repeated fh x fw times (whole-number factors);
    df/dx = the sum of each pixel's copies (sum pooling: the windows of g, summed)."""

    @staticmethod
    def forward(ctx: Context, x: Any, factors: Pair) -> Any:
        xp = backend_of(x).xp
        n, c, h, w = x.shape
        out = xp.empty((n, c, h * factors[0], w * factors[1]), dtype=x.dtype, device=x.device)
        for a in range(factors[0]):  # fh * fw strided copies: no 6-D broadcast to iterate over
            for b in range(factors[1]):
                out[:, :, a::factors[0], b::factors[1]] = x
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        factors = ctx.options["factors"]
        windows = Patches.apply(grad, kernel=factors, stride=factors, padding=(0, 0), dilation=(1, 1),
                                out_hw=ctx.inputs[0].shape[2:])
        return (windows.sum(axis=0),)


# ============================================================== argument checks
def pair_argument(name: str, what: str, value: Any, minimum: int) -> Pair:
    """An int or a pair of ints, each at least ``minimum``, as a pair."""
    items = (value, value) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    try:
        items = tuple(items)
    except TypeError:
        items = ()
    if len(items) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
        raise ValueError(f"{name}: {what} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"{name}: {what} must be at least {minimum}, got {value!r}")
    return int(items[0]), int(items[1])


def _output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _windowed_output(name: str, x: Tensor, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                     kernel_name: str = "kernel") -> Pair:
    """The output (OH, OW) of sliding a dilated kernel over padded x, or an error naming the sizes."""
    padded = (x.shape[2] + 2 * padding[0], x.shape[3] + 2 * padding[1])
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if extent[0] > padded[0] or extent[1] > padded[1]:
        dilated = "" if dilation == (1, 1) else f" (dilated to {extent[0]}x{extent[1]})"
        raise ValueError(
            f"{name}: the {kernel_name} {kernel[0]}x{kernel[1]}{dilated} is larger than the padded input "
            f"{padded[0]}x{padded[1]} (input of shape {x.shape}, padding {padding})")
    return tuple(_output_size(x.shape[2 + i], kernel[i], stride[i], padding[i], dilation[i]) for i in range(2))


def _batched(name: str, x: Any, expected: str) -> tuple[Tensor, bool]:
    """x as a 4-D tensor, and whether a batch axis was added (an unbatched (C, H, W) input)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a Tensor input, got {type(x).__name__}")
    if x.ndim == 3:
        return x.reshape((1,) + x.shape), True
    if x.ndim != 4:
        raise ValueError(f"{name}: expected input of shape {expected} or its unbatched form, got {x.shape}")
    return x, False


def _unbatched(y: Tensor, added: bool) -> Tensor:
    return y.reshape(y.shape[1:]) if added else y


def _check_weight(name: str, x: Tensor, weight: Any, bias: Any, channel_axis: int, out_axis: int,
                  ndim: int = 4, expected: str = "a 4-D tensor", groups: int = 1) -> None:
    """The weight (``ndim`` axes) and bias of a convolution against its input, whose channels are the
    axis before the spatial ones (minigan/ops/convolution1d.py checks its 3-D weights here too); with
    ``groups``, the weight's axis 1 holds one group's channels."""
    if not isinstance(weight, Tensor) or weight.ndim != ndim:
        shape = getattr(weight, "shape", type(weight).__name__)
        raise ValueError(f"{name}: the weight must be {expected}, got {shape}")
    channels = x.shape[1 - ndim]
    expects, out = (weight.shape[axis] * (groups if axis == 1 else 1) for axis in (channel_axis, out_axis))
    if channels != expects:
        raise ValueError(f"{name}: input of shape {x.shape} has {channels} channels, but the weight of shape "
                         f"{weight.shape}" + ("" if groups == 1 else f" with groups={groups}") + f" expects {expects}")
    if bias is not None and (not isinstance(bias, Tensor) or bias.shape != (out,)):
        raise ValueError(f"{name}: the bias must have shape ({out},) for the weight of shape "
                         f"{weight.shape}, got {getattr(bias, 'shape', type(bias).__name__)}")
    if x.dtype != weight.dtype:
        raise TypeError(f"{name}: input is {x.dtype} but the weight is {weight.dtype}")
    if weight.shape[0] % groups:
        raise ValueError(f"{name}: the weight of shape {weight.shape} has {weight.shape[0]} "
                         f"{'in' if channel_axis == 0 else 'out'}put channels, which do not split into groups={groups}")


def _check_groups(name: str, groups: Any) -> int:
    """``groups`` as an int, which must be positive."""
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{name}: groups must be a positive int, got {groups!r}")
    return int(groups)


def _grouped(convolve: Any, x: Tensor, weight: Tensor, groups: int) -> Tensor:
    """``convolve`` of each group of x's channels (axis 1 of x (N, C, H, W)) with its group of the
    weight (axis 0), joined along the channels."""
    if groups == 1:
        return convolve(x, weight)
    xs = parts(x, [x.shape[1] // groups] * groups, axis=1)
    ws = parts(weight, [weight.shape[0] // groups] * groups, axis=0)
    return concatenate([convolve(a, w) for a, w in zip(xs, ws)], axis=1)


def _add_bias(y: Tensor, bias: Tensor | None, activation: str, negative_slope: float) -> Tensor:
    """act(y + bias), the bias per output channel: one fused op (channel_bias_act)."""
    if bias is None and activation == "none":
        return y
    return channel_bias_act(y, bias, activation, negative_slope)


# ============================================================== the public ops
def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,  # noqa: A002
           dilation: Any = 1, groups: int = 1, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """2-D cross-correlation, like ``torch.nn.functional.conv2d``: input (N, C, H, W) or (C, H, W), weight
    (O, C / groups, kh, kw), bias (O,) -> (N, O, OH, OW), OH = floor((H + 2p - d (kh - 1) - 1) / s) + 1; padding p
    an int, a pair, "valid" or "same" (OH = H, stride 1). ``activation`` (one of ACTIVATIONS) is applied to the
    output in the same op as the bias; ``groups`` g convolves each of g slices of the channels with its own weights."""
    x, added = _batched("conv2d", input, "(N, C, H, W)")
    groups = _check_groups("conv2d", groups)
    _check_weight("conv2d", x, weight, bias, channel_axis=1, out_axis=0, groups=groups)
    stride, dilation = pair_argument("conv2d", "stride", stride, 1), pair_argument("conv2d", "dilation", dilation, 1)
    x, padding = resolve_padding_string("conv2d", x, weight.shape[2:], stride, dilation, padding)
    padding = pair_argument("conv2d", "padding", padding, 0)
    out_hw = _windowed_output("conv2d", x, weight.shape[2:], stride, padding, dilation)
    y = _grouped(lambda a, w: Conv2d.apply(a, w, stride=stride, padding=padding, dilation=dilation, out_hw=out_hw),
                 x, weight, groups)
    return _unbatched(_add_bias(y, bias, activation, negative_slope), added)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1,
                     activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """The transposed convolution (the gradient of conv2d with respect to its input), like
    ``torch.nn.functional.conv_transpose2d``: input (N, Cin, H, W), weight (Cin, Cout, kh, kw)
    -> (N, Cout, OH, OW), OH = (H - 1) s - 2p + d (kh - 1) + output_padding + 1. ``activation``
    as in :func:`conv2d`; with ``groups`` g the weight is (Cin, Cout / g, kh, kw)."""
    x, added = _batched("conv_transpose2d", input, "(N, C, H, W)")
    groups = _check_groups("conv_transpose2d", groups)
    _check_weight("conv_transpose2d", x, weight, bias, channel_axis=0, out_axis=1, groups=groups)
    stride = pair_argument("conv_transpose2d", "stride", stride, 1)
    padding = pair_argument("conv_transpose2d", "padding", padding, 0)
    dilation = pair_argument("conv_transpose2d", "dilation", dilation, 1)
    extra = pair_argument("conv_transpose2d", "output_padding", output_padding, 0)
    if any(extra[i] >= max(stride[i], dilation[i]) for i in range(2)):  # PyTorch's rule
        raise ValueError(f"conv_transpose2d: output_padding {extra} must be smaller than the stride {stride} or the dilation {dilation}")
    out_hw = tuple((x.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (weight.shape[2 + i] - 1)
                   + extra[i] + 1 for i in range(2))
    if out_hw[0] < 1 or out_hw[1] < 1:
        raise ValueError(f"conv_transpose2d: input of shape {x.shape} with weight {weight.shape}, stride {stride} "
                         f"and padding {padding} gives an empty output {out_hw[0]}x{out_hw[1]}")
    y = _grouped(lambda a, w: ConvTranspose2d.apply(a, w, stride=stride, padding=padding, dilation=dilation,
                                                    out_hw=out_hw), x, weight, groups)
    return _unbatched(_add_bias(y, bias, activation, negative_slope), added)


def _pool_geometry(name: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any,
                   dilation: Any, ceil_mode: bool = False) -> dict[str, Pair]:
    kernel = pair_argument(name, "kernel_size", kernel_size, 1)
    no_stride = stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0)
    stride = kernel if no_stride else pair_argument(name, "stride", stride, 1)
    padding = pair_argument(name, "padding", padding, 0)
    dilation = pair_argument(name, "dilation", dilation, 1)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{name}: padding {padding} must be at most half the kernel size {kernel}")
    out_hw = _windowed_output(name, x, kernel, stride, padding, dilation)
    if ceil_mode:
        out_hw = tuple(ceil_output_size(x.shape[2 + i], kernel[i], stride[i], padding[i], dilation[i])
                       for i in range(2))
    return {"kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation, "out_hw": out_hw}


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,  # noqa: A002
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum over each kernel window, like ``torch.nn.functional.max_pool2d`` (stride
    defaults to the kernel size; padding, at most half the kernel, counts as -inf). ``ceil_mode``
    keeps a last, partial window (PyTorch's rule); ``return_indices`` also gives each winner's
    place h * W + w in its plane (int64; the first maximum), where its gradient goes."""
    x, added = _batched("max_pool2d", input, "(N, C, H, W)")
    geometry = _pool_geometry("max_pool2d", x, kernel_size, stride, padding, dilation, ceil_mode)
    if return_indices:
        pooled, indices = max_pool2d_with_indices(x, geometry)
        return _unbatched(pooled, added), _unbatched(indices, added)
    behind = overhang(x.shape[2:], geometry) if ceil_mode else (0, 0)
    if behind != (0, 0):  # ceil_mode's last windows: -inf behind never wins
        x = pad(x, (0, behind[1], 0, behind[0]), value=-np.inf)
    return _unbatched(MaxPool2d.apply(x, **geometry), added)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean over each kernel window, like ``torch.nn.functional.avg_pool2d``: zero padding
    counts in the mean unless ``count_include_pad`` is False; ``divisor_override`` replaces the count.
    With ``ceil_mode`` a last, partial window is divided by the places it covers up to the end of
    the padding (by those in the input without ``count_include_pad``), as PyTorch's."""
    x, added = _batched("avg_pool2d", input, "(N, C, H, W)")
    geometry = _pool_geometry("avg_pool2d", x, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and (isinstance(divisor_override, bool)
                                         or not isinstance(divisor_override, (int, np.integer)) or divisor_override < 1):
        raise ValueError(f"avg_pool2d: divisor_override must be a positive int, got {divisor_override!r}")
    behind = overhang(x.shape[2:], geometry) if ceil_mode else (0, 0)  # ceil_mode's last windows: zeros behind
    total = Patches.apply(x if behind == (0, 0) else pad(x, (0, behind[1], 0, behind[0])), **geometry).sum(axis=0)
    if divisor_override is not None:
        return _unbatched(total / float(divisor_override), added)
    if behind != (0, 0):  # each window's own divisor
        counts = window_counts(x.shape[2:], geometry, count_include_pad).astype(np.dtype(x.dtype))
        return _unbatched(total / Tensor._make(backend_of(x.array).asarray(counts), False, None), added)
    kernel = geometry["kernel"]
    if count_include_pad or geometry["padding"] == (0, 0):
        return _unbatched(total / float(kernel[0] * kernel[1]), added)
    # The number of real (unpadded) pixels in each window: the same windows cut from ones.
    xp = backend_of(x.array).xp
    ones = xp.ones((1, 1) + x.shape[2:], dtype=x.array.dtype, device=x.array.device)
    counts = xp.sum(_unfold(ones, kernel, geometry["stride"], geometry["padding"], (1, 1), geometry["out_hw"]), axis=0)
    return _unbatched(total / Tensor._make(counts, False, None), added)


def _resize_plan(name: str, in_hw: Sequence[int], size: Any, scale_factor: Any) -> tuple[Pair, tuple[float, float]]:
    """(output size, source step per output pixel): in/out for ``size``, 1/factor for ``scale_factor`` (PyTorch's rule)."""
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{name}: give exactly one of size and scale_factor")
    if size is not None:
        out = pair_argument(name, "size", size, 1)
        return out, (in_hw[0] / out[0], in_hw[1] / out[1])
    factors = (scale_factor, scale_factor) if isinstance(scale_factor, (int, float)) else tuple(scale_factor)
    if len(factors) != 2 or not all(isinstance(f, (int, float)) and not isinstance(f, bool) and f > 0 for f in factors):
        raise ValueError(f"{name}: scale_factor must be a positive number or a pair of them, got {scale_factor!r}")
    out = (int(np.floor(in_hw[0] * factors[0])), int(np.floor(in_hw[1] * factors[1])))
    if min(out) < 1:
        raise ValueError(f"{name}: scale_factor {scale_factor!r} shrinks the input {tuple(in_hw)} to nothing")
    return out, (1.0 / factors[0], 1.0 / factors[1])


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:  # noqa: A002
    """Nearest-neighbour resize of (N, C, H, W), like ``F.interpolate(mode="nearest")``: output
    pixel (i, j) copies input pixel (floor(i step_h), floor(j step_w)), step = H / OH for ``size``
    and 1 / factor for ``scale_factor``. Its gradient sums the copies."""
    x, added = _batched("upsample_nearest", input, "(N, C, H, W)")
    n, c, h, w = x.shape
    (out_h, out_w), steps = _resize_plan("upsample_nearest", (h, w), size, scale_factor)
    if out_h % h == 0 and out_w % w == 0 and steps == (h / out_h, w / out_w):
        return _unbatched(UpsampleNearest.apply(x, factors=(out_h // h, out_w // w)), added)
    rows = np.minimum(np.floor(np.arange(out_h) * steps[0]).astype(np.int64), h - 1)
    cols = np.minimum(np.floor(np.arange(out_w) * steps[1]).astype(np.int64), w - 1)
    return _unbatched(x[:, :, rows[:, None], cols[None, :]], added)


__all__ = ["conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "upsample_nearest"]
