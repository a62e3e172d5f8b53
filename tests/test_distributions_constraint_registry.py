"""minigan.distributions.biject_to and transform_to as torch.distributions': the transform each constraint
gets, its values and log |det J| against PyTorch's (written out below, from PyTorch 2.14.1 in float64),
that it lands inside the constraint and inverts, registering new rules, and the refusals."""
import numpy as np
import pytest

import minigan
from minigan import distributions as D
from minigan.distributions import constraints as C, transforms as T

pytestmark = pytest.mark.filterwarnings("error")

X = [[-1.5, 0.2, 2.0], [0.7, -0.3, 0.1]]

PYTORCH = {  # constraint name: (biject_to(c)(x), its log |det J| at x)
    "real": ([-1.5, 0.2, 2.0, 0.7, -0.3, 0.1], [0.0] * 6),
    "positive": ([0.22313016014843, 1.22140275816017, 7.38905609893065, 2.013752707470477, 0.740818220681718,
                  1.105170918075648], [-1.5, 0.2, 2.0, 0.7, -0.3, 0.1]),
    "greater_than": ([2.22313016014843, 3.22140275816017, 9.38905609893065, 4.013752707470477, 2.740818220681718,
                      3.105170918075648], [-1.5, 0.2, 2.0, 0.7, -0.3, 0.1]),
    "less_than": ([2.77686983985157, 1.77859724183983, -4.38905609893065, 0.986247292529523, 2.259181779318282,
                   1.894829081924352], [-1.5, 0.2, 2.0, 0.7, -0.3, 0.1]),
    "unit_interval": ([0.182425523806356, 0.549833997312478, 0.880797077977882, 0.668187772168166, 0.425557483188341,
                       0.52497918747894], [-1.902826555965505, -1.396277738763184, -2.253856022085945,
                                           -1.506372097770916, -1.408710488937054, -1.388793320147142]),
    "interval": ([-0.452723428580931, 0.649501991937434, 1.642391233933647, 1.004563316504498, 0.276672449565023,
                  0.57493756243682], [-0.804214267297395, -0.297665450095074, -1.155243733417836, -0.407759809102806,
                                      -0.310098200268945, -0.290181031479032]),
    "independent": ([0.22313016014843, 1.22140275816017, 7.38905609893065, 2.013752707470477, 0.740818220681718,
                     1.105170918075648], [0.7, 0.5]),
    "simplex": ([0.069227784501931, 0.35290456877782, 0.508984134689151, 0.068883512031099, 0.401645798060601,
                 0.161729695122912, 0.229218778821913, 0.207405727994575], [-7.062587453776134, -5.780170294992486]),
}
CONSTRAINTS = {"real": C.real, "positive": C.positive, "greater_than": C.greater_than(2.0), "less_than": C.less_than(3.0),
               "unit_interval": C.unit_interval, "interval": C.interval(-1.0, 2.0),
               "independent": C.independent(C.positive, 1), "simplex": C.simplex}


def x():
    return minigan.tensor(X, dtype=minigan.float64)


@pytest.mark.parametrize("name", list(PYTORCH))
def test_biject_to_is_pytorchs_and_inverts(name):
    transform = D.biject_to(CONSTRAINTS[name])
    y = transform(x())
    values, log_det = PYTORCH[name]
    np.testing.assert_allclose(y.numpy().reshape(-1), values, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(transform.log_abs_det_jacobian(x(), y).numpy().reshape(-1), log_det, rtol=1e-12, atol=1e-15)
    assert bool(np.all(CONSTRAINTS[name].check(y).numpy()))
    if name != "simplex":  # stick-breaking maps R^n to n + 1 weights: its inverse drops one
        np.testing.assert_allclose(transform.inv(y).numpy(), X, rtol=1e-12, atol=1e-13)


def test_transform_to_simplex_is_softmax_and_the_rest_as_biject_to():
    y = D.transform_to(C.simplex)(x())
    np.testing.assert_allclose(y.numpy().reshape(-1), [0.025259286991163, 0.138268008142164, 0.836472704866673,
                                                        0.521732485668318, 0.191934655268649, 0.286332859063033], rtol=1e-13)
    assert isinstance(D.transform_to(C.simplex), T.SoftmaxTransform)
    assert isinstance(D.biject_to(C.simplex), T.StickBreakingTransform)
    assert isinstance(D.transform_to(C.unit_interval), T.SigmoidTransform)
    assert repr(D.biject_to(C.real_vector)).startswith("IndependentTransform(ComposeTransform(")
    assert D.biject_to(C.nonnegative).parts[0] == T.ExpTransform()


def test_an_unconstrained_parameter_optimised_through_the_transform():
    """The use the registry is for: gradient steps on x move y = transform_to(positive)(x) towards a target."""
    raw = minigan.tensor([0.0], dtype=minigan.float64, requires_grad=True)
    for _ in range(200):
        loss = (D.transform_to(C.positive)(raw) - 3.0).square().sum()
        (g,) = minigan.autograd.grad(loss, [raw])
        raw = (raw - 0.05 * g).detach().requires_grad_()
    np.testing.assert_allclose(np.exp(raw.detach().numpy()), [3.0], rtol=1e-6)


def test_register_and_refusals():
    registry = D.constraint_registry.ConstraintRegistry()
    with pytest.raises(NotImplementedError, match="Cannot transform _Real constraints"):
        registry(C.real)

    @registry.register(C.positive)
    def _exp_rule(constraint):
        return T.ExpTransform()
    assert isinstance(registry(C.greater_than(5.0)), T.ExpTransform)  # one rule per constraint class
    with pytest.raises(TypeError, match="Expected constraint to be either a Constraint subclass or instance"):
        registry.register(3, lambda c: T.ExpTransform())
    for constraint, name in ((C.boolean, "_Boolean"), (C.lower_cholesky, "_LowerCholesky"),
                             (C.positive_definite, "_PositiveDefinite")):
        with pytest.raises(NotImplementedError, match=f"Cannot transform {name} constraints"):
            D.biject_to(constraint)
