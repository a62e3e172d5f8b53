"""``python -m minigan.evaluate``: bad input exits 2 with one clear line; real test images score
10/10 classes and a far lower FID than noise; metrics.json is written. Uses the cached classifier
(trained once, with the fixed seed, if the cache is empty)."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import minigan
from minigan.evaluate import EvaluationError, check_samples, main, samples_from_run
from minigan.metrics.evaluation import latest_metrics
from minigan.metrics.yardstick import SHIPPED_SHA256

N_SMALL = 400  # enough for every class and a usable covariance, small enough to stay fast


def run_main(capsys, argv):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def mnist():
    from minigan.data import load_mnist

    return load_mnist(verbose=False)


@pytest.fixture()
def run_dir(tmp_path):
    """A minimal run directory as minigan.train leaves it: generator.npz plus config.json."""
    from minigan.gan.models import build_models

    generator, _, _ = build_models("tiny", 8, rng=np.random.default_rng(0))
    path = tmp_path / "run"
    path.mkdir()
    minigan.save(generator.state_dict(), path / "generator.npz")
    (path / "config.json").write_text(json.dumps({"arch": "tiny", "latent_dim": 8}))
    return path


# ---------------------------------------------------------------------- bad input
def _assert_usage_error(status, out, err, *needles):
    assert status == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("python -m minigan.evaluate: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_missing_run_dir(capsys, tmp_path):
    _assert_usage_error(*run_main(capsys, [str(tmp_path / "nope")]), "does not exist")


def test_run_dir_without_generator(capsys, tmp_path):
    _assert_usage_error(*run_main(capsys, [str(tmp_path)]), "no checkpoint")


def test_run_dir_generator_without_config(capsys, run_dir):
    (run_dir / "config.json").unlink()
    _assert_usage_error(*run_main(capsys, [str(run_dir)]), "config.json")


@pytest.mark.parametrize("array, needle", [
    (np.zeros((10, 100), dtype=np.float32), "shape"),
    (np.zeros((10, 28, 27), dtype=np.float32), "shape"),
    (np.zeros(784, dtype=np.float32), "shape"),
    (np.full((10, 784), np.nan, dtype=np.float32), "NaN"),
    (np.full((10, 784), 255.0, dtype=np.float32), "[0, 1]"),
    (np.full((10, 784), -0.5, dtype=np.float32), "[0, 1]"),
    (np.array(["a"] * 784).reshape(1, 784), "numeric"),
])
def test_bad_samples(capsys, tmp_path, array, needle):
    path = tmp_path / "bad.npy"
    np.save(path, array)
    _assert_usage_error(*run_main(capsys, ["--samples", str(path)]), needle)
    assert not (tmp_path / "bad.metrics.json").exists()


def test_missing_and_unreadable_samples_file(capsys, tmp_path):
    _assert_usage_error(*run_main(capsys, ["--samples", str(tmp_path / "none.npy")]), "does not exist")
    garbage = tmp_path / "garbage.npy"
    garbage.write_bytes(b"\x00not numpy")
    _assert_usage_error(*run_main(capsys, ["--samples", str(garbage)]), "cannot read")
    text = tmp_path / "text.npy"  # NumPy would call it "pickled" and suggest unpickling it
    text.write_text("root:x:0:0:root:/root:/bin/bash\n")
    status, out, err = run_main(capsys, ["--samples", str(text)])
    assert status == 2 and "NumPy's header" in err and "pickle" not in err


@pytest.mark.parametrize("argv", [[], ["--real", "--samples", "x.npy"], ["--n", "0", "--real"], ["--bogus"]])
def test_bad_arguments(capsys, argv):
    status, out, err = run_main(capsys, argv)
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_check_samples_accepts_both_layouts():
    x = np.random.default_rng(0).random((3, 28, 28))
    assert check_samples(x).shape == (3, 784)
    assert check_samples(x.reshape(3, 784)).dtype == np.float32
    with pytest.raises(EvaluationError):
        check_samples(x[:1])


def test_cli_runs_as_a_module(tmp_path):
    result = subprocess.run([sys.executable, "-m", "minigan.evaluate", str(tmp_path / "missing")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"python -m minigan.evaluate: error: run directory {tmp_path / 'missing'} does not exist"]


# ---------------------------------------------------------------------- real evaluations
@pytest.fixture(scope="module")
def evaluated(tmp_path_factory, mnist):
    """metrics.json of N_SMALL real test images and of N_SMALL uniform-noise images."""
    root = tmp_path_factory.mktemp("eval")
    results = {}
    for name, images in {
        "real": mnist.test_images[:N_SMALL].astype(np.float32) / 255.0,
        "noise": np.random.default_rng(0).random((N_SMALL, 784)).astype(np.float32),
    }.items():
        path = root / f"{name}.npy"
        np.save(path, images)
        assert main(["--samples", str(path), "--allow-small-n"]) == 0
        results[name] = latest_metrics(root / f"{name}.metrics.json", N_SMALL, "given")
    return results


@pytest.mark.mnist
def test_real_images_cover_every_class(evaluated):
    coverage = evaluated["real"]["mode_coverage"]
    assert coverage["num_covered"] == 10
    assert coverage["kl_to_uniform"] < 0.05
    assert sum(coverage["counts"]) == N_SMALL
    assert evaluated["real"]["inception_score"]["mean"] > 8.0


@pytest.mark.mnist
def test_real_images_have_far_lower_fid_than_noise(evaluated):
    real, noise = evaluated["real"], evaluated["noise"]
    assert real["fid"] < 0.1 * noise["fid"]
    assert real["fid_ratio_to_floor"] < 3.0  # real test images sit near the real-vs-real floor
    assert noise["mode_coverage"]["num_covered"] < 10 or noise["mode_coverage"]["kl_to_uniform"] > 0.05
    assert real["parzen"]["mean"] > noise["parzen"]["mean"]
    assert np.isclose(np.logspace(-1, 0, 10), real["parzen"]["sigma"]).any()


@pytest.mark.mnist
def test_metrics_json_has_every_metric(evaluated):
    metrics = evaluated["real"]
    for key in ("fid", "fid_floor", "fid_ratio_to_floor", "inception_score", "mode_coverage", "parzen", "yardstick", "n"):
        assert key in metrics
    assert metrics["n"] == N_SMALL
    assert metrics["yardstick"]["test_accuracy"] >= 0.985
    assert metrics["yardstick"]["weights_sha256"] == SHIPPED_SHA256 and metrics["yardstick"]["shipped"]
    assert set(metrics["parzen"]) == {"sigma", "mean", "stderr"}


@pytest.mark.mnist
def test_run_dir_evaluation_writes_metrics_json(capsys, run_dir):
    status, out, err = run_main(capsys, [str(run_dir), "--n", "200", "--no-parzen", "--seed", "3", "--allow-small-n"])
    assert status == 0, err
    assert "FID" in out and "Inception Score" in out and "Mode coverage" in out
    metrics = latest_metrics(run_dir / "metrics.json", 200)
    assert metrics["n"] == 200 and metrics["parzen"] is None and metrics["seed"] == 3
    # The samples are the generator's, drawn with the same seed every time.
    np.testing.assert_array_equal(samples_from_run(run_dir, 5, seed=3), samples_from_run(run_dir, 5, seed=3))
    # --out names another file for the same run's metrics
    elsewhere = run_dir.parent / "elsewhere.json"
    status, out, err = run_main(capsys, [str(run_dir), "--n", "200", "--no-parzen", "--seed", "3", "--allow-small-n",
                                         "--out", str(elsewhere)])
    assert status == 0, err
    assert latest_metrics(elsewhere, 200)["fid"] == metrics["fid"]


@pytest.mark.mnist
def test_real_ceiling_sits_at_the_floor(capsys, tmp_path):
    out_path = tmp_path / "real.json"
    status, out, err = run_main(capsys, ["--real", "--n", "500", "--no-parzen", "--out", str(out_path), "--allow-small-n"])
    assert status == 0, err
    metrics = latest_metrics(out_path, 500, "real")
    assert 0.5 < metrics["fid_ratio_to_floor"] < 2.0
    assert metrics["mode_coverage"]["num_covered"] == 10
