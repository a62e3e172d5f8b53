"""minigan.distributions' counting laws (Poisson, Geometric, Binomial, NegativeBinomial, Multinomial) as
torch.distributions': log_prob, entropy, moments and their gradients in the parameters against PyTorch's
values (written out below, from PyTorch 2.14.1 in float64); the KL pairs PyTorch registers; sample
frequencies against the pmf (a chi-square bound, fixed seeds); enumerate_support, expand, validation."""
import math

import numpy as np
import pytest

import minigan
from minigan import distributions as D
from minigan.distributions import constraints

pytestmark = pytest.mark.filterwarnings("error")


def t(*values, grad=False):
    return minigan.tensor(values, dtype=minigan.float64, requires_grad=grad)


def close(actual, expected, rtol=1e-12, atol=1e-13):
    np.testing.assert_allclose(np.asarray(actual.detach().numpy(), dtype=np.float64).reshape(-1),
                               np.asarray(expected), rtol=rtol, atol=atol)


def grad_of(value, param):
    (g,) = minigan.autograd.grad(value.sum(), [param], retain_graph=True)
    return g


# ---------------------------------------------------------------------------- PyTorch's values
def test_poisson_values_are_pytorchs():
    rate = t(0.7, 2.5, 6.0, grad=True)
    d = D.Poisson(rate)
    lp = d.log_prob(t(0.0, 3.0, 5.0))
    close(lp, [-0.7, -1.54288727360559, -1.828694396641771])
    close(grad_of(lp, rate), [-1.0, 0.2, -0.166666666666667])
    close(d.mean, [0.7, 2.5, 6.0]), close(d.variance, [0.7, 2.5, 6.0]), close(d.mode, [0.0, 2.0, 6.0])
    close(D.Poisson(t(0.0)).log_prob(t(0.0, 1.0)), [0.0, -math.inf])


def test_geometric_values_are_pytorchs():
    p = t(0.2, 0.55, 0.9, grad=True)
    d, k = D.Geometric(p), t(0.0, 2.0, 4.0)
    lp, h = d.log_prob(k), d.entropy()
    close(lp, [-1.6094379124341, -2.194852393191164, -9.31570088763401])
    close(h, [2.502012117690939, 1.251161479479252, 0.361203303768276])
    close(grad_of(lp, p), [5.0, -2.626262626262626, -38.88888888888889])
    close(grad_of(h, p), [-5.578588782855243, -2.639694863529824, -2.842697645671663])
    logits = t(-1.5, 0.0, 2.0, grad=True)
    d = D.Geometric(logits=logits)
    lp, h = d.log_prob(k), d.entropy()
    close(lp, [-1.701413277982752, -2.079441541679836, -8.634640055214858])
    close(h, [2.604084964539017, 1.386294361119891, 0.414776415841359])
    close(grad_of(lp + h, logits), [-0.08509721036262, -1.193147180559945, -3.691833794687799])
    close(d.mean, [4.481689070338065, 1.0, 0.135335283236613])
    close(d.variance, [24.567225993525728, 2.0, 0.153650922125347])
    close(d.mode, [0.0, 0.0, 0.0])
    close(D.Geometric(t(1.0)).log_prob(t(0.0, 1.0)), [0.0, -math.inf])


def test_binomial_values_are_pytorchs():
    p = t(0.1, 0.5, 0.75, grad=True)
    d = D.Binomial(5, p)
    lp, h = d.log_prob(t(0.0, 4.0, 2.0)), d.entropy()
    close(lp, [-0.526802578289131, -1.856297990365626, -2.431662135269188])
    close(h, [0.910205120190122, 1.523670872042792, 1.342052132566524])
    close(grad_of(lp, p), [-5.555555555555555, 6.0, -9.333333333333334])
    close(grad_of(h, p), [4.709034593890929, 0.0, -1.678663741612369], atol=1e-12)
    close(d.mean, [0.5, 2.5, 3.75]), close(d.variance, [0.45, 1.25, 0.9375]), close(d.mode, [0.0, 3.0, 4.0])
    logits = t(-2.0, 0.0, 1.0, grad=True)
    d = D.Binomial(t(3.0, 7.0, 10.0), logits=logits)
    lp = d.log_prob(t(1.0, 7.0, 4.0))
    close(lp, [-1.282171744460808, -4.852030263919617, -3.78550934446476])
    close(grad_of(lp, logits), [0.642391233933647, 3.5, -3.310585786300049])
    # p = 0 and p = 1 score their sure outcomes as (nearly) 0, as PyTorch's clamped logits do.
    close(D.Binomial(3, t(0.0, 1.0)).log_prob(t(0.0, 3.0)), [0.0, 0.0], atol=1e-14)


def test_negative_binomial_values_are_pytorchs():
    r, p = t(0.5, 3.0, 8.0, grad=True), t(0.3, 0.6, 0.85, grad=True)
    d = D.NegativeBinomial(r, p)
    lp = d.log_prob(t(0.0, 2.0, 11.0))
    close(lp, [-0.178337471969366, -1.978763973926391, -6.596692102468822])
    close(grad_of(lp, r), [-0.356674943938732, -0.332957398540822, -0.99486904954671])
    close(grad_of(lp, p), [-0.714285714285714, -4.166666666666665, -40.39215686274508])
    close(d.mean, [0.214285714285714, 4.499999999999999, 45.33333333333332])
    close(d.variance, [0.306122448979592, 11.249999999999996, 302.2222222222221])
    close(d.mode, [0.0, 2.0, 39.0])
    close(D.NegativeBinomial(t(0.0, 0.0), t(0.5, 0.5)).log_prob(t(0.0, 1.0)), [0.0, -math.inf])


def test_multinomial_values_are_pytorchs():
    p = minigan.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], dtype=minigan.float64, requires_grad=True)
    d = D.Multinomial(4, p)
    lp = d.log_prob(minigan.tensor([[1.0, 1.0, 2.0], [4.0, 0.0, 0.0]], dtype=minigan.float64))
    h = d.entropy()
    close(lp, [-1.714798428091927, -2.043302495063963])
    close(h, [2.349083981674513, 2.069449671982091])
    close(grad_of(lp, p), [1.0, -0.666666666666667, 0.0, 2.666666666666667, -4.0, -4.0])
    close(grad_of(h, p), [1.192573795150131, 0.242793062714791, -0.622705355688927,
                          -0.731302167165728, 3.339004159040259, 0.349602947984703])
    close(d.mean, [0.8, 1.2, 2.0, 2.4, 0.4, 1.2]), close(d.variance, [0.64, 0.84, 1.0, 0.96, 0.36, 0.84])
    logits = t(0.3, -1.0, 2.0, 0.0, grad=True)
    d = D.Multinomial(3, logits=logits)
    lp, h = d.log_prob(t(0.0, 1.0, 2.0, 0.0)), d.entropy()
    close(lp, [-2.841011427447048]), close(h, [1.808549937627877])
    close(grad_of(lp + h, logits), [-0.12895233526683, 1.092623962124582, -0.943633314793668, -0.020038312064084])
    # a class of logit -inf counted 0 times adds nothing
    close(D.Multinomial(3, logits=t(0.0, -math.inf)).log_prob(t(3.0, 0.0)), [0.0])


def test_kl_pairs_are_pytorchs():
    a, b = t(0.5, 2.0, 4.0), t(1.5, 2.0, 0.3)
    close(D.kl_divergence(D.Poisson(a), D.Poisson(b)), [0.450693855665945, 0.0, 6.661068661783307])
    a, b = t(0.2, 0.5, 0.9), t(0.4, 0.5, 0.1)
    close(D.kl_divergence(D.Geometric(a), D.Geometric(b)), [0.457581109247178, 0.0, 1.95308851318775])
    close(D.kl_divergence(D.Binomial(t(5.0, 5.0, 6.0), a), D.Binomial(5, b)), [0.457581109247178, 0.0, math.inf])
    close(D.kl_divergence(D.Bernoulli(a), D.Poisson(t(0.3, 1.0, 2.5))),
          [0.040392137326999, 0.306852819440055, 1.350255367921812])
    close(D.kl_divergence(D.Poisson(t(0.3, 1.0)), D.Bernoulli(t(0.4, 0.5))), [math.inf, math.inf])
    close(D.kl_divergence(D.Poisson(t(0.3)), D.Binomial(2, t(0.4))), [math.inf])
    with pytest.raises(NotImplementedError, match="q.total_count > p.total_count is not implemented"):
        D.kl_divergence(D.Binomial(3, t(0.3)), D.Binomial(4, t(0.4)))
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Multinomial(2, t(0.3, 0.7)), D.Multinomial(2, t(0.4, 0.6)))


def test_kl_is_the_expected_log_ratio_summed_over_the_support():
    """KL(p || q) = sum_k p(k) (log p(k) - log q(k)), the sum written out over enough counts."""
    k = minigan.tensor(np.arange(200.0)[:, None], dtype=minigan.float64)
    for p, q in ((D.Poisson(t(3.0, 0.4)), D.Poisson(t(1.2, 2.0))),
                 (D.Geometric(t(0.3, 0.8)), D.Geometric(t(0.6, 0.25)))):
        lp, lq = p.log_prob(k).numpy(), q.log_prob(k).numpy()
        close(D.kl_divergence(p, q), (np.exp(lp) * (lp - lq)).sum(0), rtol=1e-10)


# ---------------------------------------------------------------------------- sums over the support
def test_entropies_and_moments_are_the_sums_over_the_support():
    k = np.arange(400.0)[:, None]
    for d in (D.Geometric(t(0.3, 0.7)), D.NegativeBinomial(t(2.2, 6.0), t(0.4, 0.7)), D.Poisson(t(1.5, 8.6))):
        pmf = np.exp(d.log_prob(minigan.tensor(k, dtype=minigan.float64)).numpy())
        close(minigan.tensor(pmf.sum(0)), [1.0, 1.0], rtol=1e-12)
        mean = (k * pmf).sum(0)
        close(d.mean, mean, rtol=1e-10)
        close(d.variance, ((k - mean) ** 2 * pmf).sum(0), rtol=1e-9)
        close(d.mode, pmf.argmax(0).astype(float))
    d = D.Geometric(t(0.3, 0.7))
    pmf = np.exp(d.log_prob(minigan.tensor(k, dtype=minigan.float64)).numpy())
    close(d.entropy(), -(pmf * np.log(pmf)).sum(0), rtol=1e-10)


def test_multinomial_entropy_is_the_sum_over_every_count_vector():
    probs = t(0.2, 0.3, 0.5)
    d = D.Multinomial(4, probs)
    vectors = [(a, b, 4 - a - b) for a in range(5) for b in range(5 - a)]
    lp = d.log_prob(minigan.tensor(vectors, dtype=minigan.float64)).numpy()
    np.testing.assert_allclose(np.exp(lp).sum(), 1.0, rtol=1e-13)
    close(d.entropy(), [-(np.exp(lp) * lp).sum()])


def test_enumerate_support():
    b = D.Binomial(3, t(0.2, 0.6))
    assert b.has_enumerate_support and b.enumerate_support().shape == (4, 2)
    close(b.enumerate_support(expand=False), [0.0, 1.0, 2.0, 3.0])
    assert b.enumerate_support(expand=False).shape == (4, 1)
    close(b.log_prob(b.enumerate_support()).exp().sum(0), [1.0, 1.0])
    for what, call in (("entropy", lambda d: d.entropy()), ("enumerate_support", lambda d: d.enumerate_support())):
        with pytest.raises(NotImplementedError, match=f"Inhomogeneous total count not supported by `{what}`"):
            call(D.Binomial(t(2.0, 3.0), t(0.3, 0.4)))
    for d in (D.Poisson(2.0), D.Geometric(0.5), D.NegativeBinomial(2.0, 0.5), D.Multinomial(2, t(0.5, 0.5))):
        assert not d.has_enumerate_support


# ---------------------------------------------------------------------------- samples
def chi_square(draws, pmf):
    """The chi-square statistic of integer ``draws`` against ``pmf`` on 0..len(pmf)-1 (rest lumped into the last bin)."""
    counts = np.bincount(np.minimum(draws.astype(np.int64), len(pmf) - 1), minlength=len(pmf))
    expected = len(draws) * np.append(pmf[:-1], 1.0 - pmf[:-1].sum())
    return ((counts - expected) ** 2 / expected).sum()


@pytest.mark.parametrize("make, bins", [
    (lambda: D.Poisson(t(3.5)), 10), (lambda: D.Geometric(t(0.35)), 8), (lambda: D.Binomial(6, t(0.4)), 7),
    (lambda: D.NegativeBinomial(t(2.5), t(0.45)), 8), (lambda: D.Geometric(logits=t(0.4)), 5)])
def test_sample_frequencies_follow_the_pmf(make, bins):
    minigan.manual_seed(11)
    d = make()
    draws = d.sample((20000,)).numpy().reshape(-1)
    assert draws.shape == (20000,) and (draws == np.round(draws)).all()
    pmf = np.exp(d.log_prob(minigan.tensor(np.arange(bins - 1.0)[:, None], dtype=minigan.float64)).numpy()[:, 0])
    assert chi_square(draws, np.append(pmf, 0.0)) < 40  # chi-square of < 10 dof: 40 is beyond its 1e-5 tail


def test_multinomial_sample_counts_follow_the_probabilities():
    minigan.manual_seed(3)
    d = D.Multinomial(5, t(0.1, 0.3, 0.6)).expand((2,))
    draws = d.sample((4000,)).numpy()
    assert draws.shape == (4000, 2, 3) and (draws.sum(-1) == 5).all()
    np.testing.assert_allclose(draws.mean((0, 1)), [0.5, 1.5, 3.0], atol=0.06)
    np.testing.assert_allclose(draws.var((0, 1)), [0.45, 1.05, 1.2], rtol=0.08)


def test_draws_are_fixed_by_the_seed_and_have_the_parameters_dtype():
    for make in (lambda: D.Poisson(t(2.0, 4.0)), lambda: D.Binomial(4, t(0.3, 0.5)),
                 lambda: D.NegativeBinomial(t(2.0), t(0.5)), lambda: D.Geometric(t(0.3)),
                 lambda: D.Multinomial(3, t(0.3, 0.7))):
        minigan.manual_seed(5)
        first = make().sample((3,))
        minigan.manual_seed(5)
        again = make().sample((3,))
        assert first.dtype == minigan.float64 and not first.requires_grad
        np.testing.assert_array_equal(first.numpy(), again.numpy())
    assert D.Poisson(2.0).sample((4,)).dtype == minigan.float32
    close(D.Geometric(t(1.0)).sample((5,)), [0.0] * 5)


# ---------------------------------------------------------------------------- shapes, expand, validation
def test_shapes_and_expand():
    assert D.Binomial(3, 0.3).batch_shape == () and D.Binomial(t(3.0, 4.0), 0.3).batch_shape == (2,)
    b = D.Binomial(3, t(0.5, 0.5)).expand((3, 2))
    assert b.batch_shape == (3, 2) and b.total_count.shape == (3, 2) and b.sample().shape == (3, 2)
    m = D.Multinomial(3, t(0.5, 0.5)).expand((3,))
    assert m.batch_shape == (3,) and m.event_shape == (2,) and m.log_prob(t(1.0, 2.0)).shape == (3,)
    for d in (D.Poisson(t(1.0, 2.0)), D.Geometric(t(0.3, 0.5)), D.NegativeBinomial(t(1.0), t(0.3, 0.5))):
        e = d.expand((4, 2))
        assert e.batch_shape == (4, 2) and e.sample((5,)).shape == (5, 4, 2) and e.mean.shape == (4, 2)
    close(D.Binomial(total_count=t(3.0), logits=t(0.5, 0.5)).probs, [0.6224593312018546] * 2)
    assert repr(D.Binomial(3, 0.3).support) == "IntegerInterval(lower_bound=0, upper_bound=3.0)"
    assert repr(D.Multinomial(3, t(0.5, 0.5)).support) == "Multinomial()"
    assert D.Multinomial(3, t(0.5, 0.5)).total_count == 3


@pytest.mark.parametrize("make, message", [
    (lambda: D.Poisson(t(-1.0)), "Expected parameter rate .* GreaterThanEq"),
    (lambda: D.Geometric(t(0.0)), "Expected parameter probs .* to be positive but found invalid values"),
    (lambda: D.Geometric(t(1.2)), "Expected parameter probs .* Interval"),
    (lambda: D.Binomial(2.5, t(0.3)), "Expected parameter total_count .* IntegerGreaterThan"),
    (lambda: D.NegativeBinomial(3.0, t(1.0)), "Expected parameter probs .* HalfOpenInterval"),
    (lambda: D.NegativeBinomial(-1.0, t(0.5)), "Expected parameter total_count .* GreaterThanEq"),
    (lambda: D.Multinomial(3, t(-0.5, 1.5)), "Expected parameter probs .* Simplex"),
    (lambda: D.Geometric(probs=t(0.3), logits=t(0.5)), "Either `probs` or `logits` must be specified, but not both"),
    (lambda: D.Poisson(2.0).log_prob(t(1.5)), "within the support"),
    (lambda: D.Binomial(3, 0.3).log_prob(t(4.0)), r"within the support \(IntegerInterval"),
    (lambda: D.Multinomial(3, t(0.5, 0.5)).log_prob(t(2.0, 2.0)), r"within the support \(Multinomial\(\)\)"),
    (lambda: D.Multinomial(3, t(0.5, 0.5)).log_prob(t(1.0, -1.0)), "within the support"),
])
def test_bad_parameters_and_values_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_refusals_of_what_pytorch_lacks():
    with pytest.raises(NotImplementedError, match="inhomogeneous total_count is not supported"):
        D.Multinomial(2.0, t(0.5, 0.5))
    with pytest.raises(NotImplementedError):
        D.Poisson(2.0).entropy()
    with pytest.raises(NotImplementedError):
        D.Multinomial(3, t(0.5, 0.5)).mode
    # a count vector of total below n, or not whole, is scored (PyTorch's support checks neither)
    close(D.Multinomial(3, t(0.5, 0.5)).log_prob(t(1.0, 1.0)), [-math.log(2.0)])
    assert constraints.multinomial(3).event_dim == 1 and constraints.multinomial(3).is_discrete
