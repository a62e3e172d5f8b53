"""Tests for minigan.optim: update rules written out by hand, convergence on convex quadratics,
bit-exact resumption from state_dict, and the learning-rate schedules' closed forms."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.optim import lr_scheduler
from minigan.autograd import Tensor


def quadratic_grad_step(opt: optim.Optimizer, x: nn.Parameter, c: np.ndarray) -> float:
    """One optimizer step on f(x) = sum((x - c)^2), gradient taken by the engine."""
    opt.zero_grad()
    loss = ((x - Tensor(c)) ** 2).sum()
    loss.backward()
    opt.step()
    return loss.item()


# ----------------------------------------------------------------------------- update rules by hand
def test_adam_first_three_steps_by_hand():
    c = np.array([1.0, -2.0, 0.5])
    x0 = np.array([0.3, 0.1, 2.0])
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    x = nn.Parameter(x0.copy())
    opt = optim.Adam([x], lr=lr, betas=(beta1, beta2), eps=eps)

    # Step 1 has a closed form: m / (1 - b1) = g and sqrt(v / (1 - b2)) = |g|, so each
    # coordinate moves by lr * g / (|g| + eps), i.e. lr against the gradient's sign.
    g1 = 2 * (x0 - c)
    quadratic_grad_step(opt, x, c)
    np.testing.assert_allclose(x.array, x0 - lr * g1 / (np.abs(g1) + eps), rtol=1e-13)

    # Steps 2 and 3 written out with the moment estimates (Python floats, one coordinate at a time).
    expected = []
    for i in range(3):
        xi, m, v = x0[i], 0.0, 0.0
        for t in (1, 2, 3):
            g = 2.0 * (xi - c[i])
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            step_size = lr / (1 - beta1**t)
            denom = math.sqrt(v) / math.sqrt(1 - beta2**t) + eps
            xi = xi - step_size * m / denom
        expected.append(xi)
    quadratic_grad_step(opt, x, c)
    quadratic_grad_step(opt, x, c)
    np.testing.assert_allclose(x.array, expected, rtol=1e-13)
    assert opt.state[x]["step"] == 3


def test_adam_l2_and_adamw_decoupled_weight_decay_first_step():
    x0, grad, lr, wd = np.array([2.0, -1.0]), np.array([0.5, 0.25]), 0.01, 0.1
    # Adam adds wd * x to the gradient; the first step is lr * sign(g + wd x).
    x = nn.Parameter(x0.copy())
    x.grad = Tensor(grad.copy())
    optim.Adam([x], lr=lr, weight_decay=wd).step()
    decayed_grad = grad + wd * x0
    np.testing.assert_allclose(x.array, x0 - lr * decayed_grad / (np.abs(decayed_grad) + 1e-8), rtol=1e-13)
    np.testing.assert_array_equal(x.grad.array, grad)  # the gradient itself is not modified
    # AdamW shrinks x by (1 - lr wd) first, then takes the plain Adam step.
    x = nn.Parameter(x0.copy())
    x.grad = Tensor(grad.copy())
    optim.AdamW([x], lr=lr, weight_decay=wd).step()
    np.testing.assert_allclose(x.array, x0 * (1 - lr * wd) - lr * grad / (np.abs(grad) + 1e-8), rtol=1e-13)


def test_amsgrad_uses_the_running_maximum_of_v():
    x = nn.Parameter(np.array([0.0]))
    opt = optim.Adam([x], lr=0.1, betas=(0.0, 0.5), eps=0.0, amsgrad=True)
    x.grad = Tensor(np.array([4.0]))
    opt.step()  # v = 0.5 * 16 = 8, bias-corrected 16: step 0.1 * 4 / 4
    np.testing.assert_allclose(x.array, [-0.1])
    x.grad = Tensor(np.array([1.0]))
    opt.step()  # v = 0.5 * 8 + 0.5 * 1 = 4.5 < max 8: denom sqrt(8) / sqrt(0.75)
    np.testing.assert_allclose(opt.state[x]["max_exp_avg_sq"], [8.0])
    np.testing.assert_allclose(x.array, [-0.1 - 0.1 * 1.0 / (math.sqrt(8.0) / math.sqrt(0.75))], rtol=1e-13)


def test_sgd_momentum_dampening_and_nesterov_by_hand():
    grads = [np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([-1.0, 3.0])]
    lr, mu, dampening, wd = 0.1, 0.9, 0.2, 0.05

    def run(**options):
        x = nn.Parameter(np.array([1.0, 1.0]))
        opt = optim.SGD([x], lr=lr, **options)
        for g in grads:
            x.grad = Tensor(g.copy())
            opt.step()
        return x.array

    # Plain SGD with weight decay.
    x = np.array([1.0, 1.0])
    for g in grads:
        x = x - lr * (g + wd * x)
    np.testing.assert_allclose(run(weight_decay=wd), x, rtol=1e-14)
    # Heavy ball with dampening: the buffer starts as the first gradient (undampened).
    x, buf = np.array([1.0, 1.0]), None
    for g in grads:
        buf = g.copy() if buf is None else mu * buf + (1 - dampening) * g
        x = x - lr * buf
    np.testing.assert_allclose(run(momentum=mu, dampening=dampening), x, rtol=1e-14)
    # Nesterov: step along g + mu * buf.
    x, buf = np.array([1.0, 1.0]), None
    for g in grads:
        buf = g.copy() if buf is None else mu * buf + g
        x = x - lr * (g + mu * buf)
    np.testing.assert_allclose(run(momentum=mu, nesterov=True), x, rtol=1e-14)


def test_rmsprop_plain_centered_and_momentum_by_hand():
    grads = [np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([-1.0, 3.0])]
    lr, alpha, eps, mu = 0.01, 0.9, 1e-6, 0.5

    def run(**options):
        x = nn.Parameter(np.array([1.0, 1.0]))
        opt = optim.RMSprop([x], lr=lr, alpha=alpha, eps=eps, **options)
        for g in grads:
            x.grad = Tensor(g.copy())
            opt.step()
        return x.array

    for centered in (False, True):
        for momentum in (0.0, mu):
            x, s, a, buf = np.array([1.0, 1.0]), np.zeros(2), np.zeros(2), np.zeros(2)
            for g in grads:
                s = alpha * s + (1 - alpha) * g * g
                if centered:
                    a = alpha * a + (1 - alpha) * g
                    avg = np.sqrt(s - a * a) + eps
                else:
                    avg = np.sqrt(s) + eps
                if momentum:
                    buf = momentum * buf + g / avg
                    x = x - lr * buf
                else:
                    x = x - lr * g / avg
            np.testing.assert_allclose(run(centered=centered, momentum=momentum), x, rtol=1e-13)


def test_adadelta_by_hand_with_and_without_weight_decay():
    grads = [np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([-1.0, 3.0])]
    for lr, rho, eps, wd in [(1.0, 0.9, 1e-6, 0.0), (0.5, 0.8, 1e-3, 0.1)]:
        x = nn.Parameter(np.array([1.0, -1.0]))
        opt = optim.Adadelta([x], lr=lr, rho=rho, eps=eps, weight_decay=wd)
        expected, s, u = np.array([1.0, -1.0]), np.zeros(2), np.zeros(2)
        for g in grads:
            x.grad = Tensor(g.copy())
            opt.step()
            g = g + wd * expected
            s = rho * s + (1 - rho) * g * g
            delta = np.sqrt(u + eps) / np.sqrt(s + eps) * g
            u = rho * u + (1 - rho) * delta * delta
            expected = expected - lr * delta
        np.testing.assert_allclose(x.array, expected, rtol=1e-13)
        assert opt.state[x]["step"] == 3 and set(opt.state[x]) == {"step", "square_avg", "acc_delta"}
    with pytest.raises(ValueError, match="invalid rho value: 1.5"):
        optim.Adadelta([nn.Parameter(np.zeros(1))], rho=1.5)


# ----------------------------------------------------------------------------- convergence
OPTIMIZERS = [
    ("sgd", lambda p: optim.SGD(p, lr=0.05)),
    ("sgd_momentum", lambda p: optim.SGD(p, lr=0.02, momentum=0.9)),
    ("sgd_nesterov", lambda p: optim.SGD(p, lr=0.02, momentum=0.9, nesterov=True)),
    ("adam", lambda p: optim.Adam(p, lr=0.02)),
    ("adamw", lambda p: optim.AdamW(p, lr=0.02, weight_decay=1e-4)),
    ("amsgrad", lambda p: optim.Adam(p, lr=0.02, amsgrad=True)),
    ("rmsprop", lambda p: optim.RMSprop(p, lr=0.01)),
    ("rmsprop_centered", lambda p: optim.RMSprop(p, lr=0.01, centered=True)),
    ("rmsprop_momentum", lambda p: optim.RMSprop(p, lr=0.005, momentum=0.5)),
]


@pytest.mark.parametrize("name,make", OPTIMIZERS, ids=[name for name, _ in OPTIMIZERS])
def test_optimizer_reaches_the_optimum_of_a_convex_quadratic(name, make):
    rng = np.random.default_rng(0)
    q = rng.standard_normal((4, 4))
    a = q @ q.T + 0.5 * np.eye(4)  # eigenvalues 0.6 ... 9.7: mildly ill-conditioned
    c = rng.standard_normal(4)
    x = nn.Parameter(np.zeros(4))
    opt = make([x])
    # A decaying rate lets the sign-like methods (Adam, RMSprop) settle instead of hovering.
    schedule = lr_scheduler.ExponentialLR(opt, gamma=0.998)
    a_tensor = Tensor(a)
    start = None
    for _ in range(2000):
        opt.zero_grad()
        d = x - Tensor(c)
        loss = 0.5 * (d * (a_tensor @ d)).sum()
        start = loss.item() if start is None else start
        loss.backward()
        opt.step()
        schedule.step()
    assert start > 0.1
    np.testing.assert_allclose(x.array, c, atol=1e-3)


def test_sgd_weight_decay_converges_to_the_regularised_optimum():
    c, wd = np.array([1.0, -3.0]), 0.5
    for make in (lambda p: optim.SGD(p, lr=0.05, weight_decay=wd), lambda p: optim.Adam(p, lr=0.05, weight_decay=wd)):
        x = nn.Parameter(np.zeros(2))
        opt = make([x])
        schedule = lr_scheduler.ExponentialLR(opt, gamma=0.998)
        for _ in range(2000):
            quadratic_grad_step(opt, x, c)
            schedule.step()
        # argmin sum((x - c)^2) + wd/2 |x|^2  is  x = 2c / (2 + wd).
        np.testing.assert_allclose(x.array, 2 * c / (2 + wd), atol=1e-3)


# ----------------------------------------------------------------------------- mechanics
def test_params_without_grad_are_skipped_and_zero_grad_sets_none():
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(3))
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = Tensor(np.ones(2))
    opt.step()
    np.testing.assert_array_equal(b.array, np.ones(3))
    assert b not in opt.state and opt.state[a]["step"] == 1
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_param_groups_have_their_own_options_and_lr_can_be_changed():
    a, b = nn.Parameter(np.zeros(1)), nn.Parameter(np.zeros(1))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.0)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.0
    a.grad, b.grad = Tensor(np.ones(1)), Tensor(np.ones(1))
    opt.step()
    np.testing.assert_allclose([a.array[0], b.array[0]], [-0.1, -0.5])
    opt.param_groups[0]["lr"] = 1.0
    opt.step()
    np.testing.assert_allclose(a.array, [-1.1])


def test_step_with_closure_returns_the_loss():
    x = nn.Parameter(np.array([3.0]))
    opt = optim.SGD([x], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 9.0 and x.array[0] == pytest.approx(1.5)


def test_constructor_errors():
    x = nn.Parameter(np.zeros(2))
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(x, lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        optim.Adam([x], lr=-1.0)
    with pytest.raises(ValueError, match="beta parameter at index 1"):
        optim.Adam([x], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([x], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [x]}, {"params": [x]}], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([x * 2.0], lr=0.1)


# ----------------------------------------------------------------------------- state_dict
def _make_model_and_data(seed: int):
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(3, 6, rng=rng), nn.Tanh(), nn.Linear(6, 2, rng=rng))
    batches = [(rng.standard_normal((8, 3)).astype(np.float32), rng.integers(0, 2, 8)) for _ in range(10)]
    return model, batches


def _train(model, opt, batches) -> None:
    from minigan.nn import functional as F

    for x, labels in batches:
        opt.zero_grad()
        F.cross_entropy(model(minigan.tensor(x)), labels).backward()
        opt.step()


RESUMABLE = [
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    lambda p: optim.Adam(p, lr=1e-2, amsgrad=True),
    lambda p: optim.AdamW(p, lr=1e-2),
    lambda p: optim.RMSprop(p, lr=1e-2, momentum=0.3, centered=True),
]


@pytest.mark.parametrize("make", RESUMABLE, ids=["sgd", "adam_amsgrad", "adamw", "rmsprop"])
def test_resuming_from_a_saved_state_dict_is_bit_exact(make, tmp_path):
    model, batches = _make_model_and_data(0)
    opt = make(model.parameters())
    _train(model, opt, batches)
    uninterrupted = model.state_dict()

    model, batches = _make_model_and_data(0)
    opt = make(model.parameters())
    _train(model, opt, batches[:5])
    minigan.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, tmp_path / "ckpt.npz")
    _train(model, opt, batches[5:7])  # work after the checkpoint, to be thrown away

    checkpoint = minigan.load(tmp_path / "ckpt.npz")
    fresh_model, _ = _make_model_and_data(1)  # different initial weights: all must come from the file
    fresh_model.load_state_dict(checkpoint["model"])
    fresh_opt = make(fresh_model.parameters())
    fresh_opt.load_state_dict(checkpoint["optimizer"])
    _train(fresh_model, fresh_opt, batches[5:])
    for key, value in fresh_model.state_dict().items():
        np.testing.assert_array_equal(value, uninterrupted[key])


def test_state_dict_format_copies_and_restores_group_options():
    a, b = nn.Parameter(np.ones((2, 2))), nn.Parameter(np.ones(3))
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = Tensor(np.ones((2, 2))), Tensor(np.ones(3))
    opt.step()
    state = opt.state_dict()
    assert sorted(state["state"]) == [0, 1]
    assert [g["params"] for g in state["param_groups"]] == [[0], [1]]
    assert state["state"][1]["step"] == 1 and state["state"][1]["exp_avg"].shape == (3,)
    state["state"][0]["exp_avg"][...] = 99.0  # a copy
    assert not np.any(opt.state[a]["exp_avg"] == 99.0)

    other = optim.Adam([{"params": [nn.Parameter(np.ones((2, 2)))]}, {"params": [nn.Parameter(np.ones(3))]}], lr=0.01)
    other.load_state_dict(opt.state_dict())
    assert [g["lr"] for g in other.param_groups] == [0.1, 0.5]
    assert other.param_groups[0]["betas"] == (0.9, 0.999)


def test_loading_a_mismatched_state_dict_names_the_problem_and_changes_nothing():
    a, b = nn.Parameter(np.ones((2, 2))), nn.Parameter(np.ones(3))
    opt = optim.Adam([a, b], lr=0.1)
    a.grad, b.grad = Tensor(np.ones((2, 2))), Tensor(np.ones(3))
    opt.step()
    saved = opt.state_dict()

    fewer = optim.Adam([nn.Parameter(np.ones((2, 2)))])
    with pytest.raises(ValueError, match=r"group 0 has 2 parameter\(s\) in the loaded state dict but 1"):
        fewer.load_state_dict(saved)
    two_groups = optim.Adam([{"params": [nn.Parameter(np.ones((2, 2)))]}, {"params": [nn.Parameter(np.ones(3))]}])
    with pytest.raises(ValueError, match=r"1 parameter group\(s\), this optimizer has 2"):
        two_groups.load_state_dict(saved)

    c, d = nn.Parameter(np.ones((2, 2))), nn.Parameter(np.ones(4))
    reshaped = optim.Adam([c, d], lr=0.7)
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 1 \(group 0\) has shape \(3,\).*\(4,\)"):
        reshaped.load_state_dict(saved)
    assert reshaped.state == {} and reshaped.param_groups[0]["lr"] == 0.7
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        reshaped.load_state_dict({"state": {}})


# ----------------------------------------------------------------------------- schedulers
def _optimizer(lrs=(0.1,)):
    return optim.SGD([{"params": [nn.Parameter(np.zeros(1))], "lr": lr} for lr in lrs], lr=lrs[0])


def _rates(scheduler, steps):
    rates = [scheduler.get_last_lr()]
    for _ in range(steps):
        scheduler.step()
        rates.append(scheduler.get_last_lr())
    return np.array(rates)


def test_step_exponential_and_cosine_schedules_follow_their_closed_forms():
    epochs = np.arange(0, 101)
    opt = _optimizer((0.1, 0.02))
    rates = _rates(lr_scheduler.StepLR(opt, step_size=7, gamma=0.5), 100)
    for j, base in enumerate((0.1, 0.02)):
        np.testing.assert_allclose(rates[:, j], base * 0.5 ** (epochs // 7), rtol=1e-12)
    assert [g["lr"] for g in opt.param_groups] == list(rates[-1])

    rates = _rates(lr_scheduler.ExponentialLR(_optimizer(), gamma=0.97), 100)
    np.testing.assert_allclose(rates[:, 0], 0.1 * 0.97**epochs, rtol=1e-12)

    rates = _rates(lr_scheduler.CosineAnnealingLR(_optimizer(), T_max=30, eta_min=0.001), 100)
    expected = 0.001 + (0.1 - 0.001) * (1 + np.cos(np.pi * epochs / 30)) / 2
    np.testing.assert_allclose(rates[:, 0], expected, rtol=1e-12)
    assert rates[30, 0] == pytest.approx(0.001) and rates[60, 0] == pytest.approx(0.1)


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_cyclic_lr_follows_the_triangle_wave(mode):
    base, top, up, down, gamma = 0.001, 0.01, 5, 3, 0.97
    opt = _optimizer((0.5,))
    scheduler = lr_scheduler.CyclicLR(opt, base, top, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma)
    rates = _rates(scheduler, 60)[:, 0]
    expected = []
    for it in range(61):
        cycle, k = divmod(it, up + down)
        height = k / up if k <= up else 1 - (k - up) / down  # rise for `up` steps, fall for `down`
        amplitude = {"triangular": 1.0, "triangular2": 0.5**cycle, "exp_range": gamma**it}[mode]
        expected.append(base + (top - base) * height * amplitude)
    np.testing.assert_allclose(rates, expected, rtol=1e-12, atol=1e-15)
    assert rates[0] == base and opt.param_groups[0]["lr"] == rates[-1]


def test_scheduler_state_dict_round_trip_and_errors():
    opt = _optimizer()
    scheduler = lr_scheduler.CosineAnnealingLR(opt, T_max=20, eta_min=0.01)
    for _ in range(7):
        scheduler.step()
    state, optimizer_state = scheduler.state_dict(), opt.state_dict()
    continued = _rates(scheduler, 10)

    other_opt = _optimizer((0.3,))
    resumed = lr_scheduler.CosineAnnealingLR(other_opt, T_max=5)
    other_opt.load_state_dict(optimizer_state)
    resumed.load_state_dict(state)
    assert resumed.T_max == 20 and resumed.last_epoch == 7
    np.testing.assert_array_equal(_rates(resumed, 10)[1:], continued[1:])

    # without the optimizer's state the rate it holds (0.3, not the saved one) is a rate the
    # scheduler did not write, so it carries on from it, as PyTorch 2.14.1's does (its values)
    unloaded = lr_scheduler.CosineAnnealingLR(_optimizer((0.3,)), T_max=5)
    unloaded.load_state_dict(state)
    np.testing.assert_allclose(_rates(unloaded, 3)[1:, 0], [0.27108487533909964, 0.24065212250131005,
                                                             0.20945109686201366], rtol=1e-14)
    with pytest.raises(ValueError, match=r"missing key\(s\) \['eta_min'\]"):
        resumed.load_state_dict({k: v for k, v in state.items() if k != "eta_min"})
