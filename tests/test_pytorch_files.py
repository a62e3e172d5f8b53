"""``minigan.load`` reads files PyTorch's ``torch.save`` writes, as ``torch.load(weights_only=True)``.

The file is built here, in PyTorch's layout (a zip archive under one folder: ``data.pkl``, a
protocol-2 pickle in which each tensor is ``torch._utils._rebuild_tensor_v2(storage, offset, size,
stride, requires_grad, OrderedDict())`` on a persistent id ``("storage", torch.FloatStorage, key,
"cpu", numel)``, and each storage's raw bytes in ``data/KEY``), with the pickle's opcodes written
out below. It holds what this command gives in PyTorch (the layout was compared with the file
PyTorch 2.14.1 writes for it, outside this repository):

    w = torch.tensor([[0.5, -1.0, 2.0], [0.25, 3.0, -0.125]])
    torch.save({"linear.weight": w, "linear.bias": torch.tensor([1.5, -2.5]), "steps": torch.tensor(7),
                "column": w[:, 1], "half": torch.tensor([0.5, -2.0], dtype=torch.float16),
                "bf16": torch.tensor([1.0, -0.3125, 3.0], dtype=torch.bfloat16),
                "mask": torch.tensor([True, False]),
                "meta": {"epoch": 3, "name": "tiny", "lrs": [0.1, 0.01], "shape": (2, 3), "none": None}},
               "pytorch_checkpoint.pth")

``column`` is a strided view into the weight's storage (offset 1, stride 3).
"""
from __future__ import annotations

import collections
import io
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

import minigan
from minigan import nn

WEIGHT = [[0.5, -1.0, 2.0], [0.25, 3.0, -0.125]]


class Stored:
    """A tensor in the pickle: its storage's type and key, offset, size and stride."""

    def __init__(self, storage_type: str, key: str, numel: int, offset: int, size: tuple, stride: tuple) -> None:
        self.storage_type, self.key, self.numel = storage_type, key, numel
        self.offset, self.size, self.stride = offset, size, stride


def pickle_opcodes(obj) -> bytes:
    """``obj`` as a protocol-2 pickle, opcode by opcode, with Stored values as torch.save writes them."""
    out = bytearray(b"\x80\x02")  # PROTO 2

    def global_(module: str, name: str) -> None:
        out.extend(b"c" + f"{module}\n{name}\n".encode())  # GLOBAL

    def emit(value) -> None:
        if value is None:
            out.extend(b"N")
        elif isinstance(value, bool):
            out.extend(b"\x88" if value else b"\x89")  # NEWTRUE, NEWFALSE
        elif isinstance(value, int):
            out.extend(b"J" + struct.pack("<i", value))  # BININT
        elif isinstance(value, float):
            out.extend(b"G" + struct.pack(">d", value))  # BINFLOAT
        elif isinstance(value, str):
            data = value.encode()
            out.extend(b"X" + struct.pack("<I", len(data)) + data)  # BINUNICODE
        elif isinstance(value, tuple):
            out.extend(b"(")  # MARK, the items, TUPLE
            for item in value:
                emit(item)
            out.extend(b"t")
        elif isinstance(value, list):
            out.extend(b"](")  # EMPTY_LIST, MARK, the items, APPENDS
            for item in value:
                emit(item)
            out.extend(b"e")
        elif isinstance(value, dict):
            out.extend(b"}(")  # EMPTY_DICT, MARK, keys and values, SETITEMS
            for key, item in value.items():
                emit(key)
                emit(item)
            out.extend(b"u")
        elif isinstance(value, Stored):
            global_("torch._utils", "_rebuild_tensor_v2")
            out.extend(b"((")  # the arguments' MARK, then the persistent id's
            emit("storage")
            global_("torch", value.storage_type)
            emit(value.key)
            emit("cpu")
            emit(value.numel)
            out.extend(b"tQ")  # TUPLE, BINPERSID
            emit(value.offset)
            emit(value.size)
            emit(value.stride)
            emit(False)
            global_("collections", "OrderedDict")
            out.extend(b")Rt")  # OrderedDict(): EMPTY_TUPLE, REDUCE; the arguments' TUPLE
            out.extend(b"R")  # REDUCE: _rebuild_tensor_v2(*arguments)
        else:
            raise TypeError(type(value))

    emit(obj)
    return bytes(out + b".")


def bfloat16_bits(values) -> np.ndarray:
    """bfloat16 is the top half of a float32 (exact for these values)."""
    return (np.array(values, dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)


STORAGES = {  # key: the storage's bytes, little-endian
    "0": np.array(WEIGHT, dtype=np.float32).tobytes(), "1": np.array([1.5, -2.5], dtype=np.float32).tobytes(),
    "2": np.array([7], dtype=np.int64).tobytes(), "3": np.array([0.5, -2.0], dtype=np.float16).tobytes(),
    "4": bfloat16_bits([1.0, -0.3125, 3.0]).tobytes(), "5": np.array([True, False]).tobytes(),
}
SAVED = {
    "linear.weight": Stored("FloatStorage", "0", 6, 0, (2, 3), (3, 1)),
    "linear.bias": Stored("FloatStorage", "1", 2, 0, (2,), (1,)),
    "steps": Stored("LongStorage", "2", 1, 0, (), ()),
    "column": Stored("FloatStorage", "0", 6, 1, (2,), (3,)),
    "half": Stored("HalfStorage", "3", 2, 0, (2,), (1,)),
    "bf16": Stored("BFloat16Storage", "4", 3, 0, (3,), (1,)),
    "mask": Stored("BoolStorage", "5", 2, 0, (2,), (1,)),
    "meta": {"epoch": 3, "name": "tiny", "lrs": [0.1, 0.01], "shape": (2, 3), "none": None},
}


def write_pytorch_file(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for name, data in members.items():
            out.writestr(f"pytorch_checkpoint/{name}", data)
    return path


def members(**replaced: bytes) -> dict[str, bytes]:
    """The file's members (data/KEY spelled data_KEY), some replaced."""
    names = {"data.pkl": pickle_opcodes(SAVED), "byteorder": b"little", "version": b"3\n",
             **{f"data_{key}": data for key, data in STORAGES.items()}, **replaced}
    return {name.replace("data_", "data/") if name.startswith("data_") else name: data for name, data in names.items()}


@pytest.fixture
def checkpoint(tmp_path) -> Path:
    return write_pytorch_file(tmp_path / "pytorch_checkpoint.pth", members())


def test_every_value_pytorch_saved_comes_back_with_its_dtype(checkpoint):
    state = minigan.load(checkpoint)
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


def test_a_layer_loads_pytorchs_weights_and_computes_with_them(checkpoint):
    state = minigan.load(checkpoint)
    layer = nn.Linear(3, 2)
    layer.load_state_dict({"weight": state["linear.weight"], "bias": state["linear.bias"]})
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    expected = x @ np.array(WEIGHT, dtype=np.float32).T + np.array([1.5, -2.5], dtype=np.float32)
    np.testing.assert_allclose(layer(minigan.tensor(x)).numpy(), expected)  # [[6.0, 5.875]]
    arrays = minigan.serialization.load_arrays(checkpoint)
    assert isinstance(arrays["linear.weight"], np.ndarray) and arrays["linear.weight"].tolist() == WEIGHT


def test_a_big_endian_file_reads_the_same(tmp_path, checkpoint):
    itemsizes = {"0": 4, "1": 4, "2": 8, "3": 2, "4": 2, "5": 1}  # weight, bias, steps, half, bf16, mask
    swapped = {f"data_{key}": np.frombuffer(raw, f"<u{itemsizes[key]}").astype(f">u{itemsizes[key]}").tobytes()
               for key, raw in STORAGES.items()}
    big = minigan.load(write_pytorch_file(tmp_path / "big.pth", members(byteorder=b"big", **swapped)))
    little = minigan.load(checkpoint)
    for key in list(little)[:-1]:
        assert big[key].tolist() == little[key].tolist() and big[key].dtype == little[key].dtype


def test_a_pickled_object_or_an_unknown_global_is_refused_in_one_line(tmp_path):
    counter = pickle.dumps(collections.Counter(a=1), protocol=2)
    edited = write_pytorch_file(tmp_path / "edited.pth", members(**{"data.pkl": counter}))
    with pytest.raises(ValueError, match=r"edited\.pth: cannot load this file PyTorch saved: it holds a pickled "
                                         r"collections\.Counter .*save model\.state_dict\(\) in PyTorch"):
        minigan.load(edited)
    assert collections.Counter(a=1) == pickle.loads(counter)  # the file itself is a valid pickle


def test_a_storage_shorter_than_declared_or_a_bad_persistent_id_is_named(tmp_path):
    short = write_pytorch_file(tmp_path / "short.pth", members(data_1=STORAGES["1"][:4]))
    with pytest.raises(ValueError, match="storage 1 holds 4 bytes, not the 8 it declares"):
        minigan.load(short)
    odd = write_pytorch_file(tmp_path / "odd.pth", members(**{"data.pkl": _persistent_pickle(("not", "a", "storage"))}))
    with pytest.raises(ValueError, match="cannot load this file PyTorch saved: it holds a persistent id"):
        minigan.load(odd)


def _persistent_pickle(pid: tuple) -> bytes:
    """A protocol-2 pickle of a dict whose one value is the persistent id ``pid``."""

    class Writer(pickle.Pickler):
        def persistent_id(self, obj):
            return pid if obj == "marker" else None

    buffer = io.BytesIO()
    Writer(buffer, protocol=2).dump({"x": "marker"})
    return buffer.getvalue()
