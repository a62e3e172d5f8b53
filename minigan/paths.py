"""Where minigan keeps files it can rebuild: the data cache, Numba's cache, trained classifiers."""
from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator


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


class NotARegularFile(OSError):
    """The path to write names something other than a regular file (a directory, a device, a
    FIFO, a socket), which a rename would replace; nothing is written."""

    def __str__(self) -> str:
        return f"cannot write {self.filename}: {self.strerror}"


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))


def write_target(path: str | os.PathLike) -> Path:
    """The file a write to ``path`` should replace: ``path``, or the file a symlink at ``path``
    points to. Raises :class:`NotARegularFile` when that exists and is not a regular file."""
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return path  # nothing there yet (or unreadable: the write itself will say)
    for test, kind in _KINDS:
        if test(mode):
            raise NotARegularFile(errno.EISDIR if kind == "a directory" else errno.EINVAL,
                                  f"it is {kind}, not a regular file, and was left as it is", str(path))
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike,
                before_replace: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on a clean exit rename it over ``path``.

    A crash or an exception leaves the old file untouched and removes the temporary one,
    so readers only ever see a complete file. A symlink at ``path`` is followed (its target is
    replaced); a directory, device, FIFO or socket there is refused (:class:`NotARegularFile`)
    before anything is written. ``before_replace(tmp)`` runs just before the rename (a test hook).
    """
    path = write_target(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        yield tmp
        if before_replace is not None:
            before_replace(tmp)
        write_target(path)  # something may have appeared there meanwhile
        os.replace(tmp, path)
    except OSError as error:
        if error.filename in (str(tmp), tmp):  # name the file the caller asked for, not the temporary one
            raise type(error)(error.errno, error.strerror, str(path)) from None
        raise
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], Any],
                 before_replace: Callable[[Path], None] | None = None) -> None:
    """Call ``write(handle)`` on a binary file beside ``path``, flush it to disk, then rename it over
    ``path`` (see :func:`atomic_path`)."""
    with atomic_path(path, before_replace) as tmp:
        with open(tmp, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())


def atomic_write_bytes(path: str | os.PathLike, payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically (see :func:`atomic_path`)."""
    atomic_write(path, lambda handle: handle.write(payload))
