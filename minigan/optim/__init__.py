"""Optimizers (SGD, Adam, AdamW, RMSprop), learning-rate schedulers (``optim.lr_scheduler``) and a
weight average (``ExponentialMovingAverage``)."""
from . import lr_scheduler
from .ema import ExponentialMovingAverage
from .optimizers import SGD, Adam, AdamW, Optimizer, RMSprop

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "lr_scheduler", "ExponentialMovingAverage"]
