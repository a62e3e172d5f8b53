"""Learning-rate schedules that write ``group["lr"]`` of an optimizer's param groups, with
PyTorch's names, arguments and rates (``torch.optim.lr_scheduler``).

- minigan/optim/lr_scheduler/base.py: the base class, and when a rate is written in closed form
  and when, as PyTorch's chained schedulers need, from the current rate;
- factors.py: StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR,
  CosineAnnealingLR, LambdaLR, MultiplicativeLR;
- cycles.py: CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts;
- plateau.py: ReduceLROnPlateau;
- composition.py: SequentialLR and ChainedScheduler.
"""
from .base import EPOCH_DEPRECATION_WARNING, LRScheduler, _LRScheduler
from .composition import ChainedScheduler, SequentialLR
from .cycles import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from .factors import (ConstantLR, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, MultiplicativeLR,
                      MultiStepLR, PolynomialLR, StepLR)
from .plateau import ReduceLROnPlateau

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "LambdaLR", "MultiplicativeLR",
           "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "CyclicLR", "OneCycleLR",
           "CosineAnnealingWarmRestarts", "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler"]
