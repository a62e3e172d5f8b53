"""``minigan.cuda``: what a PyTorch script asks ``torch.cuda`` before choosing a device.

``is_available()`` is True where CuPy sees a CUDA device, so the usual
``device = torch.device("cuda" if torch.cuda.is_available() else "cpu")`` picks the GPU there
and the CPU elsewhere.
"""
from __future__ import annotations

from .backends import cuda_unavailable_reason
from .torch_api.legacy_types import CUDA_TYPES
from .torch_api.unsupported import CUDA, module_getattr

# torch.cuda.FloatTensor and the other legacy types, which make tensors on the GPU
FloatTensor, DoubleTensor, HalfTensor = CUDA_TYPES["FloatTensor"], CUDA_TYPES["DoubleTensor"], CUDA_TYPES["HalfTensor"]
LongTensor, IntTensor, ByteTensor = CUDA_TYPES["LongTensor"], CUDA_TYPES["IntTensor"], CUDA_TYPES["ByteTensor"]
BoolTensor = CUDA_TYPES["BoolTensor"]


def is_available() -> bool:
    """Whether tensors can be placed on a CUDA GPU (CuPy installed and a device present)."""
    return cuda_unavailable_reason() is None


def device_count() -> int:
    """How many CUDA devices CuPy sees (0 without CuPy)."""
    if not is_available():
        return 0
    import cupy  # noqa: PLC0415

    return int(cupy.cuda.runtime.getDeviceCount())


def manual_seed(seed: int) -> None:
    """Seeds the GPU generators in PyTorch; with no GPU there is nothing to seed (PyTorch also
    ignores it then). ``minigan.manual_seed`` seeds everything minigan draws."""


manual_seed_all = manual_seed

__getattr__ = module_getattr(__name__, "torch.cuda", CUDA)
