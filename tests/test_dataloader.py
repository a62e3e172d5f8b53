"""``minigan.data.MNIST``, ``TensorDataset``, ``DataLoader`` and ``transforms``, on small synthetic
IDX files and arrays: every sample once per epoch, the order fixed by the seed, len() right."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan
from minigan.data import DataLoader, Dataset, MNIST, TensorDataset, transforms, write_idx
from minigan.data.mnist import DATASETS


def write_mnist_dir(directory, n_train, n_test, seed=0):
    """The four MNIST IDX files, of random pixels and labels, in ``directory``; returns the arrays."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    directory.mkdir(parents=True, exist_ok=True)
    for key, array in arrays.items():
        write_idx(directory / DATASETS["mnist"].files[key].name, array)
    return arrays


@pytest.fixture
def mnist_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MINIGAN_DATA", raising=False)
    return tmp_path / "mnist", write_mnist_dir(tmp_path / "mnist", n_train=37, n_test=11)


def index_dataset(n):
    """Images whose every pixel is the sample's index, so a batch says which samples it holds."""
    images = np.repeat(np.arange(n, dtype=np.float32)[:, None], 4, axis=1)
    return TensorDataset(minigan.tensor(images), np.arange(n))


# ---------------------------------------------------------------------- MNIST
def test_mnist_items_are_float_images_in_unit_range_and_int_labels(mnist_dir):
    root, arrays = mnist_dir
    train, test = MNIST(root=root, train=True), MNIST(root=str(root), train=False)
    assert len(train) == 37 and len(test) == 11
    image, label = train[5]
    assert isinstance(image, minigan.Tensor) and image.shape == (1, 28, 28) and image.dtype == np.float32
    np.testing.assert_array_equal(image.numpy()[0], arrays["train_images"][5] / np.float32(255))
    assert isinstance(label, int) and label == arrays["train_labels"][5]
    assert test[3][1] == arrays["test_labels"][3]
    assert float(image.numpy().min()) >= 0.0 and float(image.numpy().max()) <= 1.0


def test_mnist_data_and_targets_are_tensors_a_script_can_filter(mnist_dir):
    root, arrays = mnist_dir
    train = MNIST(root=root, train=True)
    assert isinstance(train.data, minigan.Tensor) and train.data.dtype == np.uint8 and train.data.shape == (37, 28, 28)
    assert isinstance(train.targets, minigan.Tensor) and train.targets.dtype == np.int64
    np.testing.assert_array_equal((train.data.float() / 255).numpy(), arrays["train_images"] / np.float32(255))
    keep = train.targets == int(arrays["train_labels"][0])  # as scripts keep one digit with torchvision
    train.data, train.targets = train.data[keep], train.targets[keep]
    expected = arrays["train_images"][arrays["train_labels"] == arrays["train_labels"][0]]
    assert len(train) == len(expected) and all(label == arrays["train_labels"][0] for _, label in train)
    images, labels = next(iter(DataLoader(train, batch_size=len(train))))
    np.testing.assert_array_equal(images.numpy()[:, 0], expected / np.float32(255))


def test_mnist_root_that_does_not_exist_uses_the_source_chain(mnist_dir, monkeypatch, tmp_path):
    root, arrays = mnist_dir
    monkeypatch.setenv("MINIGAN_DATA", str(root))
    dataset = MNIST(root=tmp_path / "not-there", train=True, download=False)
    np.testing.assert_array_equal(dataset.data, arrays["train_images"])


def test_mnist_split_separates_the_validation_images(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGAN_CACHE", str(tmp_path / "cache"))
    arrays = write_mnist_dir(tmp_path / "big", n_train=10_012, n_test=3)
    train, val = MNIST(tmp_path / "big", split="train"), MNIST(tmp_path / "big", split="val")
    assert (len(train), len(val), len(MNIST(tmp_path / "big", split="trainval"))) == (12, 10_000, 10_012)
    np.testing.assert_array_equal(train.data, arrays["train_images"][:12])
    np.testing.assert_array_equal(val.targets, arrays["train_labels"][12:])
    with pytest.raises(ValueError, match="split must be one of"):
        MNIST(tmp_path / "big", split="validation")


def test_mnist_loader_gives_every_image_once_with_its_label(mnist_dir):
    root, arrays = mnist_dir
    index_of = {image.tobytes(): i for i, image in enumerate(arrays["train_images"])}
    loader = DataLoader(MNIST(root), batch_size=10, shuffle=True)
    assert len(loader) == 4
    seen = []
    for images, labels in loader:
        assert images.shape[1:] == (1, 28, 28) and images.dtype == np.float32
        pixels = np.rint(images.numpy()[:, 0] * 255).astype(np.uint8)
        indices = [index_of[image.tobytes()] for image in pixels]
        np.testing.assert_array_equal(labels, arrays["train_labels"][indices])
        seen.extend(indices)
    assert sorted(seen) == list(range(37)) and seen != sorted(seen)


def test_batched_transforms_equal_the_image_by_image_ones(mnist_dir):
    root, arrays = mnist_dir
    normalize = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    fast = MNIST(root, transform=normalize)
    slow = MNIST(root, transform=transforms.Compose([transforms.Lambda(lambda x: x), normalize]))
    (fast_images, fast_labels), = [next(iter(DataLoader(fast, batch_size=37)))]
    (slow_images, slow_labels), = [next(iter(DataLoader(slow, batch_size=37)))]
    expected = arrays["train_images"].astype(np.float32)[:, None] / np.float32(255) * 2 - 1
    np.testing.assert_allclose(fast_images.numpy(), expected, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(slow_images.numpy(), fast_images.numpy())
    np.testing.assert_array_equal(fast_labels, slow_labels)
    assert fast_labels.dtype == np.int64


# ---------------------------------------------------------------------- DataLoader
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("drop_last", [False, True])
def test_every_sample_once_per_epoch_and_len_matches(shuffle, drop_last):
    n, batch_size = 23, 5
    loader = DataLoader(index_dataset(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(batches) == (n // batch_size if drop_last else math.ceil(n / batch_size))
    seen = np.concatenate([images.numpy()[:, 0] for images, _ in batches]).astype(int)
    labels = np.concatenate([labels for _, labels in batches])
    np.testing.assert_array_equal(seen, labels)  # images and labels stay paired
    assert len(seen) == len(set(seen.tolist())) == (20 if drop_last else 23)
    if not shuffle:
        np.testing.assert_array_equal(seen, np.arange(len(seen)))


def test_shuffling_follows_the_manual_seed_and_changes_every_epoch():
    n = 50
    loader = DataLoader(index_dataset(n), batch_size=8, shuffle=True)

    def epoch():
        return np.concatenate([labels for _, labels in loader])

    minigan.manual_seed(3)
    first, second = epoch(), epoch()
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(first, rng.permutation(n))
    np.testing.assert_array_equal(second, rng.permutation(n))
    assert not np.array_equal(first, second)
    minigan.manual_seed(3)
    np.testing.assert_array_equal(epoch(), first)
    seeded = DataLoader(index_dataset(n), batch_size=8, shuffle=True, generator=minigan.Generator().manual_seed(9))
    np.testing.assert_array_equal(np.concatenate([y for _, y in seeded]), np.random.default_rng(9).permutation(n))


def test_a_plain_dataset_is_collated_like_pytorch():
    class Squares(Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return minigan.tensor([float(i), float(i * i)]), i, {"half": i / 2}

    batches = list(DataLoader(Squares(), batch_size=4))
    images, labels, extra = batches[0]
    np.testing.assert_array_equal(images.numpy(), [[0, 0], [1, 1], [2, 4], [3, 9]])
    assert labels.dtype == np.int64 and labels.tolist() == [0, 1, 2, 3]
    assert extra["half"].dtype == np.float64 and extra["half"].tolist() == [0, 0.5, 1, 1.5]
    assert batches[1][1].tolist() == [4, 5]


def test_numpy_scalars_keep_their_dtype_in_a_batch_as_in_pytorch():
    class Scalars(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return np.float32(i) / 2, np.int32(i), np.bool_(i % 2), True

    values, counts, odd, flags = next(iter(DataLoader(Scalars(), batch_size=3)))
    assert values.dtype == np.float32 and values.tolist() == [0.0, 0.5, 1.0]  # not float64
    assert counts.dtype == np.int32 and counts.tolist() == [0, 1, 2]
    assert odd.dtype == np.bool_ and odd.tolist() == [False, True, False]
    assert flags.dtype == np.bool_ and flags.tolist() == [True, True, True]


def test_a_subclass_overriding_getitem_is_not_bypassed():
    class Doubled(TensorDataset):
        def __getitem__(self, i):
            image, label = super().__getitem__(i)
            return image * 2.0, label

    images, _ = next(iter(DataLoader(Doubled(minigan.ones(3, 2), np.arange(3)), batch_size=3)))
    np.testing.assert_array_equal(images.numpy(), np.full((3, 2), 2.0, np.float32))


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, "batch_size should be a positive integer value, but got batch_size=0"),
    ({"batch_size": 2.5}, "batch_size should be a positive integer value, but got batch_size=2.5"),
    ({"num_workers": -1}, "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing"),
    ({"generator": "seed"}, "generator must be"),
])
def test_bad_loader_arguments_name_the_problem(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        DataLoader(index_dataset(4), **kwargs)


def test_loader_takes_pytorchs_positional_order():
    # DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn,
    # pin_memory, drop_last, timeout, worker_init_fn, multiprocessing_context, generator), as PyTorch's
    loader = DataLoader(index_dataset(5), 2, False, None, None, 0, None, False, True)
    assert loader.drop_last and len(loader) == 2
    assert [np.asarray(labels).tolist() for _, labels in loader] == [[0, 1], [2, 3]]
    collated = DataLoader(index_dataset(3), 3, None, None, None, 0, lambda samples: [int(y) for _, y in samples])
    assert next(iter(collated)) == [0, 1, 2]


def test_tensor_dataset_over_arrays_batches_as_default_collate_does():
    class OneByOne(TensorDataset):  # overriding __getitem__ turns the whole-batch fetch off
        def __getitem__(self, i):
            return super().__getitem__(i)

    arrays = (np.arange(8.0).reshape(4, 2), np.arange(4), np.array([True, False, True, True]))
    fast = next(iter(DataLoader(TensorDataset(*arrays), batch_size=3)))
    slow = next(iter(DataLoader(OneByOne(*arrays), batch_size=3)))
    for got, expected, array in zip(fast, slow, arrays):
        assert isinstance(got, minigan.Tensor) and isinstance(expected, minigan.Tensor)
        assert got.dtype == expected.dtype == array.dtype
        np.testing.assert_array_equal(got.numpy(), array[:3])
        np.testing.assert_array_equal(expected.numpy(), array[:3])


def test_tensor_dataset_checks_its_tensors():
    with pytest.raises(ValueError, match=r"first dimensions differ: \[3, 4\]"):
        TensorDataset(minigan.zeros(3, 2), np.zeros(4))


def test_transforms_on_single_images_and_their_errors():
    pixels = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)  # (H, W, C)
    image = transforms.ToTensor()(pixels)
    np.testing.assert_array_equal(image.numpy(), pixels.transpose(2, 0, 1) / np.float32(255))
    normalized = transforms.Normalize((0.0, 0.5, 1.0), (1.0, 2.0, 4.0))(image)
    expected = (image.numpy() - np.array([0, 0.5, 1], np.float32)[:, None, None]) / np.array([1, 2, 4], np.float32)[:, None, None]
    np.testing.assert_allclose(normalized.numpy(), expected, rtol=1e-6)
    with pytest.raises(TypeError, match="already a Tensor"):
        transforms.ToTensor()(image)
    with pytest.raises(TypeError, match="put ToTensor"):
        transforms.Normalize((0.5,), (0.5,))(pixels)
    with pytest.raises(ValueError, match="std must not contain zeros"):
        transforms.Normalize((0.5,), (0.0,))
