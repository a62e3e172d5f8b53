"""The Numba backend: the CPU kernels as compiled loops, with the formulas inlined into them.

One module per job:

* :mod:`.cache` - where the compiled kernels are kept on disk (``cache_dir("numba")/<cache_key()>``);
* :mod:`.build` - the formulas bound to scalars, the templates specialised, the Numba flags;
* :mod:`.dense` - the matmul, the fused bias + activation and its backward (the Linear layer);
* :mod:`.channels` - batch norm + activation, and the per-channel bias + activation of a convolution;
* :mod:`.windows` - im2col, col2im and max pooling;
* :mod:`.optim`, :mod:`.losses`, :mod:`.dropout` - the Adam step, BCE on logits, dropout;
* :mod:`.backend` - :class:`NumbaBackend`, which hands each call to its kernel family.

The formulas of :mod:`minigan.formulas` are bound to scalar primitives (``math.exp``,
``a if c else b``) and compiled with ``njit(inline="always")``, so each loop calls the one
definition and LLVM sees plain arithmetic. A kernel that depends on the activation is a
template whose ``act`` (or ``act_backward``) is bound per activation; each build compiles on
first use, so nothing is compiled that a run never calls, and importing changes nothing.

Every kernel is written as plain Python (``_*_py``) and compiled from that very function, so
``NUMBA_DISABLE_JIT=1`` runs the same code as ordinary Python (``prange`` becomes ``range``).

Rules kept throughout:

* the formulas' constants are float32 (exact), and scalars are passed in the array's dtype:
  in Numba a Python float, or an int mixed with float32, promotes float32 arithmetic to float64;
* ``fastmath`` only as {"reassoc", "contract"} in the matmul reduction and "reassoc" in the
  per-channel batch-norm sums; never "nnan"/"ninf", so NaN and inf propagate as in NumPy;
* ``error_model="numpy"`` (IEEE division, no ZeroDivisionError branch) and inner loops over
  views indexed from 0, the two things LLVM needs to vectorise them;
* no BLAS call inside a ``prange`` loop (two thread pools fighting over the same cores);
* the elementwise kernels have a serial and a parallel build, and run the serial one unless
  ``PARALLEL_MIN_ELEMENTS`` is set (see build.py).
"""
from __future__ import annotations

from minigan.backends.numba.backend import NumbaBackend, backend, compile_all, kernel_templates
from minigan.backends.numba.build import (
    JIT_DISABLED,
    KERNEL_DTYPES,
    SCALAR_FORMULAS,
    parallel_min_elements,
    specialize,
)
from minigan.backends.numba.cache import cache_key, numba_cache_dir
from minigan.backends.numba.channels import (
    batch_norm_act_channels_backward,
    batch_norm_act_channels_forward,
    channel_bias_act_backward,
    channel_bias_act_forward,
)
from minigan.backends.numba.dense import numba_matmul

__all__ = [
    "NumbaBackend", "backend", "compile_all", "kernel_templates", "JIT_DISABLED", "KERNEL_DTYPES",
    "SCALAR_FORMULAS", "parallel_min_elements", "specialize", "cache_key", "numba_cache_dir",
    "batch_norm_act_channels_forward", "batch_norm_act_channels_backward", "channel_bias_act_forward",
    "channel_bias_act_backward", "numba_matmul",
]
