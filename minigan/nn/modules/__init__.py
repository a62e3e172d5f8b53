"""``torch.nn.modules``'s paths: ``nn.modules.module`` (``Module`` and the hooks on every module's call).
The layers themselves are in ``minigan.nn``."""
from . import module
from .module import Module

__all__ = ["Module", "module"]
