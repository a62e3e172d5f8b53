"""minigan.save / minigan.load with file objects and PyTorch's forms of map_location."""
import io

import numpy as np
import pytest

import minigan


def _state():
    return {"weight": minigan.tensor([[1.0, 2.0]]), "step": 3, "labels": minigan.arange(3)}


def test_save_and_load_through_bytesio():
    buffer = io.BytesIO()
    minigan.save(_state(), buffer)
    buffer.seek(0)
    loaded = minigan.load(buffer)
    assert loaded["weight"].tolist() == [[1.0, 2.0]] and loaded["step"] == 3 and loaded["labels"].tolist() == [0, 1, 2]
    assert not buffer.closed


def test_save_and_load_through_open_files(tmp_path):
    path = tmp_path / "G.pth"
    with open(path, "wb") as handle:
        minigan.save(_state(), handle)
    with open(path, "rb") as handle:
        assert minigan.load(handle)["weight"].tolist() == [[1.0, 2.0]]
    assert minigan.load(path)["step"] == 3


def test_load_refuses_a_file_object_that_is_not_an_archive():
    with pytest.raises(ValueError, match="not an .npz"):
        minigan.load(io.BytesIO(b"not a checkpoint"))


def test_map_location_forms(tmp_path):
    path = tmp_path / "G.pth"
    minigan.save(_state(), path)
    assert minigan.load(path, map_location="cpu")["step"] == 3
    assert minigan.load(path, map_location=minigan.device("cpu"))["step"] == 3
    assert minigan.load(path, map_location={"cuda:0": "cpu"})["weight"].tolist() == [[1.0, 2.0]]
    seen = []

    def doubled(storage, location):
        seen.append(location)
        return storage * 2

    loaded = minigan.load(path, map_location=doubled)
    assert loaded["weight"].tolist() == [[2.0, 4.0]] and set(seen) == {"cpu"}
    assert minigan.load(path, map_location=lambda storage, loc: storage)["labels"].tolist() == [0, 1, 2]
    if not minigan.cuda.is_available():
        with pytest.raises(RuntimeError, match="cuda"):
            minigan.load(path, map_location={"cpu": "cuda:0"})
        with pytest.raises(RuntimeError, match="cuda"):
            minigan.load(path, map_location="cuda")
    assert isinstance(loaded["weight"], minigan.Tensor)
