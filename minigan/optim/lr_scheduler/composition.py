"""Schedulers made of schedulers: SequentialLR (one after another, at milestones) and
ChainedScheduler (all at once, their factors multiplied), as PyTorch's."""
from __future__ import annotations

import bisect
from typing import Any, Sequence

from ..optimizers import Optimizer
from .base import LRScheduler
from .plateau import ReduceLROnPlateau


def _check_members(owner: str, schedulers: Sequence[Any], optimizer: Optimizer) -> None:
    for index, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{owner} at index {index} should have `optimizer` as its attribute.")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{owner} does not support `ReduceLROnPlateau` scheduler as it requires additional "
                             "kwargs to be specified when calling `step`, but got one at index "
                             f"{index} in the given schedulers sequence.")
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{owner} expects all schedulers to belong to the same optimizer, but got scheduler "
                             f"{type(scheduler).__name__} at index {index} has {scheduler.optimizer}, which is "
                             f"different from {type(optimizer).__name__}.")




def _undo_first_step(scheduler: Any) -> None:
    """Take back the step a scheduler's construction made (for each member of a composite)."""
    for member in getattr(scheduler, "_schedulers", [scheduler]):
        if hasattr(member, "_schedulers"):
            _undo_first_step(member)
        else:
            member.last_epoch -= 1


class _Composite(LRScheduler):
    """What SequentialLR and ChainedScheduler share as LRSchedulers: their members set the rates,
    and get_last_lr() (the base class's) gives those in force after the latest step."""

    def _initial_step(self) -> None:
        self.step()

    def get_lr(self) -> list[float]:
        raise NotImplementedError(f"{type(self).__name__} has no rates of its own: its schedulers set them, and "
                                  "get_last_lr() gives the rates in force")


class SequentialLR(_Composite):
    """``schedulers[0]`` until the first milestone, then ``schedulers[1]`` started afresh from the
    base rates, and so on: the usual warm-up then decay. Build the schedulers on the same optimizer
    first; construction puts the rates back to the base rates and starts the first one. As in
    PyTorch, ``last_epoch=k`` only starts the count of epochs at k + 1 (the milestones are counted
    from it); the first scheduler still starts afresh."""

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[Any], milestones: Sequence[int],
                 last_epoch: int = -1) -> None:
        if len(schedulers) < 1:
            raise ValueError("SequentialLR expects at least one scheduler, but got no scheduler.")
        _check_members("SequentialLR", schedulers, optimizer)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError("Sequential Schedulers expects number of schedulers provided to be one more than the "
                             f"number of milestone points, but got number of schedulers {len(schedulers)} and the "
                             f"number of milestones to be equal to {len(milestones)}")
        self.optimizer = optimizer
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self.recursive_undo()
        first = self._schedulers[bisect.bisect_right(self._milestones, 0)]
        first._initial_step()  # its first step again, now from the base rates
        self._last_lr = first.get_last_lr()

    def step(self) -> None:
        """One epoch on: the scheduler in force steps, or starts afresh at its milestone."""
        self.last_epoch += 1
        index = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._restart()
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def recursive_undo(self, sched: Any = None) -> None:
        """Take back the step that the construction of ``sched`` (of each of this one's schedulers,
        by default) made, through nested SequentialLRs and ChainedSchedulers, as PyTorch's."""
        for scheduler in (self._schedulers if sched is None else [sched]):
            _undo_first_step(scheduler)

    def __repr__(self) -> str:
        return f"SequentialLR({self._schedulers!r}, milestones={self._milestones!r}, last_epoch={self.last_epoch})"

    def state_dict(self) -> dict[str, Any]:
        """The epoch, the milestones, the last rates and each scheduler's own state."""
        return {"last_epoch": self.last_epoch, "_milestones": list(self._milestones), "_last_lr": list(self._last_lr),
                "_schedulers": [scheduler.state_dict() for scheduler in self._schedulers]}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict`` into schedulers built as the saved ones were."""
        _check_keys("SequentialLR", state_dict, {"last_epoch", "_milestones", "_last_lr", "_schedulers"},
                    len(self._schedulers))
        self.last_epoch = int(state_dict["last_epoch"])
        self._milestones = [int(m) for m in state_dict["_milestones"]]
        self._last_lr = [float(lr) for lr in state_dict["_last_lr"]]
        for scheduler, state in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler.load_state_dict(state)


class ChainedScheduler(_Composite):
    """Steps every scheduler in ``schedulers`` at each ``step()``, in order, so that their factors
    multiply (e.g. a constant warm-up factor times an exponential decay)."""

    def __init__(self, schedulers: Sequence[Any], optimizer: Optimizer | None = None) -> None:
        if len(schedulers) < 1:
            raise ValueError("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.")
        optimizer = optimizer or schedulers[0].optimizer
        _check_members("ChainedScheduler", schedulers, optimizer)
        self.optimizer = optimizer
        self._schedulers = list(schedulers)
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self) -> None:
        """Step each scheduler once, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def __repr__(self) -> str:
        return f"ChainedScheduler({self._schedulers!r})"

    def state_dict(self) -> dict[str, Any]:
        """The last rates and each scheduler's own state."""
        return {"_last_lr": list(self._last_lr), "_schedulers": [s.state_dict() for s in self._schedulers]}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict`` into schedulers built as the saved ones were."""
        _check_keys("ChainedScheduler", state_dict, {"_last_lr", "_schedulers"}, len(self._schedulers))
        self._last_lr = [float(lr) for lr in state_dict["_last_lr"]]
        for scheduler, state in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler.load_state_dict(state)


def _check_keys(owner: str, state_dict: dict[str, Any], expected: set[str], members: int) -> None:
    missing, unexpected = sorted(expected - set(state_dict)), sorted(set(state_dict) - expected)
    if missing or unexpected:
        raise ValueError(f"{owner}.load_state_dict: missing key(s) {missing}, unexpected key(s) {unexpected}")
    if len(state_dict["_schedulers"]) != members:
        raise ValueError(f"{owner}.load_state_dict: {len(state_dict['_schedulers'])} saved schedulers for {members}")
