"""Tests for minigan.nn: layers, Module machinery, losses and init, each against NumPy written out
or against central finite differences in float64."""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.nn import functional as F
from minigan.nn import init
from minigan.autograd import Tensor


# ----------------------------------------------------------------------------- helpers
def finite_difference_grad(f, array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f() / d array by central differences, perturbing ``array`` in place one entry at a time."""
    grad = np.zeros_like(array, dtype=np.float64)
    flat, flat_grad = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        upper = f()
        flat[i] = original - eps
        lower = f()
        flat[i] = original
        flat_grad[i] = (upper - lower) / (2 * eps)
    return grad


def check_gradients(forward, tensors: list[Tensor], seed: int = 0, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Backprop of sum(u * forward()) against finite differences, for every tensor in ``tensors``.

    A random upstream u (not all ones) catches transposed or mis-scaled Jacobians.
    """
    out = forward()
    upstream = np.random.default_rng(seed).standard_normal(out.shape)
    for t in tensors:
        t.grad = None
    (out * Tensor(upstream, dtype=out.dtype)).sum().backward()

    def scalar() -> float:
        with minigan.no_grad():
            return float(np.sum(forward().array * upstream))

    for t in tensors:
        numeric = finite_difference_grad(scalar, t.array)
        assert t.grad is not None, f"no gradient reached the tensor of shape {t.shape}"
        np.testing.assert_allclose(t.grad.array, numeric, atol=atol, rtol=rtol)


def float64_tensor(rng: np.random.Generator, *shape: int, requires_grad: bool = True) -> Tensor:
    return Tensor(rng.standard_normal(shape), requires_grad=requires_grad)


class TwoLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(np.ones(3, dtype=np.float32))
        self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        self.register_buffer("counter", np.zeros(2))
        self.head = nn.Linear(2, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.body(x * self.scale))


# ----------------------------------------------------------------------------- Linear
def test_linear_forward_equals_numpy_written_out():
    rng = np.random.default_rng(0)
    layer = nn.Linear(5, 3, rng=rng)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    expected = x @ layer.weight.array.T + layer.bias.array
    np.testing.assert_allclose(layer(minigan.tensor(x)).array, expected, rtol=1e-6, atol=1e-6)
    # Leading batch axes are kept, as in PyTorch.
    x3 = rng.standard_normal((2, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(layer(minigan.tensor(x3)).array, x3 @ layer.weight.array.T + layer.bias.array, rtol=1e-6, atol=1e-6)
    no_bias = nn.Linear(5, 3, bias=False, rng=rng)
    assert no_bias.bias is None
    assert [name for name, _ in no_bias.named_parameters()] == ["weight"]
    np.testing.assert_allclose(no_bias(minigan.tensor(x)).array, x @ no_bias.weight.array.T, rtol=1e-6, atol=1e-6)


def test_linear_shapes_dtype_and_default_init_bounds():
    layer = nn.Linear(784, 128, rng=np.random.default_rng(1))
    assert layer.weight.shape == (128, 784) and layer.bias.shape == (128,)
    assert layer.weight.dtype == np.float32 and isinstance(layer.weight, nn.Parameter)
    assert layer.weight.requires_grad and layer.bias.requires_grad
    bound = 1 / math.sqrt(784)
    for values in (layer.weight.array, layer.bias.array):
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.95 * bound  # it really is U(-bound, bound), not something narrower
    # U(-b, b) has variance b^2 / 3.
    assert layer.weight.array.var() == pytest.approx(bound**2 / 3, rel=0.02)
    assert nn.Linear(3, 2, dtype=np.float64).weight.dtype == np.float64


def test_linear_init_uses_rng_or_the_default_generator():
    a = nn.Linear(6, 4, rng=np.random.default_rng(7))
    b = nn.Linear(6, 4, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.weight.array, b.weight.array)
    minigan.manual_seed(3)
    c = nn.Linear(6, 4)
    minigan.manual_seed(3)
    d = nn.Linear(6, 4)
    np.testing.assert_array_equal(c.weight.array, d.weight.array)
    np.testing.assert_array_equal(c.bias.array, d.bias.array)
    assert not np.array_equal(a.weight.array, c.weight.array)


def test_linear_rejects_a_wrong_input_size_naming_layer_and_sizes():
    layer = nn.Linear(784, 128)
    with pytest.raises(ValueError, match=r"Linear\(in_features=784, out_features=128.*784.*\(32, 100\)"):
        layer(minigan.tensor(np.zeros((32, 100), dtype=np.float32)))
    with pytest.raises(TypeError, match="Tensor"):
        layer(np.zeros((2, 784), dtype=np.float32))


def test_functional_linear_takes_a_1d_weight_as_pytorch():
    # x @ w for a weight vector w: (4, 3) @ (3,) -> (4,); with a bias too, except for a 2-D input,
    # which PyTorch sends to its matrix-only addmm
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 4, 3)), rng.standard_normal(3)
    np.testing.assert_allclose(F.linear(Tensor(x), Tensor(w)).numpy(), x @ w, rtol=1e-12)
    np.testing.assert_allclose(F.linear(Tensor(x), Tensor(w), Tensor(np.array(0.5))).numpy(), x @ w + 0.5, rtol=1e-12)
    np.testing.assert_allclose(F.linear(Tensor(x[0]), Tensor(w)).numpy(), x[0] @ w, rtol=1e-12)
    with pytest.raises(RuntimeError, match="^mat2 must be a matrix, got 1-D tensor$"):
        F.linear(Tensor(x[0]), Tensor(w), Tensor(np.array(0.5)))


def test_linear_gradients_match_finite_differences():
    rng = np.random.default_rng(2)
    layer = nn.Linear(4, 3, rng=rng, dtype=np.float64)
    x = float64_tensor(rng, 5, 4)
    check_gradients(lambda: layer(x), [x, layer.weight, layer.bias])


@pytest.mark.parametrize("activation", [nn.ReLU(), nn.LeakyReLU(0.2), nn.Sigmoid(), nn.Tanh()])
def test_activation_layers_match_numpy_and_finite_differences(activation):
    rng = np.random.default_rng(3)
    # Keep values away from the ReLU kinks at 0, where finite differences are meaningless.
    values = rng.uniform(0.1, 2.0, (4, 5)) * rng.choice([-1.0, 1.0], (4, 5))
    x = Tensor(values, requires_grad=True)
    expected = {
        nn.ReLU: np.maximum(values, 0),
        nn.LeakyReLU: np.where(values > 0, values, 0.2 * values),
        nn.Sigmoid: 1 / (1 + np.exp(-values)),
        nn.Tanh: np.tanh(values),
    }[type(activation)]
    np.testing.assert_allclose(activation(x).array, expected, rtol=1e-12)
    check_gradients(lambda: activation(x), [x])


# ----------------------------------------------------------------------------- Module machinery
def test_module_registers_parameters_buffers_and_children_in_order():
    model = TwoLayer()
    assert [name for name, _ in model.named_parameters()] == [
        "scale", "body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias", "head.weight", "head.bias",
    ]
    assert [p.shape for p in model.parameters()] == [(3,), (4, 3), (4,), (2, 4), (2,), (1, 2), (1,)]
    assert list(model.children()) == [model.body, model.head]
    assert [type(m).__name__ for m in model.modules()] == ["TwoLayer", "Sequential", "Linear", "ReLU", "Linear", "Linear"]
    assert [name for name, _ in model.named_buffers()] == ["counter"]
    assert model.counter is model._buffers["counter"]
    assert model.num_parameters() == 3 + 12 + 4 + 8 + 2 + 2 + 1
    # A parameter set to None stays a (missing) parameter; a non-Parameter may not replace it.
    model.head.bias = None
    assert [name for name, _ in model.head.named_parameters()] == ["weight"]
    with pytest.raises(TypeError, match="parameter 'weight'"):
        model.head.weight = np.zeros((1, 2))
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        model.missing  # noqa: B018


def test_shared_parameters_are_listed_once():
    shared = nn.Linear(3, 3)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert model.num_parameters() == 12


def test_subclass_must_call_super_init():
    class Broken(nn.Module):
        def __init__(self) -> None:
            self.weight = nn.Parameter(np.zeros(2, dtype=np.float32))

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Broken()


def test_train_and_eval_propagate_to_every_submodule():
    model = TwoLayer()
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    model.body.train(False)
    assert model.training and not model.body.training and not model.body[0].training


def test_zero_grad_sets_gradients_to_none():
    model = TwoLayer()
    model(minigan.tensor(np.ones((2, 3), dtype=np.float32))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_requires_grad_freezes_parameters():
    model = nn.Linear(2, 2)
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    assert model.num_parameters(trainable_only=True) == 0 and model.num_parameters() == 6


def test_sequential_indexing_iteration_and_repr():
    model = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Linear(8, 1), nn.Sigmoid())
    assert len(model) == 5 and isinstance(model[-1], nn.Sigmoid) and isinstance(model[0], nn.Linear)
    assert [type(m).__name__ for m in model] == ["Linear", "LeakyReLU", "Dropout", "Linear", "Sigmoid"]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and head[0] is model[0]
    with pytest.raises(IndexError):
        model[5]
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=8, bias=True)\n"
        "  (1): LeakyReLU(negative_slope=0.2)\n"
        "  (2): Dropout(p=0.3, inplace=False)\n"  # as PyTorch prints it
        "  (3): Linear(in_features=8, out_features=1, bias=True)\n"
        "  (4): Sigmoid()\n"
        ")"
    )


def test_deepcopy_gives_an_independent_module():
    model = TwoLayer()
    clone = copy.deepcopy(model)
    assert clone.body[0].weight is not model.body[0].weight
    clone.body[0].weight.array[...] = 0
    assert np.abs(model.body[0].weight.array).sum() > 0
    assert [n for n, _ in clone.named_parameters()] == [n for n, _ in model.named_parameters()]


# ----------------------------------------------------------------------------- state_dict
def test_state_dict_shares_the_weights_memory_with_dotted_names():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    state = model.state_dict()
    assert list(state) == [
        "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
    ]
    assert all(isinstance(v, minigan.Tensor) for v in state.values())
    state["0.weight"].array[...] = 123.0  # shared, as in PyTorch: the model sees it
    state["1.running_var"].array[...] = 5.0
    assert np.all(model[0].weight.array == 123.0) and np.all(model[1].running_var.numpy() == 5.0)


def test_state_dict_round_trip_restores_outputs_in_place():
    source, target = TwoLayer(), TwoLayer()
    x = minigan.tensor(np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32))
    weight_before = target.body[0].weight
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.body[0].weight is weight_before  # loaded in place: optimizers keep working
    np.testing.assert_array_equal(target(x).array, source(x).array)
    np.testing.assert_array_equal(target.counter, source.counter)


def test_load_state_dict_names_every_missing_unexpected_and_misshaped_key():
    model = TwoLayer()
    before = model.state_dict()
    state = model.state_dict()
    del state["head.bias"], state["body.0.weight"]
    state["extra.weight"] = np.zeros(3)
    state["body.2.weight"] = np.zeros((5, 4))
    with pytest.raises(RuntimeError) as caught:
        model.load_state_dict(state)
    message = str(caught.value)
    for expected in ("Missing key(s)", "'head.bias'", "'body.0.weight'", "Unexpected key(s)", "'extra.weight'",
                     "body.2.weight", "(5, 4)", "(2, 4)"):
        assert expected in message
    # The first line alone (what a one-line CLI error shows) already names a problem and counts the rest.
    first = message.splitlines()[0]
    assert first.startswith("Error(s) in loading state_dict for TwoLayer: Missing key(s): ")
    assert first.endswith("(and 2 more)")
    # Nothing was written by the failed load (it checks everything first).
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_load_state_dict_non_strict_skips_keys_but_still_checks_shapes():
    model = nn.Linear(3, 2)
    partial = {"weight": np.ones((2, 3)), "stray": np.zeros(1)}
    result = model.load_state_dict(partial, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["stray"]
    np.testing.assert_array_equal(model.weight.array, np.ones((2, 3), dtype=np.float32))
    with pytest.raises(RuntimeError, match=r"weight.*\(3, 3\).*\(2, 3\)"):
        model.load_state_dict({"weight": np.ones((3, 3))}, strict=False)


# ----------------------------------------------------------------------------- BatchNorm1d
def test_batchnorm_training_output_and_running_stats_match_numpy():
    rng = np.random.default_rng(4)
    bn = nn.BatchNorm1d(3, momentum=0.1)
    bn.weight.array[...] = [1.0, 2.0, -0.5]
    bn.bias.array[...] = [0.0, 0.3, 1.0]
    running_mean, running_var = np.zeros(3), np.ones(3)
    for _ in range(3):
        x = (rng.standard_normal((8, 3)) * [1.0, 3.0, 0.2] + [0.5, -2.0, 4.0]).astype(np.float32)
        out = bn(minigan.tensor(x)).array
        mean, biased_var = x.mean(0), x.var(0)
        expected = (x - mean) / np.sqrt(biased_var + 1e-5) * bn.weight.array + bn.bias.array
        np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
        running_mean = 0.9 * running_mean + 0.1 * mean
        running_var = 0.9 * running_var + 0.1 * x.var(0, ddof=1)  # unbiased, as PyTorch
    np.testing.assert_allclose(bn.running_mean, running_mean, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var, running_var, rtol=1e-5)
    assert int(bn.num_batches_tracked) == 3

    bn.eval()
    x = rng.standard_normal((4, 3)).astype(np.float32)
    expected = (x - running_mean) / np.sqrt(running_var + 1e-5) * bn.weight.array + bn.bias.array
    np.testing.assert_allclose(bn(minigan.tensor(x)).array, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.running_mean, running_mean, rtol=1e-5)  # eval does not update
    assert int(bn.num_batches_tracked) == 3


def test_batchnorm_momentum_none_is_a_cumulative_average_and_3d_input_works():
    rng = np.random.default_rng(5)
    bn = nn.BatchNorm1d(2, momentum=None, affine=False)
    batches = [rng.standard_normal((6, 2, 3)) for _ in range(4)]
    for batch in batches:
        bn(minigan.tensor(batch.astype(np.float32)))
    means = [b.transpose(1, 0, 2).reshape(2, -1).mean(1) for b in batches]
    variances = [b.transpose(1, 0, 2).reshape(2, -1).var(1, ddof=1) for b in batches]
    np.testing.assert_allclose(bn.running_mean, np.mean(means, axis=0), rtol=1e-5)
    # The cumulative average starts from the initial running_var of 1 with weight 0 after step 1.
    np.testing.assert_allclose(bn.running_var, np.mean(variances, axis=0), rtol=1e-5)


def test_batchnorm_errors_and_no_running_stats():
    bn = nn.BatchNorm1d(4)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(minigan.tensor(np.ones((1, 4), dtype=np.float32)))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(4.*\(N, 4\).*\(8, 3\)"):
        bn(minigan.tensor(np.ones((8, 3), dtype=np.float32)))
    bn.eval()
    assert bn(minigan.tensor(np.ones((1, 4), dtype=np.float32))).shape == (1, 4)  # eval: a batch of 1 is fine
    stateless = nn.BatchNorm1d(2, track_running_stats=False).eval()
    x = np.array([[1.0, 2.0], [3.0, 6.0]], dtype=np.float32)
    # No running statistics: batch statistics even in eval mode.
    np.testing.assert_allclose(stateless(minigan.tensor(x)).array, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-5)
    assert list(stateless.state_dict()) == ["weight", "bias"]


def test_batchnorm_gradients_match_finite_differences():
    rng = np.random.default_rng(6)
    bn = nn.BatchNorm1d(3, dtype=np.float64)
    bn.weight.array[...] = rng.standard_normal(3)
    bn.bias.array[...] = rng.standard_normal(3)
    x = float64_tensor(rng, 5, 3)
    check_gradients(lambda: bn(x), [x, bn.weight, bn.bias])
    bn.eval()
    check_gradients(lambda: bn(x), [x, bn.weight, bn.bias])


# ----------------------------------------------------------------------------- Dropout, Flatten
def test_dropout_statistics_and_eval_identity():
    minigan.manual_seed(11)
    layer = nn.Dropout(p=0.3)
    x = minigan.tensor(np.ones((200, 500), dtype=np.float32))
    out = layer(x).array
    zero_fraction = float(np.mean(out == 0))
    assert abs(zero_fraction - 0.3) < 0.005  # 100,000 Bernoulli draws: std 0.0015
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7], rtol=1e-6)
    assert abs(out.mean() - 1.0) < 0.01  # the scaling keeps the expectation
    layer.eval()
    assert layer(x) is x
    minigan.manual_seed(11)
    again = nn.Dropout(p=0.3)(x).array
    np.testing.assert_array_equal(again, out)  # the mask comes from the default generator
    with pytest.raises(ValueError, match="probability"):
        nn.Dropout(1.5)


def test_dropout_gradient_is_the_scaled_mask():
    minigan.manual_seed(12)
    x = Tensor(np.ones((4, 6)), requires_grad=True)
    out = nn.Dropout(0.5)(x)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.array, out.array)  # for x = 1 the output is the scaled mask


def test_flatten():
    x = minigan.tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    np.testing.assert_array_equal(nn.Flatten()(x).array, np.arange(24).reshape(2, 12))
    assert nn.Flatten(0, 1)(x).shape == (6, 4)


# ----------------------------------------------------------------------------- losses against NumPy
def numpy_bce(p: np.ndarray, t: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log(1 - p), -100))


def test_bce_matches_numpy_for_each_reduction_and_weight():
    rng = np.random.default_rng(7)
    p = rng.uniform(0.01, 0.99, (6, 1))
    t = rng.integers(0, 2, (6, 1)).astype(np.float64)
    expected = numpy_bce(p, t)
    probs = Tensor(p)
    np.testing.assert_allclose(F.bce(probs, t, reduction="none").array, expected, rtol=1e-12)
    np.testing.assert_allclose(F.binary_cross_entropy(probs, t).item(), expected.mean(), rtol=1e-12)
    np.testing.assert_allclose(nn.BCELoss(reduction="sum")(probs, t).item(), expected.sum(), rtol=1e-12)
    w = rng.uniform(0, 2, (6, 1))
    np.testing.assert_allclose(F.bce(probs, t, weight=w).item(), (w * expected).mean(), rtol=1e-12)
    # A number as the target means "every target is that number" (the usual GAN labels).
    np.testing.assert_allclose(F.bce(probs, 1.0).item(), -np.log(p).mean(), rtol=1e-12)


def test_bce_is_finite_at_probabilities_exactly_zero_and_one():
    for dtype in (np.float32, np.float64):
        p = Tensor(np.array([0.0, 1.0, 0.0, 1.0, 0.5]), requires_grad=True, dtype=dtype)
        t = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
        with np.errstate(all="raise"):
            loss = F.bce(p, t, reduction="none")
            loss.sum().backward()
        np.testing.assert_allclose(loss.array, [0.0, 0.0, 100.0, 100.0, math.log(2)], rtol=1e-6)
        # PyTorch's gradient (p - t) / max(p (1 - p), 1e-12): 0 where right, +-1e12 where wrong.
        np.testing.assert_allclose(p.grad.array, [0.0, 0.0, -1e12, 1e12, -2.0], rtol=1e-6)
        assert np.all(np.isfinite(p.grad.array))


def test_bce_raises_like_pytorch_on_a_nan_probability_or_target():
    """PyTorch's check (input >= 0 and input <= 1) fails on NaN: a diverged discriminator is
    reported at the loss, not passed on as a NaN or a clamped 100."""
    for dtype in (np.float32, np.float64):
        p = Tensor(np.array([np.nan, 0.25, 0.0]), requires_grad=True, dtype=dtype)
        with pytest.raises(ValueError, match=r"all elements of input should be between 0 and 1, found NaN"):
            F.bce(p, np.array([1.0, 0.0, 1.0]))
        with pytest.raises(RuntimeError, match=r"all elements of target should be between 0 and 1, found NaN"):
            nn.BCELoss()(Tensor(np.full(3, 0.5), dtype=dtype), np.array([1.0, np.nan, 0.0]))


def test_bce_with_logits_matches_numpy_and_is_stable_at_large_logits():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((5, 3)) * 3
    t = rng.uniform(0, 1, (5, 3))
    sig = 1 / (1 + np.exp(-x))
    expected = -(t * np.log(sig) + (1 - t) * np.log(1 - sig))
    np.testing.assert_allclose(F.bce_with_logits(Tensor(x), t, reduction="none").array, expected, rtol=1e-10)
    np.testing.assert_allclose(nn.BCEWithLogitsLoss()(Tensor(x), t).item(), expected.mean(), rtol=1e-10)

    huge = Tensor(np.array([1e4, -1e4, 1e4, -1e4]), requires_grad=True)
    targets = np.array([1.0, 0.0, 0.0, 1.0])
    loss = F.bce_with_logits(huge, targets, reduction="none")
    loss.sum().backward()
    # Right with certainty costs 0; wrong costs |x|. The gradient is sigmoid(x) - t.
    np.testing.assert_allclose(loss.array, [0.0, 0.0, 1e4, 1e4], atol=1e-12)
    np.testing.assert_allclose(huge.grad.array, [0.0, 0.0, 1.0, -1.0], atol=1e-12)


def test_mse_matches_numpy_and_differentiates_both_sides():
    rng = np.random.default_rng(9)
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    np.testing.assert_allclose(F.mse_loss(Tensor(a), b).item(), np.mean((a - b) ** 2), rtol=1e-12)
    np.testing.assert_allclose(nn.MSELoss(reduction="sum")(Tensor(a), Tensor(b)).item(), np.sum((a - b) ** 2), rtol=1e-12)
    np.testing.assert_allclose(F.mse_loss(Tensor(a), b, reduction="none").array, (a - b) ** 2, rtol=1e-12)
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    F.mse_loss(ta, tb).backward()
    np.testing.assert_allclose(ta.grad.array, 2 * (a - b) / a.size, rtol=1e-12)
    np.testing.assert_allclose(tb.grad.array, -2 * (a - b) / a.size, rtol=1e-12)


def test_cross_entropy_matches_numpy():
    rng = np.random.default_rng(10)
    logits = rng.standard_normal((6, 4)) * 5
    labels = np.array([0, 3, 1, 1, 2, 3])
    shifted = logits - logits.max(1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    per_sample = -log_probs[np.arange(6), labels]
    np.testing.assert_allclose(F.cross_entropy(Tensor(logits), labels).item(), per_sample.mean(), rtol=1e-12)
    np.testing.assert_allclose(nn.CrossEntropyLoss(reduction="none")(Tensor(logits), labels).array, per_sample, rtol=1e-12)
    np.testing.assert_allclose(F.cross_entropy(Tensor(logits), list(labels), reduction="sum").item(), per_sample.sum(), rtol=1e-12)
    x = Tensor(logits, requires_grad=True)
    F.cross_entropy(x, labels).backward()
    softmax = np.exp(log_probs)
    np.testing.assert_allclose(x.grad.array, (softmax - np.eye(4)[labels]) / 6, rtol=1e-10, atol=1e-14)


def test_loss_input_errors_are_clear():
    p = minigan.tensor(np.full((4, 1), 0.5, dtype=np.float32))
    with pytest.raises(ValueError, match=r"target shape \(4,\) differs from input shape \(4, 1\)"):
        F.bce(p, np.ones(4))
    with pytest.raises(ValueError, match=r"target shape \(4,\) differs"):
        F.bce_with_logits(p, minigan.tensor(np.ones(4, dtype=np.float32)))
    with pytest.raises(ValueError, match=r"all elements of input should be between 0 and 1"):
        F.bce(minigan.tensor([1.5, 0.5]), [1.0, 0.0])
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(p, p, reduction="average")
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
    logits = minigan.tensor(np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 4\).*\[4, -1\]"):
        F.cross_entropy(logits, np.array([0, 4, -1]))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        F.cross_entropy(logits, np.array([[0], [1], [2]]))
    with pytest.raises(TypeError, match="integers"):
        F.cross_entropy(logits, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"for 1D input, 1D target must have size 1, but got target size: 2"):
        F.cross_entropy(minigan.tensor(np.zeros(4, dtype=np.float32)), np.array([0, 1]))  # (C,) is one sample
    with pytest.raises(ValueError, match=r"\(C,\), \(N, C\) or \(N, C, d1, ...\)"):
        F.cross_entropy(minigan.tensor(np.float32(0.0)), np.array(0))


def test_float32_losses_stay_float32_with_float64_targets():
    p = minigan.tensor(np.full((3,), 0.25, dtype=np.float32))
    assert F.bce(p, np.ones(3)).dtype == np.float32
    assert F.mse_loss(p, np.ones(3)).dtype == np.float32
    assert F.bce_with_logits(p, np.ones(3)).dtype == np.float32


# ----------------------------------------------------------------------------- losses against finite differences
def test_loss_gradients_match_finite_differences():
    rng = np.random.default_rng(11)
    probs = Tensor(rng.uniform(0.05, 0.95, (4, 2)), requires_grad=True)
    soft_targets = Tensor(rng.uniform(0, 1, (4, 2)), requires_grad=True)
    check_gradients(lambda: F.bce(probs, soft_targets, reduction="none"), [probs, soft_targets])
    check_gradients(lambda: F.bce(probs, soft_targets), [probs, soft_targets])
    logits = float64_tensor(rng, 4, 2)
    check_gradients(lambda: F.bce_with_logits(logits, soft_targets, reduction="sum"), [logits, soft_targets])
    a, b = float64_tensor(rng, 3, 2), float64_tensor(rng, 3, 2)
    check_gradients(lambda: F.mse_loss(a, b), [a, b])
    class_logits = float64_tensor(rng, 5, 3)
    labels = np.array([2, 0, 1, 1, 2])
    check_gradients(lambda: F.cross_entropy(class_logits, labels, reduction="none"), [class_logits])


def test_bce_second_derivative_follows_the_pytorch_gradient_formula():
    # The backward is written in Tensor ops, so it can be differentiated again (create_graph).
    p_values, t_values = np.array([0.2, 0.7, 0.9]), np.array([1.0, 0.0, 0.3])
    p = Tensor(p_values, requires_grad=True)
    (grad_p,) = minigan.grad(F.bce(p, t_values, reduction="sum"), p, create_graph=True)
    np.testing.assert_allclose(grad_p.array, (p_values - t_values) / (p_values * (1 - p_values)), rtol=1e-12)
    grad_p.sum().backward()

    def first_derivative_sum() -> float:
        return float(np.sum((p_values - t_values) / (p_values * (1 - p_values))))

    numeric = finite_difference_grad(first_derivative_sum, p_values)
    np.testing.assert_allclose(p.grad.array, numeric, rtol=1e-6)


def test_model_gradients_match_finite_differences_end_to_end():
    rng = np.random.default_rng(12)
    model = nn.Sequential(
        nn.Linear(3, 5, rng=rng, dtype=np.float64), nn.BatchNorm1d(5, dtype=np.float64), nn.LeakyReLU(0.1),
        nn.Linear(5, 1, rng=rng, dtype=np.float64),
    )
    x = float64_tensor(rng, 6, 3)
    targets = rng.uniform(0, 1, (6, 1))
    check_gradients(lambda: F.bce_with_logits(model(x), targets), [x, *model.parameters()])


def test_gradient_penalty_through_layers_is_differentiable():
    # WGAN-GP needs d/dW of |dD/dx|^2: the layers must support create_graph end to end.
    rng = np.random.default_rng(13)
    critic = nn.Sequential(
        nn.Linear(3, 4, rng=rng, dtype=np.float64), nn.Tanh(), nn.Linear(4, 4, rng=rng, dtype=np.float64),
        nn.LeakyReLU(0.2), nn.Linear(4, 1, rng=rng, dtype=np.float64),
    )
    x = float64_tensor(rng, 5, 3)

    def penalty(create_graph: bool) -> Tensor:
        (grad_x,) = minigan.grad(critic(x).sum(), x, create_graph=create_graph)
        return (((grad_x**2).sum(axis=1) - 1.0) ** 2).mean()

    critic.zero_grad()
    penalty(create_graph=True).backward()
    for param in critic.parameters():
        numeric = finite_difference_grad(lambda: penalty(create_graph=False).item(), param.array)
        # The last bias does not affect dD/dx at all: no gradient reaches it, and rightly so.
        analytic = np.zeros_like(numeric) if param.grad is None else param.grad.array
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
    assert critic[4].bias.grad is None and critic[0].weight.grad is not None


# ----------------------------------------------------------------------------- init
def test_calculate_gain_values():
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="unsupported"):
        init.calculate_gain("swish")


def test_xavier_and_kaiming_bounds_and_spreads():
    rng = np.random.default_rng(13)
    w = Tensor(np.empty((300, 200), dtype=np.float32))
    assert init.xavier_uniform_(w, gain=2.0, rng=rng) is w
    bound = 2.0 * math.sqrt(6 / 500)
    assert np.abs(w.array).max() <= bound and np.abs(w.array).max() > 0.99 * bound
    init.xavier_normal_(w, rng=rng)
    assert w.array.std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)
    init.kaiming_uniform_(w, a=0.0, nonlinearity="relu", rng=rng)
    bound = math.sqrt(2) * math.sqrt(3 / 200)
    assert np.abs(w.array).max() <= bound and np.abs(w.array).max() > 0.99 * bound
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", rng=rng)
    assert w.array.std() == pytest.approx(math.sqrt(2 / 300), rel=0.02)
    init.kaiming_normal_(w, a=0.2, rng=rng)  # default nonlinearity leaky_relu with slope a
    assert w.array.std() == pytest.approx(math.sqrt(2 / 1.04) / math.sqrt(200), rel=0.02)
    with pytest.raises(ValueError, match="fan_in"):
        init.kaiming_uniform_(w, mode="fan_middle")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(Tensor(np.zeros(5)))


def test_simple_fills_and_rng_reproducibility():
    t = Tensor(np.empty((4, 3)))
    init.constant_(t, 0.25)
    np.testing.assert_array_equal(t.array, np.full((4, 3), 0.25))
    init.zeros_(t)
    assert not t.array.any()
    init.ones_(t)
    np.testing.assert_array_equal(t.array, np.ones((4, 3)))
    init.normal_(t, mean=3.0, std=0.5, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(t.array, np.random.default_rng(1).normal(3.0, 0.5, (4, 3)))
    init.uniform_(t, -2.0, -1.0, rng=np.random.default_rng(2))
    np.testing.assert_array_equal(t.array, np.random.default_rng(2).uniform(-2.0, -1.0, (4, 3)))
    array = t.array
    init.normal_(t)
    assert t.array is array  # in place: the same array object
