"""ReduceLROnPlateau: the scheduler driven by a metric rather than by the epoch."""
from __future__ import annotations

import math
import warnings
from typing import Any, Sequence

from ..optimizers import Optimizer
from .base import EPOCH_DEPRECATION_WARNING, LRScheduler, per_group


class ReduceLROnPlateau(LRScheduler):
    """Multiply every group's rate by ``factor`` when a metric has stopped improving, as PyTorch's.

    Call ``step(metric)`` after each evaluation. The metric improves when it beats the best so far
    by more than ``threshold`` (``mode`` "min" or "max"; ``threshold_mode`` "rel": best times
    1 -/+ threshold, "abs": best -/+ threshold). After more than ``patience`` steps without improvement the rate
    becomes max(lr * factor, min_lr), unless that changes it by no more than ``eps``; then
    ``cooldown`` steps pass before bad steps count again. Unlike the other schedulers it keeps
    state of its own (the best value and the counters), all of it in ``state_dict``. It is an
    ``LRScheduler``, as PyTorch's is, with no rates of its own to compute (``get_lr``): it only
    scales the ones in force.
    """

    _state_keys = ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lrs", "eps",
                   "best", "num_bad_epochs", "cooldown_counter", "last_epoch", "_last_lr")

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float | Sequence[float] = 0, eps: float = 1e-8) -> None:
        if not factor < 1.0:  # PyTorch's checks, in its order, with its messages
            raise ValueError("Factor should be < 1.0.")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau needs a minigan Optimizer, got {type(optimizer).__name__}")
        if isinstance(min_lr, (list, tuple)) and len(min_lr) != len(optimizer.param_groups):
            raise ValueError(f"expected {len(optimizer.param_groups)} min_lrs, got {len(min_lr)}")
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown!")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown!")
        self.optimizer = optimizer
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor, self.threshold, self.eps = float(factor), float(threshold), float(eps)
        self.patience, self.cooldown = int(patience), int(cooldown)
        self.min_lrs = per_group("ReduceLROnPlateau", "min_lr", min_lr, len(optimizer.param_groups))
        # one min_lr for all groups also serves a group added later, as in PyTorch; a list does not
        self._default_min_lr = None if isinstance(min_lr, (list, tuple)) else float(min_lr)
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

    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Count one evaluation of the metric (a number or a one-element Tensor). ``epoch``,
        deprecated in PyTorch, warns as PyTorch's does and sets ``last_epoch``."""
        value = float(metrics)
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self._is_better(value):
            self.best, self.num_bad_epochs = value, 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad steps in the cooldown are not counted
        if self.num_bad_epochs > self.patience:
            self._match_groups()
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(float(group["lr"]) * self.factor, min_lr)
                if float(group["lr"]) - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [float(group["lr"]) for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The rates after the latest ``step()``."""
        return list(self._last_lr)

    def _match_groups(self) -> None:
        groups = len(self.optimizer.param_groups)
        if groups != len(self.min_lrs):
            if self._default_min_lr is None:
                raise RuntimeError(
                    f"The number of param groups in the `optimizer` ({groups}) differs from when `ReduceLROnPlateau` "
                    f"was initialized ({len(self.min_lrs)}), usually due to a new param group being added to the "
                    "optimizer. Please modify the `min_lrs` field to match the length of the `optimizer` param groups.")
            self.min_lrs = [self._default_min_lr] * groups

    @property
    def in_cooldown(self) -> bool:
        """Whether bad steps are not being counted, after a cut."""
        return self.cooldown_counter > 0

    def get_lr(self) -> list[float]:
        raise NotImplementedError("ReduceLROnPlateau has no rates of its own: step(metrics) scales the rates in force, "
                                  "and get_last_lr() gives them")

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={getattr(self, key)!r}" for key in self._state_keys[:8])
        return f"ReduceLROnPlateau({settings}, last_epoch={self.last_epoch})"

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
