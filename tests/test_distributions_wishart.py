"""minigan.distributions.Wishart as torch.distributions': log_prob, entropy, moments and their gradients
against PyTorch's values (written out below, from PyTorch 2.14.1 in float64); the Bregman entropy of its
exponential-family form; Bartlett draws against the mean and variance; rsample gradients; errors."""
import numpy as np
import pytest

import minigan
from minigan import distributions as D
from minigan.gradcheck import gradcheck

pytestmark = pytest.mark.filterwarnings("error")

COV = [[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 1.5]]
X = [[3.0, 0.5, -0.2], [0.5, 2.0, 0.1], [-0.2, 0.1, 4.0]]


def t(values, grad=False):
    return minigan.tensor(values, dtype=minigan.float64, requires_grad=grad)


def close(actual, expected, rtol=1e-12, atol=1e-13):
    np.testing.assert_allclose(np.asarray(actual.detach().numpy(), dtype=np.float64).reshape(-1),
                               np.asarray(expected, dtype=np.float64).reshape(-1), rtol=rtol, atol=atol)


def test_values_and_gradients_are_pytorchs():
    df, cov = t([3.5, 6.0], grad=True), t(COV, grad=True)
    d = D.Wishart(df, covariance_matrix=cov)
    lp, h = d.log_prob(t(X)), d.entropy()
    close(lp, [-11.137157772399348, -12.051795553926247])
    close(h, [12.91275950810136, 15.837716744207018])
    close(d.mean[0], [7.0, 1.05, 0.35, 1.05, 3.5, -0.7, 0.35, -0.7, 5.25])
    close(d.variance[1], [48.0, 12.54, 18.06, 12.54, 12.0, 9.24, 18.06, 9.24, 27.0])
    close(d.mode, [np.nan] * 9 + [4.0, 0.6, 0.2, 0.6, 2.0, -0.4, 0.2, -0.4, 3.0])
    g_df, g_cov = minigan.autograd.grad((lp + h).sum(), [df, cov])
    close(g_df, [2.612868524272419, -0.272441890344279], rtol=1e-9)  # digamma's derivative, to 1e-10
    close(g_cov, [0.436955875616586, -0.273237663457542, -0.301778752867535, -0.273237663457542, 1.57438910508793,
                  0.737966699453471, -0.301778752867535, 0.737966699453471, 1.480017340459715])
    close(D.ExponentialFamily.entropy(d), h.detach().numpy(), rtol=1e-12)


def test_the_three_spellings_agree():
    cov = np.array(COV)
    by = [D.Wishart(4.0, covariance_matrix=t(cov)), D.Wishart(4.0, precision_matrix=t(np.linalg.inv(cov))),
          D.Wishart(4.0, scale_tril=t(np.linalg.cholesky(cov)))]
    for d in by[1:]:
        close(d.log_prob(t(X)), by[0].log_prob(t(X)).numpy())
        close(d.covariance_matrix, cov)


def test_draws_have_the_moments_and_gradients():
    d = D.Wishart(t([3.5, 6.0]), covariance_matrix=t(COV))
    minigan.manual_seed(0)
    draws = d.sample((40000,)).numpy()
    assert draws.shape == (40000, 2, 3, 3) and (np.linalg.eigvalsh(draws) > 0).all()
    np.testing.assert_allclose(draws.mean(0), d.mean.numpy(), atol=0.1)
    np.testing.assert_allclose(draws.var(0), d.variance.numpy(), rtol=0.08, atol=0.1)

    def draw(a):  # the covariance as a a^T + I (a gamma draw is not smooth in df at fixed noise: df stays fixed)
        minigan.manual_seed(3)
        cov = a @ a.transpose(-1, -2) + t(np.eye(3))
        return D.Wishart(t([4.5]), covariance_matrix=cov).rsample((2,))
    assert gradcheck(draw, [t(np.linalg.cholesky(COV), grad=True)])


def test_shapes_and_errors():
    d = D.Wishart(t([3.0, 4.0]), t(np.eye(2)))
    assert d.batch_shape == (2,) and d.event_shape == (2, 2) and d.has_rsample
    assert d.expand((3, 2)).rsample((4,)).shape == (4, 3, 2, 2, 2) and repr(d.support) == "PositiveDefinite()"
    assert repr(d.arg_constraints["df"]) == "GreaterThan(lower_bound=1)"
    with pytest.raises(ValueError, match=r"Value of df=.* expected to be greater than ndim - 1 = 2."):
        D.Wishart(t(1.5), t(np.eye(3)))
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix or precision_matrix or scale_tril"):
        D.Wishart(3.0, t(np.eye(3)), t(np.eye(3)))
    with pytest.raises(ValueError, match="covariance_matrix must be at least two-dimensional"):
        D.Wishart(3.0, t(np.ones(3)))
    with pytest.raises(ValueError, match="Expected parameter covariance_matrix"):
        D.Wishart(3.0, t([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match=r"within the support \(PositiveDefinite\(\)\)"):
        D.Wishart(3.0, t(np.eye(2))).log_prob(t([[1.0, 2.0], [2.0, 1.0]]))
