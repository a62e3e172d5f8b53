"""The window kernels of the convolutions and pooling: im2col (unfold), col2im (fold), and max
pooling with its backward, for float32 and float64 arrays (the backend sends other dtypes to
the NumPy reference)."""
from __future__ import annotations

from typing import Sequence

import numba
import numpy as np
from numba import njit

from minigan.backends.numba.build import Kernel

# ------------------------------------------------------------------------------ windows: im2col, col2im, max pooling
# Loops over (A, B) planes of (A, B, H, W) arrays; a kernel position (i, j) at output (p, q)
# sees padded pixel (p s + i d, q s + j d), that is input row p s + i d - pad (and likewise for
# columns); rows and columns outside the input are the padding.
#
# im2col and col2im work on blocks of padded planes small enough to stay in the L1 cache: each
# plane's padding is written once, and every window is then read (or added back) through a
# table of places, in one loop over the whole output plane with no bounds tests. Looping per
# output row instead runs loops as short as the output's width (7 values for the DCGAN's
# 14x14 -> 7x7 layer), whose set-up costs more than the copy; docs/bench-results.md has the times.
#
# Elements are indexed in full with unsigned indices, x[U(a), U(b), U(r), U(c)], every one
# known to lie inside its axis: Numba then skips its negative-index (wrap-around) test on each
# axis. Row views (x[a, b, r]) would avoid the tests too, but making one costs ~20 ns, more than
# the 7-28 values of a row take to copy.
#
# Serial only: a build with prange over the blocks runs twice as fast alone at two threads, but
# made the whole two-thread DCGAN step slower (docs/bench-results.md), for the reasons given at
# PARALLEL_MIN_ELEMENTS (build.py).
_BLOCK_ELEMENTS = 8192  # the padded planes of one block: 32 KiB of float32, the L1 cache
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


@njit(inline="always")
def _padded_planes(kh, kw, sh, sw, dh, dw, OH, OW):  # noqa: ANN001, ANN202
    """(PH, PW, table, block): the rows and columns of the padded plane that the windows reach,
    table[i kw + j, p OW + q] = the place of window (p, q)'s kernel position (i, j) in that plane
    flattened, (p sh + i dh) PW + q sw + j dw, and how many planes a block holds."""
    PH, PW = (OH - 1) * sh + (kh - 1) * dh + 1, (OW - 1) * sw + (kw - 1) * dw + 1
    table = np.empty((kh * kw, OH * OW), np.int64)
    for i in range(kh):
        for j in range(kw):
            for p in range(OH):
                for q in range(OW):
                    table[i * kw + j, p * OW + q] = (p * sh + i * dh) * PW + q * sw + j * dw
    return PH, PW, table, max(1, _BLOCK_ELEMENTS // (PH * PW))


def _unfold_py(x, cols, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, pad_value):  # noqa: ANN001, ANN202
    """im2col: cols[i kw + j, a B + b, p OW + q] = x[a, b, p sh + i dh - ph, q sw + j dw - pw], or
    pad_value outside x; cols is (K, A B, OH OW).

    A block of planes is first copied into padded planes (the rows and columns the windows
    reach); then each kernel position reads its windows through the table of
    :func:`_padded_planes`."""
    A, B, H, W = x.shape
    PH, PW, table, block = _padded_planes(kh, kw, sh, sw, dh, dw, OH, OW)
    padded = np.empty((block, PH * PW), x.dtype)
    rows = (max(0, -ph), min(H, PH - ph))  # the input rows (and below, columns) inside the padded plane
    columns = (max(0, -pw), min(W, PW - pw))
    planes = A * B
    for first in range(0, planes, block):
        last = min(first + block, planes)
        for ab in range(first, last):
            a, b = ab // B, ab % B
            plane = padded[U(ab - first)]
            plane[:] = pad_value
            for r in range(rows[0], rows[1]):
                for c in range(columns[0], columns[1]):
                    plane[U((r + ph) * PW + c + pw)] = x[U(a), U(b), U(r), U(c)]
        for k in range(kh * kw):
            for ab in range(first, last):
                for m in range(OH * OW):
                    cols[U(k), U(ab), U(m)] = padded[U(ab - first), U(table[U(k), U(m)])]


def _fold_py(cols, out, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW):  # noqa: ANN001, ANN202
    """col2im, the adjoint of :func:`_unfold_py`: out[a, b] (every pixel written) is the sum of
    cols[i kw + j, a B + b, p OW + q] over the windows that put it at x's pixel (p sh + i dh - ph,
    q sw + j dw - pw); what falls in the padding is dropped. Each pixel's terms are added in
    kernel-position order, starting from zero, in padded planes that stay in cache."""
    A, B, H, W = out.shape
    PH, PW, table, block = _padded_planes(kh, kw, sh, sw, dh, dw, OH, OW)
    padded = np.empty((block, PH * PW), out.dtype)
    zero = out.dtype.type(0)
    planes = A * B
    for first in range(0, planes, block):
        last = min(first + block, planes)
        padded[:] = zero
        for k in range(kh * kw):
            for ab in range(first, last):
                for m in range(OH * OW):
                    padded[U(ab - first), U(table[U(k), U(m)])] += cols[U(k), U(ab), U(m)]
        for ab in range(first, last):
            a, b = ab // B, ab % B
            plane = padded[U(ab - first)]
            for r in range(H):
                for c in range(W):
                    inside = 0 <= r + ph < PH and 0 <= c + pw < PW
                    out[U(a), U(b), U(r), U(c)] = plane[U((r + ph) * PW + c + pw)] if inside else zero


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


unfold_kernel = Kernel(_unfold_py, parallel=False)
fold_kernel = Kernel(_fold_py, parallel=False)
max_pool2d_kernel = Kernel(_max_pool2d_py, parallel=False)
max_pool2d_backward_kernel = Kernel(_max_pool2d_backward_py, parallel=False)


def _geometry(kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int],
              dilation: Sequence[int]) -> tuple[int, ...]:
    return (int(kernel[0]), int(kernel[1]), int(stride[0]), int(stride[1]), int(padding[0]), int(padding[1]),
            int(dilation[0]), int(dilation[1]))


def unfold(x: np.ndarray, kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int],
           dilation: Sequence[int], out_hw: Sequence[int], pad_value: float = 0.0) -> np.ndarray:
    """im2col in one compiled pass (see :func:`_unfold_py`); x may be any strided view."""
    cols = np.empty((kernel[0] * kernel[1],) + x.shape[:2] + tuple(out_hw), dtype=x.dtype)
    unfold_kernel(x, cols.reshape(cols.shape[0], -1, out_hw[0] * out_hw[1]),
                  *_geometry(kernel, stride, padding, dilation), int(out_hw[0]), int(out_hw[1]),
                  x.dtype.type(pad_value))
    return cols


def fold(cols: np.ndarray, in_hw: Sequence[int], kernel: Sequence[int], stride: Sequence[int],
         padding: Sequence[int], dilation: Sequence[int]) -> np.ndarray:
    """col2im in one compiled pass (see :func:`_fold_py`)."""
    out = np.empty(cols.shape[1:3] + tuple(in_hw), dtype=cols.dtype)
    k, out_hw = cols.shape[0], cols.shape[3:]
    fold_kernel(np.ascontiguousarray(cols).reshape(k, -1, out_hw[0] * out_hw[1]), out,
                *_geometry(kernel, stride, padding, dilation), int(out_hw[0]), int(out_hw[1]))
    return out


def max_pool2d(x: np.ndarray, kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int],
               dilation: Sequence[int], out_hw: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(y, winner) in one compiled pass (see :func:`_max_pool2d_py`)."""
    y = np.empty(x.shape[:2] + tuple(out_hw), dtype=x.dtype)
    winner = np.empty(y.shape, dtype=np.int64)
    max_pool2d_kernel(x, y, winner, *_geometry(kernel, stride, padding, dilation))
    return y, winner


def max_pool2d_backward(grad: np.ndarray, winner: np.ndarray, kernel: Sequence[int], stride: Sequence[int],
                        padding: Sequence[int], dilation: Sequence[int], in_hw: Sequence[int]) -> np.ndarray:
    """The gradient routed to the winners (see :func:`_max_pool2d_backward_py`)."""
    grad_x = np.zeros(grad.shape[:2] + tuple(in_hw), dtype=grad.dtype)
    max_pool2d_backward_kernel(grad, winner, grad_x, *_geometry(kernel, stride, padding, dilation))
    return grad_x
