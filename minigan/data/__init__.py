"""MNIST-family data for minigan: IDX files, the source chain with its cache, batches.

Pure NumPy; nothing here depends on the autograd engine.
"""
from minigan.data.idx import DataError, decompress_idx, encode_idx, parse_idx, read_idx, write_idx
from minigan.data.loader import SCALES, BatchLoader, to_float
from minigan.data.mnist import DATASETS, MNISTData, RestrictedUnpickler, load_mnist, restricted_loads

__all__ = [
    "DataError",
    "read_idx",
    "parse_idx",
    "decompress_idx",
    "encode_idx",
    "write_idx",
    "BatchLoader",
    "to_float",
    "SCALES",
    "DATASETS",
    "MNISTData",
    "load_mnist",
    "RestrictedUnpickler",
    "restricted_loads",
]
