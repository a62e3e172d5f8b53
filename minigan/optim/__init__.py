"""Optimizers (SGD, Adam, AdamW, RMSprop, Adadelta, Adagrad, Adamax, NAdam, RAdam, Rprop,
ASGD, LBFGS, Adafactor), learning-rate schedulers (``optim.lr_scheduler``) and a weight average (``ExponentialMovingAverage``)."""
from . import lr_scheduler
from .adafactor import Adafactor
from .adaptive_optimizers import Adagrad, Adamax, NAdam, RAdam, Rprop
from .asgd import ASGD
from .ema import ExponentialMovingAverage
from .lbfgs import LBFGS
from .optimizers import SGD, Adadelta, Adam, AdamW, Optimizer, RMSprop
from ..torch_api.unsupported import OPTIM as _UNSUPPORTED, module_getattr as _module_getattr

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adadelta", "Adagrad", "Adamax", "NAdam", "RAdam", "Rprop",
           "ASGD", "LBFGS", "Adafactor", "lr_scheduler", "ExponentialMovingAverage"]

__getattr__ = _module_getattr(__name__, "torch.optim", _UNSUPPORTED)
