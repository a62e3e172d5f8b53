"""Archives that cannot hurt (issue 27): one checked reader behind minigan.load, checkpoints,
generator.npz and the MNIST cache.

Before it, a header declaring a huge shape gave OverflowError or MemoryError from minigan.load
(and exit 1, "a bug in minigan", from minigan.sample and minigan.evaluate), a header that lied
about its size gave NumPy's reshape error without the member's name, and a small compressed
member inflated to whatever it held. The archives here are built by hand with zipfile and
NumPy's public header writer, so each lie is exactly the one named.
"""
from __future__ import annotations

import io
import os
import json
import shutil
import zipfile

import numpy as np
import pytest

import minigan
from minigan import evaluate as evaluate_cli
from minigan import sample as sample_cli
from minigan import train as train_cli
from minigan.data import DataError
from minigan.data.mnist import DATASETS
from minigan.data.mnist.cache import load_cache
from minigan.torch_api.archive import DEFAULT_MAX_BYTES, MAX_INFLATION, SafeArchive


def npy_bytes(array, shape=None, descr=None):
    """``array``'s .npy bytes, with a header that declares ``shape`` / ``descr`` if given (a lie)."""
    array = np.ascontiguousarray(array)
    header = {"descr": descr or np.lib.format.dtype_to_descr(array.dtype), "fortran_order": False,
              "shape": tuple(array.shape) if shape is None else shape}
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue() + array.tobytes()


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)


def read_zip(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def tamper(path, member, payload):
    """Replace one member of the .npz at ``path`` (the others as they were)."""
    members = read_zip(path)
    assert member in members, sorted(members)
    members[member] = payload
    write_zip(path, members)


def one_line(capsys, prog):
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out and "Warning" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: "), captured.err
    return lines[0]


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "w.npz"
    minigan.save({"w": np.arange(10, dtype=np.float32)}, path)
    return path


# ---------------------------------------------------------------- minigan.load
def test_a_huge_declared_shape_is_a_value_error_naming_the_member(saved):
    tamper(saved, "a0.npy", npy_bytes(np.zeros(10, np.float64), shape=(2 ** 40,)))
    with pytest.raises(ValueError) as caught:
        minigan.load(saved)
    message = str(caught.value)
    assert "\n" not in message
    assert "member 'a0' declares shape (1099511627776,) of float64 (8.0 TiB), past the limit of 4.0 GiB" in message


def test_a_header_that_lies_about_the_size_names_the_member(saved):
    tamper(saved, "a0.npy", npy_bytes(np.zeros(10, np.float32), shape=(100,)))
    with pytest.raises(ValueError, match=r"member 'a0' declares shape \(100,\) of float32 \(400 bytes\) "
                                         r"but holds 40 bytes of data"):
        minigan.load(saved)


@pytest.mark.parametrize("payload, fragment", [
    (npy_bytes(np.zeros(10, np.float32), shape=(-1,)), "member 'a0' declares an invalid shape (-1,)"),
    (b"\x93NUMPY\x01\x00\x10\x00{'descr': 1}     \n", "member 'a0' has a bad .npy header"),
    (b"\x93NUMPY\x07\x00", "member 'a0' has a bad .npy header"),
    (b"not npy at all", "member 'a0' has a bad .npy header"),
], ids=["negative-shape", "descr-not-a-dtype", "version-7", "no-magic"])
def test_a_negative_or_malformed_header_is_one_line(saved, payload, fragment):
    tamper(saved, "a0.npy", payload)
    with pytest.raises(ValueError) as caught:
        minigan.load(saved)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_the_limit_is_settable_and_counts_the_whole_archive(tmp_path):
    path = tmp_path / "two.npz"
    minigan.save([np.zeros(100, np.float32), np.zeros(100, np.float32)], path)
    assert len(minigan.load(path, max_bytes=1000)) == 2  # 800 bytes of arrays and the structure record
    with pytest.raises(ValueError, match=r"member 'a1' declares shape \(100,\) of float32 \(400 bytes\), which takes "
                                         r"the archive past the limit of 799 bytes"):
        minigan.load(path, max_bytes=799)
    with pytest.raises(ValueError, match=r"member 'a0' declares shape \(100,\) of float32 \(400 bytes\), past the "
                                         r"limit of 399 bytes"):
        minigan.load(path, max_bytes=399)
    assert DEFAULT_MAX_BYTES == 4 * 2 ** 30


def test_a_compression_bomb_is_refused_before_inflating(saved):
    zeros = np.zeros(5 * 2 ** 20, np.float32)  # 20 MiB that deflate about 1000:1
    members = read_zip(saved)
    members["a0.npy"] = npy_bytes(zeros)
    write_zip(saved, members, compression=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(saved) as archive:
        info = archive.getinfo("a0.npy")
        assert info.file_size > MAX_INFLATION * info.compress_size
    with pytest.raises(ValueError, match=r"member 'a0' would inflate from .* to 20.0 MiB, more than 100 times"):
        minigan.load(saved)


def test_an_ordinary_compressed_archive_still_loads(tmp_path):
    """np.savez_compressed of real-looking data (an older MNIST cache was written so)."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)
    images[:, :5] = 0
    np.savez_compressed(tmp_path / "c.npz", images=images, f=np.asfortranarray(rng.standard_normal((3, 4))))
    with SafeArchive(tmp_path / "c.npz") as archive:
        assert archive.files == ["images", "f"]
        np.testing.assert_array_equal(archive["images"], images)
        assert archive["f"].flags.f_contiguous and archive["f"].flags.writeable


def test_arrays_are_read_into_memory_numpy_owns(tmp_path):
    """Every layout and byte order reads back equal and writeable, in memory NumPy allocated
    (so its huge-page advice covers a large dataset), not in a Python bytearray."""
    rng = np.random.default_rng(1)
    arrays = {"images": rng.integers(0, 256, (3000, 28, 28), dtype=np.uint8),
              "big_endian": rng.standard_normal((4, 5)).astype(">f4"),
              "fortran": np.asfortranarray(rng.standard_normal((3, 7))),
              "empty": np.zeros((0, 4), np.float32)}
    np.savez(tmp_path / "s.npz", **arrays)
    with SafeArchive(tmp_path / "s.npz") as archive:
        for name, expected in arrays.items():
            got = archive[name]
            assert got.dtype == expected.dtype and got.shape == expected.shape and got.flags.writeable
            np.testing.assert_array_equal(got, expected)
            owner = got
            while isinstance(owner.base, np.ndarray):
                owner = owner.base
            assert owner.base is None and owner.flags.owndata, f"{name} lives in a {type(owner.base).__name__}"
        assert archive["fortran"].flags.f_contiguous


def test_a_damaged_byte_is_caught_by_the_crc(saved):
    members = read_zip(saved)
    data = bytearray(members["a0.npy"])
    data[-1] ^= 0xFF
    with zipfile.ZipFile(saved, "w") as archive:  # keep the old CRC: write the member's info by hand
        for name, payload in members.items():
            archive.writestr(name, payload)
    raw = bytearray(saved.read_bytes())
    at = raw.find(bytes(members["a0.npy"]))
    raw[at:at + len(data)] = data
    saved.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"Bad CRC-32 for file 'a0.npy'"):
        minigan.load(saved)


@pytest.mark.parametrize("root, fragment", [
    ({"dict": [["a"]]}, "a dict node in the structure record is not a list of [str or int key, value] pairs"),
    ({"dict": [[["k"], 1]]}, "a dict node in the structure record is not a list of [str or int key, value] pairs"),
    ({"dict": "ab"}, "a dict node in the structure record is not a list of"),
    ({"tuple": 3}, "a tuple node in the structure record is not a list"),
])
def test_malformed_structure_records_are_one_line(tmp_path, root, fragment):
    """They gave "unhashable type: 'list'" or "not enough values to unpack"."""
    path = tmp_path / "s.npz"
    document = json.dumps({"format": "minigan", "version": 1, "root": root}).encode()
    write_zip(path, {"__minigan__.npy": npy_bytes(np.frombuffer(document, np.uint8))})
    with pytest.raises(ValueError) as caught:
        minigan.load(path)
    assert fragment in str(caught.value) and str(path) in str(caught.value)


# ---------------------------------------------------------------- the programs
HUGE = npy_bytes(np.zeros(4, np.float32), shape=(2 ** 45, 2 ** 10))


def _generator_only_run(finished_small_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(finished_small_run, run)
    (run / "checkpoint.npz").unlink()
    return run


def test_sample_and_evaluate_refuse_a_huge_shape_in_generator_npz(finished_small_run, tmp_path, capsys):
    """They exited 1 with "unexpected OverflowError" (a bug in minigan)."""
    run = _generator_only_run(finished_small_run, tmp_path)
    tamper(run / "generator.npz", "a0.npy", HUGE)
    assert sample_cli.main(["--checkpoint", str(run), "-n", "4", "--npy", str(tmp_path / "s.npy")]) == 2
    error = one_line(capsys, "python -m minigan.sample")
    assert "member 'a0' declares shape (35184372088832, 1024) of float32" in error and "past the limit" in error
    assert evaluate_cli.main([str(run), "--n", "4", "--no-parzen", "--allow-small-n"]) == 2
    assert "member 'a0' declares shape" in one_line(capsys, "python -m minigan.evaluate")


def test_train_and_sample_refuse_a_huge_shape_in_a_checkpoint(finished_small_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(finished_small_run, run)
    tamper(run / "checkpoint.npz", "a3.npy", HUGE)
    assert train_cli.main(["--resume", str(run), "--epochs", "2"]) == 2
    assert "member 'a3' declares shape" in one_line(capsys, "python -m minigan.train")
    assert sample_cli.main(["--checkpoint", str(run), "-n", "4", "--npy", str(tmp_path / "s.npy")]) == 2
    assert "member 'a3' declares shape" in one_line(capsys, "python -m minigan.sample")


def test_the_mnist_cache_is_read_by_the_same_reader(tmp_path):
    spec = DATASETS["mnist"]
    path = tmp_path / "mnist.npz"
    small = {key: npy_bytes(np.zeros(1, np.uint8)) for key in ("train_labels", "test_images", "test_labels")}
    write_zip(path, {"train_images.npy": HUGE, **{f"{key}.npy": payload for key, payload in small.items()}})
    with pytest.raises(DataError, match=r"cache .*mnist.npz: unreadable \(ValueError: member 'train_images' declares "
                                        r"shape \(35184372088832, 1024\)"):
        load_cache(spec, path)


# ---------------------------------------------------------------- save onto what is not a regular file
def test_save_refuses_a_fifo_and_a_directory_and_replaces_nothing(tmp_path):
    """save renamed its temporary file over whatever stood there (as root, /dev/full became a file)."""
    import os
    import stat

    from minigan.paths import NotARegularFile

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    directory = tmp_path / "dir"
    directory.mkdir()
    for target, kind in ((fifo, "a FIFO (named pipe)"), (directory, "a directory")):
        with pytest.raises(NotARegularFile) as caught:
            minigan.save({"w": np.zeros(3)}, target)
        assert str(caught.value) == f"cannot write {target}: it is {kind}, not a regular file, and was left as it is"
        assert isinstance(caught.value, OSError)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and directory.is_dir() and list(directory.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "pipe"]  # no temporary file either


def test_save_through_a_symlink_writes_its_target(tmp_path):
    target = tmp_path / "real.npz"
    minigan.save({"w": np.zeros(2)}, target)
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    minigan.save({"w": np.ones(2)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    np.testing.assert_array_equal(minigan.load(target)["w"], np.ones(2))
    dangling = tmp_path / "dangling.npz"
    dangling.symlink_to(tmp_path / "new.npz")
    minigan.save([1], dangling)
    assert dangling.is_symlink() and minigan.load(tmp_path / "new.npz") == [1]


def test_save_refuses_a_symlink_to_a_device(tmp_path):
    import os

    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    link = tmp_path / "null.npz"
    link.symlink_to("/dev/null")
    with pytest.raises(OSError, match=r"cannot write /dev/null: it is a character device, not a regular file"):
        minigan.save([1], link)
    assert link.is_symlink()


def test_evaluate_refuses_a_samples_file_whose_header_declares_a_huge_shape(tmp_path, capsys):
    """It allocated what the header said: "not enough memory (Unable to allocate 4.00 TiB ...); ask for less"."""
    path = tmp_path / "s.npy"
    path.write_bytes(npy_bytes(np.zeros((2, 784), np.float32), shape=(2 ** 40, 784)))
    assert evaluate_cli.main(["--samples", str(path), "--no-parzen"]) == 2
    error = one_line(capsys, "python -m minigan.evaluate")
    assert error.endswith("its header declares shape (1099511627776, 784) of float32 (3136.0 TiB) but the file holds "
                          "6.1 KiB of data"), error


def test_sample_refuses_to_write_samples_onto_a_fifo(finished_small_run, tmp_path, capsys):
    fifo = tmp_path / "pipe.npy"
    os.mkfifo(fifo)
    assert sample_cli.main(["--checkpoint", str(finished_small_run), "-n", "4", "--npy", str(fifo)]) == 2
    assert "it is a FIFO (named pipe), not a regular file, and was left as it is" in one_line(
        capsys, "python -m minigan.sample")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.npy"]
