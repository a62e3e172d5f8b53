"""``torch.backends.cudnn`` as flags a script may set: ``benchmark``, ``deterministic``,
``enabled``. minigan does not use cuDNN (its GPU kernels are CuPy's), so they change nothing
and ``is_available()`` is False."""

benchmark = False
deterministic = False
enabled = True
allow_tf32 = True


def is_available() -> bool:
    """False: minigan does not call cuDNN."""
    return False


def version() -> None:
    """None, as PyTorch gives without cuDNN."""
    return None
