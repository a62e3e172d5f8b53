"""``minigan.save`` under a ``.pt``/``.pth`` name (or ``format="pytorch"``) writes PyTorch's zip format.

Two checks: the round trip through ``minigan.load``, bit for bit; and an independent reading of
the archive with zipfile and a plain ``pickle.Unpickler`` whose ``find_class`` records every
global the pickle names, so the names, the tensor records and the storages' bytes are compared
with NumPy's. That ``torch.load(path, weights_only=True)`` in PyTorch 2.14.1 reads these files
and gives the same tensors was checked outside this repository (the commit says with what).
"""
from __future__ import annotations

import collections
import io
import pickle
import pickletools
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigan
from minigan import nn
from minigan.gan.models import ARCHITECTURES, build_models
from minigan.paths import NotARegularFile

# The storage type PyTorch names for each dtype (as torch.save writes them; written out by hand).
STORAGE_NAMES = {"float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
                 "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage", "int8": "CharStorage",
                 "uint8": "ByteStorage", "bool": "BoolStorage"}
ALLOWED_GLOBALS = {"torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter", "collections.OrderedDict",
                   *(f"torch.{name}" for name in STORAGE_NAMES.values())}
PROTOCOL_2 = {"PROTO", "STOP", "NONE", "NEWTRUE", "NEWFALSE", "BININT1", "BININT2", "BININT", "LONG1", "LONG4",
              "BINFLOAT", "BINUNICODE", "GLOBAL", "REDUCE", "BINPERSID", "MARK", "EMPTY_TUPLE", "TUPLE", "TUPLE1",
              "TUPLE2", "TUPLE3", "EMPTY_DICT", "SETITEMS", "EMPTY_LIST", "APPENDS", "BINPUT", "LONG_BINPUT",
              "BINGET", "LONG_BINGET"}


class Record:
    """A call the pickle makes: the global's name and its arguments."""

    def __init__(self, name: str, args: tuple) -> None:
        self.name, self.args = name, args


class Global:
    """A global the pickle names; calling it makes a Record."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *args) -> Record:
        return Record(self.name, args)


class RecordingUnpickler(pickle.Unpickler):
    def __init__(self, file) -> None:
        super().__init__(file)
        self.globals: list[str] = []

    def find_class(self, module: str, name: str):
        self.globals.append(f"{module}.{name}")
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        return Global(f"{module}.{name}")

    def persistent_load(self, pid):
        return pid


def parse(data: bytes):
    """(object with Record stand-ins, globals named, member names, {key: storage bytes}, opcodes)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26: info.header_offset + 30])
            start = info.header_offset + 30 + name_length + extra_length
            if info.filename.startswith("archive/data/"):
                assert start % 64 == 0, f"{info.filename} starts at {start}"
        assert archive.read("archive/byteorder") == b"little"
        assert archive.read("archive/version") == b"3\n"
        pickled = archive.read("archive/data.pkl")
        storages = {name[len("archive/data/"):]: archive.read(name) for name in names if name.startswith("archive/data/")}
    opcodes = {op.name for op, _, _ in pickletools.genops(pickled)}
    unpickler = RecordingUnpickler(io.BytesIO(pickled))
    return unpickler.load(), unpickler.globals, names, storages, opcodes


def c_strides(shape):
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def check_tensor(record, expected: np.ndarray, storages, requires_grad=False):
    assert isinstance(record, Record) and record.name == "torch._utils._rebuild_tensor_v2"
    pid, offset, size, stride, grad_flag, hooks = record.args
    tag, storage_type, key, location, numel = pid
    assert (tag, location, offset, numel) == ("storage", "cpu", 0, expected.size)
    assert isinstance(storage_type, Global) and storage_type.name == f"torch.{STORAGE_NAMES[expected.dtype.name]}"
    assert size == expected.shape and stride == c_strides(expected.shape)
    assert grad_flag is requires_grad and type(hooks) is collections.OrderedDict and not hooks
    assert storages[key] == np.ascontiguousarray(expected).astype(expected.dtype.newbyteorder("<")).tobytes()
    return key


def save_bytes(obj) -> bytes:
    buffer = io.BytesIO()
    minigan.save(obj, buffer, format="pytorch")
    return buffer.getvalue()


def arrays_by_dtype():
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2 ** 16, size=12).astype(np.uint16)
    return {
        "f32": rng.standard_normal((2, 3)).astype(np.float32),
        "f64": rng.standard_normal(4),
        "f16": bits.view(np.float16).reshape(3, 4),  # any bit pattern, NaNs included
        "i64": np.array([-(2 ** 63), -1, 0, 2 ** 63 - 1]),
        "i32": np.arange(-3, 3, dtype=np.int32).reshape(2, 3),
        "i16": np.array([-32768, 7], dtype=np.int16),
        "i8": np.array([-128, 127], dtype=np.int8),
        "u8": np.array([0, 255], dtype=np.uint8),
        "bool": np.array([[True, False, True]]),
        "scalar": np.array(2.5, dtype=np.float32),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "empty_middle": np.zeros((2, 0, 4), dtype=np.int64),
        "transposed": np.arange(12, dtype=np.float32).reshape(3, 4).T,
        "stepped": np.arange(20, dtype=np.float64)[::3],
        "big_endian": np.array([1.5, -2.0], dtype=">f4"),
    }


def assert_same_bits(actual: np.ndarray, expected: np.ndarray):
    assert actual.dtype == expected.dtype.newbyteorder("=") and actual.shape == expected.shape
    assert actual.tobytes() == np.ascontiguousarray(expected).astype(actual.dtype).tobytes()


def test_tensors_of_every_dtype_round_trip_bit_for_bit(tmp_path):
    arrays = arrays_by_dtype()
    path = tmp_path / "state.pt"
    minigan.save({name: minigan.from_numpy(array) if array.dtype.isnative else minigan.tensor(array)
                  for name, array in arrays.items()}, path)
    loaded = minigan.load(path)
    assert list(loaded) == list(arrays)
    for name, array in arrays.items():
        assert type(loaded[name]) is minigan.Tensor and not loaded[name].requires_grad
        assert_same_bits(loaded[name].numpy(), array)
    with open(path, "rb") as handle:
        obj, globals_, names, storages, opcodes = parse(handle.read())
    assert set(globals_) <= ALLOWED_GLOBALS and opcodes <= PROTOCOL_2
    keys = [check_tensor(obj[name], array, storages) for name, array in arrays.items()]
    strides = {name: obj[name].args[3] for name in ("scalar", "empty", "empty_middle", "transposed", "stepped")}
    assert strides == {"scalar": (), "empty": (3, 1), "empty_middle": (4, 4, 1), "transposed": (3, 1), "stepped": (1,)}
    assert sorted(names) == sorted(["archive/data.pkl", "archive/byteorder", "archive/version",
                                    *(f"archive/data/{key}" for key in keys)])


def test_nesting_numbers_and_strings_come_back_as_they_were(tmp_path):
    obj = {"od": collections.OrderedDict([("b", 1), ("a", 2)]), "list": [1, [2, (3,)], ()], "tuple": (None, True, False),
           "ints": [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2 ** 64 + 5, -(2 ** 200), 2 ** 2100],
           "floats": [0.1, -0.0, float("inf"), 1e-310], "text": ["", "ü €", "a\nb"], 7: "int key",
           "empty": {}, "scalars": [np.float32(0.5), np.int64(-3), np.bool_(True)]}
    path = tmp_path / "nested.pth"
    minigan.save(obj, path)
    loaded = minigan.load(path)
    assert type(loaded["od"]) is collections.OrderedDict and list(loaded["od"].items()) == [("b", 1), ("a", 2)]
    assert type(loaded) is dict and loaded["list"] == [1, [2, (3,)], ()] and type(loaded["list"][1][1]) is tuple
    assert loaded["tuple"] == (None, True, False) and loaded["ints"] == obj["ints"]
    assert [struct.pack(">d", x) for x in loaded["floats"]] == [struct.pack(">d", x) for x in obj["floats"]]
    assert loaded["text"] == obj["text"] and loaded[7] == "int key" and loaded["empty"] == {}
    assert loaded["scalars"] == [0.5, -3, True] and [type(x) for x in loaded["scalars"]] == [float, int, bool]
    nan = minigan.load(io.BytesIO(save_bytes([float("nan")])))
    assert np.isnan(nan[0])
    parsed, globals_, _, storages, _ = parse(save_bytes(obj))
    assert parsed == {**obj, "scalars": [0.5, -3, True]} and not storages
    assert set(globals_) == {"collections.OrderedDict"}


def test_a_numpy_array_is_written_as_a_tensor(tmp_path):
    """PyTorch's safe loader rebuilds no NumPy arrays: an array goes in as a Tensor, as torch.load gives it."""
    exp_avg = np.arange(6, dtype=np.float32).reshape(2, 3)
    data = save_bytes({"state": {0: {"step": 4, "exp_avg": exp_avg}}})
    parsed, _, _, storages, _ = parse(data)
    check_tensor(parsed["state"][0]["exp_avg"], exp_avg, storages)
    loaded = minigan.load(io.BytesIO(data))
    assert type(loaded["state"][0]["exp_avg"]) is minigan.Tensor and loaded["state"][0]["step"] == 4
    np.testing.assert_array_equal(loaded["state"][0]["exp_avg"].numpy(), exp_avg)


def test_shared_tensors_are_written_once():
    weight = minigan.tensor([[1.0, 2.0], [3.0, 4.0]])
    view = weight.detach()  # another Tensor over the same array
    data = save_bytes({"a": weight, "b": weight, "c": view, "list": [weight]})
    parsed, _, names, storages, _ = parse(data)
    assert len(storages) == 1 and parsed["a"] is parsed["b"] is parsed["list"][0]
    assert parsed["c"] is not parsed["a"] and parsed["c"].args[0][2] == parsed["a"].args[0][2] == "0"
    loaded = minigan.load(io.BytesIO(data))
    assert loaded["a"] is loaded["b"] is loaded["list"][0]
    np.testing.assert_array_equal(loaded["c"].numpy(), [[1.0, 2.0], [3.0, 4.0]])
    shared = [1, 2]
    parsed, *_ = parse(save_bytes({"x": shared, "y": shared}))
    assert parsed["x"] is parsed["y"]


def test_parameters_and_requires_grad_are_recorded():
    layer = nn.Linear(3, 2)
    leaf = minigan.tensor([1.0, -1.0], requires_grad=True)
    data = save_bytes({"state": layer.state_dict(), "weight": layer.weight, "leaf": leaf})
    parsed, _, _, storages, _ = parse(data)
    check_tensor(parsed["state"]["weight"], layer.weight.numpy(), storages)
    record = parsed["weight"]
    assert record.name == "torch._utils._rebuild_parameter"
    tensor, requires_grad, hooks = record.args
    assert requires_grad is True and hooks == collections.OrderedDict()
    check_tensor(tensor, layer.weight.numpy(), storages)
    check_tensor(parsed["leaf"], np.array([1.0, -1.0], dtype=np.float32), storages, requires_grad=True)
    assert len(storages) == 3  # the state_dict's weight shares the Parameter's array
    loaded = minigan.load(io.BytesIO(data))
    np.testing.assert_array_equal(loaded["weight"].numpy(), layer.weight.numpy())


def test_state_dicts_of_every_built_in_architecture(tmp_path):
    for name in ARCHITECTURES:
        generator, discriminator, _ = build_models(name, latent_dim=8, rng=np.random.default_rng(1))
        for net in (generator, discriminator):
            state = net.state_dict()
            path = tmp_path / f"{name}.pt"
            minigan.save(state, path)
            loaded = minigan.load(path)
            assert list(loaded) == list(state), name
            for key, value in state.items():
                assert_same_bits(loaded[key].numpy(), value.numpy())
            restored = build_models(name, latent_dim=8, rng=np.random.default_rng(2))[0 if net is generator else 1]
            restored.load_state_dict(loaded)
            parsed, _, _, storages, _ = parse(path.read_bytes())
            for key, value in state.items():
                check_tensor(parsed[key], value.numpy(), storages)


def test_an_optimizer_state_dict_and_a_checkpoint(tmp_path):
    model = nn.Linear(3, 2)
    opt = minigan.optim.Adam(model.parameters(), lr=0.01)
    model(minigan.ones(4, 3)).sum().backward()
    opt.step()
    path = tmp_path / "ckpt.pth"
    minigan.save({"epoch": 2, "model": model.state_dict(), "opt": opt.state_dict()}, path)
    loaded = minigan.load(path)
    again = minigan.optim.Adam(nn.Linear(3, 2).parameters(), lr=0.5)
    again.load_state_dict(loaded["opt"])
    assert again.param_groups[0]["lr"] == 0.01 and again.param_groups[0]["betas"] == (0.9, 0.999)
    saved = opt.state_dict()["state"]
    for index, state in again.state_dict()["state"].items():
        assert state["step"] == saved[index]["step"]
        np.testing.assert_array_equal(state["exp_avg_sq"], saved[index]["exp_avg_sq"])


def test_the_name_and_format_choose_the_format(tmp_path):
    state = {"w": minigan.ones(2)}
    for name, fmt, pytorch in (("a.pt", None, True), ("b.PTH", None, True), ("c.npz", None, False),
                               ("d.pt", "minigan", False), ("e.ckpt", "pytorch", True)):
        minigan.save(state, tmp_path / name, format=fmt)
        with zipfile.ZipFile(tmp_path / name) as archive:
            assert ("archive/data.pkl" in archive.namelist()) is pytorch, name
        assert minigan.load(tmp_path / name)["w"].tolist() == [1.0, 1.0]
    buffer = io.BytesIO()
    minigan.save(state, buffer)  # a file object gets minigan's archive unless asked
    assert "__minigan__.npy" in zipfile.ZipFile(buffer).namelist()
    with pytest.raises(ValueError, match="format must be 'minigan', 'pytorch' or None"):
        minigan.save(state, tmp_path / "f.pt", format="torch")


def test_what_the_format_cannot_hold_is_refused_in_one_line_before_writing(tmp_path):
    path = tmp_path / "old.pt"
    minigan.save({"w": minigan.ones(1)}, path)
    before = path.read_bytes()
    cycle = []
    cycle.append(cycle)
    cases = [({"w": np.zeros(2, dtype=np.uint16)}, TypeError, r"save: obj\['w'\] has dtype uint16, which PyTorch's"),
             ({"w": np.array(["a"])}, TypeError, "has dtype <U1"),
             ({"z": np.complex64(1j)}, TypeError, "is a complex64, which cannot be saved"),
             ({"m": nn.Linear(2, 2)}, TypeError, r"save: obj\['m'\] is a Linear; .* save its state_dict\(\)"),
             ({(1, 2): 3}, TypeError, r"has a key \(1, 2\) of type tuple"),
             ({"c": cycle}, ValueError, "contains itself"),
             ({"s": {1, 2}}, TypeError, "is a set, which cannot be saved")]
    for obj, kind, message in cases:
        with pytest.raises(kind, match=message) as error:
            minigan.save(obj, path)
        assert "\n" not in str(error.value)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["old.pt"]


def test_a_directory_or_a_failed_write_leaves_the_target_as_it_was(tmp_path):
    (tmp_path / "dir.pt").mkdir()
    with pytest.raises(NotARegularFile, match="is a directory"):
        minigan.save({"w": minigan.ones(1)}, tmp_path / "dir.pt")
    assert (tmp_path / "dir.pt").is_dir()
    path = tmp_path / "G.pt"
    minigan.save({"w": minigan.ones(1)}, path)

    def crash(tmp):
        assert zipfile.ZipFile(tmp).read("archive/byteorder") == b"little"  # written in full beside the target
        raise OSError("disk vanished")

    with pytest.raises(OSError, match="disk vanished"):
        minigan.save({"w": minigan.zeros(1)}, path, before_replace=crash)
    assert minigan.load(path)["w"].tolist() == [1.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["G.pt", "dir.pt"]


leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                   st.sampled_from(["float32", "float64", "float16", "int64", "int8", "uint8", "bool"]).flatmap(
                       lambda dtype: st.lists(st.integers(0, 100), max_size=6).map(
                           lambda values: minigan.from_numpy(np.array(values, dtype=dtype)))))
trees = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.one_of(st.text(max_size=3), st.integers()), inner, max_size=3)), max_leaves=12)


def plain(obj):
    """``obj`` with each Tensor as (dtype, bytes), to compare trees."""
    if isinstance(obj, minigan.Tensor):
        return ("tensor", obj.numpy().dtype.str, obj.numpy().shape, obj.numpy().tobytes())
    if isinstance(obj, dict):
        return (type(obj).__name__, [(key, plain(value)) for key, value in obj.items()])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [plain(value) for value in obj])
    return (type(obj).__name__, obj)


@settings(max_examples=60, deadline=None)
@given(trees)
def test_any_tree_round_trips(tree):
    assert plain(minigan.load(io.BytesIO(save_bytes(tree)))) == plain(tree)
