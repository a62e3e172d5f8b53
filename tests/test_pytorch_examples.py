"""The PyTorch-style scripts in examples/pytorch/ run for a few steps on small synthetic MNIST
files, write their sample grids and state_dicts, and name minigan only on their import lines."""
from __future__ import annotations

import ast
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

import minigan
from test_dataloader import write_mnist_dir

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "pytorch"
SCRIPTS = ("gan.py", "dcgan.py", "wgan_gp.py", "classifier.py")


@pytest.mark.parametrize("name", SCRIPTS)
def test_only_the_import_lines_name_minigan(name):
    source = (EXAMPLES / name).read_text()
    tree = ast.parse(source)
    import_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            import_lines.update(range(node.lineno, node.end_lineno + 1))
    docstring_end = tree.body[0].end_lineno if isinstance(tree.body[0], ast.Expr) else 0
    named = 0
    for number, line in enumerate(source.splitlines(), start=1):
        if "minigan" in line and number > docstring_end:
            assert number in import_lines, f"{name}: line {number} names minigan outside an import: {line}"
            # each such import shows the PyTorch import it stands for
            assert re.search(r"#\s+(import torch|from (torch|torchvision)[. ])", line), line
            named += 1
    assert named >= 4


@pytest.fixture
def run(tmp_path, shared_kernel_cache):
    """run(script, args): the example's stdout, run in tmp_path with a cache folder of its own
    (but the session's Numba kernels)."""
    # one BLAS and one Numba thread: the runs are small, and a busy CI machine stalls threads
    env = dict(os.environ, MINIGAN_CACHE=str(tmp_path / "cache"), OPENBLAS_NUM_THREADS="1",
               NUMBA_NUM_THREADS="1", MPLBACKEND="Agg", **shared_kernel_cache)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("MINIGAN_DATA", None)  # the data come from the directory given, nowhere else

    def run_example(script, args):
        result = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    return run_example


@pytest.fixture
def data_root(tmp_path):
    root = tmp_path / "data"
    write_mnist_dir(root / "MNIST" / "raw", n_train=48, n_test=4)  # torchvision's layout
    return root


def numbers(pattern, text):
    rows = [tuple(float(v) for v in m.groups()) for m in re.finditer(pattern, text)]
    assert rows and all(math.isfinite(v) for row in rows for v in row), text
    return rows


def state_shapes(path):
    return {key: tuple(value.shape) for key, value in minigan.load(path).items()}


@pytest.mark.slow
def test_gan_runs_a_few_steps(tmp_path, data_root, run):
    out = tmp_path / "images"
    stdout = run("gan.py", ["--data-root", str(data_root), "--n-epochs", "2", "--max-steps", "4",
                            "--batch-size", "16", "--sample-interval", "2", "--out", str(out)])
    rows = numbers(r"\[Epoch (\d+)/2\] \[Batch (\d+)/3\] \[D loss: (\S+)\] \[G loss: (\S+)\]", stdout)
    assert [(e, b) for e, b, *_ in rows] == [(0, 0), (0, 1), (0, 2), (1, 0)]  # 48 images: 3 batches an epoch
    for name in ("0.png", "2.png", "final.png"):
        assert imread(out / name).shape == (4 * 30 + 2, 5 * 30 + 2, 4)  # 16 samples, 5 a row
    shapes = state_shapes(out / "generator.pth")
    assert shapes["model.0.weight"] == (128, 100) and shapes["model.3.running_var"] == (256,)
    assert state_shapes(out / "discriminator.pth")["model.4.weight"] == (1, 256)


@pytest.mark.slow
def test_dcgan_runs_a_few_steps_and_continues_from_its_checkpoint(tmp_path, data_root, run):
    out = tmp_path / "out"
    args = ["--data-root", str(data_root), "--image-size", "32", "--ngf", "8", "--ndf", "8", "--batch-size", "8",
            "--manual-seed", "3", "--outf", str(out)]
    stdout = run("dcgan.py", [*args, "--n-epochs", "1", "--max-steps", "2"])
    rows = numbers(r"\[(\d+)/1\]\[(\d+)/6\] Loss_D: (\S+) Loss_G: (\S+) D\(x\): (\S+) D\(G\(z\)\): (\S+) / (\S+)",
                   stdout)
    assert [(e, i) for e, i, *_ in rows] == [(0, 0), (0, 1)]
    assert all(0 <= p <= 1 for row in rows for p in row[4:])
    assert imread(out / "real_samples.png").shape == (36, 8 * 34 + 2, 4)  # 8 images of 32, padding 2
    assert imread(out / "fake_samples_epoch_000.png").shape == (36, 8 * 34 + 2, 4)
    generator = state_shapes(out / "netG_epoch_0.pth")
    assert generator["main.0.weight"] == (100, 32, 4, 4) and generator["main.9.weight"] == (8, 1, 4, 4)
    assert "main.0.bias" not in generator  # bias=False
    assert state_shapes(out / "netD_epoch_0.pth")["main.8.weight"] == (1, 32, 4, 4)
    again = run("dcgan.py", [*args, "--n-epochs", "1", "--max-steps", "1", "--netG", str(out / "netG_epoch_0.pth"),
                             "--netD", str(out / "netD_epoch_0.pth")])
    assert "[0/1][0/6] Loss_D:" in again


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", ["adam", "rmsprop"])
def test_wgan_gp_runs_a_few_steps(tmp_path, data_root, optimizer, run):
    out = tmp_path / "images"
    stdout = run("wgan_gp.py", ["--data-root", str(data_root), "--n-epochs", "1", "--max-steps", "3",
                                "--batch-size", "16", "--n-critic", "2", "--sample-interval", "2",
                                "--optimizer", optimizer, "--out", str(out)])
    rows = numbers(r"\[Epoch 0/1\] \[Batch (\d+)/3\] \[D loss: (\S+)\] \[G loss: (\S+)\] \[GP: (\S+)\]", stdout)
    assert [int(row[0]) for row in rows] == [0, 2]  # the generator steps every n_critic batches
    assert all(row[3] >= 0 for row in rows)  # a squared distance
    assert (out / "0.png").exists() and (out / "2.png").exists() and (out / "final.png").exists()
    assert state_shapes(out / "critic.pth")["model.4.weight"] == (1, 256)
    assert np.isfinite(minigan.load(out / "generator.pth")["model.0.weight"].numpy()).all()


@pytest.mark.slow
def test_classifier_counts_its_test_accuracy_as_numpy_does(tmp_path, run):
    arrays = write_mnist_dir(tmp_path / "data" / "MNIST" / "raw", n_train=48, n_test=20)
    out = tmp_path / "out"
    stdout = run("classifier.py", ["--data-root", str(tmp_path / "data"), "--epochs", "3", "--batch-size", "16",
                                   "--log-interval", "1", "--out", str(out)])
    losses = numbers(r"Epoch \[(\d)/3\], Step \[(\d)/3\], Loss: (\S+)", stdout)
    assert [(e, s) for e, s, _ in losses] == [(e, s) for e in (1, 2, 3) for s in (1, 2, 3)]
    accuracy = numbers(r"Epoch (\d): test accuracy (\S+) % \((\d+)/(\d+)\), lr (\S+)", stdout)
    assert [(e, t, lr) for e, _, _, t, lr in accuracy] == [(1, 20, 0.1), (2, 20, 0.01), (3, 20, 0.01)]  # MultiStepLR at 2
    # The last count, against the saved weights run forward in NumPy, written out.
    state = {name: tensor.numpy() for name, tensor in minigan.load(out / "mnist_mlp.pt").items()}
    x = (arrays["test_images"].reshape(20, 784).astype(np.float64) / 255 - 0.1307) / 0.3081
    for layer in ("fc1", "fc2"):
        x = np.maximum(x @ state[f"{layer}.weight"].T.astype(np.float64) + state[f"{layer}.bias"], 0)
    logits = x @ state["fc3.weight"].T.astype(np.float64) + state["fc3.bias"]
    correct = int((logits.argmax(axis=1) == arrays["test_labels"]).sum())
    assert accuracy[-1][2] == correct and accuracy[-1][1] == pytest.approx(100 * correct / 20)
