"""The small layers PyTorch has: nn.RMSNorm and F.rms_norm, F.pdist, nn.LPPool1d/2d and
F.lp_pool1d/2d, nn.ChannelShuffle and F.channel_shuffle, nn.Softmax2d, nn.UpsamplingNearest2d,
nn.UpsamplingBilinear2d and the deprecated F.upsample, F.upsample_nearest and F.upsample_bilinear.

Checked against NumPy loops and closed forms written out here, PyTorch 2.14's values, gradients,
reprs and warnings written out by hand (obtained outside the repository), finite differences, and
one clear line for each bad argument."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck, gradgradcheck


def f64(values, grad=False):
    return minigan.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


# ---------------------------------------------------------------------------------------------- RMSNorm
def test_rms_norm_pytorch_values_and_gradients():
    x = f64([[1.0, -2.0, 3.0], [0.5, 0.0, -0.25]], grad=True)
    w = f64([0.5, 1.0, 2.0], grad=True)
    y = F.rms_norm(x, (3,), w, eps=1e-6)
    y.backward(f64([[1.0, 0.5, -1.0], [2.0, -1.0, 0.25]]))
    # PyTorch 2.14: F.rms_norm(x, (3,), w, eps=1e-6) and its gradients for this upstream gradient
    np.testing.assert_allclose(y.numpy(), [[0.23145500014438916, -0.9258200005775566, 2.77746000173267],
                                           [0.7745929512042408, 0.0, -1.5491859024084815]], rtol=1e-13)
    np.testing.assert_allclose(x.grad.numpy(), [[0.44637745422365316, -0.1983899080141389, -0.28105263833976457],
                                                [1.2393665683770554, -3.098371804816963, 2.4786885206284355]],
                               rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), [3.5612818051057413, -0.4629100002887783, -1.5823782386673952],
                               rtol=1e-12)


def test_rms_norm_by_hand_over_two_axes_and_eps_none_is_the_dtypes_epsilon():
    a = np.random.default_rng(0).standard_normal((3, 2, 4))
    expected = a / np.sqrt((a * a).mean(axis=(1, 2), keepdims=True) + np.finfo(np.float64).eps)
    np.testing.assert_allclose(F.rms_norm(f64(a), [2, 4]).numpy(), expected, rtol=1e-14)
    # float32, eps None = 2^-23: a tiny row is not blown up to unit size (PyTorch: 0.2837415337562561)
    y = F.rms_norm(minigan.tensor([[1e-4, 0.0]]), (2,))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), [[0.2837415337562561, 0.0]], rtol=3e-7)
    # PyTorch 2.14's float32 values for [[1, 2, 3]], and with weight (1, 2, 3) and eps 0.5
    np.testing.assert_allclose(F.rms_norm(minigan.tensor([[1.0, 2.0, 3.0]]), (3,)).numpy(),
                               [[0.4629100561141968, 0.9258201122283936, 1.3887301683425903]], rtol=2e-7)
    np.testing.assert_allclose(F.rms_norm(minigan.tensor([[1.0, 2.0, 3.0]]), [3], minigan.tensor([1.0, 2.0, 3.0]),
                                          eps=0.5).numpy(),
                               [[0.4399413466453552, 1.759765386581421, 3.9594719409942627]], rtol=2e-7)


def test_rms_norm_module_parameters_repr_and_gradcheck():
    layer = nn.RMSNorm(4)
    assert repr(layer) == "RMSNorm((4,), eps=None, elementwise_affine=True)"
    assert list(layer.state_dict()) == ["weight"] and np.all(layer.weight.numpy() == 1)
    assert layer.eps is None and layer.normalized_shape == (4,)
    plain = nn.RMSNorm([2, 3], eps=1e-5, elementwise_affine=False)
    assert repr(plain) == "RMSNorm((2, 3), eps=1e-05, elementwise_affine=False)"
    assert plain.weight is None and list(plain.parameters()) == []
    x = minigan.randn(5, 2, 3)
    np.testing.assert_allclose(plain(x).numpy(), F.rms_norm(x, (2, 3), eps=1e-5).numpy())
    rng = np.random.default_rng(1)
    gradcheck(lambda x, w: F.rms_norm(x, (2, 3), w, eps=1e-3), [rng.standard_normal((4, 2, 3)), rng.uniform(0.5, 2, (2, 3))])
    gradgradcheck(lambda x, w: F.rms_norm(x, (3,), w), [rng.standard_normal((2, 3)), rng.uniform(0.5, 2, 3)])


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.rms_norm(minigan.ones(2, 3), (4,)), RuntimeError, "expected input with shape [*, 4], but got input of size[2, 3]"),
    (lambda: F.rms_norm(minigan.ones(2, 3), (3,), minigan.ones(2)), RuntimeError, "expected weight to be of same shape"),
    (lambda: F.rms_norm(minigan.ones(2, 3), 3), TypeError, "normalized_shape must be a tuple or list"),
    (lambda: F.rms_norm(minigan.tensor([1, 2]), (2,)), TypeError, "floating-point"),
    (lambda: nn.RMSNorm(0), ValueError, "positive ints"),
])
def test_rms_norm_bad_arguments(call, error, message):
    with pytest.raises(error, match=message.replace("[", r"\[").replace("*", r"\*")):
        call()


# ---------------------------------------------------------------------------------------------- pdist
def pdist_by_hand(a, p):
    rows = []
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            d = np.abs(a[i] - a[j])
            rows.append(d.max(initial=0.0) if p == math.inf else np.count_nonzero(d) if p == 0 else (d ** p).sum() ** (1 / p))
    return np.array(rows)


@given(data=st.data())
def test_pdist_matches_the_loop(data):
    n, m = data.draw(st.integers(0, 5)), data.draw(st.integers(1, 4))
    p = data.draw(st.sampled_from([0, 0.5, 1, 1.5, 2, 3, math.inf]))
    a = np.random.default_rng(data.draw(st.integers(0, 2**16))).standard_normal((n, m))
    out = F.pdist(f64(a), p)
    assert out.shape == (n * (n - 1) // 2,)
    np.testing.assert_allclose(out.numpy(), pdist_by_hand(a, p), rtol=1e-12, atol=1e-300)


def test_pdist_pytorch_values():
    x = minigan.tensor([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]])
    np.testing.assert_allclose(F.pdist(x).numpy(), [5.0, 1.4142135381698608, 3.605551242828369], rtol=1e-7)
    assert F.pdist(x, p=1).tolist() == [7.0, 2.0, 5.0]
    assert F.pdist(x, p=math.inf).tolist() == [4.0, 1.0, 3.0]
    assert F.pdist(x, p=0).tolist() == [2.0, 2.0, 2.0]
    assert F.pdist(minigan.ones(1, 3)).shape == (0,) and F.pdist(minigan.ones(0, 3)).shape == (0,)


@pytest.mark.parametrize("p, rows, grad", [  # PyTorch 2.14's gradients of pdist(x, p).sum()
    (2, [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]], [[-0.7071067811865476] * 2, [-0.7071067811865476] * 2, [1.4142135623730951] * 2]),
    (1, [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]], [[-1.0, -1.0], [-1.0, -1.0], [2.0, 2.0]]),
    (math.inf, [[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]], [[0.0, -1.0], [0.0, -1.0], [0.0, 2.0]]),
    (0, [[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]),
    (0.5, [[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]], [[-2.414213562373095, -1.7071067811865475],
                                                  [-2.414213562373095, -1.7071067811865475],
                                                  [4.82842712474619, 3.414213562373095]]),
])
def test_pdist_gradient_at_equal_rows_is_pytorchs(p, rows, grad):
    x = f64(rows, grad=True)
    F.pdist(x, p).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), grad, rtol=1e-12)


def test_pdist_inf_gives_each_tied_place_the_whole_gradient_and_p3_pytorch_values():
    x = f64([[0.0, 0.0], [1.0, -1.0], [2.0, 0.5]], grad=True)
    y = F.pdist(x, math.inf)
    y.backward(f64([1.0, 2.0, 3.0]))
    assert y.tolist() == [1.0, 2.0, 1.5]
    np.testing.assert_allclose(x.grad.numpy(), [[-3.0, 1.0], [1.0, -4.0], [2.0, 3.0]])  # PyTorch 2.14's
    x = f64([[0.0, 0.0], [1.0, -1.0], [2.0, 0.5]], grad=True)
    y = F.pdist(x, 3)
    y.backward(f64([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(y.numpy(), [1.2599210498948732, 2.010362879294529, 1.6355331550942949], rtol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), [[-2.609394744560511, 0.5062458862216194],
                                                [-0.49154792426008, -3.1533545356643486],
                                                [3.1009426688205908, 2.647108649442729]], rtol=1e-13)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.pdist(minigan.ones(2, 3, 4)), ValueError, "pdist only supports 2D tensors, got: 3D"),
    (lambda: F.pdist(minigan.ones(2, 3), p=-1), RuntimeError, "pdist only supports non-negative p values"),
    (lambda: F.pdist(minigan.tensor([[1, 2]])), TypeError, "floating-point"),
])
def test_pdist_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------------------------------------- LP pooling
def lp_pool1d_by_hand(a, p, k, s, ceil_mode=False):
    """Each window's (sum x^p)^(1/p); a ceil-mode window past the end sums what it covers and is
    scaled by k / (places covered), as PyTorch's average-then-multiply does."""
    length = a.shape[-1]
    count = (length - k + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (count - 1) * s >= length:
        count -= 1
    out = np.empty(a.shape[:-1] + (count,))
    for i in range(count):
        window = a[..., i * s:i * s + k]
        out[..., i] = ((window ** p).sum(-1) * k / window.shape[-1]) ** (1 / p)
    return out


@given(data=st.data())
def test_lp_pool1d_matches_the_loop(data):
    k, s = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    length = data.draw(st.integers(k, 8))
    p, ceil_mode = data.draw(st.sampled_from([1, 2, 3, 1.5, 4])), data.draw(st.booleans())
    a = np.random.default_rng(data.draw(st.integers(0, 2**16))).uniform(0.1, 2.0, (2, 3, length))
    out = F.lp_pool1d(f64(a), p, k, s, ceil_mode)
    np.testing.assert_allclose(out.numpy(), lp_pool1d_by_hand(a, p, k, s, ceil_mode), rtol=1e-12)


def test_lp_pool1d_pytorch_values_gradients_and_its_habits():
    # PyTorch 2.14, x = [0, 0, -2, 1, 0.5], kernel 2, stride 1, upstream gradient of ones: p = 1 keeps
    # a negative sum; a window whose sum is 0 has gradient 0; odd p on a negative sum gives NaN
    expected = {1: ([0.0, -2.0, -1.0, 1.5], [0.0, 1.0, 2.0, 2.0, 1.0]),
                2: ([0.0, 2.0, 2.23606797749979, 1.118033988749895],
                    [0.0, 0.0, -1.8944271909999157, 1.3416407864998738, 0.4472135954999579]),
                3: ([0.0, math.nan, math.nan, 1.040041911525952], [0.0, math.nan, math.nan, math.nan, 0.2311204247835449])}
    for p, (values, grad) in expected.items():
        x = f64([[[0.0, 0.0, -2.0, 1.0, 0.5]]], grad=True)
        y = F.lp_pool1d(x, p, 2, stride=1)
        y.sum().backward()
        np.testing.assert_allclose(y.numpy()[0, 0], values, rtol=1e-14)
        np.testing.assert_allclose(x.grad.numpy()[0, 0], grad, rtol=1e-14)
    x = f64([[[0.0, 0.0, -2.0, 1.0, 0.5]]])
    np.testing.assert_allclose(F.lp_pool1d(x, 2, 2).numpy(), [[[0.0, 2.23606797749979]]])
    # ceil_mode: the last window covers [0.5] alone, averaged over 1 place, then times 2: sqrt(0.5)
    np.testing.assert_allclose(F.lp_pool1d(x, 2, 2, ceil_mode=True).numpy(), [[[0.0, 2.23606797749979, 0.7071067811865476]]])
    np.testing.assert_allclose(F.lp_pool1d(x, 2, 3, stride=2, ceil_mode=True).numpy(), [[[2.0, 2.29128784747792]]])
    # p = inf is the largest |x| of each window, -inf the smallest
    assert F.lp_pool1d(f64([[1.0, -2.0, 3.0]]), math.inf, 2).tolist() == [[2.0]]
    assert F.lp_pool1d(f64([[1.0, -2.0, 3.0, -0.5]]), -math.inf, 2).tolist() == [[1.0, 0.5]]


def test_lp_pool2d_pytorch_values_and_gradients():
    x = f64([[[[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]]]], grad=True)
    y = F.lp_pool2d(x, 2, (2, 2), stride=1)
    y.backward(f64([[[[1.0, -0.5]]]]))
    np.testing.assert_allclose(y.numpy(), [[[[3.75, 2.3048861143232218]]]], rtol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), [[[[0.26666666666666666, -0.099472417696021, -0.10846522890932808],
                                                  [0.8, 0.012434052212002625, 0.21693045781865616]]]], rtol=1e-13)
    # (1, 5, 5) = 0..24, p = 2, kernel (2, 3), stride (1, 2): PyTorch 2.14's float32 values
    out = F.lp_pool2d(minigan.arange(25.0).reshape(1, 5, 5), 2, (2, 3), stride=(1, 2))
    np.testing.assert_allclose(out.numpy(), [[[10.72380542755127, 14.933184623718262], [21.79449462890625, 26.51414680480957],
                                              [33.689762115478516, 38.50973892211914], [45.77117156982422, 50.62607955932617]]],
                               rtol=2e-7)
    # p = 1 is the window sum
    a = np.random.default_rng(2).standard_normal((2, 3, 4, 6))
    np.testing.assert_allclose(F.lp_pool2d(f64(a), 1, 2).numpy(), a.reshape(2, 3, 2, 2, 3, 2).sum(axis=(3, 5)), rtol=1e-13)


def test_lp_pool2d_ceil_mode_pytorch_values_and_gradients():
    """PyTorch 2.14.1: the windows that run past the bottom and right edges average the places they
    cover, times the whole kernel's size (2 x 3), then the square root; x = 0.1 (1..30) of shape (5, 6)
    with every third entry negated, upstream gradient linspace(0.5, 1.5)."""
    x = f64((np.arange(1.0, 31.0) * np.where(np.arange(30) % 3 == 0, -0.1, 0.1)).reshape(1, 1, 5, 6), grad=True)
    y = F.lp_pool2d(x, 2, (2, 3), 2, ceil_mode=True)
    y.backward(f64(np.linspace(0.5, 1.5, 9).reshape(1, 1, 3, 3)))
    np.testing.assert_allclose(y.numpy()[0, 0], [
        [1.4422205101855958, 1.876166303929372, 2.2113344387495983],
        [4.233202097703345, 4.715930449020639, 5.076416058598823],
        [6.3718129288295975, 6.861486719363378, 7.2270325860618625]], rtol=1e-14)
    np.testing.assert_allclose(x.grad.numpy()[0, 0], [
        [-0.03466876226407682, 0.06933752452815364, 0.20394412258392286,
         -0.13325044772225653, 0.4209343524537713, 0.30524555136114084],
        [-0.24268133584853777, 0.2773500981126146, 0.6118323677517685,
         -0.3331261193056413, 0.926055575398297, 0.6104911027222817],
        [-0.26870911752999743, 0.28937904964768957, 0.6281198303953708,
         -0.33927557187198837, 0.9255935496000323, 0.5983552106322825],
        [-0.39272871023615014, 0.4133986423538422, 0.879367762553519,
         -0.466503911323984, 1.2522736259294553, 0.7978069475097102],
        [-0.980882532147413, 1.0201178334333096, 2.1414801290113274,
         -1.1222057718584961, 2.968004925609196, 1.86798659605275]], rtol=1e-13)
    assert nn.LPPool2d(2, (2, 3), 2, ceil_mode=True)(x).shape == (1, 1, 3, 3)
    # p = inf: the largest |x| of each window, the partial ones (the last row) included; PyTorch's values
    np.testing.assert_allclose(F.lp_pool2d(x, math.inf, 2, ceil_mode=True).numpy()[0, 0],
                               [[0.8, 1.0, 1.2], [2.0, 2.2, 2.4], [2.6, 2.8, 3.0]], rtol=1e-15)


def test_lp_pool_modules_repr_and_second_derivatives():
    assert repr(nn.LPPool2d(2, 3)) == "LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)"
    assert repr(nn.LPPool1d(2.0, 3, stride=2, ceil_mode=True)) == \
        "LPPool1d(norm_type=2.0, kernel_size=3, stride=2, ceil_mode=True)"
    a = np.random.default_rng(3).uniform(0.5, 2.0, (1, 2, 4, 4))
    np.testing.assert_allclose(nn.LPPool2d(3, 2)(f64(a)).numpy(), F.lp_pool2d(f64(a), 3, 2).numpy())
    gradgradcheck(lambda x: F.lp_pool2d(x, 2.5, 2), [a])
    gradgradcheck(lambda x: F.lp_pool1d(x, 3, 2, ceil_mode=True), [a[0, :, 0, :3]])


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.lp_pool1d(minigan.ones(1, 1, 5), 0, 2), ValueError, "norm_type must be a non-zero value, but got 0"),
    (lambda: nn.LPPool2d(0, 2), ValueError, "norm_type must be a non-zero value"),
    (lambda: F.lp_pool1d([1.0, 2.0], 2, 2), TypeError, "expected a Tensor input"),
    (lambda: F.lp_pool2d(minigan.ones(1, 1, 4, 4), "2", 2), TypeError, "norm_type must be a number"),
])
def test_lp_pool_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------------------------------------- the rest
@given(data=st.data())
def test_channel_shuffle_is_the_transposed_grid_and_its_inverse(data):
    g, per = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    a = np.random.default_rng(data.draw(st.integers(0, 2**16))).standard_normal((2, g * per, 3))
    out = F.channel_shuffle(f64(a), g).numpy()
    for i in range(per):
        for j in range(g):
            np.testing.assert_array_equal(out[:, i * g + j], a[:, j * per + i])
    np.testing.assert_array_equal(F.channel_shuffle(F.channel_shuffle(f64(a), g), per).numpy(), a)


def test_channel_shuffle_values_module_and_errors():
    assert F.channel_shuffle(minigan.arange(12.0).reshape(1, 6, 2), 3).flatten().tolist() == \
        [0.0, 1.0, 4.0, 5.0, 8.0, 9.0, 2.0, 3.0, 6.0, 7.0, 10.0, 11.0]  # PyTorch 2.14's
    assert repr(nn.ChannelShuffle(2)) == "ChannelShuffle(groups=2)"
    assert nn.ChannelShuffle(2)(minigan.arange(6.0).reshape(1, 6, 1)).flatten().tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    with pytest.raises(RuntimeError, match="Number of channels must be divisible by groups. Got 5 channels and 2 groups."):
        F.channel_shuffle(minigan.ones(1, 5, 2, 2), 2)
    with pytest.raises(RuntimeError, match=r"channel_shuffle expects input with > 2 dims, but got input with sizes \[6, 1\]"):
        F.channel_shuffle(minigan.ones(6, 1), 3)
    with pytest.raises(RuntimeError, match="Number of groups to divide channels in must be positive. Value of groups:0"):
        nn.ChannelShuffle(0)


def test_softmax2d_is_the_softmax_over_channels():
    a = np.random.default_rng(4).standard_normal((2, 3, 2, 4))
    e = np.exp(a - a.max(axis=1, keepdims=True))
    np.testing.assert_allclose(nn.Softmax2d()(f64(a)).numpy(), e / e.sum(axis=1, keepdims=True), rtol=1e-14)
    np.testing.assert_allclose(nn.Softmax2d()(minigan.tensor([[[1.0]], [[2.0]]])).flatten().numpy(),
                               [0.2689414322376251, 0.7310585975646973], rtol=2e-7)  # PyTorch 2.14's (to 1 float32 ulp)
    assert repr(nn.Softmax2d()) == "Softmax2d()"
    for bad, dims in ((minigan.ones(2, 3), 2), (minigan.ones(1, 1, 1, 1, 1), 5)):
        with pytest.raises(ValueError, match=f"Softmax2d: expected input to be 3D or 4D, got {dims}D instead"):
            nn.Softmax2d()(bad)


def test_upsampling_layers_are_upsample_with_the_mode_fixed():
    x = minigan.arange(4.0).reshape(1, 1, 2, 2)
    assert repr(nn.UpsamplingNearest2d(scale_factor=2)) == "UpsamplingNearest2d(scale_factor=2.0, mode='nearest')"
    assert repr(nn.UpsamplingNearest2d(size=(3, 4))) == "UpsamplingNearest2d(size=(3, 4), mode='nearest')"
    assert repr(nn.UpsamplingBilinear2d(size=(3, 4))) == "UpsamplingBilinear2d(size=(3, 4), mode='bilinear')"
    assert repr(nn.UpsamplingBilinear2d(scale_factor=2)) == "UpsamplingBilinear2d(scale_factor=2.0, mode='bilinear')"
    assert nn.UpsamplingNearest2d(scale_factor=2)(x).numpy().tolist() == \
        [[[[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [2.0, 2.0, 3.0, 3.0], [2.0, 2.0, 3.0, 3.0]]]]
    # align_corners: the corners stay and the places between are thirds, x[i, j] = 2 i + j at i, j in {0, 1/3, 2/3, 1}
    thirds = np.arange(4) / 3
    np.testing.assert_allclose(nn.UpsamplingBilinear2d(scale_factor=2)(x).numpy()[0, 0],
                               2 * thirds[:, None] + thirds[None, :], rtol=1e-6)


def test_deprecated_upsample_functions_warn_as_pytorch_and_resize():
    x = minigan.arange(4.0).reshape(1, 1, 2, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nearest = F.upsample_nearest(x, size=3)
        bilinear = F.upsample_bilinear(x, scale_factor=2)
        plain = F.upsample(x, scale_factor=2, mode="bilinear")
    assert [(w.category, str(w.message), w.filename) for w in caught] == [
        (UserWarning, f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.", __file__)
        for name in ("upsample_nearest", "upsample_bilinear", "upsample")]
    assert nearest.flatten().tolist() == [0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0]  # PyTorch 2.14's
    np.testing.assert_allclose(bilinear.numpy(), nn.UpsamplingBilinear2d(scale_factor=2)(x).numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_allclose(plain.numpy(), F.interpolate(x, scale_factor=2, mode="bilinear").numpy())


def test_the_names_are_no_longer_unsupported():
    for name in ("ParameterList", "ParameterDict", "Softmax2d", "ChannelShuffle", "UpsamplingNearest2d",
                 "UpsamplingBilinear2d", "RMSNorm", "LPPool1d", "LPPool2d"):
        assert hasattr(nn, name), name
    for name in ("channel_shuffle", "rms_norm", "pdist", "lp_pool1d", "lp_pool2d", "upsample", "upsample_nearest",
                 "upsample_bilinear"):
        assert hasattr(F, name), name
