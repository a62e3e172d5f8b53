"""What a sweep runs: :class:`SweepSpec`, read from a TOML sweep file and/or the command line.

A sweep file (all tables optional)::

    name = "losses"            # the sweep's directory under --out
    seeds = [0, 1, 2]          # every setting is run at each seed
    samples = 1                # draws of the [choice]/[uniform]/[loguniform] values per grid point
    max_concurrent = 2         # trials at once (default: one per CPU core Ray has)

    [budget]                   # each trial's: epochs = N, or minutes = M (training time)
    epochs = 5

    [fixed]                    # training settings every trial shares (TrainConfig's names:
    arch = "default"           # minigan/gan/config.py; the flags of minigan.train with _ for -)

    [grid]                     # every combination of these values
    loss = ["bce", "hinge", "wgan-gp"]
    g_hidden = [[128, 256, 512, 1024], [256, 512, 1024]]   # a list's values may be lists

    [choice]                   # one of these values, at random, per sample
    r1_gamma = [0.0, 1.0]

    [loguniform]               # a number between the two, log-uniform (uniform: [uniform])
    lr = [1e-4, 1e-3]

    [asha]                     # early stopping (ASHA) on the per-epoch FID; false turns it off
    grace_period = 1           # epochs every trial gets before it may be stopped
    reduction_factor = 2       # each rung keeps the best 1/reduction_factor

The metric is always ``fid``: the per-epoch score of minigan/gan/best.py (lower is better).
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from minigan.gan import TrainConfig
from minigan.gan.config import check_given
from minigan.gan.errors import ConfigError

__all__ = ["SweepSpec", "SweepError", "read_sweep_file", "trial_settings", "SWEEPABLE"]

METRIC = "fid"
# TrainConfig fields a sweep may set; the rest are the sweep's own (seed, epochs, out...)
SWEEPABLE = tuple(f.name for f in fields(TrainConfig)
                  if f.name not in ("seed", "epochs", "data_dir", "log_every", "sample_every", "device",
                                    "checkpoint_every", "eval_every", "sample_every_steps"))
_TABLES = ("fixed", "grid", "choice", "uniform", "loguniform")


class SweepError(ValueError):
    """A sweep file or flag that cannot be run (one line)."""


@dataclass
class SweepSpec:
    name: str = "sweep"
    seeds: list[int] = field(default_factory=lambda: [0])
    samples: int = 1
    epochs: int | None = None  # the budget: epochs, or
    minutes: float | None = None  # minutes of training per trial
    fixed: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list] = field(default_factory=dict)
    choice: dict[str, list] = field(default_factory=dict)
    uniform: dict[str, list] = field(default_factory=dict)
    loguniform: dict[str, list] = field(default_factory=dict)
    asha: dict[str, Any] | None = field(default_factory=lambda: {"grace_period": 1, "reduction_factor": 2})
    max_concurrent: int | None = None
    data_dir: str | None = None

    @property
    def metric(self) -> str:
        return METRIC

    def check(self) -> "SweepSpec":
        """Every value checked (SweepError, one line); returns self."""
        if (self.epochs is None) == (self.minutes is None):
            raise SweepError("give the budget of a trial as epochs or as minutes (one of them): "
                             "[budget] epochs = N in the sweep file, or --epochs / --minutes")
        if self.epochs is not None and (not isinstance(self.epochs, int) or self.epochs <= 0):
            raise SweepError(f"the budget's epochs must be a positive integer, got {self.epochs!r}")
        if self.minutes is not None and not (isinstance(self.minutes, (int, float)) and 0 < self.minutes < math.inf):
            raise SweepError(f"the budget's minutes must be a positive number, got {self.minutes!r}")
        if not self.seeds or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in self.seeds):
            raise SweepError(f"seeds must be a list of non-negative integers, got {self.seeds!r}")
        if not isinstance(self.samples, int) or self.samples <= 0:
            raise SweepError(f"samples must be a positive integer, got {self.samples!r}")
        seen: set[str] = set()
        for table in _TABLES:
            for key, value in getattr(self, table).items():
                if key not in SWEEPABLE:
                    raise SweepError(f"[{table}] {key}: not a training setting a sweep can set; choose from "
                                     f"{', '.join(SWEEPABLE)} (seeds and the budget have their own keys)")
                if key in seen:
                    raise SweepError(f"{key} is set in two tables; give it in one")
                seen.add(key)
                if table != "fixed" and (not isinstance(value, list) or not value):
                    raise SweepError(f"[{table}] {key} must be a non-empty list, got {value!r}")
                if table in ("uniform", "loguniform") and (len(value) != 2 or not value[0] < value[1]
                                                            or (table == "loguniform" and value[0] <= 0)):
                    raise SweepError(f"[{table}] {key} must be [low, high] with low < high"
                                     f"{' and low > 0' if table == 'loguniform' else ''}, got {value!r}")
        if self.asha is not None:
            unknown = set(self.asha) - {"grace_period", "reduction_factor"}
            if unknown:
                raise SweepError(f"[asha] knows grace_period and reduction_factor, not {', '.join(sorted(unknown))}")
        noisy = [v for v in [self.fixed.get("instance_noise")] + self.grid.get("instance_noise", [])
                 + self.choice.get("instance_noise", []) + self.uniform.get("instance_noise", [])
                 + self.loguniform.get("instance_noise", []) if v]
        if self.minutes is not None and noisy and "instance_noise_epochs" not in self.fixed:
            raise SweepError("instance_noise with a minutes budget needs instance_noise_epochs (the epoch its "
                             "noise reaches 0) in [fixed]: the run's epochs are not known in advance")
        # every grid point's settings must make a valid run: check each value now
        for key, values in {**self.grid, **self.choice}.items():
            for value in values:
                settings = _without_idle(self.fixed | {key: value})
                try:
                    check_given(settings)
                    TrainConfig(**settings).resolve()
                except (ConfigError, TypeError) as error:
                    raise SweepError(f"{key} = {value!r}: {error}") from None
        return self


def read_sweep_file(path: str | Path) -> SweepSpec:
    """The :class:`SweepSpec` a TOML sweep file describes (unchecked; see :meth:`SweepSpec.check`)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SweepError(f"sweep file {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SweepError(f"sweep file {path}: cannot read it: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise SweepError(f"sweep file {path} is not TOML: {error}") from None
    known = {"name", "seeds", "samples", "budget", "asha", "max_concurrent", "data_dir", *_TABLES}
    unknown = set(data) - known
    if unknown:
        raise SweepError(f"sweep file {path}: unknown key(s) {', '.join(sorted(unknown))}; it knows {', '.join(sorted(known))}")
    spec = SweepSpec()
    budget = data.pop("budget", {})
    if not isinstance(budget, dict) or set(budget) - {"epochs", "minutes"}:
        raise SweepError(f"sweep file {path}: [budget] takes epochs = N or minutes = M")
    spec.epochs, spec.minutes = budget.get("epochs"), budget.get("minutes")
    asha = data.pop("asha", spec.asha)
    spec.asha = None if asha is False else {**(spec.asha or {}), **asha}
    for key, value in data.items():
        setattr(spec, key, value)
    return spec


def _without_idle(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` less instance_noise_epochs where the trial draws no instance noise."""
    if not settings.get("instance_noise"):
        settings = {k: v for k, v in settings.items() if k != "instance_noise_epochs"}
    return settings


def trial_settings(params: dict[str, Any], spec: SweepSpec) -> dict[str, Any]:
    """The TrainConfig settings of one trial: the fixed ones, the trial's drawn ones, its seed and budget."""
    settings = _without_idle({**spec.fixed, **{k: v for k, v in params.items() if k in SWEEPABLE}})
    settings["seed"] = int(params["seed"])
    settings["epochs"] = spec.epochs if spec.epochs is not None else 10_000  # a minutes budget stops it
    if "betas" in settings and settings["betas"] is not None:
        settings["betas"] = tuple(settings["betas"])
    if spec.data_dir is not None:
        settings["data_dir"] = spec.data_dir
    return settings
