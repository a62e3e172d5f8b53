"""The NumPy reference backend: the formulas of :mod:`minigan.formulas` applied to whole arrays.

:class:`ArrayBackend` is written against the array-API standard only (``xp.matmul``,
``xp.sum``, ``xp.permute_dims``...), so the same class also serves the strict test device and
is the base of the CuPy backend. It is the ``MINIGAN_KERNELS=numpy`` path and the oracle the
tests hold the Numba kernels to. Kernels assume valid input; the ops check it first.
"""
from __future__ import annotations

import contextlib
import itertools
import math
from typing import Any, Callable, Sequence

import numpy as np

from minigan import formulas
from minigan.backends import Device

Pair = tuple[int, int]
Triple = tuple[int, int, int]


def _lgamma(x: float) -> float:
    """math.lgamma, +inf at the poles 0, -1, -2, ... and past float64's range, as the C library's
    (where Python raises)."""
    try:
        return math.lgamma(x)
    except (ValueError, OverflowError):
        return math.inf


#: ``special(name, a)``'s functions, one float64 element at a time.
_SPECIAL = {"erf": math.erf, "erfc": math.erfc, "lgamma": _lgamma}


class ArrayBackend:
    """Arrays of the namespace ``xp`` on one device, and the reference kernels on them."""

    name = "numpy"

    def __init__(self, xp: Any, device: Device, native_device: Any = None) -> None:
        self.xp = xp
        self.device = device
        self.native_device = native_device  # what xp calls the device (None: its default)
        # The formulas on whole arrays of this namespace (one definition, bound to xp).
        self.F = formulas.bind(vars(xp))

    # ------------------------------------------------------------------ data on and off the device
    def native_dtype(self, dtype: Any) -> Any:
        """xp's dtype for a NumPy dtype (the same object for NumPy and CuPy)."""
        return np.dtype(dtype)

    def numpy_dtype(self, dtype: Any) -> np.dtype:
        """The NumPy dtype for one of xp's dtypes."""
        return np.dtype(dtype)

    def asarray(self, data: Any, dtype: Any = None, copy: bool | None = None) -> Any:
        """``data`` (a NumPy array, a number or an array of this backend) as an array here."""
        if dtype is not None:
            dtype = self.native_dtype(dtype)
        return self.xp.asarray(data, dtype=dtype, copy=copy)

    def to_numpy(self, array: Any) -> np.ndarray:
        return np.asarray(array)

    def errstate(self) -> contextlib.AbstractContextManager:
        """exp(-|x|) underflows to 0 for |x| > ~100: that is the right answer, not an error."""
        return np.errstate(under="ignore")

    def scatter_add(self, target: Any, index: tuple[Any, ...], values: Any) -> None:
        """target[index] += values, adding once per occurrence of a repeated index."""
        np.add.at(target, index, values)

    def take(self, array: Any, index: tuple[Any, ...]) -> Any:
        """array[index] for an index with integer arrays (NumPy's advanced indexing)."""
        return array[index]

    # ------------------------------------------------------------------ kernels
    def _elementwise(self, name: str, build: Callable[[Any], Callable]) -> Callable:
        """The elementwise step ``build(formulas)``: here the formulas on whole arrays of xp (the
        CuPy backend fuses the same step into one kernel named ``name``)."""
        return build(self.F)

    def matmul(self, a: Any, b: Any) -> Any:
        """a @ b for 2-D arrays of one float dtype."""
        return self.xp.matmul(a, b)

    def linear_act_forward(self, x: Any, weight: Any, bias: Any | None, activation: str,
                           slope: float) -> Any:
        """y = act(x @ weight.T + bias), weight in PyTorch's (out, in) layout."""
        z = self.matmul(x, self.xp.permute_dims(weight, (1, 0)))
        if bias is not None:
            z += bias
        act, _ = self.F.ACTIVATIONS[activation]
        with self.errstate():
            return act(z, slope)

    def linear_act_backward(self, grad_y: Any, y: Any, activation: str,
                            slope: float) -> tuple[Any, Any]:
        """(grad_z, grad_bias): grad_z = grad_y act'(z) read off y; grad_bias = column sums."""
        _, backward = self.F.ACTIVATIONS[activation]
        grad_z = backward(grad_y, y, slope)
        return grad_z, self.xp.sum(grad_z, axis=0)

    def batch_norm_act_forward(self, x: Any, weight: Any, bias: Any, eps: float, activation: str,
                               slope: float) -> tuple[Any, Any, Any, Any]:
        """Training-mode batch norm of x (N, C) or (N, C, L) per channel C, over N (and L), then
        the activation: (y, batch mean, biased batch variance, invstd = 1 / sqrt(var + eps)),
        the statistics of shape (C,)."""
        xp = self.xp
        axes, per_channel = _channel_axes(x)
        mean = xp.mean(x, axis=axes, keepdims=True)
        centered = x - mean
        var = xp.mean(centered * centered, axis=axes, keepdims=True)
        invstd = self.F.batch_norm_invstd(var, eps)
        normalise_act = self._elementwise(f"batch_norm_act_{activation}", lambda F: (
            lambda x, mean, invstd, weight, bias, slope:
            F.ACTIVATIONS[activation][0](F.batch_norm_affine(x, mean, invstd, weight, bias), slope)))
        with self.errstate():
            y = normalise_act(x, mean, invstd, xp.reshape(weight, per_channel), xp.reshape(bias, per_channel), slope)
        return y, xp.reshape(mean, (-1,)), xp.reshape(var, (-1,)), xp.reshape(invstd, (-1,))

    def batch_norm_act_backward(self, grad_y: Any, y: Any, x: Any, mean: Any, invstd: Any, weight: Any,
                                activation: str, slope: float) -> tuple[Any, Any, Any]:
        """(grad_x, grad_weight, grad_bias) of :meth:`batch_norm_act_forward`, from its output."""
        xp = self.xp
        axes, per_channel = _channel_axes(x)
        mean, invstd = xp.reshape(mean, per_channel), xp.reshape(invstd, per_channel)
        dz = self._elementwise(f"act_backward_{activation}", lambda F: F.ACTIVATIONS[activation][1])(grad_y, y, slope)
        xhat = self.F.batch_norm_normalize(x, mean, invstd)
        sum_dz = xp.sum(dz, axis=axes, keepdims=True)
        sum_dz_xhat = xp.sum(dz * xhat, axis=axes, keepdims=True)
        count = x.size // x.shape[1]  # values per channel
        grad_input = self._elementwise("batch_norm_grad_input", lambda F: F.batch_norm_grad_input)
        grad_x = grad_input(dz, xhat, xp.reshape(weight, per_channel) * invstd, sum_dz / count, sum_dz_xhat / count)
        return grad_x, xp.reshape(sum_dz_xhat, (-1,)), xp.reshape(sum_dz, (-1,))

    def adam(self, params: Sequence[Any], grads: Sequence[Any], exp_avgs: Sequence[Any],
             exp_avg_sqs: Sequence[Any], max_exp_avg_sqs: Sequence[Any] | None,
             scalars: dict[str, float]) -> None:
        """One Adam/AdamW step, in place, over a parameter group (``scalars``: formulas.adam_scalars).

        AMSGrad when ``max_exp_avg_sqs`` is given: the running maximum of the second moment
        takes its place in the denominator.
        """
        moments = {k: scalars[k] for k in ("decay_factor", "l2", "one_minus_beta1", "beta2", "one_minus_beta2")}
        update = {k: scalars[k] for k in ("bias_correction2_sqrt", "eps", "neg_step_size")}
        for i, arrays in enumerate(zip(params, grads, exp_avgs, exp_avg_sqs)):
            arrays += (max_exp_avg_sqs[i],) if max_exp_avg_sqs is not None else ()
            for param, grad, exp_avg, exp_avg_sq, *v_max in self._blocks(arrays):
                p, m, v = self.F.adam_moments(param, grad, exp_avg, exp_avg_sq, **moments)
                exp_avg[...] = m
                exp_avg_sq[...] = v
                if v_max:
                    v_max[0][...] = v = self.F.amsgrad_max(v, v_max[0])
                param[...] = self.F.adam_param(p, m, v, **update)

    def lerp_(self, starts: Sequence[Any], ends: Sequence[Any], weight: float) -> None:
        """start <- formulas.lerp(start, end, weight), in place, for each pair of same-shape
        floating-point arrays (the step of a weight average)."""
        for start, end in zip(starts, ends):
            start[...] = self.F.lerp(start, end, weight)

    def _blocks(self, arrays: tuple[Any, ...]) -> Any:
        """The arrays as they are (one block), for every namespace but NumPy's."""
        yield arrays

    def bce_with_logits(self, logits: Any, targets: Any) -> tuple[Any, Any]:
        """(loss, grad_logits) of mean BCE on logits: the mean of formulas.bce_with_logits and
        its gradient formulas.bce_with_logits_grad / N. The loss is a 0-d array."""
        count = logits.size
        with self.errstate():
            loss = self.xp.mean(self.F.bce_with_logits(logits, targets))
            grad = self.F.bce_with_logits_grad(logits, targets) / count
        return self.xp.asarray(loss), grad

    def dropout(self, x: Any, bits: Any, threshold: int, scale: float) -> Any:
        """formulas.dropout on whole arrays: x · [bits >= threshold] · scale, in x's dtype."""
        return self.F.dropout(x, bits, threshold, self.xp.asarray(scale, dtype=x.dtype, device=x.device))

    def special(self, name: str, a: Any) -> Any:
        """erf, erfc or lgamma (``name``) of a float array, which the array-API standard lacks: Python's
        math.erf, math.erfc and math.lgamma (the C library's, accurate to float64) on each element,
        rounded to a's dtype."""
        values = np.vectorize(_SPECIAL[name], otypes=[np.float64])(self.to_numpy(a))
        return self.asarray(np.asarray(values, dtype=self.numpy_dtype(a.dtype)))

    # --- convolution kernels ---------------------------------------------------------------
    def channel_bias_act_forward(self, x: Any, bias: Any, activation: str, slope: float) -> Any:
        """act(x + bias) for x (N, C, L) and a bias (C,) per channel."""
        _, per_channel = _channel_axes(x)
        bias_act = self._elementwise(f"bias_act_{activation}", lambda F: (
            lambda z, b, slope: F.ACTIVATIONS[activation][0](z + b, slope)))
        with self.errstate():
            return bias_act(x, self.xp.reshape(bias, per_channel), slope)

    def channel_bias_act_backward(self, grad_y: Any, y: Any, activation: str, slope: float) -> tuple[Any, Any]:
        """(grad_x, grad_bias) of :meth:`channel_bias_act_forward`, from its output: grad_x = grad_y
        act'(read off y), grad_bias its sum over N and L."""
        axes, _ = _channel_axes(y)
        grad_x = self._elementwise(f"act_backward_{activation}", lambda F: F.ACTIVATIONS[activation][1])(grad_y, y, slope)
        return grad_x, self.xp.sum(grad_x, axis=axes)

    # Windows of (A, B, H, W) arrays: a kernel (kh, kw) with stride, padding and dilation slides
    # over the padded (H, W) plane to out_hw positions. im2col and col2im on strided slices (one
    # per kernel position), and max pooling on them.
    def unfold(self, x: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, out_hw: Pair,
               pad_value: float = 0.0) -> Any:
        """im2col: the kernel windows of x (A, B, H, W) padded with ``pad_value``, stacked as
        (K, A, B, OH, OW), K = kh * kw in row-major order."""
        padded = self._pad(x, padding, pad_value)
        pieces = [padded[:, :, rows, cols] for rows, cols in _window_slices(kernel, stride, dilation, out_hw)]
        return self.xp.stack(pieces, axis=0)

    def fold(self, cols: Any, in_hw: Pair, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair) -> Any:
        """col2im, the adjoint of :meth:`unfold`: each kernel position's slice of ``cols``
        (K, A, B, OH, OW) added back where it came from, then the padding cut off -> (A, B, H, W)."""
        xp = self.xp
        _, a, b, out_h, out_w = cols.shape
        padded_hw = (in_hw[0] + 2 * padding[0], in_hw[1] + 2 * padding[1])
        out = xp.zeros((a, b) + padded_hw, dtype=cols.dtype, device=cols.device)
        for k, (rows, cols_slice) in enumerate(_window_slices(kernel, stride, dilation, (out_h, out_w))):
            # += on the slice: NumPy and CuPy add in place into the view; the standard's
            # __setitem__ that Python runs after it writes the sum back either way.
            out[:, :, rows, cols_slice] += cols[k, ...]
        if padding == (0, 0):
            return out
        return out[:, :, padding[0]:padding[0] + in_hw[0], padding[1]:padding[1] + in_hw[1]]

    # The same over (A, B, D, H, W) volumes, for the 3-d convolutions (vol2col and col2vol).
    def unfold3d(self, x: Any, kernel: Triple, stride: Triple, padding: Triple, dilation: Triple,
                 out_dhw: Triple) -> Any:
        """vol2col: the kernel windows of x (A, B, D, H, W), zero padded, stacked as
        (K, A, B, OD, OH, OW), K = kd * kh * kw in row-major order."""
        padded = self._pad(x, padding, 0)
        pieces = [padded[(slice(None), slice(None)) + window] for window in _volume_slices(kernel, stride, dilation, out_dhw)]
        return self.xp.stack(pieces, axis=0)

    def fold3d(self, cols: Any, in_dhw: Triple, kernel: Triple, stride: Triple, padding: Triple,
               dilation: Triple) -> Any:
        """col2vol, the adjoint of :meth:`unfold3d`: each kernel position's slice of ``cols``
        (K, A, B, OD, OH, OW) added back where it came from, then the padding cut off -> (A, B, D, H, W)."""
        a, b = cols.shape[1:3]
        out = self.xp.zeros((a, b) + tuple(n + 2 * p for n, p in zip(in_dhw, padding)), dtype=cols.dtype,
                            device=cols.device)
        for k, window in enumerate(_volume_slices(kernel, stride, dilation, cols.shape[3:])):
            out[(slice(None), slice(None)) + window] += cols[k, ...]  # in place on NumPy and CuPy, as in fold
        if not any(padding):
            return out
        return out[(slice(None), slice(None)) + tuple(slice(p, p + n) for n, p in zip(in_dhw, padding))]

    def _pad(self, x: Any, padding: Sequence[int], value: float) -> Any:
        """x (A, B, *spatial) with ``padding[i]`` entries of ``value`` on each side of spatial axis i."""
        if not any(padding):
            return x
        spatial = x.shape[2:]
        out = self.xp.full(x.shape[:2] + tuple(n + 2 * p for n, p in zip(spatial, padding)), value, dtype=x.dtype,
                           device=x.device)
        out[(slice(None), slice(None)) + tuple(slice(p, p + n) for n, p in zip(spatial, padding))] = x
        return out

    def max_pool2d(self, x: Any, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                   out_hw: Pair) -> tuple[Any, Any]:
        """(y, winner): the maximum of each window of x (N, C, H, W), padding counting as -inf, and
        the kernel position (0 .. K-1, row-major) of the window's first maximum (a NaN counts as
        the maximum), as int64 (N, C, OH, OW)."""
        windows = self.unfold(x, kernel, stride, padding, dilation, out_hw, pad_value=-float("inf"))
        return self.xp.max(windows, axis=0), self.xp.astype(self.xp.argmax(windows, axis=0), self.xp.int64)

    def max_pool2d_backward(self, grad: Any, winner: Any, kernel: Pair, stride: Pair, padding: Pair,
                            dilation: Pair, in_hw: Pair) -> Any:
        """The gradient of :meth:`max_pool2d` for x: each output's gradient added to the input
        pixel at its winner (nothing for a winner in the padding)."""
        return self.fold(self.winner_one_hot(winner, kernel, grad.dtype) * grad, in_hw, kernel, stride, padding,
                         dilation)

    def winner_one_hot(self, winner: Any, kernel: Pair, dtype: Any) -> Any:
        """(K, N, C, OH, OW): 1 at each window's winning kernel position, else 0."""
        xp = self.xp
        positions = xp.reshape(xp.arange(kernel[0] * kernel[1], device=winner.device), (-1, 1, 1, 1, 1))
        return xp.astype(positions == winner, dtype)


def _window_slices(kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair) -> list[tuple[slice, slice]]:
    """For each kernel position (row-major), the (rows, cols) slices of the padded input it sees."""
    slices = []
    for i in range(kernel[0]):
        rows = slice(i * dilation[0], i * dilation[0] + stride[0] * (out_hw[0] - 1) + 1, stride[0])
        for j in range(kernel[1]):
            cols = slice(j * dilation[1], j * dilation[1] + stride[1] * (out_hw[1] - 1) + 1, stride[1])
            slices.append((rows, cols))
    return slices


def _volume_slices(kernel: Sequence[int], stride: Sequence[int], dilation: Sequence[int],
                   out: Sequence[int]) -> list[tuple[slice, ...]]:
    """For each kernel position (row-major over any number of axes), the slices of the padded input it sees."""
    per_axis = [[slice(i * d, i * d + s * (n - 1) + 1, s) for i in range(k)]
                for k, s, d, n in zip(kernel, stride, dilation, out)]
    return list(itertools.product(*per_axis))


def _channel_axes(x: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """For x (N, C) or (N, C, L): the axes batch statistics run over, and the shape that lines a
    per-channel vector (C,) up with x."""
    return ((0,), (1, x.shape[1])) if x.ndim == 2 else ((0, 2), (1, x.shape[1], 1))


class NumpyBackend(ArrayBackend):
    """NumPy arrays. Adam's formula makes a dozen temporaries the size of its arrays; walked in
    blocks that fit in the cache, those stay cheap: one step of a 784x1024 float32 weight measured
    7.6 ms against 29.7 ms for whole arrays, with bit-identical results."""

    BLOCK = 1 << 14

    def _blocks(self, arrays: tuple[Any, ...]) -> Any:
        order = "C" if arrays[0].flags.c_contiguous else "F"  # the optimizer gives one layout, contiguous
        flat = [a.reshape(-1, order=order) for a in arrays]
        for start in range(0, flat[0].size, self.BLOCK):
            yield tuple(a[start:start + self.BLOCK] for a in flat)


backend = NumpyBackend(np, Device("cpu"))
