"""erf, erfc and lgamma in one compiled pass each: Numba's math.erf, math.erfc and math.lgamma (the C
library's), which NumPy lacks."""
from __future__ import annotations

import math

import numpy as np

from minigan.backends.numba.build import Kernel


def _erf_py(x, out):  # noqa: ANN001, ANN202
    """out = erf(x) over flat arrays."""
    for k in range(x.size):
        out[k] = math.erf(x[k])


def _erfc_py(x, out):  # noqa: ANN001, ANN202
    """out = erfc(x) = 1 - erf(x) over flat arrays (exact for large x, where 1 - erf(x) would be 0)."""
    for k in range(x.size):
        out[k] = math.erfc(x[k])


def _lgamma_py(x, out):  # noqa: ANN001, ANN202
    """out = lgamma(x) = ln |Gamma(x)| over flat arrays (+inf at the poles 0, -1, -2, ...)."""
    for k in range(x.size):
        out[k] = math.lgamma(x[k])


KERNELS = {"erf": Kernel(_erf_py, parallel=False), "erfc": Kernel(_erfc_py, parallel=False),
           "lgamma": Kernel(_lgamma_py, parallel=False)}


def special(name: str, x: np.ndarray) -> np.ndarray:
    """erf, erfc or lgamma (``name``) of a float32 or float64 array, in its dtype."""
    out = np.empty(x.shape, dtype=x.dtype)  # not empty_like: ascontiguousarray makes 0-d inputs 1-d
    KERNELS[name](np.ascontiguousarray(x).reshape(-1), out.reshape(-1))
    return out
