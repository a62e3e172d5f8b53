"""LogisticNormal and StickBreakingTransform as torch.distributions': log_prob and its gradients, the
transform's values, inverse and log |det J| against PyTorch's (written out below, from PyTorch 2.14.1 in
float64), log |det J| against finite differences, draws on the simplex whose stick-broken inverses are
the normal draws, shapes, expand and validation."""
import numpy as np
import pytest

import minigan
from minigan import distributions as D

pytestmark = pytest.mark.filterwarnings("error")

LOC = [[0.2, -0.5, 1.0], [0.0, 0.3, -1.0]]
SCALE = [[1.0, 0.5, 2.0], [0.7, 1.5, 0.3]]
POINTS = [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.4, 0.1]]
# PyTorch 2.14.1: LogisticNormal(LOC, SCALE).log_prob(POINTS) and its gradients in LOC and SCALE
LOG_PROB = [2.2179002795677696, -27.265728289641693]
GRAD_LOC = [[-1.2986122886681093, -0.2384631517416902, -0.3219205181129452],
            [4.531522549490436e-16, -0.13333333333333333, 26.51438179022101]]
GRAD_SCALE = [[0.6863938762798247, -1.97156766263071, -0.29273436003578585],
              [-1.4285714285714286, -0.64, 207.5703991819477]]
# StickBreakingTransform()([0.3, -1.2, 0.5]) and its log |det J|
STICK = [0.3103224420123704, 0.09026916871088567, 0.3731073451059829, 0.22630104417076097]
STICK_LOG_DET = -6.046880919685938


def m(values, grad=False):
    return minigan.tensor(values, dtype=minigan.float64, requires_grad=grad)


def close(actual, expected, rtol=1e-13, atol=1e-15):
    np.testing.assert_allclose(np.asarray(actual.detach().numpy(), dtype=np.float64),
                               np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol)


def test_log_prob_and_gradients_are_pytorchs():
    loc, scale = m(LOC, grad=True), m(SCALE, grad=True)
    d = D.LogisticNormal(loc, scale)
    assert d.batch_shape == (2,) and d.event_shape == (4,) and d.has_rsample
    log_prob = d.log_prob(m(POINTS))
    close(log_prob, LOG_PROB)
    g_loc, g_scale = minigan.autograd.grad(log_prob.sum(), [loc, scale])
    close(g_loc, GRAD_LOC, rtol=1e-12)
    close(g_scale, GRAD_SCALE, rtol=1e-12)
    for method in ("mean", "variance", "mode"):
        with pytest.raises(NotImplementedError):
            getattr(d, method)
    with pytest.raises(NotImplementedError):
        d.entropy()


def test_stick_breaking_values_inverse_and_log_det():
    t = D.StickBreakingTransform()
    x = m([[0.3, -1.2, 0.5]])
    y = t(x)
    close(y, [STICK])
    close(t.inv(y), [[0.3, -1.2, 0.5]])
    close(t.log_abs_det_jacobian(x, y), [STICK_LOG_DET])
    assert t.forward_shape((2, 3)) == (2, 4) and t.inverse_shape((2, 4)) == (2, 3) and t.event_dim == 1
    assert t.bijective and t == D.StickBreakingTransform()
    from minigan.distributions.transforms import AbsTransform, PowerTransform, StickBreakingTransform
    assert (AbsTransform, PowerTransform, StickBreakingTransform) == (
        D.AbsTransform, D.PowerTransform, D.StickBreakingTransform)  # PyTorch's path to them
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchTransform'"):
        D.transforms.NoSuchTransform
    assert repr(t.domain) == "IndependentConstraint(Real(), 1)" and repr(t.codomain) == "Simplex()"


def test_stick_breaking_log_det_is_the_finite_difference_jacobians():
    t = D.StickBreakingTransform()
    x0 = np.array([0.4, -0.7, 1.1, 0.2])
    h = 1e-6
    jacobian = np.empty((4, 4))
    for j in range(4):
        step = np.zeros(4)
        step[j] = h
        jacobian[:, j] = (t(m(x0 + step)).numpy()[:4] - t(m(x0 - step)).numpy()[:4]) / (2 * h)
    x = m(x0)
    expected = np.linalg.slogdet(jacobian)[1]
    assert abs(float(t.log_abs_det_jacobian(x, t(x)).numpy()) - expected) < 1e-8


def test_draws_lie_on_the_simplex_and_invert_to_the_normal_draws():
    loc, scale = m([0.5, -1.0]), m([0.3, 2.0])
    d = D.LogisticNormal(loc, scale)
    minigan.manual_seed(6)
    y = d.sample((100_000,))
    values = y.numpy()
    assert values.shape == (100_000, 3) and values.min() > 0
    np.testing.assert_allclose(values.sum(-1), 1.0, rtol=1e-12)
    x = D.StickBreakingTransform().inv(y).numpy()
    np.testing.assert_allclose(x.mean(0), [0.5, -1.0], atol=0.02)
    np.testing.assert_allclose(x.std(0), [0.3, 2.0], rtol=0.02)
    minigan.manual_seed(6)
    np.testing.assert_array_equal(d.rsample((100_000,)).numpy(), values)


def test_rsample_gradient_in_loc_moves_the_stick():
    """y_1 = sigmoid(x_1 - log n) for the first entry: dy_1/dloc_1 = y_1 (1 - y_1) on every draw."""
    loc = m([0.5, -1.0], grad=True)
    minigan.manual_seed(1)
    y = D.LogisticNormal(loc, 0.5).rsample((4,))
    (g,) = minigan.autograd.grad(y[:, 0].sum(), [loc])
    first = y[:, 0].detach().numpy()
    close(g, [(first * (1 - first)).sum(), 0.0])


def test_shapes_expand_and_errors():
    assert D.LogisticNormal(0.0, 1.0).batch_shape == () and D.LogisticNormal(0.0, 1.0).event_shape == (2,)
    assert D.LogisticNormal(0.0, 1.0).sample((5,)).shape == (5, 2)
    wide = D.LogisticNormal(m([[0.0, 1.0, 2.0]] * 2), 1.0).expand((4, 2))
    assert wide.batch_shape == (4, 2) and wide.sample((3,)).shape == (3, 4, 2, 4)
    close(wide.loc[0], [[0.0, 1.0, 2.0]] * 2)
    assert repr(D.LogisticNormal(m([0.0, 1.0]), 1.0)) == "LogisticNormal()"
    with pytest.raises(ValueError, match=r"within the support \(Simplex\(\)\)"):
        D.LogisticNormal(m([0.0, 0.0, 0.0]), 1.0).log_prob(m([0.5, 0.6, 0.1, 0.1]))
    with pytest.raises(ValueError, match=r"Expected parameter scale .* of distribution Normal"):  # as PyTorch's
        D.LogisticNormal(m([0.0, 0.0, 0.0]), -1.0)
