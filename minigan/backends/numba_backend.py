"""The Numba backend: the CPU kernels as compiled loops, with the formulas inlined into them.

The formulas of :mod:`minigan.formulas` are bound to scalar primitives (``math.exp``,
``a if c else b``) and compiled with ``njit(inline="always")``, so each loop below calls the
one definition and LLVM sees plain arithmetic. A kernel that depends on the activation is a
template whose ``act`` (or ``act_backward``) is bound per activation; each build compiles on
first use, so nothing is compiled that a run never calls.

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
* the elementwise kernels also have a serial build (see ``PARALLEL_MIN_ELEMENTS``).

Importing this module sets NUMBA_CACHE_DIR (unless already set) to a folder of
``cache_dir("numba")`` named after a hash of this file and of the formulas, so a changed formula
never runs from a stale cache, and child processes share the same on-disk cache.
"""
from __future__ import annotations

import hashlib
import math
import os
import tempfile
import types
from pathlib import Path
from typing import Any, Callable, Sequence

from minigan import formulas
from minigan.paths import cache_dir


def _writable_dir(path: str) -> bool:
    """The same test Numba makes before it caches: create the directory, write a temp file."""
    try:
        os.makedirs(path, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def _source_key() -> str:
    """A short hash of the code the cached kernels are compiled from (Numba's cache only
    checks the time stamp of the file that holds the kernel, not of the formulas it inlines)."""
    digest = hashlib.sha256()
    for path in (Path(__file__), Path(formulas.__file__)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _configure_numba_cache() -> str | None:
    """Point Numba's cache at ``cache_dir("numba")/<source hash>`` unless NUMBA_CACHE_DIR is set.

    Numba reads NUMBA_CACHE_DIR into ``numba.core.config`` when it is first imported, and again
    on ``numba.core.config.reload_config()`` (called below, in case something imported numba
    before us). Returns the directory in use, or None when it cannot be written: Numba's
    locators would then raise "no locator available" at decoration time, so we compile without
    an on-disk cache instead of crashing.
    """
    user_dir = os.environ.get("NUMBA_CACHE_DIR")
    if user_dir:
        return user_dir if _writable_dir(user_dir) else None
    try:
        path = str(cache_dir("numba") / _source_key())
    except OSError:  # e.g. a read-only MINIGAN_CACHE / home directory
        return None
    if not _writable_dir(path):
        return None
    os.environ["NUMBA_CACHE_DIR"] = path
    return path


NUMBA_CACHE_DIR: str | None = _configure_numba_cache()

import numba  # noqa: E402 - must come after NUMBA_CACHE_DIR is in the environment
import numba.core.config  # noqa: E402
import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402

from minigan.backends import Device  # noqa: E402
from minigan.backends.numpy_backend import ArrayBackend  # noqa: E402

numba.core.config.reload_config()

_CACHE = NUMBA_CACHE_DIR is not None
JIT_DISABLED: bool = bool(numba.core.config.DISABLE_JIT)


def _jit(parallel: bool, fastmath: bool | set = False) -> Callable:
    # error_model="numpy": IEEE division (x/0 -> inf/nan, as in NumPy) instead of a
    # ZeroDivisionError check on every division, which stops LLVM from vectorising the loop
    # (measured: Adam 4x slower with the default "python" model).
    return njit(cache=_CACHE, parallel=parallel, fastmath=fastmath, nogil=True, error_model="numpy")


# ------------------------------------------------------------------------------ the formulas, as scalars
@njit(inline="always")
def _where(condition, a, b):  # noqa: ANN001, ANN202
    return a if condition else b


@njit(inline="always")
def _maximum(a, b):  # noqa: ANN001, ANN202
    return b if a < b else a  # a NaN in a passes through, as np.maximum(x, 0) does


SCALAR_PRIMITIVES = {"exp": math.exp, "log1p": math.log1p, "tanh": math.tanh, "sqrt": math.sqrt,
                     "abs": abs, "maximum": _maximum, "where": _where}
# Compiled, a float32 constant keeps float32 arithmetic float32 and float64 float64. Run as
# plain Python (NUMBA_DISABLE_JIT), NumPy would round float64 arithmetic with it to float32.
S = formulas.bind(SCALAR_PRIMITIVES, njit(inline="always"), suffix="_numba",
                  constant=None if JIT_DISABLED else np.float32)

# The formulas the non-template kernels below call by name.
adam_moments = S.adam_moments
adam_param = S.adam_param
bce_with_logits = S.bce_with_logits
bce_with_logits_grad = S.bce_with_logits_grad
batch_norm_affine = S.batch_norm_affine
batch_norm_grad_input = S.batch_norm_grad_input
dropout = S.dropout
maximum = _maximum


def _specialize(template: types.FunctionType, suffix: str, **bindings: Any) -> types.FunctionType:
    """A copy of ``template`` under another qualname, with some global names bound anew.

    Numba's on-disk cache names its files after the qualname and keys entries by signature, not
    by compile flags or globals, so every build (activation, serial or parallel) needs its own.
    """
    copy = types.FunctionType(template.__code__, {**template.__globals__, **bindings},
                              template.__name__ + suffix, template.__defaults__, template.__closure__)
    copy.__qualname__ = template.__qualname__ + suffix
    copy.__module__ = template.__module__
    copy.__doc__ = template.__doc__
    return copy


# Below this many elements the elementwise kernels (bias+act, act backward, Adam) run their
# serial build: a parallel region can wait milliseconds for a descheduled thread on a shared
# machine, more than any GAN tensor takes serially (docs/kernel-measurements.md has the figures).
PARALLEL_MIN_ELEMENTS = 1 << 20


def _use_parallel(size: int, parallel: bool | None) -> bool:
    return size >= PARALLEL_MIN_ELEMENTS if parallel is None else parallel


# ------------------------------------------------------------------------------ matmul
# Output blocks handed to one prange task: 64 x 64 outputs, i.e. 64 rows of ``a`` and of ``bt``
# (2 x 256 KiB at K = 1024 in float32), which stay in the 2 MiB L2 while the task sweeps them.
_ROW_BLOCK = 64
_COL_BLOCK = 64


def _matmul_nt_py(a, bt, out):  # noqa: ANN001, ANN202
    """out = a @ bt.T with ``a`` (M, K) and ``bt`` (N, K), both C-contiguous.

    Each output is a dot product of two contiguous rows, so the innermost loop runs along K over
    unit-stride memory. A 4 x 4 register tile (16 accumulators) reuses each loaded element four
    times; with fastmath "reassoc" LLVM vectorises the 16 reductions along K. prange runs over
    independent 64 x 64 output blocks.
    """
    M, K = a.shape
    N = bt.shape[0]
    zero = out.dtype.type(0)
    n_row_blocks = (M + _ROW_BLOCK - 1) // _ROW_BLOCK
    n_col_blocks = (N + _COL_BLOCK - 1) // _COL_BLOCK
    for task in prange(n_row_blocks * n_col_blocks):
        r0 = (task // n_col_blocks) * _ROW_BLOCK
        r1 = min(r0 + _ROW_BLOCK, M)
        c0 = (task % n_col_blocks) * _COL_BLOCK
        c1 = min(c0 + _COL_BLOCK, N)
        i = r0
        while i + 4 <= r1:
            a0r = a[i]
            a1r = a[i + 1]
            a2r = a[i + 2]
            a3r = a[i + 3]
            j = c0
            while j + 4 <= c1:
                b0r = bt[j]
                b1r = bt[j + 1]
                b2r = bt[j + 2]
                b3r = bt[j + 3]
                s00 = s01 = s02 = s03 = zero
                s10 = s11 = s12 = s13 = zero
                s20 = s21 = s22 = s23 = zero
                s30 = s31 = s32 = s33 = zero
                for k in range(K):
                    a0 = a0r[k]
                    a1 = a1r[k]
                    a2 = a2r[k]
                    a3 = a3r[k]
                    b0 = b0r[k]
                    b1 = b1r[k]
                    b2 = b2r[k]
                    b3 = b3r[k]
                    s00 += a0 * b0
                    s01 += a0 * b1
                    s02 += a0 * b2
                    s03 += a0 * b3
                    s10 += a1 * b0
                    s11 += a1 * b1
                    s12 += a1 * b2
                    s13 += a1 * b3
                    s20 += a2 * b0
                    s21 += a2 * b1
                    s22 += a2 * b2
                    s23 += a2 * b3
                    s30 += a3 * b0
                    s31 += a3 * b1
                    s32 += a3 * b2
                    s33 += a3 * b3
                o = out[i]
                o[j] = s00
                o[j + 1] = s01
                o[j + 2] = s02
                o[j + 3] = s03
                o = out[i + 1]
                o[j] = s10
                o[j + 1] = s11
                o[j + 2] = s12
                o[j + 3] = s13
                o = out[i + 2]
                o[j] = s20
                o[j + 1] = s21
                o[j + 2] = s22
                o[j + 3] = s23
                o = out[i + 3]
                o[j] = s30
                o[j + 1] = s31
                o[j + 2] = s32
                o[j + 3] = s33
                j += 4
            while j < c1:  # leftover columns: 4 x 1 tiles (the whole product when N == 1)
                br = bt[j]
                s0 = s1 = s2 = s3 = zero
                for k in range(K):
                    bk = br[k]
                    s0 += a0r[k] * bk
                    s1 += a1r[k] * bk
                    s2 += a2r[k] * bk
                    s3 += a3r[k] * bk
                out[i, j] = s0
                out[i + 1, j] = s1
                out[i + 2, j] = s2
                out[i + 3, j] = s3
                j += 1
            i += 4
        while i < r1:  # leftover rows: plain dot products
            ar = a[i]
            for j in range(c0, c1):
                br = bt[j]
                s = zero
                for k in range(K):
                    s += ar[k] * br[k]
                out[i, j] = s
            i += 1


_matmul_nt = _jit(parallel=True, fastmath={"reassoc", "contract"})(_matmul_nt_py)


def numba_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b with the Numba kernel (no BLAS). a: (M, K), b: (K, N), same float dtype.

    The kernel wants ``a`` and ``b.T`` C-contiguous; ``x @ W.T`` (the Linear forward) already is,
    other layouts are copied first (that copy is part of what the matmul rule measured).
    """
    out = np.empty((a.shape[0], b.shape[1]), dtype=a.dtype)
    _matmul_nt(np.ascontiguousarray(a), np.ascontiguousarray(b.T), out)
    return out


# The matmul rule: BLAS everywhere (it wins or ties every K > 1 shape), and for K == 1 the exact
# broadcast ``a * b`` (no reduction, no thread pool); docs/kernel-measurements.md has the figures.
def matmul_rule(a: Any, b: Any) -> str:
    """Which implementation :meth:`NumbaBackend.matmul` uses for ``a @ b``: ``"blas"``,
    ``"numba"`` or ``"outer"`` (the exact broadcast product when the inner dimension is 1).
    ``"numba"`` is never chosen on the machine the rule was measured on."""
    return "outer" if a.shape[1] == 1 else "blas"


# ------------------------------------------------------------------------------ fused bias + activation
def _bias_act_py(z, bias, slope):  # noqa: ANN001, ANN202
    """In place: z[i, j] = act(z[i, j] + bias[j], slope), one pass, prange over rows.

    ``act`` is bound per activation (see :func:`_specialize`), so each build's inner loop is the
    activation's formula inlined over contiguous memory.
    """
    M, N = z.shape
    for i in prange(M):
        r = z[i]
        for j in range(N):
            r[j] = act(r[j] + bias[j], slope)  # noqa: F821 - bound per build


# ------------------------------------------------------------------------------ activation backward + bias gradient
# Columns per prange task: 16 float32 = one 512-bit vector; tasks own disjoint columns, so
# the bias sums need no atomics or per-thread partials and stay vectorised along a row.
_MIN_COL_TASK = 16


def _act_backward_py(grad_y, y, slope, grad_z, grad_bias, col_block):  # noqa: ANN001, ANN202
    """grad_z = grad_y act'(z) (read off the output y) and grad_bias = grad_z.sum(0), one pass.

    prange over blocks of ``col_block`` columns; each task walks all rows of its columns, so
    memory is read row-contiguously and every column's sum has a single owner.
    """
    M, N = y.shape
    zero = y.dtype.type(0)
    n_tasks = (N + col_block - 1) // col_block
    for task in prange(n_tasks):
        c0 = task * col_block
        c1 = min(c0 + col_block, N)
        gb = grad_bias[c0:c1]
        for j in range(c1 - c0):
            gb[j] = zero
        for i in range(M):
            gyr = grad_y[i, c0:c1]
            yr = y[i, c0:c1]
            gzr = grad_z[i, c0:c1]
            for j in range(c1 - c0):
                gzr[j] = act_backward(gyr[j], yr[j], slope)  # noqa: F821 - bound per build
                gb[j] += gzr[j]


# ------------------------------------------------------------------------------ batch norm + activation
def _batch_norm_act_py(x, weight, bias, eps, slope, y, mean, var, invstd):  # noqa: ANN001, ANN202
    """Training-mode batch norm of x (N, C) over its rows, then ``act``, in three passes over x:
    the column means, the biased column variances (two passes: no cancellation), then
    y = act(formulas.batch_norm_affine(...)). Serial: a GAN layer is at most 256 x 1024."""
    N, C = x.shape
    zero = x.dtype.type(0)
    one = x.dtype.type(1)
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
        invstd[j] = one / math.sqrt(var[j] + eps)
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
            sum_dz_xhat[j] += dz[j] * ((row[j] - mean[j]) * invstd[j])
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
            xhat = (row[j] - mean[j]) * invstd[j]
            dz[j] = batch_norm_grad_input(dz[j], xhat, scale[j], mean_dz[j], mean_dz_xhat[j])


_BUILDS: dict[tuple[str, str, bool], Callable] = {}
# kind -> (template, which of the activation's formulas it calls, the name it calls it by)
_TEMPLATES = {
    "bias_act": (_bias_act_py, 0, "act"),
    "act_backward": (_act_backward_py, 1, "act_backward"),
    "batch_norm_act": (_batch_norm_act_py, 0, "act"),
    "batch_norm_act_backward": (_batch_norm_act_backward_py, 1, "act_backward"),
}


_FASTMATH: dict[str, set[str]] = {}  # kind -> the fastmath flags its builds take (default: none)


def activation_kernel(kind: str, activation: str, parallel: bool) -> Callable:
    """The compiled ``kind`` kernel (a key of ``_TEMPLATES``) for one activation."""
    key = (kind, activation, parallel)
    kernel = _BUILDS.get(key)
    if kernel is None:
        template, which, name = _TEMPLATES[kind]
        suffix = f"_{activation}" + ("" if parallel else "_serial")
        binding = {name: S.ACTIVATIONS[activation][which]}
        kernel = _BUILDS[key] = _jit(parallel, _FASTMATH.get(kind, False))(_specialize(template, suffix, **binding))
    return kernel


# ------------------------------------------------------------------------------ Adam / AdamW
_ADAM_CHUNK = 16384  # elements per prange task (64 KiB of float32 per array)


def _adam_py(p, g, m, v, vmax, amsgrad, decay_factor, l2, one_minus_beta1, beta2,
             one_minus_beta2, bias_correction2_sqrt, eps, neg_step_size):  # noqa: ANN001, ANN202
    """One Adam/AdamW step over flat contiguous arrays, in place, with formulas.adam_moments and
    formulas.adam_param; every scalar already in p's dtype. With ``amsgrad`` the running
    maximum ``vmax`` of v takes v's place in the denominator."""
    n = p.size
    n_tasks = (n + _ADAM_CHUNK - 1) // _ADAM_CHUNK
    for task in prange(n_tasks):
        lo = task * _ADAM_CHUNK
        hi = min(lo + _ADAM_CHUNK, n)
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
                vk = maximum(vk, vmc[k])  # a NaN in v propagates, as in torch.maximum
                vmc[k] = vk
            pc[k] = adam_param(pk, mk, vk, bias_correction2_sqrt, eps, neg_step_size)


_adam = _jit(parallel=True)(_adam_py)
_adam_serial = _jit(parallel=False)(_specialize(_adam_py, "_serial"))


# ------------------------------------------------------------------------------ binary cross-entropy on logits
def _bce_py(x, t, grad):  # noqa: ANN001, ANN202
    """Fills grad = formulas.bce_with_logits_grad(x, t) / N and returns the sum of
    formulas.bce_with_logits(x, t), accumulated in float64.

    Serial on purpose: the discriminator gives one logit per sample (64..256 values), far below
    the cost of waking the thread pool.
    """
    n = x.size
    n_dt = x.dtype.type(n)
    total = 0.0
    for k in range(n):
        total += bce_with_logits(x[k], t[k])
        grad[k] = bce_with_logits_grad(x[k], t[k]) / n_dt
    return total


_bce = _jit(parallel=False)(_bce_py)


# ------------------------------------------------------------------------------ dropout
def _dropout_py(x, bits, threshold, scale, out):  # noqa: ANN001, ANN202
    """out = formulas.dropout(x, bits, threshold, scale) in one pass over flat arrays (the
    forward on the input, the backward on the upstream gradient)."""
    for k in range(x.size):
        out[k] = dropout(x[k], bits[k], threshold, scale)


_dropout = _jit(parallel=False)(_dropout_py)


# ------------------------------------------------------------------------------ the backend
class NumbaBackend(ArrayBackend):
    """NumPy arrays, with the fused kernels compiled by Numba."""

    name = "numba"

    def matmul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a @ b by :func:`matmul_rule`: BLAS, or the exact broadcast product when K == 1."""
        if a.shape[1] == 1:
            return a * b  # (M, 1) * (1, N): each output is one product, exactly as in a @ b
        return a @ b

    def bias_act_(self, z: np.ndarray, bias: np.ndarray | None, activation: str, slope: float,
                  parallel: bool | None = None) -> np.ndarray:
        """z = act(z + bias) in place (z 2-D, C-contiguous); returns z.

        ``parallel``: force the parallel (True) or serial (False) build; None picks by size.
        """
        b = np.ascontiguousarray(bias) if bias is not None else np.zeros(z.shape[1], dtype=z.dtype)
        use_parallel = _use_parallel(z.size, parallel)
        slope = z.dtype.type(slope)
        if activation == "tanh":
            # Without SVML, LLVM cannot vectorise tanh: the fused pass calls scalar libm tanhf
            # (~9 ns/element here), while NumPy's SIMD tanh runs ~0.3 ns/element. So for tanh:
            # the bias pass in Numba, then NumPy's tanh in place (bench/kernels.py shows both).
            activation_kernel("bias_act", "none", use_parallel)(z, b, slope)
            np.tanh(z, out=z)
            return z
        activation_kernel("bias_act", activation, use_parallel)(z, b, slope)
        return z

    def linear_act_forward(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                           activation: str, slope: float) -> np.ndarray:
        """y = act(x @ weight.T + bias): the matmul, then one fused in-place bias+act pass."""
        z = self.matmul(x, weight.T)
        if not z.flags.c_contiguous:  # a matmul may hand back an F-ordered result for odd inputs
            z = np.ascontiguousarray(z)
        return self.bias_act_(z, bias, activation, slope)

    def linear_act_backward(self, grad_y: np.ndarray, y: np.ndarray, activation: str, slope: float,
                            parallel: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(grad_z, grad_bias) in one fused pass (see :func:`_act_backward_py`).

        ``parallel``: force the parallel (True) or serial (False) build; None picks by size.
        """
        grad_y = np.ascontiguousarray(grad_y)
        y = np.ascontiguousarray(y)
        grad_z = np.empty_like(y)
        width = y.shape[1]
        grad_bias = np.empty(width, dtype=y.dtype)
        parallel = _use_parallel(y.size, parallel)
        if parallel:
            # one column block per thread (a multiple of one vector): each thread reads whole
            # cache lines of every row and owns its columns' sums
            per_thread = -(-width // max(numba.get_num_threads(), 1))
            col_block = max(_MIN_COL_TASK, -(-per_thread // _MIN_COL_TASK) * _MIN_COL_TASK)
        else:
            # serial: one block of full rows, read in memory order (16-column blocks measured
            # 2.5-3x slower here at 64K-256K elements)
            col_block = max(width, 1)
        activation_kernel("act_backward", activation, parallel)(grad_y, y, y.dtype.type(slope), grad_z,
                                                               grad_bias, col_block)
        return grad_z, grad_bias

    def batch_norm_act_forward(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float,
                               activation: str, slope: float) -> tuple[np.ndarray, ...]:
        """(y, mean, var, invstd) in one compiled pass set (see :func:`_batch_norm_act_py`; for
        x (N, C, L), :func:`_batch_norm_act_channels_py`)."""
        if x.ndim == 3:
            return batch_norm_act_channels_forward(x, weight, bias, eps, activation, slope)
        x = np.ascontiguousarray(x)
        dt = x.dtype
        width = x.shape[1]
        y = np.empty_like(x)
        mean, var, invstd = (np.empty(width, dt) for _ in range(3))
        activation_kernel("batch_norm_act", activation, False)(
            x, np.ascontiguousarray(weight), np.ascontiguousarray(bias), dt.type(eps), dt.type(slope),
            y, mean, var, invstd)
        return y, mean, var, invstd

    def batch_norm_act_backward(self, grad_y: np.ndarray, y: np.ndarray, x: np.ndarray, mean: np.ndarray,
                                invstd: np.ndarray, weight: np.ndarray, activation: str,
                                slope: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(grad_x, grad_weight, grad_bias) (see :func:`_batch_norm_act_backward_py`; for x (N, C, L),
        :func:`_batch_norm_act_channels_backward_py`)."""
        if x.ndim == 3:
            return batch_norm_act_channels_backward(grad_y, y, x, mean, invstd, weight, activation, slope)
        x = np.ascontiguousarray(x)
        dt = x.dtype
        grad_x = np.empty_like(x)
        grad_bias, grad_weight = np.empty(x.shape[1], dt), np.empty(x.shape[1], dt)
        activation_kernel("batch_norm_act_backward", activation, False)(
            np.ascontiguousarray(grad_y), np.ascontiguousarray(y), x, mean, invstd,
            np.ascontiguousarray(weight), dt.type(slope), grad_x, grad_bias, grad_weight)
        return grad_x, grad_weight, grad_bias

    def adam(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray],
             exp_avgs: Sequence[np.ndarray], exp_avg_sqs: Sequence[np.ndarray],
             max_exp_avg_sqs: Sequence[np.ndarray] | None, scalars: dict[str, float],
             parallel: bool | None = None) -> None:
        """One Adam/AdamW step over a parameter group; each tensor's arrays share one memory
        order and are contiguous (the optimizer checks), so flat views are never copies."""
        for i, param in enumerate(params):
            dt = param.dtype.type
            order = "C" if param.flags.c_contiguous else "F"
            flat = [a.reshape(-1, order=order) for a in (param, grads[i], exp_avgs[i], exp_avg_sqs[i])]
            amsgrad = max_exp_avg_sqs is not None
            vmax = max_exp_avg_sqs[i].reshape(-1, order=order) if amsgrad else flat[0]  # unused then
            kernel = _adam if _use_parallel(param.size, parallel) else _adam_serial
            kernel(*flat, vmax, amsgrad, dt(scalars["decay_factor"]), dt(scalars["l2"]),
                   dt(scalars["one_minus_beta1"]), dt(scalars["beta2"]), dt(scalars["one_minus_beta2"]),
                   dt(scalars["bias_correction2_sqrt"]), dt(scalars["eps"]), dt(scalars["neg_step_size"]))

    def bce_with_logits(self, logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(0-d loss array, grad_logits) in one pass; inputs same shape and dtype."""
        x = np.ascontiguousarray(logits)
        t = np.ascontiguousarray(targets)
        grad = np.empty(logits.shape, dtype=x.dtype)  # not empty_like(x): ascontiguousarray makes 0-d inputs 1-d
        total = _bce(x.reshape(-1), t.reshape(-1), grad.reshape(-1))
        return np.asarray(total / max(x.size, 1), dtype=x.dtype), grad

    def dropout(self, x: np.ndarray, bits: np.ndarray, threshold: int, scale: float) -> np.ndarray:
        """x · [bits >= threshold] · scale in one pass; bits is a uint32 array of x's shape."""
        out = np.empty(x.shape, dtype=x.dtype)  # not empty_like: ascontiguousarray makes 0-d inputs 1-d
        _dropout(np.ascontiguousarray(x).reshape(-1), np.ascontiguousarray(bits).reshape(-1),
                 np.uint32(threshold), x.dtype.type(scale), out.reshape(-1))
        return out

    # --- convolution kernels ---------------------------------------------------------------
    def channel_bias_act_forward(self, x: np.ndarray, bias: np.ndarray, activation: str, slope: float) -> np.ndarray:
        """act(x + bias) per channel of x (N, C, L) in one compiled pass (see :func:`_bias_act_channels_py`)."""
        return channel_bias_act_forward(x, bias, activation, slope)

    def channel_bias_act_backward(self, grad_y: np.ndarray, y: np.ndarray, activation: str,
                                  slope: float) -> tuple[np.ndarray, np.ndarray]:
        """(grad_x, grad_bias) in one compiled pass (see :func:`_act_backward_channels_py`)."""
        return channel_bias_act_backward(grad_y, y, activation, slope)

    def unfold(self, x: np.ndarray, kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int],
               dilation: Sequence[int], out_hw: Sequence[int], pad_value: float = 0.0) -> np.ndarray:
        """im2col in one compiled pass (see :func:`_unfold_py`); x may be any strided view."""
        if x.dtype not in _WINDOW_DTYPES:
            return super().unfold(x, kernel, stride, padding, dilation, out_hw, pad_value)
        cols = np.empty((kernel[0] * kernel[1],) + x.shape[:2] + tuple(out_hw), dtype=x.dtype)
        _WINDOW_KERNELS["unfold"](x, cols, *_geometry(kernel, stride, padding, dilation),
                                           x.dtype.type(pad_value))
        return cols

    def fold(self, cols: np.ndarray, in_hw: Sequence[int], kernel: Sequence[int], stride: Sequence[int],
             padding: Sequence[int], dilation: Sequence[int]) -> np.ndarray:
        """col2im in one compiled pass (see :func:`_fold_py`)."""
        if cols.dtype not in _WINDOW_DTYPES:
            return super().fold(cols, in_hw, kernel, stride, padding, dilation)
        out = np.zeros(cols.shape[1:3] + tuple(in_hw), dtype=cols.dtype)
        _WINDOW_KERNELS["fold"](np.ascontiguousarray(cols), out, *_geometry(kernel, stride, padding, dilation))
        return out

    def max_pool2d(self, x: np.ndarray, kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int],
                   dilation: Sequence[int], out_hw: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(y, winner) in one compiled pass (see :func:`_max_pool2d_py`)."""
        if x.dtype not in _WINDOW_DTYPES:
            return super().max_pool2d(x, kernel, stride, padding, dilation, out_hw)
        y = np.empty(x.shape[:2] + tuple(out_hw), dtype=x.dtype)
        winner = np.empty(y.shape, dtype=np.int64)
        _WINDOW_KERNELS["max_pool2d"](
            x, y, winner, *_geometry(kernel, stride, padding, dilation))
        return y, winner

    def max_pool2d_backward(self, grad: np.ndarray, winner: np.ndarray, kernel: Sequence[int], stride: Sequence[int],
                            padding: Sequence[int], dilation: Sequence[int], in_hw: Sequence[int]) -> np.ndarray:
        """The gradient routed to the winners (see :func:`_max_pool2d_backward_py`)."""
        if grad.dtype not in _WINDOW_DTYPES:
            return super().max_pool2d_backward(grad, winner, kernel, stride, padding, dilation, in_hw)
        grad_x = np.zeros(grad.shape[:2] + tuple(in_hw), dtype=grad.dtype)
        _WINDOW_KERNELS["max_pool2d_backward"](grad, winner, grad_x, *_geometry(kernel, stride, padding, dilation))
        return grad_x

backend = NumbaBackend(np, Device("cpu"))


def compile_all(dtype: Any, activations: Sequence[str] = tuple(formulas.ACTIVATIONS)) -> None:
    """Compile (or load from the on-disk cache) the serial kernel builds a training run calls.

    Calls each with exactly the argument types the backend passes (C-contiguous arrays, dtype
    scalars, a Python bool), so no later call of these builds compiles. Parallel builds and the
    Numba matmul are compiled only if a call ever picks them.
    """
    dt = np.dtype(dtype)
    s = dt.type
    z = np.ones((5, 7), dt)
    bias = np.ones(7, dt)
    stats = [np.empty(7, dt) for _ in range(3)]
    for activation in activations:
        activation_kernel("bias_act", activation, False)(z, bias, s(0.01))
        activation_kernel("act_backward", activation, False)(z, z, s(0.01), np.empty_like(z),
                                                             np.empty(7, dt), 7)
        activation_kernel("batch_norm_act", activation, False)(z, bias, bias, s(1e-5), s(0.01), np.empty_like(z),
                                                               *stats)
        activation_kernel("batch_norm_act_backward", activation, False)(
            z, z, z, bias, bias, bias, s(0.01), np.empty_like(z), np.empty(7, dt), np.empty(7, dt))
    p, g, m, v = (np.ones(9, dt) for _ in range(4))
    _adam_serial(p, g, m, v, v, False, s(1), s(0), s(0.1), s(0.999), s(0.001), s(1), s(1e-8), s(-1e-3))
    _bce(np.zeros(4, dt), np.ones(4, dt), np.empty(4, dt))
    _dropout(np.ones(4, dt), np.zeros(4, np.uint32), np.uint32(1), s(2), np.empty(4, dt))


# --- convolution kernels ---------------------------------------------------------------------
# ------------------------------------------------------------------------------ batch norm + activation per channel
# The per-channel kernels are compiled with fastmath "reassoc" (see _FASTMATH): their sums run
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
    one = x.dtype.type(1)
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
        inv = one / math.sqrt(v + eps)
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
                total_dz_xhat += d * ((row[k] - m) * inv)
        sum_dz[c] = total_dz
        sum_dz_xhat[c] = total_dz_xhat
        scale = weight[c] * inv
        mean_dz = total_dz / count
        mean_dz_xhat = total_dz_xhat / count
        for n in range(N):
            row = x[n, c]
            dz = grad_x[n, c]
            for k in range(L):
                dz[k] = batch_norm_grad_input(dz[k], (row[k] - m) * inv, scale, mean_dz, mean_dz_xhat)


_TEMPLATES["batch_norm_act_channels"] = (_batch_norm_act_channels_py, 0, "act")
_TEMPLATES["batch_norm_act_channels_backward"] = (_batch_norm_act_channels_backward_py, 1, "act_backward")
_FASTMATH["batch_norm_act_channels"] = _FASTMATH["batch_norm_act_channels_backward"] = {"reassoc"}


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


_TEMPLATES["bias_act_channels"] = (_bias_act_channels_py, 0, "act")
_TEMPLATES["act_backward_channels"] = (_act_backward_channels_py, 1, "act_backward")
_FASTMATH["act_backward_channels"] = {"reassoc"}


def channel_bias_act_forward(x: np.ndarray, bias: np.ndarray, activation: str, slope: float,
                             parallel: bool | None = None) -> np.ndarray:
    """:meth:`NumbaBackend.channel_bias_act_forward` (``parallel`` as in the batch-norm kernels)."""
    flat = _as_channels(x)
    y = np.empty_like(flat)
    # tanh: the bias pass compiled, then NumPy's SIMD tanh in place (see NumbaBackend.bias_act_)
    activation_kernel("bias_act_channels", "none" if activation == "tanh" else activation,
                      _use_parallel(flat.size, parallel))(flat, np.ascontiguousarray(bias), flat.dtype.type(slope), y)
    if activation == "tanh":
        np.tanh(y, out=y)
    return y.reshape(x.shape)


def channel_bias_act_backward(grad_y: np.ndarray, y: np.ndarray, activation: str, slope: float,
                              parallel: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`NumbaBackend.channel_bias_act_backward`."""
    flat = _as_channels(y)
    grad_x = np.empty_like(flat)
    grad_bias = np.empty(flat.shape[1], flat.dtype)
    activation_kernel("act_backward_channels", activation, _use_parallel(flat.size, parallel))(
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
    kernel = activation_kernel("batch_norm_act_channels", activation, _use_parallel(flat.size, parallel))
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
    kernel = activation_kernel("batch_norm_act_channels_backward", activation, _use_parallel(flat.size, parallel))
    kernel(_as_channels(grad_y), _as_channels(y), flat, mean, invstd, np.ascontiguousarray(weight),
           dt.type(slope), grad_x, grad_bias, grad_weight)
    return grad_x.reshape(x.shape), grad_weight, grad_bias


# ------------------------------------------------------------------------------ windows: im2col, col2im, max pooling
# Loops over (A, B) planes of (A, B, H, W) arrays; a kernel position (i, j) at output (p, q)
# sees padded pixel (p s + i d, q s + j d), that is input row p s + i d - pad (and likewise for
# columns); rows and columns outside the input are the padding. The loops run over blocks of
# planes (a block's outputs stay in cache while every kernel position is added in).
#
# Elements are indexed in full with unsigned indices, x[U(a), U(b), U(r), U(c)], every one
# known to lie inside its axis: Numba then skips its negative-index (wrap-around) test on each
# axis. Measured here on im2col of 64x64x14x14 (4x4, stride 2): 4.7 ms unsigned, 10.8 ms with
# signed indices, 8.3 ms for the NumPy reference. Row views (x[a, b, r]) would avoid the tests
# too, but making one costs ~20 ns, more than the 7-28 values of a row take to copy.
#
# Serial only: a build with prange over the blocks measured no faster with 2 threads while
# other jobs shared the cores (best of 60, interleaved: im2col 5.1 ms parallel, 4.7 ms serial;
# col2im 4.1 and 3.6 ms), for the reasons given at PARALLEL_MIN_ELEMENTS.
_PLANES_PER_TASK = 16
U = numba.uint64


@njit(inline="always")
def _inside(offset, stride, size, count):  # noqa: ANN001, ANN202
    """The outputs q in [q0, q1) of 0..count-1 whose pixel q stride + offset lies in 0..size-1."""
    q0 = 0 if offset >= 0 else (-offset + stride - 1) // stride
    q1 = 0 if offset >= size else min(count, (size - 1 - offset) // stride + 1)
    return q0, max(q0, q1)


@njit(inline="always")
def _kernel_column(i, j, kw, sw, dw, pw, W, OW):  # noqa: ANN001, ANN202
    """For kernel position (i, j): its row-major index k, the offset that puts output q at input
    column q sw + offset, and the outputs [q0, q1) whose column lies inside the input."""
    offset = j * dw - pw
    q0, q1 = _inside(offset, sw, W, OW)
    return i * kw + j, offset, q0, q1


def _unfold_py(x, cols, kh, kw, sh, sw, ph, pw, dh, dw, pad_value):  # noqa: ANN001, ANN202
    """im2col: cols[i kw + j, a, b, p, q] = x[a, b, p sh + i dh - ph, q sw + j dw - pw], or
    pad_value outside x. One pass: no padded copy, no stack of slices."""
    A, B, H, W = x.shape
    OH, OW = cols.shape[3], cols.shape[4]
    for a in range(A):
        for b in range(B):
            for i in range(kh):
                for j in range(kw):
                    k, offset, q0, q1 = _kernel_column(i, j, kw, sw, dw, pw, W, OW)
                    for p in range(OH):
                        r = p * sh + i * dh - ph
                        if r < 0 or r >= H:
                            q0_row, q1_row = OW, OW
                        else:
                            q0_row, q1_row = q0, q1
                        for q in range(q0_row):
                            cols[U(k), U(a), U(b), U(p), U(q)] = pad_value
                        for q in range(q0_row, q1_row):
                            cols[U(k), U(a), U(b), U(p), U(q)] = x[U(a), U(b), U(r), U(q * sw + offset)]
                        for q in range(q1_row, OW):
                            cols[U(k), U(a), U(b), U(p), U(q)] = pad_value


def _fold_py(cols, out, kh, kw, sh, sw, ph, pw, dh, dw):  # noqa: ANN001, ANN202
    """col2im, the adjoint of :func:`_unfold_py`: out (zeroed by the caller) gets
    cols[i kw + j, a, b, p, q] added at x's pixel (p sh + i dh - ph, q sw + j dw - pw); what
    falls in the padding is dropped. Kernel position outermost within a block of planes: cols
    is then read in memory order, and the block's output planes stay in cache."""
    A, B, H, W = out.shape
    OH, OW = cols.shape[3], cols.shape[4]
    planes = A * B
    for task in range((planes + _PLANES_PER_TASK - 1) // _PLANES_PER_TASK):
        first, last = task * _PLANES_PER_TASK, min((task + 1) * _PLANES_PER_TASK, planes)
        for i in range(kh):
            for j in range(kw):
                k, offset, q0, q1 = _kernel_column(i, j, kw, sw, dw, pw, W, OW)
                for ab in range(first, last):
                    a = ab // B
                    b = ab % B
                    for p in range(OH):
                        r = p * sh + i * dh - ph
                        if r < 0 or r >= H:
                            continue
                        for q in range(q0, q1):
                            out[U(a), U(b), U(r), U(q * sw + offset)] += cols[U(k), U(a), U(b), U(p), U(q)]


def _max_pool2d_py(x, y, winner, kh, kw, sh, sw, ph, pw, dh, dw):  # noqa: ANN001, ANN202
    """y = the maximum of each window of x (N, C, H, W), padding counting as -inf, and winner =
    the kernel position (row-major) of its first maximum, a NaN counting as the maximum: the
    NumPy reference's max and argmax over the -inf-padded windows.

    Kernel positions outermost, as in im2col: each is compared with the running maximum along
    whole output rows, with selects rather than branches (mispredicted on random data). A
    padding pixel (-inf) never replaces the running maximum, so it is skipped."""
    N, C, H, W = x.shape
    OH, OW = y.shape[2], y.shape[3]
    low = x.dtype.type(-np.inf)
    for n in range(N):
        for c in range(C):
            for p in range(OH):
                for q in range(OW):
                    y[U(n), U(c), U(p), U(q)] = low
                    winner[U(n), U(c), U(p), U(q)] = 0
            for i in range(kh):
                for j in range(kw):
                    k, offset, q0, q1 = _kernel_column(i, j, kw, sw, dw, pw, W, OW)
                    for p in range(OH):
                        r = p * sh + i * dh - ph
                        if r < 0 or r >= H:
                            continue
                        for q in range(q0, q1):
                            v = x[U(n), U(c), U(r), U(q * sw + offset)]
                            b = y[U(n), U(c), U(p), U(q)]
                            # strictly greater (ties keep the first); the first NaN wins and stays
                            take = (v > b) | ((v != v) & (b == b))
                            y[U(n), U(c), U(p), U(q)] = v if take else b
                            winner[U(n), U(c), U(p), U(q)] = k if take else winner[U(n), U(c), U(p), U(q)]


def _max_pool2d_backward_py(grad, winner, grad_x, kh, kw, sh, sw, ph, pw, dh, dw):  # noqa: ANN001, ANN202
    """grad_x (zeroed by the caller) += each output's gradient at its winner's input pixel
    (nothing when the winner is in the padding)."""
    N, C, H, W = grad_x.shape
    OH, OW = grad.shape[2], grad.shape[3]
    for n in range(N):
        for c in range(C):
            for p in range(OH):
                for q in range(OW):
                    k = winner[U(n), U(c), U(p), U(q)]
                    r = p * sh + (k // kw) * dh - ph
                    col = q * sw + (k % kw) * dw - pw
                    if 0 <= r < H and 0 <= col < W:
                        grad_x[U(n), U(c), U(r), U(col)] += grad[U(n), U(c), U(p), U(q)]


_WINDOW_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))  # Numba has no float16: others take the reference
_WINDOW_KERNELS = {name: _jit(parallel=False)(template) for name, template in (
    ("unfold", _unfold_py), ("fold", _fold_py), ("max_pool2d", _max_pool2d_py),
    ("max_pool2d_backward", _max_pool2d_backward_py))}


def _geometry(kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int],
              dilation: Sequence[int]) -> tuple[int, ...]:
    return (int(kernel[0]), int(kernel[1]), int(stride[0]), int(stride[1]), int(padding[0]), int(padding[1]),
            int(dilation[0]), int(dilation[1]))
