"""``torch.functional``, the module of PyTorch's tensor functions that are not methods, for code
that imports it (``import torch.functional as F`` becomes ``import minigan.functional as F``).
minigan has ``split``, ``norm``, ``unique``, ``unique_consecutive`` and ``unravel_index`` (the functions
``minigan.split``, ``minigan.norm``...); ``einsum`` and ``tensordot`` (minigan/ops/einsum.py); ``meshgrid``,
``broadcast_tensors``, ``broadcast_shapes``, ``atleast_1d``/``2d``/``3d``, ``block_diag``, ``cartesian_prod`` and
``chain_matmul`` (minigan/ops/builders.py); the deprecated ``lu`` (minigan/ops/lu.py); ``svd_lowrank`` and
``pca_lowrank`` (minigan/ops/lowrank.py); the others (``stft``...)
say in one line that minigan lacks them. ``cdist`` is ``minigan.cdist``. The layers' functions are
``minigan.nn.functional``."""
from .autograd.pytorch_methods import split
from .ops.dims import norm
from .ops.discrete import unique
from .ops.search import unique_consecutive, unravel_index
from .nn.distance import cdist
from .ops.einsum import einsum, tensordot
from .ops.lu import lu_deprecated as lu
from .ops.lowrank import pca_lowrank, svd_lowrank
from .ops.builders import (
    atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_shapes, broadcast_tensors, cartesian_prod, chain_matmul,
    meshgrid,
)
from .torch_api.unsupported import FUNCTIONAL_MODULE as _UNSUPPORTED, module_getattr as _module_getattr

__all__ = ["split", "norm", "unique", "cdist", "einsum", "tensordot", "unique_consecutive", "unravel_index",
           "meshgrid", "broadcast_tensors", "broadcast_shapes", "atleast_1d", "atleast_2d", "atleast_3d", "block_diag",
           "cartesian_prod", "chain_matmul", "lu", "svd_lowrank", "pca_lowrank"]

__getattr__ = _module_getattr(__name__, "torch.functional", _UNSUPPORTED)
