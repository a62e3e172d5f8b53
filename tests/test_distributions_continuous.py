"""The continuous families Cauchy, HalfCauchy, HalfNormal, StudentT, Gumbel, Weibull and Pareto (and the
AbsTransform and PowerTransform they use) as torch.distributions': log_prob, cdf, icdf, entropy, moments
and their gradients against PyTorch's values (written out below, from PyTorch 2.14.1 in float64); draws
against closed-form moments and quantiles; rsample's gradient against the closed-form derivative of the
draw; validation, shapes and expand."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigan
from minigan import distributions as D

pytestmark = pytest.mark.filterwarnings("error")

nan, inf = math.nan, math.inf

# (constructor parameters, values scored, probabilities inverted), as in the PyTorch script
SPECS = {
    "Cauchy": (([0.2, -1.0, 3.0], [1.3, 0.5, 2.0]), [0.5, -1.5, 10.0], [0.1, 0.5, 0.95]),
    "HalfNormal": (([1.0, 2.0, 0.3],), [0.5, 1.5, 0.0], [0.1, 0.5, 0.95]),
    "HalfCauchy": (([1.0, 2.0, 0.3],), [0.5, 1.5, 7.0], [0.1, 0.5, 0.95]),
    "StudentT": (([0.7, 2.5, 5.0], [0.5, -1.0, 0.0], [2.0, 0.5, 1.5]), [0.5, -1.5, 4.0], None),
    "Gumbel": (([0.3, -2.0, 1.0], [1.2, 0.5, 3.0]), [0.5, -1.5, 4.0], [0.1, 0.5, 0.95]),
    "Weibull": (([1.5, 0.5, 2.0], [2.0, 0.7, 1.0]), [0.5, 1.5, 4.0], [0.1, 0.5, 0.95]),
    "Pareto": (([0.4, 1.0, 2.0], [3.0, 0.8, 1.5]), [0.5, 1.5, 4.0], [0.1, 0.5, 0.95]),
    "InverseGamma": (([2.5, 0.7, 4.0], [1.5, 0.5, 3.0]), [0.5, 1.5, 4.0], None),
    "Kumaraswamy": (([2.0, 0.5, 3.0], [3.0, 1.5, 0.8]), [0.2, 0.5, 0.9], [0.1, 0.5, 0.95]),
    "FisherSnedecor": (([5.0, 1.5, 3.0], [7.0, 3.0, 12.0]), [0.5, 1.5, 4.0], None),
    "GeneralizedPareto": (([0.5, -1.0, 0.0], [1.5, 0.5, 2.0], [0.3, -0.4, 0.0]), [1.0, -0.5, 3.0], [0.1, 0.5, 0.9]),
}

TORCH = {
    'Cauchy': dict(
        log_prob=[-1.4589789856859028, -1.1447298858494002, -4.421874618841576],
        log_prob_grad=[[0.3370786516853932, -2.0, 0.2641509433962264], [-0.6914433880726015, 0.0, 0.42452830188679247]],
        entropy=[2.793388511436782, 1.8378770664093453, 3.224171427529236], entropy_grad=[[0.0, 0.0, 0.0], [0.7692307692307692, 2.0, 0.5]],
        cdf=[0.5721923155106472, 0.25, 0.9114144672170953], icdf=[-3.8009885983278284, -1.0, 15.627503029350063],
        cdf_grad=[[-0.23247351238142017, -0.3183098861837907, -0.012011693818256253], [-0.05364773362648157, 0.3183098861837907, -0.04204092836389688]],
        mean=[nan, nan, nan], mode=[0.2, -1.0, 3.0], variance=[inf, inf, inf]),
    'HalfNormal': dict(
        log_prob=[-0.3507913526447274, -1.2001885332046727, 0.9781814516812087],
        log_prob_grad=[[-0.75, -0.21875, -3.3333333333333335]],
        entropy=[0.7257913526447274, 1.4189385332046727, -0.47818145168120874], entropy_grad=[[1.0, 0.5, 3.3333333333333335]],
        cdf=[0.38292492254802624, 0.5467452952462635, 0.0], icdf=[0.12566134685507416, 1.3489795003921636, 0.5879891953620162],
        cdf_grad=[[-0.35206532676429947, -0.22585307411610328, -0.0]],
        mean=[0.7978845608028654, 1.5957691216057308, 0.2393653682408596], mode=[0.0, 0.0, 0.0], variance=[0.3633802276324186, 1.4535209105296745, 0.03270422048691767]),
    'HalfCauchy': dict(
        log_prob=[-0.6747262566036646, -1.5910169884778194, -5.549210857685352],
        log_prob_grad=[[-0.6, -0.14, 3.3211108847694715]],
        entropy=[1.8378770664093453, 2.5310242469692907, 0.6339042620834093], entropy_grad=[[1.0, 0.5, 3.3333333333333335]],
        cdf=[0.2951672353008665, 0.40966552939826695, 0.9727329813941437], icdf=[0.15838444032453644, 1.9999999999999998, 3.8118614208524084],
        cdf_grad=[[-0.25464790894703254, -0.15278874536821954, -0.09077894492917231]],
        mean=[inf, inf, inf], mode=[0.0, 0.0, 0.0], variance=[inf, inf, inf]),
    'StudentT': dict(
        log_prob=[-1.9151607621833941, -0.9123188269876275, -4.02814087453936],
        log_prob_grad=[[0.3436144212823514, 0.06922687515095677, -0.08023527102114861], [0.0, -2.0, 0.8807339449541285], [-0.5, 0.0, 1.6819571865443428]],
        entropy=[3.713590992649106, 1.1546128900159762, 2.0329677805225606], entropy_grad=[[-2.3222209042707185, -0.17907387426340338, -0.043135533961812356], [0.0, 0.0, 0.0], [0.5, 2.0, 0.6666666666666666]],
        mean=[nan, -1.0, 0.0], mode=[0.5, -1.0, 0.0], variance=[nan, 1.25, 3.75]),
    'Gumbel': dict(
        log_prob=[-1.1954699483512354, -0.674732260611497, -2.466491729839552],
        log_prob_grad=[[0.12793189592448834, 1.2642411176571153, 0.21070685294285255], [-0.812011350679252, -0.7357588823428847, -0.12262648039048077]],
        entropy=[1.7595372216954874, 0.8840684843415875, 2.6758279535696428], entropy_grad=[[0.0, 0.0, 0.0], [0.8333333333333334, 2.0, 0.3333333333333333]],
        cdf=[0.42892134369676466, 0.6922006275553465, 0.6922006275553465], icdf=[-0.7008389342975472, -1.816743539709168, 9.910585747126477],
        cdf_grad=[[-0.30256173237903106, -0.5092927600871651, -0.08488212668119417], [-0.050426955396505185, -0.5092927600871651, -0.08488212668119417]],
        mean=[0.9926587978818393, -1.7113921675492336, 2.7316469947045987], mode=[0.3, -2.0, 1.0], variance=[2.368705056261446, 0.4112335167120566, 14.804406601634037]),
    'Weibull': dict(
        log_prob=[-0.9220413273274399, -2.150780729953813, -2.6931471805599454],
        log_prob_grad=[[-1.1851851851851851, 1.6207369919644306, 0.5], [-0.47654425659387534, 0.15674173137777844, 0.3068528194400547]],
        entropy=[1.0009257599989856, 0.41614962127813016, 1.6931471805599454], entropy_grad=[[0.6666666666666666, 2.0, 0.5], [-0.3556960837746168, -0.2505802757111573, -0.42278433509846713]],
        cdf=[0.10516068318563021, 0.8844057749116223, 0.8646647167633873], icdf=[0.48688926896175183, 0.29619505647606686, 5.99146454710798],
        cdf_grad=[[-0.13256878767620292, -0.34917975178192545, -0.1353352832366127], [-0.10923127442618251, 0.2740094044726454, 0.18761454001147945]],
        mean=[1.329340388179137, 0.6329117530286418, 2.0], mode=[1.0606601717798214, nan, 0.0], variance=[0.4828541323557414, 0.8567088884132882, 4.0]),
    'Pareto': dict(
        log_prob=[1.1223288152854256, -0.9529807459089057, -2.0205500238516443],
        log_prob_grad=[[7.5, 0.7999999999999998, 0.75], [0.11018978201912355, 0.8445348918918356, -0.026480513893278657]],
        entropy=[-0.6815696872089314, 2.4731435513142097, 1.9543487391184473], entropy_grad=[[2.5, 1.0, 0.5], [-0.4444444444444445, -2.8125, -1.1111111111111112]],
        cdf=[0.488, 0.27701881920153426, 0.6464466094067263], icdf=[0.41429766746051455, 2.3784142300054416, 14.736125994561537],
        cdf_grad=[[-3.8400000000000003, -0.5783849446387727, -0.26516504294495535], [0.11424949827287541, 0.2931436426326183, 0.2450645358671368]],
        mean=[0.6000000000000001, inf, 6.0], mode=[0.4, 1.0, 2.0], variance=[0.12000000000000002, inf, inf]),
}
TORCH.update({
    'InverseGamma': dict(
        log_prob=[0.15499503175730056, -1.7686942900408409, -5.0787821201550685],
        log_prob_grad=[[0.3954556480228666, 0.12141126502982502, -1.5437997408835813], [-0.33333333333333326, 0.7333333333333333, 1.0833333333333333]],
        entropy=[0.7290997363227332, 2.34176010725821, 0.609783415737164],
        entropy_grad=[[-0.7162521468393721, -3.8178835683653576, -0.4191147788485763], [0.6666666666666666, 2.0, 0.3333333333333333]],
        cdf=[0.30621891841327875, 0.5531576462051934, 0.9927078334947887],
        mean=[1.0, inf, 1.0],
        mode=[0.42857142857142855, 0.29411764705882354, 0.6],
        variance=[2.0, inf, 0.5]),
    'Kumaraswamy': dict(
        log_prob=[0.10067756775344461, -0.555082070821566, 0.9258749976587347],
        log_prob_grad=[[-0.9753180863979254, 2.1435554814543005, 0.17128808268321527], [0.29251133881307817, -0.561280510632849, -0.055636458102436594]],
        entropy=[-0.2084261358947218, -0.6593568997616617, -0.550664005223637],
        entropy_grad=[[-0.04166666666666674, 3.121489222187104, -0.23753254464495616], [-0.08031074433736457, -0.7125799784620428, 0.8038160918683688]],
        cdf=[0.11526400000000014, 0.8414873322188928, 0.6481355161176616],
        cdf_grad=[[-0.17799095761191205, -0.3978839132862967, -0.07978138008827952], [0.03611668814387247, 0.19464518296802646, 0.4594070984681783]],
        icdf=[0.18577032969333473, 0.1369292130971767, 0.9920558779654716],
        mean=[0.457142857142857, 0.2285714285714285, 0.7817454793302617],
        mode=[math.sqrt(0.2), nan, nan],  # ((a - 1) / (a b - 1))^(1/a); PyTorch 2.14.1 gives nan for every a, b
        variance=[0.04102040816326541, 0.05857761286332713, 0.03619245458400022]),
    'FisherSnedecor': dict(
        log_prob=[-0.41135598973798926, -1.8379891842053544, -3.717243483707548],
        log_prob_grad=[[0.018190506842898052, 0.2626976001543584, -0.14143983514621739], [0.017210741749266567, 0.05964892378343918, -0.03875368237282928]],
        mean=[1.4, 3.0, 1.2],
        mode=[0.4666666666666667, nan, 0.2857142857142857],
        variance=[2.6133333333333333, nan, 1.56]),
})
TORCH.update({  # computed with torch.set_default_dtype(torch.float64): PyTorch's GeneralizedPareto fails on
    # float64 parameters otherwise (its isclose compares them with a float32 zero)
    'GeneralizedPareto': dict(
        log_prob=[-0.8184758872602388, -0.0730912550890408, -2.1931471805599454],
        log_prob_grad=[[0.787878787878788, 2.0, 0.5], [-0.404040404040404, 0.0, 0.25], [-0.25412931530548133, -0.692660148537442, 0.0]],
        entropy=[1.7054651081081644, -0.09314718055994531, 1.6931471805599454],
        entropy_grad=[[0.0, 0.0, 0.0], [0.6666666666666666, 2.0, 0.5], [1.0, 1.0, 1.0]],
        cdf=[0.27217933422128904, 0.721145199073066, 0.7768698398515702],
        cdf_grad=[[-0.44110343380527933, -0.9295160030897803, -0.11156508007421491], [-0.1470344779350931, -0.9295160030897803, -0.16734762011132237], [-0.035591149443116366, -0.2716063937144614, 0.0]],
        icdf=[0.6605649871409502, -0.6973228540689989, 4.605170185988092],
        mean=[2.642857142857143, -0.6428571428571428, 2.0],
        mode=[0.5, -1.0, 0.0],
        variance=[11.479591836734695, 0.07086167800453516, 4.0]),
})


def m(values, grad=False):
    return minigan.tensor(values, dtype=minigan.float64, requires_grad=grad)


def close(actual, expected, rtol=1e-13, atol=1e-14):
    np.testing.assert_allclose(np.asarray(actual.detach().numpy(), dtype=np.float64).reshape(-1),
                               np.asarray(expected, dtype=np.float64).reshape(-1), rtol=rtol, atol=atol)


def grads(output, params):
    found = minigan.autograd.grad(output.sum(), params, allow_unused=True, retain_graph=True)
    return [np.zeros(3) if g is None else g.numpy() for g in found]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_values_and_gradients_are_pytorchs(name):
    """Every value PyTorch gives, and its gradient; a method PyTorch lacks raises NotImplementedError here too."""
    args, values, probs = SPECS[name]
    expected = TORCH[name]
    params = [m(a, grad=True) for a in args]
    d = getattr(D, name)(*params)
    x = m(values)
    for key in ("mean", "mode", "variance"):
        close(getattr(d, key), expected[key])
    levels = m(probs or [0.5, 0.5, 0.5])
    for key, method in (("log_prob", lambda: d.log_prob(x)), ("cdf", lambda: d.cdf(x)), ("entropy", d.entropy),
                        ("icdf", lambda: d.icdf(levels))):
        if key not in expected:
            with pytest.raises(NotImplementedError):
                method()
            continue
        value = method()
        close(value, expected[key])
        if key + "_grad" in expected:  # (PyTorch has no gradient of InverseGamma's cdf in alpha; minigan neither)
            for got, want in zip(grads(value, params), expected[key + "_grad"]):
                close(m(got), want, rtol=1e-8 if key == "entropy" else 1e-12)  # trigamma: minigan's to about 1e-9
    if "icdf" in expected:
        close(d.cdf(d.icdf(m(probs))), probs)


def test_float32_parameters_give_float32_values():
    for d in (D.Cauchy(0.0, 1.0), D.HalfNormal(1.0), D.HalfCauchy(2.0), D.StudentT(3.0), D.Gumbel(0.0, 1.0),
              D.Weibull(1.0, 2.0), D.Pareto(1.0, 2.0), D.InverseGamma(3.0, 2.0), D.Kumaraswamy(2.0, 3.0),
              D.FisherSnedecor(4.0, 6.0), D.VonMises(0.0, 2.0), D.GeneralizedPareto(0.0, 1.0, 0.2)):
        draw = d.sample((4,))
        assert draw.dtype == minigan.float32 and tuple(draw.shape) == (4,)
        assert d.log_prob(draw).dtype == minigan.float32


# ---------------------------------------------------------------------------- draws
N = 200_000


def draws_of(d, seed):
    minigan.manual_seed(seed)
    return d.sample((N,)).numpy()


@pytest.mark.parametrize("d, mean, var", [
    (lambda: D.HalfNormal(m([1.5])), 1.5 * math.sqrt(2 / math.pi), 2.25 * (1 - 2 / math.pi)),
    (lambda: D.Gumbel(m([0.5]), m([2.0])), 0.5 + 2.0 * 0.5772156649015329, math.pi ** 2 * 4.0 / 6.0),
    (lambda: D.Weibull(m([2.0]), m([3.0])), 2.0 * math.gamma(4 / 3), 4.0 * (math.gamma(5 / 3) - math.gamma(4 / 3) ** 2)),
    (lambda: D.Pareto(m([1.0]), m([5.0])), 5.0 / 4.0, 5.0 / (16.0 * 3.0)),
    (lambda: D.StudentT(m([30.0]), m([1.0]), m([2.0])), 1.0, 4.0 * 30.0 / 28.0),
    (lambda: D.InverseGamma(m([7.0]), m([3.0])), 3.0 / 6.0, 9.0 / (36.0 * 5.0)),
    (lambda: D.Kumaraswamy(m([2.0]), m([3.0])), 16.0 / 35.0, 0.25 - (16.0 / 35.0) ** 2),  # E x^2 = 3 B(2, 3) = 1/4
    (lambda: D.FisherSnedecor(m([10.0]), m([20.0])), 20.0 / 18.0, 2 * 400.0 * 28.0 / (10.0 * 18.0 ** 2 * 16.0)),
    (lambda: D.GeneralizedPareto(m([1.0]), m([2.0]), m([0.1])), 1.0 + 2.0 / 0.9, 4.0 / (0.81 * 0.8)),
    (lambda: D.GeneralizedPareto(m([1.0]), m([2.0]), m([-0.5])), 1.0 + 2.0 / 1.5, 4.0 / (2.25 * 2.0)),
    (lambda: D.GeneralizedPareto(m([1.0]), m([2.0]), m([0.0])), 3.0, 4.0),
])
def test_draws_have_the_closed_form_moments(d, mean, var):
    x = draws_of(d(), 3)
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / N)
    assert abs(x.var() / var - 1) < 0.02


@pytest.mark.parametrize("make, quartiles", [
    (lambda: D.Cauchy(m([1.0]), m([2.0])), [1.0 - 2.0, 1.0, 1.0 + 2.0]),
    (lambda: D.HalfCauchy(m([2.0])), [2.0 * math.tan(math.pi / 8), 2.0, 2.0 * math.tan(3 * math.pi / 8)]),
])
def test_heavy_tailed_draws_have_the_closed_form_quartiles(make, quartiles):
    x = draws_of(make(), 5)
    np.testing.assert_allclose(np.quantile(x, [0.25, 0.5, 0.75]), quartiles, rtol=0.02)


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(sorted(SPECS)),
       st.integers(0, 2 ** 31 - 1))
def test_a_seed_fixes_the_draws_and_they_lie_in_the_support(name, seed):
    args = SPECS[name][0]
    d = getattr(D, name)(*(m(a) for a in args))
    minigan.manual_seed(seed)
    first = d.sample((5,))
    minigan.manual_seed(seed)
    again = d.rsample((5,))
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    assert tuple(first.shape) == (5, 3)
    assert bool(np.all(d.support.check(first).numpy()))
    assert np.all(np.isfinite(d.log_prob(first).numpy()))


def test_rsample_gradients_are_the_draws_derivatives():
    """x = loc + scale e (Cauchy, StudentT, Gumbel), scale |e| (HalfNormal), scale e^(1/k) (Weibull) and
    scale e^(E / alpha) (Pareto): dx/dloc = 1, dx/dscale = (x - loc) / scale, dx/dk = -x ln(x / scale) / k,
    dx/dalpha = -x ln(x / scale) / alpha."""
    loc, scale = m([0.3, -1.0], grad=True), m([1.5, 0.7], grad=True)
    for make in (D.Cauchy, lambda a, b: D.StudentT(4.0, a, b), D.Gumbel):
        minigan.manual_seed(2)
        x = make(loc, scale).rsample((3,))
        g_loc, g_scale = minigan.autograd.grad(x.sum(), [loc, scale])
        close(g_loc, [3.0, 3.0])
        close(g_scale, ((x - loc) / scale).sum(0).detach().numpy())
    for make, rule in ((D.Weibull, lambda x, s, k: -x * np.log(x / s) / k),
                       (D.Pareto, lambda x, s, a: -x * np.log(x / s) / a)):
        minigan.manual_seed(2)
        x = make(scale, loc.abs() + 0.5).rsample((3,))
        g_scale, g_shape = minigan.autograd.grad(x.sum(), [scale, loc])
        xs, s, k = x.detach().numpy(), scale.detach().numpy(), np.abs(loc.detach().numpy()) + 0.5
        close(g_scale, (xs / s).sum(0))
        close(g_shape, (rule(xs, s, k) * np.sign(loc.detach().numpy())).sum(0), rtol=1e-12)
    minigan.manual_seed(2)
    x = D.HalfNormal(scale).rsample((3,))
    close(minigan.autograd.grad(x.sum(), [scale])[0], (x / scale).sum(0).detach().numpy())
    minigan.manual_seed(2)  # x = mu + sigma ((1 - u)^-xi - 1) / xi
    x = D.GeneralizedPareto(loc, scale, 0.3).rsample((3,))
    g_loc, g_scale = minigan.autograd.grad(x.sum(), [loc, scale])
    close(g_loc, [3.0, 3.0])
    close(g_scale, ((x - loc) / scale).sum(0).detach().numpy())


def test_inverse_gamma_and_kumaraswamy_draw_gradients():
    """x = beta / G (InverseGamma): dx/dbeta = x / beta; x = (1 - u^(1/b))^(1/a) (Kumaraswamy): dx/da = -x ln(x) / a."""
    rate, a, b = m([1.5, 0.5], grad=True), m([2.0, 0.7], grad=True), m([3.0, 1.2], grad=True)
    minigan.manual_seed(8)
    x = D.InverseGamma(3.0, rate).rsample((4,))
    close(minigan.autograd.grad(x.sum(), [rate])[0], (x / rate).sum(0).detach().numpy())
    minigan.manual_seed(8)
    y = D.Kumaraswamy(a, b).rsample((4,))
    ys = y.detach().numpy()
    close(minigan.autograd.grad(y.sum(), [a])[0], (-ys * np.log(ys) / a.detach().numpy()).sum(0), rtol=1e-12)


def test_fisher_snedecor_draws_differentiate_the_mean_in_both_df():
    """E[x] = d2 / (d2 - 2): its derivative is 0 in d1 and -2 / (d2 - 2)^2 in d2."""
    df1, df2 = m([4.0], grad=True), m([12.0], grad=True)
    minigan.manual_seed(3)
    g1, g2 = minigan.autograd.grad(D.FisherSnedecor(df1, df2).rsample((200_000,)).mean(), [df1, df2])
    assert abs(float(g1.numpy()[0])) < 0.003
    assert abs(float(g2.numpy()[0]) / (-2.0 / 100.0) - 1) < 0.1


def test_student_t_draws_differentiate_the_mean_absolute_value_in_df():
    """E|T| = 2 sqrt(nu) Gamma((nu + 1) / 2) / (sqrt(pi) (nu - 1) Gamma(nu / 2)); the mean of d|x|/d nu over
    draws estimates its derivative (central differences of the closed form)."""
    def mean_abs(nu):
        return 2 * math.sqrt(nu) * math.gamma((nu + 1) / 2) / (math.sqrt(math.pi) * (nu - 1) * math.gamma(nu / 2))
    df = m([5.0], grad=True)
    minigan.manual_seed(4)
    (g,) = minigan.autograd.grad(D.StudentT(df).rsample((100_000,)).abs().mean(), [df])
    assert abs(float(g.numpy()[0]) / ((mean_abs(5.0 + 1e-5) - mean_abs(5.0 - 1e-5)) / 2e-5) - 1) < 0.05


# ---------------------------------------------------------------------------- transforms
def test_power_and_abs_transforms():
    p = D.PowerTransform(m([0.5, 2.0, -1.0]))
    x = m([4.0, 3.0, 2.0])
    y = p(x)
    close(y, [2.0, 9.0, 0.5])
    close(p.inv(y), x.numpy())
    close(p.log_abs_det_jacobian(x, y), np.log([0.25, 6.0, 0.25]))
    np.testing.assert_array_equal(p.sign.numpy(), [1.0, 1.0, -1.0])
    assert D.PowerTransform(2.0).sign == 1 and D.PowerTransform(2.0) == D.PowerTransform(2.0)
    assert p.forward_shape((4, 1)) == (4, 3)
    a = D.AbsTransform()
    close(a(m([-2.0, 3.0])), [2.0, 3.0])
    close(a.inv(m([2.0, 3.0])), [2.0, 3.0])
    assert a == D.AbsTransform() and not a.bijective
    with pytest.raises(TypeError, match="PowerTransform expects exponent"):
        D.PowerTransform("2")


def test_transformed_cdf_with_a_decreasing_tensor_scale_is_pytorchs_monotonized_cdf():
    d = D.TransformedDistribution(D.Normal(m([0.0, 0.0]), m([1.0, 1.0])), [D.AffineTransform(0.0, m([2.0, -2.0]))])
    # y = 2 x and y = -2 x: F(1) = Phi(1/2) and 1 - Phi(-1/2) = Phi(1/2)
    phi = 0.5 * (1 + math.erf(0.5 / math.sqrt(2)))
    close(d.cdf(m([1.0, 1.0])), [phi, phi])
    close(d.icdf(m([phi, phi])), [1.0, 1.0])


# ---------------------------------------------------------------------------- validation, shapes
@pytest.mark.parametrize("make, message", [
    (lambda: D.Cauchy(0.0, -1.0), "Expected parameter scale .* of distribution Cauchy"),
    (lambda: D.HalfNormal(m([1.0, -1.0])), r"Expected parameter scale \(Tensor of shape \(2,\)\) of distribution HalfNormal"),
    (lambda: D.HalfCauchy(0.0), "Expected parameter scale"),
    (lambda: D.StudentT(-1.0), "Expected parameter df"),
    (lambda: D.StudentT(1.0, 0.0, 0.0), "Expected parameter scale"),
    (lambda: D.Gumbel(0.0, 0.0), "Expected parameter scale .* of distribution Gumbel"),
    (lambda: D.Weibull(1.0, 0.0), "Expected parameter concentration"),
    (lambda: D.Weibull(-1.0, 1.0), "Expected parameter scale"),
    (lambda: D.Pareto(1.0, -2.0), r"Expected parameter rate .* of distribution Exponential\(rate: -2.0\)"),  # as PyTorch's
    (lambda: D.Pareto(1.0, 2.0).log_prob(minigan.tensor(0.5)), r"within the support \(GreaterThanEq\(lower_bound=1.0\)\)"),
    (lambda: D.HalfCauchy(1.0).log_prob(minigan.tensor(-0.5)), "within the support"),
    (lambda: D.Weibull(1.0, 2.0).log_prob(minigan.tensor(0.0)), "within the support"),
    (lambda: D.InverseGamma(-1.0, 1.0), r"Expected parameter concentration .* of distribution Gamma"),  # as PyTorch's
    (lambda: D.Kumaraswamy(1.0, 0.0), r"Expected parameter concentration0 .* of distribution Kumaraswamy"),
    (lambda: D.Kumaraswamy(1.0, 2.0).log_prob(minigan.tensor(1.5)), r"within the support \(Interval"),
    (lambda: D.FisherSnedecor(0.0, 1.0), r"Expected parameter concentration .* of distribution Gamma\(concentration: 0.0"),
    (lambda: D.FisherSnedecor(1.0, 2.0).log_prob(minigan.tensor(-1.0)), "within the support"),
    (lambda: D.GeneralizedPareto(0.0, -1.0, 0.5), r"Expected parameter scale .* of distribution GeneralizedPareto"),
    (lambda: D.GeneralizedPareto(0.0, 1.0, -0.5).log_prob(minigan.tensor(3.0)),
     r"within the support \(Interval\(lower_bound=0.0, upper_bound=2.0\)\)"),
])
def test_bad_parameters_and_values_raise_pytorchs_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_unvalidated_half_law_scores_minus_infinity_below_zero():
    d = D.HalfNormal(m([1.0]), validate_args=False)
    assert d.log_prob(m([-0.5])).numpy()[0] == -inf


def test_shapes_expand_and_supports():
    for d in (D.Cauchy(m([0.0, 1.0]), 1.0), D.HalfNormal(m([1.0, 2.0])), D.HalfCauchy(m([1.0, 2.0])),
              D.StudentT(m([3.0, 4.0])), D.Gumbel(m([0.0, 1.0]), 1.0), D.Weibull(m([1.0, 2.0]), 2.0),
              D.Pareto(m([1.0, 2.0]), 3.0), D.InverseGamma(m([3.0, 4.0]), 2.0), D.Kumaraswamy(m([2.0, 3.0]), 2.0),
              D.FisherSnedecor(m([3.0, 5.0]), 6.0), D.GeneralizedPareto(m([0.0, 1.0]), 2.0, m([0.3, -0.2]))):
        assert d.batch_shape == (2,) and d.event_shape == () and d.has_rsample
        wide = d.expand((4, 2))
        assert wide.batch_shape == (4, 2) and tuple(wide.sample((3,)).shape) == (3, 4, 2)
        point = 0.5 if isinstance(d, D.Kumaraswamy) else 2.5
        close(wide.log_prob(m([[point, point]] * 4))[0], d.log_prob(m([point, point])).numpy())
        if not isinstance(d, D.FisherSnedecor):
            close(wide.entropy()[3], d.entropy().numpy())
    assert D.Cauchy(0.0, 1.0).batch_shape == () and repr(D.HalfNormal(1.0)) == "HalfNormal()"
    cauchy, half = D.Cauchy(m([0.0, 1.0], grad=True), 1.0), D.HalfCauchy(m([1.0, 2.0], grad=True))
    for undefined in (cauchy.mean, cauchy.variance, half.mean, half.variance):  # constants, as PyTorch's
        assert undefined.shape == (2,) and not undefined.requires_grad
    assert repr(D.Pareto(1.0, 2.0).support) == "GreaterThanEq(lower_bound=1.0)"
    assert repr(D.HalfNormal(1.0).support) == "GreaterThanEq(lower_bound=0.0)"
    assert repr(D.Weibull(1.0, 2.0).support) == "GreaterThan(lower_bound=0.0)"


# ---------------------------------------------------------------------------- VonMises
# log p, the circular variance 1 - I1/I0 and I1/I0 from mpmath (30 digits) at (loc, kappa, x):
# (0.3, 2.0, 0.5), (-2.0, 0.5, -1.0), (3.0, 10.0, 3.1). PyTorch 2.14.1's differ by up to 3e-9 (its Bessel
# functions are polynomial fits).
VM_LOG_PROB = [-0.7017374522098185, -1.629275632660757, 0.16919250325221655]
VM_VARIANCE = [0.302225342035992, 0.757500387419198, 0.05140017404515404]
VM_RATIO = [0.697774657964008, 0.24249961258080194, 0.9485998259548459]


def test_von_mises_values_and_gradients():
    loc, kappa, x = m([0.3, -2.0, 3.0], grad=True), m([2.0, 0.5, 10.0], grad=True), m([0.5, -1.0, 3.1])
    d = D.VonMises(loc, kappa)
    log_prob = d.log_prob(x)
    close(log_prob, VM_LOG_PROB, rtol=1e-14)
    close(d.variance, VM_VARIANCE, rtol=1e-14)
    close(d.mean, [0.3, -2.0, 3.0])
    close(d.mode, [0.3, -2.0, 3.0])
    g_loc, g_kappa = minigan.autograd.grad(log_prob.sum(), [loc, kappa])
    gap = np.array([0.2, 1.0, 0.1])
    close(g_loc, np.array([2.0, 0.5, 10.0]) * np.sin(gap))  # d/dmu = kappa sin(x - mu)
    close(g_kappa, np.cos(gap) - VM_RATIO, rtol=1e-12)  # d/dkappa = cos(x - mu) - I1/I0
    for method in (d.entropy, lambda: d.cdf(x), lambda: d.icdf(x), d.rsample):
        with pytest.raises(NotImplementedError):
            method()
    assert not d.has_rsample and d.expand((2, 3)).batch_shape == (2, 3)


@pytest.mark.parametrize("kappa", [0.3, 2.0, 40.0, 1e-7])
def test_von_mises_draws_have_the_mean_resultant_length(kappa):
    """E[cos(x - mu)] = I1/I0 (about kappa / 2 for tiny kappa), E[sin(x - mu)] = 0, all in [-pi, pi]."""
    d = D.VonMises(m([2.5]), m([kappa]))
    minigan.manual_seed(12)
    x = d.sample((200_000,)).numpy()
    assert x.min() >= -math.pi and x.max() <= math.pi
    expected = {0.3: 0.14833742694087526, 2.0: VM_RATIO[0], 40.0: 0.9874198413363506, 1e-7: 5e-8}[kappa]  # mpmath
    np.testing.assert_allclose([np.cos(x - 2.5).mean(), np.sin(x - 2.5).mean()], [expected, 0.0], atol=0.005)
    minigan.manual_seed(12)
    np.testing.assert_array_equal(d.sample((200_000,)).numpy(), x)
    assert D.VonMises(0.0, 1.0).sample((3,)).dtype == minigan.float32


def test_von_mises_refuses_a_bad_concentration():
    with pytest.raises(ValueError, match=r"Expected parameter concentration .* of distribution VonMises"):
        D.VonMises(0.0, -1.0)
