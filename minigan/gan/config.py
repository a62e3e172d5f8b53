"""A run's configuration: every value that defines a run, its recommended defaults and its checks,
and the optimizers and LR schedules it names.

``None`` in a :class:`TrainConfig` means "the recommended value": :meth:`TrainConfig.resolve`
fills it from the architecture's run defaults, then the objective's recommendation, then the
global defaults, and checks every value (ConfigError, one line, otherwise).
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from minigan import optim
from minigan.backends import check_device
from minigan.gan.errors import CheckpointError, ConfigError
from minigan.gan.models import ARCHITECTURES, critic_has_batchnorm, get_architecture, hidden_widths
from minigan.gan.objectives import get_objective

__all__ = ["TrainConfig", "LR_SCHEDULES", "DECAYING_SCHEDULES", "GAN_FAMILY", "LABEL_LOSSES", "check_given",
           "unused_settings", "settings_in_force", "rerun_settings", "make_optimizer", "make_scheduler"]

LR_SCHEDULES = ("none", "exponential", "cosine", "cyclic")
# The schedules that decay to a final fraction of the rate, and that fraction when none is given.
DECAYING_SCHEDULES = {"exponential": 0.1, "cosine": 0.01}
# The losses an architecture's run defaults (lr, betas, epochs...) apply to; the others take the
# objective's recommended settings.
GAN_FAMILY = ("bce", "bce-logits", "minimax", "lsgan", "hinge")
# The losses whose D loss has a real target (--real-label, one-sided label smoothing).
LABEL_LOSSES = ("bce", "bce-logits", "minimax")


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
    lr_final: float | None = None  # exponential and cosine: the last epoch's lr as a fraction of the first
    real_label: float | None = None
    optimizer: str | None = None
    ema: float | None = None  # decay of the moving average of G's weights; 0 = no average
    seed: int = 0
    dataset: str = "mnist"
    data_dir: str | None = None
    log_every: int = 100
    sample_every: int = 1
    sample_every_steps: int = 0  # also a grid every N global steps; 0: only by epoch
    device: str = "cpu"
    checkpoint_every: int = 1  # write checkpoint.npz every N epochs and at the end; 0: never (no resume)
    # options against mode collapse (minigan/gan/regularizers.py) and two learning rates (TTUR)
    lr_d: float | None = None  # None: a given lr, else the architecture's, else lr
    lr_g: float | None = None  # None: a given lr, else the architecture's, else lr
    minibatch_std: bool = False
    spectral_norm: bool = False
    instance_noise: float = 0.0  # standard deviation of the noise on D's inputs at the start; 0: none
    instance_noise_epochs: float | None = None  # the noise reaches 0 at the end of this epoch; None: the last
    eval_every: int = 1  # the FID score (and best.npz) every N epochs and after the last; 0: never
    # hidden widths of the MLP G and D (minigan/gan/models.py); None: the architecture's
    g_hidden: tuple[int, ...] | None = None
    d_hidden: tuple[int, ...] | None = None

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
        # Each network's lr: its own flag, else a given --lr, else the architecture's, else lr.
        lr_given = self.lr is not None
        out.lr_d, out.lr_g = (float(getattr(self, name)) if getattr(self, name) is not None
                              else out.lr if lr_given else float(arch_defaults.get(name, out.lr))
                              for name in ("lr_d", "lr_g"))
        out.betas = tuple(float(b) for b in pick("betas", (0.5, 0.999)))
        out.optimizer = pick("optimizer", "adam")
        out.n_critic = pick("n_critic", 1)
        out.clip = pick("clip", None) if loss == "wgan" else self.clip
        out.gp_lambda = pick("gp_lambda", None) if loss == "wgan-gp" else self.gp_lambda
        out.lr_schedule = pick("lr_schedule", "none")
        # The final fraction: a given one, else the architecture's with its own schedule, else the schedule's.
        if self.lr_final is not None:
            out.lr_final = float(self.lr_final)
        elif out.lr_schedule in DECAYING_SCHEDULES:
            own = out.lr_schedule == arch_defaults.get("lr_schedule") and "lr_final" in arch_defaults
            out.lr_final = float(arch_defaults["lr_final"] if own else DECAYING_SCHEDULES[out.lr_schedule])
        out.r1_gamma = float(pick("r1_gamma", 0.0))
        # The weight average belongs to the net's sampling, not to the objective: every loss gets it.
        out.ema = float(self.ema if self.ema is not None else arch.defaults.get("ema", 0.0))
        out.real_label = float(pick("real_label", 1.0)) if loss in LABEL_LOSSES else 1.0
        out.instance_noise = float(self.instance_noise)
        out.instance_noise_epochs = (float(self.instance_noise_epochs) if self.instance_noise_epochs is not None
                                     else float(out.epochs) if out.instance_noise > 0 else None)
        try:
            out.g_hidden, out.d_hidden = hidden_widths(arch, self.g_hidden, self.d_hidden)
        except ValueError as error:
            raise ConfigError(str(error)) from None
        out._check()
        return out

    def _check(self) -> None:
        def positive_int(name: str) -> None:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ConfigError(f"{name.replace('_', '-')} must be a positive integer, got {value!r}")

        for name in ("epochs", "batch_size", "latent_dim", "n_critic", "log_every", "sample_every"):
            positive_int(name)
        for name in ("lr", "lr_d", "lr_g"):
            value = getattr(self, name)
            if not (isinstance(value, float) and math.isfinite(value) and value > 0):
                raise ConfigError(f"{name.replace('_', '-')} must be a positive number, got {value!r}")
        if not (math.isfinite(self.instance_noise) and self.instance_noise >= 0):
            raise ConfigError(f"instance-noise must be a non-negative number, got {self.instance_noise!r}")
        if self.instance_noise_epochs is not None and not (math.isfinite(self.instance_noise_epochs)
                                                           and self.instance_noise_epochs > 0):
            raise ConfigError(f"instance-noise-epochs must be a positive number, got {self.instance_noise_epochs!r}")
        for name in ("minibatch_std", "spectral_norm"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ConfigError(f"{name.replace('_', '-')} must be true or false, got {getattr(self, name)!r}")
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
        if self.lr_final is not None and not (isinstance(self.lr_final, float) and 0.0 < self.lr_final <= 1.0):
            raise ConfigError(f"lr-final must be a fraction in (0, 1], got {self.lr_final!r}")
        if self.lr_final is not None and self.lr_schedule not in DECAYING_SCHEDULES:
            raise ConfigError(f"lr-final applies only to --lr-schedule {' and '.join(DECAYING_SCHEDULES)} "
                              f"(the rate they decay to); lr schedule {self.lr_schedule} does not decay to one")
        if self.optimizer not in ("adam", "rmsprop"):
            raise ConfigError(f"optimizer must be adam or rmsprop, got {self.optimizer!r}")
        if not (math.isfinite(self.ema) and 0.0 <= self.ema < 1.0):
            raise ConfigError(f"ema must be a decay in [0, 1) (0 turns the average off), got {self.ema!r}")
        if (isinstance(self.checkpoint_every, bool) or not isinstance(self.checkpoint_every, (int, np.integer))
                or self.checkpoint_every < 0):
            raise ConfigError(f"checkpoint-every must be a positive integer or 0 (none), got {self.checkpoint_every!r}")
        if isinstance(self.eval_every, bool) or not isinstance(self.eval_every, (int, np.integer)) or self.eval_every < 0:
            raise ConfigError(f"eval-every must be a positive integer or 0 (never), got {self.eval_every!r}")
        if (isinstance(self.sample_every_steps, bool) or not isinstance(self.sample_every_steps, (int, np.integer))
                or self.sample_every_steps < 0):
            raise ConfigError(f"sample-every-steps must be a positive integer or 0 (off), got {self.sample_every_steps!r}")
        if not (0.0 < self.real_label <= 1.0):
            raise ConfigError(f"real-label must be in (0, 1], got {self.real_label!r}")
        self.device = check_device(self.device, ConfigError)
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ConfigError(f"seed must be a non-negative integer, got {self.seed!r}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("betas", "g_hidden", "d_hidden"):
            data[key] = list(data[key]) if data[key] is not None else None
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
        for key in ("g_hidden", "d_hidden"):
            value = values.get(key)
            if value is not None:
                if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or not all(
                        isinstance(w, (int, np.integer)) and not isinstance(w, bool) for w in value):
                    raise CheckpointError(f"the run's config has {key} {value!r}, which is not a list of integers")
                values[key] = tuple(int(w) for w in value)
        for key in ("epochs", "batch_size", "latent_dim", "n_critic", "log_every", "sample_every", "seed",
                    "checkpoint_every", "sample_every_steps", "eval_every"):
            value = values.get(key)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                    raise CheckpointError(f"the run's config has {key} {value!r}, which is not an integer")
                values[key] = int(value)
        for key in ("lr", "clip", "gp_lambda", "r1_gamma", "real_label", "ema", "lr_d", "lr_g", "instance_noise",
                    "instance_noise_epochs", "lr_final"):
            value = values.get(key)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                    raise CheckpointError(f"the run's config has {key} {value!r}, which is not a number")
                values[key] = float(value)
        values.setdefault("r1_gamma", 0.0)
        if "lr_final" not in values and values.get("lr_schedule") in DECAYING_SCHEDULES:
            # a run from before --lr-final: its schedule ended at the schedule's own fraction
            values["lr_final"] = DECAYING_SCHEDULES[values["lr_schedule"]]
        values.setdefault("sample_every_steps", 0)  # a checkpoint from before the option trained without it
        return cls(**values)


def unused_settings(loss: str | None, optimizer: str | None) -> set[str]:
    """The settings a run with this loss and optimizer does not use: ``clip`` but for wgan,
    ``gp_lambda`` but for wgan-gp, ``real_label`` but for the losses with labels, ``betas`` but
    for Adam (an optimizer of None is the loss's choice, taken to be Adam here)."""
    unused = set()
    if loss != "wgan":
        unused.add("clip")
    if loss != "wgan-gp":
        unused.add("gp_lambda")
    if loss not in LABEL_LOSSES:
        unused.add("real_label")
    if optimizer not in (None, "adam"):
        unused.add("betas")
    return unused


def check_given(given: dict[str, Any]) -> None:
    """Refuse (ConfigError, one line) an option the run would not use, or one that contradicts its
    loss: ``--clip`` without wgan, ``--gp-lambda`` without wgan-gp, ``--real-label`` without a
    loss that has labels, ``--betas`` with RMSprop, and a BatchNorm critic under wgan-gp.

    ``given`` holds the options the user gave (by :class:`TrainConfig` field name). This checks
    the command line of a new run only: :meth:`TrainConfig.resolve` keeps accepting the configs
    that older runs recorded, so that they still resume.
    """
    try:
        arch = get_architecture(given.get("arch") or "default")
        loss = given.get("loss") or arch.defaults.get("loss", "bce")
        objective = get_objective(loss)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    optimizer = given.get("optimizer") or objective.optimizer
    unused = unused_settings(loss, optimizer)
    if given.get("clip") is not None and "clip" in unused:
        raise ConfigError(f"--clip applies only to --loss wgan (its weight clipping); --loss {loss} does not clip")
    if given.get("gp_lambda") is not None and "gp_lambda" in unused:
        raise ConfigError(f"--gp-lambda applies only to --loss wgan-gp (its gradient penalty); "
                          f"--loss {loss} has no such penalty")
    if given.get("real_label") is not None and "real_label" in unused:
        raise ConfigError(f"--real-label applies only to --loss {', '.join(LABEL_LOSSES[:-1])} and {LABEL_LOSSES[-1]} "
                          f"(one-sided label smoothing); --loss {loss} has no real label")
    if given.get("betas") is not None and "betas" in unused:
        why = "" if given.get("optimizer") else f" (--loss {loss} uses {optimizer} unless --optimizer adam is given)"
        raise ConfigError(f"--betas applies only to --optimizer adam: {optimizer} has no betas{why}")
    if given.get("instance_noise_epochs") is not None and not given.get("instance_noise"):
        raise ConfigError("--instance-noise-epochs applies only with --instance-noise SIGMA (> 0): "
                          "it says when that noise reaches 0")
    if loss == "wgan-gp" and critic_has_batchnorm(arch.name):
        plain = [name for name in ARCHITECTURES if not critic_has_batchnorm(name)]
        raise ConfigError(f"--arch {arch.name} has BatchNorm in its critic, which the WGAN-GP paper advises against "
                          f"under a gradient penalty; use --loss wgan-gp with --arch {', '.join(plain)} "
                          f"(no BatchNorm in the critic), or another loss")


def rerun_settings(path: str | Path, explicit: dict[str, Any]) -> dict[str, Any]:
    """The options of a rerun: the settings an earlier run recorded in ``path`` (its config.json),
    with the ``explicit`` options of the command line over them. Recorded settings the rerun's
    loss or optimizer does not use (config.json records them all) are left out; a file that is
    missing or not a run's config raises ConfigError (one line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"--config {path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"--config {path} is a directory; give the run's config.json: "
                          f"--config {path / 'config.json'}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"--config {path}: cannot read it: {getattr(error, 'strerror', None) or error}") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ConfigError(f"--config {path} is not JSON: {error}") from None
    if not isinstance(data, dict) or "arch" not in data or "loss" not in data:
        raise ConfigError(f"--config {path} is not a run's config.json (it has no arch and loss)")
    try:
        recorded = TrainConfig.from_dict(data)
    except (CheckpointError, TypeError) as error:
        raise ConfigError(f"--config {path}: {str(error).replace('the checkpoint', 'the run')}") from None
    values = {key: value for key, value in asdict(recorded).items() if value is not None}
    if "betas" in values:
        values["betas"] = tuple(values["betas"])
    # settings recorded as copies of another (lr_d and lr_g of lr, the noise's end of epochs), or
    # as the architecture's own, follow that one when the rerun changes it
    arch_defaults = get_architecture(values["arch"]).defaults if values.get("arch") in ARCHITECTURES else {}
    for derived, source in (("lr_d", "lr"), ("lr_g", "lr"), ("instance_noise_epochs", "epochs")):
        if source in explicit and derived not in explicit and values.get(derived) in (
                values.get(source), arch_defaults.get(derived)):
            values.pop(derived, None)
    # a final fraction recorded as its schedule's own follows another --lr-schedule
    if "lr_schedule" in explicit and "lr_final" not in explicit and values.get("lr_final") in (
            DECAYING_SCHEDULES.get(values.get("lr_schedule")), arch_defaults.get("lr_final")):
        values.pop("lr_final", None)
    # the hidden widths belong to the architecture: another --arch takes its own unless they are given
    if "arch" in explicit and explicit["arch"] != recorded.arch:
        for key in ("g_hidden", "d_hidden"):
            if key not in explicit:
                values.pop(key, None)
    values.update(explicit)
    unused = unused_settings(values.get("loss"), values.get("optimizer"))
    return {key: value for key, value in values.items() if key in explicit or key not in unused}


def settings_in_force(config: TrainConfig, steps_per_epoch: int) -> str:
    """The header line of a run: the settings of the resolved ``config`` that it uses, and only
    those (no betas for RMSprop, no clip but for wgan, no real label but for the label losses)."""
    c = config
    unused = unused_settings(c.loss, c.optimizer)
    lr = f"lr {c.lr:g}" if c.lr_d == c.lr_g == c.lr else f"lr D {c.lr_d:g} G {c.lr_g:g}"
    optimizer = f"{c.optimizer} {lr}" + ("" if "betas" in unused else f" betas {tuple(c.betas)}")
    options = [name for name, on in (("minibatch std", c.minibatch_std), ("spectral norm", c.spectral_norm)) if on]
    arch = ARCHITECTURES.get(c.arch)
    for net, widths in (("G", c.g_hidden), ("D", c.d_hidden)):
        if widths is not None and (arch is None or tuple(widths) != getattr(arch, f"{net.lower()}_hidden")):
            options.append(f"{net} hidden widths {','.join(map(str, widths))}")
    if c.instance_noise:
        options.append(f"instance noise {c.instance_noise:g} to 0 at epoch {c.instance_noise_epochs:g}")
    loss_settings = ""
    if "clip" not in unused and c.clip is not None:
        loss_settings = f", clip {c.clip:g}"
    elif "gp_lambda" not in unused and c.gp_lambda is not None:
        loss_settings = f", gp lambda {c.gp_lambda:g}"
    elif "real_label" not in unused:
        loss_settings = f", real label {c.real_label:g}"
    return (f"arch {c.arch}, loss {c.loss}{loss_settings}, {c.epochs} epoch{'' if c.epochs == 1 else 's'} of {steps_per_epoch} steps "
            f"(batch {c.batch_size}), {optimizer}, n_critic {c.n_critic}, lr schedule {c.lr_schedule}"
            f"{f' to {c.lr_final:g} of lr' if c.lr_schedule in DECAYING_SCHEDULES else ''}, "
            f"weight average {c.ema or 'off'}, {f'R1 gamma {c.r1_gamma:g}, ' if c.r1_gamma else ''}seed {c.seed}"
            f"{'' if c.checkpoint_every else ', no checkpoints'}{''.join(', ' + o for o in options)}")


def make_optimizer(config: TrainConfig, params: list, lr: float | None = None) -> Any:
    """The optimizer ``config`` names (Adam with its betas, or RMSprop) over ``params``, at ``lr``
    (None: ``config.lr``; the trainer gives ``config.lr_d`` and ``config.lr_g``)."""
    lr = config.lr if lr is None else lr
    if config.optimizer == "rmsprop":
        return optim.RMSprop(params, lr=lr)
    return optim.Adam(params, lr=lr, betas=config.betas)


def make_scheduler(config: TrainConfig, optimizer: Any, steps_per_epoch: int) -> Any:
    """The LR schedule ``config`` names, or None. ``exponential`` and ``cosine`` step once an
    epoch, ``cyclic`` every batch.

    exponential: lr * gamma**epoch with gamma = lr_final ** (1 / epochs), so the rate is
    lr * lr_final after the last epoch (lr_final 0.1: a tenth); cosine: from lr down to
    lr * lr_final (0.01: a hundredth) over the run; cyclic: triangular between lr / 10 and lr,
    one full cycle every two epochs, with the momentum (Adam's beta1) left where the run set it.
    """
    schedulers = optim.lr_scheduler
    lr = optimizer.param_groups[0]["lr"]  # lr_d or lr_g
    if config.lr_schedule == "exponential":
        return schedulers.ExponentialLR(optimizer, gamma=config.lr_final ** (1.0 / config.epochs))
    if config.lr_schedule == "cosine":
        return schedulers.CosineAnnealingLR(optimizer, T_max=config.epochs, eta_min=lr * config.lr_final)
    if config.lr_schedule == "cyclic":
        return schedulers.CyclicLR(optimizer, base_lr=lr / 10, max_lr=lr,
                                   step_size_up=steps_per_epoch, cycle_momentum=False)
    return None
