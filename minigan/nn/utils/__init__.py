"""``torch.nn.utils``' counterpart: :func:`spectral_norm` (spectral.py), the gradient clipping
(minigan/nn/clip_grad.py), ``minigan.nn.utils.rnn``, the packed sequences (rnn.py), and
``stateless.functional_call`` (stateless.py)."""
from __future__ import annotations

from ...torch_api.unsupported import module_getattr as _module_getattr
from ..clip_grad import clip_grad_norm_, clip_grad_value_
from . import rnn, stateless
from . import parametrize, parametrizations
from .spectral import spectral_norm

__all__ = ["spectral_norm", "clip_grad_norm_", "clip_grad_value_", "rnn", "stateless"]
__all__ += ["parametrize", "parametrizations"]

__getattr__ = _module_getattr(__name__, "torch.nn.utils", {"weight_norm": "weight normalisation"})
