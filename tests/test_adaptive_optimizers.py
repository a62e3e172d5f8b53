"""Adagrad, Adamax, NAdam, RAdam and Rprop: 20 steps on a small quadratic against each update
written out plainly in NumPy (float64), their options' errors, param groups and resumption from
a state_dict. (A comparison with PyTorch 2.14.1, run outside the repository, agrees to about
1e-7 relative in float32.)"""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.autograd import Tensor

X0 = np.array([[1.0, -2.0, 0.5], [3.0, -0.25, 0.0]])
SCALE = np.array([[1.0, 4.0, 0.5], [0.1, 2.0, 10.0]])
CENTRE = np.array([[0.5, 1.0, -1.0], [2.0, 0.0, 0.3]])
STEPS = 20


def gradient(x: np.ndarray) -> np.ndarray:
    """Of f(x) = sum(SCALE (x - CENTRE)²): steep and shallow coordinates, so that the steps overshoot
    and the gradient's sign flips (Rprop's case)."""
    return 2 * SCALE * (x - CENTRE)


def run(make, steps: int = STEPS) -> np.ndarray:
    """The optimizer's iterate after ``steps`` steps, the gradient taken by the engine."""
    x = nn.Parameter(X0.copy())
    opt = make([x])
    for _ in range(steps):
        opt.zero_grad()
        (Tensor(SCALE) * (x - Tensor(CENTRE)) ** 2).sum().backward()
        opt.step()
    assert opt.state[x]["step"] == steps
    return x.array


# ----------------------------------------------------------------------------- the updates written out
def adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    x, s = X0.copy(), np.full_like(X0, initial_accumulator_value)
    for t in range(1, STEPS + 1):
        g = gradient(x) + weight_decay * x
        s = s + g * g
        x = x - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s) + eps)
    return x


def adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    (b1, b2), x, m, u = betas, X0.copy(), np.zeros_like(X0), np.zeros_like(X0)
    for t in range(1, STEPS + 1):
        g = gradient(x) + weight_decay * x
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g) + eps)
        x = x - lr / (1 - b1**t) * m / u
    return x


def decayed(x, lr, weight_decay, decoupled):
    """NAdam's and RAdam's weight decay: (x (1 - lr wd), g) decoupled, else (x, g + wd x)."""
    if decoupled:
        return x * (1 - lr * weight_decay), gradient(x)
    return x, gradient(x) + weight_decay * x


def nadam(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
          decoupled_weight_decay=False):
    (b1, b2), x, m, v = betas, X0.copy(), np.zeros_like(X0), np.zeros_like(X0)
    mu = [b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay)) for t in range(STEPS + 2)]
    for t in range(1, STEPS + 1):
        x, g = decayed(x, lr, weight_decay, decoupled_weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v / (1 - b2**t)) + eps
        x = (x - lr * (1 - mu[t]) / (1 - np.prod(mu[1:t + 1])) * g / denom
             - lr * mu[t + 1] / (1 - np.prod(mu[1:t + 2])) * m / denom)
    return x


def radam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
    (b1, b2), x, m, v = betas, X0.copy(), np.zeros_like(X0), np.zeros_like(X0)
    rho_inf = 2 / (1 - b2) - 1
    for t in range(1, STEPS + 1):
        x, g = decayed(x, lr, weight_decay, decoupled_weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho_t > 5:
            r = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            x = x - lr * m_hat * r * np.sqrt(1 - b2**t) / (np.sqrt(v) + eps)
        else:
            x = x - lr * m_hat
    return x


def rprop(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50)):
    x, prev, size = X0.copy(), np.zeros_like(X0), np.full_like(X0, lr)
    for _ in range(STEPS):
        g = gradient(x)
        same = g * prev
        size = np.clip(size * np.where(same > 0, etas[1], np.where(same < 0, etas[0], 1.0)), *step_sizes)
        g = np.where(same < 0, 0.0, g)
        x = x - np.sign(g) * size
        prev = g
    return x


CASES = [
    (optim.Adagrad, adagrad, {}),
    (optim.Adagrad, adagrad, dict(lr=0.3, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-3)),
    (optim.Adamax, adamax, {}),
    (optim.Adamax, adamax, dict(lr=0.1, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.1)),
    (optim.NAdam, nadam, {}),
    (optim.NAdam, nadam, dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1, momentum_decay=0.1)),
    (optim.NAdam, nadam, dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)),
    (optim.RAdam, radam, {}),  # 20 steps at β2 0.999: ρ_t stays under 5, the plain momentum step
    (optim.RAdam, radam, dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1)),  # rectified from step 6
    (optim.RAdam, radam, dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1, decoupled_weight_decay=True)),
    (optim.Rprop, rprop, {}),
    (optim.Rprop, rprop, dict(lr=0.3, etas=(0.3, 1.5), step_sizes=(0.05, 0.4))),
]


@pytest.mark.parametrize("cls,reference,options", CASES,
                         ids=[f"{cls.__name__}-{i}" for i, (cls, _, _) in enumerate(CASES)])
def test_twenty_steps_follow_the_update_written_out(cls, reference, options):
    expected = reference(**options)
    assert not np.allclose(expected, X0, atol=1e-3)  # the steps went somewhere
    np.testing.assert_allclose(run(lambda p: cls(p, **options)), expected, rtol=1e-12, atol=1e-14)


def test_radam_takes_the_rectified_step_once_rho_exceeds_5():
    from minigan.formulas import radam_rectification

    assert [radam_rectification(t, 0.9) is None for t in range(1, 8)] == [True] * 5 + [False] * 2
    assert radam_rectification(10**6, 0.999) == pytest.approx(1.0)


def test_defaults_are_pytorchs():
    p = [nn.Parameter(np.zeros(2))]
    assert optim.Adagrad(p).defaults == dict(
        lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10)
    assert optim.Adamax(p).defaults == dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    assert optim.NAdam(p).defaults == dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                                           momentum_decay=4e-3, decoupled_weight_decay=False)
    assert optim.RAdam(p).defaults == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                                           decoupled_weight_decay=False)
    assert optim.Rprop(p).defaults == dict(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50))


def test_adagrad_makes_its_state_at_construction_as_pytorch():
    x = nn.Parameter(np.zeros(3))
    state = optim.Adagrad([x], initial_accumulator_value=0.25).state_dict()["state"]
    assert state[0]["step"] == 0
    np.testing.assert_array_equal(state[0]["sum"], [0.25] * 3)


@pytest.mark.parametrize("make,message", [
    (lambda p: optim.Adagrad(p, lr_decay=-1), "invalid lr_decay value: -1"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), "invalid initial_accumulator_value value: -1"),
    (lambda p: optim.Adagrad(p, eps=-1), "invalid epsilon value: -1"),
    (lambda p: optim.Adamax(p, lr=-1), "invalid learning rate: -1"),
    (lambda p: optim.Adamax(p, betas=(1.0, 0.9)), "invalid beta parameter at index 0: 1.0"),
    (lambda p: optim.NAdam(p, betas=(0.9, -0.1)), r"invalid beta parameter at index 1: -0.1"),
    (lambda p: optim.NAdam(p, momentum_decay=-1), "invalid momentum_decay value: -1"),
    (lambda p: optim.RAdam(p, weight_decay=-1), "invalid weight_decay value: -1"),
    (lambda p: optim.Rprop(p, etas=(1.5, 1.2)), "invalid eta values: 1.5, 1.2"),
])
def test_bad_options_raise_pytorchs_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make([nn.Parameter(np.zeros(1))])


@pytest.mark.parametrize("cls", [optim.Adagrad, optim.Adamax, optim.NAdam, optim.RAdam, optim.Rprop])
def test_param_groups_keep_their_own_options(cls):
    a, b = nn.Parameter(X0.copy()), nn.Parameter(X0.copy())
    opt = cls([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.2)
    alone = nn.Parameter(X0.copy())
    single = cls([alone], lr=0.05)
    for _ in range(5):
        for p in (a, b, alone):
            p.grad = Tensor(gradient(p.array))
        opt.step()
        single.step()
    np.testing.assert_array_equal(b.array, alone.array)
    assert not np.allclose(a.array, b.array)


@pytest.mark.parametrize("make", [
    lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=1e-3, initial_accumulator_value=0.1),
    lambda p: optim.Adamax(p, lr=0.01, weight_decay=1e-3),
    lambda p: optim.NAdam(p, lr=0.01, weight_decay=1e-3, decoupled_weight_decay=True),
    lambda p: optim.RAdam(p, lr=0.01, betas=(0.9, 0.9)),
    lambda p: optim.Rprop(p, lr=0.01),
], ids=["adagrad", "adamax", "nadam", "radam", "rprop"])
def test_resuming_from_a_saved_state_dict_is_bit_exact(make, tmp_path):
    def train(x, opt, steps):
        for _ in range(steps):
            x.grad = Tensor(gradient(x.array))
            opt.step()

    x = nn.Parameter(X0.copy())
    opt = make([x])
    train(x, opt, 12)
    uninterrupted = x.array.copy()

    x = nn.Parameter(X0.copy())
    opt = make([x])
    train(x, opt, 5)
    minigan.save({"x": x.array, "optimizer": opt.state_dict()}, tmp_path / "ckpt.npz")
    train(x, opt, 2)  # work after the checkpoint, to be thrown away
    checkpoint = minigan.load(tmp_path / "ckpt.npz")
    fresh = nn.Parameter(np.zeros_like(X0))
    fresh.array[...] = checkpoint["x"]
    fresh_opt = make([fresh])
    fresh_opt.load_state_dict(checkpoint["optimizer"])
    train(fresh, fresh_opt, 7)
    np.testing.assert_array_equal(fresh.array, uninterrupted)


def test_float32_parameters_stay_float32():
    for cls in (optim.Adagrad, optim.Adamax, optim.NAdam, optim.RAdam, optim.Rprop):
        x = nn.Parameter(X0.astype(np.float32))
        opt = cls([x])
        for _ in range(3):
            x.grad = Tensor(gradient(x.array).astype(np.float32))
            opt.step()
        assert x.array.dtype == np.float32
        assert all(v.dtype == np.float32 for v in opt.state[x].values() if hasattr(v, "dtype"))
