"""Convolutions, pooling and upsampling: values against plain nested-loop NumPy references,
output shapes against the size formulas on hand-computed cases, the error messages, and the
layers' PyTorch layouts and initialisation. (Gradients: the registry cases in
minigan/gradcheck/cases.py, run by test_ops_grad.py and on the strict device by test_devices.py.)"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigan as mg
from minigan import nn
from minigan.ops import convolution as conv
from minigan.gradcheck import gradcheck, gradgradcheck


# ---------------------------------------------------------------- references, written out plainly
def conv2d_reference(x, w, b, stride, padding, dilation):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    padded = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    padded[:, :, ph:ph + h, pw:pw + wd] = x
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, oh, ow))
    for bi in range(n):
        for oc in range(o):
            for i in range(oh):
                for j in range(ow):
                    total = 0.0 if b is None else b[oc]
                    for ic in range(c):
                        for u in range(kh):
                            for v in range(kw):
                                total += w[oc, ic, u, v] * padded[bi, ic, i * sh + u * dh, j * sw + v * dw]
                    out[bi, oc, i, j] = total
    return out


def conv_transpose2d_reference(x, w, b, stride, padding, output_padding, dilation):
    """Each input pixel scatters its weighted kernel into the output (the definition)."""
    n, c_in, h, wd = x.shape
    _, c_out, kh, kw = w.shape
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    ow = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    full = np.zeros((n, c_out, oh + 2 * ph, ow + 2 * pw))
    for bi in range(n):
        for ic in range(c_in):
            for i in range(h):
                for j in range(wd):
                    for oc in range(c_out):
                        for u in range(kh):
                            for v in range(kw):
                                full[bi, oc, i * sh + u * dh, j * sw + v * dw] += x[bi, ic, i, j] * w[ic, oc, u, v]
    out = full[:, :, ph:ph + oh, pw:pw + ow]
    return out if b is None else out + b[None, :, None, None]


def pool_reference(x, k, s, p, reduce, pad_value):
    n, c, h, w = x.shape
    padded = np.full((n, c, h + 2 * p, w + 2 * p), pad_value)
    padded[:, :, p:p + h, p:p + w] = x
    oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = reduce(padded[:, :, i * s:i * s + k, j * s:j * s + k].reshape(n, c, -1), axis=-1)
    return out


def _t(array, requires_grad=False):
    return mg.tensor(np.asarray(array, dtype=np.float64), dtype=np.float64, requires_grad=requires_grad)


CONV_SETTINGS = [  # (x shape, w shape, stride, padding, dilation)
    ((2, 3, 7, 6), (4, 3, 3, 3), (1, 1), (0, 0), (1, 1)),
    ((1, 2, 7, 7), (3, 2, 3, 2), (2, 3), (1, 2), (1, 1)),
    ((2, 1, 9, 8), (2, 1, 3, 3), (2, 1), (2, 0), (2, 3)),
    ((3, 2, 5, 5), (1, 2, 5, 5), (1, 1), (0, 0), (1, 1)),
]


@pytest.mark.parametrize("x_shape, w_shape, stride, padding, dilation", CONV_SETTINGS)
def test_conv2d_matches_the_nested_loop_reference(x_shape, w_shape, stride, padding, dilation):
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    got = conv.conv2d(_t(x), _t(w), _t(b), stride, padding, dilation)
    np.testing.assert_allclose(got.numpy(), conv2d_reference(x, w, b, stride, padding, dilation), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("x_shape, w_shape, stride, padding, output_padding, dilation", [
    ((2, 3, 3, 4), (3, 2, 3, 3), (2, 2), (1, 1), (1, 0), (1, 1)),
    ((1, 2, 4, 3), (2, 3, 4, 4), (2, 2), (1, 1), (0, 0), (1, 1)),
    ((2, 1, 3, 3), (1, 2, 2, 3), (3, 1), (0, 1), (2, 0), (2, 2)),
    ((1, 4, 2, 2), (4, 1, 1, 1), (1, 1), (0, 0), (0, 0), (1, 1)),
])
def test_conv_transpose2d_matches_the_scatter_reference(x_shape, w_shape, stride, padding, output_padding, dilation):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[1])
    got = conv.conv_transpose2d(_t(x), _t(w), _t(b), stride, padding, output_padding, 1, dilation)
    expected = conv_transpose2d_reference(x, w, b, stride, padding, output_padding, dilation)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=30)
@given(batch=st.integers(1, 2), c_in=st.integers(1, 3), c_out=st.integers(1, 3), size=st.tuples(st.integers(1, 7), st.integers(1, 7)),
       kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)), stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       padding=st.tuples(st.integers(0, 2), st.integers(0, 2)), dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
       data=st.data())
def test_conv2d_and_its_transpose_on_drawn_geometry(batch, c_in, c_out, size, kernel, stride, padding, dilation, data):
    """Any geometry: conv2d matches the loops and the size formula, or (kernel larger than the
    padded input) raises the one error; conv_transpose2d with a drawn output_padding matches its loops."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, c_in) + size)
    w = rng.standard_normal((c_out, c_in) + kernel)
    fits = all(d * (k - 1) + 1 <= n + 2 * p for n, k, p, d in zip(size, kernel, padding, dilation))
    if not fits:
        with pytest.raises(ValueError, match="is larger than the padded input"):
            conv.conv2d(_t(x), _t(w), None, stride, padding, dilation)
        return
    got = conv.conv2d(_t(x), _t(w), None, stride, padding, dilation).numpy()
    expected_hw = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1 for n, k, s, p, d in zip(size, kernel, stride, padding, dilation))
    assert got.shape == (batch, c_out) + expected_hw
    np.testing.assert_allclose(got, conv2d_reference(x, w, None, stride, padding, dilation), rtol=1e-12, atol=1e-12)
    extra = tuple(data.draw(st.integers(0, s - 1)) for s in stride)
    wt = rng.standard_normal((c_in, c_out) + kernel)
    out_hw = tuple((n - 1) * s - 2 * p + d * (k - 1) + e + 1 for n, k, s, p, d, e in zip(size, kernel, stride, padding, dilation, extra))
    if min(out_hw) < 1:
        with pytest.raises(ValueError, match="empty output"):
            conv.conv_transpose2d(_t(x), _t(wt), None, stride, padding, extra, 1, dilation)
        return
    got_t = conv.conv_transpose2d(_t(x), _t(wt), None, stride, padding, extra, 1, dilation).numpy()
    np.testing.assert_allclose(got_t, conv_transpose2d_reference(x, wt, None, stride, padding, extra, dilation),
                               rtol=1e-12, atol=1e-12)


def test_conv_transpose2d_is_the_adjoint_of_conv2d():
    """<conv2d(x, w), y> = <x, conv_transpose2d(y, w)>: the property its backward relies on."""
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, 3, 2))
    y = conv.conv2d(_t(x), _t(w), stride=2, padding=1, dilation=(1, 2))
    g = rng.standard_normal(y.shape)
    back = conv.conv_transpose2d(_t(g), _t(w), stride=2, padding=1, output_padding=(0, 1), dilation=(1, 2))
    assert back.shape == x.shape
    assert float(np.sum(y.numpy() * g)) == pytest.approx(float(np.sum(x * back.numpy())), rel=1e-12)


@pytest.mark.parametrize("k, s, p", [(2, 2, 0), (3, 2, 1), (3, 1, 1), (2, 1, 0)])
def test_pooling_matches_the_reference(k, s, p):
    x = np.random.default_rng(3).standard_normal((2, 3, 7, 6))
    np.testing.assert_array_equal(conv.max_pool2d(_t(x), k, s, p).numpy(), pool_reference(x, k, s, p, np.max, -np.inf))
    np.testing.assert_allclose(conv.avg_pool2d(_t(x), k, s, p).numpy(), pool_reference(x, k, s, p, np.mean, 0.0),
                               rtol=1e-12, atol=1e-15)
    ones = pool_reference(np.ones_like(x), k, s, p, np.sum, 0.0)  # the real pixels in each window
    np.testing.assert_allclose(conv.avg_pool2d(_t(x), k, s, p, count_include_pad=False).numpy(),
                               pool_reference(x, k, s, p, np.sum, 0.0) / ones, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(conv.avg_pool2d(_t(x), k, s, p, divisor_override=5).numpy(),
                               pool_reference(x, k, s, p, np.sum, 0.0) / 5, rtol=1e-12, atol=1e-15)


def test_max_pool_routes_a_tied_gradient_to_the_first_maximum_only():
    x = _t(np.ones((1, 1, 2, 2)), requires_grad=True)
    conv.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[1.0, 0.0], [0.0, 0.0]])


def test_upsample_nearest_copies_pixels():
    x = np.arange(6.0).reshape(1, 1, 2, 3)
    np.testing.assert_array_equal(conv.upsample_nearest(_t(x), scale_factor=2).numpy()[0, 0],
                                  np.repeat(np.repeat(x[0, 0], 2, axis=0), 2, axis=1))
    # size 3x4 from 2x3: rows floor(i * 2/3) = 0, 0, 1; columns floor(j * 3/4) = 0, 0, 1, 2
    np.testing.assert_array_equal(conv.upsample_nearest(_t(x), size=(3, 4)).numpy()[0, 0],
                                  [[0, 0, 1, 2], [0, 0, 1, 2], [3, 3, 4, 5]])
    x_grad = _t(x, requires_grad=True)
    conv.upsample_nearest(x_grad, scale_factor=(1, 2)).sum().backward()
    np.testing.assert_array_equal(x_grad.grad.numpy(), np.full(x.shape, 2.0))  # each pixel copied twice


# ---------------------------------------------------------------- output shapes, by hand
@pytest.mark.parametrize("layer, in_shape, out_shape", [
    # (28 + 2 - 3) // 2 + 1 = 14, then (14 + 2 - 3) // 2 + 1 = 7: the guide's CNN discriminator
    (nn.Conv2d(1, 64, 3, stride=2, padding=1), (5, 1, 28, 28), (5, 64, 14, 14)),
    (nn.Conv2d(64, 128, 3, stride=2, padding=1), (5, 64, 14, 14), (5, 128, 7, 7)),
    (nn.Conv2d(1, 8, 4, stride=2, padding=1), (2, 1, 28, 28), (2, 8, 14, 14)),  # (28 + 2 - 4) // 2 + 1
    (nn.Conv2d(3, 2, 3), (1, 3, 5, 7), (1, 2, 3, 5)),  # 5 - 2, 7 - 2
    (nn.Conv2d(1, 1, 3, dilation=2), (1, 1, 9, 9), (1, 1, 5, 5)),  # 9 - 2 * 2
    (nn.Conv2d(1, 1, (3, 1), stride=(3, 2), padding=(0, 1)), (1, 1, 10, 5), (1, 1, 3, 4)),  # (10-3)//3+1, (5+2-1)//2+1
    (nn.Conv2d(2, 4, 3, padding=1), (2, 5, 5), (4, 5, 5)),  # unbatched input stays unbatched
    # (7 - 1) * 2 - 2 + 3 + 1 = 14, then (14 - 1) * 2 - 2 + 3 + 1 = 28: the DCGAN generator
    (nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1), (3, 128, 7, 7), (3, 64, 14, 14)),
    (nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1), (3, 64, 14, 14), (3, 1, 28, 28)),
    (nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1, output_padding=1), (1, 2, 4, 4), (1, 2, 8, 8)),  # 6 - 2 + 3 + 1
    (nn.ConvTranspose2d(1, 1, 2, dilation=3), (1, 1, 4, 4), (1, 1, 7, 7)),  # 3 + 3 + 1
    (nn.MaxPool2d(2), (1, 3, 7, 6), (1, 3, 3, 3)),  # floor(7/2), 6/2
    (nn.MaxPool2d(3, stride=2, padding=1), (1, 1, 7, 8), (1, 1, 4, 4)),  # (7+2-3)//2+1, (8+2-3)//2+1
    (nn.AvgPool2d(2, stride=1), (2, 1, 4, 4), (2, 1, 3, 3)),
    (nn.Upsample(scale_factor=2), (1, 64, 7, 7), (1, 64, 14, 14)),
    (nn.Upsample(size=(5, 3)), (1, 1, 2, 2), (1, 1, 5, 3)),
    (nn.Unflatten(1, (1, 28, 28)), (4, 784), (4, 1, 28, 28)),
    (nn.Unflatten(-1, (2, -1)), (3, 5, 6), (3, 5, 2, 3)),
    (nn.BatchNorm2d(3), (2, 3, 4, 5), (2, 3, 4, 5)),
])
def test_output_shapes_follow_the_formulas(layer, in_shape, out_shape):
    assert layer(mg.randn(*in_shape)).shape == out_shape


def test_state_dict_shapes_match_pytorch_layouts():
    shapes = {k: tuple(v.shape) for k, v in nn.Conv2d(3, 8, (3, 5)).state_dict().items()}
    assert shapes == {"weight": (8, 3, 3, 5), "bias": (8,)}
    shapes = {k: tuple(v.shape) for k, v in nn.ConvTranspose2d(3, 8, 4, bias=False).state_dict().items()}
    assert shapes == {"weight": (3, 8, 4, 4)}  # (in, out, kh, kw), as PyTorch
    assert set(nn.BatchNorm2d(5).state_dict()) == {"weight", "bias", "running_mean", "running_var",
                                                    "num_batches_tracked"}


@pytest.mark.parametrize("layer, fan_in", [(nn.Conv2d(6, 4, 3), 6 * 9), (nn.ConvTranspose2d(6, 4, 3), 4 * 9)])
def test_default_init_is_pytorchs(layer, fan_in):
    """kaiming_uniform_(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)); fan_in is weight.shape[1] * kh * kw
    (for ConvTranspose2d, the output channels), and the bias shares the bound."""
    bound = 1.0 / math.sqrt(fan_in)
    weight, bias = layer.weight.numpy(), layer.bias.numpy()
    assert np.abs(weight).max() <= bound and np.abs(weight).max() > 0.8 * bound
    assert np.abs(bias).max() <= bound


def test_batchnorm2d_normalises_each_channel_over_batch_and_space():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 3, 5, 5)) * np.array([1.0, 3.0, 0.5])[None, :, None, None] + 2.0
    layer = nn.BatchNorm2d(3, dtype=np.float64)
    y = layer(_t(x)).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), x.var(axis=(0, 2, 3)) / (x.var(axis=(0, 2, 3)) + 1e-5), rtol=1e-10)
    unbiased = x.var(axis=(0, 2, 3), ddof=1)
    np.testing.assert_allclose(layer.running_var, 0.9 + 0.1 * unbiased, rtol=1e-12)
    np.testing.assert_allclose(layer.running_mean, 0.1 * x.mean(axis=(0, 2, 3)), rtol=1e-12)
    layer.eval()
    expected = (x - layer.running_mean.numpy()[None, :, None, None]) / np.sqrt(layer.running_var.numpy()[None, :, None, None] + 1e-5)
    np.testing.assert_allclose(layer(_t(x)).numpy(), expected, rtol=1e-10)


def test_second_derivatives_through_a_conv_net_like_a_gradient_penalty():
    """WGAN-GP's penalty differentiates d D(x)/dx again: every conv op's backward must record."""
    rng = np.random.default_rng(5)
    x = _t(rng.standard_normal((2, 1, 5, 5)), requires_grad=True)
    w1, w2 = _t(rng.standard_normal((2, 1, 3, 3)), True), _t(rng.standard_normal((2, 1, 2, 2)), True)

    def critic(x, w1, w2):
        hidden = conv.conv2d(x, w1, stride=2, padding=1).tanh()
        return conv.conv_transpose2d(hidden, w2, stride=2).sum(axis=(1, 2, 3))

    assert gradgradcheck(critic, [x, w1, w2]).ok
    assert gradcheck(lambda x: conv.max_pool2d(conv.upsample_nearest(x, scale_factor=2) * x.sum(), 3, 2, 1),
                     [_t(np.random.default_rng(6).permutation(12).reshape(1, 1, 3, 4) * 0.3, True)]).ok


# ---------------------------------------------------------------- errors that name the shapes
@pytest.mark.parametrize("call, message", [
    (lambda: conv.conv2d(mg.randn(2, 3, 8, 8), mg.randn(4, 2, 3, 3)),
     r"conv2d: input of shape \(2, 3, 8, 8\) has 3 channels, but the weight of shape \(4, 2, 3, 3\) expects 2"),
    (lambda: conv.conv2d(mg.randn(1, 1, 3, 3), mg.randn(1, 1, 5, 5)),
     r"conv2d: the kernel 5x5 is larger than the padded input 3x3 \(input of shape \(1, 1, 3, 3\), padding \(0, 0\)\)"),
    (lambda: conv.conv2d(mg.randn(1, 1, 5, 5), mg.randn(1, 1, 3, 3), dilation=3),
     r"the kernel 3x3 \(dilated to 7x7\) is larger than the padded input 5x5"),
    (lambda: conv.conv2d(mg.randn(1, 8, 8), mg.randn(1, 1, 3)), r"conv2d: the weight must be a 4-D tensor, got \(1, 1, 3\)"),
    (lambda: conv.conv2d(mg.randn(8, 8), mg.randn(1, 1, 3, 3)), r"expected input of shape \(N, C, H, W\).*got \(8, 8\)"),
    (lambda: conv.conv2d(mg.randn(1, 1, 8, 8), mg.randn(2, 1, 3, 3), mg.randn(3)),
     r"the bias must have shape \(2,\) for the weight of shape \(2, 1, 3, 3\), got \(3,\)"),
    (lambda: conv.conv2d(mg.randn(1, 1, 8, 8), mg.randn(1, 1, 3, 3), stride=0), r"stride must be at least 1, got 0"),
    (lambda: conv.conv2d(mg.randn(1, 1, 8, 8), mg.randn(1, 1, 3, 3), padding=(1, 2, 3)),
     r"padding must be an int or a pair of ints"),
    (lambda: conv.conv_transpose2d(mg.randn(2, 3, 4, 4), mg.randn(2, 3, 3, 3)),
     r"conv_transpose2d: input of shape \(2, 3, 4, 4\) has 3 channels, but the weight of shape \(2, 3, 3, 3\) expects 2"),
    (lambda: conv.conv_transpose2d(mg.randn(1, 1, 4, 4), mg.randn(1, 1, 3, 3), stride=2, output_padding=2),
     r"output_padding \(2, 2\) must be smaller than the stride \(2, 2\) or the dilation \(1, 1\)"),
    (lambda: conv.conv_transpose2d(mg.randn(1, 1, 1, 1), mg.randn(1, 1, 1, 1), padding=1), r"gives an empty output"),
    (lambda: conv.max_pool2d(mg.randn(1, 1, 2, 2), 3), r"max_pool2d: the kernel 3x3 is larger than the padded input 2x2"),
    (lambda: conv.max_pool2d(mg.randn(1, 1, 8, 8), 2, padding=2), r"padding \(2, 2\) must be at most half the kernel"),
    (lambda: conv.upsample_nearest(mg.randn(1, 1, 2, 2)), r"give exactly one of size and scale_factor"),
    (lambda: nn.Conv2d(3, 4, 3)(mg.randn(2, 1, 8, 8)), r"has 1 channels, but the weight of shape \(4, 3, 3, 3\) expects 3"),
    (lambda: nn.BatchNorm2d(3)(mg.randn(2, 3, 4)), r"BatchNorm2d.*expected input of shape \(N, 3, H, W\), got \(2, 3, 4\)"),
    (lambda: nn.Unflatten(1, (2, 5))(mg.randn(3, 12)), r"axis 1 of input shape \(3, 12\) has 12 values, which do not split"),
])
def test_bad_shapes_give_one_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_what_is_not_supported_says_so():
    with pytest.raises(NotImplementedError, match="mode='lanczos' is not supported"):
        nn.Upsample(scale_factor=2, mode="lanczos")


@pytest.mark.parametrize("function", ["Conv2dWeightGrad", "ConvTranspose2d", "FoldPatches", "Patches", "UpsampleNearest"])
def test_the_checks_catch_a_backward_off_by_a_factor_of_1_001(function, monkeypatch):
    """Each helper Function that a backward pass runs is actually covered by the registry cases."""
    from minigan.gradcheck.cases import find_case

    case = find_case({"Conv2dWeightGrad": "conv2d", "ConvTranspose2d": "conv2d",
                      "FoldPatches": "avg_pool2d", "Patches": "avg_pool2d", "UpsampleNearest": "upsample_nearest"}[function])
    original = getattr(conv, function).forward
    monkeypatch.setattr(getattr(conv, function), "forward",
                        staticmethod(lambda ctx, *args, **kw: original(ctx, *args, **kw) * 1.001))
    inputs = case.inputs(case.shapes[0], np.random.default_rng(0))
    assert not gradcheck(case.fn, inputs, raise_exception=False).ok


def test_functional_forms_and_interpolate():
    from minigan.nn import functional as F

    x = mg.randn(1, 2, 4, 4)
    assert F.conv2d(x, mg.randn(3, 2, 3, 3), padding=1).shape == (1, 3, 4, 4)
    assert F.conv_transpose2d(x, mg.randn(2, 3, 2, 2), stride=2).shape == (1, 3, 8, 8)
    assert F.max_pool2d(x, 2).shape == F.avg_pool2d(x, 2).shape == (1, 2, 2, 2)
    np.testing.assert_array_equal(F.interpolate(x, scale_factor=2).numpy(), conv.upsample_nearest(x, scale_factor=2).numpy())
    with pytest.raises(NotImplementedError, match="mode='lanczos' on 4-D input is not supported"):
        F.interpolate(x, scale_factor=2, mode="lanczos")
    assert mg.conv2d is conv.conv2d and not hasattr(F, "max_pool2d_with_indices")


def test_conv_transpose2d_output_size_picks_the_output_padding_as_pytorchs():
    # PyTorch 2.14.1, ConvTranspose2d(2, 3, 3, stride=(2, 3), padding=1) on a 4x5 input: outputs
    # (7, 13) to (8, 15); (8, 14) is output_padding (1, 1); (9, 13) is out of range.
    layer = nn.ConvTranspose2d(2, 3, 3, stride=(2, 3), padding=1, dtype=np.float64)
    x = mg.tensor(np.random.default_rng(0).standard_normal((1, 2, 4, 5)))
    for size, padding in (((7, 13), (0, 0)), ((8, 15), (1, 2)), ([1, 3, 8, 14], (1, 1))):
        y = layer(x, output_size=size)
        expected = mg.nn.functional.conv_transpose2d(x, layer.weight, layer.bias, (2, 3), 1, padding)
        assert y.shape == (1, 3) + tuple(size)[-2:]
        np.testing.assert_array_equal(y.numpy(), expected.numpy())
    assert layer(x[0], (8, 14)).shape == (3, 8, 14)
    with pytest.raises(ValueError, match=r"requested an output size of \[9, 13\], but valid sizes range from "
                                         r"\[7, 13\] to \[8, 15\] \(for an input of \[4, 5\]\)"):
        layer(x, output_size=(9, 13))
    with pytest.raises(ValueError, match=r"output_size must be \(H, W\) or the output's whole shape"):
        layer(x, output_size=(3, 8, 14))


def test_conv_transpose2d_takes_output_padding_below_the_dilation_as_pytorch():
    """PyTorch's rule: output_padding below the stride or the dilation; with stride 1 and
    dilation 2 an output_padding of 1 adds a last row and column that only the bias reaches."""
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(2)
    settings = dict(stride=(1, 1), padding=(1, 0), output_padding=(1, 1), dilation=(2, 3))
    got = conv.conv_transpose2d(mg.tensor(x), mg.tensor(w), mg.tensor(b), **settings)
    want = conv_transpose2d_reference(x, w, b, **settings)
    assert got.shape == want.shape == (2, 2, 7, 9)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
    layer = mg.nn.ConvTranspose2d(3, 2, (3, 2), padding=(1, 0), output_padding=1, dilation=(2, 3))
    assert layer(mg.randn(1, 3, 4, 5)).shape == (1, 2, 7, 9)
    assert gradcheck(lambda a, k: conv.conv_transpose2d(a, k, **settings),
                     (mg.tensor(x[:1, :, :3, :3], requires_grad=True), mg.tensor(w, requires_grad=True)))


def test_conv2d_takes_padding_same_and_valid_as_pytorch():
    """padding="same" pads d (k - 1) per axis, the odd element behind (kernel (2, 3), dilation (1, 2):
    0 in front and 1 behind along H, 2 and 2 along W); "valid" is no padding."""
    x = np.sin(np.arange(2 * 2 * 5 * 6, dtype=np.float64).reshape(2, 2, 5, 6))
    w = np.cos(np.arange(3 * 2 * 2 * 3, dtype=np.float64).reshape(3, 2, 2, 3))
    same = conv.conv2d(mg.tensor(x), mg.tensor(w), padding="same", dilation=(1, 2))
    padded = np.pad(x, ((0, 0), (0, 0), (0, 1), (2, 2)))
    want = conv2d_reference(padded, w, None, (1, 1), (0, 0), (1, 2))
    assert same.shape == x.shape[:1] + (3,) + x.shape[2:]
    np.testing.assert_allclose(same.numpy(), want, rtol=1e-12, atol=1e-12)
    # PyTorch 2.14.1's F.conv2d(x, w, padding="same", dilation=(1, 2))[1, 2, 4], the row the odd pad reaches
    np.testing.assert_allclose(same.numpy()[1, 2, 4], [1.0448204686, -0.416708874968, -1.063029695398,
                                                       -1.127775342254, -1.218352669466, 0.057779368464], atol=1e-11)
    valid = conv.conv2d(mg.tensor(x), mg.tensor(w), padding="valid")
    np.testing.assert_allclose(valid.numpy(), conv2d_reference(x, w, None, (1, 1), (0, 0), (1, 1)), rtol=1e-12,
                               atol=1e-12)
    layer = nn.Conv2d(2, 3, (2, 3), padding="same", padding_mode="reflect", dtype=np.float64)
    assert layer(mg.tensor(x)).shape == (2, 3, 5, 6) and layer.padding == "same"
    assert repr(layer) == "Conv2d(2, 3, kernel_size=(2, 3), stride=(1, 1), padding=same, padding_mode=reflect)"
    assert gradcheck(lambda a, k: conv.conv2d(a, k, padding="same", dilation=(1, 2)),
                     (mg.tensor(x[:1, :, :3, :4], requires_grad=True), mg.tensor(w, requires_grad=True)))
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        nn.Conv2d(2, 3, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        conv.conv2d(mg.tensor(x), mg.tensor(w), padding="same", stride=2)
    with pytest.raises(ValueError, match="invalid padding string 'full'"):
        nn.Conv2d(2, 3, 3, padding="full")
