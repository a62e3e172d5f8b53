"""``torch.nn.modules.lazy``: ``LazyModuleMixin``, what the lazy modules share (minigan/nn/lazy.py)."""
from ..lazy import LazyModuleMixin

__all__ = ["LazyModuleMixin"]
