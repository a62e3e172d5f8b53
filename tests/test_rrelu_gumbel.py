"""F.rrelu and nn.RReLU, F.gumbel_softmax (minigan/ops/random_activations.py), and the in-place function
forms F.relu_ ... F.rrelu_ (minigan/nn/inplace_functional.py): closed forms, the draws written out
from the same Generator, the distributions they sample, PyTorch's reprs and in-place rules."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.nn import functional as F

XS = [-4.0, -1.5, -0.0, 0.0, 0.25, 3.0]


def test_rrelu_in_eval_is_a_leaky_relu_at_the_mean_slope():
    x = minigan.tensor(XS, dtype=minigan.float64, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3)
    y.sum().backward()
    slope = (0.1 + 0.3) / 2
    np.testing.assert_allclose(y.detach().numpy(), [v if v > 0 else v * slope for v in XS], rtol=1e-15)
    np.testing.assert_allclose(x.grad.numpy(), [1.0 if v > 0 else slope for v in XS], rtol=1e-15)


def test_rrelu_in_training_draws_one_slope_per_element_from_the_generator():
    x = minigan.tensor(XS, dtype=minigan.float64, requires_grad=True)
    y = F.rrelu(x, training=True, rng=np.random.default_rng(3))
    y.sum().backward()
    slopes = np.random.default_rng(3).uniform(1 / 8, 1 / 3, size=len(XS))
    expected_slopes = np.where(np.array(XS) > 0, 1.0, slopes)  # x <= 0 takes its draw, as PyTorch
    np.testing.assert_array_equal(x.grad.numpy(), expected_slopes)
    np.testing.assert_array_equal(y.detach().numpy(), np.array(XS) * expected_slopes)
    minigan.manual_seed(5)
    first = F.rrelu(minigan.full((4000,), -1.0), training=True).numpy()
    minigan.manual_seed(5)
    assert np.array_equal(first, F.rrelu(minigan.full((4000,), -1.0), training=True).numpy())
    assert -1 / 3 <= first.min() and first.max() <= -1 / 8 and len(np.unique(first)) > 3900
    # uniform on [1/8, 1/3]: mean 11/48, standard deviation (1/3 - 1/8) / sqrt(12), so 5 standard errors is 0.005
    assert abs(-first.mean() - 11 / 48) < 0.005


def test_rrelu_layer_follows_train_and_eval_and_has_pytorchs_repr():
    layer = nn.RReLU(0.1, 0.3, rng=np.random.default_rng(0))
    x = minigan.full((2, 500), -2.0)
    trained = layer(x).numpy()
    assert len(np.unique(trained)) > 900
    layer.eval()
    np.testing.assert_array_equal(layer(x).numpy(), np.full((2, 500), -0.4, dtype=np.float32))
    # PyTorch 2.14.1's reprs
    assert repr(nn.RReLU()) == "RReLU(lower=0.125, upper=0.3333333333333333)"
    assert repr(nn.RReLU(0.1, 0.3, True)) == "RReLU(lower=0.1, upper=0.3, inplace=True)"
    with pytest.raises(ValueError, match="Lower bound should be less than or equal to the upper bound"):
        F.rrelu(x, 0.5, 0.2)


def test_gumbel_softmax_is_the_softmax_of_the_logits_plus_gumbel_noise():
    logits = np.array([[0.5, -1.0, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    x = minigan.tensor(logits, requires_grad=True)
    y = F.gumbel_softmax(x, tau=0.5, rng=np.random.default_rng(11))
    noisy = (logits - np.log(np.random.default_rng(11).standard_exponential(size=logits.shape))) / 0.5
    expected = np.exp(noisy - noisy.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-14)
    weights = np.array([[1.0, 2.0, 3.0, 4.0], [0.5, 0.0, 0.0, 0.0]])
    (grad,) = minigan.grad((y * minigan.tensor(weights)).sum(), x)
    # softmax's Jacobian times the weights, divided by tau
    np.testing.assert_allclose(grad.numpy(), expected * (weights - (expected * weights).sum(1, keepdims=True)) / 0.5,
                               rtol=1e-13, atol=1e-15)


def test_hard_gumbel_softmax_is_one_hot_with_the_soft_gradient():
    logits = np.array([[0.5, -1.0, 2.0], [0.0, 3.0, 1.0]])
    x = minigan.tensor(logits, requires_grad=True)
    hard = F.gumbel_softmax(x, hard=True, dim=1, rng=np.random.default_rng(2))
    soft = F.gumbel_softmax(x, dim=1, rng=np.random.default_rng(2))
    values = hard.detach().numpy()
    assert set(np.unique(values)) == {0.0, 1.0} and (values.sum(1) == 1).all()
    assert (values.argmax(1) == soft.detach().numpy().argmax(1)).all()
    weights = minigan.tensor([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]])
    np.testing.assert_allclose(minigan.grad((hard * weights).sum(), x)[0].numpy(),
                               minigan.grad((soft * weights).sum(), x)[0].numpy(), rtol=1e-15)


def test_gumbel_max_samples_the_softmax_distribution():
    # the largest of logits + Gumbel noise falls on class k with probability softmax(logits)_k
    logits = np.log(np.array([0.1, 0.2, 0.3, 0.4]))
    y = F.gumbel_softmax(minigan.tensor(np.tile(logits, (20000, 1))), hard=True, rng=np.random.default_rng(4))
    frequencies = y.numpy().mean(0)
    # 5 binomial standard errors at n = 20000: below 0.018
    np.testing.assert_allclose(frequencies, [0.1, 0.2, 0.3, 0.4], atol=5 * np.sqrt(0.25 / 20000))
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated and has no effect."):
        F.gumbel_softmax(minigan.zeros(2, 3), eps=1e-5)


@pytest.mark.parametrize("name, args", [
    ("relu", ()), ("leaky_relu", (0.2,)), ("elu", (0.5,)), ("selu", ()), ("celu", (2.0,)), ("hardtanh", (-0.5, 2.0)),
    ("threshold", (0.1, 20.0)), ("rrelu", (0.1, 0.3)),
])
def test_in_place_forms_write_the_out_of_place_values_into_the_input(name, args):
    base = minigan.tensor([[-4.0, -1.5, 0.0], [0.25, 1.0, 3.0]])
    x = base.clone()
    view = x[1]
    expected = getattr(F, name)(x, *args).numpy()
    out = getattr(F, f"{name}_")(x, *args)
    assert out is x and x._version == 1
    np.testing.assert_array_equal(x.numpy(), expected)
    np.testing.assert_array_equal(view.numpy(), expected[1])  # the same memory


def test_in_place_forms_follow_the_in_place_rules():
    leaf = minigan.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        F.relu_(leaf)
    with minigan.no_grad():
        assert F.elu_(leaf) is leaf
    np.testing.assert_allclose(leaf.detach().numpy(), [np.expm1(-1.0), 2.0], rtol=1e-7)
    with pytest.raises(RuntimeError, match="hardtanh_: in-place operations on a tensor with recorded history are not "
                                           "supported by minigan; use the out-of-place form \\(F.hardtanh\\)"):
        F.hardtanh_(leaf * 2)
    ints = minigan.tensor([-3, 4])
    assert F.relu_(ints).tolist() == [0, 4] and ints.dtype == minigan.int64
    with pytest.raises(NotImplementedError, match="^\"elu_cpu\" not implemented for 'Long'$"):
        F.elu_(minigan.tensor([-3, 4]))  # PyTorch 2.14.1's elu kernel takes floats only
    with pytest.raises(TypeError, match="argument 'input' must be a Tensor"):
        F.selu_([1.0])
