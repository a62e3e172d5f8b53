"""The Adam/AdamW/AMSGrad step as one compiled pass over each parameter's flat arrays, with
formulas.adam_moments, formulas.amsgrad_max and formulas.adam_param inlined; and the weight
average's step, formulas.lerp in place, in one pass with no scratch array."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from numba import prange

from minigan import formulas
from minigan.backends.numba.build import KERNEL_DTYPES, SCALAR_FORMULAS, Kernel, use_parallel

# The formulas the kernel below calls by name.
adam_moments = SCALAR_FORMULAS.adam_moments
adam_param = SCALAR_FORMULAS.adam_param
amsgrad_max = SCALAR_FORMULAS.amsgrad_max
lerp = SCALAR_FORMULAS.lerp

_CHUNK = 16384  # elements per prange task (64 KiB of float32 per array), in both kernels


def _adam_py(p, g, m, v, vmax, amsgrad, decay_factor, l2, one_minus_beta1, beta2,
             one_minus_beta2, bias_correction2_sqrt, eps, neg_step_size):  # noqa: ANN001, ANN202
    """One Adam/AdamW step over flat contiguous arrays, in place, with formulas.adam_moments and
    formulas.adam_param; every scalar already in p's dtype. With ``amsgrad`` the running
    maximum ``vmax`` of v (formulas.amsgrad_max) takes v's place in the denominator."""
    n = p.size
    n_tasks = (n + _CHUNK - 1) // _CHUNK
    for task in prange(n_tasks):
        lo = task * _CHUNK
        hi = min(lo + _CHUNK, n)
        # chunk views indexed from 0: LLVM then knows no index is negative (no wrap-around
        # select) and vectorises the loop; indexing p[lo + k] directly measured 4x slower
        pc = p[lo:hi]
        gc = g[lo:hi]
        mc = m[lo:hi]
        vc = v[lo:hi]
        vmc = vmax[lo:hi]
        for k in range(hi - lo):
            pk, mk, vk = adam_moments(pc[k], gc[k], mc[k], vc[k], decay_factor, l2,
                                      one_minus_beta1, beta2, one_minus_beta2)
            mc[k] = mk
            vc[k] = vk
            if amsgrad:
                vk = amsgrad_max(vk, vmc[k])  # a NaN in v propagates, as in torch.maximum
                vmc[k] = vk
            pc[k] = adam_param(pk, mk, vk, bias_correction2_sqrt, eps, neg_step_size)


adam_kernel = Kernel(_adam_py, parallel=True)
adam_serial_kernel = Kernel(_adam_py, parallel=False, suffix="_serial")


def adam(params: Sequence[np.ndarray], grads: Sequence[np.ndarray], exp_avgs: Sequence[np.ndarray],
         exp_avg_sqs: Sequence[np.ndarray], max_exp_avg_sqs: Sequence[np.ndarray] | None,
         scalars: dict[str, float], parallel: bool | None = None) -> None:
    """One Adam/AdamW step over a parameter group; each tensor's arrays share one memory
    order and are contiguous (the optimizer checks), so flat views are never copies."""
    for i, param in enumerate(params):
        dt = param.dtype.type
        order = "C" if param.flags.c_contiguous else "F"
        flat = [a.reshape(-1, order=order) for a in (param, grads[i], exp_avgs[i], exp_avg_sqs[i])]
        amsgrad = max_exp_avg_sqs is not None
        vmax = max_exp_avg_sqs[i].reshape(-1, order=order) if amsgrad else flat[0]  # unused then
        kernel = adam_kernel if use_parallel(param.size, parallel) else adam_serial_kernel
        kernel(*flat, vmax, amsgrad, dt(scalars["decay_factor"]), dt(scalars["l2"]),
               dt(scalars["one_minus_beta1"]), dt(scalars["beta2"]), dt(scalars["one_minus_beta2"]),
               dt(scalars["bias_correction2_sqrt"]), dt(scalars["eps"]), dt(scalars["neg_step_size"]))


def _lerp_py(start, end, weight):  # noqa: ANN001, ANN202
    """start <- formulas.lerp(start, end, weight) over flat contiguous arrays, in place, in
    _CHUNK-sized tasks as the Adam step (``weight`` already in start's dtype)."""
    n = start.size
    n_tasks = (n + _CHUNK - 1) // _CHUNK
    for task in prange(n_tasks):
        lo = task * _CHUNK
        hi = min(lo + _CHUNK, n)
        sc = start[lo:hi]
        ec = end[lo:hi]
        for k in range(hi - lo):
            sc[k] = lerp(sc[k], ec[k], weight)


lerp_kernel = Kernel(_lerp_py, parallel=True)
lerp_serial_kernel = Kernel(_lerp_py, parallel=False, suffix="_serial")


def lerp_(starts: Sequence[np.ndarray], ends: Sequence[np.ndarray], weight: float,
          parallel: bool | None = None) -> None:
    """start <- formulas.lerp(start, end, weight) for each pair; a pair that is not of one
    compiled dtype and contiguous in one order takes the NumPy reference (flat views would be
    copies)."""
    for start, end in zip(starts, ends):
        same = start.dtype == end.dtype and start.dtype in KERNEL_DTYPES
        if same and start.flags.c_contiguous and end.flags.c_contiguous:
            order = "C"
        elif same and start.flags.f_contiguous and end.flags.f_contiguous:
            order = "F"
        else:
            start[...] = formulas.lerp(start, end, weight)
            continue
        kernel = lerp_kernel if use_parallel(start.size, parallel) else lerp_serial_kernel
        kernel(start.reshape(-1, order=order), end.reshape(-1, order=order), start.dtype.type(weight))
