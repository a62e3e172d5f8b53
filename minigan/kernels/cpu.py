"""Numba CPU kernels.

Every kernel is first written as a plain Python function (``_*_py``) and then compiled with
``njit(cache=..., parallel=...)`` applied to that very function, so ``NUMBA_DISABLE_JIT=1`` runs
the same code as ordinary Python (``prange`` becomes ``range``); the tests use that to cover the
pure-Python path. The public functions here assume validated input (see :mod:`minigan.kernels`).

Rules kept throughout:

* constants are made in the array's dtype (``y.dtype.type(1)``): in Numba a Python float, or an
  int mixed with float32, promotes the arithmetic to float64;
* ``fastmath`` only as {"reassoc", "contract"} and only in the matmul reduction, where it lets
  LLVM vectorise the dot products; never "nnan"/"ninf", so NaN and inf propagate as in NumPy;
* ``error_model="numpy"`` (IEEE division, no per-division ZeroDivisionError branch) and inner
  loops over views indexed from 0, the two things LLVM needs to vectorise them;
* no BLAS call inside a ``prange`` loop (two thread pools fighting over the same cores);
* the elementwise kernels also have a serial build (see ``PARALLEL_MIN_ELEMENTS``).

Importing this module sets NUMBA_CACHE_DIR (unless already set) to ``cache_dir("numba")``, so
child processes share the same on-disk cache.
"""
from __future__ import annotations

import math
import os
import tempfile
import types
from typing import Callable

from minigan.paths import cache_dir


def _writable_dir(path: str) -> bool:
    """The same test Numba makes before it caches: create the directory, write a temp file."""
    try:
        os.makedirs(path, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def _configure_numba_cache() -> str | None:
    """Point Numba's cache at ``cache_dir("numba")`` unless the user set NUMBA_CACHE_DIR.

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
        path = str(cache_dir("numba"))
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

numba.core.config.reload_config()

_CACHE = NUMBA_CACHE_DIR is not None
JIT_DISABLED: bool = bool(numba.core.config.DISABLE_JIT)

# Activation codes shared with the dispatch layer.
ACT_CODES = {"none": 0, "relu": 1, "leaky_relu": 2, "sigmoid": 3, "tanh": 4}


def _jit(parallel: bool, fastmath: bool | set = False):  # noqa: ANN202 - decorator factory
    # error_model="numpy": IEEE division (x/0 -> inf/nan, as in NumPy) instead of a
    # ZeroDivisionError check on every division, which stops LLVM from vectorising the loop
    # (measured: Adam 4x slower with the default "python" model).
    return njit(cache=_CACHE, parallel=parallel, fastmath=fastmath, nogil=True,
                error_model="numpy")


def _serial_copy(fn: types.FunctionType) -> types.FunctionType:
    """The same code object under another qualname, to be compiled with parallel=False.

    Numba's on-disk cache names its files after the qualname and keys entries by signature,
    not by compile flags, so compiling one function both ways would make the two versions
    overwrite (and load) each other's cache entries.
    """
    copy = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_serial",
                              fn.__defaults__, fn.__closure__)
    copy.__qualname__ = fn.__qualname__ + "_serial"
    copy.__module__ = fn.__module__
    copy.__doc__ = fn.__doc__
    return copy


# Below this many elements the elementwise kernels (bias+act, act backward, Adam) run their
# serial build. Measured here (2 cores, float32, bench/kernels.py):
#   entering Numba's OpenMP pool costs 1.7 us (median) when both cores are free, but while
#   other jobs hold a core (load 2.4-4 during these runs) a parallel region waits a scheduler
#   slice for its descheduled thread: 4-7 ms median, 1.2-3.8 ms best, at every GAN size;
#   serial at the largest GAN sizes: bias+leaky 256x1024 20 us, act backward 256x1024 117 us,
#   Adam 784x1024 0.54 ms (all other GAN tensors are smaller).
# The parallel win on a quiet machine is at most about half of those serial times, the loss on
# a shared one is milliseconds per call, so every GAN tensor (<= 1024 x 784) stays serial.
PARALLEL_MIN_ELEMENTS = 1 << 20


# --------------------------------------------------------------------------------------------
# matmul
# --------------------------------------------------------------------------------------------
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


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b with the Numba kernel (no BLAS). a: (M, K), b: (K, N), same float dtype.

    The kernel wants ``a`` and ``b.T`` C-contiguous; ``x @ W.T`` (the Linear forward) already is,
    other layouts are copied first (that copy is part of what the dispatch rule measured).
    """
    a_rows = np.ascontiguousarray(a)
    b_cols = np.ascontiguousarray(b.T)
    out = np.empty((a.shape[0], b.shape[1]), dtype=a.dtype)
    _matmul_nt(a_rows, b_cols, out)
    return out


# --------------------------------------------------------------------------------------------
# fused bias + activation (forward)
# --------------------------------------------------------------------------------------------
def _bias_act_py(z, bias, act, slope):  # noqa: ANN001, ANN202
    """In place: z[i, j] = act(z[i, j] + bias[j]). One pass; prange over rows.

    The activation branch is taken outside the loops so each inner loop is branch-free over
    contiguous memory (except sigmoid's sign select) and vectorises.
    """
    M, N = z.shape
    zero = z.dtype.type(0)
    one = z.dtype.type(1)
    if act == 0:
        for i in prange(M):
            r = z[i]
            for j in range(N):
                r[j] = r[j] + bias[j]
    elif act == 1:
        for i in prange(M):
            r = z[i]
            for j in range(N):
                v = r[j] + bias[j]
                r[j] = zero if v < zero else v  # NaN fails the test and passes through
    elif act == 2:
        for i in prange(M):
            r = z[i]
            for j in range(N):
                v = r[j] + bias[j]
                r[j] = v if v > zero else v * slope
    elif act == 3:
        for i in prange(M):
            r = z[i]
            for j in range(N):
                v = r[j] + bias[j]
                e = math.exp(-abs(v))  # in (0, 1]: never overflows
                r[j] = one / (one + e) if v >= zero else e / (one + e)
    else:
        for i in prange(M):
            r = z[i]
            for j in range(N):
                r[j] = math.tanh(r[j] + bias[j])


_bias_act = _jit(parallel=True)(_bias_act_py)
_bias_act_serial = _jit(parallel=False)(_serial_copy(_bias_act_py))


def _use_parallel(size: int, parallel: bool | None) -> bool:
    return size >= PARALLEL_MIN_ELEMENTS if parallel is None else parallel


def bias_act_(z: np.ndarray, bias: np.ndarray | None, act: int, slope: float,
              parallel: bool | None = None) -> np.ndarray:
    """z = act(z + bias) in place (z 2-D, C-contiguous); returns z.

    ``parallel``: force the parallel (True) or serial (False) build; None picks by size.
    """
    b = bias if bias is not None else np.zeros(z.shape[1], dtype=z.dtype)
    kernel = _bias_act if _use_parallel(z.size, parallel) else _bias_act_serial
    if act == ACT_CODES["tanh"]:
        # Without SVML, LLVM cannot vectorise tanh: the fused pass calls scalar libm tanhf
        # (~9 ns/element here), while NumPy's SIMD tanh runs ~0.3 ns/element. So for tanh:
        # the bias pass in Numba, then NumPy's tanh in place (bench/kernels.py shows both).
        kernel(z, np.ascontiguousarray(b), ACT_CODES["none"], z.dtype.type(slope))
        np.tanh(z, out=z)
        return z
    kernel(z, np.ascontiguousarray(b), act, z.dtype.type(slope))
    return z


def linear_act_forward(
    x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, act: int, slope: float,
    matmul_fn: Callable[[np.ndarray, np.ndarray], np.ndarray] = matmul,
) -> np.ndarray:
    """y = act(x @ weight.T + bias): ``matmul_fn``, then one fused in-place bias+act pass."""
    z = matmul_fn(x, weight.T)
    if not z.flags.c_contiguous:  # a matmul may hand back an F-ordered result for odd inputs
        z = np.ascontiguousarray(z)
    return bias_act_(z, bias, act, slope)


# --------------------------------------------------------------------------------------------
# activation backward + bias gradient
# --------------------------------------------------------------------------------------------
# Columns per prange task: 16 float32 = one 512-bit vector; tasks own disjoint columns, so
# the bias sums need no atomics or per-thread partials and stay vectorised along a row.
_MIN_COL_TASK = 16


def _act_backward_py(grad_y, y, act, slope, grad_z, grad_bias, col_block):  # noqa: ANN001, ANN202
    """grad_z = grad_y * act'(z) (from the output y) and grad_bias = grad_z.sum(0), one pass.

    prange over blocks of ``col_block`` columns; each task walks all rows of its columns, so
    memory is read row-contiguously and every column's sum has a single owner.
    """
    M, N = y.shape
    zero = y.dtype.type(0)
    one = y.dtype.type(1)
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
            if act == 0:
                for j in range(c1 - c0):
                    g = gyr[j]
                    gzr[j] = g
                    gb[j] += g
            elif act == 1:
                for j in range(c1 - c0):
                    g = zero if yr[j] <= zero else gyr[j]  # PyTorch's threshold_backward
                    gzr[j] = g
                    gb[j] += g
            elif act == 2:
                for j in range(c1 - c0):
                    g = gyr[j] if yr[j] > zero else gyr[j] * slope
                    gzr[j] = g
                    gb[j] += g
            elif act == 3:
                for j in range(c1 - c0):
                    s = yr[j]
                    g = gyr[j] * (s * (one - s))
                    gzr[j] = g
                    gb[j] += g
            else:
                for j in range(c1 - c0):
                    t = yr[j]
                    g = gyr[j] * (one - t * t)
                    gzr[j] = g
                    gb[j] += g


_act_backward = _jit(parallel=True)(_act_backward_py)
_act_backward_serial = _jit(parallel=False)(_serial_copy(_act_backward_py))


def linear_act_backward(
    grad_y: np.ndarray, y: np.ndarray, act: int, slope: float, parallel: bool | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(grad_z, grad_bias) in one fused pass (see :func:`_act_backward_py`).

    ``parallel``: force the parallel (True) or serial (False) build; None picks by size.
    """
    grad_y = np.ascontiguousarray(grad_y)
    y = np.ascontiguousarray(y)
    grad_z = np.empty_like(y)
    width = y.shape[1]
    grad_bias = np.empty(width, dtype=y.dtype)
    if _use_parallel(y.size, parallel):
        # one column block per thread (a multiple of one vector): each thread reads whole
        # cache lines of every row and owns its columns' sums
        n_threads = max(numba.get_num_threads(), 1)
        per_thread = -(-width // n_threads)
        col_block = max(_MIN_COL_TASK, -(-per_thread // _MIN_COL_TASK) * _MIN_COL_TASK)
        _act_backward(grad_y, y, act, y.dtype.type(slope), grad_z, grad_bias, col_block)
    else:
        # serial: one block of full rows, read in memory order (16-column blocks measured
        # 2.5-3x slower here at 64K-256K elements)
        _act_backward_serial(grad_y, y, act, y.dtype.type(slope), grad_z, grad_bias,
                             max(width, 1))
    return grad_z, grad_bias


# --------------------------------------------------------------------------------------------
# Adam / AdamW
# --------------------------------------------------------------------------------------------
_ADAM_CHUNK = 16384  # elements per prange task (64 KiB of float32 per array)


def _adam_py(p, g, m, v, vmax, amsgrad, l2_wd, decay_factor, one_minus_beta1, beta2,
             one_minus_beta2, bc2_sqrt, eps, neg_step_size):  # noqa: ANN001, ANN202
    """One Adam step over flat contiguous arrays, in place, every scalar already in p's dtype.

    Per element (PyTorch's order of operations, so float32 rounding matches closely):
      p *= decay_factor                       (AdamW; 1 otherwise)
      g' = g + l2_wd * p                      (Adam's L2 term; 0 otherwise)
      m += (1 - beta1) * (g' - m)             (torch.lerp)
      v = v * beta2 + (1 - beta2) * g' * g'
      vmax = max(vmax, v)                     (amsgrad; then vmax replaces v)
      p += -step_size * m / (sqrt(v) / sqrt(bias_correction2) + eps)
    """
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
        if amsgrad:
            vmc = vmax[lo:hi]
            for k in range(hi - lo):
                pk = pc[k] * decay_factor
                gk = gc[k] + l2_wd * pk
                mk = mc[k] + one_minus_beta1 * (gk - mc[k])
                vk = vc[k] * beta2 + one_minus_beta2 * gk * gk
                vm = vmc[k] if vmc[k] >= vk else vk  # a NaN in v propagates, as in torch.maximum
                mc[k] = mk
                vc[k] = vk
                vmc[k] = vm
                pc[k] = pk + neg_step_size * mk / (math.sqrt(vm) / bc2_sqrt + eps)
        else:
            for k in range(hi - lo):
                pk = pc[k] * decay_factor
                gk = gc[k] + l2_wd * pk
                mk = mc[k] + one_minus_beta1 * (gk - mc[k])
                vk = vc[k] * beta2 + one_minus_beta2 * gk * gk
                mc[k] = mk
                vc[k] = vk
                pc[k] = pk + neg_step_size * mk / (math.sqrt(vk) / bc2_sqrt + eps)


_adam = _jit(parallel=True)(_adam_py)
_adam_serial = _jit(parallel=False)(_serial_copy(_adam_py))


def adam_update(
    param: np.ndarray, grad: np.ndarray, exp_avg: np.ndarray, exp_avg_sq: np.ndarray,
    step: int, lr: float, beta1: float, beta2: float, eps: float,
    weight_decay: float = 0.0, decoupled: bool = False,
    max_exp_avg_sq: np.ndarray | None = None, parallel: bool | None = None,
) -> None:
    """In-place Adam/AdamW step on 1-D contiguous arrays (checked by the caller).

    ``parallel``: force the parallel (True) or serial (False) build; None picks by size.
    """
    dt = param.dtype.type
    # The scalar schedule is computed in float64 (as PyTorch does in Python) and then rounded
    # once to the parameter dtype, like PyTorch's CPU kernels do with Python scalars.
    if weight_decay != 0 and decoupled:
        decay_factor, l2_wd = 1 - lr * weight_decay, 0.0
    else:
        decay_factor, l2_wd = 1.0, weight_decay
    bias_correction1 = 1 - beta1**step
    bc2_sqrt = math.sqrt(1 - beta2**step)
    flat = param.reshape(-1)
    amsgrad = max_exp_avg_sq is not None
    vmax = max_exp_avg_sq.reshape(-1) if amsgrad else flat  # unused placeholder when not amsgrad
    kernel = _adam if _use_parallel(flat.size, parallel) else _adam_serial
    kernel(flat, grad.reshape(-1), exp_avg.reshape(-1), exp_avg_sq.reshape(-1), vmax, amsgrad,
          dt(l2_wd), dt(decay_factor), dt(1 - beta1), dt(beta2), dt(1 - beta2), dt(bc2_sqrt),
          dt(eps), dt(-lr / bias_correction1))


# --------------------------------------------------------------------------------------------
# binary cross-entropy on logits
# --------------------------------------------------------------------------------------------
def _bce_py(x, t, grad):  # noqa: ANN001, ANN202
    """Fills grad = (sigmoid(x) - t) / N and returns sum(max(x,0) - x t + log1p(exp(-|x|))).

    Serial on purpose: the discriminator gives one logit per sample (64..256 values), far below
    the cost of waking the thread pool. The loss sum is accumulated in float64.
    """
    n = x.size
    zero = x.dtype.type(0)
    one = x.dtype.type(1)
    n_dt = x.dtype.type(n)
    total = 0.0
    for k in range(n):
        xk = x[k]
        tk = t[k]
        e = math.exp(-abs(xk))  # in (0, 1]: never overflows; log1p keeps precision near 0
        total += (xk if xk > zero else zero) - xk * tk + math.log1p(e)
        s = one / (one + e) if xk >= zero else e / (one + e)
        grad[k] = (s - tk) / n_dt
    return total


_bce = _jit(parallel=False)(_bce_py)


def bce_with_logits(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(0-d loss array, grad_logits) in one pass; inputs same shape and dtype."""
    x = np.ascontiguousarray(logits)
    t = np.ascontiguousarray(targets)
    grad = np.empty(logits.shape, dtype=x.dtype)  # not empty_like(x): ascontiguousarray makes 0-d inputs 1-d
    total = _bce(x.reshape(-1), t.reshape(-1), grad.reshape(-1))
    return np.asarray(total / max(x.size, 1), dtype=x.dtype), grad


# --------------------------------------------------------------------------------------------
# compile everything once
# --------------------------------------------------------------------------------------------
def compile_all(dtype: np.dtype | type) -> None:
    """Compile (or load from the on-disk cache) every kernel build for one dtype.

    Calls each dispatcher, parallel and serial, on tiny arrays with exactly the argument types
    the wrappers above pass (C-contiguous arrays, Python int / bool codes, dtype scalars), so
    no later call triggers a compilation.
    """
    dt = np.dtype(dtype)
    s = dt.type
    a = np.ones((5, 6), dt)
    _matmul_nt(a, np.ones((7, 6), dt), np.empty((5, 7), dt))
    z = np.ones((5, 7), dt)
    bias = np.ones(7, dt)
    for kernel in (_bias_act, _bias_act_serial):
        kernel(z, bias, ACT_CODES["sigmoid"], s(0.01))
    grad_z = np.empty_like(z)
    grad_bias = np.empty(7, dt)
    for kernel in (_act_backward, _act_backward_serial):
        kernel(z, z, ACT_CODES["sigmoid"], s(0.01), grad_z, grad_bias, _MIN_COL_TASK)
    p, g, m, v = (np.ones(9, dt) for _ in range(4))
    for kernel in (_adam, _adam_serial):
        kernel(p, g, m, v, v, False, s(0), s(1), s(0.1), s(0.999), s(0.001), s(1), s(1e-8),
               s(-1e-3))
    _bce(np.zeros(4, dt), np.ones(4, dt), np.empty(4, dt))
