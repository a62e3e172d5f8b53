"""Where minigan keeps files it can rebuild: the data cache, Numba's cache, trained classifiers."""
from __future__ import annotations

import os
from pathlib import Path


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


def atomic_write_bytes(path: str | os.PathLike, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file and a rename, so a crash never
    leaves a half-written file behind."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
