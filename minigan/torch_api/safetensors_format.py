"""Weights in the safetensors format, the one PyTorch users load with ``safetensors.torch.load_file``.

``minigan.save(state_dict, "G.safetensors")`` and ``minigan.load("G.safetensors")`` come here (the
file's suffix chooses the format). A safetensors file is a flat table of named arrays plus a header
of string metadata, and no code: exactly what a ``state_dict()`` is. minigan's state_dict keys are
PyTorch's (``0.weight``, ``3.running_mean``, ``3.num_batches_tracked``), so the file loads with
``load_state_dict`` into the same ``nn.Sequential`` written in PyTorch (docs/interop-weights.md).

The format is read and written by the ``safetensors`` package (``pip install safetensors``), an
optional dependency: only these files need it.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

import numpy as np

from ..autograd import Tensor
from ..backends import to_numpy
from ..paths import atomic_write_bytes, write_target

__all__ = ["SUFFIX", "is_safetensors_path", "save_file", "load_file", "read_metadata"]

SUFFIX = ".safetensors"
#: What ``safetensors.torch.save_file`` writes in the header; libraries that read PyTorch
#: weights (transformers among them) look for it.
PYTORCH_FORMAT = {"format": "pt"}
_INSTALL = "pip install safetensors"


def is_safetensors_path(path: Any) -> bool:
    """Whether ``path`` (a str or path-like; not a file object) names a ``.safetensors`` file."""
    return isinstance(path, (str, os.PathLike)) and os.fspath(path).lower().endswith(SUFFIX)


def _package(action: str) -> Any:
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(f"{action} a {SUFFIX} file needs the safetensors package: {_INSTALL}") from None
    return safetensors


def _flat_arrays(tensors: Any) -> dict[str, np.ndarray]:
    """The named arrays of a flat ``{name: Tensor or array}`` dict, as contiguous NumPy arrays."""
    if not isinstance(tensors, Mapping):
        raise TypeError(f"save: a {SUFFIX} file holds a flat dict of named tensors (a state_dict), "
                        f"not a {type(tensors).__name__}")
    arrays: dict[str, np.ndarray] = {}
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"save: a {SUFFIX} file names its tensors with strings; got the key {name!r}")
        if isinstance(value, Tensor):
            value = value.array
        if not (isinstance(value, (np.ndarray, np.generic)) or type(value).__module__.startswith("cupy")):
            raise TypeError(f"save: {name!r} is a {type(value).__name__}; a {SUFFIX} file holds only tensors "
                            "(a training checkpoint with settings and optimizer state needs a .pt or .npz name)")
        array = np.asarray(to_numpy(value), order="C")  # (np.ascontiguousarray would make a 0-d array 1-d)
        if array.dtype.kind not in "fiub" or array.dtype.byteorder == ">":
            raise TypeError(f"save: {name!r} has dtype {array.dtype}, which a {SUFFIX} file cannot hold")
        arrays[name] = array
    return arrays


def save_file(tensors: Mapping[str, Any], path: str | os.PathLike, metadata: Mapping[str, str] | None = None) -> None:
    """Write ``tensors`` (a state_dict: names to Tensors or arrays) to ``path`` in the safetensors
    format, atomically (written beside it, then renamed into place). ``metadata`` is string
    key-value pairs for the header, after PyTorch's ``{"format": "pt"}``."""
    write_target(path)  # a directory or device there is refused before any work
    arrays = _flat_arrays(tensors)
    header = dict(PYTORCH_FORMAT)
    for key, value in (metadata or {}).items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"save: {SUFFIX} metadata maps strings to strings; got {key!r}: {type(value).__name__}")
        header[key] = value
    payload = _package("writing").numpy.save(arrays, metadata=header)
    atomic_write_bytes(path, payload)


def _opened(path: str | os.PathLike, action: str) -> tuple[Any, str]:
    package = _package(action)
    path_str = os.fspath(path)
    if not os.path.exists(path_str):
        raise FileNotFoundError(f"no such file: {path_str}")
    if os.path.isdir(path_str):
        raise ValueError(f"{path_str} is a directory, not a {SUFFIX} file")
    return package, path_str


def _unreadable(path_str: str, error: BaseException) -> ValueError:
    message = " ".join(str(error).split()) or type(error).__name__
    return ValueError(f"cannot load {path_str} as a {SUFFIX} file (corrupt or truncated?): {message}")


def load_file(path: str | os.PathLike) -> dict[str, Any]:
    """The tensors of a ``.safetensors`` file by name, in the file's order, as Tensors (what
    ``state_dict()`` gives and ``load_state_dict`` takes).

    A missing file is a FileNotFoundError; a corrupt, truncated or foreign file a one-line
    ValueError naming it. The header's offsets are checked against the file's size before any
    tensor is read, so a damaged file cannot ask for more memory than it holds."""
    package, path_str = _opened(path, "reading")
    try:
        with package.safe_open(path_str, framework="numpy") as handle:
            arrays = {name: handle.get_tensor(name) for name in handle.keys()}
    except (package.SafetensorError, OSError, ValueError, TypeError) as error:
        raise _unreadable(path_str, error) from None
    return {name: Tensor._make(array, False, None) for name, array in arrays.items()}


def read_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The string metadata in a ``.safetensors`` file's header (``{}`` when it has none)."""
    package, path_str = _opened(path, "reading")
    try:
        with package.safe_open(path_str, framework="numpy") as handle:
            return dict(handle.metadata() or {})
    except (package.SafetensorError, OSError, ValueError, TypeError) as error:
        raise _unreadable(path_str, error) from None
