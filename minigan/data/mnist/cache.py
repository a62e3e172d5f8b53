"""The cache of a dataset's arrays, ``cache_dir("data")/<dataset>.npz``: where it is, reading it
with every check, and writing it atomically."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from minigan.data.idx import DataError
from minigan.data.mnist.catalog import ARRAY_KEYS, DatasetSpec
from minigan.data.mnist.checks import Arrays, check_arrays
from minigan.paths import atomic_write, cache_dir
from minigan.torch_api.archive import SafeArchive

__all__ = ["cache_path", "load_cache", "is_compressed", "write_cache"]


def cache_path(spec: DatasetSpec) -> Path:
    """Where the cache of ``spec`` lives: ``cache_dir("data")/<dataset>.npz`` (makes the directory)."""
    return cache_dir("data") / f"{spec.name}.npz"


def load_cache(spec: DatasetSpec, path: Path) -> Arrays:
    """The arrays of the cache at ``path``, checked in full; anything wrong is a DataError that
    starts with ``cache <path>: `` (the chain then rebuilds it)."""
    if not zipfile.is_zipfile(path):  # np.load would call any other file "pickled" and suggest unpickling it
        raise DataError(f"cache {path}: unreadable (not an .npz archive)")
    try:
        # The one checked reader: a lying header or a bomb is refused before anything is allocated.
        with SafeArchive(path) as archive:
            missing = [k for k in ARRAY_KEYS if k not in archive.files]
            if missing:
                raise DataError(f"cache {path}: missing arrays {', '.join(missing)}")
            arrays = {k: archive[k] for k in ARRAY_KEYS}
    except DataError:
        raise
    except Exception as exc:  # zipfile, zlib, format and OS errors all mean: rebuild it
        raise DataError(f"cache {path}: unreadable ({type(exc).__name__}: {exc})") from None
    return check_arrays(arrays, spec, f"cache {path}", exact_sizes=True)


def is_compressed(path: Path) -> bool:
    """Whether the .npz at ``path`` has a compressed member (an older minigan wrote it so)."""
    with zipfile.ZipFile(path) as archive:
        return any(info.compress_type != zipfile.ZIP_STORED for info in archive.infolist())


def write_cache(path: Path, arrays: Arrays) -> None:
    """Write ``arrays`` to ``path`` atomically, uncompressed: a failed write leaves the old file."""
    # Stored uncompressed: 55 MB instead of 11, but read in tens of milliseconds instead of the
    # ~0.4 s that inflating takes, which was most of the wait before a run's first step.
    # np.savez would append ".npz" to the temporary name, so write through a file object.
    atomic_write(path, lambda handle: np.savez(handle, **{k: arrays[k] for k in ARRAY_KEYS}))
