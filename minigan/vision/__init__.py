"""``minigan.vision``: the counterpart of torchvision, to the depth GAN scripts use, so that
``import minigan.vision as torchvision`` (or ``import minigan.vision.datasets as dset``) reads
as the PyTorch script does.

* ``datasets`` - ``MNIST`` and ``FashionMNIST`` (minigan/data/datasets.py, over minigan's
  source chain and cache);
* ``transforms`` - ``Compose``, ``ToTensor``, ``Normalize``, ``Resize``, ``CenterCrop``, ``Pad``,
  ``RandomHorizontalFlip``, ``Grayscale``;
* ``utils`` - ``make_grid`` and ``save_image``.
"""
from . import datasets, transforms, utils

__all__ = ["datasets", "transforms", "utils"]
