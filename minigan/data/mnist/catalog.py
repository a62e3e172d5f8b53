"""What MNIST and Fashion-MNIST are: their four IDX files with published checksums, their
mirrors, sizes and class names (``DATASETS``), and the lookup of a dataset by name."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "IMAGE_HW",
    "ARRAY_KEYS",
    "IdxFile",
    "DatasetSpec",
    "MNIST_FILES",
    "FASHION_FILES",
    "DATASETS",
    "dataset_spec",
]

IMAGE_HW = (28, 28)  # height and width of every image
# The four arrays of a dataset, named as the IDX files hold them (train and test, images and labels).
ARRAY_KEYS = ("train_images", "train_labels", "test_images", "test_labels")


@dataclass(frozen=True)
class IdxFile:
    """One of a dataset's four IDX files, with the checksums its copies must match."""

    name: str  # IDX file name without ".gz"
    gz_sha256: str  # of the published .gz file
    gz_size: int
    raw_sha256: str  # of the decompressed IDX bytes (checks re-packed or rebuilt copies)


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of the catalog: its files, where to find them, its sizes and class names."""

    name: str
    title: str
    files: dict[str, IdxFile]  # keyed by ARRAY_KEYS
    mirrors: tuple[str, ...]
    n_train: int
    n_test: int
    classes: tuple[str, ...]
    system_dirs: tuple[str, ...] = ()
    torchvision_dir: str = ""
    hub: bool = False


# Checksums as published with the datasets (MNIST: TensorFlow Datasets' and others' tables;
# Fashion-MNIST: the SHA-256 of the files whose MD5s the Zalando README lists). The raw
# SHA-256 of the decompressed IDX files lets copies that were re-gzipped be verified too.
MNIST_FILES = {
    "train_images": IdxFile(
        "train-images-idx3-ubyte",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        9912422,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train_labels": IdxFile(
        "train-labels-idx1-ubyte",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        28881,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "test_images": IdxFile(
        "t10k-images-idx3-ubyte",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        1648877,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "test_labels": IdxFile(
        "t10k-labels-idx1-ubyte",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        4542,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}
FASHION_FILES = {
    "train_images": IdxFile(
        "train-images-idx3-ubyte",
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        26421880,
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    "train_labels": IdxFile(
        "train-labels-idx1-ubyte",
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        29515,
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    "test_images": IdxFile(
        "t10k-images-idx3-ubyte",
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        4422102,
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
    "test_labels": IdxFile(
        "t10k-labels-idx1-ubyte",
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        5148,
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
}

DATASETS: dict[str, DatasetSpec] = {
    "mnist": DatasetSpec(
        name="mnist",
        title="MNIST",
        files=MNIST_FILES,
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        n_train=60_000,
        n_test=10_000,
        classes=tuple(str(d) for d in range(10)),
        torchvision_dir="MNIST",
        hub=True,
    ),
    "fashion-mnist": DatasetSpec(
        name="fashion-mnist",
        title="Fashion-MNIST",
        files=FASHION_FILES,
        mirrors=(
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
            # S3 *website* endpoints answer plain HTTP only; the SHA-256 check keeps it safe.
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        ),
        n_train=60_000,
        n_test=10_000,
        classes=(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
        ),
        # Debian's dataset-fashion-mnist: re-gzipped copies, so only the raw SHA-256 applies.
        system_dirs=("/usr/share/datasets/fashion-mnist",),
        torchvision_dir="FashionMNIST",
    ),
}


def dataset_spec(dataset: str) -> DatasetSpec:
    """The catalog entry of ``dataset`` (``"mnist"``, ``"fashion-mnist"``; case and ``_`` are forgiven)."""
    if not isinstance(dataset, str):
        raise TypeError(f"dataset must be a string, got {type(dataset).__name__}")
    key = dataset.strip().lower().replace("_", "-")
    if key not in DATASETS:
        valid = ", ".join(repr(k) for k in DATASETS)
        raise ValueError(f"unknown dataset {dataset!r}; valid names: {valid}")
    return DATASETS[key]
