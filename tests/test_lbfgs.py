"""optim.LBFGS (fixed steps, no line search) against the BFGS inverse-Hessian update written out
as matrices, and against the closed-form minimum of a quadratic."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan import nn, optim

RNG = np.random.default_rng(3)
_M = RNG.standard_normal((5, 5))
A = _M @ _M.T + 3 * np.eye(5)  # symmetric positive definite
B = RNG.standard_normal(5)


def quadratic_problem(lr=1.0, **options):
    """f(x) = x.A x / 2 - b.x from x = 0, its optimizer and closure; the minimum is A^-1 b."""
    x = nn.Parameter(minigan.zeros(5, dtype=minigan.float64))
    optimizer = optim.LBFGS([x], lr=lr, **options)

    def closure():
        optimizer.zero_grad()
        loss = 0.5 * (x @ (minigan.tensor(A) @ x)) - minigan.tensor(B) @ x
        loss.backward()
        return loss

    return x, optimizer, closure


def bfgs_iterates(lr: float, iterations: int) -> list[np.ndarray]:
    """The same method with the inverse Hessian kept as a matrix: H0 = γ I with γ = s.y / y.y of the
    newest pair, then H <- (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ for each pair, oldest first, and
    x <- x - t H g (with H = I and t = min(1, 1/|g|_1) lr at the first step)."""
    x = np.zeros(5)
    grad = A @ x - B
    pairs, points = [], []
    for k in range(iterations):
        if not pairs:
            direction = -grad
        else:
            s_new, y_new = pairs[-1]
            h = (s_new @ y_new) / (y_new @ y_new) * np.eye(5)
            for s, y in pairs:
                rho = 1.0 / (y @ s)
                h = (np.eye(5) - rho * np.outer(s, y)) @ h @ (np.eye(5) - rho * np.outer(y, s)) + rho * np.outer(s, s)
            direction = -h @ grad
        t = min(1.0, 1.0 / np.abs(grad).sum()) * lr if k == 0 else lr
        step = t * direction
        x = x + step
        new_grad = A @ x - B
        if (new_grad - grad) @ step > 1e-10:
            pairs.append((step, new_grad - grad))
        grad = new_grad
        points.append(x.copy())
    return points


def test_each_iterate_is_the_bfgs_update_written_out_as_matrices():
    expected = bfgs_iterates(lr=0.7, iterations=6)
    x, optimizer, closure = quadratic_problem(lr=0.7, max_iter=1)
    for k in range(6):  # one iteration per step: the history carries over between calls
        optimizer.step(closure)
        np.testing.assert_allclose(x.numpy(), expected[k], rtol=1e-10, atol=1e-12)


def test_one_step_reaches_the_quadratics_minimum():
    x, optimizer, closure = quadratic_problem(max_iter=100, tolerance_grad=1e-12, tolerance_change=1e-14)
    first = optimizer.step(closure)
    assert first.item() == 0.0  # the loss at the start, x = 0
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(A, B), atol=1e-6)


def test_a_short_history_still_converges_and_the_state_resumes_exactly():
    options = dict(lr=0.8, max_iter=5, history_size=2, tolerance_grad=1e-12, tolerance_change=1e-14)
    x, optimizer, closure = quadratic_problem(**options)
    optimizer.step(closure)
    saved = optimizer.state_dict()
    copy, other, other_closure = quadratic_problem(**options)
    copy.data.copy_(x.data)
    other.load_state_dict(saved)
    for _ in range(20):
        optimizer.step(closure)
        other.step(other_closure)
    np.testing.assert_array_equal(copy.numpy(), x.numpy())
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(A, B), atol=1e-6)


def test_what_lbfgs_refuses_says_so_in_one_line():
    x = nn.Parameter(minigan.zeros(2))
    with pytest.raises(minigan.UnsupportedFeatureError, match="line_search_fn='strong_wolfe'\\) is not supported"):
        optim.LBFGS([x], line_search_fn="strong_wolfe")
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [x]}, {"params": [nn.Parameter(minigan.zeros(2))]}])
    with pytest.raises(RuntimeError, match="needs a closure"):
        optim.LBFGS([x]).step()
    with pytest.raises(ValueError, match="history_size must be a positive int"):
        optim.LBFGS([x], history_size=0)
