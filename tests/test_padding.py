"""F.pad, the padding layers and pixel shuffle, against independent references: NumPy's np.pad (the
same four modes under other names) for values, the index map np.pad gives for gradients, PyTorch
2.14's values written out by hand for negative widths and the integer and layer cases, and one clear
line for each bad argument, with PyTorch's error kinds."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck

NUMPY_MODE = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def numpy_widths(ndim: int, pad: tuple[int, ...]) -> list[tuple[int, int]]:
    """PyTorch's pad tuple (last axis first) as np.pad's per-axis pairs."""
    pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)]
    return [(0, 0)] * (ndim - len(pairs)) + pairs[::-1]


@st.composite
def padded_inputs(draw):
    """A mode, a shape whose last 1-3 axes are padded (with the batch axis or without) and
    non-negative widths within PyTorch's limits for that mode."""
    mode = draw(st.sampled_from(sorted(NUMPY_MODE)))
    axes = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=axes + 1, max_size=axes + 2)))
    pad = []
    for k in range(axes):
        n = shape[len(shape) - 1 - k]
        top = {"reflect": n - 1, "circular": n}.get(mode, 3)
        pad += [draw(st.integers(0, top)), draw(st.integers(0, top))]
    return mode, shape, tuple(pad)


@given(case=padded_inputs(), data=st.data())
def test_pad_matches_numpy_pad_and_its_index_map(case, data):
    mode, shape, pad = case
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    a = rng.standard_normal(shape)
    x = minigan.tensor(a, requires_grad=True)
    y = F.pad(x, pad, mode=mode)
    widths = numpy_widths(len(shape), pad)
    np.testing.assert_array_equal(y.numpy(), np.pad(a, widths, mode=NUMPY_MODE[mode]))
    # the gradient: each output's upstream value added to the input place it was read from
    g = rng.standard_normal(y.shape)
    y.backward(minigan.tensor(g))
    if mode == "constant":
        source = np.pad(np.arange(a.size).reshape(shape), widths, constant_values=-1)
    else:
        source = np.pad(np.arange(a.size).reshape(shape), widths, mode=NUMPY_MODE[mode])
    read = source >= 0
    expected = np.bincount(source[read], weights=g[read], minlength=a.size).reshape(shape)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12, atol=1e-12)


# PyTorch 2.14's F.pad(torch.arange(6.).reshape(1, 1, 6), pad, mode), written out
NEGATIVE_WIDTHS = {
    ("reflect", (-1, 1)): [1, 2, 3, 4, 5, 4], ("reflect", (-2, 3)): [2, 3, 4, 5, 4, 3, 2],
    ("reflect", (3, -2)): [3, 2, 1, 0, 1, 2, 3], ("reflect", (-6, 1)): [4], ("reflect", (-7, 2)): [3],
    ("reflect", (2, -5)): [2, 1, 0], ("reflect", (5, -5)): [5, 4, 3, 2, 1, 0],
    ("replicate", (-2, 3)): [2, 3, 4, 5, 5, 5, 5], ("replicate", (3, -2)): [0, 0, 0, 0, 1, 2, 3],
    ("replicate", (-6, 1)): [5], ("replicate", (2, -5)): [0, 0, 0],
    ("circular", (-1, 1)): [1, 2, 3, 4, 5, 1], ("circular", (-2, 3)): [2, 3, 4, 5, 2, 3, 4],
    ("circular", (3, -2)): [1, 2, 3, 0, 1, 2, 3], ("circular", (-3, -2)): [3],
    ("constant", (-1, 1)): [1, 2, 3, 4, 5, 0], ("constant", (3, -2)): [0, 0, 0, 0, 1, 2, 3],
    ("constant", (-6, 1)): [0], ("constant", (-5, -1)): [], ("constant", (-5, 5)): [5, 0, 0, 0, 0, 0],
}


@pytest.mark.parametrize("mode, pad", sorted(NEGATIVE_WIDTHS))
def test_negative_widths_crop_as_pytorch(mode, pad):
    x = minigan.arange(6.0).reshape(1, 1, 6)
    assert F.pad(x, pad, mode=mode).tolist() == [[NEGATIVE_WIDTHS[mode, pad]]]


def test_crop_then_pad_gradient_is_checked():
    x = minigan.tensor(np.random.default_rng(1).standard_normal((2, 3, 5)), requires_grad=True)
    for mode in ("constant", "reflect", "replicate", "circular"):
        assert gradcheck(lambda t: F.pad(t, (-2, 3, 1, -1), mode=mode), [x]).ok


def test_value_and_dtypes():
    x = minigan.tensor([[1, 2], [3, 4]])  # int64: PyTorch truncates the value toward 0
    assert F.pad(x, (1, 1), value=2.7).tolist() == [[2, 1, 2, 2], [2, 3, 4, 2]]
    assert F.pad(x, (0, 1), value=-2.7).tolist() == [[1, 2, -2], [3, 4, -2]]
    assert F.pad(x, (1, 0), mode="reflect").tolist() == [[2, 1, 2], [4, 3, 4]]
    assert F.pad(x, (0, 0, 1, 0), value=None).tolist() == [[0, 0], [1, 2], [3, 4]]  # None: 0, as PyTorch
    f32 = minigan.ones(2, 3)
    y = F.pad(f32, [1, 2], value=float("nan"))  # a list works too
    assert y.dtype == np.float32 and y.shape == (2, 6) and np.isnan(y.numpy()[:, 0]).all()
    assert F.pad(minigan.ones(2, 3), (1, 1), mode="reflect", value=0.0).shape == (2, 5)  # value 0 is allowed


@pytest.mark.parametrize("call, kind, message", [
    (lambda x: F.pad(x, (1,)), RuntimeError, r"Padding length must be divisible by 2"),
    (lambda x: F.pad(x, (1,) * 8), RuntimeError, r"less than or equal to two times the input dimension but got "
                                                  r"padding length 8 and input of dimension 3"),
    (lambda x: F.pad(x, (1.5, 1)), TypeError, r"must be a tuple of ints, but found element of type float at pos 0"),
    (lambda x: F.pad(x, 1), TypeError, r"must be a tuple of ints, not int"),
    (lambda x: F.pad(x, (1, 1), mode="foo"), NotImplementedError, r"Unrecognised padding mode foo"),
    (lambda x: F.pad(x, (6, 1), mode="reflect"), RuntimeError,
     r"Padding size should be less than the corresponding input dimension, but got: padding \(6, 1\) at "
     r"dimension 2 of input \[1, 2, 6\]"),
    (lambda x: F.pad(x, (7, 1), mode="circular"), RuntimeError, r"Padding value causes wrapping around more than once"),
    (lambda x: F.pad(x, (1, 1), mode="reflect", value=2.0), RuntimeError,
     r'Padding mode "reflect" doesn\'t take in value argument'),
    (lambda x: F.pad(x[0, 0], (1, 1), mode="replicate"), NotImplementedError,
     r"Padding size 2 is not supported for 1D input tensor"),
    (lambda x: F.pad(x, (1,) * 6, mode="reflect"), NotImplementedError,
     r"Padding size 6 is not supported for 3D input tensor"),
    (lambda x: F.pad(x, (-5, -1), mode="replicate"), RuntimeError, r"is too small: padding \(-5, -1\) leaves 0"),
    (lambda x: F.pad(x, (-7, 2)), RuntimeError, r"cropping \(-7, 2\) takes more than axis 2"),
    (lambda x: F.pad(x.numpy(), (1, 1)), TypeError, r"expected a Tensor input, got ndarray"),
])
def test_bad_arguments_are_one_line(call, kind, message):
    x = minigan.zeros(1, 2, 6)
    with pytest.raises(kind, match=message) as error:
        call(x)
    assert "\n" not in str(error.value)


def test_layers_and_their_reprs_as_pytorch():
    assert repr(nn.ReflectionPad2d(2)) == "ReflectionPad2d((2, 2, 2, 2))"
    assert repr(nn.ZeroPad2d((1, 2, 3, 4))) == "ZeroPad2d((1, 2, 3, 4))"
    assert repr(nn.ConstantPad1d(2, 3.5)) == "ConstantPad1d(padding=(2, 2), value=3.5)"
    assert repr(nn.ReplicationPad1d((1, 2))) == "ReplicationPad1d((1, 2))"
    assert nn.CircularPad2d(1).padding == (1, 1, 1, 1) and nn.ZeroPad2d(1).value == 0.0
    a = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    x = minigan.tensor(a)
    for layer, mode, pad in ((nn.ReflectionPad2d((1, 2, 2, 1)), "reflect", (1, 2, 2, 1)),
                             (nn.ReplicationPad1d(3), "edge", (3, 3)), (nn.CircularPad2d(1), "wrap", (1,) * 4),
                             (nn.ConstantPad3d(1, -1.0), "constant", (1,) * 6)):
        kwargs = {"constant_values": -1.0} if mode == "constant" else {}
        y = layer(x[None] if isinstance(layer, nn.ConstantPad3d) else x)
        source = a[None] if isinstance(layer, nn.ConstantPad3d) else a
        np.testing.assert_array_equal(y.numpy(), np.pad(source, numpy_widths(source.ndim, pad), mode=mode, **kwargs))
        assert y.dtype == np.float32
    # CycleGAN's first block: ReflectionPad2d(3) then a 7x7 convolution keeps the size
    block = nn.Sequential(nn.ReflectionPad2d(3), nn.Conv2d(3, 4, 7))
    assert block(minigan.randn(2, 3, 16, 16)).shape == (2, 4, 16, 16)
    with pytest.raises(ValueError, match=r"ReflectionPad2d: padding must be an int or a tuple of 4 ints, got \(1, 2, 3\)"):
        nn.ReflectionPad2d((1, 2, 3))
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 4D input tensor"):
        nn.ReflectionPad1d(2)(minigan.zeros(1, 1, 4, 4))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv2d_padding_modes_pad_first(mode):
    conv = nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 2), padding_mode=mode, dtype=np.float64)
    a = np.random.default_rng(4).standard_normal((2, 3, 6, 7))
    padded = minigan.tensor(np.pad(a, [(0, 0), (0, 0), (1, 1), (2, 2)], mode=NUMPY_MODE[mode]))
    expected = F.conv2d(padded, conv.weight, conv.bias, stride=(2, 1)).numpy()
    np.testing.assert_allclose(conv(minigan.tensor(a)).numpy(), expected, rtol=1e-12, atol=1e-12)
    # PyTorch 2.14's repr
    assert repr(conv) == f"Conv2d(3, 4, kernel_size=(3, 2), stride=(2, 1), padding=(1, 2), padding_mode={mode})"
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        nn.ConvTranspose2d(3, 4, 3, padding_mode=mode)
    with pytest.raises(ValueError, match=r"Conv2d: padding_mode must be one of \('zeros', 'reflect'"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")


# ------------------------------------------------------------------ pixel shuffle
def test_pixel_shuffle_values_as_pytorch():
    x = minigan.arange(2 * 8 * 2 * 3.0).reshape(2, 8, 2, 3)
    y = F.pixel_shuffle(x, 2)
    assert y.shape == (2, 2, 4, 6)
    # PyTorch 2.14: F.pixel_shuffle(torch.arange(96.).reshape(2, 8, 2, 3), 2)[1, 1]
    assert y[1, 1].tolist() == [[72, 78, 73, 79, 74, 80], [84, 90, 85, 91, 86, 92],
                                [75, 81, 76, 82, 77, 83], [87, 93, 88, 94, 89, 95]]
    # the rule written out: out[..., c, h r + i, w r + j] = in[..., c r^2 + i r + j, h, w]
    a, r = x.numpy(), 2
    for c, h, w, i, j in np.ndindex(2, 2, 3, r, r):
        assert y.numpy()[0, c, h * r + i, w * r + j] == a[0, c * r * r + i * r + j, h, w]
    assert np.array_equal(F.pixel_unshuffle(y, 2).numpy(), a)
    assert F.pixel_shuffle(minigan.zeros(2, 2, 2, 4, 3, 3), 2).shape == (2, 2, 2, 1, 6, 6)
    assert F.pixel_unshuffle(minigan.zeros(4, 6, 2), 2).shape == (16, 3, 1)


def test_pixel_shuffle_layers_and_gradient():
    assert repr(nn.PixelShuffle(3)) == "PixelShuffle(upscale_factor=3)"
    assert repr(nn.PixelUnshuffle(2)) == "PixelUnshuffle(downscale_factor=2)"
    x = minigan.tensor(np.random.default_rng(2).standard_normal((1, 8, 2, 3)), requires_grad=True)
    assert gradcheck(nn.PixelShuffle(2), [x]).ok
    # SRGAN's upsampling block: a convolution to 4x the channels, then PixelShuffle(2)
    up = nn.Sequential(nn.Conv2d(3, 12, 3, padding=1), nn.PixelShuffle(2), nn.LeakyReLU(0.2))
    assert up(minigan.randn(2, 3, 5, 5)).shape == (2, 3, 10, 10)


@pytest.mark.parametrize("call, kind, message", [
    (lambda: F.pixel_shuffle(minigan.zeros(5, 3, 3), 2), RuntimeError,
     r"'channel' dimension to be divisible by the square of upscale_factor, but input.size\(-3\)=5 is not divisible by 4"),
    (lambda: F.pixel_shuffle(minigan.zeros(4, 3), 2), RuntimeError,
     r"pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension\(s\)"),
    (lambda: F.pixel_shuffle(minigan.zeros(4, 3, 3), 0), RuntimeError, "expects a positive upscale_factor, but got 0"),
    (lambda: F.pixel_shuffle(minigan.zeros(4, 3, 3), 2.0), TypeError, "argument 'upscale_factor' must be int, not float"),
    (lambda: F.pixel_unshuffle(minigan.zeros(1, 5, 4), 2), RuntimeError,
     r"expects height to be divisible by downscale_factor, but input.size\(-2\)=5 is not divisible by 2"),
    (lambda: F.pixel_unshuffle(minigan.zeros(1, 4, 5), 2), RuntimeError, r"width .* input.size\(-1\)=5"),
    (lambda: nn.PixelUnshuffle(-1), RuntimeError, "expects a positive downscale_factor, but got -1"),
])
def test_pixel_shuffle_bad_arguments(call, kind, message):
    with pytest.raises(kind, match=message) as error:
        call()
    assert "\n" not in str(error.value)


def test_on_the_test_device():
    pytest.importorskip("array_api_strict")
    a = np.random.default_rng(3).standard_normal((2, 3, 4, 5))
    x = minigan.tensor(a).to("strict")
    for mode in ("constant", "reflect", "replicate", "circular"):
        y = F.pad(x, (2, 1, -1, 3), mode=mode)
        expected = F.pad(minigan.tensor(a), (2, 1, -1, 3), mode=mode).numpy()
        np.testing.assert_array_equal(y.cpu().numpy(), expected)
    np.testing.assert_array_equal(F.pixel_shuffle(x.reshape(2, 12, 1, 5), 2).cpu().numpy(),
                                  F.pixel_shuffle(minigan.tensor(a).reshape(2, 12, 1, 5), 2).numpy())
