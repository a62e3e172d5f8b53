"""The GAN training loop: D step(s) then a G step, logging, pictures, checkpoints and resume.

A run lives in one directory (see :mod:`minigan.gan.run_files` for its files). The loop is
here; the configuration is :mod:`minigan.gan.config`, one step of the game
:mod:`minigan.gan.step`, the files of a run :mod:`minigan.gan.run_files`, what its checkpoint
holds :mod:`minigan.gan.trainer_state`, and sampling :mod:`minigan.gan.sampling`.

Randomness: ONE ``np.random.Generator`` per run, seeded from ``seed`` and handed to everything
that draws: the initial weights, the fixed noise, every epoch's shuffle, every batch of noise,
dropout masks and WGAN-GP's interpolation weights. The process's default generator is left as
it was. The Generator's ``bit_generator.state`` is checkpointed, together with its state at the
start of the current epoch (from which the epoch's shuffle is replayed when resuming
mid-epoch), so a resumed run produces bit for bit the losses of an uninterrupted one.

Steps: every batch is one D (critic) step; every ``n_critic``-th batch (counted over the whole
run) is followed by a G step that reuses the batch's generated images (the D step saw them
detached). So with ``n_critic = 5`` each generator step has seen five real batches, as in WGAN.

Kernels: a run on the CPU trains its first REFERENCE_KERNEL_STEPS steps on the NumPy reference
kernels while Numba's load in the background (:func:`minigan.backends.warm_in_background`),
then switches once.

No dead runs: a run that ends (diverged, interrupted mid-step, a failed write) before its first
checkpoint removes the files it wrote, so its directory can be used again; SIGINT and SIGTERM
between batches always save a checkpoint first. The checkpoint is written before the history
files, so history.csv never runs ahead of what a resumed run continues from.
"""
from __future__ import annotations

import math
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

import numpy as np

from minigan import backends, nn, optim
from minigan.data import BatchLoader, load_mnist
from minigan.gan.best import BEST_NAME, BestKeeper, confirmation_line
from minigan.gan.config import TrainConfig, make_optimizer, make_scheduler
from minigan.gan.errors import RunWriteError, TrainingDiverged
from minigan.gan.history_files import HistoryFiles
from minigan.gan.models import build_models, draw_dropout_from
from minigan.gan.objectives import Objective, get_objective
from minigan.gan.progress import Progress, step_line
from minigan.gan.regularizers import apply_d_options, instance_noise_sigma
from minigan.gan.run_files import (
    CHECKPOINT_NAME, CONFIG_NAME, GENERATOR_NAME, HISTORY_COLUMNS, NO_CHECKPOINTS, remove_dead_run, write_json,
)
from minigan.gan.sampling import generate
from minigan.gan.step import joins_real_and_fake, replayed_step, row_of, train_step
from minigan.gan.stop_signals import Interrupted, handling_stop_signals
from minigan.gan.trainer_state import load_trainer_state, resumed_config, rng_state, trainer_state
from minigan.nn.layers import fused_activations
from minigan.torch_api.serialization import save

__all__ = ["Trainer", "REFERENCE_KERNEL_STEPS"]

# A run on the CPU trains its first steps on the NumPy reference kernels while a thread loads
# Numba's (about a second), so training starts at once. The switch comes at this global step
# whatever the timing, so the same seed still gives the same losses, resumed or not.
REFERENCE_KERNEL_STEPS = 10


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
                 verbose: bool = True, scorer: Callable[[np.ndarray], dict] | None = None,
                 compiled: bool | None = None) -> None:
        self.config = config.resolve()
        self.run_dir = Path(run_dir)
        self.stream = stream if stream is not None else sys.stdout
        self.on_step = list(on_step)
        self.on_samples: list[Callable[["Trainer", np.ndarray, str], None]] = []  # (trainer, images, name) per grid
        # (trainer, epoch) after each epoch's files are written; trainer.last_score is its score, if scored
        self.on_epoch: list[Callable[["Trainer", int], None]] = []
        self.last_score: dict[str, Any] | None = None
        self.verbose = verbose
        # the objective with this run's clipping bound and penalty weights: the step's hooks
        self.objective: Objective = get_objective(self.config.loss).with_settings(
            self.config.clip, self.config.gp_lambda, self.config.r1_gamma)
        self.rng = np.random.default_rng(self.config.seed)  # the run's one Generator, handed to all that draws
        self.generator, self.discriminator, self.arch = build_models(self.config.arch, self.config.latent_dim, self.rng,
                                                                     self.config.g_hidden, self.config.d_hidden)
        self.discriminator = apply_d_options(self.discriminator, self.config.minibatch_std, self.config.spectral_norm,
                                             self.rng)
        draw_dropout_from(self.rng, self.generator, self.discriminator)
        self.device = self.config.device
        self.generator.to(self.device)  # before the optimizers and the weight average are made
        self.discriminator.to(self.device)
        self.fixed_noise = self.rng.standard_normal((64, self.config.latent_dim), dtype=np.float32)
        if images is None:
            data = load_mnist(self.config.dataset, self.config.data_dir, verbose=verbose)
            images = data.train_images
            if scorer is None and self.config.eval_every:
                from minigan.metrics.epoch_score import EpochScorer  # the yardstick loads only for a scored run

                scorer = EpochScorer(data)
        # the per-epoch score and best.npz (gan/best.py); runs handed their images score only with a scorer
        self.best = BestKeeper(scorer, self.config.eval_every, self.run_dir) if scorer is not None else None
        self.loader = BatchLoader(images, self.config.batch_size, self.rng, shuffle=True, drop_last=True,
                                  scale=self.arch.scale)
        self.steps_per_epoch = len(self.loader)
        self._joint_d_batch = joins_real_and_fake(self.discriminator)
        self._compiled = replayed_step(self.config, self.objective, self.generator, self.discriminator, self.rng,
                                       self._joint_d_batch, self._log, compiled)
        self.opt_g = make_optimizer(self.config, list(self.generator.parameters()), self.config.lr_g)
        self.opt_d = make_optimizer(self.config, list(self.discriminator.parameters()), self.config.lr_d)
        self.sched_g = make_scheduler(self.config, self.opt_g, self.steps_per_epoch)
        self.sched_d = make_scheduler(self.config, self.opt_d, self.steps_per_epoch)
        # The moving average of G's weights, when configured, is what samples and generator.npz use.
        self.generator_average = (optim.ExponentialMovingAverage(self.generator, self.config.ema)
                                  if self.config.ema > 0 else None)
        self.epoch = 0  # completed epochs
        self.batch_in_epoch = 0  # completed batches of the current epoch
        self.global_step = 0  # completed batches over the run
        self.epoch_rng_state = rng_state(self.rng)
        self.history: dict[str, list[float]] = {key: [] for key in HISTORY_COLUMNS}
        self._history_files: HistoryFiles | None = None  # made at the first write (run_dir may change before)
        self.last_g_loss = float("nan")
        self.elapsed = 0.0  # training seconds over the run, resumed runs included
        self._stop_signal: int | None = None  # SIGINT or SIGTERM once a stop was asked for
        self._staging: backends.KernelStaging | None = None  # set by fit() on the CPU
        # called with the temporary file inside each checkpoint write, before the rename (a test hook)
        self.checkpoint_write_hook: Callable[[Path], None] | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(cls, config: TrainConfig, run_dir: str | os.PathLike, images: np.ndarray | None = None,
               **kwargs: Any) -> "Trainer":
        return cls(config, run_dir, images, **kwargs)

    @classmethod
    def resume(cls, run_dir: str | os.PathLike, images: np.ndarray | None = None, *,
               overrides: dict[str, Any] | None = None, **kwargs: Any) -> "Trainer":
        """Continue the run in ``run_dir`` from its checkpoint.

        ``overrides`` may change ``epochs`` (to train longer), ``log_every``, ``sample_every``,
        ``sample_every_steps``, ``data_dir`` and ``eval_every``; anything else that differs from the checkpoint's config raises
        CheckpointError (resuming must continue the same run).
        """
        config, state = resumed_config(run_dir, overrides)
        trainer = cls(config, run_dir, images, **kwargs)
        load_trainer_state(trainer, state)
        return trainer

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        """Everything a resumed run needs, as minigan.save can write it (gan/trainer_state.py)."""
        return trainer_state(self)

    @property
    def checkpoint_path(self) -> Path:
        return self.run_dir / CHECKPOINT_NAME

    def save_checkpoint(self) -> Path:
        save(self.state_dict(), self.checkpoint_path, before_replace=self.checkpoint_write_hook)
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
    def train_step(self, real_images: np.ndarray) -> dict[str, Any]:
        """One D step on ``real_images`` and, every ``n_critic`` batches, one G step
        (:func:`minigan.gan.step.train_step` on this run's nets, optimizers and Generator).

        Returns ``d_loss``, ``d_x``, ``d_g_z`` and ``g_loss`` (None when no G step was taken).
        """
        cfg = self.config
        g_step = (self.global_step + 1) % cfg.n_critic == 0
        if self._compiled is not None:
            z = self.rng.standard_normal((real_images.shape[0], cfg.latent_dim), dtype=np.float32)
            return row_of(self.objective, *self._compiled(z, real_images, g_step=g_step, opt_g=self.opt_g,
                                                          opt_d=self.opt_d, generator_average=self.generator_average))
        return train_step(self.generator, self.discriminator, self.opt_g, self.opt_d, self.objective, real_images,
                          rng=self.rng, latent_dim=cfg.latent_dim, g_step=g_step,
                          real_label=cfg.real_label, device=self.device, generator_average=self.generator_average,
                          joint_d_batch=self._joint_d_batch, instance_noise=instance_noise_sigma(
                              cfg.instance_noise, cfg.instance_noise_epochs or 1.0, self.global_step / self.steps_per_epoch))

    # ------------------------------------------------------------------ the loop
    def _log(self, text: str) -> None:
        if self.verbose:
            self._progress.line(text)

    def fit(self) -> dict[str, list[float]]:
        """Train up to ``config.epochs``; returns the history.

        Raises TrainingDiverged on a NaN/inf loss (no checkpoint is written after it),
        :class:`minigan.gan.stop_signals.Interrupted` (a KeyboardInterrupt) after saving a
        checkpoint when stopped (Ctrl-C, SIGTERM or :meth:`request_stop`), and RunWriteError
        when a file cannot be written. A run that ends before its first checkpoint removes what
        it wrote. The process's CPU kernel mode and default Generator are as it found them.
        """
        self._progress = Progress(self.stream)
        created = not self.run_dir.exists()
        try:
            with handling_stop_signals(self._on_stop_signal):
                try:
                    self._fit()
                except BaseException:
                    self._progress.close()
                    self._switch_kernels(quietly=True)  # a run that failed still ends its loading thread
                    raise
                self._progress.close()
                self._switch_kernels()  # a run shorter than the reference steps has not switched yet
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
        write_json(self.run_dir / CONFIG_NAME, self.config.to_dict())
        activations = fused_activations(self.generator, self.discriminator)
        if self.device == "cpu":  # the NumPy reference now, Numba's kernels (loading meanwhile) from the switch on
            self._staging = backends.warm_in_background(activations=activations)
            if self.global_step >= REFERENCE_KERNEL_STEPS:  # resumed past the switch
                self._staging.switch()
        else:  # compile (or load from Numba's cache) this run's CPU kernels now
            backends.warmup(activations=activations)
        if self.epoch >= cfg.epochs:
            self._log(f"nothing to do: the run already has {self.epoch} of {cfg.epochs} epochs")
            confirmed = self._confirm_best()  # a run stopped during its end-of-run check, or older than it
            if confirmed:
                if cfg.checkpoint_every:
                    self.save_checkpoint()
                self._log(confirmed)
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
                self.epoch_rng_state = rng_state(self.rng)
                batches = self.loader.batches(0)
            else:  # resumed mid-epoch: replay the epoch's shuffle, then continue the stream
                now = rng_state(self.rng)
                self.rng.bit_generator.state = self.epoch_rng_state
                batches = self.loader.batches(self.batch_in_epoch)
                self.rng.bit_generator.state = now
            started, done_here = time.perf_counter(), 0
            for real in batches:
                t0 = time.perf_counter()
                try:
                    row = self._step_on_staged_kernels(real)
                except KeyboardInterrupt:
                    self._interrupted(mid_step=True)
                    raise
                self.batch_in_epoch += 1
                self.global_step += 1
                done_here += 1
                self.elapsed += time.perf_counter() - t0
                g_loss = row.pop("g_loss")
                if not math.isfinite(row["d_loss"]) or (g_loss is not None and not math.isfinite(g_loss)):
                    self._diverged(row["d_loss"], g_loss)
                if g_loss is not None:
                    self.last_g_loss = g_loss
                row["g_loss"] = float("nan") if g_loss is None else g_loss
                full = {"epoch": epoch_number, "step": self.batch_in_epoch, "global_step": self.global_step, **row}
                for key in HISTORY_COLUMNS:
                    self.history[key].append(float(full.get(key, math.nan)))  # the score comes at the epoch's end
                if cfg.lr_schedule == "cyclic":
                    self.sched_g.step()
                    self.sched_d.step()
                if self.batch_in_epoch % cfg.log_every == 0:
                    self._log(step_line(epoch_number, cfg.epochs, self.batch_in_epoch, total, row, self.last_g_loss,
                                        self.objective, done_here, time.perf_counter() - started))
                if self.verbose:
                    self._progress.bar(epoch_number, cfg.epochs, self.batch_in_epoch, total, started)
                if cfg.sample_every_steps and self.global_step % cfg.sample_every_steps == 0:
                    self.save_samples(self.run_dir / "samples" / f"step_{self.global_step:07d}.png",
                                      title=f"{cfg.arch} / {cfg.loss}, step {self.global_step}")
                for callback in self.on_step:
                    callback(self, full)
                self._stop_if_asked()
            self.epoch += 1
            self.batch_in_epoch = 0
            if cfg.lr_schedule in ("exponential", "cosine"):
                self.sched_g.step()
                self.sched_d.step()
            self._end_of_epoch(epoch_number, time.perf_counter() - started)

    def _step_on_staged_kernels(self, real: np.ndarray) -> dict[str, Any]:
        """:meth:`train_step`, switching the CPU kernels to Numba's at step REFERENCE_KERNEL_STEPS."""
        if self.global_step >= REFERENCE_KERNEL_STEPS:
            self._switch_kernels()  # once; later calls do nothing
        return self.train_step(real)

    def _switch_kernels(self, quietly: bool = False) -> None:
        """Move to Numba's kernels if this run staged them (waiting for their load); ``quietly``
        drops the load's error (another one is already on its way out)."""
        if self._staging is not None:
            try:
                self._staging.switch()
            except Exception:
                if not quietly:
                    raise

    def _end_of_epoch(self, epoch_number: int, seconds: float) -> None:
        cfg = self.config
        if epoch_number % cfg.sample_every == 0 or epoch_number == cfg.epochs:
            self.save_samples(self.run_dir / "samples" / f"epoch_{epoch_number:03d}.png",
                              title=f"{cfg.arch} / {cfg.loss}, epoch {epoch_number}")
        scored = self._score_epoch(epoch_number)
        confirmed = self._confirm_best() if epoch_number == cfg.epochs else ""  # before the checkpoint records it
        every = cfg.checkpoint_every  # 0: no checkpoints; else every N epochs and at the end
        saved = bool(every) and (epoch_number % every == 0 or epoch_number == cfg.epochs)
        if saved:
            self.save_checkpoint()  # first: the history files never run ahead of the checkpoint
        self._write_history()
        self._log(f"epoch {epoch_number}/{cfg.epochs} done in {seconds:.1f}s "
                  f"(total {self.elapsed:.0f}s){scored}{f'; checkpoint {self.checkpoint_path}' if saved else ''}")
        if confirmed:
            self._log(confirmed)
        for callback in self.on_epoch:
            callback(self, epoch_number)

    def _score_epoch(self, epoch_number: int) -> str:
        """The epoch's score into the history's last row, and best.npz when it is the best; the log's words."""
        if self.best is None or not self.best.due(epoch_number, self.config.epochs):
            return ""
        started = time.perf_counter()
        score = self.last_score = self.best.score(self.sampling_generator, self.arch, self.config.latent_dim)
        self.history["fid"][-1] = score["fid"]
        self.history["fid_ratio_to_floor"][-1] = score["fid_ratio_to_floor"]
        kept = self.best.keep_if_best(score, self.sampling_generator, epoch_number)
        return (f"; FID {score['fid']:.3f} ({score['fid_ratio_to_floor']:.2f}x the floor, n = {score['n']:,} vs "
                f"validation, {time.perf_counter() - started:.1f}s){', best so far: ' + BEST_NAME if kept else ''}")

    def _confirm_best(self) -> str:
        """At the run's end: best.npz against the last generator at the larger n (BestKeeper.confirm); the log's line."""
        if self.best is None:
            return ""
        started = time.perf_counter()
        result = self.best.confirm(self.sampling_generator, self.epoch, self.arch, self.config.latent_dim)
        return "" if result is None else confirmation_line(result, time.perf_counter() - started)

    def _finish(self) -> None:
        # The history was written with the last epoch's checkpoint; only the weights are new.
        save(self.sampling_generator.state_dict(), self.run_dir / GENERATOR_NAME)
        if self.history["d_loss"]:
            h = self.history
            epochs = f"{self.epoch} epoch{'' if self.epoch == 1 else 's'}"
            self._log(f"done: {epochs}, {self.global_step} steps, {self.elapsed:.0f}s of training; "
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
        if not self.config.checkpoint_every:
            self._log(f"interrupted at global step {self.global_step}; {NO_CHECKPOINTS}")
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

        images = self.sample(self.fixed_noise)
        save_sample_grid(images, path, nrow=8, title=title)
        for callback in self.on_samples:
            callback(self, images, path.stem)

    def _write_history(self) -> None:
        if self._history_files is None:
            self._history_files = HistoryFiles(self.run_dir, HISTORY_COLUMNS)
        self._history_files.write(self.history, self.steps_per_epoch, title=f"{self.config.arch} / {self.config.loss}")

