"""The schedulers stepped every batch that set the rate outright, never from the current one:
CyclicLR and OneCycleLR (which move the momentum too, the other way) and
CosineAnnealingWarmRestarts (which also takes fractional epochs).
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

from ..optimizers import Optimizer
from .base import LRScheduler, per_group


class CyclicLR(LRScheduler):
    """Cyclical learning rate (Smith 2017), stepped per batch, as PyTorch's.

    With total = step_size_up + step_size_down, cycle = floor(1 + it / total),
    x = 1 + it / total - cycle, and scale = x / r for x <= r (r = step_size_up / total), else
    (x - 1) / (r - 1): lr = base_lr + (max_lr - base_lr) * scale * f, where f is 1 for
    "triangular", 1 / 2**(cycle - 1) for "triangular2" and gamma**it for "exp_range", or
    ``scale_fn`` of the cycle or of the iteration (``scale_mode``).

    Like PyTorch, construction sets every group's lr to ``base_lr``, and with ``cycle_momentum``
    (the default) the momentum (SGD's, RMSprop's) or Adam's beta1 moves the other way, from
    max_momentum down to base_momentum as the rate climbs; pass ``cycle_momentum=False`` to leave
    it alone. ``scale_fn`` is not part of ``state_dict``: pass the same one when resuming.
    """

    _reads_current_rate = False
    _state_keys = ("max_lrs", "step_size_up", "step_size_down", "mode", "gamma", "cycle_momentum", "base_momentums",
                   "max_momentums", "use_beta1")
    _keys_added_later = {**LRScheduler._keys_added_later, "cycle_momentum": False, "base_momentums": [],
                         "max_momentums": [], "use_beta1": False}

    def __init__(
        self, optimizer: Optimizer, base_lr: float | Sequence[float], max_lr: float | Sequence[float],
        step_size_up: int = 2000, step_size_down: int | None = None, mode: str = "triangular", gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None, scale_mode: str = "cycle", cycle_momentum: bool = True,
        base_momentum: float | Sequence[float] = 0.8, max_momentum: float | Sequence[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        if step_size_up <= 0 or (step_size_down is not None and step_size_down <= 0):
            raise ValueError(f"CyclicLR: step sizes must be positive, got up={step_size_up}, down={step_size_down}")
        groups = len(optimizer.param_groups)
        base_lrs = per_group("CyclicLR", "base_lr", base_lr, groups)
        self.max_lrs = per_group("CyclicLR", "max_lr", max_lr, groups)
        self.step_size_up = int(step_size_up)
        self.step_size_down = int(step_size_down) if step_size_down is not None else self.step_size_up
        self.mode = mode
        self.gamma = float(gamma)
        self._scale_fn_custom = scale_fn
        if scale_fn is None:  # the named modes fix the scale mode, as in PyTorch
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.scale_mode = scale_mode
        self.cycle_momentum = bool(cycle_momentum)
        self.use_beta1, self.base_momentums, self.max_momentums = False, [], []
        if self.cycle_momentum:
            self.use_beta1, self.base_momentums, self.max_momentums = start_momentum(
                "CyclicLR", optimizer, base_momentum, max_momentum, write=last_epoch == -1)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
                group["initial_lr"] = lr
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs  # resuming, the step above took the groups' initial_lr, as PyTorch's does

    def scale_fn(self, x: float) -> float:
        """The amplitude's scale at ``x``, the cycle or the iteration (``scale_mode``): the given
        ``scale_fn``, or the mode's, as PyTorch's method of this name."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1.0 / 2.0 ** (x - 1)
        return self.gamma**x  # exp_range scales by iteration, not by cycle

    def _scale(self, cycle: int, iteration: int) -> float:
        return self.scale_fn(cycle if self.scale_mode == "cycle" else iteration)

    def get_lr(self) -> list[float]:
        """The rates at this step; with ``cycle_momentum`` it sets each group's momentum too."""
        iteration = self.last_epoch
        total = self.step_size_up + self.step_size_down
        up_ratio = self.step_size_up / total
        cycle = math.floor(1 + iteration / total)
        x = 1.0 + iteration / total - cycle
        scale = x / up_ratio if x <= up_ratio else (x - 1.0) / (up_ratio - 1.0)
        factor = self._scale(cycle, iteration)
        if self.cycle_momentum:
            for group, bottom, top in zip(self.optimizer.param_groups, self.base_momentums, self.max_momentums):
                set_momentum(group, top - (top - bottom) * scale * factor, self.use_beta1)
        return [base + (top - base) * scale * factor for base, top in zip(self.base_lrs, self.max_lrs)]


def set_momentum(group: dict, momentum: float, use_beta1: bool) -> None:
    """Write a group's momentum: Adam's beta1, or SGD's and RMSprop's momentum."""
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def start_momentum(owner: str, optimizer: Optimizer, base_momentum: float | Sequence[float],
                   max_momentum: float | Sequence[float], write: bool = True) -> tuple[bool, list[float], list[float]]:
    """For a schedule that cycles the momentum: whether it is Adam's beta1, and each group's lowest
    and highest, which each group also keeps; every group starts at its highest, as in PyTorch
    (with ``write``; a resumed schedule leaves the groups as they are)."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
    use_beta1 = "betas" in optimizer.defaults
    groups = optimizer.param_groups
    tops = per_group(owner, "max_momentum", max_momentum, len(groups))
    bottoms = per_group(owner, "base_momentum", base_momentum, len(groups))
    if write:
        for group, top, bottom in zip(groups, tops, bottoms):
            set_momentum(group, top, use_beta1)
            group["max_momentum"], group["base_momentum"] = top, bottom
    return use_beta1, bottoms, tops


def anneal(start: float, end: float, fraction: float, strategy: str) -> float:
    """From ``start`` to ``end`` as ``fraction`` goes from 0 to 1: along half a cosine ("cos") or a line."""
    if strategy == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * fraction) + 1)
    return (end - start) * fraction + start


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith and Topin, 2018), stepped every batch, as PyTorch's.

    The rate climbs from max_lr / div_factor to max_lr over the first ``pct_start`` of
    ``total_steps`` (or epochs * steps_per_epoch), then falls to that start / final_div_factor by
    the end; ``three_phase`` comes back down to the start first and falls only in a third phase.
    Each phase anneals along half a cosine or a line (``anneal_strategy``). With
    ``cycle_momentum`` (the default) the momentum (SGD's, RMSprop's) or Adam's beta1 moves the
    other way, between max_momentum and base_momentum; construction sets it to max_momentum. Each
    group keeps its own initial_lr, max_lr, min_lr, max_momentum and base_momentum, as in PyTorch.
    Stepping past ``total_steps`` raises (the step counted, as PyTorch counts it).
    """

    _reads_current_rate = False
    _state_keys = ("total_steps", "phases", "anneal_strategy", "cycle_momentum", "use_beta1")

    def __init__(self, optimizer: Optimizer, max_lr: float | Sequence[float], total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.85, max_momentum: float | Sequence[float] = 0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"OneCycleLR needs a minigan Optimizer, got {type(optimizer).__name__}")
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            if not isinstance(epochs, int) or epochs <= 0:
                raise ValueError(f"Expected positive integer epochs, but got {epochs}")
            if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
                raise ValueError(f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self.anneal_strategy = anneal_strategy
        # each phase: its last step, and the group keys it goes from and to, rate and momentum
        rise = pct_start * self.total_steps - 1
        if three_phase:
            self.phases = [(rise, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (2 * pct_start * self.total_steps - 2, "max_lr", "initial_lr", "base_momentum",
                            "max_momentum"),
                           (self.total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self.phases = [(rise, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (self.total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        groups = optimizer.param_groups
        max_lrs = per_group("OneCycleLR", "max_lr", max_lr, len(groups))
        if last_epoch == -1:  # resuming, the groups hold them already
            for group, top in zip(groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = bool(cycle_momentum)
        self.use_beta1 = False
        if self.cycle_momentum:
            self.use_beta1 = start_momentum("OneCycleLR", optimizer, base_momentum, max_momentum,
                                            write=last_epoch == -1)[0]
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates at this step; with ``cycle_momentum`` it sets each group's momentum too. Past
        ``total_steps`` it raises, the step counted in ``last_epoch`` and nothing else changed, as
        PyTorch's."""
        if self.last_epoch > self.total_steps:
            raise ValueError(f"Tried to step {self.last_epoch} times. "
                             f"The specified number of total steps is {self.total_steps}")
        rates = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for index, (end, lr_from, lr_to, momentum_from, momentum_to) in enumerate(self.phases):
                if self.last_epoch <= end or index == len(self.phases) - 1:
                    fraction = (self.last_epoch - start) / (end - start)
                    break
                start = end
            rates.append(anneal(group[lr_from], group[lr_to], fraction, self.anneal_strategy))
            if self.cycle_momentum:
                set_momentum(group, anneal(group[momentum_from], group[momentum_to], fraction, self.anneal_strategy),
                             self.use_beta1)
        return rates


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR (Loshchilov and Hutter, 2017): lr = eta_min + (base_lr - eta_min) (1 + cos(pi T_cur / T_i)) / 2,
    where T_cur counts the epochs since the last restart and a restart comes after T_i epochs,
    the first after T_0, each next one T_mult times longer.

    ``step()`` advances one epoch; ``step(epoch)`` jumps to ``epoch``, which may be fractional
    (``step(epoch + i / iters)`` inside an epoch), as in PyTorch, which gives no warning for this one.
    """

    _reads_current_rate = False
    _state_keys = ("T_0", "T_i", "T_mult", "eta_min", "T_cur")

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}")
        self.T_0, self.T_i, self.T_mult, self.eta_min = T_0, T_0, T_mult, eta_min
        self.T_cur: float = last_epoch  # resuming, construction's step takes it one on, as PyTorch's
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2

    def step(self, epoch: float | None = None) -> None:
        """One epoch on, or to ``epoch`` (>= 0, fractional allowed)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur, self.T_i = self.T_cur % self.T_i, self.T_i * self.T_mult
        elif epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:  # the restarts so far: T_0 (T_mult**n - 1) / (T_mult - 1) epochs in all
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult**n
        else:
            self.T_i, self.T_cur = self.T_0, epoch
        self.last_epoch = math.floor(epoch)
        self._write(self.get_lr())
