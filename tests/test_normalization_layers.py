"""LayerNorm, GroupNorm, InstanceNorm1d/2d/3d, LocalResponseNorm and their functional forms, against
NumPy written out here one slice at a time, PyTorch 2.14.1's values written out as literals, the
gradient checker's rows (first and second order), Hypothesis properties, PyTorch's state_dict names
and reprs, the running statistics of instance norm, and one clear line for each bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck.cases import find_case
from minigan.gradcheck.rows import case_rows
from minigan.torch_api.unsupported import FUNCTIONAL as UNSUPPORTED_FUNCTIONAL, NN as UNSUPPORTED_NN


# ------------------------------------------------------------------------------ references by hand
def standardize_by_hand(values: np.ndarray, eps: float) -> np.ndarray:
    """(v - mean) / sqrt(biased variance + eps) of one flat slice, with Python sums."""
    flat = [float(v) for v in values.ravel()]
    mean = sum(flat) / len(flat)
    var = sum((v - mean) ** 2 for v in flat) / len(flat)
    return ((values.astype(np.float64) - mean) / math.sqrt(var + eps)).reshape(values.shape)


def layer_norm_by_hand(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    lead = x.shape[:x.ndim - len(normalized_shape)]
    out = np.zeros(x.shape)
    for index in np.ndindex(*lead):
        out[index] = standardize_by_hand(x[index], eps)
    return out * (1.0 if weight is None else weight) + (0.0 if bias is None else bias)


def group_norm_by_hand(x, groups, weight=None, bias=None, eps=1e-5):
    n, c = x.shape[:2]
    size = c // groups
    out = np.zeros(x.shape)
    for sample in range(n):
        for g in range(groups):
            out[sample, g * size:(g + 1) * size] = standardize_by_hand(x[sample, g * size:(g + 1) * size], eps)
    return _per_channel(out, weight, bias)


def instance_norm_by_hand(x, weight=None, bias=None, eps=1e-5):
    out = np.zeros(x.shape)
    for sample in range(x.shape[0]):
        for channel in range(x.shape[1]):
            out[sample, channel] = standardize_by_hand(x[sample, channel], eps)
    return _per_channel(out, weight, bias)


def _per_channel(out, weight, bias):
    shape = (1, out.shape[1]) + (1,) * (out.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def local_response_norm_by_hand(x, size, alpha=1e-4, beta=0.75, k=1.0):
    out = np.zeros(x.shape)
    c = x.shape[1]
    for channel in range(c):
        window = [j for j in range(channel - size // 2, channel + (size - 1) // 2 + 1) if 0 <= j < c]
        total = sum(x[:, j].astype(np.float64) ** 2 for j in window)
        out[:, channel] = x[:, channel] / (k + alpha / size * total) ** beta
    return out


def draw(shape, seed=0, dtype=np.float64):
    return (np.random.default_rng(seed).standard_normal(shape) * 2 + 0.5).astype(dtype)


# ------------------------------------------------------------------------------ values
@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 2e-5)])
@pytest.mark.parametrize("shape, normalized_shape, eps", [
    ((3, 4, 5), (5,), 1e-5), ((2, 3, 4, 5), (4, 5), 1e-3), ((6,), [6], 1e-5), ((2, 3), (2, 3), 0.5)])
def test_layer_norm_matches_numpy(dtype, rtol, shape, normalized_shape, eps):
    x = draw(shape, dtype=dtype)
    weight, bias = draw(tuple(normalized_shape), 1, dtype), draw(tuple(normalized_shape), 2, dtype)
    expected = layer_norm_by_hand(x, tuple(normalized_shape), weight, bias, eps)
    got = F.layer_norm(minigan.tensor(x), normalized_shape, minigan.tensor(weight), minigan.tensor(bias), eps)
    assert got.dtype == dtype
    np.testing.assert_allclose(got.numpy(), expected, rtol=rtol, atol=rtol)
    layer = nn.LayerNorm(normalized_shape, eps=eps, dtype=dtype)
    layer.load_state_dict({"weight": weight, "bias": bias})
    np.testing.assert_allclose(layer(minigan.tensor(x)).detach().numpy(), expected, rtol=rtol, atol=rtol)
    plain = F.layer_norm(minigan.tensor(x), normalized_shape, eps=eps).numpy()
    np.testing.assert_allclose(plain, layer_norm_by_hand(x, tuple(normalized_shape), eps=eps), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 2e-5)])
@pytest.mark.parametrize("shape, groups", [((2, 6, 4, 3), 3), ((3, 4), 2), ((2, 4, 5), 1), ((1, 3, 2, 2, 2), 3)])
def test_group_norm_matches_numpy(dtype, rtol, shape, groups):
    x = draw(shape, dtype=dtype)
    weight, bias = draw(shape[1:2], 1, dtype), draw(shape[1:2], 2, dtype)
    got = F.group_norm(minigan.tensor(x), groups, minigan.tensor(weight), minigan.tensor(bias), eps=0.01)
    np.testing.assert_allclose(got.numpy(), group_norm_by_hand(x, groups, weight, bias, 0.01), rtol=rtol, atol=rtol)
    layer = nn.GroupNorm(groups, shape[1], dtype=dtype)
    np.testing.assert_allclose(layer(minigan.tensor(x)).detach().numpy(), group_norm_by_hand(x, groups), rtol=rtol,
                               atol=rtol)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 2e-5)])
@pytest.mark.parametrize("layer_class, shape", [
    (nn.InstanceNorm1d, (2, 3, 7)), (nn.InstanceNorm2d, (2, 3, 4, 5)), (nn.InstanceNorm3d, (2, 3, 2, 3, 2))])
def test_instance_norm_matches_numpy(dtype, rtol, layer_class, shape):
    x = draw(shape, dtype=dtype)
    weight, bias = draw((3,), 1, dtype), draw((3,), 2, dtype)
    got = F.instance_norm(minigan.tensor(x), weight=minigan.tensor(weight), bias=minigan.tensor(bias))
    np.testing.assert_allclose(got.numpy(), instance_norm_by_hand(x, weight, bias), rtol=rtol, atol=rtol)
    for layer in (layer_class(3, dtype=dtype), layer_class(3, dtype=dtype).eval()):  # no running stats: eval too
        np.testing.assert_allclose(layer(minigan.tensor(x)).numpy(), instance_norm_by_hand(x), rtol=rtol, atol=rtol)
    unbatched = layer_class(3, dtype=dtype)(minigan.tensor(x[1]))  # (C, *spatial) in, (C, *spatial) out
    np.testing.assert_allclose(unbatched.numpy(), instance_norm_by_hand(x[1:])[0], rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 2e-6)])
@pytest.mark.parametrize("shape, size, alpha, beta, k", [
    ((2, 5, 3, 2), 3, 0.1, 0.75, 2.0), ((2, 4, 6), 2, 1e-4, 0.75, 1.0), ((1, 3, 2, 2, 2), 5, 0.5, 1.3, 1.0),
    ((2, 1, 3), 4, 1.0, 0.5, 0.5), ((1, 6, 2), 1, 2.0, 2.0, 1.0)])
def test_local_response_norm_matches_numpy(dtype, rtol, shape, size, alpha, beta, k):
    x = draw(shape, dtype=dtype)
    expected = local_response_norm_by_hand(x, size, alpha, beta, k)
    np.testing.assert_allclose(F.local_response_norm(minigan.tensor(x), size, alpha, beta, k).numpy(), expected,
                               rtol=rtol)
    layer = nn.LocalResponseNorm(size, alpha, beta, k)
    np.testing.assert_allclose(layer(minigan.tensor(x)).numpy(), expected, rtol=rtol)


def f64(values):
    return minigan.tensor(np.array(values, dtype=np.float64))


# PyTorch 2.14.1's values (float64), written out by hand from a run outside this repository
def test_values_are_pytorchs():
    layer = nn.LayerNorm(3, dtype=np.float64)
    layer.load_state_dict({"weight": np.array([0.5, 1.0, 2.0]), "bias": np.array([0.0, 1.0, -1.0])})
    np.testing.assert_allclose(layer(f64([[1.0, 2.0, 4.0], [0.0, -1.0, 5.0]])).detach().numpy(), [
        [-0.5345207657251488, 0.7327396171374254, 1.6726038286257436],
        [-0.25400006964555866, 0.11099975624054481, 1.7940007661011457]], rtol=1e-13)
    groups = nn.GroupNorm(2, 4, dtype=np.float64)
    groups.load_state_dict({"weight": np.array([1.0, 2.0, 0.5, -1.0]), "bias": np.array([0.0, 0.5, 0.0, 1.0])})
    got = groups(f64([[[1.0, 3.0], [2.0, 2.0], [0.0, 1.0], [4.0, -2.0]]])).detach().numpy()
    np.testing.assert_allclose(got, [[[-1.4141994204496, 1.4141994204496], [0.5, 0.5],
                                      [-0.1732048960050972, 0.05773496533503242],
                                      [-0.5011090987108426, 2.2701692373707125]]], rtol=1e-13)
    lrn = F.local_response_norm(f64([[[1.0], [2.0], [-1.0], [3.0]]]), 3, alpha=0.3, beta=0.5, k=1.5)
    np.testing.assert_allclose(lrn.numpy(), [[[0.7071067811865475], [1.3801311186847083], [-0.5872202195147035],
                                              [1.8973665961010275]]], rtol=1e-13)


def test_instance_norm_running_statistics_are_pytorchs():
    """PyTorch's values: in training the running statistics move by momentum toward the batch's
    average instance mean and average *unbiased* instance variance; num_batches_tracked stays 0;
    in evaluation the running statistics normalise."""
    layer = nn.InstanceNorm1d(2, affine=True, track_running_stats=True, momentum=0.2, dtype=np.float64)
    layer.load_state_dict({"weight": np.array([2.0, 0.5]), "bias": np.array([1.0, -1.0]),
                           "running_mean": np.zeros(2), "running_var": np.ones(2),
                           "num_batches_tracked": np.array(0)})
    a = np.array([[[1.0, 2.0, 6.0], [0.0, 0.0, 3.0]], [[-1.0, 1.0, 1.0], [2.0, 4.0, 9.0]]])
    b = np.array([[[0.5, 0.0, 1.0], [1.0, 2.0, 3.0]]])
    np.testing.assert_allclose(layer(minigan.tensor(a)).detach().numpy(), [
        [[-0.8516382156480775, 0.07418089217596124, 3.7774573234721163],
         [-1.3535525067131118, -1.3535525067131118, -0.2928949865737763]],
        [[-1.8284112149778515, 2.4142056074889258, 2.4142056074889258],
         [-1.509524371408785, -1.1698414571362616, -0.3206341714549537]]], rtol=1e-13)
    layer(minigan.tensor(b))
    np.testing.assert_allclose(layer.running_mean.numpy(), [0.3666666666666667, 0.88], rtol=1e-14)
    np.testing.assert_allclose(layer.running_var.numpy(), [1.356666666666667, 2.1200000000000006], rtol=1e-14)
    assert int(layer.num_batches_tracked.item()) == 0
    layer.eval()
    np.testing.assert_allclose(layer(minigan.tensor(b[0])).detach().numpy(), [
        [1.2289446790379535, 0.3704021326456279, 2.0874872254302788],
        [-0.9587919280041277, -0.6153913280385256, -0.2719907280729234]], rtol=1e-13)


def test_instance_norm_running_statistics_by_hand():
    x = draw((3, 2, 4, 5))
    layer = nn.InstanceNorm2d(2, track_running_stats=True, momentum=0.3, dtype=np.float64)
    layer(minigan.tensor(x))
    spatial = x.reshape(3, 2, -1)
    means = [sum(float(v) for v in spatial[:, c].ravel()) / spatial[:, c].size for c in range(2)]
    unbiased = [sum(float(np.var(spatial[n, c], ddof=1)) for n in range(3)) / 3 for c in range(2)]
    np.testing.assert_allclose(layer.running_mean.numpy(), [0.3 * m for m in means], rtol=1e-13)
    np.testing.assert_allclose(layer.running_var.numpy(), [0.7 + 0.3 * v for v in unbiased], rtol=1e-13)
    running_mean, running_var = np.array([0.5, -1.0]), np.array([2.0, 0.25])
    direct = F.instance_norm(minigan.tensor(x), running_mean, running_var, use_input_stats=False, eps=0.0)
    np.testing.assert_allclose(direct.numpy(), (x - running_mean[:, None, None]) / np.sqrt(running_var[:, None, None]),
                               rtol=1e-13)
    stays = nn.InstanceNorm2d(2, track_running_stats=True, momentum=None)  # momentum None counts as 0, as PyTorch's
    stays(minigan.tensor(x.astype(np.float32)))
    assert stays.running_mean.numpy().tolist() == [0.0, 0.0] and stays.running_var.numpy().tolist() == [1.0, 1.0]


def test_instance_norm2d_in_a_small_image_to_image_generator():
    """CycleGAN's and pix2pix's block: conv, InstanceNorm2d, ReLU, and a transposed conv back up,
    trained a few Adam steps toward a target; each normalised map has mean 0 and variance 1, and the
    loss falls."""
    rng = np.random.default_rng(3)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=2, padding=1, rng=rng), nn.InstanceNorm2d(8, affine=True), nn.ReLU(),
        nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1, rng=rng), nn.InstanceNorm2d(4), nn.ReLU(),
        nn.Conv2d(4, 3, 3, padding=1, rng=rng), nn.Tanh(),
    )
    x = minigan.tensor(rng.uniform(-1, 1, (4, 3, 8, 8)).astype(np.float32))
    target = minigan.tensor(np.tanh(rng.standard_normal((4, 3, 8, 8))).astype(np.float32) * 0.5)
    hidden = model[1](model[0](x)).detach().numpy()
    np.testing.assert_allclose(hidden.mean(axis=(2, 3)), 0.0, atol=1e-5)
    np.testing.assert_allclose(hidden.var(axis=(2, 3)), 1.0, rtol=1e-3)
    optimizer = minigan.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), target)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.item()))
    assert model[1].weight.grad is not None and np.abs(model[1].weight.grad.numpy()).sum() > 0
    assert losses[-1] < 0.7 * losses[0], losses
    assert [name for name, _ in model.named_parameters()] == [
        "0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias", "6.weight", "6.bias"]


# ------------------------------------------------------------------------------ gradients
@pytest.mark.parametrize("name", [
    "nn.LayerNorm((3, 4))", "nn.LayerNorm(no bias)", "nn.GroupNorm(2, 4)", "nn.InstanceNorm2d(affine)",
    "nn.InstanceNorm2d(eval, running stats)", "nn.InstanceNorm1d", "nn.LocalResponseNorm", "F.layer_norm",
    "F.group_norm", "F.instance_norm", "F.local_response_norm"])
def test_gradients_match_finite_differences(name):
    """First order through the input (and weight and bias), in every layout; second order too."""
    rows = list(case_rows(find_case(name)))
    assert rows and all(result.ok for _, _, _, result in rows), [r.message for *_, r in rows if not r.ok]
    assert "gradgrad" in {label for label, *_ in rows}


def test_double_backward_gives_a_gradient_penalty():
    """d/dx of |d LayerNorm(x)·v / dx|², through create_graph, against central differences."""
    v = draw((2, 5), 4)

    def penalty(x_np, create_graph):
        x = minigan.tensor(x_np, requires_grad=True)
        (grad,) = minigan.autograd.grad((F.layer_norm(x, (5,)) * minigan.tensor(v)).sum(), x, create_graph=create_graph)
        return x, (grad * grad).sum()

    x_np = draw((2, 5), 5)
    x, value = penalty(x_np, True)
    value.backward()
    step, numeric = 1e-6, np.zeros(x_np.shape)
    for index in np.ndindex(*x_np.shape):
        up, down = x_np.copy(), x_np.copy()
        up[index] += step
        down[index] -= step
        numeric[index] = (penalty(up, False)[1].item() - penalty(down, False)[1].item()) / (2 * step)
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)


# ------------------------------------------------------------------------------ Hypothesis
SHAPES = hnp.array_shapes(min_dims=2, max_dims=4, min_side=2, max_side=4)


def spread(data, shape):
    """Values in [-3, 3] plus a ramp, so no normalised slice is constant (its variance stays well above eps)."""
    elements = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False, width=64)
    return data.draw(hnp.arrays(np.float64, shape, elements=elements)) + np.arange(math.prod(shape)).reshape(shape)


@given(st.data())
def test_layer_norm_property(data):
    """Against NumPy; each normalised slice has mean 0 and variance var / (var + eps); shifting and
    scaling x by a positive number changes only eps's share."""
    shape = data.draw(SHAPES)
    x = spread(data, shape)
    k = data.draw(st.integers(1, len(shape)))
    normalized = shape[len(shape) - k:]
    got = F.layer_norm(minigan.tensor(x), normalized).numpy()
    np.testing.assert_allclose(got, layer_norm_by_hand(x, normalized), rtol=1e-10, atol=1e-10)
    axes = tuple(range(len(shape) - k, len(shape)))
    variance = x.var(axis=axes, keepdims=True)
    np.testing.assert_allclose(got.mean(axis=axes), 0.0, atol=1e-10)
    np.testing.assert_allclose(got.var(axis=axes, keepdims=True), variance / (variance + 1e-5), rtol=1e-10)
    scale, shift = data.draw(st.floats(0.5, 4.0)), data.draw(st.floats(-5.0, 5.0))
    moved = F.layer_norm(minigan.tensor(x * scale + shift), normalized, eps=1e-5 * scale ** 2).numpy()
    np.testing.assert_allclose(moved, got, rtol=1e-8, atol=1e-8)


@given(st.data())
def test_group_norm_property(data):
    """Against NumPy; with one group per channel it is instance norm, with one group layer norm over (C, *)."""
    shape = data.draw(SHAPES.filter(lambda s: len(s) >= 3))
    x = spread(data, shape)
    c = shape[1]
    groups = data.draw(st.sampled_from([g for g in range(1, c + 1) if c % g == 0]))
    got = F.group_norm(minigan.tensor(x), groups).numpy()
    np.testing.assert_allclose(got, group_norm_by_hand(x, groups), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(F.group_norm(minigan.tensor(x), c).numpy(), F.instance_norm(minigan.tensor(x)).numpy(),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(F.group_norm(minigan.tensor(x), 1).numpy(),
                               F.layer_norm(minigan.tensor(x), shape[1:]).numpy(), rtol=1e-10, atol=1e-10)


@given(st.data())
def test_local_response_norm_property(data):
    """Against NumPy; alpha 0 leaves x / k^beta; each channel is scaled by a factor in (0, k^-beta]."""
    shape = data.draw(SHAPES.filter(lambda s: len(s) >= 3))
    x = spread(data, shape) / 10
    size = data.draw(st.integers(1, 5))
    alpha, beta, k = data.draw(st.floats(0.01, 2.0)), data.draw(st.floats(0.1, 2.0)), data.draw(st.floats(0.5, 3.0))
    got = F.local_response_norm(minigan.tensor(x), size, alpha, beta, k).numpy()
    np.testing.assert_allclose(got, local_response_norm_by_hand(x, size, alpha, beta, k), rtol=1e-10)
    assert np.all(np.abs(got) <= np.abs(x) / k ** beta * (1 + 1e-12))
    np.testing.assert_allclose(F.local_response_norm(minigan.tensor(x), size, 0.0, beta, k).numpy(), x / k ** beta,
                               rtol=1e-14)


# ------------------------------------------------------------------------------ PyTorch's modules
def test_state_dicts_are_pytorchs():
    def shapes(module):
        return {key: (tuple(value.shape), str(value.dtype)) for key, value in module.state_dict().items()}

    assert shapes(nn.LayerNorm(4)) == {"weight": ((4,), "float32"), "bias": ((4,), "float32")}
    assert shapes(nn.LayerNorm((2, 3), bias=False)) == {"weight": ((2, 3), "float32")}
    assert shapes(nn.LayerNorm(4, elementwise_affine=False)) == {}
    assert shapes(nn.GroupNorm(2, 4)) == {"weight": ((4,), "float32"), "bias": ((4,), "float32")}
    assert shapes(nn.GroupNorm(2, 4, affine=False)) == {} and shapes(nn.GroupNorm(2, 4, bias=False)).keys() == {"weight"}
    assert shapes(nn.InstanceNorm2d(3)) == {}
    assert shapes(nn.InstanceNorm2d(3, affine=True, track_running_stats=True)) == {
        "weight": ((3,), "float32"), "bias": ((3,), "float32"), "running_mean": ((3,), "float32"),
        "running_var": ((3,), "float32"), "num_batches_tracked": ((), "int64")}
    assert shapes(nn.InstanceNorm1d(3, affine=True, bias=False)) == {"weight": ((3,), "float32")}
    assert shapes(nn.LocalResponseNorm(2)) == {}
    assert shapes(nn.LayerNorm(3, dtype=np.float64))["weight"] == ((3,), "float64")
    layer = nn.LayerNorm(3)
    assert layer.weight.numpy().tolist() == [1.0, 1.0, 1.0] and layer.bias.numpy().tolist() == [0.0, 0.0, 0.0]
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]


def test_reprs_are_pytorchs():
    assert repr(nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(nn.LayerNorm([2, 3], elementwise_affine=False)) == (
        "LayerNorm((2, 3), eps=1e-05, elementwise_affine=False, bias=False)")
    assert repr(nn.GroupNorm(2, 4)) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    assert repr(nn.GroupNorm(2, 4, affine=False)) == "GroupNorm(2, 4, eps=1e-05, affine=False, bias=False)"
    assert repr(nn.InstanceNorm2d(3)) == (
        "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)")
    assert repr(nn.InstanceNorm1d(3, affine=True, track_running_stats=True)) == (
        "InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)")
    assert repr(nn.LocalResponseNorm(2)) == "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)"


def test_the_names_are_no_longer_listed_as_unsupported():
    for name in ("LayerNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm"):
        assert hasattr(nn, name) and name in nn.__all__
    for name in ("layer_norm", "group_norm", "instance_norm", "local_response_norm"):
        assert hasattr(F, name) and name in F.__all__
        assert name not in UNSUPPORTED_FUNCTIONAL
    assert not {"LayerNorm", "GroupNorm", "InstanceNorm2d"} & set(UNSUPPORTED_NN)


def test_on_the_test_device():
    pytest.importorskip("array_api_strict")
    x_np = draw((2, 4, 3, 3), 8)
    x = minigan.tensor(x_np).to("strict")
    checks = [
        (F.layer_norm(x, (3, 3)), layer_norm_by_hand(x_np, (3, 3))),
        (F.group_norm(x, 2), group_norm_by_hand(x_np, 2)),
        (F.instance_norm(x), instance_norm_by_hand(x_np)),
        (F.local_response_norm(x, 3), local_response_norm_by_hand(x_np, 3)),
    ]
    for got, expected in checks:
        np.testing.assert_allclose(got.cpu().numpy(), expected, rtol=1e-12, atol=1e-12)
    layer = nn.InstanceNorm2d(4, track_running_stats=True, dtype=np.float64).to("strict")
    layer(x)
    layer.eval()
    assert layer(x).shape == x.shape


# ------------------------------------------------------------------------------ bad input
X23 = minigan.zeros(2, 3)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.layer_norm(X23, (4,)), RuntimeError,
     r"^layer_norm: given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size\[2, 3\]$"),
    (lambda: nn.LayerNorm((2, 3))(minigan.zeros(3, 2)), RuntimeError, r"expected input with shape \[\*, 2, 3\]"),
    (lambda: nn.LayerNorm((2, 2, 3))(X23), RuntimeError, r"but got input of size\[2, 3\]$"),
    (lambda: F.layer_norm(X23, 3), TypeError, r"^layer_norm: normalized_shape must be a tuple or list of ints"),
    (lambda: F.layer_norm(X23, (3,), weight=minigan.ones(2)), RuntimeError,
     r"^layer_norm: expected weight to be of same shape as normalized_shape, but got weight of shape \[2\] and "
     r"normalized_shape = \[3\]$"),
    (lambda: nn.LayerNorm(0), ValueError, r"^LayerNorm: normalized_shape must hold positive ints, got \(0,\)$"),
    (lambda: nn.LayerNorm([]), ValueError, r"^LayerNorm: normalized_shape must name at least one dimension"),
    (lambda: nn.LayerNorm(2.5), TypeError, r"^LayerNorm: normalized_shape must be an int or a tuple of ints, got 2.5$"),
    (lambda: F.layer_norm(minigan.tensor([[1, 2, 3]]), (3,)), TypeError,
     r"^layer_norm: expected a floating-point input, got int64$"),
    (lambda: nn.LayerNorm(3)(np.zeros((2, 3))), TypeError, r"expected a Tensor input, got ndarray"),
    (lambda: nn.GroupNorm(2, 5), ValueError, r"^num_channels \(5\) must be divisible by num_groups \(2\)$"),
    (lambda: nn.GroupNorm(0, 4), ValueError, r"^GroupNorm: num_groups and num_channels must be positive"),
    (lambda: nn.GroupNorm(2, 4)(minigan.zeros(2, 6, 3)), RuntimeError,
     r"^group_norm: expected weight to be a vector of size equal to the number of channels in input, but got weight "
     r"of shape \[4\] and input of shape \[2, 6, 3\]$"),
    (lambda: F.group_norm(minigan.zeros(2, 6, 3), 4), RuntimeError,
     r"^group_norm: expected number of channels in input to be divisible by num_groups, but got input of shape "
     r"\[2, 6, 3\] and num_groups=4$"),
    (lambda: nn.GroupNorm(2, 4)(minigan.zeros(4)), RuntimeError,
     r"^group_norm: expected an input with at least 2 dimensions, got shape \(4,\)$"),
    (lambda: F.group_norm(X23, 0), ValueError, r"^group_norm: num_groups must be a positive int, got 0$"),
    (lambda: nn.InstanceNorm2d(3, affine=True)(minigan.zeros(2, 4, 3, 3)), ValueError,
     r"^InstanceNorm2d\(3, .*\): expected input's size at dim=1 to match num_features \(3\), but got: 4\.$"),
    (lambda: nn.InstanceNorm2d(3)(X23), ValueError, r"^InstanceNorm2d\(3, .*\): expected 3D or 4D input \(got 2D input\)$"),
    (lambda: nn.InstanceNorm1d(3)(minigan.zeros(2, 3, 5, 5)), ValueError, r"expected 2D or 3D input \(got 4D input\)$"),
    (lambda: nn.InstanceNorm2d(3)(minigan.zeros(2, 3, 1, 1)), ValueError,
     r"^instance_norm: expected more than 1 spatial element when training, got input of size \[2, 3, 1, 1\]$"),
    (lambda: F.instance_norm(X23), ValueError, r"expected more than 1 spatial element when training"),
    (lambda: F.instance_norm(minigan.zeros(2, 3, 4), use_input_stats=False), RuntimeError,
     r"^instance_norm: expected running_mean and running_var to be defined when use_input_stats is false$"),
    (lambda: F.instance_norm(minigan.zeros(2, 3, 4), np.zeros(4), np.ones(4)), RuntimeError,
     r"^instance_norm: running_mean has shape \[4\], but the input has 3 channels \(input of shape \[2, 3, 4\]\)$"),
    (lambda: F.instance_norm(minigan.zeros(2, 3, 4), weight=minigan.ones(2)), RuntimeError,
     r"^instance_norm: expected weight to be a vector of size equal to the number of channels in input"),
    (lambda: nn.InstanceNorm1d(0), ValueError, r"^InstanceNorm1d: num_features must be positive, got 0$"),
    (lambda: F.local_response_norm(X23, 2), ValueError,
     r"^local_response_norm: expected an input of 3 or more dimensions \(N, C, \*\), got shape \(2, 3\)$"),
    (lambda: nn.LocalResponseNorm(0), ValueError, r"^LocalResponseNorm: size must be a positive int, got 0$"),
])
def test_bad_input_raises_one_line(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert "\n" not in str(info.value)


def test_instance_norm_with_the_wrong_channel_count_warns_as_pytorch_does():
    """Without affine, PyTorch only warns (num_features is unused) and normalises anyway; with
    running statistics of the wrong size it then raises."""
    x = draw((2, 4, 5))
    with pytest.warns(UserWarning, match=r"^input's size at dim=1 does not match num_features"):
        got = nn.InstanceNorm1d(3, dtype=np.float64)(minigan.tensor(x))
    np.testing.assert_allclose(got.numpy(), instance_norm_by_hand(x), rtol=1e-12)
    with pytest.warns(UserWarning, match="dim=0"), pytest.raises(RuntimeError, match="running_mean has shape"):
        nn.InstanceNorm1d(3, track_running_stats=True)(minigan.zeros(4, 5))
