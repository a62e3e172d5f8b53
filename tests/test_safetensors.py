"""Weights for PyTorch: ``minigan.save``/``load`` to a ``.safetensors`` name, ``python -m minigan.export``,
and ``minigan.sample``/``evaluate`` reading the file.

The file is checked two ways that do not go through minigan's reader: with the safetensors
package's own NumPy reader, and byte by byte against the format's layout (an 8-byte little-endian
header length, a JSON header with dtype, shape and data offsets, then the raw little-endian data).
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

import minigan
from minigan import evaluate as evaluate_cli
from minigan import export as export_cli
from minigan.metrics.evaluation import latest_metrics
from minigan import sample as sample_cli
from minigan.gan import load_checkpoint
from minigan.gan.models import ARCHITECTURES, build_models
from minigan.gan.sampling import load_generator, load_state_dict_generator
from minigan.metrics.evaluation import samples_from_run

safetensors_numpy = pytest.importorskip("safetensors.numpy")

# PyTorch's state_dict names for each generator written as nn.Sequential: a child's index, then
# Linear/Conv's weight and bias, BatchNorm's weight, bias, running_mean, running_var and
# num_batches_tracked. Written out from PyTorch's naming rules, not read off minigan.
_BN = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")
PYTORCH_NAMES = {
    "tiny": ["0.weight", "0.bias", "2.weight", "2.bias"],
    "seed": ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"],
    "default": (["0.weight", "0.bias", "2.weight", "2.bias"] + [f"3.{n}" for n in _BN] + ["5.weight", "5.bias"]
                + [f"6.{n}" for n in _BN] + ["8.weight", "8.bias"] + [f"9.{n}" for n in _BN]
                + ["11.weight", "11.bias"]),
    "dcgan": (["0.weight", "0.bias"] + [f"1.{n}" for n in _BN] + ["4.weight", "4.bias"] + [f"5.{n}" for n in _BN]
              + ["7.weight", "7.bias"]),
}


def _one_line_error(capsys, prog):
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"{prog}: error: ")
    return lines[0]


def _parse(path):
    """(header, data) of a .safetensors file, read by hand."""
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + length]), raw[8 + length:]


# ---------------------------------------------------------------------- save / load
@pytest.mark.parametrize("arch", sorted(PYTORCH_NAMES))
def test_generator_round_trip_keeps_pytorch_names_values_and_dtypes(tmp_path, arch):
    generator, _, _ = build_models(arch, 100, rng=np.random.default_rng(0))
    assert list(generator.state_dict()) == PYTORCH_NAMES[arch]
    path = tmp_path / "G.safetensors"
    minigan.save(generator.state_dict(), path)
    state = {name: tensor.numpy() for name, tensor in generator.state_dict().items()}

    by_package = safetensors_numpy.load_file(str(path))
    header, data = _parse(path)
    assert header["__metadata__"] == {"format": "pt"}
    assert set(by_package) == set(header) - {"__metadata__"} == set(state)
    codes = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}
    for name, array in state.items():
        start, stop = header[name]["data_offsets"]
        assert header[name]["dtype"] == codes[array.dtype] and header[name]["shape"] == list(array.shape)
        assert data[start:stop] == array.astype(array.dtype.newbyteorder("<")).tobytes()
        assert by_package[name].dtype == array.dtype and by_package[name].shape == array.shape
        np.testing.assert_array_equal(by_package[name], array)

    loaded = minigan.load(path)
    assert set(loaded) == set(state)
    for name, value in loaded.items():  # all Tensors, num_batches_tracked an int64 scalar, as in PyTorch
        assert isinstance(value, minigan.Tensor) and value.dtype == state[name].dtype
        assert value.shape == state[name].shape
        np.testing.assert_array_equal(value.array, state[name])
    rebuilt, _, _ = build_models(arch, 100, rng=np.random.default_rng(1))
    rebuilt.load_state_dict(loaded)
    for name, tensor in rebuilt.state_dict().items():
        np.testing.assert_array_equal(tensor.numpy(), state[name])


def test_a_file_from_another_writer_loads(tmp_path):
    path = tmp_path / "other.safetensors"
    weight = np.arange(12, dtype=np.float64).reshape(3, 4)
    safetensors_numpy.save_file({"w": weight, "flag": np.array([True, False])}, str(path))
    loaded = minigan.load(path)
    np.testing.assert_array_equal(loaded["w"].array, weight)
    assert loaded["w"].dtype == np.float64
    np.testing.assert_array_equal(loaded["flag"], [True, False])


def test_non_contiguous_and_zero_d_arrays_are_written_as_they_read(tmp_path):
    path = tmp_path / "t.safetensors"
    transposed = np.arange(6, dtype=np.float32).reshape(2, 3).T
    minigan.save({"t": transposed, "s": np.array(2.5, dtype=np.float32)}, path)
    header, _ = _parse(path)
    assert header["t"]["shape"] == [3, 2] and header["s"]["shape"] == []
    np.testing.assert_array_equal(minigan.load(path)["t"].array, transposed)
    assert float(minigan.load(path)["s"].array) == 2.5


@pytest.mark.parametrize("obj, message", [
    ([1, 2], "a flat dict of named tensors"),
    ({"w": {"nested": np.zeros(2)}}, "'w' is a dict"),
    ({"w": 3.0}, "'w' is a float"),
    ({1: np.zeros(2)}, "names its tensors with strings"),
    ({"w": np.array(["a"])}, "cannot hold"),
])
def test_what_the_format_cannot_hold_is_refused_and_the_old_file_stays(tmp_path, obj, message):
    path = tmp_path / "G.safetensors"
    minigan.save({"w": np.ones(2, dtype=np.float32)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=message) as caught:
        minigan.save(obj, path)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["G.safetensors"]  # no temporary file left


def test_a_failed_write_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "G.safetensors"
    minigan.save({"w": np.ones(2, dtype=np.float32)}, path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", crash)
    with pytest.raises(OSError, match="No space left"):
        minigan.save({"w": np.zeros(2, dtype=np.float32)}, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["G.safetensors"]


@pytest.mark.parametrize("damage", ["truncated", "header", "empty", "npz"])
def test_a_corrupt_file_is_one_line_naming_it(tmp_path, damage):
    path = tmp_path / "G.safetensors"
    minigan.save({"w": np.ones((4, 4), dtype=np.float32)}, path)
    raw = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(raw[:-10])
    elif damage == "header":
        path.write_bytes(raw[:8] + b"{not json" + raw[17:])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        minigan.save({"w": np.ones(2, dtype=np.float32)}, tmp_path / "x.npz")
        path.write_bytes((tmp_path / "x.npz").read_bytes())
    with pytest.raises(ValueError, match=f"cannot load {path} as a .safetensors file") as caught:
        minigan.load(path)
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        minigan.load(tmp_path / "missing.safetensors")


def test_without_the_package_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    path = tmp_path / "G.safetensors"
    minigan.save({"w": np.ones(2, dtype=np.float32)}, path)
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    for action in (lambda: minigan.save({"w": np.ones(2, dtype=np.float32)}, tmp_path / "H.safetensors"),
                   lambda: minigan.load(path)):
        with pytest.raises(ImportError, match="needs the safetensors package: pip install safetensors") as caught:
            action()
        assert "\n" not in str(caught.value)
    assert not (tmp_path / "H.safetensors").exists()
    minigan.save({"w": np.ones(2, dtype=np.float32)}, tmp_path / "still.npz")  # other formats need nothing


# ---------------------------------------------------------------------- export, sample, evaluate

def test_export_writes_the_weight_average_with_its_architecture(averaged_small_run, tmp_path, capsys):
    out = tmp_path / "G.safetensors"
    assert export_cli.main([str(averaged_small_run), "--format", "safetensors", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    average = load_checkpoint(averaged_small_run)["generator_ema"]["module"]
    own = load_checkpoint(averaged_small_run)["generator"]
    stored = safetensors_numpy.load_file(str(out))
    assert set(stored) == set(average) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    for name, array in stored.items():
        np.testing.assert_array_equal(array, average[name])
    assert not np.array_equal(stored["0.weight"], own["0.weight"])  # the average, not G's own weights

    metadata = _parse(out)[0]["__metadata__"]
    assert metadata["format"] == "pt" and metadata["arch"] == "tiny" and metadata["latent_dim"] == "8"
    assert json.loads(metadata["widths"]) == [64, 784]
    assert json.loads(metadata["output_shape"]) == [784] and json.loads(metadata["image_shape"]) == [1, 28, 28]
    assert metadata["output_range"] == "[0, 1]"
    assert "decay 0.9" in metadata["weights"]
    assert metadata["module"] == ("Sequential(\n  (0): Linear(in_features=8, out_features=64, bias=True)\n"
                                  "  (1): LeakyReLU(negative_slope=0.2)\n"
                                  "  (2): Linear(in_features=64, out_features=784, bias=True)\n  (3): Sigmoid()\n)")


def test_export_defaults_to_the_run_directory(finished_small_run, tmp_path, capsys):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(finished_small_run, run)
    assert export_cli.main([str(run)]) == 0
    metadata = _parse(run / "generator.safetensors")[0]["__metadata__"]
    assert metadata["weights"] == "the generator's weights"  # this run kept no average


def test_sample_and_evaluate_read_an_exported_file_as_they_read_the_run(averaged_small_run, tmp_path, capsys):
    out = tmp_path / "G.safetensors"
    assert export_cli.main([str(averaged_small_run), "--out", str(out)]) == 0
    from_run = tmp_path / "run.npy"
    from_file = tmp_path / "file.npy"
    assert sample_cli.main(["--checkpoint", str(averaged_small_run), "-n", "6", "--npy", str(from_run)]) == 0
    assert sample_cli.main(["--checkpoint", str(out), "-n", "6", "--npy", str(from_file)]) == 0
    np.testing.assert_array_equal(np.load(from_file), np.load(from_run))
    np.testing.assert_array_equal(samples_from_run(out, 7, seed=2), samples_from_run(averaged_small_run, 7, seed=2))
    generator, arch, latent_dim = load_generator(out)
    assert (arch.name, latent_dim) == ("tiny", 8)


def test_a_plain_state_dict_needs_arch_and_then_reads(finished_small_run, tmp_path, capsys):
    generator, _, _ = load_generator(finished_small_run)
    path = tmp_path / "G.safetensors"
    minigan.save(generator.state_dict(), path)
    assert sample_cli.main(["--checkpoint", str(path), "-n", "2", "--npy", str(tmp_path / "a.npy")]) == 2
    assert "does not say which network it holds" in _one_line_error(capsys, sample_cli.PROG)
    assert "give --arch" in str(pytest.raises(ValueError, samples_from_run, path, 2).value)
    assert sample_cli.main(["--checkpoint", str(path), "--arch", "tiny", "-n", "3",
                            "--npy", str(tmp_path / "a.npy")]) == 0
    assert sample_cli.main(["--checkpoint", str(finished_small_run), "-n", "3", "--npy", str(tmp_path / "b.npy")]) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), np.load(tmp_path / "b.npy"))
    np.testing.assert_array_equal(samples_from_run(path, 3, arch="tiny"), samples_from_run(finished_small_run, 3))
    rebuilt, _, latent_dim = load_state_dict_generator(path, "tiny")
    assert latent_dim == 8


@pytest.mark.mnist
def test_evaluate_writes_metrics_beside_an_exported_file(averaged_small_run, tmp_path, capsys):
    out = tmp_path / "G.safetensors"
    assert export_cli.main([str(averaged_small_run), "--out", str(out)]) == 0
    assert evaluate_cli.main([str(out), "--n", "200", "--no-parzen", "--allow-small-n"]) == 0
    metrics = latest_metrics(tmp_path / "G.metrics.json", 200)
    assert metrics["n"] == 200 and metrics["source"] == f"run {out}"
    # the file holds one set of weights: asking for G's raw ones is refused in one line
    assert evaluate_cli.main([str(out), "--n", "200", "--weights", "raw", "--allow-small-n"]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith(f"{evaluate_cli.PROG}: error:") and "applies to a run directory or checkpoint" in error


def test_evaluate_arch_without_a_generator_is_one_line(capsys):
    assert evaluate_cli.main(["--real", "--arch", "tiny"]) == 2
    assert "give RUN_DIR" in _one_line_error(capsys, evaluate_cli.PROG)


@pytest.mark.parametrize("argv, message", [
    (["RUN", "--out", "OUT/G.npz"], "should end in .safetensors"),
    (["RUN", "--format", "onnx"], "invalid choice: 'onnx'"),
    (["OUT/missing"], "does not exist"),
    (["RUN", "--out", "OUT/nowhere/G.safetensors"], "the directory of"),
    (["OUT/corrupt.safetensors"], "corrupt or truncated"),
])
def test_export_errors_are_one_line(finished_small_run, tmp_path, capsys, argv, message):
    (tmp_path / "corrupt.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}")
    argv = [arg.replace("RUN", str(finished_small_run)).replace("OUT", str(tmp_path)) for arg in argv]
    assert export_cli.main(argv) == 2
    assert message in _one_line_error(capsys, export_cli.PROG)


def test_export_without_the_package_says_how_to_install_it(finished_small_run, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    assert export_cli.main([str(finished_small_run), "--out", str(tmp_path / "G.safetensors")]) == 2
    assert "pip install safetensors" in _one_line_error(capsys, export_cli.PROG)
    assert not (tmp_path / "G.safetensors").exists()


def test_the_round_trip_script_agrees_with_its_numpy_forward(averaged_small_run):
    """bench/safetensors_roundtrip.py rebuilds each generator from the file's metadata alone and runs
    it in plain NumPy (the PyTorch half needs torch, which tests never import)."""
    import subprocess

    script = Path(__file__).resolve().parent.parent / "bench" / "safetensors_roundtrip.py"
    for extra in ([str(averaged_small_run)], []):
        done = subprocess.run([sys.executable, str(script), "-n", "16", *extra], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        rows = [line for line in done.stdout.splitlines() if line.endswith("  ok")]
        assert len(rows) == (1 if extra else len(ARCHITECTURES))
