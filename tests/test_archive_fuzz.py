"""Mutated archives against every program that reads them (issue 27).

A Hypothesis strategy takes a real run's ``checkpoint.npz`` or ``generator.npz`` and changes it
the way a hostile or damaged file would: a member's ``.npy`` header (shape, dtype, order, the
data's length), a member's name, the structure record, the zip's size fields, bytes anywhere,
a cut. ``minigan.train --resume``, ``minigan.sample`` and ``minigan.evaluate`` must then each
end in exactly one error line and exit 2, or succeed (a mutation may leave a valid file);
``minigan.load`` raises ValueError or returns. Before the checked reader, a declared shape past
memory ended sample and evaluate with exit 1 ("unexpected OverflowError", a bug in minigan).
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import struct
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
from minigan import evaluate as evaluate_cli
from minigan import sample as sample_cli
from minigan import train as train_cli

PROGRAMS = {"train": "python -m minigan.train", "sample": "python -m minigan.sample",
            "evaluate": "python -m minigan.evaluate"}
DESCRS = ["<f4", "<f8", ">f4", "|u1", "<i8", "|b1", "<U3", "|V3", "|O", "<c16", [("a", "<f4")], [("a", "|O")],
          "nonsense", "<f2", 7]
SHAPE_SIZES = st.one_of(st.integers(0, 70), st.integers(-3, -1), st.sampled_from([2 ** 31, 2 ** 40, 2 ** 62, 2 ** 64]))


def _members(payload: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes], deflate: frozenset = frozenset()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED)
    return buffer.getvalue()


def _npy_header(payload: bytes) -> tuple[dict, bytes]:
    """The header of a member np.save wrote (version 1.0) and the data after it."""
    stream = io.BytesIO(payload)
    assert np.lib.format.read_magic(stream) == (1, 0)
    shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
    return {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": fortran, "shape": shape}, payload[stream.tell():]


@st.composite
def mutations(draw, original: bytes):
    """(what was done, the mutated bytes) for one archive."""
    members = _members(original)
    names = sorted(members)
    kind = draw(st.sampled_from(["header", "name", "structure", "zip-size", "bytes", "cut", "deflate"]))
    if kind == "header":
        name = draw(st.sampled_from(names))
        header, data = _npy_header(members[name])
        header["shape"] = tuple(draw(st.lists(SHAPE_SIZES, max_size=4))) if draw(st.booleans()) else header["shape"]
        header["descr"] = draw(st.sampled_from(DESCRS)) if draw(st.booleans()) else header["descr"]
        header["fortran_order"] = draw(st.booleans())
        data = data[:draw(st.integers(0, len(data)))] if draw(st.booleans()) else data + b"\0" * draw(st.integers(0, 64))
        buffer = io.BytesIO()
        np.lib.format.write_array_header_1_0(buffer, header)  # writes any values: the reader must judge them
        members[name] = buffer.getvalue() + data
        return f"header of {name}: {header}", _zip(members)
    if kind == "name":
        name = draw(st.sampled_from(names))
        new = draw(st.one_of(st.sampled_from(["a0.npy", "a1.npy", "__minigan__.npy", "a999.npy", "a0", "x/../a0.npy",
                                              "__minigan__", "dir/"]), st.text(min_size=1, max_size=12)))
        members = {(new if key == name else key): value for key, value in members.items()}
        return f"member {name} renamed {new!r}", _zip(members)
    if kind == "structure":
        node = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=4),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                st.sampled_from(["dict", "tuple", "array", "scalar", "x"]), inner, max_size=2),
                            max_leaves=8)
        document = draw(st.fixed_dictionaries({"format": st.just("minigan"), "version": st.just(1), "root": node}))
        buffer = io.BytesIO()
        np.save(buffer, np.frombuffer(json.dumps(document).encode(), dtype=np.uint8))
        members["__minigan__.npy"] = buffer.getvalue()
        return f"structure {document}", _zip(members)
    if kind == "deflate":  # a legitimate variant: compressed members still load
        return "deflated", _zip(members, frozenset(draw(st.sets(st.sampled_from(names)))))
    data = bytearray(original)
    if kind == "zip-size":
        signatures = [(match.start(), 18 if match.group() == b"PK\x03\x04" else 20)
                      for match in re.finditer(rb"PK\x03\x04|PK\x01\x02", original)]
        at, field = draw(st.sampled_from(signatures))
        field += 4 * draw(st.integers(0, 1))  # the compressed or the uncompressed size
        value = draw(st.sampled_from([0, 1, 2 ** 31, 2 ** 32 - 1]) | st.integers(0, 2 ** 32 - 1))
        data[at + field:at + field + 4] = struct.pack("<I", value)
        return f"size field at {at + field} set to {value}", bytes(data)
    if kind == "bytes":
        at = draw(st.integers(0, len(data) - 1))
        patch = draw(st.binary(min_size=1, max_size=8))
        data[at:at + len(patch)] = patch
        return f"bytes at {at} set to {patch!r}", bytes(data[:len(original)])
    cut = draw(st.integers(0, len(data) - 1))
    return f"cut at {cut}", bytes(data[:cut])


class _ReachedTheMetrics(BaseException):
    """Raised where evaluate would load MNIST and the classifier: it read the run without error."""


def _run(main, prog, argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except _ReachedTheMetrics:
            status = 0
    text = err.getvalue()
    context = f"{prog} {argv}\nstderr:\n{text}"
    assert status in (0, 2), context
    assert "Traceback" not in text + out.getvalue() and "Warning" not in text, context
    if status == 2:
        lines = text.splitlines()
        assert len(lines) >= 1 and lines[-1].startswith(f"{prog}: error: "), context
        assert sum(line.startswith(f"{prog}: error: ") for line in lines) == 1, context
    return status


@pytest.fixture(scope="module")
def runs(finished_small_run, tmp_path_factory):
    template = tmp_path_factory.mktemp("archive-fuzz")
    shutil.copytree(finished_small_run, template / "run")
    (template / "gen").mkdir()
    shutil.copy(finished_small_run / "config.json", template / "gen")
    shutil.copy(finished_small_run / "generator.npz", template / "gen")
    return {"checkpoint": (finished_small_run / "checkpoint.npz").read_bytes(),
            "generator": (finished_small_run / "generator.npz").read_bytes(), "template": template}


def _stop_at_the_metrics(*args, **kwargs):
    raise _ReachedTheMetrics


def _check(runs, which, mutation):
    what, payload = mutation
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory(prefix="minigan-archive-fuzz-") as name:
        patch.setattr(evaluate_cli, "prepare_reference", _stop_at_the_metrics)
        run = Path(name) / ("run" if which == "checkpoint" else "gen")
        shutil.copytree(runs["template"] / run.name, run)
        target = run / f"{which}.npz"
        target.write_bytes(payload)
        try:
            minigan.load(target)
        except ValueError as error:
            assert "\n" not in str(error), what
        statuses = {"sample": _run(sample_cli.main, PROGRAMS["sample"],
                                   ["--checkpoint", str(run), "-n", "2", "--npy", str(Path(name) / "s.npy")]),
                    "evaluate": _run(evaluate_cli.main, PROGRAMS["evaluate"], [str(run), "--n", "2", "--no-parzen", "--allow-small-n"])}
        if which == "checkpoint":  # --epochs 1: a readable checkpoint has nothing left to do
            statuses["train"] = _run(train_cli.main, PROGRAMS["train"], ["--resume", str(run), "--epochs", "1"])
        assert statuses["sample"] == statuses["evaluate"], (what, statuses)  # the same reader, the same verdict


@given(data=st.data())
def test_mutated_checkpoints_are_one_line_and_exit_2(runs, data):
    _check(runs, "checkpoint", data.draw(mutations(runs["checkpoint"])))


@given(data=st.data())
def test_mutated_generator_files_are_one_line_and_exit_2(runs, data):
    _check(runs, "generator", data.draw(mutations(runs["generator"])))
