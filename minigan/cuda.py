"""``minigan.cuda``: what a PyTorch script asks ``torch.cuda`` before choosing a device.

minigan tensors live on the CPU, so ``is_available()`` is False and the usual
``device = torch.device("cuda" if torch.cuda.is_available() else "cpu")`` picks the CPU.
"""
from __future__ import annotations

from .unsupported import CUDA, module_getattr


def is_available() -> bool:
    """Whether tensors can be placed on a CUDA GPU: not yet in minigan."""
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Seeds the GPU generators in PyTorch; with no GPU there is nothing to seed (PyTorch also
    ignores it then). ``minigan.manual_seed`` seeds everything minigan draws."""


manual_seed_all = manual_seed

__getattr__ = module_getattr(__name__, "torch.cuda", CUDA)
