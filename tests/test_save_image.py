"""minigan.viz.make_grid and save_image behave as torchvision.utils' (checked against grids
written out by hand), so the tutorial's `save_image(...)` line reads as in PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.image import imread

import minigan
from minigan.viz import make_grid, save_image

TWO = np.array([[[[0.0, 1.0], [0.5, 0.25]]], [[[1.0, 1.0], [0.0, 0.0]]]])  # (2, 1, 2, 2)


def test_save_image_writes_torchvisions_bytes(tmp_path):
    save_image(TWO, tmp_path / "grid.png", nrow=2, padding=1, pad_value=0.5)
    pixels = np.round(imread(tmp_path / "grid.png") * 255).astype(int)
    # floor(255 v + 0.5): 0 -> 0, 1 -> 255, 0.5 -> 128, 0.25 -> 64; the padding is 0.5 -> 128
    expected = np.array([
        [128, 128, 128, 128, 128, 128, 128],
        [128, 0, 255, 128, 255, 255, 128],
        [128, 128, 64, 128, 0, 0, 128],
        [128, 128, 128, 128, 128, 128, 128],
    ])
    for channel in range(3):  # one channel repeated into three
        np.testing.assert_array_equal(pixels[..., channel], expected)
    assert (pixels[..., 3] == 255).all()


def test_make_grid_rows_padding_and_one_image():
    grid = make_grid(np.ones((5, 1, 2, 3)), nrow=2)  # 3 rows of 2; padding 2
    assert grid.shape == (3, 3 * (2 + 2) + 2, 2 * (3 + 2) + 2)
    assert grid[0, 2:4, 2:5].tolist() == [[1.0] * 3] * 2 and grid[0, 0, 0] == 0.0
    assert grid[0, 10:12, 7:10].tolist() == [[0.0] * 3] * 2  # the sixth cell is empty: padding only
    single = make_grid(minigan.tensor([[[0.2, 0.4]]]))  # one (1, 1, 2) image: no padding
    np.testing.assert_allclose(single, [[[0.2, 0.4]]] * 3, rtol=1e-6)


def test_normalize_maps_the_range_to_unit():
    grid = make_grid(np.array([[-1.0, 0.0, 3.0]]), normalize=True, value_range=(-1.0, 1.0))
    np.testing.assert_allclose(grid[0], [[0.0, 0.5, 1.0]])
    np.testing.assert_allclose(make_grid(np.array([[2.0, 4.0, 6.0]]), normalize=True)[0], [[0.0, 0.5, 1.0]])


def test_a_bad_shape_is_one_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"^make_grid: expected images \(B, C, H, W\), \(C, H, W\) or \(H, W\), "
                                         r"got shape \(2, 1, 2, 4, 4\)$"):
        make_grid(np.zeros((2, 1, 2, 4, 4)))
    # torchvision tiles any number of channels; a picture of two channels is what cannot be written
    assert make_grid(np.zeros((2, 2, 4, 4)), padding=0).shape == (2, 4, 8)
    with pytest.raises(ValueError, match=r"^save_image: the grid has 2 channels; a picture needs 1, 3 or 4 "):
        save_image(np.zeros((2, 2, 4, 4)), tmp_path / "two.png")
    assert not (tmp_path / "two.png").exists()
