"""The result of a load: ``MNISTData``, the train, validation and test splits as read-only arrays."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from minigan.data.batches import to_float
from minigan.data.idx import DataError
from minigan.data.mnist.catalog import DatasetSpec
from minigan.data.mnist.checks import Arrays

__all__ = ["MNISTData", "split_train_val"]


@dataclass(frozen=True, eq=False)
class MNISTData:
    """The splits of MNIST or Fashion-MNIST, as read-only arrays.

    Images are uint8 ``(N, 28, 28)``, labels uint8 ``(N,)`` in ``0..9``; ``source`` says
    where the data came from. ``val`` is the tail of the original 60k training set.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    val_images: np.ndarray
    val_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str
    dataset: str = "mnist"
    classes: tuple[str, ...] = tuple(str(d) for d in range(10))

    _SPLITS = ("train", "val", "test", "trainval")

    def _check_split(self, split: str) -> None:
        if split not in self._SPLITS:
            raise ValueError(f"split must be one of {self._SPLITS!r}, got {split!r}")

    def images(self, split: str = "train") -> np.ndarray:
        """uint8 images of ``"train"``, ``"val"``, ``"test"`` or ``"trainval"`` (all 60k, original order)."""
        self._check_split(split)
        if split == "trainval":
            return np.concatenate([self.train_images, self.val_images])
        return getattr(self, f"{split}_images")

    def labels(self, split: str = "train") -> np.ndarray:
        """uint8 labels of a split (see :meth:`images`)."""
        self._check_split(split)
        if split == "trainval":
            return np.concatenate([self.train_labels, self.val_labels])
        return getattr(self, f"{split}_labels")

    def flat(
        self, split: str = "train", scale: str = "unit", dtype: np.dtype | type = np.float32
    ) -> np.ndarray:
        """Float images ``(N, 784)`` of a split, in [0, 1] (``"unit"``) or [-1, 1] (``"symmetric"``)."""
        return to_float(self.images(split), scale=scale, dtype=dtype)

    def __repr__(self) -> str:
        return (
            f"MNISTData({self.dataset}: train {len(self.train_images)}, "
            f"val {len(self.val_images)}, test {len(self.test_images)}; from {self.source})"
        )


def split_train_val(arrays: Arrays, spec: DatasetSpec, val_size: int, source: str) -> MNISTData:
    """The checked arrays of ``spec`` as an :class:`MNISTData` whose last ``val_size`` training
    images are the validation split; the arrays become read-only.

    Every :func:`load_mnist` result is made here, whatever its source, and looked up here at
    call time: the one place to observe (or wrap, in a test) what a load returns.
    """
    n_train = arrays["train_images"].shape[0]
    if val_size >= n_train:
        raise DataError(
            f"{source}: the training set has {n_train:,} images, but minigan keeps the last {val_size:,} "
            f"for validation, so it needs more than {val_size:,}"
        )
    for arr in arrays.values():
        arr.setflags(write=False)  # the splits are views of one array; keep them shared safely
    cut = n_train - val_size
    x, y = arrays["train_images"], arrays["train_labels"]
    return MNISTData(
        train_images=x[:cut],
        train_labels=y[:cut],
        val_images=x[cut:],
        val_labels=y[cut:],
        test_images=arrays["test_images"],
        test_labels=arrays["test_labels"],
        source=source,
        dataset=spec.name,
        classes=spec.classes,
    )
