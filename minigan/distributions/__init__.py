"""``torch.distributions`` as ``minigan.distributions``: the probability laws that VAEs, policy gradients
and some GANs use, with PyTorch's constructors (``probs=`` or ``logits=``...), shapes (``batch_shape``,
``event_shape``), ``sample``/``rsample``, ``log_prob``, ``entropy``, ``cdf``/``icdf``, moments,
``expand``, argument and sample validation, and ``kl_divergence``/``register_kl``.

Draws come from the Generator that ``minigan.manual_seed`` seeds (so a seed fixes them), not from
PyTorch's stream. Every family of torch.distributions is here; of its transforms, the matrix ones
(CorrCholesky, LowerCholesky, PositiveDefinite...) are not."""
from __future__ import annotations

from typing import Any

from ..torch_api.unsupported import DISTRIBUTIONS as _UNSUPPORTED, module_getattr as _module_getattr
from . import (constraint_registry, constraints, kl, kl_continuous, kl_continuous_bernoulli, kl_discrete,
               kl_exponential_family, kl_low_rank, transforms)
from .constraint_registry import biject_to, transform_to
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical
from .cauchy import Cauchy
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Dirichlet
from .distribution import Distribution
from .elementwise_transforms import AbsTransform, CumulativeDistributionTransform, PowerTransform, SoftplusTransform
from .exponential import Exponential
from .exponential_family import ExponentialFamily
from .fisher_snedecor import FisherSnedecor
from .gamma import Chi2, Gamma
from .generalized_pareto import GeneralizedPareto
from .geometric import Geometric
from .gumbel import Gumbel
from .half import HalfCauchy, HalfNormal
from .independent import Independent
from .inverse_gamma import InverseGamma
from .kl import kl_divergence, register_kl
from .kumaraswamy import Kumaraswamy
from .laplace import Laplace
from .lkj_cholesky import LKJCholesky
from .log_normal import LogNormal
from .low_rank_multivariate_normal import LowRankMultivariateNormal
from .logistic_normal import LogisticNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial
from .multivariate_normal import MultivariateNormal
from .negative_binomial import NegativeBinomial
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .pareto import Pareto
from .poisson import Poisson
from .relaxed import RelaxedBernoulli, RelaxedOneHotCategorical
from .matrix_transforms import CorrCholeskyTransform, LowerCholeskyTransform, PositiveDefiniteTransform
from .stick_breaking import StickBreakingTransform
from .structure_transforms import CatTransform, ReshapeTransform, StackTransform
from .student_t import StudentT
from .transformed_distribution import TransformedDistribution
from .transforms import (
    AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform, TanhTransform, Transform, identity_transform,
)
from .vector_transforms import IndependentTransform, SoftmaxTransform
from .uniform import Uniform
from .von_mises import VonMises
from .weibull import Weibull
from .wishart import Wishart

__all__ = [
    "AffineTransform", "Bernoulli", "Beta", "Categorical", "Chi2", "ComposeTransform", "Dirichlet", "Distribution",
    "ExpTransform", "Exponential", "Gamma", "Independent", "Laplace", "LogNormal", "MultivariateNormal", "Normal",
    "OneHotCategorical", "SigmoidTransform", "TanhTransform", "Transform", "TransformedDistribution", "Uniform",
    "constraints", "kl", "kl_divergence", "register_kl", "transforms",
    "AbsTransform", "Cauchy", "Gumbel", "HalfCauchy", "HalfNormal", "Pareto", "PowerTransform", "StudentT", "Weibull",
    "FisherSnedecor", "InverseGamma", "Kumaraswamy", "VonMises", "GeneralizedPareto",
    "LogisticNormal", "StickBreakingTransform",
    "Binomial", "Geometric", "Multinomial", "NegativeBinomial", "Poisson",
    "ContinuousBernoulli", "MixtureSameFamily", "OneHotCategoricalStraightThrough", "RelaxedBernoulli",
    "RelaxedOneHotCategorical", "LowRankMultivariateNormal", "ExponentialFamily",
    "biject_to", "constraint_registry", "transform_to", "LKJCholesky", "Wishart",
    "CatTransform", "CorrCholeskyTransform", "CumulativeDistributionTransform", "IndependentTransform",
    "LowerCholeskyTransform", "PositiveDefiniteTransform", "ReshapeTransform", "SoftmaxTransform", "SoftplusTransform",
    "StackTransform", "identity_transform",
]

__getattr__: Any = _module_getattr(__name__, "torch.distributions", _UNSUPPORTED)
