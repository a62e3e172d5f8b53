"""``torch.backends.mps``: Apple's GPU, which minigan does not drive."""


def is_available() -> bool:
    """False: minigan runs on the CPU or a CUDA GPU (through CuPy)."""
    return False


def is_built() -> bool:
    return False
