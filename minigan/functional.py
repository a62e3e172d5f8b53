"""``torch.functional``, the module of PyTorch's tensor functions that are not methods, for code
that imports it (``import torch.functional as F`` becomes ``import minigan.functional as F``).
minigan has three of them, ``split``, ``norm`` and ``unique`` (the functions ``minigan.split``,
``minigan.norm`` and ``minigan.unique``); ``einsum`` and ``tensordot`` (minigan/ops/einsum.py) too; the others (``meshgrid``, ``block_diag``...)
say in one line that minigan lacks them. ``cdist`` is ``minigan.cdist``. The layers' functions are
``minigan.nn.functional``."""
from .autograd.pytorch_methods import split
from .ops.dims import norm
from .ops.discrete import unique
from .nn.distance import cdist
from .ops.einsum import einsum, tensordot
from .torch_api.unsupported import FUNCTIONAL_MODULE as _UNSUPPORTED, module_getattr as _module_getattr

__all__ = ["split", "norm", "unique", "cdist", "einsum", "tensordot"]

__getattr__ = _module_getattr(__name__, "torch.functional", _UNSUPPORTED)
