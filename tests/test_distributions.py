"""minigan.distributions as torch.distributions: log_prob, cdf, icdf, entropy, moments and KL divergences
against PyTorch's values (written out below, from PyTorch 2.14.1 in float64) and against closed forms;
samples checked statistically (moments and a Kolmogorov-Smirnov distance, a fixed seed); rsample's
gradients against finite differences; validation and its messages, shapes, expand and the KL registry."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigan
import minigan as torch
from minigan import distributions as D
from minigan.distributions import constraints
from minigan.gradcheck import gradcheck, gradgradcheck

pytestmark = pytest.mark.filterwarnings("error")


def t(*values):
    return minigan.tensor(values, dtype=minigan.float64)


def close(actual, expected, rtol=1e-14, atol=1e-300):
    np.testing.assert_allclose(np.asarray(actual.numpy(), dtype=np.float64).reshape(-1), np.asarray(expected),
                               rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------- PyTorch's values
def test_normal_values_are_pytorchs():
    n = D.Normal(t(0.3, -1.2), t(0.7, 2.5))
    close(n.log_prob(t(1.1, 0.4)), [-1.2153248137557364, -2.040029265078828])
    close(n.cdf(t(1.1, 0.4)), [0.8734510455264423, 0.7389137003071384])
    close(n.icdf(t(0.2, 0.9)), [-0.28913486350103995, 2.0038789138615014])
    close(n.entropy(), [1.0622635892659402, 2.3352292650788278])
    close(n.variance, [0.49, 6.25])
    close(n.stddev, [0.7, 2.5])


def test_laplace_values_are_pytorchs():
    d = D.Laplace(t(0.3, -1.2), t(0.7, 2.5))
    close(d.log_prob(t(1.1, -2.0)), [-1.479329379478356, -1.9294379124341003])
    close(d.cdf(t(1.1, -2.0)), [0.8405467213380149, 0.36307451853684547])
    close(d.icdf(t(0.2, 0.9)), [-0.3414035123119085, 2.8235947810852506])
    close(d.entropy(), [1.336472236621213, 2.6094379124341005])
    close(d.variance, [0.98, 12.5])


def test_exponential_values_are_pytorchs():
    d = D.Exponential(t(0.5, 3.0))
    close(d.log_prob(t(1.1, 0.4)), [-1.2431471805599452, -0.1013877113318904])
    close(d.cdf(t(1.1, 0.4)), [0.42305018961951335, 0.698805788087798])
    close(d.icdf(t(0.2, 0.9)), [0.44628710262841953, 0.7675283643313486])
    close(d.entropy(), [1.6931471805599454, -0.09861228866810978])
    close(d.mean, [2.0, 1 / 3])
    close(d.variance, [4.0, 1 / 9])
    close(d.mode, [0.0, 0.0])


def test_uniform_values_are_pytorchs():
    d = D.Uniform(t(-1.0, 2.0), t(1.5, 2.25))
    close(d.log_prob(t(0.0, 2.1)), [-0.9162907318741551, 1.3862943611198906])
    close(d.cdf(t(0.0, 2.1)), [0.4, 0.40000000000000036])
    close(d.icdf(t(0.2, 0.9)), [-0.5, 2.225])
    close(d.entropy(), [0.9162907318741551, -1.3862943611198906])
    assert np.isnan(d.mode.numpy()).all()
    outside = D.Uniform(t(0.0), t(1.0), validate_args=False)
    close(outside.log_prob(t(1.0, -0.5, 0.5)), [-math.inf, -math.inf, 0.0])  # [low, high): high itself is outside


def test_bernoulli_values_are_pytorchs_at_the_extremes_too():
    d = D.Bernoulli(logits=t(-2.0, 0.5, 40.0))
    close(d.log_prob(t(1.0, 0.0, 0.0)), [-2.1269280110429727, -0.9740769841801067, -40.0])
    # at l = 40, p rounds to 1: PyTorch keeps log1p(exp(-40)) = 4.2e-18, minigan's BCE form gives 0
    close(d.entropy(), [0.36533385508720784, 0.6628473185791794, 4.248354255291589e-18], rtol=2e-14, atol=1e-17)
    close(d.probs, [0.11920292202211755, 0.6224593312018546, 1.0])
    p = D.Bernoulli(probs=t(0.0, 0.25, 1.0))
    close(p.logits, [-36.04365338911715, -1.0986122886681096, 36.04365338911715])
    # at p = 0 and 1 (logits +-36.04) the two BCE forms differ by one ulp of 1: 0 or 2.2e-16
    close(p.entropy(), [0.0, 0.5623351446188084, 2.220446049250318e-16], atol=3e-16)
    mode = D.Bernoulli(probs=t(0.2, 0.5, 0.7)).mode.numpy()
    assert mode[0] == 0.0 and np.isnan(mode[1]) and mode[2] == 1.0


def test_categorical_values_are_pytorchs():
    d = D.Categorical(probs=t(1.0, 2.0, 5.0))  # weights, normalised
    close(d.probs, [0.125, 0.25, 0.625])
    close(d.log_prob(minigan.tensor([0, 2, 1])), [-2.0794415416798357, -0.4700036292457356, -1.3862943611198906])
    close(d.entropy(), [0.9002560512685369])
    assert d.mode.item() == 2 and np.isnan(d.mean.numpy()) and d.support.upper_bound == 2
    # a class of probability 0 adds nothing to the entropy, from probs or from logits of -inf
    close(D.Categorical(probs=t(0.0, 0.5, 0.5)).entropy(), [math.log(2)])
    close(D.Categorical(logits=t(-math.inf, 1.0, 1.0)).entropy(), [math.log(2)])


def test_multivariate_normal_values_are_pytorchs_from_each_spelling():
    cov = minigan.tensor([[2.0, 0.6], [0.6, 1.0]], dtype=minigan.float64)
    m = D.MultivariateNormal(t(0.5, -1.0), covariance_matrix=cov)
    close(m.log_prob(t(1.0, 1.0)), [-4.234615431229837])
    close(m.entropy(), [3.085225187327399])
    close(m.scale_tril, [1.4142135623730951, 0.0, 0.42426406871192845, 0.9055385138137417])
    p = D.MultivariateNormal(t(0.5, -1.0), precision_matrix=cov)
    close(p.scale_tril, [0.7808688094430303, 0.0, -0.46852128566581813, 1.0])
    close(p.log_prob(t(1.0, 1.0)), [-4.440528945491291])
    close(p.covariance_matrix, np.linalg.inv(cov.numpy()).reshape(-1), rtol=1e-14, atol=1e-15)
    close(m.precision_matrix, np.linalg.inv(cov.numpy()).reshape(-1), rtol=1e-14, atol=1e-15)
    s = D.MultivariateNormal(t(0.5, -1.0), scale_tril=m.scale_tril)
    close(s.log_prob(t(1.0, 1.0)), [-4.234615431229837])
    close(s.variance, [2.0, 1.0])


def test_kl_divergences_are_pytorchs():
    kl = D.kl_divergence
    close(kl(D.Normal(t(0.3), t(0.7)), D.Normal(t(-1.0), t(2.0))), [0.8223221244986778])
    close(kl(D.Laplace(t(0.3), t(0.7)), D.Laplace(t(-1.0), t(2.0))), [0.7544634403592676])
    close(kl(D.Exponential(t(0.5)), D.Exponential(t(3.0))), [3.2082405307719455])
    close(kl(D.Uniform(t(0.0, 0.0), t(1.0, 1.0)), D.Uniform(t(-1.0, 0.5), t(2.0, 2.0))), [1.0986122886681098, math.inf])
    close(kl(D.Bernoulli(t(0.2, 0.0, 0.3)), D.Bernoulli(t(0.6, 0.5, 0.0))), [0.3347952867143343, 0.6931471805599451, math.inf])
    close(kl(D.Categorical(t(0.2, 0.3, 0.5)), D.Categorical(t(0.5, 0.25, 0.25))), [0.21801191094332797])
    cov = minigan.tensor([[2.0, 0.6], [0.6, 1.0]], dtype=minigan.float64)
    q = D.MultivariateNormal(t(0.0, 0.0), scale_tril=minigan.tensor([[1.5, 0.0], [0.3, 0.8]], dtype=minigan.float64))
    close(kl(D.MultivariateNormal(t(0.5, -1.0), covariance_matrix=cov), q), [1.036535935875901])


# ---------------------------------------------------------------------------- closed forms written out
def test_kl_matches_its_definition_as_an_expectation():
    """KL(p || q) = E_p[log p - log q], estimated from 200,000 draws of p (within 6 standard errors)."""
    torch.manual_seed(0)
    pairs = [(D.Normal(t(0.3), t(0.7)), D.Normal(t(-1.0), t(2.0))),
             (D.Laplace(t(0.3), t(0.7)), D.Laplace(t(-1.0), t(2.0))),
             (D.Exponential(t(0.5)), D.Exponential(t(3.0))),
             (D.Bernoulli(t(0.2)), D.Bernoulli(t(0.6))),
             (D.Categorical(t(0.2, 0.3, 0.5)), D.Categorical(t(0.5, 0.25, 0.25)))]
    for p, q in pairs:
        x = p.sample((200_000,))
        ratio = (p.log_prob(x) - q.log_prob(x)).numpy()
        assert abs(ratio.mean() - D.kl_divergence(p, q).item()) < 6 * ratio.std() / math.sqrt(ratio.size), type(p)


def test_multivariate_normal_log_prob_is_the_gaussian_density_written_out():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3))
    cov, mu, x = a @ a.T + np.eye(3), rng.standard_normal(3), rng.standard_normal((4, 3))
    gap = x - mu
    expected = -0.5 * np.einsum("ni,ij,nj->n", gap, np.linalg.inv(cov), gap) - 0.5 * np.log(np.linalg.det(2 * np.pi * cov))
    d = D.MultivariateNormal(minigan.tensor(mu), covariance_matrix=minigan.tensor(cov))
    close(d.log_prob(minigan.tensor(x)), expected, rtol=1e-13)
    close(d.entropy(), [0.5 * np.log(np.linalg.det(2 * np.pi * np.e * cov))], rtol=1e-13)


def test_independent_sums_the_reinterpreted_dimensions():
    loc, scale = minigan.tensor(np.linspace(-1, 1, 6).reshape(2, 3)), t(0.5, 1.0, 2.0)
    base = D.Normal(loc, scale)
    d = D.Independent(base, 1)
    assert (d.batch_shape, d.event_shape) == ((2,), (3,)) and repr(d) == "Independent(Normal(loc: (2, 3), scale: (2, 3)), 1)"
    x = minigan.tensor(np.arange(6.0).reshape(2, 3))
    close(d.log_prob(x), base.log_prob(x).numpy().sum(-1))
    close(d.entropy(), base.entropy().numpy().sum(-1))
    close(D.kl_divergence(d, D.Independent(D.Normal(loc * 0, scale), 1)),
          D.kl_divergence(base, D.Normal(loc * 0, scale)).numpy().sum(-1))
    assert D.Independent(base, 2).event_shape == (2, 3) and D.Independent(base, 0).batch_shape == (2, 3)
    with pytest.raises(ValueError, match=r"Expected reinterpreted_batch_ndims <= len\(base_distribution.batch_shape\), actual 3 vs 2"):
        D.Independent(base, 3)
    with pytest.raises(NotImplementedError, match="different numbers"):
        D.kl_divergence(D.Independent(base, 1), D.Independent(base, 2))


# ---------------------------------------------------------------------------- samples, statistically
def _ks_distance(samples, cdf_values):
    """The Kolmogorov-Smirnov distance between the samples' empirical CDF and the law's, at the samples."""
    n = samples.size
    order = np.argsort(samples)
    f = cdf_values[order]
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


@pytest.mark.parametrize("make, mean, var", [
    (lambda: D.Normal(t(0.3), t(2.5)), 0.3, 6.25),
    (lambda: D.Laplace(t(-1.0), t(0.7)), -1.0, 0.98),
    (lambda: D.Exponential(t(3.0)), 1 / 3, 1 / 9),
    (lambda: D.Uniform(t(-1.0), t(2.0)), 0.5, 0.75),
])
def test_continuous_draws_follow_their_law(make, mean, var):
    torch.manual_seed(7)
    d = make()
    x = d.rsample((40_000,))
    assert x.shape == (40_000, 1) and x.dtype == np.float64
    values = x.numpy().reshape(-1)
    # mean within 5 standard errors; the CDF within the KS 0.1% critical distance 1.95 / sqrt(n)
    assert abs(values.mean() - mean) < 5 * math.sqrt(var / values.size)
    assert abs(values.var() / var - 1) < 0.05
    assert _ks_distance(values, d.cdf(x).numpy().reshape(-1)) < 1.95 / math.sqrt(values.size)
    assert d.mean.item() == pytest.approx(mean) and d.variance.item() == pytest.approx(var)


def test_discrete_draws_follow_their_law():
    torch.manual_seed(3)
    b = D.Bernoulli(probs=t(0.0, 0.3, 1.0)).sample((20_000,)).numpy()
    assert b[:, 0].sum() == 0 and b[:, 2].sum() == 20_000 and abs(b[:, 1].mean() - 0.3) < 5 * math.sqrt(0.21 / 20_000)
    probs = np.array([[0.1, 0.0, 0.6, 0.3], [0.25, 0.25, 0.25, 0.25]])
    c = D.Categorical(probs=minigan.tensor(probs)).sample((20_000,))
    assert c.shape == (20_000, 2) and c.dtype == np.int64
    counts = np.stack([np.bincount(c.numpy()[:, row], minlength=4) for row in range(2)])
    expected = probs * 20_000
    assert counts[0, 1] == 0
    assert (((counts - expected) ** 2 / np.where(expected > 0, expected, 1)).sum(1) < 25).all()  # chi2, 3 dof
    o = D.OneHotCategorical(probs=minigan.tensor(probs)).sample((20_000,)).numpy()
    assert o.shape == (20_000, 2, 4) and (o.sum(-1) == 1).all() and np.abs(o.mean(0) - probs).max() < 0.02


def test_multivariate_normal_draws_have_its_mean_and_covariance():
    torch.manual_seed(5)
    cov = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
    for spelling, matrix in (("covariance_matrix", cov), ("precision_matrix", np.linalg.inv(cov)),
                             ("scale_tril", np.linalg.cholesky(cov))):
        d = D.MultivariateNormal(t(1.0, -1.0, 0.0), **{spelling: minigan.tensor(matrix)})
        x = d.sample((50_000,)).numpy()
        assert np.abs(x.mean(0) - [1.0, -1.0, 0.0]).max() < 5 * math.sqrt(2.0 / 50_000)
        assert np.abs(np.cov(x.T) - cov).max() < 0.05


def test_a_seed_fixes_the_draws():
    for make in (lambda: D.Normal(0.0, 1.0), lambda: D.Bernoulli(0.4), lambda: D.Categorical(t(0.2, 0.8)),
                 lambda: D.MultivariateNormal(minigan.zeros(2), scale_tril=minigan.eye(2))):
        torch.manual_seed(11)
        first = make().sample((5,)).numpy()
        torch.manual_seed(11)
        assert np.array_equal(make().sample((5,)).numpy(), first)


# ---------------------------------------------------------------------------- rsample's gradients
def _reseeded(make, shape=(3,)):
    def draw(*params):
        torch.manual_seed(2)
        return make(*params).rsample(shape)
    return draw


@pytest.mark.parametrize("make, inputs", [
    (lambda loc, scale: D.Normal(loc, scale), [t(0.3, -1.0), t(0.7, 2.0)]),
    (lambda loc, scale: D.Laplace(loc, scale), [t(0.3, -1.0), t(0.7, 2.0)]),
    (lambda rate: D.Exponential(rate), [t(0.5, 3.0)]),
    (lambda low, high: D.Uniform(low, high), [t(0.3, -1.0), t(0.7, 2.0)]),
    (lambda loc, a: D.MultivariateNormal(loc, covariance_matrix=a @ a.transpose(0, 1) + minigan.eye(2, dtype=minigan.float64)),
     [t(0.3, -1.0), minigan.tensor([[1.0, 0.2], [-0.4, 0.8]], dtype=minigan.float64)]),
])
def test_rsample_gradients_match_finite_differences(make, inputs):
    leaves = [x.requires_grad_() for x in inputs]
    assert gradcheck(_reseeded(make), leaves)
    assert gradgradcheck(_reseeded(make), leaves)


def test_rsample_moves_with_its_parameters_and_sample_does_not_record():
    loc, scale = t(0.3), t(2.0)
    loc.requires_grad_(), scale.requires_grad_()
    torch.manual_seed(4)
    x = D.Normal(loc, scale).rsample((6,))
    x.sum().backward()
    close(loc.grad, [6.0])
    close(scale.grad, [((x.detach() - 0.3) / 2.0).sum().item()])
    assert not D.Normal(loc, scale).sample((2,)).requires_grad
    assert not D.Bernoulli(0.3).has_rsample and D.Normal(0.0, 1.0).has_rsample
    with pytest.raises(NotImplementedError, match="Bernoulli does not implement rsample"):
        D.Bernoulli(0.3).rsample()


# ---------------------------------------------------------------------------- shapes, expand, dtypes
def test_shapes_of_parameters_samples_and_scores():
    assert D.Normal(0.0, 1.0).batch_shape == () and D.Normal(0.0, 1.0).sample().dtype == np.float32
    n = D.Normal(minigan.zeros(2, 3), 1.0)
    assert n.batch_shape == (2, 3) and n.sample((4, 5)).shape == (4, 5, 2, 3)
    assert n.log_prob(minigan.zeros(3)).shape == (2, 3)
    c = D.Categorical(logits=minigan.zeros(2, 3, 4))
    assert (c.batch_shape, c.event_shape, c.sample().shape, c.sample((5,)).shape) == ((2, 3), (), (2, 3), (5, 2, 3))
    assert c.enumerate_support().shape == (4, 2, 3) and c.enumerate_support(expand=False).shape == (4, 1, 1)
    o = D.OneHotCategorical(logits=minigan.zeros(2, 4))
    assert (o.batch_shape, o.event_shape, o.sample((3,)).shape) == ((2,), (4,), (3, 2, 4))
    m = D.MultivariateNormal(minigan.zeros(5, 1, 3), covariance_matrix=minigan.eye(3).expand(2, 3, 3))
    assert (m.batch_shape, m.event_shape, m.rsample((4,)).shape) == ((5, 2), (3,), (4, 5, 2, 3))
    assert m.log_prob(minigan.zeros(7, 1, 1, 3)).shape == (7, 5, 2)
    with pytest.raises(TypeError, match="sample_shape must be a tuple of ints"):
        n.sample(5)


def test_expand_broadcasts_the_parameters_and_keeps_the_law():
    for d, x in ((D.Normal(t(0.3), t(2.0)), t(0.1)), (D.Bernoulli(logits=t(0.4)), t(1.0)),
                 (D.Exponential(t(2.0)), t(0.5)), (D.Laplace(t(0.0), t(1.0)), t(0.5)), (D.Uniform(t(0.0), t(1.0)), t(0.5))):
        e = d.expand((3, 1))
        assert type(e) is type(d) and e.batch_shape == (3, 1) and e.sample().shape == (3, 1)
        close(e.log_prob(x), np.repeat(d.log_prob(x).numpy(), 3))
    c = D.Categorical(probs=t(0.2, 0.8)).expand((4,))
    assert c.batch_shape == (4,) and c.probs.shape == (4, 2)
    m = D.MultivariateNormal(minigan.zeros(2), scale_tril=minigan.eye(2)).expand((3,))
    assert m.batch_shape == (3,) and m.covariance_matrix.shape == (3, 2, 2)
    i = D.Independent(D.Normal(minigan.zeros(2), 1.0), 1).expand((5,))
    assert (i.batch_shape, i.event_shape, i.base_dist.batch_shape) == ((5,), (2,), (5, 2))
    assert D.Normal(0.0, 1.0, validate_args=False).expand((2,))._validate_args is False


def test_logits_and_probs_are_one_parameter_with_gradients_through_either():
    p = t(0.2, 0.7).requires_grad_()
    d = D.Bernoulli(probs=p)
    d.logits.sum().backward()
    close(p.grad, [1 / (0.2 * 0.8), 1 / (0.7 * 0.3)], rtol=1e-13)
    logits = t(0.0, math.log(3.0))
    close(D.Categorical(logits=logits).probs, [0.25, 0.75], rtol=1e-15)


# ---------------------------------------------------------------------------- validation, as PyTorch's
def test_bad_parameters_raise_pytorchs_value_errors():
    with pytest.raises(ValueError, match=r"Expected parameter scale \(Tensor of shape \(1,\)\) of distribution Normal"
                                         r".* to satisfy the constraint GreaterThan\(lower_bound=0.0\)"):
        D.Normal(t(0.0), t(-1.0))
    with pytest.raises(ValueError, match=r"Expected parameter probs .* Simplex\(\)"):
        D.Categorical(probs=t(0.5, -0.5))
    with pytest.raises(ValueError, match=r"parameter probs .* Interval\(lower_bound=0.0, upper_bound=1.0\)"):
        D.Bernoulli(probs=t(1.5))
    with pytest.raises(ValueError, match=r"parameter low .* LessThan"):
        D.Uniform(t(1.0), t(0.0))
    with pytest.raises(ValueError, match=r"parameter covariance_matrix \(Tensor of shape \(2, 2\)\) .* PositiveDefinite\(\)"):
        D.MultivariateNormal(t(0.0, 0.0), covariance_matrix=minigan.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match=r"parameter scale_tril .* LowerCholesky\(\)"):
        D.MultivariateNormal(t(0.0, 0.0), scale_tril=minigan.tensor([[1.0, 1.0], [0.0, 1.0]]))
    for make in (lambda: D.Bernoulli(), lambda: D.Bernoulli(probs=0.5, logits=0.0), lambda: D.Categorical()):
        with pytest.raises(ValueError, match=r"Either `probs` or `logits` must be specified, but not both."):
            make()
    with pytest.raises(ValueError, match="`probs` parameter must be at least one-dimensional."):
        D.Categorical(probs=minigan.tensor(0.5))
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified."):
        D.MultivariateNormal(t(0.0, 0.0))
    with pytest.raises(ValueError, match="loc must be at least one-dimensional."):
        D.MultivariateNormal(minigan.tensor(0.0), scale_tril=minigan.eye(1))
    with pytest.raises(ValueError, match="Input arguments must all be instances of Number"):
        D.Normal([0.0], 1.0)


def test_values_outside_the_support_or_of_the_wrong_shape_raise_pytorchs_value_errors():
    with pytest.raises(ValueError, match=r"Expected value argument \(Tensor of shape \(1,\)\) to be within the support "
                                         r"\(GreaterThanEq\(lower_bound=0.0\)\) of the distribution Exponential"):
        D.Exponential(t(1.0)).log_prob(t(-1.0))
    with pytest.raises(ValueError, match=r"support \(Boolean\(\)\)"):
        D.Bernoulli(t(0.3)).log_prob(t(0.5))
    with pytest.raises(ValueError, match=r"support \(IntegerInterval\(lower_bound=0, upper_bound=1\)\)"):
        D.Categorical(t(0.3, 0.7)).log_prob(minigan.tensor([2]))
    with pytest.raises(ValueError, match=r"support \(OneHot\(\)\)"):
        D.OneHotCategorical(t(0.3, 0.7)).log_prob(t(1.0, 1.0))
    with pytest.raises(ValueError, match=r"support \(Interval\("):
        D.Uniform(t(0.0), t(1.0)).cdf(t(2.0))
    with pytest.raises(ValueError, match=r"Value is not broadcastable with batch_shape\+event_shape: \(3,\) vs \(2,\)."):
        D.Normal(t(0.0, 0.0), 1.0).log_prob(t(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match=r"The right-most size of value must match event_shape: \(3,\) vs \(2,\)."):
        D.MultivariateNormal(t(0.0, 0.0), scale_tril=minigan.eye(2, dtype=minigan.float64)).log_prob(t(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="The value argument to log_prob must be a Tensor"):
        D.Normal(0.0, 1.0).log_prob(0.5)


def test_validation_can_be_turned_off_per_distribution_or_by_default():
    assert D.Normal(t(0.0), t(-1.0), validate_args=False).scale.item() == -1.0
    close(D.Exponential(t(2.0), validate_args=False).log_prob(t(-1.0)), [math.log(2.0) + 2.0])
    D.Distribution.set_default_validate_args(False)
    try:
        D.Normal(t(0.0), t(-1.0))
        with pytest.raises(ValueError, match="GreaterThan"):
            D.Normal(t(0.0), t(-1.0), validate_args=True)
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError, match="GreaterThan"):
        D.Normal(t(0.0), t(-1.0))


def test_constraints_answer_per_event_and_have_pytorchs_reprs():
    assert constraints.positive.check(t(1.0, 0.0, -1.0)).tolist() == [True, False, False]
    assert constraints.real.check(t(1.0, math.nan, math.inf)).tolist() == [True, False, True]
    assert constraints.simplex.check(minigan.tensor([[0.5, 0.5], [0.5, 0.6]])).tolist() == [True, False]
    assert constraints.real_vector.check(minigan.tensor([[0.0, math.nan], [1.0, 2.0]])).tolist() == [False, True]
    assert constraints.integer_interval(0, 3).check(t(0.0, 3.0, 1.5, 4.0)).tolist() == [True, True, False, False]
    assert constraints.lower_cholesky.check(minigan.tensor([[[1.0, 0.0], [2.0, 1.0]], [[1.0, 0.0], [2.0, -1.0]]])).tolist() == [True, False]
    assert [repr(c) for c in (constraints.interval(0.0, 1.0), constraints.real_vector, constraints.positive_definite)] == [
        "Interval(lower_bound=0.0, upper_bound=1.0)", "IndependentConstraint(Real(), 1)", "PositiveDefinite()"]
    assert constraints.is_dependent(D.Uniform.support) and D.Uniform.support.event_dim == 0
    assert D.Normal.arg_constraints == {"loc": constraints.real, "scale": constraints.positive}
    assert D.Categorical.support.is_discrete and D.MultivariateNormal.support.event_dim == 1


# ---------------------------------------------------------------------------- the KL registry, names
def test_kl_dispatch_picks_the_most_specific_pair_and_warns_when_ambiguous():
    class Wide(D.Normal):
        pass

    class Narrow(D.Normal):
        pass

    p, q = Wide(t(0.0), t(1.0)), Narrow(t(1.0), t(1.0))
    close(D.kl_divergence(p, q), [0.5])  # Normal-Normal, inherited
    D.register_kl(Wide, D.Normal)(lambda a, b: a.loc * 0 + 7.0)
    close(D.kl_divergence(p, q), [7.0])
    D.register_kl(D.Normal, Narrow)(lambda a, b: a.loc * 0 + 8.0)
    with pytest.warns(RuntimeWarning, match=r"Ambiguous kl_divergence\(Wide, Narrow\). Please register_kl\(Wide, Narrow\)"):
        D.kl_divergence(p, q)
    with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for p type Normal and q type Categorical"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Categorical(t(0.5, 0.5)))
    with pytest.raises(TypeError, match="Expected type_p to be a Distribution subclass"):
        D.register_kl(int, D.Normal)


def test_torch_distributions_resolves_and_names_what_minigan_lacks():
    assert torch.distributions.Normal is D.Normal and torch.distributions.kl.kl_divergence is D.kl_divergence
    assert torch.distributions.Wishart is D.Wishart and torch.distributions.biject_to is D.biject_to
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchFamily'"):  # a name torch lacks too
        D.NoSuchFamily


# ---------------------------------------------------------------------------- properties
finite = st.floats(-5, 5, allow_nan=False)
spread = st.floats(0.1, 4, allow_nan=False)
level = st.floats(0.01, 0.99, allow_nan=False)


@given(loc=finite, scale=spread, x=finite)
def test_normal_log_prob_is_the_written_out_density(loc, scale, x):
    expected = -((x - loc) ** 2) / (2 * scale ** 2) - math.log(scale * math.sqrt(2 * math.pi))
    close(D.Normal(t(loc), t(scale)).log_prob(t(x)), [expected], rtol=1e-12, atol=1e-12)


@given(loc=finite, scale=spread, u=level)
def test_cdf_inverts_icdf(loc, scale, u):
    for d in (D.Normal(t(loc), t(scale)), D.Laplace(t(loc), t(scale)), D.Exponential(t(scale)),
              D.Uniform(t(loc), t(loc + scale))):
        close(d.cdf(d.icdf(t(u))), [u], rtol=1e-10, atol=1e-12)


@given(a=finite, b=finite, s=spread, r=spread)
def test_kl_is_zero_on_equal_laws_and_positive_otherwise(a, b, s, r):
    for p, q in ((D.Normal(t(a), t(s)), D.Normal(t(b), t(r))), (D.Laplace(t(a), t(s)), D.Laplace(t(b), t(r))),
                 (D.Exponential(t(s)), D.Exponential(t(r))), (D.Bernoulli(logits=t(a)), D.Bernoulli(logits=t(b)))):
        assert abs(D.kl_divergence(p, p).item()) < 1e-15
        assert D.kl_divergence(p, q).item() >= -1e-15



def test_multivariate_normal_log_prob_over_sample_and_batch_shapes_against_numpy():
    # values of shape (sample, batch, n) against a batch of two scale_tril: the sample axes are
    # folded into one solve per matrix; each value is checked against NumPy written out
    rng = np.random.default_rng(7)
    n = 4
    factors = np.tril(rng.standard_normal((2, n, n))) + 3.0 * np.eye(n)
    loc = rng.standard_normal((2, n))
    values = rng.standard_normal((5, 3, 2, n))
    law = D.MultivariateNormal(torch.tensor(loc), scale_tril=torch.tensor(factors))
    got = law.log_prob(torch.tensor(values)).numpy()
    expected = np.empty((5, 3, 2))
    for index in np.ndindex(5, 3, 2):
        L = factors[index[-1]]
        z = np.linalg.solve(L, values[index] - loc[index[-1]])
        expected[index] = -0.5 * (n * math.log(2 * math.pi) + z @ z) - np.log(np.diag(L)).sum()
    assert got.shape == (5, 3, 2)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
