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


def test_pytorchs_summary_writer_takes_minigan_tensors(tmp_path):
    pytest.importorskip("tensorboardX")
    import minigan
    from minigan.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(tmp_path))  # as torch.utils.tensorboard's, the tutorials' spelling
    writer.add_scalar("loss", minigan.tensor(0.25), 3)
    writer.add_scalars("Training vs. Validation Loss", {"Training": minigan.tensor(0.5), "Validation": 0.75}, 3)
    writer.add_image("grid", minigan.zeros(1, 5, 7), 3)
    with pytest.raises(minigan.UnsupportedFeatureError, match="add_graph is not supported by minigan"):
        writer.add_graph(minigan.nn.Linear(2, 1), minigan.zeros(1, 2))
    writer.close()
    def written(folder):
        return [(v.tag, e.step, v.simple_value if v.HasField("simple_value") else (v.image.width, v.image.height))
                for e in _events(folder) for v in e.summary.value if v.HasField("simple_value") or v.HasField("image")]

    pairs = tmp_path / "Training vs. Validation Loss"  # add_scalars writes one folder per key, as PyTorch's
    assert written(pairs / "Training") == [("Training_vs._Validation_Loss", 3, 0.5)]  # spaces made _ in tags
    assert written(pairs / "Validation") == [("Training_vs._Validation_Loss", 3, 0.75)]
    assert sorted(set(written(tmp_path)) - set(written(pairs))) == [("grid", 3, (7, 5)), ("loss", 3, 0.25)]


def test_the_summary_writer_without_tensorboardx_is_an_import_error_saying_how_to_install(monkeypatch):
    import importlib

    import minigan.utils.tensorboard as board
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    fresh = importlib.reload(board)  # the module imports without tensorboardX; the writer needs it
    with pytest.raises(ImportError, match=r"needs tensorboardX, which is not installed: pip install 'minigan\[tensorboard\]'"):
        fresh.SummaryWriter
    monkeypatch.undo()
    importlib.reload(board)
