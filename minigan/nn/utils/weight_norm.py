"""``torch.nn.utils``' weight normalisation (Salimans and Kingma 2016), the hook-based kind:
:func:`weight_norm` and :func:`remove_weight_norm`, as PyTorch's.

``weight_norm(module, name, dim)`` replaces the Parameter ``module.<name>`` by two Parameters,
``<name>_g`` (the magnitude) and ``<name>_v`` (the direction), and recomputes the weight from them in
a forward pre-hook before every forward pass: w = g · v / ‖v‖, where ‖v‖ is the 2-norm over every dim
of v but ``dim`` (so g has v's size along ``dim`` and 1 elsewhere). ``dim=None`` (or -1, as in
PyTorch) takes the norm of the whole tensor, and g is a single number. At the start g = ‖w‖ and
v = w (sharing w's memory), so the weight is unchanged. Gradients reach g and v through the formula:
∂w/∂g = v / ‖v‖, and ∂w/∂v gives v's gradient minus its projection on v, times g / ‖v‖.
``remove_weight_norm`` computes w once more and makes it the Parameter ``<name>`` again.
"""
from __future__ import annotations

from typing import Any

from ...autograd import Tensor
from ...autograd.arguments import no_dimensions
from ..module import Module, Parameter

__all__ = ["norm_dim", "norm_except_dim", "remove_weight_norm", "weight_norm"]


def norm_dim(weight: Tensor, dim: int | None) -> int:
    """``dim`` as :func:`norm_except_dim` takes it for ``weight``: -1 (None too) for the whole tensor,
    else in [0, ndim); PyTorch's errors for one out of range. The callers check it once, at the start."""
    if dim is None or dim == -1:
        return -1
    ndim = max(weight.ndim, 1)
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    if weight.ndim == 0:
        raise no_dimensions(dim)
    return dim % ndim


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:  # noqa: A002 - PyTorch's names
    """The ``pow``-norm of ``v`` over every dim but ``dim``, kept as size-1 dims (v (3, 4, 5), dim 1
    gives (1, 4, 1)); ``dim=-1`` is the norm of the whole tensor, a 0-d tensor. ``dim`` comes from
    :func:`norm_dim`."""
    if dim == -1:
        return v.norm(pow)
    if v.ndim == 1:  # one norm per element: |v|, as PyTorch's
        return v.reshape(-1, 1).norm(pow, dim=1).reshape(v.shape)
    return v.norm(pow, dim=tuple(d for d in range(v.ndim) if d != dim), keepdim=True)


class _WeightNorm:
    """The forward pre-hook ``weight_norm`` registers (it holds the name and dim, no arrays)."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim

    def compute_weight(self, module: Module) -> Tensor:
        v = module._parameters[self.name + "_v"]
        return v * (module._parameters[self.name + "_g"] / norm_except_dim(v, 2, self.dim))

    def __call__(self, module: Module, inputs: Any) -> None:
        object.__setattr__(module, self.name, self.compute_weight(module))


def _pre_hooks(module: Module) -> dict[int, Any]:
    hooks = module.__dict__.get("_hooks")
    return {} if hooks is None else hooks.pre


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Weight normalisation of ``module.<name>``, in place; returns ``module`` (see the module docstring)."""
    for hook in _pre_hooks(module).values():
        if isinstance(hook, _WeightNorm) and hook.name == name:
            raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
    weight = getattr(module, name)
    dim = norm_dim(weight, None if dim is None else int(dim))
    hook = _WeightNorm(name, dim)
    del module._parameters[name]
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight.detach(), 2, dim)))
    module.register_parameter(name + "_v", Parameter(weight.detach()))
    object.__setattr__(module, name, hook.compute_weight(module))
    module.register_forward_pre_hook(hook)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Undo :func:`weight_norm` on ``module.<name>``: the weight g · v / ‖v‖ becomes the Parameter
    ``<name>`` again, and ``<name>_g``, ``<name>_v`` and the hook go; returns ``module``."""
    hooks = _pre_hooks(module)
    for key, hook in list(hooks.items()):
        if isinstance(hook, _WeightNorm) and hook.name == name:
            weight = hook.compute_weight(module).detach()
            module.__dict__.pop(name, None)
            del module._parameters[name + "_g"], module._parameters[name + "_v"]
            module.register_parameter(name, Parameter(weight))
            del hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
