"""``inplace=True`` on the activation and dropout layers and their functional forms, as PyTorch's
(behaviour checked with PyTorch 2.14.1): the values are written into the input, which comes back
itself with its version bumped; a backward that saved the input then raises PyTorch's error; a leaf
that requires grad raises PyTorch's error (under no_grad() it is written). Where PyTorch records the
change on a tensor with history, minigan records the out-of-place op (PyTorch's values and
gradients; the input keeps its values), as for ``x += y``."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
import minigan.nn as nn
import minigan.nn.functional as F

LEAF = r"^a leaf Variable that requires grad is being used in an in-place operation\.$"
MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace operation"
VALUES = np.array([[-3.5, -1.0, -0.25, 0.0], [0.3, 1.0, 2.5, 7.0]])

# (layer with inplace=True, the same layer without): every layer that takes PyTorch's inplace flag
LAYERS = [
    (lambda: nn.ReLU(inplace=True), nn.ReLU), (lambda: nn.LeakyReLU(0.2, True), lambda: nn.LeakyReLU(0.2)),
    (lambda: nn.ELU(0.5, True), lambda: nn.ELU(0.5)), (lambda: nn.SELU(True), nn.SELU),
    (lambda: nn.CELU(2.0, True), lambda: nn.CELU(2.0)), (lambda: nn.Hardtanh(-2, 2, True), lambda: nn.Hardtanh(-2, 2)),
    (lambda: nn.ReLU6(True), nn.ReLU6), (lambda: nn.Hardsigmoid(True), nn.Hardsigmoid),
    (lambda: nn.Hardswish(True), nn.Hardswish), (lambda: nn.SiLU(True), nn.SiLU), (lambda: nn.Mish(True), nn.Mish),
    (lambda: nn.Threshold(0.5, -9.0, True), lambda: nn.Threshold(0.5, -9.0)),
    (lambda: nn.RReLU(inplace=True).eval(), lambda: nn.RReLU().eval()),
]
IDS = ["ReLU", "LeakyReLU", "ELU", "SELU", "CELU", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish", "SiLU", "Mish",
       "Threshold", "RReLU"]


@pytest.mark.parametrize("inplace, plain", LAYERS, ids=IDS)
def test_a_layer_writes_into_its_input_and_returns_it(inplace, plain):
    x = minigan.tensor(VALUES.copy())
    want = plain()(minigan.tensor(VALUES.copy())).numpy()
    out = inplace()(x)
    assert out is x and x._version == 1
    np.testing.assert_array_equal(x.numpy(), want)


@pytest.mark.parametrize("inplace, plain", LAYERS, ids=IDS)
def test_a_leaf_that_requires_grad_raises_pytorchs_error_but_no_grad_writes(inplace, plain):
    x = minigan.tensor(VALUES.copy(), requires_grad=True)
    with pytest.raises(RuntimeError, match=LEAF):
        inplace()(x)
    np.testing.assert_array_equal(x.detach().numpy(), VALUES)
    with minigan.no_grad():
        assert inplace()(x) is x
    np.testing.assert_array_equal(x.detach().numpy(), plain()(minigan.tensor(VALUES.copy())).numpy())


@pytest.mark.parametrize("inplace, plain", LAYERS, ids=IDS)
def test_on_a_tensor_with_history_values_and_gradients_are_the_out_of_place_ones(inplace, plain):
    w = minigan.tensor(VALUES.copy(), requires_grad=True)
    h = w * 1.5
    out = inplace()(h)
    (out * minigan.tensor(VALUES + 1.0)).sum().backward()
    grad, w.grad = w.grad.numpy().copy(), None
    (plain()(w * 1.5) * minigan.tensor(VALUES + 1.0)).sum().backward()
    np.testing.assert_array_equal(out.detach().numpy(), plain()(minigan.tensor(VALUES * 1.5)).numpy())
    np.testing.assert_array_equal(grad, w.grad.numpy())


def test_a_backward_that_saved_the_input_raises_pytorchs_error():
    x = minigan.tensor(VALUES.copy())
    w = minigan.tensor(np.full((2, 4), 0.5), requires_grad=True)
    y = (x * w).sum()  # the product's backward reads x
    nn.ReLU(inplace=True)(x)
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.backward()


def test_hand_computed_values():
    x = minigan.tensor([-2.0, -0.5, 0.0, 1.5])
    nn.LeakyReLU(0.2, inplace=True)(x)
    np.testing.assert_allclose(x.numpy(), [-0.4, -0.1, 0.0, 1.5], rtol=1e-6)
    nn.ReLU(inplace=True)(x)
    np.testing.assert_array_equal(x.numpy(), [0.0, 0.0, 0.0, 1.5])
    nn.Hardtanh(-1.0, 1.0, inplace=True)(x)
    np.testing.assert_array_equal(x.numpy(), [0.0, 0.0, 0.0, 1.0])


# the functional forms: F.f(x, ..., inplace=True) is nn.F(..., inplace=True)(x)
FUNCTIONS = [
    lambda x: F.relu(x, inplace=True), lambda x: F.leaky_relu(x, 0.2, True), lambda x: F.elu(x, 0.5, True),
    lambda x: F.selu(x, True), lambda x: F.celu(x, 2.0, inplace=True), lambda x: F.hardtanh(x, -2, 2, True),
    lambda x: F.relu6(x, inplace=True), lambda x: F.hardsigmoid(x, True), lambda x: F.hardswish(x, inplace=True),
    lambda x: F.silu(x, inplace=True), lambda x: F.mish(x, True), lambda x: F.threshold(x, 0.5, -9.0, True),
    lambda x: F.rrelu(x, inplace=True),
]


@pytest.mark.parametrize("function, layers", list(zip(FUNCTIONS, LAYERS)), ids=IDS)
def test_the_functional_forms_write_into_their_input(function, layers):
    x = minigan.tensor(VALUES.copy())
    assert function(x) is x and x._version == 1
    np.testing.assert_array_equal(x.numpy(), layers[1]()(minigan.tensor(VALUES.copy())).numpy())


# ---------------------------------------------------------------------- the dropout family
DROPOUTS = [
    ("Dropout", nn.Dropout, (4, 6)), ("Dropout1d", nn.Dropout1d, (2, 3, 5)), ("Dropout2d", nn.Dropout2d, (2, 3, 2, 2)),
    ("Dropout3d", nn.Dropout3d, (2, 3, 2, 1, 2)), ("AlphaDropout", nn.AlphaDropout, (4, 6)),
    ("FeatureAlphaDropout", nn.FeatureAlphaDropout, (2, 3, 2, 2)),
]


@pytest.mark.parametrize("name, layer, shape", DROPOUTS, ids=[d[0] for d in DROPOUTS])
def test_dropout_in_training_writes_the_same_mask_into_its_input(name, layer, shape):
    """As PyTorch's: the dropout layers write into their input; AlphaDropout and FeatureAlphaDropout
    keep the flag but compute out of place (PyTorch's modules do not pass it on)."""
    values = np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape)
    want = layer(0.4, rng=np.random.default_rng(2))(minigan.tensor(values)).numpy()
    x = minigan.tensor(values.copy())
    out = layer(0.4, inplace=True, rng=np.random.default_rng(2))(x)
    np.testing.assert_array_equal(out.numpy(), want)
    assert (want != values).any()
    if "Alpha" in name:
        assert out is not x and x._version == 0 and (x.numpy() == values).all()
    else:
        assert out is x and x._version == 1


def test_the_alpha_dropout_functions_write_into_their_input():
    values = np.arange(1.0, 25.0).reshape(2, 3, 2, 2)
    for f in (F.alpha_dropout, F.feature_alpha_dropout):
        want = f(minigan.tensor(values), 0.4, True, rng=np.random.default_rng(6)).numpy()
        x = minigan.tensor(values.copy())
        assert f(x, 0.4, True, True, rng=np.random.default_rng(6)) is x and x._version >= 1
        np.testing.assert_array_equal(x.numpy(), want)


@pytest.mark.parametrize("name, layer, shape", DROPOUTS, ids=[d[0] for d in DROPOUTS])
def test_dropout_in_evaluation_or_with_p_0_leaves_its_input_alone(name, layer, shape):
    x = minigan.tensor(np.ones(shape))
    assert layer(0.4, inplace=True).eval()(x) is x and layer(0.0, inplace=True)(x) is x
    assert x._version == 0 and (x.numpy() == 1.0).all()


def test_f_dropout_with_inplace_writes_into_its_input():
    values = np.arange(1.0, 25.0).reshape(4, 6)
    want = F.dropout(minigan.tensor(values), 0.5, rng=np.random.default_rng(4)).numpy()
    x = minigan.tensor(values.copy())
    assert F.dropout(x, 0.5, inplace=True, rng=np.random.default_rng(4)) is x
    np.testing.assert_array_equal(x.numpy(), want)
    x = minigan.tensor(values.reshape(4, 6, 1, 1))
    assert F.dropout2d(x, 0.5, inplace=True, rng=np.random.default_rng(4)) is x and x._version == 1
    want = F.dropout2d(minigan.tensor(values.reshape(4, 6, 1, 1)), 0.5, rng=np.random.default_rng(4)).numpy()
    np.testing.assert_array_equal(x.numpy(), want)


def test_a_model_with_inplace_layers_trains_as_the_one_without():
    """Between layers the input has history, so each inplace layer records its op out of place:
    the same outputs and the same gradients as the model written without inplace."""
    def model(inplace: bool) -> nn.Module:
        torch_like = nn.Sequential(nn.Linear(4, 6, rng=np.random.default_rng(1)), nn.ELU(inplace=inplace),
                                   nn.Linear(6, 5, rng=np.random.default_rng(2)), nn.LeakyReLU(0.2, inplace),
                                   nn.Dropout(0.3, inplace, rng=np.random.default_rng(3)), nn.Linear(5, 1))
        return torch_like
    x = minigan.tensor(VALUES.astype(np.float32))
    results = []
    for inplace in (False, True):
        minigan.manual_seed(0)
        net = model(inplace)
        out = net(x)
        out.sum().backward()
        results.append([out.numpy()] + [p.grad.numpy() for p in net.parameters()])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
