"""``torch.nn.parallel.data_parallel`` and ``nn.DataParallel`` on minigan's one device: the module run on
the whole batch.

PyTorch splits the batch over the GPUs in ``device_ids``; on a machine without them it runs the
module as it is, which is what this does on the CPU or on minigan's one GPU. Asking for several
GPUs where there is one is refused (splitting changes what batch norm sees)."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from .. import cuda
from ..autograd import Tensor
from ..backends import Device
from ..torch_api.unsupported import UnsupportedFeatureError
from .module import Module

__all__ = ["data_parallel", "DataParallel"]


def _several_gpus(count: int, what: str) -> UnsupportedFeatureError:
    return UnsupportedFeatureError(
        f"{what} over {count} devices is not supported by minigan (splitting a batch over several GPUs); "
        "it uses one GPU")


def data_parallel(module: Any, inputs: Any, device_ids: Iterable[Any] | None = None, output_device: Any = None,
                  dim: int = 0, module_kwargs: Mapping[str, Any] | None = None) -> Any:
    """``module(*inputs, **module_kwargs)`` (``inputs`` one tensor or a tuple), as
    ``torch.nn.parallel.data_parallel`` gives with at most one device."""
    ids = set(device_ids) if device_ids is not None else set()
    if len(ids) > 1 and cuda.is_available():
        raise _several_gpus(len(ids), "torch.nn.parallel.data_parallel")
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return module(*inputs, **dict(module_kwargs or {}))


def _gpu_index(device: Any) -> int:
    """A device id as PyTorch reads one (an int, "cuda", "cuda:0" or a device): minigan's GPU is 0."""
    if isinstance(device, int) and not isinstance(device, bool):
        return device
    found = Device(device)
    if found.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {found}")
    return 0


def _to_gpu(value: Any) -> Any:
    """The inputs as PyTorch's scatter hands them to a single GPU: tensors moved there, tuples, lists
    and dicts walked, anything else as it is."""
    if isinstance(value, Tensor):
        return value.to("cuda")
    if isinstance(value, (tuple, list)):
        return type(value)(_to_gpu(v) for v in value)
    if isinstance(value, dict):
        return {key: _to_gpu(v) for key, v in value.items()}
    return value


class DataParallel(Module):
    """``DataParallel(module, device_ids=None, output_device=None, dim=0)``: ``module`` held as ``.module``
    (so its state_dict keys gain the "module." prefix, as PyTorch's) and run on the whole batch.

    On a machine without a GPU, PyTorch keeps the module where it is, sets ``device_ids`` to [] and
    runs ``module(*inputs, **kwargs)``; so does this. Where CuPy sees a GPU, the module is moved
    there and the inputs with it, as PyTorch does for one device; several devices are refused.
    """

    def __init__(self, module: Module, device_ids: Iterable[Any] | None = None, output_device: Any = None,
                 dim: int = 0) -> None:
        super().__init__()
        if not cuda.is_available():  # PyTorch sets these two and nothing more
            self.module = module
            self.device_ids = []
            return
        ids = [0] if device_ids is None else [_gpu_index(d) for d in device_ids]
        if len(set(ids)) > 1:
            raise _several_gpus(len(set(ids)), "torch.nn.DataParallel")
        self.dim = dim
        self.module = module
        self.device_ids = ids
        self.output_device = ids[0] if output_device is None else _gpu_index(output_device)
        self.src_device_obj = Device("cuda")
        self.module.to("cuda")

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        if not self.device_ids:
            return data_parallel(self.module, inputs, module_kwargs=kwargs)
        for tensor in (*self.module.parameters(), *self.module.buffers()):
            if tensor.device != self.src_device_obj:
                raise RuntimeError("module must have its parameters and buffers on device cuda:0 (device_ids[0]) "
                                   f"but found one of them on device: {tensor.device}")
        return data_parallel(self.module, _to_gpu(inputs), self.device_ids, module_kwargs=_to_gpu(kwargs))
