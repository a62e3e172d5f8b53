"""Local directories of IDX files: the one the user names (``data_dir=`` or ``$MINIGAN_DATA``),
and system copies such as Debian's ``/usr/share/datasets/fashion-mnist``."""
from __future__ import annotations

import os
from pathlib import Path

from minigan.data.idx import DataError, decompress_idx
from minigan.data.mnist.catalog import ARRAY_KEYS, DATASETS, MNIST_FILES, DatasetSpec
from minigan.data.mnist.checks import Arrays, check_arrays, decode_idx_files, sha256_hex

__all__ = ["ENV_DIR", "user_dir", "find_idx_files", "holds_idx_files", "read_idx_files", "from_user_dir",
           "from_system_dir"]

ENV_DIR = "MINIGAN_DATA"  # names the user's data directory when data_dir= is not given


def user_dir(data_dir: str | os.PathLike | None, spec: DatasetSpec) -> tuple[Path, str] | None:
    """The directory the user named and how (``"data_dir"`` or ``"$MINIGAN_DATA"``), or None."""
    if data_dir is not None:
        return Path(data_dir).expanduser(), "data_dir"
    env = os.environ.get(ENV_DIR)
    if env:
        base = Path(env).expanduser()
        # One root for several datasets: $MINIGAN_DATA/<dataset>/ wins over the root itself.
        sub = base / spec.name
        return (sub if sub.is_dir() else base), f"${ENV_DIR}"
    return None


def find_idx_files(directory: Path) -> dict[str, Path]:
    """The standard IDX files present in ``directory`` (raw preferred over ``.gz``)."""
    found: dict[str, Path] = {}
    if not directory.is_dir():
        return found
    for key, f in MNIST_FILES.items():  # both datasets use the same four file names
        for candidate in (directory / f.name, directory / f"{f.name}.gz"):
            if candidate.is_file():
                found[key] = candidate
                break
    return found


def candidate_dirs(base: Path, spec: DatasetSpec) -> list[Path]:
    """Where the files of ``spec`` may be under a root: the root, ``<root>/<dataset>/`` and
    torchvision's ``<root>/<Name>/raw/``."""
    candidates = [base, base / spec.name]
    if spec.torchvision_dir:
        candidates.append(base / spec.torchvision_dir / "raw")
    return candidates


def holds_idx_files(base: Path, spec: DatasetSpec) -> bool:
    """Whether any of the dataset's IDX files is under ``base`` (in one of :func:`candidate_dirs`)."""
    return any(find_idx_files(directory) for directory in candidate_dirs(base, spec))


def read_idx_files(directory: Path, paths: dict[str, Path]) -> dict[str, bytes]:
    """The decompressed bytes of each file in ``paths``; an unreadable file is a DataError naming it."""
    raw: dict[str, bytes] = {}
    for key, path in paths.items():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        raw[key] = decompress_idx(data, str(path))
    return raw


def from_user_dir(spec: DatasetSpec, base: Path, how: str) -> tuple[Arrays, str]:
    """The arrays in the user's directory ``base`` (or its ``<dataset>/`` or torchvision
    ``<Name>/raw/`` folder), and a line saying where they came from. Missing or incomplete
    is an error, as is a directory that holds the other dataset's files."""
    if not base.exists():
        raise DataError(f"{spec.title}: the data directory {base} (from {how}) does not exist")
    if not base.is_dir():
        raise DataError(f"{spec.title}: {base} (from {how}) is not a directory")
    # Also accept a torchvision root, whose files live in <root>/MNIST/raw/.
    candidates = candidate_dirs(base, spec)
    directory, paths = base, find_idx_files(base)
    for candidate in candidates[1:]:
        if len(paths) == len(ARRAY_KEYS):
            break
        found = find_idx_files(candidate)
        if len(found) > len(paths):
            directory, paths = candidate, found
    if len(paths) < len(ARRAY_KEYS):
        missing = [f"{spec.files[k].name}[.gz]" for k in ARRAY_KEYS if k not in paths]
        raise DataError(
            f"{spec.title}: the data directory {directory} (from {how}) is missing "
            f"{', '.join(missing)}"
        )
    raw = read_idx_files(directory, paths)
    digests = {k: sha256_hex(raw[k]) for k in ARRAY_KEYS}
    for other in DATASETS.values():
        if other is not spec and all(digests[k] == other.files[k].raw_sha256 for k in ARRAY_KEYS):
            raise DataError(
                f"{spec.title} was asked for, but {directory} (from {how}) holds the "
                f"{other.title} files"
            )
    arrays = check_arrays(
        decode_idx_files(spec, raw, {k: str(p) for k, p in paths.items()}),
        spec,
        str(directory),
        exact_sizes=False,
    )
    official = all(digests[k] == spec.files[k].raw_sha256 for k in ARRAY_KEYS)
    note = "official files, SHA-256 verified" if official else "not the official files"
    return arrays, f"directory {directory} ({how}; {note})"


def from_system_dir(spec: DatasetSpec, directory: Path) -> Arrays:
    """The arrays in a system copy such as Debian's, each file's content checked by SHA-256."""
    paths = find_idx_files(directory) or {}
    if len(paths) < len(ARRAY_KEYS):
        missing = [spec.files[k].name for k in ARRAY_KEYS if k not in paths]
        raise DataError(f"incomplete, missing {', '.join(missing)}")
    raw = read_idx_files(directory, paths)
    for key in ARRAY_KEYS:
        got = sha256_hex(raw[key])
        if got != spec.files[key].raw_sha256:
            raise DataError(
                f"{paths[key]}: content SHA-256 {got} differs from the official "
                f"{spec.files[key].raw_sha256}"
            )
    arrays = decode_idx_files(spec, raw, {k: str(p) for k, p in paths.items()})
    return check_arrays(arrays, spec, str(directory), exact_sizes=True)
