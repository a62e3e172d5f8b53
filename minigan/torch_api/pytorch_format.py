"""Reading a file that PyTorch's ``torch.save`` wrote (``.pt``/``.pth``), without PyTorch.

Since PyTorch 1.6 such a file is a zip archive under one folder, ``NAME/``:

* ``NAME/data.pkl`` - a pickle of the saved object, in which each tensor is the call
  ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)`` and each
  storage a persistent id ``("storage", torch.FloatStorage, key, location, numel)``;
* ``NAME/data/KEY`` - each storage's raw bytes, in the order ``NAME/byteorder`` names.

This reader unpickles as ``torch.load(weights_only=True)`` does: it rebuilds tensors, numbers,
strings, None and the containers (dict, OrderedDict, list, tuple) and refuses any other global,
so a file cannot run code. A whole pickled model (``torch.save(model)``) is refused for that
reason: save ``model.state_dict()`` instead. bfloat16 storages become float32 (exactly: a
bfloat16 is the top half of a float32), as NumPy has no bfloat16.
"""
from __future__ import annotations

import collections
import pickle
import zipfile
from typing import Any, Callable

import numpy as np

_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16, "CharStorage": np.int8,
    "ByteStorage": np.uint8, "BoolStorage": np.bool_, "BFloat16Storage": "bfloat16",
}


def pickle_member(archive: zipfile.ZipFile) -> str | None:
    """The name of the archive's ``NAME/data.pkl`` when PyTorch wrote it, else None."""
    for name in archive.namelist():
        if name.count("/") == 1 and name.endswith("/data.pkl"):
            return name
    return None


def read_pytorch(archive: zipfile.ZipFile, pickled: str, max_bytes: int,
                 wrap: Callable[[np.ndarray], Any]) -> Any:
    """The object in a PyTorch zip archive, each tensor given to ``wrap`` as a NumPy array.
    Raises ValueError, naming the problem, for anything ``torch.load(weights_only=True)`` would
    not rebuild and for storages that do not hold what the pickle says."""
    prefix = pickled[: -len("data.pkl")]
    names = set(archive.namelist())
    order = archive.read(prefix + "byteorder").decode().strip() if prefix + "byteorder" in names else "little"
    if order not in ("little", "big"):
        raise ValueError(f"its byteorder record says {order!r}")
    storages: dict[str, np.ndarray] = {}
    budget = [max_bytes]

    def storage(key: str, kind: str, numel: int) -> np.ndarray:
        if key not in storages:
            dtype = np.dtype(np.uint16 if kind == "bfloat16" else kind).newbyteorder("<" if order == "little" else ">")
            member = f"{prefix}data/{key}"
            if member not in names:
                raise ValueError(f"storage {key} is missing from the archive")
            size = archive.getinfo(member).file_size
            if size < numel * dtype.itemsize or size > budget[0]:
                raise ValueError(f"storage {key} holds {size} bytes, not the {numel * dtype.itemsize} it declares "
                                 "(or more than the limit)")
            budget[0] -= size
            values = np.frombuffer(archive.read(member), dtype=dtype, count=numel).astype(dtype.newbyteorder("="))
            if kind == "bfloat16":
                values = (values.astype(np.uint32) << 16).view(np.float32)
            storages[key] = values
        return storages[key]

    if archive.getinfo(pickled).file_size > max_bytes:
        raise ValueError(f"its {pickled} is larger than the limit")
    with archive.open(pickled) as handle:
        return _WeightsUnpickler(handle, storage, wrap).load()


class _Storage:
    """A storage type named in the pickle (``torch.FloatStorage``): its NumPy dtype."""

    def __init__(self, kind: Any) -> None:
        self.kind = kind


class _WeightsUnpickler(pickle.Unpickler):
    def __init__(self, file: Any, storage: Callable[[str, Any, int], np.ndarray],
                 wrap: Callable[[np.ndarray], Any]) -> None:
        super().__init__(file)
        self.storage, self.wrap = storage, wrap

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch" and name in _STORAGE_DTYPES:
            return _Storage(_STORAGE_DTYPES[name])
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return self._rebuild_tensor
        if (module, name) == ("torch._utils", "_rebuild_parameter"):
            return lambda data, requires_grad, hooks: data
        if module.startswith("torch.nn") or not module.startswith("torch") and module != "builtins":
            raise pickle.UnpicklingError(f"it holds a pickled {module}.{name} (a whole model, saved with "
                                         "torch.save(model)?); save model.state_dict() in PyTorch and load that")
        raise pickle.UnpicklingError(f"it holds {module}.{name}, which minigan does not rebuild (it reads tensors, "
                                     "numbers, strings and containers, as torch.load(weights_only=True))")

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage" and isinstance(pid[1], _Storage)):
            raise pickle.UnpicklingError(f"it holds a persistent id {str(pid)[:80]} that is not a storage")
        _, kind, key, _location, numel = pid  # every storage is read to the host; map_location moves it
        if not isinstance(key, str) or not isinstance(numel, int) or numel < 0:
            raise pickle.UnpicklingError(f"it holds a malformed storage record {str(pid)[:80]}")
        return self.storage(key, kind.kind, numel)

    def _rebuild_tensor(self, storage: Any, offset: int, size: tuple, stride: tuple, requires_grad: bool,
                        hooks: Any, *metadata: Any) -> Any:
        if not isinstance(storage, np.ndarray) or len(size) != len(stride):
            raise pickle.UnpicklingError("it holds a tensor record that does not name a storage, size and stride")
        last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset - 1
        if offset < 0 or any(s < 0 for s in stride) or last >= storage.size:
            raise pickle.UnpicklingError(f"a tensor of size {tuple(size)} at offset {offset} with stride {tuple(stride)} "
                                         f"reaches past its storage of {storage.size} values")
        view = np.lib.stride_tricks.as_strided(storage[offset:], tuple(size),
                                               tuple(s * storage.itemsize for s in stride), writeable=False)
        return self.wrap(np.array(view))
