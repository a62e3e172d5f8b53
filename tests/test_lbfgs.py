"""optim.LBFGS: the two-loop recursion against L-BFGS written out in NumPy, the minimum of a
quadratic (closed form) and of the Rosenbrock function within PyTorch 2.14.1's iteration counts
(measured outside the repository: its iterates and counts are the same to rounding), with and
without the strong Wolfe line search; the options, the closure and the state."""
from __future__ import annotations

import numpy as np
import pytest

from minigan import nn, optim
from minigan.autograd import Tensor

RNG = np.random.default_rng(1)
_M = RNG.standard_normal((6, 6))
A = _M @ _M.T + 0.5 * np.eye(6)
B = RNG.standard_normal(6)
X0 = RNG.standard_normal(6)


def quadratic(x):
    """f(x) = ½ xᵀAx - bᵀx, least at A⁻¹b."""
    return 0.5 * (x * (Tensor(A) @ x)).sum() - (Tensor(B) * x).sum()


def rosenbrock(x):
    """f(x, y) = (1 - x)² + 100 (y - x²)², least at (1, 1)."""
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def closure_for(f, x, opt):
    """PyTorch's closure: clear the gradients, evaluate, backward, return the loss."""
    def closure():
        opt.zero_grad()
        loss = f(x)
        loss.backward()
        return loss
    return closure


def minimise(f, x0, steps, **options):
    x = nn.Parameter(np.array(x0, dtype=np.float64))
    opt = optim.LBFGS([x], **options)
    losses = [opt.step(closure_for(f, x, opt)).item() for _ in range(steps)]
    return x.array, opt.state[x], losses


def lbfgs_written_out(x, iterations, lr, history_size):
    """L-BFGS with a fixed step, the textbook two-loop recursion (Nocedal & Wright, algorithm 7.4),
    PyTorch's first step min(1, 1/|g|₁)·lr and its test ys > 1e-10 for keeping a pair."""
    grad = lambda x: A @ x - B  # noqa: E731
    g, pairs, gamma, d, t, iterates = grad(x), [], 1.0, None, None, []
    for k in range(iterations):
        if k > 0:
            s, y = t * d, g - g_prev
            if y @ s > 1e-10:
                pairs = (pairs + [(s, y)])[-history_size:]
                gamma = (y @ s) / (y @ y)
            q, alphas = -g, []
            for s, y in reversed(pairs):
                alphas.append((s @ q) / (y @ s))
                q = q - alphas[-1] * y
            r = gamma * q
            for (s, y), alpha in zip(pairs, reversed(alphas)):
                r = r + s * (alpha - (y @ r) / (y @ s))
            d = r
        else:
            d = -g
        t = min(1.0, 1.0 / np.abs(g).sum()) * lr if k == 0 else lr
        g_prev = g
        x = x + t * d
        g = grad(x)
        iterates.append(x)
    return np.array(iterates)


def test_iterates_follow_lbfgs_written_out():
    x = nn.Parameter(X0.copy())
    opt = optim.LBFGS([x], lr=0.8, max_iter=1, history_size=3)
    iterates = []
    for _ in range(15):  # one iteration a call, so each iterate can be seen
        opt.step(closure_for(quadratic, x, opt))
        iterates.append(x.array.copy())
    expected = lbfgs_written_out(X0.copy(), 15, lr=0.8, history_size=3)
    np.testing.assert_allclose(iterates, expected, rtol=1e-10, atol=1e-12)
    assert len(opt.state[x]["old_dirs"]) == 3 and opt.state[x]["n_iter"] == 15


@pytest.mark.parametrize("line_search_fn,most_iterations", [(None, 17), ("strong_wolfe", 16)])
def test_one_step_reaches_the_minimum_of_a_quadratic(line_search_fn, most_iterations):
    x, state, losses = minimise(quadratic, X0, 1, line_search_fn=line_search_fn)
    optimum = np.linalg.solve(A, B)
    np.testing.assert_allclose(x, optimum, atol=1e-5)
    assert state["n_iter"] <= most_iterations  # PyTorch's counts, from the same start
    assert losses[0] == pytest.approx(0.5 * X0 @ A @ X0 - B @ X0)  # step returns the first loss


@pytest.mark.parametrize("line_search_fn,steps,most_iterations,most_evaluations",
                         [(None, 5, 89, 89), ("strong_wolfe", 3, 41, 53)])
def test_the_rosenbrock_minimum_within_pytorchs_counts(line_search_fn, steps, most_iterations, most_evaluations):
    x, state, losses = minimise(rosenbrock, [-1.5, 2.0], steps, line_search_fn=line_search_fn)
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-5)
    assert state["n_iter"] <= most_iterations and state["func_evals"] <= most_evaluations
    assert losses[0] == pytest.approx(2.5**2 + 100 * 0.25**2)


def test_float32_parameters_minimise_in_float32():
    x = nn.Parameter(np.array([-1.5, 2.0], dtype=np.float32))
    y = nn.Parameter(np.zeros((2, 1), dtype=np.float32))  # two parameters share one flat vector
    opt = optim.LBFGS([x, y], line_search_fn="strong_wolfe")
    closure = closure_for(lambda _: rosenbrock(x) + ((y - 3.0) ** 2).sum(), x, opt)
    for _ in range(4):
        opt.step(closure)
    np.testing.assert_allclose(x.array, [1.0, 1.0], atol=1e-3)
    np.testing.assert_allclose(y.array, [[3.0], [3.0]], atol=1e-3)
    assert x.array.dtype == np.float32 and opt.state[x]["d"].dtype == np.float32


def test_defaults_options_and_errors_are_pytorchs():
    x = nn.Parameter(np.zeros(2))
    assert optim.LBFGS([x]).defaults == dict(lr=1, max_iter=20, max_eval=25, tolerance_grad=1e-7,
                                             tolerance_change=1e-9, history_size=100, line_search_fn=None)
    assert optim.LBFGS([x], max_iter=8).defaults["max_eval"] == 10
    with pytest.raises(ValueError, match="invalid learning rate: -1"):
        optim.LBFGS([x], lr=-1)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [x]}, {"params": [nn.Parameter(np.zeros(1))]}])
    opt = optim.LBFGS([x], line_search_fn="backtracking")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure_for(lambda x: ((x - 1.0) ** 2).sum(), x, opt))


def test_state_dict_round_trip_resumes_the_same_iterates():
    def run(opt, x, steps):
        for _ in range(steps):
            opt.step(closure_for(quadratic, x, opt))
        return x.array.copy()

    x = nn.Parameter(X0.copy())
    straight = run(optim.LBFGS([x], max_iter=2, history_size=3), x, 6)

    x = nn.Parameter(X0.copy())
    opt = optim.LBFGS([x], max_iter=2, history_size=3)
    run(opt, x, 3)
    saved, at = opt.state_dict(), x.array.copy()
    run(opt, x, 2)  # work after the save, to be thrown away (and a check that the save was a copy)
    fresh = nn.Parameter(at)
    resumed = optim.LBFGS([fresh], max_iter=2, history_size=3)
    resumed.load_state_dict(saved)
    np.testing.assert_array_equal(run(resumed, fresh, 3), straight)
    with pytest.raises(ValueError, match=r"has shape \(6,\), but the parameters flattened have \(2,\)"):
        optim.LBFGS([nn.Parameter(np.zeros(2))]).load_state_dict(saved)


def test_a_closure_that_meets_the_tolerance_returns_at_once():
    x = nn.Parameter(np.ones(3))
    opt = optim.LBFGS([x])
    assert opt.step(closure_for(lambda x: ((x - 1.0) ** 2).sum(), x, opt)).item() == 0.0
    assert opt.state[x] == {"func_evals": 1, "n_iter": 0}
    np.testing.assert_array_equal(x.array, np.ones(3))
