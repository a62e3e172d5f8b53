"""Lazy modules, as PyTorch's: ``LazyLinear``, ``LazyConv1d/2d/3d``, ``LazyConvTranspose1d/2d/3d``,
``LazyBatchNorm1d/2d/3d`` and ``LazyInstanceNorm1d/2d/3d``, and ``LazyModuleMixin``, what they share.

A lazy module is its ordinary class without the one size it reads off its input (``in_features``,
``in_channels``, ``num_features``; 0 until then): the parameters and buffers of that size are
``UninitializedParameter`` / ``UninitializedBuffer`` (minigan/nn/parameter.py). Its first call runs
``initialize_parameters(input)`` in a forward pre-hook, before any hook registered after the module
was made: the size is read, each entry materialised and initialised as the ordinary class initialises
it (with the ``rng`` given to the constructor, drawn at that call, so the weights equal an ordinary
module's made from the same generator state then), and the module becomes the ordinary class
(``cls_to_become``), the same object, with its hooks gone.

Before that call: ``state_dict`` holds the uninitialised entries themselves; ``load_state_dict``
materialises each entry to the shape it loads; ``to(dtype)`` changes the dtype the entries will have;
an optimizer may be built over the parameters, since materialising keeps each the same object.
"""
from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np

from ..autograd import Tensor
from . import init
from .conv import Conv2d, ConvTranspose2d
from .conv1d import Conv1d, ConvTranspose1d
from .conv3d import Conv3d, ConvTranspose3d
from .layers import BatchNorm1d, BatchNorm2d, Linear
from .normalization import BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .parameter import UninitializedBuffer, UninitializedParameter

__all__ = [
    "LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
    "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
    "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
]

_UNINITIALIZED = (UninitializedParameter, UninitializedBuffer)


def _entries(module: Any) -> Any:
    return chain(module._parameters.items(), module._buffers.items())


def _infer_parameters(module: Any, args: tuple) -> None:
    """The forward pre-hook of a lazy module: initialise it from its input and make it its ordinary class."""
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {type(module).__name__} has not been fully initialized")
    handles = module.__dict__.pop("_lazy_handles")
    for handle in handles:
        handle.remove()
    hooks, state_hooks = module.__dict__.get("_hooks"), module.__dict__.get("_state_hooks")
    if hooks is not None and not hooks.own() and hooks.full is None:
        del module.__dict__["_hooks"]  # back to the hook-free call
    if state_hooks is not None and not any(vars(state_hooks).values()):
        del module.__dict__["_state_hooks"]
    module.__dict__.pop("_lazy_rng", None)
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


def _lazy_save_hook(module: Any, state_dict: dict[str, Any], prefix: str, local_metadata: Any) -> None:
    """state_dict's post-hook: an uninitialised entry is saved as itself, as PyTorch saves it."""
    for name, value in _entries(module):
        if isinstance(value, _UNINITIALIZED) and prefix + name in state_dict:
            state_dict[prefix + name] = value


def _lazy_load_hook(module: Any, state_dict: dict[str, Any], prefix: str, local_metadata: Any, strict: bool,
                    missing_keys: list[str], unexpected_keys: list[str], error_msgs: list[str]) -> None:
    """load_state_dict's pre-hook: an uninitialised entry takes the shape of the value loaded into it."""
    for name, value in _entries(module):
        loaded = state_dict.get(prefix + name)
        if isinstance(value, _UNINITIALIZED) and loaded is not None and not isinstance(loaded, _UNINITIALIZED):
            value.materialize(loaded.shape if hasattr(loaded, "shape") else np.shape(loaded))


class LazyModuleMixin:
    """What every lazy module shares (see the file's docstring). A subclass names ``cls_to_become``,
    the attribute its input sets (``_lazy_size``) and how to read it, the shape of each entry, and
    how the ordinary class initialises them (``_lazy_reset``)."""

    cls_to_become: type | None = None
    _lazy_size = ""

    def _lazy_begin(self, rng: Any) -> None:
        # Before the ordinary __init__: while "_lazy_rng" is set, reset_parameters draws nothing.
        object.__setattr__(self, "_lazy_rng", rng)

    def _lazy_end(self, names: tuple[str, ...]) -> None:
        """After the ordinary __init__ (with a stand-in size): the entries of that size become uninitialised."""
        for name in names:
            old = self._parameters.get(name)
            if old is not None:
                self._parameters[name] = UninitializedParameter(old.requires_grad, dtype=old.dtype)
            elif self._buffers.get(name) is not None:
                self._buffers[name] = UninitializedBuffer(dtype=self._buffers[name].dtype)
        object.__setattr__(self, self._lazy_size, 0)
        object.__setattr__(self, "_lazy_handles", (
            self.register_forward_pre_hook(_infer_parameters),
            self.register_load_state_dict_pre_hook(_lazy_load_hook),
            self.register_state_dict_post_hook(_lazy_save_hook)))

    def has_uninitialized_params(self) -> bool:
        """Whether one of the module's own parameters or buffers is still uninitialised."""
        return any(isinstance(value, _UNINITIALIZED) for _, value in _entries(self))

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        """Read the size off ``input`` and, if the module has uninitialised entries, materialise and
        initialise them (what the first call does before ``forward``)."""
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__}: expected a Tensor input, got {type(input).__name__}")
        object.__setattr__(self, self._lazy_size, self._lazy_read_size(input))
        if self.has_uninitialized_params():
            for name, value in _entries(self):
                if isinstance(value, _UNINITIALIZED):
                    value.materialize(self._lazy_shape(name))
            self._lazy_reset(self.__dict__.pop("_lazy_rng", None))

    def reset_parameters(self, *args: Any, **kwargs: Any) -> None:
        """The ordinary class's, once the module is initialised (before, there is nothing to draw)."""
        if "_lazy_rng" not in self.__dict__ and not self.has_uninitialized_params():
            super().reset_parameters(*args, **kwargs)  # type: ignore[misc]

    def _lazy_read_size(self, input: Tensor) -> int:
        raise NotImplementedError

    def _lazy_shape(self, name: str) -> tuple[int, ...]:
        raise NotImplementedError

    def _lazy_reset(self, rng: Any) -> None:
        raise NotImplementedError


class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` with ``in_features`` read off the first input's last axis (minigan/nn/lazy.py)."""

    cls_to_become = Linear
    _lazy_size = "in_features"

    def __init__(self, out_features: int, bias: bool = True, rng: np.random.Generator | None = None,
                 dtype: Any = np.float32) -> None:
        self._lazy_begin(rng)
        Linear.__init__(self, 0, out_features, bias, dtype=dtype)
        self._lazy_end(("weight", "bias"))

    def _lazy_read_size(self, input: Tensor) -> int:
        if input.ndim == 0:
            raise ValueError(f"{type(self).__name__}: expected an input with at least one dimension, got a 0-d Tensor")
        return int(input.shape[-1])

    def _lazy_shape(self, name: str) -> tuple[int, ...]:
        return (self.out_features, self.in_features) if name == "weight" else (self.out_features,)

    def _lazy_reset(self, rng: Any) -> None:
        Linear.reset_parameters(self, rng)


class _LazyConv(LazyModuleMixin):
    """What the lazy convolutions share: ``in_channels`` is the input's channel axis."""

    _lazy_size = "in_channels"
    _transposed = False

    def _lazy_read_size(self, input: Tensor) -> int:
        spatial = len(self.kernel_size)
        if input.ndim not in (spatial + 1, spatial + 2):
            raise RuntimeError(f"Expected {spatial + 1}D (unbatched) or {spatial + 2}D (batched) input to "
                               f"{type(self).__name__}, but got input of size: {input.shape}")
        channels = int(input.shape[1] if input.ndim == spatial + 2 else input.shape[0])
        if channels % self.groups:
            raise ValueError("in_channels must be divisible by groups")
        return channels

    def _lazy_shape(self, name: str) -> tuple[int, ...]:
        if name == "bias":
            return (self.out_channels,)
        if self._transposed:
            return (self.in_channels, self.out_channels // self.groups) + self.kernel_size
        return (self.out_channels, self.in_channels // self.groups) + self.kernel_size

    def _lazy_reset(self, rng: Any) -> None:
        self.cls_to_become.reset_parameters(self, rng)


def _lazy_conv_class(base: type) -> type:
    if base.__name__.startswith("ConvTranspose"):
        def __init__(self: Any, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                     padding_mode: str = "zeros", rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
            self._lazy_begin(rng)
            base.__init__(self, groups, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
                          dilation, padding_mode, dtype=dtype)
            self._lazy_end(("weight", "bias"))
    else:
        def __init__(self: Any, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                     dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                     rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
            self._lazy_begin(rng)
            base.__init__(self, groups, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                          padding_mode, dtype=dtype)
            self._lazy_end(("weight", "bias"))

    doc = (f"``{base.__name__}`` with ``in_channels`` read off the first input's channel axis (minigan/nn/lazy.py): "
           f"``Lazy{base.__name__}(out_channels, kernel_size, ...)``, the rest as {base.__name__}'s.")
    return type(f"Lazy{base.__name__}", (_LazyConv, base), {
        "__init__": __init__, "__doc__": doc, "__module__": __name__, "cls_to_become": base,
        "_transposed": base.__name__.startswith("ConvTranspose"), "__qualname__": f"Lazy{base.__name__}"})


LazyConv1d = _lazy_conv_class(Conv1d)
LazyConv2d = _lazy_conv_class(Conv2d)
LazyConv3d = _lazy_conv_class(Conv3d)
LazyConvTranspose1d = _lazy_conv_class(ConvTranspose1d)
LazyConvTranspose2d = _lazy_conv_class(ConvTranspose2d)
LazyConvTranspose3d = _lazy_conv_class(ConvTranspose3d)


class _LazyNorm(LazyModuleMixin):
    """What the lazy normalisations share: ``num_features`` is the input's axis 1 (as PyTorch reads
    it, an unbatched InstanceNorm input too)."""

    _lazy_size = "num_features"
    _NAMES = ("weight", "bias", "running_mean", "running_var")

    def _lazy_read_size(self, input: Tensor) -> int:
        if input.ndim < 2:
            raise ValueError(f"{type(self).__name__}: expected an input with at least 2 dimensions, got {input.ndim}")
        return int(input.shape[1])

    def _lazy_shape(self, name: str) -> tuple[int, ...]:
        return (self.num_features,)

    def _lazy_reset(self, rng: Any) -> None:
        self.reset_running_stats()
        if self.affine:  # both norms' initial weight and bias
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)


def _lazy_norm_class(base: type, instance: bool) -> type:
    def __init__(self: Any, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, dtype: Any = np.float32, **kwargs: Any) -> None:
        self._lazy_begin(None)
        base.__init__(self, 1, eps, momentum, affine, track_running_stats, dtype, **kwargs)
        self._lazy_end(self._NAMES)

    doc = (f"``{base.__name__}`` with ``num_features`` read off the first input's axis 1 (minigan/nn/lazy.py): "
           f"``Lazy{base.__name__}(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)``"
           + (", the defaults of PyTorch's lazy class (the ordinary one's are False)." if instance else "."))
    return type(f"Lazy{base.__name__}", (_LazyNorm, base), {
        "__init__": __init__, "__doc__": doc, "__module__": __name__, "cls_to_become": base,
        "__qualname__": f"Lazy{base.__name__}"})


LazyBatchNorm1d = _lazy_norm_class(BatchNorm1d, False)
LazyBatchNorm2d = _lazy_norm_class(BatchNorm2d, False)
LazyBatchNorm3d = _lazy_norm_class(BatchNorm3d, False)
LazyInstanceNorm1d = _lazy_norm_class(InstanceNorm1d, True)
LazyInstanceNorm2d = _lazy_norm_class(InstanceNorm2d, True)
LazyInstanceNorm3d = _lazy_norm_class(InstanceNorm3d, True)
