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
from ..unsupported import NN as _UNSUPPORTED, module_getattr as _module_getattr

__all__ = [
    "Module", "Parameter", "Sequential", "Linear", "BatchNorm1d", "ReLU", "LeakyReLU", "Sigmoid", "Tanh",
    "Identity", "Dropout", "Flatten", "BCELoss", "BCEWithLogitsLoss", "MSELoss", "CrossEntropyLoss", "NLLLoss",
    "functional", "init",
]

__getattr__ = _module_getattr(__name__, "torch.nn", _UNSUPPORTED)
