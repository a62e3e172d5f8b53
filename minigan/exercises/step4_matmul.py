"""Step 4: the backward of a matrix product.

For out = a @ b with a of shape (n, k) and b of shape (k, m), and ``grad`` = d(loss)/d(out) of
shape (n, m), return (d loss/d a, d loss/d b), of the shapes of a and b. Each entry out[i, j]
is sum_k a[i, k] b[k, j], so d out[i, j]/d a[i, k] = b[k, j]: work out which product of grad
with b (or a) gives that, and let the shapes guide you.

Check with:  python -m minigan.exercises check 4
"""
import numpy as np  # noqa: F401 - you will need it


def matmul_backward(a, b, grad):
    raise NotImplementedError("matmul_backward")
