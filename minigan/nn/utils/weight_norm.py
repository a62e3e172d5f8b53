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

from ... import ops
from ...autograd import Tensor
from ..module import Module, Parameter

__all__ = ["remove_weight_norm", "weight_norm"]


def _norm_except_dim(v: Tensor, dim: int) -> Tensor:
    """The 2-norm of ``v`` over every dim but ``dim``, kept as size-1 dims (-1: the whole tensor)."""
    if dim == -1:
        return ops.linalg_norms.vector_norm(v, 2)
    moved = v if dim == 0 else ops.movedim(v, dim, 0)
    norms = ops.linalg_norms.vector_norm(ops.reshape(moved, (v.shape[dim], -1)), 2, 1)
    return ops.reshape(norms, tuple(v.shape[dim] if d == dim else 1 for d in range(v.ndim)))


class _WeightNorm:
    """The forward pre-hook ``weight_norm`` registers (it holds the name and dim, no arrays)."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim

    def compute_weight(self, module: Module) -> Tensor:
        v = module._parameters[self.name + "_v"]
        return v * (module._parameters[self.name + "_g"] / _norm_except_dim(v, self.dim))

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
    if dim is None:
        dim = -1
    dim = int(dim)
    if dim != -1 and not -weight.ndim <= dim < max(weight.ndim, 1):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-weight.ndim}, {weight.ndim - 1}], "
                         f"but got {dim})")
    if dim < -1:
        dim += weight.ndim
    hook = _WeightNorm(name, dim)
    del module._parameters[name]
    module.register_parameter(name + "_g", Parameter(_norm_except_dim(weight.detach(), dim)))
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
