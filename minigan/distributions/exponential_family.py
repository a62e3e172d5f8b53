"""``ExponentialFamily``, as ``torch.distributions.ExponentialFamily``: the base of the laws of density

p(x) = h(x) exp(<eta, T(x)> - A(eta)),

given by their natural parameters eta (``_natural_params``), the log-normaliser A (``_log_normalizer``)
and E_p[log h(x)] (``_mean_carrier_measure``). Since E_p[T(x)] = grad A(eta), both the entropy and the
divergence within one family (kl_exponential_family.py) are Bregman divergences of A, by autograd:

H = A(eta) - <eta, grad A(eta)> - E_p[log h],  KL(p || q) = A(eta_q) - A(eta_p) - <eta_q - eta_p, grad A(eta_p)>.

As PyTorch's, the entropy works on detached natural parameters (it has no gradient in them) and the
divergence differentiates in q's parameters only."""
from __future__ import annotations

from ..autograd import Tensor, enable_grad, grad
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """A Distribution in exponential-family form; a subclass gives ``_natural_params`` and ``_log_normalizer``."""

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """eta, a tuple of Tensors."""
        raise NotImplementedError

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        """A(eta), batched."""
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> float | Tensor:
        """E_p[log h(x)]."""
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """A(eta) - <eta, grad A(eta)> - E_p[log h], from the detached natural parameters."""
        result = -self._mean_carrier_measure
        with enable_grad():
            params = [p.detach().requires_grad_() for p in self._natural_params]
            normaliser = self._log_normalizer(*params)
            slopes = grad(normaliser.sum(), params, create_graph=True)
        result = result + normaliser
        for param, slope in zip(params, slopes):
            result = result - (param * slope).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
