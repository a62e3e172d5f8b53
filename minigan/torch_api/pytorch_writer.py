"""Writing the zip format that PyTorch's ``torch.save`` writes, without PyTorch, so that
``torch.load("G.pt", weights_only=True)`` reads what ``minigan.save(G.state_dict(), "G.pt")`` wrote.

The archive holds, under one folder ``archive/`` (the layout minigan/torch_api/pytorch_format.py reads):

* ``archive/data.pkl`` - the object as a protocol-2 pickle, written here opcode by opcode (Python's
  own pickler would import ``torch`` to name its classes). A Tensor is the call
  ``torch._utils._rebuild_tensor_v2(storage, 0, size, stride, requires_grad, OrderedDict())``, a
  Parameter that tensor passed to ``torch._utils._rebuild_parameter(tensor, requires_grad,
  OrderedDict())``, and a storage the persistent id ``("storage", torch.FloatStorage, key, "cpu", numel)``;
* ``archive/data/KEY`` - each storage's values, little-endian in C order, starting at a multiple
  of 64 bytes in the file (PyTorch can then map them straight from the file);
* ``archive/byteorder`` ("little") and ``archive/version``.

Only globals that ``torch.load(weights_only=True)`` rebuilds are named, so PyTorch reads the file
with its safe loader. What can be written: dicts and OrderedDicts (keys None, bool, int, float or
str), lists, tuples, Tensors and Parameters (float16/32/64, int8/16/32/64, uint8, bool), ints of
any size, floats, bools, strings and None. A NumPy array is written as a Tensor (PyTorch's safe
loader rebuilds no arrays, and an optimizer's state in PyTorch holds Tensors), so ``torch.load``
and ``minigan.load`` give a Tensor back; a NumPy scalar is written as the Python number it equals.
Every array is written from the host, its location "cpu". A Tensor, array or container that
appears twice is written once and referred to again (the pickle's memo), as PyTorch does: its
loader gives one object back. Anything else is refused with one line, before the file is touched.
"""
from __future__ import annotations

import collections
import struct
import zipfile
from typing import Any, BinaryIO, Callable

import numpy as np

from ..autograd import Tensor
from ..backends import to_numpy
from .pytorch_format import _STORAGE_DTYPES

FOLDER = "archive"
FORMAT_RECORD = b"3\n"  # archive/version: the zip format's version that PyTorch 1.6 and later write
_ALIGNMENT = 64
_PADDING_ID = 0x6D67  # a private zip extra-field id for the padding that aligns each storage
_STORAGE_NAMES = {np.dtype(kind): name for name, kind in _STORAGE_DTYPES.items() if kind != "bfloat16"}

# Pickle opcodes (protocol 2), as the pickletools module documents them.
_PROTO, _STOP, _NONE, _TRUE, _FALSE = b"\x80", b".", b"N", b"\x88", b"\x89"
_BININT1, _BININT2, _BININT, _LONG1, _LONG4, _BINFLOAT = b"K", b"M", b"J", b"\x8a", b"\x8b", b"G"
_BINUNICODE, _GLOBAL, _REDUCE, _BINPERSID = b"X", b"c", b"R", b"Q"
_MARK, _EMPTY_TUPLE, _TUPLE, _SMALL_TUPLES = b"(", b")", b"t", (b"\x85", b"\x86", b"\x87")
_EMPTY_DICT, _SETITEMS, _EMPTY_LIST, _APPENDS = b"}", b"u", b"]", b"e"
_BINPUT, _LONG_BINPUT, _BINGET, _LONG_BINGET = b"q", b"r", b"h", b"j"


class _Storage:
    """One storage to write: its array (C order, little-endian), its key in the archive and the
    name of its type in PyTorch (``FloatStorage``)."""

    def __init__(self, key: str, array: np.ndarray, kind: str) -> None:
        self.key, self.array, self.kind = key, array, kind


class _PickleWriter:
    """The object as the bytes of ``data.pkl``, plus the storages it refers to, in key order."""

    def __init__(self, refuse: Callable[[Any, str], Exception]) -> None:
        self.refuse = refuse  # the one-line error for an object that cannot be written
        self.out = bytearray(_PROTO + b"\x02")
        self.storages: list[_Storage] = []
        self._storage_of: dict[int, _Storage] = {}  # id of an array -> its storage
        self._memo: dict[int, int] = {}  # id of a written Tensor, array or container -> its memo slot
        self._kept: list[Any] = []  # what the ids above belong to, kept alive while writing
        self._active: set[int] = set()  # containers on the current path, to catch cycles

    def finish(self) -> bytes:
        return bytes(self.out + _STOP)

    def write(self, obj: Any, where: str) -> None:
        if obj is None:
            self.out += _NONE
        elif isinstance(obj, bool):
            self.out += _TRUE if obj else _FALSE
        elif isinstance(obj, int):
            self._int(int(obj))
        elif isinstance(obj, float):
            self.out += _BINFLOAT + struct.pack(">d", obj)
        elif isinstance(obj, str):
            self._str(str(obj))
        elif isinstance(obj, np.generic) and not isinstance(obj, (np.complexfloating, np.datetime64, np.timedelta64,
                                                                   np.void, np.object_, np.bytes_)):
            self.write(obj.item(), where)
        elif id(obj) in self._active:
            raise ValueError(f"save: {where} contains itself (a reference cycle)")
        elif id(obj) in self._memo:
            self._get(self._memo[id(obj)])
        elif isinstance(obj, Tensor):
            self._tensor(to_numpy(obj.array), where, bool(obj.requires_grad), getattr(obj, "is_parameter", False))
            self._put(obj)
        elif isinstance(obj, np.ndarray) or type(obj).__module__.startswith("cupy"):
            self._tensor(to_numpy(obj), where, False, False)
            self._put(obj)
        elif isinstance(obj, (dict, list, tuple)):
            self._container(obj, where)
        else:
            raise self.refuse(obj, where)

    def _int(self, value: int) -> None:
        if 0 <= value < 1 << 8:
            self.out += _BININT1 + bytes([value])
        elif 0 <= value < 1 << 16:
            self.out += _BININT2 + struct.pack("<H", value)
        elif -(1 << 31) <= value < 1 << 31:
            self.out += _BININT + struct.pack("<i", value)
        else:  # two's complement, little-endian, with room for the sign bit
            size = (value.bit_length() + 8) // 8
            data = value.to_bytes(size, "little", signed=True)
            self.out += _LONG1 + bytes([size]) + data if size < 256 else _LONG4 + struct.pack("<i", size) + data

    def _str(self, value: str) -> None:
        data = value.encode("utf-8", "surrogatepass")
        self.out += _BINUNICODE + struct.pack("<I", len(data)) + data

    def _global(self, module: str, name: str) -> None:
        self.out += _GLOBAL + f"{module}\n{name}\n".encode("ascii")

    def _empty_ordered_dict(self) -> None:
        self._global("collections", "OrderedDict")
        self.out += _EMPTY_TUPLE + _REDUCE

    def _put(self, obj: Any) -> None:
        slot = len(self._memo)
        self._memo[id(obj)] = slot
        self._kept.append(obj)
        self.out += _BINPUT + bytes([slot]) if slot < 256 else _LONG_BINPUT + struct.pack("<I", slot)

    def _get(self, slot: int) -> None:
        self.out += _BINGET + bytes([slot]) if slot < 256 else _LONG_BINGET + struct.pack("<I", slot)

    def _storage(self, array: np.ndarray, where: str) -> _Storage:
        if id(array) in self._storage_of:  # two Tensors over one array share one storage
            return self._storage_of[id(array)]
        kind = _STORAGE_NAMES.get(array.dtype.newbyteorder("="))
        if kind is None:
            raise TypeError(f"save: {where} has dtype {array.dtype}, which PyTorch's format cannot hold; "
                            f"it holds {', '.join(sorted(str(dtype) for dtype in _STORAGE_NAMES))}")
        values = np.asarray(array, dtype=array.dtype.newbyteorder("<"), order="C")
        storage = _Storage(str(len(self.storages)), values, kind)
        self.storages.append(storage)
        self._storage_of[id(array)] = storage
        self._kept.append(array)
        return storage

    def _tensor(self, array: np.ndarray, where: str, requires_grad: bool, parameter: bool) -> None:
        storage = self._storage(array, where)
        if parameter:
            self._global("torch._utils", "_rebuild_parameter")
        self._global("torch._utils", "_rebuild_tensor_v2")
        self.out += _MARK + _MARK
        self.out += _BINUNICODE + struct.pack("<I", 7) + b"storage"
        self._global("torch", storage.kind)
        self._str(storage.key)
        self._str("cpu")
        self._int(array.size)
        self.out += _TUPLE + _BINPERSID
        self._int(0)
        stride, step = [], 1
        for size in reversed(array.shape):  # C order; a length-0 dimension counts as 1, as in PyTorch
            stride.append(step)
            step *= max(size, 1)
        for numbers in (array.shape, reversed(stride)):
            self.out += _MARK
            for number in numbers:
                self._int(int(number))
            self.out += _TUPLE
        self.out += (_TRUE if requires_grad and not parameter else _FALSE)
        self._empty_ordered_dict()
        self.out += _TUPLE + _REDUCE
        if parameter:
            self.out += _TRUE if requires_grad else _FALSE
            self._empty_ordered_dict()
            self.out += _SMALL_TUPLES[2] + _REDUCE

    def _container(self, obj: Any, where: str) -> None:
        self._active.add(id(obj))
        try:
            if isinstance(obj, dict):
                if isinstance(obj, collections.OrderedDict):
                    self._empty_ordered_dict()
                else:
                    self.out += _EMPTY_DICT
                self._put(obj)
                self._items(obj.items(), where, _SETITEMS)
            elif isinstance(obj, list):
                self.out += _EMPTY_LIST
                self._put(obj)
                self._items(((value, None) for value in obj), where, _APPENDS)
            else:
                self.out += _MARK
                for i, value in enumerate(obj):
                    self.write(value, f"{where}[{i}]")
                self.out += _TUPLE
                self._put(obj)
        finally:
            self._active.discard(id(obj))

    def _items(self, pairs: Any, where: str, opcode: bytes) -> None:
        start = len(self.out)
        self.out += _MARK
        for i, (first, second) in enumerate(pairs):
            if opcode == _APPENDS:
                self.write(first, f"{where}[{i}]")
                continue
            if first is not None and not isinstance(first, (bool, int, float, str)):
                raise TypeError(f"save: {where} has a key {first!r} of type {type(first).__name__}; "
                                "only None, bool, int, float and str keys can be saved in PyTorch's format")
            self.write(first, f"{where} key")
            self.write(second, f"{where}[{first!r}]")
        if len(self.out) == start + 1:
            del self.out[start:]  # nothing to add
        else:
            self.out += opcode


def encode_pytorch(obj: Any, refuse: Callable[[Any, str], Exception]) -> _PickleWriter:
    """``obj`` made ready to write (its pickle and its storages), every part of it checked:
    ``refuse(obj, where)`` gives the error for an object that cannot be written."""
    writer = _PickleWriter(refuse)
    try:
        writer.write(obj, "obj")
    except RecursionError:
        raise ValueError("save: obj is nested too deeply to be saved") from None
    return writer


def write_pytorch(writer: _PickleWriter, handle: BinaryIO) -> None:
    """Write what :func:`encode_pytorch` made ready into ``handle`` (a binary file, at its
    position) as PyTorch's zip archive."""
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
        _member(archive, handle, "data.pkl", writer.finish())
        _member(archive, handle, "byteorder", b"little")
        for storage in writer.storages:
            _member(archive, handle, f"data/{storage.key}", storage.array.reshape(-1).view(np.uint8))
        _member(archive, handle, "version", FORMAT_RECORD)


def _member(archive: zipfile.ZipFile, handle: BinaryIO, name: str, data: Any) -> None:
    info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
    try:
        start = handle.tell() + 30 + len(info.filename.encode("utf-8"))  # where the data would begin
    except (OSError, AttributeError):  # a stream that cannot tell its position: no alignment
        start = None
    if start is not None and start % _ALIGNMENT:
        padding = -(start + 4) % _ALIGNMENT
        info.extra = struct.pack("<HH", _PADDING_ID, padding) + b"\0" * padding
    archive.writestr(info, data if isinstance(data, bytes) else memoryview(data))
