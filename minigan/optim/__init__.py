"""Optimizers (SGD, Adam, AdamW, RMSprop) and learning-rate schedulers (``optim.lr_scheduler``)."""
from . import lr_scheduler
from .optimizers import SGD, Adam, AdamW, Optimizer, RMSprop

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "lr_scheduler"]
