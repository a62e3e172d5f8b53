"""``python -m minigan.sample --checkpoint RUN_DIR -n 64 [--out grid.png] [--npy samples.npy]``.

Draws ``n`` images from a trained generator (in eval mode) and writes what was asked: a PNG
grid with ``--out``, a float32 array of shape (n, 28, 28) with values in [0, 1] with ``--npy``,
and ``samples.png`` only when neither is given. Both files are written or neither. RUN_DIR is a
directory written by ``python -m minigan.train`` (its ``checkpoint.npz``, or ``generator.npz``
plus ``config.json``), or a checkpoint file. Bad input: one line on stderr, exit status 2.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from minigan.backends import check_device
from minigan.cli import OneLineParser, UsageError, non_negative_int, positive_int, require_memory, run_program

__all__ = ["main", "load_generator", "draw_samples"]


PROG = "python -m minigan.sample"
DEFAULT_GRID = "samples.png"
_IMAGE_BYTES = 28 * 28 * 4  # one float32 image
_PNG_BYTES_PER_PIXEL = 40  # the grid in float64, the figure's RGBA canvas and matplotlib's resampling


def _read_config(path: Path) -> dict[str, Any]:
    """The architecture and latent size a run's config.json names (CheckpointError if it cannot say)."""
    from minigan.gan.trainer import CheckpointError

    try:
        config = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CheckpointError(f"cannot read {path} as a run's JSON configuration: {error}") from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{path} is not a run's configuration (a JSON object with arch and latent_dim)")
    missing = [key for key in ("arch", "latent_dim") if key not in config]
    if missing:
        raise CheckpointError(f"{path} does not say which network it is: no {' or '.join(missing)}")
    return config


def _check_finite(generator: Any, path: Path) -> None:
    from minigan.gan.trainer import CheckpointError

    for name, array in generator.state_dict().items():
        if np.asarray(array).dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise CheckpointError(f"the generator in {path} has NaN or infinite weights ({name}); "
                                  "the run diverged before it was saved")


def load_generator(checkpoint: str | Path):
    """``(G, architecture, latent_dim)`` from a run directory or checkpoint file.

    Raises CheckpointError (a ValueError) with one line naming the file for anything that
    cannot be sampled from: no checkpoint, an unreadable config.json, weights of another net,
    NaN weights.
    """
    import minigan
    from minigan.gan.models import build_models
    from minigan.gan.trainer import CHECKPOINT_NAME, GENERATOR_NAME, CheckpointError, load_checkpoint

    path = Path(checkpoint)
    if path.is_dir() and not (path / CHECKPOINT_NAME).exists() and (path / GENERATOR_NAME).exists():
        config_path = path / "config.json"
        if not config_path.exists():
            raise CheckpointError(f"{path} has {GENERATOR_NAME} but no config.json saying which architecture it is")
        config = _read_config(config_path)
        try:
            weights = minigan.load(path / GENERATOR_NAME)
        except (OSError, ValueError) as error:
            raise CheckpointError(str(error)) from None
    else:
        state = load_checkpoint(path)
        config, weights = state.get("config"), state.get("generator")
        if state.get("generator_ema") is not None:  # the run samples from its weight average
            weights = state["generator_ema"].get("module") if isinstance(state["generator_ema"], dict) else None
    try:
        latent_dim = int(config["latent_dim"])
        generator, _, arch = build_models(str(config["arch"]), latent_dim)
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"{path} names a network minigan cannot build: {error}") from None
    try:
        generator.load_state_dict(weights)
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"the weights in {path} do not fit architecture {config['arch']!r}: "
                              f"{str(error).splitlines()[0]}") from None
    _check_finite(generator, path)
    return generator, arch, latent_dim


def draw_samples(generator: Any, arch: Any, latent_dim: int, n: int, seed: int = 0,
                 batch_size: int = 1000) -> np.ndarray:
    """n images in [0, 1], shape (n, 784) float32, from noise z ~ N(0, I) of ``default_rng(seed)``.

    Drawn ``batch_size`` at a time (the same noise as one draw of shape (n, latent_dim)), so
    memory grows with n only by the images themselves.
    """
    from minigan.gan.trainer import generate

    rng = np.random.default_rng(seed)
    images = np.empty((n, 28 * 28), dtype=np.float32)
    for start in range(0, n, batch_size):
        stop = min(n, start + batch_size)
        images[start:stop] = generate(generator, rng.standard_normal((stop - start, latent_dim), dtype=np.float32),
                                      arch)
    if not np.all(np.isfinite(images)):
        raise ValueError("the generator produced NaN or infinite values")
    return images


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Draw samples from a generator trained by python -m minigan.train.")
    parser.add_argument("--checkpoint", required=True, metavar="RUN_DIR",
                        help="run directory (or its checkpoint.npz) written by minigan.train")
    parser.add_argument("-n", type=positive_int, default=64, help="number of samples (default: 64)")
    parser.add_argument("--out", default=None,
                        help=f"PNG grid to write (default: {DEFAULT_GRID}, unless only --npy is given)")
    parser.add_argument("--npy", default=None, help="write the samples as float32 (n, 28, 28) in [0, 1]")
    parser.add_argument("--nrow", type=positive_int, default=8, help="images per row of the grid (default: 8)")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="seed of the noise (default: 0)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="where to run the generator: cpu, or cuda for an NVIDIA GPU through CuPy (default: cpu)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from minigan.gan.trainer import CheckpointError

    return run_program(PROG, build_parser(), _run, argv, expected=(CheckpointError,))


def _targets(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    """(PNG path, .npy path): only what was asked; the default grid when nothing was."""
    png = Path(args.out) if args.out is not None else (None if args.npy is not None else Path(DEFAULT_GRID))
    npy = Path(args.npy) if args.npy is not None else None
    for target in (png, npy):
        if target is None:
            continue
        if target.is_dir():
            raise UsageError(f"{target} is a directory; give a file name")
        if not target.resolve().parent.is_dir():
            raise UsageError(f"the directory of {target} does not exist")
    if png is not None and npy is not None and png.resolve() == npy.resolve():
        raise UsageError(f"--out and --npy name the same file {png}")
    return png, npy


def _check_memory(args: argparse.Namespace, png: Path | None) -> None:
    from minigan.viz import sample_grid_pixels

    needed = args.n * _IMAGE_BYTES
    if png is not None:
        width, height = sample_grid_pixels(args.n, args.nrow)
        needed += width * height * _PNG_BYTES_PER_PIXEL
    require_memory(needed, f"-n {args.n}" + (f" with a PNG grid of {args.nrow} per row" if png is not None else ""))


def _run(args: argparse.Namespace) -> int:
    from minigan.paths import atomic_path
    from minigan.viz import save_sample_grid

    png, npy = _targets(args)
    _check_memory(args, png)
    try:
        generator, arch, latent_dim = load_generator(args.checkpoint)
        generator.to(check_device(args.device, UsageError))
    except OSError as error:
        raise UsageError(f"cannot read {args.checkpoint}: {error.strerror or error}") from None
    try:
        images = draw_samples(generator, arch, latent_dim, args.n, args.seed)
    except ValueError as error:
        raise UsageError(f"{args.checkpoint}: {error}") from None
    try:
        with contextlib.ExitStack() as stack:  # every file lands only when all were written
            if npy is not None:
                with open(stack.enter_context(atomic_path(npy)), "wb") as handle:
                    np.save(handle, images.reshape(-1, 28, 28))
            if png is not None:
                save_sample_grid(images, stack.enter_context(atomic_path(png)), nrow=args.nrow)
    except OSError as error:
        raise UsageError(f"cannot write the samples: {error.strerror or error}: {error.filename}") from None
    written = " and ".join(str(target) for target in (png, npy) if target is not None)
    print(f"wrote {args.n} samples to {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
