"""The window kernel of the 3-d convolutions' backward: col2vol (fold3d), the windows of
(A, B, D, H, W) volumes added back, for float32 and float64 arrays; the NumPy reference is
``ArrayBackend.fold3d`` (minigan/backends/numpy.py), which the tests hold it to bit for bit.

vol2col (unfold3d) has no kernel here: the reference's one strided copy per kernel position
is as fast (both are bound by writing the fresh (K, A, B, OD, OH, OW) array), while adding the
windows back through NumPy makes a temporary per position that this kernel does not."""
from __future__ import annotations

from typing import Sequence

import numba
import numpy as np

from minigan.backends.numba.build import Kernel
from minigan.backends.numba.windows import _inside

# One volume (a, b) at a time, kernel positions inside it: the volume stays in the cache while
# its K windows are added back, and each window row is read in order.
# Indices are unsigned where they are known to lie inside their axis, so Numba skips its
# negative-index test (as in windows.py).
U = numba.uint64


def _col2vol_py(cols, out, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw, OD, OH, OW):  # noqa: ANN001, ANN202
    """col2vol: out[a, b, z, y, c] (every voxel written) is the sum of
    cols[(i kh + j) kw + l, a B + b, (t OH + p) OW + q] over the windows that put it at voxel
    (t sd + i dd - pd, p sh + j dh - ph, q sw + l dw - pw), added in kernel-position order
    starting from zero, as the NumPy reference does; what falls in the padding is dropped."""
    A, B, D, H, W = out.shape
    zero = out.dtype.type(0)
    for ab in range(A * B):
        a, b = ab // B, ab % B
        volume = out[U(a), U(b)]
        for z in range(D):
            for y in range(H):
                for c in range(W):
                    volume[U(z), U(y), U(c)] = zero
        for i in range(kd):
            for j in range(kh):
                for l in range(kw):  # noqa: E741
                    row = cols[U((i * kh + j) * kw + l), U(ab)]
                    offset = l * dw - pw
                    q0, q1 = _inside(offset, sw, W, OW)
                    for t in range(OD):
                        z = t * sd + i * dd - pd
                        if z < 0 or z >= D:
                            continue
                        for p in range(OH):
                            y = p * sh + j * dh - ph
                            if y < 0 or y >= H:
                                continue
                            base = (t * OH + p) * OW
                            for q in range(q0, q1):
                                volume[U(z), U(y), U(q * sw + offset)] += row[U(base + q)]


col2vol_kernel = Kernel(_col2vol_py, parallel=False)


def _geometry(kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int],
              dilation: Sequence[int], out: Sequence[int]) -> tuple[int, ...]:
    return tuple(int(v) for v in (*kernel, *stride, *padding, *dilation, *out))


def fold3d(cols: np.ndarray, in_dhw: Sequence[int], kernel: Sequence[int], stride: Sequence[int],
           padding: Sequence[int], dilation: Sequence[int]) -> np.ndarray:
    """col2vol in one compiled pass (see :func:`_col2vol_py`): (A, B, D, H, W)."""
    out = np.empty(cols.shape[1:3] + tuple(in_dhw), dtype=cols.dtype)
    col2vol_kernel(np.ascontiguousarray(cols).reshape(cols.shape[0], -1, int(np.prod(cols.shape[3:]))), out,
                   *_geometry(kernel, stride, padding, dilation, cols.shape[3:]))
    return out
