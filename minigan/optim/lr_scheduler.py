"""Learning-rate schedules that write ``group["lr"]`` of an optimizer's param groups.

Each scheduler but ReduceLROnPlateau computes the rate in closed form from the epoch counter
(PyTorch's closed forms), so resuming from ``state_dict`` gives exactly the same rates. Like PyTorch, constructing a
scheduler performs the first ``step()``: ``last_epoch`` becomes 0 and the rate is the epoch-0
rate; call ``step()`` after each epoch (or iteration, for CyclicLR).
"""
from __future__ import annotations

import bisect
import math
from typing import Any, Callable, Sequence

from ..torch_api.unsupported import module_getattr as _module_getattr
from .optimizers import Optimizer


class LRScheduler:
    """Base class: subclasses define ``_lr_at(epoch, base_lr)``."""

    _state_keys: tuple[str, ...] = ()

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs a minigan Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self._last_lr: list[float] = []
        self.step()

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        raise NotImplementedError

    def get_lr(self) -> list[float]:
        """The rates for the current epoch (``last_epoch``), one per param group."""
        return [self._lr_at(self.last_epoch, base_lr) for base_lr in self.base_lrs]

    def step(self) -> None:
        """Advance one epoch and write the new rates into the optimizer."""
        self.last_epoch += 1
        self._last_lr = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def get_last_lr(self) -> list[float]:
        """The rates set by the latest ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Plain values only (no optimizer): last_epoch, base_lrs, the last rates and the settings."""
        state = {"last_epoch": self.last_epoch, "base_lrs": list(self.base_lrs), "_last_lr": list(self._last_lr)}
        state.update({key: getattr(self, key) for key in self._state_keys})
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict``; the optimizer's own rates come from its state dict."""
        expected = {"last_epoch", "base_lrs", "_last_lr", *self._state_keys}
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
        for key in self._state_keys:
            value = state_dict[key]
            setattr(self, key, list(value) if isinstance(value, tuple) else value)

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={getattr(self, key)!r}" for key in self._state_keys)
        return f"{type(self).__name__}({settings}, last_epoch={self.last_epoch})"


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (epoch // step_size)."""

    _state_keys = ("step_size", "gamma")

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if int(step_size) != step_size or step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size}")
        self.step_size = int(step_size)
        self.gamma = float(gamma)
        super().__init__(optimizer)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class MultiStepLR(LRScheduler):
    """lr = base_lr * gamma ** (how many milestones are <= epoch); a milestone given twice counts twice."""

    _state_keys = ("milestones", "gamma")

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1) -> None:
        if isinstance(milestones, (str, bytes)) or not all(int(m) == m and m >= 0 for m in milestones):
            raise ValueError(f"MultiStepLR: milestones must be a list of epochs >= 0, got {milestones!r}")
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = float(gamma)
        super().__init__(optimizer)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, epoch)


class LinearLR(LRScheduler):
    """lr = base_lr * (start_factor + (end_factor - start_factor) * min(epoch, total_iters) / total_iters)."""

    _state_keys = ("start_factor", "end_factor", "total_iters")

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5) -> None:
        if not 0 < start_factor <= 1 or not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1] and end_factor in [0, 1], got "
                             f"{start_factor} and {end_factor}")
        if int(total_iters) != total_iters or total_iters <= 0:
            raise ValueError(f"LinearLR: total_iters must be a positive integer, got {total_iters}")
        self.start_factor, self.end_factor, self.total_iters = float(start_factor), float(end_factor), int(total_iters)
        super().__init__(optimizer)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        progress = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(epoch), with one function for every param group or a list of
    one per group. The functions are not part of ``state_dict`` (PyTorch saves only callable
    objects there): pass the same ones when resuming."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]]
                 ) -> None:
        groups = len(optimizer.param_groups)
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * groups
        if len(lambdas) != groups:
            raise ValueError(f"LambdaLR: expected {groups} lr_lambdas, got {len(lambdas)}")
        if not all(callable(f) for f in lambdas):
            raise TypeError("LambdaLR: lr_lambda must be a function of the epoch (or a list of them)")
        self.lr_lambdas = lambdas
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        return [base_lr * float(f(self.last_epoch)) for f, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class ExponentialLR(LRScheduler):
    """lr = base_lr * gamma ** epoch."""

    _state_keys = ("gamma",)

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self.gamma = float(gamma)
        super().__init__(optimizer)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma**epoch


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
    (periodic past T_max: it climbs back up, as PyTorch's schedule does)."""

    _state_keys = ("T_max", "eta_min")

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803
        if T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be positive, got {T_max}")
        self.T_max = T_max
        self.eta_min = float(eta_min)
        super().__init__(optimizer)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return self.eta_min + (base_lr - self.eta_min) * (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0


class CyclicLR(LRScheduler):
    """Cyclical learning rate (Smith 2017), stepped per batch.

    With total = step_size_up + step_size_down, cycle = floor(1 + it / total),
    x = 1 + it / total - cycle, and scale = x / r for x <= r (r = step_size_up / total), else
    (x - 1) / (r - 1): lr = base_lr + (max_lr - base_lr) * scale * f, where f is 1 for
    "triangular", 1 / 2**(cycle - 1) for "triangular2" and gamma**it for "exp_range".

    Like PyTorch, construction sets every group's lr to ``base_lr``. (PyTorch also cycles
    momentum by default; minigan does not touch momentum or betas.)
    """

    _state_keys = ("max_lrs", "step_size_up", "step_size_down", "mode", "gamma")

    def __init__(
        self, optimizer: Optimizer, base_lr: float | Sequence[float], max_lr: float | Sequence[float],
        step_size_up: int = 2000, step_size_down: int | None = None, mode: str = "triangular", gamma: float = 1.0,
    ) -> None:
        if mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(f"CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range', got {mode!r}")
        if step_size_up <= 0 or (step_size_down is not None and step_size_down <= 0):
            raise ValueError(f"CyclicLR: step sizes must be positive, got up={step_size_up}, down={step_size_down}")
        groups = len(optimizer.param_groups)
        base_lrs = _per_group("CyclicLR", "base_lr", base_lr, groups)
        self.max_lrs = _per_group("CyclicLR", "max_lr", max_lr, groups)
        self.step_size_up = int(step_size_up)
        self.step_size_down = int(step_size_down) if step_size_down is not None else self.step_size_up
        self.mode = mode
        self.gamma = float(gamma)
        for group, lr in zip(optimizer.param_groups, base_lrs):
            group["lr"] = lr
            group["initial_lr"] = lr
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        return [self._cyclic_lr(self.last_epoch, base, top) for base, top in zip(self.base_lrs, self.max_lrs)]

    def _cyclic_lr(self, iteration: int, base_lr: float, max_lr: float) -> float:
        total = self.step_size_up + self.step_size_down
        up_ratio = self.step_size_up / total
        cycle = math.floor(1 + iteration / total)
        x = 1.0 + iteration / total - cycle
        scale = x / up_ratio if x <= up_ratio else (x - 1.0) / (up_ratio - 1.0)
        if self.mode == "triangular":
            factor = 1.0
        elif self.mode == "triangular2":
            factor = 1.0 / 2.0 ** (cycle - 1)
        else:  # exp_range scales by iteration, not by cycle
            factor = self.gamma**iteration
        return base_lr + (max_lr - base_lr) * scale * factor


class ReduceLROnPlateau:
    """Multiply every group's rate by ``factor`` when a metric has stopped improving, as PyTorch's.

    Call ``step(metric)`` after each evaluation. The metric improves when it beats the best so far
    by more than ``threshold`` (``mode`` "min" or "max"; ``threshold_mode`` "rel": best times
    1 -/+ threshold, "abs": best -/+ threshold). After more than ``patience`` steps without improvement the rate
    becomes max(lr * factor, min_lr), unless that changes it by no more than ``eps``; then
    ``cooldown`` steps pass before bad steps count again. Unlike the other schedulers it keeps
    state of its own (the best value and the counters), all of it in ``state_dict``.
    """

    _state_keys = ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lrs", "eps",
                   "best", "num_bad_epochs", "cooldown_counter", "last_epoch", "_last_lr")

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float | Sequence[float] = 0.0, eps: float = 1e-8) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau needs a minigan Optimizer, got {type(optimizer).__name__}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode {mode!r} is unknown; it is 'min' or 'max'")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold mode {threshold_mode!r} is unknown; it is 'rel' or 'abs'")
        if not factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor should be < 1.0, got {factor}")
        self.optimizer = optimizer
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor, self.threshold, self.eps = float(factor), float(threshold), float(eps)
        self.patience, self.cooldown = int(patience), int(cooldown)
        self.min_lrs = _per_group("ReduceLROnPlateau", "min_lr", min_lr, len(optimizer.param_groups))
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = self.cooldown_counter = self.last_epoch = 0
        self._last_lr = [float(group["lr"]) for group in optimizer.param_groups]

    def _is_better(self, value: float) -> bool:
        """PyTorch's test, word for word: "rel" scales the best by (1 -/+ threshold), which for a
        negative best asks less of the metric rather than more."""
        if self.mode == "min":
            bound = self.best * (1.0 - self.threshold) if self.threshold_mode == "rel" else self.best - self.threshold
            return value < bound
        bound = self.best * (1.0 + self.threshold) if self.threshold_mode == "rel" else self.best + self.threshold
        return value > bound

    def step(self, metrics: Any) -> None:
        """Count one evaluation of the metric (a number or a one-element Tensor)."""
        value = float(metrics)
        self.last_epoch += 1
        if self._is_better(value):
            self.best, self.num_bad_epochs = value, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad steps in the cooldown are not counted
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(float(group["lr"]) * self.factor, min_lr)
                if float(group["lr"]) - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [float(group["lr"]) for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The rates after the latest ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """The settings, the best value and the counters (no optimizer)."""
        state = {key: getattr(self, key) for key in self._state_keys}
        return {key: list(value) if isinstance(value, list) else value for key, value in state.items()}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict``; the optimizer's own rates come from its state dict."""
        missing = sorted(set(self._state_keys) - set(state_dict))
        unexpected = sorted(set(state_dict) - set(self._state_keys))
        if missing or unexpected:
            raise ValueError(f"ReduceLROnPlateau.load_state_dict: missing key(s) {missing}, "
                             f"unexpected key(s) {unexpected}")
        for key in self._state_keys:
            value = state_dict[key]
            setattr(self, key, list(value) if isinstance(value, (list, tuple)) else value)


def _per_group(owner: str, name: str, value: float | Sequence[float], groups: int) -> list[float]:
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(f"{owner}: expected {groups} values for {name}, got {len(value)}")
        return [float(v) for v in value]
    return [float(value)] * groups


__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "LinearLR", "LambdaLR", "ExponentialLR", "CosineAnnealingLR",
           "CyclicLR", "ReduceLROnPlateau"]

__getattr__ = _module_getattr(__name__, "torch.optim.lr_scheduler", {
    name: "this scheduler; minigan has StepLR, MultiStepLR, LinearLR, LambdaLR, ExponentialLR, CosineAnnealingLR, "
          "CyclicLR and ReduceLROnPlateau"
    for name in ("OneCycleLR", "CosineAnnealingWarmRestarts", "SequentialLR", "ChainedScheduler",
                 "PolynomialLR", "ConstantLR", "MultiplicativeLR")})
