"""Where minigan keeps files it can rebuild: the data cache, Numba's cache, trained classifiers."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator


def cache_dir(*parts: str) -> Path:
    """The cache directory (created on demand).

    ``MINIGAN_CACHE`` wins, then ``$XDG_CACHE_HOME/minigan``, then ``~/.cache/minigan``.
    """
    root = os.environ.get("MINIGAN_CACHE")
    if root:
        base = Path(root)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg) / "minigan" if xdg else Path.home() / ".cache" / "minigan"
    path = base.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on a clean exit rename it over ``path``.

    A crash or an exception leaves the old file untouched and removes the temporary one,
    so readers only ever see a complete file.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as error:
        if error.filename in (str(tmp), tmp):  # name the file the caller asked for, not the temporary one
            raise type(error)(error.errno, error.strerror, str(path)) from None
        raise
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: str | os.PathLike, payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
