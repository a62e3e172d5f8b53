"""minigan.distributions.LowRankMultivariateNormal as torch.distributions': log_prob, entropy, the matrices
and their gradients against PyTorch's values (written out below, from PyTorch 2.14.1 in float64) and
against the dense MultivariateNormal of the same covariance; its KL pairs; draws; shapes and errors."""
import numpy as np
import pytest

import minigan
from minigan import distributions as D
from minigan.gradcheck import gradcheck, gradgradcheck

pytestmark = pytest.mark.filterwarnings("error")


def t(values, grad=False):
    return minigan.tensor(values, dtype=minigan.float64, requires_grad=grad)


def close(actual, expected, rtol=1e-12, atol=1e-13):
    np.testing.assert_allclose(np.asarray(actual.detach().numpy(), dtype=np.float64).reshape(-1),
                               np.asarray(expected, dtype=np.float64).reshape(-1), rtol=rtol, atol=atol)


def example(grad=False):
    loc = t([[0.5, -1.0, 2.0], [0.0, 0.3, -0.4]], grad)
    W, diag = t([[1.0, 0.2], [-0.5, 0.8], [0.3, -1.1]], grad), t([0.7, 1.5, 0.4], grad)
    return loc, W, diag, D.LowRankMultivariateNormal(loc, W, diag)


def test_values_and_gradients_are_pytorchs():
    loc, W, diag, d = example(grad=True)
    lp, h = d.log_prob(t([1.0, 0.0, -1.0])), d.entropy()
    close(lp, [-6.480517635853595, -4.048799675448135])
    close(h, [5.068275905106749, 5.068275905106749])
    close(d.variance, [1.74, 2.39, 1.7] * 2)
    close(d.covariance_matrix[0], [1.74, -0.34, 0.08, -0.34, 2.39, -1.03, 0.08, -1.03, 1.7])
    close(d.scale_tril[0], [1.319090595827292, 0.0, 0.0, -0.257753334816827, 1.524323856137797, 0.0,
                            0.060647843486312, -0.665454268138316, 1.119594773164361])
    close(d.precision_matrix[0], [0.592379046818486, 0.097792563739796, 0.031374127592065, 0.097792563739796,
                                  0.582414308180754, 0.348272548427643, 0.031374127592065, 0.348272548427643,
                                  0.797771055690063])
    g_loc, g_W, g_diag = minigan.autograd.grad((lp + h).sum(), [loc, W, diag])
    close(g_loc, [0.299859704372843, -0.413507055232277, -2.029353554846514,
                  0.544216801141308, -0.285895257771016, -0.551770270350265])
    close(g_W, [0.253238119387126, 0.853235478374356, -0.106875042706488,
                -0.950327842460567, -0.080436382056929, -4.249239298765951], rtol=1e-11)
    close(g_diag, [0.193043884475523, 0.126362091571413, 2.211363140905295], rtol=1e-11)


def test_it_is_the_dense_gaussian_of_its_covariance():
    rng = np.random.default_rng(0)
    loc, W, diag = rng.normal(size=(2, 5)), rng.normal(size=(5, 2)), rng.random(5) + 0.3
    cov = W @ W.T + np.diag(diag)
    low, dense = D.LowRankMultivariateNormal(t(loc), t(W), t(diag)), D.MultivariateNormal(t(loc), t(cov))
    x = t(rng.normal(size=(4, 1, 5)))
    close(low.log_prob(x), dense.log_prob(x).numpy(), rtol=1e-12)
    close(low.entropy(), dense.entropy().numpy())
    close(low.precision_matrix, np.broadcast_to(np.linalg.inv(cov), (2, 5, 5)), rtol=1e-11)
    close(low.scale_tril, np.broadcast_to(np.linalg.cholesky(cov), (2, 5, 5)))


def test_kl_pairs_are_pytorchs():
    _, _, _, d = example()
    q = D.LowRankMultivariateNormal(t([0.1, 0.2, 0.3]), t([[0.4], [0.1], [-0.6]]), t([1.0, 0.5, 2.0]))
    m = D.MultivariateNormal(t([0.1, -0.2, 0.3]), t([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 1.5]]))
    close(D.kl_divergence(d, q), [3.429671750263602, 1.439377632616544])
    close(D.kl_divergence(d, m), [1.62094722218294, 0.687342444767088])
    close(D.kl_divergence(m, d), [1.150969145733852, 0.394665708589649])
    dense_q = D.MultivariateNormal(q.loc, q.covariance_matrix)
    close(D.kl_divergence(d, q), D.kl_divergence(D.MultivariateNormal(d.loc, d.covariance_matrix), dense_q).numpy())
    other = D.LowRankMultivariateNormal(t([0.0, 0.0]), t([[1.0], [1.0]]), t([1.0, 1.0]))
    for p_, q_, message in ((d, other, "two Low Rank Multivariate Normals with different event shapes"),
                            (m, other, r"two \(Low Rank\) Multivariate Normals with different event shapes")):
        with pytest.raises(ValueError, match=message):
            D.kl_divergence(p_, q_)


def test_draws_have_the_covariance_and_gradients():
    _, _, _, d = example()
    minigan.manual_seed(0)
    draws = d.sample((40000,)).numpy()
    assert draws.shape == (40000, 2, 3)
    np.testing.assert_allclose(draws.mean(0), d.loc.numpy(), atol=0.03)
    np.testing.assert_allclose(np.cov(draws[:, 1].T), d.covariance_matrix[1].numpy(), atol=0.06)

    def draw(loc, W, diag):
        minigan.manual_seed(2)
        return D.LowRankMultivariateNormal(loc, W, diag).rsample((3,))
    leaves = [t([0.5, -1.0, 2.0], True), t([[1.0], [-0.5], [0.3]], True), t([0.7, 1.5, 0.4], True)]
    assert gradcheck(draw, leaves) and gradgradcheck(draw, leaves)


def test_shapes_and_errors():
    _, _, _, d = example()
    assert d.batch_shape == (2,) and d.event_shape == (3,) and d.has_rsample
    e = d.expand((4, 2))
    assert e.batch_shape == (4, 2) and e.rsample((5,)).shape == (5, 4, 2, 3) and e.log_prob(t([0.0, 0.0, 0.0])).shape == (4, 2)
    assert e.covariance_matrix.shape == (4, 2, 3, 3) and e.cov_factor.shape == (4, 2, 3, 2)
    close(d.mean, d.loc.numpy()), close(d.mode, d.loc.numpy())
    for args, message in (((t(1.0), t(np.ones((3, 1))), t(np.ones(3))), "loc must be at least one-dimensional."),
                          ((t(np.zeros(3)), t(np.ones(3)), t(np.ones(3))), "cov_factor must be at least two-dimensional"),
                          ((t(np.zeros(3)), t(np.ones((2, 1))), t(np.ones(3))), "cov_factor must be a batch of matrices with shape 3 x m"),
                          ((t(np.zeros(3)), t(np.ones((3, 1))), t(np.ones(2))), r"cov_diag must be a batch of vectors with shape \(3,\)"),
                          ((t(np.zeros((2, 3))), t(np.ones((4, 3, 1))), t(np.ones(3))), "Incompatible batch shapes"),
                          ((t(np.zeros(3)), t(np.ones((3, 1))), t(-np.ones(3))), "Expected parameter cov_diag")):
        with pytest.raises(ValueError, match=message):
            D.LowRankMultivariateNormal(*args)
