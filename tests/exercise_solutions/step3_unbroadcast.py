"""The reference solution of step 3 (kept in the tests, not in the stubs)."""
import numpy as np


def unbroadcast(grad, shape):
    grad = np.sum(grad, axis=tuple(range(grad.ndim - len(shape))))
    return np.sum(grad, axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True).reshape(shape)
