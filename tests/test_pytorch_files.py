"""``minigan.load`` reads files PyTorch's ``torch.save`` wrote, as ``torch.load(weights_only=True)``.

tests/data/pytorch_checkpoint.pth was written by PyTorch 2.14.1 (CPU), outside this repository:

    w = torch.tensor([[0.5, -1.0, 2.0], [0.25, 3.0, -0.125]])
    torch.save({"linear.weight": w, "linear.bias": torch.tensor([1.5, -2.5]), "steps": torch.tensor(7),
                "column": w[:, 1], "half": torch.tensor([0.5, -2.0], dtype=torch.float16),
                "bf16": torch.tensor([1.0, -0.3125, 3.0], dtype=torch.bfloat16),
                "mask": torch.tensor([True, False]),
                "meta": {"epoch": 3, "name": "tiny", "lrs": [0.1, 0.01], "shape": (2, 3), "none": None}},
               "pytorch_checkpoint.pth")

``column`` is a strided view into the weight's storage (offset 1, stride 3). Every expected value
below is the one in that command.
"""
from __future__ import annotations

import collections
import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

import minigan
from minigan import nn

FIXTURE = Path(__file__).parent / "data" / "pytorch_checkpoint.pth"
WEIGHT = [[0.5, -1.0, 2.0], [0.25, 3.0, -0.125]]


def rewritten(tmp_path: Path, **members: bytes) -> Path:
    """A copy of the fixture with the members named (after the archive's folder) replaced."""
    target = tmp_path / "edited.pth"
    with zipfile.ZipFile(FIXTURE) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for info in source.infolist():
            key = info.filename.split("/", 1)[1].replace("/", "_")
            out.writestr(info.filename, members.get(key, source.read(info.filename)))
    return target


def test_every_value_pytorch_saved_comes_back_with_its_dtype():
    state = minigan.load(FIXTURE)
    assert list(state) == ["linear.weight", "linear.bias", "steps", "column", "half", "bf16", "mask", "meta"]
    assert all(isinstance(state[k], minigan.Tensor) for k in list(state)[:-1])
    assert state["linear.weight"].tolist() == WEIGHT and state["linear.weight"].dtype == np.float32
    assert state["linear.bias"].tolist() == [1.5, -2.5]
    assert state["steps"].item() == 7 and state["steps"].dtype == np.int64 and state["steps"].shape == ()
    assert state["column"].tolist() == [-1.0, 3.0]  # the strided view, read through its offset and stride
    assert state["half"].tolist() == [0.5, -2.0] and state["half"].dtype == np.float16
    assert state["bf16"].tolist() == [1.0, -0.3125, 3.0] and state["bf16"].dtype == np.float32  # exact in bfloat16
    assert state["mask"].tolist() == [True, False] and state["mask"].dtype == np.bool_
    assert state["meta"] == {"epoch": 3, "name": "tiny", "lrs": [0.1, 0.01], "shape": (2, 3), "none": None}


def test_a_layer_loads_pytorchs_weights_and_computes_with_them():
    state = minigan.load(FIXTURE)
    layer = nn.Linear(3, 2)
    layer.load_state_dict({"weight": state["linear.weight"], "bias": state["linear.bias"]})
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    expected = x @ np.array(WEIGHT, dtype=np.float32).T + np.array([1.5, -2.5], dtype=np.float32)
    np.testing.assert_allclose(layer(minigan.tensor(x)).numpy(), expected)  # [[6.0, 5.875]]
    arrays = minigan.serialization.load_arrays(FIXTURE)
    assert isinstance(arrays["linear.weight"], np.ndarray) and arrays["linear.weight"].tolist() == WEIGHT


def test_a_big_endian_file_reads_the_same(tmp_path):
    with zipfile.ZipFile(FIXTURE) as source:
        storages = {n: source.read(n) for n in source.namelist() if "/data/" in n}
    swapped = {}
    for name, raw in storages.items():
        size = _itemsize(name)
        swapped["data_" + name.rsplit("/", 1)[1]] = np.frombuffer(raw, f"<u{size}").astype(f">u{size}").tobytes()
    big, little = minigan.load(rewritten(tmp_path, byteorder=b"big", **swapped)), minigan.load(FIXTURE)
    for key in list(little)[:-1]:
        assert big[key].tolist() == little[key].tolist() and big[key].dtype == little[key].dtype


def _itemsize(member: str) -> int:
    """The item size of each storage of the fixture (keys 0-5: weight, bias, steps, half, bf16, mask)."""
    return {"0": 4, "1": 4, "2": 8, "3": 2, "4": 2, "5": 1}[member.rsplit("/", 1)[1]]


def test_a_pickled_object_or_an_unknown_global_is_refused_in_one_line(tmp_path):
    counter = pickle.dumps(collections.Counter(a=1), protocol=2)
    with pytest.raises(ValueError, match=r"edited\.pth: cannot load this file PyTorch saved: it holds a pickled "
                                         r"collections\.Counter .*save model\.state_dict\(\) in PyTorch"):
        minigan.load(rewritten(tmp_path, **{"data.pkl": counter}))
    assert collections.Counter(a=1) == pickle.loads(counter)  # the file itself is a valid pickle


def test_a_storage_shorter_than_declared_or_missing_is_named(tmp_path):
    with zipfile.ZipFile(FIXTURE) as source:
        bias = source.read("pytorch_checkpoint/data/1")
    with pytest.raises(ValueError, match="storage 1 holds 4 bytes, not the 8 it declares"):
        minigan.load(rewritten(tmp_path, data_1=bias[:4]))
    with pytest.raises(ValueError, match="cannot load this file PyTorch saved: it holds a persistent id"):
        minigan.load(rewritten(tmp_path, **{"data.pkl": _persistent_pickle(("not", "a", "storage"))}))


def _persistent_pickle(pid: tuple) -> bytes:
    """A protocol-2 pickle of a dict whose one value is the persistent id ``pid``."""

    class Writer(pickle.Pickler):
        def persistent_id(self, obj):
            return pid if obj == "marker" else None

    buffer = io.BytesIO()
    Writer(buffer, protocol=2).dump({"x": "marker"})
    return buffer.getvalue()
