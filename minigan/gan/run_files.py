"""The files of a run directory: their names, the checkpoint format, and the detection and removal
of a dead run (the history files are written by :mod:`minigan.gan.history_files`).

A run lives in one directory::

    config.json          the resolved configuration
    checkpoint.npz       G, the moving average of G's weights (when ``ema`` > 0), D, both optimizers
                         and schedulers, the Generator's state, epoch/step, config and history
                         (rewritten atomically after every epoch, and on Ctrl-C or SIGTERM)
    history.csv/.json    one row per batch: epoch, step, global_step, d_loss, g_loss, d_x, d_g_z,
                         wasserstein, gradient_penalty, r1_penalty, fid, fid_ratio_to_floor
    loss_curves.png      updated every epoch
    samples/epoch_NNN.png  a fixed-noise 8x8 grid every ``sample_every`` epochs
    samples/step_NNNNNNN.png  the same grid every ``sample_every_steps`` global steps, when set
    generator.npz        the sampling generator's state_dict at the end (like the tutorial's
                         ``torch.save(G.state_dict())``): the weight average when ``ema`` > 0, else G
    best.npz, best.json  the same generator at its best per-epoch score so far, and that score
                         (``eval_every`` > 0), checked against the last one at the end (see gan/best.py)

A run that ends before its first checkpoint is dead: nothing in it can be resumed, so
:func:`remove_dead_run` may clear it and a new run may start there. A process killed in the
middle of a write leaves its temporary file (``.checkpoint.npz.tmpPID``); such leftovers and the
lock file (:mod:`minigan.gan.run_lock`) do not make a dead run alive, and
:func:`remove_leftovers` clears them (only call it while holding the run's lock).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

from minigan.gan.config import TrainConfig
from minigan.gan.errors import CheckpointError
from minigan.gan.run_lock import LOCK_NAME
from minigan.paths import atomic_write_bytes
from minigan.torch_api.serialization import load_arrays

__all__ = [
    "CHECKPOINT_NAME", "GENERATOR_NAME", "BEST_NAME", "BEST_INFO_NAME", "CONFIG_NAME", "CHECKPOINT_FORMAT", "CHECKPOINT_VERSION", "HISTORY_COLUMNS",
    "NO_CHECKPOINTS", "load_checkpoint", "is_dead_run", "remove_dead_run", "remove_leftovers", "is_empty_run_dir", "write_json",
]

CHECKPOINT_NAME = "checkpoint.npz"
# What a run trained with --checkpoint-every none says when asked to stop or to resume.
NO_CHECKPOINTS = "this run writes no checkpoint (--checkpoint-every none), so it cannot be resumed"
GENERATOR_NAME = "generator.npz"
CONFIG_NAME = "config.json"
BEST_NAME = "best.npz"  # the sampling generator at the run's best per-epoch score (gan/best.py)
BEST_INFO_NAME = "best.json"  # its epoch and score
CHECKPOINT_FORMAT = "minigan-gan-checkpoint"
CHECKPOINT_VERSION = 1
# wasserstein, gradient_penalty and r1_penalty are empty where the loss has none (see gan/step.py)
# fid and fid_ratio_to_floor: the per-epoch score (gan/best.py), in the epoch's last row, empty elsewhere
HISTORY_COLUMNS = ("epoch", "step", "global_step", "d_loss", "g_loss", "d_x", "d_g_z", "wasserstein",
                   "gradient_penalty", "r1_penalty", "fid", "fid_ratio_to_floor")

# What a run writes besides its checkpoint (samples/ holds epoch_NNN.png).
_RUN_FILES = (CONFIG_NAME, "history.csv", "history.json", "loss_curves.png", GENERATOR_NAME, BEST_NAME, BEST_INFO_NAME)
# The temporary file of a write a kill interrupted (minigan.paths.atomic_path names them so).
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.tmp\d+")
_SAMPLE = re.compile(r"epoch_\d+\.png")


def _is_leftover(entry: Path, in_samples: bool) -> bool:
    match = _LEFTOVER.fullmatch(entry.name)
    if match is None or not entry.is_file() or entry.is_symlink():
        return False
    name = match["name"]
    return bool(_SAMPLE.fullmatch(name)) if in_samples else name in (*_RUN_FILES, CHECKPOINT_NAME)


def remove_leftovers(run_dir: str | os.PathLike) -> list[Path]:
    """Remove the temporary files killed writes left in ``run_dir`` (and its samples/); returns them.

    Call it only while holding the run's lock: a live run's temporary file is a write in progress.
    """
    path = Path(run_dir)
    removed = []
    for directory, in_samples in ((path, False), (path / "samples", True)):
        if not directory.is_dir():
            continue
        for entry in directory.iterdir():
            if _is_leftover(entry, in_samples):
                entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed


# ---------------------------------------------------------------------- checkpoints
def load_checkpoint(run_dir: str | os.PathLike) -> dict[str, Any]:
    """The checkpoint of ``run_dir`` (a run directory or the checkpoint file itself).

    Raises CheckpointError with a one-line reason when it is missing or not a minigan GAN checkpoint.
    """
    path = Path(run_dir)
    if path.is_dir():
        path = path / CHECKPOINT_NAME
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path} (is {run_dir} a minigan.train run directory?)")
    try:
        state = load_arrays(path)
    except Exception as error:  # noqa: BLE001 - any failure to read it is the same user error
        raise CheckpointError(f"cannot read checkpoint {path}: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} is not a minigan GAN training checkpoint")
    if int(state.get("version", -1)) != CHECKPOINT_VERSION:
        raise CheckpointError(f"{path} has checkpoint version {state.get('version')}, this minigan reads {CHECKPOINT_VERSION}")
    return state


# ---------------------------------------------------------------------- dead runs
def _is_run_config(path: Path) -> bool:
    """Whether ``path`` is the config.json a run writes (TrainConfig's fields, nothing else)."""
    try:
        config = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    names = {f.name for f in fields(TrainConfig)}
    # a run from before --checkpoint-every recorded every field but that one
    return isinstance(config, dict) and set(config) in (names, names - {"checkpoint_every"})


def is_dead_run(run_dir: str | os.PathLike) -> bool:
    """True for a run directory that holds a run's files but no checkpoint (a run killed before its
    first checkpoint): nothing in it can be resumed, so starting a new run there loses nothing. A
    finished run without checkpoints (``--checkpoint-every none``) has its generator.npz: not dead.
    Leftover temporary files of killed writes and the lock file count as the run's files."""
    path = Path(run_dir)
    if (not path.is_dir() or (path / CHECKPOINT_NAME).exists() or (path / GENERATOR_NAME).exists()
            or not _is_run_config(path / CONFIG_NAME)):
        return False
    for entry in path.iterdir():
        if entry.name == "samples" and entry.is_dir():
            if any(not ((p.is_file() and _SAMPLE.fullmatch(p.name)) or _is_leftover(p, True)) for p in entry.iterdir()):
                return False
        elif entry.name not in (*_RUN_FILES, LOCK_NAME) and not _is_leftover(entry, False):
            return False
    return True


def is_empty_run_dir(run_dir: str | os.PathLike) -> bool:
    """Whether ``run_dir`` holds nothing but (perhaps) its lock file."""
    return all(entry.name == LOCK_NAME for entry in Path(run_dir).iterdir())


def remove_dead_run(run_dir: str | os.PathLike, remove_directory: bool = False) -> None:
    """Remove the files a run wrote in ``run_dir`` (and the directory itself, if asked and empty).

    Only a run's own file names are touched (with the leftovers of killed writes, but never the
    lock file, which its holder removes), so anything else in the directory survives.
    """
    path = Path(run_dir)
    remove_leftovers(path)
    samples = path / "samples"
    if samples.is_dir():
        for picture in [*samples.glob("epoch_*.png"), *samples.glob("step_*.png")]:
            picture.unlink(missing_ok=True)
    for name in _RUN_FILES:
        (path / name).unlink(missing_ok=True)
    for directory in (samples, path) if remove_directory else (samples,):
        try:
            directory.rmdir()
        except OSError:  # not empty (someone else's file) or already gone: leave it
            pass


# ---------------------------------------------------------------------- config
def write_json(path: Path, payload: Any, indent: int | None = 1) -> None:
    """``payload`` as JSON in ``path``, atomically (NaN and infinity allowed)."""
    atomic_write_bytes(path, (json.dumps(payload, indent=indent, allow_nan=True) + "\n").encode())
