"""GANs on minigan: architectures by name, the loss family, one training step, the training loop,
the files of a run and sampling from one."""
from minigan.gan.config import LR_SCHEDULES, TrainConfig
from minigan.gan.errors import CheckpointError, ConfigError, RunWriteError, TrainingDiverged
from minigan.gan.models import ARCHITECTURES, Architecture, build_models, get_architecture, parameter_count, to_unit
from minigan.gan.objectives import OBJECTIVES, Objective, clip_weights, get_objective, gradient_penalty, r1_penalty
from minigan.gan.run_files import (
    CHECKPOINT_NAME, GENERATOR_NAME, HISTORY_COLUMNS, is_dead_run, is_empty_run_dir, load_checkpoint, remove_dead_run,
    remove_leftovers,
)
from minigan.gan.run_lock import LOCK_NAME, RunLock, RunLocked, lock_holder, lock_run
from minigan.gan.sampling import draw_samples, generate, load_generator
from minigan.gan.step import train_step
from minigan.gan.stop_signals import Interrupted
from minigan.gan.trainer import Trainer

__all__ = [
    "ARCHITECTURES", "Architecture", "build_models", "get_architecture", "to_unit",
    "OBJECTIVES", "Objective", "clip_weights", "get_objective", "gradient_penalty", "r1_penalty",
    "CheckpointError", "ConfigError", "RunWriteError", "Trainer", "TrainConfig", "TrainingDiverged", "generate",
    "load_checkpoint",
    # since the trainer's split
    "LR_SCHEDULES", "parameter_count", "CHECKPOINT_NAME", "GENERATOR_NAME", "HISTORY_COLUMNS", "is_dead_run",
    "remove_dead_run", "draw_samples", "load_generator", "train_step", "Interrupted",
    # since the run lock
    "LOCK_NAME", "RunLock", "RunLocked", "lock_holder", "lock_run", "remove_leftovers", "is_empty_run_dir",
]
