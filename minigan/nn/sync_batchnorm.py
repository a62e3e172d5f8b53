"""``nn.SyncBatchNorm``: batch normalisation whose statistics PyTorch gathers across the processes of a
``torch.distributed`` group. Without an initialised process group (minigan has none: it runs in one
process) PyTorch falls back to the ordinary batch norm over the batch it is given, for an input of any
rank from 2 up; so does this. ``convert_sync_batchnorm`` swaps every batch norm in a model for one."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from .layers import BatchNorm1d, _check_tensor, batch_norm
from .module import Module

__all__ = ["SyncBatchNorm"]


class SyncBatchNorm(BatchNorm1d):
    """Batch normalisation of (N, C, ...) inputs per channel C, over the batch and every axis after C,
    as ``torch.nn.SyncBatchNorm`` computes it in a single process: :class:`BatchNorm1d`'s statistics,
    running averages, parameters, buffers and state_dict keys. ``process_group`` is kept, unused (there
    is no other process to share statistics with)."""

    _ranks = (2, 3, 4)  # what BatchNorm1d.forward is given: a longer input is viewed as (N, C, L)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group: Any = None, device: Any = None, dtype: Any = None,
                 *, bias: bool = True) -> None:
        if device not in (None, "cpu"):
            raise ValueError(f"SyncBatchNorm: device={device!r}; build on the CPU and move it with .to()")
        super().__init__(num_features, eps, momentum, affine, track_running_stats,
                         dtype=np.float32 if dtype is None else dtype, bias=bias)
        self.process_group = process_group

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        x = _check_tensor(self, input)
        if x.ndim < 2:
            raise ValueError(f"expected at least 2D input (got {x.ndim}D input)")
        if x.shape[1] == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")
        batch_statistics = self.training or self.running_mean is None or self.running_var is None
        if batch_statistics and x.shape[0] * int(np.prod(x.shape[2:], dtype=np.int64)) == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"torch.Size({list(x.shape)})")
        flat = x if x.ndim <= 4 else x.reshape(x.shape[:2] + (-1,))
        if x.shape[1] != self.num_features:
            first = next((name for name in ("running_mean", "weight", "bias") if getattr(self, name) is not None),
                         None)
            if first is not None:
                raise RuntimeError(f"{first} should contain {x.shape[1]} elements not {self.num_features}")
            # nothing of this layer's is per channel: the batch's own statistics, whatever C is
            out = batch_norm(flat, None, None, training=True, eps=self.eps)
        else:
            out = super().forward(flat)
        return out if flat is x else out.reshape(x.shape)

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """``module`` with each batch norm in it (BatchNorm1d/2d/3d, their lazy forms, SyncBatchNorm)
        replaced by a SyncBatchNorm sharing its parameters and buffers (the same tensors) and its
        training mode, as PyTorch's; a batch norm given itself comes back as a new SyncBatchNorm."""
        converted = module
        if isinstance(module, BatchNorm1d):
            converted = SyncBatchNorm(module.num_features, module.eps, module.momentum, module.affine,
                                      module.track_running_stats, process_group, bias=module.bias is not None,
                                      dtype=_dtype(module))
            if module.affine:
                converted.weight = module.weight
                converted.bias = module.bias
            for name in ("running_mean", "running_var", "num_batches_tracked"):  # the same tensors
                setattr(converted, name, getattr(module, name))
            converted.training = module.training
            if hasattr(module, "qconfig"):
                converted.qconfig = module.qconfig
        for name, child in module.named_children():
            converted.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return converted


def _dtype(module: Module) -> Any:
    """The floating dtype of a batch norm's parameters or buffers (float32 when it has neither)."""
    for tensor in (*module.parameters(recurse=False), *module.buffers(recurse=False)):
        if np.issubdtype(tensor.dtype, np.floating):
            return tensor.dtype
    return np.float32
