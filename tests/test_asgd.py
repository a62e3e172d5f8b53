"""optim.ASGD against its update written out plainly in NumPy, PyTorch's values written out, its
averaging schedule, its errors and resumption from a state_dict."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.autograd import Tensor

X0 = np.array([[1.0, -2.0, 0.5], [3.0, -0.25, 0.0]])
SCALE = np.array([[1.0, 4.0, 0.5], [0.1, 2.0, 10.0]])
CENTRE = np.array([[0.5, 1.0, -1.0], [2.0, 0.0, 0.3]])


def asgd_written_out(steps, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0.0):
    """ASGD on f(x) = sum(SCALE (x - CENTRE)²), float64, with η and μ rounded to float32 as
    PyTorch keeps them. Returns the iterate and the average."""
    x, average = X0.copy(), np.zeros_like(X0)
    eta, mu = float(np.float32(lr)), 1.0
    for t in range(1, steps + 1):
        g = 2 * SCALE * (x - CENTRE) + weight_decay * x
        x = x * (1 - lambd * eta) - eta * g
        average = x.copy() if mu == 1 else average + mu * (x - average)
        eta = float(np.float32(lr / (1 + lambd * lr * t) ** alpha))
        mu = float(np.float32(1 / max(1, t - t0)))
    return x, average


def run(steps, **options):
    x = nn.Parameter(X0.copy())
    opt = optim.ASGD([x], **options)
    for _ in range(steps):
        opt.zero_grad()
        (Tensor(SCALE) * (x - Tensor(CENTRE)) ** 2).sum().backward()
        opt.step()
    return x, opt


@pytest.mark.parametrize("options", [
    {}, dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.1), dict(lr=0.02, t0=0), dict(t0=1e6, alpha=1.0),
])
def test_thirty_steps_follow_the_update_written_out(options):
    x, opt = run(30, **options)
    expected, average = asgd_written_out(30, **options)
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(opt.state[x]["ax"], average, rtol=1e-13, atol=1e-15)
    assert opt.state[x]["step"] == 30


def test_the_average_follows_the_iterate_until_t0_then_averages_the_iterates_after_it():
    x = nn.Parameter(X0.copy())
    opt = optim.ASGD([x], lr=0.05, t0=4)
    iterates, averages = [], []
    for _ in range(12):
        opt.zero_grad()
        (Tensor(SCALE) * (x - Tensor(CENTRE)) ** 2).sum().backward()
        opt.step()
        iterates.append(x.numpy().copy())
        averages.append(opt.state[x]["ax"].copy())
    # Step t averages with the μ of step t - 1, 1 / max(1, t - 1 - t0): 1 through step 6, so the
    # average is the iterate itself; then 1/2, 1/3, ...: the mean of the iterates from step 6 on.
    for t in range(1, 7):
        np.testing.assert_array_equal(averages[t - 1], iterates[t - 1])
    for t in range(7, 13):
        np.testing.assert_allclose(averages[t - 1], np.mean(iterates[5:t], axis=0), rtol=1e-6)


def test_pytorchs_values():
    # torch.optim.ASGD(lr=0.1, lambd=0.01, alpha=0.75, t0=2, weight_decay=0.1), five steps on
    # sum(p³) from [1, -2, 3] in float64, PyTorch 2.14.1.
    p = nn.Parameter(minigan.tensor([1.0, -2.0, 3.0], dtype=minigan.float64))
    opt = optim.ASGD([p], lr=0.1, lambd=0.01, alpha=0.75, t0=2, weight_decay=0.1)
    for _ in range(5):
        opt.zero_grad()
        (p**3).sum().backward()
        opt.step()
    np.testing.assert_allclose(p.numpy(), [0.33390523407894424, -3666.8157928543146, 0.1903042015037817],
                               rtol=1e-14)
    state = opt.state[p]
    np.testing.assert_allclose(state["ax"], [0.35778236038806305, -1887.9484202402562, 0.1977226660098541],
                               rtol=1e-14)
    assert (state["step"], state["eta"], state["mu"]) == (5, 0.09962663054466248, 0.3333333432674408)


def test_float32_parameters_stay_float32_and_resume_exactly():
    def make():
        x = nn.Parameter(minigan.tensor(X0, dtype=minigan.float32))
        return x, optim.ASGD([x], lr=0.05, t0=3)

    def step(x, opt):
        opt.zero_grad()
        (Tensor(SCALE.astype(np.float32)) * (x - Tensor(CENTRE.astype(np.float32))) ** 2).sum().backward()
        opt.step()

    x, opt = make()
    for _ in range(5):
        step(x, opt)
    saved = opt.state_dict()
    other_x, other = make()
    other_x.data.copy_(x.data)
    other.load_state_dict(saved)
    for _ in range(5):
        step(x, opt)
        step(other_x, other)
    assert x.dtype == minigan.float32 and opt.state[x]["ax"].dtype == np.float32
    np.testing.assert_array_equal(x.numpy(), other_x.numpy())
    np.testing.assert_array_equal(opt.state[x]["ax"], other.state[other_x]["ax"])


def test_bad_options_raise_pytorchs_value_error():
    x = nn.Parameter(minigan.zeros(2))
    with pytest.raises(ValueError, match="invalid learning rate: -1"):
        optim.ASGD([x], lr=-1)
    with pytest.raises(ValueError, match="invalid weight_decay value: -1"):
        optim.ASGD([x], weight_decay=-1)
