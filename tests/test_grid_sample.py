"""F.affine_grid and F.grid_sample against the sampler written out point by point in plain Python,
closed forms (the identity map, a shift by whole pixels), PyTorch's values written out, and a
spatial transformer that learns. The gradients are checked against finite differences in
minigan/gradcheck/layer_cases.py (first and second order, every mode)."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.nn import functional as F

A = -0.75


# ---------------------------------------------------------------- the sampler written out
def unnormalize(coordinate, size, align_corners):
    return (coordinate + 1) / 2 * (size - 1) if align_corners else ((coordinate + 1) * size - 1) / 2


def reflect(coordinate, low, high):
    """Fold into [low, high] by mirror images, as many times as it takes."""
    if low == high:
        return 0.0
    span = high - low
    distance = abs(coordinate - low)
    folds = math.floor(distance / span)
    extra = distance - folds * span
    return low + extra if folds % 2 == 0 else high - extra


def pad(coordinate, size, padding_mode, align_corners):
    if padding_mode == "border":
        return min(max(coordinate, 0), size - 1)
    if padding_mode == "reflection":
        low, high = (0, size - 1) if align_corners else (-0.5, size - 0.5)
        return min(max(reflect(coordinate, low, high), 0), size - 1)
    return coordinate


def pixel(image, row, column):
    height, width = image.shape
    return image[int(row), int(column)] if 0 <= row < height and 0 <= column < width else 0.0


def keys(distance):
    d = abs(distance)
    if d <= 1:
        return ((A + 2) * d - (A + 3)) * d * d + 1
    if d < 2:
        return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A
    return 0.0


def sample_point(image, x, y, mode, padding_mode, align_corners):
    height, width = image.shape
    ix, iy = unnormalize(x, width, align_corners), unnormalize(y, height, align_corners)
    if mode == "bicubic":
        x0, y0 = math.floor(ix), math.floor(iy)
        total = 0.0
        for dy, dx in itertools.product(range(-1, 3), range(-1, 3)):
            column = pad(x0 + dx, width, padding_mode, align_corners)
            row = pad(y0 + dy, height, padding_mode, align_corners)
            total += pixel(image, row, column) * keys(ix - (x0 + dx)) * keys(iy - (y0 + dy))
        return total
    ix, iy = pad(ix, width, padding_mode, align_corners), pad(iy, height, padding_mode, align_corners)
    if mode == "nearest":
        return pixel(image, round(iy), round(ix))  # Python's round: halves to even
    x0, y0 = math.floor(ix), math.floor(iy)
    return sum(pixel(image, y0 + dy, x0 + dx) * (1 - abs(ix - x0 - dx)) * (1 - abs(iy - y0 - dy))
               for dy, dx in itertools.product((0, 1), (0, 1)))


def sample_written_out(images, grid, mode, padding_mode, align_corners):
    n, c = images.shape[:2]
    out = np.zeros((n, c) + grid.shape[1:3])
    for b, channel, i, j in itertools.product(range(n), range(c), range(grid.shape[1]), range(grid.shape[2])):
        out[b, channel, i, j] = sample_point(images[b, channel], *grid[b, i, j], mode, padding_mode, align_corners)
    return out


@pytest.mark.parametrize("mode, padding_mode, align_corners", list(itertools.product(
    ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection"), (False, True))))
def test_the_sampler_reads_what_the_written_out_one_reads(mode, padding_mode, align_corners):
    rng = np.random.default_rng(7)
    images = rng.standard_normal((2, 3, 4, 5))
    grid = rng.uniform(-3.2, 3.2, (2, 6, 7, 2))  # far outside too: several reflections
    grid[0, 0, :4] = [[-1, -1], [1, 1], [0.5, -1], [1, 0.25]]  # the corners and edges exactly
    out = F.grid_sample(minigan.tensor(images), minigan.tensor(grid), mode, padding_mode, align_corners)
    assert out.shape == (2, 3, 6, 7) and out.dtype == minigan.float64
    np.testing.assert_allclose(out.numpy(), sample_written_out(images, grid, mode, padding_mode, align_corners),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("align_corners", [False, True])
def test_the_identity_map_gives_the_image_back_and_affine_grid_its_pixel_centres(align_corners):
    rng = np.random.default_rng(1)
    images = rng.standard_normal((2, 3, 5, 6)).astype(np.float32)
    theta = minigan.tensor(np.tile([[1.0, 0, 0], [0, 1, 0]], (2, 1, 1)), dtype=minigan.float32)
    grid = F.affine_grid(theta, (2, 3, 5, 6), align_corners=align_corners)
    xs = np.linspace(-1, 1, 6) if align_corners else (2 * np.arange(6) + 1) / 6 - 1
    ys = np.linspace(-1, 1, 5) if align_corners else (2 * np.arange(5) + 1) / 5 - 1
    np.testing.assert_allclose(grid.numpy()[0, :, :, 0], np.broadcast_to(xs, (5, 6)), atol=1e-7)
    np.testing.assert_allclose(grid.numpy()[1, :, :, 1], np.broadcast_to(ys[:, None], (5, 6)), atol=1e-7)
    for mode in ("bilinear", "nearest", "bicubic"):
        out = F.grid_sample(minigan.tensor(images), grid, mode, align_corners=align_corners)
        assert out.dtype == minigan.float32
        np.testing.assert_allclose(out.numpy(), images, atol=2e-6)


def test_a_shift_by_one_pixel_moves_the_image_and_pads_with_zeros():
    images = np.arange(12.0).reshape(1, 1, 3, 4)
    theta = minigan.tensor([[[1.0, 0, 2 / 4], [0, 1, 0]]], dtype=minigan.float64)  # x' = x + one pixel
    out = F.grid_sample(minigan.tensor(images), F.affine_grid(theta, (1, 1, 3, 4), align_corners=False),
                        align_corners=False).numpy()
    expected = np.concatenate([images[..., 1:], np.zeros((1, 1, 3, 1))], axis=-1)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_pytorchs_values_and_gradients():
    # PyTorch 2.14.1: torch.nn.functional.grid_sample / affine_grid on these inputs, float64.
    image = minigan.tensor(np.arange(6.0).reshape(1, 1, 2, 3), requires_grad=True)
    grid = minigan.tensor([[[[-0.7, 0.2], [0.9, -1.3]], [[1.4, 0.6], [0.05, 0.0]]]], dtype=minigan.float64,
                          requires_grad=True)
    out = F.grid_sample(image, grid, "bicubic", "reflection", align_corners=False)
    np.testing.assert_allclose(out.numpy().ravel(), [2.127374999999994, 1.8106250000000024, 5.1272500000000045, 2.608386718750001], rtol=1e-12)
    (out * minigan.tensor([[[[1.0, -2.0], [0.5, 3.0]]]], dtype=minigan.float64)).sum().backward()
    np.testing.assert_allclose(grid.grad.numpy().ravel(), [1.0125000000000046, 3.1949999999999985, -0.6750000000000026, 2.7000000000000024,
                                                      -0.568125000000002, 0.9000000000000006, 6.262734375000008, 10.125],
                               rtol=1e-12, atol=1e-12)
    theta = minigan.tensor([[[0.8, 0.3, -0.1], [-0.2, 1.1, 0.4]]], dtype=minigan.float64, requires_grad=True)
    sampled = F.grid_sample(image, F.affine_grid(theta, (1, 1, 2, 2), align_corners=True), "bilinear", "border",
                            align_corners=True)
    np.testing.assert_allclose(sampled.numpy().ravel(), [0.7499999999999998, 1.5499999999999996, 3.4, 5.0], rtol=1e-12)
    sampled.sum().backward()
    np.testing.assert_allclose(theta.grad.numpy().ravel(), [0.0, 0.0, 2.0, 0.0, -3.0, 3.0], rtol=1e-12, atol=1e-12)


def test_pixel_centres_are_rounded_as_pytorchs_so_the_one_sided_slopes_agree():
    # At the identity map every point sits on a pixel centre, a kink of the bilinear read: which
    # side's slope the grid gets is decided by the last bit of the coordinate. PyTorch 2.14.1's
    # grid and its gradient over an image of squares (slope 2 j + 1 to the right of pixel j),
    # written out: pixel 4's point rounds to just below 4, so it reads pixels 3 and 4.
    theta = minigan.tensor([[[1.0, 0, 0], [0, 1, 0]]], dtype=minigan.float64)
    grid = F.affine_grid(theta, (1, 1, 1, 7), align_corners=False)
    assert grid.numpy()[0, 0, :, 0].tolist() == [-0.8571428571428571, -0.5714285714285714, -0.2857142857142857,
                                                 4.7580986769649563e-17, 0.2857142857142857, 0.5714285714285714,
                                                 0.8571428571428571]
    aligned = F.affine_grid(theta, (1, 1, 1, 7), align_corners=True)
    assert aligned.numpy()[0, 0, :, 0].tolist() == [-1.0, -0.6666666666666667, -0.33333333333333337,
                                                    5.551115123125783e-17, 0.33333333333333337, 0.6666666666666667, 1.0]
    grid.requires_grad_(True)
    squares = minigan.tensor((np.arange(7.0) ** 2).reshape(1, 1, 1, 7))
    F.grid_sample(squares, grid, padding_mode="border", align_corners=False).sum().backward()
    assert grid.grad.numpy()[0, 0, :, 0].tolist() == [3.5, 10.5, 17.5, 24.5, 24.5, 38.5, 0.0]


def test_nearest_gives_the_grid_a_zero_gradient_and_the_image_each_read_pixel():
    image = minigan.tensor(np.arange(6.0).reshape(1, 1, 2, 3), requires_grad=True)
    grid = minigan.tensor([[[[-0.6, -0.5], [0.7, 0.9]], [[0.6, 0.8], [3.0, 0.0]]]], dtype=minigan.float64,
                          requires_grad=True)
    out = F.grid_sample(image, grid, "nearest", align_corners=False)
    out.sum().backward()
    np.testing.assert_array_equal(grid.grad.numpy(), np.zeros((1, 2, 2, 2)))
    read = sample_written_out(np.eye(6).reshape(6, 1, 2, 3), np.repeat(grid.numpy(), 6, axis=0), "nearest",
                              "zeros", False)
    np.testing.assert_array_equal(image.grad.numpy().ravel(), read.sum(axis=(1, 2, 3)))


def test_a_spatial_transformer_learns_to_undo_a_shift():
    # The localisation net of PyTorch's spatial transformer tutorial in small: theta from a Linear
    # layer that starts at the identity; the target is the input shifted by one pixel.
    rng = np.random.default_rng(0)
    rows, columns = np.meshgrid(np.arange(6.0), np.arange(6.0), indexing="ij")
    phases = rng.uniform(0, 2 * np.pi, (8, 1, 1, 1))
    images = minigan.tensor(np.sin(columns / 2 + phases) + np.cos(rows / 3 - phases), dtype=minigan.float32)
    shift = minigan.tensor(np.tile([[1.0, 0, 1 / 3], [0, 1, 0]], (8, 1, 1)), dtype=minigan.float32)
    targets = F.grid_sample(images, F.affine_grid(shift, images.shape, align_corners=False), align_corners=False)
    localisation = nn.Linear(36, 6)
    localisation.weight.data.fill_(0)
    localisation.bias.data = minigan.tensor([1.0, 0, 0, 0, 1, 0])
    optimizer = optim.Adam(localisation.parameters(), lr=0.02)
    losses = []
    for _ in range(60):
        theta = localisation(images.view(8, 36)).view(-1, 2, 3)
        out = F.grid_sample(images, F.affine_grid(theta, images.size(), align_corners=False), align_corners=False)
        loss = F.mse_loss(out, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.05 * losses[0]
    np.testing.assert_allclose(localisation.bias.numpy()[2], 1 / 3, atol=0.05)


def test_bad_arguments_say_what_is_wrong():
    image, grid = minigan.zeros(1, 1, 2, 3), minigan.zeros(1, 2, 2, 2)
    with pytest.raises(ValueError, match="expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: 'area'"):
        F.grid_sample(image, grid, mode="area", align_corners=False)
    with pytest.raises(ValueError, match="expected padding_mode to be 'zeros', 'border', or 'reflection'"):
        F.grid_sample(image, grid, padding_mode="wrap", align_corners=False)
    with pytest.raises(RuntimeError, match="expected grid to have size 2 in last dimension"):
        F.grid_sample(image, minigan.zeros(1, 2, 2, 3), align_corners=False)
    with pytest.raises(RuntimeError, match="same batch size"):
        F.grid_sample(image, minigan.zeros(2, 2, 2, 2), align_corners=False)
    with pytest.raises(RuntimeError, match="same dtype"):
        F.grid_sample(image, minigan.zeros(1, 2, 2, 2, dtype=minigan.float64), align_corners=False)
    with pytest.raises(RuntimeError, match="expected 4D or 5D input and grid with same number of dimensions"):
        F.grid_sample(minigan.zeros(1, 1, 2, 2, 2), minigan.zeros(1, 2, 2, 3), align_corners=False)
    with pytest.raises(NotImplementedError, match="only supports 4D and 5D sizes"):
        F.affine_grid(minigan.zeros(1, 2, 3), (1, 1, 2), align_corners=False)
    with pytest.raises(ValueError, match="Nx2x3 for size \\(2, 1, 2, 3\\). Got \\(1, 2, 3\\)"):
        F.affine_grid(minigan.zeros(1, 2, 3), (2, 1, 2, 3), align_corners=False)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.grid_sample(image, grid)
