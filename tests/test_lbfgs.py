"""optim.LBFGS against the BFGS inverse-Hessian update written out as matrices and the
closed-form minimum of a quadratic (fixed steps); and its strong Wolfe line search against the
conditions it promises, a cubic's closed-form minimiser, the Rosenbrock function's minimum and
PyTorch's iterates."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.optim.line_search import Trial, cubic_minimizer, strong_wolfe

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
    with pytest.raises(RuntimeError, match="line_search_fn must be None or 'strong_wolfe', got 'wolfe'"):
        optim.LBFGS([x], line_search_fn="wolfe")
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [x]}, {"params": [nn.Parameter(minigan.zeros(2))]}])
    with pytest.raises(RuntimeError, match="needs a closure"):
        optim.LBFGS([x]).step()
    with pytest.raises(ValueError, match="history_size must be a positive int"):
        optim.LBFGS([x], history_size=0)


# ---------------------------------------------------------------- the strong Wolfe line search
def test_the_cubic_minimiser_is_exact_on_a_cubic():
    # φ(t) = t³ - 3t + 2: φ' = 3t² - 3, a local minimum at t = 1 (φ'' = 6 > 0).
    def at(t):
        return Trial(t, t**3 - 3 * t + 2, np.zeros(1), 3 * t**2 - 3)

    for a, b in ((0.0, 2.0), (2.0, 0.0), (-0.5, 3.0), (0.3, 1.7)):
        assert cubic_minimizer(at(a), at(b)) == pytest.approx(1.0, abs=1e-12)
    assert cubic_minimizer(at(0.0), at(2.0), 1.5, 4.0) == 1.5  # clamped to the bounds given
    # φ(t) = t - t² + 2t³/3 rises everywhere (φ' = 1 - 2t + 2t² > 0): no minimum, so the middle.
    rising = [Trial(t, t - t * t + 2 * t**3 / 3, np.zeros(1), 1 - 2 * t + 2 * t * t) for t in (0.0, 1.0)]
    assert cubic_minimizer(rising[0], rising[1], 0.25, 0.75) == 0.5


def rosenbrock(x):
    """The Rosenbrock function of len(x) variables and its gradient, written out."""
    value = ((1 - x[:-1]) ** 2).sum() + 100 * ((x[1:] - x[:-1] ** 2) ** 2).sum()
    grad = np.zeros_like(x)
    grad[:-1] += -2 * (1 - x[:-1]) - 400 * x[:-1] * (x[1:] - x[:-1] ** 2)
    grad[1:] += 200 * (x[1:] - x[:-1] ** 2)
    return value, grad


@pytest.mark.parametrize("t", [1e-4, 0.01, 1.0, 30.0])
def test_the_step_found_meets_the_strong_wolfe_conditions(t):
    # Short first steps make the search step outwards, long ones make it zoom.
    rng = np.random.default_rng(5)
    for _ in range(20):
        x = rng.uniform(-1.5, 1.5, 4)
        value, grad = rosenbrock(x)
        direction = -grad / np.abs(grad).sum()
        seen = []

        def evaluate(step, x=x, direction=direction):
            seen.append(step)
            return rosenbrock(x + step * direction)

        start = Trial(0.0, value, grad, float(grad @ direction))
        found, evaluations = strong_wolfe(evaluate, direction, start, t, max_ls=50)
        assert evaluations == len(seen) and evaluations <= 51
        there, there_grad = rosenbrock(x + found.t * direction)
        assert found.value == there and np.array_equal(found.grad, there_grad)
        assert there <= value + 1e-4 * found.t * start.slope  # sufficient decrease
        assert abs(there_grad @ direction) <= 0.9 * abs(start.slope)  # the slope has flattened


def wavy(x):
    """A nonconvex function of two variables and its gradient, written out."""
    cube = 4 * (x[1] - 0.5 * x[0]) ** 3
    value = np.sin(3 * x[0]) + 0.1 * x[0] ** 2 + (x[1] - 0.5 * x[0]) ** 4 + 0.3 * np.cos(5 * x[1])
    return value, np.array([3 * np.cos(3 * x[0]) + 0.2 * x[0] - 0.5 * cube, cube - 1.5 * np.sin(5 * x[1])])


def test_the_search_tries_the_steps_pytorch_tries():
    # A search that steps out six times and then zooms six times, twice moving a step that
    # came too near the interval's end. The steps PyTorch 2.14.1's search tries on it, written out
    # (over 300 such searches from random points, minigan tried the same number of steps, within
    # 6e-11 of PyTorch's).
    pytorch = [0.005444341676552555, 0.005498785093318081, 0.0054993295274857355, 0.030246315123342384,
               0.3024631512334238, 2.999608222205399, 3.0265796729151186, 5.345524767814817, 3.662304060376436,
               3.960809805686079, 4.0663441556809525, 4.194262216894339, 4.112659943665837]
    x = np.array([0.536279917389773, -0.01371322480458792])
    value, grad = wavy(x)
    direction = -grad / np.abs(grad).sum()
    tried = []

    def evaluate(step):
        tried.append(step)
        return wavy(x + step * direction)

    found, evaluations = strong_wolfe(evaluate, direction, Trial(0.0, value, grad, float(grad @ direction)),
                                      pytorch[0])
    assert evaluations == len(tried) == len(pytorch)
    np.testing.assert_allclose(tried, pytorch, rtol=1e-9)
    assert found.t == tried[-1]


def rosenbrock_problem(dtype, **options):
    x = nn.Parameter(minigan.tensor(np.array([-1.2, 1.0, -0.5, 0.8, 1.3]), dtype=dtype))
    optimizer = optim.LBFGS([x], line_search_fn="strong_wolfe", **options)

    def closure():
        optimizer.zero_grad()
        loss = ((1 - x[:-1]) ** 2).sum() + 100 * ((x[1:] - x[:-1] ** 2) ** 2).sum()
        loss.backward()
        return loss

    return x, optimizer, closure


def test_lbfgs_with_the_line_search_follows_pytorch_and_finds_rosenbrocks_minimum():
    # PyTorch 2.14.1's iterates for the same problem and options, float64, written out.
    x, optimizer, closure = rosenbrock_problem(minigan.float64, lr=1.0, max_iter=20)
    optimizer.step(closure)
    np.testing.assert_allclose(x.numpy(), [0.5937033924683689, 0.3244726122709185, 0.07032520988485573,
                                           -0.0043545508757121, 0.00916673477290843], rtol=1e-9, atol=1e-12)
    for _ in range(5):
        optimizer.step(closure)
    assert optimizer.state[x]["func_evals"] == 61  # PyTorch's count for these six steps
    np.testing.assert_allclose(x.numpy(), np.ones(5), atol=1e-5)
    x, optimizer, closure = rosenbrock_problem(minigan.float64, lr=0.5, history_size=5, max_iter=7)
    optimizer.step(closure)
    np.testing.assert_allclose(x.numpy(), [-0.2203989908506384, 0.04298545493625665, 0.05955192306755219,
                                           -0.03272418785599809, -0.00997081412871878], rtol=1e-9, atol=1e-12)
    for _ in range(5):
        optimizer.step(closure)
    assert optimizer.state[x]["func_evals"] == 49
    np.testing.assert_allclose(x.numpy(), [0.9821886870383442, 0.9597273855851203, 0.9188425555146801,
                                           0.8441248752418463, 0.7088224671884967], rtol=1e-8)


def test_a_float32_network_trains_with_the_line_search_and_resumes_exactly():
    rng = np.random.default_rng(0)
    inputs = minigan.tensor(rng.standard_normal((32, 3)), dtype=minigan.float32)
    targets = minigan.tensor(rng.standard_normal((32, 1)), dtype=minigan.float32)

    def problem():
        minigan.manual_seed(1)
        net = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
        optimizer = optim.LBFGS(net.parameters(), max_iter=5, history_size=4, line_search_fn="strong_wolfe")

        def closure():
            optimizer.zero_grad()
            loss = ((net(inputs) - targets) ** 2).mean()
            loss.backward()
            return loss

        return net, optimizer, closure

    net, optimizer, closure = problem()
    first = closure().item()
    optimizer.step(closure)
    saved = optimizer.state_dict()  # LBFGS's state_dict holds copies
    weights = {name: value.clone() for name, value in net.state_dict().items()}
    losses = [optimizer.step(closure).item() for _ in range(4)]
    assert losses[-1] < 0.6 * first and all(b <= a for a, b in zip(losses, losses[1:]))
    other_net, other, other_closure = problem()
    other_net.load_state_dict(weights)
    other.load_state_dict(saved)
    assert [other.step(other_closure).item() for _ in range(4)] == losses
