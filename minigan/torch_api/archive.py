"""Reading ``.npz`` archives that cannot hurt: the one reader behind ``minigan.load``, run
checkpoints, ``generator.npz`` and the MNIST cache.

``np.load`` trusts an archive: it allocates whatever shape a member's header declares (a lying
header is an OverflowError or MemoryError) and inflates a compressed member to whatever size it
inflates to. :class:`SafeArchive` checks before it reads:

* each member's ``.npy`` header is parsed with NumPy's own header reader (no pickle, no object
  dtype, header at most 10,000 bytes);
* the bytes the declared shape and dtype need are computed in Python integers (no overflow),
  and must equal what the zip directory says the member holds, and must keep the archive's
  total within ``max_bytes`` (default :data:`DEFAULT_MAX_BYTES`, 4 GiB);
* a compressed member may inflate to at most its declared size (zipfile stops there) and to at
  most :data:`MAX_INFLATION` times its compressed size (a "zip bomb" of zeros is refused);
* the CRC is checked as the last byte is read.

Anything wrong is a one-line ValueError that names the member.
"""
from __future__ import annotations

import math
import os
import zipfile
from types import TracebackType
from typing import BinaryIO

import numpy as np
from numpy.lib import format as npy_format

__all__ = ["DEFAULT_MAX_BYTES", "MAX_INFLATION", "SafeArchive", "read_npy_header", "format_bytes", "described_size",
           "check_stored_size"]

DEFAULT_MAX_BYTES = 4 * 2 ** 30
#: A compressed member may inflate to this many times its stored size (MNIST's images deflate
#: about 5:1; deflate cannot beat about 1,030:1, which only long runs of one byte reach).
MAX_INFLATION = 100
_SMALL = 1 << 16  # members this small may inflate any amount (headers, tiny arrays)


def format_bytes(nbytes: int) -> str:
    for unit, size in (("TiB", 2 ** 40), ("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if nbytes >= size:
            return f"{nbytes / size:.1f} {unit}"
    return f"{nbytes} bytes"


def read_npy_header(stream: BinaryIO, where: str) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    """``(shape, fortran_order, dtype, header_bytes)`` of the ``.npy`` data in ``stream``;
    ValueError naming ``where`` for anything NumPy's header reader refuses or pickle would need."""
    try:
        version = npy_format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = npy_format.read_array_header_2_0(stream)
        else:
            raise ValueError(f"unsupported .npy format version {version[0]}.{version[1]}")
    except (ValueError, TypeError, SyntaxError, OverflowError, RecursionError, EOFError) as error:
        raise ValueError(f"{where} has a bad .npy header ({' '.join(str(error).split())[:160]})") from None
    if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ValueError(f"{where} declares an invalid shape {shape!r}")
    if dtype.hasobject:
        raise ValueError(f"{where} holds Python objects (dtype {dtype}): object arrays cannot be loaded without pickle")
    return shape, bool(fortran), dtype, stream.tell()


def described_size(shape: tuple[int, ...], dtype: np.dtype) -> tuple[int, str]:
    """``(nbytes, "shape (…) of dtype (size)")`` of an array a header declares (Python ints: no overflow)."""
    nbytes = math.prod(shape) * dtype.itemsize
    return nbytes, f"shape {shape} of {dtype} ({format_bytes(nbytes)})"


def check_stored_size(where: str, described: str, nbytes: int, stored: int, holds: str = "holds") -> None:
    """ValueError unless the ``stored`` bytes of data after the header are the ``nbytes`` it declares."""
    if stored != nbytes:
        raise ValueError(f"{where} declares {described} but {holds} {format_bytes(max(stored, 0))} of data")


class SafeArchive:
    """An ``.npz`` file, read member by member with every check above (see the module's text).

    ``files`` lists the arrays (member names without ``.npy``), as np.load's NpzFile does;
    ``archive[name]`` reads one. Use it as a context manager.
    """

    def __init__(self, path: str | os.PathLike | BinaryIO, max_bytes: int | None = None) -> None:
        """``path`` is a file name or a binary file object open for reading (left open by ``close``)."""
        is_file = hasattr(path, "read")
        self.path = str(getattr(path, "name", "<file object>")) if is_file else os.fspath(path)
        self.max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else int(max_bytes)
        self._read = 0  # bytes of arrays handed out so far
        self._zip = zipfile.ZipFile(path if is_file else self.path)
        self._members = {}
        for info in self._zip.infolist():
            if info.filename.endswith(".npy") and not info.is_dir():
                self._members[info.filename[:-4]] = info
        self.files = list(self._members)

    def __contains__(self, name: object) -> bool:
        return name in self._members

    def __enter__(self) -> "SafeArchive":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def __getitem__(self, name: str) -> np.ndarray:
        info = self._members.get(name)
        if info is None:
            raise KeyError(f"{name} is not an array of {self.path}")
        where = f"member {name!r}"
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ValueError(f"{where} uses zip compression method {info.compress_type}; only stored and "
                             "deflated members are read")
        if info.compress_type == zipfile.ZIP_DEFLATED and info.file_size > max(_SMALL, MAX_INFLATION * info.compress_size):
            raise ValueError(f"{where} would inflate from {format_bytes(info.compress_size)} to "
                             f"{format_bytes(info.file_size)}, more than {MAX_INFLATION} times; refused")
        with self._zip.open(info) as stream:
            shape, fortran, dtype, header = read_npy_header(stream, where)
            nbytes, described = described_size(shape, dtype)
            if self._read + nbytes > self.max_bytes:
                raise ValueError(f"{where} declares {described}, past the limit of {format_bytes(self.max_bytes)} "
                                 "an archive may unpack to (max_bytes)" if nbytes > self.max_bytes else
                                 f"{where} declares {described}, which takes the archive past the limit of "
                                 f"{format_bytes(self.max_bytes)} it may unpack to (max_bytes)")
            check_stored_size(where, described, nbytes, info.file_size - header)
            # Into memory NumPy allocates, not a bytearray: NumPy asks Linux for huge pages for
            # large arrays, and the trainer's batch gather from 4 KiB pages waited on address
            # translation ("Outside the steps" in docs/bench-results.md).
            buffer = np.empty(nbytes, dtype=np.uint8)
            view = memoryview(buffer)
            done = 0
            while done < nbytes:
                got = stream.readinto(view[done:])
                if not got:
                    raise ValueError(f"{where} ends after {done} of its {nbytes} bytes")
                done += got
            if stream.read(1):  # also reaches the end, where zipfile checks the CRC
                raise ValueError(f"{where} holds more than its header declares")
        self._read += nbytes
        array = buffer.view(dtype) if nbytes else np.empty(0, dtype=dtype)
        return array.reshape(shape, order="F" if fortran else "C")
