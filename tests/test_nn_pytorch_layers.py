"""The layers, arguments and helpers that PyTorch GAN scripts use, each against values written
out by hand in NumPy (PyTorch's documented behaviour), never against minigan itself."""
import os

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.utils.data import DataLoader, Dataset, Subset, TensorDataset, random_split

# Python 3.12+ warns when it forks a process that has threads (BLAS's); PyTorch's loader forks too.
FORK_WARNING = "ignore:This process .* is multi-threaded:DeprecationWarning"


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# ---------------------------------------------------------------------- BatchNorm's positional eps
@pytest.mark.parametrize("layer, shape, axes", [
    (nn.BatchNorm1d(3, 0.8), (6, 3), (0,)),
    (nn.BatchNorm2d(2, 0.5), (4, 2, 3, 3), (0, 2, 3)),
])
def test_batchnorm_takes_eps_as_its_second_positional_argument(layer, shape, axes):
    assert layer.eps in (0.8, 0.5)
    x = _x(*shape)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)  # biased, in training
    expected = (x - mean) / np.sqrt(var + layer.eps)
    out = layer(minigan.tensor(x.astype(np.float32)))
    np.testing.assert_allclose(out.array, expected, rtol=1e-4, atol=1e-5)


def test_batchnorm_positional_signature_is_pytorchs():
    layer = nn.BatchNorm1d(4, 1e-3, 0.3, False, False)
    assert (layer.eps, layer.momentum, layer.affine, layer.track_running_stats) == (1e-3, 0.3, False, False)
    assert layer.weight is None and layer.running_mean is None
    assert repr(nn.BatchNorm1d(5, 0.8)) == "BatchNorm1d(5, eps=0.8, momentum=0.1, affine=True, bias=True, track_running_stats=True)"


def test_batchnorm_bias_false_and_the_version_counts_are_pytorchs():
    # PyTorch 2.14: bias= (keyword only) leaves out the shift; the repr names it
    for layer, shape in ((nn.BatchNorm1d(3, bias=False), (6, 3)), (nn.BatchNorm2d(3, bias=False), (2, 3, 2, 2)),
                         (nn.BatchNorm3d(3, bias=False), (2, 3, 1, 2, 2))):
        assert layer.bias is None and [name for name, _ in layer.named_parameters()] == ["weight"]
        assert "bias" not in layer.state_dict() and "bias=False" in repr(layer)
        x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
        axes = (0,) + tuple(range(2, len(shape)))
        expected = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + 1e-5)
        np.testing.assert_allclose(layer(minigan.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(TypeError):
        nn.BatchNorm1d(3, 1e-5, 0.1, True, True, np.float32, False)  # bias= is keyword only, as in PyTorch
    assert "affine=False, bias=False" in repr(nn.BatchNorm1d(3, affine=False))
    # every parameter and buffer of a fresh normalisation layer has had one in-place fill, as in PyTorch
    layer = nn.BatchNorm1d(3)
    assert [t._version for t in (layer.weight, layer.bias, layer.running_mean, layer.running_var,
                                 layer.num_batches_tracked)] == [1, 1, 1, 1, 1]
    assert [nn.LayerNorm(3).weight._version, nn.GroupNorm(1, 3).bias._version, nn.RMSNorm(3).weight._version,
            nn.InstanceNorm1d(3, affine=True, track_running_stats=True).running_var._version] == [1, 1, 1, 1]
    layer.weight.array[...] = 5.0
    layer.reset_parameters()
    assert layer.weight.tolist() == [1.0, 1.0, 1.0] and layer.weight._version == 2


# ---------------------------------------------------------------------- inplace=
def test_inplace_activations_and_dropout_give_pytorchs_values():
    x = np.array([[-2.0, -0.5, 0.0, 1.5]], dtype=np.float32)
    t = minigan.tensor(x)
    dropout = nn.Dropout(0.5, inplace=True)
    dropout.eval()
    np.testing.assert_array_equal(dropout(t).array, x)
    np.testing.assert_allclose(nn.LeakyReLU(0.2, inplace=True)(t).array, [[-0.4, -0.1, 0.0, 1.5]], rtol=1e-6)
    np.testing.assert_array_equal(nn.ReLU(inplace=True)(minigan.tensor(x)).array, [[0.0, 0.0, 0.0, 1.5]])
    np.testing.assert_array_equal(nn.ReLU(True)(minigan.tensor(x)).array, [[0.0, 0.0, 0.0, 1.5]])
    assert repr(nn.LeakyReLU(0.2, inplace=True)) == "LeakyReLU(negative_slope=0.2, inplace=True)"
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)" and repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.Dropout(0.3)) == "Dropout(p=0.3, inplace=False)"


# ---------------------------------------------------------------------- Dropout2d
def test_dropout2d_zeroes_whole_channels_and_scales_the_rest():
    x = _x(8, 6, 3, 4).astype(np.float32) + 5.0  # no zeros of its own
    layer = nn.Dropout2d(0.25, rng=np.random.default_rng(1))
    t = minigan.tensor(x, requires_grad=True)
    out = layer(t)
    dropped = np.all(out.array == 0, axis=(2, 3))
    kept = ~dropped
    np.testing.assert_allclose(out.array[kept], x[kept] / 0.75, rtol=1e-6)
    assert 0 < dropped.sum() < dropped.size  # 48 channels at p = 0.25: some of each
    out.sum().backward()
    expected_grad = np.broadcast_to((kept / 0.75)[:, :, None, None], x.shape)
    np.testing.assert_allclose(t.grad.array, expected_grad, rtol=1e-6)
    # The same generator state gives the same channels; eval mode is the identity; p = 1 drops all.
    again = nn.Dropout2d(0.25, rng=np.random.default_rng(1))(minigan.tensor(x))
    np.testing.assert_array_equal(again.array, out.array)
    layer.eval()
    np.testing.assert_array_equal(layer(minigan.tensor(x)).array, x)
    np.testing.assert_array_equal(nn.Dropout2d(1.0)(minigan.tensor(x)).array, np.zeros_like(x))


def test_dropout2d_draws_one_keep_per_channel_from_the_seeded_generator():
    minigan.manual_seed(4)
    out = nn.Dropout2d(0.5)(minigan.ones(3, 5, 2, 2))
    keep = np.random.default_rng(4).random((3, 5)) >= 0.5  # what manual_seed(4)'s generator draws first
    np.testing.assert_array_equal(out.array[:, :, 0, 0], keep * 2.0)


def test_dropout2d_takes_2d_and_3d_input_as_pytorch_does_with_its_warnings():
    """PyTorch's mnist_rnn example applies Dropout2d to an (N, C) batch: (sample, channel) are the
    first two dimensions, so 3-D input drops whole rows and 2-D input single elements."""
    minigan.manual_seed(4)
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        rows = nn.Dropout2d(0.5)(minigan.ones(3, 5, 2))
    keep = np.random.default_rng(4).random((3, 5)) >= 0.5
    np.testing.assert_array_equal(rows.numpy(), np.repeat((keep * 2.0)[:, :, None], 2, axis=2))
    minigan.manual_seed(4)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d, which is deprecated"):
        elements = nn.Dropout2d(0.5)(minigan.ones(3, 5))
    np.testing.assert_array_equal(elements.numpy(), keep * 2.0)


def test_dropout2d_refuses_one_dimension_and_bad_probabilities():
    with pytest.raises(RuntimeError, match=r"Feature dropout requires at least 2 dimensions in the input, got shape \(3,\)"):
        nn.Dropout2d()(minigan.ones(3))
    with pytest.raises(ValueError, match="probability"):
        nn.Dropout2d(1.5)


# ---------------------------------------------------------------------- Upsample
def test_upsample_nearest_values_and_gradient():
    x = np.arange(6, dtype=np.float64).reshape(1, 1, 2, 3)
    t = minigan.tensor(x, requires_grad=True)
    out = nn.Upsample(scale_factor=2, mode="nearest")(t)
    expected = np.array([[0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2], [3, 3, 4, 4, 5, 5], [3, 3, 4, 4, 5, 5]])
    np.testing.assert_array_equal(out.array[0, 0], expected)
    weights = np.arange(24, dtype=np.float64).reshape(1, 1, 4, 6)
    (out * minigan.tensor(weights)).sum().backward()
    # Each input pixel's gradient is the sum of the weights over its 2x2 block.
    blocks = weights[0, 0].reshape(2, 2, 3, 2).sum(axis=(1, 3))
    np.testing.assert_array_equal(t.grad.array[0, 0], blocks)


def _bilinear_by_hand(image, out_h, out_w, align_corners):
    """PyTorch's bilinear sampling written pixel by pixel (ATen's upsample_bilinear2d, scale = in/out)."""
    h, w = image.shape

    def source(o, n_in, n_out):
        if align_corners:
            s = o * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        else:
            s = max((o + 0.5) * n_in / n_out - 0.5, 0.0)
        i0 = min(int(s), n_in - 1)
        i1 = i0 + 1 if i0 < n_in - 1 else i0
        return i0, i1, s - i0

    out = np.zeros((out_h, out_w))
    for r in range(out_h):
        r0, r1, lr = source(r, h, out_h)
        for c in range(out_w):
            c0, c1, lc = source(c, w, out_w)
            out[r, c] = ((1 - lr) * ((1 - lc) * image[r0, c0] + lc * image[r0, c1])
                         + lr * ((1 - lc) * image[r1, c0] + lc * image[r1, c1]))
    return out


@pytest.mark.parametrize("align_corners", [None, True])
@pytest.mark.parametrize("size, scale", [((6, 8), 2), ((5, 7), None), ((2, 3), None)])
def test_upsample_bilinear_matches_pytorchs_sampling(size, scale, align_corners):
    x = _x(2, 3, 3, 4)
    layer = (nn.Upsample(scale_factor=scale, mode="bilinear", align_corners=align_corners) if scale
             else nn.Upsample(size=size, mode="bilinear", align_corners=align_corners))
    t = minigan.tensor(x, requires_grad=True)
    out = layer(t)
    assert out.shape == (2, 3) + size
    for n in range(2):
        for c in range(3):
            np.testing.assert_allclose(out.array[n, c], _bilinear_by_hand(x[n, c], *size, bool(align_corners)),
                                       rtol=1e-12, atol=1e-12)
    # The gradient is the adjoint: <upsample(x), g> = <x, grad> for every x.
    g = _x(2, 3, *size, seed=3)
    (out * minigan.tensor(g)).sum().backward()
    np.testing.assert_allclose(float((t.grad.array * x).sum()), float((out.array * g).sum()), rtol=1e-10)
    # PyTorch 2.14.1's reprs: the scale factor as floats, no align_corners
    assert repr(nn.Upsample(scale_factor=2, mode="bilinear")) == "Upsample(scale_factor=2.0, mode='bilinear')"
    assert repr(nn.Upsample(scale_factor=(2, 3))) == "Upsample(scale_factor=(2.0, 3.0), mode='nearest')"
    assert (repr(nn.Upsample(size=(3, 4), mode="bilinear", align_corners=True))
            == "Upsample(size=(3, 4), mode='bilinear')")


def test_upsample_other_modes_say_they_are_not_supported():
    with pytest.raises(NotImplementedError, match="mode='lanczos' is not supported"):
        nn.Upsample(scale_factor=2, mode="lanczos")
    with pytest.raises(ValueError, match="align_corners can only be set with mode='bilinear'"):
        nn.Upsample(scale_factor=2, align_corners=True)


# ---------------------------------------------------------------------- bias=False
def test_convolutions_without_bias():
    conv = nn.Conv2d(2, 3, 1, bias=False)
    deconv = nn.ConvTranspose2d(2, 3, 1, bias=False)
    assert conv.bias is None and deconv.bias is None
    assert list(conv.state_dict()) == ["weight"] == list(deconv.state_dict())
    x = _x(2, 2, 3, 3).astype(np.float32)
    # 1x1 kernels: out[n, o] = sum_c w[o, c] x[n, c] (Conv2d weight (out, in, 1, 1)); the transposed
    # one's weight is (in, out, 1, 1): out[n, o] = sum_c w[c, o] x[n, c]. No bias added.
    w = conv.weight.array[:, :, 0, 0]
    np.testing.assert_allclose(conv(minigan.tensor(x)).array, np.einsum("oc,nchw->nohw", w, x), rtol=1e-5, atol=1e-6)
    wt = deconv.weight.array[:, :, 0, 0]
    np.testing.assert_allclose(deconv(minigan.tensor(x)).array, np.einsum("co,nchw->nohw", wt, x), rtol=1e-5,
                               atol=1e-6)


# ---------------------------------------------------------------------- MSELoss
def test_mse_loss_values_and_gradient():
    x, y = _x(3, 4), _x(3, 4, seed=1)
    t = minigan.tensor(x, requires_grad=True)
    loss = nn.MSELoss()(t, minigan.tensor(y))
    np.testing.assert_allclose(float(loss.array), np.mean((x - y) ** 2), rtol=1e-12)
    loss.backward()
    np.testing.assert_allclose(t.grad.array, 2 * (x - y) / x.size, rtol=1e-12)
    np.testing.assert_allclose(float(nn.MSELoss(reduction="sum")(t, minigan.tensor(y)).array), np.sum((x - y) ** 2))
    np.testing.assert_allclose(nn.MSELoss(reduction="none")(t, minigan.tensor(y)).array, (x - y) ** 2)


# ---------------------------------------------------------------------- RMSprop
def test_rmsprop_has_pytorchs_defaults_and_step():
    p = nn.Parameter(np.array([1.0, -2.0]))
    opt = optim.RMSprop([p])
    group = opt.param_groups[0]
    assert (group["lr"], group["alpha"], group["eps"], group["weight_decay"], group["momentum"], group["centered"]) == \
        (0.01, 0.99, 1e-8, 0.0, 0.0, False)
    g = np.array([0.5, 3.0])
    p.grad = minigan.tensor(g)
    opt.step()
    square_avg = 0.01 * g * g  # (1 - alpha) g^2 from a zero start
    np.testing.assert_allclose(p.array, np.array([1.0, -2.0]) - 0.01 * g / (np.sqrt(square_avg) + 1e-8), rtol=1e-14)


# ---------------------------------------------------------------------- init and apply
def test_init_functions_write_through_data():
    layer = nn.Linear(200, 300)
    nn.init.normal_(layer.weight.data, 0.0, 0.02)
    assert abs(float(layer.weight.array.std()) - 0.02) < 0.001 and abs(float(layer.weight.array.mean())) < 0.001
    nn.init.constant_(layer.bias.data, 0.5)
    np.testing.assert_array_equal(layer.bias.array, np.full(300, 0.5, dtype=np.float32))
    nn.init.zeros_(layer.bias)
    np.testing.assert_array_equal(layer.bias.array, np.zeros(300))
    nn.init.ones_(layer.bias.data)
    np.testing.assert_array_equal(layer.bias.array, np.ones(300))
    nn.init.xavier_uniform_(layer.weight.data)
    bound = np.sqrt(6.0 / (200 + 300))
    assert float(np.abs(layer.weight.array).max()) <= bound and float(np.abs(layer.weight.array).max()) > 0.95 * bound
    nn.init.xavier_normal_(layer.weight.data)
    assert abs(float(layer.weight.array.std()) - np.sqrt(2.0 / 500)) < 0.002


def weights_init(m):
    """The DCGAN example's initialisation, as written in PyTorch scripts."""
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


def test_apply_with_a_class_name_keyed_init():
    net = nn.Sequential(nn.ConvTranspose2d(64, 32, 4, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(True),
                        nn.Conv2d(32, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(0.2, inplace=True))
    assert [type(m).__name__ for m in net] == ["ConvTranspose2d", "BatchNorm2d", "ReLU", "Conv2d", "BatchNorm2d",
                                               "LeakyReLU"]
    minigan.manual_seed(0)
    assert net.apply(weights_init) is net
    for conv in (net[0], net[3]):
        w = conv.weight.array
        assert abs(float(w.std()) - 0.02) < 0.001 and abs(float(w.mean())) < 0.001  # 32768 draws each
    for norm in (net[1], net[4]):
        assert abs(float(norm.weight.array.mean()) - 1.0) < 0.01 and 0.01 < float(norm.weight.array.std()) < 0.03
        np.testing.assert_array_equal(norm.bias.array, 0)


# ---------------------------------------------------------------------- Embedding
def test_embedding_looks_up_rows_and_adds_gradients_per_use():
    emb = nn.Embedding(5, 3, rng=np.random.default_rng(0))
    weight = emb.weight.array.copy()
    labels = np.array([[2, 0, 2], [4, 2, 1]])
    out = emb(labels)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out.array, weight[labels])
    upstream = _x(2, 3, 3, seed=2)
    (out * minigan.tensor(upstream.astype(np.float32))).sum().backward()
    expected = np.zeros((5, 3))
    for (i, j), row in np.ndenumerate(labels):  # row 2 is used three times: its gradient adds up
        expected[row] += upstream[i, j]
    np.testing.assert_allclose(emb.weight.grad.array, expected, rtol=1e-6)
    np.testing.assert_array_equal(emb([1, 3]).array, weight[[1, 3]])  # a list of ints, as a LongTensor


def test_embedding_init_padding_and_errors():
    emb = nn.Embedding(1000, 50)
    assert abs(float(emb.weight.array.std()) - 1.0) < 0.02  # N(0, 1), as PyTorch's
    padded = nn.Embedding(4, 2, padding_idx=1)
    np.testing.assert_array_equal(padded.weight.array[1], [0.0, 0.0])
    padded.weight.array[1] = 7.0
    out = padded(np.array([1, 1, 3]))
    np.testing.assert_array_equal(out.array[:2], 7.0)  # the value is the row's ...
    out.sum().backward()
    np.testing.assert_array_equal(padded.weight.grad.array, [[0, 0], [0, 0], [0, 0], [1, 1]])  # ... its gradient 0
    with pytest.raises(TypeError, match="indices must be integers"):
        emb(minigan.tensor([1.0, 2.0]))
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(np.array([0, 1000]))
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(np.array([-1]))
    with pytest.raises(NotImplementedError, match="sparse gradients"):  # max_norm: tests/test_embedding_functions.py
        nn.Embedding(3, 2, sparse=True)
    frozen = nn.Embedding.from_pretrained(np.eye(3, dtype=np.float32))
    assert not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen(np.array([2])).array, [[0, 0, 1]])
    assert repr(padded) == "Embedding(4, 2, padding_idx=1)"


# ---------------------------------------------------------------------- ModuleList, ModuleDict
class Conditional(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 8), nn.Linear(8, 2)])
        self.heads = nn.ModuleDict({"real": nn.Linear(2, 1), "label": nn.Linear(2, 10)})

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.heads["real"](x), self.heads["label"](x)


def test_module_list_and_dict_register_with_pytorchs_names():
    model = Conditional()
    assert list(model.state_dict()) == [
        "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
        "heads.real.weight", "heads.real.bias", "heads.label.weight", "heads.label.bias"]
    assert len(list(model.parameters())) == 8
    real, label = model(minigan.randn(3, 4))
    assert real.shape == (3, 1) and label.shape == (3, 10)
    copy = Conditional()
    copy.load_state_dict(model.state_dict())
    np.testing.assert_array_equal(copy.heads["label"].weight.array, model.heads["label"].weight.array)


def test_module_list_operations_renumber_as_pytorchs():
    a, b, c = nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 2)
    layers = nn.ModuleList([a, b])
    layers.append(c)
    assert len(layers) == 3 and layers[-1] is c and list(layers) == [a, b, c]
    layers.insert(0, nn.Tanh())
    del layers[2]  # b
    assert [type(m).__name__ for m in layers] == ["Tanh", "Linear", "Linear"]
    assert list(layers.state_dict()) == ["1.weight", "1.bias", "2.weight", "2.bias"]
    assert isinstance(layers[1:], nn.ModuleList) and len(layers[1:]) == 2
    layers += [nn.Sigmoid()]
    assert len(layers) == 4
    with pytest.raises(TypeError, match="not a Module"):
        layers.append(3)
    with pytest.raises(IndexError):
        layers[4]
    with pytest.raises(NotImplementedError):
        layers(minigan.ones(1, 1))  # a ModuleList has no forward of its own, as in PyTorch


def test_module_dict_operations():
    heads = nn.ModuleDict([("a", nn.Linear(1, 1))])
    heads["b"] = nn.ReLU()
    heads.update({"c": nn.Tanh()})
    assert list(heads) == ["a", "b", "c"] == heads.keys() and "b" in heads and len(heads) == 3
    assert isinstance(heads.pop("b"), nn.ReLU) and "b" not in heads
    with pytest.raises(KeyError):
        heads["missing"]
    with pytest.raises(TypeError, match="not a Module"):
        heads["x"] = "layer"


# ---------------------------------------------------------------------- random_split, Subset
def test_random_split_by_counts_and_by_fractions():
    data = TensorDataset(minigan.tensor(np.arange(20.0).reshape(10, 2)), np.arange(10))
    parts = random_split(data, [0.33, 0.33, 0.34], generator=minigan.Generator().manual_seed(1))
    # PyTorch's rule: floor(10 * f) = 3, 3, 3, then the 1 left over to the first.
    assert [len(p) for p in parts] == [4, 3, 3]
    indices = sorted(i for p in parts for i in p.indices)
    assert indices == list(range(10))
    again = random_split(data, [0.33, 0.33, 0.34], generator=minigan.Generator().manual_seed(1))
    assert [p.indices for p in again] == [p.indices for p in parts]
    train, val = random_split(data, [7, 3], generator=np.random.default_rng(5))
    expected = np.random.default_rng(5).permutation(10).tolist()
    assert train.indices == expected[:7] and val.indices == expected[7:]
    x, y = val[1]
    np.testing.assert_array_equal(x.array, [2.0 * expected[8], 2.0 * expected[8] + 1])
    assert y == expected[8]
    with pytest.raises(ValueError, match="sum to 9, not to the dataset's length 10"):
        random_split(data, [5, 4])
    with pytest.warns(UserWarning, match="length of split at index 1 is 0"):
        random_split(TensorDataset(np.arange(2)), [0.9, 0.1])


def test_subset_indexes_the_dataset_and_batches_alike():
    data = TensorDataset(minigan.tensor(np.arange(12.0).reshape(6, 2)), np.arange(6))
    subset = Subset(data, [5, 1, 3])
    assert len(subset) == 3 and subset[0][1] == 5
    x, y = next(iter(DataLoader(subset, batch_size=3)))
    np.testing.assert_array_equal(y, [5, 1, 3])
    np.testing.assert_array_equal(x.array, [[10, 11], [2, 3], [6, 7]])


# ---------------------------------------------------------------------- DataLoader(num_workers=N)
class Squares(Dataset):
    """A plain dataset indexed one sample at a time; it records which process made each sample."""

    def __len__(self):
        return 23

    def __getitem__(self, i):
        return np.array([i, i * i], dtype=np.float32), i


def _epochs(loader, count=2):
    return [[(x.array.copy(), np.array(y)) for x, y in loader] for _ in range(count)]  # int labels: a Tensor


@pytest.mark.filterwarnings(FORK_WARNING)
@pytest.mark.parametrize("dataset", [Squares(), TensorDataset(minigan.tensor(_x(23, 3)), np.arange(23))],
                         ids=["per-sample", "TensorDataset"])
def test_workers_give_the_same_batches_as_the_main_process(dataset):
    runs = {}
    for workers in (0, 2, 3):
        minigan.manual_seed(11)
        runs[workers] = _epochs(DataLoader(dataset, batch_size=5, shuffle=True, num_workers=workers))
    assert [len(epoch) for epoch in runs[0]] == [5, 5]
    assert not np.array_equal(runs[0][0][0][1], runs[0][1][0][1])  # each epoch reshuffles
    for workers in (2, 3):
        for epoch, reference in zip(runs[workers], runs[0]):
            for (x, y), (rx, ry) in zip(epoch, reference, strict=True):
                np.testing.assert_array_equal(x, rx)
                np.testing.assert_array_equal(y, ry)


class Pids(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        return os.getpid(), float(minigan.rand(1).array[0])


@pytest.mark.filterwarnings(FORK_WARNING)
def test_workers_are_other_processes_seeded_from_the_loader():
    def draws(seed):
        loader = DataLoader(Pids(), batch_size=2, num_workers=2, generator=np.random.default_rng(seed))
        return [(pids.tolist(), x.array.tolist()) for pids, x in loader]  # ints collate to an int64 Tensor

    first = draws(3)
    assert os.getpid() not in {pid for pids, _ in first for pid in pids}
    assert len({pid for pids, _ in first for pid in pids}) == 2  # batches go round robin to two workers
    assert [x for _, x in draws(3)] == [x for _, x in first]  # random draws in a worker follow the seed
    assert [x for _, x in draws(4)] != [x for _, x in first]


class Broken(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 3:
            raise ValueError("sample 3 is damaged")
        return np.float32(i)


@pytest.mark.filterwarnings(FORK_WARNING)
def test_a_failing_worker_names_the_error_and_early_exit_stops_workers():
    with pytest.raises(RuntimeError, match="Caught ValueError in DataLoader worker process 1: .*sample 3 is damaged"):
        list(DataLoader(Broken(), batch_size=2, num_workers=2))
    for batch in DataLoader(Squares(), batch_size=2, num_workers=2):
        break  # the workers are stopped when the iteration is abandoned
    # worker_init_fn runs in each worker before its first batch: here it reseeds the worker by its number,
    # so the loaders' own seeds no longer matter.
    def seeded(seed):
        loader = DataLoader(Pids(), batch_size=2, num_workers=2, generator=np.random.default_rng(seed),
                            worker_init_fn=lambda worker: minigan.manual_seed(100 + worker))
        return [x.array.tolist() for _, x in loader]

    assert seeded(1) == seeded(2)
    with pytest.raises(ValueError, match="num_workers > 0"):
        DataLoader(Squares(), persistent_workers=True)


# ---------------------------------------------------------------------- the not-supported table
@pytest.mark.parametrize("module, name", [
    (minigan.nn, "Embedding"), (minigan.nn, "ModuleList"), (minigan.nn, "ModuleDict"), (minigan.nn, "Dropout2d"),
    (minigan.utils.data, "random_split"), (minigan.utils.data, "Subset"),
])
def test_added_names_are_no_longer_unsupported(module, name):
    assert hasattr(module, name)
