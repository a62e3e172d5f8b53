"""``torch.nn.utils``' counterpart: :func:`spectral_norm` and :func:`remove_spectral_norm`
(spectral.py), :func:`weight_norm` and :func:`remove_weight_norm` (weight_norm.py), the gradient
clipping and norms (minigan/nn/clip_grad.py), ``parameters_to_vector`` and
``vector_to_parameters`` (vectors.py), the conv/linear and batch-norm fusions (fusion.py),
``skip_init`` (init.py), ``minigan.nn.utils.rnn``, the packed sequences (rnn.py),
``stateless.functional_call`` (stateless.py), and ``parametrize`` and ``parametrizations``
(parametrize.py, parametrizations.py)."""
from __future__ import annotations

from ..clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from . import parametrizations, parametrize, rnn, stateless
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights
from .init import skip_init
from .spectral import remove_spectral_norm, spectral_norm
from .vectors import parameters_to_vector, vector_to_parameters
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ["spectral_norm", "remove_spectral_norm", "weight_norm", "remove_weight_norm", "clip_grad_norm_",
           "clip_grad_norm", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm", "parameters_to_vector",
           "vector_to_parameters", "fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
           "fuse_linear_bn_weights", "skip_init", "rnn", "stateless", "parametrize", "parametrizations"]
