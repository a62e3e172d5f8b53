"""vision.transforms.Normalize on an image (C, H, W) and on batches (..., C, H, W), as torchvision's:
the channel dim is -3 whatever leads it. Values against a NumPy loop over every leading index and
channel, written out here."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan.vision import transforms

MEAN, STD = (0.1, 0.5, -0.3), (0.2, 2.0, 0.7)


def normalize_by_hand(images: np.ndarray, mean, std) -> np.ndarray:
    """(x - mean[c]) / std[c], one (H, W) plane at a time, c counted at dim -3."""
    out = np.empty_like(images)
    channels = images.shape[-3]
    for lead in np.ndindex(*images.shape[:-3]):
        for c in range(channels):
            m = mean[c] if len(mean) > 1 else mean[0]
            s = std[c] if len(std) > 1 else std[0]
            out[lead + (c,)] = (images[lead + (c,)] - np.float32(m)) / np.float32(s)
    return out


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5), (2, 1, 3, 2, 3), (0, 3, 2, 2)])
def test_normalize_any_leading_dims_against_numpy(shape):
    pixels = np.random.default_rng(0).uniform(0, 1, shape).astype(np.float32)
    with np.errstate(all="raise"):
        got = transforms.Normalize(MEAN, STD)(minigan.tensor(pixels))
    assert got.shape == shape and got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), normalize_by_hand(pixels, MEAN, STD), rtol=1e-6, atol=1e-7)


def test_one_mean_broadcasts_over_every_channel_of_a_batch():
    pixels = np.random.default_rng(1).uniform(0, 1, (4, 3, 2, 2)).astype(np.float32)
    got = transforms.Normalize((0.5,), (0.5,))(minigan.tensor(pixels)).numpy()
    np.testing.assert_allclose(got, normalize_by_hand(pixels, (0.5,), (0.5,)), rtol=1e-6)
    np.testing.assert_allclose(got, pixels * 2 - 1, rtol=1e-6, atol=1e-7)


def test_batch_method_and_call_agree_and_compose_passes_a_batch_through():
    pixels = np.random.default_rng(2).uniform(0, 1, (5, 3, 3, 4)).astype(np.float32)
    normalize = transforms.Normalize(MEAN, STD)
    batch = minigan.tensor(pixels)
    np.testing.assert_array_equal(normalize.batch(batch).numpy(), normalize(batch).numpy())
    composed = transforms.Compose([normalize])(batch)
    np.testing.assert_array_equal(composed.numpy(), normalize_by_hand(pixels, MEAN, STD))


def test_each_image_of_a_batch_as_alone():
    pixels = np.random.default_rng(3).uniform(0, 1, (3, 3, 2, 5)).astype(np.float32)
    normalize = transforms.Normalize(MEAN, STD)
    whole = normalize(minigan.tensor(pixels)).numpy()
    for i in range(3):
        np.testing.assert_array_equal(whole[i], normalize(minigan.tensor(pixels[i])).numpy())


def test_too_few_dims_and_wrong_channel_counts_keep_their_errors():
    normalize = transforms.Normalize(MEAN, STD)
    with pytest.raises(TypeError, match=r"expected a Tensor image of shape \(C, H, W\).*got shape \(4, 5\); "
                                        r"put ToTensor\(\) before it"):
        normalize(minigan.zeros(4, 5))
    with pytest.raises(TypeError, match="put ToTensor"):
        normalize(np.zeros((3, 4, 5), np.float32))
    with pytest.raises(TypeError, match=r"batch of shape \(N, \.\.\., C, H, W\), got shape \(3, 4, 5\)"):
        normalize.batch(minigan.zeros(3, 4, 5))
    with pytest.raises(ValueError, match="3 means for an image with 2 channels"):
        normalize(minigan.zeros(6, 2, 4, 5))
    with pytest.raises(ValueError, match="3 means for an image with 4 channels"):
        normalize(minigan.zeros(2, 2, 4, 4, 5))


def test_an_integer_image_is_refused_as_torchvision_refuses_it():
    # torchvision: "Input tensor should be a float tensor. Got torch.uint8." (std 0.5 as uint8 is 0)
    image = minigan.tensor(np.arange(12, dtype=np.uint8).reshape(1, 3, 4))
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got uint8"):
        transforms.Normalize((0.5,), (0.5,))(image)
    np.testing.assert_array_equal(transforms.Normalize((0.5,), (0.5,))(image.float()).numpy(),
                                  (np.arange(12.0).reshape(1, 3, 4) - 0.5) / 0.5)
