"""minigan.distributions.LKJCholesky as torch.distributions': log_prob and its gradient in the
concentration against PyTorch's values (written out below, from PyTorch 2.14.1 in float64); the draws
against the LKJ law (unit-length rows, the correlations' variance 1 / (2 eta + d - 1)); the
corr_cholesky constraint; shapes and errors."""
import math

import numpy as np
import pytest

import minigan
from minigan import distributions as D
from minigan.distributions import constraints as C

pytestmark = pytest.mark.filterwarnings("error")


def t(values, grad=False):
    return minigan.tensor(values, dtype=minigan.float64, requires_grad=grad)


VALUE = [[1.0, 0.0, 0.0], [0.153473859921868, 0.988152707996432, 0.0],
         [0.138438069279817, 0.544381558037559, 0.827335252628991]]


def test_log_prob_and_gradient_are_pytorchs():
    eta = t([0.5, 1.0, 2.5], grad=True)
    lp = D.LKJCholesky(3, eta).log_prob(t(VALUE))
    np.testing.assert_allclose(lp.detach().numpy(), [-2.34147896493867, -1.60823062156729, -0.909285642918416],
                               rtol=1e-13)
    (g,) = minigan.autograd.grad(lp.sum(), [eta])
    np.testing.assert_allclose(g.numpy(), [2.210779013961997, 0.98336773620178, 0.177445680628666], rtol=1e-12)
    lp2 = D.LKJCholesky(2, t([0.7, 3.0])).log_prob(t([[1.0, 0.0], [0.6, 0.8]]))
    np.testing.assert_allclose(lp2.numpy(), [-0.784720148671157, -0.95711272639441], rtol=1e-13)


def test_dim_two_is_the_density_of_the_correlation():
    """For d = 2, L = [[1, 0], [r, sqrt(1 - r^2)]]; log_prob is the density of r,
    (1 - r^2)^(eta - 1) / B(eta, eta) / 2^(2 eta - 1), as PyTorch's."""
    eta, r = 2.3, 0.37
    lp = D.LKJCholesky(2, t(eta)).log_prob(t([[1.0, 0.0], [r, math.sqrt(1 - r * r)]])).item()
    log_beta = math.lgamma(eta) * 2 - math.lgamma(2 * eta)
    density_r = (eta - 1) * math.log(1 - r * r) - log_beta - (2 * eta - 1) * math.log(2.0)
    assert math.isclose(lp, density_r, rel_tol=1e-13)


@pytest.mark.parametrize("dim, eta", [(2, 1.0), (3, 2.0), (4, 0.7)])
def test_draws_are_cholesky_factors_of_lkj_correlations(dim, eta):
    minigan.manual_seed(0)
    draws = D.LKJCholesky(dim, t(eta)).sample((20000,)).numpy()
    assert draws.shape == (20000, dim, dim) and bool(C.corr_cholesky.check(t(draws)).numpy().all())
    R = draws @ np.swapaxes(draws, -1, -2)
    np.testing.assert_allclose(np.diagonal(R, axis1=-2, axis2=-1), 1.0, rtol=1e-13)
    expected = 1.0 / (2 * eta + dim - 1)  # every correlation's marginal is 2 Beta(b, b) - 1 with b = eta - 1 + d / 2
    for i in range(1, dim):
        for j in range(i):  # PyTorch 2.14.1's draws fail this past the second row (about 0.21 for 1/6 at d = 3)
            assert abs(R[:, i, j].var() - expected) < 0.04 * expected and abs(R[:, i, j].mean()) < 0.02


def test_shapes_constraint_and_errors():
    d = D.LKJCholesky(3, t([1.0, 2.0]))
    assert d.batch_shape == (2,) and d.event_shape == (3, 3) and not d.has_rsample
    assert d.sample((4,)).shape == (4, 2, 3, 3) and d.expand((5, 2)).sample().shape == (5, 2, 3, 3)
    assert repr(d.support) == "CorrCholesky()" and D.LKJCholesky(3).batch_shape == ()
    assert not bool(C.corr_cholesky.check(t([[1.0, 0.0], [0.6, 0.7]])).item())  # second row not of unit length
    with pytest.raises(ValueError, match="Expected dim to be an integer greater than or equal to 2. Found dim=1."):
        D.LKJCholesky(1)
    with pytest.raises(ValueError, match="Expected parameter concentration"):
        D.LKJCholesky(3, t(-1.0))
    with pytest.raises(ValueError, match=r"within the support \(CorrCholesky\(\)\)"):
        D.LKJCholesky(3).log_prob(t(np.eye(3) * 2))
