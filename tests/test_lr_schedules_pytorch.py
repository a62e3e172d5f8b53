"""PyTorch's chained schedulers, SequentialLR, ChainedScheduler, ConstantLR, PolynomialLR,
MultiplicativeLR, CosineAnnealingWarmRestarts, OneCycleLR and CyclicLR's momentum against PyTorch
2.14.1's rates,
written out below (from the same calls in PyTorch, float64 Python numbers); a scheduler alone keeps
its closed form bit for bit; resuming, and the errors."""
import math

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.optim import lr_scheduler as schedules


def _sgd(lr=1.0, **options):
    return optim.SGD([nn.Parameter(minigan.zeros(1))], lr=lr, **options)


def _rates(optimizer, step, steps):
    rates = [optimizer.param_groups[0]["lr"]]
    for index in range(steps):
        optimizer.step()
        step(index)
        rates.append(optimizer.param_groups[0]["lr"])
    return rates


def _momentum(group):
    return group["momentum"] if "momentum" in group else group["betas"][0]


def _rates_and_momenta(optimizer, scheduler, steps):
    momenta = [_momentum(optimizer.param_groups[0])]

    def step(_):
        scheduler.step()
        momenta.append(_momentum(optimizer.param_groups[0]))
    return _rates(optimizer, step, steps), momenta


MOMENTUM_OPTIMIZERS = pytest.mark.parametrize(
    "make", [lambda: _sgd(), lambda: optim.Adam([nn.Parameter(minigan.zeros(1))], lr=1.0)],
    ids=["SGD momentum", "Adam beta1"])


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-13, atol=1e-16)


def test_two_schedulers_stepped_back_to_back_multiply_their_factors():
    optimizer = _sgd()
    halving, decay = schedules.StepLR(optimizer, 2, 0.5), schedules.ExponentialLR(optimizer, 0.9)
    _close(_rates(optimizer, lambda _: (halving.step(), decay.step()), 6),
           [1.0, 0.9, 0.405, 0.36450000000000005, 0.16402500000000003, 0.14762250000000005, 0.06643012500000002])


def test_a_rate_set_by_hand_carries_on():
    optimizer = _sgd()
    decay = schedules.ExponentialLR(optimizer, 0.5)

    def step(index):
        if index == 2:
            optimizer.param_groups[0]["lr"] = 2.0
        decay.step()
    _close(_rates(optimizer, step, 5), [1.0, 0.5, 0.25, 1.0, 0.5, 0.25])


def test_a_scheduler_alone_writes_its_closed_form_bit_for_bit():
    optimizer = _sgd(0.1)
    decay = schedules.ExponentialLR(optimizer, gamma=0.3 ** (1 / 40))
    rates = _rates(optimizer, lambda _: decay.step(), 40)
    assert rates == [0.1 * decay.gamma**epoch for epoch in range(41)]


def test_chained_scheduler():
    optimizer = _sgd()
    chain = schedules.ChainedScheduler([schedules.ConstantLR(optimizer, factor=0.1, total_iters=2),
                                        schedules.ExponentialLR(optimizer, gamma=0.9)])
    _close(_rates(optimizer, lambda _: chain.step(), 5),
           [0.1, 0.09000000000000001, 0.8100000000000002, 0.7290000000000002, 0.6561000000000002, 0.5904900000000002])
    assert chain.get_last_lr() == [optimizer.param_groups[0]["lr"]]

    optimizer = _sgd()
    chain = schedules.ChainedScheduler([schedules.LinearLR(optimizer, start_factor=0.2, total_iters=4),
                                        schedules.CosineAnnealingLR(optimizer, T_max=5, eta_min=0.01)])
    _close(_rates(optimizer, lambda _: chain.step(), 12),
           [0.2, 0.36275831390311475, 0.396505504843422, 0.28378935908543923, 0.10528288013013187, 0.01,
            0.104536587784401, 0.35203658778440117, 0.6579634122155993, 0.9054634122155996, 1.0000000000000004,
            0.9054634122155997, 0.6579634122155994])


def test_sequential_warm_up_then_decay():
    optimizer = _sgd()
    sequence = schedules.SequentialLR(optimizer, [schedules.LinearLR(optimizer, start_factor=0.1, total_iters=3),
                                                  schedules.CosineAnnealingLR(optimizer, T_max=6)], milestones=[3])
    _close(_rates(optimizer, lambda _: sequence.step(), 10),
           [0.1, 0.39999999999999997, 0.7, 1.0, 0.9330127018922194, 0.75, 0.5, 0.2500000000000001,
            0.06698729810778065, 0.0, 0.06698729810778065])

    optimizer = _sgd()
    sequence = schedules.SequentialLR(optimizer, [schedules.ConstantLR(optimizer, 0.5, 10),
                                                  schedules.StepLR(optimizer, 2, 0.5),
                                                  schedules.PolynomialLR(optimizer, 5, 1.5)], milestones=[3, 8])
    _close(_rates(optimizer, lambda _: sequence.step(), 12),
           [0.5, 0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 0.25, 1.0, 0.7155417527999328, 0.46475800154489005,
            0.2529822128134704, 0.08944271909999156])


def test_constant_polynomial_and_multiplicative():
    optimizer = _sgd()
    constant = schedules.ConstantLR(optimizer, factor=0.25, total_iters=3)
    _close(_rates(optimizer, lambda _: constant.step(), 4), [0.25, 0.25, 0.25, 1.0, 1.0])
    optimizer = _sgd()
    polynomial = schedules.PolynomialLR(optimizer, total_iters=4, power=0.7)
    _close(_rates(optimizer, lambda _: polynomial.step(), 5),
           [1.0, 0.8176037681770133, 0.6155722066724582, 0.37892914162759955, 0.0, 0.0])
    assert polynomial.get_last_lr() == [(1 - 4 / 4) ** 0.7]  # the closed form, written out: 0
    optimizer = _sgd()
    multiplicative = schedules.MultiplicativeLR(optimizer, lambda epoch: 1.0 - 0.1 * epoch)
    _close(_rates(optimizer, lambda _: multiplicative.step(), 4), [1.0, 0.9, 0.7200000000000001, 0.504, 0.3024])


def test_cosine_annealing_with_warm_restarts():
    optimizer = _sgd()
    restarts = schedules.CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=2, eta_min=0.01)
    _close(_rates(optimizer, lambda _: restarts.step(), 8),
           [1.0, 0.505, 1.0, 0.855017856687341, 0.505, 0.15498214331265903, 1.0, 0.9623203685930869,
            0.855017856687341])
    assert (restarts.T_i, restarts.T_cur) == (8, 2)  # epoch 8: cycles of 2, 4 and 8 epochs began at 0, 2 and 6

    optimizer = _sgd()
    restarts = schedules.CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=2, eta_min=0.01)
    _close(_rates(optimizer, lambda index: restarts.step(0.75 * (index + 1)), 8),  # inside epochs too
           [1.0, 0.6944282990207195, 0.15498214331265903, 0.990488713799599, 0.855017856687341,
            0.6015697093979836, 0.3155717009792806, 0.09342254191024005, 1.0])
    # the formula written out at epoch 3.75: the second cycle (T_i 4) began at epoch 2
    assert restarts.get_last_lr()[0] == 1.0
    restarts.step(3.75)
    assert restarts.get_last_lr()[0] == pytest.approx(0.01 + 0.99 * (1 + math.cos(math.pi * 1.75 / 4)) / 2)


@MOMENTUM_OPTIMIZERS
def test_one_cycle_moves_rate_and_momentum(make):
    optimizer = make()
    cycle = schedules.OneCycleLR(optimizer, max_lr=1.0, total_steps=6)
    group = optimizer.param_groups[0]
    rates, momenta = _rates_and_momenta(optimizer, cycle, 6)
    _close(rates,
           [0.040000000000000036, 0.9944154354509117, 0.811745653949763, 0.46263710266697505, 0.1334775301888306,
            4e-06, 0.13347753018883055])
    _close(momenta, [0.95, 0.8505584586887436, 0.8688255099070633, 0.9037365046793212, 0.9366525935914912, 0.95,
                     0.9366525935914912])
    assert (group["max_lr"], group["initial_lr"], group["min_lr"]) == (1.0, 1.0 / 25, 1.0 / 25 / 1e4)
    if "betas" in group:
        assert group["betas"][1] == 0.999
    with pytest.raises(ValueError, match="Tried to step 7 times. The specified number of total steps is 6"):
        cycle.step()
    assert cycle.last_epoch == 7 and group["lr"] == pytest.approx(0.13347753018883055)  # counted, as PyTorch's


def test_one_cycle_three_phases_linear():
    optimizer = _sgd()
    cycle = schedules.OneCycleLR(optimizer, max_lr=2.0, epochs=2, steps_per_epoch=4, three_phase=True,
                                 anneal_strategy="linear", pct_start=0.25, cycle_momentum=False)
    _close(_rates(optimizer, lambda _: cycle.step(), 8),
           [0.08, 2.0, 0.08000000000000007, 0.06400159999999999, 0.048003199999999996, 0.0320048,
            0.01600639999999999, 7.999999999994123e-06, -0.015990400000000002])
    assert optimizer.param_groups[0]["momentum"] == 0  # not cycled


@MOMENTUM_OPTIMIZERS
def test_cyclic_moves_the_momentum_the_other_way(make):
    optimizer = make()
    cyclic = schedules.CyclicLR(optimizer, base_lr=0.1, max_lr=1.0, step_size_up=3, step_size_down=2,
                                mode="triangular2")
    rates, momenta = _rates_and_momenta(optimizer, cyclic, 7)
    _close(rates,
           [0.1, 0.3999999999999999, 0.6999999999999998, 0.9999999999999998, 0.5499999999999999, 0.1,
            0.2500000000000001, 0.3999999999999999])
    _close(momenta, [0.9, 0.8666666666666667, 0.8333333333333334, 0.8, 0.8500000000000001, 0.9, 0.8833333333333333,
                     0.8666666666666667])


def test_cyclic_with_a_scale_function_of_the_iteration():
    optimizer = _sgd()
    cyclic = schedules.CyclicLR(optimizer, 0.1, 1.0, 2, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations",
                                cycle_momentum=False)
    _close(_rates(optimizer, lambda _: cyclic.step(), 6),
           [0.1, 0.325, 0.4, 0.21250000000000002, 0.1, 0.175, 0.22857142857142856])
    assert optimizer.param_groups[0]["momentum"] == 0


def _resumed_rates(build, steps_before, steps_after):
    """The rates after ``steps_before`` steps, saved and loaded into a fresh scheduler and optimizer."""
    optimizer, scheduler = build()
    for _ in range(steps_before):
        optimizer.step()
        scheduler.step()
    scheduler_state, optimizer_state = scheduler.state_dict(), optimizer.state_dict()
    straight_on = _rates(optimizer, lambda _: scheduler.step(), steps_after)
    optimizer, scheduler = build()
    optimizer.load_state_dict(optimizer_state)
    scheduler.load_state_dict(scheduler_state)
    return straight_on, _rates(optimizer, lambda _: scheduler.step(), steps_after)


def _chain():
    optimizer = _sgd()
    return optimizer, schedules.ChainedScheduler([schedules.ConstantLR(optimizer, factor=0.1, total_iters=4),
                                                  schedules.CosineAnnealingLR(optimizer, T_max=5, eta_min=0.01)])


def _sequence():
    optimizer = _sgd()
    return optimizer, schedules.SequentialLR(optimizer, [schedules.LinearLR(optimizer, 0.1, total_iters=3),
                                                         schedules.ExponentialLR(optimizer, 0.8)], milestones=[3])


def _restarts():
    optimizer = _sgd()
    return optimizer, schedules.CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=3)


def _cycle():
    optimizer = optim.Adam([nn.Parameter(minigan.zeros(1))], lr=1.0)
    return optimizer, schedules.OneCycleLR(optimizer, max_lr=0.5, total_steps=12)


def _cyclic():
    optimizer = _sgd()
    return optimizer, schedules.CyclicLR(optimizer, 0.1, 1.0, 2, 3, mode="exp_range", gamma=0.9)


@pytest.mark.parametrize("build", [_chain, _sequence, _restarts, _cycle, _cyclic])
@pytest.mark.parametrize("steps_before", [1, 3, 5])
def test_resuming_gives_the_same_rates(build, steps_before):
    straight_on, resumed = _resumed_rates(build, steps_before, 6)
    assert resumed == straight_on


def test_a_cyclic_schedule_saved_before_it_moved_the_momentum_resumes_without_moving_it():
    optimizer = _sgd()
    cyclic = schedules.CyclicLR(optimizer, 0.1, 1.0, 2)
    state = cyclic.state_dict()
    for key in ("cycle_momentum", "base_momentums", "max_momentums", "use_beta1", "_chained"):
        del state[key]  # what a state saved by minigan's CyclicLR before these keys holds
    optimizer = _sgd()
    resumed = schedules.CyclicLR(optimizer, 0.1, 1.0, 2)
    optimizer.param_groups[0]["momentum"] = 0.0
    resumed.load_state_dict(state)
    resumed.step()
    assert resumed.cycle_momentum is False and optimizer.param_groups[0]["momentum"] == 0.0
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.55)


@pytest.mark.parametrize("make, error, message", [
    (lambda o: schedules.ConstantLR(o, factor=1.5), ValueError, "Constant multiplicative factor expected to be"),
    (lambda o: schedules.PolynomialLR(o, total_iters=0), ValueError, "total_iters must be a positive integer"),
    (lambda o: schedules.MultiplicativeLR(o, 0.9), TypeError, "lr_lambda should be a function, but got float"),
    (lambda o: schedules.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "Expected positive integer T_0"),
    (lambda o: schedules.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), ValueError, "integer T_mult >= 1"),
    (lambda o: schedules.OneCycleLR(o, max_lr=1.0), ValueError, "either total_steps OR"),
    (lambda o: schedules.OneCycleLR(o, max_lr=1.0, total_steps=0), ValueError, "positive integer total_steps"),
    (lambda o: schedules.OneCycleLR(o, max_lr=1.0, total_steps=5, pct_start=1), ValueError,
     "Expected float between 0 and 1 pct_start"),
    (lambda o: schedules.OneCycleLR(o, max_lr=1.0, total_steps=5, anneal_strategy="exp"), ValueError,
     "anneal_strategy must be one of 'cos' or 'linear'"),
    (lambda o: schedules.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=5), ValueError,
     "max_lr must have the same length as optimizer.param_groups. max_lr has 2 values, param_groups has 1."),
    (lambda o: schedules.SequentialLR(o, [schedules.StepLR(o, 2)], milestones=[3]), ValueError,
     "number of schedulers 1 and the number of milestones to be equal to 1"),
    (lambda o: schedules.SequentialLR(o, [], milestones=[]), ValueError, "expects at least one scheduler"),
    (lambda o: schedules.ChainedScheduler([schedules.StepLR(o, 2), schedules.ReduceLROnPlateau(o)]), ValueError,
     "does not support `ReduceLROnPlateau`"),
    (lambda o: schedules.ChainedScheduler([schedules.StepLR(o, 2), schedules.StepLR(_sgd(), 2)]), ValueError,
     "expects all schedulers to belong to the same optimizer"),
])
def test_bad_arguments_get_pytorch_s_one_line(make, error, message):
    optimizer = _sgd(0.1)
    with pytest.raises(error, match=message):
        make(optimizer)


def test_one_cycle_needs_a_momentum_to_cycle():
    optimizer = optim.Adagrad([nn.Parameter(minigan.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        schedules.OneCycleLR(optimizer, max_lr=1.0, total_steps=5)
    schedules.OneCycleLR(optimizer, max_lr=1.0, total_steps=5, cycle_momentum=False)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.04)
