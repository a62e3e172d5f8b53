"""Autograd in minigan, step by step: run it and read the output beside the code.

    python examples/autograd_basics.py
"""
import numpy as np

import minigan as mg

# 1. A graph is recorded as you compute; backward() applies the chain rule in reverse.
x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x * x).sum()                      # y = sum x^2
y.backward()
print("dy/dx of sum(x^2) at", x.numpy(), "=", x.grad.numpy(), "(2x)")

# 2. A tensor used twice gets the sum of both contributions (here: d/dx of x*x + x).
x.grad = None
(x * x + x).sum().backward()
print("d/dx of sum(x^2 + x) =", x.grad.numpy(), "(2x + 1)")

# 3. grad() returns gradients without touching .grad; create_graph=True makes them
#    differentiable, which is what a WGAN-GP gradient penalty needs.
w = mg.tensor([0.6, -1.2], requires_grad=True)
points = mg.tensor(np.array([[1.0, 2.0], [3.0, -1.0]]), requires_grad=True)
(grad_points,) = mg.grad((points @ w).sum(), points, create_graph=True)
penalty = (((grad_points * grad_points).sum(axis=1).sqrt() - 1.0) ** 2).mean()
penalty.backward()
norm = np.linalg.norm(w.numpy())
print(f"penalty {penalty.item():.6f} = (|w| - 1)^2 = {(norm - 1) ** 2:.6f}")
print("d penalty/dw =", w.grad.numpy(), "= 2(|w|-1) w/|w| =", 2 * (norm - 1) * w.numpy() / norm)

# 4. no_grad() records nothing (evaluation, optimizer updates); detach() cuts the graph.
with mg.no_grad():
    print("under no_grad, requires_grad =", (x * 2.0).requires_grad)

# 5. The gradient checker compares backprop with float64 central differences.
from minigan.gradcheck import gradcheck  # noqa: E402

a = mg.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True, dtype=np.float64)
result = gradcheck(lambda t: t.sigmoid().log_softmax(axis=1), [a])
print(f"gradcheck of log_softmax(sigmoid(a)): ok={result.ok}, max abs error {result.max_abs_err:.1e}")
