"""The per-epoch score (--eval-every), best.npz and --which: the score against minigan.evaluate's
FID on the same samples, best.npz holding the best-scored generator, resume keeping it."""
import copy
import io
import json

import numpy as np
import pytest

from minigan import evaluate as evaluate_cli
from minigan import sample as sample_cli
from minigan import train as train_cli
from minigan.gan import TrainConfig, Trainer
from minigan.gan.best import SCORE_SEED
from minigan.gan.sampling import draw_samples, load_generator
from minigan.torch_api.serialization import load

# The per-epoch score is FID against the validation images, minigan.evaluate's against the test
# images: on the same samples they differ by the two reference sets, measured at up to 0.18 on
# real images (FID ~ 1) and 0.1% at FID 40-140 (docs/sweeps.md). The stated spread:
ABS_SPREAD, REL_SPREAD = 0.25, 0.01


class ScriptedScorer:
    """Stands in for EpochScorer with given FIDs, one per scored epoch (the keeping logic is
    under test here; test_the_score_matches_evaluate tests the real score)."""

    n = 64

    def __init__(self, fids):
        self.fids = list(fids)
        self.seen = []

    def __call__(self, samples):
        self.seen.append(np.array(samples[:self.n]))
        fid = self.fids.pop(0)
        return {"n": self.n, "fid": fid, "fid_floor": 1.0, "fid_ratio_to_floor": fid}


def _config(**changes):
    values = dict(arch="tiny", batch_size=16, epochs=3, latent_dim=4, ema=0.9, log_every=1000)
    values.update(changes)
    return TrainConfig(**values)


IMAGES = np.random.default_rng(7).integers(0, 256, (32, 28, 28), dtype=np.uint8)


def _average_at_epoch_ends(trainer):
    states = {}
    # deep copies: a state_dict shares the weights' memory, which the next steps change
    trainer.on_step.append(lambda t, row: states.__setitem__(t.epoch + 1, copy.deepcopy(t.sampling_generator.state_dict()))
                           if t.batch_in_epoch == t.steps_per_epoch else None)
    return states


def test_best_npz_holds_the_best_scored_generator(tmp_path):
    trainer = Trainer.create(_config(), tmp_path / "run", IMAGES, verbose=False, scorer=ScriptedScorer([3.0, 1.0, 2.0]))
    states = _average_at_epoch_ends(trainer)
    trainer.fit()
    best = load(tmp_path / "run" / "best.npz")
    assert set(best) == set(states[2])
    for key, value in states[2].items():
        np.testing.assert_array_equal(best[key], value, err_msg=key)
    assert not all(np.array_equal(states[2][k], states[3][k]) for k in states[3])  # the last differs
    info = json.loads((tmp_path / "run" / "best.json").read_text())
    assert info["epoch"] == 2 and info["fid"] == 1.0
    fids = np.asarray(trainer.history["fid"])
    assert list(fids[np.isfinite(fids)]) == [3.0, 1.0, 2.0]  # in each epoch's last row of the history
    assert np.isfinite(fids).sum() == 3 and np.isfinite(fids[1::2]).all()  # 2 steps an epoch: rows 2, 4, 6


def test_the_score_draws_from_its_own_noise_and_changes_no_loss(tmp_path):
    scorer = ScriptedScorer([1.0, 1.0, 1.0])
    scored = Trainer.create(_config(), tmp_path / "a", IMAGES, verbose=False, scorer=scorer)
    scored.fit()
    plain = Trainer.create(_config(), tmp_path / "b", IMAGES, verbose=False)
    plain.fit()
    np.testing.assert_array_equal(scored.history["d_loss"], plain.history["d_loss"])
    assert not (tmp_path / "b" / "best.npz").exists()
    # the samples it scored at the end: the average's images from default_rng(SCORE_SEED)
    expected = draw_samples(scored.sampling_generator, scored.arch, 4, ScriptedScorer.n, seed=SCORE_SEED)
    np.testing.assert_allclose(scorer.seen[-1], expected, rtol=1e-5, atol=1e-6)  # kernels may differ by rounding


def test_resume_keeps_the_best_so_far(tmp_path):
    config = _config(epochs=4)
    stopped = Trainer.create(config, tmp_path / "run", IMAGES, verbose=False, scorer=ScriptedScorer([2.0, 1.0]))
    states = _average_at_epoch_ends(stopped)
    stopped.on_step.append(lambda t, row: t.request_stop() if t.global_step == 5 else None)
    with pytest.raises(KeyboardInterrupt):
        stopped.fit()
    kept = load(tmp_path / "run" / "best.npz")
    # epochs 3 and 4 score worse than epoch 2's 1.0: best.npz stays
    resumed = Trainer.resume(tmp_path / "run", IMAGES, verbose=False, scorer=ScriptedScorer([1.5, 1.2]))
    assert resumed.best.best_fid == 1.0 and resumed.best.best_epoch == 2
    resumed.fit()
    after = load(tmp_path / "run" / "best.npz")
    for key, value in states[2].items():
        np.testing.assert_array_equal(kept[key], value)
        np.testing.assert_array_equal(after[key], value)
    assert json.loads((tmp_path / "run" / "best.json").read_text())["epoch"] == 2
    # a better epoch after the resume replaces it
    again = Trainer.resume(tmp_path / "run", IMAGES, verbose=False, overrides={"epochs": 5},
                           scorer=ScriptedScorer([0.5]))
    again.fit()
    assert json.loads((tmp_path / "run" / "best.json").read_text())["epoch"] == 5


class ConfirmingScorer(ScriptedScorer):
    """A ScriptedScorer with the end-of-run check: calls at n = confirm_n give ``confirm_fids`` in
    turn (best.npz's, then the last generator's)."""

    confirm_n = 128

    def __init__(self, fids, confirm_fids):
        super().__init__(fids)
        self.confirm_fids = list(confirm_fids)
        self.confirm_seen = []

    def __call__(self, samples, n=None):
        if n is None:
            return super().__call__(samples)
        assert n == self.confirm_n and len(samples) == n
        self.confirm_seen.append(np.array(samples))
        fid = self.confirm_fids.pop(0)
        return {"n": n, "fid": fid, "fid_floor": 1.0, "fid_ratio_to_floor": fid}


def _assert_state(path, state):
    kept = load(path)
    assert set(kept) == set(state)
    for key, value in state.items():
        np.testing.assert_array_equal(kept[key], value, err_msg=key)


def test_the_end_of_run_check_replaces_best_when_the_last_is_better_at_the_larger_n(tmp_path):
    # epoch 2 is best at n = 64 (1.0 < 2.0); at n = 128 the last epoch is better (1.2 < 1.5)
    # the fourth per-epoch value is the last epoch's score again, from the first 64 of its 128 samples
    scorer = ConfirmingScorer([3.0, 1.0, 2.0, 2.0], [1.5, 1.2])
    log = io.StringIO()
    trainer = Trainer.create(_config(), tmp_path / "run", IMAGES, stream=log, scorer=scorer)
    states = _average_at_epoch_ends(trainer)
    trainer.fit()
    assert scorer.fids == [] and scorer.confirm_fids == []
    # both from the same fixed noise: epoch 2's weights, then the last ones
    best_then = copy.deepcopy(trainer.sampling_generator)
    best_then.load_state_dict(states[2])
    for seen, generator in zip(scorer.confirm_seen, (best_then, trainer.sampling_generator)):
        expected = draw_samples(generator, trainer.arch, 4, ConfirmingScorer.confirm_n, seed=SCORE_SEED)
        np.testing.assert_allclose(seen, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(scorer.seen[-1], scorer.confirm_seen[1][:ScriptedScorer.n])
    _assert_state(tmp_path / "run" / "best.npz", states[3])
    info = json.loads((tmp_path / "run" / "best.json").read_text())
    assert info["epoch"] == 3 and info["fid"] == 2.0 and info["n"] == 64
    check = info["confirmation"]
    assert (check["n"], check["best_epoch"], check["last_epoch"], check["kept_epoch"]) == (128, 2, 3, 3)
    assert (check["best"]["fid"], check["last"]["fid"]) == (1.5, 1.2)
    lines = [line for line in log.getvalue().splitlines() if "best checked again" in line]
    assert len(lines) == 1 and "n = 128" in lines[0] and "epoch 2 FID 1.500" in lines[0]
    assert "epoch 3 (last) FID 1.200" in lines[0] and "best.npz is now the last epoch's generator" in lines[0]
    # the checkpoint records the new best and that the end was checked
    state = load(tmp_path / "run" / "checkpoint.npz")["best"]
    assert (float(state["best_fid"]), int(state["best_epoch"]), int(state["confirmed_epoch"])) == (2.0, 3, 3)


def test_the_end_of_run_check_keeps_best_when_it_stays_better(tmp_path):
    scorer = ConfirmingScorer([3.0, 1.0, 2.0], [1.1, 1.2])
    trainer = Trainer.create(_config(), tmp_path / "run", IMAGES, verbose=False, scorer=scorer)
    states = _average_at_epoch_ends(trainer)
    trainer.fit()
    assert scorer.confirm_fids == [] and len(scorer.confirm_seen) == 2
    _assert_state(tmp_path / "run" / "best.npz", states[2])
    info = json.loads((tmp_path / "run" / "best.json").read_text())
    assert info["epoch"] == 2 and info["fid"] == 1.0
    assert info["confirmation"]["kept_epoch"] == 2 and info["confirmation"]["last"]["fid"] == 1.2


def test_the_end_of_run_check_is_skipped_when_best_is_the_last(tmp_path):
    scorer = ConfirmingScorer([3.0, 2.0, 1.0], [])
    log = io.StringIO()
    Trainer.create(_config(), tmp_path / "run", IMAGES, stream=log, scorer=scorer).fit()
    assert scorer.confirm_seen == []
    info = json.loads((tmp_path / "run" / "best.json").read_text())
    assert info["epoch"] == 3 and "confirmation" not in info
    assert "best checked again" not in log.getvalue()


def test_a_resumed_run_checks_again_at_its_new_end(tmp_path):
    run = tmp_path / "run"
    # a run that ended without the check (its scorer had none, as a run from before it): checked on resume
    Trainer.create(_config(), run, IMAGES, verbose=False, scorer=ScriptedScorer([3.0, 1.0, 2.0])).fit()
    assert "confirmation" not in json.loads((run / "best.json").read_text())
    after_end = ConfirmingScorer([], [1.1, 1.2])
    Trainer.resume(run, IMAGES, verbose=False, scorer=after_end).fit()
    assert after_end.confirm_fids == []
    assert json.loads((run / "best.json").read_text())["confirmation"]["last_epoch"] == 3
    # checked once: resumed again at the same end, nothing is scored
    Trainer.resume(run, IMAGES, verbose=False, scorer=ConfirmingScorer([], [])).fit()
    # resumed with more epochs: epoch 4 (1.5) does not beat epoch 2 at n = 64, but does at n = 128
    longer = ConfirmingScorer([1.5, 1.5], [1.3, 1.0])
    resumed = Trainer.resume(run, IMAGES, verbose=False, overrides={"epochs": 4}, scorer=longer)
    resumed.fit()
    assert longer.fids == [] and longer.confirm_fids == []
    info = json.loads((run / "best.json").read_text())
    assert info["epoch"] == 4 and info["confirmation"]["best_epoch"] == 2 and info["confirmation"]["last_epoch"] == 4
    _assert_state(run / "best.npz", resumed.sampling_generator.state_dict())


@pytest.mark.mnist
def test_the_score_at_the_check_n_is_the_fid_of_that_many_samples():
    """EpochScorer(samples, n=confirm_n): FID of the first confirm_n samples against the validation
    statistics, with the floor measured at that n."""
    from minigan.data import load_mnist
    from minigan.metrics.epoch_score import CONFIRM_N, EpochScorer
    from minigan.metrics.fid import feature_statistics, frechet_distance
    from minigan.metrics.yardstick import floor_images

    data = load_mnist(verbose=False)
    scorer = EpochScorer(data)
    assert scorer.confirm_n == CONFIRM_N == 10_000
    train = data.flat("train")
    images = train[np.random.default_rng(2).choice(len(train), 10_000, replace=False)]
    features = scorer.yardstick.classifier.features
    val = feature_statistics(features(data.flat("val")))
    expected = float(frechet_distance(*feature_statistics(features(images)), *val))
    floor = float(frechet_distance(*feature_statistics(features(floor_images(data, 10_000))), *val))
    score = scorer(images, n=10_000)
    assert score["n"] == 10_000
    assert score["fid"] == pytest.approx(expected, rel=1e-9) and score["fid_floor"] == pytest.approx(floor, rel=1e-9)
    assert scorer(images)["fid_floor"] == scorer.floor != score["fid_floor"]  # n = 2,000 keeps its own floor


@pytest.mark.mnist
def test_the_score_matches_evaluate_on_the_same_samples():
    """EpochScorer's FID (validation statistics) against protocol.score_samples' (test statistics,
    what minigan.evaluate prints) on the same 2,000 images, within the stated spread."""
    from minigan.data import load_mnist
    from minigan.metrics.epoch_score import EpochScorer
    from minigan.metrics.protocol import score_samples

    data = load_mnist(verbose=False)
    scorer = EpochScorer(data)
    rng = np.random.default_rng(1)
    train = data.flat("train")
    for sigma in (0.0, 0.1, 0.3):
        images = train[rng.choice(len(train), 2000, replace=False)]
        images = np.clip(images + sigma * rng.standard_normal(images.shape), 0, 1).astype(np.float32)
        ours, evaluated = scorer(images), score_samples(images, 2000)
        assert abs(ours["fid"] - evaluated["fid"]) <= ABS_SPREAD + REL_SPREAD * evaluated["fid"]
        assert ours["fid_floor"] == pytest.approx(evaluated["fid_floor"], abs=ABS_SPREAD)


@pytest.mark.mnist  # minigan.evaluate scores against the real test set
def test_the_cli_scores_keeps_best_and_samples_and_evaluates_it(small_train_args, tmp_path, capsys):
    """--eval-every 1 on the synthetic data: the log's score, best.npz, and --which in sample and evaluate."""
    out = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--epochs", "2", "--out", str(out), "--eval-every", "1"]) == 0
    log = capsys.readouterr().out
    assert "FID " in log and "n = 2,000 vs validation" in log and (out / "best.npz").exists()
    info = json.loads((out / "best.json").read_text())
    best_epoch = info["epoch"]
    # the end-of-run check ran when epoch 1 was best at n = 2,000, and not when epoch 2 was
    assert ("best checked again at n = 10,000 vs validation" in log) == ("confirmation" in info)
    assert "confirmation" not in info or (info["confirmation"]["n"], info["confirmation"]["best_epoch"]) == (10_000, 1)
    generator, _, _ = load_generator(out)  # best by default
    for key, value in load(out / "best.npz").items():
        np.testing.assert_array_equal(generator.state_dict()[key], value)
    assert sample_cli.main(["--checkpoint", str(out), "--which", "last", "-n", "4", "--out", str(tmp_path / "s.npy")]) == 0
    assert sample_cli.main(["--checkpoint", str(out), "--which", "best", "--weights", "raw", "-n", "4",
                            "--out", str(tmp_path / "t.npy")]) == 2
    assert "use --which last with --weights raw" in capsys.readouterr().err
    assert best_epoch in (1, 2)
    assert evaluate_cli.main([str(out), "--n", "2000", "--no-parzen"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert any("weights=best" in key for key in metrics["evaluations"])
    # export writes the best generator by default, and the last with --which last
    pytest.importorskip("safetensors", reason="the safetensors extra: pip install -e '.[safetensors]'")
    from minigan import export as export_cli
    assert export_cli.main([str(out), "--out", str(tmp_path / "best.safetensors")]) == 0
    assert export_cli.main([str(out), "--which", "last", "--out", str(tmp_path / "last.safetensors")]) == 0
    exported_best, exported_last = load(tmp_path / "best.safetensors"), load(tmp_path / "last.safetensors")
    last, _, _ = load_generator(out, which="last")
    for key, value in load(out / "best.npz").items():
        np.testing.assert_array_equal(exported_best[key].numpy(), value)
        np.testing.assert_array_equal(exported_last[key].numpy(), last.state_dict()[key])
