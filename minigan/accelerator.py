"""``minigan.accelerator``: PyTorch's device-neutral questions. minigan's one accelerator is a
CUDA GPU through CuPy, so ``is_available()`` is true only where ``minigan.cuda.is_available()`` is."""
from __future__ import annotations

from . import cuda
from .backends import Device

__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available() -> bool:
    """Whether a usable GPU is present (CuPy installed and a CUDA device seen)."""
    return cuda.is_available()


def current_accelerator(check_available: bool = False) -> Device | None:
    """``device(type='cuda')`` where a GPU is usable, else None, as PyTorch without an accelerator."""
    return Device("cuda") if cuda.is_available() else None


def device_count() -> int:
    return cuda.device_count()
