"""One training process per run directory: an advisory lock on ``RUN_DIR/.lock``.

``minigan.train`` takes the lock (``fcntl.flock``, exclusive, non-blocking) before it looks at
the directory and holds it until it exits. The kernel drops the lock when the process dies,
SIGKILL included, so a killed run never leaves a stale lock: a ``.lock`` file nobody holds is
a leftover like any other. The holder writes its PID into the file, so a second ``train`` can
say who holds it. Readers (``minigan.sample``, ``minigan.evaluate``) take no lock: they read only
files that were renamed into place whole.

The holder removes the file when it lets go; a waiter that locked the old file then sees that
the path names another file (or none) and tries again, so two processes never hold two
different files of the same name.
"""
from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path
from types import TracebackType

from minigan.gan.errors import CheckpointError

__all__ = ["LOCK_NAME", "RunLocked", "RunLock", "lock_run", "lock_holder"]

LOCK_NAME = ".lock"


class RunLocked(CheckpointError):
    """Another process holds the run directory's lock; the message names its PID."""


def lock_holder(run_dir: str | os.PathLike) -> int | None:
    """The PID written in ``run_dir``'s lock file if a process holds the lock, else None."""
    path = Path(run_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return _read_pid(fd) or -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class RunLock:
    """The held lock of one run directory (from :func:`lock_run`); :meth:`release` lets it go."""

    def __init__(self, run_dir: Path, fd: int) -> None:
        self.run_dir = run_dir
        self.path = run_dir / LOCK_NAME
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Remove the lock file and let the lock go (nothing if already released)."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still held: a waiter then retries on a new file
        except OSError:
            pass
        os.close(self._fd)  # closing the last descriptor drops the flock
        self._fd = None

    def __enter__(self) -> "RunLock":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()


def lock_run(run_dir: str | os.PathLike) -> RunLock:
    """Take ``run_dir``'s lock (the directory must exist) and write this process's PID in it.

    Raises :class:`RunLocked` (a one-line CheckpointError naming the PID) when another process
    holds it, and OSError when the lock file cannot be made.
    """
    run_dir = Path(run_dir)
    path = run_dir / LOCK_NAME
    for _ in range(100):  # a retry only follows a holder that let go meanwhile
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            pid = _read_pid(fd)
            os.close(fd)
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise RunLocked(f"{run_dir} is in use by another minigan.train (PID {pid if pid else 'unknown'}); "
                            "wait for it to end or stop it first") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if not same:  # the holder removed the file as it let go: lock the new one
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return RunLock(run_dir, fd)
    raise OSError(errno.EBUSY, "the lock file keeps changing", str(path))
