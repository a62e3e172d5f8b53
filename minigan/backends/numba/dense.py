"""The dense kernels: the matmul, the fused bias + activation, and the activation's backward
with the bias gradient (the Linear layer's forward and backward around BLAS)."""
from __future__ import annotations

import numba
import numpy as np
from numba import prange

from minigan.backends.numba.build import KERNEL_DTYPES, SCALAR_FORMULAS, ActivationKernels, Kernel, use_parallel

sigmoid_given_exp = SCALAR_FORMULAS.sigmoid_given_exp  # the formula the sigmoid pass calls by name

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


matmul_nt_kernel = Kernel(_matmul_nt_py, parallel=True, fastmath={"reassoc", "contract"})


def numba_matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """a @ b with the Numba kernel (no BLAS). a: (M, K), b: (K, N), same float dtype; written into
    ``out`` (C-contiguous (M, N)) when given.

    The kernel wants ``a`` and ``b.T`` C-contiguous; ``x @ W.T`` (the Linear forward) already is,
    other layouts are copied first (that copy is part of what bench/kernels.py measures).
    """
    if out is None:
        out = np.empty((a.shape[0], b.shape[1]), dtype=a.dtype)
    matmul_nt_kernel(np.ascontiguousarray(a), np.ascontiguousarray(b.T), out)
    return out


def matmul(a: np.ndarray, b: np.ndarray, kernel: str, out: np.ndarray | None = None) -> np.ndarray:
    """a @ b for 2-D arrays of one float dtype, by ``kernel`` (see ``backends.use_matmul``), into
    ``out`` (a C-contiguous (M, N) array of the dtype) when given, with the same bits:

    * ``"blas"``: NumPy's BLAS, and for K == 1 the exact broadcast ``a * b`` (no reduction, no
      thread pool); it wins or ties every K > 1 shape measured (docs/kernel-measurements.md);
    * ``"numba"``: :func:`numba_matmul`, for float32 and float64 (other dtypes take BLAS).
    """
    if kernel == "numba" and a.dtype in KERNEL_DTYPES and b.dtype == a.dtype:
        return numba_matmul(a, b, out)
    if a.shape[1] == 1:
        return np.multiply(a, b, out=out)  # (M, 1) * (1, N): each output is one product, exactly as in a @ b
    return np.matmul(a, b, out=out)


# ------------------------------------------------------------------------------ fused bias + activation
def _bias_act_py(z, bias, slope):  # noqa: ANN001, ANN202
    """In place: z[i, j] = act(z[i, j] + bias[j], slope), one pass, prange over rows.

    ``act`` is bound per activation (see :class:`~minigan.backends.numba.build.ActivationKernels`), so each build's inner loop is the
    activation's formula inlined over contiguous memory.
    """
    M, N = z.shape
    for i in prange(M):
        r = z[i]
        for j in range(N):
            r[j] = act(r[j] + bias[j], slope)  # noqa: F821 - bound per build


def _bias_act_transposed_py(z_t, bias, slope, out):  # noqa: ANN001, ANN202
    """out[i, j] = act(z_t[j, i] + bias[j], slope): the bias and the activation of a product made
    transposed, written back in the (batch, features) layout, one pass. prange over blocks of 16
    rows of ``out`` (16 float32 = one cache line of a column of ``z_t``); ``z_t`` of a layer's
    batch stays in the core's cache while its rows are read down."""
    N, M = z_t.shape
    for block in prange((M + 15) // 16):
        for i in range(block * 16, min(block * 16 + 16, M)):
            r = out[i]
            for j in range(N):
                r[j] = act(z_t[j, i] + bias[j], slope)  # noqa: F821 - bound per build


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


def _sigmoid_given_exp_py(z, e):  # noqa: ANN001, ANN202
    """In place: z = formulas.sigmoid_given_exp(z, e), with e = exp(-|z|) made beforehand."""
    M, N = z.shape
    for i in range(M):
        r = z[i]
        exps = e[i]
        for j in range(N):
            r[j] = sigmoid_given_exp(r[j], exps[j])


sigmoid_given_exp_kernel = Kernel(_sigmoid_given_exp_py, parallel=False)
bias_act_kernels = ActivationKernels(_bias_act_py)
bias_act_transposed_kernels = ActivationKernels(_bias_act_transposed_py)
act_backward_kernels = ActivationKernels(_act_backward_py)


def bias_act_(z: np.ndarray, bias: np.ndarray | None, activation: str, slope: float,
              parallel: bool | None = None) -> np.ndarray:
    """z = act(z + bias) in place (z 2-D, C-contiguous); returns z.

    ``parallel``: force the parallel (True) or serial (False) build; None: the serial
    one unless PARALLEL_MIN_ELEMENTS is set (build.py).
    """
    b = np.ascontiguousarray(bias) if bias is not None else np.zeros(z.shape[1], dtype=z.dtype)
    return bias_act_pass(bias_act_kernels, activation, use_parallel(z.size, parallel), z, z, b, z.dtype.type(slope))


#: The build of a bias+act template that :func:`bias_act_pass` runs for an activation, where it
#: is not the activation's own: "none" for tanh and sigmoid, which NumPy finishes.
BIAS_ACT_BUILDS = {"tanh": "none", "sigmoid": "none"}


def bias_act_pass(kernels: ActivationKernels, activation: str, parallel: bool, result: np.ndarray,
                   *args: object) -> np.ndarray:
    """Run the build of a bias+act template for ``activation`` (see :data:`BIAS_ACT_BUILDS`) on
    ``args``, which writes ``result`` (C-contiguous; the per-channel kernels of channels.py take
    this route too).

    Without SVML, LLVM cannot vectorise tanh or exp: the fused pass calls scalar libm tanhf
    (~9 ns/element here) or expf, while NumPy's SIMD tanh runs ~0.3 ns/element. So for tanh: the
    bias pass in Numba, then NumPy's tanh on ``result`` in place (bench/kernels.py shows both);
    for sigmoid: the bias pass, NumPy's exp(-|z|), then the rest of the formula in Numba.
    """
    kernels.build(BIAS_ACT_BUILDS.get(activation, activation), parallel)(*args)
    if activation == "tanh":
        np.tanh(result, out=result)
    elif activation == "sigmoid":
        rows = result.reshape(result.shape[0], -1)  # a view: the kernel takes 2-D arrays
        exps = np.abs(rows)
        np.negative(exps, out=exps)
        with np.errstate(under="ignore"):  # exp(-|z|) is 0 for |z| > ~100: the right answer
            np.exp(exps, out=exps)
        sigmoid_given_exp_kernel(rows, exps)
    return result


# The Linear forward makes its product transposed (W @ x^T) when the layer's inputs are at least
# this many times its batch: OpenBLAS then saves more on reading the (out, in) weight than the
# transposing pass costs. Per layer at one thread (bench/matmul_in_step.py --forward-layouts):
# 0.77-0.90 of the time at batch 64 for 256-1024 inputs, 1.01-1.31 for 100 inputs or batch 256.
TRANSPOSED_PRODUCT_MIN_RATIO = 4


def bias_act_transposed(z_t: np.ndarray, bias: np.ndarray | None, activation: str, slope: float,
                        out: np.ndarray | None = None) -> np.ndarray:
    """y = act(z_t.T + bias) for z_t (features, batch), C-contiguous, written as (batch, features)
    into ``out`` (a new array when None), one pass: the epilogue of a Linear product made
    transposed (see NumbaBackend.linear_act_forward)."""
    if out is None:
        out = np.empty(z_t.shape[::-1], dtype=z_t.dtype)
    b = np.ascontiguousarray(bias) if bias is not None else np.zeros(z_t.shape[0], dtype=z_t.dtype)
    return bias_act_pass(bias_act_transposed_kernels, activation, use_parallel(out.size, None), out,
                          z_t, b, z_t.dtype.type(slope), out)


def linear_act_backward(grad_y: np.ndarray, y: np.ndarray, activation: str, slope: float,
                        parallel: bool | None = None,
                        out: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(grad_z, grad_bias) in one fused pass (see :func:`_act_backward_py`).

    ``parallel``: force the parallel (True) or serial (False) build; None: the serial
    one unless PARALLEL_MIN_ELEMENTS is set (build.py).
    ``out``: C-contiguous (grad_z, grad_bias) arrays to write into; grad_z may be grad_y itself
    (each element is read before it is written, at the same index), which saves a buffer.
    """
    grad_y = np.ascontiguousarray(grad_y)
    y = np.ascontiguousarray(y)
    width = y.shape[1]
    if out is None:
        grad_z, grad_bias = np.empty_like(y), np.empty(width, dtype=y.dtype)
    else:
        grad_z, grad_bias = out
    parallel = use_parallel(y.size, parallel)
    if parallel:
        # one column block per thread (a multiple of one vector): each thread reads whole
        # cache lines of every row and owns its columns' sums
        per_thread = -(-width // max(numba.get_num_threads(), 1))
        col_block = max(_MIN_COL_TASK, -(-per_thread // _MIN_COL_TASK) * _MIN_COL_TASK)
    else:
        # serial: one block of full rows, read in memory order (16-column blocks measured
        # 2.5-3x slower here at 64K-256K elements)
        col_block = max(width, 1)
    act_backward_kernels.build(activation, parallel)(grad_y, y, y.dtype.type(slope), grad_z, grad_bias, col_block)
    return grad_z, grad_bias
