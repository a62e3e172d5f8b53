"""``--tensorboard DIR``: a run's scalars and sample grids as TensorBoard event files.

Written through tensorboardX (the optional extra ``pip install 'minigan[tensorboard]'``), which
writes the event files in pure Python without TensorFlow or PyTorch; ``tensorboard --logdir DIR``
shows them. The scalars are history.csv's columns, one point per step (a column that is empty
for a step, such as g_loss between G steps, is left out); the images are the fixed-noise grids
the run writes into samples/, under the tag ``samples`` at their global step.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from minigan.gan.run_files import HISTORY_COLUMNS

__all__ = ["TensorBoardLogger", "TensorBoardMissing", "INSTALL_HINT"]

INSTALL_HINT = "pip install 'minigan[tensorboard]' (or pip install tensorboardX)"
_COUNTERS = ("epoch", "step", "global_step")


class TensorBoardMissing(ImportError):
    """tensorboardX is not installed (the message says how to install it)."""


class TensorBoardLogger:
    """Hooks for :class:`minigan.gan.Trainer`: ``on_step``, ``on_epoch`` and ``on_samples`` for
    its lists of the same names. :meth:`close` flushes the files."""

    def __init__(self, logdir: str | Path) -> None:
        try:
            from tensorboardX import SummaryWriter
        except ImportError:
            raise TensorBoardMissing(f"--tensorboard needs tensorboardX, which is not installed: {INSTALL_HINT}") from None
        self.writer = SummaryWriter(logdir=str(logdir))

    def on_step(self, trainer: Any, row: dict[str, float]) -> None:
        step = int(row["global_step"])
        for key in HISTORY_COLUMNS:
            if key not in _COUNTERS and key in row and math.isfinite(float(row[key])):
                self.writer.add_scalar(key, float(row[key]), step)

    def on_epoch(self, trainer: Any, epoch: int) -> None:
        """The epoch's score (fid, fid_ratio_to_floor), when it was scored, at its last global step."""
        for key in ("fid", "fid_ratio_to_floor"):
            value = trainer.history[key][-1] if trainer.history[key] else math.nan
            if math.isfinite(value):
                self.writer.add_scalar(key, float(value), trainer.global_step)

    def on_samples(self, trainer: Any, images: np.ndarray, name: str) -> None:
        from minigan.viz import image_grid

        grid = np.clip(image_grid(images, nrow=8), 0.0, 1.0).astype(np.float32)
        self.writer.add_image("samples", grid[None], trainer.global_step, dataformats="CHW")

    def close(self) -> None:
        self.writer.close()
