"""The errors the GAN layer raises, each with a one-line message fit for a command line."""
from __future__ import annotations

__all__ = ["ConfigError", "CheckpointError", "TrainingDiverged", "RunWriteError"]


class ConfigError(ValueError):
    """A configuration value that cannot be trained with."""


class CheckpointError(ValueError):
    """A run directory that cannot be resumed (no checkpoint, a corrupt one, another net)."""


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; the message names the step and the last good checkpoint."""


class RunWriteError(RuntimeError):
    """A file of the run could not be written (disk full, permissions); the message says what is kept."""
