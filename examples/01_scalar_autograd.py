"""Scalar autograd and its graph picture: one neuron, o = tanh(x1 w1 + x2 w2 + b).

    python examples/01_scalar_autograd.py                 # prints the values, gradients and graph
    python examples/01_scalar_autograd.py --out DIR       # also draws the graph to DIR/graph.png

Every operation on a Tensor that requires a gradient records a node: the op, and the tensors
it came from. o.backward() walks those nodes from o back to the leaves in reverse topological
order and applies the chain rule at each one. Here every gradient is also worked out by hand:
with n = x1 w1 + x2 w2 + b and o = tanh(n), do/dn = 1 - o², so do/dw1 = (1 - o²) x1, and so on.

Tensor.graph_text() gives the graph as an indented tree (the output first), and
minigan.viz.draw_graph draws it with matplotlib, as PNG or SVG; with values=True and
grads=True each node shows its value and its gradient, as micrograd's draw_dot. backward
frees the graph unless told retain_graph=True, which this example does to draw it after.
The graph picture of docs/internals.md is this one: python examples/01_scalar_autograd.py --out docs/images
"""
import argparse
import os
import sys

import minigan as mg
from minigan.viz import draw_graph


def main(argv=None):
    parser = argparse.ArgumentParser(description="Scalar autograd on one neuron, and a picture of its graph.")
    parser.add_argument("--out", default=None, help="draw the graph to OUT/graph.png (or OUT/graph.svg with --svg)")
    parser.add_argument("--svg", action="store_true", help="draw an SVG instead of a PNG")
    args = parser.parse_args(argv)

    def scalar(value):
        return mg.tensor(value, dtype=mg.float64, requires_grad=True)

    x1, x2, w1, w2, b = scalar(2.0), scalar(0.0), scalar(-3.0), scalar(1.0), scalar(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    names = {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}
    o.backward(retain_graph=True)  # keep the graph, to show it with its gradients
    print(o.graph_text(names=names, values=True, grads=True))
    print()
    if args.out is not None:
        try:
            os.makedirs(args.out, exist_ok=True)
            path = draw_graph(o, os.path.join(args.out, "graph.svg" if args.svg else "graph.png"), names=names,
                              values=True, grads=True)
        except OSError as error:
            print(f"error: cannot write the graph picture: {error}", file=sys.stderr)
            return 2
        print(f"wrote {path}")

    local = 1 - o.item() ** 2  # do/dn, read off the output
    by_hand = {"x1": local * w1.item(), "w1": local * x1.item(), "x2": local * w2.item(),
               "w2": local * x2.item(), "b": local}
    print(f"o = tanh(x1 w1 + x2 w2 + b) = {o.item():.4f}")
    for name, leaf in (("x1", x1), ("w1", w1), ("x2", x2), ("w2", w2), ("b", b)):
        print(f"do/d{name:2s} = {leaf.grad.item():+.4f}   by hand {by_hand[name]:+.4f}")
    error = max(abs(leaf.grad.item() - by_hand[name])
                for name, leaf in (("x1", x1), ("w1", w1), ("x2", x2), ("w2", w2), ("b", b)))
    print(f"max abs error {error:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
