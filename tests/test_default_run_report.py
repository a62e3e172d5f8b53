"""examples/default_run_report.py: the README block is rebuilt from a run's files, never typed in."""
import json
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from minigan.gan import Trainer, TrainConfig
from minigan.metrics.evaluation import write_metrics

SCRIPT = Path(__file__).resolve().parent.parent / "examples" / "default_run_report.py"


@pytest.fixture(scope="module")
def report():
    spec = importlib.util.spec_from_file_location("default_run_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _metrics(fid, parzen):
    return {"n": 10_000, "fid": fid, "fid_floor": 0.5, "fid_ratio_to_floor": fid / 0.5,
            "inception_score": {"mean": 8.5, "std": 0.1}, "inception_score_test": {"mean": 9.4, "std": 0.2},
            "mode_coverage": {"num_covered": 10, "kl_to_uniform": 0.0123, "histogram": [0.1] * 10,
                              "counts": [100] * 10, "threshold": 0.05},
            "parzen": {"mean": parzen, "stderr": 1.5, "sigma": 0.167},
            "yardstick": {"name": "mnist-mlp-abc", "architecture": "mlp", "test_accuracy": 0.9867}}


def test_replace_block_keeps_everything_outside_the_markers(report):
    text = f"intro\n{report.BEGIN}\nold table\n{report.END}\noutro\n"
    assert report.replace_block(text, "new") == f"intro\n{report.BEGIN}\nnew\n{report.END}\noutro\n"
    with pytest.raises(report.ReportError, match="markers"):
        report.replace_block("no markers here", "new")
    with pytest.raises(report.ReportError, match="markers"):
        report.replace_block(f"{report.END}\n{report.BEGIN}", "new")


@pytest.mark.mnist
def test_main_writes_the_grid_and_the_numbers_of_the_run(report, tmp_path, capsys):
    from minigan.data import load_mnist

    images = np.ascontiguousarray(load_mnist(verbose=False).train_images[:128])
    run = tmp_path / "run"
    config = TrainConfig(arch="tiny", epochs=1, batch_size=64, latent_dim=8, ema=0.9)
    Trainer.create(config, run, images, verbose=False).fit()
    write_metrics(_metrics(fid=3.25, parzen=212.34), run / "metrics.json")
    write_metrics(_metrics(fid=0.45, parzen=243.4), tmp_path / "real.json", weights="real")
    readme = tmp_path / "README.md"
    readme.write_text(f"# title\n{report.BEGIN}\nstale\n{report.END}\nrest\n")
    grid = tmp_path / "pics" / "grid.png"
    code = report.main([str(run), "--real-metrics", str(tmp_path / "real.json"), "--readme", str(readme),
                        "--grid", str(grid), "--figures", str(tmp_path / "figures.json")])
    assert code == 0
    assert grid.read_bytes() == (run / "samples" / "epoch_001.png").read_bytes()
    text = readme.read_text()
    assert "stale" not in text and text.startswith("# title\n") and text.endswith("rest\n")
    assert "](pics/grid.png)" in text
    assert "| FID (classifier features) | 3.25 | 0.45 |" in text
    assert "| FID / real-vs-real floor at the same n | 6.5× (floor 0.500) | 0.9× (floor 0.500) |" in text
    assert "212.3 ± 1.5 (σ 0.167)" in text and "243.4 ± 1.5" in text
    assert "weight average 0.9" in text and "1 epoch of batch 64" in text
    # the block's inputs are kept, so that the README's block can be rendered again and compared
    kept = json.loads((tmp_path / "figures.json").read_text())["default_run"]
    assert report.render(**kept) in text and kept["metrics"]["fid"] == 3.25
    # a run that kept best.npz is reported as python -m minigan.evaluate scores it: its best generator
    (run / "best.npz").write_bytes((run / "generator.npz").read_bytes())
    write_metrics(_metrics(fid=2.5, parzen=220.0), run / "metrics.json", weights="best")
    assert report.main([str(run), "--readme", str(readme), "--grid", str(grid),
                        "--figures", str(tmp_path / "figures.json")]) == 0
    assert "| FID (classifier features) | 2.50 |" in readme.read_text()


def test_main_names_a_missing_metrics_file(report, tmp_path, capsys):
    (tmp_path / "run").mkdir()
    assert report.main([str(tmp_path / "run"), "--readme", str(tmp_path / "README.md")]) == 2
    assert "python -m minigan.evaluate RUN_DIR" in capsys.readouterr().err
