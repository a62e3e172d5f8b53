"""``kl_divergence`` between two laws of one exponential family, as PyTorch's fallback for
ExponentialFamily pairs: the Bregman divergence of the log-normaliser A,

KL(p || q) = A(eta_q) - A(eta_p) - <eta_q - eta_p, grad A(eta_p)>,

with grad A(eta_p) from autograd on p's detached natural parameters (so, as PyTorch's, it differentiates
in q's parameters only). Importing the package registers it."""
from __future__ import annotations

from ..autograd import Tensor, enable_grad, grad
from .exponential_family import ExponentialFamily
from .kl import register_kl
from .utils import sum_rightmost

__all__ = ["bregman_kl"]


@register_kl(ExponentialFamily, ExponentialFamily)
def bregman_kl(p: ExponentialFamily, q: ExponentialFamily) -> Tensor:
    """The Bregman divergence of A between q's and p's natural parameters (one family only)."""
    if type(p) is not type(q):
        raise NotImplementedError("The cross KL-divergence between different exponential families cannot "
                                  "be computed using Bregman divergences")
    with enable_grad():
        p_params = [param.detach().requires_grad_() for param in p._natural_params]
        normaliser = p._log_normalizer(*p_params)
        slopes = grad(normaliser.sum(), p_params)
    # p's side enters as constants: its graph was spent on the slopes, and nothing differentiates in it.
    result = q._log_normalizer(*q._natural_params) - normaliser.detach()
    for p_param, q_param, slope in zip(p_params, q._natural_params, slopes):
        result = result - sum_rightmost((q_param - p_param.detach()) * slope, len(q.event_shape))
    return result
