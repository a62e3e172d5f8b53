"""The gamma family of minigan.distributions (Gamma, Chi2, Beta, Dirichlet and their KL divergences) as
torch.distributions': log_prob, cdf, entropy, moments and KL against PyTorch's values (written out below,
from PyTorch 2.14.1 in float64); draws against closed-form moments and a Kolmogorov-Smirnov distance;
the implicit reparameterised gradient of a gamma draw against finite differences of an inverse CDF found
by bisection on gammainc; validation, shapes and expand."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minigan
from minigan import distributions as D
from minigan.distributions.standard_gamma import GammaQuantileStep, standard_gamma_grad
from minigan.ops import digamma, gammainc, lgamma

pytestmark = pytest.mark.filterwarnings("error")


def t(*values):
    return minigan.tensor(values, dtype=minigan.float64)


def m(values):
    return minigan.tensor(values, dtype=minigan.float64)


def close(actual, expected, rtol=1e-14, atol=1e-300):
    np.testing.assert_allclose(np.asarray(actual.detach().numpy(), dtype=np.float64).reshape(-1),
                               np.asarray(expected, dtype=np.float64).reshape(-1), rtol=rtol, atol=atol)


ALPHA, RATE, X = t(0.3, 1.0, 2.5, 7.0), t(0.5, 1.5, 2.0, 0.7), t(0.2, 1.3, 0.9, 12.0)
ALPHA_Q, RATE_Q = t(1.7, 0.4, 3.0, 0.9), t(2.0, 0.6, 1.1, 3.0)
CONC, CONC_Q = m([[0.5, 1.5, 2.0], [3.0, 0.7, 1.2]]), m([[1.5, 0.5, 2.5], [0.3, 2.0, 1.0]])
POINTS = m([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])


# ---------------------------------------------------------------------------- PyTorch's values
def test_gamma_and_chi2_values_are_pytorchs():
    g = D.Gamma(ALPHA, RATE)
    close(g.log_prob(X), [-0.277135610282189, -1.5445348918918358, -0.5098556925597955, -2.566535920853225])
    close(g.entropy(), [-0.3628217801620721, 0.5945348918918356, 1.036800728945109, 2.6992201453580336])
    close(g.cdf(X), [0.5459128495917965, 0.8577259284134865, 0.3916867079185313, 0.7330073164712172])
    close(g.mean, [0.6, 0.6666666666666666, 1.25, 10.0])
    close(g.variance, [1.2, 0.4444444444444444, 0.625, 14.285714285714288])
    close(g.mode, [0.0, 0.0, 0.75, 8.571428571428571])
    c = D.Chi2(ALPHA * 2)
    close(c.log_prob(X), [-0.277135610282189, -1.3431471805599453, -2.625591595359522, -2.521841577201714])
    close(c.entropy(), [-0.3628217801620721, 1.6931471805599454, 2.423095090065, 3.0356923819792456])
    close(c.df, [0.6, 2.0, 5.0, 14.0])


def test_beta_and_dirichlet_values_are_pytorchs():
    b = D.Beta(ALPHA, ALPHA_Q)
    close(b.log_prob(t(0.1, 0.5, 0.77, 0.99)),
          [0.5380669067243435, -0.5004024235381879, -0.35141516973364284, 2.0788534197417663])
    close(b.entropy(), [-1.5977601705405287, -0.5837092681258444, -0.24146152771452245, -1.1776300452244026])
    close(b.mean, [0.15, 0.7142857142857143, 0.45454545454545453, 0.8860759493670886])
    close(b.variance, [0.0425, 0.0850340136054422, 0.03814367450731087, 0.011342175429247328])
    close(b.mode, [0.0, math.nan, 0.42857142857142855, 1.0])  # a = 1 < b: PyTorch's 0/0
    d = D.Dirichlet(CONC)
    close(d.log_prob(POINTS), [0.849762137432737, 1.5882462827900903])
    close(d.entropy(), [-1.5068434306052663, -1.4945825130926171])
    close(d.mean, [[0.125, 0.375, 0.5], [0.6122448979591836, 0.14285714285714285, 0.24489795918367344]])
    close(d.variance, [[0.021875, 0.046875, 0.05],
                       [0.04023747167493769, 0.02075406433759944, 0.03134287267310936]])
    close(D.Dirichlet(m([[0.5, 0.7, 0.2], [3.0, 2.0, 1.2]])).mode,
          [[1.0, 0.0, 0.0], [0.625, 0.3125, 0.062499999999999986]], rtol=1e-15)
    close(D.Dirichlet(m([0.2, 0.9, 0.1])).mode, [1.0, 0.0, 0.0])  # every alpha < 1: PyTorch's first corner


def test_kl_divergences_are_pytorchs():
    close(D.kl_divergence(D.Gamma(ALPHA, RATE), D.Gamma(ALPHA_Q, RATE_Q)),
          [2.25522780495123, 0.21686471151052622, 0.7253969920312657, 26.60135096247913])
    close(D.kl_divergence(D.Beta(ALPHA, ALPHA_Q), D.Beta(RATE, RATE_Q)),
          [0.13702442456798325, 0.07363871017355772, 0.3809813924656562, 6.179066774932343])
    close(D.kl_divergence(D.Dirichlet(CONC), D.Dirichlet(CONC_Q)), [2.0393724355251974, 3.91437585625929])
    close(D.kl_divergence(D.Chi2(t(3.0)), D.Gamma(t(1.5), t(0.5))), [0.0])  # Chi2 is a Gamma


def test_gamma_kl_is_its_defining_expectation():
    p, q = D.Gamma(t(2.5), t(1.5)), D.Gamma(t(1.7), t(0.9))
    x = np.linspace(1e-6, 40.0, 400_001)
    density = np.exp(p.log_prob(m(x)).numpy())
    integrand = density * (p.log_prob(m(x)).numpy() - q.log_prob(m(x)).numpy())
    assert abs(np.trapezoid(integrand, x) - D.kl_divergence(p, q).item()) < 1e-8


# ---------------------------------------------------------------------------- draws, statistically
def _ks_distance(samples, cdf_values):
    n = samples.size
    f = cdf_values[np.argsort(samples)]
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


@pytest.mark.parametrize("alpha, rate", [(0.2, 1.0), (1.0, 2.0), (4.5, 0.5)])
def test_gamma_draws_follow_their_law(alpha, rate):
    minigan.manual_seed(9)
    g = D.Gamma(t(alpha), t(rate))
    x = g.sample((40_000,))
    assert x.shape == (40_000, 1) and x.dtype == np.float64 and bool((x > 0).all())
    values = x.numpy().reshape(-1)
    mean, var = alpha / rate, alpha / rate ** 2
    assert abs(values.mean() - mean) < 5 * math.sqrt(var / values.size)
    cdf = g.cdf(x).numpy().reshape(-1)
    assert _ks_distance(values, cdf) < 1.95 / math.sqrt(values.size)  # KS at 0.1%


def test_beta_and_dirichlet_draws_have_their_moments():
    minigan.manual_seed(4)
    b = D.Beta(t(0.5, 3.0), t(2.0, 1.5))
    x = b.sample((40_000,)).numpy()
    assert x.shape == (40_000, 2) and ((x > 0) & (x < 1)).all()
    assert (np.abs(x.mean(0) - b.mean.numpy()) < 5 * np.sqrt(b.variance.numpy() / 40_000)).all()
    assert (np.abs(x.var(0) / b.variance.numpy() - 1) < 0.05).all()
    d = D.Dirichlet(CONC)
    y = d.sample((40_000,)).numpy()
    assert y.shape == (40_000, 2, 3) and np.allclose(y.sum(-1), 1.0, rtol=0, atol=1e-14)
    assert (np.abs(y.mean(0) - d.mean.numpy()) < 5 * np.sqrt(d.variance.numpy() / 40_000)).all()
    c = D.Chi2(t(3.0)).sample((40_000,)).numpy()
    assert abs(c.mean() - 3.0) < 5 * math.sqrt(6.0 / 40_000)


def test_a_seed_fixes_the_draws():
    for make in (lambda: D.Gamma(0.4, 1.0), lambda: D.Beta(2.0, 0.5), lambda: D.Dirichlet(t(0.3, 4.0))):
        minigan.manual_seed(11)
        first = make().sample((5,)).numpy()
        minigan.manual_seed(11)
        assert np.array_equal(make().sample((5,)).numpy(), first)


# ---------------------------------------------------------------------------- the implicit gradient
def _inverse_cdf(alpha, u, steps=120):
    """x with P(alpha, x) = u, by bisection on gammainc (deterministic in alpha and u)."""
    lo, hi = np.zeros_like(alpha), 50.0 * np.maximum(alpha, 1.0) + 50.0
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        below = gammainc(m(alpha), m(mid)).numpy() < u
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)


@pytest.mark.parametrize("alpha", [0.3, 2.5, 100.0])
def test_gamma_draw_gradient_is_the_inverse_cdfs_derivative(alpha):
    u = np.array([0.01, 0.2, 0.5, 0.8, 0.99])
    a = np.full_like(u, alpha)
    h = 1e-5 * alpha
    by_differences = (_inverse_cdf(a + h, u) - _inverse_cdf(a - h, u)) / (2 * h)
    implicit = standard_gamma_grad(m(a), m(_inverse_cdf(a, u)))
    close(implicit, by_differences, rtol=1e-7)


def test_rsample_gradients_average_to_the_means_derivative():
    alpha, rate = t(2.0, 0.5), t(1.5, 3.0)
    alpha.requires_grad_(), rate.requires_grad_()
    minigan.manual_seed(6)
    x = D.Gamma(alpha, rate).rsample((40_000,))
    x.sum().backward()
    # E[x] = alpha / rate, so the gradients' average is 1 / rate; over seeds they fall within 0.5% of it
    assert np.abs(alpha.grad.numpy() * rate.detach().numpy() / 40_000 - 1).max() < 0.03
    close(rate.grad, (-(x.detach() / rate.detach()).sum(0)).numpy(), rtol=1e-12)
    conc = t(0.7, 2.0, 3.0).requires_grad_()
    minigan.manual_seed(7)
    y = D.Dirichlet(conc).rsample((40_000,))
    y[:, 0].sum().backward()
    total = 5.7  # dE[y_0]/dalpha = (A - a_0) / A^2, -a_0 / A^2
    expected = 40_000 * np.array([(total - 0.7), -0.7, -0.7]) / total ** 2
    assert np.abs(conc.grad.numpy() / expected - 1).max() < 0.03


def test_tiny_draws_keep_a_finite_gradient_and_raise_no_warning():
    alpha = t(0.01, 0.05).requires_grad_()
    minigan.manual_seed(1)
    x = D.Gamma(alpha, 1.0).rsample((200,))  # many draws are near or at the smallest normal number
    x.sum().backward()
    assert bool((x > 0).all()) and np.isfinite(alpha.grad.numpy()).all() and (alpha.grad.numpy() > 0).all()


def test_second_derivative_of_a_gamma_draw_is_pytorchs_not_implemented():
    a = t(2.0).requires_grad_()
    (g,) = minigan.autograd.grad(D.Gamma(a, 1.0).rsample().sum(), a, create_graph=True)
    with pytest.raises(NotImplementedError, match="the derivative for '.*' is not implemented."):  # as PyTorch's
        minigan.autograd.grad(g.sum(), a)


# ---------------------------------------------------------------------------- validation, shapes, reprs
def test_bad_parameters_and_values_raise_pytorchs_errors():
    with pytest.raises(ValueError, match="`concentration` parameter must be at least one-dimensional."):
        D.Dirichlet(t(1.0).reshape(()))
    with pytest.raises(ValueError, match=r"Expected parameter concentration .* GreaterThan\(lower_bound=0.0\)"):
        D.Gamma(t(-1.0), 1.0)
    with pytest.raises(ValueError, match="Expected parameter df"):
        D.Chi2(t(0.0))
    with pytest.raises(ValueError, match="to be within the support"):
        D.Beta(2.0, 3.0).log_prob(minigan.tensor(1.5))
    with pytest.raises(ValueError, match=r"to be within the support \(Simplex\(\)\)"):
        D.Dirichlet(CONC).log_prob(m([[0.2, 0.2, 0.2], [0.6, 0.1, 0.3]]))
    with pytest.raises(ValueError, match="to be within the support"):
        D.Gamma(2.0, 1.0).log_prob(minigan.tensor(-0.5))


def test_shapes_expand_and_reprs():
    g = D.Gamma(t(1.0, 2.0), 3.0)
    assert g.batch_shape == (2,) and g.sample((4, 5)).shape == (4, 5, 2)
    assert D.Gamma(2.0, 3.0).sample().dtype == np.float32 and D.Gamma(2.0, 3.0).batch_shape == ()
    e = g.expand((3, 2))
    assert e.batch_shape == (3, 2) and e.log_prob(minigan.ones(3, 2, dtype=minigan.float64)).shape == (3, 2)
    d = D.Dirichlet(CONC)
    assert d.batch_shape == (2,) and d.event_shape == (3,) and d.sample((4,)).shape == (4, 2, 3)
    assert d.expand((5, 2)).sample().shape == (5, 2, 3)
    b = D.Beta(t(1.0, 2.0), t(3.0, 4.0))
    assert b.batch_shape == (2,) and b.event_shape == () and b.expand((3, 2)).rsample((4,)).shape == (4, 3, 2)
    close(b.concentration1, [1.0, 2.0])
    close(b.concentration0, [3.0, 4.0])
    assert repr(D.Gamma(2.0, 3.0)) == "Gamma(concentration: 2.0, rate: 3.0)"
    assert repr(D.Chi2(2.0)) == "Chi2()" and repr(b) == "Beta()" and repr(D.Dirichlet(t(1.0, 1.0, 1.0))) == \
        "Dirichlet(concentration: (3,))"
    assert D.Gamma.has_rsample and D.Beta.has_rsample and D.Dirichlet.has_rsample


# ---------------------------------------------------------------------------- properties
positive = st.floats(0.05, 20, allow_nan=False)


@given(alpha=positive, rate=positive, x=positive)
def test_gamma_log_prob_is_the_written_out_density(alpha, rate, x):
    expected = alpha * math.log(rate) + (alpha - 1) * math.log(x) - rate * x - math.lgamma(alpha)
    close(D.Gamma(t(alpha), t(rate)).log_prob(t(x)), [expected], rtol=1e-12, atol=1e-12)
    close(D.Chi2(t(2 * alpha)).log_prob(t(x)), D.Gamma(t(alpha), t(0.5)).log_prob(t(x)).numpy(), rtol=1e-15)


@given(a=positive, b=positive, x=st.floats(0.01, 0.99))
def test_beta_log_prob_is_the_written_out_density(a, b, x):
    expected = (a - 1) * math.log(x) + (b - 1) * math.log1p(-x) + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    close(D.Beta(t(a), t(b)).log_prob(t(x)), [expected], rtol=1e-11, atol=1e-11)


@given(a=positive, b=positive, c=positive, d=positive)
def test_kl_is_zero_on_equal_laws_and_positive_otherwise(a, b, c, d):
    for p, q in ((D.Gamma(t(a), t(b)), D.Gamma(t(c), t(d))), (D.Beta(t(a), t(b)), D.Beta(t(c), t(d))),
                 (D.Dirichlet(t(a, b, 1.0)), D.Dirichlet(t(c, d, 2.0)))):
        assert abs(D.kl_divergence(p, p).item()) < 1e-12
        assert D.kl_divergence(p, q).item() >= -1e-12


@given(a=positive, b=positive)
def test_entropies_are_the_negated_mean_log_prob_in_closed_form(a, b):
    # Beta's entropy is the Dirichlet's of (a, b); the closed form written out: lnB(a,b) - (a-1)psi(a) - ...
    ln_beta = lgamma(t(a)) + lgamma(t(b)) - lgamma(t(a + b))
    expected = (ln_beta - (a - 1) * digamma(t(a)) - (b - 1) * digamma(t(b)) + (a + b - 2) * digamma(t(a + b)))
    close(D.Beta(t(a), t(b)).entropy(), expected.numpy(), rtol=1e-10, atol=1e-12)


def draw_property(data, values, shapes):
    """For tests/test_ops_properties.py: GammaQuantileStep at a draw's own level u = P(alpha, x) (found
    by gammainc) stays at x; the property test then checks its gradients in alpha, x and u by finite
    differences. Returns (fn, arrays, expected)."""
    shape = data.draw(shapes)
    alpha = np.abs(values(data, shape)) + 0.3
    x = np.abs(values(data, shape)) + 0.05
    level = gammainc(m(alpha), m(x)).numpy()
    return GammaQuantileStep.apply, [alpha, x, np.asarray(level, dtype=np.float64)], x


@given(data=st.data())
def test_the_quantile_step_stays_at_its_own_level_and_heads_for_another(data):
    def values(d, shape):
        return d.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
    fn, (alpha, x, level), expected = draw_property(data, values, hnp.array_shapes(max_dims=2, max_side=3))
    assert np.array_equal(fn(m(alpha), m(x), m(level)).numpy(), expected)
    target = level * 0.9 + 0.05  # towards another level, the step goes the way P rises or falls
    moved = fn(m(alpha), m(x), m(target)).numpy()
    assert (np.sign(moved - x) == np.sign(target - level)).all()
