"""The per-epoch quality score of a run and the best generator it has made (``--eval-every``).

Every ``eval_every`` epochs (and after the last) the run's sampling generator (the weight
average when there is one) draws ``scorer.n`` images from noise of ``default_rng(SCORE_SEED)``,
the same noise every epoch and apart from the run's own Generator, so that scoring changes
nothing in the training. The scorer (:class:`minigan.metrics.epoch_score.EpochScorer`) gives
their FID against the validation images. When it is the lowest so far, the generator's
state_dict goes to ``best.npz`` (as generator.npz holds the last) and ``best.json`` says which
epoch it is and its score. The best score so far is part of the checkpoint, so a resumed run
keeps its best.npz until a better epoch comes.

At the run's end, when best.npz is not the last epoch's generator, :meth:`BestKeeper.confirm`
scores both again at the scorer's ``confirm_n`` (10,000 for EpochScorer) from the same fixed
noise and keeps the better one: late epochs differ by less than the n = 2,000 score's noise.
best.json records both scores under ``"confirmation"``. The epoch it confirmed at is in the
checkpoint, so a run resumed with more epochs confirms again at its new end, and one resumed
after its end that had not confirmed (stopped during the check) does it then.
"""
from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any, Callable

from minigan.gan.run_files import BEST_INFO_NAME, BEST_NAME, write_json
from minigan.gan.sampling import draw_samples
from minigan.torch_api.serialization import load_arrays, save

__all__ = ["BestKeeper", "confirmation_line", "BEST_NAME", "BEST_INFO_NAME", "SCORE_SEED"]

SCORE_SEED = 20_250  # the noise behind every epoch's score (any fixed seed; not the run's)


class BestKeeper:
    """Scores a generator with ``scorer`` every ``every`` epochs and keeps the best in ``run_dir``.

    ``scorer(samples)`` scores the first ``scorer.n`` samples; a scorer with a ``confirm_n``
    attribute is also called as ``scorer(samples, n=scorer.confirm_n)`` by :meth:`confirm`
    (one without it has no end-of-run check).
    """

    def __init__(self, scorer: Callable[..., dict[str, Any]], every: int, run_dir: Path) -> None:
        self.scorer, self.every, self.run_dir = scorer, int(every), Path(run_dir)
        self.best_fid = math.inf
        self.best_epoch = 0
        self.confirmed_epoch = 0  # the last epoch at which best.npz was checked at confirm_n (0: never)

    def due(self, epoch: int, epochs: int) -> bool:
        """Whether epoch ``epoch`` (1-based) of ``epochs`` is scored."""
        return self.every > 0 and (epoch % self.every == 0 or epoch == epochs)

    def score(self, generator: Any, arch: Any, latent_dim: int) -> dict[str, Any]:
        """The score of ``generator``'s images from the fixed noise (G's mode is restored after)."""
        return self.scorer(draw_samples(generator, arch, latent_dim, self.scorer.n, seed=SCORE_SEED))

    def keep_if_best(self, score: dict[str, Any], generator: Any, epoch: int) -> bool:
        """Write best.npz and best.json when ``score`` beats the best so far; True if it did."""
        if not score["fid"] < self.best_fid:
            return False
        save(generator.state_dict(), self.run_dir / BEST_NAME)
        write_json(self.run_dir / BEST_INFO_NAME, {"epoch": int(epoch), **score})
        self.best_fid, self.best_epoch = float(score["fid"]), int(epoch)
        return True

    def confirm(self, generator: Any, epoch: int, arch: Any, latent_dim: int) -> dict[str, Any] | None:
        """At the run's end (``generator`` is the last epoch's, ``epoch`` that epoch): score best.npz and
        ``generator`` at ``scorer.confirm_n`` from the same noise and keep the better in best.npz.

        Returns {"n", "best_epoch", "best", "last_epoch", "last", "kept_epoch"} (the two scores and
        the epoch best.npz now holds), also written to best.json as ``"confirmation"``; None when
        there is nothing to check (best.npz is the last epoch's, was already checked at this epoch,
        nothing was kept, or the scorer has no ``confirm_n``).
        """
        n = getattr(self.scorer, "confirm_n", None)
        if n is None or self.best_epoch == 0 or self.confirmed_epoch == epoch:
            return None
        self.confirmed_epoch = int(epoch)
        if self.best_epoch == epoch:
            return None
        best_generator = copy.deepcopy(generator)
        best_generator.load_state_dict(load_arrays(self.run_dir / BEST_NAME))
        best = self.scorer(draw_samples(best_generator, arch, latent_dim, n, seed=SCORE_SEED), n=n)
        samples = draw_samples(generator, arch, latent_dim, n, seed=SCORE_SEED)
        last = self.scorer(samples, n=n)
        kept = int(epoch) if last["fid"] < best["fid"] else self.best_epoch
        result = {"n": int(n), "best_epoch": self.best_epoch, "best": best, "last_epoch": int(epoch), "last": last,
                  "kept_epoch": kept}
        info_path = self.run_dir / BEST_INFO_NAME
        if kept == epoch:
            # the first scorer.n samples of the same noise are the per-epoch score's: the last epoch's own score
            score = self.scorer(samples)
            save(generator.state_dict(), self.run_dir / BEST_NAME)
            self.best_fid, self.best_epoch = float(score["fid"]), int(epoch)
            info = {"epoch": int(epoch), **score}
        else:
            info = {key: value for key, value in json.loads(info_path.read_text()).items() if key != "confirmation"}
        write_json(info_path, {**info, "confirmation": result})
        return result

    def state_dict(self) -> dict[str, Any]:
        return {"best_fid": self.best_fid, "best_epoch": self.best_epoch, "confirmed_epoch": self.confirmed_epoch}

    def load_state_dict(self, state: dict[str, Any] | None) -> None:
        """The best so far from a checkpoint (one from before scoring has none: nothing kept yet;
        one from before the end-of-run check has no confirmed epoch: not checked)."""
        if state:
            self.best_fid, self.best_epoch = float(state["best_fid"]), int(state["best_epoch"])
            self.confirmed_epoch = int(state.get("confirmed_epoch", 0))


def confirmation_line(result: dict[str, Any], seconds: float) -> str:
    """The log's one line about :meth:`BestKeeper.confirm`'s ``result``."""
    best, last = result["best"], result["last"]
    now = ("best.npz is now the last epoch's generator" if result["kept_epoch"] == result["last_epoch"]
           else f"best.npz stays epoch {result['best_epoch']}")
    return (f"best checked again at n = {result['n']:,} vs validation: epoch {result['best_epoch']} FID "
            f"{best['fid']:.3f} ({best['fid_ratio_to_floor']:.2f}x the floor), epoch {result['last_epoch']} (last) "
            f"FID {last['fid']:.3f} ({last['fid_ratio_to_floor']:.2f}x); {now} ({seconds:.1f}s)")
