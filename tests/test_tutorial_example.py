"""examples/tutorial_gan.py, the 3-layer tutorial GAN written the PyTorch way, runs for 300
steps on small synthetic MNIST files, and differs from its PyTorch form only in its imports."""
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

import minigan
from test_dataloader import write_mnist_dir

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "tutorial_gan.py"
LOG_LINE = re.compile(
    r"Epoch \[(\d+)/2\], Step \[(\d+)/150\], d_loss: (\S+), g_loss: (\S+), D\(x\): (\S+), D\(G\(z\)\): (\S+)$"
)


def test_only_the_imports_name_minigan():
    source = EXAMPLE.read_text()
    tree = ast.parse(source)
    import_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            import_lines.update(range(node.lineno, node.end_lineno + 1))
    docstring_end = tree.body[0].end_lineno
    for number, line in enumerate(source.splitlines(), start=1):
        if "minigan" in line and number > docstring_end:
            assert number in import_lines, f"line {number} names minigan outside an import: {line}"
            # Each such import shows the PyTorch import it stands for.
            assert re.search(r"#\s+(import torch|from (torch|torchvision))", line), line


@pytest.mark.slow
def test_tutorial_trains_300_steps_and_saves_state_dicts(tmp_path, shared_kernel_cache):
    data = tmp_path / "data"
    write_mnist_dir(data, n_train=1200, n_test=10)
    env = dict(os.environ, MINIGAN_CACHE=str(tmp_path / "cache"), **shared_kernel_cache)
    # this checkout's minigan, whatever copy is installed
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(EXAMPLE.parents[1]), env.get("PYTHONPATH")]))
    env.pop("MINIGAN_DATA", None)
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--data-dir", str(data), "--epochs", "2", "--batch-size", "8",
         "--log-every", "50"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    rows = [LOG_LINE.match(line) for line in result.stdout.splitlines()]
    assert all(rows) and len(rows) == 6, result.stdout
    assert [(int(r[1]), int(r[2])) for r in rows] == [(e, s) for e in (1, 2) for s in (50, 100, 150)]
    for row in rows:
        d_loss, g_loss, d_real, d_fake = (float(v) for v in row.groups()[2:])
        assert math.isfinite(d_loss) and math.isfinite(g_loss) and 0 <= d_real <= 1 and 0 <= d_fake <= 1

    shapes = {
        "G.pt": {"fc1.weight": (256, 100), "fc1.bias": (256,), "fc2.weight": (256, 256), "fc2.bias": (256,),
                 "fc3.weight": (784, 256), "fc3.bias": (784,)},
        "D.pt": {"fc1.weight": (64, 784), "fc1.bias": (64,), "fc2.weight": (64, 64), "fc2.bias": (64,),
                 "fc3.weight": (1, 64), "fc3.bias": (1,)},
    }
    for name, expected in shapes.items():
        state = minigan.load(tmp_path / name)
        assert {key: value.shape for key, value in state.items()} == expected
        assert all(np.isfinite(value.numpy()).all() for value in state.values())
    grid = tmp_path / "samples.png"  # 8x8 digits of 28 pixels, 2 of padding around each: 242 x 242
    assert grid.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from matplotlib.image import imread

    assert imread(grid).shape == (8 * 30 + 2, 8 * 30 + 2, 4)
