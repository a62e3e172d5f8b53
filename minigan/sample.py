"""``python -m minigan.sample --checkpoint RUN_DIR -n 64 [--out grid.png] [--npy samples.npy]``.

Draws ``n`` images from a trained generator (in eval mode) and writes what was asked: a PNG
grid with ``--out``, a float32 array of shape (n, 28, 28) with values in [0, 1] with ``--npy``,
and ``samples.png`` only when neither is given. Both files are written or neither. RUN_DIR is a
directory written by ``python -m minigan.train`` (its ``checkpoint.npz``, or ``generator.npz``
plus ``config.json``), or a checkpoint file, or a ``.safetensors`` file written by
``python -m minigan.export``; or, with ``--arch``, a plain state_dict file such as the G.pt of
examples/tutorial_gan.py (``--arch seed``). Bad input: one line on stderr, exit status 2.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from minigan.backends import check_device
from minigan.cli import (
    OneLineParser, add_generator_choice, UsageError, non_negative_int, positive_int, require_memory, run_program,
)
from minigan.gan import CheckpointError, draw_samples, load_generator
from minigan.gan.models import ARCHITECTURES
from minigan.gan.sampling import load_state_dict_generator
from minigan.paths import atomic_path

__all__ = ["main", "load_generator", "draw_samples"]  # the last two from minigan.gan.sampling, kept here


PROG = "python -m minigan.sample"
DEFAULT_GRID = "samples.png"
_IMAGE_BYTES = 28 * 28 * 4  # one float32 image
_PNG_BYTES_PER_PIXEL = 40  # the grid in float64, the figure's RGBA canvas and matplotlib's resampling


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Draw samples from a generator trained by python -m minigan.train.")
    parser.add_argument("--checkpoint", required=True, metavar="RUN_DIR",
                        help="run directory (or its checkpoint.npz) written by minigan.train, or a .safetensors "
                             "file written by minigan.export")
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default=None,
                        help="the network of a plain state_dict file given as --checkpoint (e.g. G.pt from "
                             "examples/tutorial_gan.py is --arch seed)")
    add_generator_choice(parser, "sample")
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
    from minigan.viz import save_sample_grid  # matplotlib loads only when a grid is drawn

    png, npy = _targets(args)
    _check_memory(args, png)
    try:
        if args.arch is not None:
            if args.which is not None:
                raise UsageError("--which applies to a run directory, not to a plain state_dict (--arch)")
            if args.weights != "average":
                raise UsageError("--weights applies to a run directory or checkpoint, not to a plain state_dict (--arch)")
            generator, arch, latent_dim = load_state_dict_generator(args.checkpoint, args.arch)
        else:
            generator, arch, latent_dim = load_generator(args.checkpoint, args.weights, args.which)
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
