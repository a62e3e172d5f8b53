"""minigan: a GAN library written from scratch on NumPy, with its own reverse-mode autograd."""
from . import ops
from .autograd import grad
from .function import Function, enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .ops import (
    abs, cat, clamp, clip, concatenate, dropout, exp, leaky_relu, log, log_softmax, matmul, max,
    maximum, mean, min, minimum, relu, sigmoid, softmax, softplus, sqrt, stack, sum, tanh, var, where,
)
from .random import manual_seed
from .tensor import Tensor, tensor
from . import nn, optim  # noqa: E402  (after Tensor and ops, which they build on)
from .serialization import load, save

__version__ = "0.1.0"

__all__ = [
    "Tensor", "tensor", "Function", "grad", "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "manual_seed", "ops", "nn", "optim", "save", "load",
    "abs", "cat", "clamp", "clip", "concatenate", "dropout", "exp", "leaky_relu", "log", "log_softmax",
    "matmul", "max", "maximum", "mean", "min", "minimum", "relu", "sigmoid", "softmax", "softplus", "sqrt",
    "stack", "sum", "tanh", "var", "where",
]
