"""The per-channel kernels: training-mode batch norm + activation over (N, C) or (N, C, L) and
its backward, and the per-channel bias + activation of a convolution and its backward."""
from __future__ import annotations

import numpy as np
from numba import prange

from minigan.backends.numba.build import SCALAR_FORMULAS, ActivationKernels, use_parallel

# The formulas the kernels below call by name.
batch_norm_invstd = SCALAR_FORMULAS.batch_norm_invstd
batch_norm_normalize = SCALAR_FORMULAS.batch_norm_normalize
batch_norm_affine = SCALAR_FORMULAS.batch_norm_affine
batch_norm_grad_input = SCALAR_FORMULAS.batch_norm_grad_input


# ------------------------------------------------------------------------------ batch norm + activation: (N, C)
def _batch_norm_act_py(x, weight, bias, eps, slope, y, mean, var, invstd):  # noqa: ANN001, ANN202
    """Training-mode batch norm of x (N, C) over its rows, then ``act``, in three passes over x:
    the column means, the biased column variances (two passes: no cancellation), then
    y = act(formulas.batch_norm_affine(...)). Serial: a GAN layer is at most 256 x 1024."""
    N, C = x.shape
    zero = x.dtype.type(0)
    count = x.dtype.type(N)
    for j in range(C):
        mean[j] = zero
        var[j] = zero
    for i in range(N):
        row = x[i]
        for j in range(C):
            mean[j] += row[j]
    for j in range(C):
        mean[j] /= count
    for i in range(N):
        row = x[i]
        for j in range(C):
            d = row[j] - mean[j]
            var[j] += d * d
    for j in range(C):
        var[j] /= count
        invstd[j] = batch_norm_invstd(var[j], eps)
    for i in range(N):
        row = x[i]
        out = y[i]
        for j in range(C):
            out[j] = act(batch_norm_affine(row[j], mean[j], invstd[j], weight[j], bias[j]), slope)  # noqa: F821


def _batch_norm_act_backward_py(grad_y, y, x, mean, invstd, weight, slope, grad_x, sum_dz,  # noqa: ANN001, ANN202
                                sum_dz_xhat):
    """grad_x, and the column sums Σ dz (grad of bias) and Σ dz x̂ (grad of weight), where
    dz = act_backward(grad_y, y): two passes, the first keeping dz in grad_x."""
    N, C = x.shape
    zero = x.dtype.type(0)
    count = x.dtype.type(N)
    for j in range(C):
        sum_dz[j] = zero
        sum_dz_xhat[j] = zero
    for i in range(N):
        g = grad_y[i]
        out = y[i]
        row = x[i]
        dz = grad_x[i]
        for j in range(C):
            dz[j] = act_backward(g[j], out[j], slope)  # noqa: F821
            sum_dz[j] += dz[j]
            sum_dz_xhat[j] += dz[j] * batch_norm_normalize(row[j], mean[j], invstd[j])
    scale = np.empty(C, x.dtype)
    mean_dz = np.empty(C, x.dtype)
    mean_dz_xhat = np.empty(C, x.dtype)
    for j in range(C):
        scale[j] = weight[j] * invstd[j]
        mean_dz[j] = sum_dz[j] / count
        mean_dz_xhat[j] = sum_dz_xhat[j] / count
    for i in range(N):
        row = x[i]
        dz = grad_x[i]
        for j in range(C):
            xhat = batch_norm_normalize(row[j], mean[j], invstd[j])
            dz[j] = batch_norm_grad_input(dz[j], xhat, scale[j], mean_dz[j], mean_dz_xhat[j])


batch_norm_act_kernels = ActivationKernels(_batch_norm_act_py)
batch_norm_act_backward_kernels = ActivationKernels(_batch_norm_act_backward_py)


def batch_norm_act_forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float, activation: str,
                           slope: float) -> tuple[np.ndarray, ...]:
    """:meth:`NumbaBackend.batch_norm_act_forward`: (y, mean, var, invstd) in one compiled pass
    set (see :func:`_batch_norm_act_py`; for x (N, C, L), :func:`_batch_norm_act_channels_py`)."""
    if x.ndim == 3:
        return batch_norm_act_channels_forward(x, weight, bias, eps, activation, slope)
    x = np.ascontiguousarray(x)
    dt = x.dtype
    width = x.shape[1]
    y = np.empty_like(x)
    mean, var, invstd = (np.empty(width, dt) for _ in range(3))
    batch_norm_act_kernels.build(activation, False)(
        x, np.ascontiguousarray(weight), np.ascontiguousarray(bias), dt.type(eps), dt.type(slope),
        y, mean, var, invstd)
    return y, mean, var, invstd


def batch_norm_act_backward(grad_y: np.ndarray, y: np.ndarray, x: np.ndarray, mean: np.ndarray,
                            invstd: np.ndarray, weight: np.ndarray, activation: str, slope: float,
                            out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`NumbaBackend.batch_norm_act_backward`: (grad_x, grad_weight, grad_bias) (see
    :func:`_batch_norm_act_backward_py`; for x (N, C, L), :func:`_batch_norm_act_channels_backward_py`).
    ``out``: for x (N, C), C-contiguous (grad_x, grad_weight, grad_bias) to write into; grad_x may
    be grad_y itself (the first pass reads each element of grad_y once, then writes it)."""
    if x.ndim == 3:
        return batch_norm_act_channels_backward(grad_y, y, x, mean, invstd, weight, activation, slope)
    x = np.ascontiguousarray(x)
    dt = x.dtype
    if out is None:
        grad_x = np.empty_like(x)
        grad_bias, grad_weight = np.empty(x.shape[1], dt), np.empty(x.shape[1], dt)
    else:
        grad_x, grad_weight, grad_bias = out
    batch_norm_act_backward_kernels.build(activation, False)(
        np.ascontiguousarray(grad_y), np.ascontiguousarray(y), x, mean, invstd,
        np.ascontiguousarray(weight), dt.type(slope), grad_x, grad_bias, grad_weight)
    return grad_x, grad_weight, grad_bias


# ------------------------------------------------------------------------------ batch norm + activation per channel: (N, C, L)
# The per-channel kernels are compiled with fastmath "reassoc" (see _REASSOC): their sums run
# along one channel's values, and a float sum kept in strict order is one long dependency chain
# that LLVM will not vectorise. "reassoc" only: NaN and inf still propagate. Measured here
# (float32, 64x128x49, best of 40): the backward 0.32 ms against 0.83 ms in strict order.
def _batch_norm_act_channels_py(x, weight, bias, eps, slope, y, mean, var, invstd):  # noqa: ANN001, ANN202
    """Training-mode batch norm of x (N, C, L) per channel over N and L (BatchNorm2d's layout with
    L = H W), then ``act``: per channel, the mean, the biased variance (two passes: no
    cancellation), then y = act(formulas.batch_norm_affine(...)). prange over channels; each
    channel reads N contiguous runs of L values."""
    N, C, L = x.shape
    zero = x.dtype.type(0)
    count = x.dtype.type(N * L)
    for c in prange(C):
        total = zero
        for n in range(N):
            row = x[n, c]
            for k in range(L):
                total += row[k]
        m = total / count
        total = zero
        for n in range(N):
            row = x[n, c]
            for k in range(L):
                d = row[k] - m
                total += d * d
        v = total / count
        inv = batch_norm_invstd(v, eps)
        mean[c] = m
        var[c] = v
        invstd[c] = inv
        w = weight[c]
        b = bias[c]
        for n in range(N):
            row = x[n, c]
            out = y[n, c]
            for k in range(L):
                out[k] = act(batch_norm_affine(row[k], m, inv, w, b), slope)  # noqa: F821 - bound per build


def _batch_norm_act_channels_backward_py(grad_y, y, x, mean, invstd, weight, slope, grad_x, sum_dz,  # noqa: ANN001, ANN202
                                         sum_dz_xhat):
    """grad_x and the per-channel sums Σ dz and Σ dz x̂ of :func:`_batch_norm_act_channels_py`,
    dz = act_backward(grad_y, y): two passes per channel, the first keeping dz in grad_x."""
    N, C, L = x.shape
    zero = x.dtype.type(0)
    count = x.dtype.type(N * L)
    for c in prange(C):
        m = mean[c]
        inv = invstd[c]
        total_dz = zero
        total_dz_xhat = zero
        for n in range(N):
            g = grad_y[n, c]
            out = y[n, c]
            row = x[n, c]
            dz = grad_x[n, c]
            for k in range(L):
                d = act_backward(g[k], out[k], slope)  # noqa: F821 - bound per build
                dz[k] = d
                total_dz += d
                total_dz_xhat += d * batch_norm_normalize(row[k], m, inv)
        sum_dz[c] = total_dz
        sum_dz_xhat[c] = total_dz_xhat
        scale = weight[c] * inv
        mean_dz = total_dz / count
        mean_dz_xhat = total_dz_xhat / count
        for n in range(N):
            row = x[n, c]
            dz = grad_x[n, c]
            for k in range(L):
                dz[k] = batch_norm_grad_input(dz[k], batch_norm_normalize(row[k], m, inv), scale, mean_dz, mean_dz_xhat)


_REASSOC = {"reassoc"}
batch_norm_act_channels_kernels = ActivationKernels(_batch_norm_act_channels_py, fastmath=_REASSOC)
batch_norm_act_channels_backward_kernels = ActivationKernels(_batch_norm_act_channels_backward_py, fastmath=_REASSOC)


def _bias_act_channels_py(x, bias, slope, y):  # noqa: ANN001, ANN202
    """y = act(x + bias[c]) for x (N, C, L), one pass, prange over channels."""
    N, C, L = x.shape
    for c in prange(C):
        b = bias[c]
        for n in range(N):
            row = x[n, c]
            out = y[n, c]
            for k in range(L):
                out[k] = act(row[k] + b, slope)  # noqa: F821 - bound per build


def _act_backward_channels_py(grad_y, y, slope, grad_x, grad_bias):  # noqa: ANN001, ANN202
    """grad_x = act_backward(grad_y, y) and grad_bias = its sum per channel, one pass."""
    N, C, L = y.shape
    zero = y.dtype.type(0)
    for c in prange(C):
        total = zero
        for n in range(N):
            g = grad_y[n, c]
            out = y[n, c]
            dz = grad_x[n, c]
            for k in range(L):
                d = act_backward(g[k], out[k], slope)  # noqa: F821 - bound per build
                dz[k] = d
                total += d
        grad_bias[c] = total


bias_act_channels_kernels = ActivationKernels(_bias_act_channels_py)
act_backward_channels_kernels = ActivationKernels(_act_backward_channels_py, fastmath=_REASSOC)


def channel_bias_act_forward(x: np.ndarray, bias: np.ndarray, activation: str, slope: float,
                             parallel: bool | None = None) -> np.ndarray:
    """:meth:`NumbaBackend.channel_bias_act_forward` (``parallel`` as in the batch-norm kernels)."""
    flat = _as_channels(x)
    y = np.empty_like(flat)
    # tanh: the bias pass compiled, then NumPy's SIMD tanh in place (see NumbaBackend.bias_act_)
    bias_act_channels_kernels.build("none" if activation == "tanh" else activation,
                                    use_parallel(flat.size, parallel))(flat, np.ascontiguousarray(bias), flat.dtype.type(slope), y)
    if activation == "tanh":
        np.tanh(y, out=y)
    return y.reshape(x.shape)


def channel_bias_act_backward(grad_y: np.ndarray, y: np.ndarray, activation: str, slope: float,
                              parallel: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`NumbaBackend.channel_bias_act_backward`."""
    flat = _as_channels(y)
    grad_x = np.empty_like(flat)
    grad_bias = np.empty(flat.shape[1], flat.dtype)
    act_backward_channels_kernels.build(activation, use_parallel(flat.size, parallel))(
        _as_channels(grad_y), flat, flat.dtype.type(slope), grad_x, grad_bias)
    return grad_x.reshape(y.shape), grad_bias


def _as_channels(a: np.ndarray) -> np.ndarray:
    """(N, C, *spatial) as a C-contiguous (N, C, L) array (a view when already contiguous)."""
    return np.ascontiguousarray(a).reshape(a.shape[0], a.shape[1], -1)


def batch_norm_act_channels_forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float,
                                    activation: str, slope: float, parallel: bool | None = None) -> tuple[np.ndarray, ...]:
    """:meth:`NumbaBackend.batch_norm_act_forward` for x (N, C, *spatial): (y, mean, var, invstd).

    ``parallel``: force the parallel (True) or serial (False) build; None picks by size."""
    flat = _as_channels(x)
    dt = flat.dtype
    y = np.empty_like(flat)
    mean, var, invstd = (np.empty(flat.shape[1], dt) for _ in range(3))
    kernel = batch_norm_act_channels_kernels.build(activation, use_parallel(flat.size, parallel))
    kernel(flat, np.ascontiguousarray(weight), np.ascontiguousarray(bias), dt.type(eps), dt.type(slope),
           y, mean, var, invstd)
    return y.reshape(x.shape), mean, var, invstd


def batch_norm_act_channels_backward(grad_y: np.ndarray, y: np.ndarray, x: np.ndarray, mean: np.ndarray,
                                     invstd: np.ndarray, weight: np.ndarray, activation: str,
                                     slope: float, parallel: bool | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`NumbaBackend.batch_norm_act_backward` for x (N, C, *spatial) (``parallel`` as in the forward)."""
    flat = _as_channels(x)
    dt = flat.dtype
    grad_x = np.empty_like(flat)
    grad_bias, grad_weight = np.empty(flat.shape[1], dt), np.empty(flat.shape[1], dt)
    kernel = batch_norm_act_channels_backward_kernels.build(activation, use_parallel(flat.size, parallel))
    kernel(_as_channels(grad_y), _as_channels(y), flat, mean, invstd, np.ascontiguousarray(weight),
           dt.type(slope), grad_x, grad_bias, grad_weight)
    return grad_x.reshape(x.shape), grad_weight, grad_bias
