"""The run's history files, written from the rows' cached text, against the csv and json modules
writing the whole history at once."""
from __future__ import annotations

import csv
import io
import json
import math

import pytest

from minigan.gan.history_files import HistoryFiles
from minigan.gan.run_files import HISTORY_COLUMNS


def expected_csv(history):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HISTORY_COLUMNS)
    for row in zip(*(history[key] for key in HISTORY_COLUMNS)):
        writer.writerow([int(v) if i < 3 else ("" if math.isnan(v) else repr(v)) for i, v in enumerate(row)])
    return buffer.getvalue()


def expected_json(history):
    plain = {key: [int(v) if key in ("epoch", "step", "global_step") else (v if math.isfinite(v) else None)
                   for v in values] for key, values in history.items()}
    return json.dumps(plain) + "\n"


def grow(history, rows, seed):
    """Append ``rows`` rows of made-up values (NaN in the columns a step leaves empty)."""
    start = len(history["epoch"])
    for i in range(start, start + rows):
        for key in HISTORY_COLUMNS:
            if key in ("epoch", "step", "global_step"):
                value = float({"epoch": i // 5 + 1, "step": i % 5 + 1, "global_step": i + 1}[key])
            elif key in ("fid", "fid_ratio_to_floor", "wasserstein"):
                value = math.nan
            else:
                value = math.sin(seed * 100 + i * len(key)) * 10 ** (i % 7 - 3)
            history[key].append(value)


def check(run_dir, history):
    assert (run_dir / "history.csv").read_text() == expected_csv(history)
    assert (run_dir / "history.json").read_text() == expected_json(history)
    assert json.loads((run_dir / "history.json").read_text())["global_step"] == [int(v) for v in history["global_step"]]


@pytest.fixture
def no_figure(monkeypatch):
    monkeypatch.setattr("minigan.viz.save_loss_curves", lambda *args, **kwargs: None)


def test_the_files_match_a_whole_write_as_the_history_grows_and_its_last_row_is_scored(tmp_path, no_figure):
    history = {key: [] for key in HISTORY_COLUMNS}
    files = HistoryFiles(tmp_path, HISTORY_COLUMNS)
    files.write(history, 5, "t")
    check(tmp_path, history)
    for rows, score in ((1, None), (1, 3.5), (4, None), (5, 2.25), (12, math.inf)):
        grow(history, rows, seed=0)
        files.write(history, 5, "t")  # a stop mid-epoch writes the row before its score...
        check(tmp_path, history)
        if score is not None:  # ...then the epoch's end writes the score into that same last row
            history["fid"][-1] = score
            history["fid_ratio_to_floor"][-1] = score / 2
            files.write(history, 5, "t")
            check(tmp_path, history)


def test_a_history_replaced_or_cut_short_is_written_afresh(tmp_path, no_figure):
    files = HistoryFiles(tmp_path, HISTORY_COLUMNS)
    history = {key: [] for key in HISTORY_COLUMNS}
    grow(history, 9, seed=0)
    files.write(history, 5, "t")
    other = {key: [] for key in HISTORY_COLUMNS}  # a resumed run's history, loaded from its checkpoint
    grow(other, 11, seed=1)
    files.write(other, 5, "t")
    check(tmp_path, other)
    for key in HISTORY_COLUMNS:
        del other[key][4:]
    files.write(other, 5, "t")
    check(tmp_path, other)
    other["d_loss"][2] = 123.0  # an earlier row changed: not the prefix the cache was made from
    grow(other, 1, seed=2)
    files.write(other, 5, "t")
    check(tmp_path, other)


def test_the_loss_curves_are_drawn_once_there_is_a_row(tmp_path):
    files = HistoryFiles(tmp_path, HISTORY_COLUMNS)
    history = {key: [] for key in HISTORY_COLUMNS}
    files.write(history, 5, "t")
    assert not (tmp_path / "loss_curves.png").exists()
    grow(history, 3, seed=0)
    files.write(history, 5, "t")
    assert (tmp_path / "loss_curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_loss_curves_draw_each_pixel_columns_lowest_and_highest_point():
    """viz.envelope against a loop over the buckets written out plainly."""
    import numpy as np

    from minigan.viz import envelope

    rng = np.random.default_rng(0)
    values = rng.standard_normal(1003)
    x = np.arange(1003) / 7.0
    thin_x, thin = envelope(x, values, 100)
    size = 11  # ceil(1003 / 100)
    expected = []
    for start in range(0, 1003 // size * size, size):
        run = values[start:start + size]
        expected += sorted([start + int(np.argmin(run)), start + int(np.argmax(run))])
    expected += list(range(1003 // size * size, 1003))
    assert thin.tolist() == values[expected].tolist() and thin_x.tolist() == x[expected].tolist()
    assert thin.min() == values.min() and thin.max() == values.max()
    short_x, short = envelope(x[:150], values[:150], 100)  # two points a pixel or fewer: all of them
    assert short.tolist() == values[:150].tolist() and short_x.tolist() == x[:150].tolist()
