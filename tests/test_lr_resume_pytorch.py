"""The schedulers' ``last_epoch=`` (resuming), ``step(epoch)``, OneCycleLR stepped past its total,
ReduceLROnPlateau, SequentialLR and ChainedScheduler as LRSchedulers, and the signatures, against
PyTorch 2.14.1's (its rates written out below, float64 Python numbers from the same calls, or the
formulas written out in plain Python)."""
import inspect
import math
import warnings

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.optim import lr_scheduler as schedules

DEPRECATED_EPOCH = r"^The epoch parameter in `scheduler.step\(\)` was not necessary and is being deprecated"


def _sgd(lr=1.0, groups=1):
    return optim.SGD([{"params": [nn.Parameter(minigan.zeros(1))]} for _ in range(groups)], lr=lr, momentum=0.9)


def _resumed(lr, initial_lr=1.0, **keys):
    """An optimizer as a checkpoint leaves it: the rate in force and the base rate (initial_lr)."""
    optimizer = _sgd(lr)
    optimizer.param_groups[0].update(initial_lr=initial_lr, **keys)
    return optimizer


def _rates(optimizer, scheduler, steps=9):
    """The rate construction wrote, then the rate after each of ``steps`` steps."""
    rates = [optimizer.param_groups[0]["lr"]]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        rates.append(optimizer.param_groups[0]["lr"])
    return rates


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-13, atol=1e-16)


# ----------------------------------------------------------------------------- last_epoch=: resuming
def test_resuming_without_initial_lr_raises_pytorchs_key_error():
    optimizer = _sgd()
    with pytest.raises(KeyError, match=r"param 'initial_lr' is not specified in param_groups\[0\] when resuming "
                                       r"scheduler with last_epoch >= 0.\\nThis typically happens when"):
        schedules.StepLR(optimizer, 3, last_epoch=4)
    assert optimizer.param_groups[0]["lr"] == 1.0 and "initial_lr" not in optimizer.param_groups[0]


def test_the_base_rates_come_from_initial_lr():
    optimizer = _resumed(0.5, initial_lr=2.0)
    scheduler = schedules.StepLR(optimizer, 3, 0.5, last_epoch=4)
    assert scheduler.base_lrs == [2.0] and scheduler.last_epoch == 5
    assert optimizer.param_groups[0]["initial_lr"] == 2.0


def test_step_lr_resumed_at_its_own_rate_goes_on_in_closed_form():
    # epoch 4 of StepLR(3, 0.3) from 1.0 is 0.3: construction goes to epoch 5, then one epoch a step
    optimizer = _resumed(0.3)
    scheduler = schedules.StepLR(optimizer, 3, 0.3, last_epoch=4)
    assert _rates(optimizer, scheduler) == [0.3 ** (epoch // 3) for epoch in range(5, 15)]
    assert scheduler.last_epoch == 14


def test_step_lr_resumed_at_another_rate_steps_from_it():
    # PyTorch 2.14.1: 0.7 at epoch 5, times 0.3 at epochs 6, 9 and 12
    optimizer = _resumed(0.7)
    scheduler = schedules.StepLR(optimizer, 3, 0.3, last_epoch=4)
    _close(_rates(optimizer, scheduler), [0.7, 0.21, 0.21, 0.21, 0.063, 0.063, 0.063, 0.0189, 0.0189, 0.0189])


def test_multistep_and_constant_resumed():
    optimizer = _resumed(0.25)  # MultiStepLR([2, 5, 5, 9], 0.5) at epoch 3 is 0.5: not its own rate
    scheduler = schedules.MultiStepLR(optimizer, [2, 5, 5, 9], 0.5, last_epoch=3)
    _close(_rates(optimizer, scheduler),  # PyTorch 2.14.1: a quarter at epoch 5 (twice a milestone), a half at 9
           [0.25, 0.0625, 0.0625, 0.0625, 0.0625, 0.03125, 0.03125, 0.03125, 0.03125, 0.03125])
    optimizer = _resumed(0.25)  # ConstantLR(0.25, 4) at epoch 2: 0.25, its own rate; epoch 4 ends the factor
    scheduler = schedules.ConstantLR(optimizer, 0.25, 4, last_epoch=2)
    assert _rates(optimizer, scheduler, 4) == [0.25, 1.0, 1.0, 1.0, 1.0]


def test_exponential_lr_resumed_keeps_the_rate_one_epoch_then_steps_from_it():
    # PyTorch does not move the rate at construction when resuming: at epoch 4 it is still epoch 3's
    optimizer = _resumed(0.125)
    scheduler = schedules.ExponentialLR(optimizer, 0.5, last_epoch=3)
    assert scheduler.last_epoch == 4
    assert _rates(optimizer, scheduler) == [0.125 * 0.5**step for step in range(10)]
    optimizer = _resumed(0.3)
    scheduler = schedules.ExponentialLR(optimizer, 0.5, last_epoch=3)
    assert _rates(optimizer, scheduler, 3) == [0.3, 0.15, 0.075, 0.0375]


def test_linear_lr_resumed_never_reaches_its_end_factor():
    # LinearLR(0.5, 1.0, 4) at epoch 1 is 0.625; PyTorch keeps it at epoch 2, then multiplies by the
    # ratios of epochs 3 and 4 only: 0.625 * 7/6 * 8/7, and holds that
    optimizer = _resumed(0.625)
    scheduler = schedules.LinearLR(optimizer, 0.5, 1.0, 4, last_epoch=1)
    _close(_rates(optimizer, scheduler, 5),
           [0.625, 0.7291666666666667, 0.8333333333333334, 0.8333333333333334, 0.8333333333333334, 0.8333333333333334])


def test_polynomial_and_cosine_resumed():
    optimizer = _resumed((1 - 2 / 7) ** 1.5)
    scheduler = schedules.PolynomialLR(optimizer, 7, 1.5, last_epoch=2)
    _close(_rates(optimizer, scheduler),
           [0.603681610520369, 0.3921027078811071, 0.2134336802382846, 0.07546020131504619, 0.0, 0.0, 0.0, 0.0, 0.0,
            0.0])
    optimizer = _resumed((1 + math.cos(math.pi / 4)) / 2)  # CosineAnnealingLR(4) at epoch 1
    scheduler = schedules.CosineAnnealingLR(optimizer, 4, last_epoch=1)
    _close(_rates(optimizer, scheduler),
           [0.8535533905932737, 0.25000000000000006, 0.0, 0.1464466094067262, 0.5000000000000001, 0.8535533905932742,
            1.0000000000000004, 0.8535533905932742, 0.5000000000000003, 0.14644660940672674])


def test_lambda_and_multiplicative_resumed():
    optimizer = _resumed(0.37)
    scheduler = schedules.LambdaLR(optimizer, lambda epoch: 0.9**epoch, last_epoch=5)
    _close(_rates(optimizer, scheduler), [0.9**epoch for epoch in range(6, 16)])
    optimizer = _resumed(0.3)
    scheduler = schedules.MultiplicativeLR(optimizer, lambda epoch: 0.5, last_epoch=2)
    assert _rates(optimizer, scheduler, 3) == [0.3, 0.15, 0.075, 0.0375]


def test_cyclic_and_one_cycle_resumed():
    optimizer = _resumed(0.37, initial_lr=0.1)
    optimizer.param_groups[0]["momentum"] = 0.5
    scheduler = schedules.CyclicLR(optimizer, 0.1, 1.0, 3, 2, last_epoch=2)
    # iteration 3 of 5 is the top; the groups' keys are not written again, the momentum moves
    _close(_rates(optimizer, scheduler, 5), [1.0, 0.55, 0.1, 0.4, 0.7, 1.0])
    assert "max_momentum" not in optimizer.param_groups[0]
    assert optimizer.param_groups[0]["momentum"] == pytest.approx(0.8)
    optimizer = _resumed(0.5, initial_lr=0.04, max_lr=1.0, min_lr=4e-6, max_momentum=0.95, base_momentum=0.85)
    scheduler = schedules.OneCycleLR(optimizer, 1.0, total_steps=10, last_epoch=4)
    _close(_rates(optimizer, scheduler, 5),  # PyTorch 2.14.1's
           [0.6112620219362893, 0.38874197806371075, 0.18825834605023697, 0.049519367986526286, 4e-06,
            0.04951936798652623])
    with pytest.raises(KeyError, match="max_lr"):
        schedules.OneCycleLR(_resumed(0.5), 1.0, total_steps=10, last_epoch=4)


def test_warm_restarts_resumed():
    # T_cur starts at last_epoch and construction's step wraps it once: 5 % 3 = 2 in a cycle of 6
    optimizer = _resumed(0.37)
    scheduler = schedules.CosineAnnealingWarmRestarts(optimizer, 3, 2, last_epoch=4)
    expected = [(1 + math.cos(math.pi * t_cur / t_i)) / 2 for t_cur, t_i in
                [(2, 6), (3, 6), (4, 6), (5, 6), (0, 12), (1, 12), (2, 12)]]
    _close(_rates(optimizer, scheduler, 6), expected)
    assert (scheduler.T_cur, scheduler.T_i, scheduler.last_epoch) == (2, 12, 11)


def test_a_resumed_chained_scheduler_still_saves_and_loads():
    optimizer = _resumed(0.3)
    scheduler = schedules.ExponentialLR(optimizer, 0.5, last_epoch=3)
    _rates(optimizer, scheduler, 2)
    state, optimizer_state = scheduler.state_dict(), optimizer.state_dict()
    again_optimizer = _sgd(0.9)
    again = schedules.ExponentialLR(again_optimizer, 0.5)
    again_optimizer.load_state_dict(optimizer_state)
    again.load_state_dict(state)
    assert _rates(again_optimizer, again, 2) == [0.075, 0.0375, 0.01875]


# ----------------------------------------------------------------------------- step(epoch)
def test_step_with_an_epoch_warns_and_takes_the_closed_form():
    optimizer = _sgd()
    scheduler = schedules.StepLR(optimizer, 3, 0.5)
    _rates(optimizer, scheduler, 2)
    with pytest.warns(UserWarning, match=DEPRECATED_EPOCH):
        scheduler.step(7)
    assert scheduler.last_epoch == 7 and scheduler.get_last_lr() == [0.25]
    assert _rates(optimizer, scheduler, 2) == [0.25, 0.25, 0.125]
    optimizer = _sgd()
    scheduler = schedules.CosineAnnealingLR(optimizer, 4)
    with pytest.warns(UserWarning, match=DEPRECATED_EPOCH):
        scheduler.step(1)
    assert optimizer.param_groups[0]["lr"] == (1 + math.cos(math.pi / 4)) / 2
    optimizer = _sgd()
    scheduler = schedules.LinearLR(optimizer, 0.5, 1.0, 4)
    optimizer.param_groups[0]["lr"] = 0.01  # the closed form does not read the rate in force
    with pytest.warns(UserWarning, match=DEPRECATED_EPOCH):
        scheduler.step(2)
    assert optimizer.param_groups[0]["lr"] == 0.75


def test_step_with_an_epoch_where_there_is_no_closed_form():
    optimizer = _sgd()
    scheduler = schedules.MultiplicativeLR(optimizer, lambda epoch: 1 / (epoch + 2))
    with pytest.warns(UserWarning, match=DEPRECATED_EPOCH):
        scheduler.step(2)  # the rate in force times lr_lambda(2)
    assert optimizer.param_groups[0]["lr"] == 0.25 and scheduler.last_epoch == 2
    optimizer = _sgd()
    scheduler = schedules.LambdaLR(optimizer, lambda epoch: 1 / (epoch + 2))
    with pytest.warns(UserWarning, match=DEPRECATED_EPOCH):
        scheduler.step(6)
    assert optimizer.param_groups[0]["lr"] == 0.125
    optimizer = _sgd()
    scheduler = schedules.OneCycleLR(optimizer, 1.0, total_steps=4, cycle_momentum=False)
    with pytest.warns(UserWarning, match=DEPRECATED_EPOCH), pytest.raises(
            ValueError, match="^Tried to step 9 times. The specified number of total steps is 4$"):
        scheduler.step(9)
    assert scheduler.last_epoch == 9 and optimizer.param_groups[0]["lr"] == pytest.approx(0.04)


def test_warm_restarts_take_an_epoch_without_a_warning():
    optimizer = _sgd()
    scheduler = schedules.CosineAnnealingWarmRestarts(optimizer, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler.step(1.0)
    assert optimizer.param_groups[0]["lr"] == (1 + math.cos(math.pi / 4)) / 2


def test_composites_take_no_epoch():
    optimizer = _sgd()
    sequence = schedules.SequentialLR(optimizer, [schedules.StepLR(optimizer, 2)], milestones=[])
    chain = schedules.ChainedScheduler([schedules.StepLR(optimizer, 2)])
    for scheduler in (sequence, chain):
        with pytest.raises(TypeError):
            scheduler.step(3)


# ----------------------------------------------------------------------------- OneCycleLR past its total
def test_one_cycle_past_its_total_counts_the_step_and_changes_no_rate():
    optimizer = _sgd()
    scheduler = schedules.OneCycleLR(optimizer, 1.0, total_steps=4)
    rates = _rates(optimizer, scheduler, 4)
    for tries in (5, 6):
        with pytest.raises(ValueError, match=f"^Tried to step {tries} times. The specified number of total steps "
                                             "is 4$"):
            scheduler.step()
        assert scheduler.last_epoch == tries
        assert optimizer.param_groups[0]["lr"] == scheduler.get_last_lr()[0] == rates[-1]
    _close(rates, [0.040000000000000036, 0.811745653949763, 0.28306099820869923, 4e-06, 0.2830609982086991])


# ----------------------------------------------------------------------------- ReduceLROnPlateau
def test_reduce_on_plateau_is_an_lr_scheduler():
    optimizer = _sgd()
    plateau = schedules.ReduceLROnPlateau(optimizer, patience=0, factor=0.5)
    assert isinstance(plateau, schedules.LRScheduler)
    assert plateau.last_epoch == 0 and plateau.get_last_lr() == [1.0]
    plateau.step(3.0)
    with pytest.warns(UserWarning, match=DEPRECATED_EPOCH):
        plateau.step(4.0, 10)
    assert plateau.last_epoch == 10 and plateau.get_last_lr() == [0.5]
    plateau.step(5.0)
    assert plateau.last_epoch == 11 and optimizer.param_groups[0]["lr"] == 0.25
    with pytest.raises(NotImplementedError, match="step\\(metrics\\) scales the rates in force"):
        plateau.get_lr()
    assert repr(plateau).startswith("ReduceLROnPlateau(mode='min', factor=0.5, patience=0,")


@pytest.mark.parametrize("settings, message", [
    ({"factor": 1.0}, "^Factor should be < 1.0.$"),
    ({"mode": "best"}, "^mode best is unknown!$"),
    ({"threshold_mode": "rel2"}, "^threshold mode rel2 is unknown!$"),
    ({"min_lr": [0.1, 0.2]}, "^expected 1 min_lrs, got 2$"),
    ({"factor": 2.0, "mode": "best"}, "^Factor should be"),  # PyTorch checks the factor first
])
def test_reduce_on_plateau_gets_pytorchs_messages(settings, message):
    with pytest.raises(ValueError, match=message):
        schedules.ReduceLROnPlateau(_sgd(), **settings)


# ----------------------------------------------------------------------------- composites, subclasses
def test_sequential_and_chained_are_lr_schedulers():
    optimizer = _sgd()
    sequence = schedules.SequentialLR(optimizer, [schedules.LinearLR(optimizer, 0.1, total_iters=3),
                                                  schedules.ExponentialLR(optimizer, 0.8)], milestones=[4],
                                      last_epoch=2)
    assert isinstance(sequence, schedules.LRScheduler) and sequence.last_epoch == 3
    # PyTorch 2.14.1: the count starts at 3, so the milestone comes at the first step
    _close(_rates(optimizer, sequence, 4), [0.1, 1.0, 0.8, 0.6400000000000001, 0.5120000000000001])
    chain = schedules.ChainedScheduler([schedules.StepLR(optimizer, 2)])
    assert isinstance(chain, schedules.LRScheduler)
    for composite in (sequence, chain):
        with pytest.raises(NotImplementedError, match="has no rates of its own"):
            composite.get_lr()
    assert repr(chain) == "ChainedScheduler([StepLR(step_size=2, gamma=0.1, last_epoch=0)])"


@pytest.mark.parametrize("warm_up, make, expected", [
    (lambda o: schedules.LinearLR(o, 0.5, total_iters=2), lambda o: schedules.ExponentialLR(o, 0.5),
     [0.5, 0.25, 0.125, 0.0625, 0.03125]),
    (lambda o: schedules.LinearLR(o, 0.5, total_iters=2), lambda o: schedules.CosineAnnealingLR(o, 4),
     [0.5, 0.585786437626905, 0.5, 0.2928932188134525, 0.08578643762690497]),
    # the rate in force is the one the decay wrote at its construction: still PyTorch's step, not epoch 0's rate
    (lambda o: schedules.StepLR(o, 2, 0.5), lambda o: schedules.ExponentialLR(o, 0.5), [1.0, 0.5, 0.25, 0.125, 0.0625]),
])
def test_sequential_resumed_past_its_milestone_steps_the_later_scheduler_as_pytorch(warm_up, make, expected):
    # the count starts at 4, past the milestone 2: the decay, its construction step taken back, takes
    # an ordinary step to epoch 0, PyTorch's recursive one from the warm-up's rate (PyTorch 2.14.1)
    optimizer = _sgd()
    decay = make(optimizer)
    sequence = schedules.SequentialLR(optimizer, [warm_up(optimizer), decay], milestones=[2], last_epoch=3)
    _close(_rates(optimizer, sequence, 4), expected)
    assert (sequence.last_epoch, decay.last_epoch) == (8, 3)


class _Warmup(schedules._LRScheduler):
    """A scheduler written for PyTorch: its own get_lr() from last_epoch and base_lrs."""

    def get_lr(self):
        return [base_lr * min(1.0, (self.last_epoch + 1) / 4) for base_lr in self.base_lrs]


def test_a_pytorch_style_subclass_resumes_and_takes_an_epoch():
    optimizer = _sgd(0.8)
    warmup = _Warmup(optimizer)
    assert isinstance(warmup, schedules.LRScheduler)
    _close(_rates(optimizer, warmup, 4), [0.2, 0.4, 0.6, 0.8, 0.8])
    optimizer = _resumed(0.123, initial_lr=0.8)
    warmup = _Warmup(optimizer, 1)
    _close(_rates(optimizer, warmup, 2), [0.6, 0.8, 0.8])
    with pytest.warns(UserWarning, match=DEPRECATED_EPOCH):
        warmup.step(0)
    assert optimizer.param_groups[0]["lr"] == 0.2
    assert repr(warmup) == "_Warmup(last_epoch=0)"


# ----------------------------------------------------------------------------- signatures
def _parameters(function):
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()][1:]


EMPTY = inspect.Parameter.empty


@pytest.mark.parametrize("name, expected", [
    ("LRScheduler", [("optimizer", EMPTY), ("last_epoch", -1)]),
    ("StepLR", [("optimizer", EMPTY), ("step_size", EMPTY), ("gamma", 0.1), ("last_epoch", -1)]),
    ("MultiStepLR", [("optimizer", EMPTY), ("milestones", EMPTY), ("gamma", 0.1), ("last_epoch", -1)]),
    ("ConstantLR", [("optimizer", EMPTY), ("factor", 1 / 3), ("total_iters", 5), ("last_epoch", -1)]),
    ("LinearLR", [("optimizer", EMPTY), ("start_factor", 1 / 3), ("end_factor", 1.0), ("total_iters", 5),
                  ("last_epoch", -1)]),
    ("LambdaLR", [("optimizer", EMPTY), ("lr_lambda", EMPTY), ("last_epoch", -1)]),
    ("MultiplicativeLR", [("optimizer", EMPTY), ("lr_lambda", EMPTY), ("last_epoch", -1)]),
    ("ExponentialLR", [("optimizer", EMPTY), ("gamma", EMPTY), ("last_epoch", -1)]),
    ("PolynomialLR", [("optimizer", EMPTY), ("total_iters", 5), ("power", 1.0), ("last_epoch", -1)]),
    ("CosineAnnealingLR", [("optimizer", EMPTY), ("T_max", EMPTY), ("eta_min", 0.0), ("last_epoch", -1)]),
    ("CosineAnnealingWarmRestarts", [("optimizer", EMPTY), ("T_0", EMPTY), ("T_mult", 1), ("eta_min", 0.0),
                                     ("last_epoch", -1)]),
    ("CyclicLR", [("optimizer", EMPTY), ("base_lr", EMPTY), ("max_lr", EMPTY), ("step_size_up", 2000),
                  ("step_size_down", None), ("mode", "triangular"), ("gamma", 1.0), ("scale_fn", None),
                  ("scale_mode", "cycle"), ("cycle_momentum", True), ("base_momentum", 0.8),
                  ("max_momentum", 0.9), ("last_epoch", -1)]),
    ("OneCycleLR", [("optimizer", EMPTY), ("max_lr", EMPTY), ("total_steps", None), ("epochs", None),
                    ("steps_per_epoch", None), ("pct_start", 0.3), ("anneal_strategy", "cos"),
                    ("cycle_momentum", True), ("base_momentum", 0.85), ("max_momentum", 0.95),
                    ("div_factor", 25.0), ("final_div_factor", 1e4), ("three_phase", False), ("last_epoch", -1)]),
    ("SequentialLR", [("optimizer", EMPTY), ("schedulers", EMPTY), ("milestones", EMPTY), ("last_epoch", -1)]),
    ("ChainedScheduler", [("schedulers", EMPTY), ("optimizer", None)]),
    ("ReduceLROnPlateau", [("optimizer", EMPTY), ("mode", "min"), ("factor", 0.1), ("patience", 10),
                           ("threshold", 1e-4), ("threshold_mode", "rel"), ("cooldown", 0), ("min_lr", 0),
                           ("eps", 1e-8)]),
])
def test_pytorchs_arguments(name, expected):
    assert _parameters(getattr(schedules, name).__init__) == expected


@pytest.mark.parametrize("name, expected", [
    ("LRScheduler", [("epoch", None)]), ("StepLR", [("epoch", None)]), ("OneCycleLR", [("epoch", None)]),
    ("CosineAnnealingWarmRestarts", [("epoch", None)]), ("SequentialLR", []), ("ChainedScheduler", []),
    ("ReduceLROnPlateau", [("metrics", EMPTY), ("epoch", None)]),
])
def test_pytorchs_step_arguments(name, expected):
    assert _parameters(getattr(schedules, name).step) == expected


def test_pytorchs_other_public_names():
    cyclic = schedules.CyclicLR(_sgd(), 0.1, 1.0, 2, mode="triangular2")
    assert [cyclic.scale_fn(cycle) for cycle in (1, 2, 3)] == [1.0, 0.5, 0.25]  # a method, as PyTorch's
    cyclic = schedules.CyclicLR(_sgd(), 0.1, 1.0, 2, mode="exp_range", gamma=0.5)
    assert cyclic.scale_fn(3) == 0.125
    plateau = schedules.ReduceLROnPlateau(_sgd(), patience=0, cooldown=2)
    plateau.step(1.0)
    assert not plateau.in_cooldown
    plateau.step(2.0)  # a cut, then two steps of cooldown
    assert plateau.in_cooldown
    optimizer = _sgd()
    first, second = schedules.StepLR(optimizer, 2), schedules.ExponentialLR(optimizer, 0.5)
    sequence = schedules.SequentialLR(optimizer, [first, second], milestones=[3])
    assert (first.last_epoch, second.last_epoch) == (0, -1)
    sequence.recursive_undo()
    assert (first.last_epoch, second.last_epoch) == (-1, -2)
    sequence.recursive_undo(first)
    assert (first.last_epoch, second.last_epoch) == (-2, -2)


def test_reduce_on_plateau_and_a_param_group_added_later():
    optimizer = _sgd()
    plateau = schedules.ReduceLROnPlateau(optimizer, patience=0, factor=0.5, min_lr=0.3)
    optimizer.add_param_group({"params": [nn.Parameter(minigan.zeros(1))], "lr": 0.4})
    plateau.step(1.0)
    plateau.step(2.0)  # a cut: the one min_lr serves the new group too, as in PyTorch 2.14.1
    assert [group["lr"] for group in optimizer.param_groups] == [0.5, 0.3] and plateau.min_lrs == [0.3, 0.3]
    optimizer = _sgd()
    plateau = schedules.ReduceLROnPlateau(optimizer, patience=0, min_lr=[0.0])
    optimizer.add_param_group({"params": [nn.Parameter(minigan.zeros(1))], "lr": 0.4})
    plateau.step(1.0)
    with pytest.raises(RuntimeError, match=r"^The number of param groups in the `optimizer` \(2\) differs from when "
                                           r"`ReduceLROnPlateau` was initialized \(1\), usually due to a new param"):
        plateau.step(2.0)


@pytest.mark.parametrize("factors, message", [
    ((0.0, 1.0), "^Starting multiplicative factor expected to be greater than 0 and less or equal to 1.$"),
    ((1.5, 1.0), "^Starting multiplicative factor expected"),
    ((0.5, 1.5), "^Ending multiplicative factor expected to be between 0 and 1.$"),
    ((0.5, -0.1), "^Ending multiplicative factor expected"),
])
def test_linear_lr_gets_pytorchs_messages(factors, message):
    with pytest.raises(ValueError, match=message):
        schedules.LinearLR(_sgd(), *factors)
