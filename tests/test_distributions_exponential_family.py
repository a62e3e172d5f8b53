"""minigan.distributions.ExponentialFamily as torch.distributions': the Bregman entropy and KL divergence
computed by autograd from the natural parameters and the log-normaliser, checked against each family's
closed forms and against a family defined here from its natural parameters alone."""
import math

import numpy as np
import pytest

import minigan
from minigan import distributions as D
from minigan.distributions.kl_exponential_family import bregman_kl

pytestmark = pytest.mark.filterwarnings("error")


def t(values):
    return minigan.tensor(values, dtype=minigan.float64)


def close(actual, expected, rtol=1e-12, atol=1e-13):
    np.testing.assert_allclose(np.asarray(actual.detach().numpy(), dtype=np.float64).reshape(-1),
                               np.asarray(expected.detach().numpy() if isinstance(expected, minigan.Tensor) else expected,
                                          dtype=np.float64).reshape(-1), rtol=rtol, atol=atol)


PAIRS = [
    (D.Bernoulli(t([0.2, 0.7])), D.Bernoulli(t([0.5, 0.1]))),
    (D.ContinuousBernoulli(t([0.2, 0.7])), D.ContinuousBernoulli(t([0.6, 0.3]))),
    (D.Exponential(t([0.5, 2.0])), D.Exponential(t([1.5, 0.3]))),
    (D.Normal(t([0.3, -1.0]), t([0.7, 2.0])), D.Normal(t([1.0, 0.5]), t([1.2, 0.4]))),
    (D.Gamma(t([0.8, 3.0]), t([1.5, 0.4])), D.Gamma(t([2.0, 1.1]), t([0.7, 2.5]))),
    (D.Beta(t([0.8, 3.0]), t([1.5, 0.4])), D.Beta(t([2.0, 1.1]), t([0.7, 2.5]))),
    (D.Dirichlet(t([[0.8, 3.0, 1.0], [2.0, 0.5, 0.7]])), D.Dirichlet(t([[1.5, 0.4, 2.0], [1.0, 1.0, 1.0]]))),
    (D.Poisson(t([0.5, 4.0])), D.Poisson(t([1.5, 2.5]))),
]


@pytest.mark.parametrize("p, q", PAIRS, ids=[type(p).__name__ for p, _ in PAIRS])
def test_bregman_kl_is_the_closed_form(p, q):
    assert isinstance(p, D.ExponentialFamily)
    close(bregman_kl(p, q), D.kl_divergence(p, q), rtol=1e-11)


@pytest.mark.parametrize("d", [p for p, _ in PAIRS[:5]], ids=[type(p).__name__ for p, _ in PAIRS[:5]])
def test_bregman_entropy_is_the_closed_form(d):
    close(D.ExponentialFamily.entropy(d), d.entropy(), rtol=1e-11)


class RateFamily(D.ExponentialFamily):
    """The exponential law again, given only by eta = -rate, A(eta) = -log(-eta) and E[log h] = 0."""

    arg_constraints = {"rate": D.constraints.positive}
    support = D.constraints.nonnegative

    def __init__(self, rate):
        self.rate = rate
        super().__init__(rate.shape)

    @property
    def _natural_params(self):
        return (-self.rate,)

    def _log_normalizer(self, x):
        return -minigan.log(-x)

    @property
    def _mean_carrier_measure(self):
        return 0.0


def test_a_family_given_by_its_natural_parameters_gets_entropy_and_kl():
    p, q = RateFamily(t([0.5, 2.0])), RateFamily(t([1.5, 0.3]))
    close(p.entropy(), [1.0 - math.log(0.5), 1.0 - math.log(2.0)])
    r_p, r_q = np.array([0.5, 2.0]), np.array([1.5, 0.3])
    close(D.kl_divergence(p, q), np.log(r_p / r_q) + r_q / r_p - 1.0)


def test_kl_differentiates_in_q_and_refuses_two_families():
    rate = t([1.5, 0.3]).requires_grad_()
    (g,) = minigan.autograd.grad(D.kl_divergence(RateFamily(t([0.5, 2.0])), RateFamily(rate)).sum(), [rate])
    close(g, 1.0 / np.array([0.5, 2.0]) - 1.0 / np.array([1.5, 0.3]))  # d/dr_q of log(r_p / r_q) + r_q / r_p
    with pytest.raises(NotImplementedError, match="The cross KL-divergence between different exponential families"):
        D.kl_divergence(D.Poisson(t([1.0])), D.Exponential(t([1.0])))
    with pytest.raises(NotImplementedError):
        D.Poisson(t([1.0])).entropy()  # PyTorch has no carrier measure for it
