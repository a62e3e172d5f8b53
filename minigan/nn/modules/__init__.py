"""``torch.nn.modules``'s paths: ``nn.modules.module`` (``Module`` and the hooks on every module's call)
and ``nn.modules.lazy`` (``LazyModuleMixin``). The layers themselves are in ``minigan.nn``."""
from . import lazy, module
from .module import Module

__all__ = ["Module", "lazy", "module"]
