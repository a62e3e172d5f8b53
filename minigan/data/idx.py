"""Reading and writing IDX files, the format MNIST and Fashion-MNIST ship in.

An IDX file is a 4-byte magic number ``00 00 TT NN`` (``TT`` the element type, ``NN``
the number of dimensions), ``NN`` big-endian uint32 sizes, then the elements in C order,
big-endian. The files are usually gzipped; gzip is recognised by its magic bytes, not by
the file name.
"""
from __future__ import annotations

import gzip as _gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from minigan.paths import atomic_write_bytes

__all__ = ["DataError", "read_idx", "parse_idx", "decompress_idx", "encode_idx", "write_idx"]

_GZIP_MAGIC = b"\x1f\x8b"

# IDX type byte -> element dtype (big-endian on disk).
_CODE_TO_DTYPE: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_KIND_TO_CODE: dict[tuple[str, int], int] = {
    (dt.kind, dt.itemsize): code for code, dt in _CODE_TO_DTYPE.items()
}


class DataError(ValueError):
    """A data file or data source is missing, damaged, or not what was expected."""


def _type_name(code: int) -> str:
    dtype = _CODE_TO_DTYPE.get(code)
    return dtype.newbyteorder("=").name if dtype is not None else f"unknown type 0x{code:02X}"


def _describe_magic(code: int, ndim: int) -> str:
    return f"0x0000{code:02X}{ndim:02X} ({_type_name(code)}, {ndim}-D)"


def _code_of(dtype: np.dtype) -> int:
    code = _KIND_TO_CODE.get((dtype.kind, dtype.itemsize))
    if code is None:
        valid = ", ".join(dt.newbyteorder("=").name for dt in _CODE_TO_DTYPE.values())
        raise DataError(f"IDX cannot store dtype {dtype.name}; use one of: {valid}")
    return code


def decompress_idx(data: bytes, name: str = "<bytes>") -> bytes:
    """Return the raw IDX bytes of ``data``, gunzipping it first if it starts with the gzip magic."""
    if data[:2] != _GZIP_MAGIC:
        return data
    try:
        return _gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        # A cut-off download or a damaged archive ends up here.
        raise DataError(f"{name}: damaged or truncated gzip data ({exc})") from None


def parse_idx(
    data: bytes,
    name: str = "<bytes>",
    *,
    ndim: int | None = None,
    dtype: np.dtype | type | str | None = None,
) -> np.ndarray:
    """Decode IDX bytes (raw or gzipped) into a native-endian, writable array.

    ``ndim`` and ``dtype``, when given, are checked against the magic number.
    ``name`` is used in error messages (a path or a URL).
    """
    data = decompress_idx(bytes(data), name)
    if len(data) < 4:
        raise DataError(f"{name}: only {len(data)} bytes, too short for an IDX header")
    zero0, zero1, code, nd = data[0], data[1], data[2], data[3]
    magic = int.from_bytes(data[:4], "big")
    if zero0 or zero1 or code not in _CODE_TO_DTYPE:
        raise DataError(
            f"{name}: not an IDX file (magic number 0x{magic:08X}; an IDX magic is "
            f"00 00 <type> <ndim> with type one of "
            f"{', '.join(f'0x{c:02X}' for c in _CODE_TO_DTYPE)})"
        )
    want_code = code if dtype is None else _code_of(np.dtype(dtype))
    want_nd = nd if ndim is None else ndim
    if (code, nd) != (want_code, want_nd):
        raise DataError(
            f"{name}: wrong magic number {_describe_magic(code, nd)}, "
            f"expected {_describe_magic(want_code, want_nd)}"
        )
    header = 4 + 4 * nd
    if len(data) < header:
        raise DataError(
            f"{name}: truncated header: {nd} dimensions need {header} header bytes, "
            f"the file has {len(data)}"
        )
    dims = struct.unpack(f">{nd}I", data[4:header])
    elem = _CODE_TO_DTYPE[code]
    count = 1
    for size in dims:
        count *= size
    expected = count * elem.itemsize
    payload = len(data) - header
    shape = "x".join(map(str, dims)) or "scalar"
    if payload < expected:
        raise DataError(
            f"{name}: truncated: header says {shape} {_type_name(code)} = {expected} "
            f"data bytes, but only {payload} are present"
        )
    if payload > expected:
        raise DataError(
            f"{name}: {payload - expected} unexpected bytes after the {expected} data bytes "
            f"of a {shape} {_type_name(code)} array (wrong header or two files joined?)"
        )
    array = np.frombuffer(data, dtype=elem, count=count, offset=header).reshape(dims)
    return array.astype(elem.newbyteorder("="), copy=True)


def read_idx(
    path: str | os.PathLike,
    *,
    ndim: int | None = None,
    dtype: np.dtype | type | str | None = None,
) -> np.ndarray:
    """Read an IDX file, gzipped or raw; see :func:`parse_idx`.

    A damaged, truncated or mistyped file raises :class:`DataError` naming the file.
    """
    path = Path(path)
    return parse_idx(path.read_bytes(), str(path), ndim=ndim, dtype=dtype)


def encode_idx(array: np.ndarray) -> bytes:
    """The raw (uncompressed) IDX bytes of ``array``."""
    array = np.asarray(array)
    if array.ndim < 1:
        raise DataError("IDX needs an array with at least one dimension, got a scalar")
    code = _code_of(array.dtype)
    if any(size >= 2**32 for size in array.shape):
        raise DataError(f"IDX sizes are 32-bit; shape {array.shape} does not fit")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    big = np.ascontiguousarray(array, dtype=_CODE_TO_DTYPE[code])
    return header + big.tobytes()


def write_idx(path: str | os.PathLike, array: np.ndarray, gzip: bool = True) -> Path:
    """Write ``array`` to ``path`` as an IDX file (gzipped unless ``gzip=False``), atomically.

    The gzip header carries no time stamp, so equal arrays give equal files.
    """
    payload = encode_idx(array)
    if gzip:
        payload = _gzip.compress(payload, mtime=0)
    path = Path(path)
    atomic_write_bytes(path, payload)
    return path
