"""MNIST-family data for minigan: IDX files, the source chain with its cache, batches, and the
PyTorch-style ``MNIST``/``TensorDataset``/``DataLoader`` that yield Tensors.

The IDX reader, the source chain and ``BatchLoader`` are pure NumPy; the datasets, the
``DataLoader`` and ``transforms`` build Tensors.
"""
from minigan.data.idx import DataError, decompress_idx, encode_idx, parse_idx, read_idx, write_idx
from minigan.data.batches import SCALES, BatchLoader, to_float
from minigan.data.mnist import DATASETS, MNISTData, RestrictedUnpickler, load_mnist, restricted_loads
from minigan.data import transforms
from minigan.data.datasets import MNIST, Dataset, FashionMNIST, IterableDataset, TensorDataset
from minigan.data.combined import ChainDataset, ConcatDataset, StackDataset
from minigan.data.collate import default_convert
from minigan.data.dataloader import DataLoader, default_collate
from minigan.data.worker_info import WorkerInfo, get_worker_info
from minigan.data.subsets import Subset, random_split
from minigan.data.samplers import (BatchSampler, DistributedSampler, RandomSampler, Sampler, SequentialSampler,
                                   SubsetRandomSampler, WeightedRandomSampler)
from minigan.torch_api.unsupported import DATA as _UNSUPPORTED, module_getattr as _module_getattr

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
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "ConcatDataset",
    "StackDataset",
    "ChainDataset",
    "MNIST",
    "FashionMNIST",
    "DataLoader",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "WorkerInfo",
    "Subset",
    "random_split",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "DistributedSampler",
    "transforms",
]

__getattr__ = _module_getattr(__name__, "torch.utils.data", _UNSUPPORTED)
