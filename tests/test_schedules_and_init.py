"""MultiStepLR, LinearLR and LambdaLR against their rates written out by hand; nn.init's
``generator=``."""
import math

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.optim import lr_scheduler


def _rates(make_scheduler, epochs, groups=None):
    params = groups or [nn.Parameter(minigan.ones(1))]
    optimizer = optim.SGD(params, lr=0.1)
    scheduler = make_scheduler(optimizer)
    rates = []
    for _ in range(epochs):
        rates.append(scheduler.get_last_lr())
        optimizer.step()
        scheduler.step()
    return rates, scheduler, optimizer


def test_multistep_lr_multiplies_by_gamma_at_each_milestone_counting_repeats():
    rates, _, _ = _rates(lambda o: lr_scheduler.MultiStepLR(o, milestones=[5, 2, 5], gamma=0.5), 7)
    expected = [0.1, 0.1, 0.05, 0.05, 0.05, 0.0125, 0.0125]  # 5 twice: two halvings at epoch 5
    assert [r[0] for r in rates] == pytest.approx(expected)


def test_linear_lr_ramps_the_factor_then_holds_it():
    rates, _, optimizer = _rates(lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4), 7)
    expected = [0.1 * f for f in (0.25, 0.4375, 0.625, 0.8125, 1.0, 1.0, 1.0)]
    assert [r[0] for r in rates] == pytest.approx(expected)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1)


def test_lambda_lr_per_group_and_its_state_dict_round_trip():
    groups = [{"params": [nn.Parameter(minigan.ones(1))]}, {"params": [nn.Parameter(minigan.ones(1))], "lr": 0.5}]
    lambdas = [lambda epoch: 0.9**epoch, lambda epoch: 1.0 / (epoch + 1)]
    rates, scheduler, optimizer = _rates(lambda o: lr_scheduler.LambdaLR(o, lambdas), 4, groups)
    assert rates == [pytest.approx([0.1 * 0.9**e, 0.5 / (e + 1)]) for e in range(4)]
    again = lr_scheduler.LambdaLR(optimizer, lambdas)
    again.load_state_dict(scheduler.state_dict())
    again.step()
    assert again.get_last_lr() == pytest.approx([0.1 * 0.9**5, 0.5 / 6])


@pytest.mark.parametrize("make, error, message", [
    (lambda o: lr_scheduler.MultiStepLR(o, [2, -1]), ValueError, "milestones must be a list of epochs >= 0"),
    (lambda o: lr_scheduler.LinearLR(o, start_factor=0.0), ValueError,
     "^Starting multiplicative factor expected to be greater than 0 and less or equal to 1.$"),  # PyTorch's
    (lambda o: lr_scheduler.LinearLR(o, total_iters=0), ValueError, "total_iters must be a positive integer"),
    (lambda o: lr_scheduler.LambdaLR(o, 0.5), TypeError, "lr_lambda should be a function, but got float"),
    (lambda o: lr_scheduler.LambdaLR(o, [math.exp, math.exp]), ValueError, "Expected 1 lr_lambdas, but got 2"),
])
def test_bad_scheduler_arguments_get_one_line(make, error, message):
    optimizer = optim.SGD([nn.Parameter(minigan.ones(1))], lr=0.1)
    with pytest.raises(error, match=message):
        make(optimizer)
    assert optimizer.param_groups[0]["lr"] == 0.1


def test_init_takes_pytorch_s_generator_argument():
    def drawn(seed):
        weight = minigan.zeros(3, 4)
        nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=minigan.Generator().manual_seed(seed))
        return weight.numpy()

    first, again, other = drawn(3), drawn(3), drawn(4)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert np.abs(first).max() <= 1 / math.sqrt(4)  # the bound 1/sqrt(fan_in) with nn.Linear's a = sqrt(5)
    with pytest.raises(TypeError, match="pass rng= or generator=, not both"):
        nn.init.normal_(minigan.zeros(2), rng=np.random.default_rng(0), generator=minigan.Generator())


def _plateau(**settings):
    opt = optim.SGD([nn.Parameter(minigan.zeros(1))], lr=1.0)
    return opt, lr_scheduler.ReduceLROnPlateau(opt, **settings)


def test_reduce_on_plateau_cuts_the_rate_after_patience_bad_steps():
    opt, schedule = _plateau(patience=2, factor=0.5)
    rates = []
    for loss in [5.0, 4.0, 4.0, 4.0, 4.0, 3.0, 3.5, 3.5, 3.5]:
        schedule.step(loss)
        rates.append(opt.param_groups[0]["lr"])
    # bad steps: 4.0 x3 -> the third (> patience 2) halves the rate; 3.0 is better; 3.5 x3 halves again
    assert rates == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25]
    assert schedule.get_last_lr() == [0.25] and schedule.best == 3.0 and schedule.last_epoch == 9


def test_reduce_on_plateau_threshold_cooldown_max_mode_and_min_lr():
    opt, schedule = _plateau(patience=0, threshold=0.1, factor=0.5)  # rel: better means < best * 0.9
    schedule.step(1.0)
    schedule.step(0.95)  # not 10% better: a bad step, and patience 0 cuts at once
    assert opt.param_groups[0]["lr"] == 0.5 and schedule.best == 1.0
    opt, schedule = _plateau(patience=0, cooldown=2, factor=0.5)
    for loss in [1.0, 2.0, 2.0, 2.0, 2.0]:  # cut at the first 2.0, then two steps of cooldown
        schedule.step(loss)
    assert opt.param_groups[0]["lr"] == 0.25
    opt, schedule = _plateau(mode="max", threshold_mode="abs", threshold=0.5, patience=0, factor=0.1, min_lr=0.05)
    schedule.step(1.0)
    schedule.step(1.4)  # within 0.5 of the best accuracy: bad
    schedule.step(1.3)
    assert opt.param_groups[0]["lr"] == 0.05 and schedule.best == 1.0  # 1.0 -> 0.1 -> max(0.01, 0.05)
    schedule.step(minigan.tensor(1.6))  # a one-element tensor, as a loss is
    assert schedule.best == pytest.approx(1.6)


def test_reduce_on_plateau_resumes_from_its_state_dict():
    opt, schedule = _plateau(patience=1)
    for loss in [3.0, 3.0]:
        schedule.step(loss)
    state = schedule.state_dict()
    restored_opt, restored = _plateau(patience=1)
    restored.load_state_dict(state)
    restored_opt.load_state_dict(opt.state_dict())
    for s, o in ((schedule, opt), (restored, restored_opt)):
        s.step(3.0)  # the second bad step, after the resume too
    assert restored_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"] == pytest.approx(0.1)
    with pytest.raises(ValueError, match=r"^Factor should be < 1.0.$"):  # PyTorch's messages
        _plateau(factor=1.0)
    with pytest.raises(ValueError, match="^mode best is unknown!$"):
        _plateau(mode="best")
    with pytest.raises(ValueError, match="missing key"):
        restored.load_state_dict({"best": 1.0})
