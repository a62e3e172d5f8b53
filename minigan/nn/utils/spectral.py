"""``torch.nn.utils``' spectral normalisation: :func:`spectral_norm` (Miyato et al. 2018). The package
``minigan.nn.utils`` also holds the gradient clipping (minigan/nn/clip_grad.py) and the packed
sequences (minigan/nn/utils/rnn.py), as ``torch.nn.utils`` does.

``spectral_norm(module)`` divides ``module.weight`` by an estimate of its largest singular
value σ before every forward pass, as PyTorch's ``nn.utils.spectral_norm`` does: the trained
Parameter becomes ``weight_orig``, and two buffers ``weight_u`` and ``weight_v`` hold the power
iteration's vectors, so a state_dict has PyTorch's keys (``weight_orig``, ``weight_u``,
``weight_v``). In training mode each forward pass first runs ``n_power_iterations`` steps
``v = normalize(Wᵀu)``, ``u = normalize(W v)`` (no gradient, ``normalize(x) = x / max(‖x‖, eps)``);
in eval mode u and v are used as they are. Then σ = uᵀ W v and ``weight = weight_orig / σ``,
whose gradient flows through σ (dσ/dW = u vᵀ) as in PyTorch. W is the weight reshaped to
``(weight.shape[dim], -1)``; ``dim`` defaults to 1 for ConvTranspose2d and 0 otherwise.
``remove_spectral_norm(module)`` makes ``weight_orig / σ`` (σ from u and v as they are, with no
power iteration) the Parameter ``weight`` again and drops ``weight_orig``, ``weight_u`` and ``weight_v``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...autograd import Tensor
from ...backends import backend_of
from ..conv import ConvTranspose2d
from ..module import Module, Parameter

__all__ = ["remove_spectral_norm", "spectral_norm"]


def _normalize(x: Any, eps: float) -> Any:
    norm = float(backend_of(x).xp.sum(x * x)) ** 0.5
    return x / max(norm, eps)


def _order(ndim: int, dim: int) -> tuple[int, ...]:
    return (dim,) + tuple(d for d in range(ndim) if d != dim)


def _matrix(weight: Any, dim: int) -> Any:
    """The weight array as a matrix of shape (weight.shape[dim], -1), as PyTorch's reshape_weight_to_matrix."""
    xp = backend_of(weight).xp
    if dim != 0:
        weight = xp.permute_dims(weight, _order(weight.ndim, dim))
    return xp.reshape(weight, (weight.shape[0], -1))


def power_iteration(matrix: Any, u: Any, v: Any, n_iterations: int, eps: float, *, u_first: bool = False) -> None:
    """``n_iterations`` steps of the power iteration towards the largest singular value of ``matrix``,
    in place on the arrays ``u`` and ``v`` (no gradient): ``v = normalize(matrixᵀ u)``, then
    ``u = normalize(matrix v)``, with ``normalize(x) = x / max(‖x‖, eps)``; ``u_first`` takes the two
    updates in the other order (``torch.nn.utils.parametrizations.spectral_norm``'s)."""
    for _ in range(n_iterations):
        if u_first:
            u[...] = _normalize(matrix @ v, eps)
        v[...] = _normalize(matrix.T @ u, eps)
        if not u_first:
            u[...] = _normalize(matrix @ v, eps)


def sigma(weight: Tensor, dim: int, u: Any, v: Any) -> Tensor:
    """σ = uᵀ W v, W being ``weight`` as a matrix along ``dim`` (see :func:`_matrix`), with the arrays
    u and v as constants: the gradient to the weight is u vᵀ (reshaped back)."""
    permuted = weight if dim == 0 else ops.permute(weight, _order(weight.ndim, dim))
    rows = weight.shape[dim]
    outer = Tensor(u[:, None] * v[None, :], device=weight.device)  # a new array: later updates of u, v leave it
    return ops.sum(ops.reshape(permuted, (rows, -1)) * outer)


class _SpectralNorm:
    """The hook ``spectral_norm`` puts in front of a module's forward (it holds no arrays)."""

    def __init__(self, module: Module, name: str, n_power_iterations: int, dim: int, eps: float) -> None:
        self.module, self.name, self.n_power_iterations, self.dim, self.eps = module, name, n_power_iterations, dim, eps
        self.forward = type(module).forward.__get__(module)

    def compute_weight(self, do_power_iteration: bool = True) -> Tensor:
        module, name = self.module, self.name
        weight = module._parameters[name + "_orig"]
        u, v = module._buffers[name + "_u"].array, module._buffers[name + "_v"].array
        if module.training and do_power_iteration:  # in place, so the buffers carry the estimate on
            power_iteration(_matrix(weight.array, self.dim), u, v, self.n_power_iterations, self.eps)
        return weight / sigma(weight, self.dim, u, v)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        object.__setattr__(self.module, self.name, self.compute_weight())
        return self.forward(*args, **kwargs)


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None, rng: np.random.Generator | None = None) -> Module:
    """Spectral normalisation of ``module.<name>``, in place; returns ``module`` (see the module
    docstring). u and v start as normalised draws from N(0, 1) of ``rng`` (None: NumPy's
    default Generator), as PyTorch draws them from its own."""
    if not isinstance(module, Module):
        raise TypeError(f"spectral_norm expects a Module, got {type(module).__name__}")
    weight = module._parameters.get(name)
    if weight is None:
        raise ValueError(f"spectral_norm: {type(module).__name__} has no parameter {name!r}")
    if isinstance(module.__dict__.get("forward"), _SpectralNorm):
        raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
    if int(n_power_iterations) <= 0:
        raise ValueError(f"spectral_norm: n_power_iterations must be positive, got {n_power_iterations!r}")
    if dim is None:
        dim = 1 if isinstance(module, ConvTranspose2d) else 0
    rng = rng if rng is not None else np.random.default_rng()
    matrix = _matrix(weight.array, dim)
    backend = backend_of(weight.array)
    h, w = matrix.shape
    u = _normalize(backend.asarray(rng.standard_normal(h), dtype=backend.numpy_dtype(weight.array.dtype)), eps)
    v = _normalize(backend.asarray(rng.standard_normal(w), dtype=backend.numpy_dtype(weight.array.dtype)), eps)
    del module._parameters[name]
    module.register_parameter(name + "_orig", Parameter(weight))
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    hook = _SpectralNorm(module, name, int(n_power_iterations), int(dim), float(eps))
    object.__setattr__(module, "forward", hook)
    object.__setattr__(module, name, hook.compute_weight())  # so module.weight reads as in PyTorch
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    """Undo :func:`spectral_norm` on ``module.<name>`` (see the module docstring); returns ``module``."""
    hook = module.__dict__.get("forward") if isinstance(module, Module) else None
    if not (isinstance(hook, _SpectralNorm) and hook.name == name):
        raise ValueError(f"spectral_norm of '{name}' not found in {module}")
    weight = hook.compute_weight(do_power_iteration=False).detach()
    del module.__dict__["forward"]
    module.__dict__.pop(name, None)
    del module._parameters[name + "_orig"], module._buffers[name + "_u"], module._buffers[name + "_v"]
    module.register_parameter(name, Parameter(weight))
    return module
