"""minigan.distributions' transforms (Exp, Affine, Sigmoid, Tanh, Compose), TransformedDistribution and
LogNormal as torch.distributions': values, inverses, log |det J| and the laws' log_prob, cdf, icdf,
entropy, moments and KL against PyTorch's (written out below, from PyTorch 2.14.1 in float64); the
change of variables against a density integrated numerically; rsample's gradients by finite differences."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigan
from minigan import distributions as D
from minigan.distributions import transforms as T
from minigan.gradcheck import gradcheck, gradgradcheck

pytestmark = pytest.mark.filterwarnings("error")


def t(*values):
    return minigan.tensor(values, dtype=minigan.float64)


def close(actual, expected, rtol=1e-14, atol=1e-300):
    np.testing.assert_allclose(np.asarray(actual.detach().numpy(), dtype=np.float64).reshape(-1),
                               np.asarray(expected, dtype=np.float64).reshape(-1), rtol=rtol, atol=atol)


X = t(-3.0, -0.5, 0.0, 0.8, 4.0)


@pytest.mark.parametrize("make, y, ladj", [
    (lambda: T.ExpTransform(), [0.049787068367863944, 0.6065306597126334, 1.0, 2.225540928492468, 54.598150033144236],
     [-3.0, -0.5, 0.0, 0.8, 4.0]),
    (lambda: T.AffineTransform(t(0.5), t(-2.0)), [6.5, 1.5, 0.5, -1.1, -7.5], [0.6931471805599453] * 5),
    (lambda: T.AffineTransform(1.0, 3.0), [-8.0, -0.5, 1.0, 3.4000000000000004, 13.0], [1.0986122886681098] * 5),
    (lambda: T.SigmoidTransform(), [0.04742587317756678, 0.3775406687981454, 0.5, 0.6899744811276125, 0.9820137900379085],
     [-3.097174703147484, -1.4481539683602134, -1.3862943611198906, -1.5422013318955554, -4.036299855835619]),
    (lambda: T.TanhTransform(), [-0.9950547536867305, -0.46211715726000974, 0.0, 0.664036770267849, 0.999329299739067],
     [-4.618657009155569, -0.24022901391655482, 0.0, -0.5815071206567871, -6.614376451625901]),
    (lambda: T.ComposeTransform([T.AffineTransform(0.5, 2.0), T.TanhTransform(), T.AffineTransform(1.0, 3.0)]),
     [-1.9998997914689114, -0.38635147178002915, 2.386351471780029, 3.9113558098403614, 3.999999751603747],
     [-7.82197957277469, 1.5515304553115001, 1.5515304553115, -1.0517146789958904, -13.821946252450807]),
])
def test_transforms_are_pytorchs(make, y, ladj):
    transform = make()
    out = transform(X)
    close(out, y, rtol=4e-16)
    close(transform.log_abs_det_jacobian(X, out), ladj, rtol=4e-16)
    close(transform.inv.log_abs_det_jacobian(out, X), -np.asarray(ladj), rtol=1e-10)  # at re-inverted middles
    close(transform.inv(out), X.numpy(), rtol=2e-11, atol=1e-15)  # the inverse loses what y rounded away
    assert transform.inv.inv is transform and transform.bijective


def test_transformed_distributions_and_log_normal_are_pytorchs():
    ln = D.LogNormal(t(0.3, -1.2, 0.0), t(0.7, 2.5, 1.0))
    close(ln.log_prob(t(1.5, 0.2, 30.0)), [-0.9790785841376421, -0.23920250497579887, -10.10420772937958])
    close(ln.cdf(t(1.5, 0.2, 30.0)), [0.5598797871973492, 0.4349540715745056, 0.9996645431713559])
    close(ln.icdf(t(0.1, 0.5, 0.9)), [0.5504131527807251, 0.30119421191220214, 3.602224479279159], rtol=4e-16)
    close(ln.entropy(), [1.3622635892659403, 1.1352292650788278, 1.4189385332046727])
    close(ln.mean, [1.7246083823764353, 6.855148665899178, 1.6487212707001282])
    close(ln.variance, [1.8806817386743675, 24296.016361176808, 4.670774270471605])
    close(ln.mode, [0.8269591339433624, 0.0005814416121937556, 0.36787944117144233])
    close(D.kl_divergence(ln, D.LogNormal(t(0.1, 0.5, -2.0), t(1.5, 0.4, 0.9))),
          [0.3799178298246746, 26.229918536251688, 2.481059237428594])
    base = D.Normal(t(0.2, -0.4), t(1.0, 0.5))
    up = D.TransformedDistribution(base, [T.AffineTransform(0.1, 2.0), T.SigmoidTransform()])
    close(up.log_prob(t(0.3, 0.9)), [-0.2783394060754417, -2.7079480503133175])
    close(up.cdf(t(0.3, 0.9)), [0.25026726864727655, 0.9981175992631677])
    down = D.TransformedDistribution(base, [T.AffineTransform(0.1, -2.0), T.TanhTransform()])
    close(down.log_prob(t(0.3, -0.9)), [-1.5642143027818665, -2.0719199797622587])
    close(down.cdf(t(0.3, -0.9)), [0.6197254503918338, 0.00884079175538044], rtol=1e-15)
    close(down.icdf(t(0.3, 0.8)), [-0.8737699961510798, 0.9404143747826742])
    events = D.TransformedDistribution(D.Normal(minigan.tensor([[0.2, -0.4], [0.0, 1.0]], dtype=minigan.float64),
                                                minigan.tensor([[1.0, 0.5], [2.0, 1.0]], dtype=minigan.float64)),
                                       T.AffineTransform(t(1.0, 2.0), t(0.5, 3.0), event_dim=1))
    assert events.batch_shape == (2,) and events.event_shape == (2,)
    close(events.log_prob(minigan.tensor([[0.3, 0.9], [1.0, -2.0]], dtype=minigan.float64)),
          [-2.8324172161797865, -5.658711577299677])


def test_log_prob_is_a_density_by_the_change_of_variables():
    d = D.TransformedDistribution(D.Normal(t(0.3), t(0.8)), [T.AffineTransform(-0.2, 1.5), T.TanhTransform()])
    y = np.linspace(-1 + 1e-9, 1 - 1e-9, 400_001)
    density = np.exp(d.log_prob(minigan.tensor(y, dtype=minigan.float64).reshape(-1, 1)).numpy().reshape(-1))
    assert abs(np.trapezoid(density, y) - 1.0) < 1e-6
    mid = y[(y > -0.5) & (y < 0.4)]
    area = np.trapezoid(density[(y > -0.5) & (y < 0.4)], mid)
    assert abs(area - (d.cdf(t(0.4)) - d.cdf(t(-0.5))).item()) < 1e-6


def test_draws_follow_the_transformed_law():
    minigan.manual_seed(3)
    ln = D.LogNormal(t(0.2), t(0.5))
    x = ln.sample((40_000,)).numpy().reshape(-1)
    assert abs(x.mean() - ln.mean.item()) < 5 * math.sqrt(ln.variance.item() / x.size)
    minigan.manual_seed(3)
    assert np.array_equal(x, np.exp(D.Normal(t(0.2), t(0.5)).sample((40_000,)).numpy().reshape(-1)))  # exp of its draws


def _reseeded(make):
    def draw(*params):
        minigan.manual_seed(2)
        return make(*params).rsample((3,))
    return draw


@pytest.mark.parametrize("make", [
    lambda loc, scale: D.LogNormal(loc, scale),
    lambda loc, scale: D.TransformedDistribution(D.Normal(loc, scale), [T.AffineTransform(loc, scale), T.TanhTransform()]),
    lambda loc, scale: D.TransformedDistribution(D.Normal(loc, scale), T.ComposeTransform([T.SigmoidTransform(), T.ExpTransform()])),
])
def test_rsample_gradients_match_finite_differences(make):
    leaves = [t(0.3, -1.0).requires_grad_(), t(0.7, 0.4).requires_grad_()]
    assert gradcheck(_reseeded(make), leaves)
    assert gradgradcheck(_reseeded(make), leaves)


def test_a_cached_transform_inverts_what_it_made_even_saturated():
    x = t(30.0)
    cached = T.TanhTransform(cache_size=1)
    y = cached(x)
    assert y.item() == 1.0 and cached.inv(y) is x
    with np.errstate(divide="ignore"):  # minigan's atanh(1) = inf warns where PyTorch's is silent
        assert math.isinf(T.TanhTransform().inv(y).item())
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        T.ExpTransform(cache_size=2)


def test_errors_shapes_equality_and_reprs():
    with pytest.raises(ValueError, match="transforms must be a Transform or list, but was 3"):
        D.TransformedDistribution(D.Normal(0.0, 1.0), 3)
    with pytest.raises(ValueError, match=r"base_distribution needs to have shape with size at least 1, but got \(\)."):
        D.TransformedDistribution(D.Normal(0.0, 1.0), T.AffineTransform(0.0, 1.0, event_dim=1))
    with pytest.raises(ValueError, match="to be within the support"):
        D.LogNormal(0.0, 1.0).log_prob(minigan.tensor(-1.0))
    with pytest.raises(ValueError, match="Expected parameter scale"):
        D.LogNormal(0.0, -1.0)
    with pytest.raises(NotImplementedError, match="different transforms"):
        D.kl_divergence(D.LogNormal(0.0, 1.0), D.TransformedDistribution(D.Normal(0.0, 1.0), T.TanhTransform()))
    ln = D.LogNormal(t(0.0, 1.0), t(1.0, 2.0))
    assert ln.sample((4,)).shape == (4, 2) and ln.expand((3, 2)).rsample().shape == (3, 2)
    assert isinstance(ln.expand((3, 2)), D.LogNormal) and ln.expand((3, 2)).loc.shape == (3, 2)
    assert T.ExpTransform() == T.ExpTransform() and T.AffineTransform(1.0, 2.0) == T.AffineTransform(1.0, 2.0)
    assert T.AffineTransform(1.0, 2.0) != T.AffineTransform(1.0, 3.0) and T.ExpTransform() != T.TanhTransform()
    assert repr(D.LogNormal(0.0, 1.0)) == "LogNormal()" and repr(T.ExpTransform().inv) == "_InverseTransform(ExpTransform())"
    assert repr(T.ComposeTransform([T.ExpTransform(), T.AffineTransform(0.0, 2.0)])) == \
        "ComposeTransform(\n    ExpTransform(),\n    AffineTransform()\n)"
    assert T.AffineTransform(0.0, -2.0).sign == -1 and T.ComposeTransform([T.AffineTransform(0.0, -2.0)] * 2).sign == 1
    assert D.ExpTransform is T.ExpTransform and minigan.distributions.transforms is T


@given(x=st.floats(-6, 6), loc=st.floats(-3, 3), scale=st.floats(0.2, 3))
def test_inverse_undoes_the_transform_and_negates_its_log_jacobian(x, loc, scale):
    for transform in (T.ExpTransform(), T.AffineTransform(t(loc), t(-scale)), T.SigmoidTransform(), T.TanhTransform(),
                      T.ComposeTransform([T.AffineTransform(loc, scale), T.SigmoidTransform()])):
        y = transform(t(x))
        close(transform.inv(y), [x], rtol=1e-9, atol=1e-9)
        close(transform.inv.log_abs_det_jacobian(y, t(x)), -transform.log_abs_det_jacobian(t(x), y).numpy(), rtol=1e-10)
        h = 1e-6  # ln|dy/dx| against a central difference of y
        slope = (transform(t(x + h)) - transform(t(x - h))).item() / (2 * h)
        close(transform.log_abs_det_jacobian(t(x), y), [math.log(abs(slope))], rtol=1e-6, atol=1e-6)
