"""--tensorboard DIR writes history.csv's scalars and the sample grids as TensorBoard event files
(read back here with a small reader of the TFRecord layout and tensorboardX's Event protobuf);
without tensorboardX it is one line saying how to install it."""
from __future__ import annotations

import csv
import struct
import sys

import numpy as np
import pytest

from minigan import train as train_cli


def _events(directory):
    from tensorboardX.proto.event_pb2 import Event

    events = []
    for path in sorted(directory.rglob("events.out.tfevents.*")):
        data = path.read_bytes()
        offset = 0
        while offset < len(data):
            (length,) = struct.unpack("<Q", data[offset:offset + 8])
            record = data[offset + 12:offset + 12 + length]  # after the length and its CRC
            offset += 12 + length + 4
            event = Event()
            event.ParseFromString(record)
            events.append(event)
    return events


def test_scalars_and_grids_reach_the_event_files(small_train_args, tmp_path, capsys):
    pytest.importorskip("tensorboardX")
    run, board = tmp_path / "run", tmp_path / "board"
    argv = small_train_args + ["--epochs", "3", "--loss", "wgan-gp", "--out", str(run), "--tensorboard", str(board),
                                 "--eval-every", "1"]
    assert train_cli.main(argv) == 0
    capsys.readouterr()
    scalars, images = {}, []
    for event in _events(board):
        for value in event.summary.value:
            if value.HasField("image"):
                images.append((value.tag, event.step, value.image.width, value.image.height))
            elif value.HasField("simple_value"):
                scalars.setdefault(value.tag, {})[event.step] = value.simple_value
    with open(run / "history.csv") as handle:
        rows = list(csv.DictReader(handle))
    for column in ("d_loss", "d_x", "d_g_z", "wasserstein", "gradient_penalty"):
        assert sorted(scalars[column]) == [int(row["global_step"]) for row in rows]
        np.testing.assert_allclose([scalars[column][int(r["global_step"])] for r in rows],
                                   [float(r[column]) for r in rows], rtol=1e-6)
    assert "r1_penalty" not in scalars  # empty in history.csv: nothing to plot
    for column in ("fid", "fid_ratio_to_floor"):  # the per-epoch score, at each epoch's last step
        scored = [r for r in rows if r[column]]
        assert sorted(scalars[column]) == [int(r["global_step"]) for r in scored] == [2, 4, 6]
        np.testing.assert_allclose([scalars[column][int(r["global_step"])] for r in scored],
                                   [float(r[column]) for r in scored], rtol=1e-6)
    assert sorted(scalars["g_loss"]) == [int(r["global_step"]) for r in rows if r["g_loss"]] == [5]  # n_critic 5
    # one grid per epoch, at the global step it was drawn: 8 x 8 images of 28 plus padding
    assert images == [("samples", 2, 242, 242), ("samples", 4, 242, 242), ("samples", 6, 242, 242)]


def test_without_tensorboardx_it_is_one_line(small_train_args, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)  # import tensorboardX now raises ImportError
    status = train_cli.main(small_train_args + ["--out", str(tmp_path / "run"), "--tensorboard", str(tmp_path / "b")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1
    assert "tensorboardX" in err[0] and "pip install 'minigan[tensorboard]'" in err[0]
    assert not (tmp_path / "run").exists()
