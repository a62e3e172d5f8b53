"""minigan.vision, torchvision's counterpart: the transforms against plain NumPy written out here
and values worked by hand, make_grid's layout against hand-built arrays, and the MNIST dataset
read from a root as torchvision lays it out."""
from __future__ import annotations

import io
import math

import numpy as np
import pytest
from matplotlib.image import imread

import minigan
import minigan.vision as torchvision
from minigan.vision import transforms
from minigan.vision.utils import make_grid, save_image
from test_dataloader import write_mnist_dir


def bilinear(image, out_h, out_w):
    """Plain bilinear resampling with the half-pixel convention (align_corners=False): output
    pixel i reads the input at (i + 0.5) * in / out - 0.5, clamped to the image."""
    in_h, in_w = image.shape
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        y = max((i + 0.5) * in_h / out_h - 0.5, 0.0)
        y0 = min(int(math.floor(y)), in_h - 1)
        y1, dy = min(y0 + 1, in_h - 1), y - y0
        for j in range(out_w):
            x = max((j + 0.5) * in_w / out_w - 0.5, 0.0)
            x0 = min(int(math.floor(x)), in_w - 1)
            x1, dx = min(x0 + 1, in_w - 1), x - x0
            top = (1 - dx) * image[y0, x0] + dx * image[y0, x1]
            bottom = (1 - dx) * image[y1, x0] + dx * image[y1, x1]
            out[i, j] = (1 - dy) * top + dy * bottom
    return out


# ---------------------------------------------------------------------------- Resize
def test_resize_2x2_to_4x4_by_hand():
    image = minigan.tensor([[[0.0, 1.0], [2.0, 3.0]]])
    out = transforms.Resize(4)(image)
    expected = [[0.0, 0.25, 0.75, 1.0], [0.5, 0.75, 1.25, 1.5], [1.5, 1.75, 2.25, 2.5], [2.0, 2.25, 2.75, 3.0]]
    assert isinstance(out, minigan.Tensor) and out.shape == (1, 4, 4) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy()[0], expected, atol=1e-6)


@pytest.mark.parametrize("size", [32, 64, (40, 30)])
def test_resize_upsampling_matches_plain_bilinear(size):
    rng = np.random.default_rng(1)
    image = rng.random((28, 28))
    out = transforms.Resize(size)(minigan.tensor(image[None], dtype=np.float64)).numpy()[0]
    h, w = (size, size) if isinstance(size, int) else size
    np.testing.assert_allclose(out, bilinear(image, h, w), rtol=1e-12, atol=1e-12)


def test_resize_uint8_image_is_rounded_back_to_uint8():
    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, (28, 28), dtype=np.uint8)
    out = transforms.Resize(64)(image)
    assert out.dtype == np.uint8 and out.shape == (64, 64)
    np.testing.assert_array_equal(out, np.rint(bilinear(image.astype(np.float64), 64, 64)).astype(np.uint8))
    rgb = np.stack([image, 255 - image, image // 2], axis=-1)  # (H, W, C), PIL's layout, stays so
    out_rgb = transforms.Resize(32)(rgb)
    assert out_rgb.shape == (32, 32, 3)
    np.testing.assert_array_equal(out_rgb[..., 1], transforms.Resize(32)(255 - image))


def test_resize_shrinking_is_antialiased_by_hand():
    line = minigan.tensor([[[0.0, 1.0, 2.0, 3.0]]])
    # triangle of half-width 2 around x = 1 (and 3): weights 3/7, 3/7, 1/7 over pixels 0, 1, 2
    np.testing.assert_allclose(transforms.Resize((1, 2))(line).numpy().ravel(), [5 / 7, 16 / 7], rtol=1e-6)
    # without antialiasing, plain bilinear: samples at 0.5 and 2.5
    np.testing.assert_allclose(transforms.Resize((1, 2), antialias=False)(line).numpy().ravel(), [0.5, 2.5])


def test_resize_int_size_keeps_the_aspect_ratio():
    resize = transforms.Resize(32)
    assert resize.output_size(28, 56) == (32, 64) and resize.output_size(60, 30) == (64, 32)
    assert transforms.Resize([16]).output_size(20, 30) == (16, 24)
    assert transforms.Resize(16, max_size=20).output_size(20, 40) == (10, 20)


def test_resize_refuses_other_interpolations_and_grad():
    with pytest.raises(NotImplementedError, match="interpolation .* is not supported by minigan"):
        transforms.Resize(32, interpolation=transforms.InterpolationMode.BICUBIC)
    with pytest.raises(TypeError, match=r"^Resize: the Tensor requires grad"):
        transforms.Resize(4)(minigan.zeros(1, 2, 2, requires_grad=True))


# ---------------------------------------------------------------------------- crops, pads, flips, grey
def test_center_crop_by_hand():
    image = np.arange(25).reshape(5, 5)
    np.testing.assert_array_equal(transforms.CenterCrop(3)(image.astype(np.uint8)), image[1:4, 1:4])
    # (5 - 2) / 2 = 1.5 rounds to 2 (Python's round): rows 2..3
    np.testing.assert_array_equal(transforms.CenterCrop((2, 4))(image.astype(np.uint8)), image[2:4, 0:4])
    # a crop larger than the image pads it with zeros first: (4 - 2) // 2 = 1 above, 1 below
    small = minigan.tensor([[[1.0, 2.0], [3.0, 4.0]]])
    expected = [[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(transforms.CenterCrop(4)(small).numpy()[0], expected)


def test_pad_modes_by_hand():
    row = minigan.tensor([[[1.0, 2.0, 3.0]]])
    assert transforms.Pad((2, 0))(row).numpy()[0].tolist() == [[0, 0, 1, 2, 3, 0, 0]]
    assert transforms.Pad((1, 0, 2, 0), fill=9)(row).numpy()[0].tolist() == [[9, 1, 2, 3, 9, 9]]
    assert transforms.Pad((2, 0), padding_mode="edge")(row).numpy()[0].tolist() == [[1, 1, 1, 2, 3, 3, 3]]
    assert transforms.Pad((2, 0), padding_mode="reflect")(row).numpy()[0].tolist() == [[3, 2, 1, 2, 3, 2, 1]]
    assert transforms.Pad((2, 0), padding_mode="symmetric")(row).numpy()[0].tolist() == [[2, 1, 1, 2, 3, 3, 2]]
    assert transforms.Pad(1)(np.ones((2, 2), np.uint8)).shape == (4, 4)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        transforms.Pad(1, padding_mode="wrap")


def test_random_horizontal_flip_follows_the_seed():
    images = np.arange(4 * 2 * 3, dtype=np.uint8).reshape(4, 2, 3)
    assert (transforms.RandomHorizontalFlip(p=1.0)(images[0]) == images[0][:, ::-1]).all()
    assert (transforms.RandomHorizontalFlip(p=0.0)(images[0]) == images[0]).all()
    minigan.manual_seed(5)
    flipped = transforms.RandomHorizontalFlip(p=0.5).batch(images)
    coins = np.random.default_rng(5).random(4) < 0.5
    assert 0 < coins.sum() < 4  # the seed gives both outcomes, so the check below means something
    for image, out, coin in zip(images, flipped, coins):
        np.testing.assert_array_equal(out, image[:, ::-1] if coin else image)
    minigan.manual_seed(5)  # image by image, the same draws in the same order
    one_by_one = [transforms.RandomHorizontalFlip(p=0.5)(image) for image in images]
    np.testing.assert_array_equal(np.stack(one_by_one), flipped)


def test_grayscale_by_hand():
    rgb = minigan.tensor([[[1.0]], [[0.5]], [[0.25]]])  # (3, 1, 1)
    grey = 0.2989 * 1.0 + 0.587 * 0.5 + 0.114 * 0.25
    np.testing.assert_allclose(transforms.Grayscale()(rgb).numpy(), [[[grey]]], rtol=1e-6)
    np.testing.assert_allclose(transforms.Grayscale(3)(rgb).numpy(), [[[grey]]] * 3, rtol=1e-6)
    mnist_like = np.array([[0, 128], [255, 7]], np.uint8)  # already grey: (H, W)
    np.testing.assert_array_equal(transforms.Grayscale()(mnist_like), mnist_like)
    assert transforms.Grayscale(3)(mnist_like).shape == (2, 2, 3)
    pil_rgb = np.array([[[200, 100, 50]]], np.uint8)  # (1, 1, 3)
    assert transforms.Grayscale()(pil_rgb).tolist() == [[round(0.2989 * 200 + 0.587 * 100 + 0.114 * 50)]]


# ---------------------------------------------------------------------------- make_grid and save_image
def test_make_grid_layout_by_hand():
    images = np.stack([np.full((1, 2, 2), v, np.float32) for v in (1, 2, 3)])  # three 2x2 grey images
    grid = make_grid(minigan.tensor(images), nrow=2, padding=1, pad_value=0.5)
    assert isinstance(grid, minigan.Tensor) and grid.dtype == np.float32
    p = 0.5
    expected = np.array([
        [p, p, p, p, p, p, p],
        [p, 1, 1, p, 2, 2, p],
        [p, 1, 1, p, 2, 2, p],
        [p, p, p, p, p, p, p],
        [p, 3, 3, p, p, p, p],
        [p, 3, 3, p, p, p, p],
        [p, p, p, p, p, p, p],
    ])
    assert grid.shape == (3, 7, 7)  # one channel repeated into three, as torchvision
    for channel in grid.numpy():
        np.testing.assert_array_equal(channel, expected)


def test_make_grid_normalize_scale_each_and_lists():
    a, b = np.array([[[0.0, 2.0]]]), np.array([[[4.0, 8.0]]])
    together = make_grid([minigan.tensor(a), minigan.tensor(b)], padding=0, normalize=True).numpy()[0]
    np.testing.assert_allclose(together, [[0.0, 0.25, 0.5, 1.0]])
    each = make_grid(minigan.tensor(np.stack([a, b])), padding=0, normalize=True, scale_each=True).numpy()[0]
    np.testing.assert_allclose(each, [[0.0, 1.0, 0.0, 1.0]])
    ranged = make_grid(minigan.tensor(np.stack([a, b])), padding=0, normalize=True, value_range=(0, 4)).numpy()[0]
    np.testing.assert_allclose(ranged, [[0.0, 0.5, 1.0, 1.0]])
    # a 3-D input is one image (C, H, W), returned unpadded
    assert make_grid(minigan.zeros(3, 5, 6)).shape == (3, 5, 6)


def test_save_image_to_a_path_and_a_file_object(tmp_path):
    images = minigan.tensor(np.linspace(-1, 1, 2 * 4).reshape(2, 1, 2, 2))
    save_image(images, tmp_path / "grid.png", nrow=2, padding=0, normalize=True)
    pixels = np.round(imread(tmp_path / "grid.png") * 255).astype(int)
    values = np.linspace(0, 1, 8)  # normalised over the min and max
    expected = np.floor(np.array([[values[0], values[1], values[4], values[5]],
                                  [values[2], values[3], values[6], values[7]]]) * 255 + 0.5)
    np.testing.assert_array_equal(pixels[..., 0], expected)
    buffer = io.BytesIO()
    save_image(images, buffer, nrow=2, padding=0, normalize=True, format="png")
    assert buffer.getvalue() == (tmp_path / "grid.png").read_bytes()


# ---------------------------------------------------------------------------- datasets
@pytest.fixture
def torchvision_root(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MINIGAN_DATA", raising=False)
    root = tmp_path / "data"
    return root, write_mnist_dir(root / "MNIST" / "raw", n_train=12, n_test=5)


def test_mnist_from_a_torchvision_root_with_the_gan_scripts_transform(torchvision_root):
    root, arrays = torchvision_root
    transform = transforms.Compose([transforms.Resize(32), transforms.ToTensor(),
                                    transforms.Normalize((0.5,), (0.5,))])
    dataset = torchvision.datasets.MNIST(str(root), train=True, download=True, transform=transform)
    image, label = dataset[3]
    assert isinstance(image, minigan.Tensor) and image.shape == (1, 32, 32) and isinstance(label, int)
    assert label == arrays["train_labels"][3]
    resized = np.rint(bilinear(arrays["train_images"][3].astype(np.float64), 32, 32))
    np.testing.assert_allclose(image.numpy()[0], (resized / 255 - 0.5) / 0.5, atol=1e-6)
    # the DataLoader's whole-batch path gives the same images as indexing one by one
    batch = next(iter(minigan.utils.data.DataLoader(dataset, batch_size=5, shuffle=False)))
    np.testing.assert_allclose(batch[0].numpy(), np.stack([dataset[i][0].numpy() for i in range(5)]), atol=1e-6)
    assert len(torchvision.datasets.MNIST(str(root), train=False, transform=transform)) == 5


def test_download_with_a_root_that_holds_other_files_uses_the_source_chain(torchvision_root, tmp_path, monkeypatch):
    root, arrays = torchvision_root
    monkeypatch.setenv("MINIGAN_DATA", str(root / "MNIST" / "raw"))  # the chain's first source, offline
    elsewhere = tmp_path / "outputs"
    elsewhere.mkdir()
    (elsewhere / "netG_epoch_0.pth").write_bytes(b"not data")
    dataset = torchvision.datasets.MNIST(root=str(elsewhere), download=True)
    np.testing.assert_array_equal(dataset.data, arrays["train_images"])


def test_missing_datasets_say_so():
    with pytest.raises(minigan.UnsupportedFeatureError, match=r"^torchvision\.datasets\.CIFAR10 is not supported"):
        torchvision.datasets.CIFAR10
