"""F.interpolate and nn.Upsample on (N, C, L), as PyTorch reads 3-D input: nearest, nearest-exact, linear."""
import numpy as np
import pytest

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck, gradgradcheck

SQUARES = minigan.tensor([[[0.0, 1.0, 4.0, 9.0]]], dtype=minigan.float64)


def linear_reference(x, n_out, align_corners):
    """Each output point read between its two neighbours, written out (PyTorch's source positions)."""
    n_in = x.shape[-1]
    out = np.empty(x.shape[:-1] + (n_out,))
    for o in range(n_out):
        if align_corners:
            src = o * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        else:
            src = max((o + 0.5) * n_in / n_out - 0.5, 0.0)
        low = min(int(np.floor(src)), n_in - 1)
        high, weight = min(low + 1, n_in - 1), src - low
        out[..., o] = (1 - weight) * x[..., low] + weight * x[..., high]
    return out


def test_3d_input_is_n_c_l_with_pytorch_s_values():
    # PyTorch 2.14.1's F.interpolate of [[[0, 1, 4, 9]]], written out
    np.testing.assert_allclose(F.interpolate(SQUARES, size=6, mode="linear").numpy(),
                               [[[0.0, 0.5, 1.5, 3.5, 6.5, 9.0]]], atol=1e-15)
    np.testing.assert_allclose(F.interpolate(SQUARES, size=6, mode="linear", align_corners=True).numpy(),
                               [[[0.0, 0.6, 1.6, 3.4, 6.0, 9.0]]], atol=1e-15)
    assert F.interpolate(SQUARES, scale_factor=1.5, mode="nearest").tolist() == [[[0.0, 0.0, 1.0, 4.0, 4.0, 9.0]]]
    assert F.interpolate(SQUARES, scale_factor=1.5, mode="nearest-exact").tolist() == [[[0.0, 1.0, 1.0, 4.0, 9.0, 9.0]]]
    x = minigan.randn(2, 3, 7)
    assert F.interpolate(x, scale_factor=2).shape == (2, 3, 14)
    assert nn.Upsample(size=5, mode="linear")(x).shape == (2, 3, 5)


@pytest.mark.parametrize("n_out, align_corners", [(11, False), (11, True), (4, False), (3, True), (7, False)])
def test_linear_matches_the_written_out_interpolation(n_out, align_corners):
    x = np.sin(np.arange(2 * 3 * 7, dtype=np.float64)).reshape(2, 3, 7)
    got = F.interpolate(minigan.tensor(x), size=n_out, mode="linear", align_corners=align_corners)
    np.testing.assert_allclose(got.numpy(), linear_reference(x, n_out, align_corners), rtol=1e-13, atol=1e-15)


def test_gradients_of_first_and_second_order():
    x = minigan.tensor(np.random.default_rng(1).standard_normal((2, 2, 5)), requires_grad=True)
    for kwargs in (dict(size=8, mode="linear"), dict(scale_factor=0.7, mode="linear", align_corners=True),
                   dict(scale_factor=2.5, mode="nearest-exact")):
        assert gradcheck(lambda t: F.interpolate(t, **kwargs), (x,))
        assert gradgradcheck(lambda t: F.interpolate(t, **kwargs) ** 2, (x,))


def test_bad_requests_say_what_is_wrong_as_pytorch():
    with pytest.raises(NotImplementedError, match="Got 3D input, but bilinear mode needs 4D input"):
        F.interpolate(SQUARES, size=6, mode="bilinear")
    with pytest.raises(NotImplementedError, match="Got 3D input, but trilinear mode needs 5D input"):
        F.interpolate(SQUARES, size=6, mode="trilinear")
    with pytest.raises(NotImplementedError, match="Got 4D input, but linear mode needs 3D input"):
        F.interpolate(minigan.ones(1, 1, 2, 2), size=3, mode="linear")
    with pytest.raises(ValueError, match="align_corners option can only be set with the interpolating modes"):
        F.interpolate(SQUARES, size=6, mode="nearest", align_corners=True)
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        F.interpolate(SQUARES, size=6, scale_factor=2.0)
