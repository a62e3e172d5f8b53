"""``python -m minigan.train``: train a GAN on MNIST and leave samples, curves and weights in a run directory.

Every flag left out takes the value recommended for the chosen architecture and loss (see
``--help`` and :mod:`minigan.gan.models` for what the defaults are and how they were chosen).
Bad input (a missing or unwritable ``--out`` parent, a non-empty ``--out``, a ``--resume``
directory without a checkpoint or from another architecture, non-positive sizes, an unknown
loss, a corrupt data file, more memory than there is) is reported in one line on stderr with
exit status 2, before anything is written; so is a file of the run that cannot be written
later (the last checkpoint is kept). A diverged run (NaN/inf loss) exits with status 1.
Ctrl-C and SIGTERM save a checkpoint, then exit with 130 and 143. A run that ends before its
first checkpoint removes its files, so the same ``--out`` can be used again.

A flag the run's loss, optimizer or architecture does not use is refused too, in one line that
names the loss that uses it (:func:`minigan.gan.config.check_given`); the header line shows only
the settings in force. ``--config RUN/config.json`` reruns a run's recorded settings under the
flags given; ``--checkpoint-every none`` writes no checkpoint (only generator.npz), so such a
run cannot be resumed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from minigan import backends
from minigan.cli import (EXIT_BAD_INPUT, EXIT_FAILED, OneLineParser, UsageError, exit_status, non_negative_float,
                         non_negative_int, one_line, positive_float, positive_int, require_memory, run_program,
                         say_error)
from minigan.gan import (ARCHITECTURES, LR_SCHEDULES, OBJECTIVES, RunLock, RunWriteError, TrainConfig, Trainer,
                         TrainingDiverged, is_dead_run, is_empty_run_dir, lock_run, parameter_count, remove_dead_run,
                         remove_leftovers)
from minigan.gan.config import DECAYING_SCHEDULES, check_given, rerun_settings, settings_in_force
from minigan.gan.run_files import CHECKPOINT_NAME, GENERATOR_NAME, NO_CHECKPOINTS
from minigan.gan.trainer_state import RESUME_CHANGEABLE
from minigan.gan.tensorboard import TensorBoardLogger, TensorBoardMissing

__all__ = ["main", "build_parser"]

PROG = "python -m minigan.train"
# A test hook, read once per run: seconds to pause inside each checkpoint write, after the data
# is in the temporary file and before the rename (tests kill the process there).
PAUSE_IN_CHECKPOINT_WRITE = "MINIGAN_TEST_PAUSE_IN_CHECKPOINT_WRITE"
EXIT_DIVERGED = EXIT_FAILED
# float32 bytes a parameter costs while training: the weight, its gradient, Adam's two moments,
# the weight average, and the float64 draw it was initialised from.
_BYTES_PER_PARAMETER = 4 * 5 + 8


def _in_unit_interval(what: str, note: str = "") -> Callable[[str], float]:
    """An argparse type for a number in [0, 1) (Adam's betas, the weight average's decay)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
        if not 0.0 <= value < 1.0:
            raise argparse.ArgumentTypeError(f"{what} must be in [0, 1){note}, got {text}")
        return value
    return parse


def _checkpoint_every(text: str) -> int:
    """An argparse type: a positive number of epochs, or none (0: no checkpoints)."""
    if text.strip().lower() == "none":
        return 0
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number of epochs or none, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of epochs or none, got {text}")
    return value


def _widths(text: str) -> tuple[int, ...]:
    """An argparse type: hidden widths W1,W2,... (positive integers)."""
    try:
        widths = tuple(int(part) for part in text.split(","))
    except ValueError:
        widths = ()
    if not widths or min(widths) <= 0:
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas (hidden widths), got {text!r}")
    return widths


_beta = _in_unit_interval("each beta")
_decay = _in_unit_interval("the decay", " (0 turns the average off)")


def _architecture_defaults(key: str) -> str:
    """The architectures that set ``key`` themselves, for --help: "hinge for cnn-d and default"."""
    by_value: dict[str, list[str]] = {}
    for name, spec in ARCHITECTURES.items():
        if key in spec.defaults:
            value = spec.defaults[key]
            by_value.setdefault(f"{value:g}" if isinstance(value, float) else str(value), []).append(name)
    return ", ".join(f"{value} for {' and '.join(names)}" for value, names in by_value.items())


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=PROG,
        description="Train a GAN on MNIST with minigan. Every option left out takes the value recommended "
                    "for the architecture and loss (how the default run's were chosen, and what it scores: "
                    "docs/default-run-notes.md). For a first try: --epochs 3.",
    )
    run = parser.add_argument_group("the run")
    run.add_argument("--epochs", type=positive_int, default=None,
                     help="epochs to train (default: the architecture's; with --resume, the new total)")
    run.add_argument("--batch-size", type=positive_int, default=None, help="images per batch (default: the architecture's)")
    run.add_argument("--arch", choices=list(ARCHITECTURES), default=None,
                     help="network pair (default: default); default = the MLP of docs/default-run-notes.md, "
                          "seed = the 3-layer tutorial GAN (G 100-256-256-784), dcgan-mlp = the well-known MLP, "
                          "dcgan = the convolutional DCGAN, cnn-d = the default generator against a CNN discriminator, "
                          "tiny = G latent-64-784 and D 784-32-1, for tests and smoke runs (not for digits)")
    own_losses = _architecture_defaults("loss")
    run.add_argument("--loss", choices=list(OBJECTIVES), default=None,
                     help=f"objective (default: bce{'; ' + own_losses if own_losses else ''})")
    run.add_argument("--latent-dim", type=positive_int, default=None, help="size of the noise vector z (default: 100)")
    run.add_argument("--g-hidden", type=_widths, default=None, metavar="W1,W2,...",
                     help="hidden widths of the generator, one Linear each, for the MLP generators (every --arch "
                          "but dcgan) (default: the architecture's, 128,256,512,1024 for default)")
    run.add_argument("--d-hidden", type=_widths, default=None, metavar="W1,W2,...",
                     help="hidden widths of the discriminator, for the MLP discriminators (every --arch but dcgan "
                          "and cnn-d) (default: the architecture's, 512,256 for default)")
    run.add_argument("--seed", type=non_negative_int, default=None,
                     help="seed of the run's one random Generator; the same seed gives the same losses (default: 0)")
    run.add_argument("--out", default=None,
                     help="run directory, new or empty; its parent must exist, except runs/, which is made when needed (default: runs/ARCH-LOSS-seedN-TIME)")
    run.add_argument("--resume", metavar="RUN_DIR", default=None,
                     help="continue the run in RUN_DIR from its checkpoint (only "
                          + ", ".join("--" + name.replace("_", "-") for name in RESUME_CHANGEABLE) + " may change)")
    run.add_argument("--config", metavar="CONFIG_JSON", default=None,
                     help="rerun the settings an earlier run recorded in its config.json (RUN_DIR/config.json); "
                          "options given as well override them (the recorded settings the new loss or "
                          "optimizer does not use are left out); the run goes to a new --out")
    run.add_argument("--checkpoint-every", type=_checkpoint_every, default=None, metavar="N|none",
                     help="write checkpoint.npz every N epochs and at the end; none writes no checkpoint, only "
                          "generator.npz at the end, and the run cannot be resumed (default: 1)")
    opt = parser.add_argument_group("optimisation")
    opt.add_argument("--lr", type=positive_float, default=None,
                     help="learning rate of D and G (default: the architecture's or the loss's recommendation)")
    opt.add_argument("--lr-d", type=positive_float, default=None, metavar="LR",
                     help="D's learning rate, for two time-scales (TTUR) (default: --lr if given, else the "
                          f"architecture's: {_architecture_defaults('lr_d')}; else --lr's default)")
    opt.add_argument("--lr-g", type=positive_float, default=None, metavar="LR",
                     help="G's learning rate (default: --lr if given, else the architecture's: "
                          f"{_architecture_defaults('lr_g')}; else --lr's default)")
    opt.add_argument("--betas", type=_beta, nargs=2, metavar=("BETA1", "BETA2"), default=None,
                     help="Adam's betas; not with rmsprop, which has none (default: the architecture's or the loss's "
                          "recommendation)")
    opt.add_argument("--optimizer", choices=("adam", "rmsprop"), default=None,
                     help="optimizer for both nets (default: rmsprop for wgan, adam otherwise)")
    opt.add_argument("--n-critic", type=positive_int, default=None,
                     help="D steps per G step (default: 5 for wgan and wgan-gp, 1 otherwise)")
    opt.add_argument("--clip", type=positive_float, default=None, help="WGAN weight clipping bound c; --loss wgan only (default: 0.01)")
    opt.add_argument("--gp-lambda", type=non_negative_float, default=None, help="WGAN-GP penalty weight; --loss wgan-gp only (default: 10)")
    opt.add_argument("--r1-gamma", type=non_negative_float, default=None, metavar="GAMMA",
                     help="R1 penalty: D's loss gains GAMMA/2 times the mean squared norm of D's gradient "
                          f"at the real images; 0 turns it off (default: the architecture's, {_architecture_defaults('r1_gamma')}, "
                          "else 0)")
    opt.add_argument("--real-label", type=positive_float, default=None,
                     help="target for real images, --loss bce, bce-logits or minimax only; < 1 for one-sided label smoothing "
                          "(default: the architecture's, else 1)")
    opt.add_argument("--lr-schedule", choices=list(LR_SCHEDULES), default=None,
                     help="exponential and cosine: down to lr times --lr-final at the end; cyclic: lr/10..lr "
                          f"every 2 epochs (default: the architecture's, {_architecture_defaults('lr_schedule')}; "
                          "else none)")
    opt.add_argument("--lr-final", type=positive_float, default=None, metavar="FRACTION",
                     help="the learning rate after the last epoch as a fraction of the first, for --lr-schedule "
                          f"exponential and cosine (default: the architecture's with its own schedule, "
                          f"{_architecture_defaults('lr_final')}; else "
                          f"{' and '.join(f'{v:g} for {k}' for k, v in DECAYING_SCHEDULES.items())})")
    opt.add_argument("--ema", type=_decay, default=None, metavar="DECAY",
                     help="decay of the moving average of G's weights that makes the samples and generator.npz; "
                          "0 turns it off; step t uses min(DECAY, (1 + t) / (10 + t)), so 0.999 takes effect "
                          "after 8,990 G steps and 0.9998 after 44,990 (default: the architecture's, "
                          f"{_architecture_defaults('ema')})")
    collapse = parser.add_argument_group("against mode collapse (minigan/gan/regularizers.py)")
    collapse.add_argument("--minibatch-std", action="store_true", default=None,
                          help="give D the minibatch standard deviation of its features as one more feature (ProGAN)")
    collapse.add_argument("--spectral-norm", action="store_true", default=None,
                          help="spectral normalisation of D's Linear and Conv2d weights (one power iteration a pass)")
    collapse.add_argument("--instance-noise", type=non_negative_float, default=None, metavar="SIGMA",
                          help="Gaussian noise of standard deviation SIGMA on D's inputs, real and fake, annealed "
                               "linearly to 0 (default: 0, none)")
    collapse.add_argument("--instance-noise-epochs", type=positive_float, default=None, metavar="E",
                          help="the instance noise reaches 0 at the end of epoch E (default: the last epoch)")
    data = parser.add_argument_group("data and output")
    data.add_argument("--dataset", choices=("mnist", "fashion-mnist"), default=None, help="data set (default: mnist)")
    data.add_argument("--data-dir", default=None,
                      help="directory with the four IDX files (default: the cache, then downloads)")
    data.add_argument("--sample-every", type=positive_int, default=None,
                      help="write the fixed-noise sample grid every N epochs (default: 1)")
    data.add_argument("--sample-every-steps", type=positive_int, default=None, metavar="N",
                      help="also write the fixed-noise grid every N steps, as samples/step_NNNNNNN.png (default: off)")
    data.add_argument("--tensorboard", metavar="DIR", default=None,
                      help="also write history.csv's scalars (each step) and the sample grids as TensorBoard event files into DIR "
                           "(needs tensorboardX: pip install 'minigan[tensorboard]'; view with tensorboard --logdir DIR)")
    data.add_argument("--eval-every", type=non_negative_int, default=None, metavar="N",
                      help="every N epochs and after the last, the FID of 2,000 samples of the weight average against the "
                           "validation images (a few seconds), logged, in history.csv, and best.npz keeps the generator "
                           "with the best one; 0: never (default: 1)")
    data.add_argument("--log-every", type=positive_int, default=None, help="log a line every N steps (default: 100)")
    data.add_argument("--device", choices=("cpu", "cuda"), default=None,
                      help="where to train: cpu, or cuda for an NVIDIA GPU through CuPy (pip install -e '.[gpu]'; default: cpu)")
    return parser


_CONFIG_KEYS = ("epochs", "batch_size", "lr", "betas", "latent_dim", "arch", "loss", "n_critic", "clip", "gp_lambda",
                "r1_gamma", "lr_schedule", "lr_final", "real_label", "optimizer", "ema", "seed", "dataset", "data_dir",
                "log_every", "sample_every", "device", "checkpoint_every", "sample_every_steps", "lr_d", "lr_g", "minibatch_std",
                "spectral_norm", "instance_noise", "instance_noise_epochs", "eval_every", "g_hidden", "d_hidden")


def _given(args: argparse.Namespace) -> dict[str, Any]:
    """The options the user gave (argparse defaults are all None)."""
    values = {}
    for key in _CONFIG_KEYS:
        value = getattr(args, key, None)
        if value is not None:
            values[key] = tuple(value) if key in ("betas", "g_hidden", "d_hidden") else value
    return values


def _probe_writable(directory: Path) -> None:
    try:
        handle, name = tempfile.mkstemp(prefix=".minigan-probe-", dir=directory)
    except OSError as error:
        raise UsageError(f"cannot write in {directory}: {error.strerror or error}") from None
    os.close(handle)
    os.unlink(name)


class _HeldRun:
    """The run directory this process locked, and whether it made the directory (then it removes
    it again if the run leaves it empty)."""

    def __init__(self) -> None:
        self.lock: RunLock | None = None
        self.created: Path | None = None

    def take(self, run_dir: Path) -> None:
        """Lock ``run_dir`` (one line naming the holder's PID if another train has it), then clear
        what killed writes left there: no process is writing in it now."""
        try:
            self.lock = lock_run(run_dir)
            remove_leftovers(run_dir)
        except OSError as error:
            raise UsageError(f"cannot write in {run_dir}: {error.strerror or error}") from None

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        if self.created is not None:
            try:
                self.created.rmdir()  # only if empty: the run's files were removed
            except OSError:
                pass


def _take_new_out(out: Path, default: bool, held: _HeldRun) -> None:
    """A new run needs ``out`` to be absent, empty, or a run that never saved a checkpoint, in a
    writable parent; the directory is made if needed and locked."""
    if out.exists():
        if not out.is_dir():
            raise UsageError(f"--out {out} exists and is not a directory")
        held.take(out)
        if not is_empty_run_dir(out) and not is_dead_run(out):
            raise UsageError(f"--out {out} already exists and is not empty; choose a new directory "
                             f"or continue that run with --resume {out}")
        _probe_writable(out)
        return
    parent = out.parent
    made_on_demand = default or parent == Path("runs")  # the README's runs/first on a fresh clone
    if made_on_demand and not parent.exists():
        _probe_writable(parent.parent)  # runs/ is created on demand, in the working directory
    elif not parent.exists():
        raise UsageError(f"the parent directory of --out {out} does not exist: {parent}")
    elif not parent.is_dir():
        raise UsageError(f"the parent of --out {out} is not a directory: {parent}")
    else:
        _probe_writable(parent)
    try:
        out.mkdir(parents=made_on_demand)
    except FileExistsError:  # another train made it meanwhile: treat it as an existing directory
        return _take_new_out(out, default, held)
    except OSError as error:
        raise UsageError(f"cannot make --out {out}: {error.strerror or error}") from None
    held.created = out
    held.take(out)


def _require_model_memory(config: Any) -> None:
    """Refuse networks that cannot fit in memory before allocating them."""
    total = parameter_count(config.arch, config.latent_dim, config.g_hidden, config.d_hidden)
    arch = ARCHITECTURES[config.arch]
    widths = "".join(f" and --{net}-hidden {','.join(map(str, given))}" for net, given, own in
                     (("g", config.g_hidden, arch.g_hidden), ("d", config.d_hidden, arch.d_hidden)) if given != own)
    require_memory(total * _BYTES_PER_PARAMETER, f"--arch {config.arch} with --latent-dim {config.latent_dim}{widths}")


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (0 done, 1 diverged, 2 bad input, 130/143 stopped)."""
    return run_program(PROG, build_parser(), _run, argv)


def _create_trainer(args: argparse.Namespace, held: _HeldRun) -> Any:
    given = _given(args)
    if args.resume is not None:
        if args.config is not None:
            raise UsageError("--config cannot be used with --resume: a resumed run keeps the settings of its checkpoint")
        if args.out is not None and Path(args.out).resolve() != Path(args.resume).resolve():
            raise UsageError("--out cannot be used with --resume: a resumed run continues in its own directory")
        run_dir = Path(args.resume)
        if not run_dir.is_dir():
            raise UsageError(f"--resume {run_dir}: no such run directory")
        held.take(run_dir)
        if is_dead_run(run_dir):
            raise UsageError(f"--resume {run_dir}: that run stopped before its first checkpoint, so there is "
                             f"nothing to resume; start it again with --out {run_dir}")
        if not (run_dir / CHECKPOINT_NAME).exists() and (run_dir / GENERATOR_NAME).exists():
            raise UsageError(f"--resume {run_dir}: {NO_CHECKPOINTS}; rerun it with --config {run_dir / 'config.json'}")
        _probe_writable(run_dir)
        return Trainer.resume(run_dir, overrides=given)
    if args.config is not None:
        given = rerun_settings(args.config, given)
    check_given(given)
    config = TrainConfig(**given).resolve()
    _require_model_memory(config)
    default_out = args.out is None
    out = Path(args.out) if args.out is not None else Path("runs") / (
        f"{config.arch}-{config.loss}-seed{config.seed}-{time.strftime('%Y%m%d-%H%M%S')}")
    _take_new_out(out, default_out, held)
    trainer = Trainer.create(config, out)
    if is_dead_run(out):
        print(f"{out} holds a run that stopped before its first checkpoint; starting afresh there", flush=True)
        remove_dead_run(out)
    return trainer


def _run(args: argparse.Namespace) -> int:
    held = _HeldRun()
    try:
        return _train(args, held)
    finally:
        held.release()


def _pause_hook() -> Callable[[Path], None] | None:
    text = os.environ.get(PAUSE_IN_CHECKPOINT_WRITE)
    if not text:
        return None
    seconds = float(text)

    def pause(tmp: Path) -> None:
        print(f"{PROG}: test hook: pausing {seconds:g} s in the write of {tmp}", file=sys.stderr, flush=True)
        time.sleep(seconds)

    return pause


def _train(args: argparse.Namespace, held: _HeldRun) -> int:
    board = None
    if args.tensorboard is not None:
        try:
            board = TensorBoardLogger(args.tensorboard)
        except TensorBoardMissing as error:
            raise UsageError(str(error)) from None
        except OSError as error:
            raise UsageError(f"cannot write TensorBoard files into {args.tensorboard}: {error.strerror or error}") from None
    try:
        return _train_with(args, held, board)
    finally:
        if board is not None:
            board.close()


def _train_with(args: argparse.Namespace, held: _HeldRun, board: TensorBoardLogger | None) -> int:
    try:
        # Building the networks runs no kernel; on the NumPy reference it does not wait for Numba's
        # import either, which the trainer does in the background while its first steps run.
        with backends.use_cpu_kernels("numpy"):
            trainer = _create_trainer(args, held)
    except (ValueError, OSError) as error:  # ConfigError, CheckpointError, DataError, a batch larger than the data
        raise UsageError(one_line(error)) from None
    except KeyboardInterrupt as interrupt:
        print(f"{PROG}: interrupted before training started; nothing was written", file=sys.stderr)
        return exit_status(interrupt)

    trainer.checkpoint_write_hook = _pause_hook()
    if board is not None:
        trainer.on_step.append(board.on_step)
        trainer.on_samples.append(board.on_samples)
        trainer.on_epoch.append(board.on_epoch)
    print(f"run directory: {trainer.run_dir}", flush=True)
    print(settings_in_force(trainer.config, trainer.steps_per_epoch), flush=True)
    try:
        # A diverging run overflows on its way to the NaN/inf loss that fit() reports in one line;
        # NumPy's floating-point warnings would only repeat that, many times over.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            trainer.fit()
    except TrainingDiverged as error:
        say_error(PROG, one_line(error))
        return EXIT_DIVERGED
    except RunWriteError as error:
        say_error(PROG, one_line(error))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as interrupt:
        if trainer.checkpoint_path.exists():
            print(f"{PROG}: interrupted; resume with: {PROG} --resume {trainer.run_dir}", file=sys.stderr)
        elif not trainer.config.checkpoint_every:
            print(f"{PROG}: interrupted; {NO_CHECKPOINTS}; the run's files were removed", file=sys.stderr)
        else:
            print(f"{PROG}: interrupted before the first checkpoint; the run's files were removed", file=sys.stderr)
        return exit_status(interrupt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
