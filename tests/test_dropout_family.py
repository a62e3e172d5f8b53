"""The dropout family (F.dropout1d/2d/3d, F.alpha_dropout, F.feature_alpha_dropout and their Modules)
against NumPy written out here: the masks drawn from the same generator state (one uniform draw per
unit, kept where it is >= p), the closed forms of the scaling and of alpha dropout's affine
correction, PyTorch's values written out, and the statistics alpha dropout exists to keep."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F

SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
FLOOR = -SELU_ALPHA * SELU_SCALE  # where SELU saturates

# (function, Module, input shape, the dims that get one draw each)
CHANNEL_CASES = [
    (F.dropout1d, nn.Dropout1d, (3, 4, 5), (0, 1)),
    (F.dropout1d, nn.Dropout1d, (4, 5), (0,)),  # unbatched (C, L)
    (F.dropout2d, nn.Dropout2d, (2, 3, 4, 5), (0, 1)),
    (F.dropout3d, nn.Dropout3d, (2, 3, 2, 2, 2), (0, 1)),
    (F.dropout3d, nn.Dropout3d, (6, 2, 2, 2), (0,)),  # unbatched (C, D, H, W)
]


def keep_by_hand(shape: tuple[int, ...], dims: tuple[int, ...], p: float, seed: int) -> np.ndarray:
    """The keep mask a fresh default_rng(seed) gives: one draw per index along dims, broadcastable to shape."""
    draws = np.random.default_rng(seed).random(tuple(shape[d] for d in dims))
    mask_shape = tuple(shape[d] if d in dims else 1 for d in range(len(shape)))
    return (draws >= p).reshape(mask_shape)


def alpha_by_hand(x: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    q = 1.0 - p
    a = (q + FLOOR**2 * p * q) ** -0.5  # 1 / the standard deviation of keep·x + FLOOR·(1 - keep)
    b = -a * FLOOR * p  # minus a times its mean
    return np.where(keep, a * x + b, a * FLOOR + b)


def _x(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape) + 3.0  # no zeros of its own


@pytest.mark.parametrize("function, module, shape, dims", CHANNEL_CASES,
                         ids=[f"{c[0].__name__}-{len(c[2])}d" for c in CHANNEL_CASES])
def test_channel_dropout_values_and_gradient_against_numpy(function, module, shape, dims):
    x = _x(*shape)
    t = minigan.tensor(x, requires_grad=True)
    out = function(t, 0.4, rng=np.random.default_rng(5))
    keep = keep_by_hand(shape, dims, 0.4, 5)
    assert 0 < keep.sum() < keep.size
    np.testing.assert_allclose(out.array, x * keep / 0.6, rtol=1e-15)
    upstream = np.random.default_rng(1).standard_normal(shape)
    (out * minigan.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(t.grad.array, upstream * keep / 0.6, rtol=1e-15)
    # the Module calls the function: the same seed gives the same mask
    layer = module(0.4, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(layer(minigan.tensor(x)).array, out.array)


@pytest.mark.parametrize("function, module, shape, dims", CHANNEL_CASES,
                         ids=[f"{c[0].__name__}-{len(c[2])}d" for c in CHANNEL_CASES])
def test_function_and_module_draw_the_same_mask_from_the_seeded_generator(function, module, shape, dims):
    x = minigan.tensor(_x(*shape).astype(np.float32))
    minigan.manual_seed(9)
    a = function(x, 0.5)
    minigan.manual_seed(9)
    b = module(0.5)(x)
    np.testing.assert_array_equal(a.array, b.array)
    assert a.dtype == np.float32
    minigan.manual_seed(9)
    expected = np.random.default_rng(9).random(tuple(shape[d] for d in dims)) >= 0.5  # manual_seed's generator
    np.testing.assert_array_equal(np.any(function(x, 0.5).array != 0, axis=tuple(range(len(dims), len(shape)))),
                                  expected)


@pytest.mark.parametrize("function", [F.dropout1d, F.dropout2d, F.dropout3d, F.alpha_dropout,
                                      F.feature_alpha_dropout])
def test_identity_when_not_training_or_p_zero_and_zeros_at_p_one(function):
    shape = {F.dropout3d: (2, 3, 2, 2, 2), F.dropout2d: (2, 3, 4, 2)}.get(function, (2, 3, 4))
    x = minigan.tensor(_x(*shape))
    assert function(x, 0.5, training=False) is x
    assert function(x, 0.0, training=True) is x
    np.testing.assert_array_equal(function(x, 1.0, training=True).array, np.zeros(shape))


def test_modules_are_the_identity_in_eval_mode_and_print_as_pytorch():
    for module, shape in ((nn.Dropout1d, (2, 3, 4)), (nn.Dropout2d, (2, 3, 4, 5)), (nn.Dropout3d, (2, 3, 2, 2, 2)),
                          (nn.AlphaDropout, (2, 3)), (nn.FeatureAlphaDropout, (2, 3, 4))):
        x = minigan.tensor(_x(*shape))
        layer = module(0.3)
        layer.eval()
        assert layer(x) is x
        assert repr(module(0.2, True)) == f"{module.__name__}(p=0.2, inplace=True)"
    assert repr(nn.Dropout1d()) == "Dropout1d(p=0.5, inplace=False)"


def test_alpha_dropout_matches_the_closed_form_and_pytorchs_values():
    x = np.random.default_rng(2).standard_normal((6, 7))
    t = minigan.tensor(x, requires_grad=True)
    out = F.alpha_dropout(t, 0.3, training=True, rng=np.random.default_rng(8))
    keep = np.random.default_rng(8).random((6, 7)) >= 0.3
    np.testing.assert_allclose(out.array, alpha_by_hand(x, keep, 0.3), rtol=1e-14, atol=1e-15)
    out.sum().backward()
    a = (0.7 + FLOOR**2 * 0.3 * 0.7) ** -0.5
    np.testing.assert_allclose(t.grad.array, a * keep, rtol=1e-15)
    # PyTorch 2.14.1, F.alpha_dropout(torch.zeros(10000, dtype=float64), 0.3, True): the two values it takes
    zeros = F.alpha_dropout(minigan.zeros(1000, dtype=minigan.float64), 0.3, True, rng=np.random.default_rng(0))
    np.testing.assert_allclose(np.unique(zeros.array), [-1.0595481589864801, 0.4540920681370629], rtol=1e-14)
    assert F.alpha_dropout(t, 0.3) is t  # training defaults to False, as PyTorch's


def test_feature_alpha_dropout_sets_whole_maps_to_the_floor():
    x = np.random.default_rng(3).standard_normal((4, 5, 3, 2))
    out = F.feature_alpha_dropout(minigan.tensor(x), 0.5, True, rng=np.random.default_rng(4))
    keep = keep_by_hand(x.shape, (0, 1), 0.5, 4)
    np.testing.assert_allclose(out.array, alpha_by_hand(x, keep, 0.5), rtol=1e-14, atol=1e-15)
    # PyTorch's value for a dropped map at p = 0.5 (to the 4 digits it prints): -0.7792, a kept 0 is +0.7792
    np.testing.assert_allclose(alpha_by_hand(np.zeros(2), np.array([False, True]), 0.5), [-0.7792, 0.7792], atol=5e-5)
    minigan.manual_seed(1)
    a = nn.FeatureAlphaDropout(0.5)(minigan.tensor(x))
    minigan.manual_seed(1)
    np.testing.assert_array_equal(a.array, F.feature_alpha_dropout(minigan.tensor(x), 0.5, True).array)


@pytest.mark.parametrize("p", [0.1, 0.3, 0.6])
def test_alpha_dropout_keeps_mean_zero_and_variance_one_on_selu_normal_input(p):
    """What alpha dropout is for: on input of mean 0 and variance 1 the output keeps both. With 400,000
    draws the sampling error of the mean is about 0.0016 and of the variance about 0.003; the
    uncorrected keep·x + floor·(1 - keep) is off by |floor|·p >= 0.17 in the mean."""
    x = np.random.default_rng(10).standard_normal(400_000)
    out = F.alpha_dropout(minigan.tensor(x), p, True, rng=np.random.default_rng(11)).array
    assert abs(out.mean()) < 0.008 and abs(out.var() - 1.0) < 0.015
    features = F.feature_alpha_dropout(minigan.tensor(x.reshape(2000, 200, 1)), p, True,
                                       rng=np.random.default_rng(12)).array
    assert abs(features.mean()) < 0.008 and abs(features.var() - 1.0) < 0.015
    keep = np.random.default_rng(11).random(x.shape) >= p
    assert abs(np.where(keep, x, FLOOR).mean()) > 0.17  # the check above would catch a missing correction


def test_bad_inputs_get_one_clear_line():
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a 4D input"):
        F.dropout1d(minigan.ones(2, 3, 4, 5))
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        F.dropout2d(minigan.ones(3))
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        F.feature_alpha_dropout(minigan.ones(3), 0.5, True)
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d, which is deprecated"):
        out = F.dropout3d(minigan.ones(4, 3, 2), 0.5, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(out.array, np.broadcast_to(keep_by_hand((4, 3, 2), (0,), 0.5, 0) * 2.0, (4, 3, 2)))
    with pytest.warns(UserWarning, match="Received a 5-D input to dropout2d"):
        F.dropout2d(minigan.ones(2, 3, 2, 2, 2))
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, but got {bad}"):
            F.alpha_dropout(minigan.ones(3), bad)
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            nn.Dropout3d(bad)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        nn.AlphaDropout(0.5, rng=3)
    with pytest.raises(TypeError, match="dropout1d: input must be a Tensor, got list"):
        F.dropout1d([[1.0, 2.0]])


@given(st.data())
def test_property_channel_and_alpha_dropout_equal_numpy(data):
    kind = data.draw(st.sampled_from(["dropout2d", "feature_alpha_dropout", "alpha_dropout"]))
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=2, max_size=4)))
    p = data.draw(st.floats(0.05, 0.95))
    seed = data.draw(st.integers(0, 2**16))
    x = np.random.default_rng(seed + 1).standard_normal(shape)
    with np.errstate(all="raise"):
        if kind == "dropout2d" and len(shape) != 4:
            with pytest.warns(UserWarning):
                out = F.dropout2d(minigan.tensor(x), p, rng=np.random.default_rng(seed))
        else:
            out = getattr(F, kind)(minigan.tensor(x), p, True, rng=np.random.default_rng(seed))
        dims = tuple(range(len(shape))) if kind == "alpha_dropout" else (0, 1)
        keep = keep_by_hand(shape, dims, p, seed)
        expected = x * keep / (1 - p) if kind == "dropout2d" else alpha_by_hand(x, keep, p)
    np.testing.assert_allclose(out.array, expected, rtol=1e-13, atol=1e-14)
    assert math.isfinite(float(out.array.sum()))
