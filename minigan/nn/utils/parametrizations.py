"""``torch.nn.utils.parametrizations``: spectral and weight normalisation as parametrizations
(minigan/nn/utils/parametrize.py), the forms PyTorch recommends over the hook-based
``nn.utils.spectral_norm`` (minigan/nn/utils/spectral.py).

``spectral_norm(module)`` makes ``module.weight`` read as W / σ, σ the power iteration's estimate of
W's largest singular value, W being the weight as a matrix of shape ``(weight.shape[dim], -1)``.
The iteration's vectors are the buffers ``_u`` and ``_v`` of the parametrization, so the state_dict
keys are ``parametrizations.weight.original``, ``parametrizations.weight.0._u`` and ``..._v``. They
start as normalised N(0, 1) draws from minigan's default Generator
(minigan/torch_api/generators.py) followed by 15 steps; in training mode each read of the weight
first takes ``n_power_iterations`` steps ``u = normalize(W v)``, ``v = normalize(Wᵀ u)`` (no
gradient); in eval mode u and v are used as they are. σ = uᵀ W v, and the gradient flows through
it with u and v constant, as in PyTorch. A 1-d weight reads as ``weight / max(‖weight‖, eps)``.

``weight_norm(module)`` makes ``module.weight`` read as ``g · v / ‖v‖``, the norm taken over every
dim but ``dim`` (over all of them when ``dim`` is None or -1), with ``g = original0`` of shape 1
along every dim but ``dim`` and ``v = original1``, both Parameters. A state_dict of the older
``weight_g`` / ``weight_v`` keys loads into it, as in PyTorch.
"""
from __future__ import annotations

from typing import Any

from ...autograd import Tensor
from ...backends import backend_of
from ...torch_api.generators import default_generator
from ...torch_api.unsupported import module_getattr as _module_getattr
from ..conv import ConvTranspose2d
from ..conv1d import ConvTranspose1d
from ..conv3d import ConvTranspose3d
from ..distance import normalize
from ..module import Module
from . import parametrize
from .spectral import _matrix, _normalize, power_iteration, sigma
from .weight_norm import norm_dim, norm_except_dim

__all__ = ["spectral_norm", "weight_norm"]


class _SpectralNorm(Module):
    """The parametrization ``spectral_norm`` registers: weight / σ (see the module docstring)."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            matrix = _matrix(weight.array, self.dim)
            backend, rng = backend_of(weight.array), default_generator()
            h, w = matrix.shape
            u = backend.asarray(rng.standard_normal(h), dtype=backend.numpy_dtype(weight.array.dtype))
            v = backend.asarray(rng.standard_normal(w), dtype=backend.numpy_dtype(weight.array.dtype))
            self.register_buffer("_u", _normalize(u, eps))
            self.register_buffer("_v", _normalize(v, eps))
            power_iteration(matrix, self._u.array, self._v.array, 15, eps, u_first=True)

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        u, v = self._u.array, self._v.array
        if self.training:  # in place, so the buffers carry the estimate on
            power_iteration(_matrix(weight.array, self.dim), u, v, self.n_power_iterations, self.eps, u_first=True)
        return weight / sigma(weight, self.dim, u, v)

    def right_inverse(self, value: Tensor) -> Tensor:
        """The weight itself: any W is W / σ of some weight (σ(W) W)."""
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Spectral normalisation of ``module.<name>`` as a parametrization, in place; returns ``module``
    (see the module docstring). ``dim`` defaults to 1 for the ConvTranspose layers, 0 otherwise."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


class _WeightNorm(Module):
    """The parametrization ``weight_norm`` registers: g v / ‖v‖ from (original0, original1) = (g, v)."""

    def __init__(self, dim: int | None, axis: int) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim  # as given, as PyTorch keeps it
        self._axis = axis  # checked and made non-negative (minigan/nn/utils/weight_norm.py's norm_dim)

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return weight_v * (weight_g / norm_except_dim(weight_v, 2, self._axis))

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        """(‖weight‖ over every dim but ``dim``, weight): the g and v that give ``weight`` back."""
        return norm_except_dim(weight, 2, self._axis), weight


def _old_keys_hook(name: str) -> Any:
    """A load_state_dict pre-hook that renames ``<name>_g`` / ``<name>_v`` (the hook-based weight_norm's
    keys) to ``parametrizations.<name>.original0`` / ``original1``."""
    def hook(module: Module, state_dict: dict, prefix: str, *args: Any) -> None:
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)
    return hook


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> Module:
    """Weight normalisation of ``module.<name>`` as a parametrization, in place; returns ``module``
    (see the module docstring)."""
    weight = getattr(module, name, None)
    axis = norm_dim(weight, dim) if isinstance(weight, Tensor) else -1  # none: register_parametrization names it
    parametrize.register_parametrization(module, name, _WeightNorm(dim, axis), unsafe=True)
    module.register_load_state_dict_pre_hook(_old_keys_hook(name))
    return module


__getattr__ = _module_getattr(__name__, "torch.nn.utils.parametrizations", {
    "orthogonal": "the orthogonal parametrization (matrix exponential, Cayley map, Householder products)"})
