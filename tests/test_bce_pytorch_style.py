"""BCELoss as PyTorch scripts use it (issue 23): PyTorch's range checks and pos_weight, a
Sigmoid's output computed from its logits, and PyTorch-style networks (separate activation
modules, Sigmoid ending D, Tanh ending G) running the same fused ops as minigan's own nets."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan as mg
from minigan import nn
from minigan.autograd import topological_order
from minigan.nn import functional as F
from test_nn import finite_difference_grad


def _ops(tensor):
    return [node.grad_fn.name().removesuffix("Backward") for node in topological_order([tensor]) if not node.is_leaf]


def _assert_fused_equals_plain(results):
    """``results[fused]`` = (G's output, D's loss, G's loss, gradients): fused and plain agree in float64."""
    (fake_f, d_f, g_f, grads_f), (fake_p, d_p, g_p, grads_p) = results[True], results[False]
    np.testing.assert_allclose(fake_f, fake_p, rtol=1e-12, atol=1e-12)
    assert d_f == pytest.approx(d_p, rel=1e-12) and g_f == pytest.approx(g_p, rel=1e-12)
    for a, b in zip(grads_f, grads_p):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


# ----------------------------------------------------------------------------- PyTorch's checks
def test_a_target_or_probability_outside_zero_one_raises_pytorchs_error():
    p = mg.tensor(np.full((4, 1), 0.5, dtype=np.float32))
    for target in (2.0, np.full((4, 1), 2.0), mg.tensor(np.array([[0.0], [1.0], [-0.5], [1.0]], dtype=np.float32))):
        with pytest.raises(ValueError, match=r"^binary_cross_entropy: all elements of target should be between 0 and 1"):
            nn.BCELoss()(p, target)
    with pytest.raises(RuntimeError, match=r"all elements of input should be between 0 and 1, found values from "
                                           r"-0\.25 to 1\.5 \(pass logits"):
        F.binary_cross_entropy(mg.tensor([1.5, 0.5, -0.25]), [1.0, 0.0, 1.0])
    # The limits themselves are in range, as in PyTorch: p = 0 or 1 with a right target costs 0.
    assert F.bce(mg.tensor([0.0, 1.0]), [0.0, 1.0]).item() == 0.0


def test_a_sigmoids_output_is_checked_too():
    z = mg.tensor(np.array([[0.5], [np.nan]]), requires_grad=True)
    with pytest.raises(ValueError, match="all elements of input should be between 0 and 1, found NaN"):
        nn.BCELoss()(mg.sigmoid(z), 1.0)
    with pytest.raises(ValueError, match="all elements of target should be between 0 and 1, found values from 2.0"):
        nn.BCELoss()(mg.sigmoid(mg.tensor(np.zeros((2, 1)), requires_grad=True)), 2.0)


def test_log_of_one_minus_p_is_log1p_as_in_pytorch():
    # -log(1 - 1e-10) = 1e-10 + 5e-21 + ...; log(1 - p) in float64 would be off by 8e-18 (1e-7 relative).
    loss = F.bce(mg.tensor(np.array([1e-10])), [0.0], reduction="sum").item()
    assert loss == pytest.approx(1e-10 + 0.5e-20, rel=1e-15)


# ----------------------------------------------------------------------------- pos_weight
def test_pos_weight_against_values_written_out_by_hand():
    x = mg.tensor(np.array([[1.0, -2.0], [0.5, 3.0]]))
    t = np.array([[1.0, 0.0], [0.25, 1.0]])
    w = [3.0, 2.0]  # one per class (the last axis), broadcast over the batch
    # l = -(w t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), log sigmoid(x) = -softplus(-x):
    expected = np.array([
        [3 * math.log1p(math.exp(-1.0)), math.log1p(math.exp(-2.0))],
        [3 * 0.25 * math.log1p(math.exp(-0.5)) + 0.75 * (0.5 + math.log1p(math.exp(-0.5))),
         2 * math.log1p(math.exp(-3.0))],
    ])
    assert expected[0, 0] == pytest.approx(0.9397850625546684, rel=1e-15)
    got = F.binary_cross_entropy_with_logits(x, t, pos_weight=w, reduction="none")
    np.testing.assert_allclose(got.array, expected, rtol=1e-14)
    np.testing.assert_allclose(nn.BCEWithLogitsLoss(pos_weight=mg.tensor(w))(x, t).item(), expected.mean(), rtol=1e-14)
    weight = np.array([[0.5], [2.0]])  # per sample; multiplies after pos_weight
    np.testing.assert_allclose(nn.BCEWithLogitsLoss(weight=weight, reduction="sum", pos_weight=w)(x, t).item(),
                               (weight * expected).sum(), rtol=1e-14)
    # pos_weight 1 is the plain loss.
    np.testing.assert_allclose(F.bce_with_logits(x, t, pos_weight=[1.0, 1.0], reduction="none").array,
                               F.bce_with_logits(x, t, reduction="none").array, rtol=1e-14)
    with pytest.raises(ValueError, match=r"pos_weight of shape \(3,\) does not broadcast to the input shape \(2, 2\)"):
        F.bce_with_logits(x, t, pos_weight=[1.0, 2.0, 3.0])


def test_pos_weight_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((3, 2)) * 3, requires_grad=True)
    t = mg.tensor(rng.uniform(0.05, 0.95, (3, 2)), requires_grad=True)
    w = mg.tensor(rng.uniform(0.5, 4.0, (2,)), requires_grad=True)

    def loss():
        return F.bce_with_logits(x, t, pos_weight=w, reduction="sum")

    loss().backward()
    for tensor in (x, t, w):
        numeric = finite_difference_grad(lambda: loss().item(), tensor.array)
        np.testing.assert_allclose(tensor.grad.array, numeric, rtol=1e-6, atol=1e-9)


# ----------------------------------------------------------------------------- Sigmoid -> BCELoss from the logits
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_from_the_logits_equals_the_plain_formula_on_moderate_values(reduction, dtype):
    rng = np.random.default_rng(1)
    # float32: z ~ N(0, 1), where log(1 - p) loses little; float64: z ~ N(0, 9).
    z_values = (rng.standard_normal((64, 1)) * (1 if dtype == np.float32 else 3)).astype(dtype)
    targets = rng.uniform(0, 1, (64, 1)).astype(dtype)
    weight = rng.uniform(0, 2, (64, 1))
    tolerance = 1e-6 if dtype == np.float32 else 1e-12
    results = []
    for fused in (True, False):
        z = mg.tensor(z_values, requires_grad=True)
        with mg.fusion(fused):
            loss = nn.BCELoss(weight=weight, reduction=reduction)(mg.sigmoid(z), targets)
        assert ("BinaryCrossEntropy" in _ops(loss)) is not fused
        loss.sum().backward()
        results.append((loss.array, z.grad.array))
    (loss_logits, grad_logits), (loss_plain, grad_plain) = results
    np.testing.assert_allclose(loss_logits, loss_plain, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(grad_logits, grad_plain, rtol=10 * tolerance, atol=tolerance)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_from_the_logits_is_exact_where_the_sigmoid_saturates(dtype):
    z_values = np.array([40.0, -40.0, 40.0, -40.0, 1e4], dtype=dtype)
    targets = np.array([0.0, 1.0, 1.0, 0.0, 0.0])
    z = mg.tensor(z_values, requires_grad=True)
    loss = F.bce(mg.sigmoid(z), targets, reduction="none")
    loss.sum().backward()
    # softplus(z) - z t: wrong by 40 costs 40 (plus e^-40), right costs e^-40.
    exact = _softplus(z_values.astype(np.float64)) - z_values * targets
    np.testing.assert_allclose(loss.array, exact, rtol=1e-7)
    assert loss.array[0] == pytest.approx(40.0, rel=1e-15, abs=1e-15)
    # d/dz = sigmoid(z) - t: a full +-1 where the prediction is wrong (PyTorch's is 0 there).
    np.testing.assert_allclose(z.grad.array, [1.0, -1.0, 0.0, 0.0, 1.0], atol=1e-15)
    # PyTorch's formula on the probabilities, inside fusion(False): sigmoid(40) rounds to 1, so
    # log(1 - p) is clamped at -100 and the gradient vanishes (sigmoid(-40) = 4e-18 is still exact).
    z_plain = mg.tensor(z_values, requires_grad=True)
    with mg.fusion(False):
        plain = F.bce(mg.sigmoid(z_plain), targets, reduction="none")
    plain.sum().backward()
    np.testing.assert_allclose(plain.array[[0, 1, 4]], [100.0, 40.0, 100.0], rtol=1e-6)
    assert z_plain.grad.array[0] == 0.0


def test_gradients_through_a_fused_linear_sigmoid_match_finite_differences():
    mg.manual_seed(0)
    discriminator = nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(0.2), nn.Linear(4, 1), nn.Sigmoid()).to(mg.float64)
    rng = np.random.default_rng(2)
    x = mg.tensor(rng.standard_normal((5, 3)) * 4)
    targets = rng.uniform(0, 1, (5, 1))

    def loss():
        return nn.BCELoss()(discriminator(x), targets)

    out = loss()
    assert "BinaryCrossEntropy" not in _ops(out) and "BCEWithLogitsMean" in _ops(out)
    out.backward()
    for parameter in discriminator.parameters():
        numeric = finite_difference_grad(lambda: loss().item(), parameter.array)
        np.testing.assert_allclose(parameter.grad.array, numeric, rtol=1e-6, atol=1e-9)


def _discriminators(last: list, dtype=mg.float32):
    """The same weights twice: minigan's style ending in logits, PyTorch's ending in ``last``."""
    mg.manual_seed(3)
    logits = nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.2, inplace=True), nn.Linear(8, 1)).to(dtype)
    probabilities = nn.Sequential(*logits, *last)
    return logits, probabilities


def test_pytorch_style_discriminator_and_bce_loss_equal_the_logits_path_bit_for_bit():
    logits_net, sigmoid_net = _discriminators([nn.Sigmoid()])
    x = mg.tensor(np.random.default_rng(4).standard_normal((16, 6)).astype(np.float32))
    found = []
    for net, loss_fn in ((logits_net, F.bce_with_logits), (sigmoid_net, nn.BCELoss())):
        net.zero_grad()
        loss = loss_fn(net(x), 1.0) + loss_fn(net(x), 0.0)
        loss.backward()
        found.append((loss.item(), [p.grad.array.copy() for p in net.parameters()], sorted(_ops(loss))))
    assert found[0][0] == found[1][0]
    for a, b in zip(found[0][1], found[1][1]):
        np.testing.assert_array_equal(a, b)
    assert found[0][2] == found[1][2]  # the loss's graph holds the same ops


def test_recognised_through_view_and_squeeze_and_after_a_convolution():
    # pytorch/examples' DCGAN: Conv2d(..., 1, 4, 1, 0, bias=False), Sigmoid, then output.view(-1, 1).squeeze(1).
    mg.manual_seed(5)
    conv = nn.Sequential(nn.Conv2d(2, 1, 3, bias=False), nn.Sigmoid()).to(mg.float64)
    x = mg.tensor(np.random.default_rng(6).standard_normal((4, 2, 3, 3)) * 30)
    probs = conv(x).view(-1, 1).squeeze(1)
    assert probs.shape == (4,)
    loss = nn.BCELoss(reduction="none")(probs, np.zeros(4))
    with mg.no_grad():
        z = conv[0](x).array.reshape(4)
    np.testing.assert_allclose(loss.array, _softplus(z), rtol=1e-12)
    assert "BinaryCrossEntropy" not in _ops(loss)


def test_without_a_recorded_graph_it_is_pytorchs_formula():
    z = mg.tensor(np.array([40.0]))  # requires no gradient: nothing records the sigmoid
    assert F.bce(mg.sigmoid(z), [0.0]).item() == pytest.approx(100.0)
    with mg.no_grad():
        w = mg.tensor(np.array([40.0]), requires_grad=True)
        assert F.bce(mg.sigmoid(w), [0.0]).item() == pytest.approx(100.0)


# ----------------------------------------------------------------------------- activation modules fold
def _pytorch_style_gan(dtype):
    """G and D written as the PyTorch GAN collections write them: blocks of Linear,
    BatchNorm1d(n, 0.8) and LeakyReLU(0.2, inplace=True) as separate modules, Tanh ending G,
    Sigmoid ending D."""
    mg.manual_seed(7)

    def block(n_in, n_out, normalize=True):
        layers = [nn.Linear(n_in, n_out)]
        if normalize:
            layers.append(nn.BatchNorm1d(n_out, 0.8))
        layers.append(nn.LeakyReLU(0.2, inplace=True))
        return layers

    generator = nn.Sequential(*block(5, 8, normalize=False), *block(8, 16), nn.Linear(16, 12), nn.Tanh())
    discriminator = nn.Sequential(nn.Linear(12, 8), nn.LeakyReLU(0.2, inplace=True), nn.Linear(8, 1), nn.Sigmoid())
    return generator.to(dtype), discriminator.to(dtype)


def _gan_losses(generator, discriminator, z, real):
    loss = nn.BCELoss()
    fake = generator(z)
    d_loss = loss(discriminator(real), 1.0) + loss(discriminator(fake.detach()), 0.0)
    g_loss = loss(discriminator(fake), 1.0)
    return fake, d_loss, g_loss


def test_pytorch_style_gan_takes_only_fused_layers_and_matches_the_unfused_path():
    generator, discriminator = _pytorch_style_gan(mg.float64)
    rng = np.random.default_rng(8)
    z, real = mg.tensor(rng.standard_normal((6, 5))), mg.tensor(rng.uniform(-1, 1, (6, 12)))
    params = list(generator.parameters()) + list(discriminator.parameters())
    results = {}
    for fused in (True, False):
        for model in (generator, discriminator):  # the same running statistics for both passes
            for buffer in ("running_mean", "running_var"):
                for layer in model.modules():
                    if isinstance(layer, nn.BatchNorm1d):
                        getattr(layer, buffer)[...] = 0.0 if buffer == "running_mean" else 1.0
        with mg.fusion(fused):
            fake, d_loss, g_loss = _gan_losses(generator, discriminator, z, real)
        ops = set(_ops(d_loss)) | set(_ops(g_loss))
        if fused:
            # Every layer with its activation is one fused op; no activation or BCE op of its own.
            assert {"LinearAct", "BatchNormAct", "BCEWithLogitsMean"} <= ops
            assert not ops & {"LeakyReLU", "Tanh", "Sigmoid", "BinaryCrossEntropy", "MatMul"}, ops
        else:
            assert {"LeakyReLU", "Tanh", "Sigmoid", "BinaryCrossEntropy"} <= ops
        grads = mg.grad(d_loss + g_loss, params)
        results[fused] = (fake.array, d_loss.item(), g_loss.item(), [g.array for g in grads])
    _assert_fused_equals_plain(results)


class _TutorialGenerator(nn.Module):
    """examples/tutorial_gan.py's way: each layer and activation module called in forward."""

    def __init__(self):
        super().__init__()
        self.fc1, self.bn, self.fc2 = nn.Linear(5, 8), nn.BatchNorm1d(8), nn.Linear(8, 12)
        self.relu, self.tanh = nn.ReLU(), nn.Tanh()

    def forward(self, z):
        return self.tanh(self.fc2(self.relu(self.bn(self.fc1(z)))))


class _TutorialDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.fc = nn.Linear(2 * 12, 1)
        self.leaky_relu, self.sigmoid = nn.LeakyReLU(0.2, inplace=True), nn.Sigmoid()

    def forward(self, x):
        h = self.leaky_relu(self.conv(x.view(-1, 1, 3, 4)))
        return self.sigmoid(self.fc(h.view(h.size(0), -1)))


def test_activation_modules_called_in_forward_fold_into_the_layer_before():
    mg.manual_seed(9)
    generator, discriminator = _TutorialGenerator().to(mg.float64), _TutorialDiscriminator().to(mg.float64)
    rng = np.random.default_rng(10)
    z, real = mg.tensor(rng.standard_normal((6, 5))), mg.tensor(rng.uniform(-1, 1, (6, 12)))
    params = list(generator.parameters()) + list(discriminator.parameters())
    results = {}
    for fused in (True, False):
        with mg.fusion(fused):
            fake, d_loss, g_loss = _gan_losses(generator, discriminator, z, real)
        ops = set(_ops(d_loss)) | set(_ops(g_loss))
        if fused:
            assert {"LinearAct", "ChannelBiasAct", "BatchNormAct", "BCEWithLogitsMean"} <= ops
            assert not ops & {"ReLU", "LeakyReLU", "Tanh", "Sigmoid", "BinaryCrossEntropy", "MatMul"}, ops
        grads = mg.grad(d_loss + g_loss, params)
        results[fused] = (fake.array, d_loss.item(), g_loss.item(), [g.array for g in grads])
    _assert_fused_equals_plain(results)


def test_a_layer_output_used_twice_still_gets_both_gradients():
    mg.manual_seed(11)
    fc, relu = nn.Linear(3, 4).to(mg.float64), nn.ReLU()
    x = mg.tensor(np.random.default_rng(12).standard_normal((5, 3)), requires_grad=True)

    def loss():
        h = fc(x)
        return (relu(h) * 2.0 + h * h).sum()  # h feeds the folded ReLU and a square

    out = loss()
    assert "ReLU" not in _ops(out)
    out.backward()
    for tensor in (x, fc.weight, fc.bias):
        numeric = finite_difference_grad(lambda: loss().item(), tensor.array)
        np.testing.assert_allclose(tensor.grad.array, numeric, rtol=1e-6, atol=1e-8)
