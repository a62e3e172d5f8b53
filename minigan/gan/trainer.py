"""The GAN training loop: D step(s) then a G step, logging, pictures, checkpoints and resume.

A run lives in one directory::

    config.json          the resolved configuration
    checkpoint.npz       G, the moving average of G's weights (when ``ema`` > 0), D, both optimizers
                         and schedulers, the Generator's state, epoch/step, config and history
                         (rewritten atomically after every epoch, and on Ctrl-C or SIGTERM)
    history.csv/.json    one row per batch: epoch, step, global_step, d_loss, g_loss, d_x, d_g_z
    loss_curves.png      updated every epoch
    samples/epoch_NNN.png  a fixed-noise 8x8 grid every ``sample_every`` epochs
    generator.npz        the sampling generator's state_dict at the end (like the tutorial's
                         ``torch.save(G.state_dict())``): the weight average when ``ema`` > 0, else G

Randomness: ONE ``np.random.Generator`` per run, seeded from ``seed`` and installed as
minigan's default generator, draws the initial weights, the fixed noise, every epoch's
shuffle, every batch of noise, dropout masks and WGAN-GP's interpolation weights. Its
``bit_generator.state`` is checkpointed, together with its state at the start of the current
epoch (from which the epoch's shuffle is replayed when resuming mid-epoch), so a resumed run
produces bit for bit the losses of an uninterrupted one.

Steps: every batch is one D (critic) step; every ``n_critic``-th batch (counted over the whole
run) is followed by a G step that reuses the batch's generated images (the D step saw them
detached). So with ``n_critic = 5`` each generator step has seen five real batches, as in WGAN.

No dead runs: a run that ends (diverged, interrupted mid-step, a failed write) before its first
checkpoint removes the files it wrote, so its directory can be used again; SIGINT and SIGTERM
between batches always save a checkpoint first. The checkpoint is written before the history
files, so history.csv never runs ahead of what a resumed run continues from.
"""
from __future__ import annotations

import copy
import csv
import io
import json
import math
import os
import signal
import sys
import time
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

import numpy as np

import minigan
from minigan import Tensor, backends, nn, no_grad, optim
from minigan.backends import check_device, to_numpy
from minigan.nn.layers import fused_activations
from minigan import random as mrandom
from minigan.gan.models import Architecture, build_models, get_architecture, to_unit
from minigan.gan.objectives import Objective, clip_weights, get_objective, gradient_penalty, r1_penalty
from minigan.paths import atomic_write_bytes
from minigan.signals import Interrupted, handling_stop_signals

__all__ = [
    "TrainConfig", "Trainer", "TrainingDiverged", "CheckpointError", "ConfigError", "RunWriteError",
    "CHECKPOINT_NAME", "HISTORY_COLUMNS", "load_checkpoint", "LR_SCHEDULES", "is_dead_run", "remove_dead_run",
]

CHECKPOINT_NAME = "checkpoint.npz"
GENERATOR_NAME = "generator.npz"
CHECKPOINT_FORMAT = "minigan-gan-checkpoint"
CHECKPOINT_VERSION = 1
HISTORY_COLUMNS = ("epoch", "step", "global_step", "d_loss", "g_loss", "d_x", "d_g_z")
LR_SCHEDULES = ("none", "exponential", "cosine", "cyclic")
GAN_FAMILY = ("bce", "bce-logits", "minimax", "lsgan", "hinge")
# A run on the CPU trains its first steps on the NumPy reference kernels while a thread loads
# Numba's (about a second), so training starts at once. The switch comes at this global step
# whatever the timing, so the same seed still gives the same losses, resumed or not.
REFERENCE_KERNEL_STEPS = 10


class ConfigError(ValueError):
    """A configuration value that cannot be trained with."""


class CheckpointError(ValueError):
    """A run directory that cannot be resumed (no checkpoint, a corrupt one, another net)."""


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; the message names the step and the last good checkpoint."""


class RunWriteError(RuntimeError):
    """A file of the run could not be written (disk full, permissions); the message says what is kept."""


@dataclass
class TrainConfig:
    """Everything that defines a run. ``None`` means "the recommended value" (see :meth:`resolve`)."""

    epochs: int | None = None
    batch_size: int | None = None
    lr: float | None = None
    betas: tuple[float, float] | None = None
    latent_dim: int = 100
    arch: str = "default"
    loss: str | None = None  # None: the architecture's (Architecture.defaults["loss"]), else "bce"
    n_critic: int | None = None
    clip: float | None = None
    gp_lambda: float | None = None
    r1_gamma: float | None = None  # weight of the R1 penalty on D (0: none); None: the architecture's
    lr_schedule: str | None = None
    real_label: float | None = None
    optimizer: str | None = None
    ema: float | None = None  # decay of the moving average of G's weights; 0 = no average
    seed: int = 0
    dataset: str = "mnist"
    data_dir: str | None = None
    log_every: int = 100
    sample_every: int = 1
    device: str = "cpu"

    def resolve(self) -> "TrainConfig":
        """A copy with every ``None`` filled in and every value checked (ConfigError otherwise).

        Order: an explicit value, then the architecture's run defaults (for the GAN-family
        losses), then the objective's recommended settings, then the global defaults.
        """
        try:
            arch = get_architecture(self.arch)
            loss = self.loss if self.loss is not None else arch.defaults.get("loss", "bce")
            objective = get_objective(loss)
        except ValueError as error:
            raise ConfigError(str(error)) from None
        rec = objective.recommended()
        family = loss in GAN_FAMILY
        arch_defaults = dict(arch.defaults) if family else {}
        if family and arch.betas is not None:
            arch_defaults.setdefault("betas", arch.betas)
        out = replace(self, loss=loss)

        def pick(name: str, fallback: Any) -> Any:
            value = getattr(self, name)
            if value is not None:
                return value
            if name in arch_defaults:
                return arch_defaults[name]
            if name in rec and rec[name] is not None:
                return rec[name]
            return fallback

        out.epochs = pick("epochs", arch.defaults.get("epochs", 30))
        out.batch_size = pick("batch_size", arch.defaults.get("batch_size", 64))
        out.lr = float(pick("lr", 2e-4))
        out.betas = tuple(float(b) for b in pick("betas", (0.5, 0.999)))
        out.optimizer = pick("optimizer", "adam")
        out.n_critic = pick("n_critic", 1)
        out.clip = pick("clip", None) if loss == "wgan" else self.clip
        out.gp_lambda = pick("gp_lambda", None) if loss == "wgan-gp" else self.gp_lambda
        out.lr_schedule = pick("lr_schedule", "none")
        out.r1_gamma = float(pick("r1_gamma", 0.0))
        # The weight average belongs to the net's sampling, not to the objective: every loss gets it.
        out.ema = float(self.ema if self.ema is not None else arch.defaults.get("ema", 0.0))
        out.real_label = float(pick("real_label", 1.0)) if loss in ("bce", "bce-logits", "minimax") else 1.0
        out._check()
        return out

    def _check(self) -> None:
        def positive_int(name: str) -> None:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ConfigError(f"{name.replace('_', '-')} must be a positive integer, got {value!r}")

        for name in ("epochs", "batch_size", "latent_dim", "n_critic", "log_every", "sample_every"):
            positive_int(name)
        if not (isinstance(self.lr, float) and math.isfinite(self.lr) and self.lr > 0):
            raise ConfigError(f"lr must be a positive number, got {self.lr!r}")
        if len(self.betas) != 2 or not all(0.0 <= b < 1.0 for b in self.betas):
            raise ConfigError(f"betas must be two numbers in [0, 1), got {self.betas!r}")
        if self.clip is not None and not (math.isfinite(self.clip) and self.clip > 0):
            raise ConfigError(f"clip must be a positive number, got {self.clip!r}")
        if self.gp_lambda is not None and not (math.isfinite(self.gp_lambda) and self.gp_lambda >= 0):
            raise ConfigError(f"gp-lambda must be a non-negative number, got {self.gp_lambda!r}")
        if not (math.isfinite(self.r1_gamma) and self.r1_gamma >= 0):
            raise ConfigError(f"r1-gamma must be a non-negative number, got {self.r1_gamma!r}")
        if self.lr_schedule not in LR_SCHEDULES:
            raise ConfigError(f"lr-schedule must be one of {', '.join(LR_SCHEDULES)}, got {self.lr_schedule!r}")
        if self.optimizer not in ("adam", "rmsprop"):
            raise ConfigError(f"optimizer must be adam or rmsprop, got {self.optimizer!r}")
        if not (math.isfinite(self.ema) and 0.0 <= self.ema < 1.0):
            raise ConfigError(f"ema must be a decay in [0, 1) (0 turns the average off), got {self.ema!r}")
        if not (0.0 < self.real_label <= 1.0):
            raise ConfigError(f"real-label must be in (0, 1], got {self.real_label!r}")
        self.device = check_device(self.device, ConfigError)
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ConfigError(f"seed must be a non-negative integer, got {self.seed!r}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["betas"] = list(self.betas) if self.betas is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise CheckpointError(f"the checkpoint's config has unknown keys {sorted(unknown)}")
        values = dict(data)
        if values.get("betas") is not None:
            values["betas"] = tuple(float(b) for b in values["betas"])
        for key in ("epochs", "batch_size", "latent_dim", "n_critic", "log_every", "sample_every", "seed"):
            if values.get(key) is not None:
                values[key] = int(values[key])
        for key in ("lr", "clip", "gp_lambda", "r1_gamma", "real_label", "ema"):
            if values.get(key) is not None:
                values[key] = float(values[key])
        values.setdefault("r1_gamma", 0.0)  # a checkpoint from before the option trained without it
        return cls(**values)


# ---------------------------------------------------------------------- progress and logging
class _Progress:
    """A one-line progress bar on a terminal; nothing but the log lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        try:
            self.live = bool(stream.isatty())
        except (AttributeError, ValueError):
            self.live = False
        self.drawn = False

    def line(self, text: str) -> None:
        if self.live and self.drawn:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.drawn = False
        self.stream.flush()

    def bar(self, epoch: int, epochs: int, done: int, total: int, started: float) -> None:
        if not self.live:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        elapsed = time.perf_counter() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        self.stream.write(f"\r\033[Kepoch {epoch}/{epochs} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{done}/{total} {rate:.1f} it/s eta {eta:.0f}s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.live and self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False


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
        state = minigan.load(path)
    except Exception as error:  # noqa: BLE001 - any failure to read it is the same user error
        raise CheckpointError(f"cannot read checkpoint {path}: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} is not a minigan GAN training checkpoint")
    if int(state.get("version", -1)) != CHECKPOINT_VERSION:
        raise CheckpointError(f"{path} has checkpoint version {state.get('version')}, this minigan reads {CHECKPOINT_VERSION}")
    return state


# What a run writes besides its checkpoint (samples/ holds epoch_NNN.png).
_RUN_FILES = ("config.json", "history.csv", "history.json", "loss_curves.png", GENERATOR_NAME)


def _is_run_config(path: Path) -> bool:
    """Whether ``path`` is the config.json a run writes (all of TrainConfig's fields, nothing else)."""
    try:
        config = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(config, dict) and set(config) == {f.name for f in fields(TrainConfig)}


def is_dead_run(run_dir: str | os.PathLike) -> bool:
    """True for a run directory that holds a run's files but no checkpoint (a run killed before its
    first checkpoint): nothing in it can be resumed, so starting a new run there loses nothing."""
    path = Path(run_dir)
    if not path.is_dir() or (path / CHECKPOINT_NAME).exists() or not _is_run_config(path / "config.json"):
        return False
    for entry in path.iterdir():
        if entry.name == "samples" and entry.is_dir():
            if any(not (p.is_file() and p.name.startswith("epoch_") and p.suffix == ".png") for p in entry.iterdir()):
                return False
        elif entry.name not in _RUN_FILES:
            return False
    return True


def remove_dead_run(run_dir: str | os.PathLike, remove_directory: bool = False) -> None:
    """Remove the files a run wrote in ``run_dir`` (and the directory itself, if asked and empty).

    Only a run's own file names are touched, so anything else in the directory survives.
    """
    path = Path(run_dir)
    samples = path / "samples"
    if samples.is_dir():
        for picture in samples.glob("epoch_*.png"):
            picture.unlink(missing_ok=True)
    for name in _RUN_FILES:
        (path / name).unlink(missing_ok=True)
    for directory in (samples, path) if remove_directory else (samples,):
        try:
            directory.rmdir()
        except OSError:  # not empty (someone else's file) or already gone: leave it
            pass


def _make_optimizer(config: TrainConfig, params: list) -> Any:
    if config.optimizer == "rmsprop":
        return optim.RMSprop(params, lr=config.lr)
    return optim.Adam(params, lr=config.lr, betas=config.betas)


def _make_scheduler(config: TrainConfig, optimizer: Any, steps_per_epoch: int) -> Any:
    """The LR schedule: ``exponential`` and ``cosine`` step once an epoch, ``cyclic`` every batch.

    exponential: lr * gamma**epoch with gamma = 0.1 ** (1 / epochs) (a tenth at the end);
    cosine: from lr down to lr / 100 over the run; cyclic: triangular between lr / 10 and lr,
    one full cycle every two epochs.
    """
    schedulers = optim.lr_scheduler
    if config.lr_schedule == "exponential":
        return schedulers.ExponentialLR(optimizer, gamma=0.1 ** (1.0 / config.epochs))
    if config.lr_schedule == "cosine":
        return schedulers.CosineAnnealingLR(optimizer, T_max=config.epochs, eta_min=config.lr / 100)
    if config.lr_schedule == "cyclic":
        return schedulers.CyclicLR(optimizer, base_lr=config.lr / 10, max_lr=config.lr,
                                   step_size_up=steps_per_epoch)
    return None


def _rng_state(rng: np.random.Generator) -> dict:
    return copy.deepcopy(rng.bit_generator.state)


# ---------------------------------------------------------------------- the trainer
class Trainer:
    """One training run. Build it with :meth:`create` (a new run) or :meth:`resume`, then :meth:`fit`.

    ``images`` (uint8 ``(N, 28, 28)``) replaces the dataset of ``config`` (tests pass a slice);
    otherwise the training split of ``config.dataset`` is loaded. ``on_step(trainer, row)``
    callbacks run after every batch; :meth:`request_stop` ends the run at the next batch
    boundary with a checkpoint, as Ctrl-C and SIGTERM do.
    """

    def __init__(self, config: TrainConfig, run_dir: str | os.PathLike, images: np.ndarray | None = None,
                 *, stream: TextIO | None = None, on_step: Sequence[Callable[["Trainer", dict], None]] = (),
                 verbose: bool = True) -> None:
        self.config = config.resolve()
        self.run_dir = Path(run_dir)
        self.stream = stream if stream is not None else sys.stdout
        self.on_step = list(on_step)
        self.verbose = verbose
        self.objective: Objective = get_objective(self.config.loss)
        self.rng = np.random.default_rng(self.config.seed)
        mrandom.set_default_generator(self.rng)
        self.generator, self.discriminator, self.arch = build_models(self.config.arch, self.config.latent_dim, self.rng)
        self.device = self.config.device
        self.generator.to(self.device)  # before the optimizers and the weight average are made
        self.discriminator.to(self.device)
        self.fixed_noise = self.rng.standard_normal((64, self.config.latent_dim), dtype=np.float32)
        if images is None:
            from minigan.data import load_mnist

            data = load_mnist(self.config.dataset, self.config.data_dir, verbose=verbose)
            images = data.train_images
        from minigan.data import BatchLoader

        self.loader = BatchLoader(images, self.config.batch_size, self.rng, shuffle=True, drop_last=True,
                                  scale=self.arch.scale)
        self.steps_per_epoch = len(self.loader)
        self._joint_d_batch = not any(isinstance(m, nn.BatchNorm1d) for m in self.discriminator.modules())
        self.opt_g = _make_optimizer(self.config, list(self.generator.parameters()))
        self.opt_d = _make_optimizer(self.config, list(self.discriminator.parameters()))
        self.sched_g = _make_scheduler(self.config, self.opt_g, self.steps_per_epoch)
        self.sched_d = _make_scheduler(self.config, self.opt_d, self.steps_per_epoch)
        # The moving average of G's weights, when configured, is what samples and generator.npz use.
        self.generator_average = (optim.ExponentialMovingAverage(self.generator, self.config.ema)
                                  if self.config.ema > 0 else None)
        self.epoch = 0  # completed epochs
        self.batch_in_epoch = 0  # completed batches of the current epoch
        self.global_step = 0  # completed batches over the run
        self.epoch_rng_state = _rng_state(self.rng)
        self.history: dict[str, list[float]] = {key: [] for key in HISTORY_COLUMNS}
        self.last_g_loss = float("nan")
        self.elapsed = 0.0  # training seconds over the run, resumed runs included
        self._stop_signal: int | None = None  # SIGINT or SIGTERM once a stop was asked for
        self._on_reference_first = False  # set by fit()
        self._kernel_load: backends.KernelLoad | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(cls, config: TrainConfig, run_dir: str | os.PathLike, images: np.ndarray | None = None,
               **kwargs: Any) -> "Trainer":
        return cls(config, run_dir, images, **kwargs)

    @classmethod
    def resume(cls, run_dir: str | os.PathLike, images: np.ndarray | None = None, *,
               overrides: dict[str, Any] | None = None, **kwargs: Any) -> "Trainer":
        """Continue the run in ``run_dir`` from its checkpoint.

        ``overrides`` may change ``epochs`` (to train longer), ``log_every``, ``sample_every``
        and ``data_dir``; anything else that differs from the checkpoint's config raises
        CheckpointError (resuming must continue the same run).
        """
        state = load_checkpoint(run_dir)
        try:
            config = TrainConfig.from_dict(dict(state["config"]))
        except (TypeError, ValueError, KeyError) as error:
            raise CheckpointError(f"the checkpoint in {run_dir} has an unreadable config: {error}") from None
        changeable = {"epochs", "log_every", "sample_every", "data_dir"}
        for key, value in (overrides or {}).items():
            if value is None:
                continue
            current = getattr(config, key)
            if key in changeable:
                setattr(config, key, value)
            elif (tuple(value) if isinstance(value, (list, tuple)) else value) != current:
                what = "architecture" if key == "arch" else key.replace("_", "-")
                raise CheckpointError(
                    f"the checkpoint in {run_dir} is from a run with {what} {current!r}, not {value!r}; "
                    "a resumed run keeps its configuration")
        trainer = cls(config, run_dir, images, **kwargs)
        trainer._load_state(state)
        return trainer

    def _load_state(self, state: dict[str, Any]) -> None:
        try:
            self.generator.load_state_dict(state["generator"])
            self.discriminator.load_state_dict(state["discriminator"])
            self.opt_g.load_state_dict(state["opt_g"])
            self.opt_d.load_state_dict(state["opt_d"])
            if self.sched_g is not None:
                self.sched_g.load_state_dict(state["sched_g"])
                self.sched_d.load_state_dict(state["sched_d"])
            if self.generator_average is not None:
                if state.get("generator_ema") is not None:
                    self.generator_average.load_state_dict(state["generator_ema"])
                else:  # a checkpoint from before the average existed: start it from G's weights
                    self.generator_average = optim.ExponentialMovingAverage(self.generator, self.config.ema)
            self.rng.bit_generator.state = state["rng"]
            self.epoch_rng_state = state["epoch_rng"]
            self.fixed_noise = np.asarray(state["fixed_noise"], dtype=np.float32)
            self.epoch = int(state["epoch"])
            self.batch_in_epoch = int(state["batch_in_epoch"])
            self.global_step = int(state["global_step"])
            self.last_g_loss = float(state["last_g_loss"])
            self.elapsed = float(state.get("elapsed", 0.0))
            history = state["history"]
            self.history = {key: [float(v) for v in np.asarray(history[key]).tolist()] for key in HISTORY_COLUMNS}
        except (KeyError, ValueError, TypeError, RuntimeError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise CheckpointError(
                f"the checkpoint in {self.run_dir} does not fit architecture {self.config.arch!r}: {message}") from None
        if self.fixed_noise.shape != (64, self.config.latent_dim):
            raise CheckpointError(f"the checkpoint in {self.run_dir} has fixed noise of shape {self.fixed_noise.shape}")

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        """Everything a resumed run needs, as minigan.save can write it."""
        return {
            "format": CHECKPOINT_FORMAT,
            "version": CHECKPOINT_VERSION,
            "arch": self.config.arch,
            "config": self.config.to_dict(),
            "generator": self.generator.state_dict(),
            "generator_ema": None if self.generator_average is None else self.generator_average.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "sched_g": None if self.sched_g is None else self.sched_g.state_dict(),
            "sched_d": None if self.sched_d is None else self.sched_d.state_dict(),
            "rng": _rng_state(self.rng),
            "epoch_rng": copy.deepcopy(self.epoch_rng_state),
            "fixed_noise": self.fixed_noise,
            "epoch": self.epoch,
            "batch_in_epoch": self.batch_in_epoch,
            "global_step": self.global_step,
            "last_g_loss": self.last_g_loss,
            "elapsed": self.elapsed,
            "history": {key: np.asarray(values, dtype=np.float64) for key, values in self.history.items()},
        }

    @property
    def checkpoint_path(self) -> Path:
        return self.run_dir / CHECKPOINT_NAME

    def save_checkpoint(self) -> Path:
        minigan.save(self.state_dict(), self.checkpoint_path)
        return self.checkpoint_path

    def request_stop(self, signum: int = signal.SIGINT) -> None:
        """End the run after the current batch, with a checkpoint (what Ctrl-C and SIGTERM do)."""
        self._stop_signal = int(signum)

    def _on_stop_signal(self, signum: int, frame: Any) -> None:
        """The first signal asks for a stop at the next batch boundary (a consistent checkpoint);
        a second one interrupts at once."""
        if self._stop_signal is not None:
            raise Interrupted(signum)
        self.request_stop(signum)

    # ------------------------------------------------------------------ one batch
    def _noise(self, n: int) -> Tensor:
        return Tensor(self.rng.standard_normal((n, self.config.latent_dim), dtype=np.float32), device=self.device)

    def train_step(self, real_images: np.ndarray) -> dict[str, Any]:
        """One D step on ``real_images`` and, every ``n_critic`` batches, one G step.

        Returns ``d_loss``, ``d_x``, ``d_g_z`` and ``g_loss`` (None when no G step was taken).
        """
        cfg, obj = self.config, self.objective
        G, D = self.generator, self.discriminator
        G.train()
        D.train()
        batch = real_images.shape[0]
        g_step = (self.global_step + 1) % cfg.n_critic == 0
        z = self._noise(batch)
        if g_step:
            fake = G(z)
        else:
            with no_grad():
                fake = G(z)
        fake_detached = fake.detach()
        # the batch enters the device here; R1 differentiates D's logits with respect to it
        real = Tensor(real_images, device=self.device, requires_grad=cfg.r1_gamma > 0)
        if self._joint_d_batch:  # one pass over real and fake together: fewer, larger matmuls
            logits = D(minigan.cat([real, fake_detached]))
            real_logits, fake_logits = logits[:batch], logits[batch:]
        else:  # BatchNorm in D must see real and fake batches apart
            real_logits = D(real)
            fake_logits = D(fake_detached)
        d_loss = obj.d_loss(real_logits, fake_logits, cfg.real_label)
        if cfg.loss == "wgan-gp":
            d_loss = d_loss + gradient_penalty(D, real, fake_detached, self.rng, cfg.gp_lambda)
        if cfg.r1_gamma > 0:
            d_loss = d_loss + r1_penalty(real_logits, real, cfg.r1_gamma)
        self.opt_d.zero_grad()
        d_loss.backward()
        self.opt_d.step()
        if cfg.loss == "wgan":
            clip_weights(D, cfg.clip)
        row = {"d_loss": d_loss.item(), "d_x": obj.d_output(real_logits), "d_g_z": obj.d_output(fake_logits),
               "g_loss": None}
        if g_step:
            d_params = list(D.parameters())
            for p in d_params:  # D's weight gradients are not needed for G's step
                p.requires_grad = False
            try:
                g_loss = obj.g_loss(D(fake))
                self.opt_g.zero_grad()
                g_loss.backward()
                self.opt_g.step()
                if self.generator_average is not None:
                    self.generator_average.update(G)
            finally:
                for p in d_params:
                    p.requires_grad = True
            row["g_loss"] = g_loss.item()
        return row

    # ------------------------------------------------------------------ the loop
    def _log(self, text: str) -> None:
        if self.verbose:
            self._progress.line(text)

    def fit(self) -> dict[str, list[float]]:
        """Train up to ``config.epochs``; returns the history.

        Raises TrainingDiverged on a NaN/inf loss (no checkpoint is written after it),
        :class:`minigan.signals.Interrupted` (a KeyboardInterrupt) after saving a checkpoint when
        stopped (Ctrl-C, SIGTERM or :meth:`request_stop`), and RunWriteError when a file cannot
        be written. A run that ends before its first checkpoint removes what it wrote.
        """
        self._progress = _Progress(self.stream)
        created = not self.run_dir.exists()
        try:
            with handling_stop_signals(self._on_stop_signal):
                try:
                    self._fit()  # every epoch's end has waited for the kernel load already
                finally:
                    self._progress.close()
                    self._wait_for_kernels(quietly=True)  # a run that failed still ends its loading thread
        except OSError as error:
            self._end_without_checkpoint(created)
            raise RunWriteError(f"cannot write {error.filename or self.run_dir}: "
                                f"{error.strerror or error}; {self._what_is_kept()}") from error
        except BaseException:
            self._end_without_checkpoint(created)
            raise
        return self.history

    def _fit(self) -> None:
        cfg = self.config
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "samples").mkdir(exist_ok=True)
        self._write_json("config.json", self.config.to_dict())
        self._activations = fused_activations(self.generator, self.discriminator)
        self._on_reference_first = (self.device == "cpu" and backends.cpu_kernel_mode() == "numba"
                                    and self.global_step < REFERENCE_KERNEL_STEPS)
        if not self._on_reference_first:  # compile (or load from Numba's cache) this run's kernels now
            backends.warmup(activations=self._activations)
        if self.epoch >= cfg.epochs:
            self._log(f"nothing to do: the run already has {self.epoch} of {cfg.epochs} epochs")
        else:
            if self.global_step:
                self._log(f"resuming {self.run_dir} at epoch {self.epoch + 1}, step {self.batch_in_epoch} "
                          f"(global step {self.global_step})")
            self._stop_if_asked()  # a signal during the set-up above
            self._loop()
        self._finish()

    def _end_without_checkpoint(self, created: bool) -> None:
        """A run that ends before its first checkpoint leaves nothing behind (no dead run directory)."""
        if not self.checkpoint_path.exists():
            remove_dead_run(self.run_dir, remove_directory=created)

    def _what_is_kept(self) -> str:
        if self.checkpoint_path.exists():
            return f"the last good checkpoint {self.checkpoint_path} is kept"
        return f"no checkpoint had been written yet, so the run's files in {self.run_dir} were removed"

    def _stop_if_asked(self) -> None:
        if self._stop_signal is not None:
            self._interrupted(mid_step=False)
            raise Interrupted(self._stop_signal)

    def _loop(self) -> None:
        cfg = self.config
        total = self.steps_per_epoch
        while self.epoch < cfg.epochs:
            epoch_number = self.epoch + 1
            if self.batch_in_epoch == 0:
                self.epoch_rng_state = _rng_state(self.rng)
                batches = self.loader.batches(0)
            else:  # resumed mid-epoch: replay the epoch's shuffle, then continue the stream
                now = _rng_state(self.rng)
                self.rng.bit_generator.state = self.epoch_rng_state
                batches = self.loader.batches(self.batch_in_epoch)
                self.rng.bit_generator.state = now
            started = time.perf_counter()
            for real in batches:
                t0 = time.perf_counter()
                try:
                    row = self._kernel_stage_step(real)
                except KeyboardInterrupt:
                    self._interrupted(mid_step=True)
                    raise
                self.batch_in_epoch += 1
                self.global_step += 1
                self.elapsed += time.perf_counter() - t0
                g_loss = row.pop("g_loss")
                if not math.isfinite(row["d_loss"]) or (g_loss is not None and not math.isfinite(g_loss)):
                    self._diverged(row["d_loss"], g_loss)
                if g_loss is not None:
                    self.last_g_loss = g_loss
                row["g_loss"] = float("nan") if g_loss is None else g_loss
                full = {"epoch": epoch_number, "step": self.batch_in_epoch, "global_step": self.global_step, **row}
                for key in HISTORY_COLUMNS:
                    self.history[key].append(float(full[key]))
                if cfg.lr_schedule == "cyclic":
                    self.sched_g.step()
                    self.sched_d.step()
                if self.batch_in_epoch % cfg.log_every == 0:
                    self._log(f"Epoch [{epoch_number}/{cfg.epochs}], Step [{self.batch_in_epoch}/{total}], "
                              f"D Loss: {row['d_loss']:.4f}, G Loss: {self.last_g_loss:.4f}, "
                              f"D(x): {row['d_x']:.2f}, D(G(z)): {row['d_g_z']:.2f}")
                if self.verbose:
                    self._progress.bar(epoch_number, cfg.epochs, self.batch_in_epoch, total, started)
                for callback in self.on_step:
                    callback(self, full)
                self._stop_if_asked()
            self.epoch += 1
            self.batch_in_epoch = 0
            if cfg.lr_schedule in ("exponential", "cosine"):
                self.sched_g.step()
                self.sched_d.step()
            self._end_of_epoch(epoch_number, time.perf_counter() - started)

    def _kernel_stage_step(self, real: np.ndarray) -> dict[str, Any]:
        """:meth:`train_step` on the kernels of this step: the NumPy reference before step
        REFERENCE_KERNEL_STEPS of a CPU run with Numba kernels, Numba's from then on."""
        if self._on_reference_first:
            if self.global_step < REFERENCE_KERNEL_STEPS:
                with backends.use_cpu_kernels("numpy"):
                    row = self.train_step(real)
                if self._kernel_load is None:  # after the first step, which then has the interpreter to itself
                    self._kernel_load = backends.KernelLoad(activations=self._activations)
                return row
            self._on_reference_first = False
            self._wait_for_kernels()
        return self.train_step(real)

    def _wait_for_kernels(self, quietly: bool = False) -> None:
        """Join the background load of the Numba kernels, if one was started; ``quietly`` drops
        its error (another one is already on its way out)."""
        if self._kernel_load is not None:
            try:
                self._kernel_load.wait()
            except Exception:
                if not quietly:
                    raise

    def _end_of_epoch(self, epoch_number: int, seconds: float) -> None:
        cfg = self.config
        self._wait_for_kernels()  # the samples use them
        if epoch_number % cfg.sample_every == 0 or epoch_number == cfg.epochs:
            self.save_samples(self.run_dir / "samples" / f"epoch_{epoch_number:03d}.png",
                              title=f"{cfg.arch} / {cfg.loss}, epoch {epoch_number}")
        self.save_checkpoint()  # first: the history files never run ahead of the checkpoint
        self._write_history()
        self._log(f"epoch {epoch_number}/{cfg.epochs} done in {seconds:.1f}s "
                  f"(total {self.elapsed:.0f}s); checkpoint {self.checkpoint_path}")

    def _finish(self) -> None:
        # The history was written with the last epoch's checkpoint; only the weights are new.
        minigan.save(self.sampling_generator.state_dict(), self.run_dir / GENERATOR_NAME)
        if self.history["d_loss"]:
            h = self.history
            self._log(f"done: {self.epoch} epochs, {self.global_step} steps, {self.elapsed:.0f}s of training; "
                      f"final D loss {h['d_loss'][-1]:.4f}, G loss {self.last_g_loss:.4f}; "
                      f"weights {self.run_dir / GENERATOR_NAME}")

    def _diverged(self, d_loss: float, g_loss: float | None) -> None:
        where = f"epoch {self.epoch + 1}, step {self.batch_in_epoch} (global step {self.global_step})"
        raise TrainingDiverged(
            f"training diverged at {where}: D loss {d_loss}, G loss {g_loss}; {self._what_is_kept()}")

    def _interrupted(self, mid_step: bool) -> None:
        if mid_step:  # the models may be half updated: keep the last epoch's checkpoint
            self._log(f"interrupted during step {self.global_step + 1}; {self._what_is_kept()}")
            return
        self.save_checkpoint()
        self._write_history()
        self._log(f"interrupted after epoch {self.epoch + 1} step {self.batch_in_epoch} "
                  f"(global step {self.global_step}); checkpoint saved to {self.checkpoint_path}; "
                  f"continue with --resume {self.run_dir}")

    # ------------------------------------------------------------------ outputs
    @property
    def sampling_generator(self) -> nn.Module:
        """The generator that makes the run's pictures and generator.npz: the weight average if any, else G."""
        return self.generator if self.generator_average is None else self.generator_average.module

    def sample(self, noise: np.ndarray | None = None, n: int = 64) -> np.ndarray:
        """Generated images in [0, 1], shape (n, 784), from :attr:`sampling_generator` in eval mode."""
        z = noise if noise is not None else self.rng.standard_normal((n, self.config.latent_dim), dtype=np.float32)
        return generate(self.sampling_generator, z, self.arch)

    def save_samples(self, path: Path, title: str | None = None) -> None:
        from minigan.viz import save_sample_grid

        save_sample_grid(self.sample(self.fixed_noise), path, nrow=8, title=title)

    def _write_json(self, name: str, payload: Any, indent: int | None = 1) -> None:
        atomic_write_bytes(self.run_dir / name, (json.dumps(payload, indent=indent, allow_nan=True) + "\n").encode())

    def _write_history(self) -> None:
        from minigan.viz import save_loss_curves

        rows = list(zip(*(self.history[key] for key in HISTORY_COLUMNS)))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(HISTORY_COLUMNS)
        for row in rows:
            writer.writerow([int(v) if i < 3 else ("" if math.isnan(v) else repr(v)) for i, v in enumerate(row)])
        atomic_write_bytes(self.run_dir / "history.csv", buffer.getvalue().encode())
        json_history = {key: [None if isinstance(v, float) and not math.isfinite(v) else v for v in values]
                        for key, values in self.history.items()}
        for key in ("epoch", "step", "global_step"):
            json_history[key] = [int(v) for v in self.history[key]]
        # one line: an indent makes json use its pure-Python encoder, about 0.8 s per epoch on
        # the 31,240 rows of the default run's last epoch (the file is rewritten every epoch)
        self._write_json("history.json", json_history, indent=None)
        if self.history["d_loss"]:
            save_loss_curves(self.history, self.run_dir / "loss_curves.png", steps_per_epoch=self.steps_per_epoch,
                             title=f"{self.config.arch} / {self.config.loss}")


def generate(generator: Any, noise: np.ndarray, arch: Architecture) -> np.ndarray:
    """G's images for ``noise`` in [0, 1], shape (n, 784), as NumPy, made on G's device in eval
    mode; G's mode is restored after."""
    was_training = getattr(generator, "training", True)
    generator.eval()
    device = next(iter(generator.parameters())).device
    try:
        with no_grad():
            out = to_numpy(generator(Tensor(np.asarray(noise, dtype=np.float32), device=device)).data)
    finally:
        generator.train(was_training)
    return to_unit(out, arch.scale).astype(np.float32)
