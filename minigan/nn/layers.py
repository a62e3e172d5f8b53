"""Layers: Sequential, Linear, the activations Sequential fuses (ReLU, LeakyReLU, Sigmoid, Tanh), Dropout,
BatchNorm1d/2d, Flatten. The other activation layers are in minigan/nn/activation.py.

Each layer's forward is written with the engine's Tensor ops, so gradients (and second
derivatives, for gradient penalties) come from the ops' own backward passes.
"""
from __future__ import annotations

import math
from typing import Any, Iterator, Mapping

import numpy as np

from ..backends import backend_of
from .. import ops
from ..autograd import Tensor, as_tensor
from . import init
from .hooks import hooked
from .inplace_functional import write_or_record
from .module import Module, Parameter


def _check_tensor(layer: Module, x: Any) -> Tensor:
    if not isinstance(x, Tensor):  # the layer is only formatted on error: repr is not free
        raise TypeError(f"{layer!r}: expected a Tensor input, got {type(x).__name__} (wrap arrays with minigan.tensor)")
    return x


# ====================================================================== functional forms
def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x @ weight.T + bias, for x of shape (..., in) and weight of shape (out, in)."""
    return ops.linear(x, weight, bias)


def batch_norm(
    x: Tensor,
    running_mean: Tensor | np.ndarray | None,
    running_var: Tensor | np.ndarray | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float | None = 0.1,
    eps: float = 1e-5,
    num_batches_tracked: Tensor | np.ndarray | None = None,
) -> Tensor:
    """Batch normalisation over axis 1 of x, shape (N, C), (N, C, L) or (N, C, H, W): the
    statistics of each channel C are taken over every other axis.

    Training (or no running statistics): y = (x - mean) / sqrt(var + eps) * weight + bias, with
    the batch mean and the biased batch variance; the running statistics are then updated in
    place as r <- (1 - m) r + m s, using the *unbiased* variance for ``running_var`` (PyTorch's
    rule; m = 1 / num_batches_tracked when ``momentum`` is None, a cumulative average).
    Evaluation: the same formula with the running mean and variance.
    """
    running_mean, running_var, num_batches_tracked = (
        b.array if isinstance(b, Tensor) else b for b in (running_mean, running_var, num_batches_tracked))
    if x.ndim not in (2, 3, 4):
        raise ValueError(f"batch_norm: expected input of shape (N, C), (N, C, L) or (N, C, H, W), got {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    stat_shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    use_batch_stats = training or running_mean is None or running_var is None
    if use_batch_stats:
        count = x.shape[0] * int(np.prod(x.shape[2:], dtype=np.int64))
        if count == 0:  # an empty batch: an empty output and the running statistics kept, as PyTorch's
            if training and running_mean is not None and num_batches_tracked is not None:
                num_batches_tracked += 1  # it still counts as a batch seen (a 0-d array, updated in place)
            return (x * (1.0 if weight is None else weight.reshape(stat_shape))
                    + (0.0 if bias is None else bias.reshape(stat_shape)))
        if count == 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got input of shape {x.shape}"
            )
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True, ddof=0)  # biased (ddof=0) for normalising, as PyTorch
        if training and running_mean is not None and running_var is not None:
            # The running statistics are plain arrays, so this update is never recorded.
            xp = backend_of(var.array).xp
            ops.update_running_stats(running_mean, running_var, num_batches_tracked, momentum,
                                      xp.reshape(mean.array, (-1,)), xp.reshape(var.array, (-1,)), count)
    else:
        xp = backend_of(running_mean).xp
        mean = as_tensor(xp.reshape(running_mean, stat_shape), x)
        var = as_tensor(xp.reshape(running_var, stat_shape), x)
    return ops.batch_norm_composite(x, mean, var, 1.0 if weight is None else weight.reshape(stat_shape),
                                    0.0 if bias is None else bias.reshape(stat_shape), eps)


# ====================================================================== containers
class Sequential(Module):
    """Runs its modules one after the other: ``Sequential(Linear(2, 8), ReLU(), Linear(8, 1))``.

    Sub-modules are named "0", "1", ... (or by the keys of a single dict argument); the
    container can be indexed, sliced, iterated and appended to.
    """

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, module in modules[0].items():
                self.add_module(str(name), module)
        else:
            for index, module in enumerate(modules):
                if not isinstance(module, Module):
                    raise TypeError(f"Sequential: argument {index} is a {type(module).__name__}, not a Module")
                self.add_module(str(index), module)

    def forward(self, x: Any) -> Any:
        modules = list(self._modules.values())
        i = 0
        while i < len(modules):
            module = modules[i]
            following = modules[i + 1] if i + 1 < len(modules) else None
            activation = fused_activation_name(following)
            if (activation is not None and fuses_activation(module) and ops.is_fusion_enabled()
                    and not hooked(module) and not hooked(following)):
                # Linear, batch norm or a convolution, then an activation: one fused op (one
                # pass over the output, both ways).
                x = module(x, activation=activation, negative_slope=getattr(following, "negative_slope", 0.01))
                i += 2
            else:
                x = module(x)
                i += 1
        return x

    def append(self, module: Module) -> "Sequential":
        if not isinstance(module, Module):
            raise TypeError(f"Sequential.append: expected a Module, got {type(module).__name__}")
        self.add_module(str(len(self)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(dict(items[index]))
        if not -len(items) <= index < len(items):
            raise IndexError(f"Sequential index {index} is out of range for {len(items)} modules")
        return items[index][1]


# ====================================================================== layers with weights
class Linear(Module):
    """y = x @ W.T + b with W of shape (out_features, in_features), b of shape (out_features,).

    Initialised like PyTorch: W by kaiming_uniform_(a=sqrt(5)), which is
    U(-1/sqrt(in), 1/sqrt(in)), and b from the same U(-1/sqrt(in), 1/sqrt(in)).
    """

    fuses_activation = True

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True,
        rng: np.random.Generator | None = None, dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        if in_features < 0 or out_features < 0:
            raise ValueError(f"Linear: feature counts must be non-negative, got ({in_features}, {out_features})")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Draw fresh weights with PyTorch's default scheme (see the class docstring)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=rng)
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, rng=rng)

    def forward(self, x: Tensor, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
        """x @ W.T + b, followed by ``activation`` fused into the same op when one is named."""
        x = _check_tensor(self, x)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self!r}: expected input with last dimension {self.in_features}, "
                f"got input of shape {x.shape}"
            )
        return ops.linear(x, self.weight, self.bias, activation, negative_slope)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def affine_parameters(layer: Module, shape: tuple[int, ...], affine: bool, bias: bool, dtype: Any) -> None:
    """A normalisation layer's weight (ones) and, unless ``bias`` is False, bias (zeros), both of
    ``shape``; both None without ``affine``. Filled by :func:`reset_affine`, as PyTorch's layers fill
    them (one in-place fill each, counted in their version counters)."""
    layer.register_parameter("weight", Parameter(np.empty(shape, dtype=dtype)) if affine else None)
    layer.register_parameter("bias", Parameter(np.empty(shape, dtype=dtype)) if affine and bias else None)
    reset_affine(layer)


def reset_affine(layer: Module) -> None:
    """weight back to ones and bias to zeros, where the layer has them."""
    if layer.weight is not None:
        init.ones_(layer.weight)
    if layer.bias is not None:
        init.zeros_(layer.bias)


def running_statistics(layer: Module, num_features: int, track: bool, dtype: Any) -> None:
    """The buffers running_mean (zeros), running_var (ones) and num_batches_tracked (0), or three
    None buffers without ``track``; filled by :func:`reset_running_statistics`."""
    for name, shape, kind in (("running_mean", (num_features,), dtype), ("running_var", (num_features,), dtype),
                              ("num_batches_tracked", (), np.int64)):
        layer.register_buffer(name, np.empty(shape, dtype=kind) if track else None)
    reset_running_statistics(layer)


def reset_running_statistics(layer: Module) -> None:
    """The running statistics back to mean 0, variance 1 and no batch, where the layer tracks them
    (one in-place fill each, as PyTorch's zero_ and fill_)."""
    if layer.track_running_stats:
        init.zeros_(layer.running_mean)
        init.ones_(layer.running_var)
        init.zeros_(layer.num_batches_tracked)


class BatchNorm1d(Module):
    """Batch normalisation of (N, C) (or (N, C, L)) inputs over the batch, per feature C.

    Training: normalise with the batch mean and biased variance, then scale by ``weight`` and
    shift by ``bias`` (when ``affine``; ``bias=False`` leaves out the shift), and update
    ``running_mean``/``running_var`` with the unbiased variance; evaluation: normalise with the
    running statistics. Like PyTorch, a batch with a single value per feature cannot be normalised
    in training and raises, and an empty batch gives an empty output, leaving the running
    statistics as they were.
    """

    fuses_activation = True
    optional_state = ("num_batches_tracked",)  # PyTorch checkpoints before 0.4.1 lack it, and load

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
        track_running_stats: bool = True, dtype: Any = np.float32, *, bias: bool = True,
    ) -> None:
        super().__init__()
        if num_features <= 0:
            raise ValueError(f"{type(self).__name__}: num_features must be positive, got {num_features}")
        self.num_features = int(num_features)
        self.eps = float(eps)
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        affine_parameters(self, (self.num_features,), affine, bias, dtype)
        running_statistics(self, self.num_features, track_running_stats, dtype)

    def reset_running_stats(self) -> None:
        reset_running_statistics(self)

    def reset_parameters(self) -> None:
        reset_running_statistics(self)
        reset_affine(self)

    #: The input ranks this layer takes, and how its error message spells them.
    _ranks: tuple[int, ...] = (2, 3)
    _expected = "(N, {c}) or (N, {c}, L)"

    def forward(self, x: Tensor, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
        """Normalise x, then apply ``activation`` (what Sequential passes for a following
        activation layer): in training, a float32/float64 batch takes the fused op."""
        x = _check_tensor(self, x)
        if x.ndim not in self._ranks or x.shape[1] != self.num_features:
            expected = self._expected.format(c=self.num_features)
            raise ValueError(f"{self!r}: expected input of shape {expected}, got {x.shape}")
        training = self.training or not self.track_running_stats
        # the buffers' arrays, which the running-statistics update writes in place
        running_mean, running_var, count = (None if b is None else b.array for b in (
            self.running_mean, self.running_var, self.num_batches_tracked))
        if training and ops.is_fusion_enabled() and x.size > x.shape[1] and x.dtype != np.float16 and (
                activation != "leaky_relu" or negative_slope > 0):
            running = ((running_mean, running_var, count, self.momentum)
                       if running_mean is not None and self.training else None)
            return ops.batch_norm_act(x, self.weight, self.bias, self.eps, activation, negative_slope, running)
        out = batch_norm(
            x, running_mean, running_var, self.weight, self.bias,
            training=training, momentum=self.momentum, eps=self.eps, num_batches_tracked=count,
        )
        return ops.activate(out, activation, negative_slope)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm2d(BatchNorm1d):
    """Batch normalisation of (N, C, H, W) inputs per channel C, over the batch and both spatial
    axes; otherwise exactly :class:`BatchNorm1d` (same parameters, buffers and state_dict keys)."""

    fuses_activation = True

    _ranks = (4,)
    _expected = "(N, {c}, H, W)"


# ====================================================================== parameter-free layers
def _activate(x: Any, activation: str, negative_slope: float = 0.01) -> Tensor:
    """An activation module's forward: folded into the fused op of the Linear or convolution
    that made x when it can be (ops.fold_activation), as Sequential folds it; else its own op."""
    folded = ops.fold_activation(x, activation, negative_slope) if isinstance(x, Tensor) else None
    return folded if folded is not None else ops.activate(x, activation, negative_slope)


class ReLU(Module):
    """y = max(x, 0). ``inplace=True`` writes into x, as PyTorch's (minigan/nn/inplace_functional.py's
    ``write_or_record``: on a tensor with recorded history, the recorded op out of place)."""

    fused_name = "relu"

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return write_or_record("ReLU", x, lambda t: _activate(t, "relu"), self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """y = x if x > 0 else negative_slope * x."""

    fused_name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        slope = self.negative_slope
        return write_or_record("LeakyReLU", x, lambda t: _activate(t, "leaky_relu", slope), self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class Sigmoid(Module):
    """y = 1 / (1 + exp(-x))."""

    fused_name = "sigmoid"

    def forward(self, x: Tensor) -> Tensor:
        return _activate(x, "sigmoid")


class Tanh(Module):
    """y = tanh(x)."""

    fused_name = "tanh"

    def forward(self, x: Tensor) -> Tensor:
        return _activate(x, "tanh")


class Identity(Module):
    """y = x (a placeholder, e.g. for a layer switched off by configuration)."""

    def forward(self, x: Any) -> Any:
        return x


class Dropout(Module):
    """Training: zero each element with probability p and scale the survivors by 1 / (1 - p),
    drawing the mask from ``rng`` (default: the process's generator, which ``manual_seed``
    seeds); evaluation: the identity. ``inplace=True`` writes into x in training, as PyTorch's."""

    def __init__(self, p: float = 0.5, inplace: bool = False, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability must be in [0, 1], got {p}")
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(f"Dropout: rng must be a numpy.random.Generator, got {type(rng).__name__}")
        self.p = float(p)
        self.inplace = inplace
        self.rng = rng

    def forward(self, x: Tensor) -> Tensor:
        inplace = self.inplace and self.training and self.p > 0
        return write_or_record("Dropout", x, lambda t: ops.dropout(t, self.p, self.training, self.rng), inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Flatten(Module):
    """Merge axes start_dim..end_dim into one: (N, 1, 28, 28) -> (N, 784) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Tensor) -> Tensor:
        x = _check_tensor(self, x)
        ndim = max(x.ndim, 1)
        start, end = self.start_dim % ndim, self.end_dim % ndim
        if not (-ndim <= self.start_dim < ndim and -ndim <= self.end_dim < ndim) or start > end:
            raise ValueError(f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}) does not fit input of shape {x.shape}")
        shape = x.shape[:start] + (int(np.prod(x.shape[start:end + 1], dtype=np.int64)),) + x.shape[end + 1:]
        return x.reshape(shape)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


__all__ = [
    "linear", "batch_norm", "Sequential", "Linear", "BatchNorm1d", "BatchNorm2d", "ReLU", "LeakyReLU", "Sigmoid", "Tanh",
    "Identity", "Dropout", "Flatten",
]


# Sequential folds an activation module into the layer before it when the layer's own class (not
# a subclass, which may override forward) says ``fuses_activation = True`` (its forward takes
# ``activation`` and ``negative_slope``) and the activation's own class names its formula in
# ``fused_name`` (a name of minigan/formulas.py's ACTIVATIONS).
def fuses_activation(module: Any) -> bool:
    """True when ``module``'s class runs a following activation inside its own op."""
    return type(module).__dict__.get("fuses_activation", False)


def fused_activation_name(module: Any) -> str | None:
    """The formula name of an activation module that Sequential can fold into the layer before
    it ("relu", "leaky_relu", "sigmoid", "tanh"); None for anything else."""
    return type(module).__dict__.get("fused_name")


def fused_activations(*models: Module) -> set[str]:
    """The activations the fused ops of ``models`` run (what their kernels are compiled for)."""
    found = {"none"}
    for model in models:
        found.update(name for name in map(fused_activation_name, model.modules()) if name is not None)
    return found
