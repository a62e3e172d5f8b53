"""Where Numba keeps the compiled kernels on disk: ``cache_dir("numba")/<cache_key()>``.

The folder is named after a hash of the kernels' source and of the formulas they inline, so a
changed formula never runs from a stale cache (Numba's own check only looks at the time stamp
of the file that holds a kernel, not at the formulas inlined into it). A ``NUMBA_CACHE_DIR``
set by the user wins.

Nothing here runs at import, and nothing is written into ``os.environ`` or left in Numba's
configuration: :func:`numba_cache_dir` is resolved when the first kernel is built, and
:func:`cache_dir_for_decoration` points Numba's ``CACHE_DIR`` there only while a kernel is
decorated (Numba reads it then, once, to place that kernel's cache files).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import numba.core.config

from minigan import formulas
from minigan.paths import cache_dir

_DECORATING = threading.Lock()  # Numba's CACHE_DIR is process-wide: one decoration at a time


def _writable_dir(path: str) -> bool:
    """The same test Numba makes before it caches: create the directory, write a temp file."""
    try:
        os.makedirs(path, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def cache_key() -> str:
    """A short hash of the code the cached kernels are compiled from: every module of this
    package and :mod:`minigan.formulas`. It names the cache folder (see :func:`numba_cache_dir`)."""
    digest = hashlib.sha256()
    for path in (*sorted(Path(__file__).parent.glob("*.py")), Path(formulas.__file__)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def numba_cache_dir() -> str | None:
    """The directory the Numba kernels are cached in: ``NUMBA_CACHE_DIR`` when set, else
    ``cache_dir("numba")/<cache_key()>``. None when it cannot be written: the kernels are then
    compiled without an on-disk cache instead of crashing (Numba's locators would raise "no
    locator available"). Resolved once per process, on first use."""
    user_dir = os.environ.get("NUMBA_CACHE_DIR")
    if user_dir:
        return user_dir if _writable_dir(user_dir) else None
    try:
        path = str(cache_dir("numba") / cache_key())
    except OSError:  # e.g. a read-only MINIGAN_CACHE / home directory
        return None
    return path if _writable_dir(path) else None


@contextlib.contextmanager
def cache_dir_for_decoration() -> Iterator[bool]:
    """Within the block, Numba's ``CACHE_DIR`` is :func:`numba_cache_dir` (restored after); yields
    whether an on-disk cache can be used. Decorate kernels with ``cache=`` that value in here."""
    path = numba_cache_dir()
    with _DECORATING:
        previous = numba.core.config.CACHE_DIR
        numba.core.config.CACHE_DIR = path or previous
        try:
            yield path is not None
        finally:
            numba.core.config.CACHE_DIR = previous
