"""A Module's ``type(dst_type)`` and ``to_empty(*, device, recurse=True)``, as PyTorch's, and the walk
over its parameters, their gradients and its buffers that these and ``Module.to`` share.

Each keeps the Parameters and buffers themselves and gives them new arrays (``.array``), as
PyTorch's conversions set ``.data``: an optimizer made before still holds them.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd import Tensor, no_grad
from ..autograd.arguments import check_device_argument
from ..backends import backend_for, backend_of
from ..torch_api.unsupported import refuse_foreign_device


class ModuleTypes:
    """``type`` and ``to_empty``; mixed into minigan/nn/module.py's Module."""

    def _convert_arrays(self, convert: Callable[[Tensor], Any], recurse: bool = True) -> None:
        """Give every parameter, its gradient and every buffer (of this module alone unless
        ``recurse``) the array ``convert(tensor)``, made under ``no_grad``: all of them first, then
        assigned, so that a conversion that fails changes nothing."""
        modules = self.modules() if recurse else (self,)  # type: ignore[attr-defined]
        tensors = []
        for module in modules:
            for param in module._parameters.values():
                if param is not None:
                    tensors.append(param)
                    if param.grad is not None:
                        tensors.append(param.grad)
            tensors.extend(buffer for buffer in module._buffers.values() if buffer is not None)
        with no_grad():
            arrays = [convert(tensor) for tensor in tensors]
        for tensor, array in zip(tensors, arrays):
            tensor.array = array

    def type(self, dst_type: Any) -> Any:
        """Cast every parameter, its gradient and every buffer to ``dst_type`` (a dtype such as
        ``minigan.float64``, a type name such as ``"torch.DoubleTensor"`` or a legacy type such as
        ``minigan.DoubleTensor``), as ``Tensor.type(dst_type)`` casts a tensor: integer buffers
        too. A parameter that requires grad must stay floating point, as in PyTorch. In place;
        returns the module."""
        if dst_type is None:
            raise TypeError("Module.type(dst_type): dst_type must be a dtype, a type name or a tensor type, got None")

        def cast(tensor: Tensor) -> Any:
            array = tensor.type(dst_type).array
            if tensor.requires_grad and np.dtype(backend_of(array).numpy_dtype(array.dtype)).kind != "f":
                raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex "
                                   "dtype")
            return array
        self._convert_arrays(cast)
        return self

    def to_empty(self, *, device: Any, recurse: bool = True) -> Any:
        """Give every parameter, its gradient and every buffer (of this module alone when
        ``recurse`` is False) new memory on ``device`` (None: where each is now), of the same shape
        and dtype and with values left uninitialised, as PyTorch's. In place; returns the module."""
        refuse_foreign_device(device, f"Module.to_empty(device={device!r})")
        check_device_argument(device)

        def empty(tensor: Tensor) -> Any:
            array = tensor.array
            source = backend_of(array)
            target = source if device is None else backend_for(device)
            if target is source:
                return source.xp.empty_like(array)
            return target.asarray(np.empty(tuple(array.shape), source.numpy_dtype(array.dtype)))
        self._convert_arrays(empty, recurse)
        return self
