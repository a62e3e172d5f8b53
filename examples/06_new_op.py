"""Writing a new op, a Function, and proving it with gradcheck and gradgradcheck.

    python examples/06_new_op.py

Swish (also called SiLU) is f(x) = x σ(x), with f'(x) = σ(x) (1 + x (1 - σ(x))). An op is one
subclass of minigan.Function with two static methods side by side (see minigan/autograd/function.py):

* forward(ctx, *arrays) computes the result on raw arrays;
* backward(ctx, grad_output) gets d(loss)/d(output) as a Tensor and returns one gradient per
  input. Written with Tensor ops, it can itself be recorded, so second derivatives work
  (minigan.grad(..., create_graph=True), as a gradient penalty needs).

minigan.gradcheck.gradcheck compares backward with float64 central differences;
gradgradcheck checks the second derivative the same way. Both are then shown rejecting a
backward that is wrong by a factor of only 1.001.
"""
import argparse
import sys

import numpy as np

import minigan as mg
from minigan import formulas
from minigan.gradcheck import gradcheck, gradgradcheck


class Swish(mg.Function):
    """f = x σ(x);  df/dx = σ(x) (1 + x (1 - σ(x)))."""

    @staticmethod
    def forward(ctx, x):
        return x * formulas.sigmoid(x)  # the library's sigmoid, which never overflows

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs  # the input Tensor: backward stays in Tensor ops, so it can be recorded
        s = x.sigmoid()
        return (grad * s * (1.0 + x * (1.0 - s)),)


def swish(x):
    return Swish.apply(x)


class WrongSwish(Swish):
    """The same op with its gradient 0.1% too large: the checks must reject it."""

    @staticmethod
    def backward(ctx, grad):
        (right,) = Swish.backward(ctx, grad)
        return (right * 1.001,)


def main(argv=None):
    parser = argparse.ArgumentParser(description="A new op, Swish, proved with gradcheck and gradgradcheck.")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x = mg.tensor(rng.standard_normal((4, 5)), dtype=mg.float64, requires_grad=True)

    y = swish(x)
    print(f"swish(x)[0, :3] = {np.round(y.numpy()[0, :3], 4)}, grad_fn = {y.grad_fn}")
    first = gradcheck(swish, [x], rng=np.random.default_rng(1))
    second = gradgradcheck(swish, [x], rng=np.random.default_rng(1))
    print(f"gradcheck:     ok={first.ok}, max abs error {first.max_abs_err:.1e}")
    print(f"gradgradcheck: ok={second.ok}, max abs error {second.max_abs_err:.1e}")

    wrong = gradcheck(WrongSwish.apply, [x], rng=np.random.default_rng(1), raise_exception=False)
    print(f"a backward off by 0.1%: gradcheck ok={wrong.ok} ({wrong.message})")
    wrong_second = gradgradcheck(WrongSwish.apply, [x], rng=np.random.default_rng(1), raise_exception=False)
    print(f"a backward off by 0.1%: gradgradcheck ok={wrong_second.ok} ({wrong_second.message.split(';')[0]})")
    return 0 if first.ok and second.ok and not wrong.ok and not wrong_second.ok else 1


if __name__ == "__main__":
    sys.exit(main())
