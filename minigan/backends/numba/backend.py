"""The Numba backend: NumPy arrays, with the fused kernels compiled by Numba.

Each method hands its arrays to one kernel family (:mod:`.dense`, :mod:`.channels`,
:mod:`.windows`, :mod:`.windows3d`, :mod:`.optim`, :mod:`.losses`, :mod:`.dropout`); what Numba
does not compile (float16, say) takes the NumPy reference it inherits.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from minigan import formulas
from minigan.backends import Device, matmul_kernel
from minigan.backends.numba import channels, dense, dropout, losses, optim, special, windows, windows3d
from minigan.backends.numba.build import KERNEL_DTYPES, ActivationKernels, Kernel
from minigan.backends.numpy import ArrayBackend


class NumbaBackend(ArrayBackend):
    """NumPy arrays, with the fused kernels compiled by Numba."""

    name = "numba"

    def matmul(self, a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """a @ b by the kernel ``backends.use_matmul`` chose: BLAS (the exact broadcast product
        when K == 1) or the Numba kernel (see :func:`.dense.matmul`); into ``out`` when given."""
        return dense.matmul(a, b, matmul_kernel(), out)

    def bias_act_(self, z: np.ndarray, bias: np.ndarray | None, activation: str, slope: float,
                  parallel: bool | None = None) -> np.ndarray:
        """z = act(z + bias) in place (z 2-D, C-contiguous); returns z (see :func:`.dense.bias_act_`).

        ``parallel``: force the parallel (True) or serial (False) build; None: the serial
        one unless PARALLEL_MIN_ELEMENTS is set (build.py).
        """
        return dense.bias_act_(z, bias, activation, slope, parallel)

    def linear_act_forward(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                           activation: str, slope: float, out: np.ndarray | None = None,
                           z_t: np.ndarray | None = None) -> np.ndarray:
        """y = act(x @ weight.T + bias): the matmul, then one fused bias+act pass; into ``out``
        (C-contiguous (batch, out)) when given.

        With BLAS, float32/64 and at least TRANSPOSED_PRODUCT_MIN_RATIO inputs per batch row
        (minigan/backends/numba/dense.py), the product is made transposed, z^T = weight @ x^T
        (into ``z_t``, C-contiguous (out, batch), when given), and the pass writes y back in
        (batch, out): OpenBLAS reads the stored weight faster than the transposed view that
        x @ weight.T hands it, and sums the same products in the same order, so y's bits do
        not change here.
        """
        if (matmul_kernel() != "blas" or x.ndim != 2 or x.shape[1] < dense.TRANSPOSED_PRODUCT_MIN_RATIO * x.shape[0]
                or x.dtype not in KERNEL_DTYPES or weight.dtype != x.dtype):
            z = self.matmul(x, weight.T, out)
            if not z.flags.c_contiguous:  # a matmul may hand back an F-ordered result for odd inputs
                z = np.ascontiguousarray(z)
            return self.bias_act_(z, bias, activation, slope)
        return self.bias_act_transposed(self.matmul(weight, x.T, z_t), bias, activation, slope, out)

    def bias_act_transposed(self, z_t: np.ndarray, bias: np.ndarray | None, activation: str, slope: float,
                            out: np.ndarray | None = None) -> np.ndarray:
        """act(z_t.T + bias) written as (batch, features) (see :func:`.dense.bias_act_transposed`)."""
        return dense.bias_act_transposed(z_t, bias, activation, slope, out)

    def linear_act_backward(self, grad_y: np.ndarray, y: np.ndarray, activation: str, slope: float,
                            parallel: bool | None = None,
                            out: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(grad_z, grad_bias) in one fused pass (see :func:`.dense.linear_act_backward`).

        ``parallel``: force the parallel (True) or serial (False) build; None: the serial
        one unless PARALLEL_MIN_ELEMENTS is set (build.py).
        ``out``: arrays to write into (grad_z may be grad_y: the activation's backward in place).
        """
        return dense.linear_act_backward(grad_y, y, activation, slope, parallel, out)

    def batch_norm_act_forward(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float,
                               activation: str, slope: float) -> tuple[np.ndarray, ...]:
        """(y, mean, var, invstd) in one compiled pass set (see :func:`.channels.batch_norm_act_forward`)."""
        return channels.batch_norm_act_forward(x, weight, bias, eps, activation, slope)

    def batch_norm_act_backward(self, grad_y: np.ndarray, y: np.ndarray, x: np.ndarray, mean: np.ndarray,
                                invstd: np.ndarray, weight: np.ndarray, activation: str, slope: float,
                                out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(grad_x, grad_weight, grad_bias) (see :func:`.channels.batch_norm_act_backward`; ``out``
        for x (N, C) only)."""
        return channels.batch_norm_act_backward(grad_y, y, x, mean, invstd, weight, activation, slope, out)

    def adam(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray],
             exp_avgs: Sequence[np.ndarray], exp_avg_sqs: Sequence[np.ndarray],
             max_exp_avg_sqs: Sequence[np.ndarray] | None, scalars: dict[str, float],
             parallel: bool | None = None) -> None:
        """One Adam/AdamW step over a parameter group (see :func:`.optim.adam`)."""
        optim.adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, scalars, parallel)

    def lerp_(self, starts: Sequence[np.ndarray], ends: Sequence[np.ndarray], weight: float,
              parallel: bool | None = None) -> None:
        """start <- formulas.lerp(start, end, weight), in place, for each pair (see :func:`.optim.lerp_`)."""
        optim.lerp_(starts, ends, weight, parallel)

    def bce_with_logits(self, logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(0-d loss array, grad_logits) in one pass; inputs same shape and dtype."""
        return losses.mean_bce_with_logits(logits, targets)

    def dropout(self, x: np.ndarray, bits: np.ndarray, threshold: int, scale: float,
                out: np.ndarray | None = None) -> np.ndarray:
        """x · [bits >= threshold] · scale in one pass; bits is a uint32 array of x's shape; into
        ``out`` when given (see :func:`.dropout.dropout`)."""
        return dropout.dropout(x, bits, threshold, scale, out)

    def special(self, name: str, a: np.ndarray) -> np.ndarray:
        """erf, erfc or lgamma (``name``) in one compiled pass (see :mod:`.special`); float16 takes the reference."""
        return special.special(name, a) if a.dtype in KERNEL_DTYPES else super().special(name, a)

    # --- convolution kernels ---------------------------------------------------------------
    def channel_bias_act_forward(self, x: np.ndarray, bias: np.ndarray, activation: str, slope: float) -> np.ndarray:
        """act(x + bias) per channel of x (N, C, L) in one compiled pass (see :func:`.channels.channel_bias_act_forward`)."""
        return channels.channel_bias_act_forward(x, bias, activation, slope)

    def channel_bias_act_backward(self, grad_y: np.ndarray, y: np.ndarray, activation: str,
                                  slope: float) -> tuple[np.ndarray, np.ndarray]:
        """(grad_x, grad_bias) in one compiled pass (see :func:`.channels.channel_bias_act_backward`)."""
        return channels.channel_bias_act_backward(grad_y, y, activation, slope)

    def unfold(self, x: np.ndarray, kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int],
               dilation: Sequence[int], out_hw: Sequence[int], pad_value: float = 0.0) -> np.ndarray:
        """im2col in one compiled pass (see :func:`.windows.unfold`); x may be any strided view."""
        if x.dtype not in KERNEL_DTYPES:
            return super().unfold(x, kernel, stride, padding, dilation, out_hw, pad_value)
        return windows.unfold(x, kernel, stride, padding, dilation, out_hw, pad_value)

    def fold(self, cols: np.ndarray, in_hw: Sequence[int], kernel: Sequence[int], stride: Sequence[int],
             padding: Sequence[int], dilation: Sequence[int]) -> np.ndarray:
        """col2im in one compiled pass (see :func:`.windows.fold`)."""
        if cols.dtype not in KERNEL_DTYPES:
            return super().fold(cols, in_hw, kernel, stride, padding, dilation)
        return windows.fold(cols, in_hw, kernel, stride, padding, dilation)

    def fold3d(self, cols: np.ndarray, in_dhw: Sequence[int], kernel: Sequence[int], stride: Sequence[int],
               padding: Sequence[int], dilation: Sequence[int]) -> np.ndarray:
        """col2vol in one compiled pass (see :func:`.windows3d.fold3d`)."""
        if cols.dtype not in KERNEL_DTYPES:
            return super().fold3d(cols, in_dhw, kernel, stride, padding, dilation)
        return windows3d.fold3d(cols, in_dhw, kernel, stride, padding, dilation)

    def max_pool2d(self, x: np.ndarray, kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int],
                   dilation: Sequence[int], out_hw: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(y, winner) in one compiled pass (see :func:`.windows.max_pool2d`)."""
        if x.dtype not in KERNEL_DTYPES:
            return super().max_pool2d(x, kernel, stride, padding, dilation, out_hw)
        return windows.max_pool2d(x, kernel, stride, padding, dilation, out_hw)

    def max_pool2d_backward(self, grad: np.ndarray, winner: np.ndarray, kernel: Sequence[int], stride: Sequence[int],
                            padding: Sequence[int], dilation: Sequence[int], in_hw: Sequence[int]) -> np.ndarray:
        """The gradient routed to the winners (see :func:`.windows.max_pool2d_backward`)."""
        if grad.dtype not in KERNEL_DTYPES:
            return super().max_pool2d_backward(grad, winner, kernel, stride, padding, dilation, in_hw)
        return windows.max_pool2d_backward(grad, winner, kernel, stride, padding, dilation, in_hw)


backend = NumbaBackend(np, Device("cpu"))


def compile_all(dtype: Any, activations: Sequence[str] = tuple(formulas.ACTIVATIONS)) -> None:
    """Compile (or load from the on-disk cache) the serial kernel builds a training run calls.

    Calls each with exactly the argument types the backend passes (C-contiguous arrays, dtype
    scalars, a Python bool), so no later call of these builds compiles. Parallel builds and the
    Numba matmul are compiled only if a call ever picks them. A ValueError names an unknown
    activation.
    """
    unknown = [name for name in activations if name not in formulas.ACTIVATIONS]
    if unknown:
        raise ValueError(f"unknown activation {unknown[0]!r}; expected one of {tuple(formulas.ACTIVATIONS)}")
    dt = np.dtype(dtype)
    s = dt.type
    z = np.ones((5, 7), dt)
    bias = np.ones(7, dt)
    stats = [np.empty(7, dt) for _ in range(3)]
    for activation in activations:
        built = dense.BIAS_ACT_BUILDS.get(activation, activation)  # tanh and sigmoid: the "none" build
        dense.bias_act_kernels.build(built, False)(z, bias, s(0.01))
        dense.bias_act_transposed_kernels.build(built, False)(np.ones((7, 5), dt), bias, s(0.01), z)
        dense.act_backward_kernels.build(activation, False)(z, z, s(0.01), np.empty_like(z), np.empty(7, dt), 7)
        channels.batch_norm_act_kernels.build(activation, False)(z, bias, bias, s(1e-5), s(0.01),
                                                                 np.empty_like(z), *stats)
        channels.batch_norm_act_backward_kernels.build(activation, False)(
            z, z, z, bias, bias, bias, s(0.01), np.empty_like(z), np.empty(7, dt), np.empty(7, dt))
    p, g, m, v = (np.ones(9, dt) for _ in range(4))
    optim.adam_serial_kernel(p, g, m, v, v, False, s(1), s(0), s(0.1), s(0.999), s(0.001), s(1), s(1e-8), s(-1e-3))
    optim.lerp_serial_kernel(p, g, s(0.001))
    losses.bce_kernel(np.zeros(4, dt), np.ones(4, dt), np.empty(4, dt))
    dropout.dropout_kernel(np.ones(4, dt), np.zeros(4, np.uint32), np.uint32(1), s(2), np.empty(4, dt))
    dense.sigmoid_given_exp_kernel(np.ones((5, 7), dt), np.ones((5, 7), dt))  # the sigmoid pass's second half


def kernel_templates() -> dict[str, Callable]:
    """Every kernel's template, by name: the plain Python function each build is compiled from
    (activation templates call ``act`` or ``act_backward``, to be bound with
    :func:`~minigan.backends.numba.build.specialize`). For inspecting the compiled code: a test
    compiles each afresh and reads its LLVM IR."""
    templates = {}
    for module in (dense, channels, windows, windows3d, optim, losses, dropout):
        for name, value in vars(module).items():
            if isinstance(value, (Kernel, ActivationKernels)):
                templates[name.removesuffix("_kernels").removesuffix("_kernel")] = value.template
    return templates
