"""``torch.special`` as ``minigan.special`` (``import minigan.special`` or ``minigan.special.ndtr``), with
PyTorch's names, arguments and gradients: the gamma family (gammaln, digamma/psi, polygamma,
multigammaln, minigan/ops/gamma.py), the regularized incomplete gamma functions gammainc and gammaincc
(minigan/ops/incomplete_gamma.py), the Hurwitz zeta function (minigan/ops/zeta.py), the modified Bessel
functions (i0, i0e, i1, i1e, minigan/ops/bessel.py; K0, K1 and their scaled forms, minigan/ops/bessel_k.py),
the Bessel functions J0, J1, Y0, Y1 and the spherical j0 (minigan/ops/bessel_jy.py), the Airy function Ai
(minigan/ops/airy.py), the orthogonal polynomials (minigan/ops/polynomials.py), the normal distribution's
(ndtr, ndtri, log_ndtr, erfcx, minigan/ops/normal.py), logit, expit, xlogy, xlog1py, entr, sinc and exp2
(minigan/ops/log_forms.py), and the ops minigan has under other names (erf, expm1, log1p, logsumexp,
softmax...). As in PyTorch, the Bessel J, Y and K functions, modified_bessel_i0 and _i1
(unlike i0 and i1), airy_ai and the polynomials have no gradient (their results never require grad), and
gammainc, gammaincc and zeta have one in their second argument only."""
from __future__ import annotations

from typing import Any

from .autograd import Tensor, no_grad
from .ops.activations import sigmoid
from .ops.airy import airy_ai
from .ops.bessel import i0, i0e, i1, i1e
from .ops.bessel_jy import bessel_j0, bessel_j1, bessel_y0, bessel_y1, spherical_bessel_j0
from .ops.bessel_k import modified_bessel_k0, modified_bessel_k1, scaled_modified_bessel_k0, scaled_modified_bessel_k1
from .ops.cumulative import logsumexp as _logsumexp
from .ops.dims import log_softmax as _log_softmax, softmax as _softmax
from .ops.elementwise import expm1, log1p
from .ops.gamma import digamma, lgamma as gammaln, multigammaln, polygamma
from .ops.incomplete_gamma import gammainc, gammaincc
from .ops.log_forms import entr, exp2, logit, sinc, xlog1py, xlogy
from .ops.normal import erfcx, log_ndtr, ndtr, ndtri
from .ops.polynomials import (
    chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v, chebyshev_polynomial_w,
    hermite_polynomial_h, hermite_polynomial_he, laguerre_polynomial_l, legendre_polynomial_p,
    shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u, shifted_chebyshev_polynomial_v,
    shifted_chebyshev_polynomial_w,
)
from .ops.rounding import round as _round
from .ops.special import erf, erfc, erfinv
from .ops.zeta import zeta
from .torch_api.unsupported import SPECIAL as _UNSUPPORTED, module_getattr as _module_getattr
from .torch_api.out_argument import takes_out

__all__ = ["expit", "logit", "xlogy", "xlog1py", "entr", "erf", "erfc", "erfcx", "erfinv", "ndtr", "ndtri", "log_ndtr",
           "sinc", "round", "exp2", "expm1", "log1p", "logsumexp", "softmax", "log_softmax", "gammaln",
           "digamma", "psi", "polygamma", "multigammaln", "i0", "i0e", "i1", "i1e", "modified_bessel_i0",
           "modified_bessel_i1", "gammainc", "gammaincc", "zeta", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
           "spherical_bessel_j0", "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
           "scaled_modified_bessel_k1", "airy_ai", "chebyshev_polynomial_t", "chebyshev_polynomial_u",
           "chebyshev_polynomial_v", "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
           "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w",
           "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]

psi = digamma


@takes_out
def modified_bessel_i0(input: Any) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """I_0(x), as i0, but, as PyTorch's, without a gradient: the result never requires grad."""
    with no_grad():
        return i0(input)


@takes_out
def modified_bessel_i1(input: Any) -> Tensor:  # noqa: A002
    """I_1(x), as i1, but, as PyTorch's, without a gradient: the result never requires grad."""
    with no_grad():
        return i1(input)


@takes_out
def expit(input: Any) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """The logistic sigmoid 1 / (1 + exp(-x))."""
    return sigmoid(input)


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001, A002
    """x rounded to ``decimals`` places, halves to even (torch.round)."""
    return _round(input, decimals=decimals)


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:  # noqa: A002
    """log sum exp(x) over ``dim``, without overflow (torch.logsumexp)."""
    return _logsumexp(input, dim, keepdim)


def softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """exp(x) / sum exp(x) along ``dim``; ``dtype`` casts the input first."""
    return _softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """x - logsumexp(x) along ``dim``; ``dtype`` casts the input first."""
    return _log_softmax(input, dim, dtype)


__getattr__: Any = _module_getattr(__name__, "torch.special", _UNSUPPORTED)
