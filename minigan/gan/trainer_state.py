"""What a run's checkpoint holds: the trainer's state, written by :meth:`Trainer.state_dict`,
restored by :meth:`Trainer.resume`, and the check that a resumed run keeps its configuration.

The checkpoint (``checkpoint.npz``, see :mod:`minigan.gan.run_files`) holds G, the weight
average, D, both optimizers and schedulers, the run's Generator (now and at the start of the
current epoch, from which a resumed run replays the epoch's shuffle), the fixed noise, the
epoch/step counters, the history and the per-epoch score's best so far.
"""
from __future__ import annotations

import copy
import os
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from minigan import optim
from minigan.gan.config import TrainConfig
from minigan.gan.errors import CheckpointError
from minigan.gan.run_files import CHECKPOINT_FORMAT, CHECKPOINT_VERSION, HISTORY_COLUMNS, load_checkpoint

if TYPE_CHECKING:
    from minigan.gan.trainer import Trainer

__all__ = ["rng_state", "RESUME_CHANGEABLE", "resumed_config", "trainer_state", "load_trainer_state"]

# what a resumed run may change; anything else must be as the checkpoint's config has it
RESUME_CHANGEABLE = ("epochs", "log_every", "sample_every", "sample_every_steps", "data_dir", "eval_every")


def rng_state(rng: np.random.Generator) -> dict:
    """A copy of ``rng``'s state (``rng.bit_generator.state = it`` restores it)."""
    return copy.deepcopy(rng.bit_generator.state)


def resumed_config(run_dir: str | os.PathLike, overrides: Mapping[str, Any] | None) -> tuple[TrainConfig, dict[str, Any]]:
    """The config and the state of the checkpoint in ``run_dir``, with ``overrides`` applied.

    ``overrides`` may change the settings in RESUME_CHANGEABLE (None: keep); any other setting
    that differs from the checkpoint's raises CheckpointError (resuming must continue the same run).
    """
    state = load_checkpoint(run_dir)
    if not isinstance(state.get("config"), dict):
        raise CheckpointError(f"the checkpoint in {run_dir} has no config saying how the run was set up")
    try:
        config = TrainConfig.from_dict(dict(state["config"]))
    except (TypeError, ValueError, KeyError) as error:
        raise CheckpointError(f"the checkpoint in {run_dir} has an unreadable config: {error}") from None
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        current = getattr(config, key)
        if current is None and key in ("g_hidden", "d_hidden"):  # recorded before widths were a setting
            current = getattr(config.resolve(), key)
        if key in RESUME_CHANGEABLE:
            setattr(config, key, value)
        elif (tuple(value) if isinstance(value, (list, tuple)) else value) != current:
            what = "architecture" if key == "arch" else key.replace("_", "-")
            raise CheckpointError(
                f"the checkpoint in {run_dir} is from a run with {what} {current!r}, not {value!r}; "
                "a resumed run keeps its configuration")
    return config, state


def trainer_state(trainer: "Trainer") -> dict[str, Any]:
    """Everything a resumed run needs, as minigan.save can write it."""
    return {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "arch": trainer.config.arch,
        "config": trainer.config.to_dict(),
        "generator": trainer.generator.state_dict(),
        "generator_ema": None if trainer.generator_average is None else trainer.generator_average.state_dict(),
        "discriminator": trainer.discriminator.state_dict(),
        "opt_g": trainer.opt_g.state_dict(),
        "opt_d": trainer.opt_d.state_dict(),
        "sched_g": None if trainer.sched_g is None else trainer.sched_g.state_dict(),
        "sched_d": None if trainer.sched_d is None else trainer.sched_d.state_dict(),
        "rng": rng_state(trainer.rng),
        "epoch_rng": copy.deepcopy(trainer.epoch_rng_state),
        "fixed_noise": trainer.fixed_noise,
        "epoch": trainer.epoch,
        "batch_in_epoch": trainer.batch_in_epoch,
        "global_step": trainer.global_step,
        "last_g_loss": trainer.last_g_loss,
        "elapsed": trainer.elapsed,
        "history": {key: np.asarray(values, dtype=np.float64) for key, values in trainer.history.items()},
        "best": None if trainer.best is None else trainer.best.state_dict(),
    }


def load_trainer_state(trainer: "Trainer", state: dict[str, Any]) -> None:
    """Restore ``trainer`` (built from the checkpoint's config) to ``state``; CheckpointError if it does not fit."""
    try:
        trainer.generator.load_state_dict(state["generator"])
        trainer.discriminator.load_state_dict(state["discriminator"])
        trainer.opt_g.load_state_dict(state["opt_g"])
        trainer.opt_d.load_state_dict(state["opt_d"])
        if trainer.sched_g is not None:
            trainer.sched_g.load_state_dict(state["sched_g"])
            trainer.sched_d.load_state_dict(state["sched_d"])
        if trainer.generator_average is not None:
            if state.get("generator_ema") is not None:
                trainer.generator_average.load_state_dict(state["generator_ema"])
            else:  # a checkpoint from before the average existed: start it from G's weights
                trainer.generator_average = optim.ExponentialMovingAverage(trainer.generator, trainer.config.ema)
        trainer.rng.bit_generator.state = state["rng"]
        trainer.epoch_rng_state = state["epoch_rng"]
        trainer.fixed_noise = np.asarray(state["fixed_noise"], dtype=np.float32)
        trainer.epoch = int(state["epoch"])
        trainer.batch_in_epoch = int(state["batch_in_epoch"])
        trainer.global_step = int(state["global_step"])
        trainer.last_g_loss = float(state["last_g_loss"])
        trainer.elapsed = float(state.get("elapsed", 0.0))
        if trainer.best is not None:
            trainer.best.load_state_dict(state.get("best"))
        history = state["history"]
        steps = len(np.asarray(history["global_step"]))  # columns added later are NaN in older checkpoints
        trainer.history = {key: [float(v) for v in np.asarray(history[key]).tolist()] if key in history
                           else [float("nan")] * steps for key in HISTORY_COLUMNS}
    except (KeyError, ValueError, TypeError, RuntimeError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CheckpointError(
            f"the checkpoint in {trainer.run_dir} does not fit architecture {trainer.config.arch!r}: {message}") from None
    if trainer.fixed_noise.shape != (64, trainer.config.latent_dim):
        raise CheckpointError(f"the checkpoint in {trainer.run_dir} has fixed noise of shape {trainer.fixed_noise.shape}")
