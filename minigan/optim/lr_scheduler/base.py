"""The schedulers' base: how a rate gets into ``group["lr"]``, alone or chained.

PyTorch writes most rates recursively, as the current ``group["lr"]`` times this epoch's factor.
That is what makes its schedulers chainable: two schedulers stepped back to back on one optimizer
multiply their factors, and a rate set by hand carries on from where it was set. Alone on an
optimizer, the recursive rate is the closed form (base_lr times a function of the epoch) up to
rounding. So a minigan scheduler writes the closed form, which a resumed run reproduces exactly,
until it first finds in ``group["lr"]`` a rate it did not write itself (another scheduler's, or
the user's); from then on it takes PyTorch's recursive step. A scheduler whose PyTorch rate never
reads the current one (LambdaLR, CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts) always writes
its own.

Like PyTorch, constructing a scheduler performs the first ``step()``: ``last_epoch`` becomes 0 and
the rate is the epoch-0 rate; call ``step()`` after each epoch (or iteration, for the cyclic ones).

``last_epoch=k`` (k >= 0) resumes at epoch k, as PyTorch's: every param group must hold its
``initial_lr`` (the base rate), and construction steps to epoch k + 1 with PyTorch's rate there.
For StepLR, MultiStepLR and ConstantLR that is the recursive step from ``group["lr"]``, which is
the closed form when ``group["lr"]`` is the closed-form rate at epoch k (the scheduler goes on in
closed form), and otherwise chained. LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR and
MultiplicativeLR leave the rate as it is at epoch k + 1 (``_resume_keeps_rate``: PyTorch does not
move it "one more step ahead") and then take PyTorch's recursive step from it, which no closed
form gives, so they are chained from there.

A later step to epoch 0 (a scheduler whose first step SequentialLR took back, stepped without a
restart: SequentialLR resumed past a milestone) is PyTorch's recursive step too, as in PyTorch.

``step(epoch)`` is PyTorch's deprecated form: it warns, sets ``last_epoch`` to ``epoch`` and
writes the closed form there (or, for a scheduler without one, its rate at that epoch).
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

from ..optimizers import Optimizer

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. "
    "Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from "
    "None, the closed form is used instead of the new chainable form, where available."
)


class LRScheduler:
    """Base class: subclasses define the closed form ``_lr_at(epoch, base_lr)`` and PyTorch's
    recursive step ``_next_lr(epoch, lr, base_lr)`` from the current rate ``lr``, or, as in
    PyTorch, their own ``get_lr()`` (the rates at ``last_epoch``)."""

    _state_keys: tuple[str, ...] = ()
    _keys_added_later: dict[str, Any] = {"_chained": False}  # what a state saved before them had in force
    _reads_current_rate = True  # False where PyTorch's rate is absolute: never chained
    _resume_keeps_rate = False  # True where PyTorch's construction with last_epoch >= 0 leaves the rate as it is
    _initial = False  # True during construction's step (PyTorch's _is_initial)

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs a minigan Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for index, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{index}] when resuming scheduler "
                        "with last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume training "
                        "from a checkpoint but haven't properly loaded the optimizer state\n2. You're using "
                        "last_epoch >= 0 for a fresh training run (not recommended)")
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self._chained = False
        self._initial_step()

    def _initial_step(self) -> None:
        """Construction's step (and SequentialLR's for the scheduler it starts with): to epoch 0,
        or, resuming at ``last_epoch``, to the next epoch with PyTorch's rate there."""
        self._chained, self._last_lr, self._initial = False, [], True
        try:
            if self.last_epoch == -1:
                self.step()
            elif self._resume_keeps_rate:
                self.last_epoch += 1
                self._chained = self._reads_current_rate
                self._write([group["lr"] for group in self.optimizer.param_groups])
            else:
                if self._reads_current_rate and self._has_closed_form():  # what it would have written at k, alone
                    self._last_lr = self._closed_form(self.last_epoch)
                self.step()
        finally:
            self._initial = False

    def _has_closed_form(self) -> bool:
        return type(self)._lr_at is not LRScheduler._lr_at

    def _closed_form(self, epoch: int) -> list[float]:
        return [self._lr_at(epoch, base_lr) for base_lr in self.base_lrs]

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        raise NotImplementedError

    def _next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        return self._lr_at(epoch, base_lr)

    def get_lr(self) -> list[float]:
        """The rates for the current epoch (``last_epoch``), one per param group."""
        if self._chained:
            return [self._next_lr(self.last_epoch, group["lr"], base_lr)
                    for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs)]
        return self._closed_form(self.last_epoch)

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new rates into the optimizer. ``step(epoch)``, deprecated
        in PyTorch, warns as PyTorch's does and writes the closed form at ``epoch``."""
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
            self._jump(epoch)
            return
        if self._reads_current_rate and not self._chained:
            written = self._last_lr or self.base_lrs
            self._chained = any(group["lr"] != lr for group, lr in zip(self.optimizer.param_groups, written))
        self.last_epoch += 1
        if self.last_epoch == 0 and not self._initial:  # after SequentialLR took its first step back
            self._chained = self._reads_current_rate  # PyTorch's recursive step there is no closed form
        self._write(self.get_lr())

    def _jump(self, epoch: int) -> None:
        """PyTorch's ``step(epoch)``: last_epoch = epoch and the closed form there (the scheduler's
        rate at that epoch where it has no closed form), from which it goes on unchained."""
        self.last_epoch, self._chained = epoch, False
        self._write(self._closed_form(epoch) if self._has_closed_form() else self.get_lr())

    def _write(self, rates: list[float]) -> None:
        self._last_lr = list(rates)
        for group, lr in zip(self.optimizer.param_groups, rates):
            group["lr"] = lr

    def _restart(self) -> None:
        """Start again at epoch 0 from the base rates (SequentialLR at a milestone: PyTorch's
        ``step(0)``, which takes the closed form)."""
        self._jump(0)

    def get_last_lr(self) -> list[float]:
        """The rates set by the latest ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Plain values only (no optimizer): last_epoch, base_lrs, the last rates, whether it is
        chained, and the settings."""
        state = {"last_epoch": self.last_epoch, "base_lrs": list(self.base_lrs), "_last_lr": list(self._last_lr),
                 "_chained": self._chained}
        state.update({key: getattr(self, key) for key in self._state_keys})
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict``; the optimizer's own rates come from its state dict. (A state
        saved before a key was added takes what was in force then: ``_keys_added_later``.)"""
        state_dict = {**self._keys_added_later, **state_dict}
        expected = {"last_epoch", "base_lrs", "_last_lr", "_chained", *self._state_keys}
        missing = sorted(expected - set(state_dict))
        unexpected = sorted(set(state_dict) - expected)
        if missing or unexpected:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: missing key(s) {missing}, unexpected key(s) {unexpected}"
            )
        if len(state_dict["base_lrs"]) != len(self.optimizer.param_groups):
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: {len(state_dict['base_lrs'])} base rates for "
                f"{len(self.optimizer.param_groups)} param groups"
            )
        self.last_epoch = int(state_dict["last_epoch"])
        self.base_lrs = [float(lr) for lr in state_dict["base_lrs"]]
        self._last_lr = [float(lr) for lr in state_dict["_last_lr"]]
        self._chained = bool(state_dict["_chained"])
        for key in self._state_keys:
            value = state_dict[key]
            setattr(self, key, list(value) if isinstance(value, tuple) else value)

    def __repr__(self) -> str:
        settings = [f"{key}={getattr(self, key)!r}" for key in self._state_keys] + [f"last_epoch={self.last_epoch}"]
        return f"{type(self).__name__}({', '.join(settings)})"


class _LRScheduler(LRScheduler):
    """PyTorch's older name for the base class, which custom schedulers written for PyTorch
    before 2.0 subclass (defining ``get_lr()``)."""


def per_group(owner: str, name: str, value: float | Sequence[float], groups: int) -> list[float]:
    """One value per param group: a list of that many, or one value for all."""
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(f"{owner}: {name} must have the same length as optimizer.param_groups. {name} has "
                             f"{len(value)} values, param_groups has {groups}.")
        return [float(v) for v in value]
    return [float(value)] * groups
