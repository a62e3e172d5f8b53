"""The volumetric companions of the 3-d layers: F.interpolate / nn.Upsample on (N, C, D, H, W)
("nearest", "nearest-exact", "trilinear"), F.affine_grid / F.grid_sample on volumes, and
F.lp_pool3d / nn.LPPool3d.

Checked against samplers and pools written out here one output at a time from the definitions
(Hypothesis draws the settings), closed forms (identity maps, kept sizes), and PyTorch 2.14.1's
values written out by hand (run outside this repository on the inputs below, float64). The
gradients are checked against finite differences, first and second order, by the registry's rows
in minigan/gradcheck/volumetric_cases.py."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck


def T(a, grad=False):
    return minigan.tensor(np.asarray(a, dtype=np.float64), dtype=np.float64, requires_grad=grad)


# ------------------------------------------------------------------ references, one output at a time
def source_index(o, n_in, n_out, factor, mode, align_corners):
    """Where output index o reads along one axis, by PyTorch's rules: the step is 1/factor when a
    factor is given, else in/out; "nearest" floors o * step and "nearest-exact" (o + 1/2) * step,
    both in float32; linear reads (o + 1/2) step - 1/2 (at least 0), or o (in - 1)/(out - 1) with
    align_corners, and copies an axis whose size is kept."""
    if mode in ("nearest", "nearest-exact"):
        step = np.float32(1 / factor) if factor else np.float32(n_in) / np.float32(n_out)
        point = np.float32(o) * step if mode == "nearest" else np.float32((o + 0.5) * float(step))
        return min(int(math.floor(point)), n_in - 1)
    if align_corners:
        return o * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    if n_in == n_out:
        return float(o)
    step = 1 / factor if factor else n_in / n_out
    return max((o + 0.5) * step - 0.5, 0.0)


def interpolate_by_hand(x, out, factors, mode, align_corners):
    n, c, *size = x.shape
    y = np.zeros((n, c, *out))
    for od, oh, ow in np.ndindex(*out):
        points = [source_index(o, a, b, f, mode, align_corners)
                  for o, a, b, f in zip((od, oh, ow), size, out, factors)]
        if mode != "trilinear":
            y[:, :, od, oh, ow] = x[:, :, points[0], points[1], points[2]]
            continue
        for corner in np.ndindex(2, 2, 2):  # 8 corners, each weighted by the opposite box's volume
            weight, index = 1.0, []
            for p, side, s in zip(points, corner, size):
                low = min(int(math.floor(p)), s - 1)
                t = p - low
                index.append(min(low + side, s - 1))
                weight *= t if side else 1 - t
            y[:, :, od, oh, ow] += weight * x[:, :, index[0], index[1], index[2]]
    return y


def voxel(volume, z, y, x):
    d, h, w = volume.shape
    return volume[int(z), int(y), int(x)] if 0 <= z < d and 0 <= y < h and 0 <= x < w else 0.0


def pad(coordinate, size, padding_mode, align_corners):
    if padding_mode == "border":
        return min(max(coordinate, 0), size - 1)
    if padding_mode == "reflection":
        low, high = (0, size - 1) if align_corners else (-0.5, size - 0.5)
        if low == high:
            return 0.0
        distance = abs(coordinate - low)
        folds, extra = divmod(distance, high - low)
        return min(max(low + extra if folds % 2 == 0 else high - extra, 0), size - 1)
    return coordinate


def sample_by_hand(volume, grid, mode, padding_mode, align_corners):
    """grid_sample of each (D, H, W) channel at each point (x, y, z), written out."""
    n, c, *size = volume.shape
    out = np.zeros((n, c) + grid.shape[1:4])
    for b, i, j, k in np.ndindex(n, *grid.shape[1:4]):
        point = []
        for coordinate, s in zip(grid[b, i, j, k][::-1], size):  # (z, y, x) against (D, H, W)
            p = (coordinate + 1) / 2 * (s - 1) if align_corners else ((coordinate + 1) * s - 1) / 2
            point.append(pad(p, s, padding_mode, align_corners))
        for ch in range(c):
            if mode == "nearest":
                out[b, ch, i, j, k] = voxel(volume[b, ch], *(np.round(p) for p in point))
                continue
            low = [math.floor(p) for p in point]
            for corner in np.ndindex(2, 2, 2):
                weight = np.prod([p - lo if side else lo + 1 - p for p, lo, side in zip(point, low, corner)])
                out[b, ch, i, j, k] += weight * voxel(volume[b, ch], *(lo + side for lo, side in zip(low, corner)))
    return out


def lp_pool_by_hand(x, p, kernel, stride, ceil_mode):
    n, c, *size = x.shape
    out = []
    for s, k, st_ in zip(size, kernel, stride):
        count = (s - k + (st_ - 1 if ceil_mode else 0)) // st_ + 1
        if ceil_mode and (count - 1) * st_ >= s:
            count -= 1
        out.append(count)
    y = np.zeros((n, c, *out))
    for idx in np.ndindex(*out):
        window = x[(slice(None), slice(None)) + tuple(slice(i * s, i * s + k) for i, s, k in zip(idx, stride, kernel))]
        places = window.shape[2] * window.shape[3] * window.shape[4]
        powers = window ** p
        total = powers.mean(axis=(2, 3, 4)) * np.prod(kernel) if places < np.prod(kernel) else powers.sum(axis=(2, 3, 4))
        y[(slice(None), slice(None)) + idx] = total ** (1 / p)
    return y


# ------------------------------------------------------------------ interpolation
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_interpolate_matches_the_sampler_written_out(data):
    size = data.draw(st.tuples(*[st.integers(1, 4)] * 3), label="input size")
    mode = data.draw(st.sampled_from(["nearest", "nearest-exact", "trilinear"]))
    align = data.draw(st.sampled_from([None, False, True])) if mode == "trilinear" else None
    x = np.random.default_rng(data.draw(st.integers(0, 99))).standard_normal((2, 2) + size)
    if data.draw(st.booleans(), label="by size"):
        out = data.draw(st.tuples(*[st.integers(1, 6)] * 3), label="output size")
        y = F.interpolate(T(x), size=out, mode=mode, align_corners=align)
        factors = (None,) * 3
    else:
        factors = data.draw(st.tuples(*[st.sampled_from([0.5, 1.0, 1.3, 2.0, 2.5, 3.0])] * 3), label="factors")
        out = tuple(int(math.floor(s * f)) for s, f in zip(size, factors))
        if min(out) < 1:
            return
        recompute = data.draw(st.booleans(), label="recompute_scale_factor")
        y = F.interpolate(T(x), scale_factor=factors, mode=mode, align_corners=align, recompute_scale_factor=recompute)
        factors = (None,) * 3 if recompute else factors
    np.testing.assert_allclose(y.numpy(), interpolate_by_hand(x, out, factors, mode, bool(align)), rtol=1e-12, atol=1e-12)


def test_interpolate_gives_pytorchs_values_and_gradients():
    # PyTorch 2.14.1, float64. A kept axis (H here, factor 1.0) is copied; W's factor 1.3 reads
    # (o + 1/2)/1.3 - 1/2.
    x = T(np.arange(12.0).reshape(1, 1, 2, 2, 3) ** 2 / 7, grad=True)
    y = F.interpolate(x, scale_factor=(1.5, 1.0, 1.3), mode="trilinear")
    assert y.shape == (1, 1, 3, 2, 3)
    np.testing.assert_allclose(y.numpy().ravel(), [
        0.0, 0.14285714285714285, 0.5714285714285714, 1.2857142857142858, 2.2857142857142856, 3.5714285714285716,
        2.571428571428571, 3.571428571428571, 4.857142857142856, 6.428571428571428, 8.285714285714285,
        10.428571428571427, 5.142857142857143, 7.0, 9.142857142857142, 11.571428571428571, 14.285714285714286,
        17.285714285714285], rtol=1e-14)
    (y * T(np.linspace(-1, 1, 18).reshape(y.shape))).sum().backward()
    np.testing.assert_allclose(x.grad.numpy().ravel(), [
        -1.1470588235294117, -0.9705882352941176, -0.7941176470588235, -0.6176470588235294, -0.4411764705882353,
        -0.2647058823529411, 0.264705882352941, 0.44117647058823517, 0.6176470588235293, 0.7941176470588235,
        0.9705882352941175, 1.1470588235294117], rtol=1e-13)
    aligned = F.interpolate(x.detach(), size=(3, 3, 2), mode="trilinear", align_corners=True)
    np.testing.assert_allclose(aligned.numpy().ravel(), [
        0.0, 0.5714285714285714, 0.6428571428571429, 2.0714285714285716, 1.2857142857142858, 3.5714285714285716,
        2.5714285714285716, 4.857142857142857, 4.5, 7.642857142857142, 6.428571428571429, 10.428571428571429,
        5.142857142857143, 9.142857142857142, 8.357142857142858, 13.214285714285714, 11.571428571428571,
        17.285714285714285], rtol=1e-14)
    exact = F.interpolate(x.detach(), scale_factor=(2, 1.5, 0.7), mode="nearest-exact")
    assert exact.shape == (1, 1, 4, 3, 2)
    np.testing.assert_array_equal(exact.numpy().ravel(), (np.arange(12.0) ** 2 / 7).reshape(2, 2, 3)[
        np.ix_([0, 0, 1, 1], [0, 1, 1], [0, 2])].ravel())


def test_nearest_rounds_its_step_in_float32_as_pytorch():
    # PyTorch 2.14.1: 16 values scaled by 2.2 read these; with the step 1/2.2 in float64,
    # output 33 would read 14 (33/2.2 = 14.999...), in float32 it reads 15.
    x = T(np.arange(16.0).reshape(1, 1, 1, 1, 16))
    read = F.interpolate(x, scale_factor=(1, 1, 2.2)).numpy().ravel()
    assert read.tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 10, 11, 11,
                             12, 12, 13, 13, 14, 14, 15, 15]


def test_nearest_sums_the_copies_in_its_gradient():
    x = T(np.arange(8.0).reshape(1, 1, 2, 2, 2), grad=True)
    F.interpolate(x, scale_factor=(2, 3, 1)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((1, 1, 2, 2, 2), 6.0))


def test_upsample_takes_volumes_and_keeps_pytorchs_repr():
    x = T(np.random.default_rng(3).standard_normal((1, 2, 2, 3, 2)))
    for mode, align in (("nearest", None), ("nearest-exact", None), ("trilinear", True), ("trilinear", None)):
        layer = nn.Upsample(scale_factor=(2, 1.5, 1), mode=mode, align_corners=align)
        np.testing.assert_array_equal(layer(x).numpy(), F.interpolate(x, scale_factor=(2, 1.5, 1), mode=mode,
                                                                      align_corners=align).numpy())
    assert repr(nn.Upsample(scale_factor=2, mode="trilinear")) == "Upsample(scale_factor=2.0, mode='trilinear')"
    assert repr(nn.Upsample(size=(2, 3, 4), mode="nearest-exact")) == "Upsample(size=(2, 3, 4), mode='nearest-exact')"
    assert nn.Upsample(scale_factor=2)(minigan.ones(1, 1, 2, 2)).shape == (1, 1, 4, 4)  # images as before
    with pytest.raises(NotImplementedError, match=r"Got 4D input, but trilinear mode needs 5D input"):
        nn.Upsample(scale_factor=2, mode="trilinear")(minigan.ones(1, 1, 2, 2))


# ------------------------------------------------------------------ spatial transformers
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_grid_sample_matches_the_sampler_written_out(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    size = data.draw(st.tuples(*[st.integers(1, 4)] * 3), label="volume size")
    mode = data.draw(st.sampled_from(["bilinear", "nearest"]))
    padding_mode = data.draw(st.sampled_from(["zeros", "border", "reflection"]))
    align = data.draw(st.booleans(), label="align_corners")
    volume = rng.standard_normal((2, 2) + size)
    grid = rng.uniform(-1.6, 1.6, (2, 2, 1, 3, 3))
    out = F.grid_sample(T(volume), T(grid), mode, padding_mode, align_corners=align)
    np.testing.assert_allclose(out.numpy(), sample_by_hand(volume, grid, mode, padding_mode, align), rtol=1e-12,
                               atol=1e-12)


@pytest.mark.parametrize("align", [False, True])
def test_the_identity_map_gives_the_volume_back(align):
    volume = np.random.default_rng(4).standard_normal((2, 3, 3, 4, 5))
    theta = T(np.tile(np.eye(3, 4), (2, 1, 1)))
    grid = F.affine_grid(theta, volume.shape, align_corners=align)
    assert grid.shape == (2, 3, 4, 5, 3)
    for mode in ("bilinear", "nearest"):
        np.testing.assert_allclose(F.grid_sample(T(volume), grid, mode, align_corners=align).numpy(), volume,
                                   rtol=1e-14, atol=1e-14)


def test_grid_sample_gives_pytorchs_values_and_gradients():
    # PyTorch 2.14.1, float64, on these inputs.
    vol = T(np.arange(12.0).reshape(1, 1, 2, 2, 3), grad=True)
    grid = T([[[[[-0.7, 0.2, 0.3], [0.9, -1.3, -0.4]], [[1.4, 0.6, 0.1], [0.05, 0.0, -0.8]]]]], grad=True)
    weights = T(np.array([1.0, -2.0, 0.5, 3.0]).reshape(1, 1, 1, 2, 2))
    expected = {
        ("bilinear", "zeros", False): ([6.555000000000001, 0.3380000000000001, 0.0, 1.8025],
                                       [10.350000000000001, 2.85, 5.700000000000001, 1.5599999999999994,
                                        -3.3800000000000017, -1.5600000000000005, 0, 0, 0, 3.150000000000001,
                                        6.299999999999999, 7.725000000000001]),
        ("bilinear", "reflection", True): ([6.0, 4.1499999999999995, 7.3, 3.1500000000000004],
                                           [1.0000000000000009, 1.5, 3.0, -2.0, 3.0, -6.000000000000001, -0.5,
                                            0.7500000000000001, 1.5, 2.999999999999999, 4.5, 9.0]),
        ("nearest", "border", False): ([9.0, 2.0, 11.0, 1.0], [0.0] * 12),
    }
    for (mode, padding_mode, align), (values, grid_grad) in expected.items():
        vol.grad = grid.grad = None
        out = F.grid_sample(vol, grid, mode, padding_mode, align_corners=align)
        np.testing.assert_allclose(out.numpy().ravel(), values, rtol=1e-14)
        (out * weights).sum().backward()
        np.testing.assert_allclose(grid.grad.numpy().ravel(), grid_grad, rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(vol.grad.numpy().ravel(), [0, 3, -2, 0, 0, 0, 0, 0, 0, 1, 0, 0.5])
    theta = T([[[0.8, 0.3, -0.1, 0.2], [-0.2, 1.1, 0.4, 0.0], [0.1, 0.0, 0.9, -0.3]]], grad=True)
    sampled = F.grid_sample(vol.detach(), F.affine_grid(theta, (1, 1, 2, 2, 2), align_corners=False), "bilinear",
                            "border", align_corners=False)
    np.testing.assert_allclose(sampled.numpy().ravel(), [0.5499999999999998, 1.75, 3.8499999999999996, 4.25, 4.75,
                                                         5.949999999999999, 7.450000000000001, 9.2], rtol=1e-14)
    sampled.sum().backward()
    np.testing.assert_allclose(theta.grad.numpy().ravel(), [-1.5, -1.5, 0, 9, 0, 0, 0, 12, 0, 0, 12, 24], atol=1e-14)


def test_voxel_centres_are_rounded_as_pytorchs():
    # PyTorch 2.14.1's affine_grid for an identity map over (D, W) = (3, 7): x's centres take
    # its linspace's roundings (4.758e-17 for the middle one), z's are +-2/3.
    grid = F.affine_grid(T(np.eye(3, 4)[None]), (1, 1, 3, 1, 7), align_corners=False).numpy()[0, :, 0]
    assert grid[0, :, 0].tolist() == [-0.8571428571428571, -0.5714285714285714, -0.2857142857142857,
                                      4.7580986769649563e-17, 0.2857142857142857, 0.5714285714285714, 0.8571428571428571]
    assert grid[:, 0, 2].tolist() == [-0.6666666666666666, 0.0, 0.6666666666666666]
    assert not grid[..., 1].any()


def test_a_3d_spatial_transformer_learns_a_shift():
    rng = np.random.default_rng(5)
    z, y, x = np.meshgrid(np.arange(4.0), np.arange(4.0), np.arange(4.0), indexing="ij")
    phases = rng.uniform(0, 2 * np.pi, (4, 1, 1, 1, 1))
    volumes = T(np.sin(x / 2 + phases) + np.cos(z / 3 - phases) + y / 4)
    shift = T(np.tile([[1.0, 0, 0, 0.25], [0, 1, 0, 0], [0, 0, 1, 0]], (4, 1, 1)))
    targets = F.grid_sample(volumes, F.affine_grid(shift, volumes.shape, align_corners=False), align_corners=False)
    offset = T([0.0], grad=True)
    optimizer = minigan.optim.Adam([offset], lr=0.02)
    base = T(np.tile(np.eye(3, 4), (4, 1, 1)))
    mask = T(np.zeros((3, 4)))
    mask.array[0, 3] = 1.0
    for _ in range(60):
        theta = base + mask * offset
        loss = F.mse_loss(F.grid_sample(volumes, F.affine_grid(theta, volumes.shape, align_corners=False),
                                        align_corners=False), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert abs(offset.item() - 0.25) < 0.03


# ------------------------------------------------------------------ LP pooling
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_lp_pool3d_matches_the_pool_written_out(data):
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    kernel = data.draw(st.tuples(*[st.integers(1, 2)] * 3), label="kernel")
    stride = data.draw(st.tuples(*[st.integers(1, 2)] * 3), label="stride")
    p = data.draw(st.sampled_from([1.0, 2.0, 3.0, 1.5]))
    ceil_mode = data.draw(st.booleans(), label="ceil_mode")
    x = rng.uniform(0.1, 2.0, (1, 2, 3, 4, 3))
    y = F.lp_pool3d(T(x), p, kernel, stride, ceil_mode)
    np.testing.assert_allclose(y.numpy(), lp_pool_by_hand(x, p, kernel, stride, ceil_mode), rtol=1e-12)
    assert gradcheck(lambda t: F.lp_pool3d(t, p, kernel, stride, ceil_mode), [T(x, grad=True)]).ok


def test_lp_pool3d_gives_pytorchs_values_and_gradients():
    # PyTorch 2.14.1: F.lp_pool3d(x, 3, 2, stride=(1, 1, 2), ceil_mode=True), float64; a window
    # whose cubes sum below 0 would be NaN, none does here.
    x = T(np.arange(-8.0, 16.0).reshape(1, 1, 2, 3, 4) / 5, grad=True)
    y = F.lp_pool3d(x, 3, (2, 2, 2), stride=(1, 1, 2), ceil_mode=True)
    np.testing.assert_allclose(y.numpy().ravel(), [1.5702848821079383, 2.7288179795251737, 3.4371925895894626,
                                                   4.077809922908407], rtol=1e-14)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy().ravel(), [
        1.0382048807325208, 0.7948756118108359, 0.19338080169863434, 0.1342922234018294, 0.3137228922018766,
        0.17646912686355556, 0.03110877066385006, 0.007777192665962515, 0.0, 0.003385729501171653,
        0.009622014919557354, 0.021649533569004044, 0.2595512201831302, 0.4055487815361408, 0.19338080169863434,
        0.2632127578675855, 1.2548915688075064, 1.5882221417720002, 0.7777192665962513, 0.9410403125814644,
        0.4875450481687179, 0.5721882856980093, 0.4714787310583102, 0.5412383392251011], rtol=1e-13, atol=1e-15)
    layer = nn.LPPool3d(2, (2, 1, 2), stride=1)
    assert repr(layer) == "LPPool3d(norm_type=2, kernel_size=(2, 1, 2), stride=1, ceil_mode=False)"
    np.testing.assert_array_equal(layer(x.detach()).numpy(), F.lp_pool3d(x.detach(), 2, (2, 1, 2), 1).numpy())
    infinite = F.lp_pool3d(x.detach(), float("inf"), 2).numpy()
    np.testing.assert_array_equal(infinite, F.max_pool3d(x.detach().abs(), 2).numpy())


# ------------------------------------------------------------------ errors
V = minigan.zeros(1, 1, 2, 2, 2)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.interpolate(V, size=(2, 2)), ValueError, r"Input and output must have the same number of spatial"),
    (lambda: F.interpolate(V, scale_factor=(2, 2)), ValueError, r"Input and scale_factor must have the same number"),
    (lambda: F.interpolate(V, size=3, scale_factor=2), ValueError, r"only one of size or scale_factor"),
    (lambda: F.interpolate(V), ValueError, r"either size or scale_factor should be defined"),
    (lambda: F.interpolate(V, size=3, recompute_scale_factor=True), ValueError, r"not meaningful with an explicit size"),
    (lambda: F.interpolate(V, size=3, mode="nearest", align_corners=True), ValueError, r"align_corners option can only"),
    (lambda: F.interpolate(V, size=3, mode="bilinear"), NotImplementedError,
     r"Got 5D input, but bilinear mode needs 4D input"),
    (lambda: F.interpolate(V, scale_factor=0.2), ValueError, r"shrinks the input \(2, 2, 2\) to nothing"),
    (lambda: F.interpolate(V, size=(2, 0, 2)), ValueError, r"size must be positive ints"),
    (lambda: F.grid_sample(V, minigan.zeros(1, 2, 2, 2), align_corners=False), RuntimeError,
     r"expected 4D or 5D input and grid with same number of dimensions"),
    (lambda: F.grid_sample(V, minigan.zeros(1, 1, 2, 2, 2), align_corners=False), RuntimeError,
     r"expected grid to have size 3 in last dimension"),
    (lambda: F.grid_sample(V, minigan.zeros(1, 1, 2, 2, 3), "bicubic", align_corners=False), RuntimeError,
     r"bicubic interpolation only supports 4D input"),
    (lambda: F.affine_grid(minigan.zeros(1, 2, 3), (1, 1, 2, 2, 2), align_corners=False), ValueError,
     r"Nx3x4 for size \(1, 1, 2, 2, 2\). Got \(1, 2, 3\)"),
    (lambda: F.lp_pool3d(V, 0, 2), ValueError, r"norm_type must be a non-zero value"),
    (lambda: F.lp_pool3d(V, 2, 3), ValueError, r"larger than the padded input"),
])
def test_bad_arguments_say_what_is_wrong_in_one_line(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert "\n" not in str(info.value)


def test_the_names_are_there():
    assert callable(nn.LPPool3d) and callable(F.lp_pool3d)
    with pytest.raises(minigan.UnsupportedFeatureError, match=r"torch.nn.functional.max_pool3d_with_indices is not supported"):
        F.max_pool3d_with_indices  # noqa: B018
