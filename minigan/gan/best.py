"""The per-epoch quality score of a run and the best generator it has made (``--eval-every``).

Every ``eval_every`` epochs (and after the last) the run's sampling generator (the weight
average when there is one) draws ``scorer.n`` images from noise of ``default_rng(SCORE_SEED)``,
the same noise every epoch and apart from the run's own Generator, so that scoring changes
nothing in the training. The scorer (:class:`minigan.metrics.epoch_score.EpochScorer`) gives
their FID against the validation images. When it is the lowest so far, the generator's
state_dict goes to ``best.npz`` (as generator.npz holds the last) and ``best.json`` says which
epoch it is and its score. The best score so far is part of the checkpoint, so a resumed run
keeps its best.npz until a better epoch comes.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

from minigan.gan.run_files import BEST_INFO_NAME, BEST_NAME, write_json
from minigan.gan.sampling import draw_samples
from minigan.torch_api.serialization import save

__all__ = ["BestKeeper", "BEST_NAME", "BEST_INFO_NAME", "SCORE_SEED"]

SCORE_SEED = 20_250  # the noise behind every epoch's score (any fixed seed; not the run's)


class BestKeeper:
    """Scores a generator with ``scorer`` every ``every`` epochs and keeps the best in ``run_dir``."""

    def __init__(self, scorer: Callable[[Any], dict[str, Any]], every: int, run_dir: Path) -> None:
        self.scorer, self.every, self.run_dir = scorer, int(every), Path(run_dir)
        self.best_fid = math.inf
        self.best_epoch = 0

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

    def state_dict(self) -> dict[str, Any]:
        return {"best_fid": self.best_fid, "best_epoch": self.best_epoch}

    def load_state_dict(self, state: dict[str, Any] | None) -> None:
        """The best so far from a checkpoint (one from before scoring has none: nothing kept yet)."""
        if state:
            self.best_fid, self.best_epoch = float(state["best_fid"]), int(state["best_epoch"])
