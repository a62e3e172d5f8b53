"""Binary cross-entropy on logits: the mean loss and its gradient in one compiled pass, with
formulas.bce_with_logits and formulas.bce_with_logits_grad inlined."""
from __future__ import annotations

import numpy as np

from minigan.backends.numba.build import SCALAR_FORMULAS, Kernel

# The formulas the kernel below calls by name.
bce_with_logits = SCALAR_FORMULAS.bce_with_logits
bce_with_logits_grad = SCALAR_FORMULAS.bce_with_logits_grad


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


bce_kernel = Kernel(_bce_py, parallel=False)


def mean_bce_with_logits(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(0-d loss array, grad_logits) in one pass; inputs same shape and dtype."""
    x = np.ascontiguousarray(logits)
    t = np.ascontiguousarray(targets)
    grad = np.empty(logits.shape, dtype=x.dtype)  # not empty_like(x): ascontiguousarray makes 0-d inputs 1-d
    total = bce_kernel(x.reshape(-1), t.reshape(-1), grad.reshape(-1))
    return np.asarray(total / max(x.size, 1), dtype=x.dtype), grad
