"""The schedulers that scale the base rate by a factor of the epoch: StepLR, MultiStepLR,
ConstantLR, LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR, LambdaLR and
MultiplicativeLR. Each has its closed form and PyTorch's recursive step side by side (when each
is used: minigan/optim/lr_scheduler/base.py).
"""
from __future__ import annotations

import bisect
import math
from typing import Callable, Sequence

from ..optimizers import Optimizer
from .base import LRScheduler


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (epoch // step_size)."""

    _state_keys = ("step_size", "gamma")

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        if int(step_size) != step_size or step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size}")
        self.step_size = int(step_size)
        self.gamma = float(gamma)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)

    def _next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        return lr * self.gamma if epoch != 0 and epoch % self.step_size == 0 else lr


class MultiStepLR(LRScheduler):
    """lr = base_lr * gamma ** (how many milestones are <= epoch); a milestone given twice counts twice."""

    _state_keys = ("milestones", "gamma")

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        if isinstance(milestones, (str, bytes)) or not all(int(m) == m and m >= 0 for m in milestones):
            raise ValueError(f"MultiStepLR: milestones must be a list of epochs >= 0, got {milestones!r}")
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = float(gamma)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, epoch)

    def _next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        passed = self.milestones.count(epoch)
        return lr * self.gamma**passed if passed else lr


class LinearLR(LRScheduler):
    """lr = base_lr * (start_factor + (end_factor - start_factor) * min(epoch, total_iters) / total_iters)."""

    _state_keys = ("start_factor", "end_factor", "total_iters")
    _resume_keeps_rate = True

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1) -> None:
        if not 0 < start_factor <= 1:  # PyTorch's messages
            raise ValueError("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        if not 0 <= end_factor <= 1:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        if int(total_iters) != total_iters or total_iters <= 0:
            raise ValueError(f"LinearLR: total_iters must be a positive integer, got {total_iters}")
        self.start_factor, self.end_factor, self.total_iters = float(start_factor), float(end_factor), int(total_iters)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        progress = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)

    def _next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        if epoch == 0:
            return lr * self.start_factor
        if epoch > self.total_iters:
            return lr
        change = self.end_factor - self.start_factor
        return lr * (1.0 + change / (self.total_iters * self.start_factor + (epoch - 1) * change))


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(epoch), with one function for every param group or a list of
    one per group. The functions are not part of ``state_dict`` (PyTorch saves only callable
    objects there): pass the same ones when resuming. The rate does not read the current one,
    as in PyTorch, so it is never chained."""

    _reads_current_rate = False

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        self.lr_lambdas = _lambdas("LambdaLR", lr_lambda, len(optimizer.param_groups))
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base_lr * float(f(self.last_epoch)) for f, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class ExponentialLR(LRScheduler):
    """lr = base_lr * gamma ** epoch."""

    _state_keys = ("gamma",)
    _resume_keeps_rate = True

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = float(gamma)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma**epoch

    def _next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        return lr if self._initial else lr * self.gamma


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
    (periodic past T_max: it climbs back up, as PyTorch's schedule does)."""

    _state_keys = ("T_max", "eta_min")
    _resume_keeps_rate = True

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        if T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be positive, got {T_max}")
        self.T_max = T_max
        self.eta_min = float(eta_min)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return self.eta_min + (base_lr - self.eta_min) * (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0

    def _next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        if self._initial:
            return lr
        if (epoch - 1 - self.T_max) % (2 * self.T_max) == 0:  # past the trough: the climb's first step
            return lr + (base_lr - self.eta_min) * (1.0 - math.cos(math.pi / self.T_max)) / 2.0
        ratio = (1.0 + math.cos(math.pi * epoch / self.T_max)) / (1.0 + math.cos(math.pi * (epoch - 1) / self.T_max))
        return ratio * (lr - self.eta_min) + self.eta_min


class ConstantLR(LRScheduler):
    """lr = base_lr * factor for the first ``total_iters`` epochs, then base_lr."""

    _state_keys = ("factor", "total_iters")

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor, self.total_iters = float(factor), int(total_iters)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.factor if epoch < self.total_iters else base_lr

    def _next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        if epoch == 0:
            return lr * self.factor
        return lr * (1.0 / self.factor) if epoch == self.total_iters else lr


class PolynomialLR(LRScheduler):
    """lr = base_lr * (1 - min(epoch, total_iters) / total_iters) ** power: down to 0 at total_iters."""

    _state_keys = ("total_iters", "power")
    _resume_keeps_rate = True

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        if int(total_iters) != total_iters or total_iters <= 0:
            raise ValueError(f"PolynomialLR: total_iters must be a positive integer, got {total_iters}")
        self.total_iters, self.power = int(total_iters), float(power)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * (1.0 - min(self.total_iters, epoch) / self.total_iters) ** self.power

    def _next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        if self._initial or epoch > self.total_iters:
            return lr
        left, before = 1.0 - epoch / self.total_iters, 1.0 - (epoch - 1) / self.total_iters
        return lr * (left / before) ** self.power


class MultiplicativeLR(LRScheduler):
    """lr = lr * lr_lambda(epoch) at each step after the first: PyTorch's recursive rate, always
    (it has no closed form); one function for every param group or a list of one per group. As
    for LambdaLR, pass the same functions when resuming."""

    _reads_current_rate = False  # it always reads it: no closed form to keep to

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        self.lr_lambdas = _lambdas("MultiplicativeLR", lr_lambda, len(optimizer.param_groups))
        super().__init__(optimizer, last_epoch)

    def _initial_step(self) -> None:
        """Construction leaves the rates as they are, at epoch 0 (or at last_epoch + 1, resuming), as
        PyTorch's does; every later step, ``step(0)`` at a SequentialLR milestone too, multiplies."""
        self.last_epoch += 1
        self._write([group["lr"] for group in self.optimizer.param_groups])

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        return [group["lr"] * float(f(self.last_epoch)) for f, group in zip(self.lr_lambdas, groups)]


def _lambdas(owner: str, lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
             groups: int) -> list[Callable[[int], float]]:
    lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * groups
    if len(lambdas) != groups:
        raise ValueError(f"{owner}: Expected {groups} lr_lambdas, but got {len(lambdas)}")
    for f in lambdas:
        if not callable(f):
            raise TypeError(f"{owner}: lr_lambda should be a function, but got {type(f).__name__}")
    return lambdas
