"""A gradient checked by central finite differences, written out by hand.

    python examples/02_finite_differences.py            # a 3x4 input through a small network
    python examples/02_finite_differences.py --eps 1e-3 # a coarser step: the error grows as eps^2
    python examples/02_finite_differences.py --eps 1e-9 # a finer one: rounding error grows as 1/eps

The function is L(x, W) = sum(u * tanh(x @ W.T).sigmoid()), with u a fixed random upstream
gradient (never all ones, which would hide a transposed Jacobian). Backprop gives dL/dx and
dL/dW in one pass. The central difference (L(x + eps e_i) - L(x - eps e_i)) / (2 eps) estimates
each element of them on its own. Two errors compete:

* truncation, of order eps^2 (the curvature the difference ignores): here 4e-5 at eps 1e-2,
  4e-7 at 1e-3, 4e-9 at 1e-4, falling 100-fold per 10-fold smaller step;
* rounding: each L is rounded to about 1e-16 of its size, and dividing by 2 eps magnifies
  that, an error of order 1e-16 / eps that grows as the step shrinks.

They meet near eps 1e-5 (6e-11 here). Below it the error grows again: 6e-10 at 1e-6 (the
default, which keeps a margin at any scale), 5e-9 at 1e-7, 5e-7 at 1e-9. Try --eps 1e-9.
The library's own checker, minigan.gradcheck (minigan/gradcheck/__init__.py), does the same
with tolerances, over every op.
"""
import argparse
import sys

import numpy as np

import minigan as mg


def loss(x, weight, upstream):
    """The scalar L: a linear layer, tanh, sigmoid, then the dot product with ``upstream``."""
    return ((x @ weight.T).tanh().sigmoid() * upstream).sum()


def central_differences(f, array, eps):
    """dL/d(array) element by element: nudge one entry up and down, read L, put it back."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        kept = array[index]
        array[index] = kept + eps
        up = f()
        array[index] = kept - eps
        down = f()
        array[index] = kept
        grad[index] = (up - down) / (2 * eps)
    return grad


def main(argv=None):
    parser = argparse.ArgumentParser(description="A gradient checked by central finite differences, by hand.")
    parser.add_argument("--eps", type=float, default=1e-6, help="finite-difference step (default: 1e-6)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    if not 0 < args.eps < 1:
        parser.error(f"--eps must be in (0, 1), got {args.eps}")

    rng = np.random.default_rng(args.seed)
    x = mg.tensor(rng.standard_normal((3, 4)), dtype=mg.float64, requires_grad=True)
    weight = mg.tensor(rng.standard_normal((5, 4)), dtype=mg.float64, requires_grad=True)
    upstream = mg.tensor(rng.standard_normal((3, 5)), dtype=mg.float64)

    loss(x, weight, upstream).backward()  # backprop: x.grad and weight.grad in one pass

    def value():
        with mg.no_grad():  # L only: nothing to record
            return loss(x, weight, upstream).item()

    worst = 0.0
    for name, tensor in (("x", x), ("W", weight)):
        numeric = central_differences(value, tensor.numpy(), args.eps)  # .numpy() shares memory
        error = np.abs(tensor.grad.numpy() - numeric).max()
        worst = max(worst, error)
        print(f"dL/d{name} {tensor.shape}: max |backprop - central difference| = {error:.2e}")
    print(f"max abs error {worst:.2e} (eps {args.eps:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
