"""``torchvision.datasets`` as minigan has it: ``MNIST`` and ``FashionMNIST`` with ``root``,
``train``, ``download``, ``transform`` and ``target_transform``; the classes live in
minigan/data/datasets.py.

``download=True`` goes through minigan's source chain (minigan/data/mnist/sources.py): the
cache first, so a cached copy needs no network, and what is downloaded stays in the cache
rather than under ``root``. A ``root`` that holds the IDX files (directly, or in torchvision's
``root/MNIST/raw``) is read as it is.
"""
from minigan.data.datasets import MNIST, Dataset, FashionMNIST
from minigan.torch_api.unsupported import module_getattr

__all__ = ["MNIST", "FashionMNIST", "Dataset"]

__getattr__ = module_getattr(__name__, "torchvision.datasets", {
    name: "this dataset; minigan.vision.datasets has MNIST and FashionMNIST"
    for name in ("CIFAR10", "CIFAR100", "ImageFolder", "LSUN", "CelebA", "FakeData", "SVHN", "STL10", "EMNIST",
                 "KMNIST", "QMNIST", "Omniglot", "ImageNet", "DatasetFolder")
})
