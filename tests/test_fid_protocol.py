"""One FID protocol: FID at a fixed n against the shipped yardstick's test statistics, the
real-vs-real floor at the same n second and labelled, a refusal below 2,000 samples (or, when
allowed, a line saying how biased FID is there), evaluations added to metrics.json under n and
weights, and ``--weights raw|average`` for sample and evaluate."""
from __future__ import annotations

import json

import numpy as np
import pytest

import minigan

from minigan import evaluate, sample
from minigan.gan import load_generator
from minigan.metrics import fid_from_features
from minigan.metrics.evaluation import evaluation_key, format_table, latest_metrics, read_metrics, write_metrics
from minigan.metrics.protocol import MIN_N, PROTOCOL_N, SmallSampleError, score_samples
from minigan.metrics.yardstick import floor_images, load_shipped_yardstick

PREFIX = "python -m minigan.evaluate: error: "


def _one_line_error(capsys, argv):
    assert evaluate.main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1 and lines[0].startswith(PREFIX), captured.err
    return lines[0][len(PREFIX):]


@pytest.fixture(scope="module")
def mnist():
    from minigan.data import load_mnist

    return load_mnist(verbose=False)


@pytest.fixture(scope="module")
def yardstick():
    return load_shipped_yardstick()


@pytest.mark.parametrize("argv", [["--real", "--n", "1999"], ["RUN", "--n", "64"]])
def test_fewer_than_2000_samples_are_refused(capsys, tmp_path, argv, finished_small_run):
    argv = [str(finished_small_run) if a == "RUN" else a for a in argv]
    message = _one_line_error(capsys, argv)
    assert "biased" in message and "--allow-small-n" in message and "2,000" in message
    assert not (finished_small_run / "metrics.json").exists()


def test_a_small_samples_file_is_refused(capsys, tmp_path):
    path = tmp_path / "few.npy"
    np.save(path, np.random.default_rng(0).random((64, 784)).astype(np.float32))
    assert "--allow-small-n" in _one_line_error(capsys, ["--samples", str(path)])
    assert not (tmp_path / "few.metrics.json").exists()


def test_score_samples_refuses_small_n_unless_allowed():
    with pytest.raises(SmallSampleError, match="allow_small_n=True"):
        score_samples(np.zeros((100, 784), np.float32), n=100)
    assert MIN_N == 2000 and PROTOCOL_N == 10_000


@pytest.mark.mnist
def test_allowed_small_n_says_how_biased_fid_is(capsys, tmp_path, mnist, yardstick):
    out = tmp_path / "real.json"
    assert evaluate.main(["--real", "--n", "500", "--no-parzen", "--allow-small-n", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    floor_500 = fid_from_features(yardstick.classifier.features(floor_images(mnist, 500)),
                                  yardstick.classifier.features(mnist.flat("test")))
    assert "biased" in err and f"{floor_500:.3f}" in err and f"{yardstick.floor_at_protocol_n:.3f}" in err
    assert floor_500 > 2 * yardstick.floor_at_protocol_n  # the bias the warning is about


@pytest.mark.mnist
def test_score_samples_is_fid_against_the_test_set(mnist, yardstick):
    # independent reference: FID of the features of n real images against the 10k test images' features
    images = mnist.flat("val")[:2500]
    scored = score_samples(images, n=2000, yardstick=yardstick, data=mnist)
    clf = yardstick.classifier
    expected = fid_from_features(clf.features(images[:2000]), clf.features(mnist.flat("test")))
    assert scored["n"] == 2000 and scored["fid"] == pytest.approx(expected, rel=1e-6)
    floor = fid_from_features(clf.features(floor_images(mnist, 2000)), clf.features(mnist.flat("test")))
    assert scored["fid_floor"] == pytest.approx(floor, rel=1e-6)
    assert scored["fid_ratio_to_floor"] == pytest.approx(scored["fid"] / floor)
    assert scored["yardstick"]["weights_sha256"] == yardstick.sha256


def _metrics(n: int, fid: float) -> dict:
    return {"n": n, "fid": fid, "fid_floor": 0.5, "fid_ratio_to_floor": fid / 0.5,
            "inception_score": {"mean": 9.0, "std": 0.1}, "inception_score_test": {"mean": 9.4, "std": 0.2},
            "mode_coverage": {"histogram": [0.1] * 10, "counts": [1] * 10, "num_covered": 10,
                              "kl_to_uniform": 0.0, "threshold": 0.05},
            "parzen": None, "yardstick": {"name": "mnist-mlp-x", "architecture": "mlp", "test_accuracy": 0.98,
                                          "shipped": True}}


def test_the_report_leads_with_fid_and_labels_the_ratio():
    rows = [line for line in format_table(_metrics(10_000, 9.15)).splitlines() if line.startswith("| ")][1:]
    assert rows[0].startswith("| FID (n = 10,000)") and "9.150" in rows[0] and "x" not in rows[0].split("|")[2]
    assert rows[1].startswith("| FID / real-vs-real floor at the same n") and "18.30x" in rows[1]


def test_evaluations_are_added_never_overwritten(tmp_path):
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(_metrics(10_000, 5.0)))  # a metrics.json of the older layout
    write_metrics(_metrics(2_000, 6.0), path)
    write_metrics(_metrics(10_000, 4.0), path, weights="raw")
    write_metrics(_metrics(10_000, 3.0), path)
    kept = read_metrics(path)
    assert sorted(kept) == sorted([evaluation_key(10_000, "average"), evaluation_key(2_000, "average"),
                                   evaluation_key(10_000, "raw")])
    assert [e["fid"] for e in kept[evaluation_key(10_000, "average")]] == [5.0, 3.0]
    assert latest_metrics(path, 10_000, "raw")["fid"] == 4.0
    assert latest_metrics(path, 2_000)["fid"] == 6.0


def test_raw_and_average_weights_are_the_checkpoints(averaged_small_run):
    from minigan.gan import load_checkpoint

    state = load_checkpoint(averaged_small_run / "checkpoint.npz")
    raw, _, _ = load_generator(averaged_small_run, "raw")
    average, _, _ = load_generator(averaged_small_run, "average")
    for name, value in raw.state_dict().items():
        np.testing.assert_array_equal(np.asarray(value), state["generator"][name])
        np.testing.assert_array_equal(np.asarray(average.state_dict()[name]),
                                      state["generator_ema"]["module"][name])
    saved = minigan.load(averaged_small_run / "generator.npz")  # generator.npz holds the average, which differs from G
    assert all(np.array_equal(np.asarray(saved[k]), state["generator_ema"]["module"][k]) for k in saved)
    assert any(not np.array_equal(np.asarray(saved[k]), state["generator"][k]) for k in saved)


def test_sample_draws_the_weights_asked_for(averaged_small_run, tmp_path, capsys):
    grids = {}
    for weights in ("raw", "average"):
        target = tmp_path / f"{weights}.npy"
        assert sample.main(["--checkpoint", str(averaged_small_run), "-n", "4", "--npy", str(target), "--weights", weights]) == 0
        grids[weights] = np.load(target)
    assert not np.array_equal(grids["raw"], grids["average"])


def test_raw_weights_without_a_checkpoint_are_refused(averaged_small_run, tmp_path, capsys):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(averaged_small_run, copy)
    (copy / "checkpoint.npz").unlink()
    message = _one_line_error(capsys, [str(copy), "--weights", "raw"])
    assert "weight average" in message and "raw weights were not kept" in message
