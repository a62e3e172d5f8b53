"""``torch.nn.parallel.data_parallel`` on minigan's one device: the module run on the whole batch.

PyTorch splits the batch over the GPUs in ``device_ids``; on a machine without them it runs the
module as it is, which is what this does on the CPU or on minigan's one GPU. Asking for several
GPUs where there is one is refused (splitting changes what batch norm sees)."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from .. import cuda
from ..torch_api.unsupported import UnsupportedFeatureError

__all__ = ["data_parallel"]


def data_parallel(module: Any, inputs: Any, device_ids: Iterable[Any] | None = None, output_device: Any = None,
                  dim: int = 0, module_kwargs: Mapping[str, Any] | None = None) -> Any:
    """``module(*inputs, **module_kwargs)`` (``inputs`` one tensor or a tuple), as
    ``torch.nn.parallel.data_parallel`` gives with at most one device."""
    ids = set(device_ids) if device_ids is not None else set()
    if len(ids) > 1 and cuda.is_available():
        raise UnsupportedFeatureError(
            f"torch.nn.parallel.data_parallel over {len(ids)} devices is not supported by minigan "
            "(splitting a batch over several GPUs); it uses one GPU")
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return module(*inputs, **dict(module_kwargs or {}))
