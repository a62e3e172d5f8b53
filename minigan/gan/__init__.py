"""GANs on minigan: architectures by name, the loss family, and the training loop."""
from minigan.gan.models import ARCHITECTURES, Architecture, build_models, get_architecture, to_unit
from minigan.gan.objectives import OBJECTIVES, Objective, clip_weights, get_objective, gradient_penalty, r1_penalty
from minigan.gan.trainer import (
    CheckpointError, ConfigError, RunWriteError, Trainer, TrainConfig, TrainingDiverged, generate, load_checkpoint,
)

__all__ = [
    "ARCHITECTURES", "Architecture", "build_models", "get_architecture", "to_unit",
    "OBJECTIVES", "Objective", "clip_weights", "get_objective", "gradient_penalty", "r1_penalty",
    "CheckpointError", "ConfigError", "RunWriteError", "Trainer", "TrainConfig", "TrainingDiverged", "generate",
    "load_checkpoint",
]
