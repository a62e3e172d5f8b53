"""``save(obj, path)`` / ``load(path)``: checkpoints as ``.npz`` archives, with no pickle anywhere
(``load`` also reads the files PyTorch's ``torch.save`` writes, through a restricted unpickler,
and ``save`` writes that format under a ``.pt``/``.pth`` name: minigan/torch_api/pytorch_writer.py).

Format (version 2): every array in ``obj`` is stored as its own member ``a0``, ``a1``, ... of
an uncompressed NumPy ``.npz`` archive, and one more member, ``__minigan__``, holds a UTF-8
JSON document (as a uint8 array) that describes the structure:

* JSON null, true/false, numbers and strings stand for None, bools, ints, floats and strings
  (Python's json writes floats with ``repr`` and ints of any size, so both round-trip exactly,
  including a Generator's 128-bit state);
* a JSON list is a Python list;
* every other node is a one-key object: ``{"dict": [[key, value], ...]}`` (keys str or int, in
  order), ``{"tuple": [...]}``, ``{"tensor": "a2"}`` (a Tensor's data), ``{"array": "a3"}`` (a
  NumPy array) and ``{"scalar": "a4"}`` (a NumPy scalar, stored as a 0-d array).

``load`` gives back what was saved: a Tensor where a Tensor was saved (as ``torch.load`` does;
its data, without gradient or graph) and a NumPy array where an array was. Version 1, written
before Tensors had a node of their own, is read too, its arrays as arrays. :func:`load_arrays`
gives NumPy arrays throughout (minigan's own readers use it). Reading goes through
:class:`minigan.torch_api.archive.SafeArchive`: no pickle (an object array is refused), and every
declared shape is checked against the member's size and a limit before anything is allocated.
"""
from __future__ import annotations

import json
import os
import pickle
import zipfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO, Callable

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import check_device_argument
from ..backends import Device, to_numpy
from ..paths import atomic_write, write_target
from .archive import DEFAULT_MAX_BYTES, SafeArchive
from .pytorch_format import pickle_member, read_pytorch
from .pytorch_writer import encode_pytorch, write_pytorch
from .safetensors_format import is_safetensors_path, load_file, save_file

FORMAT_NAME = "minigan"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # 1: before the "tensor" node
_STRUCTURE_KEY = "__minigan__"


class _Encoder:
    """Turns ``obj`` into a JSON-able tree plus a dict of named arrays."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._active: set[int] = set()  # containers on the current path, to catch cycles

    def _store(self, array: np.ndarray, where: str) -> str:
        if array.dtype.hasobject:
            raise TypeError(f"save: {where} is an array of dtype {array.dtype}, which needs pickle; "
                            "only plain numeric, bool and string arrays can be saved")
        name = f"a{len(self.arrays)}"
        self.arrays[name] = array
        return name

    def encode(self, obj: Any, where: str) -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return int(obj)  # int subclasses (IntEnum) become plain ints
        if isinstance(obj, float):
            return float(obj)
        if isinstance(obj, Tensor):
            return {"tensor": self._store(np.array(to_numpy(obj.array)), where)}
        if isinstance(obj, np.ndarray) or type(obj).__module__.startswith("cupy"):
            return {"array": self._store(np.array(to_numpy(obj)), where)}
        if isinstance(obj, np.generic):
            return {"scalar": self._store(np.asarray(obj), where)}
        if isinstance(obj, (dict, list, tuple)):
            if id(obj) in self._active:
                raise ValueError(f"save: {where} contains itself (a reference cycle)")
            self._active.add(id(obj))
            try:
                if isinstance(obj, dict):
                    pairs = []
                    for key, value in obj.items():
                        if isinstance(key, bool) or not isinstance(key, (str, int)):
                            raise TypeError(f"save: {where} has a key {key!r} of type {type(key).__name__}; "
                                            "only str and int keys can be saved")
                        pairs.append([key if isinstance(key, str) else int(key), self.encode(value, f"{where}[{key!r}]")])
                    return {"dict": pairs}
                items = [self.encode(value, f"{where}[{i}]") for i, value in enumerate(obj)]
                return items if isinstance(obj, list) else {"tuple": items}
            finally:
                self._active.discard(id(obj))
        raise _refusal(obj, where)


def _refusal(obj: Any, where: str) -> TypeError:
    """The one-line error for an object that neither format can hold."""
    if callable(getattr(obj, "state_dict", None)):  # torch.save(model) pickles the module and its code
        return TypeError(
            f"save: {where} is a {type(obj).__name__}; minigan saves no objects with code in them (PyTorch "
            "pickles them): save its state_dict() and restore that with load_state_dict"
        )
    return TypeError(
        f"save: {where} is a {type(obj).__name__}, which cannot be saved; use dicts, lists, tuples, "
        "arrays, Tensors, numbers, bools, strings and None"
    )


class _Decoder:
    def __init__(self, archive: Any, path: str, place: Callable[[np.ndarray], Any] | None = None,
                 as_tensors: bool = False) -> None:
        self.archive = archive
        self.path = path
        self.place = place  # what map_location does to each array, or None
        self.as_tensors = as_tensors

    def _member(self, name: Any) -> np.ndarray:
        if not isinstance(name, str) or name == _STRUCTURE_KEY or name not in self.archive.files:
            raise ValueError(f"{self.path}: the structure refers to a missing array {name!r}")
        array = self.archive[name]
        return array if self.place is None else self.place(array)

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(item) for item in node]
        if isinstance(node, dict) and len(node) == 1:
            (tag, value), = node.items()
            if tag == "dict":
                if not isinstance(value, list) or not all(
                        isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], (str, int))
                        and not isinstance(pair[0], bool) for pair in value):
                    raise ValueError(f"{self.path}: a dict node in the structure record is not a list of "
                                     "[str or int key, value] pairs")
                return {key: self.decode(item) for key, item in value}
            if tag == "tuple":
                if not isinstance(value, list):
                    raise ValueError(f"{self.path}: a tuple node in the structure record is not a list")
                return tuple(self.decode(item) for item in value)
            if tag == "array":
                return self._member(value)
            if tag == "tensor":
                array = self._member(value)
                return Tensor._make(array, False, None) if self.as_tensors and hasattr(array, "dtype") else array
            if tag == "scalar":
                return self._member(value)[()]
        raise ValueError(f"{self.path}: unrecognised node {str(node)[:80]!r} in the structure record")


def save(obj: Any, path: str | os.PathLike | BinaryIO, *, format: str | None = None,
         before_replace: Callable[[Path], None] | None = None) -> None:
    """Write ``obj`` (nested dicts, lists, tuples, arrays, Tensors, numbers, strings, None) to
    ``path`` atomically: the file is written beside it and renamed into place, so a crash
    mid-write leaves any previous file intact. The name is used as given (no ".npz" added).
    ``path`` may also be a binary file object (``io.BytesIO``, ``open(name, "wb")``), as in
    PyTorch: the archive is written into it at its position, and it is left open.

    A symlink at ``path`` is followed: its target is written. A directory, device or FIFO at
    ``path`` is refused with one line (:class:`minigan.paths.NotARegularFile`, an OSError) and left
    as it was. ``before_replace(tmp)`` runs between the write and the rename (a test hook).
    A name ending in ``.safetensors`` writes that format (a flat state_dict; PyTorch reads it
    with ``safetensors.torch.load_file``).

    A name ending in ``.pt`` or ``.pth``, or ``format="pytorch"``, writes the zip format that
    PyTorch's ``torch.save`` writes, which ``torch.load(path, weights_only=True)`` reads
    (minigan/torch_api/pytorch_writer.py says what it holds: NumPy arrays become Tensors there).
    Any other name, and a file object unless ``format="pytorch"``, gets minigan's ``.npz``
    archive (``format="minigan"`` asks for it under any name)."""
    is_file = hasattr(path, "write")
    if format not in (None, "minigan", "pytorch"):
        raise ValueError(f"save: format must be 'minigan', 'pytorch' or None (chosen by the name), got {format!r}")
    if format is None and not is_file and is_safetensors_path(path):
        return save_file(obj, path)
    if format is None and not is_file:
        format = "pytorch" if os.fspath(path).lower().endswith((".pt", ".pth")) else "minigan"
    if not is_file:
        write_target(path)  # refuse a device, FIFO or directory before the work of encoding
    if format == "pytorch":
        return _save_pytorch(obj, path, before_replace)
    encoder = _Encoder()
    try:
        root = encoder.encode(obj, "obj")  # everything is checked before the file is touched
    except RecursionError:
        raise ValueError("save: obj is nested too deeply to be saved") from None
    document = json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION, "root": root}, allow_nan=True)
    members = dict(encoder.arrays)
    members[_STRUCTURE_KEY] = np.frombuffer(document.encode("utf-8"), dtype=np.uint8)
    if is_file:
        np.savez(path, allow_pickle=False, **members)
        return
    atomic_write(path, lambda handle: np.savez(handle, allow_pickle=False, **members), before_replace)


def _save_pytorch(obj: Any, path: str | os.PathLike | BinaryIO, before_replace: Callable[[Path], None] | None) -> None:
    encoded = encode_pytorch(obj, _refusal)  # everything is checked before the file is touched
    if hasattr(path, "write"):
        return write_pytorch(encoded, path)
    atomic_write(path, lambda handle: write_pytorch(encoded, handle), before_replace)


def load(path: str | os.PathLike | BinaryIO, map_location: Any = None, weights_only: bool = True, *,
         max_bytes: int | None = None) -> Any:
    """Read back what ``save`` wrote, as it was saved: Tensors as Tensors (their data, as
    ``torch.load`` gives them), NumPy arrays as arrays, and the numbers, strings and containers
    around them, so ``model.load_state_dict(minigan.load("G.pt"))`` restores a saved
    ``state_dict()``. ``path`` may be a binary file object open for reading (``io.BytesIO``,
    ``open(name, "rb")``).

    ``map_location`` has PyTorch's forms: a device ("cpu", ``minigan.device``), a dict mapping
    saved locations to devices (``{"cuda:0": "cpu"}``), or a function ``(storage, location) ->
    storage`` called with each array and "cpu" (minigan saves every array from the host). A
    device that is not available ("cuda" without a GPU) raises. ``weights_only`` is accepted
    for PyTorch code; either way nothing is unpickled, so only what ``save`` can write comes back.
    Raises FileNotFoundError for a missing file and ValueError, naming the path, for a file
    that is not a minigan archive or is corrupt. Every array is checked before it is read
    (:class:`minigan.torch_api.archive.SafeArchive`): a header that lies about its size, or
    arrays past ``max_bytes`` in all (default 4 GiB), are a one-line ValueError naming the member.
    A name ending in ``.safetensors`` reads that format: a dict of Tensors by name. A file that
    PyTorch's ``torch.save`` wrote (a ``state_dict()``, a checkpoint dict) is read as
    ``torch.load(weights_only=True)`` reads it, without PyTorch (minigan/torch_api/pytorch_format.py).
    """
    return _read(path, map_location, max_bytes, as_tensors=True)


def load_arrays(path: str | os.PathLike | BinaryIO, *, max_bytes: int | None = None) -> Any:
    """What :func:`load` reads, with the saved Tensors' data as NumPy arrays: for code that
    works on the arrays themselves (NumPy arithmetic, minigan's own checkpoint readers)."""
    return _read(path, None, max_bytes, as_tensors=False)


def _read(path: str | os.PathLike | BinaryIO, map_location: Any, max_bytes: int | None, as_tensors: bool) -> Any:
    place = _placement(map_location)
    if not hasattr(path, "read") and is_safetensors_path(path):
        tensors = load_file(path)
        return tensors if as_tensors else {name: tensor.array for name, tensor in tensors.items()}
    if hasattr(path, "read"):
        path_str = str(getattr(path, "name", "<file object>"))
        source: Any = path
    else:
        source = path_str = os.fspath(path)
        if not os.path.exists(path_str):
            raise FileNotFoundError(f"no such checkpoint file: {path_str}")
        if os.path.isdir(path_str):
            raise ValueError(f"{path_str} is a directory, not a minigan checkpoint")
    if not zipfile.is_zipfile(source):  # checked first: np.load would call any other file "pickled"
        raise ValueError(f"cannot load {path_str} as a minigan checkpoint: it is not an .npz (zip) archive")
    try:
        with zipfile.ZipFile(source) as probe:  # a file PyTorch's torch.save wrote?
            pickled = pickle_member(probe)
            if pickled is not None:
                def wrap(array: np.ndarray) -> Any:
                    array = array if place is None else place(array)
                    return Tensor._make(array, False, None) if as_tensors and hasattr(array, "dtype") else array
                try:
                    return read_pytorch(probe, pickled, DEFAULT_MAX_BYTES if max_bytes is None else max_bytes, wrap)
                except (pickle.UnpicklingError, ValueError, KeyError, EOFError, TypeError, IndexError) as error:
                    raise ValueError(f"{path_str}: cannot load this file PyTorch saved: {error}") from error
        if hasattr(source, "seek"):
            source.seek(0)
        with SafeArchive(source, max_bytes) as archive:
            if _STRUCTURE_KEY not in archive.files:
                raise ValueError("it has no minigan structure record (was it written by minigan.save?)")
            raw = archive[_STRUCTURE_KEY]
            if raw.dtype != np.uint8 or raw.ndim != 1:
                raise ValueError("its structure record is not a byte string")
            document = json.loads(raw.tobytes().decode("utf-8"))
            if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
                raise ValueError("its structure record is not in minigan's format")
            if document.get("version") not in READABLE_VERSIONS:
                raise ValueError(f"it has format version {document.get('version')!r}; this minigan reads "
                                 f"versions {' and '.join(map(str, READABLE_VERSIONS))}")
            return _Decoder(archive, path_str, place, as_tensors).decode(document.get("root"))
    except RecursionError:  # json and the decoder both recurse; a real checkpoint is a few levels deep
        raise ValueError(f"cannot load {path_str} as a minigan checkpoint: its structure is nested too deeply") from None
    except (ValueError, TypeError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error, NotImplementedError,
            RuntimeError, pickle.UnpicklingError) as error:  # zipfile: an unknown compression method, an encrypted member
        if isinstance(error, FileNotFoundError):
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        if isinstance(error, KeyError):
            message = " ".join(str(error.args[0] if error.args else "KeyError").split())
        if message.startswith(path_str):
            raise ValueError(message) from error
        raise ValueError(f"cannot load {path_str} as a minigan checkpoint: {message}") from error

def _placement(map_location: Any) -> Callable[[np.ndarray], Any] | None:
    """What ``map_location`` does to each loaded array (all saved from the host, location "cpu"):
    None when it keeps them as they are; an unavailable device raises here, before reading."""
    if map_location is None:
        return None
    if callable(map_location) and not isinstance(map_location, Device):
        return lambda array: map_location(array, "cpu")
    if isinstance(map_location, dict):  # saved location -> device; minigan's arrays are all saved from "cpu"
        map_location = map_location.get("cpu")
        if map_location is None:
            return None
    check_device_argument(map_location)
    return None  # the host: arrays come back as NumPy arrays


__all__ = ["save", "load", "load_arrays", "FORMAT_VERSION", "READABLE_VERSIONS"]
