"""Map-style datasets, as in ``torch.utils.data`` and ``torchvision.datasets``: ``Dataset``,
``TensorDataset``, ``MNIST`` and ``FashionMNIST``.

A dataset has ``len(dataset)`` and ``dataset[i]``, an ``(input, target)`` pair. The built-in ones
also make a whole batch in one NumPy call (``_fetch_batch``), which :class:`DataLoader` prefers to
indexing image by image.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import numpy as np

from minigan.autograd import Tensor
from minigan.data import transforms as _transforms
from minigan.data.mnist import load_mnist
from minigan.data.mnist.catalog import DATASETS
from minigan.data.mnist.directories import holds_idx_files

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "MNIST", "FashionMNIST"]

Batch = list  # one entry per field of a sample, as PyTorch's default collation gives


class Dataset:
    """Base class of map-style datasets: subclass it and define ``__len__`` and ``__getitem__``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} does not define __len__")

    def __add__(self, other: Any) -> Any:
        """``a + b`` is ``ConcatDataset([a, b])``: the samples of ``a``, then those of ``b``."""
        from minigan.data.combined import ConcatDataset  # combined.py builds on this file
        return ConcatDataset([self, other])

    def _fetch_batch(self, indices: np.ndarray) -> Batch | None:
        """The samples at ``indices`` already collated, or None to have them indexed one by one."""
        return None

    def _indexing_is_builtin(self, owner: type) -> bool:
        """False when a subclass overrides ``__getitem__`` or ``__getitems__``: the batch shortcut
        would skip it."""
        return (type(self).__getitem__ is owner.__getitem__
                and getattr(type(self), "__getitems__", None) is getattr(owner, "__getitems__", None))


def samples_at(dataset: Any, indices: list) -> list:
    """The samples of ``dataset`` at ``indices``: in one call of its ``__getitems__`` when it has
    one (as PyTorch's loader asks for a batch), else one by one."""
    getitems = getattr(dataset, "__getitems__", None)
    return getitems(indices) if callable(getitems) else [dataset[i] for i in indices]


class IterableDataset(Dataset):
    """Base class of iterable-style datasets, as ``torch.utils.data.IterableDataset``: subclass it
    and define ``__iter__``, which yields the samples (a stream, a file read line by line).

    A :class:`DataLoader` over it batches the samples in the order they come, with no sampler or
    shuffle. With ``num_workers`` > 0 each worker process iterates its own copy of the dataset, so
    ``__iter__`` should give each worker its share, reading ``minigan.data.get_worker_info()``;
    otherwise every sample comes once per worker. ``a + b`` chains two of them (:class:`ChainDataset`).
    """

    def __iter__(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __iter__")

    def __len__(self) -> int:  # a stream has no length unless a subclass gives one
        raise TypeError(f"object of type '{type(self).__name__}' has no len()")

    def __add__(self, other: Any) -> Any:
        from minigan.data.combined import ChainDataset  # combined.py builds on this file
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are the i-th rows of each of the given Tensors (or NumPy arrays), which must
    share their first dimension: ``TensorDataset(images, labels)``."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        for i, t in enumerate(tensors):
            if not isinstance(t, (Tensor, np.ndarray)):
                raise TypeError(f"TensorDataset: argument {i} is a {type(t).__name__}, not a Tensor or NumPy array")
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: argument {i} is 0-dimensional; it needs a first dimension to index")
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) != 1:
            raise ValueError(f"TensorDataset: the tensors' first dimensions differ: {sizes}")
        self.tensors = tensors

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __getitem__(self, index: int) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def _fetch_batch(self, indices: np.ndarray) -> Batch | None:
        if not self._indexing_is_builtin(TensorDataset):
            return None
        return [t[indices] if isinstance(t, Tensor) else _collated_rows(t[indices]) for t in self.tensors]


def _collated_rows(rows: np.ndarray) -> Any:
    """An array's rows as default_collate stacks them: a Tensor for numbers and booleans."""
    return Tensor._make(rows, False, None) if rows.dtype.kind in "fiub" else rows


class MNIST(Dataset):
    """The MNIST digits as ``(image, label)`` pairs, like ``torchvision.datasets.MNIST``.

    Without a transform an image is a float32 Tensor ``(1, 28, 28)`` in [0, 1]; with one, the
    transform gets the uint8 ``(28, 28)`` array (torchvision gives it a PIL image; ``ToTensor``
    treats both alike). Labels are ints 0..9.

    ``train=True`` is all 60,000 training images and ``train=False`` the 10,000 test images,
    as in torchvision. minigan's own trainer keeps the last 10,000 training images apart as a
    validation set (the Parzen log-likelihood in minigan.evaluate is measured on them); ``split``
    selects those parts: ``"train"`` (the first 50,000), ``"val"`` (the last 10,000),
    ``"trainval"`` (all 60,000, the same as ``train=True``) or ``"test"``.

    ``root`` is a directory holding the four IDX files (or torchvision's ``root/MNIST/raw``).
    When it is None or does not exist, or (with ``download=True``) holds none of the files,
    the data come through minigan's source chain (``$MINIGAN_DATA``, the cache, local copies,
    the mirrors), and what is downloaded stays in minigan's cache, not under ``root``;
    ``download=False`` keeps that chain to local sources. See minigan/data/mnist/sources.py.
    """

    _dataset = "mnist"
    _SPLITS = ("train", "val", "trainval", "test")

    def __init__(
        self,
        root: str | os.PathLike | None = None,
        train: bool = True,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[int], Any] | None = None,
        download: bool = True,
        *,
        split: str | None = None,
        verbose: bool = True,
    ) -> None:
        if split is None:
            split = "trainval" if train else "test"
        if split not in self._SPLITS:
            raise ValueError(f"{type(self).__name__}: split must be one of {self._SPLITS!r}, got {split!r}")
        data_dir = root if root is not None and Path(root).expanduser().exists() else None
        if data_dir is not None and download and not _holds_data(Path(root).expanduser(), self._dataset):
            data_dir = None  # torchvision would download into root; here the source chain (cache, mirrors)
        # Only the train/val parts need the validation cut; loading without it keeps all 60,000
        # training images as "train", in their original order.
        if split in ("train", "val"):
            data = load_mnist(self._dataset, data_dir, download=download, verbose=verbose)
        else:
            data = load_mnist(self._dataset, data_dir, download=download, verbose=verbose, val_size=0)
        part = "train" if split == "trainval" else split
        self.split = split
        # Tensors sharing the arrays' memory, as torchvision's: uint8 images (N, 28, 28), int64 labels.
        # A script may put its own there (dataset.data = dataset.data[mask]), Tensors or arrays alike.
        self.data = Tensor._make(data.images(part), False, None)
        self.targets = Tensor._make(data.labels(part).astype(np.int64), False, None)
        self.classes = list(data.classes)
        self.source = data.source
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"{type(self).__name__}[index] takes one int index (one sample), got "
                            f"{type(index).__name__}; for several, use a Subset or a DataLoader")
        image = np.asarray(self.data)[index]
        image = _transforms.ToTensor()(image) if self.transform is None else self.transform(image)
        target = int(np.asarray(self.targets)[index])
        return image, target if self.target_transform is None else self.target_transform(target)

    def _fetch_batch(self, indices: np.ndarray) -> Batch | None:
        transform = _transforms.ToTensor() if self.transform is None else self.transform
        if (not self._indexing_is_builtin(MNIST) or self.target_transform is not None
                or not _transforms.batchable(transform)):
            return None
        labels = Tensor._make(np.asarray(self.targets)[indices].astype(np.int64, copy=False), False, None)  # as default_collate
        return [transform.batch(np.asarray(self.data)[indices]), labels]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(split={self.split!r}, {len(self)} images, from {self.source})"


def _holds_data(root: Path, dataset: str) -> bool:
    """Whether ``root`` holds any of the dataset's IDX files (a directory without them is not a
    data directory yet: ``download=True`` fetches the data, as torchvision does)."""
    try:
        return not root.is_dir() or holds_idx_files(root, DATASETS[dataset])
    except OSError:
        return True  # unreadable: let the data directory's own check say so


class FashionMNIST(MNIST):
    """Fashion-MNIST, read the same way as :class:`MNIST` (labels 0..9 name clothing classes)."""

    _dataset = "fashion-mnist"
