"""Compare minigan's Adam and AdamW kernel with torch.optim, step by step (optional: needs PyTorch).

The test suite checks the kernel against PyTorch's update formulas written out in NumPy
(tests/test_backends.py); this script checks it against PyTorch itself, where PyTorch is
installed. It runs five updates of a 33x17 float32 parameter for each variant (plain, L2
weight decay, decoupled weight decay, AMSGrad, both) and prints the largest difference.

    python bench/compare_torch.py

Exit status: 0 when every variant agrees to 1e-6, 1 when one does not, 2 without PyTorch.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import _common  # noqa: E402,F401 - makes the package importable from a source checkout
from minigan import backends, formulas  # noqa: E402

VARIANTS = [  # (weight_decay, decoupled, amsgrad)
    (0.0, False, False), (0.05, False, False), (0.05, True, False),
    (0.0, False, True), (0.05, True, True),
]
TOLERANCE = 1e-6
LR, BETAS, EPS, STEPS = 1e-2, (0.8, 0.95), 1e-8, 5


def max_difference(torch, weight_decay: float, decoupled: bool, amsgrad: bool) -> float:
    """Largest |minigan - torch| over the parameter after STEPS updates with the same gradients."""
    rng = np.random.default_rng(5)
    param0 = rng.standard_normal((33, 17)).astype(np.float32)
    grads = [rng.standard_normal((33, 17)).astype(np.float32) for _ in range(STEPS)]
    tp = torch.nn.Parameter(torch.from_numpy(param0.copy()))
    opt_cls = torch.optim.AdamW if decoupled else torch.optim.Adam
    opt = opt_cls([tp], lr=LR, betas=BETAS, eps=EPS, weight_decay=weight_decay, amsgrad=amsgrad, foreach=False)
    param = param0.copy()
    m, v = np.zeros_like(param), np.zeros_like(param)
    vmax = np.zeros_like(param) if amsgrad else None
    for step, grad in enumerate(grads, start=1):
        tp.grad = torch.from_numpy(grad.copy())
        opt.step()
        backends.backend_for("cpu").adam(
            [param], [grad], [m], [v], None if vmax is None else [vmax],
            formulas.adam_scalars(step, LR, *BETAS, EPS, weight_decay, decoupled))
    return float(np.max(np.abs(param - tp.detach().numpy())))


def main() -> int:
    try:
        import torch
    except ImportError:
        print("compare_torch: PyTorch is not installed (pip install torch), so there is nothing to compare with")
        return 2
    print(f"minigan kernels ({backends.cpu_kernel_mode()}) against torch {torch.__version__}, {STEPS} steps")
    print(f"{'weight_decay':>12} {'decoupled':>9} {'amsgrad':>7} {'max |diff|':>11}  ok")
    failures = 0
    for weight_decay, decoupled, amsgrad in VARIANTS:
        diff = max_difference(torch, weight_decay, decoupled, amsgrad)
        ok = diff <= TOLERANCE
        failures += not ok
        print(f"{weight_decay:>12} {decoupled!s:>9} {amsgrad!s:>7} {diff:>11.2e}  {'ok' if ok else 'DIFFERS'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
