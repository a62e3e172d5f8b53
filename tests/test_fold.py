"""F.unfold, F.fold, nn.Unfold and nn.Fold against a NumPy loop written out here (each column one
window, channel-major, taps in row-major order), PyTorch 2.14's values and reprs written out by
hand, the adjoint identity <unfold(x), c> = <x, fold(c)>, finite differences, and one clear line
for each bad argument."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck, gradgradcheck


def unfold_by_hand(x, kernel, dilation, padding, stride):
    """(N, C kh kw, L): column l = window (l // OW, l % OW), row c kh kw + i kw + j = its tap (i, j)."""
    n, c, h, w = x.shape
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = kernel, dilation, padding, stride
    padded = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
    padded[:, :, ph:ph + h, pw:pw + w] = x
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c * kh * kw, oh * ow))
    for b, ch, i, j, p, q in np.ndindex(n, c, kh, kw, oh, ow):
        out[b, ch * kh * kw + i * kw + j, p * ow + q] = padded[b, ch, p * sh + i * dh, q * sw + j * dw]
    return out


@given(data=st.data())
def test_unfold_matches_the_loop_and_fold_is_its_adjoint(data):
    draw = lambda low, high: (data.draw(st.integers(low, high)), data.draw(st.integers(low, high)))  # noqa: E731
    kernel, dilation, padding, stride = draw(1, 3), draw(1, 2), draw(0, 2), draw(1, 2)
    h, w = (data.draw(st.integers(max(dilation[a] * (kernel[a] - 1) + 1 - 2 * padding[a], 1), 6)) for a in range(2))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    a = rng.standard_normal((2, 3, h, w))
    cols = F.unfold(minigan.tensor(a), kernel, dilation, padding, stride)
    expected = unfold_by_hand(a, kernel, dilation, padding, stride)
    np.testing.assert_array_equal(cols.numpy(), expected)
    c = rng.standard_normal(expected.shape)
    back = F.fold(minigan.tensor(c), (h, w), kernel, dilation, padding, stride)
    assert back.shape == a.shape
    np.testing.assert_allclose(np.sum(expected * c), np.sum(a * back.numpy()), rtol=1e-12)


def test_values_and_reprs_as_pytorch():
    x = minigan.arange(2 * 3 * 4 * 5.0).reshape(2, 3, 4, 5)
    # PyTorch 2.14: F.unfold(torch.arange(120.).reshape(2, 3, 4, 5), 2)[1, :, 0]
    assert F.unfold(x, 2)[1, :, 0].tolist() == [60, 61, 65, 66, 80, 81, 85, 86, 100, 101, 105, 106]
    # F.fold(torch.ones(1, 4, 12), (4, 5), 2)[0, 0]: how many windows cover each pixel
    assert F.fold(minigan.ones(1, 4, 12), (4, 5), 2)[0, 0].tolist() == [
        [1, 2, 2, 2, 1], [2, 4, 4, 4, 2], [2, 4, 4, 4, 2], [1, 2, 2, 2, 1]]
    assert F.unfold(x[0], 2).shape == (12, 12) and F.fold(minigan.ones(12, 12), (4, 5), 2).shape == (3, 4, 5)
    assert F.unfold(x, 2, padding=3).shape == (2, 12, 90)
    assert repr(nn.Unfold(2)) == "Unfold(kernel_size=2, dilation=1, padding=0, stride=1)"
    assert repr(nn.Fold(4, 2)) == "Fold(output_size=4, kernel_size=2, dilation=1, padding=0, stride=1)"
    assert repr(nn.Unfold((2, 3), dilation=2, padding=1, stride=(1, 2))) == (
        "Unfold(kernel_size=(2, 3), dilation=2, padding=1, stride=(1, 2))")


def test_a_convolution_as_unfold_matmul_fold_and_the_gradients():
    rng = np.random.default_rng(10)
    x = minigan.tensor(rng.standard_normal((2, 3, 5, 6)), requires_grad=True)
    w = minigan.tensor(rng.standard_normal((4, 3, 3, 2)), requires_grad=True)
    cols = nn.Unfold((3, 2), padding=1)(x)  # (2, 18, L)
    y = (w.reshape(4, -1) @ cols).reshape(2, 4, 5, 7)
    np.testing.assert_allclose(y.numpy(), F.conv2d(x, w, padding=1).numpy(), rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda t: F.unfold(t, (2, 3), dilation=(2, 1), stride=2), [x]).ok
    c = minigan.tensor(rng.standard_normal((2, 8, 18)), requires_grad=True)
    assert gradgradcheck(lambda t: nn.Fold((4, 5), 2, stride=(1, 1), padding=(0, 1))(t) ** 2, [c]).ok


@pytest.mark.parametrize("call, kind, message", [
    (lambda: F.unfold(minigan.zeros(4, 5), 2), ValueError, r"unfold: expected input of shape \(N, C, H, W\) or \(C, H, W\)"),
    (lambda: F.unfold(minigan.zeros(2, 3, 4, 5), 7), ValueError, r"no window place \(the blocks would be -2 x -1\)"),
    (lambda: F.unfold(minigan.zeros(2, 3, 4, 5), 0), ValueError, r"kernel_size must be at least 1, got 0"),
    (lambda: F.unfold(minigan.zeros(2, 3, 4, 5), 2, stride=0), ValueError, r"stride must be at least 1"),
    (lambda: F.unfold(minigan.zeros(2, 3, 4, 5), (2, 2, 2)), ValueError, r"kernel_size must be an int or a pair"),
    (lambda: F.fold(minigan.zeros(2, 12, 12), (4, 4), 2), ValueError,
     r"output_size=\(4, 4\) with kernel_size=\(2, 2\).* has 3 x 3 window places, but the input has 12 columns"),
    (lambda: F.fold(minigan.zeros(2, 10, 12), (4, 5), 2), ValueError,
     r"input's dimension 1 \(10\) must be divisible by the product of kernel_size \(2, 2\) \(4\)"),
    (lambda: F.fold(minigan.zeros(12), (4, 5), 2), ValueError, r"fold: expected input of shape"),
    (lambda: F.fold(minigan.zeros(1, 4, 1), (1, 1), 2), ValueError, r"has 0 x 0 window places"),
    (lambda: nn.Fold((4, 5, 1), 2), ValueError, r"output_size must be an int or a pair"),
])
def test_bad_arguments_are_one_line(call, kind, message):
    with pytest.raises(kind, match=message) as error:
        call()
    assert "\n" not in str(error.value)
