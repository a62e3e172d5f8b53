"""Neural-network building blocks: ``Module``, layers, losses, ``init`` and ``functional``."""
from . import functional, init
from .layers import (
    BatchNorm1d,
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from .module import Module, Parameter

__all__ = [
    "Module", "Parameter", "Sequential", "Linear", "BatchNorm1d", "ReLU", "LeakyReLU", "Sigmoid", "Tanh",
    "Identity", "Dropout", "Flatten", "BCELoss", "BCEWithLogitsLoss", "MSELoss", "CrossEntropyLoss", "NLLLoss",
    "functional", "init",
]
