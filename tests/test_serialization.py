"""Tests for minigan.save / minigan.load: exact round trips, atomic writes, clear errors, no pickle."""
from __future__ import annotations

import json
import math
import os
import pickle
import re

import numpy as np
import pytest

import minigan
from minigan import nn


def assert_same(a, b, where="obj"):
    """Equal values *and* equal types, recursively (a tuple must not come back as a list)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, (np.ndarray, minigan.Tensor)):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    elif isinstance(a, float):
        assert a == b and math.copysign(1, a) == math.copysign(1, b), where
    else:
        assert a == b, where


def test_nested_round_trip_keeps_values_and_types(tmp_path):
    obj = {
        "config": {"lr": 2e-4, "betas": (0.5, 0.999), "name": "dcgan-ü", "layers": [784, 256, 1], "flag": False},
        "numbers": [0, -7, 2**100, 0.1, -0.0, float("inf"), float("nan"), 1e-308, True, None],
        3: {"int key": "yes"},
        "arrays": {
            "f32": np.arange(6, dtype=np.float32).reshape(2, 3) / 7,
            "f64": np.linspace(-1, 1, 5),
            "int": np.array([-(2**62), 2**62], dtype=np.int64),
            "bool": np.array([True, False]),
            "text": np.array(["a", "bcd"]),
            "empty": np.zeros((0, 3), dtype=np.float32),
            "scalar0d": np.array(2.5),
        },
        "np_scalars": (np.float32(1.5), np.int64(-3), np.bool_(True)),
        "empty": {"list": [], "tuple": (), "dict": {}},
    }
    path = tmp_path / "checkpoint.npz"
    minigan.save(obj, path)
    assert_same(minigan.load(path), obj)
    # str paths work too, and the name is used exactly as given.
    minigan.save([1, 2], str(tmp_path / "no_extension"))
    assert minigan.load(str(tmp_path / "no_extension")) == [1, 2]


def test_tensors_come_back_as_tensors_with_their_data_only(tmp_path):
    t = minigan.tensor(np.arange(4, dtype=np.float64), requires_grad=True)
    minigan.save({"t": t}, tmp_path / "t.npz")
    back = minigan.load(tmp_path / "t.npz")["t"]
    assert type(back) is minigan.Tensor and back.dtype == np.float64 and not back.requires_grad
    np.testing.assert_array_equal(back.numpy(), t.array)


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937, np.random.Philox])
def test_generator_state_round_trips_exactly(bit_generator, tmp_path):
    rng = np.random.Generator(bit_generator(12345))
    rng.standard_normal(17)
    rng.integers(0, 10, 3)  # leaves a buffered 32-bit half in some bit generators
    minigan.save({"rng": rng.bit_generator.state}, tmp_path / "rng.npz")
    state = minigan.load(tmp_path / "rng.npz")["rng"]
    restored = np.random.Generator(bit_generator())
    restored.bit_generator.state = state
    np.testing.assert_array_equal(restored.standard_normal(50), rng.standard_normal(50))
    np.testing.assert_array_equal(restored.integers(0, 2**63, 20), rng.integers(0, 2**63, 20))


def test_model_state_dict_round_trip(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2, dtype=np.float64))
    batch = minigan.tensor(np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32))
    model[1](model[0](batch))  # counts a batch; the float64 layer would refuse float32, as PyTorch's
    minigan.save(model.state_dict(), tmp_path / "model.npz")
    loaded = minigan.load(tmp_path / "model.npz")
    assert_same(loaded, model.state_dict())
    assert loaded["1.num_batches_tracked"].dtype == np.int64 and loaded["2.weight"].dtype == np.float64


def test_a_failure_mid_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    minigan.save({"version": 1, "w": np.ones(3)}, path)
    before = path.read_bytes()

    def broken_savez(handle, **arrays):
        handle.write(b"PK\x03\x04 half a zip file")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        minigan.save({"version": 2, "w": np.zeros(3)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert minigan.load(path)["version"] == 1
    assert sorted(os.listdir(tmp_path)) == ["ckpt.npz"]  # the temporary file is gone


def test_unsaveable_objects_are_refused_before_the_file_is_touched(tmp_path):
    path = tmp_path / "x.npz"
    with pytest.raises(TypeError, match=r"obj\['a'\]\[1\] is an array of dtype object"):
        minigan.save({"a": [np.ones(2), np.array([{}, 1], dtype=object)]}, path)
    with pytest.raises(TypeError, match=r"obj\['s'\] is a set"):
        minigan.save({"s": {1, 2}}, path)
    with pytest.raises(TypeError, match="key 1.5 of type float"):
        minigan.save({1.5: 0}, path)
    with pytest.raises(TypeError, match="key True of type bool"):
        minigan.save({True: 0}, path)
    looped: list = [1]
    looped.append(looped)
    with pytest.raises(ValueError, match="contains itself"):
        minigan.save(looped, path)
    assert not path.exists()


def test_missing_and_non_archive_files_raise_clear_errors(tmp_path):
    missing = tmp_path / "nope.npz"
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        minigan.load(missing)
    with pytest.raises(ValueError, match="is a directory"):
        minigan.load(tmp_path)
    text = tmp_path / "notes.txt"
    text.write_text("not a checkpoint")
    with pytest.raises(ValueError, match=r"notes\.txt.*not an \.npz"):
        minigan.load(text)
    npy = tmp_path / "single.npy"
    np.save(npy, np.ones(3))
    with pytest.raises(ValueError, match=r"single\.npy"):
        minigan.load(npy)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.ones(3))
    with pytest.raises(ValueError, match=r"foreign\.npz.*no minigan structure record"):
        minigan.load(foreign)


def test_truncated_or_corrupted_archives_raise_naming_the_path(tmp_path):
    path = tmp_path / "ckpt.npz"
    minigan.save({"w": np.arange(20000, dtype=np.float64)}, path)
    payload = path.read_bytes()

    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(payload[: len(payload) // 2])
    with pytest.raises(ValueError, match=r"truncated\.npz"):
        minigan.load(truncated)

    corrupted = tmp_path / "corrupted.npz"
    damaged = bytearray(payload)
    middle = len(damaged) // 2  # inside the array's bytes: the zip CRC check must catch it
    damaged[middle:middle + 8] = b"\xff" * 8
    corrupted.write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match=r"corrupted\.npz"):
        minigan.load(corrupted)


def test_structure_record_problems_are_reported(tmp_path):
    def write(document, **arrays):
        path = tmp_path / "hand_made.npz"
        raw = np.frombuffer(json.dumps(document).encode(), dtype=np.uint8)
        np.savez(path, __minigan__=raw, **arrays)
        return path

    with pytest.raises(ValueError, match="version 99"):
        minigan.load(write({"format": "minigan", "version": 99, "root": None}))
    with pytest.raises(ValueError, match="missing array 'a7'"):
        minigan.load(write({"format": "minigan", "version": 1, "root": {"array": "a7"}}))
    with pytest.raises(ValueError, match="unrecognised node"):
        minigan.load(write({"format": "minigan", "version": 1, "root": {"what": 1}}))


def test_no_pickle_is_used_and_object_arrays_in_a_file_are_refused(tmp_path, monkeypatch):
    # An archive whose array member needs pickle (as a malicious file would) is refused.
    path = tmp_path / "evil.npz"
    document = {"format": "minigan", "version": 1, "root": {"array": "a0"}}
    raw = np.frombuffer(json.dumps(document).encode(), dtype=np.uint8)
    np.savez(path, __minigan__=raw, a0=np.array([{"payload": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match=r"evil\.npz.*[Oo]bject arrays cannot be loaded"):
        minigan.load(path)

    # And a normal save/load never reaches pickle at all.
    def forbidden(*args, **kwargs):
        raise AssertionError("pickle was used")

    for name in ("dump", "dumps", "load", "loads", "Pickler", "Unpickler"):
        monkeypatch.setattr(pickle, name, forbidden)
    obj = {"w": np.ones((2, 2)), "meta": ("a", 1, None)}
    minigan.save(obj, tmp_path / "clean.npz")
    assert_same(minigan.load(tmp_path / "clean.npz"), obj)


def test_saving_a_whole_module_says_to_save_its_state_dict(tmp_path):
    model = nn.Linear(2, 2)
    for obj, where in ((model, "obj"), ({"model": model}, "obj['model']"),
                       ({"opt": minigan.optim.SGD(model.parameters())}, "obj['opt']")):
        with pytest.raises(TypeError, match=f"save: {re.escape(where)} is a (Linear|SGD); .* save its state_dict\\(\\)"):
            minigan.save(obj, tmp_path / "model.pth")
    assert not (tmp_path / "model.pth").exists()
