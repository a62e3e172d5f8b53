"""``torch.nn.utils``' counterpart: :func:`spectral_norm` (spectral.py), the gradient clipping
(minigan/nn/clip_grad.py), ``minigan.nn.utils.rnn``, the packed sequences (rnn.py), and
``stateless.functional_call`` (stateless.py)."""
from __future__ import annotations

from ...torch_api.unsupported import module_getattr as _module_getattr
from ..clip_grad import clip_grad_norm_, clip_grad_value_
from . import rnn, stateless
from .spectral import spectral_norm
from ..clip_grad import clip_grad_norm, clip_grads_with_norm_, get_total_norm
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights
from .init import skip_init
from .spectral import remove_spectral_norm
from .vectors import parameters_to_vector, vector_to_parameters
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ["spectral_norm", "clip_grad_norm_", "clip_grad_value_", "rnn", "stateless"]
__all__ += ["clip_grad_norm", "clip_grads_with_norm_", "get_total_norm", "fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights", "skip_init", "remove_spectral_norm", "parameters_to_vector", "vector_to_parameters", "remove_weight_norm", "weight_norm"]

__getattr__ = _module_getattr(__name__, "torch.nn.utils", {})
